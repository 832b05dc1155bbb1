"""Legacy stage (issue 4): the 附表 indicator table of pre-2019 reports -> the ``legacy`` frame.

Why a stage of its own: before the 2019 Regulations there was no standard 表三. Reports under
the 2008 Regulations often ended with a 附表 of about fifteen indicators
(指标名称 | 单位 | 2017 年 | 历史累计), which is the only tabular source of their request
numbers. The table reaches us in three layouts, all read here:

- ``pipe``: markdown pipes, one row per line (both legacy seeds, e.g. 2017 seed lines 239-255);
- ``tabbed``: cells separated by tabs, one row per line;
- ``cell_per_line``: every cell on its own line, as PDF and Word conversions print tables
  (the 2020 seed prints its 2019-template tables this way).

Which indicator a row is comes from ``govdata/data/labels.csv`` (``table=legacy``); which column
is which comes from the header (also in labels.csv, plus the printed year "2017 年" for the
this-year column). A row whose label the table does not know is kept with ``indicator`` null
and its printed ``label``, so it is visible rather than dropped, and reported as an
``unmapped_label`` finding with its line (:func:`unmapped_labels`), as in every other table.

Example:
    >>> from govdata.read import read_document
    >>> doc = read_document(text="附表\\n| 指标名称 | 单位 | 2017 年 | 历史累计 |\\n| 行政复议数 | 件 | 1 | 7 |")
    >>> parse_legacy(doc).select("indicator", "unit", "value", "cumulative", "line").row(0)
    ('reviews', '件', 1.0, 7.0, 3)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from govdata import schema
from govdata.labels import Label, lookup
from govdata.normalize import label_key, parse_number
from govdata.read import Document

# The this-year column is headed by the year itself: "2017 年", "2018年", sometimes "2017年度".
_YEAR_HEADER = re.compile(r"^(?:19|20)\d{2}年度?$")
# Markdown separator cells: ---, :---:, |------|.
_SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")
# Units a 附表 prints in its 单位 column. Used only to tell a unit cell from a wrapped label in
# the cell-per-line layout, where nothing but position separates the two.
_UNIT_CELLS = frozenset({"条", "件", "个", "项", "次", "人次", "万元", "元", "份", "篇"})

LAYOUTS = ("pipe", "tabbed", "cell_per_line")


@dataclass(frozen=True)
class Cell:
    """One printed cell: original text (trimmed), its normalized form, and its 1-based line."""

    text: str
    line: int

    @property
    def is_blank(self) -> bool:
        return self.text.strip() == ""

    @property
    def number(self) -> float | None:
        parsed = parse_number(self.text)
        return parsed.value if parsed else None

    @property
    def is_value(self) -> bool:
        """Numbers, blanks and placeholders: what a value column may hold."""
        return parse_number(self.text) is not None


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


def unmapped_labels(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """An ``unmapped_label`` finding (a ``checks`` row) for every 附表 row whose label the label table does not know.

    A warning, as for 表二 and 表四: the row and its numbers stay in the ``legacy`` frame
    (``indicator`` null, ``label`` as printed), but no rule or outcome reads them until
    labels.csv names the indicator.
    """
    return [
        {"report_id": row["report_id"], "check": "unmapped_label", "scope": "table=legacy", "expected": None, "actual": None,
         "status": "fail", "severity": "warning", "line": row["line"],
         "message": f"附表中的标签“{row['label']}”无法识别，该行数值未归入任何指标"}
        for row in rows if row["indicator"] is None
    ]


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
        layout = _layout_of(text)
        if layout == "cell_per_line":
            table = _cell_per_line_table(doc, index)
        else:
            table = _delimited_table(doc, index, layout)
        if table is not None and table.rows:
            return table
    return None


def _layout_of(header: str) -> str:
    if "|" in header:
        return "pipe"
    if len([cell for cell in header.split("\t") if cell.strip()]) >= 2:
        return "tabbed"
    return "cell_per_line"


def _split(text: str, layout: str, line: int) -> list[Cell]:
    """Cells of one delimited line, without the empty cells outside the outer pipes or tabs."""
    delimiter = "|" if layout == "pipe" else "\t"
    cells = [Cell(part.strip(), line) for part in text.split(delimiter)]
    while cells and cells[0].is_blank:
        cells.pop(0)
    while cells and cells[-1].is_blank:
        cells.pop()
    return cells


def _column_role(cell_text: str) -> str | None:
    """label / unit / value / cumulative for a header cell, None for a header we do not know."""
    if _YEAR_HEADER.match(label_key(cell_text)):
        return "value"
    found = lookup("legacy", "column", cell_text)
    return found.key if found else None


def _delimited_table(doc: Document, header_index: int, layout: str) -> LegacyTable | None:
    """Pipe and tabbed layouts: one row per line, until the first non-table line."""
    header = _split(doc.lines[header_index], layout, header_index + 1)
    roles = tuple(_column_role(cell.text) for cell in header)
    if "label" not in roles:
        return None
    delimiter = "|" if layout == "pipe" else "\t"
    rows: list[tuple[Cell, ...]] = []
    last_line = header_index + 1
    for index in range(header_index + 1, len(doc.lines)):
        text = doc.lines[index]
        if not text.strip():
            continue  # converters leave blank lines between rows
        if delimiter not in text:
            break
        cells = _split(text, layout, index + 1)
        if not cells or all(_SEPARATOR_CELL.match(cell.text) for cell in cells):
            last_line = index + 1
            continue
        if _ends_table(cells[1:], lookup("legacy", "indicator", cells[0].text)):
            break
        rows.append(tuple(cells))
        last_line = index + 1
    return LegacyTable(layout, header_index + 1, roles, tuple(rows), last_line)


def _ends_table(rest: tuple[Cell, ...] | list[Cell], label: Label | None) -> bool:
    """A row whose label is unknown and that holds no number is not part of the table."""
    return label is None and not any(cell.number is not None for cell in rest)


def _cell_stream(doc: Document, start_index: int) -> Iterator[Cell]:
    """Cells of a one-cell-per-line table: each non-empty line is a cell.

    A line holding only spaces or a tab is a blank cell (the 2020 seed prints blank cells as a
    lone tab, e.g. line 143); a truly empty line separates rows and carries no cell.
    """
    for index in range(start_index, len(doc.lines)):
        text = doc.lines[index]
        if text == "":
            continue
        yield Cell(text.strip(), index + 1)


def _cell_per_line_table(doc: Document, header_index: int) -> LegacyTable | None:
    """Cell-per-line layout: the header cells follow 指标名称 one per line; then rows by position."""
    cells = list(_cell_stream(doc, header_index))
    roles: list[str | None] = []
    position = 0
    while position < len(cells) and not cells[position].is_blank:
        role = _column_role(cells[position].text)
        if role is None or (roles and role == "label"):
            break
        roles.append(role)
        position += 1
    if not roles or roles[0] != "label":
        return None
    rows, last_line = _group_cells(cells[position:], tuple(roles))
    return LegacyTable("cell_per_line", header_index + 1, tuple(roles), tuple(rows), last_line or header_index + 1)


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
            if not (cell.is_value or (is_unit_slot and label_key(cell.text) in _UNIT_CELLS)):
                break
            row.append(cell)
            position += 1
        if _ends_table(row[1:], lookup("legacy", "indicator", label.text)):
            break
        rows.append(tuple(row))
        last_line = row[-1].line
    return rows, last_line


def _wrapped_label(cells: list[Cell], position: int) -> tuple[Cell, int]:
    """The label cell at ``position``, joined with the next text cell when that makes a known label."""
    label = cells[position]
    position += 1
    if lookup("legacy", "indicator", label.text) is None and position < len(cells):
        following = cells[position]
        joined = Cell(label.text + following.text, label.line)
        if not following.is_value and lookup("legacy", "indicator", joined.text) is not None:
            return joined, position + 1
    return label, position


def _legacy_row(doc: Document, roles: tuple[str | None, ...], cells: tuple[Cell, ...]) -> dict:
    """One ``legacy`` row from a table row, reading each cell by the role of its column."""
    by_role: dict[str, Cell] = {}
    for role, cell in zip(roles, cells, strict=False):
        if role is not None and role not in by_role:
            by_role[role] = cell
    label_cell = cells[0]
    found = lookup("legacy", "indicator", label_cell.text)
    value_cell = by_role.get("value")
    cumulative_cell = by_role.get("cumulative")
    unit_cell = by_role.get("unit")
    unit = unit_cell.text if unit_cell is not None and not unit_cell.is_blank else _printed_unit(value_cell)
    return {
        "report_id": doc.report_id,
        "indicator": found.key if found else None,
        "indicator_zh": found.label_zh if found else None,
        "unit": unit,
        "value": value_cell.number if value_cell else None,
        "cumulative": cumulative_cell.number if cumulative_cell else None,
        "line": label_cell.line,
        "label": label_cell.text,
    }


def _printed_unit(cell: Cell | None) -> str | None:
    """Unit printed inside a value cell ("230件") when the table has no 单位 column."""
    if cell is None:
        return None
    parsed = parse_number(cell.text)
    return parsed.unit if parsed else None
