"""Metrics over a store: lazy scans give the same numbers, and the summaries the corpus-wide pages draw."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from govdata import metrics, schema, views
from govdata.store import scan_frame, write_corpus
from tests.fixtures_corpus import ALPHA, BETA, build_corpus
from tests.notebooks.many_agencies import build_many_agencies


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    out = tmp_path_factory.mktemp("store")
    write_corpus(build_many_agencies(300), out, partitioned=True)
    return out


def test_shares_from_a_lazy_scan_of_a_partitioned_store_equal_those_from_frames_in_memory(store):
    corpus = build_many_agencies(300)
    eager = metrics.outcome_shares(corpus.outcomes, corpus.checks)
    lazy = metrics.outcome_shares(scan_frame(store, "outcomes"), scan_frame(store, "checks"))
    assert_frame_equal(lazy, eager)


def test_check_status_of_a_lazy_scan_equals_that_of_the_frame():
    checks = build_corpus().checks
    assert_frame_equal(metrics.report_check_status(checks.lazy()), metrics.report_check_status(checks))


def test_shares_of_wide_equal_outcome_shares():
    corpus = build_corpus()
    wide = metrics.outcomes_wide(corpus.outcomes, definition_flags=True)
    assert_frame_equal(metrics.shares_of_wide(wide, corpus.checks), metrics.outcome_shares(corpus.outcomes, corpus.checks))


def test_outcomes_wide_keeps_its_columns_unless_definition_flags_are_asked_for():
    outcomes = build_corpus().outcomes
    assert metrics.outcomes_wide(outcomes).columns == ["report_id", "agency_id", "year", "template", *metrics.OUTCOME_KEYS]
    flagged = metrics.outcomes_wide(outcomes, definition_flags=True)
    assert "is_definition_changed_withheld" in flagged.columns


def test_share_distribution_counts_only_shown_shares_and_gives_their_quantiles():
    shares = pl.DataFrame({
        "year": [2020] * 6, "metric": ["share_withheld"] * 6,
        "share": [0.0, 0.1, 0.2, 0.3, 0.4, None], "is_below_min_n": [False] * 5 + [True],
        "is_input_failed": [True, False, False, False, False, True],
    })
    row = metrics.share_distribution(shares).row(0, named=True)
    assert (row["n_reports"], row["n_below_min_n"], row["n_reports_failed"]) == (5, 1, 1)
    assert row["median"] == pytest.approx(0.2) and row["p25"] == pytest.approx(0.1) and row["p90"] == pytest.approx(0.36)


def test_largest_agencies_rank_by_handled_requests_and_break_ties_by_id():
    frame = pl.DataFrame({"agency_id": ["b", "a", "c", "c", None], "denominator": [10, 10, 4, 4, 99]})
    assert metrics.largest_agencies(frame, n=3) == ["a", "b", "c"]
    assert metrics.largest_agencies(frame, n=1) == ["a"]


def test_agencies_outside_the_largest_become_one_named_group():
    frame = pl.DataFrame({"agency_id": ["a", "b", "c", "d"], "agency_name": ["甲", "乙", "丙", "丁"]})
    grouped = metrics.group_smaller_agencies(frame, ["c", "a"])
    assert grouped["agency_name"].to_list() == ["甲", "其他 2 个机关", "丙", "其他 2 个机关"]
    assert grouped["agency_order"].to_list() == [1, 2, 0, 2]


def test_outcome_counts_share_of_total_uses_only_reports_that_printed_the_outcome():
    corpus = build_corpus()
    counts = metrics.outcome_counts(metrics.outcomes_wide(corpus.outcomes.filter(pl.col("year").is_in([2018, 2019]))),
                                    by=["year"])
    unable_2019 = counts.filter((pl.col("year") == 2019) & (pl.col("outcome") == "unable")).row(0, named=True)
    # alpha 20 of 110, beta 2 of 9: legacy 2018 has no 无法提供 row and is not a 2019 report anyway
    assert (unable_2019["value"], unable_2019["total"], unable_2019["n_reports"]) == (22, 119, 2)
    assert unable_2019["outcome_zh"] == "无法提供"
    assert counts.filter((pl.col("year") == 2018) & (pl.col("outcome") == "unable")).height == 0


def test_pooled_share_without_failed_reports_leaves_out_the_reports_that_fail_a_rule():
    corpus = build_corpus()
    shares = metrics.outcome_shares(corpus.outcomes, corpus.checks, metrics=["share_withheld"])
    year_2021 = views.pooled_with_sensitivity(shares).filter(pl.col("year") == 2021).row(0, named=True)
    # alpha 2021 (10/115) and the hostile agency (5/40) both fail `identity`: nothing is left
    assert year_2021["share"] == pytest.approx(15 / 155) and year_2021["share_without_failed"] is None
    year_2019 = views.pooled_with_sensitivity(shares).filter(pl.col("year") == 2019).row(0, named=True)
    assert year_2019["share_without_failed"] == pytest.approx(year_2019["share"])


def test_a_report_without_outcome_rows_of_known_keys_still_gets_a_row_of_nulls():
    outcomes = schema.frame("outcomes", [
        {"report_id": "r", "agency_id": ALPHA, "year": 2020, "template": "2019", "outcome": "withheld", "value": 1, "source": "table3"},
        {"report_id": "s", "agency_id": BETA, "year": 2020, "template": "2019", "outcome": "unknown_key", "value": 1, "source": "table3"},
    ])
    wide = metrics.outcomes_wide(outcomes)
    assert wide["report_id"].to_list() == ["r", "s"] and wide.filter(pl.col("report_id") == "s")["withheld"][0] is None
