"""Word .docx files -> lines: body paragraphs and tables in document order, merges expanded.

Why read the XML under python-docx rather than ``table.cell(r, c)``: python-docx repeats a
merged cell's text in every grid position it covers, while the shared grid model leaves
covered positions blank (see :mod:`govdata.formats.grid`). Word records merges explicitly
(``w:gridSpan`` for columns, ``w:vMerge`` for rows, ``w:gridBefore`` for cells missing at a
row's start), so each cell's grid column is known exactly and no layout guessing is needed.

Locators: ``paragraph N`` counts the body's paragraphs from 1 in document order (empty ones
included); ``table T row R`` counts tables and their rows from 1.

Example (a document with one paragraph and a table whose header spans two columns):
    >>> import docx, io
    >>> d = docx.Document(); _ = d.add_paragraph("三、收到和处理政府信息公开申请情况")
    >>> t = d.add_table(rows=2, cols=2); _ = t.cell(0, 0).merge(t.cell(0, 1)); t.cell(0, 0).text = "申请人情况"
    >>> t.cell(1, 0).text, t.cell(1, 1).text = "自然人", "5"
    >>> buf = io.BytesIO(); d.save(buf); render_docx(buf.getvalue()).lines
    ['三、收到和处理政府信息公开申请情况', '申请人情况\\t', '自然人\\t5']
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from govdata.formats.grid import GridBudget, grid_lines_with_rows, join_fragments
from govdata.formats.limits import MAX_SPAN
from govdata.formats.rendering import Rendering
from govdata.formats.sniff import check_zip

_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt"), qn("w:sdtContent")
_VAL = qn("w:val")
# Grid columns narrower than this (twips; 20 twips = 1 pt), or than a tenth of the median
# column, are slivers left by nearly aligned borders, not columns of the table.
_MIN_COLUMN_TWIPS = 60


def render_docx(raw: bytes) -> Rendering:
    """Render a .docx; raises the library's errors for damaged files (the caller names the file).

    The archive is checked against the zip limits first (:func:`~govdata.formats.sniff.check_zip`:
    python-docx inflates every part into memory), and the tables against MAX_GRID_CELLS.
    """
    check_zip(raw)
    document = docx.Document(io.BytesIO(raw))
    lines: list[str] = []
    locators: list[str] = []
    n_paragraphs = n_tables = 0
    budget = GridBudget()
    for block in body_blocks(document.element.body):
        if block.tag == _P:
            n_paragraphs += 1
            for piece in Paragraph(block, document).text.split("\n"):
                if piece.strip():
                    lines.append(piece.strip())
                    locators.append(f"paragraph {n_paragraphs}")
        else:
            n_tables += 1
            for line, row in grid_lines_with_rows(table_grid(block, budget)):
                lines.append(line)
                locators.append(f"table {n_tables} row {row + 1}")
    return Rendering(lines=lines, locators=locators, encoding=_xml_encoding(raw), format="docx")


def body_blocks(container):
    """Paragraphs and tables of a body (or cell) in document order; content controls opened."""
    for child in container.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from body_blocks(content)


def table_grid(tbl, budget: GridBudget | None = None) -> list[list[str]]:
    """A w:tbl as a full grid: text in each cell's first grid position, covered positions blank.

    Sliver grid columns are folded away first (see :func:`visible_columns`). The grid's cells
    (nested tables' too) are taken from ``budget`` before they are laid out: ``w:gridSpan`` is
    capped at MAX_SPAN, yet many wide cells in a row make a grid of 10^9 cells.
    """
    budget = budget if budget is not None else GridBudget()
    placed_rows = [list(_row_placements(tr, budget)) for tr in tbl.iterchildren(_TR)]
    n_columns = max((start + span for row in placed_rows for start, span, _text in row), default=0)
    budget.spend(max(1, len(placed_rows)) * n_columns, "a Word table's cells (w:gridSpan)")
    to_visible = visible_columns(_grid_widths(tbl), n_columns)
    width = 1 + max((v for v in to_visible if v is not None), default=-1)
    grid: list[list[str]] = []
    for row in placed_rows:
        cells = [""] * width
        for start, span, text in row:
            first = next((to_visible[c] for c in range(start, start + span) if to_visible[c] is not None), None)
            if first is not None and text:
                cells[first] = text
        grid.append(cells)
    return grid


def visible_columns(widths: list[int], n_columns: int) -> list[int | None]:
    """Map each grid column to a column of the rendered grid; sliver columns map to None.

    Why: Word and LibreOffice leave sliver grid columns (1/20 pt wide) where two rows'
    cell borders almost line up; a value row then has a cell spanning "its" column and the
    sliver, and rendering the sliver as a column would put a blank between the values. The
    2023 seed's 表四 saved as .doc by LibreOffice has one (grid widths 576, 575, 1, 576...).
    """
    widths = list(widths[:n_columns]) + [0] * (n_columns - len(widths))
    real = sorted(w for w in widths if w > 0)
    threshold = max(_MIN_COLUMN_TWIPS, real[len(real) // 2] // 10) if real else 0
    mapping: list[int | None] = []
    visible = 0
    for w in widths:
        if 0 < w < threshold:
            mapping.append(None)
        else:
            mapping.append(visible)
            visible += 1
    return mapping


def _row_placements(tr, budget: GridBudget):
    """(first grid column, columns spanned, text or "" when the cell continues a merge) per cell."""
    column = _grid_before(tr)
    for tc in _row_cells(tr):
        properties = tc.tcPr
        span = min(MAX_SPAN, max(1, properties.grid_span if properties is not None else 1))
        yield column, span, "" if _continues_merge(properties) else cell_text(tc, budget)
        column += span


def _grid_widths(tbl) -> list[int]:
    """Widths (twips) of the table's grid columns from w:tblGrid; 0 where unknown."""
    grid = tbl.find(qn("w:tblGrid"))
    widths = []
    for column in grid.iterchildren(qn("w:gridCol")) if grid is not None else ():
        try:
            widths.append(int(float(column.get(qn("w:w"), "0"))))
        except ValueError:
            widths.append(0)
    return widths


def cell_text(tc, budget: GridBudget | None = None) -> str:
    """A cell's paragraphs (and nested tables, flattened) joined into one string."""
    pieces: list[str] = []
    for block in body_blocks(tc):
        if block.tag == _P:
            pieces.extend(Paragraph(block, None).text.replace("\t", " ").split("\n"))
        else:
            pieces.extend(" ".join(cell for cell in row if cell) for row in table_grid(block, budget))
    return join_fragments(pieces)


def _row_cells(tr):
    for child in tr.iterchildren():
        if child.tag == _TC:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from content.iterchildren(_TC)


def _grid_before(tr) -> int:
    """Grid columns left empty before a row's first cell (w:trPr/w:gridBefore)."""
    properties = tr.find(qn("w:trPr"))
    before = properties.find(qn("w:gridBefore")) if properties is not None else None
    try:
        return min(MAX_SPAN, int(before.get(_VAL))) if before is not None else 0
    except (TypeError, ValueError):
        return 0


def _continues_merge(properties) -> bool:
    """True for a cell that continues a vertical (w:vMerge) or old-style horizontal (w:hMerge) merge."""
    if properties is None:
        return False
    for tag in ("w:vMerge", "w:hMerge"):
        merge = properties.find(qn(tag))
        if merge is not None and merge.get(_VAL, "continue") == "continue":
            return True
    return False


def _xml_encoding(raw: bytes) -> str:
    """The encoding word/document.xml declares (UTF-8 in practice; UTF-16 is allowed)."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive, archive.open("word/document.xml") as part:
        head = part.read(100)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return "utf-8"
