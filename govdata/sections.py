"""HTML pieces of the briefings: header, headline numbers, tables, findings, definitions.

Why here and not in the notebooks: every string that comes from a report (agency names,
check messages, source paths) must be HTML-escaped before it reaches a page, and that is
easiest to guarantee and test in one place. Every function returns a :class:`Fragment`,
which notebooks display as HTML and tests read as a string; nothing here writes raw report
text without :func:`esc`.

Example:
    >>> str(table(pl.DataFrame({"机关": ["<b>x</b>"]})))
    '<table><thead><tr><th>机关</th></tr></thead><tbody><tr><td>&lt;b&gt;x&lt;/b&gt;</td></tr></tbody></table>'
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from govdata import form, metrics
from govdata.model import Corpus

if TYPE_CHECKING:  # for the annotation only: these HTML helpers need nothing from the store
    from govdata.views import Trends

MISSING = "—"


@dataclass(frozen=True)
class Fragment:
    """A piece of already escaped HTML that notebooks display (``_repr_html_``)."""

    html: str

    def _repr_html_(self) -> str:
        return f'<div class="govdata">{self.html}</div>'

    def __str__(self) -> str:
        return self.html


def esc(value: Any) -> str:
    """HTML-escape anything for text and attribute positions; None prints as a dash."""
    if value is None:
        return MISSING
    return html.escape(str(value), quote=True)


def fmt_share(value: float | None) -> str:
    return MISSING if value is None else f"{value * 100:.1f}%"


def fmt_int(value: int | float | None) -> str:
    return MISSING if value is None else f"{int(value):,}"


def fmt_interval(low: float | None, high: float | None) -> str:
    return MISSING if low is None or high is None else f"{low * 100:.1f}%–{high * 100:.1f}%"


def status_flag(status: str | None, failed_checks: str | None = None) -> str:
    """A short, coloured Chinese label for an ``input_status`` (with the failed rules)."""
    from govdata.charts import STATUS_LABELS_ZH

    status = status or "unchecked"
    label = STATUS_LABELS_ZH.get(status, status)
    detail = f"（{esc(failed_checks)}）" if failed_checks else ""
    return f'<span class="flag-{esc(status)}">{esc(label)}{detail}</span>'


def table(frame: pl.DataFrame, *, headers: Mapping[str, str] | None = None,
          formats: Mapping[str, Any] | None = None, raw_html: Sequence[str] = (),
          numeric: Sequence[str] = ()) -> Fragment:
    """An HTML table of a frame, every cell escaped unless listed in ``raw_html``.

    ``headers`` renames and selects columns (in order); ``formats`` maps a column to a
    function value -> str applied before escaping; ``raw_html`` names columns whose values
    were built by this module (already escaped); ``numeric`` right-aligns columns.
    """
    headers = dict(headers) if headers else {name: name for name in frame.columns}
    formats = dict(formats or {})
    head = "".join(f"<th>{esc(title)}</th>" for title in headers.values())
    rows = []
    for record in frame.select(list(headers)).iter_rows(named=True):
        cells = []
        for name in headers:
            value = record[name]
            if name in formats:
                value = formats[name](value)
            text = str(value) if name in raw_html else esc(value)
            css = ' class="num"' if name in numeric else ""
            cells.append(f"<td{css}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return Fragment(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


# --------------------------------------------------------------------------- briefing pieces


def select_report(corpus: Corpus, agency_id: str, year: int) -> dict[str, Any]:
    """The ``reports`` row of one agency-year; raises with the choices when there is none.

    When an agency published two reports for one year (a correction), the one read last
    (by source path) is shown and the header says how many there are.
    """
    rows = corpus.reports.filter((pl.col("agency_id") == agency_id) & (pl.col("year") == year)).sort("source")
    if rows.height == 0:
        known = corpus.reports.select("agency_id", "year").unique().sort("agency_id", "year").rows()
        raise LookupError(f"no report for agency_id={agency_id!r} year={year}; the corpus has {known[:20]}")
    row = rows.row(rows.height - 1, named=True)
    row["n_reports_same_year"] = rows.height
    return row


def briefing_header(report: Mapping[str, Any]) -> Fragment:
    """Title block: agency, year, template and the source file the numbers come from."""
    template_zh = {"legacy": "2008年条例时期格式（附表）", "2019": "2019年新版格式（国办公开办函〔2019〕60号）",
                   "2021": "2021年新版格式（国办公开办函〔2021〕30号）"}.get(report.get("template"), report.get("template"))
    extra = ""
    if report.get("n_reports_same_year", 1) > 1:
        extra = f"<br>注意：该机关本年度共有 {report['n_reports_same_year']} 份报告，本页依据最后读取的一份。"
    return Fragment(
        f"<h1>{esc(report.get('agency'))}</h1>"
        f'<p class="subtitle">{esc(report.get("year"))} 年政府信息公开工作年度报告 · 数据简报<br>'
        f"年报格式：{esc(template_zh)} · 来源：<code>{esc(report.get('source'))}</code> · "
        f"报告编号 <code>{esc(report.get('report_id'))}</code>{extra}</p>"
    )


REQUEST_SOURCE_ZH = {"table3": "表三", "legacy": "附表", "facts": "正文"}


def _card(label: str, value: str, note: str = "") -> str:
    note_html = f'<div class="note">{note}</div>' if note else ""
    return f'<div class="card"><div class="label">{esc(label)}</div><div class="value">{value}</div>{note_html}</div>'


def headline(shares: pl.DataFrame, requests: pl.DataFrame, report_id: str, *, min_n: int,
             metric_names: Sequence[str] = ("share_withheld", "share_denied_broad", "share_granted_any")) -> Fragment:
    """Headline cards: requests received and handled, key shares with 95% intervals, check status.

    A share below the minimum N is replaced by the counts and the reason, never by a number.
    """
    cards = []
    req = requests.filter(pl.col("report_id") == report_id)
    status, failed = "unchecked", ""
    if req.height:
        r = req.row(0, named=True)
        status, failed = r["input_status"], r["failed_checks"]
        source_zh = REQUEST_SOURCE_ZH.get(r["requests_source"], r["requests_source"])
        cards.append(_card("本年新收申请", f"{fmt_int(r['requests_new'])} 件", f"来源：{esc(source_zh)}"))
        cards.append(_card("办理结果总计", f"{fmt_int(r['handled'])} 件"))
    for name in metric_names:
        definition = metrics.SHARE_METRICS[name]
        row = shares.filter((pl.col("report_id") == report_id) & (pl.col("metric") == name))
        if row.height == 0:
            continue
        s = row.row(0, named=True)
        if s["numerator"] is None:
            cards.append(_card(definition.label_zh, MISSING, "该年报格式未列出所需分项"))
        elif s["share"] is None:
            cards.append(_card(definition.label_zh, f"{fmt_int(s['numerator'])} / {fmt_int(s['denominator'])}",
                               f"办理总数不足 {min_n} 件，不计算比例"))
        else:
            cards.append(_card(definition.label_zh, fmt_share(s["share"]),
                               f"{fmt_int(s['numerator'])} / {fmt_int(s['denominator'])} 件；95%区间 "
                               f"{fmt_interval(s['ci_low'], s['ci_high'])}"))
        status, failed = s["input_status"], s["failed_checks"]
    cards.append(_card("数据校验", status_flag(status, failed), "规则详见下文“数据质量”"))
    return Fragment(f'<div class="cards">{"".join(cards)}</div>')


def shares_table(shares: pl.DataFrame, *, show_agency: bool = True, limit: int | None = None) -> Fragment:
    """Values behind a share chart: one row per report and metric, with counts, interval and check flag.

    ``show_agency=False`` drops the agency column (a one-agency briefing names it in the title).
    ``limit`` lists at most that many rows and says how many more there are: a page over a
    national corpus must not carry 100,000 rows.
    """
    labels = {name: m.label_zh for name, m in metrics.SHARE_METRICS.items()}
    n_rows = shares.height
    if limit is not None:
        shares = shares.head(limit)
    frame = shares.with_columns(
        pl.col("metric").replace_strict(labels, default=pl.col("metric"), return_dtype=pl.String).alias("metric_zh"),
        pl.struct("input_status", "failed_checks").map_elements(
            lambda s: status_flag(s["input_status"], s["failed_checks"]), return_dtype=pl.String).alias("flag"),
        pl.struct("ci_low", "ci_high").map_elements(
            lambda s: fmt_interval(s["ci_low"], s["ci_high"]), return_dtype=pl.String).alias("interval"),
        pl.concat_str(
            pl.when(pl.col("is_below_min_n")).then(pl.lit("N 不足；")).otherwise(pl.lit("")),
            pl.when(pl.col("is_definition_changed")).then(pl.lit("口径与2019年后不同；")).otherwise(pl.lit("")),
        ).str.strip_suffix("；").alias("note"),
    )
    if "agency_name" not in frame.columns:
        frame = frame.with_columns(pl.col("agency_id").alias("agency_name"))
    headers = {"agency_name": "机关"} if show_agency else {}
    rows = table(
        frame.sort("metric_zh", "year") if not show_agency else frame,
        headers={**headers, "year": "年度", "template": "格式", "metric_zh": "指标", "numerator": "分子",
                 "denominator": "分母", "share": "比例", "interval": "95%区间", "note": "说明", "flag": "输入校验"},
        formats={"share": fmt_share, "numerator": fmt_int, "denominator": fmt_int},
        raw_html=("flag",), numeric=("numerator", "denominator", "share"),
    )
    return Fragment(str(rows) + _more_rows(n_rows, frame.height))


def _more_rows(total: int, shown: int) -> str:
    return f'<p class="muted">另有 {total - shown:,} 行未列出。</p>' if total > shown else ""


def pooled_table(pooled: pl.DataFrame) -> Fragment:
    """The pooled share per year with its counts, and the same share without the reports that fail a rule.

    From :func:`govdata.views.pooled_with_sensitivity`; when the two shares are close, the
    doubtful reports do not drive the headline.
    """
    frame = pooled.with_columns(
        pl.struct("ci_low", "ci_high").map_elements(
            lambda s: fmt_interval(s["ci_low"], s["ci_high"]), return_dtype=pl.String).alias("interval"))
    headers = {"year": "年度", "n_reports": "报告数", "numerator": "分子", "denominator": "分母（办理结果总计）",
               "share": "合计比例", "interval": "95%区间", "n_reports_failed": "校验未通过的报告",
               "share_without_failed": "剔除这些报告后的比例", "n_reports_missing": "缺少所需分项的报告"}
    headers = {name: title for name, title in headers.items() if name in frame.columns}
    counts = ("n_reports", "numerator", "denominator", "n_reports_failed", "n_reports_missing")
    return table(
        frame, headers=headers,
        formats={"share": fmt_share, "share_without_failed": fmt_share, **{name: fmt_int for name in counts}},
        numeric=(*counts, "share", "share_without_failed"),
    )


def trends_summary(view: Trends) -> Fragment:
    """The headline of the trends page (:func:`govdata.views.trends`): the latest pooled share with
    its interval, what the page covers, how many reports rest on a failed rule, and what the
    per-agency charts leave out."""
    definition = metrics.SHARE_METRICS[view.metric]
    latest = view.pooled.filter(pl.col("share").is_not_null()).sort("year").tail(1)
    cards = []
    if latest.height:
        row = latest.row(0, named=True)
        cards.append(_card(f"{row['year']}年全部机关合计：{definition.label_zh}", fmt_share(row["share"]),
                           f"{fmt_int(row['numerator'])} / {fmt_int(row['denominator'])} 件；95%区间 "
                           f"{fmt_interval(row['ci_low'], row['ci_high'])}"))
    years = view.years
    span = f"{years[0]}–{years[-1]} 年" if years else "无年度"
    text = f"共 {view.n_reports:,} 份报告（机关年度），{view.n_agencies:,} 个机关，{span}。"
    if view.n_reports_failed:
        text += f"其中 {view.n_reports_failed:,} 份报告未通过校验规则，其数值在图中外加红色圆圈，并列于文末。"
    elif view.n_reports:
        text += "没有报告未通过校验规则。"
    if view.has_many_agencies:
        text += (f"机关较多：逐个机关的图和表只列办理结果总计最多的 {view.top_n} 个机关，"
                 "全部机关的情况见合计与分布图。")
    cards_html = f'<div class="cards">{"".join(cards)}</div>' if cards else ""
    return Fragment(f'{cards_html}<p class="summary">{esc(text)}</p>')


def corrections_table(corrections: pl.DataFrame) -> Fragment:
    """Review and litigation counts with the correction rate (shown only from the minimum N)."""
    if corrections.height == 0:
        return Fragment('<p class="muted">本报告未列出行政复议、行政诉讼情况（2019年以前的格式不含此表）。</p>')
    frame = corrections.with_columns(
        pl.struct("ci_low", "ci_high").map_elements(lambda s: fmt_interval(s["ci_low"], s["ci_high"]),
                                                    return_dtype=pl.String).alias("interval"),
        pl.when(pl.col("is_below_min_n")).then(pl.lit("案件数不足，不计算比例")).otherwise(pl.lit("")).alias("note"),
    )
    return table(
        frame,
        headers={"proceeding_zh": "类别", **form.labels_zh("table4", "outcome"), "correction_rate": "纠正率", "interval": "95%区间",
                 "note": "说明"},
        formats={"correction_rate": fmt_share, **{k: fmt_int for k in form.t4_outcomes()}},
        numeric=(*form.t4_outcomes(), "correction_rate"),
    )


def workload_table(requests: pl.DataFrame) -> Fragment:
    """Requests per agency-year with carry-over ratio, for the trend section."""
    frame = requests.with_columns(
        pl.struct("input_status", "failed_checks").map_elements(
            lambda s: status_flag(s["input_status"], s["failed_checks"]), return_dtype=pl.String).alias("flag"))
    return table(
        frame,
        headers={"year": "年度", "template": "格式", "requests_new": "本年新收",
                 "carried_over": form.short_label_zh("table3", "row", "carried_over"), "handled": "办理结果总计",
                 "carried_forward": form.short_label_zh("table3", "row", "carried_forward"), "carry_over_ratio": "结转比例",
                 "flag": "输入校验"},
        formats={"carry_over_ratio": fmt_share, **{k: fmt_int for k in ("requests_new", "carried_over", "handled", "carried_forward")}},
        raw_html=("flag",), numeric=("requests_new", "carried_over", "handled", "carried_forward", "carry_over_ratio"),
    )


def findings_table(findings: pl.DataFrame, *, limit: int = 200) -> Fragment:
    """Failed checks with ``file:line`` so a reader can open the report at the right place."""
    if findings.height == 0:
        return Fragment('<p class="flag-pass">全部已执行的校验规则均通过。</p>')
    shown = findings.head(limit).with_columns(
        pl.col("verdict").replace_strict(VERDICT_ZH, default=None, return_dtype=pl.String)
        .fill_null("未复核").alias("verdict_zh"),
        pl.col("severity").replace_strict(SEVERITY_ZH, default=pl.col("severity"), return_dtype=pl.String).alias("severity_zh"),
    )
    more = f'<p class="muted">另有 {findings.height - limit} 条未列出。</p>' if findings.height > limit else ""
    return Fragment(str(table(
        shown,
        headers={"location": "位置（文件:行）", "check": "规则", "severity_zh": "级别", "expected": "应为",
                 "actual": "报告所列", "message": "说明", "verdict_zh": "人工复核"},
        formats={"expected": _fmt_number, "actual": _fmt_number},
        numeric=("expected", "actual"),
    )) + more)


VERDICT_ZH = {"confirmed": "已确认为报告原文问题", "dismissed": "复核后排除"}
SEVERITY_ZH = {"error": "错误", "warning": "提示"}


def _fmt_number(value: float | None) -> str:
    if value is None:
        return MISSING
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def definitions_table(names: Sequence[str] | None = None) -> Fragment:
    """Every metric shown on the page with its numerator, denominator and definitions."""
    return table(
        metrics.metric_definitions(names),
        headers={"label_zh": "指标", "metric": "字段名", "definition_zh": "定义", "definition_en": "Definition"},
    )


def overview_table(overview: pl.DataFrame, *, limit: int | None = None) -> Fragment:
    """Per-report check counts for the data-quality notebook; ``limit`` lists at most that many rows."""
    n_rows = overview.height
    if limit is not None:
        overview = overview.head(limit)
    frame = overview.with_columns(
        pl.struct("input_status", "failed_checks").map_elements(
            lambda s: status_flag(s["input_status"], s["failed_checks"]), return_dtype=pl.String).alias("flag"))
    rows = table(
        frame,
        headers={"agency": "机关", "year": "年度", "template": "格式", "source": "来源文件", "n_passed": "通过",
                 "n_failed": "未通过", "n_not_assessable": "无法校验", "flag": "状态"},
        raw_html=("flag",), numeric=("n_passed", "n_failed", "n_not_assessable"),
    )
    return Fragment(str(rows) + _more_rows(n_rows, frame.height))


def failures_list(corpus: Corpus) -> Fragment:
    """Files ``govdata ingest`` could not read at all, with the reason."""
    if not corpus.failures:
        return Fragment('<p class="flag-pass">所有文件均已读取。</p>')
    items = "".join(f"<li><code>{esc(str(f))}</code></li>" for f in corpus.failures)
    return Fragment(f'<p class="flag-fail">{len(corpus.failures)} 个文件无法读取：</p><ul>{items}</ul>')


def note(text: str) -> Fragment:
    """A muted paragraph of (escaped) text."""
    return Fragment(f'<p class="muted">{esc(text)}</p>')
