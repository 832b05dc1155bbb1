"""What makes a page trustworthy to a reader: Chinese words for every key, like-for-like pooling,
refusal reasons, clear one-line errors for wrong parameters."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from govdata import check, metrics, terms, views
from govdata.cli import main
from govdata.model import Corpus
from tests.fixtures_corpus import ALPHA, BETA, build_corpus, write_fixture_corpus

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return write_fixture_corpus(tmp_path_factory.mktemp("trust_store"))


# ------------------------------------------------------------------ Chinese labels, from data


def _documented_structure_findings() -> set[str]:
    text = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8").split("## Structure findings made by the parser", 1)[1]
    text = text.split("\n## ", 1)[0]  # that section only: files that gave no report are not checks
    return set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.MULTILINE))


def test_every_check_key_has_a_chinese_label_and_meaning_in_check_keys_csv():
    keys = {rule.check for rule in check.RULES.values()} | _documented_structure_findings()
    assert len(keys) > 20
    known = terms.check_keys()
    assert sorted(keys - set(known)) == []
    assert all(known[key].label_zh and known[key].meaning_zh for key in keys)


def test_failed_checks_read_in_chinese():
    assert terms.checks_zh("column_sum, row_sum") == "纵向合计、横向合计"
    assert terms.term("template", "legacy") == "旧版（附表）" and terms.term("verdict", None) == "未复核"


def test_harmonized_notes_are_chinese():
    from govdata.pipeline import load
    from tests.conftest import SEED_2017_CITY, SEED_2023_CITY

    notes = load([SEED_2017_CITY, SEED_2023_CITY]).outcomes["note"].drop_nulls().to_list()
    assert notes and not [n for n in notes if re.search(r"\b(table3|prose|line|column|differs)\b", n)]
    assert any("附表“不予公开答复数” 104（第251行）与正文 101（第208行）不同" in n for n in notes)


# ------------------------------------------------------------------ pooled like with like


def _shares(rows):
    return pl.DataFrame(rows, schema={"agency_id": pl.String, "year": pl.Int64, "numerator": pl.Int64, "denominator": pl.Int64},
                        orient="row").with_columns(pl.lit("m").alias("metric"), pl.lit(False).alias("is_input_failed"))


def test_pooled_points_of_different_agencies_are_never_one_segment():
    pooled = metrics.pooled_like_for_like(_shares([("a", 2020, 0, 63), ("b", 2023, 19, 243)]))
    assert pooled["segment"].n_unique() == 2
    assert pooled["only_agency_id"].to_list() == ["a", "b"] and pooled["n_agencies_common"].to_list() == [None, 0]


def test_pooled_segment_continues_only_for_the_same_agencies_in_consecutive_years():
    pooled = metrics.pooled_like_for_like(_shares([
        ("a", 2020, 1, 10), ("b", 2020, 1, 10), ("a", 2021, 2, 10), ("b", 2021, 2, 10),  # same pair: one segment
        ("a", 2022, 3, 10),                                                              # b missing: new segment
        ("a", 2024, 4, 10)]))                                                            # gap year: new segment
    assert pooled["segment"].to_list() == [0, 0, 1, 2]
    like = pooled.filter(pl.col("year") == 2022).row(0, named=True)
    assert like["n_agencies_common"] == 1 and like["share_common_previous"] == 0.2 and like["share_common"] == 0.3


def test_pooled_segment_stops_at_the_2019_template_change():
    pooled = metrics.pooled_like_for_like(_shares([("a", 2018, 1, 10), ("a", 2019, 1, 10)]))
    assert pooled["segment"].to_list() == [0, 1]


# ------------------------------------------------------------------ refusal reasons


def test_refusal_reasons_per_report_and_across_agencies():
    corpus = build_corpus()
    table3 = pl.concat([corpus.table3, pl.DataFrame({
        "report_id": [corpus.reports.filter(pl.col("agency_id") == ALPHA)["report_id"][-1]] * 2,
        "row": ["withheld.process_info", "unable.not_held"], "row_zh": ["属于四类过程性信息", "本机关不掌握相关政府信息"],
        "requester": ["total", "total"], "value": [7, 5], "raw": ["7", "5"], "line": [80, 84]})], how="vertical_relaxed")
    reasons = metrics.refusal_reasons(Corpus(**{**corpus.frames(), "table3": table3}))
    assert set(reasons.select("group_zh", "reason_zh", "value").rows()) == {("不予公开", "过程性信息", 7), ("无法提供", "不掌握", 5)}
    totals = metrics.reason_totals(reasons)
    assert totals.filter(pl.col("reason") == "withheld.process_info")["share_of_group"][0] == 1.0


# ------------------------------------------------------------------ wrong parameters: one clear line


def test_trends_with_an_unknown_agency_id_names_it_and_the_known_ones(store):
    with pytest.raises(views.ParameterError, match=r"unknown agency id\(s\) \['jinjiang_city'\].*alpha_city"):
        views.trends(store, agencies=["jinjiang_city"])


def test_trends_with_a_single_agency_string_means_that_agency_not_its_letters(store):
    assert views.trends(store, agencies=BETA, min_n=5).shares["agency_id"].unique().to_list() == [BETA]


def test_trends_with_years_without_data_says_which_years_have_reports(store):
    with pytest.raises(views.ParameterError, match=r"no report of the store in 2030–2031; years with reports: \[2017"):
        views.trends(store, years=[2030, 2031])


def test_years_is_a_range_everywhere():
    assert views.year_range([2019, 2023]) == (2019, 2023) and views.year_range("2019-2023") == (2019, 2023)
    assert views.year_range(2020) == (2020, 2020) and views.year_range([]) is None
    with pytest.raises(views.ParameterError, match="range"):
        views.year_range([2019, 2020, 2021])


def test_min_n_that_is_no_number_is_a_clear_error():
    with pytest.raises(views.ParameterError, match="min_n must be a whole number"):
        views.check_min_n("abc")


def test_govdata_run_reports_wrong_parameters_in_one_line(store):
    # a value of the wrong kind is refused before the notebook runs (a usage error, exit 2); a
    # value the data does not have is found by the notebook (exit 1)
    runner = CliRunner()
    for args, expected, status in (
        (["-p", "min_n", "abc"], "parameter min_n of trends.ipynb must be a whole number", 2),
        (["-p", "agencies", "jinjiang_city"], "unknown agency id(s) ['jinjiang_city']", 1),
        (["-p", "years", "[2030, 2031]"], "no report of the store in 2030–2031", 1),
    ):
        done = runner.invoke(main, ["run", "trends", "-p", "data_dir", str(store), *args])
        assert done.exit_code == status, done.output
        message = done.output.strip().splitlines()
        assert len(message) == 1 and expected in message[0], done.output


def test_pages_made_by_govdata_run_have_chinese_titles():
    from govdata.notebooks import page_title

    assert page_title("notebooks/trends.ipynb", {"metric": "share_withheld"}) == "历年趋势（不予公开占比）"
    assert page_title("agency_briefing", {"agency_id": "jinjiang_city", "year": 2023}) == "机关年度数据简报（jinjiang_city，2023年）"
