"""The checks on the five bundled reports: every real discrepancy is found at its line, nothing else.

Each failure below was read against the report text (docs/data-quality.md explains each one,
data/reviews.csv holds its confirmed verdict). The exact-set tests make the converse hold
too: a consistent value of the seeds that some rule flags fails them.
"""

from __future__ import annotations

import polars as pl
import pytest
from click.testing import CliRunner

from govdata import load
from govdata.check import errors
from govdata.cli import main
from govdata.reviews import read_reviews, stale_reviews
from govdata.store import read_corpus, write_corpus
from tests.conftest import SEED_2017_CITY, SEED_2018_LINGYUAN, SEED_2019_EDZ, SEED_2020_TAISHANG, SEED_2023_CITY, SEEDS

pytestmark = pytest.mark.integration

# (seed, check, scope, line, expected, actual, severity)
DISCREPANCIES = [
    # 晋江市 2017 (legacy template: prose + 附表)
    (SEED_2017_CITY, "legacy_vs_text", "fact=requests.received@40;indicator=requests_total", 40, 230, 38, "error"),
    (SEED_2017_CITY, "legacy_vs_text", "fact=complaints.total@40;indicator=complaints", 40, 0, 1, "error"),
    (SEED_2017_CITY, "legacy_vs_text", "fact=proactive.cumulative@127;indicator=proactive_total;column=cumulative", 127, 35685, 53192,
     "error"),
    (SEED_2017_CITY, "category_sum", "facts=proactive.category.*@134", 127, 4486, 4488, "warning"),
    (SEED_2017_CITY, "percent_vs_count", "fact=proactive.category.other@160", 160, 3.41, 3.45, "warning"),
    (SEED_2017_CITY, "legacy_vs_text", "facts@204;indicator=responses_other", 204, 40, 43, "error"),
    (SEED_2017_CITY, "legacy_vs_text", "fact=outcome.withheld@208;indicator=responses_withheld", 208, 104, 101, "error"),
    (SEED_2017_CITY, "category_sum", "indicator=requests_total;column=cumulative", 244, 447, 437, "error"),
    (SEED_2017_CITY, "category_sum", "indicator=responses_total;column=cumulative", 248, 447, 437, "error"),
    # 晋江经济开发区 2019: the parser's structure finding on 表四
    (SEED_2019_EDZ, "extra_cells", "table=table4", 105, 15, 16, "warning"),
    # 泉州台商投资区 2020: prose line 19 against 表三 / 表四
    (SEED_2020_TAISHANG, "text_vs_table", "fact=outcome.granted@19", 19, 46, 44, "error"),
    (SEED_2020_TAISHANG, "text_vs_table", "fact=outcome.partial@19", 19, 9, 7, "error"),
    (SEED_2020_TAISHANG, "text_vs_table", "fact=outcome.withheld@19", 19, 0, 2, "error"),
    (SEED_2020_TAISHANG, "text_vs_table", "fact=litigation.total@19", 19, 1, 0, "error"),
    # 晋江市 2023: 表三
    (SEED_2023_CITY, "row_sum", "row=partial", 90, 22, 18, "error"),
    (SEED_2023_CITY, "row_sum", "row=not_processed.petition", 102, 1, 0, "error"),
    (SEED_2023_CITY, "column_sum", "column=natural_person", 110, 228, 227, "error"),
    (SEED_2023_CITY, "column_sum", "column=commercial", 110, 18, 15, "error"),
    (SEED_2023_CITY, "column_sum", "column=legal_services", 110, 2, 1, "error"),
]

# Blank 上年结转 总计 cell (台商区 2020, line 143): these rules cannot be judged, and say so.
NOT_ASSESSABLE = [
    (SEED_2020_TAISHANG, "identity", "column=total", 359),
    (SEED_2020_TAISHANG, "row_sum", "row=carried_over", 143),
    (SEED_2020_TAISHANG, "text_vs_table", "fact=requests.received@19", 19),
]


@pytest.fixture(scope="module")
def corpus():
    return load(SEEDS)


@pytest.fixture(scope="module")
def checks(corpus) -> pl.DataFrame:
    sources = corpus.reports.select("report_id", pl.col("source").str.extract(r"([^/]+)$").alias("file"))
    return corpus.checks.join(sources, on="report_id")


def _rows(checks: pl.DataFrame, status: str) -> set[tuple]:
    found = checks.filter(status=status)
    return set(found.select("file", "check", "scope", "line").iter_rows())


@pytest.mark.parametrize("discrepancy", DISCREPANCIES, ids=lambda d: f"{d[0].stem}:{d[3]}:{d[1]}:{d[2]}")
def test_each_real_discrepancy_of_the_seeds_is_found_at_its_line(checks, discrepancy):
    seed, name, scope, line, expected, actual, severity = discrepancy
    found = checks.filter(file=seed.name, check=name, scope=scope)
    assert found.height == 1
    row = found.row(0, named=True)
    assert (row["status"], row["line"], row["expected"], row["actual"], row["severity"]) == ("fail", line, expected, actual, severity)


def test_no_consistent_value_of_the_seeds_is_flagged(checks):
    assert _rows(checks, "fail") == {(s.name, c, sc, line) for s, c, sc, line, *_ in DISCREPANCIES}


def test_only_the_blank_carried_over_total_makes_seed_checks_not_assessable(checks):
    assert _rows(checks, "not_assessable") == {(s.name, c, sc, line) for s, c, sc, line in NOT_ASSESSABLE}
    message = checks.filter(file=SEED_2020_TAISHANG.name, check="identity", scope="column=total")["message"][0]
    assert "上年结转（第143行）为空白" in message


def test_every_identity_of_the_2020_seed_passes_except_the_blank_total(checks):
    identity = checks.filter(file=SEED_2020_TAISHANG.name, check="identity")
    assert identity.height == 7
    assert identity.filter(status="pass").height == 6


def test_every_identity_and_table4_total_of_the_2023_seed_passes(checks):
    seed = checks.filter(pl.col("check").is_in(["identity", "t4_total"]), file=SEED_2023_CITY.name)
    assert seed.height == 10 and set(seed["status"]) == {"pass"}


def test_every_table_rule_of_the_2019_seed_passes(checks):
    seed = checks.filter(pl.col("check").is_in(["identity", "row_sum", "column_sum", "t4_total"]), file=SEED_2019_EDZ.name)
    assert seed.height == 7 + 23 + 7 + 3 and set(seed["status"]) == {"pass"}


def test_truncated_shares_of_the_seeds_are_accepted(checks):
    # 开发区 2019 line 34: 14/53 = 26.415…% printed 26.41; 灵源 2018 line 45: 3/39 = 7.69…% printed 7.6
    assert checks.filter(file=SEED_2019_EDZ.name, scope="fact=proactive.category.plans@34")["status"].to_list() == ["pass"]
    assert checks.filter(file=SEED_2018_LINGYUAN.name,
                         scope="fact=proactive.category.land_construction_environment@45")["status"].to_list() == ["pass"]


def test_the_2023_received_requests_match_new_plus_carried_over(checks):
    row = checks.filter(file=SEED_2023_CITY.name, scope="fact=requests.received@35").row(0, named=True)
    assert (row["status"], row["expected"], row["actual"]) == ("pass", 248, 248)


def test_the_2023_partial_row_message_names_the_row_and_its_columns(checks):
    message = checks.filter(file=SEED_2023_CITY.name, check="row_sum", scope="row=partial")["message"][0]
    assert message == ("横向合计（部分公开）：自然人 18 + 商业企业 3 + 科研机构 0 + 社会公益组织 0 + 法律服务机构 1 + "
                       "其他（法人或其他组织） 0 = 22；总计 18；不相符（差 4）")


def test_every_seed_failure_carries_a_confirmed_verdict_and_no_review_is_stale(checks):
    failing = checks.filter(status="fail")
    assert set(failing["verdict"]) == {"confirmed"}
    assert failing["review_note"].null_count() == 0
    assert stale_reviews(checks, read_reviews()).height == 0


def test_fingerprints_do_not_change_when_the_seeds_are_loaded_in_another_order(corpus):
    again = load(list(reversed(SEEDS)))
    key = ["report_id", "check", "scope"]
    assert (corpus.checks.select(*key, "fingerprint").sort(key).equals(again.checks.select(*key, "fingerprint").sort(key)))


def test_checks_survive_the_round_trip_through_parquet(corpus, tmp_path):
    write_corpus(corpus, tmp_path)
    stored = read_corpus(tmp_path).checks
    key = ["report_id", "check", "scope"]
    assert stored.sort(key).equals(corpus.checks.sort(key))


def test_check_command_on_the_raw_seeds_prints_failures_by_file_and_line_and_exits_0():
    result = CliRunner().invoke(main, ["check", str(SEEDS[0].parent)])
    assert result.exit_code == 0
    assert "2023_jinjiang-city.txt:90  row_sum  error  横向合计（部分公开）" in result.stdout
    assert "2020_quanzhou-taishang-zone.txt:19  text_vs_table  error  正文与表格（予以公开）" in result.stdout
    assert "summary by rule:" in result.stdout


def test_check_command_strict_exits_1_on_the_seeds_and_reads_processed_outputs(corpus, tmp_path):
    write_corpus(corpus, tmp_path)
    raw = CliRunner().invoke(main, ["check", "--strict", str(SEEDS[0].parent)])
    processed = CliRunner().invoke(main, ["check", "--strict", str(tmp_path)])
    assert raw.exit_code == processed.exit_code == 1
    assert raw.stdout == processed.stdout
    n_errors = errors(corpus.checks).height
    assert f"{n_errors} error-level failure(s)" in processed.stdout and n_errors == 16


def test_every_seed_discrepancy_is_listed_in_the_data_quality_page(root):
    page = (root / "docs" / "data-quality.md").read_text(encoding="utf-8")
    for seed, name, _scope, line, expected, actual, _severity in DISCREPANCIES:
        row = next((r for r in page.splitlines() if r.startswith(f"| {seed.name}:{line} | {name}")
                    and f"| {expected:g} | {actual:g} |" in r), None)
        assert row is not None, f"{seed.name}:{line} {name} {expected}/{actual}"
