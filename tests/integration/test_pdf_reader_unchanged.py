"""Every synthetic report PDF of the benchmark set, and the real agency PDF, read as the
pdfminer-only reader read them (tests/golden/pdf_reader_hashes.json, made with that reader).

The real PDF sets a word of one font against a word of another (Chinese text, then digits).
pdfminer's font sizes carry rounding noise that differs between such runs, and pdfplumber
splits words where the size differs, so pdfminer read a space between them that PDFium's
exact sizes do not give: on that file the PDFium reading is the old one with spaces aside, and
the pdfminer reading (still used for pages PDFium cannot read as pdfminer does) is the old one.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from govdata.formats import pdf
from govdata.formats.pdf_objects import NotLikePdfminer
from tests import real_golden
from tests.formats_fixtures import synthetic_report_pdf
from tests.unit.test_pdf_objects import HASHES, rendering_hash

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("index", sorted(HASHES["synthetic"], key=int))
def test_synthetic_report_pdf_reads_as_before(index):
    assert rendering_hash(synthetic_report_pdf(int(index))) == HASHES["synthetic"][index]


def _real_pdf(name: str) -> bytes:
    path = real_golden.REAL / name
    if not path.is_file():
        pytest.skip(f"real report not found: {path} (../shared/real)")
    return path.read_bytes()


@pytest.mark.parametrize("name", sorted(HASHES["real"]))
def test_real_report_pdf_reads_as_before_but_for_spaces_between_runs_of_different_fonts(name):
    rendering = pdf.render_pdf(_real_pdf(name), name)
    spaces_removed = [line.replace(" ", "") for line in rendering.lines]
    digest = hashlib.sha256(json.dumps([spaces_removed, rendering.locators], ensure_ascii=False).encode()).hexdigest()
    assert digest == HASHES["real"][name]["spaces_removed"]


@pytest.mark.parametrize("name", sorted(HASHES["real"]))
def test_real_report_pdf_read_by_pdfminer_reads_exactly_as_before(name, monkeypatch):
    def no_pdfium(raw, check_page_count):
        raise NotLikePdfminer("test: pdfminer only")

    monkeypatch.setattr(pdf, "read_with_pdfium", no_pdfium)
    assert rendering_hash(_real_pdf(name)) == HASHES["real"][name]["exact"]
