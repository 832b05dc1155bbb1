"""The layout families real reports come in (issue 12), each pinned on a snippet written from the
form's own labels with invented agencies and numbers (docs/formats.md, "Layout families").

The real pages these families were found in are read against hand-read golden values in
tests/integration/test_real_reports.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from govdata import parse_report

HEAD = "某某县某某镇人民政府2022年政府信息公开工作年度报告\n本报告所列数据的统计期限自2022年1月1日至2022年12月31日。\n"
T3_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
# 表三's heading and header as a PDF's text layer prints them: one header row per line
T3_PDF_TEXT_HEAD = (f"三、收到和处理政府信息公开申请情况\n{T3_NOTE}\n申请人情况\n自然人 法人或其他组织 总计\n"
                    "商业企业 科研机构 社会公益组织 法律服务机构 其他\n")


def _t2(report) -> dict[tuple[str, str], float | None]:
    return {(r["item"], r["measure"]): r["value"] for r in report.table2.iter_rows(named=True)}


def _t3(report) -> dict[tuple[str, str], int | None]:
    return {(r["row"], r["requester"]): r["value"] for r in report.table3.iter_rows(named=True)}


def _found(report, check: str) -> list[dict]:
    return [r for r in report.checks.iter_rows(named=True) if r["check"] == check and r["status"] == "fail"]


def _row(report, row: str) -> list[int | None]:
    cells = _t3(report)
    return [cells.get((row, requester)) for requester in
            ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org", "total")]


# --- 1. pipe rows without a border | at the start ------------------------------------------------

PIPE_NO_BORDER = HEAD + f"""二、主动公开政府信息情况
第二十条第(一)项 | |||
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
规章 | 0 | 0 | 1 |
行政规范性文件 | 3 | 1 | 12 |
第二十条第(五)项 | |||
信息内容 | 本年处理决定数量 | ||
行政许可 | 58 | ||
三、收到和处理政府信息公开申请情况
{T3_NOTE} | 申请人情况 | ||||||||
自然人 | 法人或其他组织 | 总计 | |||||||
商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | |||||
一、本年新收政府信息公开申请数量 | 58 | 7 | 0 | 0 | 1 | 0 | 66 | ||
二、上年结转政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | 2 | ||
三、本年度办理结果 | (一)予以公开 | 30 | 4 | 0 | 0 | 1 | 0 | 35 | |
"""


def test_pipe_rows_without_a_border_pipe_and_with_padding_runs_read_every_cell():
    report = parse_report(text=PIPE_NO_BORDER)
    assert _t2(report)[("normative_documents", "in_force")] == 12 and _t2(report)[("licensing", "decisions")] == 58
    assert _row(report, "new") == [58, 7, 0, 0, 1, 0, 66]
    assert _row(report, "granted") == [30, 4, 0, 0, 1, 0, 35]
    assert not _found(report, "unmapped_label") and not _found(report, "extra_cells")


def test_pipe_row_broken_over_lines_with_its_blank_cells_on_lines_of_their_own():
    text = HEAD + """第二十条第(一)项 |
信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |
规章 |
|
|
|
规范性文件 | 2 | 0 | 83 |
"""
    cells = _t2(parse_report(text=text))
    assert [cells[("regulations", m)] for m in ("new_made", "new_published", "total_published")] == [None, None, None]
    assert cells[("normative_documents", "total_published")] == 83


def test_label_line_followed_by_its_values_as_a_pipe_row():
    text = HEAD + """第二十条第(五)项 |
信息内容 |
本年处理决定数量 |
行政许可 |
114 | ||
第二十条第(六)项 |
信息内容 |
本年处理决定数量 |
行政处罚 |
430 | ||
"""
    cells = _t2(parse_report(text=text))
    assert cells[("licensing", "decisions")] == 114 and cells[("punishment", "decisions")] == 430


# --- 2. one cell per line, rows found from labels and column counts -----------------------------


def test_cells_ending_in_pipe_where_a_lone_pipe_is_an_empty_cell_or_a_row_end():
    text = HEAD + """第二十条第(五)项 |
||||
信息内容 |
上一年项目数量 |
本年增/减 |
处理决定数量 |
|
行政许可 |
7 |
|
12 |
|
其他对外管理服务事项 |
0 |
0 |
0 |
|
"""
    cells = _t2(parse_report(text=text))
    assert [cells[("licensing", m)] for m in ("prior_items", "change", "decisions")] == [7, None, 12]
    assert [cells[("other_services", m)] for m in ("prior_items", "change", "decisions")] == [0, 0, 0]


def test_cells_separated_by_lines_holding_only_a_pipe_and_a_header_cell_over_two_lines():
    text = HEAD + "\n|\n".join(["第二十条第(一)项", "信息内容", "本年新\n制作数量", "本年新\n公开数量", "对外公开总数量",
                                "规章", "0", "0", "0", "规范性文件", "5", "4", "31"]) + "\n|\n"
    cells = _t2(parse_report(text=text))
    assert [cells[("normative_documents", m)] for m in ("new_made", "new_published", "total_published")] == [5, 4, 31]


def test_rows_opened_by_a_lone_pipe_line():
    text = HEAD + "第二十条第(一)项 |\n|||\n|\n信息内容 |\n本年制发件数 |\n本年废止件数 |\n现行有效件数 |\n|\n规章 |\n1 |\n0 |\n4 |\n|\n"
    text += "行政规范性文件 |\n6 |\n2 |\n40 |\n"
    cells = _t2(parse_report(text=text))
    assert [cells[("regulations", m)] for m in ("made", "repealed", "in_force")] == [1, 0, 4]
    assert [cells[("normative_documents", m)] for m in ("made", "repealed", "in_force")] == [6, 2, 40]


def test_blank_lines_between_every_cell_and_table3_rows_found_by_their_labels():
    cells = [T3_NOTE, "申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
             "一、本年新收政府信息公开申请数量", *"5 1 0 0 0 0 6".split(),
             "二、上年结转政府信息公开申请数量", *"0 0 0 0 0 0 0".split(),
             "三、本年度办理结果", "(一)予以公开", *"3 1 0 0 0 0 4".split()]
    report = parse_report(text=HEAD + "三、收到和处理政府信息公开申请情况\n\n" + "\n\n".join(cells) + "\n")
    assert _row(report, "new") == [5, 1, 0, 0, 0, 0, 6] and _row(report, "granted") == [3, 1, 0, 0, 0, 0, 4]


# --- 3. Traditional-character mirrors with pinyin glosses ---------------------------------------


def test_traditional_mirror_with_pinyin_glosses_reads_labels_units_title_and_keeps_printed_raw():
    text = """某某縣某某鎮2021年政府信息公開工作年度報(bào)告
本報(bào)告所列數(shù)據(jù)的統(tǒng)計(jì)期限自2021年1月1日至2021年12月31日。
二、主動(dòng)公開政府信息情況
第二十條第(一)項(xiàng) | |||
信息內(nèi)容 | 本年制發(fā)件數(shù) | 本年廢止件數(shù) | 現(xiàn)行有效件數(shù) |
規(guī)章 | 0 | 0 | 0 |
行政規(guī)範(fàn)性文件 | 2 | 0 | 9 |
第二十條第(八)項(xiàng) | |||
信息內(nèi)容 | 本年收費(fèi)金額(單位:萬(wàn)元) | ||
行政事業(yè)性收費(fèi) | 12.5 | ||
"""
    report = parse_report(text=text)
    cells = {(r["item"], r["measure"]): r for r in report.table2.iter_rows(named=True)}
    assert cells[("normative_documents", "in_force")]["value"] == 9
    assert cells[("fees", "fee_amount")]["value"] == 12.5 and cells[("fees", "fee_amount")]["unit"] == "万元"
    assert report.report["year"] == 2021 and report.report["template"] == "2021"


def test_a_simplified_report_is_never_converted():
    from govdata.read import read_document

    doc = read_document(text="某某局2022年政府信息公开工作年度报告\n主动公开政府信息32条。\n")
    assert not doc.is_traditional and not doc.has_glosses and doc.norm_lines[1] == "主动公开政府信息32条。"


# --- 4. labels that are not verbatim ------------------------------------------------------------


def test_filling_instructions_left_in_labels_are_read_without_them():
    text = HEAD + """第二十条第(五)项 |
信息内容 | 上一年项目数量 (指2021年事项数) | 本年增/减 (指2022年增加或减少的事项数,减用负值表示,如-8) | 处理决定数量 (指2022年办件量) |
行政许可 | 71 | -11 | 30 |
其他对外管理服务事项(指行政许可以外的事项) | 4 | 0 | 2 |
"""
    cells = _t2(parse_report(text=text))
    assert [cells[("licensing", m)] for m in ("prior_items", "change", "decisions")] == [71, -11, 30]
    assert cells[("other_services", "decisions")] == 2


def test_label_with_characters_dropped_is_read_by_similarity_and_reported():
    text = HEAD + f"三、收到和处理政府信息公开申请情况\n{T3_NOTE}\n(三)不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
    text += "2.其他法律行政止公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n"
    report = parse_report(text=text)
    assert _row(report, "withheld.prohibited_by_law") == [1, 0, 0, 0, 0, 0, 1]
    [finding] = _found(report, "fuzzy_label")
    assert finding["severity"] == "warning" and finding["line"] == 6 and "withheld.prohibited_by_law" in finding["message"]
    assert 0.8 <= finding["actual"] < 1


def test_label_far_from_every_known_label_stays_unmapped_and_its_values_unread():
    text = HEAD + f"三、收到和处理政府信息公开申请情况\n{T3_NOTE}\n(五)不予处理 | 6.其他不予处理情形 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n"
    report = parse_report(text=text)
    assert not report.table3.height
    assert any("其他不予处理情形" in f["message"] for f in _found(report, "unmapped_label"))


def test_converter_localised_word_and_stray_spaces_inside_labels():
    text = "某某鎮2020年政府信息公開工作年度報告\n統計期限自2020年1月1日至2020年12月31日。\n第二十條第(一)項 |\n"
    text += "信息內容 | 本年新制作數量 | 本年新公開數量 | 對外公開總數量 |\n規範性檔案 | 1 | 1 | 7 |\n規 章 | 0 | 0 | 0 |\n"
    cells = _t2(parse_report(text=text))
    assert cells[("normative_documents", "total_published")] == 7 and cells[("regulations", "new_made")] == 0


# --- 5. sparse grids ----------------------------------------------------------------------------


def test_all_blank_row_is_null_cells_and_blank_total_column_stays_null():
    # the last row prints all seven values, so the grid's value columns are known
    rows = [f"{T3_NOTE}\t\t\t申请人情况", "一、本年新收政府信息公开申请数量\t\t\t2\t0\t0\t0\t0\t0\t",
            "二、上年结转政府信息公开申请数量\t\t\t\t\t\t\t\t\t", "三、本年度办理结果\t(一)予以公开\t\t2\t0\t0\t0\t0\t0\t",
            "四、结转下年度继续办理\t\t\t0\t0\t0\t0\t0\t0\t0"]
    report = parse_report(text=HEAD + "\n".join(rows) + "\n")
    assert _row(report, "carried_over") == [None] * 7
    assert _row(report, "new") == [2, 0, 0, 0, 0, 0, None]


def test_value_less_other_row_in_a_2019_table_is_the_2019_row_not_the_2021_group():
    text = HEAD + f"三、收到和处理政府信息公开申请情况\n{T3_NOTE}\n"
    text += "(五)不予处理 | 5.要求行政机关确认或重新出具已获取信息 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
    text += "(六)其他处理 | | | | | | | |\n(七)总计 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
    report = parse_report(text=text)
    assert _row(report, "other") == [None] * 7
    assert "other.other" not in {r for r, _ in _t3(report)}


def test_html_copied_out_of_a_script_string_keeps_its_escaped_span_quotes():
    page = ("<html><body><p>某某局2022年政府信息公开工作年度报告</p><table>"
            r"<tr><td colspan=\"2\">信息内容</td><td>本年处理决定数量</td></tr>"
            r"<tr><td colspan=\"2\">行政许可</td><td>9</td></tr></table></body></html>")
    from govdata.read import read_document

    assert read_document(raw=page.encode()).lines[1:] == ("信息内容\t\t本年处理决定数量", "行政许可\t\t9")


# --- 6. pages that begin mid-table --------------------------------------------------------------


def test_page_that_starts_inside_table3_is_found_by_its_row_labels_and_single_space_cells():
    page = """某某区某某局2023年政府信息公开工作年度报告
3.危及“三安全一稳定” 0 0 0 0 0 0 0
4.保护第三方合法权益 1 0 0 0 0 0 1
5.属于三类内部事务信息 0 0 0 0 0 0 0
(四)无法提供 1.本机关不掌握相关政府信息 4 1 0 0 0 0 5
"""
    report = parse_report(text=page)
    assert _row(report, "withheld.third_party") == [1, 0, 0, 0, 0, 0, 1]
    assert _row(report, "unable.not_held") == [4, 1, 0, 0, 0, 0, 5]


def test_stacked_header_characters_of_pdf_text_are_joined():
    rows = ["\t".join(["结", "结", "其", "尚", "总"] * 3), "\t".join(["果", "果", "他", "未", ""] * 3),
            "\t".join(["维", "纠", "结", "审", "计"] * 3), "\t".join(["持", "正", "果", "结", ""] * 3),
            "\t".join(str(n) for n in [1, 0, 0, 0, 1, 2, 1, 0, 0, 3, 0, 0, 0, 0, 0])]
    text = HEAD + "三、收到和处理政府信息公开申请情况\n四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0\n"
    text += "四、政府信息公开行政复议、行政诉讼情况\n"
    text += "行政复议\t行政诉讼\n" + "\n".join(rows) + "\n五、存在的主要问题及改进情况\n"
    report = parse_report(text=text)
    assert report.table4["value"].to_list()[:5] == [1, 0, 0, 0, 1]
    assert not _found(report, "header_mismatch")


# --- 7. text that stops mid-table ---------------------------------------------------------------


def test_row_cut_by_the_end_of_the_text_keeps_its_complete_leading_cells():
    text = PIPE_NO_BORDER + "(二)部分公开(区分处理的,只计这一情形,不计其他情形) | 4 | 0 | 1"
    report = parse_report(text=text)
    assert _row(report, "partial") == [4, 0, None, None, None, None, None]  # "1" may be the start of 12
    assert any(f["scope"] == "table=table3" for f in _found(report, "truncated_table"))


def test_a_cut_row_ending_in_zero_keeps_it_no_count_starts_with_zero():
    report = parse_report(text=PIPE_NO_BORDER + "(二)部分公开(区分处理的,只计这一情形,不计其他情形) | 4 | 0 | 0")
    assert _row(report, "partial")[:3] == [4, 0, 0]


def test_header_cells_cut_to_their_first_characters_are_read_in_the_forms_column_order():
    text = HEAD + "第二十条第(一)项 |\n信息内容 |\n本年新 |\n本年新 |\n对外公开总数量 |\n|\n规章 |\n0 |\n0 |\n0 |\n|\n"
    text += "规范性文件 |\n13 |\n11 |\n40 |\n|\n"
    report = parse_report(text=text)
    assert [_t2(report)[("normative_documents", m)] for m in ("new_made", "new_published", "total_published")] == [13, 11, 40]
    [finding] = _found(report, "header_assumed")
    assert finding["severity"] == "warning" and finding["line"] == 5


def test_text_cut_inside_table2_reports_the_later_tables_as_cut_not_missing():
    report = parse_report(text=PIPE_NO_BORDER.split("三、收到")[0] + "第二十条第(六)项 | |||\n信息内容 | 本年处理决定数量 |\n行政处罚 | 4")
    assert {f["scope"] for f in _found(report, "truncated_table")} >= {"table=table3", "table=table4"}
    assert not _found(report, "missing_table")


# --- 8. tables converted from PDF ---------------------------------------------------------------


def test_cell_holding_a_number_and_a_note_reads_the_number():
    text = HEAD + "第二十条第(一)项\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
    text += "行政规范性文件 | 22 （其中修订 16 件） | 3 | 120 |\n"
    assert _t2(parse_report(text=text))[("normative_documents", "made")] == 22


def test_page_footer_inside_a_table_is_not_a_row():
    rows = ["3.危及“三安全一稳定” 0 0 0 0 0 0 0", "— 3 —", "4.保护第三方合法权益 2 0 0 0 0 0 2", "第 4 页",
            "5.属于三类内部事务信息 0 0 0 0 0 0 0"]
    report = parse_report(text=HEAD + "三、收到和处理政府信息公开申请情况\n" + T3_NOTE + "\n" + "\n".join(rows) + "\n")
    assert _row(report, "withheld.security_stability") == [0] * 7
    assert _row(report, "withheld.third_party") == [2, 0, 0, 0, 0, 0, 2]


def test_ocr_misread_character_in_a_label_is_read_by_similarity():
    text = HEAD + f"三、收到和处理政府信息公开申请情况\n{T3_NOTE}\n一、本年新收政府信息公开申清数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n"
    report = parse_report(text=text)
    assert _row(report, "new") == [3, 0, 0, 0, 0, 0, 3] and _found(report, "fuzzy_label")


def test_markdown_heading_marks_and_separator_rows_are_layout():
    text = HEAD + f"## 三、收到和处理政府信息公开申请情况\n{T3_NOTE}\n### 一、本年新收政府信息公开申请数量\n"
    text += "| 类别 | 数据1 | 总计 |\n|---|---|---|\n"
    text += "| 本年新收政府信息公开申请数量 | 7 | 0 | 0 | 0 | 0 | 0 | 7 |\n"
    assert _row(parse_report(text=text), "new") == [7, 0, 0, 0, 0, 0, 7]


# --- 9. hybrid templates ------------------------------------------------------------------------


def test_2021_table2_with_a_2019_single_other_row_follows_table2_and_reports_the_hybrid():
    text = HEAD + """第二十条第(一)项
信息内容\t本年制发件数\t本年废止件数\t现行有效件数
规章\t0\t0\t0
三、收到和处理政府信息公开申请情况
(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t\t\t申请人情况
\t(六)其他处理\t\t1\t0\t0\t0\t0\t0\t1
\t(七)总计\t\t1\t0\t0\t0\t0\t0\t1
"""
    report = parse_report(text=text)
    assert report.report["template"] == "2021"
    assert _row(report, "other") == [1, 0, 0, 0, 0, 0, 1]
    [finding] = _found(report, "hybrid_template")
    assert finding["severity"] == "warning" and "2019" in finding["message"]


def test_2019_table2_headers_in_a_later_year_make_a_2019_template_report():
    text = HEAD.replace("2022", "2023") + "第二十条第(一)项\n信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |\n"
    text += "规章 | 0 | 0 | 0 |\n"
    assert parse_report(text=text).report["template"] == "2019"


# --- pipe rows broken at their blank cells, padded to the grid's width --------------------------

PIPE_BROKEN_AND_PADDED = HEAD + f"""三、收到和处理政府信息公开申请情况
{T3_NOTE} | 申请人情况 | ||||||||
自然人 | 法人或其他组织 | 总计 | |||||||
商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | |||||
一、本年新收政府信息公开申请数量 | 9 | 1 | 0 | 0 |
|
2 | 12 | ||
二、上年结转政府信息公开申请数量 | 1 |
|
0 | 0 | 0 |
|
| ||
三、本年度办理结果 | (一)予以公开 | 5 | 1 | 0 | 0 |
|
1 | 7 | |
(二)部分公开(区分处理的,只计这一情形,不计其他情形) | 2 | 0 |
|
0 | 0 |
|
2 | ||
"""


def test_a_pipe_row_broken_at_a_blank_with_a_padding_run_after_it_reads_the_blank_in_its_column():
    # `| ||` on a line of its own is a blank cell and then the row's padding, as `0 | ||` pads a
    # line of numbers; a row with two labels prints one pipe of padding fewer
    report = parse_report(text=PIPE_BROKEN_AND_PADDED)
    assert _row(report, "new") == [9, 1, 0, 0, None, 2, 12]
    assert _row(report, "carried_over") == [1, None, 0, 0, 0, None, None]
    assert _row(report, "granted") == [5, 1, 0, 0, None, 1, 7]
    assert _row(report, "partial") == [2, 0, None, 0, 0, None, 2]
    assert not _found(report, "ambiguous_cells") and not _found(report, "missing_cells")


def test_a_table4_row_broken_at_its_blank_with_an_extra_column_reads_the_bar_as_the_blank():
    text = PIPE_BROKEN_AND_PADDED + """
四、政府信息公开行政复议、行政诉讼情况
行政复议 | 行政诉讼 | |
结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 | |
结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | |
4 | 1 | 1 | 0 | 6 | 0 | 0 |
|
2 | 1 | 1 | 1 | 0 | 1 | 3 | |
"""
    report = parse_report(text=text)
    values = [r["value"] for r in report.table4.iter_rows(named=True)]
    assert values == [4, 1, 1, 0, 6, 0, 0, None, 2, 1, 1, 1, 0, 1, 3]


# --- PDF text: an item with nothing printed, cut labels with their tails below ------------------


def test_a_table2_item_printed_alone_before_the_next_block_is_blank():
    text = HEAD + """第二十条第（八）项
信息内容 上一年项目数量 本年增/减
行政事业性收费
第二十条第（九）项
信息内容 采购项目数量 采购总金额
政府集中采购 4 1200.5元
"""
    report = parse_report(text=text)
    cells = _t2(report)
    assert cells[("fees", "prior_items")] is None and cells[("fees", "change")] is None
    assert cells[("procurement", "procurement_items")] == 4


def test_a_long_row_label_cut_at_a_line_break_with_its_numbers_is_read_from_its_start():
    text = HEAD + T3_PDF_TEXT_HEAD + """一、本年新收政府信息公开申请数量 6 0 0 0 0 0 6
二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0
1.申请人无正当理由逾期不补正、行政机关不再 2 0 0 0 0 0 2
处理其政府信息公开申请
（六）其他处理
2.申请人逾期未按收费通知要求缴纳费用、行政 0 0 0 0 0 0 0
机关不再处理其政府信息公开申请
3.其他 1 0 0 0 0 0 1
"""
    report = parse_report(text=text)
    assert _row(report, "other.no_amendment") == [2, 0, 0, 0, 0, 0, 2]
    assert _row(report, "other.unpaid_fee") == [0] * 7
    assert not [f for f in _found(report, "unmapped_label") if "申请人" in f["message"]]


def test_a_fused_table2_row_is_not_guessed_when_a_blank_cell_could_stand_anywhere():
    # 表二 has no sum to check a reading against: `行政许可170` may be 1|7|0 or 17|0|blank
    text = HEAD + "第二十条第（五）项 信息内容上一年项目数量本年增/减处理决定数量行政许可170其他对外管理服务事项000\n"
    report = parse_report(text=text)
    cells = _t2(report)
    assert [cells.get(("licensing", m)) for m in ("prior_items", "change", "decisions")] == [None, None, None]
    assert any("170" in f["message"] for f in _found(report, "ambiguous_cells"))


def test_a_row_of_blank_cells_with_padding_reads_blank_wherever_its_blanks_stand():
    text = HEAD + f"""{T3_NOTE} | 申请人情况 | ||||||||
自然人 | 法人或其他组织 | 总计 | |||||||
商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | |||||
一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 | ||
三、本年度办理结果 | (一)予以公开 | | | | | | | | |
"""
    report = parse_report(text=text)
    assert _row(report, "granted") == [None] * 7 and not _found(report, "ambiguous_cells")


def test_a_short_row_label_whose_long_spelling_goes_on_below_is_joined_with_its_tail():
    text = HEAD + T3_PDF_TEXT_HEAD + """一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3
1.申请人无正当理由逾期不补正
、行政机关不再处理其政府信息公
开申请
3 0 0 0 0 0 3
"""
    report = parse_report(text=text)
    assert _row(report, "other.no_amendment") == [3, 0, 0, 0, 0, 0, 3]
    assert not _found(report, "unmapped_label")


def test_a_table2_block_run_into_its_heading_is_reported_not_read():
    text = HEAD + "第二十条第（一）项信息内容本年新本年新对外公开总数量规章0038(其中修订34件)规范性文件5348183\n"
    report = parse_report(text=text)
    assert report.table2.filter(report.table2["item"].is_in(["regulations", "normative_documents"])).height == 0
    assert any("第(一)项" in f["message"] for f in _found(report, "unmapped_label"))


def test_a_cut_row_in_a_table_that_prints_no_blank_cells_is_not_read_by_position():
    # PDF text drops blank cells (`0 0 0 0 0` for seven columns): where the text stops inside a row,
    # the numbers left cannot be placed in their columns
    text = HEAD + T3_PDF_TEXT_HEAD + """一、本年新收政府信息公开申请数量 5 0 0 0 0 5
二、上年结转政府信息公开申请数量 1 0 0 0 0 0 1
三、本年度办理结果
（一）予以公开 4 0 0"""
    report = parse_report(text=text)
    assert _row(report, "granted") == [None] * 7
    assert any("无法对应到列" in f["message"] for f in _found(report, "truncated_table"))


def test_taiwan_vocabulary_of_a_localising_mirror_reads_as_the_forms_words():
    from govdata.normalize import simplify

    assert simplify("上一年專案數量 採購專案數量") == "上一年项目数量 采购项目数量"


def test_a_table4_values_row_opening_with_a_blank_in_a_grid_with_an_extra_column_is_read():
    # every header row prints an empty cell after its labels: the values row's last empty cell is
    # that column, so its first empty cell (a borderless table's row opening with |) is the blank
    text = PIPE_BROKEN_AND_PADDED + """
四、政府信息公开行政复议、行政诉讼情况
行政复议 | 行政诉讼 | |
结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 | |
结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | |
| 1 | 0 | 0 | 1 | 0 | | 0 | 0 | | | 2 | 0 | | 2 | |
"""
    values = [r["value"] for r in parse_report(text=text).table4.iter_rows(named=True)]
    assert values == [None, 1, 0, 0, 1, 0, None, 0, 0, None, None, 2, 0, None, 2]


def test_one_number_split_at_a_space_in_pdf_text_is_not_taken_for_a_repeated_cell():
    # `行政强制 1 1` under one column: 11 cut in two by the PDF's text layer, not 1 printed twice
    text = HEAD + "第二十条第（六）项\n信息内容 处理决定数量\n行政处罚 0\n行政强制 1 1\n第二十条第（八）项\n"
    report = parse_report(text=text)
    assert _t2(report)[("enforcement", "decisions")] == 11
    assert [f["message"] for f in _found(report, "recovered_cells") if "1 1" in f["message"]]
    assert not _found(report, "extra_cells")


def test_the_2019_other_handling_row_printed_as_its_label_alone_is_blank():
    # one cell per line with blank cells dropped: in the 2019 form (六)其他处理 is a row, not the
    # heading of 2021's sub-rows, so its label alone is a row of blanks, like any other row's
    cells = ["一、本年新收政府信息公开申请数量", *["1", "0", "0", "0", "0", "0", "1"], "(五)不予处理", "1.信访举报投诉类申请",
             *["0"] * 7, "(六)其他处理", "(七)总计", *["1", "0", "0", "0", "0", "0", "1"]]
    text = HEAD + f"三、收到和处理政府信息公开申请情况\n\n{T3_NOTE}\n\n申请人情况\n\n" + "".join(f"{cell}\n\n" for cell in cells)
    report = parse_report(text=text)
    read = _t3(report)
    assert [read.get(("other", requester), "unread") for requester in ("natural_person", "total")] == [None, None]
    assert _row(report, "total") == [1, 0, 0, 0, 0, 0, 1]


def test_a_table4_values_row_opening_with_blanks_broken_onto_lines_of_their_own_is_read():
    text = PIPE_BROKEN_AND_PADDED + """
四、政府信息公开行政复议、行政诉讼情况
行政复议 | 行政诉讼 |
结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 |
结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |
|
|
1 | 0 | 0 | 1 | 2 |
|
|
0 | 1 | 0 | 0 | 1 | 0 |
"""
    values = [r["value"] for r in parse_report(text=text).table4.iter_rows(named=True)]
    assert values == [None, None, 1, 0, 0, 1, 2, None, None, 0, 1, 0, 0, 1, 0]


def test_a_table4_row_after_a_padding_run_keeps_its_opener_out_of_its_cells():
    # one cell per line, each row opened by a lone |, the header padded by a run of pipes
    def lines(*cells: str) -> str:
        return "|\n" + "".join(f"{cell} |\n" for cell in cells)
    values = ["0", "|", "|", *["0"] * 9, "|", "2", "|"]
    text = (PIPE_BROKEN_AND_PADDED + "\n四、政府信息公开行政复议、行政诉讼情况\n\n" + lines("行政复议", "行政诉讼") + "|||||||||||||\n"
            + lines("结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉") + "||||||||\n"
            + lines(*["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3) + "|||||\n|\n"
            + "".join("|\n" if value == "|" else f"{value} |\n" for value in values))
    read = [r["value"] for r in parse_report(text=text).table4.iter_rows(named=True)]
    assert read == [None if value == "|" else int(value) for value in values]


def test_header_words_cut_short_and_split_at_a_space_are_joined_into_their_column():
    from govdata.labels import split_at_labels

    assert split_at_labels("信息内容 上一年项目数量 本年 增/ 处理决定数量", "table2") == [
        "信息内容", "上一年项目数量", "本年增/", "处理决定数量"]
    assert split_at_labels("信息内容 本年新 本 年新 对外公开总数量", "table2") == ["信息内容", "本年新", "本年新", "对外公开总数量"]


def test_a_label_cut_at_a_line_break_is_found_only_when_its_start_names_one_row():
    from govdata.labels import fuzzy_lookup

    # similarity alone misses it: the form also knows the short spelling 申请人无正当理由逾期不补正
    label, score = fuzzy_lookup("table3", ("row",), "1.申请人无正当理由逾期不补正、行政机关不再")
    assert label.key == "other.no_amendment" and score >= 0.8
    assert fuzzy_lookup("table3", ("row",), "1.申请人") is None  # too short to name a row alone


# --- values on a line of their own opening with a border | under labels that print none ---------

_T3_BORDERED_VALUES = HEAD + f"""三、收到和处理政府信息公开申请情况
{T3_NOTE} |
| 申请人情况 |  |  |  |  |  |  |  |
自然人 |
法人或其他组织 |
| 总计 |  |  |  |  |  |  |
商业企业 |
科研机构 |
社会公益组织 |
法律服务机构 |
| 其他 |  |  |  |  |  |
一、本年新收政府信息公开申请数量 |
| 5 | 1 | 0 | 0 | 0 | 0 | 6 |  |  |
二、上年结转政府信息公开申请数量 |
| 0 | 0 | 0 | 0 | 0 | 0 | 0 |  |  |
三、本年度办理结果 |
(一)予以公开 |
| 4 | 1 | 0 | 0 | 0 | 0 |
"""


def test_a_border_bar_before_a_short_row_of_values_is_not_a_blank_first_cell():
    # every values row opens with `| `, so the table's values start one grid column in; the 予以公开
    # row prints six cells, and the border before them is no blank 自然人 cell (which would shift
    # 4 | 1 | 0 … one column right)
    mid_table = parse_report(text=_T3_BORDERED_VALUES + "(二)部分公开 |\n| 0 | 0 | 0 | 0 | 0 | 0 | 0 |  |  |\n")
    assert _row(mid_table, "new") == [5, 1, 0, 0, 0, 0, 6]
    assert _row(mid_table, "granted")[0] in (4, None) and _row(mid_table, "granted")[1] in (1, None)
    assert _row(mid_table, "granted") != [None, 4, 1, 0, 0, 0, 0]
    cut_in_the_row = parse_report(text=_T3_BORDERED_VALUES)  # the text stops inside the row: its first six cells are read
    assert _row(cut_in_the_row, "granted") == [4, 1, 0, 0, 0, 0, None]
    assert _found(cut_in_the_row, "truncated_table")


def test_a_page_that_opens_at_a_bordered_table2_header_finds_table2():
    # a page excerpt beginning at the 信息内容 header row of 表二, printed as markdown pipe rows
    text = ("二、主动公开政府信息情况\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n"
            "| 规章 | 0 | 0 | 2 |\n| 行政规范性文件 | 3 | 1 | 7 |\n")
    assert _t2(parse_report(text=text))[("normative_documents", "made")] == 3


def test_pipe_rows_that_print_no_closing_bar_are_a_row_a_line():
    # markdown without outer pipes: no line ends in `|`, so no line is a row continued on the next
    text = HEAD + ("二、主动公开政府信息情况\n第二十条第(一)项\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n---|---|---|---\n"
                   "规章 | 0 | 0 | 2\n行政规范性文件 | 3 | 1 | 7\n三、收到和处理政府信息公开申请情况\n"
                   f"{T3_NOTE} | 申请人情况\n自然人 | 法人或其他组织 | 总计\n商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他\n"
                   "一、本年新收政府信息公开申请数量 | 3 | 1 | 0 | 0 | 0 | 0 | 4\n"
                   "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n")
    report = parse_report(text=text)
    assert _t2(report)[("normative_documents", "made")] == 3
    assert _row(report, "new") == [3, 1, 0, 0, 0, 0, 4]
    assert _row(report, "carried_over") == [0] * 7


def test_values_below_two_wrapped_row_labels_are_placed_by_the_forms_row_order_not_given_to_the_second():
    # PDF text of a table whose cells were written apart: two row labels, each wrapped, then one line
    # of values that is the first label's row; the second row's values come after the rows that
    # follow. Only the form's row order between rows printed with their values tells them apart.
    rows = ("一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3\n二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0\n"
            "三、本年度办理结果 (一)予以公开 0 0 0 0 0 0 0\n(二)部分公开 0 0 0 0 0 0 0\n(三)不予公开 1.属于国家秘密 0 0 0 0 0 0 0\n"
            "2.其他法律行政法规禁止公开 0 0 0 0 0 0 0\n3.危及“三安全一稳定” 0 0 0 0 0 0 0\n4.保护第三方合法权益 0 0 0 0 0 0 0\n"
            "5.属于三类内部事务信\n息\n1.本机关不掌握相关政\n府信息\n1 0 0 0 0 0 1\n6.属于四类过程性信息 0 0 0 0 0 0 0\n"
            "7.属于行政执法案卷 0 0 0 0 0 0 0\n8.属于行政查询事项 0 0 0 0 0 0 0\n2 0 0 0 0 0 2\n"
            "(四)无法提供 2.没有现成信息需要另行制作 0 0 0 0 0 0 0\n")
    report = parse_report(text=HEAD + T3_PDF_TEXT_HEAD + rows)
    assert _row(report, "unable.not_held") in ([2, 0, 0, 0, 0, 0, 2], [None] * 7)
    assert _row(report, "withheld.internal_affairs") in ([1, 0, 0, 0, 0, 0, 1], [None] * 7)
    assert _row(report, "unable.not_held") == [2, 0, 0, 0, 0, 0, 2]
    assert _found(report, "recovered_cells")  # placed by the form's order, and said so


def test_a_change_printed_in_words_stays_one_cell_in_a_table_run_onto_one_line():
    # a page flattened to one line with spaces: 减2 (a decrease of 2) is one cell of 本年增/减, not a
    # blank 减 and a 2 that could join the next number into 20
    text = ("二、主动公开政府信息情况\n第二十条第(五)项\n信息内容 上一年项目数量 本年增/减 处理决定数量\n"
            "行政许可 6 减1 38 其他对外管理服务事项 3 减2 0 第二十条第(六)项\n")
    cells = _t2(parse_report(text=text))
    assert [cells[("licensing", m)] for m in ("prior_items", "change", "decisions")] == [6, -1, 38]
    assert [cells[("other_services", m)] for m in ("prior_items", "change", "decisions")] == [3, -2, 0]


def test_numbers_of_a_table_run_onto_one_line_are_never_joined_as_a_cut_column_heading():
    # `2 0` reads as the start of a heading such as 2020年… only if numbers could be headings; they cannot
    text = ("二、主动公开政府信息情况\n第二十条第(一)项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n"
            "规章 2 0 2 行政规范性文件 12 0 3\n第二十条第(五)项\n")
    cells = _t2(parse_report(text=text))
    assert [cells.get(("regulations", m)) for m in ("made", "repealed", "in_force")] == [2, 0, 2]
    assert [cells.get(("normative_documents", m)) for m in ("made", "repealed", "in_force")] == [12, 0, 3]


def test_a_row_label_the_end_of_the_text_cut_does_not_hide_the_row_before_it_on_one_line():
    text = (HEAD + T3_PDF_TEXT_HEAD + "一、本年新收政府信息公开申请数量 2 0 0 0 1 0 3 二、上年结转政府信息")
    assert _row(parse_report(text=text), "new") == [2, 0, 0, 0, 1, 0, 3]


def _cell_lines(*rows: tuple[str, ...]) -> str:
    """One cell a line, a blank line after each row."""
    return "".join("\n".join(row) + "\n\n" for row in rows)


def test_a_label_alone_is_not_read_blank_where_rows_of_values_without_labels_show_cells_written_apart():
    # one cell per line; 5.属于三类内部事务信息 and 1.本机关不掌握… printed together, then one row of values
    # (5's), and 1's values after the 8. row: label-less rows of values say the cells were written apart
    zeros = ("0",) * 7
    rows = _cell_lines(("一、本年新收政府信息公开申请数量", "3", "0", "0", "0", "0", "0", "3"),
                       ("二、上年结转政府信息公开申请数量", *zeros),
                       ("三、本年度办理结果", "(一)予以公开", *zeros), ("(二)部分公开", *zeros), ("(三)不予公开", "1.属于国家秘密", *zeros),
                       ("2.其他法律行政法规禁止公开", *zeros), ("3.危及“三安全一稳定”", *zeros), ("4.保护第三方合法权益", *zeros),
                       ("5.属于三类内部事务信息", "1.本机关不掌握相关政府信息", "1", "0", "0", "0", "0", "0", "1"),
                       ("6.属于四类过程性信息", *zeros), ("7.属于行政执法案卷", *zeros), ("8.属于行政查询事项", *zeros),
                       ("2", "0", "0", "0", "0", "0", "2"), ("(四)无法提供", "2.没有现成信息需要另行制作", *zeros))
    report = parse_report(text=HEAD + f"三、收到和处理政府信息公开申请情况\n{T3_NOTE}\n\n申请人情况\n\n" + rows)
    assert _row(report, "withheld.internal_affairs") == [1, 0, 0, 0, 0, 0, 1]
    assert _row(report, "unable.not_held") == [2, 0, 0, 0, 0, 0, 2]


def test_a_table2_that_opens_at_its_header_printed_one_cell_a_line_is_found():
    # a page excerpt beginning at 信息内容 with every cell on a line of its own: the first 第二十条 block
    # heading the text has is many lines further on
    cells = _cell_lines(("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"), ("规章", "0", "0", "1"),
                        ("行政规范性文件", "4", "0", "9"),
                        ("第二十条第(五)项",), ("信息内容", "本年处理决定数量"), ("行政许可", "12"))
    assert _t2(parse_report(text=HEAD + "二、主动公开政府信息情况\n" + cells))[("normative_documents", "made")] == 4


@pytest.mark.parametrize(("header", "item", "values", "truth"), [
    ("信息内容 上一年项目 本年增/减 处理决定\n数量 数量", "行政许可", "15 3 20", {"prior_items": 15, "change": 3, "decisions": 20}),
    ("信息内容 本年制发 本年废止 现行有效\n件数 件数 件数", "规章", "0 1 2", {"made": 0, "repealed": 1, "in_force": 2}),
    ("信息内容 本年新制 本年新公 对外公开\n作数量 开数量 总数量", "规章", "0 1 2",
     {"new_made": 0, "new_published": 1, "total_published": 2}),
], ids=["some_columns_wrapped", "every_column_wrapped", "every_column_cut_mid_word"])
def test_a_table2_header_whose_cells_wrap_onto_a_second_line_of_pdf_text_is_read(header, item, values, truth):
    block = "(五)" if item == "行政许可" else "(一)"
    text = f"二、主动公开政府信息情况\n第二十条第{block}项\n{header}\n{item} {values}\n"
    cells = _t2(parse_report(text=text))
    item_key = "licensing" if item == "行政许可" else "regulations"
    assert {measure: cells.get((item_key, measure)) for measure in truth} == truth


def test_header_lines_are_joined_only_where_one_placement_makes_every_word_a_label():
    from govdata.parse import _stacked_header_words

    assert _stacked_header_words(["信息内容", "上一年项目", "本年增/减", "处理决定"], ["数量", "数量"], "table2") == [
        "信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]
    assert _stacked_header_words(["信息内容", "本年制发", "本年废止"], ["规章"], "table2") is None  # an item row, no header part


def test_a_value_stuck_to_the_end_of_a_label_spelt_its_own_way_is_the_rows_first_cell():
    # OCR lost the border after the label (and printed a comma for 、): the 9 is the 自然人 cell
    text = (HEAD + "三、收到和处理政府信息公开申请情况\n(六)其他处理 |\n"
            "1.申请人无正当理由逾期不补正，行政机关不再处理其政府信息公开申请9 | 0 | 0 | 0 | 0 | 0 | 9 |\n")
    assert _row(parse_report(text=text), "other.no_amendment") in ([9, 0, 0, 0, 0, 0, 9], [None] * 7)
    assert _row(parse_report(text=text), "other.no_amendment")[0] == 9


def test_a_label_alone_is_not_read_blank_where_one_label_is_followed_by_two_rows_worth_of_values():
    # one cell a line with nothing between rows: the values of 5.属于三类内部事务信息 follow the next
    # label, and 1.本机关不掌握…'s come after the 8. row's own: fourteen numbers after one label say
    # the cells were written apart, so neither label alone is read as a blank row
    zeros = ["0"] * 7
    cells = ["一、本年新收政府信息公开申请数量", "3", "0", "0", "0", "0", "0", "3", "二、上年结转政府信息公开申请数量", *zeros,
             "三、本年度办理结果", "(一)予以公开", *zeros, "(二)部分公开", *zeros, "(三)不予公开", "1.属于国家秘密", *zeros,
             "2.其他法律行政法规禁止公开", *zeros, "3.危及“三安全一稳定”", *zeros, "4.保护第三方合法权益", *zeros,
             "5.属于三类内部事务信息", "1.本机关不掌握相关政府信息", "1", "0", "0", "0", "0", "0", "1",
             "6.属于四类过程性信息", *zeros, "7.属于行政执法案卷", *zeros, "8.属于行政查询事项", *zeros, "2", "0", "0", "0", "0", "0", "2",
             "(四)无法提供", "2.没有现成信息需要另行制作", *zeros]
    report = parse_report(text=HEAD + f"三、收到和处理政府信息公开申请情况\n{T3_NOTE}\n申请人情况\n" + "\n".join(cells) + "\n")
    assert _row(report, "unable.not_held") in ([2, 0, 0, 0, 0, 0, 2], [None] * 7)
    assert _row(report, "withheld.internal_affairs") in ([1, 0, 0, 0, 0, 0, 1], [None] * 7)


def test_a_line_without_the_tab_marker_does_not_continue_a_number():
    # every cell a line after a tab; a block heading printed without one starts the next block, it
    # is no continuation of the number above it
    lines = ["\t信息内容", "\t本年制发件数", "\t本年废止件数", "\t现行有效件数", "\t规章", "\t0", "\t1", "\t2", "\t行政规范性文件",
             "\t3", "\t0",
             "\t5", "第二十条第(五)项", "\t信息内容", "\t本年处理决定数量", "\t行政许可", "\t7"]
    cells = _t2(parse_report(text="二、主动公开政府信息情况\n第二十条第(一)项\n" + "\n".join(lines) + "\n"))
    assert [cells.get(("normative_documents", m)) for m in ("made", "repealed", "in_force")] == [3, 0, 5]
    assert cells.get(("licensing", "decisions")) == 7


def test_a_heading_cut_short_and_split_at_a_space_is_joined_even_when_its_tail_resembles_a_label():
    # 现 行有效件 (现行有效件数 cut and spaced): 行有效件 alone resembles 现行有效件数, yet it is the tail of 现
    text = "二、主动公开政府信息情况\n第二十条第(一)项\n信息内容 本年制发件数 本年废止件数 现 行有效件\n规章 0 0 5\n第二十条第(五)项\n"
    cells = _t2(parse_report(text=text))
    assert [cells.get(("regulations", m)) for m in ("made", "repealed", "in_force")] == [0, 0, 5]


# --- found by a long run of the layout families (each failed before its fix) ---------------------

_T4_HEADER_ROWS = (("行政复议", "行政诉讼"), ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"),
                   ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2)


def _t4_pipe_head(*, opener: str = "", close: Callable[[int], str] = lambda cells: " | |") -> str:
    """表四's heading and its three header rows as pipe rows, ``opener`` before each row and
    ``close(its number of cells)`` after it (`` | |``: the grid's extra column)."""
    rows = "".join(opener + " | ".join(row) + close(len(row)) + "\n" for row in _T4_HEADER_ROWS)
    return "四、政府信息公开行政复议、行政诉讼情况\n" + rows


def _t4_page(carried_forward_row: str, head: str, values: str) -> str:
    """A page from 表三's last row over 表四's header and values row to the heading after it."""
    return HEAD + f"三、收到和处理政府信息公开申请情况\n{carried_forward_row}\n{head}{values}五、存在的主要问题及改进情况\n"


def _padded_to(width: int) -> Callable[[int], str]:
    """A header row padded to the grid's ``width`` by one run of pipes."""
    return lambda cells: " | " + "|" * (width - cells)


_T4_HEAD_PIPE = _t4_pipe_head()
_T4_BLANKS_BROKEN = [None, None, 0, 0, 0, 0, None, None, 0, 0, 0, None, 0, 0, 0]


def _t4(report) -> list:
    cells = {(r["proceeding"], r["outcome"]): r["value"] for r in report.table4.iter_rows(named=True)}
    return [cells.get((p, o), "unread") for p in ("review", "litigation_direct", "litigation_after_review")
            for o in ("upheld", "corrected", "other", "pending", "total")]


def test_a_table4_row_opening_with_blanks_each_on_a_line_of_its_own_keeps_the_grids_extra_column_as_padding():
    text = _t4_page("四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", _T4_HEAD_PIPE,
                    "|\n|\n0 | 0 | 0 | 0 |\n|\n|\n0 | 0 | 0 |\n|\n0 | 0 | 0 | |\n")
    assert _t4(parse_report(text=text)) == _T4_BLANKS_BROKEN


def test_a_table4_row_whose_opening_bar_shares_a_line_with_its_blank_first_cell_is_read():
    text = _t4_page("| 四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", _t4_pipe_head(opener="| ", close=lambda cells: " |"),
                    "| |\n|\n0 | 0 | 0 | 0 |\n|\n|\n0 | 0 | 0 |\n|\n0 | 0 | 0 |\n")
    assert _t4(parse_report(text=text)) == _T4_BLANKS_BROKEN


def test_a_heading_cut_short_and_split_where_its_head_resembles_a_label_is_joined():
    text = "二、主动公开政府信息情况\n第二十条第(一)项\n信息内容 本年制发 件数 本年废止件数 现行有效 件\n规章 0 0 3\n第二十条第(五)项\n"
    cells = _t2(parse_report(text=text))
    assert [cells.get(("regulations", m)) for m in ("made", "repealed", "in_force")] == [0, 0, 3]


def test_a_page_that_opens_at_3_qita_right_above_the_total_reads_it_as_the_2021_forms_last_sub_row():
    text = ("3.其他 | 0 | 1 | 0 | 0 | 0 | 0 | 1 |\n(七) 总计 | 4 | 1 | 0 | 0 | 0 | 0 | 5 |\n"
            "四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n")
    assert _row(parse_report(text=text), "other.other") == [0, 1, 0, 0, 0, 0, 1]


def test_a_wrapped_header_row_is_joined_across_a_page_footer():
    text = ("二、主动公开政府信息情况\n第二十条第(九)项\n信息内容 采购项 采购\n第5页 共7页\n目数量 总金额\n政府集中采购 7 2947.67元\n"
            "三、收到和处理政府信息公开申请情况\n")
    cells = _t2(parse_report(text=text))
    assert (cells.get(("procurement", "procurement_items")), cells.get(("procurement", "procurement_amount"))) == (7, 2947.67)


def test_a_blank_first_value_after_a_label_one_column_left_of_the_tables_usual_place_is_a_value():
    # most rows print a group label in a column of their own, so values usually start in the third
    # column; a row without one starts its values in the second, and its blank first cell is a value
    rows = ("三、本年度办理结果 | (一)予以公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n(三)不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
            "(四)无法提供 | 1.本机关不掌握相关政府信息 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n"
            "2.没有现成信息需要另行制作 | | 0 | 0 | 0 | | | 0 |\n(五)不予处理 | 1.信访举报投诉类申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n")
    report = parse_report(text=HEAD + "三、收到和处理政府信息公开申请情况\n" + rows)
    assert _row(report, "unable.needs_creation") == [None, 0, 0, 0, None, None, 0]


def test_a_wrapped_header_row_whose_other_cells_the_copy_cut_short_is_joined():
    # 本年新 | 本年新 cut by the copy, 对外公开总数量 wrapped in its column: joined, then read in the form's order
    text = ("二、主动公开政府信息情况\n第二十条第(一)项\n信息内容 本年新 本年新 对外公开\n总数量\n规章 0 0 3\n规范性文件 8 7 25\n"
            "第二十条第(五)项\n")
    cells = _t2(parse_report(text=text))
    assert [cells.get(("normative_documents", m)) for m in ("new_made", "new_published", "total_published")] == [8, 7, 25]


def test_a_page_footer_inside_table3_does_not_cut_off_the_rows_above_it():
    text = ("3.其他 | 0 | 1 | 0 | 0 | 0 | 0 | 1 |\n第2页 共4页\n(七) 总计 | 4 | 1 | 0 | 0 | 0 | 0 | 5 |\n"
            "四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n")
    assert _row(parse_report(text=text), "other.other") == [0, 1, 0, 0, 0, 0, 1]


def test_rows_that_open_with_a_border_are_told_by_their_label_lines_not_by_lines_of_values_broken_off():
    # label rows open `| ` and end in an extra empty column; the 表四 values row, broken at its blank
    # cells, goes on over lines of values that open with no bar (as many as the label lines):
    # `| | 0 |` is the border, a blank, a 0
    text = _t4_page("四、结转下年度继续办理 0 0 0 0 0 0 0", _t4_pipe_head(opener="| ", close=lambda cells: " | | "),
                    "| | 0 |\n|\n|\n0 |\n|\n0 | 0 | 0 |\n|\n0 | 0 | 0 |\n|\n0 | | \n")
    assert _t4(parse_report(text=text)) == [None, 0, None, None, 0, None, 0, 0, 0, None, 0, 0, 0, None, 0]


def test_a_table4_values_row_keeps_its_blank_first_cell_where_header_rows_are_padded_to_the_grids_width():
    # header rows end in runs of empty cells of different lengths (padding to the grid's width); the
    # values row prints one more cell than the table's width, its last, empty: that is its padding
    text = _t4_page("四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | |||", _t4_pipe_head(close=_padded_to(16)),
                    "| | 0 | | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | | | 0 | |\n")
    assert _t4(parse_report(text=text)) == [None, None, 0, None, 0, 0, 0, 0, 0, 0, 0, 0, None, None, 0]


def test_a_page_that_opens_at_the_results_group_row_finds_table3():
    assert _row(parse_report(text="三、本年度办理结果 | （一）予以公开 | 16 | 9 | 1 | 0 | 4 | 4 | 34 | |\n"), "granted") == [
        16, 9, 1, 0, 4, 4, 34]


def test_a_table4_row_whose_last_blank_and_the_grids_extra_column_share_a_line_is_read():
    text = _t4_page("四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | |", _T4_HEAD_PIPE,
                    "|\n|\n|\n0 |\n|\n|\n|\n|\n0 | 0 | 0 | 0 | 0 | 0 |\n| |\n")
    assert _t4(parse_report(text=text)) == [None, None, None, 0, None, None, None, None, 0, 0, 0, 0, 0, 0, None]


def test_a_table4_row_the_text_cuts_never_takes_its_opening_bar_for_a_blank_first_cell():
    # one cell a line, a lone `|` opening every row; the text stops inside the values row
    head = "".join(f"|\n{cell} |\n" for cell in ("行政复议", "行政诉讼"))
    head += "|\n" + "".join(f"{cell} |\n" for cell in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉",
                                                      "复议后起诉"))
    head += "|\n" + "".join(f"{cell} |\n" for cell in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2)
    text = (HEAD + "三、收到和处理政府信息公开申请情况\n|\n四、结转下年度继续办理 |\n" + "0 |\n" * 7
            + "四、政府信息公开行政复议、行政诉讼情况\n" + head + "|\n" + "0 |\n" * 13 + "2")
    read = _t4(parse_report(text=text))
    assert read == ["unread"] * 15 or read[:13] == [0] * 13  # the cut row's cells in their own columns, or reported unread


def test_a_table4_row_broken_at_its_blanks_under_headers_padded_to_the_grid_is_read():
    # header rows padded to the grid's width by runs of pipes (no extra column): the values row,
    # its blanks each on a line of its own, prints exactly the table's width
    text = _t4_page("四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | |||", _t4_pipe_head(close=_padded_to(15)),
                    "|\n|\n|\n0 |\n|\n|\n|\n|\n0 | 0 | 0 | 0 | 0 | 0 |\n|\n")
    assert _t4(parse_report(text=text)) == [None, None, None, 0, None, None, None, None, 0, 0, 0, 0, 0, 0, None]


def test_two_bars_on_the_first_line_of_a_table4_row_broken_at_its_blanks_are_its_opener_and_a_blank():
    # rows open `| ` and header rows are padded to the grid by pipe runs; the values row, broken at
    # its blanks (each a `|` line of its own), opens `| |`: the opening bar and the first blank, never
    # two blanks (which would shift every cell one column right, the last blank read as padding)
    head = _t4_pipe_head(opener="| ", close=lambda cells: _padded_to(15)(cells) + " ")
    text = _t4_page("| 四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | ||| ", head,
                    "| |\n|\n|\n0 |\n|\n|\n|\n|\n0 | 0 | 0 | 0 | 0 | 0 |\n| \n")
    assert _t4(parse_report(text=text)) == [None, None, None, 0, None, None, None, None, 0, 0, 0, 0, 0, 0, None]


def test_a_table4_row_broken_at_its_blanks_with_an_opening_bar_and_the_grids_extra_column_is_read():
    text = _t4_page("| 四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | | ", _t4_pipe_head(opener="| ", close=lambda cells: " | | "),
                    "| |\n|\n|\n0 |\n|\n|\n|\n|\n0 | 0 | 0 | 0 | 0 | 0 |\n| | \n")
    assert _t4(parse_report(text=text)) == [None, None, None, 0, None, None, None, None, 0, 0, 0, 0, 0, 0, None]


def test_a_blank_broken_onto_a_line_of_its_own_before_the_numbers_is_the_blank_not_the_rows_padding():
    # `|` alone after the label is the blank first cell; `||` after the last number is padding (it
    # was read as a blank last cell, every number one column left: a WRONG value)
    from govdata.layout import Cell
    from govdata.parse import fit_values

    values = [Cell("", 98, None, "|", True), *(Cell("0", 99, column) for column in range(6)), Cell("", 99, 6), Cell("", 99, 7)]
    fit = fit_values(values, 7, start_column=2)
    assert [cell.text for cell in fit.cells] == ["", "0", "0", "0", "0", "0", "0"] and fit.cells[0].line == 98


def test_a_page_that_opens_at_a_table3_label_wrapped_over_three_lines_reads_its_values():
    # PDF text: a narrow label column wraps the 2021 form's long 2.申请人逾期未按收费… label over three
    # lines, the row's values on the line after it; the page begins at the label's first line
    text = ("2.申请人逾期未按收费通知要求缴纳费\n用、行政机关不再处理其政府信息公开申\n请\n3 0 1 0 0 0 4\n3.其他 0 0 0 0 0 0 0\n"
            "(七) 总计 9 2 1 0 0 0 12\n四、结转下年度继续办理 1 0 0 0 0 0 1\n")
    assert _row(parse_report(text=text), "other.unpaid_fee") == [3, 0, 1, 0, 0, 0, 4]


def test_a_table2_row_run_together_that_the_end_of_the_text_cuts_is_reported_not_read():
    # a page flattened to one line, cut by the end of the text inside the row's last number (7.2519
    # printed 7.25): no separator tells where the number ended, so nothing of the run is read
    report = parse_report(text="二、主动公开政府信息情况第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费7.25")
    assert ("fees", "fee_amount") not in _t2(report)
    assert any(f["scope"] == "table=table2" for f in _found(report, "truncated_table"))


def test_a_table3_row_run_together_that_the_end_of_the_text_cuts_is_not_recovered_from_its_sum():
    # 0 | 12 | 0 | 0 | 25 | 11 | 48 run together (01200251148) and cut after 0120025: the row-sum rule
    # accepts 0 | 1 | 2 | 0 | 0 | 2 | 5 by chance (a WRONG value), so a run the text's end cuts is never read
    report = parse_report(text="三、本年度办理结果(一)予以公开0120025")
    assert _row(report, "granted") == [None] * 7
    assert any(f["scope"] == "table=table3" for f in _found(report, "truncated_table"))


def test_a_page_footer_between_a_pdf_labels_head_and_its_wrapped_tail_keeps_the_rows_above_it():
    # PDF text, the page begins at 表三's first row; 二、上年结转…申请数 wraps its 量 onto the next page,
    # a page footer between them
    text = ("一、本年新收政府信息公开申请数 6 1 0 0 0 0 7\n量\n二、上年结转政府信息公开申请数 2 0 0 0 0 0 2\n- 4 -\n量\n"
            "(一) 予以公开 5 1 0 0 0 0 6\n1.属于国家秘密 0 0 0 0 0 0 0\n")
    report = parse_report(text=text)
    assert (_row(report, "new"), _row(report, "carried_over")) == ([6, 1, 0, 0, 0, 0, 7], [2, 0, 0, 0, 0, 0, 2])


_T3_HEAD_PIPE = (f"三、收到和处理政府信息公开申请情况\n{T3_NOTE} | 申请人情况 |\n自然人 | 法人或其他组织 | 总计 |\n"
                 "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |\n(七) 总计 | 6 | 3 | 0 | 0 | 0 | 0 | 9 |\n")


@pytest.mark.parametrize(("cut_row", "kept"), [
    ("四、结转下年度继续办理 | 2 | 0 | 0 | 0 |\n|\n0 |\n| ||", [2, 0, 0, 0]),
    ("四、结转下年度继续办理 |\n2 |\n|\n0 |\n1", [2]),
], ids=["pipe_row_broken_at_its_blanks", "one_cell_a_line"])
def test_a_row_the_text_cuts_keeps_no_cell_after_a_bar_on_a_line_of_its_own(cut_row, kept):
    # a lone `|` is a blank cell where blanks stand on lines of their own, a separator where every
    # cell has one after it; a cut row cannot tell by its count, so the cells after it stay unread
    # (they were read one column left: 法律服务机构 = 0 for a blank)
    report = parse_report(text=HEAD + _T3_HEAD_PIPE + cut_row)
    assert _row(report, "carried_forward") == kept + [None] * (7 - len(kept))
    assert not {("carried_forward", r) for r in ("legal_services", "other_org", "total")} & set(_t3(report))
    assert _found(report, "truncated_table")


@pytest.mark.parametrize("rows", ["信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n行政许可 | 40 | -3 | 17",
                                  "信息内容 上一年项目数量 本年增/减 处理决定数量\n行政许可 40 -3 17"], ids=["pipe_rows", "pdf_text"])
def test_a_table2_row_the_text_cuts_in_its_last_number_never_reads_the_cut_number(rows):
    # a web store's page opening cut at a byte count inside 处理决定数量 (17 of 1725): digits that fill
    # every column may be run together, so the row's cells are not kept by position; nothing is read
    text = "二、主动公开政府信息情况\n第二十条第（五）项\n" + rows
    report = parse_report(text=text)
    assert ("licensing", "decisions") not in _t2(report)
    assert any(f["scope"] == "table=table2" for f in _found(report, "truncated_table"))


def test_a_table4_row_the_text_cuts_inside_its_last_number_reads_all_but_that_number():
    # PDF text cut at a byte count inside the last 总计 (10 printed 1): reading it would give 1; the
    # other fourteen cells are whole (each has a separator after it) and are read
    outcomes = "结果维持 结果纠正 其他结果 尚未审结 总计"
    head = f"四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n{outcomes} 未经复议直接起诉 复议后起诉\n{outcomes} {outcomes}\n"
    report = parse_report(text=HEAD + "三、收到和处理政府信息公开申请情况\n四、结转下年度继续办理 0 0 0 0 0 0 0\n" + head
                          + "2 0 0 0 2 0 0 0 0 0 10 0 0 0 1")
    assert _t4(report) == [2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 10, 0, 0, 0, "unread"]
    assert any(f["scope"] == "table=table4" and "“1”" in f["message"] for f in _found(report, "truncated_table"))


def test_a_lone_bar_the_text_ends_in_is_no_cell_of_the_complete_row_before_it():
    # rows open `| `, blanks stand on lines of their own, a `|||` run pads each row; the text stops
    # after the next row's opening bar: that `|` is not a blank of the row above (it was, and the
    # blank first cells were read as separators: every number two columns left)
    head = (f"三、收到和处理政府信息公开申请情况\n| {T3_NOTE} | 申请人情况 | |||||| \n| 自然人 | 法人或其他组织 | 总计 | ||||| \n"
            "| 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | ||| \n")
    rows = "| (一)予以公开 | 4 | 1 | 0 | 0 | 0 | 0 | 5 | ||| \n| (二)部分公开 |\n|\n|\n3 | 0 |\n|\n2 | 5 | ||| \n|"
    report = parse_report(text=HEAD + head + rows)
    assert _row(report, "partial") == [None, None, 3, 0, None, 2, 5]


_T3_ROWS_2019 = ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果(一)予以公开",
                 "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "(三)不予公开1.属于国家秘密", "2.其他法律行政法规禁止公开",
                 "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷",
                 "8.属于行政查询事项", "(四)无法提供1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
                 "(五)不予处理1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                 "5.要求行政机关确认或重新出具已获取信息", "(六)其他处理", "(七)总计", "四、结转下年度继续办理")
# a page flattened to one line from 表三's heading to 表四's header: every 表三 row 0 but 新收, 予以公开 and 总计 (1 | … | 1)
_T4_FLATTENED = ("三、收到和处理政府信息公开申请情况" + T3_NOTE + "申请人情况自然人法人或其他组织总计"
                 + "商业企业科研机构社会公益组织法律服务机构其他"
                 + "".join(label + ("1000001" if index in (0, 2, 21) else "0000000") for index, label in enumerate(_T3_ROWS_2019))
                 + "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
                 + "结果维持结果纠正其他结果尚未审结总计" * 2)


@pytest.mark.parametrize("run", ["0" * 15, "0" * 14 + "1"], ids=["zeros", "cut_number"])
def test_a_flattened_table4_whose_one_run_of_digits_the_text_ends_in_is_never_read_cut(run):
    # a page flattened to one line, stopping right after 表四's run of digits: a run of zeros is whole
    # (no count starts with 0), a run ending in another digit may be cut (…1 of …12); either way the
    # row is read whole or reported, and the parser does not fail on a row its cut leaves no cell of
    report = parse_report(text=HEAD + _T4_FLATTENED + run)
    read = _t4(report)
    assert read in ([0] * 15, ["unread"] * 15) if run.strip("0") == "" else read == ["unread"] * 15
    assert read != ["unread"] * 15 or any(f["scope"] == "table=table4" for f in _found(report, "truncated_table"))


def test_a_page_that_holds_only_table3s_last_row_as_a_pipe_row_reads_its_blanks_on_lines_of_their_own():
    # the page begins at 四、结转下年度继续办理, whose blanks each stand on a line of their own and whose
    # last line `| ||` is a blank then the row's padding: one pipe row is the whole region
    text = "四、结转下年度继续办理 | 2 | 1 |\n|\n|\n|\n|\n| ||\n\n四、政府信息公开行政复议、行政诉讼情况\n"
    assert _row(parse_report(text=text), "carried_forward") == [2, 1, None, None, None, None, None]
    assert ("carried_forward", "total") in _t3(parse_report(text=text))


def test_a_row_the_text_cuts_does_not_hide_the_extra_column_the_rows_above_it_print():
    # every row prints one empty column after 总计 (`… | 0 | |`); rows with blanks at both ends are
    # placed by that padding, which the short row the text stops in must not call into doubt
    head = f"三、收到和处理政府信息公开申请情况\n{T3_NOTE} | 申请人情况 | |\n自然人 | 法人或其他组织 | 总计 | |\n" \
           "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | |\n"
    rows = ("一、本年新收政府信息公开申请数量 | 3 | 1 | | | | | 4 | |\n二、上年结转政府信息公开申请数量 | | 2 | | 0 | | | 2 | |\n"
            "三、本年度办理结果 | (一)予以公开 | 3 | 3 | | | | | 6 | |\n(二)部分公开 | | 0 | | | 0 | | | |\n"
            "(三)不予公开 | 1.属于国家秘密 | 0 | | | | | | 0 | |\n2.其他法律行政法规禁止公开 | 0 | | 0 |")
    report = parse_report(text=HEAD + head + rows)
    assert _row(report, "carried_over") == [None, 2, None, 0, None, None, 2]
    assert ("carried_over", "natural_person") in _t3(report)


def test_a_table4_whose_values_row_prints_every_cell_blank_is_read_blank():
    # no proceedings: the values row is a line of empty pipe cells (one more for the grid's extra column)
    text = _t4_page("四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | |", _T4_HEAD_PIPE, "| " * 15 + "|\n")
    report = parse_report(text=text)
    assert _t4(report) == [None] * 15
    assert not [f for f in _found(report, "missing_table") if f["scope"] == "table=table4"]
