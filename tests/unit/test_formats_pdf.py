"""PDF with a text layer: paragraphs rejoined, ruled tables rebuilt from positions over page breaks."""

from __future__ import annotations

import io
import zlib

import pdfplumber
import pytest
from fpdf import FPDF
from PIL import Image

from govdata.formats import pdf
from govdata.formats.limits import ResourceLimitError
from govdata.formats.pdf import render_pdf
from govdata.read import ReadError, read_document
from tests.formats_fixtures import CJK_FONT, Paragraph, Table, to_pdf

FILLER = [Paragraph(f"第{i}段：本报告根据条例规定编制，所列数据统计期限自1月1日至12月31日。") for i in range(40)]
HEAD = ("项目", "", "自然人", "商业企业", "其他", "总计")


def _rows(n: int) -> tuple[tuple[str, ...], ...]:
    """Rows whose second column is merged into the first except on every fifth row."""
    return tuple((f"组{i}", f"子项{i}", str(i), "0", "1", str(i + 1)) if i % 5 == 0 else (f"第{i}行", "", str(i), "0", "1", str(i + 1))
                 for i in range(1, n + 1))


def test_header_printed_one_character_per_line_reads_as_one_cell():
    pdf = to_pdf([Table((("信息内容", "本年废止件数", "总计"), ("规章", "0", "0"), ("行政规范性文件", "45", "179")))])
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert "本\n年\n废" in document.pages[0].find_tables()[0].extract()[0][1]  # the fixture really stacks it
    assert render_pdf(pdf, "t.pdf").lines == ["信息内容\t本年废止件数\t总计", "规章\t0\t0", "行政规范性文件\t45\t179"]


def test_table_broken_over_pages_is_one_grid_even_when_the_pages_show_different_columns():
    # Rows 1-4 merge the label columns; the page that holds only such rows shows one column
    # fewer than the other page, so each page alone would give a different grid.
    rows = (HEAD, *[(f"第{i}行", "", str(i), "0", "1", str(i + 1)) for i in range(1, 12)], ("组12", "子项12", "12", "0", "1", "13"))
    pdf = to_pdf([*FILLER[:40], Table(rows), Paragraph("表后文字")])
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        widths = [len(t.extract()[0]) for page in document.pages for t in page.find_tables()]
    assert len(set(widths)) == 2  # the situation under test: the two pieces disagree on columns
    rendering = render_pdf(pdf, "t.pdf")
    table_lines = [line for line in rendering.lines if "\t" in line]
    assert table_lines == ["\t".join(row) for row in rows]
    pages = {loc.split(" table")[0] for loc in rendering.locators if "table" in loc}
    assert pages == {"page 1", "page 2"}
    assert rendering.locators[rendering.lines.index("组12\t子项12\t12\t0\t1\t13")].endswith("table 1 row 13")
    assert rendering.lines[-1] == "表后文字"


def test_header_rows_repeated_on_each_page_are_read_once_and_page_numbers_are_dropped():
    pdf = to_pdf([*FILLER[:30], Table((HEAD, *_rows(30)))], heading_rows=1, page_numbers=True)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) >= 2
        assert "- 2 -" in document.pages[1].extract_text()
    lines = render_pdf(pdf, "t.pdf").lines
    assert lines.count("\t".join(HEAD)) == 1
    assert [line for line in lines if "\t" in line] == ["\t".join(HEAD)] + ["\t".join(row) for row in _rows(30)]
    assert not any(line.strip("- ").isdigit() for line in lines)


def test_wrapped_paragraph_lines_are_joined_and_short_paragraphs_kept_apart():
    long_text = "2023年，全市受理信息公开申请248件，依法办结243件，结转下年度办理5件。" * 4
    rendering = render_pdf(to_pdf([Paragraph("一、总体情况"), Paragraph(long_text), Paragraph("二、主动公开政府信息情况")]), "t.pdf")
    assert rendering.lines == ["一、总体情况", long_text, "二、主动公开政府信息情况"]
    assert rendering.locators[:2] == ["page 1 line 1", "page 1 line 2"]
    assert int(rendering.locators[2].removeprefix("page 1 line ")) > 3  # the joined paragraph took several visual lines


def test_unruled_columns_far_apart_become_tab_separated_cells():
    pdf = FPDF()
    pdf.add_font("cjk", fname=str(CJK_FONT))
    pdf.set_font("cjk", size=10)
    pdf.add_page()
    for y, cells in ((30, ("行政复议", "结果维持", "总计")), (40, ("复议", "1", "2"))):
        for x, text in zip((20, 80, 140), cells, strict=True):
            pdf.text(x, y, text)
    assert render_pdf(bytes(pdf.output()), "t.pdf").lines == ["行政复议\t结果维持\t总计", "复议\t1\t2"]


def test_scanned_pdf_without_text_layer_says_ocr_is_needed():
    pdf = FPDF()
    pdf.add_page()
    image = io.BytesIO()
    Image.new("L", (200, 280), color=255).save(image, format="PNG")
    pdf.image(image, x=10, y=10, w=180)
    with pytest.raises(ReadError, match=r"no text layer .*scan.*needs OCR") as error:
        read_document(raw=bytes(pdf.output()), source="reports/scan.pdf")
    assert error.value.source == "reports/scan.pdf"


def test_truncated_pdf_is_a_read_error_naming_the_file():
    pdf = to_pdf([Paragraph("一、总体情况")])
    with pytest.raises(ReadError) as error:
        read_document(raw=pdf[:200], source="reports/cut.pdf")
    assert error.value.source == "reports/cut.pdf"
    assert "PDF" in error.value.reason


def test_password_protected_pdf_is_a_read_error_saying_so():
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.text(20, 20, "annual report")
    pdf.set_encryption(owner_password="owner", user_password="secret")
    with pytest.raises(ReadError, match="password-protected"):
        read_document(raw=bytes(pdf.output()), source="locked.pdf")


def test_pdf_document_records_format_and_layout_source():
    doc = read_document(raw=to_pdf([Paragraph("一、总体情况")]), source="r.pdf")
    assert (doc.format, doc.encoding, doc.lines, doc.locate(1)) == ("pdf", "pdf", ("一、总体情况",), "page 1 line 1")


def test_a_ruled_frame_around_text_is_text_not_a_one_column_table():
    pdf = FPDF()
    pdf.add_font("cjk", fname=str(CJK_FONT))
    pdf.set_font("cjk", size=10)
    pdf.add_page()
    pdf.rect(10, 10, 190, 277)  # a page border with a rule under the title: two "cells" in one column
    pdf.line(10, 35, 200, 35)
    pdf.text(20, 30, "一、总体情况")
    pdf.text(20, 45, "规章的说明文字")
    pdf.text(20, 55, "第二行文字")
    rendering = render_pdf(bytes(pdf.output()), "framed.pdf")
    assert rendering.lines == ["一、总体情况", "规章的说明文字", "第二行文字"]
    assert rendering.locators == ["page 1 line 1", "page 1 line 2", "page 1 line 3"]


def test_no_flate_stream_inflates_past_deflates_highest_ratio():
    for data in (b"\0" * 10**7, b"ab" * 5 * 10**6, bytes(range(256)) * 40_000):
        assert len(data) <= pdf._MAX_DEFLATE_RATIO * len(zlib.compress(data, 9))


def _pdf_with_one_stream(data: bytes) -> bytes:
    stream = zlib.compress(data, 9)
    return b"%%PDF-1.4\n1 0 obj<</Length %d/Filter/FlateDecode>>stream\n" % len(stream) + stream + b"\nendstream endobj\n"


def test_streams_are_inflated_and_counted_only_when_the_file_could_hold_more_than_the_limit(monkeypatch):
    raw = _pdf_with_one_stream(b"\0" * 2_000_000)  # about 2 KB: could hold about 2 MB
    monkeypatch.setattr(pdf, "MAX_PDF_DECOMPRESSED_BYTES", 1_000_000)
    with pytest.raises(ResourceLimitError, match="MAX_PDF_DECOMPRESSED_BYTES"):
        pdf.check_streams(raw)
    monkeypatch.setattr(pdf, "MAX_PDF_DECOMPRESSED_BYTES", len(raw) * pdf._MAX_DEFLATE_RATIO)
    monkeypatch.setattr(pdf.zlib, "decompressobj", None)  # cannot pass the limit: never inflated
    pdf.check_streams(raw)
