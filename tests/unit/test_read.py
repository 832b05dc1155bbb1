"""The read stage: any published format and encoding -> one Document of numbered lines."""

from __future__ import annotations

import codecs
import hashlib

import pytest

from govdata.read import Document, ReadError, decode_bytes, read_document

REPORT = "晋江市人民政府2023年政府信息公开工作年度报告\n一、总体情况\n自然人\t231\t15\n"


def test_read_document_from_text_keeps_lines_and_says_text():
    doc = read_document(text=REPORT)
    assert doc.lines == ("晋江市人民政府2023年政府信息公开工作年度报告", "一、总体情况", "自然人\t231\t15")
    assert (doc.format, doc.encoding, doc.source) == ("text", "utf-8", "<text>")
    assert doc.locate(2) == "line 2"


def test_report_id_is_the_sha256_of_the_raw_bytes_whatever_the_format(tmp_path):
    raw = REPORT.encode("gb18030")
    path = tmp_path / "r.txt"
    path.write_bytes(raw)
    doc = read_document(path)
    assert doc.sha256 == hashlib.sha256(raw).hexdigest()
    assert doc.report_id == doc.sha256[:16]


@pytest.mark.parametrize(("encode", "encoding"), [
    (lambda t: t.encode("utf-8"), "utf-8"),
    (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
    (lambda t: t.encode("gb18030"), "gb18030"),
    (lambda t: t.encode("gbk"), "gb18030"),
    (lambda t: t.encode("utf-16"), "utf-16"),
])
def test_read_document_detects_the_encoding_and_records_it(encode, encoding):
    doc = read_document(raw=encode(REPORT))
    assert doc.encoding == encoding
    assert doc.lines[1] == "一、总体情况"


def test_read_document_reads_big5_from_traditional_chinese_mirrors():
    doc = read_document(raw="政府資訊公開工作年度報告\n統計期限自2023年1月1日\n".encode("big5"))
    assert doc.encoding == "big5"
    assert doc.lines[0] == "政府資訊公開工作年度報告"


def test_a_byte_order_mark_is_not_part_of_the_first_line():
    doc = read_document(raw=codecs.BOM_UTF8 + "标题\n".encode())
    assert doc.lines == ("标题",)


def test_wrong_encoding_is_a_read_error_naming_file_and_line():
    raw = "第一行\n第二行\n".encode() + "日本語のテキストです。".encode("shift_jis") * 20
    with pytest.raises(ReadError) as error:
        read_document(raw=raw, source="reports/r.txt")
    assert error.value.source == "reports/r.txt"
    assert error.value.line == 3
    assert "cannot decode" in error.value.reason
    assert str(error.value).startswith("reports/r.txt:3: ")


def test_binary_garbage_is_a_read_error_not_a_traceback():
    with pytest.raises(ReadError, match="binary file"):
        read_document(raw=b"\x00\x01\x02\xff\xfe\x00" * 100, source="junk.bin")


def test_bad_utf8_after_a_bom_names_the_line():
    with pytest.raises(ReadError) as error:
        read_document(raw=codecs.BOM_UTF8 + b"ok\nok\n\xff\xfe bad", source="bom.txt")
    assert error.value.line == 3


@pytest.mark.parametrize("raw", [b"", b"  \n\n \r\n"])
def test_empty_files_are_read_errors(raw):
    with pytest.raises(ReadError, match="empty file"):
        read_document(raw=raw, source="empty.txt")


def test_missing_files_and_directories_are_read_errors(tmp_path):
    with pytest.raises(ReadError, match="cannot open"):
        read_document(tmp_path / "missing.txt")
    with pytest.raises(ReadError, match="directory"):
        read_document(tmp_path)


def test_format_comes_from_content_not_from_the_file_name(tmp_path):
    page = tmp_path / "report.doc"  # Word's "save as web page", served with a .doc name
    page.write_text("<html><body><p>一、总体情况</p><table><tr><td>自然人</td><td>3</td></tr></table></body></html>", encoding="utf-8")
    doc = read_document(page)
    assert doc.format == "html"
    assert doc.lines == ("一、总体情况", "自然人\t3")


def test_rendered_formats_carry_a_locator_per_line():
    doc = read_document(raw="<body>\n<p>标题</p>\n<table>\n<tr><td>自然人</td><td>3</td></tr>\n</table>\n</body>".encode())
    assert isinstance(doc, Document)
    assert len(doc.locators) == doc.line_count
    assert doc.locate(1) == "HTML line 2"
    assert doc.locate(2) == "HTML line 4, table 1 row 1"


def test_decoded_html_text_is_rendered_like_html_bytes():
    page = "<html><body><nav>首页</nav><p>标题</p></body></html>"
    assert read_document(text=page).lines == read_document(raw=page.encode()).lines == ("标题",)


def test_an_html_page_without_any_text_is_a_read_error():
    with pytest.raises(ReadError, match="no text found in the html file"):
        read_document(raw=b"<html><body><script>var a = 1;</script></body></html>", source="blank.html")


def test_decode_bytes_keeps_its_contract_for_callers():
    assert decode_bytes("统计期限".encode("gb18030"), "x.txt") == ("统计期限", "gb18030")


def test_a_utf16_web_page_is_read_as_html():
    page = "<html><body><nav>首页</nav><p>统计期限</p></body></html>"
    doc = read_document(raw=page.encode("utf-16"), source="p.html")
    assert (doc.format, doc.encoding, doc.lines) == ("html", "utf-16", ("统计期限",))


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_file_cut_inside_its_last_character_is_read_up_to_the_cut(encoding):
    raw = "一、总体情况\n统计期限自2023年".encode(encoding)[:-1]
    doc = read_document(raw=raw, source="cut.txt")
    assert doc.encoding == encoding
    assert doc.lines == ("一、总体情况", "统计期限自2023")
