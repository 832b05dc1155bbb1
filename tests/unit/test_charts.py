"""Charts: CJK font theme, an offline renderer that report text cannot break out of, the 2019 break."""

from __future__ import annotations

import json
import re

import altair as alt
import polars as pl
import pytest

from govdata import charts, metrics
from tests.fixtures_corpus import build_corpus

SCRIPT_OPEN = re.compile(r"<script\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def shares() -> pl.DataFrame:
    corpus = build_corpus()
    return charts.with_agency_names(metrics.outcome_shares(corpus.outcomes, corpus.checks, min_n=5), corpus.reports)


def test_theme_names_the_cjk_sans_fonts_for_every_text_element():
    config = charts.theme()["config"]
    expected = "Noto Sans CJK SC, WenQuanYi Micro Hei, PingFang SC, Microsoft YaHei, sans-serif"
    assert config["font"] == expected
    for part in ("title", "axis", "legend", "header"):
        assert expected in json.dumps(config[part], ensure_ascii=False)


def test_offline_renderer_output_cannot_be_closed_by_text_from_a_report():
    chart = alt.Chart(pl.DataFrame({"agency": ["</script><script>alert(1)</script><!--"], "n": [1]})).mark_bar().encode(
        x="n:Q", y="agency:N")
    html = charts.offline_renderer(chart.to_dict())["text/html"]
    assert len(SCRIPT_OPEN.findall(html)) == 1 and html.count("</script>") == 1
    assert "<!--" not in html
    spec_json = html.split("var spec = ", 1)[1].split(";\n", 1)[0]
    (rows,) = json.loads(spec_json)["datasets"].values()
    assert rows[0]["agency"].startswith("</script>")  # Vega still sees the text as printed


def test_offline_renderer_gives_each_chart_its_own_element():
    chart = alt.Chart(pl.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    first, second = (charts.offline_renderer(chart.to_dict())["text/html"] for _ in range(2))
    ids = [re.search(r'id="([^"]+)"', html).group(1) for html in (first, second)]
    assert ids[0] != ids[1]


def test_offline_bundle_defines_vega_embed_in_one_script_element():
    bundle = charts.offline_bundle()
    assert len(SCRIPT_OPEN.findall(bundle)) == 1 and bundle.count("</script>") == 1
    assert "window.vegaEmbed=" in bundle.replace(" ", "")
    assert "http://" not in bundle.split("<script", 1)[0]


def test_use_offline_charts_enables_theme_and_renderer():
    charts.use_offline_charts(display_bundle=False)
    assert alt.renderers.active == charts.RENDERER_NAME
    assert alt.theme.active == charts.THEME_NAME


def test_share_trend_marks_the_2019_template_change_and_failed_inputs(shares):
    spec = json.dumps(charts.share_trend(shares, "share_withheld").to_dict(), ensure_ascii=False)
    assert "2018.5" in spec and charts.TEMPLATE_BREAK_LABEL in spec
    assert "datum.is_input_failed" in spec
    assert "不予公开占比" in spec


def test_share_trend_leaves_out_values_below_min_n(shares):
    spec = charts.share_trend(shares.filter(pl.col("agency_id") == "beta_town"), "share_withheld").to_dict()
    drawn = [d for d in spec["datasets"].values() if d and "share" in d[0]]
    assert drawn and all(row["share"] is not None for rows in drawn for row in rows)


def test_share_trend_rejects_an_unknown_metric(shares):
    with pytest.raises(KeyError):
        charts.share_trend(shares, "share_bogus")


def test_outcome_mix_small_multiples_facet_by_agency_name():
    corpus = build_corpus()
    spec = charts.outcome_mix(corpus.outcomes, reports=corpus.reports, by_agency=True).to_dict()
    assert spec["facet"]["field"] == "agency_name"
    values = [row for rows in spec["datasets"].values() for row in rows]
    assert {"阿尔法市人民政府", "贝塔镇人民政府"} <= {row["agency_name"] for row in values}


def test_trend_lines_stop_at_the_template_break(shares):
    spec = charts.share_trend(shares.filter(pl.col("agency_id") == "alpha_city"), "share_withheld").to_dict()
    line = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")
    assert {"field": "period", "type": "nominal"} in line["encoding"]["detail"]
    rows = [row for rows in spec["datasets"].values() for row in rows if "period" in row]
    assert {row["period"] for row in rows if row["year"] <= 2018} == {"2019年以前"}
    assert {row["period"] for row in rows if row["year"] >= 2019} == {"2019年起"}
