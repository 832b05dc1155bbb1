"""Parser gaps the round-trip tests found, pinned by their minimal input once fixed."""

from __future__ import annotations

from govdata import parse_report

# A 表三 row as a browser copy or an HTML/Word grid prints it: the label spans the three label
# columns (two spacer cells follow it) and the 总计 cell is blank. Found by
# tests/property/test_round_trip.py with blank cells in tabbed, pipe and HTML layouts.
BLANK_TOTAL_AFTER_SPACERS = (
    "合成某某局 2022 年政府信息公开工作年度报告\n"
    "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t\t\t申请人情况\n"
    "一、本年新收政府信息公开申请数量\t\t\t1\t2\t3\t4\t5\t6\t\n"
    "四、结转下年度继续办理\t\t\t0\t0\t0\t0\t0\t0\t0\n"
)


def test_blank_total_after_spacer_cells_stays_in_the_total_column():
    # Another row of the same grid prints all seven values, so the columns are known.
    new_row = parse_report(text=BLANK_TOTAL_AFTER_SPACERS).table3.filter(row="new")
    cells = {row["requester"]: row["raw"] for row in new_row.iter_rows(named=True)}
    assert cells == {"natural_person": "1", "commercial": "2", "research": "3", "public_interest": "4", "legal_services": "5",
                     "other_org": "6", "total": ""}


def test_blank_at_one_end_with_no_full_row_to_place_it_is_reported_not_guessed():
    only_row = BLANK_TOTAL_AFTER_SPACERS.replace("四、结转下年度继续办理\t\t\t0\t0\t0\t0\t0\t0\t0\n", "")
    report = parse_report(text=only_row)
    assert report.table3.filter(row="new").height == 0
    [finding] = report.checks.filter(check="ambiguous_cells").to_dicts()
    assert finding["line"] == 3 and finding["severity"] == "error"
