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

from govdata import form, harmonize, metrics, terms
from govdata.citations import Quote, Quoter
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
    """A short, coloured Chinese label for an ``input_status``, with the failed rules' Chinese names.

    The rule keys stay in a ``data-checks`` attribute (for scripts and researchers), never in text.
    """
    status = status or "unchecked"
    label = terms.term("input_status", status)
    detail = f"（{esc(terms.checks_zh(failed_checks))}）" if failed_checks else ""
    keys = f' data-checks="{esc(failed_checks)}"' if failed_checks else ""
    return f'<span class="flag-{esc(status)}"{keys}>{esc(label)}{detail}</span>'


def template_zh(template: str | None) -> str:
    """``legacy`` -> 旧版（附表）: the template as a reader names it."""
    return terms.term("template", template) if template else MISSING


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


def scrolling(fragment: Fragment | str) -> Fragment:
    """A wide table in a box that scrolls sideways on a phone instead of running off the page."""
    return Fragment(f'<div class="table-wrap">{fragment}</div>')


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
    template_zh = terms.term("template_full", report.get("template")) if report.get("template") else MISSING
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


def _card(label: str, value: str, note: str = "", source: str = "") -> str:
    note_html = f'<div class="note">{note}</div>' if note else ""
    source_html = f'<div class="src">{source}</div>' if source else ""
    return (f'<div class="card"><div class="label">{esc(label)}</div><div class="value">{value}</div>'
            f"{note_html}{source_html}</div>")


QUALITY_ANCHOR = "quality"
"""The id of the briefing's 数据质量 section, which the check-status card links to."""
SOURCES_ANCHOR = "sources"
"""The id of the table quoting the lines every headline number was read from."""


def headline(shares: pl.DataFrame, requests: pl.DataFrame, report_id: str, *, min_n: int,
             metric_names: Sequence[str] = ("share_withheld", "share_denied_broad", "share_granted_any"),
             sources: Mapping[str, Sourced] | None = None) -> Fragment:
    """Headline cards: requests received and handled, key shares with 95% intervals, check status.

    A share below the minimum N is replaced by the counts and the reason, never by a number;
    an agency that handled no request gets no share card at all ("0 / 0" means nothing), and
    says so. With ``sources`` (:func:`headline_sources`) every card names the lines its
    number was read from, and links to the table that quotes them.
    """
    sources = sources or {}
    cards = []
    req = requests.filter(pl.col("report_id") == report_id)
    status, failed = "unchecked", ""
    handled = None
    if req.height:
        r = req.row(0, named=True)
        status, failed = r["input_status"], r["failed_checks"]
        handled = r["handled"]
        source_zh = terms.term("source", r["requests_source"]) if r["requests_source"] else "报告未列出"
        cards.append(_card("本年新收申请", f"{fmt_int(r['requests_new'])} 件", f"来源：{esc(source_zh)}",
                           _source_note(sources.get("requests_new"))))
        cards.append(_card("办理结果总计", f"{fmt_int(handled)} 件", "", _source_note(sources.get("handled"))))
    is_zero = handled == 0
    for name in metric_names:
        definition = metrics.SHARE_METRICS[name]
        row = shares.filter((pl.col("report_id") == report_id) & (pl.col("metric") == name))
        if row.height == 0:
            continue
        s = row.row(0, named=True)
        status, failed = s["input_status"], s["failed_checks"]
        if is_zero or s["denominator"] == 0:
            is_zero = True
            continue
        cited = _source_note(sources.get(name))
        if s["numerator"] is None:
            cards.append(_card(definition.label_zh, MISSING, "该年报格式未列出所需分项", cited))
        elif s["share"] is None:
            cards.append(_card(definition.label_zh, f"{fmt_int(s['numerator'])} / {fmt_int(s['denominator'])} 件",
                               f"办理结果总计不足 {min_n} 件，不计算比例", cited))
        else:
            cards.append(_card(definition.label_zh, fmt_share(s["share"]),
                               f"{fmt_int(s['numerator'])} / {fmt_int(s['denominator'])} 件；95%区间 "
                               f"{fmt_interval(s['ci_low'], s['ci_high'])}", cited))
    if is_zero:
        cards.append(_card("办理结果", "无申请办结", "本年度办理结果总计为 0 件，不计算任何比例"))
    cards.append(_card("数据校验", status_flag(status, failed), f'规则详见下文<a href="#{QUALITY_ANCHOR}">“数据质量”</a>'))
    return Fragment(f'<div class="cards">{"".join(cards)}</div>')


# --------------------------------------------------------------------------- where numbers come from


@dataclass(frozen=True)
class Sourced:
    """Where one headline number was read from: the report's lines (quoted) and how it was put together."""

    label: str
    value: str
    where: str  # 表三 / 附表 / 正文
    quotes: tuple[Quote, ...]
    lines: tuple[int, ...]
    note: str = ""


def _source_note(sourced: Sourced | None) -> str:
    """A card's compact source line: 来源：表三第110行「…」 with a link to the full quotes."""
    if sourced is None or not sourced.lines:
        return ""
    lines = "、".join(str(n) for n in sourced.lines[:4]) + ("等" if len(sourced.lines) > 4 else "")
    first = sourced.quotes[0].text if sourced.quotes else ""
    short = first if len(first) <= 24 else first[:23] + "…"
    quoted = f"「{esc(short)}」" if short else ""
    return f'<a href="#{SOURCES_ANCHOR}">{esc(sourced.where)}第{esc(lines)}行</a>{quoted}'


def _lines_of(frame: pl.DataFrame) -> list[int]:
    return sorted({int(n) for n in frame["line"].to_list() if n is not None})


def outcome_lines(corpus: Corpus, report_id: str, outcome: str) -> tuple[str, list[int], str]:
    """``(where, lines, note)`` of one harmonized outcome of a report: the printed cells it was made of.

    From 表三: the 总计-column cells of its row or of its group's sub-rows. From a legacy report:
    the 附表 rows or the prose sentences the crosswalk (govdata/data/outcome_crosswalk.csv) adds
    up, and the note harmonize wrote (which source, and both numbers when they disagree).
    """
    cells = corpus.table3.filter((pl.col("report_id") == report_id) & (pl.col("requester") == "total")
                                 & pl.col("row").is_in(list(form.outcome_rows(outcome))))
    if cells.height:
        return "表三", _lines_of(cells), ""
    rows = corpus.outcomes.filter((pl.col("report_id") == report_id) & (pl.col("outcome") == outcome))
    if rows.height == 0:
        return "", [], ""
    rank = {source: i for i, source in enumerate(metrics.SOURCE_PRIORITY)}
    row = min(rows.iter_rows(named=True), key=lambda r: rank.get(r["source"], 99))
    inputs = [name for m in harmonize.crosswalk() if m.outcome == outcome and m.source == row["source"] for name in m.inputs]
    if row["source"] == "legacy":
        lines = _lines_of(corpus.legacy.filter((pl.col("report_id") == report_id) & pl.col("indicator").is_in(inputs)))
    else:
        lines = _lines_of(corpus.facts.filter((pl.col("report_id") == report_id) & pl.col("key").is_in(inputs)))
    if not lines and row["line"] is not None:
        lines = [int(row["line"])]
    return terms.term("source", row["source"]), lines, row["note"] or ""


def headline_sources(corpus: Corpus, report: Mapping[str, Any], *, metric_names: Sequence[str],
                     quoter: Quoter | None = None) -> dict[str, Sourced]:
    """Every headline number of a briefing with the lines it was read from, quoted from the report file.

    Keys: ``requests_new``, ``handled`` and each metric name. Quotes are empty when the report
    file is not on this machine (the line numbers still say where to look).
    """
    quoter = quoter or Quoter()
    report_id = report["report_id"]
    out: dict[str, Sourced] = {}

    def add(key: str, label: str, value: str, where: str, lines: Sequence[int], note: str = "") -> None:
        if not lines:
            return
        quotes = tuple(quoter.lines(report, lines).values())
        out[key] = Sourced(label, value, where, quotes, tuple(lines), note)

    new = corpus.table3.filter((pl.col("report_id") == report_id) & (pl.col("row") == "new") & (pl.col("requester") == "total"))
    if new.height:
        add("requests_new", "本年新收申请", fmt_int(new["value"][0]), "表三", _lines_of(new))
    else:
        stated = corpus.legacy.filter((pl.col("report_id") == report_id) & (pl.col("indicator") == "requests_total"))
        where = "附表"
        if stated.height == 0:
            stated = corpus.facts.filter((pl.col("report_id") == report_id) & (pl.col("key") == "requests.received"))
            where = "正文"
        if stated.height:
            add("requests_new", "本年新收申请", fmt_int(stated["value"][0]), where, _lines_of(stated.head(1)))
    where, lines, note = outcome_lines(corpus, report_id, "total")
    total = corpus.outcomes.filter((pl.col("report_id") == report_id) & (pl.col("outcome") == "total"))
    add("handled", "办理结果总计", fmt_int(total["value"][0]) if total.height else MISSING, where, lines, note)
    if total.height and total["value"][0] == 0:
        return out  # nothing was handled: no share is shown, so there is no numerator to source
    for name in metric_names:
        metric = metrics.SHARE_METRICS[name]
        parts = [(key, *outcome_lines(corpus, report_id, key)) for key in metric.numerator]
        wheres = list(dict.fromkeys(w for _k, w, _l, _n in parts if w))
        lines = sorted({line for _k, _w, part_lines, _n in parts for line in part_lines})
        notes = "；".join(dict.fromkeys(sentence for _k, _w, _l, n in parts if n for sentence in n.split("；")))
        add(name, f"{metric.label_zh}的分子（{metric.numerator_zh}）", "", "、".join(wheres), lines, notes)
    return out


def sources_table(sources: Mapping[str, Sourced]) -> Fragment:
    """The lines each headline number was read from, quoted as printed (escaped), so a reader can check them."""
    if not sources:
        return note("报告文件不在本机，无法引用原文；各数字的行号见上。")
    rows = []
    for sourced in sources.values():
        quotes = "".join(f'<div class="quote"><span class="ln">第{q.line}行</span>「{esc(q.text)}」</div>' for q in sourced.quotes)
        if not quotes:
            quotes = f'<span class="muted">第{esc("、".join(str(n) for n in sourced.lines))}行（报告文件不在本机，未能引用）</span>'
        how = f'<div class="muted">{esc(sourced.note)}</div>' if sourced.note else ""
        rows.append(f"<tr><td>{esc(sourced.label)}</td><td>{esc(sourced.where)}</td><td>{quotes}{how}</td></tr>")
    return scrolling(Fragment(f'<table id="{SOURCES_ANCHOR}" class="sources"><thead><tr><th>数字</th><th>来源</th>'
                              f"<th>原文（行号与所印文字）</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"))


def harmonization_notes(corpus: Corpus, report_id: str) -> Fragment:
    """The harmonization choices behind a legacy report's outcome numbers, in words next to them.

    A pre-2019 report's 附表 and prose answer types are filed under the 2019 groups by
    govdata/data/outcome_crosswalk.csv: this lists, per outcome shown, the choice made (e.g.
    已主动公开 counted as 予以公开) and which source was used when 附表 and prose disagree
    (e.g. prose 101 used instead of 附表 104). 2019+ reports print the groups themselves.
    """
    rows = corpus.outcomes.filter(pl.col("report_id") == report_id)
    if rows.height == 0 or not (rows["is_definition_changed"].fill_null(False).any() or rows["has_conflict"].fill_null(False).any()):
        return Fragment("")
    rank = {source: i for i, source in enumerate(metrics.SOURCE_PRIORITY)}
    chosen: dict[str, dict[str, Any]] = {}
    for row in sorted(rows.iter_rows(named=True), key=lambda r: rank.get(r["source"], 99)):
        chosen.setdefault(row["outcome"], row)
    crosswalk = {(m.outcome, m.source): m for m in harmonize.crosswalk()}
    items = []
    for outcome in metrics.OUTCOME_KEYS:
        row = chosen.get(outcome)
        if row is None:
            continue
        mapping = crosswalk.get((outcome, row["source"]))
        choice = mapping.notes_zh if mapping and (row["is_definition_changed"] or outcome == "total") else ""
        parts = [p for p in (choice, row["note"]) if p]
        if row["is_definition_changed"] or row["has_conflict"] or outcome == "total":
            items.append(f"<li><b>{esc(metrics.OUTCOME_LABELS_ZH[outcome])} {fmt_int(row['value'])} 件</b>：{esc('；'.join(parts))}</li>")
    return Fragment('<div class="harmonization"><p>本报告为2019年以前的格式，各项办理结果按以下口径归入2019年起的分类'
                    f'（docs/harmonization.md）：</p><ul>{"".join(items)}</ul></div>')


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
            pl.when(pl.col("denominator") == 0).then(pl.lit("无申请办结；"))
            .when(pl.col("is_below_min_n")).then(pl.lit("样本量不足，不计算比例；")).otherwise(pl.lit("")),
            pl.when(pl.col("is_definition_changed")).then(pl.lit("口径与2019年后不同；")).otherwise(pl.lit("")),
        ).str.strip_suffix("；").alias("note"),
        terms.term_expr("template", "template").alias("template_zh"),
    )
    if "agency_name" not in frame.columns:
        frame = frame.with_columns(pl.col("agency_id").alias("agency_name"))
    headers = {"agency_name": "机关"} if show_agency else {}
    rows = table(
        frame.sort("metric_zh", "year") if not show_agency else frame,
        headers={**headers, "year": "年度", "template_zh": "格式", "metric_zh": "指标", "numerator": "分子",
                 "denominator": "分母", "share": "比例", "interval": "95%区间", "note": "说明", "flag": "输入校验"},
        formats={"share": fmt_share, "numerator": fmt_int, "denominator": fmt_int},
        raw_html=("flag",), numeric=("numerator", "denominator", "share"),
    )
    return Fragment(str(scrolling(rows)) + _more_rows(n_rows, frame.height))


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
    if "n_agencies_common" in frame.columns:
        frame = frame.with_columns(
            pl.struct(*[c for c in ("n_agencies", "only_agency", "previous_year", "n_agencies_common", "share_common_previous",
                                    "share_common") if c in frame.columns]).map_elements(_comparison_note, return_dtype=pl.String)
            .alias("comparison"))
    headers = {"year": "年度", "n_agencies": "机关数", "n_reports": "报告数", "numerator": "分子", "denominator": "分母（办理结果总计）",
               "share": "合计比例", "interval": "95%区间", "comparison": "与上一年比较（只比同一批机关）",
               "n_reports_failed": "校验未通过的报告", "share_without_failed": "剔除这些报告后的比例",
               "n_reports_missing": "缺少所需分项的报告"}
    headers = {name: title for name, title in headers.items() if name in frame.columns}
    counts = ("n_agencies", "n_reports", "numerator", "denominator", "n_reports_failed", "n_reports_missing")
    return scrolling(table(
        frame, headers=headers,
        formats={"share": fmt_share, "share_without_failed": fmt_share, **{name: fmt_int for name in counts}},
        numeric=(*counts, "share", "share_without_failed"),
    ))


def _comparison_note(row: Mapping[str, Any]) -> str:
    """One line of the pooled table: the like-with-like change from the previous year with data."""
    prefix = f"仅依据1个机关（{row['only_agency']}）。" if row.get("n_agencies") == 1 and row.get("only_agency") else ""
    previous = row.get("previous_year")
    if previous is None:
        return prefix + "首个有数值的年度"
    common = row.get("n_agencies_common") or 0
    if common == 0:
        return prefix + f"与{previous}年没有共同的机关，不可比"
    return (prefix + f"{previous}年与本年共同的 {common} 个机关：{fmt_share(row.get('share_common_previous'))} → "
            f"{fmt_share(row.get('share_common'))}")


def trends_summary(view: Trends) -> Fragment:
    """The headline of the trends page (:func:`govdata.views.trends`): the latest pooled share with
    its interval, what the page covers, how many reports rest on a failed rule, and what the
    per-agency charts leave out."""
    definition = metrics.SHARE_METRICS[view.metric]
    latest = view.pooled.filter(pl.col("share").is_not_null()).sort("year").tail(1)
    cards = []
    if latest.height:
        row = latest.row(0, named=True)
        basis = (f"仅依据1个机关：{esc(row['only_agency'])}" if row.get("n_agencies") == 1 and row.get("only_agency")
                 else f"{fmt_int(row.get('n_agencies'))} 个机关合计")
        cards.append(_card(f"{row['year']}年全部机关合计：{definition.label_zh}", fmt_share(row["share"]),
                           f"{fmt_int(row['numerator'])} / {fmt_int(row['denominator'])} 件；95%区间 "
                           f"{fmt_interval(row['ci_low'], row['ci_high'])}；{basis}"))
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


def corrections_table(corrections: pl.DataFrame, legacy: pl.DataFrame | None = None, *, quoter: Quoter | None = None,
                      report: Mapping[str, Any] | None = None) -> Fragment:
    """Review and litigation counts with the correction rate (shown only from the minimum N).

    A report without 表四 (pre-2019) shows what its 附表 (行政复议数, 行政诉讼数) and its prose
    state instead (:func:`govdata.metrics.legacy_review_litigation`), each with its line quoted
    when the report file is here; only a report that states neither says it lists none.
    """
    if corrections.height == 0 and legacy is not None and legacy.height:
        quotes = quoter.lines(report, legacy["line"].to_list()) if quoter is not None and report is not None else {}
        frame = legacy.with_columns(
            pl.col("source").replace_strict({"legacy": "附表", "facts": "正文"}, default=pl.col("source"),
                                            return_dtype=pl.String).alias("source_zh"),
            pl.col("line").map_elements(lambda n: f"第{n}行「{quotes[n].text}」" if n in quotes else f"第{n}行",
                                        return_dtype=pl.String).alias("quote"))
        return Fragment(str(scrolling(table(frame, headers={"proceeding_zh": "类别", "value": "件数", "source_zh": "来源", "quote": "原文"},
                                            formats={"value": fmt_int}, numeric=("value",))))
                        + '<p class="muted">2019年以前的格式只统计案件数，不分审理结果，因此不计算纠正率。</p>')
    if corrections.height == 0:
        return Fragment('<p class="muted">本报告未列出行政复议、行政诉讼的数字（表四、附表和正文均未列出）。</p>')
    frame = corrections.with_columns(
        pl.struct("ci_low", "ci_high").map_elements(lambda s: fmt_interval(s["ci_low"], s["ci_high"]),
                                                    return_dtype=pl.String).alias("interval"),
        pl.when(pl.col("total") == 0).then(pl.lit("没有案件"))
        .when(pl.col("is_below_min_n")).then(pl.lit("案件数不足，不计算比例")).otherwise(pl.lit("")).alias("note"),
    )
    return scrolling(table(
        frame,
        headers={"proceeding_zh": "类别", **form.labels_zh("table4", "outcome"), "correction_rate": "纠正率", "interval": "95%区间",
                 "note": "说明"},
        formats={"correction_rate": fmt_share, **{k: fmt_int for k in form.t4_outcomes()}},
        numeric=(*form.t4_outcomes(), "correction_rate"),
    ))


def workload_table(requests: pl.DataFrame) -> Fragment:
    """Requests per agency-year with carry-over ratio, for the trend section."""
    frame = requests.with_columns(
        pl.struct("input_status", "failed_checks").map_elements(
            lambda s: status_flag(s["input_status"], s["failed_checks"]), return_dtype=pl.String).alias("flag"),
        terms.term_expr("template", "template").alias("template_zh"))
    return scrolling(table(
        frame,
        headers={"year": "年度", "template_zh": "格式", "requests_new": "本年新收",
                 "carried_over": form.short_label_zh("table3", "row", "carried_over"), "handled": "办理结果总计",
                 "carried_forward": form.short_label_zh("table3", "row", "carried_forward"), "carry_over_ratio": "结转比例",
                 "flag": "输入校验"},
        formats={"carry_over_ratio": fmt_share, **{k: fmt_int for k in ("requests_new", "carried_over", "handled", "carried_forward")}},
        raw_html=("flag",), numeric=("requests_new", "carried_over", "handled", "carried_forward", "carry_over_ratio"),
    ))


def findings_table(findings: pl.DataFrame, *, limit: int = 200, quoter: Quoter | None = None) -> Fragment:
    """Failed checks with ``file:line`` so a reader can open the report at the right place.

    With a ``quoter`` each finding also quotes the flagged line as printed (escaped), so the
    value can be checked without the report file.
    """
    if findings.height == 0:
        return Fragment('<p class="flag-pass">全部已执行的校验规则均通过。</p>')
    shown = findings.head(limit).with_columns(
        pl.col("verdict").replace_strict(VERDICT_ZH, default=None, return_dtype=pl.String)
        .fill_null("未复核").alias("verdict_zh"),
        terms.term_expr("severity", "severity").alias("severity_zh"),
        terms.check_label_expr("check").alias("check_zh"),
    )
    headers = {"location": "位置（文件:行）", "check_zh": "规则", "severity_zh": "级别", "expected": "应为",
               "actual": "报告所列", "message": "说明", "verdict_zh": "人工复核"}
    if quoter is not None:
        reports = {row["report_id"]: row for row in shown.select("report_id", "source").unique().iter_rows(named=True)}
        quotes = {rid: quoter.lines(rep, shown.filter(pl.col("report_id") == rid)["line"].to_list()) for rid, rep in reports.items()}
        shown = shown.with_columns(pl.struct("report_id", "line").map_elements(
            lambda r: quotes.get(r["report_id"], {}).get(r["line"]).text if r["line"] in quotes.get(r["report_id"], {}) else None,
            return_dtype=pl.String).alias("quote"))
        headers = {**headers, "quote": "原文（该行所印文字）"}
    more = f'<p class="muted">另有 {findings.height - limit} 条未列出。</p>' if findings.height > limit else ""
    return Fragment(str(scrolling(table(
        shown, headers=headers,
        formats={"expected": _fmt_number, "actual": _fmt_number},
        numeric=("expected", "actual"),
    ))) + more)


VERDICT_ZH = {key: label for key, label in terms.terms("verdict").items() if key}
SEVERITY_ZH = terms.terms("severity")


def _fmt_number(value: float | None) -> str:
    if value is None:
        return MISSING
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def definitions_table(names: Sequence[str] | None = None) -> Fragment:
    """Every metric shown on the page with its Chinese definition (the English one and the key are in the export's codebook)."""
    return scrolling(table(metrics.metric_definitions(names), headers={"label_zh": "指标", "definition_zh": "定义"}))


def overview_table(overview: pl.DataFrame, *, limit: int | None = None) -> Fragment:
    """Per-report check counts for the data-quality notebook; ``limit`` lists at most that many rows."""
    n_rows = overview.height
    if limit is not None:
        overview = overview.head(limit)
    frame = overview.with_columns(
        pl.struct("input_status", "failed_checks").map_elements(
            lambda s: status_flag(s["input_status"], s["failed_checks"]), return_dtype=pl.String).alias("flag"),
        terms.term_expr("template", "template").alias("template_zh"))
    rows = table(
        frame,
        headers={"agency": "机关", "year": "年度", "template_zh": "格式", "source": "来源文件", "n_passed": "通过",
                 "n_failed": "未通过", "n_not_assessable": "无法校验", "flag": "状态"},
        raw_html=("flag",), numeric=("n_passed", "n_failed", "n_not_assessable"),
    )
    return Fragment(str(scrolling(rows)) + _more_rows(n_rows, frame.height))


def failures_list(corpus: Corpus) -> Fragment:
    """Files ``govdata ingest`` could not read at all, with the reason."""
    if not corpus.failures:
        return Fragment('<p class="flag-pass">所有文件均已读取。</p>')
    items = "".join(f"<li><code>{esc(str(f))}</code></li>" for f in corpus.failures)
    return Fragment(f'<p class="flag-fail">{len(corpus.failures)} 个文件无法读取：</p><ul>{items}</ul>')


def note(text: str) -> Fragment:
    """A muted paragraph of (escaped) text."""
    return Fragment(f'<p class="muted">{esc(text)}</p>')


def reasons_table(reasons: pl.DataFrame, *, quoter: Quoter | None = None, report: Mapping[str, Any] | None = None) -> Fragment:
    """One report's refusal reasons (:func:`govdata.metrics.refusal_reasons`) with counts and the printed line of each."""
    if reasons.height == 0:
        return note("本报告未列出不予公开、无法提供或不予处理的理由。")
    quotes = quoter.lines(report, reasons["line"].to_list()) if quoter is not None and report is not None else {}
    frame = reasons.with_columns(
        pl.when(pl.col("is_2008_ground")).then(pl.concat_str(pl.col("reason_zh"), pl.lit("（2008年条例的理由）")))
        .otherwise(pl.col("reason_zh")).alias("reason_label"),
        terms.term_expr("source", "source").alias("source_zh"),
        pl.col("line").map_elements(lambda n: f"第{n}行「{quotes[n].text}」" if n in quotes else f"第{n}行",
                                    return_dtype=pl.String, skip_nulls=True).alias("quote"))
    return scrolling(table(frame, headers={"group_zh": "类别", "reason_label": "理由", "value": "件数", "source_zh": "来源",
                                           "quote": "原文"},
                           formats={"value": fmt_int}, numeric=("value",)))


def reason_totals_table(totals: pl.DataFrame) -> Fragment:
    """Refusal reasons summed across agencies (:func:`govdata.metrics.reason_totals`), with how many agencies list each."""
    if totals.height == 0:
        return note("所选报告未列出不予公开、无法提供或不予处理的理由。")
    frame = totals.with_columns(
        pl.when(pl.col("is_2008_ground")).then(pl.concat_str(pl.col("reason_zh"), pl.lit("（2008年条例的理由）")))
        .otherwise(pl.col("reason_zh")).alias("reason_label"))
    agency = {"agency": "机关"} if "agency" in frame.columns else {}
    headers = {**agency, "group_zh": "类别", "reason_label": "理由", "value": "件数", "share_of_group": "占该类别",
               "n_agencies": "有此理由的机关数", "n_reports": "列出此项的报告数"}
    return scrolling(table(frame, headers=headers,
                           formats={"value": fmt_int, "share_of_group": fmt_share}, numeric=("value", "share_of_group", "n_agencies",
                                                                                               "n_reports")))


def compare_table(view: Any) -> Fragment:
    """Two agencies side by side (:func:`govdata.views.compare`): each one's latest year, counts, shares and intervals."""
    rows = []
    for agency_id in view.agencies:
        latest = view.shares.filter(pl.col("agency_id") == agency_id).sort("year").tail(1)
        if latest.height == 0:
            continue
        year = latest["year"][0]
        part = view.shares.filter((pl.col("agency_id") == agency_id) & (pl.col("year") == year))
        cells = {"机关": esc(part["agency_name"][0]), "年度": esc(year), "格式": esc(template_zh(part["template"][0])),
                 "办理结果总计": fmt_int(part["denominator"].drop_nulls().max())}
        for name in view.metric_names:
            s = part.filter(pl.col("metric") == name)
            if s.height == 0:
                continue
            r = s.row(0, named=True)
            label = metrics.SHARE_METRICS[name].label_zh
            if r["denominator"] == 0:
                cells[label] = "无申请办结"
            elif r["share"] is None and r["numerator"] is not None:
                cells[label] = f"{fmt_int(r['numerator'])} / {fmt_int(r['denominator'])} 件（不足最小样本量）"
            elif r["share"] is None:
                cells[label] = MISSING
            else:
                cells[label] = f"{fmt_share(r['share'])}（{fmt_interval(r['ci_low'], r['ci_high'])}）"
        cells["数据校验"] = status_flag(part["input_status"][0], part["failed_checks"][0])
        rows.append(cells)
    if not rows:
        return note("所选机关没有可比较的数值。")
    headers = list(dict.fromkeys(key for row in rows for key in row))
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{row.get(h, MISSING)}</td>" for h in headers) + "</tr>" for row in rows)
    return scrolling(Fragment(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"))
