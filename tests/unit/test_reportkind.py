"""One rule tells annual reports from the other documents of a 年报 column, by title (reportkind)."""

from __future__ import annotations

import doctest

import pytest

from govdata import reportkind
from govdata.reportkind import classify_document, classify_title
from tests.conftest import SEEDS


@pytest.mark.parametrize(("title", "year", "agency"), [
    ("某某区2011年政府信息公开工作年度报告", 2011, "某某区"),
    ("某某区管委会2014年度政府信息公开工作年度报告", 2014, "某某区管委会"),
    ("某某区地方税务局2013年信息公开年度报告", 2013, "某某区地方税务局"),
    ("某某市人民政府 2022 年 政府信息公开 工作年度报告", 2022, "某某市人民政府"),
    ("某某县二〇一九年政府信息公开工作年度报告", 2019, "某某县"),
    ("关于某某局2020年度政府信息公开工作报告", 2020, "某某局"),
    ("2023年度政府信息公开工作年度报告", 2023, None),
])
def test_title_naming_a_year_and_the_report_is_an_annual_report_with_its_year_and_agency(title, year, agency):
    kind = classify_title(title)
    assert kind.is_annual_report and kind.year == year and kind.agency == agency


@pytest.mark.parametrize(("title", "says"), [
    ("关于2014年政府信息公开工作落实情况的函", "函 (letter)"),
    ("关于报送2019年政府信息公开工作年度报告的函", "函 (letter)"),
    ("关于做好2020年政府信息公开工作年度报告编制工作的通知", "通知 (notice)"),
    ("某某区2021年政务公开工作要点", "要点"),
    ("图解：某某区2021年度政府信息公开工作年度报告", "解读"),
    ("政府信息公开年报", "names no year"),
    ("政府信息公开指南", "指南"),
    ("首页", "does not name"),
    ("", "no title"),
])
def test_title_of_another_kind_of_document_is_not_an_annual_report_and_says_why(title, says):
    kind = classify_title(title)
    assert not kind.is_annual_report and says in kind.reason


def test_document_is_a_report_when_a_title_line_names_one_even_below_site_chrome():
    lines = ["国务院省政府省人大", "网站支持IPV6", "政府信息公开指南", "某某区2019年度政府信息公开工作年度报告", "一、总体情况"]
    assert classify_document(lines, has_tables=False).year == 2019


def test_document_titled_as_a_letter_without_tables_is_not_an_annual_report():
    lines = ["首页", "关于2014年政府信息公开工作落实情况的函", "省政府办公厅：",
             "根据《关于做好2014年政府信息公开工作年度报告有关事项的通知》要求，现函告如下："]
    kind = classify_document(lines, has_tables=False)
    assert not kind.is_annual_report and "函" in kind.reason


def test_document_titled_as_a_notice_that_holds_the_tables_is_read_as_a_report():
    assert classify_document(["关于印发某某区年度报告的通知", "总计\t3"], has_tables=True).is_annual_report


def test_document_without_any_title_is_given_the_benefit_of_the_doubt():
    assert classify_document(["一、总体情况", "本年度共收到申请3件。"], has_tables=False).is_annual_report


@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem for s in SEEDS])
def test_every_bundled_report_is_an_annual_report(seed):
    lines = seed.read_text(encoding="utf-8").splitlines()
    assert classify_document(lines, has_tables=False).is_annual_report


def test_reportkind_docstring_examples_hold():
    assert doctest.testmod(reportkind).failed == 0
