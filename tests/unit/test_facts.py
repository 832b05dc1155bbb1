"""Numbers stated in the prose get a fact key only through a phrase of fact_patterns.csv."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govdata.facts import best_pattern, extract_facts, fact_keys, patterns
from govdata.read import read_document

DOCS = Path(__file__).resolve().parents[2] / "docs" / "facts.md"


def facts(text: str) -> list[tuple]:
    return extract_facts(read_document(text=text)).select("key", "value", "unit", "share").rows()


# One sentence per prose pattern, most of them as the seeds print them (seed and line in the id).
CASES = [
    # proactive disclosure
    ("主动公开政府信息 4488 条，其中各级政府主动公开 2223 条，各级政府部门主动公开 2265 条,历年累计主动公开政府信息 53192 条。",
     [("proactive.total", 4488.0, "条", None), ("proactive.issuer.government", 2223.0, "条", None),
      ("proactive.issuer.department", 2265.0, "条", None), ("proactive.cumulative", 53192.0, "条", None)]),
    ("共通过“中国·晋江”等渠道主动公开信息53条。", [("proactive.total", 53.0, "条", None)]),
    ("2018年主动政府信息公开信息数为39条。", [("proactive.total", 39.0, "条", None)]),
    ("全市各级各部门通过专栏公开政府信息 3999 条，全年访问量 66.71 万人次。", [("proactive.channel.website", 3999.0, "条", None)]),
    ("通过政府网站公开政府信息 12 条。", [("proactive.channel.website", 12.0, "条", None)]),
    ("各级政府信息公共查阅场所共接收主动公开的政府信息公开信息 4453 条，接待群众查阅 763 人次。",
     [("proactive.channel.reading_room", 4453.0, "条", None)]),
    ("公共查阅场所接收政府信息 5 条。", [("proactive.channel.reading_room", 5.0, "条", None)]),
    ("全市通过微博微信、报刊广播电视等渠道公开政府信息 397 条；", [("proactive.channel.media", 397.0, "条", None)]),
    ("省、市各级政府公报公开政府信息 88 条。", [("proactive.channel.gazette", 88.0, "条", None)]),
    ("- 机构职能类信息 733 条，占 16.33%；", [("proactive.category.organization", 733.0, "条", 16.33)]),
    ("机构设置类信息5条，占12.8%；", [("proactive.category.organization", 5.0, "条", 12.8)]),
    ("- 政策、规范性文件类信息 242 条，占 5.39%；", [("proactive.category.policy_documents", 242.0, "条", 5.39)]),
    ("- 规划计划类信息 265 条，占 5.90%；", [("proactive.category.plans", 265.0, "条", 5.9)]),
    ("- 行政许可类信息 176 条，占 3.92%；", [("proactive.category.licensing", 176.0, "条", 3.92)]),
    ("- 重大建设项目类信息 264 条，占 5.88%；", [("proactive.category.major_projects", 264.0, "条", 5.88)]),
    ("重大建设项目信息153，为民办实事类信息14，", [("proactive.category.major_projects", 153.0, None, None),
                                                  ("proactive.category.public_service_projects", 14.0, None, None)]),
    ("- 民政扶贫救灾社会保障就业类信息 502 条，占 11.19%;", [("proactive.category.social_security", 502.0, "条", 11.19)]),
    ("民政扶贫救灾社会社保就业类信息 4 条，占 10.2%；", [("proactive.category.social_security", 4.0, "条", 10.2)]),
    ("- 国土资源城乡建设环保能源类信息 673 条，占 15%;", [("proactive.category.land_construction_environment", 673.0, "条", 15.0)]),
    ("- 科教文体卫生类信息 461 条，占 10.27%;", [("proactive.category.education_culture_health", 461.0, "条", 10.27)]),
    ("科教文体卫类信息 3 条；", [("proactive.category.education_culture_health", 3.0, "条", None)]),
    ("安全生产、应急管理类信息 16 条，占 41%。", [("proactive.category.safety_emergency", 16.0, "条", 41.0)]),
    ("- 其他类信息 153 条，占 3.45%。", [("proactive.category.other", 153.0, "条", 3.45)]),
    ("其他类别信息 7 条。", [("proactive.category.other", 7.0, "条", None)]),
    ("其他应主动公开信息 2 条，占 3.77%；", [("proactive.category.other", 2.0, "条", 3.77)]),
    # documents made and how they were classified
    ("2017 年全市制作、获取政府信息 11173 条。", [("records.made", 11173.0, "条", None)]),
    ("全市全年共制作公文信息8011份，其中，主动公开文件信息3612份，依申请公开文件信息2063份。",
     [("records.made", 8011.0, "份", None), ("records.proactive", 3612.0, "份", None), ("records.on_request", 2063.0, "份", None)]),
    ("2020年我区共制作、获取政府信息总数3375条，其中主动公开信息数1031条、作为依申请公开信息数1216条、不予公开信息数1128条。",
     [("records.made", 3375.0, "条", None), ("records.proactive", 1031.0, "条", None),
      ("records.on_request", 1216.0, "条", None), ("records.withheld", 1128.0, "条", None)]),
    # requests
    ("2017年全市各级各部门共受理政府信息公开申请 230 件，均全部按时办结。", [("requests.received", 230.0, "件", None)]),
    ("本年度收到政府信息公开申请 12 件。", [("requests.received", 12.0, "件", None)]),
    ("2023年，全市受理信息公开申请248件，依法办结243件，结转下年度办理5件。",
     [("requests.received", 248.0, "件", None), ("requests.concluded", 243.0, "件", None), ("requests.carried_forward", 5.0, "件", None)]),
    ("本年收到信息公开申请 3 件。", [("requests.received", 3.0, "件", None)]),
    ("2020年，我区共受理依申请公开63件，受理方式为信函申请54件、网络申请9件，主要涉及土地房屋征收与补偿。",
     [("requests.received", 63.0, "件", None), ("requests.channel.letter", 54.0, "件", None),
      ("requests.channel.online", 9.0, "件", None)]),
    ("2017 年全市收到依申请公开 38 件，全部依法按时办结。", [("requests.received", 38.0, "件", None)]),
    ("2018年依申请政府信息公开信息数为0件。", [("requests.received", 0.0, "件", None)]),
    ("2018年，我街道未收到政府信息公开申请。历年累计受理数量为2。",
     [("requests.received", 0.0, None, None), ("requests.cumulative", 2.0, None, None)]),
    ("本年度没有收到政府信息公开申请。", [("requests.received", 0.0, None, None)]),
    ("其中：当面申请 77 件，占 33.5%；网络申请 49 件，占 21.3%；信函申请 104 件，占 45.2%。",
     [("requests.channel.in_person", 77.0, "件", 33.5), ("requests.channel.online", 49.0, "件", 21.3),
      ("requests.channel.letter", 104.0, "件", 45.2)]),
    ("网上申请 6 件，传真申请 1 件。", [("requests.channel.online", 6.0, "件", None), ("requests.channel.letter", 1.0, "件", None)]),
    ("结转下一年度办理 2 件。", [("requests.carried_forward", 2.0, "件", None)]),
    # answers to requests
    ("●告知属于已主动公开范围 6 件，占 2.6%;", [("outcome.already_public", 6.0, "件", 2.6)]),
    ("- 同意公开 84 件，占 36.5%；", [("outcome.granted", 84.0, "件", 36.5)]),
    ("- 同意部分公开 2 件，占 0.8%；", [("outcome.partial", 2.0, "件", 0.8)]),
    ("- 不予公开 101 件，占 43.9%；", [("outcome.withheld", 101.0, "件", 43.9)]),
    ("- 告知不属于本机关政府信息 3 件，占 1.3%；", [("outcome.not_ours", 3.0, "件", 1.3)]),
    ("非本机关掌握的 2 件。", [("outcome.not_ours", 2.0, "件", None)]),
    ("- 告知政府信息不存在 9 件，占 3.9%；", [("outcome.not_exist", 9.0, "件", 3.9)]),
    ("- 告知作出更改补充 4 件，占 1.7%；", [("outcome.amend", 4.0, "件", 1.7)]),
    ("申请内容不明确的 2 件。", [("outcome.amend", 2.0, "件", None)]),
    ("- 告知通过其他途径办理 21 件，占 9.1%。", [("outcome.other_channel", 21.0, "件", 9.1)]),
    ("其中“予以公开”44件，“区分处理后公开”7件，“告知补正”1件，“属于已主动公开”1件，“无法提供”8件，“不予公开”2件；",
     [("outcome.granted", 44.0, "件", None), ("outcome.partial", 7.0, "件", None), ("outcome.amend", 1.0, "件", None),
      ("outcome.already_public", 1.0, "件", None), ("outcome.unable", 8.0, "件", None), ("outcome.withheld", 2.0, "件", None)]),
    ("部分公开 5 件。", [("outcome.partial", 5.0, "件", None)]),
    # withholding reasons
    ("- 涉及国家秘密不予公开 98 件；", [("withheld_reason.state_secret", 98.0, "件", None)]),
    ("- 涉及商业秘密不予公开 1 件；", [("withheld_reason.commercial_secret", 1.0, "件", None)]),
    ("涉及个人隐私不予公开 2 件；", [("withheld_reason.personal_privacy", 2.0, "件", None)]),
    ("危及国家安全、公共安全、经济安全和社会稳定的 1 件；", [("withheld_reason.security_stability", 1.0, "件", None)]),
    ("危及“三安全一稳定”的 1 件；", [("withheld_reason.security_stability", 1.0, "件", None)]),
    ("- 不属于《条例》所指的政府信息 1 件；", [("withheld_reason.not_government_info", 1.0, "件", None)]),
    ("- 法律法规规定的其他类型 1 件。", [("withheld_reason.prohibited_by_law", 1.0, "件", None)]),
    ("其他法律行政法规禁止公开的 3 件。", [("withheld_reason.prohibited_by_law", 3.0, "件", None)]),
    ("保护第三方合法权益不予公开 2 件。", [("withheld_reason.third_party", 2.0, "件", None)]),
    ("属于三类内部事务信息的 4 件。", [("withheld_reason.internal_affairs", 4.0, "件", None)]),
    ("属于四类过程性信息的 3 件。", [("withheld_reason.process_info", 3.0, "件", None)]),
    ("属于行政执法案卷的 1 件。", [("withheld_reason.enforcement_files", 1.0, "件", None)]),
    ("属于行政查询事项的 1 件。", [("withheld_reason.query_matter", 1.0, "件", None)]),
    # review, litigation, complaints
    ("全市共收到涉及政府信息公开的行政复议申请 1 件，均已依法依规办结。行政复议裁决中，被依法纠错的 1 件；"
     "法院裁判涉及政府信息公开的行政诉讼 0 件；处理涉及政府信息公开申诉举报 0 件。",
     [("review.total", 1.0, "件", None), ("litigation.total", 0.0, "件", None), ("complaints.total", 0.0, "件", None)]),
    ("涉及政府信息公开的行政复议 1 件、诉讼 0 件、投诉 1 件。",
     [("review.total", 1.0, "件", None), ("litigation.total", 0.0, "件", None), ("complaints.total", 1.0, "件", None)]),
    ("2018年，我街道没有因政府信息公开申请行政复议、提起行政诉讼的情况。",
     [("review.total", 0.0, None, None), ("litigation.total", 0.0, None, None)]),
    ("2020年，我区未发生因政府信息公开被申请行政复议、被提起行政诉讼情况。",
     [("review.total", 0.0, None, None), ("litigation.total", 0.0, None, None)]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[case[0][:24] for case in CASES])
def test_prose_pattern_gives_key_value_unit_and_share(text, expected):
    assert facts(text) == expected


def test_every_fact_key_has_a_prose_pattern_test():
    tested = {key for _, expected in CASES for key, *_ in expected}
    assert fact_keys() - tested == set()


def test_every_fact_key_is_documented_and_every_documented_key_exists():
    documented = set(re.findall(r"^\| `([a-z_.]+)` \|", DOCS.read_text(encoding="utf-8"), flags=re.MULTILINE))
    assert fact_keys() == documented


def test_fact_patterns_rows_are_well_formed():
    for pattern in patterns():
        assert pattern.kind in {"count", "sequel", "none", "ignore"}, pattern
        assert pattern.cue, pattern
        assert bool(pattern.key) == (pattern.kind != "ignore"), pattern


def test_number_matching_no_pattern_gets_no_key():
    assert facts("2017 年全市各级各部门召集企业、群众召开政策解读说明活动 67 场，举办新闻发布会 2 场。") == []


def test_ignore_pattern_drops_a_number_that_only_looks_like_a_fact():
    # 2020 seed line 22: copies sent to the archive and the library, not a proactive total.
    assert facts("2020年我区送交“两馆”主动公开政府信息各1031份。") == []
    # 2017 seed line 82: cases, not requests.
    assert facts("全年市场监督管理部门共办结各类违法案件 424 起。") == []


def test_lead_naming_two_keys_equally_gets_no_key():
    assert best_pattern("因政府信息公开申请行政复议、提起行政诉讼的") is None
    assert facts("因政府信息公开申请行政复议、提起行政诉讼的 3 件。") == []


def test_years_dates_and_document_numbers_are_not_quantities():
    assert facts("根据晋政办〔2017〕86号，于2017年5月8日出台，统计期限自 2017 年 1 月 1 日起。") == []


def test_number_split_from_its_unit_by_a_line_break_is_rejoined():
    # 2018 seed lines 43/45.
    text = "规划计划类信息4条，占10.2%；行政许可类信息0\n\n条，占 0%；重大建设项目类信息 1 条，占 2.5%。"
    frame = extract_facts(read_document(text=text))
    assert frame.select("key", "value", "share", "line").rows() == [
        ("proactive.category.plans", 4.0, 10.2, 1),
        ("proactive.category.licensing", 0.0, 0.0, 1),
        ("proactive.category.major_projects", 1.0, 2.5, 3),
    ]


def test_phrase_split_from_its_number_by_a_line_break_is_rejoined():
    # 2017 seed lines 171/173.
    text = "●公共查阅场所。各级政府信息公共查阅场所共接收主动公开的政府信息公开信息\n\n4453 条，接待群众查阅 763 人次。"
    frame = extract_facts(read_document(text=text))
    assert frame.select("key", "value", "line").rows() == [("proactive.channel.reading_room", 4453.0, 3)]
    assert frame["snippet"][0] == "各级政府信息公共查阅场所共接收主动公开的政府信息公开信息4453 条，接待群众查阅 763 人次。"


def test_heading_is_not_joined_to_the_sentence_below():
    # 2017 seed lines 125/127: the heading names proactive disclosure, the first number is records made.
    text = "三、主动公开政府信息情况\n\n2017 年全市制作、获取政府信息 11173 条。"
    frame = extract_facts(read_document(text=text))
    assert frame.select("key", "line", "snippet").rows() == [("records.made", 3, "2017 年全市制作、获取政府信息 11173 条。")]


def test_table_lines_are_not_prose():
    text = "同意公开 3 件。\n规章\t0\t0\t0\n| 同意公开答复数 | 条 | 84 | 203 |\n\t予以公开\n\t46"
    assert facts(text) == [("outcome.granted", 3.0, "件", None)]


def test_appendix_numbers_are_not_prose_even_in_cell_per_line_layout():
    text = "同意公开 3 件。\n指标名称\n单位\n2017年\n历史累计\n同意公开答复数\n条\n84\n203"
    assert facts(text) == [("outcome.granted", 3.0, "件", None)]


def test_snippet_keeps_the_printed_characters_and_line():
    text = "标题\n－ 同意公开８４件，占３６．５％；不予公开 1 件。"
    frame = extract_facts(read_document(text=text))
    assert frame.select("key", "value", "share", "line", "snippet").row(0) == (
        "outcome.granted", 84.0, 36.5, 2, "同意公开８４件，占３６．５％；")


def test_facts_are_ordered_by_line_then_position():
    frame = extract_facts(read_document(text="不予公开 1 件，同意公开 2 件。\n同意部分公开 3 件。"))
    assert frame["key"].to_list() == ["outcome.withheld", "outcome.granted", "outcome.partial"]


def test_share_raw_keeps_the_printed_decimals():
    frame = extract_facts(read_document(text="- 规划计划类信息 265 条，占 5.90%；"))
    assert frame.select("share", "share_raw").row(0) == (5.9, "5.90")


def test_cue_column_records_the_phrase_that_gave_the_key():
    frame = extract_facts(read_document(text="“区分处理后公开”7件"))
    assert frame.select("key", "cue").rows() == [("outcome.partial", "区分处理")]


_PROSE_ALPHABET = "0123456789０１２.,，。；：%％件条份占同意公开不予受理申请主动政府信息历年累计附表指标名称单位 \t|\n-●“”、"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_PROSE_ALPHABET, min_size=1, max_size=200))
def test_any_text_gives_facts_with_a_key_a_line_inside_the_report_and_a_snippet(text):
    if not text.strip():
        return
    doc = read_document(text=text)
    frame = extract_facts(doc)
    assert frame["key"].is_in(sorted(fact_keys())).all()
    assert frame["line"].is_between(1, doc.line_count).all()
    assert frame["snippet"].null_count() == 0
