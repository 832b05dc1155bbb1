"""Fingerprints stay put across re-runs, and a reviewer's verdict in reviews.csv follows its finding."""

from __future__ import annotations

import polars as pl
import pytest

from govdata import check
from govdata.check import check_report
from govdata.reviews import ReviewsError, apply_reviews, fingerprint, read_reviews, stale_reviews, with_fingerprints
from govdata.schema import frame
from tests.unit.test_check import CONSISTENT_2019, report, table3, with_cells

HEADER = "fingerprint,verdict,note,reviewer,date\n"


def failing_report():
    rows = with_cells(CONSISTENT_2019, partial=(1, 3))
    return report(table3=table3(rows))


def partial_row_fingerprint(checks: pl.DataFrame) -> str:
    return checks.filter(check="row_sum", scope="row=partial")["fingerprint"][0]


def write_reviews(tmp_path, body: str):
    path = tmp_path / "reviews.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_fingerprint_is_the_same_on_every_run_of_the_same_report():
    first, second = check_report(failing_report()), check_report(failing_report())
    assert first["fingerprint"].to_list() == second["fingerprint"].to_list()
    assert partial_row_fingerprint(first) == fingerprint(report().report_id, "row_sum", "row=partial")


def test_fingerprint_does_not_depend_on_row_order():
    checks = check_report(failing_report())
    reordered = with_fingerprints(checks.reverse())
    assert dict(zip(reordered["scope"] + reordered["check"], reordered["fingerprint"], strict=True)) == dict(
        zip(checks["scope"] + checks["check"], checks["fingerprint"], strict=True))


def test_fingerprints_are_unique_within_a_report_even_for_repeated_structure_findings():
    finding = {"report_id": "aaaaaaaaaaaaaaaa", "check": "missing_cells", "scope": "table=table3", "status": "fail",
               "severity": "warning", "message": "缺少单元格"}
    checks = check_report(failing_report(), structure=[{**finding, "line": 90}, {**finding, "line": 95}])
    assert checks["fingerprint"].n_unique() == checks.height


def test_fingerprint_differs_between_reports_rules_and_scopes():
    assert len({fingerprint("a", "row_sum", "row=partial"), fingerprint("b", "row_sum", "row=partial"),
                fingerprint("a", "column_sum", "row=partial"), fingerprint("a", "row_sum", "row=granted")}) == 4


def test_a_verdict_is_attached_to_its_finding_and_the_status_is_kept(tmp_path):
    target = partial_row_fingerprint(check_report(failing_report()))
    path = write_reviews(tmp_path, f"{target},confirmed,列合计为 5 而总计为 1,张三,2024-05-01\n")
    checks = check_report(failing_report(), reviews=path)
    found = checks.filter(fingerprint=target).row(0, named=True)
    assert (found["status"], found["verdict"], found["review_note"]) == ("fail", "confirmed", "列合计为 5 而总计为 1")
    assert checks.filter(pl.col("fingerprint") != target)["verdict"].null_count() == checks.height - 1


def test_a_dismissed_failure_is_not_an_error_for_strict_mode(tmp_path):
    checks = check_report(failing_report())
    body = "".join(f"{fp},dismissed,parser artefact,李四,2024-05-02\n" for fp in check.errors(checks)["fingerprint"])
    reviewed = check_report(failing_report(), reviews=write_reviews(tmp_path, body), strict=True)
    assert reviewed.filter(status="fail").height == checks.filter(status="fail").height


def test_a_confirmed_failure_still_fails_strict_mode(tmp_path):
    checks = check_report(failing_report())
    body = "".join(f"{fp},confirmed,real,李四,2024-05-02\n" for fp in check.errors(checks)["fingerprint"])
    with pytest.raises(check.ChecksFailed):
        check_report(failing_report(), reviews=write_reviews(tmp_path, body), strict=True)


def test_applying_reviews_again_replaces_older_verdicts(tmp_path):
    target = partial_row_fingerprint(check_report(failing_report()))
    confirmed = check_report(failing_report(), reviews=write_reviews(tmp_path, f"{target},confirmed,a,张三,2024-05-01\n"))
    redone = apply_reviews(confirmed, write_reviews(tmp_path, f"{target},dismissed,b,张三,2024-06-01\n"))
    assert redone.filter(fingerprint=target)["verdict"].to_list() == ["dismissed"]
    assert redone.height == confirmed.height


@pytest.mark.parametrize(("row", "complaint"), [
    ("0123456789abcdef,approved,n,张三,2024-05-01\n", "verdict must be one of confirmed, dismissed"),
    ("0123456789abcdeX,confirmed,n,张三,2024-05-01\n", "fingerprint must be 16 hex digits"),
    ("0123456789abcdef,confirmed,n,,2024-05-01\n", "reviewer is empty"),
    ("0123456789abcdef,confirmed,n,张三,01/05/2024\n", "date must be YYYY-MM-DD"),
    ("0123456789abcdef,confirmed,n,张三,2024-05-01\n0123456789abcdef,dismissed,n,张三,2024-05-01\n", "already reviewed on line 2"),
])
def test_a_malformed_reviews_file_is_rejected_with_file_and_line(tmp_path, row, complaint):
    path = write_reviews(tmp_path, row)
    with pytest.raises(ReviewsError, match=complaint) as raised:
        read_reviews(path)
    assert f"{path}:" in str(raised.value)


def test_a_missing_default_reviews_file_means_no_verdicts(tmp_path, monkeypatch):
    monkeypatch.delenv("GOVDATA_REVIEWS", raising=False)
    monkeypatch.setenv("GOVDATA_PROJECT", str(tmp_path))  # a project without data/reviews.csv
    assert read_reviews().height == 0


def test_a_reviews_file_named_by_the_environment_that_does_not_exist_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVDATA_REVIEWS", str(tmp_path / "absent.csv"))
    with pytest.raises(ReviewsError, match="no such reviews file"):
        read_reviews()


def test_a_named_reviews_file_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(ReviewsError, match="no such reviews file"):
        read_reviews(tmp_path / "absent.csv")


def test_a_review_that_matches_no_check_is_reported_as_stale(tmp_path):
    checks = check_report(failing_report())
    live = partial_row_fingerprint(checks)
    path = write_reviews(tmp_path, f"{live},confirmed,n,张三,2024-05-01\nffffffffffffffff,confirmed,n,张三,2024-05-01\n")
    assert stale_reviews(checks, path)["fingerprint"].to_list() == ["ffffffffffffffff"]


def test_checks_without_reviews_have_null_verdicts():
    checks = check_report(failing_report())
    assert checks["verdict"].null_count() == checks.height
    assert checks.columns[-3:] == ["fingerprint", "verdict", "review_note"]
    assert frame("checks", []).columns == checks.columns
