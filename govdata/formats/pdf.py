"""PDF reports with a text layer -> lines: text lines rejoined into paragraphs, ruled tables
rebuilt as grids from cell positions, one table even when it runs over page breaks.

Why positions: a PDF has no tables, only characters and ruling lines at coordinates. The
reports' tables are ruled (they are exported from Word/WPS), so cells are found from the
rules (pdfplumber's lattice finder) and each cell's characters are read inside it; a header
printed in a narrow column with one character per line (总/计) reads back as one cell, 总计.

A table that runs over a page break comes back as two pieces whose columns need not
match: a label column merged on one page shows no rule on the other. The pieces of one
table are therefore laid on ONE grid built from the column edges of all pieces, and
headers that Word repeats on each page are dropped. Page numbers in the margins are
dropped, so nothing stands between the rows of a broken table.

A page's characters and rules come from PDFium where it reads them as pdfminer does, from
pdfminer elsewhere (:mod:`govdata.formats.pdf_objects`), as columns of numbers
(:mod:`govdata.formats.pdf_chars`, :class:`govdata.formats.pdf_lattice.Edges`); the steps below
run on either alike: pdfplumber's lattice finder, word grouping and cell text, done on arrays
(:mod:`govdata.formats.pdf_lattice`, :mod:`govdata.formats.pdf_words`).

A PDF without a text layer (a scan) raises :class:`ReadError` saying that OCR is needed.

Locators are ``page P line L`` for text (L counts text lines on the page from 1) and
``page P table T row R`` for table rows (T counts tables in the document, R rows of the
whole table, so a row on the second page of a table has the row number it has in the
table, not on the page).
"""

from __future__ import annotations

import io
import itertools
import operator
import re
import zlib
from dataclasses import dataclass, field

import numpy as np
import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils import extract_text, extract_words
from pdfplumber.utils.exceptions import PdfminerException

from govdata.formats import pdf_words
from govdata.formats.errors import ReadError
from govdata.formats.grid import GridBudget, grid_lines_with_rows, is_wide_char, join_fragments
from govdata.formats.limits import MAX_PDF_DECOMPRESSED_BYTES, MAX_PDF_PAGES, exceeded
from govdata.formats.pdf_chars import Chars
from govdata.formats.pdf_lattice import find_tables, points_in_boxes
from govdata.formats.pdf_objects import NotLikePdfminer, PageObjects, read_with_pdfium, read_with_pdfminer
from govdata.formats.rendering import Rendering

# A scan may carry a few characters (a stamped page number) on its page images; fewer than
# this many per page on pages that are images is still a scan.
_MIN_CHARS_PER_SCANNED_PAGE = 10
# Edges closer than this (points) are the same rule drawn twice or rounded differently.
_EDGE_TOLERANCE = 2.0
# Page numbers and running heads live in this share of the page height at top and bottom.
_MARGIN_SHARE = 0.08
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d+[-—–－\s]*|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?)$", re.I)
# A gap between words wider than this many font sizes separates cells of an unruled table.
_TAB_GAP_EM = 2.5
# How far apart (points) characters may lie and be one word, along the line and across it.
_WORD_X_TOLERANCE = 1.5
_WORD_Y_TOLERANCE = 2.0


@dataclass
class _Piece:
    """The part of one ruled table that stands on one page: its cells with text."""

    page: int
    bbox: tuple[float, float, float, float]
    cells: list[tuple[tuple[float, float, float, float], str]]


@dataclass
class _TextLine:
    page: int
    number: int
    top: float
    x0: float
    x1: float
    size: float
    text: str
    right_margin: float = 0.0


@dataclass
class _Table:
    pieces: list[_Piece] = field(default_factory=list)


def render_pdf(raw: bytes, source: str) -> Rendering:
    """Render a PDF; raises ReadError for scans, password protection and fonts without a Unicode mapping."""
    check_streams(raw)
    pages = _page_objects(raw, source)
    n_pages = len(pages)
    n_chars = sum(len(page.chars) for page in pages)
    n_cid = sum(page.n_unmapped for page in pages)
    n_images = sum(page.n_images for page in pages)
    if n_chars == 0 or (n_images >= n_pages and n_chars < _MIN_CHARS_PER_SCANNED_PAGE * n_pages):
        scan = " (its pages are images: a scan)" if n_images else ""
        raise ReadError(source, f"PDF has no text layer{scan}; it needs OCR before it can be read, "
                                "e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`, then read out.pdf")
    if n_cid > n_chars // 2:
        raise ReadError(source, "PDF fonts carry no Unicode mapping, so its text cannot be extracted; it needs OCR")
    items = [item for page_number, page in enumerate(pages, start=1) for item in _page_items(page, page_number)]
    return _render_items(_join_tables(items))


def _page_objects(raw: bytes, source: str) -> list[PageObjects]:
    """Each page's characters, edges and images: through PDFium where it reads them as pdfminer
    does (:mod:`govdata.formats.pdf_objects`), through pdfminer elsewhere (a page, or the whole
    document)."""
    try:
        pages = read_with_pdfium(raw, _check_page_count)
    except NotLikePdfminer:
        pages = None
    if pages is not None and all(pages):
        return pages
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            _check_page_count(len(pdf.pages))
            if pages is None or len(pages) != len(pdf.pages):
                return read_with_pdfminer(pdf)
            missing = [index for index, page in enumerate(pages) if page is None]
            for index, page in zip(missing, read_with_pdfminer(pdf, missing), strict=True):
                pages[index] = page
            return pages
    except PdfminerException as exc:
        if any(isinstance(arg, PDFPasswordIncorrect) for arg in exc.args):
            raise ReadError(source, "PDF is password-protected: open it with the password and save an unprotected copy") from exc
        raise


def _check_page_count(n_pages: int) -> None:
    if n_pages > MAX_PDF_PAGES:
        raise exceeded(f"PDF of {n_pages:,} pages", "MAX_PDF_PAGES", MAX_PDF_PAGES)


_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
_INFLATE_CHUNK = 1 << 20
# Deflate writes at most 258 bytes for two bits of input (the longest match, its length and
# distance each in a code of one bit), so no Flate stream inflates to more than 1032 times its size.
_MAX_DEFLATE_RATIO = 1032


def check_streams(raw: bytes) -> None:
    """Raise ResourceLimitError when the PDF's Flate streams inflate to more than MAX_PDF_DECOMPRESSED_BYTES.

    PDFium and pdfminer inflate a stream whole, without a limit, so a few MB of zeros compressed in a
    stream asks for gigabytes. Each ``stream … endstream`` is inflated here in 1 MB pieces and
    counted (memory stays at one piece). Streams that are not Flate (images in DCT, or
    encrypted ones, which cannot be inflated before they are decrypted) are passed over.
    A file too small to hold that much at Deflate's highest ratio (most reports: under half a
    megabyte) is not inflated at all; this check was a tenth of the reader's time on them.
    """
    if len(raw) * _MAX_DEFLATE_RATIO <= MAX_PDF_DECOMPRESSED_BYTES:
        return
    view = memoryview(raw)
    total = 0
    for match in _STREAM_START.finditer(raw):
        end = raw.find(b"endstream", match.end())
        data = view[match.end(): end if end >= 0 else len(raw)]
        inflater = zlib.decompressobj()
        try:
            while data and not inflater.eof:
                total += len(inflater.decompress(data, _INFLATE_CHUNK))
                if total > MAX_PDF_DECOMPRESSED_BYTES:
                    raise exceeded(f"PDF whose streams inflate to more than {MAX_PDF_DECOMPRESSED_BYTES:,} bytes",
                                   "MAX_PDF_DECOMPRESSED_BYTES", MAX_PDF_DECOMPRESSED_BYTES)
                data = inflater.unconsumed_tail
        except zlib.error:
            continue


def _page_items(page: PageObjects, page_number: int) -> list[tuple[str, object]]:
    """Text lines and table pieces of one page, top to bottom, page numbers dropped."""
    chars = page.chars
    tables = [table for table in _find_tables(page) if _is_real_table(table)] if page.edges else []  # no rule: no table
    pieces = []
    outside = np.arange(len(chars))
    if tables:
        centre_x, centre_y = chars.centres()
        pieces = [_Piece(page_number, table.bbox, _table_cells(table, chars, centre_x, centre_y)) for table in tables]
        outside = _outside(centre_x, centre_y, [piece.bbox for piece in pieces])
    lines = [line for line in _text_lines(chars, outside, page_number) if not _is_page_furniture(line, page.height)]
    _set_right_margin(lines, page.width)
    items: list[tuple[float, str, object]] = [(p.bbox[1], "table", p) for p in pieces] + [(ln.top, "text", ln) for ln in lines]
    items.sort(key=lambda item: item[0])
    return [(kind, obj) for _top, kind, obj in items]


def _find_tables(page: PageObjects) -> list:
    """pdfplumber's lattice finder (cells from the ruling lines) on the page's edges."""
    return find_tables(page.edges)


def _is_real_table(table) -> bool:
    """A ruled box with one column is a frame around text (a page border, a boxed note), not a table."""
    return len(_edges([x for cell in table.cells for x in (cell[0], cell[2])])) > 2


def _table_cells(table, chars: Chars, centre_x: np.ndarray, centre_y: np.ndarray) -> list[tuple[tuple[float, float, float, float], str]]:
    """Each real cell of a pdfplumber table with its text (visual lines joined).

    The text is what pdfplumber's ``Table.extract`` reads: the characters whose centre lies in
    the cell (the bottom and right edges excluded), in page order, laid out by its
    ``extract_text``; the characters of all cells are found in one test of the table's
    characters against every cell and laid out together (:func:`pdf_words.cell_texts`).
    """
    boxes = sorted(table.cells, key=operator.itemgetter(1, 0))  # pdfplumber's rows, top to bottom, cells left to right
    in_table = np.flatnonzero(_in_boxes(centre_x, centre_y, [table.bbox]))
    x, y = centre_x[in_table], centre_y[in_table]
    cell, position = points_in_boxes(x, y, np.array(boxes, dtype=np.float64))
    index = in_table[position]
    if pdf_words.needs_pdfplumber(chars, index):
        texts = [_cell_text_by_pdfplumber(chars.as_dicts(index[cell == number])) for number in range(len(boxes))]
    else:
        texts = [join_fragments(lines) for lines in pdf_words.cell_texts(chars, index, cell, len(boxes))]
    return list(zip(boxes, texts, strict=True))


def _cell_text_by_pdfplumber(chars: list[dict]) -> str:
    """pdfplumber's ``extract_text`` of a cell's characters (visual lines joined)."""
    text = extract_text(chars) if chars else ""
    return join_fragments(text.split("\n"))


def _in_boxes(x: np.ndarray, y: np.ndarray, boxes: list[tuple[float, float, float, float]]) -> np.ndarray:
    """Which points lie in one of the boxes, the bottom and right edges excluded (pdfplumber's test)."""
    inside = np.zeros(len(x), dtype=bool)
    for x0, top, x1, bottom in boxes:
        inside |= (x >= x0) & (x < x1) & (y >= top) & (y < bottom)
    return inside


def _outside(centre_x: np.ndarray, centre_y: np.ndarray, boxes: list[tuple[float, float, float, float]]) -> np.ndarray:
    """The characters whose centre lies in none of the boxes (edges included in a box), in page order."""
    inside = np.zeros(len(centre_x), dtype=bool)
    for x0, top, x1, bottom in boxes:
        inside |= (centre_x >= x0) & (centre_x <= x1) & (centre_y >= top) & (centre_y <= bottom)
    return np.flatnonzero(~inside)


@dataclass
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    size: float


def _words(chars: Chars, index: np.ndarray) -> list[_Word]:
    """pdfplumber's ``extract_words`` of a page's text (outside tables), split where the font size changes."""
    if pdf_words.needs_pdfplumber(chars, index):
        words = extract_words(chars.as_dicts(index), x_tolerance=_WORD_X_TOLERANCE, y_tolerance=_WORD_Y_TOLERANCE,
                              keep_blank_chars=False, use_text_flow=False, extra_attrs=["size"])
        return [_Word(w["text"], w["x0"], w["x1"], w["top"], w["size"]) for w in words]
    words = pdf_words.extract_words(chars, index, chars.size[index], _WORD_X_TOLERANCE, _WORD_Y_TOLERANCE)
    return [_Word(*fields) for fields in zip(words.text, words.x0.tolist(), words.x1.tolist(), words.top.tolist(),
                                             words.size.tolist(), strict=True)]


def _text_lines(chars: Chars, index: np.ndarray, page_number: int) -> list[_TextLine]:
    """Group words into visual lines by their top; wide gaps become tabs (unruled tables)."""
    rows: list[list[_Word]] = []
    for word in sorted(_words(chars, index), key=lambda w: (round(w.top), w.x0)):
        if rows and abs(rows[-1][0].top - word.top) <= max(2.0, 0.4 * word.size):
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = []
    for number, row in enumerate(rows, start=1):
        row.sort(key=lambda w: w.x0)
        size = _median([w.size for w in row])
        lines.append(_TextLine(page_number, number, row[0].top, row[0].x0, row[-1].x1, size, _join_words(row, size)))
    return lines


def _median(values: list[float]) -> float:
    """``statistics.median`` (the same sum for an even count), without its overhead on a page's thousands of lines."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _set_right_margin(lines: list[_TextLine], page_width: float) -> None:
    """Where full lines end on this page: the text's right edge, or (when no line reaches it,
    e.g. a page of short paragraphs) the mirror of the left margin, as Word lays out pages."""
    if not lines:
        return
    right = max(max(line.x1 for line in lines), page_width - min(line.x0 for line in lines))
    for line in lines:
        line.right_margin = right


def _join_words(words: list[_Word], size: float) -> str:
    text = words[0].text
    for previous, word in itertools.pairwise(words):
        gap = word.x0 - previous.x1
        if gap > _TAB_GAP_EM * size:
            text += "\t"
        elif not (is_wide_char(text[-1]) and is_wide_char(word.text[0]) and gap < 0.5 * size):
            text += " "
        text += word.text
    return text


def _is_page_furniture(line: _TextLine, page_height: float) -> bool:
    in_margin = line.top < _MARGIN_SHARE * page_height or line.top > (1 - _MARGIN_SHARE) * page_height
    return in_margin and bool(_PAGE_NUMBER.match(line.text.strip()))


def _join_tables(items: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """Join table pieces that continue over a page break into one table.

    A piece continues the table before it when nothing but page furniture stands between
    them (the previous piece ends its page, this one starts the next) and both have the same
    left and right edges.
    """
    out: list[tuple[str, object]] = []
    for kind, obj in items:
        if kind == "table":
            previous = out[-1][1] if out and out[-1][0] == "table" else None
            if isinstance(previous, _Table) and _continues(previous.pieces[-1], obj):
                previous.pieces.append(obj)
                continue
            out.append(("table", _Table([obj])))
        else:
            out.append((kind, obj))
    return out


def _continues(before: _Piece, after: _Piece) -> bool:
    return after.page == before.page + 1 and abs(after.bbox[0] - before.bbox[0]) <= _EDGE_TOLERANCE \
        and abs(after.bbox[2] - before.bbox[2]) <= _EDGE_TOLERANCE


def _render_items(items: list[tuple[str, object]]) -> Rendering:
    lines: list[str] = []
    locators: list[str] = []
    paragraph: list[_TextLine] = []
    n_tables = 0
    budget = GridBudget()
    left_edge = min((obj.x0 for kind, obj in items if kind == "text"), default=0.0)

    def flush() -> None:
        if paragraph:
            lines.append(join_fragments(line.text for line in paragraph) if "\t" not in paragraph[0].text else paragraph[0].text)
            locators.append(f"page {paragraph[0].page} line {paragraph[0].number}")
            paragraph.clear()

    for kind, obj in items:
        if kind == "table":
            flush()
            n_tables += 1
            for line, row_page, row in _table_lines(obj, budget):
                lines.append(line)
                locators.append(f"page {row_page} table {n_tables} row {row}")
            continue
        if paragraph and not _continues_paragraph(paragraph[-1], obj, left_edge):
            flush()
        paragraph.append(obj)
    flush()
    return Rendering(lines=lines, locators=locators, encoding="pdf", format="pdf")


def _continues_paragraph(previous: _TextLine, line: _TextLine, left_edge: float) -> bool:
    """A line continues the paragraph above when that one ran to the right margin and this
    one starts at the left margin (no indent), on the same page or at the top of the next."""
    if "\t" in previous.text or "\t" in line.text:
        return False
    ran_full = previous.x1 >= previous.right_margin - 2 * previous.size
    not_indented = line.x0 <= left_edge + 0.5 * line.size
    close = line.page == previous.page + 1 or (line.page == previous.page and 0 < line.top - previous.top <= 2.2 * previous.size)
    return ran_full and not_indented and close


def _table_lines(table: _Table, budget: GridBudget) -> list[tuple[str, int, int]]:
    """(line, page, 1-based row in the table) for each row of one table on one shared grid."""
    columns = _edges([x for piece in table.pieces for bbox, _ in piece.cells for x in (bbox[0], bbox[2])])
    grid: list[list[str]] = []
    row_pages: list[int] = []
    header: list[list[str]] | None = None
    for piece in table.pieces:
        rows = _piece_grid(piece, columns, budget)
        if header is None:
            header = rows
        else:
            rows = _drop_repeated_header(rows, header)
        grid.extend(rows)
        row_pages.extend([piece.page] * len(rows))
    return [(line, row_pages[index], index + 1) for line, index in grid_lines_with_rows(grid)]


def _piece_grid(piece: _Piece, columns: list[float], budget: GridBudget) -> list[list[str]]:
    rows = _edges([y for bbox, _ in piece.cells for y in (bbox[1], bbox[3])])
    budget.spend(max(0, len(rows) - 1) * max(0, len(columns) - 1), "a PDF table's ruled cells")
    grid = [[""] * (len(columns) - 1) for _ in range(len(rows) - 1)]
    boxes = np.array([bbox for bbox, _ in piece.cells], dtype=np.float64).reshape(-1, 4)
    cell_rows, cell_columns = _nearest(rows, boxes[:, 1]).tolist(), _nearest(columns, boxes[:, 0]).tolist()
    for (_, text), row, col in zip(piece.cells, cell_rows, cell_columns, strict=True):
        if row < len(grid) and col < len(grid[row]):
            grid[row][col] = text
    return grid


def _drop_repeated_header(rows: list[list[str]], header: list[list[str]]) -> list[list[str]]:
    """Drop the leading rows of a continuation piece that repeat the table's first rows
    (Word's "repeat as header row")."""
    n = 0
    while n < len(rows) and n < len(header) and rows[n] == header[n] and any(rows[n]):
        n += 1
    return rows[n:] if n < len(rows) else rows


def _edges(values: list[float]) -> list[float]:
    """Distinct rule positions: values closer than the tolerance are one edge."""
    edges: list[float] = []
    for value in sorted(set(values)):  # a value met again is never a new edge
        if not edges or value - edges[-1] > _EDGE_TOLERANCE:
            edges.append(value)
    return edges


def _nearest(edges: list[float], values: np.ndarray) -> np.ndarray:
    """For each value, the index of the edge nearest to it in the sorted ``edges``, the first on a tie."""
    edges = np.asarray(edges, dtype=np.float64)
    index = np.searchsorted(edges, values, side="left")
    after = np.minimum(index, len(edges) - 1)
    before = np.maximum(index - 1, 0)
    take_before = (index == len(edges)) | ((index > 0) & (np.abs(edges[before] - values) <= np.abs(edges[after] - values)))
    return np.where(take_before, before, after)
