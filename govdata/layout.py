"""Layouts: how a table was laid out in the text -> one grid model (rows of cells with lines).

Why: the same printed form reaches us in many text layouts, and every other format (HTML,
DOCX, PDF) is rendered to tab-separated rows by the read stage. The table parsers read only
:class:`Row` objects, so a fix here helps every format. Rows here are *lines*: which cells
make one row of the form is decided by the parser from the form's labels and column counts
(:mod:`govdata.parse`), not from line breaks or blank lines, which web copies do not keep.

Layouts (``reports.layout``), each seen in real reports (docs/formats.md, "Layout families"):

- ``tabbed``: one table row per line, cells separated by tabs (the 2019 开发区 and 2023 晋江市
  seeds, and every HTML/DOCX/PDF table as rendered). Empty cells keep columns apart.
- ``pipe``: ``a | b | c |`` rows, with or without a border ``|`` at the start, with ``|||``
  runs of empty cells (usually padding), and rows broken over several lines (a line that
  does not end with ``|`` continues on the next).
- ``cell_per_line``: one cell per line. Variants: a tab marker before each cell with rows
  separated by blank lines (2020 台商区 seed; a line without the marker continues the cell
  above); blank lines between every cell; each cell ending in `` |`` where a line holding
  only ``|`` stands for an empty cell or closes a row (the parser decides from the row's
  width, :attr:`Cell.is_bar`); cells *separated* by lines holding only ``|`` (two such lines
  in a row then enclose an empty cell); ``| text`` cells.

In every layout a line with no separator that holds a label followed by numbers, or numbers
only (PDF page text: ``规章 0 0 0``; ``0 1 1 0 2``), is split at its spaces into cells.

Example:
    >>> rows = rows_from_lines(["a\\t1\\t2"], first_line=10, layout="tabbed")
    >>> [(c.text, c.line) for c in rows[0].cells]
    [('a', 10), ('1', 10), ('2', 10)]
    >>> [c.text for row in rows_from_lines(["规章 | 0 | 0 | 0 |"], first_line=1, layout="pipe") for c in row.cells]
    ['规章', '0', '0', '0']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from govdata.normalize import is_value_cell

TABBED, CELL_PER_LINE, PIPE = "tabbed", "cell_per_line", "pipe"
_PIPE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_ONLY_PIPES = re.compile(r"^[|\s]+$")
_PIPE_SPLIT = re.compile(r"\|")
_WORDS = re.compile(r"\S+")
# Sentence punctuation: a line holding it is prose, never split into cells at its spaces.
_PROSE = re.compile(r"[。;?!]")
_MAX_LABEL = 60  # characters: a longer run of words before the numbers is prose, not a row label


class Cell(NamedTuple):
    """One printed cell: its text and the line it starts on.

    ``text`` is the reading form (:mod:`govdata.normalize`), which labels are matched on;
    ``raw`` the printed characters when they differ. ``column`` is the 0-based grid column
    where the layout has columns. ``is_bar`` marks a line holding only ``|`` in the
    cell-per-line layout: an empty cell or a row's closing mark, depending on the row
    (``raw`` keeps the pipes: ``||`` and longer runs are padding, never a cell).
    A named tuple (immutable like a frozen dataclass, built several times faster: a report
    has hundreds of cells).
    """

    text: str
    line: int
    column: int | None = None
    raw: str | None = None
    is_bar: bool = False
    # How firm the cell's borders are, for rows whose cells do not fit (govdata.recover):
    is_run: bool = False  # cut out of text that runs cells together with no separator (may hold several cells)
    is_spaced: bool = False  # split off at a single space of PDF-like text (may be half of a number split in two)

    @property
    def printed(self) -> str:
        """The cell as printed (original characters)."""
        return self.text if self.raw is None else self.raw


@dataclass(frozen=True)
class Row:
    """One line of the grid model: its cells, in order."""

    cells: tuple[Cell, ...]

    @property
    def line(self) -> int:
        return self.cells[0].line if self.cells else 0


def _has_inner_pipe(line: str) -> bool:
    """A pipe with cell text on both sides: ``a | b``, ``| a | b |`` (not ``a |`` or ``| a``)."""
    pieces = [piece.strip() for piece in line.split("|")]
    filled = [index for index, piece in enumerate(pieces) if piece]
    return len(filled) >= 2


def detect_layout(lines: Sequence[str]) -> str | None:
    """Guess the layout of a table region from its lines; None when it holds no table rows."""
    content = [line for line in lines if line.strip()]
    if not content:
        return None
    cells = [line for line in content if not _ONLY_PIPES.match(line)]
    rows = sum(1 for line in cells if "|" in line and _has_inner_pipe(line))
    # A page that holds one row of the table (a PDF page or a web store's excerpt beginning at 表三's
    # last row) is a pipe region when that row is all it prints but lines of pipes (its blank cells
    # on lines of their own, `| ||`: a blank then padding)
    if rows >= max(2, len(cells) // 4) or (rows == 1 and len(cells) == 1):
        return PIPE
    # A cell-per-line line holds one cell; lines with several non-empty cells are table rows.
    multi = sum(1 for line in content if "\t" in line and len([c for c in line.split("\t") if c.strip()]) >= 2)
    if multi >= max(1, len(content) // 5):
        return TABBED
    return CELL_PER_LINE


def rows_from_lines(lines: Sequence[str], *, first_line: int, layout: str, printed: Sequence[str] | None = None) -> list[Row]:
    """Turn the lines of a table region (starting at 1-based ``first_line``) into rows.

    ``lines`` are the reading form; ``printed``, when given, the same lines as printed (for
    ``Cell.raw``).
    """
    numbered = [(number, line, printed[index] if printed is not None else None)
                for index, (number, line) in enumerate(enumerate(lines, start=first_line)) if not is_page_furniture(line)]
    if layout == PIPE:
        return _pipe_rows(numbered)
    if layout == CELL_PER_LINE:
        return _cell_per_line_rows(numbered)
    return _tabbed_rows(numbered)


# Page furniture a PDF conversion leaves inside a table that runs over a page break: a page
# number framed by dashes ("— 3 —"), 第 3 页 (共 5 页), 3/5, Page 3, a flipbook's "P. 3".
_PAGE_FURNITURE = re.compile(
    r"^(?:-\s*\d{1,4}\s*-|第\s*\d{1,4}\s*页(?:\s*[,/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}"
    r"|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?|p\.\s*\d{1,4})$", re.IGNORECASE)


def is_page_furniture(line: str) -> bool:
    """A line that only numbers a page (``— 3 —``, ``第 3 页``): never a table row.

    >>> is_page_furniture("— 3 —"), is_page_furniture("- 12 -"), is_page_furniture("3 0 0")
    (True, True, False)
    """
    return bool(_PAGE_FURNITURE.match(line.strip().replace("—", "-").replace("–", "-")))


def rows_from_segments(segments: Sequence[tuple[int, str, str | None]], *, layout: str) -> list[Row]:
    """:func:`rows_from_lines` of (line, reading text, printed text) segments, whose line
    numbers may repeat (a long line cut into pieces) and need not be consecutive."""
    numbered = [segment for segment in segments if not is_page_furniture(segment[1])]
    if layout == PIPE:
        return _pipe_rows(numbered)
    if layout == CELL_PER_LINE:
        return _cell_per_line_rows(numbered)
    return _tabbed_rows(numbered)


def _raw(text: str, printed: str | None) -> str | None:
    """The printed text of a cell when it differs from its reading form."""
    if printed is None:
        return None
    printed = printed.strip()
    return None if printed == text else printed


def _pieces(reading: str, printed: str | None, separator: str) -> list[tuple[str, str | None]]:
    """Split a line at ``separator`` into (reading, printed) pieces; printed pieces only when
    the printed line splits into as many (full-width ｜ folds to | in the reading form)."""
    parts = reading.split(separator)
    if printed is None:
        return [(part, None) for part in parts]
    printed_parts = printed.replace("｜", "|").split(separator) if separator == "|" else printed.split(separator)
    if len(printed_parts) != len(parts):
        return [(part, None) for part in parts]
    return list(zip(parts, printed_parts, strict=True))


def split_label_and_numbers(text: str) -> list[str] | None:
    """A line with no separator that holds numbers after an optional label, split at its spaces.

    PDF text extraction and flipbook pages print a row as ``规章 0 0 0`` and 表四's values as
    ``0 1 1 0 2 …``. Returns None for anything else (prose, a label with spaces inside such as
    ``商业 企业`` or ``本年新 制作数量``, a date).

    >>> split_label_and_numbers("1.属于国家秘密 0 0 3")
    ['1.属于国家秘密', '0', '0', '3']
    >>> split_label_and_numbers("本年新 制作数量") is None
    True
    """
    words = _noted_numbers(_WORDS.findall(text))
    if len(words) < 2 or _PROSE.search(text):
        return None
    numbers = 0
    while numbers < len(words) and is_value_cell(words[-1 - numbers]) and words[-1 - numbers] not in ("", ):
        numbers += 1
    if numbers == 0:
        return None
    label_words = words[:len(words) - numbers]
    if any(is_value_cell(word) for word in label_words) or sum(len(word) for word in label_words) > _MAX_LABEL:
        return None
    label = " ".join(label_words)
    return ([label] if label else []) + words[len(words) - numbers:]


# Markdown heading marks a PDF-to-markdown converter puts before a table's own labels.
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


def _noted_numbers(words: list[str]) -> list[str]:
    """Words with a bracketed note after a number joined to it: a PDF conversion merges a cell's
    footnote into the cell (``22 (其中修订 16 件)`` is one cell, 22 with its note)."""
    out: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word.startswith("(") and out and is_value_cell(out[-1]) and ")" in "".join(words[index:]):
            note = [word]
            while not note[-1].endswith(")") and index + len(note) < len(words):
                note.append(words[index + len(note)])
            out[-1] += "".join(note)
            index += len(note)
            continue
        out.append(word)
        index += 1
    return out


def _free_cells(number: int, reading: str, printed: str | None) -> list[Cell]:
    """Cells of a line without separators: one cell, or a label and numbers split at spaces."""
    text = _MARKDOWN_HEADING.sub("", reading.strip())
    split = split_label_and_numbers(text)
    if split is None:
        return [Cell(text, number, None, _raw(text, printed))]
    return [Cell(part, number, is_spaced=is_value_cell(part)) for part in split]


# --- tabbed ---------------------------------------------------------------------------------


def _tabbed_rows(numbered: list[tuple[int, str, str | None]]) -> list[Row]:
    rows = []
    for number, line, printed in numbered:
        if not line.strip():
            continue
        if "\t" not in line:
            rows.append(Row(tuple(_free_cells(number, line, printed))))
            continue
        rows.append(Row(tuple(Cell(text.strip(), number, column, _raw(text.strip(), raw))
                              for column, (text, raw) in enumerate(_pieces(line, printed, "\t")))))
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


# --- pipe -----------------------------------------------------------------------------------


def _pipe_rows(numbered: list[tuple[int, str, str | None]]) -> list[Row]:
    """Pipe rows, a border ``|`` at the start or not; a line not ending in ``|`` continues on the
    next (a cell holding a line break); a line of pipes only is a bar (empty cells)."""
    rows: list[Row] = []
    pending: list[Cell] = []  # cells of a row whose last cell is still open
    # Whether the table's rows open with a border |: where most do not, a row that does opens
    # with an empty first cell (`| 0 | | 0 …` in a table of `行政复议 | 行政诉讼 |` rows).
    cell_lines = [line.strip() for _, line, _ in numbered if "|" in line and not _ONLY_PIPES.match(line.strip())
                  and not _PIPE_RULE.match(line.strip())]
    # Rows open with a label; a line of values only may be the rest of a row broken over lines
    # (`0 |` after blank cells on lines of their own), so the lines with a label decide.
    label_lines = [line for line in cell_lines if any(piece.strip() and not is_value_cell(piece.strip()) for piece in line.split("|"))]
    voters = label_lines or cell_lines
    bordered = sum(1 for line in voters if line.startswith("|")) * 2 > len(voters)
    # Rows closed by a bar (`a | b |`, the web's flattening): there a line that does not end in one
    # continues on the next (a cell holding a line break). Where most rows print no closing bar
    # (`a | b`, markdown without outer pipes), every line is a row of its own.
    rows_close = sum(1 for line in cell_lines if line.endswith("|")) * 2 >= len(cell_lines)
    for number, line, printed in numbered:
        stripped = line.strip()
        if not stripped or _PIPE_RULE.match(stripped):
            continue
        if _ONLY_PIPES.match(stripped):
            if pending:
                rows.append(Row(tuple(pending)))
                pending = []
            # `| |`: pipes a space sets apart are a cell each (a blank cell broken onto its own line,
            # then the next); `|||` with nothing between is one run (padding)
            rows.append(Row(tuple(Cell("", number, None, run, True) for run in stripped.split())))
            continue
        if "|" not in stripped and not pending:
            rows.append(Row(tuple(_free_cells(number, line, printed))))
            continue
        pieces = _pieces(stripped, printed.strip() if printed is not None else None, "|")
        if stripped.startswith("|") and not pending and bordered:
            pieces = pieces[1:]
        is_open = rows_close and not stripped.endswith("|")
        if stripped.endswith("|"):
            pieces = pieces[:-1]
        cells = list(pending)
        for index, (text, raw) in enumerate(pieces):
            text = text.strip()
            raw_text = raw.strip() if raw is not None else None
            if index == 0 and pending:  # the open cell of the line above continues here
                last = cells.pop()
                joined = last.text + text
                joined_raw = (last.printed + raw_text) if raw_text is not None else None
                cells.append(Cell(joined, last.line, last.column, _raw(joined, joined_raw)))
                continue
            cells.append(Cell(text, number, len(cells), _raw(text, raw_text)))
        if is_open:
            pending = cells
        else:
            rows.append(Row(tuple(cells)))
            pending = []
    if pending:
        rows.append(Row(tuple(pending)))
    return rows


# --- cell per line --------------------------------------------------------------------------


def _cell_per_line_rows(numbered: list[tuple[int, str, str | None]]) -> list[Row]:
    """Cells between blank lines make one row (a row of the form, or one cell when blank lines
    stand between every cell; the parser joins them). Bars (lines of pipes only) are kept for
    the parser, except where they separate cells (few cells end with ``|``): there a bar is
    dropped and two bars in a row enclose an empty cell."""
    content = [line for _, line, _ in numbered if line.strip()]
    uses_tab_marker = bool(content) and sum(1 for line in content if line.startswith("\t")) >= len(content) // 2
    text_lines = [line.strip() for line in content if not _ONLY_PIPES.match(line)]
    n_bars = len(content) - len(text_lines)
    bars_separate = n_bars >= 2 and sum(1 for line in text_lines if line.endswith("|")) * 5 < len(text_lines)
    # Rows whose first cell prints `| text`: there a bar line with a space after it (`| `) is such an
    # opening with nothing in the cell, not a second bar closing an empty cell.
    rows_open_with_a_bar = bars_separate and any(line.startswith("|") for line in text_lines)
    rows: list[Row] = []
    current: list[Cell] = []
    previous_was_bar = False
    blank_cell_open = False  # after `| ` (a row opening on a blank cell) until the bar that closes it
    for number, line, printed in numbered:
        stripped = line.strip()
        if stripped and _PIPE_RULE.match(stripped):
            continue  # a markdown table's |---|---| line
        if not stripped:
            if uses_tab_marker and line.startswith("\t"):
                # a tab-marker line holding nothing is an empty cell (2020 台商区 seed, blank 总计)
                current.append(Cell("", number))
            elif current and not bars_separate:  # between bars, an empty line is the inside of an empty cell
                rows.append(Row(tuple(current)))
                current = []
            continue
        if _ONLY_PIPES.match(stripped):
            if not bars_separate:
                current.append(Cell("", number, None, stripped.replace(" ", ""), True))
            elif rows_open_with_a_bar and previous_was_bar and _opens_a_blank_cell(line):
                blank_cell_open, previous_was_bar = True, False
                continue
            elif previous_was_bar or blank_cell_open:
                current.append(Cell("", number))
            previous_was_bar, blank_cell_open = True, False
            continue
        blank_cell_open = False
        is_continuation = (uses_tab_marker and not line.startswith("\t") and current and not previous_was_bar
                           and current[-1].text != "" and not is_value_cell(stripped)
                           and not is_value_cell(current[-1].text))  # a number goes on in no words
        previous_was_bar = False
        if is_continuation:
            last = current[-1]
            current[-1] = Cell(last.text + stripped, last.line)
            continue
        cells = _line_cells(number, stripped, printed)
        if any(cell.is_spaced for cell in cells):  # a label and its numbers on one line (PDF text): a row of its own
            if current:
                rows.append(Row(tuple(current)))
                current = []
            rows.append(Row(tuple(cells)))
            continue
        current.extend(cells)
    if current:
        rows.append(Row(tuple(current)))
    return rows


def _opens_a_blank_cell(line: str) -> bool:
    """``| `` : one bar with a space after it, the way a row opening ``| text`` prints a blank first cell."""
    return line.strip() == "|" and line.lstrip() != "|"


def _line_cells(number: int, stripped: str, printed: str | None) -> list[Cell]:
    """The cells of one line of a cell-per-line table: ``text |``, ``| text``, ``text | ||``."""
    if "|" not in stripped:
        return _free_cells(number, stripped, printed)
    pieces = _pieces(stripped, printed.strip() if printed is not None else None, "|")
    if stripped.startswith("|"):
        pieces = pieces[1:]
    if stripped.endswith("|"):
        pieces = pieces[:-1]
    cells = []
    for text, raw in pieces:
        text = text.strip()
        cells.append(Cell(text, number, None, _raw(text, raw.strip() if raw is not None else None)))
    return cells
