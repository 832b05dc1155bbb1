"""Every check rule passes a consistent snippet, fails an inconsistent one, and never judges a blank.

The frames here are built by hand through govdata.schema.frame, so each test shows the
printed values it is about. Seeds are checked in tests/integration/test_check_seeds.py.
"""

from __future__ import annotations

import polars as pl
import pytest

from govdata import check
from govdata.check import check_report, printed_decimals, with_corpus_checks
from govdata.form import requesters, rows_of_group
from govdata.model import Corpus, Report
from govdata.reviews import empty_reviews
from govdata.schema import frame

RID = "aaaaaaaaaaaaaaaa"
ZEROS = [0] * 7

# A consistent 2019-template 表三: new 4 + carried_over 1 = total 4 + carried_forward 1.
CONSISTENT_2019: dict[str, list] = {
    "new": [3, 1, 0, 0, 0, 0, 4],
    "carried_over": [1, 0, 0, 0, 0, 0, 1],
    "granted": [2, 1, 0, 0, 0, 0, 3],
    "partial": [1, 0, 0, 0, 0, 0, 1],
    **{row: ZEROS for group in ("withheld", "unable", "not_processed") for row in rows_of_group(group)},
    "other": ZEROS,
    "total": [3, 1, 0, 0, 0, 0, 4],
    "carried_forward": [1, 0, 0, 0, 0, 0, 1],
}


def table3(rows: dict[str, list], *, report_id: str = RID, first_line: int = 100) -> pl.DataFrame:
    """表三 cells, one printed line per row; an int is a number, a str is printed text ("" blank, "/")."""
    cells = []
    for offset, (row, values) in enumerate(rows.items()):
        for requester, printed in zip(requesters(), values, strict=True):
            number = printed if isinstance(printed, int) else None
            cells.append({"report_id": report_id, "row": row, "row_zh": row, "requester": requester, "value": number,
                          "raw": str(printed), "line": first_line + offset})
    return frame("table3", cells)


def with_cells(base: dict[str, list], **changes: tuple[int, object]) -> dict[str, list]:
    """A copy of ``base`` with cells replaced: ``row=(column index, printed)``; ``row=None`` drops the row."""
    rows = {row: list(values) for row, values in base.items()}
    for row, change in changes.items():
        row = row.replace("__", ".")
        if change is None:
            rows.pop(row)
        else:
            rows[row][change[0]] = change[1]
    return rows


def table4(values: dict[str, list], *, report_id: str = RID, line: int = 200) -> pl.DataFrame:
    cells = [{"report_id": report_id, "proceeding": proceeding, "outcome": outcome, "value": value, "raw": str(value), "line": line}
             for proceeding, row in values.items()
             for outcome, value in zip(("upheld", "corrected", "other", "pending", "total"), row, strict=True)]
    return frame("table4", cells)


def facts(*stated: tuple, report_id: str = RID) -> pl.DataFrame:
    """Facts as (key, value, line) or (key, value, line, share, snippet)."""
    rows = []
    for item in stated:
        key, value, line, *rest = item
        share, snippet = [*rest, None, None][:2]
        rows.append({"report_id": report_id, "key": key, "value": value, "unit": "件", "share": share, "line": line,
                     "snippet": snippet or ""})
    return frame("facts", rows)


def legacy(*indicators: tuple, report_id: str = RID) -> pl.DataFrame:
    """附表 rows as (indicator, value, cumulative, line)."""
    return frame("legacy", [{"report_id": report_id, "indicator": ind, "indicator_zh": ind, "unit": "条", "value": value,
                             "cumulative": cumulative, "line": line} for ind, value, cumulative, line in indicators])


def report(template: str = "2019", *, report_id: str = RID, **frames: pl.DataFrame) -> Report:
    return Report({"report_id": report_id, "template": template, "source": f"{report_id}.txt"}, **frames)


def run(rep: Report, **kwargs) -> pl.DataFrame:
    return check_report(rep, reviews=empty_reviews(), **kwargs)


def one(checks: pl.DataFrame, name: str, scope: str) -> dict:
    found = checks.filter(check=name, scope=scope)
    assert found.height == 1, f"{name} {scope}: {found.height} rows"
    return found.row(0, named=True)


def statuses(checks: pl.DataFrame, name: str) -> set[str]:
    return set(checks.filter(check=name)["status"])


# --- identity ---------------------------------------------------------------------------------


def test_identity_passes_in_every_column_when_new_plus_carried_over_equals_total_plus_carried_forward():
    checks = run(report(table3=table3(CONSISTENT_2019)))
    assert checks.filter(check="identity").height == 7
    assert statuses(checks, "identity") == {"pass"}


def test_identity_fails_when_new_plus_carried_over_differs_from_total_plus_carried_forward():
    rows = with_cells(CONSISTENT_2019, new=(0, 4))
    rows["new"][6] = 5  # keep the row sum right, so only the identity breaks
    found = one(run(report(table3=table3(rows))), "identity", "column=natural_person")
    assert (found["status"], found["expected"], found["actual"], found["severity"]) == ("fail", 5, 4, "error")
    assert found["line"] == 100 + list(rows).index("total")
    assert "收办平衡（自然人列）" in found["message"] and "本年新收 4" in found["message"]


def test_identity_is_not_assessable_when_a_cell_is_blank_and_names_the_blank_cell():
    rows = with_cells(CONSISTENT_2019, carried_over=(6, ""))
    found = one(run(report(table3=table3(rows))), "identity", "column=total")
    assert found["status"] == "not_assessable"
    assert found["expected"] is None and found["actual"] is None
    assert "上年结转（第101行）为空白" in found["message"]


def test_a_placeholder_cell_makes_the_rule_not_assessable_and_quotes_what_was_printed():
    rows = with_cells(CONSISTENT_2019, carried_forward=(1, "/"))
    found = one(run(report(table3=table3(rows))), "identity", "column=commercial")
    assert found["status"] == "not_assessable"
    assert "印作“/”" in found["message"]


# --- row_sum ----------------------------------------------------------------------------------


def test_row_sum_passes_on_every_row_of_a_consistent_table():
    checks = run(report(table3=table3(CONSISTENT_2019)))
    assert checks.filter(check="row_sum").height == len(CONSISTENT_2019)
    assert statuses(checks, "row_sum") == {"pass"}


def test_row_sum_fails_when_the_requester_columns_add_up_to_more_than_the_printed_total():
    # 晋江市 2023, line 90: 部分公开 18 3 0 0 1 0 | 18
    rows = with_cells(CONSISTENT_2019, partial=(1, 3))
    rows["partial"][4] = 1
    found = one(run(report(table3=table3(rows))), "row_sum", "row=partial")
    assert (found["status"], found["expected"], found["actual"], found["line"]) == ("fail", 5, 1, 103)
    assert "横向合计（部分公开）" in found["message"] and "商业企业 3" in found["message"]


# --- column_sum -------------------------------------------------------------------------------


def test_column_sum_passes_in_every_column_of_a_consistent_table():
    checks = run(report(table3=table3(CONSISTENT_2019)))
    assert checks.filter(check="column_sum").height == 7
    assert statuses(checks, "column_sum") == {"pass"}


def test_column_sum_fails_when_the_outcome_rows_do_not_add_up_to_the_total_row():
    rows = with_cells(CONSISTENT_2019, not_processed__petition=(0, 1))
    found = one(run(report(table3=table3(rows))), "column_sum", "column=natural_person")
    assert (found["status"], found["expected"], found["actual"]) == ("fail", 4, 3)
    assert "不予处理·信访举报投诉类申请 1" in found["message"]


def test_column_sum_adds_the_three_other_rows_of_the_2021_template():
    rows = {row: values for row, values in CONSISTENT_2019.items() if row != "other"}
    rows = {**{k: v for k, v in rows.items() if k not in ("total", "carried_forward")},
            "other.no_amendment": ZEROS, "other.unpaid_fee": ZEROS, "other.other": [1, 0, 0, 0, 0, 0, 1],
            "total": [4, 1, 0, 0, 0, 0, 5], "carried_forward": [0, 0, 0, 0, 0, 0, 0]}
    checks = run(report("2021", table3=table3(rows)))
    assert one(checks, "column_sum", "column=natural_person")["status"] == "pass"
    assert one(checks, "column_sum", "column=total")["expected"] == 5


def test_column_sum_is_not_assessable_when_an_outcome_row_was_not_printed():
    rows = with_cells(CONSISTENT_2019, unable__unclear=None)
    found = one(run(report(table3=table3(rows))), "column_sum", "column=total")
    assert found["status"] == "not_assessable"
    assert "无法提供·补正后申请内容仍不明确未印出" in found["message"]


# --- t4_total ---------------------------------------------------------------------------------


def test_t4_total_passes_when_the_four_outcomes_add_up_to_the_total():
    checks = run(report(table4=table4({"review": [1, 6, 2, 1, 10], "litigation_direct": [4, 0, 1, 0, 5],
                                       "litigation_after_review": [0, 1, 1, 0, 2]})))
    assert checks.filter(check="t4_total").height == 3
    assert statuses(checks, "t4_total") == {"pass"}


def test_t4_total_fails_when_the_four_outcomes_do_not_add_up_to_the_total():
    checks = run(report(table4=table4({"review": [1, 6, 2, 1, 9], "litigation_direct": ZEROS[:5],
                                       "litigation_after_review": ZEROS[:5]})))
    found = one(checks, "t4_total", "proceeding=review")
    assert (found["status"], found["expected"], found["actual"], found["line"]) == ("fail", 10, 9, 200)
    assert found["message"].startswith("行政复议合计：")


# --- structure --------------------------------------------------------------------------------


def test_structure_findings_from_the_parser_are_kept_unchanged():
    finding = {"report_id": RID, "check": "extra_cells", "scope": "table=table4", "expected": 15.0, "actual": 16.0,
               "status": "fail", "severity": "warning", "line": 105, "message": "表四数值行: 印有 16 个数值，表格只有 15 列"}
    checks = run(report(), structure=[finding])
    kept = checks.filter(check="extra_cells").select(list(finding)).row(0, named=True)
    assert kept == finding


def test_cells_of_an_unmapped_label_are_left_to_the_parsers_finding():
    unmapped = frame("table3", [{"report_id": RID, "row": None, "row_zh": None, "requester": "total", "value": 9, "raw": "9",
                                 "line": 99}])
    checks = run(report(table3=pl.concat([table3(CONSISTENT_2019), unmapped])))
    assert checks.filter(check="row_sum").height == len(CONSISTENT_2019)
    assert set(checks["status"]) == {"pass"}


# --- text_vs_table ----------------------------------------------------------------------------


def test_text_vs_table_fails_when_the_prose_states_a_different_granted_count():
    # 台商区 2020, line 19: "予以公开"44件 while 表三 予以公开 总计 = 46
    rows = with_cells(CONSISTENT_2019, granted=(6, 46))
    found = one(run(report(table3=table3(rows), facts=facts(("outcome.granted", 44.0, 19)))),
                "text_vs_table", "fact=outcome.granted@19")
    assert (found["status"], found["expected"], found["actual"], found["line"]) == ("fail", 46, 44, 19)
    assert "正文“予以公开”（第19行） 44" in found["message"] and "第102行" in found["message"]


def test_text_vs_table_counts_received_requests_as_new_plus_carried_over():
    checks = run(report(table3=table3(CONSISTENT_2019), facts=facts(("requests.received", 5.0, 35),
                                                                    ("requests.concluded", 4.0, 35),
                                                                    ("requests.carried_forward", 1.0, 35))))
    assert one(checks, "text_vs_table", "fact=requests.received@35")["expected"] == 5
    assert statuses(checks, "text_vs_table") == {"pass"}


def test_text_vs_table_adds_the_withheld_sub_rows_for_the_withheld_count():
    rows = with_cells(CONSISTENT_2019, withheld__state_secret=(6, 2))
    rows["withheld.third_party"] = [0, 0, 0, 0, 0, 0, 1]
    checks = run(report(table3=table3(rows), facts=facts(("outcome.withheld", 2.0, 20))))
    found = one(checks, "text_vs_table", "fact=outcome.withheld@20")
    assert (found["status"], found["expected"]) == ("fail", 3)


def test_text_vs_table_is_not_assessable_when_the_table_cell_is_blank():
    rows = with_cells(CONSISTENT_2019, carried_over=(6, ""))
    found = one(run(report(table3=table3(rows), facts=facts(("requests.received", 5.0, 19)))),
                "text_vs_table", "fact=requests.received@19")
    assert found["status"] == "not_assessable"


def test_text_vs_table_compares_stated_litigation_with_both_litigation_totals():
    # 台商区 2020 line 19 says no litigation; its 表四 prints one 未经复议直接起诉 case.
    t4 = table4({"review": ZEROS[:5], "litigation_direct": [0, 1, 0, 0, 1], "litigation_after_review": ZEROS[:5]})
    checks = run(report(table4=t4, facts=facts(("review.total", 0.0, 19), ("litigation.total", 0.0, 19))))
    assert one(checks, "text_vs_table", "fact=review.total@19")["status"] == "pass"
    found = one(checks, "text_vs_table", "fact=litigation.total@19")
    assert (found["status"], found["expected"], found["actual"]) == ("fail", 1, 0)


# --- legacy_vs_text ---------------------------------------------------------------------------

LEGACY_2017 = legacy(("requests_total", 230.0, 437.0, 244), ("requests_in_person", 77.0, 189.0, 245),
                     ("requests_online", 49.0, 137.0, 246), ("requests_letter", 104.0, 121.0, 247),
                     ("responses_total", 230.0, 437.0, 248), ("responses_granted", 84.0, 203.0, 249),
                     ("responses_partial", 2.0, 23.0, 250), ("responses_withheld", 104.0, 121.0, 251),
                     ("responses_other", 40.0, 100.0, 252), ("proactive_total", 4488.0, 35685.0, 241))
ANSWERS_2017 = (("outcome.already_public", 6.0, 204), ("outcome.granted", 84.0, 206), ("outcome.partial", 2.0, 207),
                ("outcome.withheld", 101.0, 208), ("outcome.not_ours", 3.0, 209), ("outcome.not_exist", 9.0, 210),
                ("outcome.amend", 4.0, 211), ("outcome.other_channel", 21.0, 212))


def test_legacy_vs_text_fails_when_the_annex_and_the_prose_disagree():
    checks = run(report("legacy", legacy=LEGACY_2017, facts=facts(*ANSWERS_2017)))
    found = one(checks, "legacy_vs_text", "fact=outcome.withheld@208;indicator=responses_withheld")
    assert (found["status"], found["expected"], found["actual"], found["line"]) == ("fail", 104, 101, 208)
    assert "附表“不予公开答复数”（第251行） 104" in found["message"]
    assert one(checks, "legacy_vs_text", "fact=outcome.granted@206;indicator=responses_granted")["status"] == "pass"


def test_legacy_vs_text_adds_the_other_answer_types_for_the_annex_other_row():
    checks = run(report("legacy", legacy=LEGACY_2017, facts=facts(*ANSWERS_2017)))
    other = one(checks, "legacy_vs_text", "facts@204;indicator=responses_other")
    assert (other["status"], other["expected"], other["actual"]) == ("fail", 40, 43)
    assert one(checks, "legacy_vs_text", "facts@204;indicator=responses_total")["status"] == "pass"


def test_legacy_vs_text_compares_a_cumulative_statement_with_the_cumulative_column():
    checks = run(report("legacy", legacy=LEGACY_2017, facts=facts(("proactive.cumulative", 53192.0, 127),
                                                                  ("proactive.total", 4488.0, 127))))
    found = one(checks, "legacy_vs_text", "fact=proactive.cumulative@127;indicator=proactive_total;column=cumulative")
    assert (found["status"], found["expected"], found["actual"]) == ("fail", 35685, 53192)
    assert one(checks, "legacy_vs_text", "fact=proactive.total@127;indicator=proactive_total")["status"] == "pass"


# --- category_sum -----------------------------------------------------------------------------


def test_legacy_category_sum_fails_when_the_annex_parts_do_not_add_up_to_its_total():
    checks = run(report("legacy", legacy=LEGACY_2017))
    assert one(checks, "category_sum", "indicator=requests_total;column=value")["status"] == "pass"
    found = one(checks, "category_sum", "indicator=requests_total;column=cumulative")
    assert (found["status"], found["expected"], found["actual"], found["line"]) == ("fail", 447, 437, 244)
    assert found["severity"] == "error"


def test_category_sum_fails_when_the_listed_categories_miss_the_stated_total():
    stated = facts(("proactive.total", 4488.0, 127), ("proactive.category.organization", 4333.0, 134),
                   ("proactive.category.other", 153.0, 160))
    found = one(run(report("legacy", facts=stated)), "category_sum", "facts=proactive.category.*@134")
    assert (found["status"], found["expected"], found["actual"], found["line"], found["severity"]) == (
        "fail", 4486, 4488, 127, "warning")


def test_category_sum_passes_when_the_listed_categories_add_up():
    stated = facts(("requests.received", 63.0, 19), ("requests.channel.letter", 54.0, 19), ("requests.channel.online", 9.0, 19),
                   ("outcome.granted", 44.0, 19), ("outcome.partial", 7.0, 19), ("outcome.amend", 1.0, 19),
                   ("outcome.already_public", 1.0, 19), ("outcome.unable", 8.0, 19), ("outcome.withheld", 2.0, 19))
    checks = run(report(facts=stated))
    assert checks.filter(check="category_sum").height == 2
    assert statuses(checks, "category_sum") == {"pass"}


def test_category_sum_adds_answers_up_to_the_concluded_requests_when_the_prose_states_them():
    stated = facts(("requests.received", 248.0, 35), ("requests.concluded", 243.0, 35), ("outcome.granted", 200.0, 36),
                   ("outcome.partial", 43.0, 36))
    found = one(run(report(facts=stated)), "category_sum", "facts=outcome.*@36")
    assert (found["status"], found["actual"]) == ("pass", 243)


def test_category_sum_is_not_assessable_when_the_prose_states_no_total():
    stated = facts(("withheld_reason.state_secret", 98.0, 216), ("withheld_reason.commercial_secret", 1.0, 217))
    found = one(run(report("legacy", facts=stated)), "category_sum", "facts=withheld_reason.*@216")
    assert found["status"] == "not_assessable"


def test_a_key_stated_again_starts_a_new_listing():
    stated = facts(("proactive.total", 10.0, 1), ("proactive.category.plans", 4.0, 2), ("proactive.category.other", 6.0, 2),
                   ("proactive.total", 7.0, 8), ("proactive.category.plans", 3.0, 9), ("proactive.category.other", 4.0, 9))
    checks = run(report(facts=stated)).filter(check="category_sum")
    assert checks.select("scope", "actual", "status").rows() == [
        ("facts=proactive.category.*@2", 10, "pass"), ("facts=proactive.category.*@9", 7, "pass")]


# --- percent_vs_count -------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "total", "printed", "snippet"), [
    (14.0, 53.0, 26.41, "规划计划类信息14条，占26.41%"),    # 26.4150… truncated (开发区 2019, line 34)
    (26.0, 53.0, 49.06, "国土资源城乡建设环保能源类信息 26 条，占 49.06%"),  # 49.0566… rounded
    (673.0, 4488.0, 15.0, "国土资源城乡建设环保能源类信息 673 条，占 15%"),  # 14.9955… to 0 decimals
    (265.0, 4488.0, 5.9, "规划计划类信息 265 条，占 5.90%"),  # trailing zero read from the sentence
])
def test_percent_vs_count_accepts_rounding_or_truncation_to_the_printed_decimals(count, total, printed, snippet):
    stated = facts(("proactive.total", total, 30), ("proactive.category.plans", count, 34, printed, snippet))
    assert one(run(report(facts=stated)), "percent_vs_count", "fact=proactive.category.plans@34")["status"] == "pass"


def test_percent_vs_count_fails_when_the_printed_share_is_neither_rounded_nor_truncated():
    # 晋江市 2017, line 160: 其他类信息 153 条，占 3.45% of 4488 (3.4091…)
    stated = facts(("proactive.total", 4488.0, 127), ("proactive.category.other", 153.0, 160, 3.45, "其他类信息 153 条，占 3.45%。"))
    found = one(run(report("legacy", facts=stated)), "percent_vs_count", "fact=proactive.category.other@160")
    assert (found["status"], found["expected"], found["actual"], found["severity"]) == ("fail", 3.41, 3.45, "warning")
    assert "其他类信息" in found["message"] and "3.4091%" in found["message"]


def test_percent_vs_count_is_not_assessable_without_a_stated_total():
    stated = facts(("requests.channel.online", 49.0, 194, 21.3, "网络申请 49 件，占 21.3%"))
    assert one(run(report(facts=stated)), "percent_vs_count", "fact=requests.channel.online@194")["status"] == "not_assessable"


def test_printed_decimals_reads_the_percent_as_printed_in_the_sentence():
    assert printed_decimals(5.9, "规划计划类信息 265 条，占 5.90%；") == 2
    assert printed_decimals(15.0, "占 15%") == 0
    assert printed_decimals(12.8, None) == 1
    assert printed_decimals(5.9, "5.90") == 2  # the share as printed (facts.share_raw)


# --- corpus rules -----------------------------------------------------------------------------


def two_years(first: dict[str, list], second: dict[str, list], *, years=(2020, 2021), t2=None) -> Corpus:
    reports = [Report({"report_id": rid, "agency_id": "a", "year": year, "template": "2019", "source": f"{year}.txt"},
                      table3=table3(rows, report_id=rid), table2=(t2 or {}).get(rid, frame("table2", [])))
               for rid, year, rows in (("1111111111111111", years[0], first), ("2222222222222222", years[1], second))]
    return Corpus.from_reports(reports)


def test_carry_over_continuity_passes_when_carried_forward_equals_next_years_carried_over():
    corpus = with_corpus_checks(two_years(CONSISTENT_2019, CONSISTENT_2019), reviews=empty_reviews())
    continuity = corpus.checks.filter(check="carry_over_continuity")
    assert continuity.height == 7 and set(continuity["status"]) == {"pass"}
    assert set(continuity["report_id"]) == {"2222222222222222"}


def test_carry_over_continuity_fails_when_next_years_carried_over_differs():
    later = with_cells(CONSISTENT_2019, carried_over=(6, 2))
    later["carried_over"][0] = 2
    corpus = with_corpus_checks(two_years(CONSISTENT_2019, later), reviews=empty_reviews())
    found = one(corpus.checks, "carry_over_continuity", "column=total;previous=1111111111111111")
    assert (found["status"], found["expected"], found["actual"], found["line"]) == ("fail", 1, 2, 101)
    assert "2020年报告“结转下年度继续办理”" in found["message"]


def test_carry_over_continuity_skips_years_that_are_not_consecutive():
    corpus = with_corpus_checks(two_years(CONSISTENT_2019, CONSISTENT_2019, years=(2019, 2021)), reviews=empty_reviews())
    assert corpus.checks.filter(check="carry_over_continuity").height == 0


def test_corpus_checks_run_twice_are_not_added_twice():
    once = with_corpus_checks(two_years(CONSISTENT_2019, CONSISTENT_2019), reviews=empty_reviews())
    twice = with_corpus_checks(once, reviews=empty_reviews())
    assert twice.checks.height == once.checks.height


def table2_2021(report_id: str, made: int, repealed: int, in_force: int) -> pl.DataFrame:
    return frame("table2", [{"report_id": report_id, "item": "normative_documents", "item_zh": "行政规范性文件", "measure": m,
                             "measure_zh": m, "value": float(v), "unit": "件", "raw": str(v), "line": 70}
                            for m, v in (("made", made), ("repealed", repealed), ("in_force", in_force))])


@pytest.mark.parametrize(("in_force", "status"), [(198, "pass"), (179, "fail")])
def test_in_force_continuity_is_a_warning_on_last_years_in_force_plus_made_minus_repealed(in_force, status):
    t2 = {"1111111111111111": table2_2021("1111111111111111", 10, 5, 160),
          "2222222222222222": table2_2021("2222222222222222", 64, 26, in_force)}
    corpus = with_corpus_checks(two_years(CONSISTENT_2019, CONSISTENT_2019, t2=t2), reviews=empty_reviews())
    found = one(corpus.checks, "in_force_continuity", "item=normative_documents;previous=1111111111111111")
    assert (found["status"], found["severity"], found["expected"]) == (status, "warning", 198)
    assert "− 2021年“本年废止件数”（第70行） 26" in found["message"]


# --- strict and soft mode ---------------------------------------------------------------------


def test_soft_mode_records_a_failing_error_level_check():
    rows = with_cells(CONSISTENT_2019, partial=(1, 3))
    assert "fail" in statuses(run(report(table3=table3(rows))), "row_sum")


def test_strict_mode_raises_when_an_error_level_check_fails():
    rows = with_cells(CONSISTENT_2019, partial=(1, 3))
    with pytest.raises(check.ChecksFailed) as raised:
        run(report(table3=table3(rows)), strict=True)
    assert set(raised.value.failures["check"]) == {"row_sum", "column_sum"}
    assert "row_sum" in str(raised.value)


def test_strict_mode_does_not_raise_on_a_warning():
    stated = facts(("proactive.total", 4488.0, 127), ("proactive.category.other", 153.0, 160, 3.45, "占 3.45%"))
    checks = run(report(facts=stated), strict=True)
    assert checks.filter(status="fail")["severity"].to_list() == ["warning"]


def test_strict_corpus_checks_raise_on_a_continuity_break():
    later = with_cells(CONSISTENT_2019, carried_over=(6, 2))
    later["carried_over"][0] = 2
    corpus = two_years(CONSISTENT_2019, later)
    corpus.checks = frame("checks", [])
    with pytest.raises(check.ChecksFailed):
        with_corpus_checks(corpus, strict=True, reviews=empty_reviews())


def test_every_declared_rule_has_a_docstring_and_a_known_check_key():
    keys = {"identity", "row_sum", "column_sum", "t4_total", "text_vs_table", "percent_vs_count", "category_sum",
            "legacy_vs_text", "carry_over_continuity", "in_force_continuity"}
    assert {declared.check for declared in check.RULES.values()} == keys
    assert all(declared.description for declared in check.RULES.values())


def test_every_declared_rule_is_documented_in_the_data_quality_page_with_the_frames_it_reads(root):
    page = (root / "docs" / "data-quality.md").read_text(encoding="utf-8")
    for declared in check.RULES.values():
        reads = ", ".join(sorted(declared.reads))
        assert f"| `{declared.check}` | `{declared.name}` | {reads} |" in page, declared.name


def test_rules_about_one_table_are_found_from_what_the_rules_declare_they_read():
    assert check.checks_reading_only({"table2"}) == {"in_force_continuity"}
    assert check.checks_reading_only({"table4"}) == {"t4_total"}
    assert "text_vs_table" not in check.checks_reading_only({"table3", "table4"})  # it reads the prose too


def test_the_cells_corpus_rules_read_are_declared_by_the_rules():
    assert check.corpus_rule_cells() == {"table3": ("row", ("carried_forward", "carried_over")),
                                         "table2": ("measure", ("in_force", "made", "repealed"))}


def test_a_rule_must_say_which_frames_it_reads():
    with pytest.raises(ValueError, match="reads"):
        check.rule("nothing", reads=())
    with pytest.raises(ValueError, match="reads"):
        check.rule("elsewhere", reads=("outcomes",))
