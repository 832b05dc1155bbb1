"""PDFium's answers per character, page object and path segment are the same whether the C loops
or ctypes ask for them, and the C loops refuse what would make them write out of bounds."""

from __future__ import annotations

import ctypes

import numpy as np
import pypdfium2 as pdfium
import pytest

from govdata.formats import pdfium_calls
from govdata.formats.pdf_objects import read_with_pdfium
from tests import real_golden
from tests.formats_fixtures import synthetic_report_pdf
from tests.unit.test_pdf_objects import _SONG, _TEXT, _one_page_pdf


def _loops():
    if not pdfium_calls.compiled():
        pytest.fail("govdata.formats._pdfium_loops is not built (or GOVDATA_PDFIUM_LOOPS=ctypes is set): "
                    "`pip install -e .` needs a C compiler and Python's headers")
    return pdfium_calls._LOOPS


def _form_pdf() -> bytes:
    """A page of text and of rules drawn inside a form placed twice (a form's objects are asked for apart)."""
    form = b"0.5 w 0 0 m 200 0 l S 0 0 100 40 re S 100 0 100 40 re f 0 40 m 200 40 l S"
    content = b"BT /F1 10 Tf 60 780 Td <%s> Tj ET q 1 0 0 1 50 300 cm /X1 Do Q q 0.5 0 0 1.5 300 500 cm /X1 Do Q" % _TEXT
    return _one_page_pdf(content, b"/Font<</F1 5 0 R>>/XObject<</X1 8 0 R>>", _SONG[0] % b"UniGB-UCS2-H", *_SONG[1:],
                         b"<</Type/XObject/Subtype/Form/BBox[0 0 300 300]/Matrix[1 0 0 1 10 20]/Length %d>>stream\n%s\nendstream"
                         % (len(form), form))


def _documents() -> list[bytes]:
    documents = [synthetic_report_pdf(index) for index in (0, 1, 2, 5)] + [_form_pdf()]
    if real_golden.REAL.is_dir():
        documents += [path.read_bytes() for path in sorted(real_golden.REAL.rglob("*.pdf"))]
    return documents


def _answers(page) -> list:
    """Every bulk answer of one page, as plain lists."""
    textpage = page.get_textpage()
    try:
        count = pdfium.raw.FPDFText_CountChars(textpage.raw)
        chars = pdfium_calls.char_answers(textpage.raw, count, np.arange(count))
        page_objects, kinds = pdfium_calls.page_objects(page.raw)
        forms = page_objects[kinds == pdfium.raw.FPDF_PAGEOBJ_FORM].tolist()
        inner = [pdfium_calls.form_objects(form) for form in forms]
        paths = np.concatenate([page_objects[kinds == pdfium.raw.FPDF_PAGEOBJ_PATH]]
                               + [objs[types == pdfium.raw.FPDF_PAGEOBJ_PATH] for objs, types in inner])
        modes, matrices, counts = pdfium_calls.path_answers(paths)
        segments = pdfium_calls.segment_answers(paths, counts)
        return [chars.boxes.tolist(), chars.objects.tolist(), chars.generated.tolist(), chars.unmapped, chars.scales.tolist(),
                chars.rotated.tolist(), page_objects.tolist(), kinds.tolist(),
                [(objs.tolist(), types.tolist()) for objs, types in inner], modes.tolist(), matrices.tolist(),
                counts.tolist(), [part.tolist() for part in segments]]
    finally:
        textpage.close()


def test_the_c_loops_and_ctypes_give_the_same_answers_on_every_page(monkeypatch):
    loops = _loops()
    for raw in _documents():
        document = pdfium.PdfDocument(raw)
        try:
            for page in document:
                monkeypatch.setattr(pdfium_calls, "_LOOPS", loops)
                in_c = _answers(page)
                monkeypatch.setattr(pdfium_calls, "_LOOPS", None)
                assert _answers(page) == in_c
                page.close()
        finally:
            document.close()


def test_a_document_reads_the_same_through_the_c_loops_and_through_ctypes(monkeypatch):
    loops = _loops()
    raw = _form_pdf()
    monkeypatch.setattr(pdfium_calls, "_LOOPS", loops)
    (in_c,) = read_with_pdfium(raw, lambda n: None)
    monkeypatch.setattr(pdfium_calls, "_LOOPS", None)
    (through_ctypes,) = read_with_pdfium(raw, lambda n: None)
    assert in_c.chars.text == through_ctypes.chars.text
    for key in ("x0", "x1", "top", "bottom", "size"):
        assert np.array_equal(getattr(in_c.chars, key), getattr(through_ctypes.chars, key)), key
    for key in ("orientation", "x0", "x1", "top", "bottom", "width", "height"):
        assert np.array_equal(getattr(in_c.edges, key), getattr(through_ctypes.edges, key)), key


def test_the_c_loops_refuse_a_buffer_too_small_for_the_answers():
    loops = _loops()
    document = pdfium.PdfDocument(synthetic_report_pdf(0))
    try:
        page = document[0]
        textpage = page.get_textpage()
        count = pdfium.raw.FPDFText_CountChars(textpage.raw)
        address = ctypes.cast(textpage.raw, ctypes.c_void_p).value
        with pytest.raises(ValueError, match="boxes holds"):
            loops.chars(address, count, np.zeros((count - 1, 4), dtype=np.float32), np.zeros(count, dtype=np.uint64),
                        np.zeros(count, dtype=np.uint8), np.zeros((count, 3), dtype=np.float32), np.zeros(count, dtype=np.uint8))
        with pytest.raises(ValueError, match="scales holds"):
            loops.chars(address, count, np.zeros((count, 4), dtype=np.float32), np.zeros(count, dtype=np.uint64),
                        np.zeros(count, dtype=np.uint8), np.zeros((count, 2), dtype=np.float32), np.zeros(count, dtype=np.uint8))
        with pytest.raises(ValueError, match="kinds holds"):
            loops.segments(np.zeros(1, dtype=np.uint64), np.array([3], dtype=np.int32), np.zeros(2, dtype=np.int32),
                           np.zeros(3, dtype=np.uint8), np.zeros(6, dtype=np.float32))
        textpage.close()
        page.close()
    finally:
        document.close()


def test_the_c_loops_are_bound_to_every_function_they_call():
    loops = _loops()
    with pytest.raises(ValueError, match="addresses"):
        loops.bind(())
    assert len(loops.FUNCTIONS) == len(set(loops.FUNCTIONS))
    assert all(hasattr(pdfium.raw, name) for name in loops.FUNCTIONS)
