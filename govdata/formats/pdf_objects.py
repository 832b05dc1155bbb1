"""What the PDF reader needs from each page: characters with their boxes, ruling edges, images.

Why a module of its own: reading a page's objects is most of what reading a PDF costs. The
reader used pdfminer (through pdfplumber) for it, about 60 ms a page in pure Python; PDFium
(Chrome's PDF library, through pypdfium2, a dependency of pdfplumber already) reads the same
page in a few milliseconds. The rest of the reader (:mod:`govdata.formats.pdf`) works on the
objects returned here, characters and edges as columns (:class:`Chars`, :class:`Edges`) holding
pdfplumber's numbers, so pdfplumber's table finder and word grouping, run on them as arrays,
read a document as before (but for the one difference at the end).

Speed: what PDFium is asked per character (its loose box, its text object, whether it maps to
Unicode), per page object and per path segment is asked in bulk, one call per page from Python
into C loops (:mod:`govdata.formats.pdfium_calls`), answers written straight into arrays.

Exactly as before means the numbers must be pdfminer's, so each is rebuilt the way pdfminer
builds it: a character's box runs from its origin over its advance, from the font's descent
below the baseline up one font size (PDFium's loose box has the same left, right and bottom);
painted paths are cut into subpaths and classed as line, rectangle or curve by pdfminer's rules
(a closed ``m l l l h`` with square corners is a rectangle, ``re`` included), and their edges are
made as pdfplumber's functions make them. A character set in a vertical-writing font is
boxed from PDFium's origin of it, when its metrics are the font's defaults
(:func:`_vertical_writing_boxes`). Where PDFium would not give what pdfminer gives, the page (or,
in the last case, the document) is read by pdfminer instead (:func:`read_with_pdfminer`),
so speed never changes a reading:

- pages rotated, or whose media box does not start at 0, 0 or differs from the crop box;
- a character that is rotated, maps to no Unicode, lies outside the Basic Multilingual Plane,
  or is set in a vertical-writing font with metrics of its own (W2 entries);
- a text object of which PDFium drops the characters (it skips text painted twice in one place,
  the "fake bold" of some writers; pdfminer keeps both copies);
- a document with few characters (a scan, or nearly one: which it is is judged on pdfminer's
  count) or one PDFium cannot open (damaged, password-protected: pdfminer says why). PDFium
  rebuilds a damaged cross-reference table where pdfminer may give up, so a damaged file that
  PDFium opens may now be read where it was refused.

One difference remains, by design: pdfminer's font sizes carry float rounding noise (15.950000000000017
against 15.949999999999989 for two runs of the same size), and pdfplumber's word grouping by size
splits words there, so pdfminer read a space between touching runs of different fonts (Chinese
text, then digits) that PDFium's exact sizes do not give. tests/integration/test_pdf_reader_unchanged.py
pins it: on the real report the two readings are equal with spaces aside.

One gap is open (tests/unit/test_pdf_objects.py, an expected failure): PDFium tells no writing
mode, and a vertical-writing font set at its own size (not scaled down by the text matrix, as
WPS does) gives a loose box like a horizontal font's, so its characters are boxed 0.12 em below
where pdfminer boxes them (with the default metrics). The PDFium reader had this gap from the start.
"""

from __future__ import annotations

import ctypes
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from govdata.formats import pdfium_calls
from govdata.formats.pdf_chars import Chars
from govdata.formats.pdf_lattice import HORIZONTAL, SLANTED, VERTICAL, Edges

# A document with fewer characters than this per page may be a scan; pdfminer judges it.
MIN_CHARS_PER_PAGE_FOR_PDFIUM = 10
_CID = re.compile(r"\(cid:\d+\)")
# PDFium's loose box of a character in a vertical-writing font (Identity-V) is many ems wide
# and high; a horizontal character's is at most about an em wide and 1.5 em high.
_MAX_WIDTH_EM = 2.0
_MAX_HEIGHT_EM = 3.0
# For each UTF-16 code unit, whether str.isspace() holds (Chars.blank of a whole page at once).
_IS_WHITE_SPACE = np.array([chr(code).isspace() for code in range(0x10000)], dtype=bool)


@dataclass
class PageObjects:
    """One page as the reader sees it: its characters and its edges as columns."""

    width: float
    height: float
    chars: Chars
    edges: Edges
    n_images: int
    n_unmapped: int  # characters whose font has no Unicode mapping ("(cid:N)" in pdfminer)


class NotLikePdfminer(Exception):
    """PDFium would read this document differently from pdfminer; read it with pdfminer."""


def read_with_pdfium(raw: bytes, check_page_count: Callable[[int], None]) -> list[PageObjects | None]:
    """Every page's objects through PDFium, None for a page that pdfminer must read; raises
    NotLikePdfminer when pdfminer must read the whole document.

    ``check_page_count`` sees the number of pages before any is read (and may refuse it).
    """
    try:
        document = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        raise NotLikePdfminer(str(exc)) from exc
    try:
        check_page_count(len(document))
        pages = [_pdfium_page_or_none(document, index) for index in range(len(document))]
    finally:
        document.close()
    if sum(len(page.chars) for page in pages if page) < MIN_CHARS_PER_PAGE_FOR_PDFIUM * max(1, len(pages)):
        raise NotLikePdfminer("few characters: a scan is judged on pdfminer's reading")
    return pages


def read_with_pdfminer(pdf: pdfplumber.PDF, indices: Iterable[int] | None = None) -> list[PageObjects]:
    """The objects of the pages at ``indices`` (all by default) through pdfminer (pdfplumber),
    the reference reading."""
    pages = pdf.pages if indices is None else [pdf.pages[index] for index in indices]
    return [PageObjects(page.width, page.height, Chars.from_dicts(page.chars), Edges.from_dicts(page.edges), len(page.images),
                        sum(1 for char in page.chars if _CID.fullmatch(char["text"])))
            for page in pages]


# --- PDFium ------------------------------------------------------------------------------------


def _pdfium_page_or_none(document: pdfium.PdfDocument, index: int) -> PageObjects | None:
    try:
        return _pdfium_page(document, index)
    except NotLikePdfminer:
        return None


def _pdfium_page(document: pdfium.PdfDocument, index: int) -> PageObjects:
    page = document[index]
    try:
        _check_geometry(page)
        height = page.get_height()
        objects = _PageContents(page.raw, height)
        objects.walk()
        textpage = pdfium_c.FPDFText_LoadPage(page.raw)  # raw: pypdfium2's wrapper costs more than its use here
        if not textpage:
            raise NotLikePdfminer("PDFium could not read the page's text")
        try:
            chars = _chars(textpage, height, objects.text_objects)
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)
        return PageObjects(page.get_width(), height, chars, objects.edges(), objects.n_images, 0)
    finally:
        page.close()


def _check_geometry(page: pdfium.PdfPage) -> None:
    mediabox = page.get_mediabox()
    if page.get_rotation() != 0 or mediabox[:2] != (0, 0) or page.get_cropbox() != mediabox:
        raise NotLikePdfminer("page rotated or offset")


def _chars(textpage, height: float, text_objects: set[int]) -> Chars:
    """The page's characters as pdfminer boxes them, in PDFium's order (the content stream's).

    PDFium's answers per character (its box, its text object and that object's size and
    matrix, whether its font maps it to Unicode) come in bulk (:func:`pdfium_calls.char_answers`);
    everything else is worked out on arrays.
    """
    count = pdfium_c.FPDFText_CountChars(textpage)
    codes = np.zeros(count + 1, dtype=np.uint16)  # UTF-16 code units, and PDFium's closing NUL
    pdfium_c.FPDFText_GetText(textpage, 0, count, codes.ctypes.data_as(ctypes.POINTER(ctypes.c_ushort)))
    codes = codes[:count]
    if ((codes >= 0xD800) & (codes <= 0xDFFF)).any():
        raise NotLikePdfminer("character outside the Basic Multilingual Plane")
    # PDFium may add spaces, line breaks and 0x02 (a soft hyphen) between words and lines (in no
    # content stream): those characters it is asked whether it generated.
    candidates = np.flatnonzero((codes == 0x20) | (codes == 0x0D) | (codes == 0x0A) | (codes == 0x02))
    answers = pdfium_calls.char_answers(textpage, count, candidates)
    if answers.unmapped:
        raise NotLikePdfminer("character pdfminer may read differently")
    kept = np.ones(count, dtype=bool)
    kept[answers.generated] = False
    kept_index = np.flatnonzero(kept)
    objects = answers.objects[kept_index]
    if len(objects) and text_objects.difference(objects[np.concatenate(([True], objects[1:] != objects[:-1]))].tolist()):
        raise NotLikePdfminer("PDFium dropped a text object (text painted twice)")
    if answers.rotated[kept_index].any():
        raise NotLikePdfminer("rotated character")
    # pdfminer's size of a character is the font size times the text matrix's vertical scale (for
    # vertical writing, the horizontal one)
    font_size, a, d = answers.scales[kept_index].astype(np.float64).T
    size = font_size * d
    boxes = answers.boxes[kept_index].astype(np.float64)
    x0, x1, bottom = boxes[:, 0], boxes[:, 2], height - boxes[:, 3]
    top = bottom - size
    vertical = np.flatnonzero((x1 - x0 > _MAX_WIDTH_EM * size) | (bottom - (height - boxes[:, 1]) > _MAX_HEIGHT_EM * size))
    if len(vertical):
        origins = [_char_origin(textpage, index) for index in kept_index[vertical].tolist()]
        x0[vertical], x1[vertical], top[vertical], bottom[vertical], size[vertical] = _vertical_writing_boxes(
            boxes[vertical], np.array(origins, dtype=np.float64).reshape(-1, 2), font_size[vertical], a[vertical],
            d[vertical], height)
    codes = codes[kept_index]
    return Chars(list(codes.tobytes().decode("utf-16-le")), x0, x1, top, bottom, size, np.ones(len(kept_index), dtype=bool),
                 _blank=_IS_WHITE_SPACE[codes], codes=codes)


def _char_origin(textpage, index: int) -> tuple[float, float]:
    x, y = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y)
    return x.value, y.value


def _vertical_writing_boxes(loose: np.ndarray, origins: np.ndarray, font_size: np.ndarray, a: np.ndarray, d: np.ndarray,
                            height: float) -> tuple[np.ndarray, ...]:
    """pdfminer's boxes (x0, x1, top, bottom, size) of characters set in a vertical-writing font,
    from PDFium's origin of each; NotLikePdfminer unless the font's vertical metrics are the
    default ones, the only ones for which the two agree.

    pdfminer boxes such a character one font size wide from ``-vx`` (the vertical origin's x,
    half an em when the font's W2 has no entry for it) and one advance high ending ``1000 - vy``
    above the pen; its size is the box's width. PDFium's origin of the character is the pen
    moved by (-vx, -vy) (in thousandths of an em), PDFium's half of the character's width when
    W2 has no entry for it. Its loose box (PDFium's own metrics, unscaled by the text's matrix:
    many ems wide on a page where the font is set large and scaled down, which is how this
    case is told) holds what the test needs: left at the origin moved by vx - 500, one font size
    wide, one vertical advance high. When vx is 500 and the advance is an em (W2's default),
    pdfminer's box is the em square standing on PDFium's origin. (A horizontal font's loose box
    is scaled by the text's matrix, so where the text is scaled down it is never one unscaled
    font size high: such text is not taken for vertical writing.)
    """
    left, top, right, bottom = loose.T  # PDF space: y up
    tolerance = 2e-4 * (font_size + 1)
    default_metrics = (np.abs(left - origins[:, 0]) <= tolerance) & (np.abs(right - left - font_size) <= tolerance) \
        & (np.abs(top - bottom - font_size) <= tolerance)
    if not default_metrics.all():
        raise NotLikePdfminer("vertical writing with metrics of its own: pdfminer boxes it by other metrics")
    width, tall = font_size * a, font_size * d
    x0, char_bottom = origins[:, 0], height - origins[:, 1]
    return x0, x0 + width, char_bottom - tall, char_bottom, width


class _PageContents:
    """One walk over a page's objects (forms entered): paths as pdfminer classes them, images, text objects.

    PDFium is asked about all paths of the page together (their draw modes, matrices and
    segment counts, then all their segments' kinds, closing flags and points), each question
    once for the page (:mod:`govdata.formats.pdfium_calls`), so a page of a few hundred ruled
    cells is not a Python loop around each.
    """

    def __init__(self, page, height: float):
        self.page = page
        self.height = height
        self.lines: list[tuple[float, ...]] = []
        self.rects = np.empty((0, 6))  # pdfminer's boxes, in the order of the paths drawing them
        self.curves: list[list[tuple[float, float]]] = []
        self.n_images = 0
        self.text_objects: set[int] = set()

    def walk(self) -> None:
        groups: list[tuple[np.ndarray, tuple[float, ...] | None]] = []
        self._visit(*pdfium_calls.page_objects(self.page), None, groups)
        if sum(len(paths) for paths, _ in groups):
            self._paths(groups)

    def edges(self) -> Edges:
        """As pdfplumber's ``page.edges``: line edges, then rectangle edges, then curve edges."""
        parts = ([_line_edges(self.lines)] if self.lines else []) + ([_rect_edges(self.rects)] if len(self.rects) else []) \
            + ([_curve_edges(self.curves)] if self.curves else [])
        return parts[0] if len(parts) == 1 else Edges.concatenate(parts)

    def _visit(self, objects: np.ndarray, kinds: np.ndarray, outer: tuple[float, ...] | None, groups: list) -> None:
        """Text objects and images counted, paths gathered in ``groups`` (runs of paths under one
        matrix, in page order), forms entered where they lie."""
        self.text_objects.update(objects[kinds == pdfium_c.FPDF_PAGEOBJ_TEXT].tolist())
        self.n_images += int(np.count_nonzero(kinds == pdfium_c.FPDF_PAGEOBJ_IMAGE))
        start = 0
        for form in [*np.flatnonzero(kinds == pdfium_c.FPDF_PAGEOBJ_FORM).tolist(), len(objects)]:
            run = slice(start, form)
            groups.append((objects[run][kinds[run] == pdfium_c.FPDF_PAGEOBJ_PATH], outer))
            if form < len(objects):
                obj = int(objects[form])
                self._visit(*pdfium_calls.form_objects(obj), _compose(pdfium_calls.object_matrix(obj), outer), groups)
            start = form + 1

    def _paths(self, groups: list[tuple[np.ndarray, tuple[float, ...] | None]]) -> None:
        paths = np.concatenate([paths for paths, _ in groups])
        modes, matrices, counts = pdfium_calls.path_answers(paths)
        matrices = matrices.astype(np.float64)
        start = 0
        for group, outer in groups:
            if outer is not None:
                matrices[start:start + len(group)] = _compose_rows(matrices[start:start + len(group)], outer)
            start += len(group)
        painted = np.flatnonzero((modes[:, 0] != 0) | (modes[:, 1] != 0))  # else a clipping path ("W n")
        counts = counts[painted]
        kinds, closes, points = pdfium_calls.segment_answers(paths[painted], counts)
        xs, ys = _transform(points.astype(np.float64).reshape(-1), matrices[painted], counts)
        drawn, boxes = _drawn_rectangles(kinds, closes, xs, ys, counts, self.height)
        numbers, rects = [drawn], [boxes]
        starts = (np.cumsum(counts) - counts).tolist()
        others = np.ones(len(counts), dtype=bool)
        others[drawn] = False
        for number in np.flatnonzero(others).tolist():
            part = slice(starts[number], starts[number] + int(counts[number]))
            for shape, pts in _subpaths(kinds[part].tolist(), closes[part].tolist(), xs[part].tolist(), ys[part].tolist()):
                box = self._paint(shape, pts)
                if box is not None:
                    numbers.append(np.array([number]))
                    rects.append(np.array([box], dtype=np.float64))
        self.rects = np.concatenate(rects)[np.argsort(np.concatenate(numbers), kind="stable")]

    def _paint(self, shape: str, pts: list[tuple[float, float]]) -> tuple[float, ...] | None:
        """pdfminer's PDFLayoutAnalyzer.paint_path for one subpath (points in PDF space): a line or
        curve kept here, a rectangle's box returned (the caller keeps rectangles in path order)."""
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"
            pts = pts[:-1]
        if shape in {"mlh", "ml"}:
            self.lines.append(self._box(pts[:2]))
        elif shape in {"mlllh", "mllll"}:
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
            if pts[0] == pts[4] and square:
                return self._box([pts[0], pts[2]])
            self.curves.append([(x, self.height - y) for x, y in pts])
        else:
            self.curves.append([(x, self.height - y) for x, y in pts])
        return None

    def _box(self, corners: list[tuple[float, float]]) -> tuple[float, ...]:
        """pdfminer's box of a line or rectangle: x0, x1, top, bottom, width, height."""
        x0, x1 = min(x for x, _ in corners), max(x for x, _ in corners)
        y0, y1 = min(y for _, y in corners), max(y for _, y in corners)
        return (x0, x1, self.height - y1, self.height - y0, x1 - x0, y1 - y0)


def _line_edges(lines: list[tuple[float, ...]]) -> Edges:
    """pdfplumber's ``line_to_edge``: horizontal when its top is its bottom."""
    x0, x1, top, bottom, width, height = _columns(lines, 6)
    orientation = np.where(top == bottom, HORIZONTAL, VERTICAL).astype(np.int8)
    return Edges(orientation, x0, x1, top, bottom, width, height)


# pdfplumber's ``rect_to_edges``: the four edges of a rectangle (top, bottom, left, right), each
# field taken from a column of the rectangle's box extended by top + height and zero (below).
_RECT_BOX = {"x0": 0, "x1": 1, "top": 2, "bottom": 3, "width": 4, "height": 5, "below": 6, "zero": 7}
_RECT_EDGE_FIELDS = {
    "x0": ("x0", "x0", "x0", "x1"), "x1": ("x1", "x1", "x0", "x1"), "top": ("top", "below", "top", "top"),
    "bottom": ("top", "bottom", "bottom", "bottom"), "width": ("width", "width", "zero", "zero"),
    "height": ("zero", "zero", "height", "height"),
}


def _rect_edges(rects: np.ndarray) -> Edges:
    """pdfplumber's ``rect_to_edges``: top, bottom, left and right edge of each rectangle (rows of
    pdfminer's box: x0, x1, top, bottom, width, height). pdfplumber's bottom edge lies at top +
    height, its bottom at the rectangle's."""
    box = np.column_stack([rects, rects[:, 2] + rects[:, 5], np.zeros(len(rects))])
    fields = {name: box[:, [_RECT_BOX[column] for column in columns]].reshape(-1) for name, columns in _RECT_EDGE_FIELDS.items()}
    return Edges(np.tile(np.array([HORIZONTAL, HORIZONTAL, VERTICAL, VERTICAL], dtype=np.int8), len(rects)), **fields)


def _curve_edges(curves: list[list[tuple[float, float]]]) -> Edges:
    """pdfplumber's ``curve_to_edges``: one edge between each two points of a curve."""
    pairs = [(p0, p1) for pts in curves for p0, p1 in itertools.pairwise(pts)]
    orientation = np.array([VERTICAL if p0[0] == p1[0] else HORIZONTAL if p0[1] == p1[1] else SLANTED
                            for p0, p1 in pairs], dtype=np.int8)
    x0, x1, top, bottom, width, height = _columns(
        [(min(p0[0], p1[0]), max(p0[0], p1[0]), min(p0[1], p1[1]), max(p0[1], p1[1]), abs(p0[0] - p1[0]),
          abs(p0[1] - p1[1])) for p0, p1 in pairs], 6)
    return Edges(orientation, x0, x1, top, bottom, width, height)


def _columns(rows: list[tuple[float, ...]], n: int) -> list[np.ndarray]:
    return list(np.array(rows, dtype=np.float64).reshape(-1, n).T)


def _transform(points: np.ndarray, matrices: np.ndarray, counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Each segment's point (x, y pairs in ``points``) through its path's matrix, in page space."""
    a, b, c, d, e, f = np.repeat(matrices.reshape(-1, 6), counts, axis=0).T
    px, py = points[0::2], points[1::2]
    return a * px + c * py + e, b * px + d * py + f


def _drawn_rectangles(kinds: np.ndarray, closes: np.ndarray, xs: np.ndarray, ys: np.ndarray, counts: np.ndarray,
                      height: float) -> tuple[np.ndarray, np.ndarray]:
    """The paths drawn as most rules are, a rectangle (``re``, or ``m l l l l h`` back to its
    start, with square corners), and their boxes as :meth:`_PageContents._paint` would make them
    (rows of pdfminer's x0, x1, top, bottom, width, height), for all such paths of the page at
    once: (path numbers, boxes). Other paths go through :func:`_subpaths`."""
    five = np.flatnonzero(counts == 5)
    if len(five) == 0:
        return np.empty(0, dtype=np.int64), np.empty((0, 6))
    segment = (np.cumsum(counts) - counts)[five][:, None] + np.arange(5)
    move, line = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO
    drawn = (kinds[segment] == [move, line, line, line, line]).all(axis=1) & (closes[segment] == [0, 0, 0, 0, 1]).all(axis=1)
    (x0, x1, x2, x3, x4), (y0, y1, y2, y3, y4) = xs[segment].T, ys[segment].T
    square = ((x0 == x1) & (y1 == y2) & (x2 == x3) & (y3 == y0)) | ((y0 == y1) & (x1 == x2) & (y2 == y3) & (x3 == x0))
    chosen = np.flatnonzero(drawn & (x4 == x0) & (y4 == y0) & square)
    left, right = np.minimum(x0, x2)[chosen], np.maximum(x0, x2)[chosen]
    low, high = np.minimum(y0, y2)[chosen], np.maximum(y0, y2)[chosen]
    return five[chosen], np.stack([left, right, height - high, height - low, right - left, high - low], axis=1)


def _subpaths(kinds: list[int], closes: list[int], xs: list[float], ys: list[float]) -> list[tuple[str, list[tuple[float, float]]]]:
    """The path's subpaths as pdfminer sees them: operators (m, l, c, h) and their end points
    (``xs``, ``ys``: the segments' points in page space).

    PDFium keeps a path as points: a Bézier curve as three, a ``h`` as a flag on the point
    that closes the figure (after adding a line back to the start when it is elsewhere, as
    pdfminer's ``h`` point also lies at the start).
    """
    ops: list[tuple[str, tuple[float, float]]] = []
    bezier = 0
    for kind, closing, x, y in zip(kinds, closes, xs, ys, strict=True):
        op = _SEGMENT_OPS.get(kind)
        if op is None:
            raise NotLikePdfminer("unknown path segment")
        if op == "c":
            bezier += 1
            if bezier % 3:
                continue
        point = (x, y)
        ops.append((op, point))
        if closing:
            start = next((p for op, p in reversed(ops) if op == "m"), point)
            ops.append(("h", start))
    shape = "".join(op for op, _ in ops)
    if shape[:1] != "m":
        return []
    return [(shape[m.start():m.end()], [p for _, p in ops[m.start():m.end()]]) for m in re.finditer(r"m[^m]+", shape)]


_SEGMENT_OPS = {pdfium_c.FPDF_SEGMENT_MOVETO: "m", pdfium_c.FPDF_SEGMENT_LINETO: "l", pdfium_c.FPDF_SEGMENT_BEZIERTO: "c"}


def _compose_rows(inner: np.ndarray, outer: tuple[float, ...]) -> np.ndarray:
    """:func:`_compose` for rows of matrices (the same sums, so the same numbers)."""
    a, b, c, d, e, f = inner.T
    A, B, C, D, E, F = outer
    return np.stack([a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F], axis=1)


def _compose(inner: tuple[float, ...], outer: tuple[float, ...] | None) -> tuple[float, ...]:
    """``inner`` then ``outer`` (an object inside a form: the form's matrix applies after its own)."""
    if outer is None:
        return inner
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)

