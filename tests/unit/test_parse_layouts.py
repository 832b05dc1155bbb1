"""The parser reads 表三 and 表四 the same in every text layout real reports come in."""

from __future__ import annotations

import pytest

from govdata import parse_report
from govdata.parse import REQUESTERS
from tests.snippets import cell_per_line_report, pipe_report, tabbed_report, table3_rows


def _expected_table3(template: str) -> dict[tuple[str, str], int]:
    return {(key, requester): int(value) for key, _labels, values in table3_rows(template)
            for requester, value in zip(REQUESTERS, values, strict=True)}


def _table3(report) -> dict[tuple[str, str], int | None]:
    return {(row["row"], row["requester"]): row["value"] for row in report.table3.iter_rows(named=True)}


def _structure(report, check: str) -> list[dict]:
    return [row for row in report.checks.iter_rows(named=True) if row["check"] == check]


LAYOUTS = {
    "tabbed": tabbed_report,
    "cell_per_line": cell_per_line_report,
    "cell_per_line_blank_lines_between_cells": lambda t: cell_per_line_report(t, blank_between_cells=True),
    "cell_per_line_trailing_pipe": lambda t: cell_per_line_report(t, trailing_pipe=True),
    "cell_per_line_pipe_on_own_line": lambda t: cell_per_line_report(t, pipe_lines=True),
    "pipe": pipe_report,
}


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("layout_name", sorted(LAYOUTS))
def test_parse_table3_reads_every_cell_in_every_layout(layout_name, template):
    report = parse_report(text=LAYOUTS[layout_name](template))
    assert report.report["template"] == template
    assert _table3(report) == _expected_table3(template)
    assert report.table4["value"].to_list() == list(range(1, 16))
    assert not [r for r in report.checks.iter_rows(named=True) if r["check"] in ("unmapped_label", "extra_cells", "missing_cells")]


@pytest.mark.parametrize("layout_name", sorted(LAYOUTS))
def test_parse_reports_layout_name_of_the_tables(layout_name):
    expected = "pipe" if layout_name == "pipe" else layout_name.split("_blank")[0].split("_trailing")[0].split("_pipe_on")[0]
    assert parse_report(text=LAYOUTS[layout_name]("2021")).report["layout"] == expected


def test_every_value_keeps_the_line_it_was_printed_on():
    text = tabbed_report("2021")
    lines = text.split("\n")
    report = parse_report(text=text)
    for row in report.table3.iter_rows(named=True):
        cells = lines[row["line"] - 1].split("\t")
        assert row["raw"] in cells


def test_tabbed_label_broken_across_lines_at_a_page_break_is_joined():
    # 2019 开发区 report, lines 79-81: "3.危及“三安全一" with the values, "稳定”" two lines later.
    text = tabbed_report("2019").replace(
        "\t\t3.危及“三安全一稳定”\t60\t61\t62\t63\t64\t65\t66\t",
        "3.危及“三安全一\t\t60\t61\t62\t63\t64\t65\t66\t\n\n\t\t稳定”\t\t\t\t\t\t\t",
    )
    report = parse_report(text=text)
    assert _table3(report)[("withheld.security_stability", "total")] == 66
    assert not _structure(report, "unmapped_label")


def test_tabbed_row_with_a_stray_extra_cell_is_reported_not_silently_picked():
    text = tabbed_report("2021").replace("1.本机关不掌握相关政府信息\t120\t121", "1.本机关不掌握相关政府信息\t120\t999\t121")
    report = parse_report(text=text)
    assert ("unable.not_held", "total") not in _table3(report)
    [finding] = _structure(report, "extra_cells")
    assert finding["scope"] == "row=unable.not_held" and finding["severity"] == "error"
    lines = text.split("\n")
    assert "999" in lines[finding["line"] - 1]


def test_extra_cells_that_are_all_equal_are_read_with_a_warning():
    # 2019 开发区 report line 105: sixteen zeros under fifteen 表四 columns.
    text = tabbed_report("2021").replace("\t".join(str(n) for n in range(1, 16)), "\t".join(["0"] * 16))
    report = parse_report(text=text)
    assert report.table4["value"].to_list() == [0] * 15
    [finding] = _structure(report, "extra_cells")
    assert finding["severity"] == "warning" and finding["actual"] == 16


def test_cell_per_line_header_broken_mid_word_is_joined():
    text = cell_per_line_report("2021").replace("\t商业企业\n", "\t商业\n企业\n").replace("\t法律服务机构\n", "\t法律服\n务机构\n")
    report = parse_report(text=text)
    assert _table3(report) == _expected_table3("2021")
    assert not _structure(report, "unmapped_label")


def test_blank_cell_is_null_with_raw_kept_never_zero():
    # 2020 台商区 report line 143: the 总计 cell of 上年结转 is blank.
    text = cell_per_line_report("2021").replace("\t16\n\n", "\t\n\n", 1)
    report = parse_report(text=text)
    cell = report.table3.filter(row="carried_over", requester="total").row(0, named=True)
    assert cell["value"] is None and cell["raw"] == ""


@pytest.mark.parametrize("placeholder", ["/", "-", "—", "无"])
def test_placeholder_cell_is_null_with_raw_kept(placeholder):
    text = tabbed_report("2021").replace("\t(一)予以公开\t20\t", f"\t(一)予以公开\t{placeholder}\t")
    cell = parse_report(text=text).table3.filter(row="granted", requester="natural_person").row(0, named=True)
    assert cell["value"] is None and cell["raw"] == placeholder


def test_pipe_cells_with_embedded_line_break_and_bare_blank_cells():
    label = "(二)部分公开（区分处理的，只计这一情形，不计其他情形）"
    text = pipe_report("2021").replace(f"| {label} |", "| (二)部分公开（区分处理的，\n只计这一情形，不计其他情形） |")
    text = text.replace("| 30 | 31 |", "|| 31 |")
    report = parse_report(text=text)
    assert _table3(report)[("partial", "total")] == 36
    assert _table3(report)[("partial", "natural_person")] is None
    assert not _structure(report, "unmapped_label")


def test_group_label_repeated_on_every_row_is_read_like_first_row_only():
    text = tabbed_report("2021").replace("\t\t2.其他法律行政法规禁止公开", "\t(三)不予公开\t2.其他法律行政法规禁止公开")
    text = text.replace("\t\t2.重复申请", "三、本年度办理结果\t(五)不予处理\t2.重复申请")
    assert _table3(parse_report(text=text)) == _expected_table3("2021")


def test_group_label_missing_entirely_still_reads_unique_sub_rows():
    text = tabbed_report("2021").replace("\t(三)不予公开\t1.属于国家秘密", "\t\t1.属于国家秘密").replace("\t(四)无法提供\t1.本", "\t\t1.本")
    assert _table3(parse_report(text=text)) == _expected_table3("2021")


def test_sub_row_label_at_line_start_under_the_group_column():
    # 2023 晋江市 report lines 104-106: "3.要求提供公开出版物" starts the line.
    text = tabbed_report("2021").replace("\t\t3.要求提供公开出版物\t", "3.要求提供公开出版物\t\t")
    assert _table3(parse_report(text=text)) == _expected_table3("2021")


def test_2021_other_sub_row_needs_its_group_and_is_not_the_requester_column():
    report = parse_report(text=tabbed_report("2021"))
    assert _table3(report)[("other.other", "total")] == 226
    assert "other" not in report.table3["row"].to_list()


def test_letter_spaced_full_width_and_traditional_labels_are_matched():
    text = tabbed_report("2021")
    text = text.replace("三、本年度办理结果", "三、本 年 度 办 理 结 果").replace("(一)予以公开", "（一）予以公开")
    text = text.replace("3.补正后申请内容仍不明确", "３、補正後申請內容仍不明確")
    text = text.replace("(七)总计", "（七）總計").replace("结果维持", "结 果 维 持")
    text = text.replace("\t".join(str(n) for n in range(1, 16)), "\t".join(chr(0xFF10 + n) if n < 10 else str(n) for n in range(1, 16)))
    report = parse_report(text=text)
    assert _table3(report) == _expected_table3("2021")
    assert report.table4["value"].to_list() == list(range(1, 16))


def test_vertically_stacked_header_characters_are_joined():
    stacked = "\n".join(["\t".join(["结", "结", "其", "尚", "总"] * 3), "\t".join(["果", "果", "他", "未", ""] * 3),
                         "\t".join(["维", "纠", "结", "审", "计"] * 3), "\t".join(["持", "正", "果", "结", ""] * 3)])
    text = tabbed_report("2021").replace(
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\n\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计",
        "未经复议直接起诉\t复议后起诉\n" + stacked)
    report = parse_report(text=text)
    assert report.table4["value"].to_list() == list(range(1, 16))
    assert not _structure(report, "header_mismatch")


def test_truncated_text_keeps_what_is_there_and_flags_the_table():
    text = tabbed_report("2021")
    cut = text.index("3.要求提供公开出版物")
    report = parse_report(text=text[:cut + 20])
    values = _table3(report)
    assert values[("new", "total")] == 6 and values[("not_processed.duplicate", "total")] == 166
    truncated = _structure(report, "truncated_table")
    assert truncated and truncated[0]["scope"] == "table=table3"
    assert report.table4.height == 0


def test_unknown_row_label_is_reported_with_its_line_and_values_not_read():
    text = tabbed_report("2021").replace("2.重复申请", "2.莫名其妙的申请")
    report = parse_report(text=text)
    [finding] = [f for f in _structure(report, "unmapped_label") if "莫名其妙" in f["message"]]
    assert finding["severity"] == "error"
    assert text.split("\n")[finding["line"] - 1].find("莫名其妙") >= 0
    assert ("not_processed.duplicate", "total") not in _table3(report)


def test_full_grid_row_with_a_blank_last_cell_is_read_by_column():
    # The 2020 台商区 上年结转 row (blank 总计) as an HTML/DOCX/PDF grid renders it: every row
    # has its values in the same seven columns, so the blank is the last column, not the first.
    grid = ["某某市人民政府 2022 年政府信息公开工作年度报告", "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)"]
    for key, labels, values in table3_rows("2021"):
        printed = [*values[:6], ""] if key == "carried_over" else values
        grid.append("\t".join([labels[-1], "", "", *printed, ""]))
    values = _table3(parse_report(text="\n".join(grid)))
    assert values[("carried_over", "natural_person")] == 10 and values[("carried_over", "other_org")] == 15
    assert values[("carried_over", "total")] is None
    assert values[("new", "natural_person")] == 0 and values[("new", "total")] == 6


def test_a_bar_line_with_a_space_after_it_opens_a_blank_first_cell_where_rows_open_with_a_bar():
    # one cell per line, `|` after every cell, a row's first cell printed `| text`: `| ` is that opening
    # with nothing in the cell (one blank), not two bars around an empty cell
    from govdata.layout import rows_from_lines

    lines = ["| 规章", "|", "2", "|", "", "|", "| ", "|", "", "|", "3", "|"]
    rows = rows_from_lines(lines, first_line=1, layout="cell_per_line")
    assert [cell.text for row in rows for cell in row.cells] == ["规章", "2", "", "", "", "3"]
