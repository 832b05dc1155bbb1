"""`govdata check` lists failures by report with file:line, summarises by rule, and exits 1 only with --strict."""

from __future__ import annotations

from click.testing import CliRunner

from govdata.check import check_report, with_corpus_checks
from govdata.cli import main
from govdata.model import Corpus
from govdata.reviews import empty_reviews
from govdata.store import write_corpus
from tests.unit.test_check import CONSISTENT_2019, facts, report, table3, with_cells


def processed(tmp_path, rows=CONSISTENT_2019, **frames) -> str:
    """A directory as `govdata ingest` writes it, holding one hand-built report."""
    rep = report(table3=table3(rows), **frames)
    rep.report.update({"source": "reports/a.txt", "agency": "某某区", "year": 2020, "agency_id": "a"})
    rep.checks = check_report(rep)
    out = tmp_path / "processed"
    write_corpus(with_corpus_checks(Corpus.from_reports([rep]), reviews=empty_reviews()), out)
    return str(out)


def broken_partial_row():
    return with_cells(CONSISTENT_2019, partial=(1, 3))


def test_check_prints_each_failure_under_its_report_with_file_and_line(tmp_path):
    result = CliRunner().invoke(main, ["check", processed(tmp_path, broken_partial_row())])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("reports/a.txt  某某区 2020")
    assert any(line.startswith("  reports/a.txt:103  row_sum  error  横向合计（部分公开）") for line in lines)


def test_check_prints_a_summary_by_rule(tmp_path):
    result = CliRunner().invoke(main, ["check", processed(tmp_path, broken_partial_row())])
    summary = result.stdout.split("summary by rule:")[1].splitlines()
    row_sum = next(line.split() for line in summary if line.strip().startswith("row_sum"))
    assert row_sum == ["row_sum", str(len(CONSISTENT_2019) - 1), "1", "0", "1"]


def test_check_strict_exits_1_when_an_error_level_check_fails(tmp_path):
    result = CliRunner().invoke(main, ["check", "--strict", processed(tmp_path, broken_partial_row())])
    assert result.exit_code == 1


def test_check_strict_exits_0_when_only_warnings_fail(tmp_path):
    stated = facts(("proactive.total", 10.0, 1), ("proactive.category.plans", 4.0, 2), ("proactive.category.other", 5.0, 2))
    result = CliRunner().invoke(main, ["check", "--strict", processed(tmp_path, facts=stated)])
    assert result.exit_code == 0
    assert "category_sum  warning" in result.stdout


def test_check_lists_not_assessable_checks_only_when_asked(tmp_path):
    blank = with_cells(CONSISTENT_2019, carried_over=(6, ""))
    quiet = CliRunner().invoke(main, ["check", processed(tmp_path, blank)])
    loud = CliRunner().invoke(main, ["check", "--not-assessable", processed(tmp_path, blank)])
    assert "not_assessable  收办平衡（总计列）" not in quiet.stdout
    assert "reports/a.txt:121  identity  error not_assessable  收办平衡（总计列）：无法核对，上年结转（第101行）为空白" in loud.stdout


def test_check_names_a_malformed_reviews_file_in_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("fingerprint,verdict,note,reviewer,date\nxyz,confirmed,n,r,2024-01-01\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--reviews", str(bad), processed(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "bad.csv:2" in result.stderr


def test_check_warns_about_a_review_that_matches_no_check(tmp_path):
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("fingerprint,verdict,note,reviewer,date\nffffffffffffffff,confirmed,n,r,2024-01-01\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--reviews", str(reviews), processed(tmp_path)])
    assert result.exit_code == 0
    assert "1 review(s) match no check here" in result.stderr and "ffffffffffffffff" in result.stderr
