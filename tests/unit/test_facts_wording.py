"""How reports word their numbers: one test per wording family, on snippets written for the tests
(invented agencies, real-looking numbers). The phrases themselves live in fact_patterns.csv."""

from __future__ import annotations

import pytest

from govdata.facts import extract_facts
from govdata.read import read_document


def facts(text: str) -> list[tuple]:
    return extract_facts(read_document(text=text)).select("key", "value").rows()


def test_place_phrase_inside_the_verb_still_gives_the_proactive_total():
    assert facts("本年度，青禾镇人民政府主动在门户网站公开政府信息 58 条。") == [("proactive.total", 58.0)]
    assert facts("本年度经审核后主动公开的各类政府信息数量为 73 件。") == [("proactive.total", 73.0)]
    assert facts("本年度主动发布各类信息 214 条，均在规定时限内发布。") == [("proactive.total", 214.0)]


def test_list_of_kinds_closed_by_deng_before_the_number_is_the_proactive_total():
    text = "全年通过镇政府网站主动公开财政预决算、惠民补贴、招生政策等共计 96 余条。"
    assert facts(text) == [("proactive.total", 96.0)]


def test_a_named_kind_of_information_is_a_sector_count_not_the_total():
    assert facts("本年度在市公共资源交易网上主动公开政府采购项目信息 57 条。") == []


def test_release_on_a_website_worded_without_zhudong_is_the_website_channel():
    assert facts("2022年，通过云溪区人民政府门户网站共发布各类信息 146 条。") == [("proactive.channel.website", 146.0)]
    assert facts("2022年，本站向区政府网站公布信息 41 条。") == [("proactive.channel.website", 41.0)]


def test_channel_counts_listed_after_the_total_get_channel_keys():
    text = "2023年，本局主动公开政府信息 412 条，其中门户网站公开 268 条，“青禾发布”微信公众号 131 条，抖音 13 条。"
    assert facts(text) == [("proactive.total", 412.0), ("proactive.channel.website", 268.0),
                           ("proactive.channel.media", 131.0), ("proactive.channel.media", 13.0)]


def test_parts_after_a_full_stop_that_start_with_qizhong_keep_the_topic():
    text = "本年度本局主动公开信息 305 条。其中通过微信公众号推送 140 条，日报刊登 25 条。"
    assert facts(text) == [("proactive.total", 305.0), ("proactive.channel.media", 140.0),
                           ("proactive.channel.media", 25.0)]


def test_several_channels_named_together_give_the_total_they_share():
    assert facts("通过门户网站、微信公众号等方式发布政府信息 905 条。") == [("proactive.total", 905.0)]


def test_media_named_without_a_proactive_count_before_it_gets_no_key():
    assert facts("目前运行政务新媒体 12 个，其中微信公众号 9 个。") == []
    assert facts("全年通过微信公众号发布抽检结果 360 批次。") == []


def test_audience_and_press_coverage_are_not_releases():
    text = "全年主动公开政府信息 500 条，其中微信公众号 120 条，粉丝 6200 名；主流媒体刊发报道 40 篇，日报 3 篇。"
    assert facts(text) == [("proactive.total", 500.0), ("proactive.channel.media", 120.0)]


def test_number_before_its_noun():
    text = "本年度共收到 14 件政府信息公开申请，其后申请人对其中 2 件提起行政复议。"
    assert facts(text) == [("requests.received", 14.0), ("review.total", 2.0)]
    assert facts("本年度街道共收到 70 件申请，已答复办结 68 件，另有 2 件结转下年度继续办理。") == [
        ("requests.received", 70.0), ("requests.concluded", 68.0), ("requests.carried_forward", 2.0)]


def test_noun_after_a_number_does_not_override_the_words_before_it():
    assert facts("涉及本机关的行政诉讼案件 1 件、行政复议案件 3 件。") == [("litigation.total", 1.0), ("review.total", 3.0)]


def test_request_count_with_words_between_verb_and_noun():
    assert facts("全年共收到公民、法人或其他组织提出的政府信息公开申请 26 件。") == [("requests.received", 26.0)]
    assert facts("本年度我所收到居民依申请公开 3 件。") == [("requests.received", 3.0)]
    assert facts("本年度本委受理依申请信息公开 11 宗。") == [("requests.received", 11.0)]
    assert facts("本年度该中心受理政府信息公开 2 件。") == [("requests.received", 2.0)]


def test_vague_verbs_count_requests_only_right_after_a_request_count():
    assert facts("本年度收到政府信息公开申请 37 件，当年办结 35 件，转下年办理 2 件。") == [
        ("requests.received", 37.0), ("requests.concluded", 35.0), ("requests.carried_forward", 2.0)]
    assert facts("本年度受理政府信息公开申请 40 件；截至年底共办理 38 件，其余 2 件结转下一年。") == [
        ("requests.received", 40.0), ("requests.concluded", 38.0), ("requests.carried_forward", 2.0)]
    assert facts("共受理依申请公开 9 件，其余 8 件均已按时处理完毕。") == [
        ("requests.received", 9.0), ("requests.concluded", 8.0)]
    assert facts("全年办结 12 件。") == []
    assert facts("收到申请 12 件，转交其他部门办理 3 件。") == []
    assert facts("全年办理人大代表建议 35 件、政协提案 40 件。") == []


def test_request_channels_worded_with_verbs():
    text = "其中通过网站在线提交 18 件，通过信函提交 5 件，当面提交 2 件。"
    assert facts(text) == [("requests.channel.online", 18.0), ("requests.channel.letter", 5.0),
                           ("requests.channel.in_person", 2.0)]


def test_two_channels_named_together_give_the_requests_they_share():
    assert facts("本年度收到当面、网络提交的政府信息公开申请共 44 件。") == [("requests.received", 44.0)]


@pytest.mark.parametrize("text", [
    "2022年，本局未收到公民、法人或其他组织提出的政府信息公开申请。",
    "全年没有接到群众的政府信息公开申请。",
    "本年度无依申请公开情况。",
    "本年度，云溪乡人民政府全年未收到依申请公开事项，无需答复。",
    "本年度未收到过公开申请。",
    "2019年，青禾街道未收到任何公开政府信息的申请。",
])
def test_ways_of_saying_no_request_arrived_give_zero_with_the_sentence(text):
    frame = extract_facts(read_document(text=text))
    assert frame.select("key", "value", "snippet").rows() == [("requests.received", 0.0, text)]


def test_ways_of_saying_no_review_suit_or_complaint():
    assert facts("未发生因政府信息公开引起的行政复议、行政诉讼及投诉举报。") == [
        ("review.total", 0.0), ("litigation.total", 0.0), ("complaints.total", 0.0)]
    assert facts("本年度没有发生涉及信息公开的投诉、行政复议或行政诉讼。") == [
        ("complaints.total", 0.0), ("review.total", 0.0), ("litigation.total", 0.0)]
    assert facts("本年度本局没有出现因信息公开引发的行政复议或行政诉讼。") == [
        ("review.total", 0.0), ("litigation.total", 0.0)]
    assert facts("本年度无涉及政府信息公开的行政复议和诉讼。") == [("review.total", 0.0), ("litigation.total", 0.0)]


def test_a_review_application_is_not_a_request():
    assert facts("本年度本局未收到涉及信息公开的行政复议申请。") == [("review.total", 0.0)]
    assert facts("本年度本局未收到就信息公开答复申请行政复议或提起行政诉讼的申请。") == [
        ("review.total", 0.0), ("litigation.total", 0.0)]
    assert facts("本年度未收到因政府信息公开申请行政复议、提起行政诉讼的案件。") == [
        ("review.total", 0.0), ("litigation.total", 0.0)]


def test_negation_of_how_a_review_ended_states_no_zero():
    assert facts("本年度行政复议决定均未被纠错。") == []
    assert facts("全年没有发生行政复议被纠错的情况。") == []


def test_a_number_stated_in_the_sentence_beats_a_zero_in_words():
    assert facts("因无法提供所需信息被申请行政复议 1 件。") == [("review.total", 1.0)]


def test_a_zero_shared_by_two_keys_is_a_zero_for_each():
    assert facts("因信息公开被申请行政复议、提起行政诉讼 0 件。") == [("review.total", 0.0), ("litigation.total", 0.0)]
    assert facts("因信息公开被申请行政复议、提起行政诉讼 4 件。") == []


def test_documents_withheld_from_release_are_records_not_answers_to_requests():
    text = "本年度制作、获取政府信息 2410 条，其中主动公开政府信息 870 条，不予公开信息 1204 条。"
    assert facts(text) == [("records.made", 2410.0), ("records.proactive", 870.0), ("records.withheld", 1204.0)]
    assert facts("本年度不予公开政府信息 36 条。") == [("records.withheld", 36.0)]


def test_proactive_count_after_documents_made_without_qizhong_stays_the_total():
    text = "全年制作、获取政府信息 3800 条，主动公开政府信息 2100 条。"
    assert facts(text) == [("records.made", 3800.0), ("proactive.total", 2100.0)]
    assert facts("全年制发公文类政府信息 52 件，通过政府网主动公开 20 件。") == [
        ("records.made", 52.0), ("records.proactive", 20.0)]


def test_older_category_names():
    text = ("机构职能、主要职能、办事程序信息 36 条，重大建设项目、为民办实事类信息 12 条，"
            "国土资源、城乡建设、环保类 9 条，重大建设项目 7 条，应急管理类信息 4 条，其他应主动公开政府信息 40 条。")
    assert facts(text) == [
        ("proactive.category.organization", 36.0), ("proactive.category.major_projects", 12.0),
        ("proactive.category.land_construction_environment", 9.0), ("proactive.category.major_projects", 7.0),
        ("proactive.category.safety_emergency", 4.0), ("proactive.category.other", 40.0)]


def test_a_topic_list_naming_a_category_is_no_category_count():
    assert facts("设立财政预决算、重大建设项目、社会救助等专栏 31 个。") == []


def test_traditional_mirror_with_glosses_keeps_the_printed_sentence():
    text = "2023年，本鎮(zhèn)主動(dòng)公開(kāi)政府信息 64 條，未收到政府信息公開(kāi)申請(qǐng)。"
    frame = extract_facts(read_document(text=text))
    assert frame.select("key", "value", "unit").rows() == [("proactive.total", 64.0, "条"),
                                                           ("requests.received", 0.0, None)]
    assert frame["snippet"].to_list() == [text, text]


def test_ten_thousands_and_approximate_counts():
    assert extract_facts(read_document(text="全市各级行政机关共主动公开政府信息 12.6 万余条。")).select(
        "key", "value", "unit").rows() == [("proactive.total", 12.6, "万条")]
    assert facts("本年度在门户网站主动公开政府信息 180余") == [("proactive.total", 180.0)]
