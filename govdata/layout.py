"""Layouts: how a table was laid out in the text -> one grid model (rows of cells with lines).

Why: the same printed form reaches us in several text layouts, and every other format
(HTML, DOCX, PDF) is rendered to tab-separated rows by the read stage. The table parsers
read only :class:`Row` objects, so a fix here helps every format.

Layouts (``reports.layout``):

- ``tabbed``: one table row per line, cells separated by tabs (the 2019 开发区 and 2023
  晋江市 reports). Empty cells keep columns apart.
- ``cell_per_line``: one cell per line, rows separated by blank lines (the 2020 台商区
  report). A line that does not start with the cell marker (tab) continues the previous
  cell: the 2020 report breaks "商业企业" into "\\t商业" / "企业". Variants seen elsewhere: a
  trailing ``|`` on each cell, a ``|`` alone on a line between cells, blank lines between
  every cell (rows are then found from their labels).
- ``pipe``: markdown-like ``| a | b |`` rows; a row whose last ``|`` is missing continues on
  the next line (a cell holding a line break).

Example:
    >>> rows = rows_from_lines(["a\\t1\\t2"], first_line=10, layout="tabbed")
    >>> [(c.text, c.line) for c in rows[0].cells]
    [('a', 10), ('1', 10), ('2', 10)]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

TABBED, CELL_PER_LINE, PIPE = "tabbed", "cell_per_line", "pipe"
_PIPE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


class Cell(NamedTuple):
    """One printed cell: its text (original characters, trimmed) and the line it starts on.

    A named tuple (immutable like a frozen dataclass, built several times faster: a report
    has hundreds of cells).
    """

    text: str
    line: int
    column: int | None = None  # 0-based grid column, where the layout has columns (tabbed, pipe)


@dataclass(frozen=True)
class Row:
    """One table row of the grid model."""

    cells: tuple[Cell, ...]

    @property
    def line(self) -> int:
        return self.cells[0].line if self.cells else 0


def detect_layout(lines: Sequence[str]) -> str | None:
    """Guess the layout of a table region from its lines; None when it holds no table rows."""
    content = [line for line in lines if line.strip()]
    if not content:
        return None
    # A "|" alone on a line separates cells of the cell-per-line layout; it is no pipe row.
    pipe = sum(1 for line in content if line.lstrip().startswith("|") and line.strip() != "|")
    cells = [line for line in content if line.strip() != "|"]
    if pipe >= max(2, len(cells) // 2):
        return PIPE
    # A cell-per-line line holds one cell; lines with several non-empty cells are table rows.
    multi = sum(1 for line in content if "\t" in line and len([c for c in line.split("\t") if c.strip()]) >= 2)
    if multi >= max(1, len(content) // 5):
        return TABBED
    return CELL_PER_LINE


def rows_from_lines(lines: Sequence[str], *, first_line: int, layout: str) -> list[Row]:
    """Turn the lines of a table region (starting at 1-based ``first_line``) into rows."""
    numbered = list(enumerate(lines, start=first_line))
    if layout == PIPE:
        return _pipe_rows(numbered)
    if layout == CELL_PER_LINE:
        return _cell_per_line_rows(numbered)
    return _tabbed_rows(numbered)


def _tabbed_rows(numbered: list[tuple[int, str]]) -> list[Row]:
    rows = []
    for number, line in numbered:
        if not line.strip():
            continue
        rows.append(Row(tuple(Cell(text.strip(), number, column) for column, text in enumerate(line.split("\t")))))
    return merge_stacked_rows(rows)


def _is_stacked_fragment_row(row: Row) -> bool:
    """A header row of PDF text extraction that holds one or two characters per column."""
    n_texts = 0
    for cell in row.cells:
        if cell.text:
            if len(cell.text) > 2 or any(ch.isdigit() for ch in cell.text):
                return False
            n_texts += 1
    return n_texts >= 3


def merge_stacked_rows(rows: list[Row]) -> list[Row]:
    """Join header rows whose characters are stacked one per line, column by column.

    PDF text extraction turns a narrow header cell printed as 自/然/人 into three rows of
    single characters; joined column-wise they read 自然人 again.
    """
    out: list[Row] = []
    is_fragment = [_is_stacked_fragment_row(row) for row in rows]
    index = 0
    while index < len(rows):
        run = [rows[index]]
        while index + len(run) < len(rows) and is_fragment[index + len(run)] and is_fragment[index]:
            run.append(rows[index + len(run)])
        if len(run) >= 2:
            width = max(len(row.cells) for row in run)
            merged = []
            for column in range(width):
                parts = [row.cells[column] for row in run if column < len(row.cells) and row.cells[column].text]
                merged.append(Cell("".join(cell.text for cell in parts), parts[0].line if parts else run[0].line, column))
            out.append(Row(tuple(merged)))
        else:
            out.append(run[0])
        index += len(run)
    return out


def _pipe_rows(numbered: list[tuple[int, str]]) -> list[Row]:
    rows: list[Row] = []
    pending: list[tuple[int, str]] = []
    for number, line in numbered:
        stripped = line.strip()
        if not pending:
            if not stripped.startswith("|") or _PIPE_RULE.match(stripped):
                continue
            pending = [(number, stripped)]
        else:
            pending.append((number, stripped))
        if stripped.endswith("|") and not (len(pending) == 1 and stripped == "|"):
            rows.append(_pipe_row(pending))
            pending = []
    if pending:
        rows.append(_pipe_row(pending))
    return rows


def _pipe_row(parts: list[tuple[int, str]]) -> Row:
    """Split one (possibly multi-line) pipe row; a cell's line is where its text starts."""
    cells: list[Cell] = []
    text, start = "", parts[0][0]
    for number, part in parts:
        for index, piece in enumerate(part.split("|")):
            if index > 0:
                cells.append(Cell(text.strip(), start))
                text, start = "", number
            text += piece
    if text.strip():
        cells.append(Cell(text.strip(), start))
    # `| a | b |` splits into ['', a, b, '']: drop the outer empties made by the border pipes.
    if cells and cells[0].text == "":
        cells = cells[1:]
    return Row(tuple(Cell(cell.text, cell.line, column) for column, cell in enumerate(cells)))


def _cell_per_line_rows(numbered: list[tuple[int, str]]) -> list[Row]:
    rows: list[Row] = []
    current: list[Cell] = []
    uses_tab_marker = sum(1 for _, line in numbered if line.startswith("\t")) >= len([1 for _, ln in numbered if ln.strip()]) // 2
    previous_was_separator = False
    for number, line in numbered:
        if not line.strip() and not line.startswith("\t"):
            if current:
                rows.append(Row(tuple(current)))
                current = []
            continue
        stripped = line.strip()
        if stripped == "|":
            previous_was_separator = True
            continue
        is_continuation = (uses_tab_marker and not line.startswith("\t") and current and not previous_was_separator
                           and current[-1].text != "")
        text = stripped[:-1].strip() if stripped.endswith("|") else stripped
        if is_continuation:
            last = current[-1]
            current[-1] = Cell(last.text + text, last.line)
        else:
            current.append(Cell(text, number))
        previous_was_separator = False
    if current:
        rows.append(Row(tuple(current)))
    return rows
