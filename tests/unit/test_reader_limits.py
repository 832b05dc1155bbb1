"""Every reader has limits, each named in its error; no small file can ask for gigabytes or hang (issue 15).

The files are crafted here, small: the limits are checked before memory is spent, so the peak
stays low (tracemalloc measures Python's allocations, not time).
"""

from __future__ import annotations

import io
import os
import tracemalloc
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from govdata import load
from govdata.formats import limits
from govdata.read import ReadError, read_document, read_report_bytes

TABLE = "<table><tr><td>自然人</td><td>商业企业</td></tr><tr><td>3</td><td>4</td></tr></table>"


def _read_fails(raw: bytes, limit_name: str, *, peak_mb: int = 100) -> str:
    tracemalloc.start()
    try:
        with pytest.raises(ReadError) as refused:
            read_document(raw=raw, source="crafted")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert limit_name in refused.value.reason and f"{getattr(limits, limit_name):,}" in refused.value.reason
    assert refused.value.source == "crafted"
    assert peak < peak_mb * 1024 * 1024, f"{peak / 1e6:.0f} MB spent before refusing"
    return refused.value.reason


def _nested(depth: int) -> bytes:
    return f"<html><body><p>某某局政府信息公开工作年度报告</p>{'<font>' * depth}{TABLE}</body></html>".encode()


def test_html_nested_under_the_limit_is_read_whole():
    doc = read_document(raw=_nested(200))
    assert "自然人\t商业企业" in doc.lines and "3\t4" in doc.lines


@pytest.mark.parametrize("depth", [300, 5000])
def test_html_nested_past_the_limit_fails_with_the_limit_instead_of_reading_nothing(depth):
    reason = _read_fails(_nested(depth), "MAX_HTML_DEPTH")
    assert "nested" in reason


def test_a_report_in_a_script_payload_of_megabytes_is_read_whole():
    payload = "<p>" + "说明" * 30 + "</p>" + TABLE + "<p>" + " " * 4_500_000 + "完。</p>"  # 4.5 MB in one string literal
    page = f'<html><body><div id="c"></div><script>var c = "{payload}";</script></body></html>'.encode()
    doc = read_document(raw=page)
    assert "自然人\t商业企业" in doc.lines and doc.lines[-1] == "完。"


def test_span_bomb_fails_on_grid_cells_before_spending_memory():
    rows = "".join('<tr><td rowspan="0" colspan="100000">x</td><td>1</td></tr>' for _ in range(3000))  # ~150 KB
    reason = _read_fails(f"<html><body><table>{rows}</table></body></html>".encode(), "MAX_GRID_CELLS")
    assert "grid cells" in reason


def _docx(document=None) -> bytes:
    buffer = io.BytesIO()
    (document or _document()).save(buffer)
    return buffer.getvalue()


def _document():
    document = docx.Document()
    document.add_paragraph("某某局政府信息公开工作年度报告")
    return document


def test_docx_zip_bomb_fails_on_inflated_size_with_memory_bounded():
    buffer = io.BytesIO(_docx())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive, \
            archive.open("word/media/zeros.bin", "w", force_zip64=True) as member:
        for _ in range(300):
            member.write(bytes(1 << 20))  # 300 MB of zeros: a few hundred KB once deflated
    raw = buffer.getvalue()
    assert len(raw) < 2_000_000
    _read_fails(raw, "MAX_ZIP_UNCOMPRESSED_BYTES")


def test_zip_with_too_many_members_fails_naming_the_limit(monkeypatch):
    monkeypatch.setattr("govdata.formats.sniff.MAX_ZIP_MEMBERS", 20)
    monkeypatch.setattr(limits, "MAX_ZIP_MEMBERS", 20)
    buffer = io.BytesIO(_docx())
    with zipfile.ZipFile(buffer, "a") as archive:
        for n in range(30):
            archive.writestr(f"extra/item{n}.xml", "<a/>")
    _read_fails(buffer.getvalue(), "MAX_ZIP_MEMBERS")


def test_docx_with_huge_grid_spans_fails_on_grid_cells():
    document = _document()
    table = document.add_table(rows=1, cols=1)
    row = table.rows[0]._tr
    for _ in range(3000):
        row.append(parse_xml(f'<w:tc {nsdecls("w")}><w:tcPr><w:gridSpan w:val="500"/></w:tcPr><w:p/></w:tc>'))
    _read_fails(_docx(document), "MAX_GRID_CELLS")


def _pdf(pages: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for n in range(pages):
        pdf.add_page()
        pdf.cell(text=f"page {n + 1} " + "x" * 60)
    return bytes(pdf.output())


def test_pdf_past_the_page_limit_fails_naming_it(monkeypatch):
    monkeypatch.setattr("govdata.formats.pdf.MAX_PDF_PAGES", 2)
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 2)
    _read_fails(_pdf(3), "MAX_PDF_PAGES")


def test_pdf_whose_streams_inflate_past_the_limit_fails_before_pdfminer_inflates_them(monkeypatch):
    monkeypatch.setattr("govdata.formats.pdf.MAX_PDF_DECOMPRESSED_BYTES", 100)
    monkeypatch.setattr(limits, "MAX_PDF_DECOMPRESSED_BYTES", 100)
    _read_fails(_pdf(1), "MAX_PDF_DECOMPRESSED_BYTES")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "report.txt")
    with pytest.raises(ReadError, match="FIFO"):
        read_document(tmp_path / "report.txt")
    assert next(f.reason for f in load([tmp_path / "report.txt"]).failures).startswith("is a FIFO")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_refused_instead_of_read_without_end():
    with pytest.raises(ReadError, match="character device"):
        read_document("/dev/zero")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_the_size_limit_counts_bytes_read_not_the_size_the_file_system_states(monkeypatch, tmp_path):
    assert os.stat("/proc/self/status").st_size == 0 and len(read_report_bytes("/proc/self/status")) > 100
    monkeypatch.setattr("govdata.read.MAX_REPORT_BYTES", 100)
    with pytest.raises(ReadError, match=r"more than 100 bytes read.*MAX_REPORT_BYTES"):
        read_report_bytes("/proc/self/status")
    (tmp_path / "big.txt").write_bytes(b"x" * 101)
    with pytest.raises(ReadError, match="MAX_REPORT_BYTES"):
        read_document(tmp_path / "big.txt")
