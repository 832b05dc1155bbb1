"""The one shared table-grid model every format is rendered into.

Why: the parser reads tables from tab-separated lines (the "tabbed" layout of the text
seeds, which were copied out of web pages). HTML, DOCX and PDF readers therefore do not
hand the parser tables of their own kind; they lay each table out as a full rectangular
grid and render every grid row as ONE line of tab-separated cells. A fix to how tabbed
tables are read then helps every format at once.

Merged cells: a merged cell's text stands in its top-left grid cell and every other grid
cell it covers is left blank. That is what a browser's copy of a ``rowspan``/``colspan``
table gives, so rendered grids read exactly like the tabbed text seeds (for example the
group label 三、本年度办理结果 stands once, on its first row, with blanks below it).

Example:
    >>> grid = expand_spans([[Cell("行政复议", colspan=2), Cell("行政诉讼")], [Cell("维持"), Cell("纠正"), Cell("3")]])
    >>> grid_lines(grid)
    ['行政复议\\t\\t行政诉讼', '维持\\t纠正\\t3']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Spans larger than MAX_SPAN are typos or tricks (colspan="1000000"); real report tables have
# at most a few dozen columns and a few hundred rows. Every limit is in formats/limits.py.
from govdata.formats.limits import MAX_GRID_CELLS, MAX_SPAN, exceeded

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Cell:
    """One printed table cell: its text and how many grid rows and columns it covers."""

    text: str
    rowspan: int = 1
    colspan: int = 1


def is_wide_char(ch: str) -> bool:
    """True for CJK ideographs, kana, hangul and full-width forms: text written without spaces."""
    code = ord(ch)
    return (0x2E80 <= code <= 0x9FFF) or (0xF900 <= code <= 0xFAFF) or (0xFF00 <= code <= 0xFFEF) or (0xAC00 <= code <= 0xD7AF) \
        or (0x20000 <= code <= 0x3FFFF)


def join_fragments(fragments: Iterable[str]) -> str:
    """Join the visual lines of one cell or paragraph into one string.

    Chinese wraps anywhere ("本年新制" / "作数量", "243" / "件", or a header stacked one
    character per line: "总" / "计") and a line break in Chinese text is never a space, so
    pieces that meet next to a wide character are joined with nothing; pieces of Latin text
    or numbers are joined with one space.

    Example:
        >>> join_fragments(["本年新制", "作数量"]), join_fragments(["总", "计"]), join_fragments(["86715327.21", "元"])
        ('本年新制作数量', '总计', '86715327.21元')
        >>> join_fragments(["Word", "2019"])
        'Word 2019'
    """
    if isinstance(fragments, list) and len(fragments) <= 1:  # most cells: one line, or none
        return clean_text(fragments[0]) if fragments else ""
    out = ""
    for piece in (clean_text(f) for f in fragments):
        if not piece:
            continue
        if out and not (is_wide_char(out[-1]) or is_wide_char(piece[0])):
            out += " "
        out += piece
    return out


def clean_text(text: str) -> str:
    """Collapse whitespace to single spaces; drop a line break that falls between wide characters.

    A source line break inside Chinese text ("晋江市\\n人民政府" in HTML source) is not a space
    in the printed report; a break between Latin words or digits is.
    """
    def replace(match: re.Match[str]) -> str:
        run, start, end = match.group(0), match.start(), match.end()
        if ("\n" in run or "\r" in run) and 0 < start and end < len(match.string) \
                and is_wide_char(match.string[start - 1]) and is_wide_char(match.string[end]):
            return ""
        return " "

    if " " not in text and text.isprintable():  # no white space at all (isprintable: no tab, break or wide space)
        return text
    if "\n" not in text and "\r" not in text:  # no line break to judge: every run is one space
        return _WHITESPACE.sub(" ", text).strip()
    return _WHITESPACE.sub(replace, text).strip()


class GridBudget:
    """The grid cells one document may still lay out: :data:`MAX_GRID_CELLS` for all its tables.

    Why a budget and not only a cap per span: ``rowspan``/``colspan`` (or Word's ``gridSpan``)
    of 500 each are each allowed, yet a few thousand such cells in a 124 KB page ask for 10^9
    grid cells. The readers spend from one budget per document *before* they allocate, and a
    document past it fails with the limit named (formats/limits.py), never read in part.
    """

    def __init__(self, limit: int = MAX_GRID_CELLS):
        self.limit = limit
        self.left = limit

    def spend(self, n_cells: int, what: str = "its tables") -> None:
        """Take ``n_cells`` from the budget; raises ResourceLimitError when there are not that many left."""
        if n_cells > self.left:
            raise exceeded(f"{what} lay out more than {self.limit:,} grid cells (rows x columns, merged cells "
                           "expanded)", "MAX_GRID_CELLS", self.limit)
        self.left -= n_cells


def expand_spans(rows: Sequence[Sequence[Cell]], *, budget: GridBudget | None = None) -> list[list[str]]:
    """Lay out rows of possibly merged cells (HTML rowspan/colspan) on a rectangular grid.

    Each cell takes the first grid column its row has free (cells from rows above that
    reach down with ``rowspan`` hold their columns); covered grid cells are blank. Spans
    that reach past the last row are cut there. The grid's cells are taken from ``budget``
    (a fresh :class:`GridBudget` when none is given) before they are laid out.
    """
    budget = budget if budget is not None else GridBudget()
    placed: dict[tuple[int, int], str] = {}
    n_rows = len(rows)
    area = sum(max(1, min(cell.rowspan, MAX_SPAN, n_rows - r)) * max(1, min(cell.colspan, MAX_SPAN))
               for r, row in enumerate(rows) for cell in row)
    if area > budget.left:
        budget.spend(area, "a table's merged cells")
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in placed:
                c += 1
            rowspan = max(1, min(cell.rowspan, MAX_SPAN, n_rows - r))
            colspan = max(1, min(cell.colspan, MAX_SPAN))
            for dr in range(rowspan):
                for dc in range(colspan):
                    placed[(r + dr, c + dc)] = cell.text if dr == dc == 0 else ""
            c += colspan
    width = 1 + max((c for (_r, c) in placed), default=-1)
    budget.spend(n_rows * width, "a table's merged cells")
    return [[placed.get((r, c), "") for c in range(width)] for r in range(n_rows)]


def grid_lines(grid: Sequence[Sequence[str]]) -> list[str]:
    """Render grid rows as tab-separated lines, all padded to the grid's width.

    Cell text is cleaned (tabs and line breaks inside a cell would split it); rows with no
    text at all are dropped, as they carry nothing and would look like a break in the table.
    """
    return [line for line, _index in grid_lines_with_rows(grid)]


def grid_lines_with_rows(grid: Sequence[Sequence[str]]) -> list[tuple[str, int]]:
    """Like :func:`grid_lines`, also giving each line's 0-based row index in the grid."""
    width = max((len(row) for row in grid), default=0)
    out: list[tuple[str, int]] = []
    for index, row in enumerate(grid):
        cells = [clean_text(text) for text in row] + [""] * (width - len(row))
        if any(cells):
            out.append(("\t".join(cells), index))
    return out
