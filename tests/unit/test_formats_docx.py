"""Word .docx: paragraphs and tables in document order, Word's merges expanded with covered cells blank."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Twips

from govdata.formats.docx import render_docx
from govdata.read import ReadError, read_document


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_paragraphs_and_tables_come_in_document_order():
    document = docx.Document()
    document.add_paragraph("二、主动公开政府信息情况")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "规章", "0"
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    rendering = render_docx(_save(document))
    assert rendering.lines == ["二、主动公开政府信息情况", "规章\t0", "三、收到和处理政府信息公开申请情况"]
    assert rendering.locators == ["paragraph 1", "table 1 row 1", "paragraph 2"]
    assert (rendering.format, rendering.encoding) == ("docx", "utf-8")


def test_merged_cells_leave_the_cells_they_cover_blank():
    document = docx.Document()
    table = document.add_table(rows=4, cols=4)
    table.cell(0, 0).merge(table.cell(1, 1)).text = "勾稽关系"       # 2 x 2 block
    table.cell(0, 2).merge(table.cell(0, 3)).text = "申请人情况"     # across
    table.cell(2, 0).merge(table.cell(3, 0)).text = "三、本年度办理结果"  # down
    for (r, c), text in {(1, 2): "自然人", (1, 3): "总计", (2, 1): "(一) 予以公开", (2, 2): "125", (2, 3): "138",
                         (3, 1): "(二) 部分公开", (3, 2): "18", (3, 3): "18"}.items():
        table.cell(r, c).text = text
    assert render_docx(_save(document)).lines == [
        "勾稽关系\t\t申请人情况\t",
        "\t\t自然人\t总计",
        "三、本年度办理结果\t(一) 予以公开\t125\t138",
        "\t(二) 部分公开\t18\t18",
    ]


def test_grid_before_keeps_a_row_with_missing_leading_cells_in_its_columns():
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for c, text in enumerate(["a", "b", "c"]):
        table.cell(0, c).text = text
    row = table.rows[1]._tr
    row.remove(row.tc_lst[0])
    row.insert(0, parse_xml(f'<w:trPr {nsdecls("w")}><w:gridBefore w:val="1"/></w:trPr>'))
    row.tc_lst[0].append(parse_xml(f'<w:p {nsdecls("w")}><w:r><w:t>1</w:t></w:r></w:p>'))
    assert render_docx(_save(document)).lines == ["a\tb\tc", "\t1\t"]


def test_a_cell_of_several_paragraphs_is_one_cell():
    document = docx.Document()
    cell = document.add_table(rows=1, cols=2).cell(0, 0)
    cell.text = "本年新制"
    cell.add_paragraph("作数量")
    assert render_docx(_save(document)).lines == ["本年新制作数量\t"]


def test_line_breaks_inside_a_paragraph_become_lines_with_the_same_locator():
    document = docx.Document()
    run = document.add_paragraph().add_run("联系方式：")
    run.add_break()
    run.add_text("电话：0595-85662126")
    rendering = render_docx(_save(document))
    assert rendering.lines == ["联系方式：", "电话：0595-85662126"]
    assert rendering.locators == ["paragraph 1", "paragraph 1"]


def test_truncated_docx_is_a_read_error_naming_the_file():
    raw = _save(docx.Document())
    with pytest.raises(ReadError, match=r"cannot read as Word \.docx: damaged or truncated") as error:
        read_document(raw=raw[: len(raw) // 2], source="reports/r.docx")
    assert error.value.source == "reports/r.docx"


def test_zip_archive_that_is_not_a_word_file_is_a_read_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<x/>")
    with pytest.raises(ReadError, match=r"not a Word \.docx"):
        read_document(raw=buffer.getvalue(), source="r.xlsx")


def test_sliver_grid_columns_left_by_nearly_aligned_borders_are_not_columns():
    # LibreOffice's .doc -> .docx of the 2023 表四 leaves a 1-twip grid column that value
    # cells span; rendered as a column it would put a blank between two values.
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "行政复议"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "行政诉讼"
    table.cell(1, 0).merge(table.cell(1, 1)).text = "1"
    table.cell(1, 2).text = "2"
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, (2000, 1, 2000), strict=True):
        column.w = Twips(width)
    assert render_docx(_save(document)).lines == ["行政复议\t行政诉讼", "1\t2"]
