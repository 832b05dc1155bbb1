"""What the PDF reader asks PDFium per character, per page object and per path segment, asked in bulk.

Why a module of its own: PDFium's public API answers one character (its box, its text object,
whether its font maps it to Unicode) or one path segment (its kind, closing flag, point) per call,
and a report page has a thousand characters and hundreds of segments. Through ctypes, even
without argument conversion (:func:`_unchecked`), those calls cost about as much as PDFium's
whole text extraction. The loops are therefore written in C (``_pdfium_loops.c``, built by
``pip install`` when a C compiler is present): one call from Python per page, answers written
straight into numpy arrays. Where the extension is not built the same questions are asked
through ctypes, slower, with the same answers (tests/unit/test_pdfium_calls.py holds the two to
each other).

The C module links against nothing: :func:`_bind` hands it the addresses of the functions
pypdfium2 loaded, so it always calls the PDFium the rest of the reader uses.
"""

from __future__ import annotations

import collections
import ctypes
import itertools
import os
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import pypdfium2.raw as pdfium_c

# Set GOVDATA_PDFIUM_LOOPS=ctypes to ask through ctypes even where the C loops are built.
_LOOPS_SETTING = "GOVDATA_PDFIUM_LOOPS"


class _Handle(ctypes.c_void_p):
    """A PDFium object returned by an unchecked call: a c_void_p subclass stays a pointer
    object (ctypes turns a plain c_void_p result into an int), so it can be passed back as one."""


def _unchecked(name: str, restype):
    """PDFium's function ``name`` called without argument conversion: half the cost of a call
    through declared argument types. Its arguments must be what C receives: ints for ``int``,
    ``ctypes.c_void_p`` for pointers."""
    return ctypes.CFUNCTYPE(restype)(ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value)


def _address(handle) -> int:
    """A ctypes pointer (pypdfium2's raw handles, c_void_p) as the int C receives; 0 for NULL."""
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _bind() -> ModuleType | None:
    """The C loops bound to pypdfium2's PDFium, or None (not built, or switched off)."""
    if os.environ.get(_LOOPS_SETTING, "").strip().lower() == "ctypes":
        return None
    try:
        from govdata.formats import _pdfium_loops
    except ImportError:
        return None
    _pdfium_loops.bind(tuple(_address(getattr(pdfium_c, name)) for name in _pdfium_loops.FUNCTIONS))
    return _pdfium_loops


_LOOPS = _bind()


def compiled() -> bool:
    """Whether the C loops answer (else ctypes does)."""
    return _LOOPS is not None


_text_object_address = _unchecked("FPDFText_GetTextObject", ctypes.c_void_p)
_loose_char_box_at = _unchecked("FPDFText_GetLooseCharBox", ctypes.c_int)
_has_unicode_map_error = _unchecked("FPDFText_HasUnicodeMapError", ctypes.c_int)
_is_generated = _unchecked("FPDFText_IsGenerated", ctypes.c_int)
_text_font_size = _unchecked("FPDFTextObj_GetFontSize", ctypes.c_int)
_get_object = _unchecked("FPDFPage_GetObject", ctypes.c_void_p)
_object_type = _unchecked("FPDFPageObj_GetType", ctypes.c_int)
_object_matrix = _unchecked("FPDFPageObj_GetMatrix", ctypes.c_int)
_count_form_objects = _unchecked("FPDFFormObj_CountObjects", ctypes.c_int)
_get_form_object = _unchecked("FPDFFormObj_GetObject", ctypes.c_void_p)
_draw_mode = _unchecked("FPDFPath_GetDrawMode", ctypes.c_int)
_count_segments = _unchecked("FPDFPath_CountSegments", ctypes.c_int)
_get_segment = _unchecked("FPDFPath_GetPathSegment", _Handle)
_segment_point = _unchecked("FPDFPathSegment_GetPoint", ctypes.c_int)
_segment_type = _unchecked("FPDFPathSegment_GetType", ctypes.c_int)
_segment_closes = _unchecked("FPDFPathSegment_GetClose", ctypes.c_int)


@dataclass
class CharAnswers:
    """PDFium's answers for each character of a text page (see :func:`char_answers`)."""

    boxes: np.ndarray  # float32 rows of left, top, right, bottom in PDF space; zeros where PDFium has none
    objects: np.ndarray  # uint64: the character's text object, 0 for none
    generated: np.ndarray  # which of the candidates (indices) PDFium generated
    unmapped: bool  # whether a character's font maps it to no Unicode
    scales: np.ndarray  # float32 rows of its text object's font size and matrix a and d
    rotated: np.ndarray  # bool: its text object's matrix is not an upright scaling (or it has none)


def char_answers(textpage, count: int, candidates: np.ndarray) -> CharAnswers:
    """Per character of ``textpage`` (a raw FPDF_TEXTPAGE): its loose box, its text object, and
    that object's font size and matrix (asked once for each run of the object's characters);
    which of ``candidates`` (indices) PDFium generated (spaces and line breaks in no content
    stream); whether any character's font maps it to no Unicode."""
    boxes = np.zeros((count, 4), dtype=np.float32)
    if _LOOPS is not None:
        objects, generated = np.zeros(count, dtype=np.uint64), np.zeros(count, dtype=np.uint8)
        scales, rotated = np.zeros((count, 3), dtype=np.float32), np.zeros(count, dtype=np.uint8)
        unmapped = _LOOPS.chars(_address(textpage), count, boxes, objects, generated, scales, rotated)
        return CharAnswers(boxes, objects, candidates[generated[candidates].astype(bool)], unmapped > 0, scales,
                           rotated.astype(bool))
    handle = ctypes.c_void_p(_address(textpage))
    unmapped = any(map(_has_unicode_map_error, itertools.repeat(handle, count), range(count)))
    generated_candidates = np.array(list(itertools.compress(candidates.tolist(), map(_is_generated, itertools.repeat(handle),
                                                                                       candidates.tolist()))), dtype=np.int64)
    address = boxes.ctypes.data
    collections.deque(map(_loose_char_box_at, itertools.repeat(handle, count), range(count),
                          map(ctypes.c_void_p, range(address, address + 16 * count, 16))), maxlen=0)
    objects = np.fromiter((obj or 0 for obj in map(_text_object_address, itertools.repeat(handle, count), range(count))),
                          dtype=np.uint64, count=count)
    starts = np.flatnonzero(np.concatenate(([True], objects[1:] != objects[:-1]))) if count else np.empty(0, dtype=np.int64)
    matrices, sizes = text_object_answers(objects[starts].tolist())
    a, b, c, d = (matrices[:, k] for k in range(4))
    lengths = np.diff(np.append(starts, count))
    scales = np.repeat(np.stack([sizes, a, d], axis=1), lengths, axis=0)
    rotated = np.repeat(~((b == 0) & (c == 0) & (a > 0) & (d > 0)), lengths)
    return CharAnswers(boxes, objects, generated_candidates, unmapped, scales, rotated)


def page_objects(page) -> tuple[np.ndarray, np.ndarray]:
    """The page's top-level objects (uint64 addresses) and their kinds (``FPDF_PAGEOBJ_*``, int32)."""
    count = pdfium_c.FPDFPage_CountObjects(page)
    if _LOOPS is not None:
        objects, kinds = np.zeros(count, dtype=np.uint64), np.zeros(count, dtype=np.int32)
        _LOOPS.page_objects(_address(page), count, objects, kinds)
        return objects, kinds
    handle = ctypes.c_void_p(_address(page))
    objects = np.fromiter((obj or 0 for obj in map(_get_object, itertools.repeat(handle, count), range(count))),
                          dtype=np.uint64, count=count)
    return objects, object_types(objects)


def form_objects(form: int) -> tuple[np.ndarray, np.ndarray]:
    """The objects (uint64 addresses) of a form object and their kinds."""
    handle = ctypes.c_void_p(form)
    count = _count_form_objects(handle)
    objects = np.fromiter((obj or 0 for obj in map(_get_form_object, itertools.repeat(handle, count), map(ctypes.c_ulong, range(count)))),
                          dtype=np.uint64, count=count)
    return objects, object_types(objects)


def object_types(objects: np.ndarray) -> np.ndarray:
    """The kind (``FPDF_PAGEOBJ_*``, int32) of each page object (uint64 addresses)."""
    kinds = np.zeros(len(objects), dtype=np.int32)
    if _LOOPS is not None:
        _LOOPS.object_types(objects, kinds)
    else:
        kinds[:] = list(map(_object_type, map(ctypes.c_void_p, objects.tolist())))
    return kinds


def object_matrix(obj: int) -> tuple[float, ...]:
    """A page object's matrix (a, b, c, d, e, f)."""
    matrix = pdfium_c.FS_MATRIX()
    _object_matrix(ctypes.c_void_p(obj), ctypes.byref(matrix))
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def path_answers(paths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per path object: its fill mode and stroke flag (int32 rows of two), its matrix (float32
    rows of six) and its number of segments (int32)."""
    n = len(paths)
    modes, matrices, counts = np.zeros((n, 2), dtype=np.int32), np.zeros((n, 6), dtype=np.float32), np.zeros(n, dtype=np.int32)
    if _LOOPS is not None:
        _LOOPS.paths(paths, modes, matrices, counts)
        return modes, matrices, counts
    handles = list(map(ctypes.c_void_p, paths.tolist()))
    _call_into(_draw_mode, handles, modes.reshape(-1), 2, 4)
    _call_into(_object_matrix, handles, matrices.reshape(-1), 1, 24)
    counts[:] = list(map(_count_segments, handles))
    return modes, matrices, counts


def segment_answers(paths: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The segments of each path in turn (``counts[i]`` of ``paths[i]``): kinds
    (``FPDF_SEGMENT_*``, int32), closing flags (uint8) and points (float32 rows of x, y)."""
    total = int(counts.sum())
    kinds, closes, points = np.zeros(total, dtype=np.int32), np.zeros(total, dtype=np.uint8), np.zeros((total, 2), dtype=np.float32)
    if _LOOPS is not None:
        _LOOPS.segments(paths, counts.astype(np.int32), kinds, closes, points)
        return kinds, closes, points
    counts = counts.tolist()
    segments = list(map(_get_segment, itertools.chain.from_iterable(map(itertools.repeat, map(ctypes.c_void_p, paths.tolist()), counts)),
                        itertools.chain.from_iterable(map(range, counts))))
    kinds[:] = list(map(_segment_type, segments))
    closes[:] = list(map(_segment_closes, segments))
    _call_into(_segment_point, segments, points.reshape(-1), 2, 4)
    return kinds, closes, points


def text_object_answers(text_objects: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Per text object: its matrix (float32 rows of six) and its font size (float32), through
    ctypes (the C loops ask for them inside their loop over characters)."""
    n = len(text_objects)
    matrices, sizes = np.zeros((n, 6), dtype=np.float32), np.zeros(n, dtype=np.float32)
    handles = list(map(ctypes.c_void_p, text_objects))
    _call_into(_object_matrix, handles, matrices.reshape(-1), 1, 24)
    _call_into(_text_font_size, handles, sizes, 1, 4)
    return matrices, sizes


def _call_into(function, handles: list, out: np.ndarray, n_outputs: int, stride: int) -> None:
    """``function(handle, &out[..], ...)`` for each handle, its ``n_outputs`` results written
    to ``out`` at ``stride`` bytes from each other (``out`` holds n_outputs per handle)."""
    if not handles:
        return
    base, size = out.ctypes.data, out.itemsize * (len(out) // max(1, len(handles)))
    addresses = [map(ctypes.c_void_p, range(base + k * stride, base + k * stride + size * len(handles), size))
                 for k in range(n_outputs)]
    collections.deque(map(function, handles, *addresses), maxlen=0)
