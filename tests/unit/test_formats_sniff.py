"""Formats are told from the content of a file, not from its name."""

from __future__ import annotations

import io
import zipfile

import pytest

from govdata.formats.sniff import looks_like_html, sniff_format


@pytest.mark.parametrize(("raw", "expected"), [
    (b"%PDF-1.4\n...", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "ole"),
    (b"{\\rtf1\\ansi ...}", "rtf"),
    (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
    (b"\xef\xbb\xbf<html><body>x</body></html>", "html"),
    ("<p>一、总体情况</p>".encode(), "html"),
    ("晋江市人民政府\n一、总体情况\n".encode(), "text"),
    ("一、总体情况\n（<http://www.jinjiang.gov.cn/>）\n".encode(), "text"),
    ("统计期限".encode("gb18030"), "text"),
])
def test_sniff_format_reads_magic_bytes_and_markup(raw, expected):
    assert sniff_format(raw) == expected


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


def test_sniff_format_tells_a_word_file_from_other_zip_archives():
    assert sniff_format(_zip(["[Content_Types].xml", "word/document.xml"])) == "docx"
    assert sniff_format(_zip(["[Content_Types].xml", "xl/workbook.xml"])) == "zip"


def test_sniff_format_takes_a_truncated_word_file_for_docx_so_its_reader_can_say_so():
    whole = _zip(["[Content_Types].xml", "word/document.xml"])
    assert sniff_format(whole[: len(whole) // 2]) == "docx"


def test_looks_like_html_needs_several_tags_when_the_page_does_not_start_with_markup():
    assert looks_like_html("报告正文<br>第二行<br>第三行</p>")
    assert not looks_like_html("正文里提到 <br> 一次")


def test_tabbed_text_with_a_few_leftover_tags_stays_text():
    text = "一、总体情况<br>\n规章\t0\t0\t0\n规范性文件\t1\t2\t3\n行政许可\t4\t5\t6\n行政处罚\t7\t8\t9<br>\n说明<br>\n"
    assert sniff_format(text.encode()) == "text"
