"""One outcomes series: 表三 group sums for 2019+, the documented crosswalk for legacy reports."""

from __future__ import annotations

import pytest

from govdata import form, schema
from govdata.facts import fact_keys
from govdata.harmonize import OUTCOMES, crosswalk, legacy_fact_map, report_outcomes
from govdata.labels import labels_for
from govdata.model import Report

IDENTITY = {"report_id": "r1", "agency_id": "some_agency", "year": 2020}


def table3(cells: dict[str, int | None], *, requester: str = "total") -> schema.pl.DataFrame:
    return schema.frame("table3", [
        {"report_id": "r1", "row": row, "requester": requester, "value": value, "line": line}
        for line, (row, value) in enumerate(cells.items(), start=10)
    ])


def legacy_frame(values: dict[str, float]) -> schema.pl.DataFrame:
    return schema.frame("legacy", [
        {"report_id": "r1", "indicator": key, "value": value, "line": line} for line, (key, value) in enumerate(values.items(), start=100)
    ])


def facts_frame(values: list[tuple[str, float]]) -> schema.pl.DataFrame:
    return schema.frame("facts", [
        {"report_id": "r1", "key": key, "value": value, "line": line} for line, (key, value) in enumerate(values, start=200)
    ])


def outcomes(report: Report, *columns: str) -> dict[str, tuple]:
    frame = report_outcomes(report)
    return {row[0]: row[1:] for row in frame.select("outcome", *(columns or ("value", "source"))).rows()}


FORM_2019 = {
    "new": 12, "carried_over": 1, "granted": 3, "partial": 1,
    "withheld.state_secret": 1, "withheld.third_party": 2,
    "unable.not_held": 2, "unable.needs_creation": 0, "unable.unclear": None,
    "not_processed.petition": 1, "not_processed.duplicate": 1,
    "other": 1, "total": 12, "carried_forward": 1,
}


def test_table3_groups_are_sums_of_sub_rows_in_total_column_2019_form():
    report = Report(report={**IDENTITY, "template": "2019"}, table3=table3(FORM_2019))
    assert outcomes(report) == {
        "granted": (3, "table3"), "partial": (1, "table3"), "withheld": (3, "table3"), "unable": (2, "table3"),
        "not_processed": (2, "table3"), "other": (1, "table3"), "total": (12, "table3"),
    }


def test_table3_other_is_sum_of_other_sub_rows_in_2021_form():
    cells = {"granted": 5, "other.no_amendment": 5, "other.unpaid_fee": 0, "other.other": 3, "total": 13}
    report = Report(report={**IDENTITY, "template": "2021"}, table3=table3(cells))
    assert outcomes(report, "value", "line") == {"granted": (5, 10), "other": (8, 11), "total": (13, 14)}


def test_table3_outcomes_ignore_requester_columns_other_than_total():
    frame = schema.pl.concat([table3({"granted": 7}, requester="natural_person"), table3({"granted": 4})])
    report = Report(report={**IDENTITY, "template": "2019"}, table3=frame)
    assert outcomes(report) == {"granted": (4, "table3")}


def test_table3_group_with_only_blank_cells_has_null_value_and_missing_group_is_left_out():
    report = Report(report={**IDENTITY, "template": "2019"}, table3=table3({"granted": None, "unable.not_held": None, "total": 0}))
    assert outcomes(report, "value", "note") == {
        "granted": (None, "表三“予以公开”行，总计列"),
        "unable": (None, "表三“不掌握”行，总计列"),
        "total": (0, "表三“（七）总计”行，总计列"),
    }


def test_table3_sum_note_counts_blank_cells():
    report = Report(report={**IDENTITY, "template": "2019"}, table3=table3(FORM_2019))
    note = report_outcomes(report).filter(outcome="unable")["note"][0]
    assert note == "表三3行之和（不掌握、需另行制作、补正后仍不明确，其中1行空白），总计列"


def test_table3_values_are_not_flagged_as_changed_definition():
    report = Report(report={**IDENTITY, "template": "2019"}, table3=table3(FORM_2019))
    frame = report_outcomes(report)
    assert not frame["is_definition_changed"].any() and not frame["has_conflict"].any()


def test_outcomes_carry_report_identity_and_template():
    report = Report(report={**IDENTITY, "template": "2021"}, table3=table3({"total": 3}))
    assert report_outcomes(report).select("report_id", "agency_id", "year", "template").row(0) == ("r1", "some_agency", 2020, "2021")


LEGACY_2017_TABLE = {"responses_total": 230, "responses_granted": 84, "responses_partial": 2, "responses_withheld": 104,
                     "responses_other": 40}
PROSE_2017 = [("outcome.already_public", 6), ("outcome.granted", 84), ("outcome.partial", 2), ("outcome.withheld", 101),
              ("outcome.not_ours", 3), ("outcome.not_exist", 9), ("outcome.amend", 4), ("outcome.other_channel", 21)]


def legacy_report(table: dict | None = None, prose: list | None = None) -> Report:
    return Report(report={**IDENTITY, "template": "legacy"}, legacy=legacy_frame(table or {}), facts=facts_frame(prose or []))


def test_legacy_appendix_only_maps_four_types_and_total():
    report = legacy_report({"responses_total": 10, "responses_granted": 5, "responses_partial": 1, "responses_withheld": 2,
                            "responses_other": 2})
    assert outcomes(report, "value", "source", "is_definition_changed") == {
        "granted": (5, "legacy", True), "partial": (1, "legacy", False), "withheld": (2, "legacy", True),
        "other": (2, "legacy", True), "total": (10, "legacy", False),
    }


def test_legacy_complete_prose_is_preferred_and_disagreement_is_flagged():
    report = legacy_report(LEGACY_2017_TABLE, PROSE_2017)
    assert outcomes(report, "value", "source", "has_conflict") == {
        "granted": (90, "facts", False), "partial": (2, "facts", False), "withheld": (101, "facts", True),
        "unable": (12, "facts", False), "not_processed": (21, "facts", False), "other": (4, "facts", True),
        "total": (230, "legacy", False),
    }


def test_legacy_conflict_note_gives_both_numbers_and_lines():
    note = report_outcomes(legacy_report(LEGACY_2017_TABLE, PROSE_2017)).filter(outcome="withheld")["note"][0]
    assert note == ("正文：“不予公开” 101（第203行）；采用正文：正文各答复类型之和等于总数 230；"
                    "附表“不予公开答复数” 104（第103行）与正文 101（第203行）不同")


def test_legacy_groups_add_up_to_total_under_the_one_source_rule():
    frame = report_outcomes(legacy_report(LEGACY_2017_TABLE, PROSE_2017))
    groups = frame.filter(schema.pl.col("outcome") != "total")["value"].sum()
    assert groups == frame.filter(outcome="total")["value"][0]


def test_legacy_incomplete_prose_falls_back_to_appendix():
    report = legacy_report(LEGACY_2017_TABLE, [("outcome.granted", 84), ("outcome.withheld", 101)])
    result = outcomes(report, "value", "source")
    assert result == {"granted": (84, "legacy"), "partial": (2, "legacy"), "withheld": (104, "legacy"), "other": (40, "legacy"),
                      "total": (230, "legacy")}
    note = report_outcomes(report).filter(outcome="granted")["note"][0]
    assert "正文各答复类型之和为 185，不等于总数 230，故采用附表" in note


def test_legacy_prose_stating_one_type_twice_differently_is_not_used():
    report = legacy_report(LEGACY_2017_TABLE, [*PROSE_2017, ("outcome.granted", 80)])
    assert outcomes(report)["withheld"] == (104, "legacy")
    assert "未采用正文：“予以公开”在正文中出现不同的数字" in report_outcomes(report).filter(outcome="granted")["note"][0]


def test_legacy_without_appendix_uses_complete_prose_and_its_sum_as_total():
    report = legacy_report(None, [("requests.received", 10), ("outcome.granted", 6), ("outcome.not_exist", 4)])
    assert outcomes(report, "value", "source") == {"granted": (6, "facts"), "unable": (4, "facts"), "total": (10, "facts")}


def test_legacy_without_appendix_and_incomplete_prose_gives_stated_groups_without_total():
    report = legacy_report(None, [("requests.received", 10), ("outcome.granted", 6)])
    assert outcomes(report, "value", "source") == {"granted": (6, "facts")}


def test_legacy_report_with_neither_source_has_no_outcomes():
    assert report_outcomes(legacy_report()).height == 0


def test_unknown_template_without_tables_has_no_outcomes():
    assert report_outcomes(Report(report={**IDENTITY, "template": None})).height == 0


@pytest.mark.parametrize("mapping", crosswalk(), ids=lambda m: f"{m.source}-{m.outcome}")
def test_crosswalk_rows_name_known_outcomes_and_inputs(mapping):
    assert mapping.outcome in OUTCOMES
    known = fact_keys() if mapping.source == "facts" else set(labels_for("legacy", "indicator"))
    assert set(mapping.inputs) <= known


def test_crosswalk_files_every_prose_answer_type_exactly_once_outside_total():
    answer_types = {key for key in fact_keys() if key.startswith("outcome.")}
    filed = [key for m in crosswalk() if m.source == "facts" and m.outcome != "total" for key in m.inputs]
    assert sorted(filed) == sorted(answer_types)


def test_legacy_fact_map_names_known_indicators_and_fact_keys():
    assert set(legacy_fact_map()) == set(form.legacy_indicators())
    assert {key for keys in legacy_fact_map().values() for key in keys} <= fact_keys()
