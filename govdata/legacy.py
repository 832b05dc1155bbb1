"""Legacy stage (issue 4): the 附表 indicator table of pre-2019 reports -> the ``legacy`` frame.

Why a stage of its own: before the 2019 Regulations there was no standard 表三. Reports under
the 2008 Regulations often ended with a 附表 of about fifteen indicators
(指标名称 | 单位 | 2017 年 | 历史累计), which is the only tabular source of their request
numbers. The table reaches us in three layouts, all read here:

- ``pipe``: markdown pipes, one row per line (both legacy seeds, e.g. 2017 seed lines 239-255);
- ``tabbed``: cells separated by tabs, one row per line;
- ``cell_per_line``: every cell on its own line, as PDF and Word conversions print tables
  (the 2020 seed prints its 2019-template tables this way).

The lines are cut into cells by the shared grid model (:mod:`govdata.layout`, one ``Cell`` and
one set of layout rules for every table). Which indicator a row is comes from
``govdata/data/labels.csv`` (``table=legacy``), exactly, without bracketed instructions, or by
similarity with a ``fuzzy_label`` finding, as in 表二/表三; which column is which comes from the
header (also in labels.csv, plus the printed year "2017 年" for the this-year column). A row
whose label the table does not know is kept with ``indicator`` null and its printed ``label``,
so it is visible rather than dropped, and reported as an ``unmapped_label`` finding with its
line (:func:`label_findings`), as in every other table.

Example:
    >>> from govdata.read import read_document
    >>> doc = read_document(text="附表\\n| 指标名称 | 单位 | 2017 年 | 历史累计 |\\n| 行政复议数 | 件 | 1 | 7 |")
    >>> parse_legacy(doc).select("indicator", "unit", "value", "cumulative", "line").row(0)
    ('reviews', '件', 1.0, 7.0, 3)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from govdata import labels, layout, schema
from govdata.labels import Label
from govdata.layout import Cell
from govdata.normalize import label_key, parse_number
from govdata.read import Document

# The this-year column is headed by the year itself: "2017 年", "2018年", sometimes "2017年度".
_YEAR_HEADER = re.compile(r"^(?:19|20)\d{2}年度?$")
# Units a 附表 prints in its 单位 column. Used only to tell a unit cell from a wrapped label in
# the cell-per-line layout, where nothing but position separates the two.
_UNIT_CELLS = frozenset({"条", "件", "个", "项", "次", "人次", "万元", "元", "份", "篇"})
_INDICATOR = ("indicator",)

LAYOUTS = (layout.PIPE, layout.TABBED, layout.CELL_PER_LINE)


def _is_blank(cell: Cell) -> bool:
    return cell.text.strip() == ""


def _number(cell: Cell | None) -> float | None:
    parsed = parse_number(cell.text) if cell is not None else None
    return parsed.value if parsed else None


def _is_value(cell: Cell) -> bool:
    """Numbers, blanks and placeholders: what a value column may hold."""
    return parse_number(cell.text) is not None


def indicator_of(text: str) -> Label | None:
    """The indicator a printed 附表 label names: exactly, without bracketed instructions, or by similarity."""
    found = labels.lookup("legacy", "indicator", text) or labels.clean_lookup("legacy", _INDICATOR, text)
    if found is not None:
        return found
    match = labels.fuzzy_lookup("legacy", _INDICATOR, text)
    return match[0] if match else None


@dataclass(frozen=True)
class LegacyTable:
    """Where a 附表 stands, how it is laid out, and its rows as cells."""

    layout: str
    header_line: int
    roles: tuple[str | None, ...]  # per column: label, unit, value, cumulative or None (unknown header)
    rows: tuple[tuple[Cell, ...], ...]
    last_line: int

    @property
    def line_numbers(self) -> range:
        """Every line the table occupies (header to last row), for stages that must skip it."""
        return range(self.header_line, self.last_line + 1)


def parse_legacy(doc: Document) -> pl.DataFrame:
    """The 附表 (指标名称 | 单位 | 年份 | 历史累计) of a pre-2019 report as ``legacy`` rows.

    Returns an empty frame when the report has no 附表 (every 2019+ report, and legacy
    reports that give their numbers in prose only).
    """
    return schema.frame("legacy", legacy_rows(doc, find_legacy_table(doc)))


def legacy_rows(doc: Document, table: LegacyTable | None) -> list[dict]:
    """The ``legacy`` rows of an already located 附表 (:func:`find_legacy_table`), as dicts."""
    if table is None:
        return []
    return [_legacy_row(doc, table.roles, cells) for cells in table.rows]


def label_findings(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The 附表's label findings (``checks`` rows): ``unmapped_label`` for every row whose label the
    label table does not know, ``fuzzy_label`` for every row read by similarity.

    Both warnings, as for 表二 and 表四: an unmapped row and its numbers stay in the ``legacy``
    frame (``indicator`` null, ``label`` as printed), but no rule or outcome reads them until
    labels.csv names the indicator.
    """
    out = []
    for row in rows:
        finding = {"report_id": row["report_id"], "scope": "table=legacy", "expected": None, "actual": None, "status": "fail",
                   "severity": "warning", "line": row["line"]}
        if row["indicator"] is None:
            out.append({**finding, "check": "unmapped_label", "message": f"附表中的标签“{row['label']}”无法识别，该行数值未归入任何指标"})
            continue
        if labels.lookup("legacy", "indicator", row["label"]) or labels.clean_lookup("legacy", _INDICATOR, row["label"]):
            continue
        match = labels.fuzzy_lookup("legacy", _INDICATOR, row["label"])
        if match is not None:
            label, score = match
            out.append({**finding, "check": "fuzzy_label", "expected": 1.0, "actual": round(score, 3),
                        "message": f"附表中的标签“{row['label']}”与标准标签“{row['indicator_zh']}”不完全一致"
                                   f"（相似度 {score:.2f}），按 {label.key} 读取"})
    return out


def appendix_lines(doc: Document) -> frozenset[int]:
    """Line numbers of the 附表, so the facts stage does not read its numbers as prose."""
    return table_lines(find_legacy_table(doc))


def table_lines(table: LegacyTable | None) -> frozenset[int]:
    """Every line of an already located 附表 (none when the report has none)."""
    return frozenset(table.line_numbers) if table else frozenset()


def find_legacy_table(doc: Document) -> LegacyTable | None:
    """Locate the first 附表 (by its 指标名称 header) and cut it into rows."""
    for index, text in enumerate(doc.norm_lines):
        # 指 is one character in both scripts and NFKC leaves it alone: a cheap test before the
        # label key (NFKC + OpenCC per line) of the few lines that may hold the header.
        if "指" not in text or "指标名称" not in label_key(text):
            continue
        table_layout = _layout_of(text)
        if table_layout == layout.CELL_PER_LINE:
            table = _cell_per_line_table(doc, index)
        else:
            table = _delimited_table(doc, index, table_layout)
        if table is not None and table.rows:
            return table
    return None


def _layout_of(header: str) -> str:
    """The layout of a 附表, from its header line (the rows below may be broken by converters)."""
    if "|" in header:
        return layout.PIPE
    if len([cell for cell in header.split("\t") if cell.strip()]) >= 2:
        return layout.TABBED
    return layout.CELL_PER_LINE


def _grid(doc: Document, start: int, end: int, table_layout: str) -> list[layout.Row]:
    """Lines ``start``..``end`` (0-based, end excluded) as rows of the shared grid model."""
    return layout.rows_from_lines(doc.norm_lines[start:end], first_line=start + 1, layout=table_layout, printed=doc.lines[start:end])


def _trimmed(row: layout.Row) -> list[Cell]:
    """A delimited row's cells without the empty cells outside its outer pipes or tabs."""
    cells = list(row.cells)
    while cells and (_is_blank(cells[0]) or cells[0].is_bar):
        cells.pop(0)
    while cells and (_is_blank(cells[-1]) or cells[-1].is_bar):
        cells.pop()
    return cells


def _column_role(cell_text: str) -> str | None:
    """label / unit / value / cumulative for a header cell, None for a header we do not know."""
    if _YEAR_HEADER.match(label_key(cell_text)):
        return "value"
    found = labels.lookup("legacy", "column", cell_text)
    return found.key if found else None


def _delimited_table(doc: Document, header_index: int, table_layout: str) -> LegacyTable | None:
    """Pipe and tabbed layouts: one row per line, until the first line without the delimiter."""
    delimiter = "|" if table_layout == layout.PIPE else "\t"
    end = header_index + 1
    last_line = header_index + 1
    while end < len(doc.norm_lines):
        text = doc.norm_lines[end]
        if text.strip():  # converters leave blank lines between rows
            if delimiter not in text:
                break
            last_line = end + 1
        end += 1
    grid = _grid(doc, header_index, last_line, table_layout)
    if not grid:
        return None
    header = _trimmed(grid[0])
    roles = tuple(_column_role(cell.text) for cell in header)
    if "label" not in roles:
        return None
    rows: list[tuple[Cell, ...]] = []
    table_end = last_line
    for row in grid[1:]:
        cells = _trimmed(row)
        if not cells:
            continue
        if _ends_table(cells[1:], indicator_of(cells[0].text)):
            table_end = row.line - 1
            break
        rows.append(tuple(cells))
    return LegacyTable(table_layout, header_index + 1, roles, tuple(rows), max(header_index + 1, table_end))


def _ends_table(rest: Sequence[Cell], label: Label | None) -> bool:
    """A row whose label is unknown and that holds no number is not part of the table."""
    return label is None and not any(_number(cell) is not None for cell in rest)


def _cell_stream(doc: Document, start_index: int) -> list[Cell]:
    """Cells of a one-cell-per-line table: each non-empty line is a cell.

    A line holding only spaces or a tab is a blank cell (the 2020 seed prints blank cells as a
    lone tab, e.g. line 143); a truly empty line separates rows and carries no cell.
    """
    cells = []
    for index in range(start_index, len(doc.norm_lines)):
        text = doc.norm_lines[index]
        if text == "":
            continue
        stripped = text.strip()
        printed = doc.lines[index].strip()
        cells.append(Cell(stripped, index + 1, None, None if printed == stripped else printed))
    return cells


def _cell_per_line_table(doc: Document, header_index: int) -> LegacyTable | None:
    """Cell-per-line layout: the header cells follow 指标名称 one per line; then rows by position."""
    cells = _cell_stream(doc, header_index)
    roles: list[str | None] = []
    position = 0
    while position < len(cells) and not _is_blank(cells[position]):
        role = _column_role(cells[position].text)
        if role is None or (roles and role == "label"):
            break
        roles.append(role)
        position += 1
    if not roles or roles[0] != "label":
        return None
    rows, last_line = _group_cells(cells[position:], tuple(roles))
    return LegacyTable(layout.CELL_PER_LINE, header_index + 1, tuple(roles), tuple(rows), last_line or header_index + 1)


def _group_cells(cells: list[Cell], roles: tuple[str | None, ...]) -> tuple[list[tuple[Cell, ...]], int]:
    """Cut a cell stream into rows of one cell per header column: a label, a unit, then values.

    A label wrapped onto two lines ("其中：1.政府网站公开" / "数") is joined when the join is a
    label the table knows. A row ends early when a text cell stands where a value should be,
    so one missing cell does not shift every later row.
    """
    rows: list[tuple[Cell, ...]] = []
    last_line = 0
    position = 0
    while position < len(cells):
        label, position = _wrapped_label(cells, position)
        row = [label]
        while position < len(cells) and len(row) < len(roles):
            cell = cells[position]
            is_unit_slot = roles[len(row)] == "unit"
            if not (_is_value(cell) or (is_unit_slot and label_key(cell.text) in _UNIT_CELLS)):
                break
            row.append(cell)
            position += 1
        if _ends_table(row[1:], indicator_of(label.text)):
            break
        rows.append(tuple(row))
        last_line = row[-1].line
    return rows, last_line


def _wrapped_label(cells: list[Cell], position: int) -> tuple[Cell, int]:
    """The label cell at ``position``, joined with the next text cell when that makes a known label."""
    label = cells[position]
    position += 1
    if labels.lookup("legacy", "indicator", label.text) is None and position < len(cells):
        following = cells[position]
        joined = Cell(label.text + following.text, label.line)
        if not _is_value(following) and labels.lookup("legacy", "indicator", joined.text) is not None:
            return joined, position + 1
    return label, position


def _legacy_row(doc: Document, roles: tuple[str | None, ...], cells: tuple[Cell, ...]) -> dict:
    """One ``legacy`` row from a table row, reading each cell by the role of its column."""
    by_role: dict[str, Cell] = {}
    for role, cell in zip(roles, cells, strict=False):
        if role is not None and role not in by_role:
            by_role[role] = cell
    label_cell = cells[0]
    found = indicator_of(label_cell.text)
    value_cell = by_role.get("value")
    cumulative_cell = by_role.get("cumulative")
    unit_cell = by_role.get("unit")
    unit = unit_cell.printed if unit_cell is not None and not _is_blank(unit_cell) else _printed_unit(value_cell)
    return {
        "report_id": doc.report_id,
        "indicator": found.key if found else None,
        "indicator_zh": found.label_zh if found else None,
        "unit": unit,
        "value": _number(value_cell),
        "cumulative": _number(cumulative_cell),
        "line": label_cell.line,
        "label": label_cell.printed,
    }


def _printed_unit(cell: Cell | None) -> str | None:
    """Unit printed inside a value cell ("230件") when the table has no 单位 column."""
    if cell is None:
        return None
    parsed = parse_number(cell.text)
    return parsed.unit if parsed else None
