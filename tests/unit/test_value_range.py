"""A number no column can hold is a ``value_out_of_range`` finding with the printed text kept, in every
frame and every command; one bad file never stops a batch (issue 15; 表三/表四 counts in
test_pipeline_robustness.py)."""

from __future__ import annotations

import json
import shutil

import polars as pl
from click.testing import CliRunner

from govdata import harmonize, load, parse_report
from govdata.cli import main
from govdata.ingest import ingest
from govdata.store import read_corpus
from tests.conftest import SEED_2017_CITY, SEED_2020_TAISHANG, SEED_2023_CITY

HUGE = "1234567890123456789012"  # two cells run together
ENORMOUS = "9" * 400  # past Float64 altogether: would be inf


def _replaced(seed, old: str, new: str) -> str:
    text = seed.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def _findings(report) -> list[dict]:
    return report.checks.filter(check="value_out_of_range").to_dicts()


def test_a_table2_number_past_float64_precision_is_a_finding_with_raw_kept():
    for printed in (HUGE, ENORMOUS):
        report = parse_report(text=_replaced(SEED_2023_CITY, "规章\t0\t0\t0", f"规章\t{printed}\t0\t0"))
        [cell] = report.table2.filter(pl.col("raw") == printed).to_dicts()
        assert cell["value"] is None and cell["item"] == "regulations"
        [finding] = _findings(report)
        assert finding["line"] == cell["line"] and finding["scope"] == f"item=regulations;measure={cell['measure']}"
        assert printed[:40] in finding["message"]


def test_a_legacy_number_past_float64_precision_is_a_finding_and_null():
    report = parse_report(text=_replaced(SEED_2017_CITY, "| 受理政府信息公开申请总数 | 条 | 230 | 437 |",
                                          f"| 受理政府信息公开申请总数 | 条 | {HUGE} | {ENORMOUS} |"))
    [row] = report.legacy.filter(indicator="requests_total").to_dicts()
    assert row["value"] is None and row["cumulative"] is None
    findings = _findings(report)
    assert len(findings) == 2 and {f["line"] for f in findings} == {row["line"]}
    assert HUGE in findings[0]["message"] + findings[1]["message"]


def test_a_prose_number_past_float64_precision_is_a_finding_not_a_fact():
    report = parse_report(text=_replaced(SEED_2017_CITY, "共受理政府信息公开申请 230 件", f"共受理政府信息公开申请 {ENORMOUS} 件"))
    assert report.facts.filter(pl.col("value").is_infinite() | (pl.col("value").abs() > 2**53)).height == 0
    [finding] = _findings(report)
    assert finding["scope"].startswith("fact=") and "共受理政府信息公开申请" in finding["message"]


def test_table3_groups_whose_sum_passes_int64_have_no_outcome_value_instead_of_a_crash():
    n = str(9 * 10**18)
    text = _replaced(SEED_2023_CITY, "1.属于国家秘密\t1\t0\t0\t0\t0\t0\t1", f"1.属于国家秘密\t{n}\t0\t0\t0\t0\t0\t{n}")
    text = text.replace("2.其他法律行政法规禁止公开\t2\t0\t0\t0\t0\t0\t2", f"2.其他法律行政法规禁止公开\t{n}\t0\t0\t0\t0\t0\t{n}", 1)
    report = parse_report(text=text)
    assert report.table3.filter(row="withheld.state_secret", requester="total")["value"].to_list() == [int(n)]
    assert report.outcomes.filter(outcome="withheld")["value"].to_list() == [None]
    assert report.outcomes.filter(outcome="granted")["value"].to_list() == [138]


def test_load_ingest_and_extract_go_on_past_numbers_out_of_range(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a_huge.txt").write_text(_replaced(SEED_2023_CITY, "规章\t0\t0\t0", f"规章\t{ENORMOUS}\t0\t0"), encoding="utf-8")
    shutil.copy(SEED_2020_TAISHANG, folder / "b_good.txt")
    corpus = load(folder)
    assert corpus.reports.height == 2 and not corpus.failures
    summary = ingest(folder, tmp_path / "store", jobs=2, batch_size=1)  # in worker processes
    assert summary.n_failed == 0 and read_corpus(tmp_path / "store").checks.filter(check="value_out_of_range").height == 1
    result = CliRunner().invoke(main, ["extract", str(folder / "a_huge.txt")])
    assert result.exit_code == 0 and "[value_out_of_range]" in result.stderr
    assert json.loads(result.stdout)["table2"][0]["value"] is None


def test_a_report_whose_rows_do_not_fit_the_frames_fails_alone_and_its_batch_goes_on(tmp_path, monkeypatch):
    real = harmonize.outcome_rows

    def overflowing(report, *args, **kwargs):
        rows = real(report, *args, **kwargs)
        if report.get("year") == 2023:
            rows[0]["value"] = 2**70
        return rows

    monkeypatch.setattr(harmonize, "outcome_rows", overflowing)
    corpus = load([SEED_2023_CITY, SEED_2020_TAISHANG])
    assert corpus.reports["year"].to_list() == [2020]
    [failure] = corpus.failures
    assert failure.source.endswith("2023_jinjiang-city.txt") and "storing its frames" in failure.reason


def test_a_percent_printed_with_many_decimals_beside_a_large_count_is_judged_not_a_crash():
    # fuzz: "5.90%" with its decimals run into 25 nines, beside a 16-digit count, overflowed Decimal's 28 digits
    from govdata.check import Operand, judge_share

    row = judge_share("percent_vs_count", "fact=x", "占比", Operand("甲", 9_000_000_000_000_000), Operand("乙", 3),
                      5.9999999999999999999999999, 25, line=7)
    assert row["status"] == "fail" and row["line"] == 7
