"""Charts over a national-scale corpus: aggregated in Polars first, never over Altair's row limit.

Altair refuses a chart whose data has more than 5,000 rows (``MaxRowsError``), and every row
it keeps is inlined into the page. These tests draw each chart from ~20,000 agency-years of
~4,500 agencies with the limit in force, and check what a reader sees instead of one line or
panel per agency.
"""

from __future__ import annotations

import json

import altair as alt
import polars as pl
import pytest

from govdata import charts, metrics, views
from tests.notebooks.many_agencies import build_many_agencies

ALTAIR_MAX_ROWS = 5000


@pytest.fixture(scope="module")
def corpus():
    corpus = build_many_agencies(4500)
    assert corpus.reports.height > 20_000
    return corpus


@pytest.fixture(scope="module")
def shares(corpus) -> pl.DataFrame:
    return charts.with_agency_names(metrics.outcome_shares(corpus.outcomes, corpus.checks, metrics=["share_withheld"]),
                                    corpus.reports)


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def test_altairs_row_limit_is_in_force_and_the_raw_frames_exceed_it(shares):
    """The premise of every test below: drawing the per-report rows as they are would fail."""
    with pytest.raises(alt.MaxRowsError):
        alt.Chart(shares).mark_point().encode(x="year:Q", y="share:Q").to_dict()


def test_share_trend_over_20000_agency_years_draws_the_12_agencies_with_most_requests(shares):
    spec = charts.share_trend(shares, "share_withheld").to_dict()  # raises MaxRowsError if over the limit
    drawn = {row["agency_name"] for row in _rows(spec) if "agency_name" in row}
    shown = shares.filter(pl.col("share").is_not_null())
    top = shown.group_by("agency_name").agg(pl.col("denominator").sum()).sort("denominator", descending=True)
    assert drawn == set(top.head(charts.MAX_AGENCY_LINES)["agency_name"])
    assert len(_rows(spec)) <= charts.MAX_AGENCY_LINES * 8 + 1
    assert f"共 {shown['agency_id'].n_unique():,} 个机关有数值" in json.dumps(spec["title"], ensure_ascii=False)


def test_share_trend_of_few_agencies_draws_every_one_without_a_subtitle(shares):
    few = shares.filter(pl.col("agency_id").is_in(shares["agency_id"].unique().sort().head(5).to_list()))
    spec = charts.share_trend(few, "share_withheld").to_dict()
    assert {row["agency_id"] for row in _rows(spec) if "agency_id" in row} == set(few.filter(pl.col("share").is_not_null())["agency_id"])
    assert isinstance(spec["title"], str)


def test_outcome_mix_by_agency_over_20000_agency_years_pools_all_but_the_largest_into_one_panel(corpus):
    spec = charts.outcome_mix(corpus.outcomes, reports=corpus.reports, by_agency=True).to_dict()
    panels = spec["facet"]["sort"]
    n_other = corpus.reports["agency_id"].n_unique() - charts.MAX_AGENCY_PANELS
    assert len(panels) == charts.MAX_AGENCY_PANELS + 1 and panels[-1] == f"其他 {n_other:,} 个机关"
    rows = _rows(spec)
    assert len(rows) <= len(panels) * 8 * 6
    pooled_total = sum(row["value"] for row in rows)
    assert pooled_total == corpus.outcomes.filter(pl.col("outcome") != "total")["value"].sum()  # nothing dropped


def test_outcome_mix_of_the_whole_corpus_is_one_row_per_year_and_outcome(corpus):
    spec = charts.outcome_mix(corpus.outcomes).to_dict()
    rows = _rows(spec)
    assert len(rows) <= 8 * 6 and {row["year"] for row in rows} == set(corpus.reports["year"])


def test_outcome_mix_accepts_a_lazy_scan(corpus):
    eager = charts.outcome_mix(corpus.outcomes).to_dict()
    lazy = charts.outcome_mix(corpus.outcomes.lazy()).to_dict()
    assert _rows(eager) == _rows(lazy)


def test_share_spread_draws_one_row_per_year_whatever_the_number_of_agencies(shares):
    distribution = metrics.share_distribution(shares)
    spec = charts.share_spread(distribution, "share_withheld", pooled=views.pooled_with_sensitivity(shares)).to_dict()
    rows = _rows(spec)
    assert len(rows) <= 3 * 8 + 1
    assert "2018.5" in json.dumps(spec) and "各机关年度的中位数" in json.dumps(spec, ensure_ascii=False)


def test_requester_mix_chart_of_many_reports_sums_each_kind():
    mix = pl.DataFrame({"requester_zh": ["自然人", "商业企业"] * 5000, "value": [3, 1] * 5000})
    rows = _rows(charts.requester_mix_chart(mix).to_dict())
    assert sorted((row["requester_zh"], row["value"]) for row in rows) == [("商业企业", 5000), ("自然人", 15000)]


def test_metrics_trend_refuses_shares_of_several_agencies(shares):
    with pytest.raises(ValueError, match="one agency"):
        charts.metrics_trend(shares, ["share_withheld"])
