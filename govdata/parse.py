"""Parse stage: a report's lines -> the reports row and the 表二/表三/表四 cells of the standard forms.

How it works, for every layout and format alike:

1. find the region of each table by its anchors (第二十条第（一）项; the 勾稽关系 note or
   申请人情况 header; the 行政复议 header after 结转下年度继续办理);
2. turn the region into grid rows (:mod:`govdata.layout`);
3. join rows into *logical rows* (label cells + value cells), because a row may be split over
   several grid rows (cell-per-line text) or carry its group label only on its first row;
4. resolve labels to canonical keys through the label table (:mod:`govdata.labels`) and fit
   the value cells to the width the form prints.

What the parser is unsure of is reported as a structure finding (``checks`` rows such as
``unmapped_label``, ``extra_cells``, ``missing_cells``, ``truncated_table``), never guessed.
A row with more value cells than columns is kept only when every reading gives the same
numbers (all cells equal, as in the 2019 开发区 表四 line with 16 zeros for 15 columns).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import polars as pl

from govdata import form, labels, layout, metadata, schema
from govdata.layout import Cell, Row
from govdata.normalize import label_key, parse_number
from govdata.read import Document

# The form's columns and rows (govdata/data/form.csv).
REQUESTERS = form.requesters()
PROCEEDINGS = form.proceedings()
T4_OUTCOMES = form.t4_outcomes()

_OUTCOME_GROUPS = form.outcome_groups()
T3_ROWS = {template: form.table3_rows(template) for template in form.TEMPLATES}
# Rows that end a group: after them a sub-row label must name its group again.
_T3_TOP_LEVEL = frozenset(row for row in form.table3_rows() if not form.is_sub_row(row))
_MONEY_MEASURES = frozenset({"procurement_amount", "fee_amount"})
_COUNT_UNIT = "件"

_BLOCK = re.compile(r"第二十条第\(([一二三四五六七八九十]+)\)项")
_UNIT_IN_HEADER = re.compile(r"单位:?(万元|元)|\((万元|元)\)")
_HEADING = re.compile(r"^[一二三四五六七八九十]+\..*情况")


@dataclass
class ParsedTables:
    """What the parse stage returns: the reports row, the three tables and structure findings.

    The tables are row dicts in the schema's columns, not frames: the pipeline builds one frame
    per batch of reports from them, which costs far less than a frame per report and table
    (docs/benchmarks.md, "Ingest"). :func:`parse_tables` gives frames.
    """

    report: dict[str, Any]
    table2: list[dict[str, Any]] = field(default_factory=list)
    table3: list[dict[str, Any]] = field(default_factory=list)
    table4: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)

    def frames(self) -> dict[str, pl.DataFrame]:
        """table2, table3 and table4 as frames."""
        return {name: _frame(name, getattr(self, name)) for name in ("table2", "table3", "table4")}


@dataclass
class LogicalRow:
    """One row of a form: its label cells and its value cells, possibly from several grid rows."""

    labels: list[Cell]
    values: list[Cell]

    @property
    def line(self) -> int:
        cells = self.labels or self.values
        return cells[0].line if cells else 0

    @property
    def has_values(self) -> bool:
        return any(cell.text for cell in self.values)


class Findings:
    """Collects structure findings as ``checks`` rows for one report."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.rows: list[dict[str, Any]] = []

    def add(self, check: str, line: int | None, message: str, *, scope: str | None = None, severity: str = "error",
            expected: float | None = None, actual: float | None = None) -> None:
        self.rows.append({
            "report_id": self.doc.report_id, "check": check, "scope": scope, "expected": expected, "actual": actual,
            "status": "fail", "severity": severity, "line": line, "message": message,
        })

    def has(self, check: str, scope: str) -> bool:
        return any(row["check"] == check and row["scope"] == scope for row in self.rows)


# --- entry point ----------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _empty_template(frame_name: str) -> pl.DataFrame:
    return schema.empty(frame_name)


def empty_frame(frame_name: str) -> pl.DataFrame:
    """A new empty frame with the schema's columns and types, as ``schema.empty`` gives.

    Speed: a cleared copy of a cached frame takes ~1 µs where building one takes ~80 µs, and a
    report needs several (docs/benchmarks.md, "Ingest").
    """
    return _empty_template(frame_name).clear()


def _frame(frame_name: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    return schema.frame(frame_name, rows) if rows else empty_frame(frame_name)


def parse_tables(doc: Document) -> ParsedTables:
    """Parse the metadata and standard tables of one report (tables as row dicts, see :class:`ParsedTables`)."""
    findings = Findings(doc)
    regions = find_regions(doc.norm_lines)
    layouts = {name: layout.detect_layout(doc.lines[start:end]) for name, (start, end) in regions.items()}
    rows = {name: layout.rows_from_lines(doc.lines[start:end], first_line=start + 1, layout=layouts[name] or layout.TABBED)
            for name, (start, end) in regions.items()}

    table2 = parse_table2(rows.get("table2", []), doc, findings)
    template = detect_template(table2, rows.get("table3", []))
    table3 = parse_table3(rows.get("table3", []), doc, findings, template=template,
                          reaches_end=regions.get("table3", (0, 0))[1] >= doc.line_count)
    table4 = parse_table4(rows.get("table4", []), doc, findings)
    if template != "legacy":
        _report_missing_tables({"table2": table2, "table3": table3, "table4": table4}, findings, template=template)
    report = read_report_row(doc, findings, template=template, layouts=layouts)
    return ParsedTables(report, table2, table3, table4, findings.rows)


_TABLE_ZH = {"table2": "表二(主动公开情况)", "table3": "表三(收到和处理申请情况)", "table4": "表四(行政复议、行政诉讼情况)"}


def _report_missing_tables(tables: dict[str, list[dict[str, Any]]], findings: Findings, *, template: str) -> None:
    """A standard table that is not there: missing, or cut off when the text ends early."""
    truncated_at = next((name for name in tables if findings.has("truncated_table", f"table={name}")), None)
    for name, frame in tables.items():
        if frame or findings.has("truncated_table", f"table={name}"):
            continue
        if truncated_at is not None and name > truncated_at:
            findings.add("truncated_table", None, f"正文在{_TABLE_ZH[truncated_at]}中断，{_TABLE_ZH[name]}缺失", scope=f"table={name}")
        else:
            findings.add("missing_table", None, f"{_TABLE_ZH[name]}未找到 (no {name} in a {template}-template report)",
                         scope=f"table={name}")


def read_report_row(doc: Document, findings: Findings, *, template: str, layouts: dict[str, str | None]) -> dict[str, Any]:
    """The ``reports`` row: agency (resolved through the registry), year, template, layout."""
    title = metadata.read_title_and_year(doc.lines)
    year, year_line = metadata.read_statistics_year(doc.norm_lines)
    if year is None and title.title_year is not None:
        year, year_line = title.title_year, title.agency_line
    if year is None:
        findings.add("missing_year", None, "未找到统计年度 (no 统计期限 sentence and no year in the title)", severity="warning")
    agency = metadata.resolve_agency(title.agency, title.letterhead)
    if not agency.is_known:
        findings.add("unknown_agency", title.agency_line,
                     f"机构“{title.agency or '?'}”不在 data/agencies.csv 中，临时编号 {agency.agency_id}", severity="warning")
    if doc.format != "text":
        report_layout = doc.format
    else:
        report_layout = layouts.get("table3") or layouts.get("table2") or legacy_layout(doc) or "none"
    return {
        "report_id": doc.report_id, "source": doc.source, "agency": title.agency or agency.name or None,
        "agency_id": agency.agency_id, "level": agency.level, "parent": agency.parent, "year": year,
        "template": template, "layout": report_layout, "encoding": doc.encoding,
        "agency_line": title.agency_line, "year_line": year_line, "n_lines": doc.line_count,
    }


def legacy_layout(doc: Document) -> str | None:
    """Layout of a pre-2019 report's 附表 (指标名称 | 单位 | 年份 | 历史累计), if it has one."""
    for index, line in enumerate(doc.norm_lines):
        if "指标名称" in line:
            return layout.detect_layout(doc.lines[index:index + 20])
    return None


# --- regions --------------------------------------------------------------------------------


def _squash(line: str) -> str:
    return re.sub(r"\s+", "", line)


_SPACE_BUT_NEWLINE = re.compile(r"[^\S\n]+")


def _squash_all(lines: Sequence[str]) -> list[str]:
    """_squash of every line with one regex pass over the joined text (speed; same result when
    no line holds a newline, which split lines never do)."""
    text = "\n".join(lines)
    if text.count("\n") != max(len(lines) - 1, 0):
        return [_squash(line) for line in lines]
    return _SPACE_BUT_NEWLINE.sub("", text).split("\n") if lines else []


def find_regions(norm_lines: Sequence[str]) -> dict[str, tuple[int, int]]:
    """0-based [start, end) line ranges of 表二, 表三 and 表四, for the tables that are present."""
    squashed = _squash_all(norm_lines)
    n = len(squashed)

    def first(predicate, start: int = 0) -> int | None:
        return next((i for i in range(start, n) if predicate(squashed[i])), None)

    t2 = first(lambda s: bool(_BLOCK.search(s)))
    t3 = first(lambda s: "勾稽关系" in s or s == "申请人情况" or s.startswith("申请人情况") or "本年新收政府信息公开申请数量" in s
               or ("申请人情况" in s and len(s) < 40), t2 or 0)
    regions: dict[str, tuple[int, int]] = {}
    if t3 is not None:
        t3_last = first(lambda s: "结转下年度继续办理" in s, t3)
        t4 = first(lambda s: "行政复议" in s and len(s) < 80, (t3_last + 1) if t3_last is not None else t3 + 1)
        if t2 is not None:
            heading = first(lambda s: "收到和处理政府信息公开申请" in s, t2)
            regions["table2"] = (t2, heading if heading is not None and heading < t3 else t3)
        regions["table3"] = (t3, t4 if t4 is not None else n)
        if t4 is not None:
            end = first(lambda s: "存在的主要问题" in s or bool(re.match(r"^[五六七八]\.", s)), t4 + 1)
            regions["table4"] = (t4, end if end is not None else n)
    elif t2 is not None:
        end = first(lambda s: "收到和处理政府信息公开申请" in s, t2)
        regions["table2"] = (t2, end if end is not None else n)
    return regions


# --- logical rows ---------------------------------------------------------------------------


def _is_value(text: str) -> bool:
    return text == "" or parse_number(text) is not None


def logical_rows(rows: Sequence[Row]) -> list[LogicalRow]:
    """Join grid rows into form rows: a row with labels starts one; a row of values only
    continues the previous one (cell-per-line text with blank lines between cells)."""
    out: list[LogicalRow] = []
    for row in rows:
        label_positions = [i for i, cell in enumerate(row.cells) if not _is_value(cell.text)]
        if label_positions:
            last = label_positions[-1]
            out.append(LogicalRow([row.cells[i] for i in label_positions], list(row.cells[last + 1:])))
        elif out:
            out[-1].values.extend(row.cells)
        else:
            out.append(LogicalRow([], list(row.cells)))
    return out


@dataclass(frozen=True)
class Fit:
    """Value cells fitted to a form's width; ``cells`` is None when the fit is not certain."""

    cells: tuple[Cell, ...] | None
    problem: str | None = None
    detail: str = ""


def value_start_column(lrows: Sequence[LogicalRow], width: int) -> int | None:
    """The grid column where a table's values start, if its fully printed rows agree on it.

    Only layouts with columns (tabbed, pipe, and every rendered HTML/DOCX/PDF grid) have one;
    it places the cells of a row with blanks, such as 上年结转 with a blank 总计 in the 2020
    台商区 report rendered as a grid: ``label, '', '', 0, 0, 0, 0, 0, 0, ''``.
    """
    starts: Counter[int] = Counter()
    for lrow in lrows:
        filled = [cell for cell in lrow.values if cell.text]
        if (len(filled) == width and filled[0].column is not None and filled[-1].column is not None
                and filled[-1].column - filled[0].column == width - 1):
            starts[filled[0].column] += 1
    if not starts:
        return None
    column, count = starts.most_common(1)[0]
    return column if count * 2 > sum(starts.values()) else None


def fit_values(values: Sequence[Cell], width: int, *, start_column: int | None = None) -> Fit:
    """Fit a row's value cells to ``width`` columns.

    In a grid whose rows agree on where values start (``start_column``), a row with blank
    cells is read by column. Otherwise empty cells beyond the width are layout (a trailing
    tab, a spacer column between label and values) and are dropped, trailing first. More
    cells than that can only be read if every reading gives the same numbers; fewer cells
    cannot be placed in their columns.
    """
    if start_column is not None:
        window = [cell for cell in values if cell.column is not None and start_column <= cell.column < start_column + width]
        inside = {id(cell) for cell in window}  # by identity: comparing Cell dataclasses field by field is slow
        outside = [cell for cell in values if cell.text and id(cell) not in inside]
        if len(window) == width and not outside:
            return Fit(tuple(window))
    cells = list(values)
    dropped_trailing = dropped_leading = False
    while len(cells) > width and cells[-1].text == "":
        cells.pop()
        dropped_trailing = True
    while len(cells) > width and cells[0].text == "":
        cells.pop(0)
        dropped_leading = True
    if len(cells) == width:
        # A blank kept at one end while blanks were dropped at the other could stand in either
        # column (a blank 总计 after spacer cells, or a blank first column): not guessed.
        if (dropped_trailing and cells[0].text == "") or (dropped_leading and cells[-1].text == ""):
            return Fit(None, "ambiguous_cells", " ".join(cell.text or "␣" for cell in values))
        return Fit(tuple(cells))
    printed = " ".join(cell.text or "␣" for cell in cells)
    if len(cells) > width:
        if len({cell.text for cell in cells}) == 1:
            return Fit(tuple(cells[:width]), "extra_cells_identical", printed)
        return Fit(None, "extra_cells", printed)
    return Fit(None, "missing_cells", printed)


def _report_fit(fit: Fit, findings: Findings, line: int, what: str, width: int, scope: str) -> None:
    if fit.problem == "extra_cells_identical":
        findings.add("extra_cells", line, f"{what}: 印有 {len(fit.detail.split())} 个数值，表格只有 {width} 列；"
                     f"各数值相同，读取不受影响 ({fit.detail})", scope=scope, severity="warning",
                     expected=width, actual=len(fit.detail.split()))
    elif fit.problem == "extra_cells":
        findings.add("extra_cells", line, f"{what}: 印有 {len(fit.detail.split())} 个数值，表格只有 {width} 列，"
                     f"无法确定对应关系，未读取 ({fit.detail})", scope=scope, expected=width, actual=len(fit.detail.split()))
    elif fit.problem == "ambiguous_cells":
        findings.add("ambiguous_cells", line, f"{what}: 空白单元格的位置无法确定（可能属于第一列或最后一列），未读取 ({fit.detail})",
                     scope=scope)
    elif fit.problem == "missing_cells":
        n = len(fit.detail.split()) if fit.detail else 0
        findings.add("missing_cells", line, f"{what}: 只有 {n} 个数值，表格有 {width} 列，无法确定缺失哪一列，未读取 ({fit.detail})",
                     scope=scope, expected=width, actual=n)


# --- 表二 -------------------------------------------------------------------------------------


def parse_table2(rows: Sequence[Row], doc: Document, findings: Findings) -> list[dict[str, Any]]:
    """表二: 第二十条 blocks, each a header of measures and item rows with one value per measure."""
    out: list[dict[str, Any]] = []
    measures: list[tuple[str, str | None]] = []  # (measure key, unit printed in the header)
    items_zh = form.labels_zh("table2", "item")
    measures_zh = form.labels_zh("table2", "measure")
    for lrow in logical_rows(rows):
        item = None
        for cell in lrow.labels:
            key = label_key(cell.text)
            if _BLOCK.search(key):
                measures = []
            elif key in ("信息内容", "信息内容:"):
                measures = []
            elif (measure := labels.lookup("table2", "measure", cell.text)) is not None:
                unit_match = _UNIT_IN_HEADER.search(key)
                measures.append((measure.key, next(filter(None, unit_match.groups()), None) if unit_match else None))
            elif (found := labels.lookup("table2", "item", cell.text)) is not None:
                item = found
            elif not _HEADING.match(key):
                findings.add("unmapped_label", cell.line, f"表二中的标签“{cell.text}”无法识别", scope="table=table2", severity="warning")
        if item is None or not lrow.values:
            continue
        if not measures:
            findings.add("missing_cells", lrow.line, f"表二“{item.label_zh}”行前没有栏目标题，无法确定各数值含义", scope=f"item={item.key}")
            continue
        fit = fit_values(lrow.values, len(measures))
        _report_fit(fit, findings, lrow.line, f"表二“{item.label_zh}”行", len(measures), f"item={item.key}")
        if fit.cells is None:
            continue
        for (measure, header_unit), cell in zip(measures, fit.cells, strict=True):
            number = parse_number(cell.text)
            unit = (number.unit if number else None) or header_unit
            if measure not in _MONEY_MEASURES:
                unit = unit or _COUNT_UNIT
            out.append({"report_id": doc.report_id, "item": item.key, "item_zh": items_zh[item.key], "measure": measure,
                        "measure_zh": measures_zh[measure], "value": number.value if number else None, "unit": unit,
                        "raw": cell.text, "line": cell.line})
    return out


# --- template ---------------------------------------------------------------------------------



def _measures_only_in(template: str, other: str) -> frozenset[str]:
    """The 表二 measures one form prints and the other does not (本年处理决定数量 is in both)."""
    return frozenset(form.keys("table2", "measure", template=template)) - frozenset(form.keys("table2", "measure", template=other))


_MEASURES_2021 = _measures_only_in("2021", "2019")
_MEASURES_2019 = _measures_only_in("2019", "2021")


def detect_template(table2: Sequence[Mapping[str, Any]], table3_rows: Sequence[Row]) -> str:
    """legacy, 2019 or 2021, from what the tables print (not from the year).

    表三 decides when it shows its form (2021 splits (六)其他处理 into three sub-rows); 表二's
    measures decide otherwise. Some agencies keep 2019 表二 headers in later years.
    """
    t3_text = "".join(label_key(cell.text) for row in table3_rows for cell in row.cells)
    if "逾期不补正" in t3_text or "逾期未按收费通知" in t3_text:
        return "2021"
    if "其他处理" in t3_text:
        return "2019"
    measures = {row["measure"] for row in table2}
    if measures & _MEASURES_2021:
        return "2021"
    if measures & _MEASURES_2019 or table3_rows:
        return "2019"
    return "legacy"


# --- 表三 -------------------------------------------------------------------------------------


@dataclass
class _T3State:
    group: str | None = None
    seen: dict[str, int] = field(default_factory=dict)


def _t3_row_key(lrow: LogicalRow, state: _T3State) -> tuple[str | None, list[Cell]]:
    """The 表三 row key of a logical row (None for header rows) and the labels nobody knows.

    Group labels set the context the following sub-rows belong to. Two labels are printed
    both as rows and as something else: 其他处理 (a row in 2019, a group in 2021, when a
    sub-row label follows it) and 其他 (the requester column, or the 2021 sub-row 3.其他
    inside the 其他处理 group); 总计 is a requester header unless the row has values.
    """
    row_key = None
    unknown: list[Cell] = []
    for index, cell in enumerate(lrow.labels):
        key = label_key(cell.text)
        later_labels = lrow.labels[index + 1:]
        if "勾稽关系" in key or _HEADING.match(key):
            continue
        if labels.strip_enumerator(key) == "其他处理":
            if later_labels or not lrow.has_values:
                state.group = "other"
            else:
                row_key = "other"
            continue
        if labels.strip_enumerator(key) == "其他":
            if lrow.has_values and state.group == "other":
                row_key = "other.other"
            elif lrow.has_values:
                unknown.append(cell)
            continue
        if labels.strip_enumerator(key) == "总计" and not lrow.has_values:
            continue
        group = labels.lookup("table3", "group", cell.text)
        if group is not None:
            state.group = group.key if group.key in _OUTCOME_GROUPS else state.group
            continue
        row = labels.lookup("table3", "row", cell.text)
        if row is not None:
            row_key = row.key
            continue
        if labels.lookup("table3", "requester", cell.text) is not None:
            continue
        unknown.append(cell)
    if row_key in _T3_TOP_LEVEL:
        state.group = None
    elif row_key and "." in row_key:
        state.group = row_key.split(".")[0]
    return row_key, unknown


def parse_table3(rows: Sequence[Row], doc: Document, findings: Findings, *, template: str, reaches_end: bool) -> list[dict[str, Any]]:
    """表三: requests received and how they ended, one value per requester column."""
    out: list[dict[str, Any]] = []
    state = _T3State()
    rows_zh = form.labels_zh("table3", "row")
    lrows = logical_rows(rows)
    start_column = value_start_column(lrows, len(REQUESTERS))
    skip = set()
    for index, lrow in enumerate(lrows):
        if index in skip:
            continue
        row_key, unknown = _t3_row_key(lrow, state)
        if row_key is None and unknown and lrow.has_values:
            row_key, consumed = _join_broken_label(lrow, lrows, index, state)
            if consumed is not None:
                skip.add(consumed)
                unknown = []
        for cell in unknown:
            severity = "error" if lrow.has_values else "warning"
            suffix = "，该行数值未读取" if lrow.has_values else ""
            findings.add("unmapped_label", cell.line, f"表三中的标签“{cell.text}”无法识别{suffix}",
                         scope="table=table3", severity=severity)
        if row_key is None or not lrow.values:
            continue
        if row_key in state.seen:
            findings.add("duplicate_row", lrow.line, f"表三“{rows_zh[row_key]}”行重复出现 (first at line {state.seen[row_key]})，未读取",
                         scope=f"row={row_key}")
            continue
        state.seen[row_key] = lrow.line
        fit = fit_values(lrow.values, len(REQUESTERS), start_column=start_column)
        at_end = reaches_end and index == len(lrows) - 1
        if fit.problem == "missing_cells" and at_end:
            findings.add("truncated_table", lrow.line, f"表三在“{rows_zh[row_key]}”行中断 (text ends inside the table)",
                         scope="table=table3")
            continue
        _report_fit(fit, findings, lrow.line, f"表三“{rows_zh[row_key]}”行", len(REQUESTERS), f"row={row_key}")
        if fit.cells is None:
            continue
        for requester, cell in zip(REQUESTERS, fit.cells, strict=True):
            out.append(_count_cell(doc, findings, cell, {"row": row_key, "row_zh": rows_zh[row_key], "requester": requester}))
    if rows:
        _report_missing_rows(state.seen, findings, template=template, reaches_end=reaches_end, last_line=rows[-1].line)
    return out


def _join_broken_label(lrow: LogicalRow, lrows: Sequence[LogicalRow], index: int, state: _T3State) -> tuple[str | None, int | None]:
    """A label broken across lines, e.g. "3.危及“三安全一" then "稳定”" on a later line (2019
    开发区 report, at a page break): join with the next label-only row and look up again."""
    for follower in range(index + 1, min(index + 3, len(lrows))):
        candidate = lrows[follower]
        if candidate.has_values or not candidate.labels:
            continue
        joined = label_key(lrow.labels[-1].text) + label_key(candidate.labels[-1].text)
        row = labels.lookup("table3", "row", joined)
        if row is not None:
            if "." in row.key:
                state.group = row.key.split(".")[0]
            return row.key, follower
    return None, None


def _report_missing_rows(seen: dict[str, int], findings: Findings, *, template: str, reaches_end: bool, last_line: int) -> None:
    expected = T3_ROWS.get(template)
    if expected is None:
        return
    missing = [key for key in expected if key not in seen]
    if not missing:
        return
    last_seen = max((expected.index(k) for k in seen if k in expected), default=len(expected))
    if reaches_end and all(expected.index(key) > last_seen for key in missing):
        if findings.has("truncated_table", "table=table3"):
            return
        findings.add("truncated_table", last_line, f"表三在第 {last_line} 行后中断，缺少 {len(missing)} 行: {', '.join(missing)}",
                     scope="table=table3")
        return
    for key in missing:
        findings.add("missing_cells", None, f"表三缺少“{form.labels_zh('table3', 'row').get(key, key)}”行", scope=f"row={key}")


def _count_cell(doc: Document, findings: Findings, cell: Cell, keys: dict[str, str]) -> dict[str, Any]:
    number = parse_number(cell.text)
    value = None
    if number is not None and number.value is not None:
        if number.is_integer:
            value = int(number.value)
        else:
            scope = ";".join(f"{k}={v}" for k, v in keys.items())
            findings.add("not_integer", cell.line, f"计数“{cell.text}”不是整数，未读取", scope=scope)
    return {"report_id": doc.report_id, **keys, "value": value, "raw": cell.text, "line": cell.line}


# --- 表四 -------------------------------------------------------------------------------------

_T4_WIDTH = len(PROCEEDINGS) * len(T4_OUTCOMES)


def parse_table4(rows: Sequence[Row], doc: Document, findings: Findings) -> list[dict[str, Any]]:
    """表四: review and litigation counts, 15 columns under a two-level header.

    The columns are read in the order the header prints its outcome labels; the form's
    order (行政复议, 未经复议直接起诉, 复议后起诉 × 维持, 纠正, 其他, 尚未审结, 总计) is used, with
    a warning, when the header cannot be read.
    """
    header: list[str] = []
    values: list[Cell] = []
    for row in rows:
        if any(parse_number(c.text) is not None and c.text for c in row.cells):
            values.extend(row.cells)
            continue
        if len(values) >= _T4_WIDTH:
            break
        for cell in row.cells:
            if not cell.text or _HEADING.match(label_key(cell.text)):
                continue
            outcome = labels.lookup("table4", "outcome", cell.text)
            if outcome is not None:
                header.append(outcome.key)
            elif labels.lookup("table4", "proceeding", cell.text) is None:
                findings.add("unmapped_label", cell.line, f"表四中的标签“{cell.text}”无法识别", scope="table=table4", severity="warning")
    if not values:
        return []
    columns = [(p, o) for p in PROCEEDINGS for o in T4_OUTCOMES]
    if len(header) == _T4_WIDTH and sorted(header) == sorted(o for _, o in columns):
        columns = [(PROCEEDINGS[i // len(T4_OUTCOMES)], outcome) for i, outcome in enumerate(header)]
    else:
        findings.add("header_mismatch", values[0].line, f"表四表头读出 {len(header)} 个结果栏目 (应为 {_T4_WIDTH})，按标准表式顺序读取",
                     scope="table=table4", severity="warning", expected=_T4_WIDTH, actual=len(header))
    fit = fit_values(values, _T4_WIDTH)
    _report_fit(fit, findings, values[0].line, "表四数值行", _T4_WIDTH, "table=table4")
    if fit.cells is None:
        return []
    out = [_count_cell(doc, findings, cell, {"proceeding": proceeding, "outcome": outcome})
           for (proceeding, outcome), cell in zip(columns, fit.cells, strict=True)]
    return out
