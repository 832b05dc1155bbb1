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

from govdata import metrics, sections, terms

FONT_FAMILY = "Noto Sans CJK SC, WenQuanYi Micro Hei, PingFang SC, Microsoft YaHei, sans-serif"
"""Sans-serif CJK faces in order of preference: Linux (Noto, WenQuanYi), macOS, Windows."""

THEME_NAME = "govdata"
RENDERER_NAME = "govdata_offline"

TEMPLATE_BREAK_YEAR = 2018.5
"""Where trend charts draw the template change: statistics year 2019 is the first reported
in the 国办公开办函〔2019〕60号 format, so values left of the line are legacy 附表 numbers."""

TEMPLATE_BREAK_LABEL = "2019年起新版年报格式"

STATUS_LABELS_ZH: dict[str, str] = terms.terms("input_status")
"""``input_status`` -> Chinese label (govdata/data/terms_zh.csv)."""

STATUS_SHAPES: dict[str, str] = {"fail": "cross", "warning": "diamond", "pass": "circle", "not_assessable": "square",
                                 "unchecked": "triangle"}

_OUTCOME_COLOR_BY_KEY: dict[str, str] = {
    "granted": "#2b8a3e",
    "partial": "#8ce99a",
    "withheld": "#c92a2a",
    "unable": "#f08c00",
    "not_processed": "#ffd43b",
    "other": "#adb5bd",
}
OUTCOME_COLORS: dict[str, str] = {metrics.OUTCOME_LABELS_ZH[key]: color for key, color in _OUTCOME_COLOR_BY_KEY.items()}
"""Colour of each outcome, by its Chinese label (the legend the outcome-mix chart draws)."""

METRIC_COLORS: dict[str, str] = {
    "share_withheld": "#c92a2a",
    "share_denied_broad": "#f08c00",
    "share_granted_full": "#2b8a3e",
    "share_granted_any": "#74b816",
    "share_unable": "#e8590c",
    "share_not_processed": "#ae3ec9",
}

FAILED_RING_COLOR = "#c92a2a"

MAX_AGENCY_LINES = 12
"""Most agencies :func:`share_trend` draws one line for; beyond it, the ones with most handled requests."""

MAX_AGENCY_PANELS = 8
"""Most agencies :func:`outcome_mix` draws a panel for; the others are pooled into one more panel."""

# Why charts aggregate before drawing: Altair refuses data over 5,000 rows (MaxRowsError), and
# every row is inlined into the page. A corpus of 10^5 reports has ~12,500 agencies, so a
# chart of one line or panel per agency is unreadable long before it is too large. Every
# chart here therefore draws at most MAX_AGENCY_LINES / MAX_AGENCY_PANELS agencies, pools the
# rest, or takes frames already aggregated per year (tests/unit/test_charts_scale.py).

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


def escape_for_script(text: str) -> str:
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
        f"  var spec = {escape_for_script(spec_json)};\n"
        f'  var el = document.getElementById("{chart_id}");\n'
        # In JupyterLab a widget's output can be drawn before the cell holding the bundle has run
        # its script; wait for it (up to 10 s) rather than fail, then say what is missing.
        "  var tries = 0;\n"
        "  (function draw() {\n"
        "    if (typeof vegaEmbed === 'undefined') {\n"
        "      if (tries++ < 100) { setTimeout(draw, 100); return; }\n"
        "      el.textContent = '图表库未加载：请先运行 charts.use_offline_charts()';\n"
        "      return;\n"
        "    }\n"
        f"    vegaEmbed(el, spec, {json.dumps(options)}).catch(function (err) {{ el.textContent = String(err); }});\n"
        "  })();\n"
        "})();</script>"
    )
    return {"text/html": html, "text/plain": f"<govdata chart {chart_id}>"}


@lru_cache(maxsize=1)
def offline_bundle() -> str:
    """``<script>`` holding Vega, Vega-Lite and Vega-Embed (vl-convert's bundle, ~0.9 MB).

    Wrapped in a function so that running the cell twice (JupyterLab) does not redeclare the
    bundle's top-level constants; the bundle itself sets ``window.vegaEmbed``.
    """
    bundle = bundle_source()
    if "</script" in bundle.lower():  # would end the element early; never seen in vl-convert 1.9
        bundle = bundle.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")
    return f'<script data-govdata="vega-bundle">{bundle}</script>'


BUNDLE_MARK = 'data-govdata="vega-bundle"'
"""What the output of :func:`offline_bundle` carries, so an export can tell it from a chart."""


@lru_cache(maxsize=1)
def bundle_source() -> str:
    """The JavaScript of :func:`offline_bundle` without its ``<script>`` element: what a briefing
    site writes once as ``assets/vega-<hash>.js`` (:func:`govdata.notebooks.write_site_assets`)."""
    return f"(function () {{\n{_javascript_bundle()}\n}}).call(window);\n"


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


def offline_html(chart: alt.TopLevelMixin):
    """The chart as an IPython HTML object drawn by the offline renderer, whatever renderer is enabled.

    Why: a widget (the explorer) displays its charts into an Output widget when *it* decides,
    possibly before a notebook cell switched the renderer; this never goes through Altair's
    renderer registry, so it can never fall back to the CDN-loading default.
    """
    from IPython.display import HTML

    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(theme)
    with alt.theme.enable(THEME_NAME):
        spec = chart.to_dict()
    return HTML(offline_renderer(spec)["text/html"])


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


agency_names = metrics.agency_names


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
    """Vertical rule between 2018 and 2019 with its label, layered onto year charts.

    The label stands inside the plot, right of the rule, below the top edge: above it, it was
    cut off by the plot's border.
    """
    marker = pl.DataFrame({"year": [TEMPLATE_BREAK_YEAR], "label": [TEMPLATE_BREAK_LABEL]})
    rule = alt.Chart(marker).mark_rule(strokeDash=[4, 4], color="#495057").encode(x="year:Q")
    text = alt.Chart(marker).mark_text(align="left", dx=4, baseline="top", color="#495057", fontSize=11).encode(
        x="year:Q", y=alt.value(4), text="label:N"
    )
    return rule + text


def _status_shape(statuses: Sequence[str]) -> alt.Shape:
    """Point shapes by check status, with a legend of only the statuses drawn (not all five)."""
    present = [key for key in STATUS_SHAPES if key in set(statuses)] or ["pass"]
    return alt.Shape("校验:N", title="输入校验", scale=alt.Scale(domain=[STATUS_LABELS_ZH[k] for k in present],
                                                           range=[STATUS_SHAPES[k] for k in present]))


def _dodged(frame: pl.DataFrame, by: str, *, width: float = 0.36) -> pl.DataFrame:
    """Add ``x_pos``: the year moved a little left or right per ``by`` value, so points of one year do not hide each other."""
    if frame.height == 0:
        return frame.with_columns(pl.col("year").cast(pl.Float64).alias("x_pos"))
    values = sorted(frame[by].drop_nulls().unique().to_list())
    if len(values) <= 1:
        return frame.with_columns(pl.col("year").cast(pl.Float64).alias("x_pos"))
    step = min(0.12, width / (len(values) - 1))
    offsets = {value: (index - (len(values) - 1) / 2) * step for index, value in enumerate(values)}
    return frame.with_columns((pl.col("year") + pl.col(by).replace_strict(offsets, return_dtype=pl.Float64)).alias("x_pos"))


def _y_share(title: str, **scale: Any) -> alt.Y:
    """A share axis in % whose domain is padded by a few pixels, so a ring at 0% or a whisker at the top is drawn whole."""
    return alt.Y("share:Q", title=title, axis=alt.Axis(format="%"), scale=alt.Scale(padding=10, nice=False, **scale))


def _nothing_to_draw(text: str) -> sections.Fragment:
    """What a chart function returns when it has nothing to draw: a sentence, never an empty frame."""
    return sections.note(text)


def _with_period(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``period`` (before / from the 2019 template) so lines are not drawn across the break."""
    return frame.with_columns(
        pl.when(pl.col("year") < TEMPLATE_BREAK_YEAR).then(pl.lit("2019年以前")).otherwise(pl.lit("2019年起")).alias("period"))


def _failed_ring(base: alt.Chart, y: alt.Y) -> alt.Chart:
    """A red ring around points whose report fails an error-severity rule: doubt this value."""
    return base.transform_filter("datum.is_input_failed").mark_point(
        shape="circle", size=260, filled=False, stroke=FAILED_RING_COLOR, strokeWidth=2, opacity=1
    ).encode(y=y)


def _year_axis(years: Sequence[int | None], *, field: str = "year") -> alt.X:
    years = [year for year in years if year is not None]  # a report without a readable year has no place on it
    low = min([*years, 2019]) - 0.5
    high = max([*years, 2019]) + 0.5
    return alt.X(f"{field}:Q", title="统计年度", scale=alt.Scale(domain=[low, high], nice=False),
                 axis=alt.Axis(format="d", tickMinStep=1, values=list(range(int(low + 0.5), int(high + 0.5) + 1))))


# --------------------------------------------------------------------------- charts


def share_trend(shares: pl.DataFrame, metric: str, *, reports: pl.DataFrame | None = None,
                title: str | None = None, max_colored: int = MAX_AGENCY_LINES,
                max_agencies: int = MAX_AGENCY_LINES) -> alt.LayerChart:
    """A metric across years, one line per agency, with Wilson intervals and the 2019 break.

    Lines stop at the break: legacy 附表 categories map onto the 2019 groups only
    approximately, so a line from 2018 to 2019 would suggest a change that may be definitional.

    Points resting on a report that fails an accounting rule are drawn as red crosses, so a
    reader sees which values to doubt. Values below the minimum N are not drawn (their share
    is null); the values table next to the chart lists them.

    With more than ``max_agencies`` agencies only the ``max_agencies`` with the most handled
    requests (sum of the denominator over the years shown) are drawn, and the subtitle says
    so: thousands of lines say nothing and would exceed Altair's row limit.
    :func:`share_spread` shows the distribution over all of them.
    """
    definition = _metric(metric)
    data = shares.filter(pl.col("metric") == metric)
    if reports is not None:
        data = with_agency_names(data, reports)
    elif "agency_name" not in data.columns:
        data = data.with_columns(pl.col("agency_id").alias("agency_name"))
    drawn = data.filter(pl.col("share").is_not_null())
    if drawn.height == 0:
        return _nothing_to_draw(f"没有可画出的{definition.label_zh}：各机关年度的办理结果总计均不足最小样本量或为 0，数值见下表。")
    n_agencies = drawn["agency_id"].n_unique()
    subtitle = None
    if n_agencies > max_agencies:
        keep = metrics.largest_agencies(drawn, n=max_agencies)
        drawn = drawn.filter(pl.col("agency_id").is_in(keep))
        subtitle = f"办理结果总计最多的 {max_agencies} 个机关（共 {n_agencies:,} 个机关有数值）"
        n_agencies = max_agencies
    statuses = drawn["input_status"].to_list()
    drawn = _dodged(_with_period(drawn.with_columns(
        _status_zh().alias("校验"), terms.term_expr("template", "template").alias("template_zh"),
        terms.checks_zh_expr("failed_checks").alias("failed_zh"),
        pl.when(pl.col("is_definition_changed")).then(pl.lit("是")).otherwise(pl.lit("否")).alias("changed_zh"))), "agency_id").select(
        "agency_id", "agency_name", "year", "x_pos", "period", "share", "ci_low", "ci_high", "numerator", "denominator",
        "template_zh", "changed_zh", "校验", "failed_zh", "is_input_failed")
    # tableau10 repeats its colours from the eleventh agency on; tableau20 does not up to twenty.
    color = (alt.Color("agency_name:N", title="机关", scale=alt.Scale(scheme="tableau10" if n_agencies <= 10 else "tableau20"))
             if n_agencies <= max_colored else alt.Color("agency_name:N", legend=None, scale=alt.Scale(scheme="greys")))
    x = _year_axis(data["year"].drop_nulls().unique().to_list() or [2019], field="x_pos")
    # From zero to the largest interval, not to 100%: a non-disclosure share of 5-15% drawn on
    # a 0-100% axis is a flat line at the bottom. Not zoomable: zooming clips the marks at the
    # plot's edge, which cut the red rings at 0% and the tops of whiskers in half.
    y = _y_share(definition.label_zh, zero=True)
    tooltip = [
        alt.Tooltip("agency_name:N", title="机关"), alt.Tooltip("year:Q", title="年度", format="d"),
        alt.Tooltip("share:Q", title=definition.label_zh, format=".1%"),
        alt.Tooltip("ci_low:Q", title="95%区间下限", format=".1%"), alt.Tooltip("ci_high:Q", title="95%区间上限", format=".1%"),
        alt.Tooltip("numerator:Q", title=definition.numerator_zh), alt.Tooltip("denominator:Q", title="办理结果总计"),
        alt.Tooltip("template_zh:N", title="年报格式"), alt.Tooltip("changed_zh:N", title="口径与2019年后不同"),
        alt.Tooltip("校验:N"), alt.Tooltip("failed_zh:N", title="未通过的规则"),
    ]
    base = alt.Chart(drawn).encode(x=x, color=color)
    lines = base.mark_line(point=False, strokeWidth=2).encode(y=y, detail=["agency_id:N", "period:N"])
    bars = base.mark_rule(strokeWidth=1.5, opacity=0.6).encode(y="ci_low:Q", y2="ci_high:Q")
    points = base.mark_point(size=70, filled=True).encode(y=y, shape=_status_shape(statuses), tooltip=tooltip)
    chart = alt.layer(bars, lines, points, _failed_ring(base, y), _template_break())
    text = title or f"{definition.label_zh}（{definition.numerator_zh} ÷ 总计）"
    return chart.properties(title=alt.TitleParams(text, subtitle=subtitle) if subtitle else text, width=560, height=300)


def share_spread(distribution: pl.DataFrame, metric: str, *, pooled: pl.DataFrame | None = None,
                 title: str | None = None) -> alt.LayerChart:
    """How a share is spread across agencies, per year: median, middle half and middle 80%.

    Draws :func:`govdata.metrics.share_distribution` (one row per year, whatever the number
    of agencies) and, when ``pooled`` is given, the pooled share as a dashed line: where the
    two part, big agencies differ from the typical one. Lines stop at the 2019 break.
    """
    definition = _metric(metric)
    data = _with_period(distribution.filter((pl.col("metric") == metric) & pl.col("median").is_not_null()))
    x = _year_axis(data["year"].to_list() or [2019])
    y_title = definition.label_zh
    outer = alt.Chart(data).mark_area(opacity=0.18, color="#1c7ed6").encode(
        x=x, y=alt.Y("p10:Q", title=y_title, axis=alt.Axis(format="%")), y2="p90:Q", detail="period:N")
    inner = alt.Chart(data).mark_area(opacity=0.35, color="#1c7ed6").encode(x=x, y="p25:Q", y2="p75:Q", detail="period:N")
    lines = data.select("year", "period", pl.lit("各机关年度的中位数").alias("series"), pl.col("median").alias("share"))
    if pooled is not None:
        pooled_rows = _with_period(pooled.filter((pl.col("metric") == metric) & pl.col("share").is_not_null()))
        lines = pl.concat([lines, pooled_rows.select("year", "period", pl.lit("全部机关合计").alias("series"), "share")])
    series = alt.Color("series:N", title=None, scale=alt.Scale(domain=["各机关年度的中位数", "全部机关合计"],
                                                               range=["#1864ab", "#495057"]))
    line = alt.Chart(lines).mark_line(point=True).encode(
        x=x, y=alt.Y("share:Q", title=y_title), color=series, detail="period:N",
        strokeDash=alt.StrokeDash("series:N", legend=None, scale=alt.Scale(domain=["各机关年度的中位数", "全部机关合计"],
                                                                          range=[[1, 0], [5, 3]])))
    tooltip = [alt.Tooltip("year:Q", title="年度", format="d"), alt.Tooltip("n_reports:Q", title="计入的机关年度"),
               alt.Tooltip("n_below_min_n:Q", title="办理总数不足最小样本量而未计入"),
               alt.Tooltip("n_reports_failed:Q", title="其中校验未通过"),
               *[alt.Tooltip(f"{name}:Q", title=label, format=".1%") for name, label in
                 (("p10", "第10百分位"), ("p25", "第25百分位"), ("median", "中位数"), ("p75", "第75百分位"), ("p90", "第90百分位"))]]
    hover = alt.Chart(data).mark_point(size=120, opacity=0, filled=True).encode(x=x, y="median:Q", tooltip=tooltip)
    return alt.layer(outer, inner, line, hover, _template_break()).properties(
        title=title or alt.TitleParams(f"各机关{definition.label_zh}的分布",
                                       subtitle="深色带：中间50%的机关年度；浅色带：中间80%"),
        width=560, height=280)


def pooled_trend(pooled: pl.DataFrame, metric: str, *, title: str | None = None) -> alt.LayerChart:
    """All agencies pooled per year (counts summed), with the 2019 break: the corpus-wide headline.

    When ``pooled`` has ``share_without_failed`` (:func:`govdata.views.pooled_with_sensitivity`),
    a grey dotted line shows the share pooled over the reports that pass every rule: where
    it runs close to the headline, the doubtful reports do not drive it.
    """
    definition = _metric(metric)
    data = _with_period(pooled.filter((pl.col("metric") == metric) & pl.col("share").is_not_null()))
    if data.height == 0:
        return _nothing_to_draw(f"没有可合计的{definition.label_zh}：所选机关年度均未列出所需分项，或办理结果总计为 0。")
    if "segment" not in data.columns:  # a plain pooled_shares frame: treat each year as its own segment
        data = data.with_columns(pl.int_range(pl.len()).alias("segment"), pl.lit(None, dtype=pl.Int64).alias("n_agencies"))
    only = pl.col("n_agencies") == 1
    data = data.with_columns(
        pl.when(only).then(pl.lit("仅1个机关")).otherwise(pl.format("{}个机关", pl.col("n_agencies"))).alias("basis"),
        (pl.when(only).then(pl.col("only_agency")).otherwise(pl.lit("")) if "only_agency" in data.columns
         else pl.lit("")).alias("only_name"),
        pl.col("segment").count().over("segment").alias("_segment_size"))
    x = _year_axis(data["year"].to_list() or [2019])
    y = _y_share(definition.label_zh)
    tooltip = [alt.Tooltip("year:Q", title="年度", format="d"), alt.Tooltip("share:Q", title=definition.label_zh, format=".1%"),
               alt.Tooltip("numerator:Q", title=definition.numerator_zh), alt.Tooltip("denominator:Q", title="办理结果总计"),
               alt.Tooltip("basis:N", title="合计的机关"), alt.Tooltip("only_name:N", title="仅依据"),
               alt.Tooltip("n_reports:Q", title="报告数"), alt.Tooltip("n_reports_failed:Q", title="校验未通过的报告数")]
    has_sensitivity = "share_without_failed" in data.columns and data["share_without_failed"].is_not_null().any()
    if has_sensitivity:
        tooltip.append(alt.Tooltip("share_without_failed:Q", title="剔除校验未通过的报告后", format=".1%"))
    base = alt.Chart(data).encode(x=x)
    joined = base.transform_filter("datum._segment_size > 1")
    # Lines and bands only within a segment: the same agencies in consecutive years. A year whose
    # agencies differ from the year before, or that follows a gap, starts a new segment.
    band = joined.mark_area(opacity=0.2, color="#1c7ed6").encode(y="ci_low:Q", y2="ci_high:Q", detail="segment:N")
    whisker = base.mark_rule(color="#1c7ed6", opacity=0.5, strokeWidth=1.5).encode(y="ci_low:Q", y2="ci_high:Q")
    line = joined.mark_line(color="#1c7ed6").encode(y=y, detail="segment:N")
    several = base.transform_filter("datum.n_agencies != 1").mark_point(color="#1c7ed6", filled=True, size=60).encode(
        y=y, tooltip=tooltip)
    single = base.transform_filter("datum.n_agencies == 1").mark_point(color="#1c7ed6", filled=False, strokeWidth=2,
                                                                       size=70).encode(y=y, tooltip=tooltip)
    label = base.transform_filter("datum.n_agencies == 1").mark_text(dy=-12, fontSize=10, color="#495057").encode(
        y=y, text="basis:N")
    layers = [whisker, band, line, several, single, label]
    if has_sensitivity:
        layers.insert(3, joined.transform_filter("isValid(datum.share_without_failed)").mark_line(
            color="#868e96", strokeDash=[2, 3], point=alt.OverlayMarkDef(color="#868e96", size=20)).encode(
            y="share_without_failed:Q", detail="segment:N"))
    text = title or f"全部机关合计：{definition.label_zh}"
    subtitle = ["线段只连接同一批机关的相邻年度；空心点只依据1个机关"]
    if has_sensitivity:
        subtitle.append("灰色点线：只合计通过校验的报告")
    return alt.layer(*layers, _template_break()).properties(title=alt.TitleParams(text, subtitle=subtitle), width=560, height=260)


def outcome_mix(outcomes: pl.DataFrame | pl.LazyFrame, *, reports: pl.DataFrame | None = None, by_agency: bool = False,
                title: str = "办理结果构成", max_agencies: int = MAX_AGENCY_PANELS) -> alt.FacetChart | alt.Chart:
    """Stacked bars of how requests ended, per year (and per agency as small multiples).

    Counts are summed in Polars before drawing (:func:`govdata.metrics.outcome_counts`), so
    the chart holds one row per year and outcome (and panel) however many reports there are.
    With ``by_agency`` and more than ``max_agencies`` agencies, the ``max_agencies`` with the
    most handled requests get a panel each and the rest are pooled in one panel.
    """
    wide = metrics.outcomes_wide(outcomes)
    if wide.height == 0 or not (wide["total"].fill_null(0) > 0).any():
        return _nothing_to_draw("没有办理结果可画：办理结果总计为 0 件（或报告未列出）。")
    if reports is not None:
        wide = with_agency_names(wide, reports)
    else:
        wide = wide.with_columns(pl.col("agency_id").alias("agency_name"))
    if not by_agency:
        return outcome_mix_chart(metrics.outcome_counts(wide, by=["year"]), title=title)
    keep = metrics.largest_agencies(wide, n=max_agencies, weight="total")
    grouped = metrics.group_smaller_agencies(wide, keep)
    return outcome_mix_chart(metrics.outcome_counts(grouped, by=["agency_order", "agency_name", "year"]), title=title)


def outcome_mix_chart(counts: pl.DataFrame, *, title: str = "办理结果构成") -> alt.FacetChart | alt.Chart:
    """Draw :func:`govdata.metrics.outcome_counts`; a frame with ``agency_name`` gives one panel per name.

    Panels are ordered by ``agency_order`` when present (largest agency first, pooled rest last).
    Bars are the printed counts (not shares) so a reader sees the scale; the tooltip gives
    the share of the total of the reports that printed the outcome.
    """
    by_agency = "agency_name" in counts.columns
    n_empty = 0
    if by_agency and counts.height:
        # a panel of an agency that handled no request would be an empty frame: say so instead
        totals = counts.group_by("agency_name").agg(pl.col("value").sum().alias("_sum"))
        empty = totals.filter(pl.col("_sum").fill_null(0) == 0)["agency_name"].to_list()
        n_empty = len(empty)
        counts = counts.filter(~pl.col("agency_name").is_in(empty))
    if counts.height == 0 or counts["value"].fill_null(0).sum() == 0:
        return _nothing_to_draw("没有办理结果可画：所选机关年度的办理结果总计均为 0 件。")
    counts = counts.with_columns(terms.term_expr("template", "template").alias("template"))
    tooltip = [alt.Tooltip("year:O", title="年度"), alt.Tooltip("outcome_zh:N", title="办理结果"),
               alt.Tooltip("value:Q", title="件数", format=","), alt.Tooltip("share_of_total:Q", title="占总计", format=".1%"),
               alt.Tooltip("n_reports:Q", title="报告数", format=","), alt.Tooltip("template:N", title="年报格式")]
    if by_agency:
        tooltip.insert(0, alt.Tooltip("agency_name:N", title="机关"))
    columns = ["year", "outcome_zh", "order", "value", "share_of_total", "n_reports", "template"]
    data = counts.select(*(["agency_name"] if by_agency else []), *columns)
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("year:O", title="统计年度", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title="申请数（件）"),
        color=alt.Color("outcome_zh:N", title="办理结果", scale=alt.Scale(domain=list(OUTCOME_COLORS),
                                                                        range=list(OUTCOME_COLORS.values()))),
        order=alt.Order("order:Q"),
        tooltip=tooltip,
    )
    if by_agency:
        ordered = counts.sort("agency_order", "agency_name") if "agency_order" in counts.columns else counts.sort("agency_name")
        panels = ordered["agency_name"].unique(maintain_order=True).to_list()
        width = max(180, 28 * counts["year"].n_unique())  # room for every year's label under its bar
        heading = alt.TitleParams(title, subtitle=f"另有 {n_empty} 个机关没有办理结果，未画出") if n_empty else title
        return chart.properties(width=width, height=160).facet(
            facet=alt.Facet("agency_name:N", title=None, sort=panels, header=alt.Header(labelLimit=220)), columns=3
        ).properties(title=heading).resolve_scale(y="independent")
    return chart.properties(title=title, width=420, height=260)


def requester_mix_chart(mix: pl.DataFrame, *, title: str = "申请人构成（本年新收）") -> alt.Chart:
    """Horizontal bars: new requests by requester kind, with shares in the tooltip.

    ``mix`` (:func:`govdata.metrics.requester_mix`) is summed per kind first, so one report
    and a whole corpus both give six bars.
    """
    order = [metrics.REQUESTER_LABELS_ZH[k] for k in metrics.REQUESTER_KEYS]
    if mix.height == 0 or mix["value"].fill_null(0).sum() == 0:
        return _nothing_to_draw("本年度没有新收申请，不画申请人构成。" if mix.height else "该年报格式未按申请人类别分列。")
    data = (mix.group_by("requester_zh").agg(pl.col("value").sum())
            .with_columns(pl.when(pl.col("value").sum() > 0).then(pl.col("value") / pl.col("value").sum()).alias("share")))
    return alt.Chart(data).mark_bar(color="#1c7ed6").encode(
        y=alt.Y("requester_zh:N", title=None, sort=order),
        x=alt.X("value:Q", title="新收申请（件）"),
        tooltip=[alt.Tooltip("requester_zh:N", title="申请人"), alt.Tooltip("value:Q", title="件数"),
                 alt.Tooltip("share:Q", title="占比", format=".1%")],
    ).properties(title=title, width=420, height=180)


def check_status_chart(summary: pl.DataFrame, *, title: str = "校验规则结果") -> alt.Chart:
    """Stacked bars of check rows per rule by status (from :func:`govdata.metrics.check_summary`)."""
    data = summary.with_columns(
        terms.term_expr("status", "check_status").alias("status_zh"),
        terms.check_label_expr("check").alias("check_zh"),
        terms.term_expr("severity", "severity").alias("severity_zh"))
    statuses = terms.terms("check_status")
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("check_zh:N", title="规则", axis=alt.Axis(labelLimit=220)),
        x=alt.X("sum(n):Q", title="检查次数"),
        color=alt.Color("status_zh:N", title="结果", scale=alt.Scale(domain=[statuses[k] for k in ("fail", "pass", "not_assessable")],
                                                                   range=["#c92a2a", "#2b8a3e", "#adb5bd"])),
        tooltip=[alt.Tooltip("check_zh:N", title="规则"), alt.Tooltip("status_zh:N", title="结果"),
                 alt.Tooltip("severity_zh:N", title="级别"), alt.Tooltip("sum(n):Q", title="次数")],
    ).properties(title=title, width=460, height=alt.Step(22))


def metrics_trend(shares: pl.DataFrame, metric_names: Sequence[str], *, title: str = "历年变化",
                  years: Sequence[int] | None = None) -> alt.LayerChart:
    """Several share metrics of one agency across years (one line per metric), with the 2019 break.

    Raises ValueError for shares of several agencies: their lines would be joined into one
    (and a corpus would exceed Altair's row limit); use :func:`share_trend` or :func:`pooled_trend`.
    """
    n_agencies = shares["agency_id"].n_unique()
    if n_agencies > 1:
        raise ValueError(f"metrics_trend draws one agency; the shares hold {n_agencies:,} (use share_trend or pooled_trend)")
    labels = {name: _metric(name).label_zh for name in metric_names}
    data = shares.filter(pl.col("metric").is_in(list(metric_names))).with_columns(
        pl.col("metric").replace_strict(labels, return_dtype=pl.String).alias("metric_zh"),
        _status_zh().alias("校验"), terms.term_expr("template", "template").alias("template_zh"),
        terms.checks_zh_expr("failed_checks").alias("failed_zh"),
        pl.when(pl.col("is_definition_changed")).then(pl.lit("是")).otherwise(pl.lit("否")).alias("changed_zh"),
    )
    drawn = _with_period(data.filter(pl.col("share").is_not_null()))
    if drawn.height == 0:
        return _nothing_to_draw("没有可画出的比例：各年度的办理结果总计均不足最小样本量或为 0，件数见下表。")
    # metrics of one year side by side, in the order given, so equal values do not hide each other
    order = {name: index for index, name in enumerate(metric_names)}
    drawn = _dodged(drawn.with_columns(pl.col("metric").replace_strict(order, return_dtype=pl.Int64).alias("_order")), "_order")
    x = _year_axis(list(years or []) or data["year"].to_list() or [2019], field="x_pos")
    y = _y_share("占办理结果总计的比例", domain=[0, 1])
    color = alt.Color("metric_zh:N", title="指标", scale=alt.Scale(domain=list(labels.values()),
                                                                range=[METRIC_COLORS[name] for name in labels]))
    tooltip = [alt.Tooltip("metric_zh:N", title="指标"), alt.Tooltip("year:Q", title="年度", format="d"),
               alt.Tooltip("share:Q", title="比例", format=".1%"),
               alt.Tooltip("ci_low:Q", title="95%区间下限", format=".1%"), alt.Tooltip("ci_high:Q", title="95%区间上限", format=".1%"),
               alt.Tooltip("numerator:Q", title="分子"), alt.Tooltip("denominator:Q", title="分母"),
               alt.Tooltip("template_zh:N", title="年报格式"), alt.Tooltip("changed_zh:N", title="口径与2019年后不同"),
               alt.Tooltip("校验:N"), alt.Tooltip("failed_zh:N", title="未通过的规则")]
    drawn = drawn.select("metric_zh", "year", "x_pos", "period", "share", "ci_low", "ci_high", "numerator", "denominator",
                         "template_zh", "changed_zh", "校验", "failed_zh", "is_input_failed", "input_status")
    base = alt.Chart(drawn.drop("input_status")).encode(x=x, color=color)
    bars = base.mark_rule(strokeWidth=1.5, opacity=0.5).encode(y="ci_low:Q", y2="ci_high:Q")
    lines = base.mark_line(strokeWidth=2).encode(y=y, detail="period:N")
    points = base.mark_point(size=70, filled=True).encode(y=y, tooltip=tooltip, shape=_status_shape(drawn["input_status"].to_list()))
    return alt.layer(bars, lines, points, _failed_ring(base, y), _template_break()).properties(
        title=title, width=560, height=280)


def draws_lines(shares: pl.DataFrame, metric_names: Sequence[str]) -> bool:
    """Whether :func:`metrics_trend` draws a line: two consecutive drawn years on the same side of the 2019 change."""
    drawn = _with_period(shares.filter(pl.col("metric").is_in(list(metric_names)) & pl.col("share").is_not_null()))
    for (_metric_name, _period), part in drawn.group_by("metric", "period"):
        years = sorted(part["year"].unique().to_list())
        if any(b == a + 1 for a, b in itertools.pairwise(years)):
            return True
    return False


def trend_caption(shares: pl.DataFrame, metric_names: Sequence[str]) -> sections.Fragment:
    """The sentence above the agency's charts, saying what is drawn: lines only when there are lines."""
    drawn = shares.filter(pl.col("metric").is_in(list(metric_names)) & pl.col("share").is_not_null())
    if shares.height and not (shares["denominator"].fill_null(0) > 0).any():
        return sections.Fragment("<p>本机关各年度的办理结果总计均为 0 件（或未列出），因此没有构成图和比例，数字见下表。</p>")
    parts = ["柱形为各年办理结果件数。"]
    if drawn.height == 0:
        parts.append("各年度办理结果总计均不足最小样本量或为 0，不画比例，件数见表。")
    elif draws_lines(shares, metric_names):
        parts.append("圆点为占办理结果总计的比例，竖线为95%置信区间，折线连接相邻年度（不跨越2019年的格式变化）。")
    else:
        parts.append("圆点为占办理结果总计的比例，竖线为95%置信区间；没有相邻年度，故不连线。")
    parts.append("虚线标出2019年起的新版年报格式：此前的数字来自旧版附表，分类口径不同。外加红色圆圈的数值所依据的报告未通过校验规则。")
    return sections.Fragment(f'<p>{sections.esc("".join(parts))}</p>')


GROUP_COLORS: dict[str, str] = {"withheld": "#c92a2a", "unable": "#f08c00", "not_processed": "#ffd43b"}

MAX_RANKED_AGENCIES = 40
"""Most agencies :func:`ranking_chart` ranks one by one (the ones with most handled requests)."""


def reasons_chart(totals: pl.DataFrame, *, title: str = "不予公开、无法提供、不予处理的理由") -> alt.Chart | sections.Fragment:
    """Horizontal bars: requests refused per ground (不予公开), per reason (无法提供, 不予处理).

    ``totals`` from :func:`govdata.metrics.reason_totals` (one report, or many summed): one bar
    per reason, coloured by group, in the form's order; the 2008 Regulations' grounds a
    pre-2019 report states in prose are marked as such. Nothing refused: a sentence instead.
    """
    data = totals.filter(pl.col("value").fill_null(0) > 0)
    if data.height == 0:
        return _nothing_to_draw("没有不予公开、无法提供或不予处理的申请（或报告未列出理由）。")
    data = data.with_columns(
        pl.when(pl.col("is_2008_ground")).then(pl.concat_str(pl.col("reason_zh"), pl.lit("（2008年条例）")))
        .otherwise(pl.col("reason_zh")).alias("reason_label"))
    order = data.sort("order")["reason_label"].to_list()
    groups = [g for g in GROUP_COLORS if g in set(data["group"].to_list())]
    labels = {g: metrics.OUTCOME_LABELS_ZH[g] for g in groups}
    tooltip = [alt.Tooltip("group_zh:N", title="类别"), alt.Tooltip("reason_label:N", title="理由"),
               alt.Tooltip("value:Q", title="件数", format=","), alt.Tooltip("share_of_group:Q", title="占该类别", format=".1%")]
    if "n_agencies" in data.columns:
        tooltip.append(alt.Tooltip("n_agencies:Q", title="列出该理由的机关数"))
    columns = [c for c in ("agency", "group", "group_zh", "reason_label", "value", "share_of_group", "n_agencies") if c in data.columns]
    chart = alt.Chart(data.select(columns)).mark_bar().encode(
        y=alt.Y("reason_label:N", title=None, sort=order, axis=alt.Axis(labelLimit=260)),
        x=alt.X("value:Q", title="申请数（件）"),
        color=alt.Color("group_zh:N", title="类别", scale=alt.Scale(domain=[labels[g] for g in groups],
                                                                  range=[GROUP_COLORS[g] for g in groups])),
        tooltip=tooltip,
    )
    if "agency" in data.columns:  # one panel per agency (the compare page)
        return chart.properties(width=280, height=alt.Step(20)).facet(
            column=alt.Column("agency:N", title=None, header=alt.Header(labelLimit=260))).properties(title=title)
    return chart.properties(title=title, width=420, height=alt.Step(20))


def ranking_chart(shares: pl.DataFrame, metric: str, *, year: int | None = None, min_n: int | None = None,
                  max_agencies: int = MAX_RANKED_AGENCIES) -> alt.LayerChart | sections.Fragment:
    """Agencies ranked by a share in one year: point and 95% interval per agency, highest first.

    Agencies below the minimum N are not ranked (their share is null) and the subtitle counts
    them; with more than ``max_agencies`` agencies, the ones with most handled requests are
    ranked and the subtitle says so. Red rings mark shares resting on a failed rule.
    """
    definition = _metric(metric)
    data = shares.filter(pl.col("metric") == metric)
    if year is not None:
        data = data.filter(pl.col("year") == year)
    if "agency_name" not in data.columns:
        data = data.with_columns(pl.col("agency_id").alias("agency_name"))
    ranked = data.filter(pl.col("share").is_not_null())
    n_below = data.filter(pl.col("share").is_null() & pl.col("denominator").is_not_null()).height
    if ranked.height == 0:
        return _nothing_to_draw(f"{year or ''}年没有可排名的机关：办理结果总计均不足最小样本量。")
    notes = [f"{ranked.height} 个机关参与排名"]
    if n_below:
        notes.append(f"{n_below} 个机关办理结果总计不足{'' if min_n is None else f' {min_n} '}件，未排名")
    if ranked.height > max_agencies:
        keep = metrics.largest_agencies(ranked, n=max_agencies)
        ranked = ranked.filter(pl.col("agency_id").is_in(keep))
        notes.append(f"只画办理结果总计最多的 {max_agencies} 个")
    # one label per agency even when two print the same name
    ranked = ranked.with_columns(
        pl.when(pl.col("agency_name").is_duplicated()).then(pl.format("{}（{}）", "agency_name", "agency_id"))
        .otherwise(pl.col("agency_name")).alias("label"),
        _status_zh().alias("校验"), terms.checks_zh_expr("failed_checks").alias("failed_zh"))
    order = ranked.sort(["share", "label"], descending=[True, False])["label"].to_list()
    data = ranked.select("label", "year", "share", "ci_low", "ci_high", "numerator", "denominator", "校验", "failed_zh",
                         "is_input_failed")
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=260))
    x = alt.X("share:Q", title=definition.label_zh, axis=alt.Axis(format="%"), scale=alt.Scale(zero=True, padding=10, nice=False))
    tooltip = [alt.Tooltip("label:N", title="机关"), alt.Tooltip("share:Q", title=definition.label_zh, format=".1%"),
               alt.Tooltip("ci_low:Q", title="95%区间下限", format=".1%"), alt.Tooltip("ci_high:Q", title="95%区间上限", format=".1%"),
               alt.Tooltip("numerator:Q", title=definition.numerator_zh), alt.Tooltip("denominator:Q", title="办理结果总计"),
               alt.Tooltip("校验:N"), alt.Tooltip("failed_zh:N", title="未通过的规则")]
    base = alt.Chart(data).encode(y=y)
    whisker = base.mark_rule(color="#1c7ed6", strokeWidth=2, opacity=0.6).encode(x="ci_low:Q", x2="ci_high:Q")
    point = base.mark_point(color="#1c7ed6", filled=True, size=60).encode(x=x, tooltip=tooltip)
    ring = base.transform_filter("datum.is_input_failed").mark_point(
        shape="circle", size=200, filled=False, stroke=FAILED_RING_COLOR, strokeWidth=2).encode(x=x)
    heading = f"{year}年各机关{definition.label_zh}排名" if year is not None else f"各机关{definition.label_zh}排名"
    return alt.layer(whisker, point, ring).properties(
        title=alt.TitleParams(heading, subtitle="；".join(notes) + "。横线为95%置信区间"), width=420, height=alt.Step(22))


def compare_chart(shares: pl.DataFrame, metric_names: Sequence[str], *,
                  title: str = "两个机关的比较") -> alt.HConcatChart | sections.Fragment:
    """Side by side: :func:`metrics_trend` of each agency in ``shares`` (two, usually), one panel each, same y axis."""
    panels = []
    for (agency_id,), part in shares.sort("agency_id").group_by("agency_id", maintain_order=True):
        name = part["agency_name"][0] if "agency_name" in part.columns else agency_id
        # the same years on both panels, so the two agencies are read against one time axis
        chart = metrics_trend(part, metric_names, title=str(name), years=shares["year"].drop_nulls().unique().to_list())
        if isinstance(chart, sections.Fragment):
            continue
        panels.append(chart.properties(width=360, height=240))
    if not panels:
        return _nothing_to_draw("两个机关都没有可画出的比例（办理结果总计不足最小样本量或为 0）。")
    return alt.hconcat(*panels).resolve_scale(y="shared").properties(title=title)
