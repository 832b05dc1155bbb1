"""Report identity (agency, statistics year, template) from every kind of page a report comes as.

Snippets are written for these tests from the form's own wording; agency names are invented.
"""

from __future__ import annotations

from govdata import parse_report
from govdata.metadata import is_annual_report, read_identity, template_from_text
from govdata.read import read_document


def reading(text: str) -> tuple[str, ...]:
    """The reading form of a page (Traditional read as Simplified, pinyin glosses dropped)."""
    return read_document(text=text).norm_lines


# --- titles in any order and spelling -------------------------------------------------------


def test_traditional_title_gives_agency_and_year_in_reading_form():
    lines = reading("青禾縣水利局2022年政府信息公開工作年度報告\n一、總體情況\n本機關認真貫徹落實《條例》。")
    identity = read_identity(lines)
    assert (identity.agency, identity.agency_line, identity.year, identity.year_line) == ("青禾县水利局", 1, 2022, 1)


def test_title_with_pinyin_glosses_is_read_without_them():
    identity = read_identity(reading("雲溪鎮2023年政府信息公開工作年度報(bào)告\n一、總體情況(kuàng)"))
    assert (identity.agency, identity.year) == ("云溪镇", 2023)


def test_year_first_title_reads_the_agency_after_the_year():
    identity = read_identity(["2023年青禾县司法局政府信息公开工作年度报告", "一、总体情况"])
    assert (identity.agency, identity.year) == ("青禾县司法局", 2023)


def test_year_first_title_keeps_renmin_zhengfu_in_the_name():
    identity = read_identity(["2009年云溪镇人民政府信息公开工作年度报告"])
    assert identity.agency == "云溪镇人民政府"


def test_title_without_zhengfu_or_gongzuo_is_a_title():
    identity = read_identity(["北岭县国土资源局2015年信息公开年度报告", "一、概述"])
    assert (identity.agency, identity.year) == ("北岭县国土资源局", 2015)


def test_title_that_names_no_agency_takes_the_name_line_above_it():
    lines = ["关于2021年度政府信息公开工作的年度报告", "发布时间:2022-02-08 来源:党政办 阅读次数:",
             "青禾县云溪镇人民政府", "关于2021年度政府信息公开工作的年度报告", "一、总体情况"]
    identity = read_identity(lines)
    assert (identity.agency, identity.agency_line, identity.year) == ("青禾县云溪镇人民政府", 3, 2021)


def test_title_that_names_no_agency_takes_the_name_line_below_it():
    identity = read_identity(["2022年政府信息公开工作年度报告", "北岭县丰禾镇人民政府", "一、总体情况"])
    assert (identity.agency, identity.agency_line) == ("北岭县丰禾镇人民政府", 2)


def test_title_broken_over_lines_with_the_year_alone_is_joined():
    identity = read_identity(["2024", "年政府信息公开", "年度报告", "依据《中华人民共和国政府信息公开条例》编制。"])
    assert (identity.year, identity.year_line, identity.agency) == (2024, 1, None)


def test_title_whose_end_is_on_the_next_line_is_joined():
    identity = read_identity(["正文", "2024 年青禾县科委政府信息公开工作", "年度报告", "一、总体情况"])
    assert (identity.agency, identity.agency_line, identity.year) == ("青禾县科委", 2, 2024)


def test_flipbook_page_prefix_is_not_part_of_the_agency():
    lines = ["Page 5 - 青禾县市场监督管理局2022年政府信息公开工作年度报告", "P. 5", "(三)政府信息管理情况",
             "2022 年，我局规范信息发布审核流程。"]
    identity = read_identity(lines)
    assert (identity.agency, identity.year, identity.year_line) == ("青禾县市场监督管理局", 2022, 1)


def test_title_with_the_year_in_brackets_after_it_is_a_title():
    identity = read_identity(["青禾县人民政府办公室政府信息公开工作年度报告(2021年度)"])
    assert (identity.agency, identity.year) == ("青禾县人民政府办公室", 2021)


def test_title_year_in_chinese_numerals_is_read():
    identity = read_identity(["二〇二二年二月八日", "青禾县水利局二〇二一年政府信息公开工作年度报告"])
    assert (identity.agency, identity.year, identity.year_line) == ("青禾县水利局", 2021, 2)


def test_title_in_a_table_cell_after_a_label_cell_drops_the_label():
    assert read_identity(["标题\t云溪镇2020年政府信息公开工作年度报告"]).agency == "云溪镇"


def test_label_before_a_title_is_dropped():
    assert read_identity(["标题:云溪镇2020年政府信息公开工作年度报告"]).agency == "云溪镇"


def test_spam_brand_before_a_title_is_dropped():
    assert read_identity(["xyz最新官网北岭省人民政府2018年政府信息公开工作报告"]).agency == "北岭省人民政府"


def test_agency_whose_name_holds_a_word_brands_use_is_kept():
    assert read_identity(["青禾县文化广电旅游体育局2022年政府信息公开工作年度报告"]).agency == "青禾县文化广电旅游体育局"


def test_spam_brand_that_replaced_the_place_name_leaves_no_agency():
    lines = ["发布机构: | 某某体育投注官网市市场监管局 |",
             "依照《条例》，现向社会发布我局2023年度政府信息公开工作报告，所载数据统计时段为2023年1月1日至2023年12月31日。"]
    identity = read_identity(lines)
    assert (identity.agency, identity.year) == (None, 2023)


# --- the opening sentence ---------------------------------------------------------------------


def test_opening_sentence_alone_gives_agency_and_year():
    lines = ["一、总体情况", "2022年，青禾县自然资源局持续规范信息发布，全年主动公开政府信息41条。", "二、主动公开政府信息情况"]
    identity = read_identity(lines)
    assert (identity.agency, identity.agency_line, identity.year, identity.year_line) == ("青禾县自然资源局", 2, 2022, 2)


def test_opening_sentence_keeps_the_whole_name_of_a_comprehensive_bureau():
    lines = ["一、总体情况", "2022年，青禾县综合行政执法局认真贯彻落实《条例》，主动公开政府信息25条。"]
    assert read_identity(lines).agency == "青禾县综合行政执法局"


def test_opening_sentence_after_a_subheading_gives_the_agency():
    lines = ["一、总体情况", "(一)主动公开情况。2021年，北岭经济开发区坚持依法公开，主动公开信息27条。"]
    assert read_identity(lines).agency == "北岭经济开发区"


def test_opening_sentence_without_a_year_gives_the_agency():
    lines = ["一、总体情况", "区审计局高度重视政务公开，按时完成2021年度政府信息公开各项任务。"]
    identity = read_identity(lines)
    assert (identity.agency, identity.year) == ("区审计局", 2021)


def test_title_inside_the_opening_sentence_gives_agency_and_year():
    lines = ["依照《条例》第五十条，现将云溪镇2022年政府信息公开工作年度报告予以公布。"]
    identity = read_identity(lines)
    assert (identity.agency, identity.year) == ("云溪镇", 2022)


def test_year_first_title_inside_a_sentence_gives_the_agency_after_the_year():
    lines = ["按照上级要求，现将2020年度区住房和城乡建设局信息公开工作总结报告如下。"]
    assert (read_identity(lines).agency, read_identity(lines).year) == ("区住房和城乡建设局", 2020)


def test_office_that_compiled_the_report_names_its_agency():
    lines = ["一、工作基本情况",
             "本报告由丰禾镇人民政府党政办公室依据《条例》编制，所列数据统计期限为2020年1月1日至2020年12月31日。"]
    identity = read_identity(lines)
    assert (identity.agency, identity.year) == ("丰禾镇人民政府", 2020)


def test_contact_office_names_its_agency_when_nothing_else_does():
    lines = ["现向社会公布2023年政府信息公开工作年度报告，如有疑问请与云溪镇人民政府党政办联系。"]
    assert read_identity(lines).agency == "云溪镇人民政府"


def test_an_office_without_its_agency_is_not_an_agency():
    lines = ["一、总体情况", "全年信息公开工作由综合办公室牵头，主动公开政府信息12条。"]
    assert read_identity(lines).agency is None


def test_page_that_only_says_wo_ju_has_no_agency():
    lines = ["一、总体情况", "2021年，我局依法做好主动公开和依申请公开工作。",
             "二、主动公开政府信息情况"]
    identity = read_identity(lines)
    assert (identity.agency, identity.agency_line, identity.year) == (None, None, 2021)


def test_a_group_of_agencies_is_not_an_agency():
    lines = ["一、总体情况", "2019年度，全市税务机关在市局党委领导下，累计公开各类信息96条。"]
    assert read_identity(lines).agency is None


# --- chrome and dates that are not the statistics year -----------------------------------------


def test_site_chrome_never_gives_the_agency():
    lines = ["当前位置:首页 > 政务公开 > 青禾县民政局", "发布时间:2022-01-14 来源:青禾县民政局 字体:大 中 小 打印",
             "一、总体情况", "2021年，我局依法推进政务公开。"]
    identity = read_identity(lines)
    assert (identity.agency, identity.year) == (None, 2021)


def test_catalogue_publisher_field_is_the_last_resort_for_the_agency():
    lines = ["索引号 | 000000000/2022-00001 | 公开方式 | 主动公开 |", "发布机构 | 青禾县商务局 | 发文日期 | 2022-01-14 |",
             "一、总体情况", "2021年，我局依法推进政务公开。"]
    identity = read_identity(lines)
    assert (identity.agency, identity.agency_line) == ("青禾县商务局", 2)


def test_table_cell_ending_in_wenjian_is_not_a_letterhead():
    lines = ["二、主动公开政府信息情况", "第二十条第(一)项", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
             "规章\t0\t0\t0", "行政规范性文件\t1\t0\t3"]
    identity = read_identity(lines)
    assert (identity.agency, identity.letterhead) == (None, None)


def test_letterhead_above_the_title_is_kept_apart():
    identity = read_identity(["北岭县云溪镇人民政府文件", "", "云溪镇2019年政府信息公开工作年度报告"])
    assert (identity.agency, identity.letterhead) == ("云溪镇", "北岭县云溪镇人民政府")


def test_link_to_another_report_is_not_the_title():
    lines = ["上一篇：青禾县2020年政府信息公开工作年度报告", "云溪镇2021年政府信息公开工作年度报告"]
    assert (read_identity(lines).agency, read_identity(lines).year) == ("云溪镇", 2021)


def test_site_name_over_the_navigation_is_not_the_agency():
    lines = ["青禾县人民政府", "政府信息公开", "一、总体情况", "2022年，青禾县水利局认真贯彻落实《条例》，主动公开政府信息30条。"]
    assert read_identity(lines).agency == "青禾县水利局"


def test_publication_date_without_a_period_is_never_the_year():
    lines = ["丰禾镇2023年政府信息公开工作年度报告", "来源: 丰禾镇人民政府 发布时间: 2024-02-03 09:12",
             "一、总体情况", "(一)主动公开方面。2023年，我镇依法推进政务公开。"]
    identity = read_identity(lines)
    assert (identity.year, identity.year_line) == (2023, 1)


def test_publication_date_in_chinese_is_not_an_opening_year():
    lines = ["青禾县人民政府", "2016年2月", "本报告由县政府办公室汇总各部门情况写成。", "一、概述",
             "2015年，我县依法推进政府信息公开。"]
    identity = read_identity(lines)
    assert (identity.year, identity.year_line, identity.agency) == (2015, 5, "青禾县人民政府")


def test_statistics_period_outranks_the_title_year():
    lines = ["某局2020年政府信息公开工作年度报告", "本报告所列数据的统计期限自2019年1月1日至2019年12月31日。"]
    assert (read_identity(lines).year, read_identity(lines).year_line) == (2019, 2)


def test_period_with_nian_lost_is_read():
    lines = ["本报告所列数据统计时限为20241月1日至202412月31日。"]
    assert (read_identity(lines).year, read_identity(lines).year_line) == (2024, 1)


def test_period_with_nian_and_yue_lost_is_read():
    assert read_identity(["本报告中所列数据的统计期限自202211日起至20221231日止。"]).year == 2022


def test_period_written_with_dots_is_read():
    assert read_identity(["本报告统计期限为2022.1.1—2022.12.31。"]).year == 2022


def test_period_digits_on_lines_of_their_own_are_read():
    lines = ["本报告数据的统计期限为", "2012", "年", "1", "月", "1", "日至", "2012", "年", "12", "月", "31", "日。"]
    assert (read_identity(lines).year, read_identity(lines).year_line) == (2012, 2)


def test_other_period_cue_words_are_read():
    assert read_identity(["本报告起止时间为2020年1月1日至12月31日，分概述、主动公开政府信息情况等部分。"]).year == 2020
    assert read_identity(["本报告数据统计周期为 2023 年 1 月 1 日至 12 月 31 日。"]).year == 2023


# --- what a page is ------------------------------------------------------------------------------


def test_letter_that_cites_the_annual_report_notice_is_not_a_report():
    lines = ["关于2021年政务公开重点工作推进情况的函", "市政府办公室:",
             "按照《关于做好2021年政务公开工作及政府信息公开工作年度报告编制有关事项的通知》，"
             "现将我县2021年政务公开重点工作推进情况函告如下:", "一、2021年政务公开工作开展情况"]
    assert not is_annual_report(lines)
    identity = read_identity(lines)
    assert (identity.agency, identity.year, identity.is_report) == (None, None, False)


def test_index_page_of_many_years_is_not_a_report():
    lines = [f"青禾县{year}年政府信息公开工作年度报告" for year in (2021, 2022, 2023)]
    assert not is_annual_report(lines)


def test_page_from_the_middle_of_a_report_is_a_report():
    lines = ["(四)平台建设情况", "门户网站政府信息公开专栏全年运行平稳，栏目按月更新。",
             "(五)监督保障情况", "将政务公开纳入年度考核，定期通报信息公开情况。"]
    assert is_annual_report(lines)


def test_page_with_only_the_form_tables_is_a_report():
    assert is_annual_report(["一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3"])


def test_letter_gets_null_identity_and_a_finding():
    report = parse_report(text="关于2021年政务公开重点工作推进情况的函\n市政府办公室:\n"
                          "现将我县2021年政务公开重点工作推进情况函告如下:\n")
    row = report.report
    assert (row["agency"], row["year"], row["template"]) == (None, None, None)
    assert report.checks.filter(check="not_annual_report").height == 1


# --- template without tables -------------------------------------------------------------------


def test_template_follows_the_year_when_nothing_is_cited():
    assert [template_from_text([], year) for year in (2017, 2019, 2020, 2021, 2024)] == ["legacy", "2019", "2019", "2021", "2021"]


def test_template_follows_the_cited_notice_even_across_a_line_break():
    lines = ["本报告根据《关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》(国办公", "开办函〔2021〕30 号)编制。"]
    assert template_from_text(lines, None) == "2021"
    assert template_from_text(["依据国办公开办函〔2019〕60号编制。"], 2022) == "2019"


def test_report_after_2018_without_tables_is_never_legacy():
    assert template_from_text(["2020年，我乡认真执行《条例》规定。"], 2020) == "2019"
    assert template_from_text([], None) is None


def test_narrative_only_report_gets_the_template_from_its_year_with_a_finding():
    report = parse_report(text="青禾县水利局2022年政府信息公开工作年度报告\n"
                          "本报告所列数据的统计期限自2022年1月1日至2022年12月31日。\n一、总体情况\n2022年，我局认真贯彻《条例》。\n")
    assert (report.report["template"], report.report["year"], report.report["agency"]) == ("2021", 2022, "青禾县水利局")
    assert report.checks.filter(check="template_from_text").height == 1


def test_pre_2019_report_without_tables_stays_legacy_without_a_finding():
    report = parse_report(text="青禾县2016年政府信息公开工作年度报告\n本报告所列数据的统计期限自2016年1月1日起至2016年12月31日止。\n")
    assert report.report["template"] == "legacy"
    assert report.checks.filter(check="template_from_text").height == 0


def test_a_2019_or_later_report_written_in_the_2008_sections_is_legacy():
    text = ["现公布我乡2020年政府信息公开工作情况。本文由概述、主动公开政府信息情况、依申请公开政府信息受理情况、"
            "政府信息公开相关收费情况、存在问题及改进措施组成。", "一、概述"]
    assert template_from_text(text, 2020) == "legacy"


def test_one_old_section_name_in_a_2019_form_report_does_not_make_it_legacy():
    assert template_from_text(["本报告由总体情况、依申请公开政府信息情况、收费及减免情况等部分组成。"], 2023) == "2021"
    assert template_from_text(["一、概述", "政府信息公开相关收费情况", "三、收到和处理政府信息公开申请情况"], 2020) == "2019"


# --- prose a PDF's text layer wrapped hard, catalogue fields in other layouts ---------------------


def test_an_agency_named_in_an_opening_sentence_cut_by_a_hard_wrap_is_read_whole():
    text = ("根据《中华人民共和国政府信息公开条例》规定，现将青禾县清河\n镇2022年政府信息公开工作年度报告公布如下。本报告由总体情况\n"
            "、主动公开政府信息情况等部分组成。\n一、总体情况\n")
    assert read_identity(reading(text)).agency == "青禾县清河镇"


def test_a_title_wrapped_after_a_flipbook_page_prefix_gives_its_agency():
    identity = read_identity(reading("Page 5 - 青禾市东岭区城市管理局2021年政府信息公开\n工作年度报告\nP. 5\n(三)政府信息管理情况\n"))
    assert (identity.agency, identity.year) == ("青禾市东岭区城市管理局", 2021)


def test_the_rest_of_a_wrapped_sentence_is_no_heading_and_a_year_with_wo_ju_is_no_name():
    text = ("依照《中华人民共和国政府信息公开条例》第五十条，现\n向公众发布2022年度我局政府信息公开工作年度报告。报告中的数据\n"
            "统计时段为2022年1月1日至2022年12月31日。\n")
    identity = read_identity(reading(text))
    assert (identity.agency, identity.year) == (None, 2022)


def test_a_breadcrumb_title_with_no_name_before_its_year_names_no_agency():
    identity = read_identity(reading(">> 信息公开\n>> 2022年度政府信息公开工作年度报告\n\n一、总体情况\n本局主动公开政府信息12条。\n"))
    assert identity.agency is None


def test_the_catalogues_publisher_field_is_read_printed_with_spaces_or_one_cell_a_line():
    body = "一、总体情况\n本局主动公开政府信息12条。\n"
    spaced = "索引号 11330700000000000K/2024-00001 主题分类 政务公开\n发布机构 青禾市商务局 发文日期 2021-10-08 15:47\n" + body
    one_cell_a_line = "索引号\n11330700000000000K/2024-00001\n发布机构\n青禾市商务局\n发文日期\n2021-10-08 15:47\n" + body
    assert read_identity(reading(spaced)).agency == "青禾市商务局"
    assert read_identity(reading(one_cell_a_line)).agency == "青禾市商务局"


def test_an_agency_is_read_from_a_contact_clause_without_yu():
    # 请联系某某署办公厅政务公开处，电话… (no 请与…联系): the office's agency
    text = ("本报告依照《条例》编写。读者对报告内容有任何意见，请联系青禾署办公厅政务公开处（电话：010-00000000）。\n"
            "一、总体情况\n2020年，全系统主动公开政府信息120条。\n")
    assert read_identity(reading(text)).agency == "青禾署"
