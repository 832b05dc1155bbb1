"""Parse stage: a report's lines -> the reports row and the 表二/表三/表四 cells of the standard forms.

How it works, for every layout and format alike:

1. cut the text into *segments*: its lines, except that a very long line holding a whole
   flattened page is cut at its section headings (平潭 page.txt renderings);
2. find the region of each table by its anchors (第二十条第（一）项; the 勾稽关系 note, 申请人情况
   header or a 表三 row label; the 行政复议 header after 结转下年度继续办理);
3. turn the region into grid rows (:mod:`govdata.layout`), and cut cells that run several
   labels and numbers together at the labels the label table knows;
4. join rows into *logical rows* (label cells + value cells): which cells make one row of the
   form is decided by the labels and the form's column counts, not by line breaks;
5. resolve labels to canonical keys through the label table (:mod:`govdata.labels`: exactly,
   then without bracketed instructions, then by similarity with a ``fuzzy_label`` finding) and
   fit the value cells to the width the form prints; rows whose cells ran together or came
   apart are put back from the form's own arithmetic (:mod:`govdata.recover`).

What the parser is unsure of is reported as a structure finding (``checks`` rows such as
``unmapped_label``, ``extra_cells``, ``missing_cells``, ``ambiguous_cells``,
``truncated_table``), never guessed. A row with more value cells than columns is kept only
when every reading gives the same numbers (all cells equal, as in the 2019 开发区 表四 line
with 16 zeros for 15 columns).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import polars as pl

from govdata import form, labels, layout, metadata, normalize, recover, schema
from govdata.layout import Cell, Row
from govdata.normalize import label_key, parse_number
from govdata.read import Document
from govdata.recover import Fit

REQUESTERS = form.requesters()
PROCEEDINGS = form.proceedings()
T4_OUTCOMES = form.t4_outcomes()
T3_ROWS = {template: form.table3_rows(template) for template in form.TEMPLATES}

_OUTCOME_GROUPS = form.outcome_groups()
# Rows that end a group: after them a sub-row label must name its group again.
_T3_TOP_LEVEL = frozenset(row for row in form.table3_rows() if form.group_of(row) in ("", "results"))
_MONEY_MEASURES = frozenset({"procurement_amount", "fee_amount"})
_COUNT_UNIT = "件"

_BLOCK = re.compile(r"第二十条第?\(([一二三四五六七八九十]+)\)项?")
_UNIT_IN_HEADER = re.compile(r"单位:?(万元|元)|\((万元|元)\)")
_HEADING = re.compile(r"^[一二三四五六七八九十]+\..*情况")
# A line this long that holds table anchors is a whole page flattened into one line.
_LONG_LINE = 300
_SECTION_CUT = re.compile(
    r"(?<=\s)(?=[一二三四五六七八九十]\.\S)|(?=第二十条第\()"
    r"|(?=[一二三四五六七八九十]\.(?:总体情况|主动公开|收到和处理|政府信息公开行政|因政府信息公开|存在的主要问题|其他需要报告))"
)


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


Segment = tuple[int, str, str | None]  # (1-based line, reading text, printed text or None)


def parse_tables(doc: Document) -> ParsedTables:
    """Parse the metadata and standard tables of one report (tables as row dicts, see :class:`ParsedTables`)."""
    findings = Findings(doc)
    segments = text_segments(doc)
    regions = find_regions([text for _, text, _ in segments])
    layouts: dict[str, str | None] = {}
    rows: dict[str, list[Row]] = {}
    for name, (start, end) in regions.items():
        part = segments[start:end]
        layouts[name] = layout.detect_layout([text for _, text, _ in part])
        grid = layout.rows_from_segments(part, layout=layouts[name] or layout.TABBED)
        rows[name] = split_run_together_cells(join_wrapped_header_cells(grid, name), name)

    table2, t2_template = parse_table2(rows.get("table2", []), doc, findings,
                                       reaches_end=regions.get("table2", (0, 0))[1] >= len(segments))
    t3_template = table3_template(rows.get("table3", []))
    if t2_template and t3_template and t2_template != t3_template:
        findings.add("hybrid_template", rows["table3"][0].line if rows.get("table3") else None,
                     f"表二按{t2_template}年格式印制，表三按{t3_template}年格式印制；报告格式取表二的 {t2_template}",
                     scope="table=table3", severity="warning")
    table3 = parse_table3(rows.get("table3", []), doc, findings, template=t3_template or t2_template or "2019",
                          reaches_end=regions.get("table3", (0, 0))[1] >= len(segments))
    table4 = parse_table4(rows.get("table4", []), doc, findings, reaches_end=regions.get("table4", (0, 0))[1] >= len(segments))
    report = read_report_row(doc, findings, template=t2_template or t3_template, has_tables=bool(table2 or rows.get("table3")),
                             layouts=layouts)
    if report["template"] in form.TEMPLATES:
        _report_missing_tables({"table2": table2, "table3": table3, "table4": table4}, findings, template=report["template"])
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


def read_report_row(doc: Document, findings: Findings, *, template: str | None, layouts: dict[str, str | None],
                    has_tables: bool = False) -> dict[str, Any]:
    """The ``reports`` row: agency (resolved through the registry), year, template, layout.

    ``template`` is what the tables' own headers decided; None when they decided nothing (no
    table read, or a table cut before it shows its form): the citation and year decide then
    (:func:`govdata.metadata.template_from_text`), and a report whose 表三 was found but says
    nothing else is 2019, the first form with one.
    """
    identity = metadata.read_identity(doc.norm_lines)
    if not identity.is_report:
        findings.add("not_annual_report", None, "不是政府信息公开工作年度报告 (its title names another kind of document "
                     "such as a 函, it indexes reports of many years, or nothing on it is about 公开)")
    elif identity.year is None:
        findings.add("missing_year", None, "未找到统计年度 (no 统计期限 sentence, title or opening sentence with a year)",
                     severity="warning")
    from_text = metadata.template_from_text(doc.norm_lines, identity.year) if template is None else None
    if template is None and identity.is_report and from_text in form.TEMPLATES:
        template = from_text
        findings.add("template_from_text", None, f"表格未显示格式，模板按引用的格式通知或统计年度定为{template} "
                     "(no table showed its 2019/2021 form)", severity="warning")
    elif template is None:
        template = "2019" if has_tables else "legacy"
    agency = metadata.resolve_agency(identity.agency, identity.letterhead)
    if identity.is_report and not agency.is_known:
        findings.add("unknown_agency", identity.agency_line,
                     f"机构“{identity.agency or '?'}”不在 data/agencies.csv 中，临时编号 {agency.agency_id}", severity="warning")
    if doc.format != "text":
        report_layout = doc.format
    else:
        report_layout = layouts.get("table3") or layouts.get("table2") or legacy_layout(doc) or "none"
    return {
        "report_id": doc.report_id, "source": doc.source,
        "agency": printed_form(doc, identity.agency, identity.agency_line) or agency.name or None,
        "agency_id": agency.agency_id, "level": agency.level, "parent": agency.parent, "year": identity.year,
        "template": template if identity.is_report else None, "layout": report_layout, "encoding": doc.encoding,
        "agency_line": identity.agency_line, "year_line": identity.year_line, "n_lines": doc.line_count,
    }


def printed_form(doc: Document, reading: str | None, line: int | None) -> str | None:
    """A name read in the reading form, in the characters the report prints (a Traditional
    mirror's 鶴城鎮人民政府, without its pinyin glosses), when the line shows where it stands;
    else the reading form itself.

    >>> from govdata.read import read_document
    >>> doc = read_document(text="鶴(hè)城鎮人民政府2023年政府信息公開工作年度報告\\n本報告所列數據的統計期限自2023年1月1日起。")
    >>> printed_form(doc, "鹤城镇人民政府", 1)
    '鶴城鎮人民政府'
    """
    if reading is None or line is None or not (doc.is_traditional or doc.has_glosses) or not 1 <= line <= doc.line_count:
        return reading
    text, origin = normalize.reading_with_origin(doc.lines[line - 1], traditional=doc.is_traditional, glosses=doc.has_glosses)
    start = text.find(reading)
    if start < 0:
        return reading
    printed = doc.lines[line - 1]
    return "".join(printed[origin[index]] for index in range(start, start + len(reading)))


def legacy_layout(doc: Document) -> str | None:
    """Layout of a pre-2019 report's 附表 (指标名称 | 单位 | 年份 | 历史累计), if it has one."""
    for index, line in enumerate(doc.norm_lines):
        if "指标名称" in line:
            return layout.detect_layout(doc.norm_lines[index:index + 20])
    return None


# --- segments and regions -------------------------------------------------------------------


def text_segments(doc: Document) -> list[Segment]:
    """The report's lines as (line, reading text, printed text); a very long line that holds
    table anchors (a whole web page flattened into one line, cells run together) is cut at its
    section headings (``… 三、收到和处理…``) and 第二十条 anchors, each piece keeping the line."""
    out: list[Segment] = []
    for number, (reading, printed) in enumerate(zip(doc.norm_lines, doc.lines, strict=True), start=1):
        same = printed if len(printed) == len(reading) else None
        if _is_flattened(reading):
            cuts = sorted({0, *(m.start() for m in _SECTION_CUT.finditer(reading))})
            for start, end in zip(cuts, [*cuts[1:], len(reading)], strict=True):
                if reading[start:end].strip():
                    out.append((number, reading[start:end], same[start:end] if same is not None else None))
            continue
        out.append((number, reading, printed))
    return out


# words of 表三/表四 that a flattened 表二 runs into (with the label of the first withheld ground)
_OTHER_TABLE_MARKS = ("收到和处理", "申请数量", form.label_zh("table3", "row", form.rows_of_group("withheld")[0]),
                      "结转下年度", "结果维持")


def _is_flattened(reading: str) -> bool:
    """A line that holds a page flattened into one line: a long line with table anchors, or a
    shorter one that runs 表二 into another table."""
    if len(reading) > _LONG_LINE and ("第二十条" in reading or "申请数量" in reading):
        return True
    return len(reading) > 80 and "第二十条" in reading and any(mark in reading for mark in _OTHER_TABLE_MARKS)


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


# A page that starts inside 表三 (a PDF page, a page excerpt) is found by its row labels when
# the 申请人情况 header is not on it (_is_table3_row).
_T3_START = re.compile("勾稽关系|^申请人情况|本年新收政府信息公开申请数量")


def _starts_table3(line: str) -> bool:
    line = _without_border(line)
    return bool(_T3_START.search(line)) or ("申请人情况" in line and len(line) < 40)


def _without_border(line: str) -> str:
    """A squashed line without the border bars a pipe row opens with (``|信息内容|本年…``)."""
    return line.lstrip("|")


def _is_table3_row(line: str) -> bool:
    return len(line) < 200 and _table3_row_marks().search(line) is not None


@lru_cache(maxsize=1)
def _table3_row_marks() -> re.Pattern[str]:
    """表三 row and group labels long enough that prose does not print them (属于国家秘密,
    本机关不掌握相关政府信息, 本年度办理结果…)."""
    spellings = {labels.strip_enumerator(label_key(row["variant"])) for row in labels.label_rows()
                 if row["table"] == "table3" and row["field"] in ("row", "group")}
    return re.compile("|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True) if len(s) >= 6))


def _starts_table2_header(line: str) -> bool:
    line = _without_border(line)
    return line.startswith("信息内容") and ("本年" in line or "数量" in line or len(line) <= 5)


_FIRST_CELL = re.compile(r"^\|?\s*([^|\t]+)")
_TRAILING_NUMBERS = re.compile(r"(?:\s+[+-]?[\d,.]+)+\s*$")


def _is_table3_line_before(norm_lines: Sequence[str], index: int) -> bool:
    """Does the line before ``index`` (blank lines and page footers skipped, then that line counts)
    belong to 表三: a short line whose first cell is a 表三 row or group label (2.重复申请, (七)总计,
    三、本年度办理结果), or a line of numbers or pipes only?"""
    line = norm_lines[index - 1].strip()
    if not line or layout.is_page_furniture(line):  # a page footer inside the table (第2页 共4页)
        return True
    if len(line) > 200:
        return False
    if _ONLY_VALUES.match(line):
        return True
    match = _FIRST_CELL.match(line)
    return _is_table3_label(_TRAILING_NUMBERS.sub("", match.group(1)).strip() if match else "")


def _is_table3_label(text: str) -> bool:
    return bool(text) and (labels.lookup_any("table3", ("row", "group"), text) is not None
                           or labels.clean_lookup("table3", ("row", "group"), text) is not None
                           or labels.fuzzy_lookup("table3", ("row", "group"), text) is not None)


_ONLY_VALUES = re.compile(r"^[\d\s|+\-.,]+$")
_LABEL_TAIL_MAX = 25  # characters: the rest of a wrapped label (数量, ，只计这一情形，不计其他情形), not prose


def _label_tail_lines(norm_lines: Sequence[str], index: int) -> int:
    """How many lines (at most 3, page footers aside) right before ``index`` are the wrapped rest of
    a row label: short, without digits or pipes (PDF text wraps a long label after the row's values).
    A page footer among them counts with them (a page that ends between a label's head and its
    tail: ``二、上年结转政府信息公开申请数 2 0 …`` / ``- 9 -`` / ``量``); 0 when no tail is there."""
    k = tails = 0
    while tails < 3 and index - k - 1 > 0:
        line = norm_lines[index - k - 1].strip()
        if line and layout.is_page_furniture(line) and tails:
            k += 1
            continue
        if not line or len(line) > _LABEL_TAIL_MAX or "|" in line or any(char.isdigit() for char in line):
            break
        k += 1
        tails += 1
    return k if tails else 0


_WRAPPED_LABEL_LINES = 4  # lines a PDF's narrow label column wraps the form's longest 表三 label over


def _wrapped_label_lines_above(norm_lines: Sequence[str], index: int) -> int:
    """How many lines (two to four) right before ``index`` join into one 表三 row label: PDF text
    wraps a long label in its narrow column (2.申请人逾期未按收费通知要求缴纳费 / 用、行政机关不再处理其
    政府信息公开申 / 请) and prints the row's values on the line after it. 0 when none do."""
    for k in range(2, _WRAPPED_LABEL_LINES + 1):
        if index - k < 0:
            return 0
        pieces = [line.strip() for line in norm_lines[index - k:index]]
        if any(not piece or "|" in piece for piece in pieces):
            return 0
        if _is_table3_label("".join(pieces)):
            return k
    return 0


def _only_cells_between(squashed: Sequence[str], start: int, end: int) -> bool:
    """Do the lines from ``start`` to ``end`` hold table cells only (short lines, a row of cells
    on each, or one cell a line), never a paragraph of prose?"""
    return end - start <= 6 or (end - start <= 60 and all(len(line) <= 40 or "|" in line or "\t" in line
                                                           for line in squashed[start:end]))


def find_regions(norm_lines: Sequence[str]) -> dict[str, tuple[int, int]]:
    """0-based [start, end) line ranges of 表二, 表三 and 表四, for the tables that are present."""
    squashed = _squash_all(norm_lines)
    n = len(squashed)

    def first(predicate, start: int = 0) -> int | None:
        return next((i for i in range(start, n) if predicate(squashed[i])), None)

    t2 = first(lambda s: bool(_BLOCK.search(s)))
    header = first(_starts_table2_header)
    if header is not None and (t2 is None or (header < t2 and _only_cells_between(squashed, header, t2))):
        t2 = header  # a 表二 printed without its first 第二十条 line: it starts at 信息内容
    t3 = first(_starts_table3, t2 or 0)
    if t3 is None:  # a page that begins inside 表三: from its first row whatever label that row has
        t3 = first(_is_table3_row, t2 or 0)
        while t3 is not None and t3 > (t2 or 0):
            if _is_table3_line_before(norm_lines, t3):
                t3 -= 1
            elif k := _wrapped_label_lines_above(norm_lines, t3):
                t3 -= k  # a label wrapped over two lines or more above its values
            elif (k := _label_tail_lines(norm_lines, t3)) and _TRAILING_NUMBERS.search(norm_lines[t3 - k - 1]) \
                    and _is_table3_line_before(norm_lines, t3 - k):
                t3 -= k + 1  # a row whose label wraps below its values (PDF text: 数量, ）)
            else:
                break
    regions: dict[str, tuple[int, int]] = {}
    if t3 is not None:
        t3_last = first(lambda s: "结转下年度继续办理" in s, t3)
        t4 = first(lambda s: "行政复议" in s and (len(s) < 80 or "结果维持" in s), (t3_last + 1) if t3_last is not None else t3 + 1)
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


# --- cells that run labels and numbers together -----------------------------------------------

_TABLE_FIELDS = {
    "table2": ("item", "measure", "header"),
    "table3": ("row", "group", "requester", "header"),
    "table4": ("proceeding", "outcome"),
}


def split_run_together_cells(rows: Sequence[Row], table: str) -> list[Row]:
    """Cut cells that hold several labels and numbers run together (a page flattened to text:
    ``规章000行政规范性文件6633497``) at the labels the label table knows.

    Only a cell the label table does not know as a whole is cut, and only when what lies between
    its labels is numbers (a few words of heading may stand before the first label).
    """
    out: list[Row] = []
    fields = _TABLE_FIELDS[table]
    for row in rows:
        if not any(_may_run_together(cell, table, fields) for cell in row.cells):
            out.append(row)
            continue
        cells: list[Cell] = []
        for cell in row.cells:
            pieces = None
            if _may_run_together(cell, table, fields):
                pieces = labels.split_at_labels(cell.text, table) or _label_and_trailing_digits(cell.text, table, fields)
            if pieces is None:
                cells.append(cell)
            else:
                cells.extend(Cell(text, cell.line, is_run=any(char.isdigit() for char in text) and not _is_label_piece(text))
                             for text in pieces)
        if any(cell.is_run for cell in cells):
            # a line that runs some cells together may run any of them together: a space it prints
            # (行政强制18 +223) is no firmer a border than the ones it lost
            cells = [cell._replace(is_run=True) if cell.is_spaced and recover.is_run_of_numbers(cell._replace(is_run=True)) else cell
                     for cell in cells]
        out.append(Row(tuple(cells)))
    return out


# What a table's header words may be: any of its labels but its row labels (the columns, the
# groups over them, the 信息内容 corner of 表二).
_HEADER_FIELDS = {table: tuple(field for field in fields if field not in ("item", "row")) for table, fields in _TABLE_FIELDS.items()}


def join_wrapped_header_cells(rows: Sequence[Row], table: str) -> list[Row]:
    """Join a header row a PDF's text layer printed as two lines of words, each header cell
    wrapped inside its column (``信息内容 上一年项目 本年增/减 处理决定`` over ``数量 数量``).

    The second line's words belong to some of the first line's words, in order; the reading kept
    is the one placement (of all in order) under which every word is one of the table's header
    labels. None or several such placements: the lines are left as printed.
    """
    places = [(r, c) for r, row in enumerate(rows) for c in range(len(row.cells))]
    replaced: dict[tuple[int, int], list[Cell]] = {}
    dropped: set[tuple[int, int]] = set()
    for first, second in itertools.pairwise(places):
        if first in dropped:
            continue
        top, bottom = rows[first[0]].cells[first[1]], rows[second[0]].cells[second[1]]
        # the next line, or the one after a page footer between them (- 3 -, 第 5 页 共 7 页)
        if not 0 < bottom.line - top.line <= 2 or any(char.isdigit() for char in top.text + bottom.text):
            continue
        words = _stacked_header_words(top.text.split(), bottom.text.split(), table)
        if words is not None:
            replaced[first] = [Cell(word, top.line) for word in words]
            dropped.add(second)
    if not replaced:
        return list(rows)
    out = []
    for r, row in enumerate(rows):
        cells = [cell for c, original in enumerate(row.cells) if (r, c) not in dropped
                 for cell in replaced.get((r, c), [original])]
        if cells:
            out.append(Row(tuple(cells)))
    return out


def _stacked_header_words(top: list[str], bottom: list[str], table: str) -> list[str] | None:
    """The header words of two wrapped lines joined column by column, if one placement of the
    bottom words under the top words (in order) makes every word a header label or a heading the
    copy cut short (本年新 for 本年新制作数量): the only such placement, or the one with the most
    whole labels."""
    if len(top) < 2 or not bottom or len(bottom) > len(top) or len(top) > 10:
        return None
    fields = _HEADER_FIELDS[table]
    best: list[str] | None = None
    best_whole, tied = -1, False
    for columns in itertools.combinations(range(len(top)), len(bottom)):
        words = list(top)
        for column, word in zip(columns, bottom, strict=True):
            words[column] += word
        whole = [labels.lookup_any(table, fields, word) is not None for word in words]
        if not all(is_whole or labels.is_cut_header(word, table) for is_whole, word in zip(whole, words, strict=True)):
            continue
        if sum(whole) > best_whole:
            best, best_whole, tied = words, sum(whole), False
        elif sum(whole) == best_whole:
            tied = True
    return None if tied else best


_TRAILING_DIGITS = re.compile(r"^(?P<label>.*[^\d\s.,+-])\s*(?P<digits>\d+)$")


def _label_and_trailing_digits(text: str, table: str, fields: tuple[str, ...]) -> list[str] | None:
    """A label with its row's first value stuck to its end (OCR, a cell border lost:
    ``…其政府信息公开申请9``) cut in two, when the words alone are a label of the table (by
    similarity: a copy that spells the label its own way, a comma for 、, is no exact spelling)."""
    match = _TRAILING_DIGITS.match(text)
    if match is None or labels.fuzzy_lookup(table, fields, match["label"]) is None:
        return None
    return [match["label"].strip(), match["digits"]]


def _is_label_piece(text: str) -> bool:
    """A piece cut out of a run that is a label (an enumerated label such as 6.属于四类过程性信息)."""
    return parse_number(text) is None and any(not (char.isdigit() or char in "+-.,") for char in labels.strip_enumerator(text))


def _may_run_together(cell: Cell, table: str, fields: tuple[str, ...]) -> bool:
    text = cell.text
    if len(text) < 5 or cell.is_bar or parse_number(text) is not None:
        return False
    if len(text) < 40 and _HEADING.match(label_key(text)) and not any(char.isdigit() for char in text):
        return False  # a section heading (四、政府信息公开行政复议、行政诉讼情况), not a run of cells
    if labels.lookup_any(table, fields, text) is not None or labels.clean_lookup(table, fields, text) is not None:
        return False
    # a label with characters dropped ("2.其他法律行政止公开") is one label, not 其他 + words
    return any(char.isdigit() for char in labels.strip_enumerator(label_key(text))) or labels.fuzzy_lookup(table, fields, text) is None


# --- logical rows ---------------------------------------------------------------------------


def _is_value(cell: Cell) -> bool:
    return cell.is_bar or cell.text == "" or parse_number(cell.text) is not None or recover.is_run_of_numbers(cell)


def logical_rows(rows: Sequence[Row], *, width: int | None = None) -> list[LogicalRow]:
    """Join grid rows into form rows, reading cells as a stream: a label after values starts a
    new form row, values belong to the label before them (one cell per line, a label line
    followed by its values, a whole table on one line); a grid row that holds a label starts a
    new form row at it. Blank cells at the start of such a row are its label columns (an
    indented sub-row), not values of the row above. With ``width``, a grid row of values only
    that follows a row which has its width already starts a row of its own, without a label
    (a PDF conversion that printed a row's values apart from its label).
    """
    out: list[LogicalRow] = []
    current: LogicalRow | None = None
    for row in rows:
        cells = row.cells
        if (width is not None and current is not None
                and sum(1 for cell in current.values if cell.text) >= width
                and sum(1 for cell in cells if cell.text) >= 2 and all(_is_value(cell) for cell in cells)):
            current = LogicalRow([], [])
            out.append(current)
        first_label = next((i for i, cell in enumerate(cells) if not _is_value(cell)), None)
        if first_label is not None:
            leading = cells[:first_label]
            if current is not None and any(cell.text for cell in leading):
                current.values.extend(leading)
            cells = cells[first_label:]
        for index, cell in enumerate(cells):
            if not _is_value(cell):
                if current is None or current.values or (index == 0 and first_label is not None):
                    current = LogicalRow([cell], [])
                    out.append(current)
                else:
                    current.labels.append(cell)
            elif current is None:
                current = LogicalRow([], [cell])
                out.append(current)
            else:
                current.values.append(cell)
    return out


def join_label_fragments(lrows: list[LogicalRow], table: str) -> list[LogicalRow]:
    """Join a label broken over lines: label cells the table does not know, followed by cells
    that complete them (``商业`` / ``企业``; ``本年新`` / ``制作数量``; ``（二）部分公开（区分处理的，``
    / ``只计这一情形…``), in one row or in label-only rows that follow. A join is kept only when
    the joined text is a known label."""
    fields = _TABLE_FIELDS[table]
    for lrow in lrows:
        if len(lrow.labels) > 1:
            lrow.labels = _joined_labels(lrow.labels, table, fields)
    out: list[LogicalRow] = []
    index = 0
    while index < len(lrows):
        lrow = lrows[index]
        joined = _joined_fragment(lrows, index, table, fields) if lrow.labels and not lrow.has_values else None
        if joined is None:
            out.append(lrow)
            index += 1
            continue
        merged, used = joined
        out.append(merged)
        index += used
    return out


def _joined_labels(cells: list[Cell], table: str, fields: tuple[str, ...]) -> list[Cell]:
    """Adjacent label cells of one row joined where the table knows the joined text and not the first."""
    out: list[Cell] = []
    index = 0
    while index < len(cells):
        cell = cells[index]
        if not _known(table, fields, cell.text) or _unclosed(cell.text):
            for used in range(2, min(4, len(cells) - index) + 1):
                text = "".join(c.text for c in cells[index:index + used])
                if _known(table, fields, text):
                    cell = Cell(text, cell.line, cell.column, _joined_raw(cells[index:index + used]))
                    index += used - 1
                    break
        elif (same_row := _known_key(table, fields, cell.text)) is not None:
            # a short spelling whose long one goes on in the next cells (申请人无正当理由逾期不补正 /
            # 、行政机关不再处理其政府信息公 / 开申请): joined only into the same row's longer spelling
            for used in range(min(4, len(cells) - index), 1, -1):
                text = "".join(c.text for c in cells[index:index + used])
                if _known_key(table, fields, text) == same_row:
                    cell = Cell(text, cell.line, cell.column, _joined_raw(cells[index:index + used]))
                    index += used - 1
                    break
        out.append(cell)
        index += 1
    return out


def _joined_raw(cells: Sequence[Cell]) -> str | None:
    if all(cell.raw is None for cell in cells):
        return None
    return "".join(cell.printed for cell in cells)


def _joined_fragment(lrows: list[LogicalRow], index: int, table: str, fields: tuple[str, ...]) -> tuple[LogicalRow, int] | None:
    first = lrows[index]
    head = first.labels[-1]
    if _known(table, fields, head.text) and not _unclosed(head.text):
        return None
    text = head.text
    for used in range(2, 5):
        if index + used - 1 >= len(lrows):
            return None
        follower = lrows[index + used - 1]
        if not follower.labels:
            return None
        text += follower.labels[0].text
        if _known(table, fields, text):
            cell = Cell(text, head.line, head.column)
            return LogicalRow([*first.labels[:-1], cell, *follower.labels[1:]], list(follower.values)), used
        if follower.has_values or len(follower.labels) > 1:
            return None
    return None


def _unclosed(text: str) -> bool:
    """A label whose bracketed instruction goes on in the next cell: ``处理决定数量（指`` / ``2022年办件量）``."""
    key = label_key(text)
    return key.count("(") > key.count(")")


def _known_key(table: str, fields: tuple[str, ...], text: str) -> str | None:
    """The key of the label ``text`` spells exactly (no similarity), if any."""
    found = labels.lookup_any(table, fields, text) or labels.clean_lookup(table, fields, text)
    return found.key if found is not None else None


def _known(table: str, fields: tuple[str, ...], text: str) -> bool:
    return _known_key(table, fields, text) is not None or bool(_BLOCK.search(label_key(text)))


# --- fitting values to columns ----------------------------------------------------------------


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


def value_offset(lrows: Sequence[LogicalRow], width: int) -> int | None:
    """How many columns after a row's last label its values start, if the table's fully printed
    rows agree on it (pipe rows whose group label stands in a column of its own on some rows:
    absolute columns differ from row to row, the offset from the label does not)."""
    offsets: Counter[int] = Counter()
    for lrow in lrows:
        filled = [cell for cell in lrow.values if cell.text]
        label = lrow.labels[-1] if lrow.labels else None
        if (label is not None and label.column is not None and len(filled) == width and filled[0].column is not None
                and filled[-1].column is not None and filled[-1].column - filled[0].column == width - 1
                and filled[0].line == label.line):
            offsets[filled[0].column - label.column] += 1
    if not offsets:
        return None
    offset, count = offsets.most_common(1)[0]
    return offset if count * 2 > sum(offsets.values()) else None


@dataclass(frozen=True)
class Padding:
    """Empty cells a table prints beside its values: ``lead`` before them and ``trail`` after
    them on every row; None for "whatever the row has beyond the table's width" (rows padded to
    a common grid width at one end)."""

    lead: int | None = 0
    trail: int | None = 0


def end_padding(lrows: Sequence[LogicalRow], width: int) -> Padding | None:
    """The empty columns a table prints before or after its values, if its rows show them.

    A converted grid often carries empty cells of its own: a spacer between label and values,
    a column after 总计 (``2.重复申请 | | 0 | 0 | 0 | 0 | 0 | 0 | |``), or runs of pipes padding
    each row to the grid's width (``… | 0 | ||``, one pipe fewer on a row with two labels). A row
    with blank cells alone cannot tell a blank first column from padding; the table can:

    - every row that prints a number has ``width + k`` cells, and exactly one split of the k
      cells between start and end is empty on every such row; or
    - every such row prints the same number of cells, labels included (padded to the grid's
      width), and the cells beyond the width are empty at exactly one end of every row.

    Two readings that fit (a spacer and an always-blank 总计) decide nothing.
    """
    # a bar (a line holding only |) counts as a cell here: a row's closing mark on every row is padding too
    counted = [(lrow, _runs_as_cells(lrow.values)) for lrow in lrows
               if lrow.labels and any(cell.text for cell in lrow.values)]
    if len(counted) < 3:
        return None
    extras = [len(values) - width for _, values in counted]
    if min(extras) < 0 or max(extras) == 0:
        return None
    if len(set(extras)) == 1:
        extra = extras[0]
        fits = [Padding(lead, extra - lead) for lead in range(extra + 1)
                if all(_without_padding(values, width, Padding(lead, extra - lead)) is not values for _, values in counted)]
    elif len({len(lrow.labels) + len(values) for lrow, values in counted}) == 1:
        fits = [padding for padding in (Padding(0, None), Padding(None, 0))
                if all(extra == 0 or _without_padding(values, width, padding) is not values
                       for (_, values), extra in zip(counted, extras, strict=True))]
    else:
        return None
    return fits[0] if len(fits) == 1 else None


def _is_pipe_run(cell: Cell) -> bool:
    """A line of several pipes with nothing between (``||``, ``|||||``): padding, never one cell."""
    return cell.is_bar and (cell.raw or "|").count("|") > 1


def _is_lone_bar(cell: Cell) -> bool:
    """A line holding one pipe: an empty cell, a row's opening or its closing mark."""
    return cell.is_bar and (cell.raw or "|").count("|") == 1


def _runs_as_cells(values: Sequence[Cell]) -> Sequence[Cell]:
    """A row's cells with each run of pipes on a line of its own (``||``, a bar whose raw holds
    several pipes) read as that many empty cells, as the same run closing a line of numbers reads
    (``0 | ||``): padding counts the same wherever the line breaks fell. The row itself when it has
    no run."""
    if not any(_is_pipe_run(cell) for cell in values):
        return values
    out: list[Cell] = []
    for cell in values:
        if _is_pipe_run(cell):
            out.extend(Cell("", cell.line, None, None) for _ in range((cell.raw or "").count("|")))
        else:
            out.append(cell)
    return out


def _without_padding(values: Sequence[Cell], width: int, padding: Padding | None) -> Sequence[Cell]:
    """A row's cells without the table's padding (:func:`end_padding`); the row itself (the same
    object) when it does not have that padding."""
    extra = len(values) - width
    if padding is None or extra <= 0:
        return values
    lead = padding.lead if padding.lead is not None else extra - (padding.trail or 0)
    trail = padding.trail if padding.trail is not None else extra - lead
    if lead < 0 or trail < 0 or lead + trail != extra:
        return values
    if any(cell.text for cell in (*values[:lead], *values[len(values) - trail:])):
        return values
    return values[lead:len(values) - trail]


def _start_of(lrow: LogicalRow, start_column: int | None, offset: int | None) -> int | None:
    """Where this row's values start: the table's common column, else its label's column plus
    the table's common offset (when the row's values stand on its label's line)."""
    if start_column is not None:
        return start_column
    label = lrow.labels[-1] if lrow.labels else None
    if offset is None or label is None or label.column is None or not lrow.values or lrow.values[0].line != label.line:
        return None
    return label.column + offset


def without_cells_before(values: Sequence[Cell], start_column: int | None) -> Sequence[Cell]:
    """A row's cells without the empty ones in grid columns before the table's values start, when
    they open their line: the border or spacer column every row prints there (`| 1 | 0 |` in a
    table whose rows open with `|`) is never a blank value, even in a row that prints fewer cells
    than the table's width. An empty cell after a label on its line is a value (a row whose label
    stands one column left of the table's usual place)."""
    if start_column is None or not any(cell.column is not None and cell.column < start_column for cell in values):
        return values
    kept, leading = [], {}  # per line, the next column a run of empty cells from the line's start would reach
    for cell in values:
        at = leading.get(cell.line, 0)
        if cell.column == at and cell.column < start_column and not (cell.text or cell.is_bar):
            leading[cell.line] = at + 1  # empty from the line's start: border or spacer, never after a label
            continue
        leading[cell.line] = -1
        kept.append(cell)
    return kept


def _printed(cells: Sequence[Cell]) -> str:
    return " ".join("|" if cell.is_bar else (cell.text or "␣") for cell in cells)


def fit_values(values: Sequence[Cell], width: int, *, start_column: int | None = None,
               padding: Padding | None = None) -> Fit:
    """Fit a row's value cells to ``width`` columns.

    In a grid whose rows agree on where values start (``start_column``), a row with blank
    cells is read by column. Otherwise empty cells beyond the width are layout (a trailing
    tab, a spacer column between label and values, ``|||`` padding) and are dropped, trailing
    first. A bar (a line holding only ``|``) is a separator when the row has its width without
    it, else an empty cell. More cells than that can only be read if every reading gives the
    same numbers; fewer cells cannot be placed in their columns (see :mod:`govdata.recover`).
    Padding columns the whole table shows (``padding``, see :func:`end_padding`) are dropped first.
    """
    if padding is not None:  # counted with runs as empty cells, as end_padding counts them
        expanded = _runs_as_cells(values)
        unpadded = _without_padding(expanded, width, padding)
        values = unpadded if unpadded is not expanded else values
    if start_column is not None:
        window = [cell for cell in values if cell.column is not None and start_column <= cell.column < start_column + width]
        inside = {id(cell) for cell in window}  # by identity: comparing Cell tuples field by field is slow
        outside = [cell for cell in values if (cell.text or cell.is_bar) and id(cell) not in inside]
        if len(window) == width and not outside:
            return Fit(tuple(window))
        values = without_cells_before(values, start_column)
    if any(cell.is_bar for cell in values):
        return _fit_with_bars(list(values), width)
    return _fit_by_count(list(values), width)


def _fit_with_bars(values: list[Cell], width: int) -> Fit:
    """A row of the cell-per-line layout with bars (lines holding only ``|``): bars are separators
    when the row has its width without them; else each bar is an empty cell, except bars past
    the width at the end (a row's closing mark) or at the start (a row's opening mark)."""
    without_bars = _fit_by_count([cell for cell in values if not cell.is_bar], width)
    if without_bars.cells is not None:
        return _unless_bars_are_blanks(without_bars, values, width)
    # a run of pipes on a line (`||`, `|||||`) pads a row or closes it; only a lone `|` is a cell
    values = [cell for cell in values if not _is_pipe_run(cell)]
    without_bars = _fit_by_count([cell for cell in values if not cell.is_bar], width)
    if without_bars.cells is not None:
        return without_bars
    cells = list(values)
    while len(cells) > width and cells[-1].text == "":  # a closing mark or padding (empty cells of a run)
        cells.pop()
    while len(cells) > width and cells[0].is_bar:
        cells.pop(0)
    if len(cells) == width:
        return Fit(tuple(_bars_as_blanks(cells)))
    return _fit_by_count(_bars_as_blanks(values), width, printed=values)


def _bars_as_blanks(cells: Sequence[Cell]) -> list[Cell]:
    """The cells with each bar read as an empty cell on its line."""
    return [Cell("", cell.line, None, None) if cell.is_bar else cell for cell in cells]


def _unless_bars_are_blanks(without_bars: Fit, values: list[Cell], width: int) -> Fit:
    """The bars-as-separators reading, unless it keeps an empty cell that reading each lone bar as
    a blank cell instead (and dropping the empty cells as padding) would place differently:
    ``1 | ␣(bar) | 0 0 0 0 1 | ␣ ␣`` reads 1 ␣ 0 0 0 0 1 with padding or 1 0 0 0 0 1 ␣ without;
    the row alone cannot tell, so neither is guessed."""
    if not any(_is_lone_bar(cell) for cell in values) or not any(cell.text == "" for cell in without_bars.cells or ()):
        return without_bars
    broken = _blanks_broken_off_before_padding(values, width)
    if broken is not None:
        return broken
    as_blanks = _fit_by_count(_bars_as_blanks([cell for cell in values if not _is_pipe_run(cell)]), width)
    if as_blanks.cells is None or [c.text for c in as_blanks.cells] == [c.text for c in without_bars.cells or ()]:
        return without_bars
    inner = values[1:-1]
    if any(cell.is_bar for cell in inner) and all(cell.text for cell in inner if not cell.is_bar):
        # a bar between printed numbers of a row whose only empty cells are at its ends: the
        # bar is the blank cell (a pipe row broken at its blank), the end cells are padding
        return as_blanks
    return Fit(None, "ambiguous_cells", _printed(values))


def _blanks_broken_off_before_padding(values: Sequence[Cell], width: int) -> Fit | None:
    """A row whose lone bars all stand before its last number and whose empty cells all come
    after it (`|` on a line of its own, then `0 | 0 | … | ||`): each bar is a blank cell broken
    onto a line of its own, the empty cells after the last number are the row's padding."""
    last = max((index for index, cell in enumerate(values) if cell.text), default=None)
    if last is None:
        return None
    head, tail = values[:last + 1], values[last + 1:]
    if not any(_is_lone_bar(cell) for cell in head) or any(cell.is_bar for cell in tail):
        return None
    if any(not cell.text and not _is_lone_bar(cell) for cell in head):
        return None  # an empty cell among the numbers: the row's blanks are not all bars
    cells = _bars_as_blanks(list(head))
    return Fit(tuple(cells)) if len(cells) == width else None


def _fit_by_count(cells: list[Cell], width: int, *, printed: Sequence[Cell] | None = None) -> Fit:
    original = list(printed if printed is not None else cells)
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
        # (a row of blanks alone reads the same wherever its blanks stand)
        if any(cell.text for cell in cells) and (
                (dropped_trailing and cells[0].text == "") or (dropped_leading and cells[-1].text == "")):
            return Fit(None, "ambiguous_cells", _printed(original))
        return Fit(tuple(cells))
    shown = _printed(cells)
    if len(cells) > width:
        # the same number printed again (a merged cell) reads the same whichever copy is kept; not
        # numbers split at single spaces of PDF text (`1 1` may be 11 cut in two: govdata.recover)
        if len({cell.text for cell in cells}) == 1 and not all(cell.is_spaced for cell in cells):
            return Fit(tuple(cells[:width]), "extra_cells_identical", shown)
        return Fit(None, "extra_cells", shown)
    return Fit(None, "missing_cells", shown)


def _report_fit(fit: Fit, findings: Findings, line: int, what: str, width: int, scope: str) -> None:
    n_printed = len(fit.detail.split()) if fit.detail else 0
    if fit.problem == "extra_cells_identical":
        findings.add("extra_cells", line, f"{what}: 印有 {n_printed} 个数值，表格只有 {width} 列；"
                     f"各数值相同，读取不受影响 ({fit.detail})", scope=scope, severity="warning",
                     expected=width, actual=n_printed)
    elif fit.problem == "extra_cells":
        findings.add("extra_cells", line, f"{what}: 印有 {n_printed} 个数值，表格只有 {width} 列，"
                     f"无法确定对应关系，未读取 ({fit.detail})", scope=scope, expected=width, actual=n_printed)
    elif fit.problem == "ambiguous_cells":
        shown = "；".join(" ".join("␣" if v is None else v for v in candidate) for candidate in fit.candidates[:12])
        more = f"；另有 {len(fit.candidates) - 12} 种" if len(fit.candidates) > 12 else ""
        reason = (f"印出的数字可有 {len(fit.candidates)} 种读法{fit.rule_zh}：{shown}{more}" if fit.candidates
                  else "空白单元格的位置无法确定（可能属于第一列或最后一列）")
        findings.add("ambiguous_cells", line, f"{what}: {reason}，未读取 ({fit.detail})", scope=scope)
    elif fit.problem == "missing_cells":
        findings.add("missing_cells", line, f"{what}: 只有 {n_printed} 个数值，表格有 {width} 列，"
                     f"无法确定缺失哪一列，未读取 ({fit.detail})", scope=scope, expected=width, actual=n_printed)
    elif fit.problem == "recovered_cells":
        findings.add("recovered_cells", line, f"{what}: {fit.detail}", scope=scope, severity="warning")
    elif fit.problem == "search_capped":
        findings.add("ambiguous_cells", line, f"{what}: {fit.detail}，未读取", scope=scope)


def _label_match(table: str, fields: tuple[str, ...], cell: Cell, findings: Findings, scope: str) -> labels.Label | None:
    """The label of a cell: exact, without bracketed instructions, or by similarity (reported)."""
    found = labels.lookup_any(table, fields, cell.text) or labels.clean_lookup(table, fields, cell.text)
    if found is not None:
        return found
    match = labels.fuzzy_lookup(table, fields, cell.text)
    if match is None:
        return None
    label, score = match
    findings.add("fuzzy_label", cell.line, f"标签“{cell.printed}”与标准标签“{label.label_zh}”不完全一致"
                 f"（相似度 {score:.2f}），按 {label.key} 读取", scope=scope, severity="warning", expected=1.0, actual=round(score, 3))
    return label


# --- 表二 -------------------------------------------------------------------------------------


@dataclass
class _T2Header:
    """The measure columns of one 第二十条 block as printed (keys, or None for a cell that cannot be read)."""

    block: str | None = None
    measures: list[tuple[str | None, str | None, Cell]] = field(default_factory=list)  # (key, header unit, cell)
    is_open: bool = False  # after 信息内容, until the first item row
    trailing_empty: int = 0  # empty cells the header prints after its last column: the grid's padding

    def resolved(self, template_hint: str | None) -> tuple[list[tuple[str, str | None]] | None, str | None]:
        """(measure key, unit) per column; the form's standard columns when the header's cells
        were cut (``本年新 | 本年新``) but their count is the block's width in one template."""
        if self.measures and all(key is not None for key, _, _ in self.measures):
            return [(key, unit) for key, unit, _ in self.measures], None  # type: ignore[misc]
        if not self.measures or self.block is None:
            return None, None
        known = [key for key, _, _ in self.measures if key is not None]
        templates = [t for t in form.TEMPLATES if len(form.table2_measures(self.block, t)) == len(self.measures)
                     and all(k in form.table2_measures(self.block, t) for k in known)]
        if template_hint in templates:
            templates = [template_hint]
        if len(templates) != 1:
            return None, None
        standard = form.table2_measures(self.block, templates[0])
        units = [unit for _, unit, _ in self.measures]
        return list(zip(standard, units, strict=True)), templates[0]


def parse_table2(rows: Sequence[Row], doc: Document, findings: Findings, *,
                 reaches_end: bool = False) -> tuple[list[dict[str, Any]], str | None]:
    """表二: 第二十条 blocks, each a header of measures and item rows with one value per measure.

    Returns the cells and the template 表二's own headers show (None when they show none).
    """
    out: list[dict[str, Any]] = []
    header = _T2Header()
    items_zh = form.labels_zh("table2", "item")
    measures_zh = form.labels_zh("table2", "measure")
    seen_measures: list[str] = []
    lrows = join_label_fragments(logical_rows(rows), "table2")
    for index, lrow in enumerate(lrows):
        item, item_line = None, lrow.line
        for cell in lrow.labels:
            key = label_key(cell.text)
            block = _BLOCK.search(key)
            if (block or key in ("信息内容", "信息内容:")) and item is not None:
                # an item with nothing printed before the next block (a flattened page): blank
                out.extend(_blank_table2_row(doc, item, header, seen_measures, item_line))
                item = None
            if block:
                header = _T2Header(block=block.group(1))
                if re.search(r"\d", key[block.end():]):
                    # a block whose headers, items and numbers ran into its heading's cell (a flattened
                    # page the label splitter could not cut): its numbers are not read, and said so
                    findings.add("unmapped_label", cell.line, f"表二第({block.group(1)})项标题后的文字“{cell.printed[:60]}”"
                                 "无法拆分为栏目、项目与数值，该段数值未读取", scope="table=table2")
            elif key in ("信息内容", "信息内容:"):
                header = _T2Header(block=header.block, is_open=True)
            elif (measure := _label_match("table2", ("measure",), cell, findings, "table=table2")) is not None:
                unit_match = _UNIT_IN_HEADER.search(key)
                if not header.is_open and header.measures and not item:
                    header = _T2Header(block=header.block, is_open=True)
                header.is_open = True
                header.measures.append((measure.key, next(filter(None, unit_match.groups()), None) if unit_match else None, cell))
                seen_measures.append(measure.key)
            elif (found := _label_match("table2", ("item",), cell, findings, "table=table2")) is not None:
                if item is not None:  # two items in a row with nothing between: the first printed no value
                    out.extend(_blank_table2_row(doc, item, header, seen_measures, item_line))
                item, item_line = found, cell.line
                header.is_open = False
                if header.block is None:
                    header.block = form.block_of_item(found.key)
            elif header.is_open and not (lrow.has_values and cell is lrow.labels[-1]) and not _HEADING.match(key) and len(key) <= 20:
                header.measures.append((None, None, cell))  # a header cell that cannot be read (cut: 本年新)
            elif not _HEADING.match(key) and labels.lookup("table2", "header", cell.text) is None:
                # the label its values follow is a row the table does not know: its values stay unread
                is_row = lrow.has_values and cell is lrow.labels[-1]
                severity, suffix = ("error", "，该行数值未读取") if is_row else ("warning", "")
                findings.add("unmapped_label", cell.line, f"表二中的标签“{cell.printed}”无法识别{suffix}", scope="table=table2",
                             severity=severity)
                header.is_open = header.is_open and not is_row
        if item is None:
            if header.measures and lrow.values and not any(cell.text or cell.is_bar for cell in lrow.values):
                header.trailing_empty = len(lrow.values)
            continue
        # an item printed as its label alone, then another row or the table's end (not the text's
        # end: a cut text may have lost its values): blank in every reading
        is_last = index == len(lrows) - 1 and not reaches_end
        if not lrow.values and not (_next_is_table2_label(lrows, index) or is_last):
            continue
        measures, assumed = header.resolved(_template_of_measures(seen_measures))
        if measures is None:
            findings.add("missing_cells", lrow.line, f"表二“{item.label_zh}”行前没有可读的栏目标题，无法确定各数值含义",
                         scope=f"item={item.key}")
            continue
        if assumed:
            first_cell = header.measures[0][2]
            if not findings.has("header_assumed", f"block={header.block}"):
                findings.add("header_assumed", first_cell.line,
                             f"第二十条第({header.block})项的栏目标题印刷不全 ({' | '.join(c.printed for _, _, c in header.measures)})，"
                             f"按{assumed}年格式的标准栏目顺序读取", scope=f"block={header.block}", severity="warning")
        if not lrow.values:
            # an item printed as its label alone, the next row's label right after it (a page
            # flattened to text, one cell per line): blank in every reading
            fit = Fit(tuple(Cell("", lrow.line) for _ in measures))
        else:
            fit = fit_values(lrow.values, len(measures), padding=Padding(0, header.trailing_empty) if header.trailing_empty else None)
        if reaches_end and index == len(lrows) - 1 and _ends_in_a_cut_run(lrow.values, len(measures), doc):
            findings.add("truncated_table", lrow.line, f"表二在“{item.label_zh}”行中断 (text ends inside the table)；"
                         "该行数字可能连写，末尾的数字可能被截断，未读取", scope="table=table2")
            continue
        if (reaches_end and index == len(lrows) - 1 and len(complete_cells(lrow.values, doc)) < len(measures)
                and not _is_run_together(lrow.values, len(measures))):
            complete = _before_first_bar(lrow.values, complete_cells(lrow.values, doc))
            findings.add("truncated_table", lrow.line, f"表二在“{item.label_zh}”行中断 (text ends inside the table)；"
                         f"读取该行前 {len(complete)} 个完整数值", scope="table=table2")
            fit = Fit(tuple(complete))
            measures = measures[:len(complete)]
        if fit.cells is None:
            fit = recover.recover_row(lrow.values, len(measures), rule=None, fit=fit)
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
                        "raw": cell.printed, "line": cell.line})
    return out, _template_of_measures(seen_measures)


def _blank_table2_row(doc: Document, item: labels.Label, header: _T2Header, seen_measures: Sequence[str],
                      line: int) -> list[dict[str, Any]]:
    """The cells of a 表二 item printed as its label alone between two rows: blank in every reading."""
    measures, _ = header.resolved(_template_of_measures(seen_measures))
    items_zh, measures_zh = form.labels_zh("table2", "item"), form.labels_zh("table2", "measure")
    return [{"report_id": doc.report_id, "item": item.key, "item_zh": items_zh[item.key], "measure": measure,
             "measure_zh": measures_zh[measure], "value": None, "unit": unit or (None if measure in _MONEY_MEASURES else _COUNT_UNIT),
             "raw": "", "line": line} for measure, unit in (measures or [])]


def _next_is_table2_label(lrows: Sequence[LogicalRow], index: int) -> bool:
    """Is the row after ``index`` another 表二 item or a 第二十条 block (so row ``index`` is not the
    last thing the text prints)?"""
    if index + 1 >= len(lrows) or not lrows[index + 1].labels:
        return False
    first = lrows[index + 1].labels[0].text
    return bool(_BLOCK.search(label_key(first))) or labels.lookup("table2", "item", first) is not None


# --- template ---------------------------------------------------------------------------------


def _template_of_measures(measures: Sequence[str]) -> str | None:
    """The template whose 表二 prints these measures (2021 wins a mix: 本年制发件数 only exists there)."""
    in_2021 = set(form.keys("table2", "measure", template="2021")) - set(form.keys("table2", "measure", template="2019"))
    in_2019 = set(form.keys("table2", "measure", template="2019")) - set(form.keys("table2", "measure", template="2021"))
    present = set(measures)
    if present & in_2021:
        return "2021"
    if present & in_2019:
        return "2019"
    return None


def table3_template(rows: Sequence[Row]) -> str | None:
    """The template 表三 shows: 2021 splits (六)其他处理 into three sub-rows; a single 其他处理 row
    is the 2019 form. None when 表三 shows neither (a page cut before (六))."""
    text = "".join(label_key(cell.text) for row in rows for cell in row.cells)
    if "逾期不补正" in text or "逾期未按收费通知" in text:
        return "2021"
    if "其他处理" in text:
        return "2019"
    return None


# --- 表三 -------------------------------------------------------------------------------------


@dataclass
class _T3State:
    group: str | None = None
    seen: dict[str, int] = field(default_factory=dict)
    next_is_other_sub_row: bool = False  # the next labelled row is a (六)其他处理 sub-row (2021 form)
    next_is_total: bool = False  # the next labelled row is (七)总计


def _ordinal_free(key: str) -> str:
    return labels.strip_enumerator(key)


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
        if "勾稽关系" in key or _HEADING.match(key) or "本列数据" in key:
            continue
        bare = _ordinal_free(key)
        if bare == "其他处理":
            # a group when its sub-rows follow (2021), else the 2019 form's single row, even when
            # it prints no value (its cells are then blank)
            if later_labels or (not lrow.has_values and state.next_is_other_sub_row):
                state.group = "other"
            else:
                row_key = "other"
            continue
        if bare == "其他":
            if later_labels:  # the requester column's header, printed before a row's own label
                continue
            if (lrow.has_values or key != bare) and state.group == "other":  # 3.其他, even when every cell is blank
                row_key = "other.other"
            elif lrow.has_values and key != bare and state.group is None and state.next_is_total:
                row_key = "other.other"  # a page that opens at 3.其他 right above (七)总计: the 2021 form's last sub-row
            elif lrow.has_values:
                unknown.append(cell)
            continue
        if bare == "总计" and (not lrow.has_values or later_labels) and key == bare:
            continue  # the requester header's 总计; (七)总计 is the row, even when every cell is blank
        group = labels.lookup("table3", "group", cell.text)
        if group is not None:
            state.group = group.key if group.key in (*_OUTCOME_GROUPS, "other") else state.group
            continue
        row = labels.lookup("table3", "row", cell.text) or labels.clean_lookup("table3", ("row",), cell.text)
        if row is not None:
            row_key = row.key
            continue
        if labels.lookup("table3", "requester", cell.text) is not None or labels.lookup("table3", "header", cell.text) is not None:
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
    lrows = join_label_fragments(logical_rows(rows, width=len(REQUESTERS)), "table3")
    start_column = value_start_column(lrows, len(REQUESTERS))
    offset = value_offset(lrows, len(REQUESTERS)) if start_column is None else None
    # Labels may stand apart from their values where most rows print values on their label's line,
    # or where rows of values without a label (or two rows' worth of values after one label) show
    # the table's cells were written apart.
    apart = _prints_values_inline(lrows) or any(
        (not lrow.labels and lrow.has_values) or sum(1 for cell in lrow.values if cell.text) >= 2 * len(REQUESTERS)
        for lrow in lrows)
    # the row the text stops in prints fewer cells than the others: it tells nothing of their padding
    padding = end_padding(lrows[:-1] if reaches_end else lrows, len(REQUESTERS))
    skip = set()
    pending: list[tuple[str, LogicalRow, Fit]] = []  # rows the table's sums may still decide
    orphans: list[tuple[int, LogicalRow]] = []  # rows of values whose label was printed apart
    anchors: list[tuple[int, str]] = []  # rows read with their own label, in printed order
    after_dangling = False
    for index, lrow in enumerate(lrows):
        if index in skip:
            continue
        if not lrow.labels:
            if lrow.has_values:
                orphans.append((index, lrow))
            continue
        state.next_is_other_sub_row = _next_is_other_sub_row(lrows, index)
        state.next_is_total = _next_is_total(lrows, index)
        row_key, unknown = _t3_row_key(lrow, state)
        if row_key is None and unknown and lrow.has_values:
            row_key, consumed = _join_broken_label(lrow, lrows, index, state)
            if consumed is not None:
                skip.add(consumed)
                unknown = []
        if unknown:
            row_key, unknown = _fuzzy_t3_labels(unknown, row_key, lrow, state, findings)
        if unknown and reaches_end and index == len(lrows) - 1 and not lrow.has_values:
            unknown = []  # a label the end of the text cut (一、本年新收政府信息公开…): the truncation is reported
        for cell in unknown:
            severity = "error" if lrow.has_values else "warning"
            suffix = "，该行数值未读取" if lrow.has_values else ""
            findings.add("unmapped_label", cell.line, f"表三中的标签“{cell.printed}”无法识别{suffix}",
                         scope="table=table3", severity=severity)
        if row_key is None:
            continue
        if not lrow.values:
            if row_key == "other" and template != "2019":
                state.seen[row_key] = lrow.line  # (六)其他处理 heading its 2021 sub-rows: nothing to read
            elif _is_dangling(lrows, index) and apart:
                after_dangling = True  # a row label printed apart from its values (PDF conversion)
            elif _is_dangling(lrows, index) and row_key not in state.seen:
                # one cell per line with blank cells dropped: a row printed as its label alone is
                # blank in every reading
                state.seen[row_key] = lrow.line
                for requester in REQUESTERS:
                    out.append(_count_cell(doc, findings, Cell("", lrow.line),
                                           {"row": row_key, "row_zh": rows_zh[row_key], "requester": requester}))
            continue
        if apart and (after_dangling or _follows_stray_label(lrows, index) or _names_several_rows(lrow)) \
                and lrow.values[0].line != lrow.labels[-1].line:
            # values printed below a label that itself follows labels printed apart from their
            # rows: whose values they are is decided by the form's row order (_placed_orphans)
            orphans.append((index, LogicalRow([], lrow.values)))
            continue
        after_dangling = False
        if row_key in state.seen:
            findings.add("duplicate_row", lrow.line, f"表三“{rows_zh[row_key]}”行重复出现 (first at line {state.seen[row_key]})，未读取",
                         scope=f"row={row_key}")
            continue
        state.seen[row_key] = lrow.line
        anchors.append((index, row_key))
        at_end = reaches_end and index == len(lrows) - 1
        if at_end:
            lrow = LogicalRow(lrow.labels, list(without_cells_before(lrow.values, _start_of(lrow, start_column, offset))))
        if at_end and _ends_in_a_cut_run(lrow.values, len(REQUESTERS), doc):
            findings.add("truncated_table", lrow.line, f"表三在“{rows_zh[row_key]}”行中断 (text ends inside the table)；"
                         "该行数字可能连写，末尾的数字可能被截断，未读取", scope="table=table3")
            continue
        if at_end and len(complete_cells(lrow.values, doc)) < len(REQUESTERS) and not _is_run_together(lrow.values, len(REQUESTERS)):
            _keep_cut_row(lrow, row_key, doc, findings, out, rows_zh, by_position=not _drops_blank_cells(lrows, len(REQUESTERS)))
            continue
        if at_end:  # what the cut left of the next line (its ordinal 5, a footer's —) is no cell of this row
            lrow = LogicalRow(lrow.labels, _without_cut_tail(lrow.values, doc))
        fit = fit_values(lrow.values, len(REQUESTERS), start_column=_start_of(lrow, start_column, offset), padding=padding)
        if fit.cells is None and fit.problem in ("missing_cells", "extra_cells"):
            fit = recover.recover_row(lrow.values, len(REQUESTERS), rule=recover.row_sum_rule, fit=fit)
        if fit.cells is None and fit.candidates:
            pending.append((row_key, lrow, fit))
            continue
        _report_fit(fit, findings, lrow.line, f"表三“{rows_zh[row_key]}”行", len(REQUESTERS), f"row={row_key}")
        if fit.cells is None:
            continue
        for requester, cell in zip(REQUESTERS, fit.cells, strict=True):
            out.append(_count_cell(doc, findings, cell, {"row": row_key, "row_zh": rows_zh[row_key], "requester": requester}))
    for row_key, lrow, fit in _placed_orphans(orphans, anchors, state, template, findings):
        state.seen[row_key] = lrow.line
        if fit.cells is None and fit.candidates:
            pending.append((row_key, lrow, fit))
            continue
        _report_fit(fit, findings, lrow.line, f"表三“{rows_zh[row_key]}”行", len(REQUESTERS), f"row={row_key}")
        if fit.cells is not None:
            for requester, cell in zip(REQUESTERS, fit.cells, strict=True):
                out.append(_count_cell(doc, findings, cell, {"row": row_key, "row_zh": rows_zh[row_key], "requester": requester}))
    for row_key, lrow, fit in recover.resolve_table3(pending, out):
        _report_fit(fit, findings, lrow.line, f"表三“{rows_zh[row_key]}”行", len(REQUESTERS), f"row={row_key}")
        if fit.cells is not None:
            for requester, cell in zip(REQUESTERS, fit.cells, strict=True):
                out.append(_count_cell(doc, findings, cell, {"row": row_key, "row_zh": rows_zh[row_key], "requester": requester}))
    if rows:
        _report_missing_rows(state.seen, findings, template=template, reaches_end=reaches_end, last_line=rows[-1].line)
    return out


def _follows_stray_label(lrows: Sequence[LogicalRow], index: int) -> bool:
    """Is the row before ``index`` a label with no values that is neither a group header nor a
    heading (a fragment the parser could not read, e.g. a PDF conversion's interleaved text)?"""
    if index == 0:
        return False
    before = lrows[index - 1]
    if not before.labels or before.has_values:
        return False
    for cell in before.labels:
        key = label_key(cell.text)
        if "勾稽关系" in key or "本列数据" in key or _HEADING.match(key):
            continue
        if labels.lookup_any("table3", ("group", "requester", "header"), cell.text) is None:
            return True
    return False


def _names_several_rows(lrow: LogicalRow) -> bool:
    """Does a row hold the labels of two rows of the form (``5.属于三类内部事务信息`` then
    ``1.本机关不掌握相关政府信息``, each wrapped, then one line of values)? In a table that prints
    values on their label's line, such values below both labels may be either row's."""
    keys, ordinals = set(), set()
    for cell in lrow.labels:
        key = label_key(cell.text)
        row = labels.lookup("table3", "row", cell.text)
        if row is not None and _ordinal_free(key) not in ("其他", "其他处理", "总计"):
            keys.add(row.key)
        ordinals.update(_ROW_ORDINAL.findall(key))  # 2. and 3. in labels cut and run into a group's (PDF text)
    return len(keys) >= 2 or len(ordinals) >= 2


# A sub-row's ordinal inside a label: 2. before the label's words, not a decimal.
_ROW_ORDINAL = re.compile(r"(?<![\d.])(\d{1,2})\.(?=[^\d.])")


def _prints_values_inline(lrows: Sequence[LogicalRow]) -> bool:
    """Does the table print most rows' values on their label's line (pipe rows, a grid, PDF
    text)? Only there is a label without values out of place; one cell per line prints none so."""
    with_values = [lrow for lrow in lrows if lrow.labels and lrow.has_values]
    inline = sum(1 for lrow in with_values if lrow.values[0].line == lrow.labels[-1].line)
    return bool(with_values) and inline * 2 > len(with_values)


def _is_dangling(lrows: Sequence[LogicalRow], index: int) -> bool:
    """A 表三 row label with no values whose next row is another label: its values were printed
    elsewhere (a PDF-to-markdown conversion that wrote multi-line labels apart from their row)."""
    following = lrows[index + 1] if index + 1 < len(lrows) else None
    if following is None or not following.labels:
        return False
    key = label_key(following.labels[0].text)
    return labels.lookup("table3", "row", key) is not None or labels.clean_lookup("table3", ("row",), key) is not None


def _placed_orphans(orphans: list[tuple[int, LogicalRow]], anchors: list[tuple[int, str]], state: _T3State, template: str,
                    findings: Findings) -> list[tuple[str, LogicalRow, Fit]]:
    """Rows of values printed apart from their labels, placed by the form's row order.

    Between two rows printed with their own labels, the rows the form has there and the text
    did not read are filled with the label-less rows printed there, in order, when the two
    counts agree. Otherwise each such row is a finding and stays unread.
    """
    if not orphans:
        return []
    expected = list(T3_ROWS.get(template, T3_ROWS["2021"]))
    position = {key: number for number, key in enumerate(expected)}
    gaps: dict[tuple[int, int], list[LogicalRow]] = {}
    for index, lrow in orphans:
        before = max(((i, position[k]) for i, k in anchors if i < index and k in position), default=(-1, -1))[1]
        after = min(((i, position[k]) for i, k in anchors if i > index and k in position), default=(-1, len(expected)))[1]
        gaps.setdefault((before, after), []).append(lrow)
    placed: list[tuple[str, LogicalRow, Fit]] = []
    for (before, after), rows_in_gap in gaps.items():
        missing = [key for key in expected[before + 1:after] if key not in state.seen]
        if len(missing) != len(rows_in_gap):
            for lrow in rows_in_gap:
                findings.add("ambiguous_cells", lrow.line, f"表三中一行数值 ({_printed(lrow.values)}) 与其行标签分开印出，"
                             f"此处缺少 {len(missing)} 行、印有 {len(rows_in_gap)} 行数值，无法按表式顺序对应，未读取",
                             scope="table=table3")
            continue
        for key, lrow in zip(missing, rows_in_gap, strict=True):
            fit = fit_values(lrow.values, len(REQUESTERS))
            if fit.cells is None and fit.problem in ("missing_cells", "extra_cells"):
                fit = recover.recover_row(lrow.values, len(REQUESTERS), rule=recover.row_sum_rule, fit=fit)
            if fit.cells is not None:
                how = f"；{fit.detail}" if fit.problem == "recovered_cells" else ""
                fit = Fit(fit.cells, "recovered_cells",
                          f"数值行 ({_printed(lrow.values)}) 与行标签分开印出，按表式行序置于“{form.label_zh('table3', 'row', key)}”行"
                          f"（前后各行均印有标签，此处缺 {len(missing)} 行、印有 {len(rows_in_gap)} 行数值）{how}")
            placed.append((key, lrow, fit))
    return placed


_OTHER_SUB_ROW_MARKS = ("逾期不补正", "逾期未按收费", "其他")


def _next_is_other_sub_row(lrows: Sequence[LogicalRow], index: int) -> bool:
    """Does a (六)其他处理 sub-row label follow row ``index`` (before any other labelled row)?"""
    for follower in lrows[index + 1:index + 4]:
        if follower.labels:
            key = _ordinal_free(label_key(follower.labels[0].text))
            return any(mark in key for mark in _OTHER_SUB_ROW_MARKS) and key != "其他处理"
    return False


def _next_is_total(lrows: Sequence[LogicalRow], index: int) -> bool:
    """Is the next labelled row after row ``index`` the (七)总计 row?"""
    follower = next((lrow for lrow in lrows[index + 1:index + 3] if lrow.labels), None)
    return follower is not None and _ordinal_free(label_key(follower.labels[0].text)) == "总计"


def _fuzzy_t3_labels(unknown: list[Cell], row_key: str | None, lrow: LogicalRow, state: _T3State,
                     findings: Findings) -> tuple[str | None, list[Cell]]:
    """Labels read by similarity, after exact spellings and broken-label joins found nothing:
    a row label (when the row has none yet) and header labels (groups, requester columns)."""
    still_unknown = []
    for cell in unknown:
        if _ordinal_free(label_key(cell.text)) in ("其他", "其他处理", "总计"):  # read only in their context
            still_unknown.append(cell)
            continue
        if row_key is None and lrow.has_values:
            row = _label_match("table3", ("row",), cell, findings, "table=table3")
            if row is not None:
                row_key = row.key
                state.group = None if row.key in _T3_TOP_LEVEL else row.key.split(".")[0]
                continue
        if not lrow.has_values and _label_match("table3", ("group", "requester"), cell, findings, "table=table3") is not None:
            continue
        still_unknown.append(cell)
    return row_key, still_unknown


def _keep_cut_row(lrow: LogicalRow, row_key: str, doc: Document, findings: Findings, out: list[dict[str, Any]],
                  rows_zh: Mapping[str, str], *, by_position: bool = True) -> None:
    """The 表三 row the text stops in: its complete leading cells are kept (:func:`complete_cells`),
    unless the table prints no blank cells (``by_position`` False): then the cells left cannot be
    placed in their columns, and the row is reported unread."""
    complete = _before_first_bar(lrow.values, complete_cells(lrow.values, doc)) if by_position else []
    why = (f"读取该行前 {len(complete)} 个完整数值" if by_position
           else "本表空白单元格不印出，该行已印数值无法对应到列，未读取")
    findings.add("truncated_table", lrow.line, f"表三在“{rows_zh[row_key]}”行中断 (text ends inside the table)；{why}",
                 scope="table=table3")
    for requester, cell in zip(REQUESTERS, complete, strict=False):
        out.append(_count_cell(doc, findings, cell, {"row": row_key, "row_zh": rows_zh[row_key], "requester": requester}))


def _drops_blank_cells(lrows: Sequence[LogicalRow], width: int) -> bool:
    """Does the table print nothing for a blank cell (PDF text: ``4.保护第三方合法权益 0 0 0 0 0``
    for seven columns)? A row before the last with some numbers, fewer than the columns, and no
    empty cell or bar among its values shows it."""
    return any(0 < sum(1 for cell in lrow.values if cell.text) < width
               and all(cell.text and not cell.is_bar for cell in lrow.values)
               for lrow in lrows[:-1] if lrow.labels)


def _is_run_together(values: Sequence[Cell], width: int) -> bool:
    """May a row's runs of digits hold several cells each (a flattened page: it prints enough
    digits to fill every column), so that its cells cannot be kept by position when the text
    stops in it?"""
    if any(cell.is_run and len(cell.text) >= 2 for cell in values):
        return True
    runs = [cell.text for cell in values if cell.text.isdigit()]
    return any(len(run) >= 2 for run in runs) and sum(len(run) for run in runs) >= width


def complete_cells(values: Sequence[Cell], doc: Document | None = None) -> list[Cell]:
    """The cells of a row the text stops in that were printed whole: each but the last is
    followed by a separator; the last counts only when it cannot be the start of a longer number
    (it is 0, which no other count starts with) or something follows it in the text (a
    separator, a space). Without ``doc`` the last cell is taken as cut unless it is 0 or a bar."""
    cells = [cell for cell in values if not cell.is_bar]
    if not cells or values[-1].is_bar or cells[-1].text == "0":
        return cells
    if doc is not None and not _ends_the_text(cells[-1], doc):
        return cells
    return cells[:-1]


def _ends_in_a_cut_run(values: Sequence[Cell], width: int, doc: Document) -> bool:
    """Does a row whose digits may be run together (a page flattened to one line, or cells that
    print enough digits to fill every column: :func:`_is_run_together`) end in a number the end of
    the text cuts? The number may have lost digits (行政事业性收费11.14 of 11.1486, 行政许可 | 50 | -2 | 30
    of 3023) and, with the row's borders in doubt, no cell of it is known whole. A last run of
    zeros is whole (no number but 0 starts with 0: more digits would be cells of their own)."""
    last = _cut_last_number(values, doc)
    return last is not None and (last.is_run or _is_run_together(values, width))


def _before_first_bar(values: Sequence[Cell], cells: Sequence[Cell]) -> list[Cell]:
    """Of ``cells`` (a cut row's :func:`complete_cells`), those printed before the row's first bar
    (a line holding only pipes), the ones a cut row places by position. A full row tells what its
    bars are by its count (:func:`fit_values`); a cut row cannot: a lone ``|`` is a blank cell
    where a pipe row puts each blank on a line of its own (``1 | 0 | 0 | 0 |`` / ``|`` / ``0 |``),
    and only a separator where every cell has a bar line after it, so the cells after it could
    stand one column further right or not: they are left unread."""
    first_bar = next((index for index, cell in enumerate(values) if cell.is_bar), len(values))
    before = {id(cell) for cell in values[:first_bar]}  # by identity: equal cells may stand on both sides
    return [cell for cell in cells if id(cell) in before]


def _without_cut_tail(values: Sequence[Cell], doc: Document) -> list[Cell]:
    """A row's cells without a last one the end of the text cut, when it stands on a line after
    the row's others (a fragment of the next line: its ordinal, a page footer's dash), and without
    a lone bar the text ends in (:func:`_ends_in_a_lone_bar`)."""
    cells = list(values)
    filled = [cell for cell in cells if cell.text]
    if (len(filled) >= 2 and filled[-1].line > filled[-2].line and filled[-1].text != "0"
            and _ends_the_text(filled[-1], doc)):
        cells.remove(filled[-1])
    if _ends_in_a_lone_bar(cells, doc):
        cells.pop()
    return cells


def _ends_in_a_lone_bar(cells: Sequence[Cell], doc: Document) -> bool:
    """Does the row end in a bar on a line of its own that the text ends in? Where rows open with
    ``| `` and blanks stand on lines of their own, that ``|`` is the next row's opening bar the cut
    left, or this row's blank with the rest of its line cut: which, nothing tells, so it is no
    cell of the row (a row printed whole before it reads the same; one that needed it is short)."""
    return (len(cells) >= 2 and _is_lone_bar(cells[-1]) and cells[-1].line > cells[-2].line
            and cells[-1].raw is not None and _ends_the_text(cells[-1], doc))


def _ends_the_text(cell: Cell, doc: Document) -> bool:
    """Is ``cell`` the very last thing the text prints (nothing, not even a space or a line
    break, after it)?"""
    if doc.ends_with_newline:
        return False
    last = len(doc.norm_lines)
    while last > 0 and not doc.norm_lines[last - 1].strip():
        last -= 1
    return cell.line == last and doc.lines[last - 1].endswith(cell.printed)


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
    last_seen = max((expected.index(k) for k in seen if k in expected), default=-1)
    if reaches_end and all(expected.index(key) > last_seen for key in missing):
        if findings.has("truncated_table", "table=table3"):
            return
        findings.add("truncated_table", last_line, f"表三在第 {last_line} 行后中断，缺少 {len(missing)} 行: {', '.join(missing)}",
                     scope="table=table3")
        return
    rows_zh = form.labels_zh("table3", "row")
    for key in missing:
        findings.add("missing_cells", None, f"表三缺少“{rows_zh.get(key, key)}”行", scope=f"row={key}")


# Counts are Int64; a longer number is two cells run together (or garbage), never a count.
_MAX_COUNT = 2**63 - 1


def _count_cell(doc: Document, findings: Findings, cell: Cell, keys: dict[str, str]) -> dict[str, Any]:
    number = parse_number(cell.text)
    value = None
    if number is not None and number.value is not None:
        scope = ";".join(f"{k}={v}" for k, v in keys.items())
        digits = cell.text.replace(",", "").lstrip("+-")
        if number.is_integer and (abs(number.value) > _MAX_COUNT or (digits.isdigit() and int(digits) > _MAX_COUNT)):
            findings.add("value_out_of_range", cell.line,
                         f"计数“{cell.printed[:40]}”超出可存储的整数范围（可能是多个单元格连在一起），未读取", scope=scope)
        elif number.is_integer:
            value = int(number.value)
        else:
            findings.add("not_integer", cell.line, f"计数“{cell.printed}”不是整数，未读取", scope=scope)
    return {"report_id": doc.report_id, **keys, "value": value, "raw": cell.printed, "line": cell.line}


# --- 表四 -------------------------------------------------------------------------------------

_T4_WIDTH = len(PROCEEDINGS) * len(T4_OUTCOMES)


def _trailing_empty(cells: Sequence[Cell], *, bars: bool = False) -> int:
    """How many empty cells (not bars, unless ``bars``: lone bars too) a row prints after its last cell with text."""
    count = 0
    for cell in reversed(cells):
        if cell.text or (cell.is_bar and not (bars and _is_lone_bar(cell))):
            break
        count += 1
    return count


def _unpadded(count: int, padding: int) -> int:
    """How many of a 表四 values row's ``count`` cells are the table's, when it prints up to
    ``padding`` cells of padding beyond the table's width."""
    return count - min(padding, max(count - _T4_WIDTH, 0))


def _cut_last_number(values: Sequence[Cell], doc: Document) -> Cell | None:
    """A row's last number when the end of the text may have cut it (nothing printed after it,
    and it is not zeros only, which no longer count starts with): ``… 10 0 0 0 1`` may be the
    start of 10. None when the row does not end the text so."""
    last = next((cell for cell in reversed(values) if cell.text), None)
    if last is not None and last.text.strip("0") != "" and _ends_the_text(last, doc):
        return last
    return None


def _is_a_row_of_blanks(row: Row) -> bool:
    """A line of 表四's width or more of empty cells and nothing else (``| | | … |``): the values row
    of an agency that printed every cell blank, never a header row (those hold labels)."""
    return all(not cell.text for cell in row.cells) and len(_runs_as_cells(row.cells)) >= _T4_WIDTH


def _read_all_blank(blank_rows: Sequence[Row], header: Sequence[str], doc: Document) -> list[dict[str, Any]]:
    """表四 read from its one row of blanks under a header that names every outcome column: every
    cell blank, whichever of the row's empty cells is padding (blanks read the same in any column).
    Nothing when the table prints no such row, or several."""
    columns = list(form.table4_columns())
    if len(blank_rows) != 1 or sorted(header) != sorted(outcome for _, outcome in columns):
        return []
    line = blank_rows[0].line
    return [{"report_id": doc.report_id, "proceeding": proceeding, "outcome": outcome, "value": None, "raw": "", "line": line}
            for proceeding, outcome in columns]


def parse_table4(rows: Sequence[Row], doc: Document, findings: Findings, *, reaches_end: bool = False) -> list[dict[str, Any]]:
    """表四: review and litigation counts, 15 columns under a two-level header.

    The columns are read in the order the header prints its outcome labels; the form's
    order (行政复议, 未经复议直接起诉, 复议后起诉 × 维持, 纠正, 其他, 尚未审结, 总计) is used, with
    a warning, when the header cannot be read.
    """
    header: list[str] = []
    values: list[Cell] = []
    # Rows opened by a lone | (one cell per line): the bar before the values is the values
    # row's opener, not a blank first cell.
    first = next((cell for row in rows for cell in row.cells
                  if cell.is_bar or (cell.text and not _HEADING.match(label_key(cell.text)))), None)
    rows_opened = first is not None and _is_lone_bar(first)
    header_trailing: list[int] = []  # empty cells after each header row's last label: the grid's extra column
    leading_bars: list[Cell] = []  # lone bars between the last header label and the first number
    blank_rows: list[Row] = []  # rows after a header label that print the table's width of empty cells only
    for row in rows:
        if len([cell for cell in values if cell.text]) >= _T4_WIDTH and not any(_is_value(cell) for cell in row.cells):
            break
        has_number = any(cell.text and parse_number(cell.text) is not None for cell in row.cells)
        has_label = False
        for cell in row.cells:
            if _is_value(cell):
                if has_number or (cell.is_bar and values):  # blank cells of a header row are layout, not values
                    values.append(cell)
                elif _is_lone_bar(cell):
                    leading_bars.append(cell)  # blanks broken onto lines of their own, or the header's layout
                continue
            if _HEADING.match(label_key(cell.text)):
                continue
            leading_bars = []
            if not any(value.text for value in values):
                values = []  # bars before a header label are the header's layout (row openers, blank corners)
            outcome = labels.lookup("table4", "outcome", cell.text)
            if outcome is not None:
                header.append(outcome.key)
                has_label = True
            elif labels.lookup("table4", "proceeding", cell.text) is not None:
                has_label = True
            else:
                findings.add("unmapped_label", cell.line, f"表四中的标签“{cell.printed}”无法识别", scope="table=table4", severity="warning")
        if has_label and not has_number:
            header_trailing.append(_trailing_empty(row.cells))
        if header and _is_a_row_of_blanks(row):
            blank_rows.append(row)
    if not [cell for cell in values if cell.text]:
        return _read_all_blank(blank_rows, header, doc)
    columns = list(form.table4_columns())
    if len(header) == _T4_WIDTH and sorted(header) == sorted(o for _, o in columns):
        columns = [(PROCEEDINGS[i // len(T4_OUTCOMES)], outcome) for i, outcome in enumerate(header)]
    else:
        findings.add("header_mismatch", values[0].line, f"表四表头读出 {len(header)} 个结果栏目 (应为 {_T4_WIDTH})，按标准表式顺序读取",
                     scope="table=table4", severity="warning", expected=_T4_WIDTH, actual=len(header))
    while values and _is_pipe_run(values[0]):
        values = values[1:]  # a run of pipes before the first value pads the header's row, never a cell
    row_line = values[0].line  # the row's first line, whatever its cut leaves
    cut_last = _cut_last_number(values, doc) if reaches_end else None
    if cut_last is not None and cut_last.is_run:  # digits run together: where the cut falls, no cell of the run is known
        values = values[:values.index(cut_last)]
        cut_last = None
    if rows_opened and values and _is_lone_bar(values[0]) and (len(values) > _T4_WIDTH or reaches_end):
        values = values[1:]  # the values row's opener (a row the text's end cut may print fewer cells than the width)
    # the extra column every header row prints after its labels is padding on the values row too
    extra_column = min(header_trailing) if header_trailing else 0
    # the values row's padding: an empty cell, or a lone bar where blanks stand on lines of their own
    row_padding = min(extra_column, _trailing_empty(values, bars=True))
    with_leading_bars = len(values) + len(leading_bars)
    if (not rows_opened and len(leading_bars) >= 2 and leading_bars[0].line == leading_bars[1].line
            and _unpadded(with_leading_bars - 1, row_padding) == _T4_WIDTH and len(values) < _T4_WIDTH):
        # `| |`: the row's opening bar, then its blank first cell (a row broken at its blanks prints
        # each blank on a line of its own, so two bars share a line only after an opening bar)
        values = [*leading_bars[1:], *values]
    elif not rows_opened and leading_bars and _unpadded(with_leading_bars, row_padding) == _T4_WIDTH:
        values = [*leading_bars, *values]  # the row's first cells were blanks, each on a line of its own
    # header rows padded to the grid's width end in runs of empty cells of different lengths: the
    # values row's own padding is what it prints beyond the table's width, as long as it is empty
    padding_trail = min(extra_column, _trailing_empty(values), max(len(_runs_as_cells(values)) - _T4_WIDTH, 0))
    fit = fit_values(values, _T4_WIDTH, padding=Padding(0, padding_trail) if padding_trail else None)
    if fit.cells is None and fit.problem in ("missing_cells", "extra_cells") and not (reaches_end and fit.problem == "missing_cells"):
        fit = recover.recover_row(values, _T4_WIDTH, rule=recover.table4_rule, fit=fit)
    if fit.cells is None and reaches_end and fit.problem == "missing_cells":
        findings.add("truncated_table", row_line, "表四在数值行中断 (text ends inside the table)", scope="table=table4")
        return []
    _report_fit(fit, findings, row_line, "表四数值行", _T4_WIDTH, "table=table4")
    if fit.cells is None:
        return []
    out = []
    for (proceeding, outcome), cell in zip(columns, fit.cells, strict=True):
        if cell is cut_last:  # the row is whole but for this number, which may have lost digits: never read cut
            findings.add("truncated_table", cell.line, f"表四最后一个数值“{cell.text}”在文本末尾，可能被截断，未读取",
                         scope="table=table4")
            continue
        out.append(_count_cell(doc, findings, cell, {"proceeding": proceeding, "outcome": outcome}))
    return out
