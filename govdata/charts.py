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
    n_agencies = drawn["agency_id"].n_unique()
    subtitle = None
    if n_agencies > max_agencies:
        keep = metrics.largest_agencies(drawn, n=max_agencies)
        drawn = drawn.filter(pl.col("agency_id").is_in(keep))
        subtitle = f"办理结果总计最多的 {max_agencies} 个机关（共 {n_agencies:,} 个机关有数值）"
        n_agencies = max_agencies
    drawn = _with_period(drawn.with_columns(_status_zh().alias("校验"))).select(
        "agency_id", "agency_name", "year", "period", "share", "ci_low", "ci_high", "numerator", "denominator",
        "template", "is_definition_changed", "校验", "failed_checks", "is_input_failed")
    # tableau10 repeats its colours from the eleventh agency on; tableau20 does not up to twenty.
    color = (alt.Color("agency_name:N", title="机关", scale=alt.Scale(scheme="tableau10" if n_agencies <= 10 else "tableau20"))
             if n_agencies <= max_colored else alt.Color("agency_name:N", legend=None, scale=alt.Scale(scheme="greys")))
    x = _year_axis(data["year"].drop_nulls().unique().to_list() or [2019])
    # From zero to the largest interval, not to 100%: a non-disclosure share of 5-15% drawn on
    # a 0-100% axis is a flat line at the bottom.
    y = alt.Y("share:Q", title=definition.label_zh, axis=alt.Axis(format="%"), scale=alt.Scale(zero=True))
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
    text = title or f"{definition.label_zh}（{definition.numerator_zh} ÷ 总计）"
    return chart.properties(title=alt.TitleParams(text, subtitle=subtitle) if subtitle else text, width=560,
                            height=300).interactive(bind_y=False)


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
    x = _year_axis(data["year"].to_list() or [2019])
    y = alt.Y("share:Q", title=definition.label_zh, axis=alt.Axis(format="%"))
    tooltip = [alt.Tooltip("year:Q", title="年度", format="d"), alt.Tooltip("share:Q", title=definition.label_zh, format=".1%"),
               alt.Tooltip("numerator:Q", title=definition.numerator_zh), alt.Tooltip("denominator:Q", title="办理结果总计"),
               alt.Tooltip("n_reports:Q", title="报告数"), alt.Tooltip("n_reports_failed:Q", title="校验未通过的报告数")]
    has_sensitivity = "share_without_failed" in data.columns and data["share_without_failed"].is_not_null().any()
    if has_sensitivity:
        tooltip.append(alt.Tooltip("share_without_failed:Q", title="剔除校验未通过的报告后", format=".1%"))
    base = alt.Chart(data).encode(x=x)
    band = base.mark_area(opacity=0.2, color="#1c7ed6").encode(y="ci_low:Q", y2="ci_high:Q", detail="period:N")
    line = base.mark_line(color="#1c7ed6", point=True).encode(y=y, tooltip=tooltip, detail="period:N")
    layers = [band, line]
    if has_sensitivity:
        layers.insert(1, base.transform_filter("isValid(datum.share_without_failed)").mark_line(
            color="#868e96", strokeDash=[2, 3], point=alt.OverlayMarkDef(color="#868e96", size=20)).encode(
            y="share_without_failed:Q", detail="period:N"))
    text = title or f"全部机关合计：{definition.label_zh}"
    heading = alt.TitleParams(text, subtitle="灰色点线：只合计通过校验的报告") if has_sensitivity else text
    return alt.layer(*layers, _template_break()).properties(title=heading, width=560, height=260)


def outcome_mix(outcomes: pl.DataFrame | pl.LazyFrame, *, reports: pl.DataFrame | None = None, by_agency: bool = False,
                title: str = "办理结果构成", max_agencies: int = MAX_AGENCY_PANELS) -> alt.FacetChart | alt.Chart:
    """Stacked bars of how requests ended, per year (and per agency as small multiples).

    Counts are summed in Polars before drawing (:func:`govdata.metrics.outcome_counts`), so
    the chart holds one row per year and outcome (and panel) however many reports there are.
    With ``by_agency`` and more than ``max_agencies`` agencies, the ``max_agencies`` with the
    most handled requests get a panel each and the rest are pooled in one panel.
    """
    wide = metrics.outcomes_wide(outcomes)
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
        return chart.properties(width=width, height=160).facet(
            facet=alt.Facet("agency_name:N", title=None, sort=panels), columns=3
        ).properties(title=title).resolve_scale(y="independent")
    return chart.properties(title=title, width=420, height=260)


def requester_mix_chart(mix: pl.DataFrame, *, title: str = "申请人构成（本年新收）") -> alt.Chart:
    """Horizontal bars: new requests by requester kind, with shares in the tooltip.

    ``mix`` (:func:`govdata.metrics.requester_mix`) is summed per kind first, so one report
    and a whole corpus both give six bars.
    """
    order = [metrics.REQUESTER_LABELS_ZH[k] for k in metrics.REQUESTER_KEYS]
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
