"""The layout-family generator itself (govdata.synth_layouts), without parsing: each family prints what it
says it prints, and the truth says what a careful reader can know, so a wrong truth cannot let a wrong
parser pass (the parses are in tests/property/test_real_families.py)."""

from __future__ import annotations

import re

import pytest

from govdata import form, synth, synth_layouts
from govdata.synth_layouts import Quirks

PLAIN = synth.Style()


def _make(layout: str, template: str = "2021", seed: int = 4, style: synth.Style = PLAIN, **quirks) -> synth_layouts.FamilyReport:
    return synth_layouts.make_report(seed=seed, template=template, layout=layout, quirks=Quirks(**quirks), style=style)


def _text(report: synth_layouts.FamilyReport) -> str:
    return report.data.decode("utf-8")


def test_a_family_layout_has_the_same_numbers_as_the_plain_report_of_its_seed():
    plain = synth.make_report(seed=9, template="2019", layout="tabbed", style=PLAIN)
    unquirked = _make("pdf_text", template="2019", seed=9)
    assert (unquirked.figures.table3, unquirked.figures.table4) == (plain.figures.table3, plain.figures.table4)
    assert _make("pdf_text", template="2019", seed=9).data == unquirked.data
    with pytest.raises(ValueError, match="synth_layouts"):
        synth.make_report(seed=9, template="2019", layout="fused")


def test_pipe_rows_without_a_border_print_cell_bars_and_padding_runs_as_the_web_store_does():
    text = _text(_make("pipe_no_border", pad_runs=True))
    assert "第二十条第（一）项 | |||\n" in text and "\n规章 | " in text
    assert re.search(r"\n行政许可 \| \d+ \| \|\|\n", text)  # one value, padded to the table's four columns
    assert not re.search(r"^\| ", text, re.M)
    bordered = _text(_make("pipe_no_border", lead_bar=True))
    assert re.search(r"^\| 规章 \| \d+ \| \d+ \| \d+ \| $", bordered, re.M)


def test_blank_cells_of_broken_pipe_rows_stand_on_lines_of_their_own_and_are_still_read_exactly():
    report = _make("pipe_no_border", broken_blanks=True, blank_share=0.7, template="2019")
    lines = report.lines
    blanks = [c for c in report.cells if c.value is None]
    assert blanks and all(lines[c.line - 1] == "|" for c in blanks if c.table != "table4" or c.column != "upheld")
    assert all(c.is_must_read for c in report.cells)


def test_cell_per_line_bars_end_every_cell_with_a_bar_and_open_rows_with_a_lone_bar():
    report = _make("cell_per_line_bars", row_opener=True, pad_runs=True)
    lines = report.lines
    for cell in report.cells:
        assert lines[cell.line - 1] == ("|" if cell.value is None else f"{lines[cell.line - 1][:-2]} |")
    assert "|\n规章 |\n" in _text(report) and "\n|||\n" in _text(report)


def test_bar_separated_cells_have_a_bar_line_after_each():
    report = _make("bar_separated", lead_bar=True)
    lines = report.lines
    assert all(lines[cell.line] == "|" for cell in report.cells)
    assert "\n| 规章\n|\n" in _text(report)


def test_blank_line_cells_leave_nothing_for_a_blank_so_its_row_need_not_be_read():
    report = _make("blank_line_cells", blank_share=0.5, split_headers=True, template="2019")
    assert "\n本年新\n" in _text(report)  # 本年新 / 制作数量 split over two lines
    lossy_rows = {(c.table, c.row) for c in report.cells if c.value is None}
    assert lossy_rows
    assert all(c.loss == "boundaries" and not c.is_must_read for c in report.cells if (c.table, c.row) in lossy_rows)
    assert all(c.is_must_read for c in report.cells if (c.table, c.row) not in lossy_rows)


def test_pdf_text_separates_cells_by_single_spaces_wraps_long_labels_and_never_splits_a_number():
    report = _make("pdf_text", page_footers=True, template="2019", seed=6)
    text = _text(report)
    assert re.search(r"^规章 \d+ \d+ \d+$", text, re.M)
    assert re.search(r"^(- \d+ -|— \d+ —|第 \d+ 页|第\d+页 共\d+页|-\d+-)$", text, re.M)
    assert re.search(r"^不计其他情形）$|^一情形，不计其他情形）$|^计其他情形）$", text, re.M) or "只计这一情形，不计其他情形）" in text
    for cell in report.cells:
        assert str(int(cell.value)) in report.lines[cell.line - 1].split(" ") or cell.table == "table2"


def test_split_numbers_in_pdf_text_lose_their_rows_boundaries():
    report = _make("pdf_text", split_numbers=3, seed=8)
    split = [c for c in report.cells if c.loss == "boundaries"]
    assert split and not any(c.is_must_read for c in split)


def test_a_fused_page_is_one_line_and_no_cell_of_it_must_be_read():
    report = _make("fused")
    assert len(report.lines) == 1 and "规章" in report.lines[0]
    assert report.cells and not any(cell.is_must_read for cell in report.cells)
    assert {cell.loss for cell in report.cells} == {"boundaries"}


@pytest.mark.parametrize("mode", synth_layouts.TRADITIONAL)
def test_traditional_mirrors_convert_labels_and_glosses_add_pinyin_after_converted_characters(mode):
    report = _make("pipe_no_border", traditional=mode, glosses=True)
    text = _text(report)
    assert "规章" not in text and "規" in text and "公开" not in text
    assert re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùü]+\)", text)
    plain = re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùü]+\)", "", text)
    assert ("製發" in plain) == (mode == "chars")
    assert ("檔案" in plain or "資訊" in plain) == (mode == "s2twp")
    assert all(cell.is_must_read for cell in report.cells) == (mode != "s2twp")


def test_instructions_cut_headers_typos_and_spaces_spoil_labels_as_pages_print_them():
    year = _make("pipe_no_border", template="2019").figures.year
    text = _text(_make("pipe_no_border", template="2019", instructions=True))
    assert f"上一年项目数量（指{year - 1}年事项数）" in text or f"上一年项目数量 (指{year - 1}年事项数)" in text
    assert "信息内容 | 本年新 | 本年新 | 对外公开总数量 |" in _text(_make("pipe_no_border", template="2019", cut_headers=True))
    report = _make("pipe_no_border", typos=3, seed=11)
    assert len(report.misspelt_rows) == 3
    spoilt = [c for c in report.cells if (c.table, c.row if c.table != "table4" else "*") in report.misspelt_rows]
    assert spoilt and all(c.loss == "label" and not c.is_must_read for c in spoilt)


def test_a_truncated_page_stops_at_the_byte_count_without_a_final_newline_and_prints_nothing_after():
    whole = _make("pipe_no_border", seed=5)
    report = _make("pipe_no_border", seed=5, truncate_at=len(whole.data) // 2 + 1)
    assert len(report.data) <= len(whole.data) // 2 + 1 and not report.data.endswith(b"\n")
    assert whole.data.startswith(report.data)
    printed = {cell.key for cell in report.cells}
    assert printed < {cell.key for cell in whole.cells}
    last_line = len(report.lines)
    assert all(cell.is_must_read for cell in report.cells if cell.line < last_line - 1 and cell.table != "table4")
    assert not any(cell.is_must_read for cell in report.cells if cell.line == last_line)


def test_a_number_cut_by_the_end_of_the_text_keeps_its_true_value():
    whole = _make("pipe_no_border", seed=3, template="2019")
    cell = next(c for c in whole.cells if c.value is not None and c.value >= 10 and c.value == int(c.value))
    line = whole.lines[cell.line - 1]
    before = "\n".join(whole.lines[:cell.line - 1]) + "\n" + line[:line.index(f" {int(cell.value)} |") + 1]
    report = _make("pipe_no_border", seed=3, template="2019", truncate_at=len(before.encode()) + 1)  # its first digit only
    assert report.data.decode().endswith("\n" + line[:line.index(f" {int(cell.value)} |") + 2])
    [cut] = [c for c in report.cells if c.key == cell.key]
    assert cut.value == cell.value and not cut.is_must_read and cut.loss == "cut"


@pytest.mark.parametrize("prefix", [False, True])
def test_a_page_that_begins_mid_table_prints_no_earlier_row_and_keeps_the_year_only_in_a_flipbook_prefix(prefix):
    report = _make("cell_per_line_bars", mid_table_start=6, page_prefix=prefix)
    rows = form.table3_rows("2021")
    printed = {cell.row for cell in report.cells if cell.table == "table3"}
    assert printed == set(rows[6:]) and not any(cell.table == "table2" for cell in report.cells)
    assert report.keeps_year is prefix and report.keeps_template is False
    assert report.lines[0].startswith("Page ") == prefix


def test_a_hybrid_report_prints_a_2021_table2_and_the_2019_single_other_row():
    report = _make("pipe_no_border", hybrid_other_row=True)
    assert report.figures.template == "2021"
    rows = {cell.row for cell in report.cells if cell.table == "table3"}
    assert "other" in rows and not any(row.startswith("other.") for row in rows)
    assert "本年制发件数" in _text(report) and re.search(r"^\(六\) 其他处理 \| \d", _text(report), re.M)


def test_a_note_in_a_cell_keeps_the_cells_number_as_its_value():
    report = _make("pipe_no_border", note_in_cell=True, seed=2)
    match = re.search(r"(\d+) ?[（(]其中修订 ?(\d+) ?件[）)]", _text(report))
    assert match
    noted = next(c for c in report.cells if c.line == _text(report)[:match.start()].count("\n") + 1 and c.table == "table2"
                 and c.value == float(match.group(1)))
    assert noted.is_must_read


def test_sparse_grids_blank_whole_rows_and_the_total_column():
    report = _make("pipe_no_border", blank_rows=2, blank_total=True)
    t3 = [c for c in report.cells if c.table == "table3"]
    assert all(c.value is None for c in t3 if c.column == "total")
    assert sum(all(c.value is None for c in t3 if c.row == row) for row in {c.row for c in t3}) >= 2
