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
    assert 'class="flag-fail"' in html and "收支平衡" in html
    assert ">identity" not in html and "（identity" not in html  # the key stays in data-checks, out of the text


def test_definitions_table_lists_requested_metrics_in_chinese_only():
    html = str(sections.definitions_table(["share_withheld", "carry_over_ratio"]))
    assert "不予公开占比" in html and "结转比例" in html
    assert "Withheld ÷ total handled" not in html and "Definition" not in html and "share_withheld" not in html


def test_fragment_displays_inside_a_govdata_container():
    assert sections.Fragment("<p>x</p>")._repr_html_() == '<div class="govdata"><p>x</p></div>'


def test_headline_of_an_agency_that_handled_nothing_has_no_share_cards_and_no_0_of_0():
    corpus = build_corpus()
    zero = corpus.outcomes.with_columns(pl.lit(0, dtype=pl.Int64).alias("value"))
    shares = metrics.outcome_shares(zero, corpus.checks, min_n=30)
    requests = metrics.requests_per_agency_year(corpus.__class__(**{**corpus.frames(), "outcomes": zero}))
    html = str(sections.headline(shares, requests, report_id(BETA, 2020), min_n=30))
    assert "0 / 0" not in html and "无申请办结" in html and "不予公开占比" not in html


def test_status_flag_names_failed_rules_in_chinese_and_keeps_keys_out_of_the_text():
    html = sections.status_flag("fail", "column_sum, row_sum")
    assert "纵向合计、横向合计" in html and 'data-checks="column_sum, row_sum"' in html
    assert "column_sum" not in html.split(">", 1)[1]


def test_legacy_report_review_section_shows_the_appendix_and_prose_figures_not_a_false_absence():
    from govdata import schema
    from govdata.model import Corpus

    corpus = Corpus(
        reports=schema.frame("reports", [{"report_id": "r", "agency_id": "a", "year": 2017, "template": "legacy"}]),
        legacy=schema.frame("legacy", [{"report_id": "r", "indicator": "reviews", "value": 1.0, "line": 254},
                                       {"report_id": "r", "indicator": "litigations", "value": 0.0, "line": 255}]),
        facts=schema.frame("facts", [{"report_id": "r", "key": "review.total", "value": 1.0, "line": 223}]))
    cases = metrics.legacy_review_litigation(corpus)
    html = str(sections.corrections_table(metrics.correction_rates(corpus), cases))
    assert "2019年以前的格式不含此表" not in html and "未列出" not in html
    assert "行政复议" in html and "第254行" in html and "附表" in html and "正文" in html and "行政诉讼" in html
