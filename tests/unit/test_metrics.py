"""Metrics: shares with named numerators, Wilson intervals, minimum N, check status carried along."""

from __future__ import annotations

import polars as pl
import pytest

from govdata import metrics, schema
from govdata.model import Corpus
from tests.fixtures_corpus import ALPHA, BETA, build_corpus, report_id


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return build_corpus()


def _one(frame: pl.DataFrame, **where) -> dict:
    rows = frame.filter(**where)
    assert rows.height == 1, rows
    return rows.row(0, named=True)


# ----------------------------------------------------------------- Wilson


@pytest.mark.parametrize(("k", "n", "low", "high"), [
    (5, 10, 0.2366, 0.7634),   # textbook values (Wilson 1927; Newcombe 1998 table I)
    (0, 10, 0.0, 0.2775),
    (10, 10, 0.7225, 1.0),
    (81, 263, 0.2553, 0.3662),
])
def test_wilson_interval_matches_published_values(k, n, low, high):
    got_low, got_high = metrics.wilson_interval(k, n)
    assert got_low == pytest.approx(low, abs=5e-5)
    assert got_high == pytest.approx(high, abs=5e-5)


def test_wilson_interval_is_undefined_without_observations():
    assert metrics.wilson_interval(0, 0) == (None, None)


def test_wilson_expressions_agree_with_the_scalar_formula():
    frame = pl.DataFrame({"k": [0, 3, 12, 50, None], "n": [7, 40, 120, 50, 10]})
    low, high = metrics.wilson_exprs(pl.col("k"), pl.col("n"))
    got = frame.select(low.alias("low"), high.alias("high")).rows()
    for (k, n), pair in zip(frame.rows(), got, strict=True):
        if k is None:
            assert pair == (None, None)
        else:
            assert pair == pytest.approx(metrics.wilson_interval(k, n))


# ----------------------------------------------------------------- shares


def test_share_withheld_is_withheld_over_total(corpus):
    shares = metrics.outcome_shares(corpus.outcomes, corpus.checks)
    row = _one(shares, agency_id=ALPHA, year=2023, metric="share_withheld")
    assert (row["numerator"], row["denominator"], row["share"]) == (12, 120, pytest.approx(0.1))
    assert row["ci_low"] < 0.1 < row["ci_high"]


def test_share_denied_broad_adds_withheld_unable_and_not_processed(corpus):
    shares = metrics.outcome_shares(corpus.outcomes, corpus.checks, metrics=["share_denied_broad"])
    row = _one(shares, agency_id=ALPHA, year=2023)
    assert (row["numerator"], row["denominator"]) == (12 + 12 + 4, 120)


def test_share_granted_any_adds_full_and_partial_grants(corpus):
    shares = metrics.outcome_shares(corpus.outcomes, corpus.checks, metrics=["share_granted_any", "share_granted_full"])
    assert _one(shares, agency_id=ALPHA, year=2023, metric="share_granted_any")["numerator"] == 90
    assert _one(shares, agency_id=ALPHA, year=2023, metric="share_granted_full")["numerator"] == 80


def test_share_below_min_n_is_null_but_keeps_its_counts(corpus):
    shares = metrics.outcome_shares(corpus.outcomes, corpus.checks, metrics=["share_withheld"])
    row = _one(shares, agency_id=BETA, year=2019)
    assert row["is_below_min_n"] is True
    assert row["share"] is None and row["ci_low"] is None
    assert (row["numerator"], row["denominator"]) == (1, 9)


def test_min_n_is_a_parameter(corpus):
    shares = metrics.outcome_shares(corpus.outcomes, corpus.checks, metrics=["share_withheld"], min_n=5)
    assert _one(shares, agency_id=BETA, year=2019)["share"] == pytest.approx(1 / 9)
    assert metrics.DEFAULT_MIN_N == 30


def test_share_needing_an_outcome_the_report_did_not_print_is_null_not_zero(corpus):
    # legacy 附表 have no 无法提供 / 不予处理 rows: unknown, not zero
    shares = metrics.outcome_shares(corpus.outcomes, corpus.checks, metrics=["share_denied_broad", "share_withheld"])
    assert _one(shares, agency_id=ALPHA, year=2017, metric="share_denied_broad")["numerator"] is None
    assert _one(shares, agency_id=ALPHA, year=2017, metric="share_denied_broad")["share"] is None
    assert _one(shares, agency_id=ALPHA, year=2017, metric="share_withheld")["share"] == pytest.approx(10 / 80)


def test_zero_total_gives_no_share():
    outcomes = schema.frame("outcomes", [
        {"report_id": "r", "agency_id": "a", "year": 2020, "template": "2019", "outcome": key, "value": 0, "source": "table3"}
        for key in metrics.OUTCOME_KEYS])
    row = metrics.outcome_shares(outcomes, min_n=0, metrics=["share_withheld"]).row(0, named=True)
    assert row["share"] is None and row["ci_low"] is None


def test_unknown_metric_name_raises_with_the_known_names(corpus):
    with pytest.raises(KeyError, match="share_withheld"):
        metrics.outcome_shares(corpus.outcomes, metrics=["share_refused"])


def test_every_share_metric_names_numerator_denominator_and_defines_itself_in_both_languages():
    assert set(metrics.SHARE_METRICS) == {"share_withheld", "share_denied_broad", "share_granted_full",
                                          "share_granted_any", "share_unable", "share_not_processed"}
    for metric in metrics.SHARE_METRICS.values():
        assert set(metric.numerator) <= set(metrics.OUTCOME_KEYS) and metric.denominator == ("total",)
        assert metric.definition_zh and metric.definition_en and "\n" not in metric.definition_zh + metric.definition_en
        assert any("\u4e00" <= ch <= "\u9fff" for ch in metric.definition_zh)
    definitions = metrics.metric_definitions()
    assert definitions.filter(pl.col("metric") == "share_denied_broad")["numerator"][0] == "不予公开 + 无法提供 + 不予处理"


def test_outcomes_from_the_table_win_over_the_same_outcome_stated_in_prose():
    rows = [{"report_id": "r", "agency_id": "a", "year": 2020, "template": "2019", "outcome": "withheld", "value": v,
             "source": s} for v, s in ((99, "facts"), (5, "table3"))]
    rows.append({"report_id": "r", "agency_id": "a", "year": 2020, "template": "2019", "outcome": "total", "value": 50,
                 "source": "table3"})
    wide = metrics.outcomes_wide(schema.frame("outcomes", rows))
    assert wide.row(0, named=True)["withheld"] == 5


# ----------------------------------------------------------------- check status


def test_shares_carry_the_failed_check_of_their_report(corpus):
    shares = metrics.outcome_shares(corpus.outcomes, corpus.checks, metrics=["share_withheld"])
    failed = _one(shares, agency_id=ALPHA, year=2021)
    assert (failed["input_status"], failed["failed_checks"], failed["is_input_failed"]) == ("fail", "identity", True)
    assert _one(shares, agency_id=ALPHA, year=2023)["input_status"] == "pass"


def test_a_failed_table2_rule_does_not_flag_outcome_shares(corpus):
    rid = report_id(ALPHA, 2023)
    checks = pl.concat([corpus.checks, schema.frame("checks", [
        {"report_id": rid, "check": "in_force_continuity", "status": "fail", "severity": "error", "line": 30}])])
    shares = metrics.outcome_shares(corpus.outcomes, checks, metrics=["share_withheld"])
    assert _one(shares, agency_id=ALPHA, year=2023)["input_status"] == "pass"


def test_a_failure_a_reviewer_dismissed_does_not_flag_the_numbers(corpus):
    checks = corpus.checks.with_columns(
        pl.when(pl.col("status") == "fail").then(pl.lit("dismissed")).otherwise(pl.col("verdict")).alias("verdict"))
    shares = metrics.outcome_shares(corpus.outcomes, checks, metrics=["share_withheld"])
    assert _one(shares, agency_id=ALPHA, year=2021)["input_status"] == "pass"
    confirmed = checks.with_columns(pl.when(pl.col("verdict") == "dismissed").then(pl.lit("confirmed")).alias("verdict"))
    shares = metrics.outcome_shares(corpus.outcomes, confirmed, metrics=["share_withheld"])
    assert _one(shares, agency_id=ALPHA, year=2021)["input_status"] == "fail"


def test_shares_say_when_an_input_was_filed_under_a_changed_definition(corpus):
    shares = metrics.outcome_shares(corpus.outcomes, corpus.checks, metrics=["share_withheld", "share_granted_full"])
    assert _one(shares, agency_id=ALPHA, year=2017, metric="share_withheld")["is_definition_changed"] is True
    assert _one(shares, agency_id=ALPHA, year=2017, metric="share_granted_full")["is_definition_changed"] is False
    assert _one(shares, agency_id=ALPHA, year=2023, metric="share_withheld")["is_definition_changed"] is False


def test_report_without_any_check_row_is_unchecked(corpus):
    shares = metrics.outcome_shares(corpus.outcomes, schema.empty("checks"), metrics=["share_withheld"])
    assert set(shares["input_status"]) == {"unchecked"}
    assert not shares["is_input_failed"].any()


def test_warning_only_failures_give_warning_status():
    checks = schema.frame("checks", [
        {"report_id": "r", "check": "percent_vs_count", "status": "fail", "severity": "warning"},
        {"report_id": "r", "check": "identity", "status": "pass", "severity": "error"},
        {"report_id": "s", "check": "identity", "status": "not_assessable", "severity": "error"},
    ])
    status = {row["report_id"]: row["input_status"] for row in metrics.report_check_status(checks).iter_rows(named=True)}
    assert status == {"r": "warning", "s": "not_assessable"}


def test_pooled_shares_add_counts_across_agencies_and_flag_failed_inputs(corpus):
    shares = metrics.outcome_shares(corpus.outcomes, corpus.checks, metrics=["share_withheld"])
    pooled = metrics.pooled_shares(shares)
    year_2021 = _one(pooled, year=2021)
    assert (year_2021["numerator"], year_2021["denominator"]) == (10 + 5, 115 + 40)
    assert year_2021["n_reports_failed"] == 2 and year_2021["input_status"] == "fail"
    year_2019 = _one(pooled, year=2019)  # beta (n=9) is pooled even though it is below min N on its own
    assert (year_2019["numerator"], year_2019["denominator"], year_2019["input_status"]) == (8 + 1, 110 + 9, "pass")


# ----------------------------------------------------------------- workload, corrections, requesters


def test_requests_come_from_table3_and_fall_back_to_the_legacy_table(corpus):
    requests = metrics.requests_per_agency_year(corpus)
    assert _one(requests, agency_id=ALPHA, year=2023)["requests_new"] == 122
    assert _one(requests, agency_id=ALPHA, year=2023)["requests_source"] == "table3"
    legacy = _one(requests, agency_id=ALPHA, year=2017)
    assert (legacy["requests_new"], legacy["requests_source"], legacy["carry_over_ratio"]) == (80, "legacy", None)
    assert legacy["handled"] == 80  # the harmonized total when there is no table 3


def test_carry_over_ratio_is_carried_forward_over_new_plus_carried_over(corpus):
    row = _one(metrics.requests_per_agency_year(corpus), agency_id=ALPHA, year=2023)
    assert row["carry_over_ratio"] == pytest.approx(4 / (122 + 2))


def test_correction_rate_is_corrected_over_total_and_litigation_adds_both_kinds(corpus):
    rates = metrics.correction_rates(corpus, min_n=1)
    review = _one(rates, agency_id=ALPHA, year=2023, proceeding="review")
    assert (review["corrected"], review["total"], review["correction_rate"]) == (1, 4, pytest.approx(0.25))
    litigation = _one(rates, agency_id=ALPHA, year=2023, proceeding="litigation")
    assert litigation["total"] == 2 and litigation["proceeding_zh"] == "行政诉讼（合计）"


def test_correction_rate_respects_min_n_and_ignores_table3_failures(corpus):
    rates = metrics.correction_rates(corpus)
    review = _one(rates, agency_id=ALPHA, year=2021, proceeding="review")
    assert review["correction_rate"] is None and review["is_below_min_n"]
    assert review["input_status"] == "pass"  # the identity failure is about 表三


def test_requester_mix_shares_add_up_to_one_per_report(corpus):
    mix = metrics.requester_mix(corpus)
    totals = mix.group_by("report_id").agg(pl.col("share").sum())
    assert totals["share"].to_list() == pytest.approx([1.0] * totals.height)
    row = _one(mix, agency_id=ALPHA, year=2023, requester="natural_person")
    assert row["requester_zh"] == "自然人" and row["value"] == 122 - 24 - 1


def test_check_findings_point_to_the_source_file_and_line(corpus):
    findings = metrics.check_findings(corpus, report_ids=[report_id(ALPHA, 2021)])
    assert findings.height == 1
    row = findings.row(0, named=True)
    assert row["location"] == f"{row['source']}:95" and row["check"] == "identity"


def test_subset_with_empty_selection_keeps_everything(corpus):
    assert metrics.subset(corpus.outcomes).height == corpus.outcomes.height
    assert set(metrics.subset(corpus.outcomes, agencies=[BETA], years=[2020])["year"]) == {2020}
