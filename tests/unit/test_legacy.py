"""The 附表 of pre-2019 reports is read in its three layouts into the ``legacy`` frame."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from govdata.legacy import appendix_lines, find_legacy_table, parse_legacy
from govdata.read import read_document

PIPE = """（二）附表：

| 指标名称 | 单位 | 2017 年 | 历史累计 |
|--------------|----|--------|-------|
| 主动公开文件数 | 条 | 4488 | 35685 |
| 其中：1.政府网站公开数 | 条 | 3999 | 35196 |
| 3.信函、传真申请数 | 条 | 104 | 121 |
| 行政复议数 | 件 | 1 | 7 |

晋江市人民政府办公室"""

TABBED = "\n".join([
    "附表", "指标名称\t单位\t2017年\t历史累计", "主动公开文件数\t条\t4488\t35685", "其中：1.政府网站公开数\t条\t3999\t35196",
    "行政复议数\t件\t1\t7", "完",
])

# One cell per line, rows separated by empty lines, blank cells printed as a lone tab
# (the way the 2020 seed prints its tables), and a label wrapped onto two lines.
CELL_PER_LINE = "\n".join([
    "附表", "\t指标名称", "\t单位", "\t2017年", "\t历史累计", "",
    "\t主动公开文件数", "\t条", "\t4488", "\t35685", "",
    "\t其中：1.政府网站公", "开数", "\t条", "\t3999", "\t", "",
    "\t行政复议数", "\t件", "\t1", "\t7", "",
    "晋江市人民政府办公室", "2018年1月1日",
])


def rows(text: str) -> list[tuple]:
    return parse_legacy(read_document(text=text)).select("indicator", "unit", "value", "cumulative", "line").rows()


def test_legacy_pipe_table_reads_value_and_cumulative():
    assert rows(PIPE) == [
        ("proactive_total", "条", 4488.0, 35685.0, 5),
        ("proactive_web", "条", 3999.0, 35196.0, 6),
        ("requests_letter", "条", 104.0, 121.0, 7),
        ("reviews", "件", 1.0, 7.0, 8),
    ]


def test_legacy_pipe_table_keeps_printed_label_and_canonical_label():
    frame = parse_legacy(read_document(text=PIPE))
    assert frame["label"].to_list()[1] == "其中：1.政府网站公开数"
    assert frame["indicator_zh"].to_list()[1] == "政府网站公开数"


def test_legacy_tabbed_table_reads_value_and_cumulative():
    assert rows(TABBED) == [
        ("proactive_total", "条", 4488.0, 35685.0, 3),
        ("proactive_web", "条", 3999.0, 35196.0, 4),
        ("reviews", "件", 1.0, 7.0, 5),
    ]


def test_legacy_cell_per_line_table_joins_wrapped_label_and_reads_blank_as_null():
    assert rows(CELL_PER_LINE) == [
        ("proactive_total", "条", 4488.0, 35685.0, 7),
        ("proactive_web", "条", 3999.0, None, 12),
        ("reviews", "件", 1.0, 7.0, 18),
    ]
    assert find_legacy_table(read_document(text=CELL_PER_LINE)).layout == "cell_per_line"


def test_legacy_cell_per_line_table_without_row_separators():
    text = "\n".join(["指标名称", "单位", "2017年", "历史累计", "行政复议数", "件", "1", "7", "行政诉讼数", "件", "0", "2", "六、其他"])
    assert rows(text) == [("reviews", "件", 1.0, 7.0, 5), ("litigations", "件", 0.0, 2.0, 9)]


def test_legacy_table_without_cumulative_column_gives_null_cumulative():
    text = "| 指标名称 | 单位 | 2016年 |\n|---|---|---|\n| 行政复议数 | 件 | 3 |"
    assert rows(text) == [("reviews", "件", 3.0, None, 3)]


def test_legacy_table_without_unit_column_takes_unit_printed_in_the_cell():
    text = "| 指标名称 | 2016年 | 历史累计 |\n| 行政复议数 | 3件 | 9件 |"
    assert rows(text) == [("reviews", "件", 3.0, 9.0, 2)]


def test_legacy_blank_trailing_cell_becomes_null_not_zero():
    text = "| 指标名称 | 单位 | 2017 年 | 历史累计 |\n| 行政诉讼数 | 件 | 0 | |\n| 行政复议数 | 件 | / | 7 |"
    assert rows(text) == [("litigations", "件", 0.0, None, 2), ("reviews", "件", None, 7.0, 3)]


def test_legacy_unknown_label_with_numbers_is_kept_with_null_indicator():
    text = "| 指标名称 | 单位 | 2017 年 | 历史累计 |\n| 行政复议数 | 件 | 1 | 7 |\n| 依申请公开收费数 | 元 | 0 | 0 |"
    frame = parse_legacy(read_document(text=text))
    assert frame.select("indicator", "label", "value").rows() == [("reviews", "行政复议数", 1.0), (None, "依申请公开收费数", 0.0)]


def test_legacy_table_ends_at_first_line_that_is_not_a_table_row():
    frame = parse_legacy(read_document(text=PIPE + "\n| 签发人 | 张三 |"))
    assert frame.height == 4


def test_legacy_report_without_appendix_gives_empty_frame():
    frame = parse_legacy(read_document(text="一、概述\n2019 年，我区共受理依申请公开63件。"))
    assert frame.height == 0
    assert "cumulative" in frame.columns


def test_appendix_lines_cover_header_to_last_row():
    assert appendix_lines(read_document(text=PIPE)) == frozenset(range(3, 9))
    assert appendix_lines(read_document(text="没有附表")) == frozenset()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["指标名称", "单位", "2017 年", "历史累计", "行政复议数", "条", "件", "1", "", "\t", "|", " | ", "其他",
                                 "| 指标名称 | 单位 | 2017 年 | 历史累计 |", "| 行政复议数 | 件 | 1 | 7 |", "指标名称\t单位\t2017年"]),
                min_size=1, max_size=40))
def test_any_arrangement_of_appendix_cells_parses_without_error_into_known_lines(parts):
    text = "\n".join(parts)
    if not text.strip():
        return
    doc = read_document(text=text)
    frame = parse_legacy(doc)
    assert frame["line"].is_between(1, doc.line_count).all()
    assert appendix_lines(doc) <= frozenset(range(1, doc.line_count + 1))


def test_appendix_label_with_a_character_dropped_is_read_by_similarity_and_reported():
    from govdata.legacy import label_findings, legacy_rows

    doc = read_document(text="附表\n| 指标名称 | 单位 | 2016 年 | 历史累计 |\n| 受理政府信息公开申请总 | 件 | 5 | 40 |\n"
                             "| 行政复议数 | 件 | 1 | 2 |\n")
    rows = legacy_rows(doc, find_legacy_table(doc))
    assert [(r["indicator"], r["value"], r["cumulative"]) for r in rows] == [("requests_total", 5.0, 40.0), ("reviews", 1.0, 2.0)]
    [finding] = label_findings(rows)
    assert finding["check"] == "fuzzy_label" and finding["line"] == 3 and finding["severity"] == "warning"


def test_traditional_appendix_is_read_in_its_reading_form_and_keeps_the_printed_label():
    doc = read_document(text="附表\n| 指標名稱 | 計量單位 | 2012年度 | 歷年累計 |\n| 受理政府資訊公開申請總數 | 件 | 3 | 9 |\n"
                             "| 對申請的答覆總數 | 件 | 3 | 9 |\n| 行政復議數 | 件 | 0 | 1 |\n")
    frame = parse_legacy(doc)
    assert frame.select("indicator", "value", "cumulative").rows() == [("requests_total", 3.0, 9.0), ("responses_total", 3.0, 9.0),
                                                                       ("reviews", 0.0, 1.0)]
    assert frame["label"][0] == "受理政府資訊公開申請總數"
