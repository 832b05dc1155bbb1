"""Charts for notebooks and briefings: a CJK-aware Altair theme and an offline renderer.

Why a custom renderer: briefings are read by people who never run code, often on machines
without internet access, and must show every chart. Altair's default renderer loads Vega
from a CDN ("Error loading script" offline); the ``html`` renderer with an inlined bundle
draws only the first chart of a page; the widget renderer is blank in exported HTML; the
static ``svg``/``png`` renderers lose tooltips. What works (measured, see
docs/benchmarks.md and the browser tests): put vl-convert's Vega + Vega-Lite + Vega-Embed
bundle into the page once (:func:`offline_bundle`), then make each chart a ``<div>`` plus a
``vegaEmbed(...)`` call (:func:`offline_renderer`), with the spec escaped so report text
can never close the script tag.

Why a font list: without a CJK font every Chinese label is an empty box, and with Noto
installed Chromium and vl-convert pick the *Serif* CJK face unless told otherwise.

Module-level state (the enabled theme and renderer) survives IPython's ``%reset``, but a
fresh kernel does not have it: notebooks call :func:`use_offline_charts` in every run.

Example (in a notebook):
    >>> from govdata import charts          # doctest: +SKIP
    >>> charts.use_offline_charts()         # doctest: +SKIP
    >>> charts.share_trend(shares, "share_withheld")  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl

from govdata import metrics

FONT_FAMILY = "Noto Sans CJK SC, WenQuanYi Micro Hei, PingFang SC, Microsoft YaHei, sans-serif"
"""Sans-serif CJK faces in order of preference: Linux (Noto, WenQuanYi), macOS, Windows."""

THEME_NAME = "govdata"
RENDERER_NAME = "govdata_offline"

TEMPLATE_BREAK_YEAR = 2018.5
"""Where trend charts draw the template change: statistics year 2019 is the first reported
in the 国办公开办函〔2019〕60号 format, so values left of the line are legacy 附表 numbers."""

TEMPLATE_BREAK_LABEL = "2019年起新版年报格式"

STATUS_LABELS_ZH: dict[str, str] = {
    "fail": "校验未通过",
    "warning": "校验警告",
    "pass": "校验通过",
    "not_assessable": "无法校验",
    "unchecked": "未校验",
}

OUTCOME_COLORS: dict[str, str] = {
    "予以公开": "#2b8a3e",
    "部分公开": "#8ce99a",
    "不予公开": "#c92a2a",
    "无法提供": "#f08c00",
    "不予处理": "#ffd43b",
    "其他处理": "#adb5bd",
}

METRIC_COLORS: dict[str, str] = {
    "share_withheld": "#c92a2a",
    "share_denied_broad": "#f08c00",
    "share_granted_full": "#2b8a3e",
    "share_granted_any": "#74b816",
    "share_unable": "#e8590c",
    "share_not_processed": "#ae3ec9",
}

FAILED_RING_COLOR = "#c92a2a"

_chart_counter = itertools.count(1)


# --------------------------------------------------------------------------- theme and renderer


def theme() -> alt.theme.ThemeConfig:
    """The govdata Altair theme: CJK font list everywhere text is drawn, readable sizes."""
    font = FONT_FAMILY
    return alt.theme.ThemeConfig(
        config={
            "font": font,
            "title": {"font": font, "fontSize": 15, "anchor": "start"},
            "axis": {"labelFont": font, "titleFont": font, "labelFontSize": 12, "titleFontSize": 12},
            "legend": {"labelFont": font, "titleFont": font, "labelFontSize": 12, "titleFontSize": 12,
                       "labelLimit": 260},
            "header": {"labelFont": font, "titleFont": font, "labelFontSize": 12},
            "text": {"font": font},
            "mark": {"font": font},
            "view": {"continuousWidth": 560, "continuousHeight": 300},
        }
    )


def _escape_for_script(text: str) -> str:
    """Make JSON safe inside ``<script>``: no ``</script>``, ``<!--`` or line separators can appear.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where ``\\u003c`` means the same
    character, so the spec is unchanged for Vega while report text such as
    ``</script><script>alert(1)</script>`` cannot end the script element.
    """
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def offline_renderer(spec: dict[str, Any], **_metadata: Any) -> dict[str, str]:
    """Altair renderer: a div and a ``vegaEmbed`` call that uses the bundle already on the page."""
    spec_json = json.dumps(spec, ensure_ascii=False, sort_keys=True, default=str)
    digest = hashlib.sha1(spec_json.encode("utf-8")).hexdigest()[:10]
    chart_id = f"govdata-chart-{next(_chart_counter)}-{digest}"
    options = {"actions": False, "renderer": "svg"}
    html = (
        f'<div id="{chart_id}" class="govdata-chart"></div>\n'
        "<script>(function () {\n"
        f"  var spec = {_escape_for_script(spec_json)};\n"
        f'  var el = document.getElementById("{chart_id}");\n'
        "  if (typeof vegaEmbed === 'undefined') {\n"
        "    el.textContent = '图表库未加载 (chart library missing: call charts.use_offline_charts() first)';\n"
        "    return;\n"
        "  }\n"
        f"  vegaEmbed(el, spec, {json.dumps(options)}).catch(function (err) {{ el.textContent = String(err); }});\n"
        "})();</script>"
    )
    return {"text/html": html, "text/plain": f"<govdata chart {chart_id}>"}


@lru_cache(maxsize=1)
def offline_bundle() -> str:
    """``<script>`` holding Vega, Vega-Lite and Vega-Embed (vl-convert's bundle, ~0.9 MB).

    Wrapped in a function so that running the cell twice (JupyterLab) does not redeclare the
    bundle's top-level constants; the bundle itself sets ``window.vegaEmbed``.
    """
    bundle = _javascript_bundle()
    if "</script" in bundle.lower():  # would end the element early; never seen in vl-convert 1.9
        bundle = bundle.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")
    return f'<script data-govdata="vega-bundle">(function () {{\n{bundle}\n}}).call(window);</script>'


def _bundle_cache_path() -> Path:
    import vl_convert

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "govdata" / f"vega-bundle-vl-convert-{vl_convert.__version__}.js"


def _javascript_bundle() -> str:
    """vl-convert's bundle, cached on disk per vl-convert version.

    Why a disk cache: building the bundle takes ~1.9 s, more than the rest of a briefing; a
    kernel reused for many briefings builds it once anyway, but ``govdata run`` and
    papermill start a fresh kernel each time. The cache is written atomically and is only a
    copy: deleting it is always safe.
    """
    import vl_convert

    path = _bundle_cache_path()
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    bundle = vl_convert.javascript_bundle()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(bundle, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # read-only home: work without the cache
        pass
    return bundle


def use_offline_charts(*, display_bundle: bool = True):
    """Enable the govdata theme and offline renderer; return the bundle for display.

    Call it once per notebook run, in a cell before the first chart: the returned object
    displays the bundle as that cell's output. ``display_bundle=False`` only sets the
    theme and renderer (for a second call in the same page).
    """
    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(theme)
    alt.theme.enable(THEME_NAME)
    if RENDERER_NAME not in alt.renderers.names():
        alt.renderers.register(RENDERER_NAME, offline_renderer)
    alt.renderers.enable(RENDERER_NAME)
    if not display_bundle:
        return None
    from IPython.display import HTML

    return HTML(offline_bundle())


# --------------------------------------------------------------------------- helpers


def _metric(metric: str) -> metrics.Metric:
    if metric not in metrics.SHARE_METRICS:
        raise KeyError(f"unknown metric {metric!r}; known: {list(metrics.SHARE_METRICS)}")
    return metrics.SHARE_METRICS[metric]


def agency_names(reports: pl.DataFrame) -> pl.DataFrame:
    """``agency_id -> agency_name``: the name of an agency's latest report (names change over years)."""
    return (
        reports.sort("year")
        .group_by("agency_id", maintain_order=True)
        .agg(pl.col("agency").drop_nulls().last().alias("agency_name"))
        .with_columns(pl.col("agency_name").fill_null(pl.col("agency_id")))
    )


def with_agency_names(frame: pl.DataFrame, reports: pl.DataFrame) -> pl.DataFrame:
    """Add ``agency_name`` for legends (agency ids are for code, names for readers)."""
    if "agency_name" in frame.columns:
        return frame
    return frame.join(agency_names(reports), on="agency_id", how="left").with_columns(
        pl.col("agency_name").fill_null(pl.col("agency_id"))
    )


def _status_zh() -> pl.Expr:
    return pl.col("input_status").replace_strict(STATUS_LABELS_ZH, default="未校验", return_dtype=pl.String)


def _template_break(y_title: str = "") -> alt.LayerChart:
    """Vertical rule between 2018 and 2019 with its label, layered onto year charts."""
    marker = pl.DataFrame({"year": [TEMPLATE_BREAK_YEAR], "label": [TEMPLATE_BREAK_LABEL]})
    rule = alt.Chart(marker).mark_rule(strokeDash=[4, 4], color="#495057").encode(x="year:Q")
    text = alt.Chart(marker).mark_text(align="left", dx=4, dy=-4, baseline="top", color="#495057", fontSize=11).encode(
        x="year:Q", y=alt.value(2), text="label:N"
    )
    return rule + text


def _with_period(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``period`` (before / from the 2019 template) so lines are not drawn across the break."""
    return frame.with_columns(
        pl.when(pl.col("year") < TEMPLATE_BREAK_YEAR).then(pl.lit("2019年以前")).otherwise(pl.lit("2019年起")).alias("period"))


def _failed_ring(base: alt.Chart, y: alt.Y) -> alt.Chart:
    """A red ring around points whose report fails an error-severity rule: doubt this value."""
    return base.transform_filter("datum.is_input_failed").mark_point(
        shape="circle", size=260, filled=False, stroke=FAILED_RING_COLOR, strokeWidth=2, opacity=1
    ).encode(y=y)


def _year_axis(years: Sequence[int]) -> alt.X:
    low = min([*years, 2019]) - 0.5
    high = max([*years, 2019]) + 0.5
    return alt.X("year:Q", title="统计年度", scale=alt.Scale(domain=[low, high], nice=False),
                 axis=alt.Axis(format="d", tickMinStep=1, values=list(range(int(low + 0.5), int(high + 0.5) + 1))))


# --------------------------------------------------------------------------- charts


def share_trend(shares: pl.DataFrame, metric: str, *, reports: pl.DataFrame | None = None,
                title: str | None = None, max_colored: int = 12) -> alt.LayerChart:
    """A metric across years, one line per agency, with Wilson intervals and the 2019 break.

    Lines stop at the break: legacy 附表 categories map onto the 2019 groups only
    approximately, so a line from 2018 to 2019 would suggest a change that may be definitional.

    Points resting on a report that fails an accounting rule are drawn as red crosses, so a
    reader sees which values to doubt. Values below the minimum N are not drawn (their share
    is null); the values table next to the chart lists them.
    """
    definition = _metric(metric)
    data = shares.filter(pl.col("metric") == metric)
    if reports is not None:
        data = with_agency_names(data, reports)
    elif "agency_name" not in data.columns:
        data = data.with_columns(pl.col("agency_id").alias("agency_name"))
    data = data.with_columns(_status_zh().alias("校验"))
    drawn = _with_period(data.filter(pl.col("share").is_not_null()))
    n_agencies = drawn["agency_id"].n_unique()
    color = (alt.Color("agency_name:N", title="机关") if n_agencies <= max_colored
             else alt.Color("agency_name:N", legend=None, scale=alt.Scale(scheme="greys")))
    x = _year_axis(data["year"].to_list() or [2019])
    y = alt.Y("share:Q", title=definition.label_zh, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    tooltip = [
        alt.Tooltip("agency_name:N", title="机关"), alt.Tooltip("year:Q", title="年度", format="d"),
        alt.Tooltip("share:Q", title=definition.label_zh, format=".1%"),
        alt.Tooltip("ci_low:Q", title="95%区间下限", format=".1%"), alt.Tooltip("ci_high:Q", title="95%区间上限", format=".1%"),
        alt.Tooltip("numerator:Q", title=definition.numerator_zh), alt.Tooltip("denominator:Q", title="办理结果总计"),
        alt.Tooltip("template:N", title="年报格式"), alt.Tooltip("is_definition_changed:N", title="口径变化"),
        alt.Tooltip("校验:N"), alt.Tooltip("failed_checks:N", title="未通过的规则"),
    ]
    base = alt.Chart(drawn).encode(x=x, color=color)
    lines = base.mark_line(point=False, strokeWidth=2).encode(y=y, detail=["agency_id:N", "period:N"])
    bars = base.mark_rule(strokeWidth=1.5, opacity=0.6).encode(y="ci_low:Q", y2="ci_high:Q")
    points = base.mark_point(size=70, filled=True).encode(
        y=y,
        shape=alt.Shape("校验:N", title="输入校验",
                        scale=alt.Scale(domain=list(STATUS_LABELS_ZH.values()),
                                        range=["cross", "diamond", "circle", "square", "triangle"])),
        tooltip=tooltip,
    )
    chart = alt.layer(bars, lines, points, _failed_ring(base, y), _template_break())
    return chart.properties(title=title or f"{definition.label_zh}（{definition.numerator_zh} ÷ 总计）", width=560,
                            height=300).interactive(bind_y=False)


def pooled_trend(pooled: pl.DataFrame, metric: str, *, title: str | None = None) -> alt.LayerChart:
    """All agencies pooled per year (counts summed), with the 2019 break: the corpus-wide headline."""
    definition = _metric(metric)
    data = _with_period(pooled.filter((pl.col("metric") == metric) & pl.col("share").is_not_null()))
    x = _year_axis(data["year"].to_list() or [2019])
    y = alt.Y("share:Q", title=definition.label_zh, axis=alt.Axis(format="%"))
    tooltip = [alt.Tooltip("year:Q", title="年度", format="d"), alt.Tooltip("share:Q", title=definition.label_zh, format=".1%"),
               alt.Tooltip("numerator:Q", title=definition.numerator_zh), alt.Tooltip("denominator:Q", title="办理结果总计"),
               alt.Tooltip("n_reports:Q", title="报告数"), alt.Tooltip("n_reports_failed:Q", title="校验未通过的报告数")]
    base = alt.Chart(data).encode(x=x)
    band = base.mark_area(opacity=0.2, color="#1c7ed6").encode(y="ci_low:Q", y2="ci_high:Q", detail="period:N")
    line = base.mark_line(color="#1c7ed6", point=True).encode(y=y, tooltip=tooltip, detail="period:N")
    return alt.layer(band, line, _template_break()).properties(
        title=title or f"全部机关合计：{definition.label_zh}", width=560, height=260)


def outcome_mix(outcomes: pl.DataFrame, *, reports: pl.DataFrame | None = None, by_agency: bool = False,
                title: str = "办理结果构成") -> alt.Chart:
    """Stacked bars of how requests ended, per year (and per agency as small multiples).

    Bars are the printed counts (not shares) so a reader sees the scale; the tooltip gives
    the share of the year's total.
    """
    wide = metrics.outcomes_wide(outcomes)
    keys = [key for key in metrics.OUTCOME_KEYS if key != "total"]
    long = wide.unpivot(index=["report_id", "agency_id", "year", "template", "total"], on=keys,
                        variable_name="outcome", value_name="value").filter(pl.col("value").is_not_null())
    long = long.with_columns(
        pl.col("outcome").replace_strict(metrics.OUTCOME_LABELS_ZH, return_dtype=pl.String).alias("outcome_zh"),
        pl.when(pl.col("total") > 0).then(pl.col("value") / pl.col("total")).alias("share_of_total"),
        pl.col("outcome").replace_strict({k: i for i, k in enumerate(keys)}, return_dtype=pl.Int64).alias("order"),
    )
    if reports is not None:
        long = with_agency_names(long, reports)
    else:
        long = long.with_columns(pl.col("agency_id").alias("agency_name"))
    chart = alt.Chart(long).mark_bar().encode(
        x=alt.X("year:O", title="统计年度", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(value):Q", title="申请数（件）"),
        color=alt.Color("outcome_zh:N", title="办理结果", scale=alt.Scale(domain=list(OUTCOME_COLORS),
                                                                        range=list(OUTCOME_COLORS.values()))),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("agency_name:N", title="机关"), alt.Tooltip("year:O", title="年度"),
                 alt.Tooltip("outcome_zh:N", title="办理结果"), alt.Tooltip("value:Q", title="件数"),
                 alt.Tooltip("share_of_total:Q", title="占总计", format=".1%"), alt.Tooltip("template:N", title="年报格式")],
    )
    if by_agency:
        return chart.properties(width=180, height=160).facet(
            facet=alt.Facet("agency_name:N", title=None), columns=3
        ).properties(title=title).resolve_scale(y="independent")
    return chart.properties(title=title, width=420, height=260)


def requester_mix_chart(mix: pl.DataFrame, *, title: str = "申请人构成（本年新收）") -> alt.Chart:
    """Horizontal bars: new requests by requester kind, with shares in the tooltip."""
    order = [metrics.REQUESTER_LABELS_ZH[k] for k in metrics.REQUESTER_KEYS]
    return alt.Chart(mix).mark_bar(color="#1c7ed6").encode(
        y=alt.Y("requester_zh:N", title=None, sort=order),
        x=alt.X("value:Q", title="新收申请（件）"),
        tooltip=[alt.Tooltip("requester_zh:N", title="申请人"), alt.Tooltip("value:Q", title="件数"),
                 alt.Tooltip("share:Q", title="占比", format=".1%")],
    ).properties(title=title, width=420, height=180)


def check_status_chart(summary: pl.DataFrame, *, title: str = "校验规则结果") -> alt.Chart:
    """Stacked bars of check rows per rule by status (from :func:`govdata.metrics.check_summary`)."""
    data = summary.with_columns(
        pl.col("status").replace_strict({"fail": "未通过", "pass": "通过", "not_assessable": "无法校验"},
                                        default=pl.col("status"), return_dtype=pl.String).alias("status_zh"))
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("check:N", title="规则"),
        x=alt.X("sum(n):Q", title="检查次数"),
        color=alt.Color("status_zh:N", title="结果", scale=alt.Scale(domain=["未通过", "通过", "无法校验"],
                                                                   range=["#c92a2a", "#2b8a3e", "#adb5bd"])),
        tooltip=[alt.Tooltip("check:N", title="规则"), alt.Tooltip("status_zh:N", title="结果"),
                 alt.Tooltip("severity:N", title="级别"), alt.Tooltip("sum(n):Q", title="次数")],
    ).properties(title=title, width=460, height=alt.Step(22))


def metrics_trend(shares: pl.DataFrame, metric_names: Sequence[str], *, title: str = "历年变化") -> alt.LayerChart:
    """Several share metrics of one agency across years (one line per metric), with the 2019 break."""
    labels = {name: _metric(name).label_zh for name in metric_names}
    data = shares.filter(pl.col("metric").is_in(list(metric_names))).with_columns(
        pl.col("metric").replace_strict(labels, return_dtype=pl.String).alias("metric_zh"),
        _status_zh().alias("校验"),
    )
    drawn = _with_period(data.filter(pl.col("share").is_not_null()))
    x = _year_axis(data["year"].to_list() or [2019])
    y = alt.Y("share:Q", title="占办理结果总计的比例", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    color = alt.Color("metric_zh:N", title="指标", scale=alt.Scale(domain=list(labels.values()),
                                                                range=[METRIC_COLORS[name] for name in labels]))
    tooltip = [alt.Tooltip("metric_zh:N", title="指标"), alt.Tooltip("year:Q", title="年度", format="d"),
               alt.Tooltip("share:Q", title="比例", format=".1%"),
               alt.Tooltip("ci_low:Q", title="95%区间下限", format=".1%"), alt.Tooltip("ci_high:Q", title="95%区间上限", format=".1%"),
               alt.Tooltip("numerator:Q", title="分子"), alt.Tooltip("denominator:Q", title="分母"),
               alt.Tooltip("template:N", title="年报格式"), alt.Tooltip("is_definition_changed:N", title="口径变化"),
               alt.Tooltip("校验:N"), alt.Tooltip("failed_checks:N", title="未通过的规则")]
    base = alt.Chart(drawn).encode(x=x, color=color)
    bars = base.mark_rule(strokeWidth=1.5, opacity=0.5).encode(y="ci_low:Q", y2="ci_high:Q")
    lines = base.mark_line(strokeWidth=2).encode(y=y, detail="period:N")
    points = base.mark_point(size=70, filled=True).encode(
        y=y, tooltip=tooltip,
        shape=alt.Shape("校验:N", title="输入校验", scale=alt.Scale(domain=list(STATUS_LABELS_ZH.values()),
                                                               range=["cross", "diamond", "circle", "square", "triangle"])))
    return alt.layer(bars, lines, points, _failed_ring(base, y), _template_break()).properties(
        title=title, width=560, height=280)
