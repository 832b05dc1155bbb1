"""Printed cells become numbers without losing what was printed; labels match in any spelling."""

from __future__ import annotations

import pytest

from govdata.labels import lookup
from govdata.normalize import label_key, parse_number


@pytest.mark.parametrize(("printed", "value", "unit"), [
    ("+21", 21.0, None),
    ("-136", -136.0, None),
    ("86715327.21元", 86715327.21, "元"),
    ("694.8841", 694.8841, None),
    ("1,234,567", 1234567.0, None),
    ("１２３", 123.0, None),
    ("12 万元", 12.0, "万元"),
    ("0", 0.0, None),
])
def test_parse_number_reads_signs_units_decimals_and_separators(printed, value, unit):
    number = parse_number(printed)
    assert number.value == value and number.unit == unit and number.raw == printed.strip()


@pytest.mark.parametrize("placeholder", ["/", "-", "—", "无", "－", "——"])
def test_placeholders_are_null_and_flagged_never_zero(placeholder):
    number = parse_number(placeholder)
    assert number.value is None and number.is_placeholder and number.raw == placeholder


def test_blank_cell_is_null_and_flagged_blank():
    number = parse_number("  ")
    assert number.value is None and number.is_blank


@pytest.mark.parametrize("label", ["自然人", "本年新收政府信息公开申请数量", "1,2", "12a"])
def test_text_is_not_a_number(label):
    assert parse_number(label) is None


def test_label_key_folds_width_brackets_enumerator_commas_spaces_and_traditional():
    assert label_key("（一） 予以公开") == label_key("(一)予以公开")
    assert label_key("3、危及") == "3.危及"
    assert label_key("結 果 維 持") == "结果维持"


@pytest.mark.parametrize(("table", "field", "printed", "key"), [
    ("table3", "row", "1.属于国家秘密", "withheld.state_secret"),
    ("table3", "row", "（二）部分公开(区分处理的, 只计这一情形, 不计其他情形)", "partial"),
    ("table3", "row", "四、结转下年度继续办理", "carried_forward"),
    ("table3", "requester", "社 会 公 益 组 织", "public_interest"),
    ("table2", "measure", "2017年以来对外公开总数量", "total_published"),
    ("table2", "measure", "本年收费金额（单位：万元）", "fee_amount"),
    ("table2", "item", "行政规范性文件", "normative_documents"),
    ("table4", "outcome", "尚 未 审 结", "pending"),
    ("legacy", "indicator", "其中：1.政府网站公开数", "proactive_web"),
])
def test_label_table_maps_printed_variants_to_canonical_keys(table, field, printed, key):
    assert lookup(table, field, printed).key == key


def test_unknown_label_maps_to_nothing():
    assert lookup("table3", "row", "本年度收到的表扬信") is None
