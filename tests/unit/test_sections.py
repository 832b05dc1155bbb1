"""HTML pieces of the briefings escape every string that came from a report."""

from __future__ import annotations

import polars as pl

from govdata import metrics, sections
from tests.fixtures_corpus import ALPHA, BETA, EVIL_ID, EVIL_MESSAGE, build_corpus, report_id


def test_table_escapes_every_cell_and_header():
    html = str(sections.table(pl.DataFrame({"<th>": ["<script>alert(1)</script>", None]})))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;th&gt;" in html
    assert sections.MISSING in html


def test_briefing_header_escapes_the_agency_name():
    corpus = build_corpus()
    html = str(sections.briefing_header(sections.select_report(corpus, EVIL_ID, 2021)))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;../测试局" in html


def test_select_report_names_the_choices_when_the_agency_year_is_missing():
    corpus = build_corpus()
    try:
        sections.select_report(corpus, ALPHA, 1999)
    except LookupError as exc:
        assert "alpha_city" in str(exc)
    else:  # pragma: no cover - the call must raise
        raise AssertionError("no LookupError")


def test_findings_table_shows_file_and_line_and_escapes_the_message():
    corpus = build_corpus()
    findings = metrics.check_findings(corpus, report_ids=[report_id(EVIL_ID, 2021)])
    html = str(sections.findings_table(findings))
    assert f"{findings['source'][0]}:95" in html
    assert "<b>" not in html and "&lt;b&gt;总计&lt;/b&gt;" in html and "&amp; 需核对" in html
    assert EVIL_MESSAGE not in html


def test_headline_shows_counts_not_a_rate_below_min_n():
    corpus = build_corpus()
    shares = metrics.outcome_shares(corpus.outcomes, corpus.checks, min_n=30)
    requests = metrics.requests_per_agency_year(corpus)
    html = str(sections.headline(shares, requests, report_id(BETA, 2019), min_n=30))
    assert "1 / 9" in html and "不足 30 件" in html
    assert "11.1%" not in html  # 1/9 is not shown as a rate


def test_headline_flags_a_report_that_fails_a_rule():
    corpus = build_corpus()
    shares = metrics.outcome_shares(corpus.outcomes, corpus.checks)
    requests = metrics.requests_per_agency_year(corpus)
    html = str(sections.headline(shares, requests, report_id(ALPHA, 2021), min_n=30))
    assert 'class="flag-fail"' in html and "identity" in html


def test_definitions_table_lists_requested_metrics_with_both_definitions():
    html = str(sections.definitions_table(["share_withheld", "carry_over_ratio"]))
    assert "不予公开占比" in html and "Withheld ÷ total handled" in html and "结转比例" in html
    assert "share_granted_full" not in html


def test_fragment_displays_inside_a_govdata_container():
    assert sections.Fragment("<p>x</p>")._repr_html_() == '<div class="govdata"><p>x</p></div>'
