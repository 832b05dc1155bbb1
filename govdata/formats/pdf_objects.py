"""What the PDF reader needs from each page: characters with their boxes, ruling edges, images.

Why a module of its own: reading a page's objects is most of what reading a PDF costs. The
reader used pdfminer (through pdfplumber) for it, about 60 ms a page in pure Python; PDFium
(Chrome's PDF library, through pypdfium2, a dependency of pdfplumber already) reads the same
page in a few milliseconds. The rest of the reader (:mod:`govdata.formats.pdf`) works on the
plain objects returned here, in the shapes pdfplumber gives them, so pdfplumber's own table
finder and word grouping run on them unchanged and a document reads as before (but for the
one difference at the end).

Exactly as before means the numbers must be pdfminer's, so each is rebuilt the way pdfminer
builds it: a character's box runs from its origin over its advance, from the font's descent
below the baseline up one font size (PDFium's loose box has the same left, right and bottom);
painted paths are cut into subpaths and classed as line, rectangle or curve by pdfminer's rules
(a closed ``m l l l h`` with square corners is a rectangle, ``re`` included), and their edges are
made by pdfplumber's functions. Where PDFium would not give what pdfminer gives, the page (or,
in the last case, the document) is read by pdfminer instead (:func:`read_with_pdfminer`),
so speed never changes a reading:

- pages rotated, or whose media box does not start at 0, 0 or differs from the crop box;
- a character that is rotated, set in a vertical-writing font, maps to no Unicode, or lies
  outside the Basic Multilingual Plane;
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
"""

from __future__ import annotations

import collections
import ctypes
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.utils import curve_to_edges, line_to_edge, rect_to_edges

from govdata.formats.pdf_chars import Chars

# A document with fewer characters than this per page may be a scan; pdfminer judges it.
MIN_CHARS_PER_PAGE_FOR_PDFIUM = 10
_CID = re.compile(r"\(cid:\d+\)")
# PDFium may add these between words and lines (they are in no content stream).
_GENERATED_CANDIDATE = re.compile("[ \r\n\x02]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# PDFium's loose box of a character in a vertical-writing font (Identity-V) is many ems wide
# and high; a horizontal character's is at most about an em wide and 1.5 em high.
_MAX_WIDTH_EM = 2.0
_MAX_HEIGHT_EM = 3.0


@dataclass
class PageObjects:
    """One page as the reader sees it: its characters as columns, its edges as pdfplumber's dicts."""

    width: float
    height: float
    chars: Chars
    edges: list[dict]
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
    return [PageObjects(page.width, page.height, Chars.from_dicts(page.chars), page.edges, len(page.images),
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
        textpage = page.get_textpage()
        try:
            chars = _chars(textpage.raw, height, objects.text_objects)
        finally:
            textpage.close()
        return PageObjects(page.get_width(), height, chars, objects.edges(), objects.n_images, 0)
    finally:
        page.close()


def _check_geometry(page: pdfium.PdfPage) -> None:
    mediabox = page.get_mediabox()
    if page.get_rotation() != 0 or mediabox[:2] != (0, 0) or page.get_cropbox() != mediabox:
        raise NotLikePdfminer("page rotated or offset")


def _chars(textpage, height: float, text_objects: set[int]) -> Chars:
    """The page's characters as pdfminer boxes them, in PDFium's order (the content stream's).

    PDFium is asked per character (its box, its text object, whether its font maps it to
    Unicode) through ``map`` over its functions, a loop in C; the boxes are written straight
    into an array, and everything else is worked out on arrays.
    """
    count = pdfium_c.FPDFText_CountChars(textpage)
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    pdfium_c.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[: count * 2].decode("utf-16-le", errors="surrogatepass")
    textpage = ctypes.c_void_p(ctypes.cast(textpage, ctypes.c_void_p).value)
    pages = itertools.repeat(textpage, count)
    if _SURROGATE.search(text) or any(map(_has_unicode_map_error, pages, range(count))):
        raise NotLikePdfminer("character pdfminer may read differently")
    generated = [m.start() for m in _GENERATED_CANDIDATE.finditer(text) if _is_generated(textpage.value, m.start())]
    kept = np.ones(count, dtype=bool)
    kept[generated] = False
    boxes = np.zeros((count, 4), dtype=np.float32)  # FS_RECTF: left, top, right, bottom
    address = boxes.ctypes.data
    collections.deque(map(_loose_char_box_at, itertools.repeat(textpage, count), range(count),
                          map(ctypes.c_void_p, range(address, address + 16 * count, 16))), maxlen=0)
    objects = list(map(_text_object_address, itertools.repeat(textpage, count), range(count)))
    kept_index = np.flatnonzero(kept)
    objects = [objects[index] for index in kept_index.tolist()]
    sizes = {obj: _upright_text_size(obj) for obj in set(objects)}
    if text_objects.difference(sizes):
        raise NotLikePdfminer("PDFium dropped a text object (text painted twice)")
    size = np.array([sizes[obj] for obj in objects], dtype=np.float64)
    boxes = boxes[kept_index].astype(np.float64)
    x0, x1, bottom = boxes[:, 0], boxes[:, 2], height - boxes[:, 3]
    if ((x1 - x0 > _MAX_WIDTH_EM * size) | (bottom - (height - boxes[:, 1]) > _MAX_HEIGHT_EM * size)).any():
        raise NotLikePdfminer("vertical writing: pdfminer boxes it by other metrics")
    return Chars([text[index] for index in kept_index.tolist()], x0, x1, bottom - size, bottom, size,
                 np.ones(len(kept_index), dtype=bool))


def _by_address(name: str, restype, *argtypes):
    """PDFium's function ``name`` with page objects and segments passed as plain addresses
    (ints): a dictionary key as it is, and no pointer object made and cast for every call."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value)


_HANDLE, _INT, _FLOAT_P, _INT_P = ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_int)


def _unchecked(name: str, restype):
    """PDFium's function ``name`` called without argument conversion: half the cost of a call
    through declared argument types, which counts when it is made for every character of a
    page. Its arguments must be what C receives: ints for ``int``, ``ctypes.c_void_p`` for
    pointers."""
    return ctypes.CFUNCTYPE(restype)(ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value)


_text_object_address = _unchecked("FPDFText_GetTextObject", ctypes.c_void_p)
_loose_char_box_at = _unchecked("FPDFText_GetLooseCharBox", ctypes.c_int)
_has_unicode_map_error = _unchecked("FPDFText_HasUnicodeMapError", ctypes.c_int)
_is_generated = _by_address("FPDFText_IsGenerated", _INT, _HANDLE, _INT)
_count_objects = _by_address("FPDFPage_CountObjects", _INT, _HANDLE)
_get_object = _by_address("FPDFPage_GetObject", _HANDLE, _HANDLE, _INT)
_object_type = _by_address("FPDFPageObj_GetType", _INT, _HANDLE)
_object_matrix = _by_address("FPDFPageObj_GetMatrix", _INT, _HANDLE, ctypes.POINTER(pdfium_c.FS_MATRIX))
_font_size = _by_address("FPDFTextObj_GetFontSize", _INT, _HANDLE, _FLOAT_P)
_count_form_objects = _by_address("FPDFFormObj_CountObjects", _INT, _HANDLE)
_get_form_object = _by_address("FPDFFormObj_GetObject", _HANDLE, _HANDLE, ctypes.c_ulong)
_draw_mode = _by_address("FPDFPath_GetDrawMode", _INT, _HANDLE, _INT_P, _INT_P)
_count_segments = _by_address("FPDFPath_CountSegments", _INT, _HANDLE)
_get_segment = _by_address("FPDFPath_GetPathSegment", _HANDLE, _HANDLE, _INT)
_segment_point = _by_address("FPDFPathSegment_GetPoint", _INT, _HANDLE, _FLOAT_P, _FLOAT_P)
_segment_type = _by_address("FPDFPathSegment_GetType", _INT, _HANDLE)
_segment_closes = _by_address("FPDFPathSegment_GetClose", _INT, _HANDLE)


def _upright_text_size(text_object: int) -> float:
    """Font size as pdfminer measures it (the text's height on the page); NotLikePdfminer when rotated."""
    matrix = pdfium_c.FS_MATRIX()
    _object_matrix(text_object, matrix)
    if not (matrix.b == 0 and matrix.c == 0 and matrix.a > 0 and matrix.d > 0):
        raise NotLikePdfminer("rotated character")
    size = ctypes.c_float()
    _font_size(text_object, size)
    return size.value * matrix.d


class _PageContents:
    """One walk over a page's objects (forms entered): paths as pdfminer classes them, images, text objects."""

    def __init__(self, page, height: float):
        self.page = page
        self.height = height
        self.lines: list[dict] = []
        self.rects: list[dict] = []
        self.curves: list[dict] = []
        self.n_images = 0
        self.text_objects: set[int] = set()

    def walk(self) -> None:
        page = ctypes.cast(self.page, ctypes.c_void_p).value
        for index in range(_count_objects(page)):
            self._visit(_get_object(page, index), None)

    def edges(self) -> list[dict]:
        """As pdfplumber's ``page.edges``: line edges, then rectangle edges, then curve edges."""
        return [line_to_edge(line) for line in self.lines] + list(itertools.chain.from_iterable(map(rect_to_edges, self.rects))) \
            + list(itertools.chain.from_iterable(map(curve_to_edges, self.curves)))

    def _visit(self, obj, outer: tuple[float, ...] | None) -> None:
        kind = _object_type(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            self.text_objects.add(obj)
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            self.n_images += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            self._path(obj, _compose(_matrix(obj), outer))
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            matrix = _compose(_matrix(obj), outer)
            for index in range(_count_form_objects(obj)):
                self._visit(_get_form_object(obj, index), matrix)

    def _path(self, obj, matrix: tuple[float, ...]) -> None:
        fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
        _draw_mode(obj, fill_mode, stroke)
        if fill_mode.value == 0 and not stroke.value:
            return  # a clipping path only ("W n"): pdfminer paints nothing
        for shape, points in _subpaths(obj, matrix):
            self._paint(shape, points)

    def _paint(self, shape: str, pts: list[tuple[float, float]]) -> None:
        """pdfminer's PDFLayoutAnalyzer.paint_path for one subpath (points in PDF space)."""
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"
            pts = pts[:-1]
        if shape in {"mlh", "ml"}:
            self.lines.append(self._box("line", pts[:2], pts))
        elif shape in {"mlllh", "mllll"}:
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
            if pts[0] == pts[4] and square:
                self.rects.append(self._box("rect", [pts[0], pts[2]], pts))
            else:
                self.curves.append(self._box("curve", pts, pts))
        else:
            self.curves.append(self._box("curve", pts, pts))

    def _box(self, kind: str, corners: list[tuple[float, float]], pts: list[tuple[float, float]]) -> dict:
        x0, x1 = min(x for x, _ in corners), max(x for x, _ in corners)
        y0, y1 = min(y for _, y in corners), max(y for _, y in corners)
        if kind == "curve":  # pdfminer boxes a curve by all its points
            x0, x1 = min(x for x, _ in pts), max(x for x, _ in pts)
            y0, y1 = min(y for _, y in pts), max(y for _, y in pts)
        top = self.height - y1
        return {"object_type": kind, "x0": x0, "y0": y0, "x1": x1, "y1": y1, "top": top, "bottom": self.height - y0,
                "doctop": top, "width": x1 - x0, "height": y1 - y0, "pts": [(x, self.height - y) for x, y in pts]}


def _subpaths(obj, matrix: tuple[float, ...]) -> list[tuple[str, list[tuple[float, float]]]]:
    """The path's subpaths as pdfminer sees them: operators (m, l, c, h) and their end points.

    PDFium keeps a path as points: a Bézier curve as three, a ``h`` as a flag on the point
    that closes the figure (after adding a line back to the start when it is elsewhere, as
    pdfminer's ``h`` point also lies at the start).
    """
    x, y = ctypes.c_float(), ctypes.c_float()
    get_segment, get_point, get_type, is_closing = _get_segment, _segment_point, _segment_type, _segment_closes
    a, b, c, d, e, f = matrix
    ops: list[tuple[str, tuple[float, float]]] = []
    bezier = 0
    for index in range(_count_segments(obj)):
        segment = get_segment(obj, index)
        get_point(segment, x, y)
        px, py = x.value, y.value
        point = (a * px + c * py + e, b * px + d * py + f)
        op = _SEGMENT_OPS.get(get_type(segment))
        if op is None:
            raise NotLikePdfminer("unknown path segment")
        if op == "c":
            bezier += 1
            if bezier % 3:
                continue
        ops.append((op, point))
        if is_closing(segment):
            start = next((p for op, p in reversed(ops) if op == "m"), point)
            ops.append(("h", start))
    shape = "".join(op for op, _ in ops)
    if shape[:1] != "m":
        return []
    return [(shape[m.start():m.end()], [p for _, p in ops[m.start():m.end()]]) for m in re.finditer(r"m[^m]+", shape)]


_SEGMENT_OPS = {pdfium_c.FPDF_SEGMENT_MOVETO: "m", pdfium_c.FPDF_SEGMENT_LINETO: "l", pdfium_c.FPDF_SEGMENT_BEZIERTO: "c"}


def _matrix(obj: int) -> tuple[float, ...]:
    matrix = pdfium_c.FS_MATRIX()
    _object_matrix(obj, matrix)
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _compose(inner: tuple[float, ...], outer: tuple[float, ...] | None) -> tuple[float, ...]:
    """``inner`` then ``outer`` (an object inside a form: the form's matrix applies after its own)."""
    if outer is None:
        return inner
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)

