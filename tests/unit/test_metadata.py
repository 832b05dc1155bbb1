"""Agency, statistics year and registry resolution from the first lines of a report."""

from __future__ import annotations

from govdata import parse_report
from govdata.metadata import guess_level, read_statistics_year, read_title_and_year, resolve_agency


def test_title_agency_is_read_and_letterhead_kept_apart():
    info = read_title_and_year(["", "福建晋江经济开发区管理委员会文件", "", "晋江市经济开发区 2019 年政府信息公开 工作年度报告"])
    assert info.agency == "晋江市经济开发区" and info.title_year == 2019 and info.agency_line == 4
    assert info.letterhead == "福建晋江经济开发区管理委员会"


def test_title_broken_over_two_lines_is_joined():
    info = read_title_and_year(["泉州台商投资区管理委员会2020年", "", "政府信息公开工作年度报告"])
    assert info.agency == "泉州台商投资区管理委员会" and info.title_year == 2020


def test_statistics_year_comes_from_the_period_not_the_publication_date():
    lines = ["某局2020年政府信息公开工作年度报告", "本报告所列数据的统计期限自2019年1月1日至2019年12月31日。", "2020年1月20日"]
    assert read_statistics_year(lines) == (2019, 2)


def test_statistics_year_with_year_omitted_at_the_end_of_the_period():
    assert read_statistics_year(["统计期限从2020年1月1日至12月31日止。"]) == (2020, 1)


def test_registry_resolves_aliases_of_one_agency_to_one_id():
    assert resolve_agency("晋江市经济开发区").agency_id == resolve_agency("福建晋江经济开发区管理委员会").agency_id == "jinjiang_edz"
    assert resolve_agency("晋江市").agency_id == resolve_agency("晋江市人民政府").agency_id == "jinjiang_city"


def test_unknown_agency_gets_a_deterministic_id_and_a_level_guess():
    first, second = resolve_agency("某某县某某镇人民政府"), resolve_agency("某某县某某镇人民政府")
    assert first.agency_id == second.agency_id and first.agency_id.startswith("unk_") and not first.is_known
    assert first.level == "township"


def test_unknown_agency_is_a_warning_in_checks():
    report = parse_report(text="某某县某某镇人民政府2022年政府信息公开工作年度报告\n统计期限自2022年1月1日至2022年12月31日\n")
    [finding] = report.checks.filter(check="unknown_agency").to_dicts()
    assert finding["severity"] == "warning" and finding["line"] == 1


def test_level_guess_from_name_endings():
    assert guess_level("某某经济开发区管理委员会") == "zone"
    assert guess_level("某某市公安局") == "department"
    assert guess_level("某某县人民政府") == "county"
