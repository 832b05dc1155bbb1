"""The shared table-grid model: merged cells laid out on one rectangular grid, rendered as tabbed lines."""

from __future__ import annotations

from govdata.formats.grid import Cell, clean_text, expand_spans, grid_lines, grid_lines_with_rows, join_fragments


def test_expand_spans_rowspan_and_colspan_leave_covered_cells_blank():
    # The 表三 head: a corner note over 2 rows and 2 columns, 申请人情况 over 3 columns.
    rows = [
        [Cell("勾稽关系", rowspan=2, colspan=2), Cell("申请人情况", colspan=3)],
        [Cell("自然人"), Cell("法人"), Cell("总计")],
        [Cell("一、本年新收"), Cell(""), Cell("1"), Cell("2"), Cell("3")],
    ]
    assert expand_spans(rows) == [
        ["勾稽关系", "", "申请人情况", "", ""],
        ["", "", "自然人", "法人", "总计"],
        ["一、本年新收", "", "1", "2", "3"],
    ]


def test_expand_spans_places_cells_after_columns_held_by_rowspans_from_above():
    rows = [
        [Cell("三、本年度办理结果", rowspan=3), Cell("(一) 予以公开"), Cell("5")],
        [Cell("(二) 部分公开"), Cell("2")],
        [Cell("(三) 不予公开"), Cell("1")],
    ]
    assert expand_spans(rows) == [
        ["三、本年度办理结果", "(一) 予以公开", "5"],
        ["", "(二) 部分公开", "2"],
        ["", "(三) 不予公开", "1"],
    ]


def test_expand_spans_cuts_rowspans_that_reach_past_the_last_row():
    grid = expand_spans([[Cell("a", rowspan=50), Cell("1")], [Cell("2")]])
    assert grid == [["a", "1"], ["", "2"]]


def test_expand_spans_pads_short_rows_to_the_table_width():
    assert expand_spans([[Cell("a"), Cell("b"), Cell("c")], [Cell("d")]]) == [["a", "b", "c"], ["d", "", ""]]


def test_grid_lines_drop_empty_rows_and_clean_tabs_and_breaks_inside_cells():
    grid = [["a\tb", "本年新制\n作数量"], ["", " "], ["x", "1"]]
    assert grid_lines(grid) == ["a b\t本年新制作数量", "x\t1"]
    assert [index for _line, index in grid_lines_with_rows(grid)] == [0, 2]


def test_join_fragments_joins_next_to_chinese_without_space_and_latin_with_one():
    assert join_fragments(["自", "然", "人"]) == "自然人"
    assert join_fragments(["依法办结243", "件"]) == "依法办结243件"
    assert join_fragments(["Word", "2019"]) == "Word 2019"
    assert join_fragments(["", "  总计 ", ""]) == "总计"


def test_clean_text_drops_source_line_breaks_between_chinese_but_keeps_spaces():
    assert clean_text("晋江市\n   人民政府") == "晋江市人民政府"
    assert clean_text("结果  维持") == "结果 维持"
    assert clean_text("2023\n年") == "2023 年"
