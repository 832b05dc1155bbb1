"""Every synthetic report PDF of the benchmark set, and the real agency PDF, read exactly as
the pdfminer-only reader read them (tests/golden/pdf_reader_hashes.json, made with that reader)."""

from __future__ import annotations

import pytest

from tests import real_golden
from tests.formats_fixtures import synthetic_report_pdf
from tests.unit.test_pdf_objects import HASHES, rendering_hash

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("index", sorted(HASHES["synthetic"], key=int))
def test_synthetic_report_pdf_reads_as_before(index):
    assert rendering_hash(synthetic_report_pdf(int(index))) == HASHES["synthetic"][index]


@pytest.mark.parametrize("name", sorted(HASHES["real"]))
def test_real_report_pdf_reads_as_before(name):
    path = real_golden.REAL / name
    if not path.is_file():
        pytest.skip(f"real report not found: {path} (../shared/real)")
    assert rendering_hash(path.read_bytes()) == HASHES["real"][name]
