"""The bundled reports: every 附表 value of both legacy seeds and every fact the seeds' prose states.

The expected values were read off the reports by hand (line numbers are the seeds' own); a
change in what the parser reads shows up here as a precise diff.
"""

from __future__ import annotations

import pytest

from govdata.facts import extract_facts
from govdata.legacy import parse_legacy
from govdata.read import read_document
from tests.conftest import SEED_2017_CITY, SEED_2018_LINGYUAN, SEED_2019_EDZ, SEED_2020_TAISHANG, SEED_2023_CITY

pytestmark = pytest.mark.integration

# 2017 seed lines 239-255. The 附表 ends with 行政诉讼数 (line 255).
APPENDIX_2017 = [
    ("proactive_total", "条", 4488.0, 35685.0, 241),
    ("proactive_web", "条", 3999.0, 35196.0, 242),
    ("proactive_gazette", "条", 88.0, 88.0, 243),
    ("requests_total", "条", 230.0, 437.0, 244),
    ("requests_in_person", "条", 77.0, 189.0, 245),
    ("requests_online", "条", 49.0, 137.0, 246),
    ("requests_letter", "条", 104.0, 121.0, 247),
    ("responses_total", "条", 230.0, 437.0, 248),
    ("responses_granted", "条", 84.0, 203.0, 249),
    ("responses_partial", "条", 2.0, 23.0, 250),
    ("responses_withheld", "条", 104.0, 121.0, 251),
    ("responses_other", "条", 40.0, 100.0, 252),
    ("complaints", "件", 0.0, 8.0, 253),
    ("reviews", "件", 1.0, 7.0, 254),
    ("litigations", "件", 0.0, 2.0, 255),
]

# 2018 seed lines 109-125: all zeros this year, a history in 历史累计.
APPENDIX_2018 = [
    ("proactive_total", "条", 39.0, 814.0, 111),
    ("proactive_web", "条", 39.0, 814.0, 112),
    ("proactive_gazette", "条", 0.0, 0.0, 113),
    ("requests_total", "条", 0.0, 2.0, 114),
    ("requests_in_person", "条", 0.0, 0.0, 115),
    ("requests_online", "条", 0.0, 0.0, 116),
    ("requests_letter", "条", 0.0, 2.0, 117),
    ("responses_total", "条", 0.0, 0.0, 118),
    ("responses_granted", "条", 0.0, 0.0, 119),
    ("responses_partial", "条", 0.0, 0.0, 120),
    ("responses_withheld", "条", 0.0, 0.0, 121),
    ("responses_other", "条", 0.0, 0.0, 122),
    ("complaints", "件", 0.0, 0.0, 123),
    ("reviews", "件", 0.0, 0.0, 124),
    ("litigations", "件", 0.0, 0.0, 125),
]

FACTS_2017 = [
    ('requests.received', 38.0, '件', None, 40),
    ('review.total', 1.0, '件', None, 40),
    ('litigation.total', 0.0, '件', None, 40),
    ('complaints.total', 1.0, '件', None, 40),
    ('records.made', 11173.0, '条', None, 127),
    ('proactive.total', 4488.0, '条', None, 127),
    ('proactive.issuer.government', 2223.0, '条', None, 127),
    ('proactive.issuer.department', 2265.0, '条', None, 127),
    ('proactive.cumulative', 53192.0, '条', None, 127),
    ('proactive.category.organization', 733.0, '条', 16.33, 134),
    ('proactive.category.policy_documents', 242.0, '条', 5.39, 135),
    ('proactive.category.plans', 265.0, '条', 5.9, 136),
    ('proactive.category.licensing', 176.0, '条', 3.92, 137),
    ('proactive.category.major_projects', 264.0, '条', 5.88, 138),
    ('proactive.category.public_service_projects', 260.0, '条', 5.79, 140),
    ('proactive.category.social_security', 502.0, '条', 11.19, 141),
    ('proactive.category.land_construction_environment', 673.0, '条', 15.0, 142),
    ('proactive.category.education_culture_health', 461.0, '条', 10.27, 143),
    ('proactive.category.safety_emergency', 757.0, '条', 16.87, 159),
    ('proactive.category.other', 153.0, '条', 3.45, 160),
    ('proactive.channel.website', 3999.0, '条', None, 169),
    ('proactive.channel.reading_room', 4453.0, '条', None, 173),
    ('proactive.channel.media', 397.0, '条', None, 175),
    ('proactive.channel.gazette', 88.0, '条', None, 177),
    ('requests.received', 230.0, '件', None, 194),
    ('requests.channel.in_person', 77.0, '件', 33.5, 194),
    ('requests.channel.online', 49.0, '件', 21.3, 194),
    ('requests.channel.letter', 104.0, '件', 45.2, 194),
    ('outcome.already_public', 6.0, '件', 2.6, 204),
    ('outcome.granted', 84.0, '件', 36.5, 206),
    ('outcome.partial', 2.0, '件', 0.8, 207),
    ('outcome.withheld', 101.0, '件', 43.9, 208),
    ('outcome.not_ours', 3.0, '件', 1.3, 209),
    ('outcome.not_exist', 9.0, '件', 3.9, 210),
    ('outcome.amend', 4.0, '件', 1.7, 211),
    ('outcome.other_channel', 21.0, '件', 9.1, 212),
    ('withheld_reason.state_secret', 98.0, '件', None, 216),
    ('withheld_reason.commercial_secret', 1.0, '件', None, 217),
    ('withheld_reason.not_government_info', 1.0, '件', None, 218),
    ('withheld_reason.prohibited_by_law', 1.0, '件', None, 219),
    ('review.total', 1.0, '件', None, 223),
    ('litigation.total', 0.0, '件', None, 223),
    ('complaints.total', 0.0, '件', None, 223),
]

FACTS_2018 = [
    ('proactive.total', 39.0, '条', None, 37),
    ('proactive.cumulative', 814.0, '条', None, 37),
    ('proactive.category.organization', 5.0, '条', 12.8, 43),
    ('proactive.category.policy_documents', 0.0, '条', 0.0, 43),
    ('proactive.category.plans', 4.0, '条', 10.2, 43),
    ('proactive.category.licensing', 0.0, '条', 0.0, 43),
    ('proactive.category.major_projects', 1.0, '条', 2.5, 45),
    ('proactive.category.public_service_projects', 1.0, '条', 2.5, 45),
    ('proactive.category.social_security', 4.0, '条', 10.2, 45),
    ('proactive.category.land_construction_environment', 3.0, '条', 7.6, 45),
    ('proactive.category.education_culture_health', 5.0, '条', 12.8, 45),
    ('proactive.category.safety_emergency', 16.0, '条', 41.0, 45),
    ('requests.received', 0.0, None, None, 71),
    ('requests.cumulative', 2.0, None, None, 71),
    ('review.total', 0.0, None, None, 83),
    ('litigation.total', 0.0, None, None, 83),
    ('proactive.total', 39.0, '条', None, 101),
    ('requests.received', 0.0, '件', None, 105),
]

FACTS_2019 = [
    ('proactive.total', 53.0, '条', None, 34),
    ('proactive.cumulative', 550.0, '条', None, 34),
    ('proactive.total', 53.0, '条', None, 34),
    ('proactive.category.plans', 14.0, '条', 26.41, 34),
    ('proactive.category.major_projects', 11.0, '条', 20.75, 36),
    ('proactive.category.land_construction_environment', 26.0, '条', 49.06, 36),
    ('proactive.category.other', 2.0, '条', 3.77, 36),
]

FACTS_2020 = [
    ('proactive.total', 1031.0, '条', None, 10),
    ('proactive.category.organization', 87.0, '条', None, 10),
    ('proactive.category.policy_documents', 39.0, '条', None, 10),
    ('proactive.category.plans', 31.0, '条', None, 10),
    ('proactive.category.licensing', 161.0, '条', None, 10),
    ('proactive.category.major_projects', 153.0, None, None, 10),
    ('proactive.category.public_service_projects', 14.0, None, None, 10),
    ('proactive.category.social_security', 26.0, '条', None, 10),
    ('proactive.category.land_construction_environment', 19.0, '条', None, 10),
    ('proactive.category.education_culture_health', 80.0, '条', None, 10),
    ('proactive.category.safety_emergency', 141.0, '条', None, 10),
    ('proactive.category.other', 280.0, '条', None, 10),
    ('requests.received', 63.0, '件', None, 19),
    ('requests.channel.letter', 54.0, '件', None, 19),
    ('requests.channel.online', 9.0, '件', None, 19),
    ('outcome.granted', 44.0, '件', None, 19),
    ('outcome.partial', 7.0, '件', None, 19),
    ('outcome.amend', 1.0, '件', None, 19),
    ('outcome.already_public', 1.0, '件', None, 19),
    ('outcome.unable', 8.0, '件', None, 19),
    ('outcome.withheld', 2.0, '件', None, 19),
    ('review.total', 0.0, None, None, 19),
    ('litigation.total', 0.0, None, None, 19),
    ('records.made', 3375.0, '条', None, 20),
    ('records.proactive', 1031.0, '条', None, 20),
    ('records.on_request', 1216.0, '条', None, 20),
    ('records.withheld', 1128.0, '条', None, 20),
]

FACTS_2023 = [
    ('records.made', 8011.0, '份', None, 23),
    ('records.proactive', 3612.0, '份', None, 23),
    ('records.on_request', 2063.0, '份', None, 23),
    # 依托中国晋江政府网站发布各类政府信息22084条: a release on the website worded without 主动
    # (read since the website cues allow words between place, verb and noun).
    ('proactive.channel.website', 22084.0, '条', None, 23),
    ('requests.received', 248.0, '件', None, 35),
    ('requests.concluded', 243.0, '件', None, 35),
    ('requests.carried_forward', 5.0, '件', None, 35),
]

def appendix(path) -> list[tuple]:
    return parse_legacy(read_document(path)).select("indicator", "unit", "value", "cumulative", "line").rows()


def stated(path) -> list[tuple]:
    return extract_facts(read_document(path)).select("key", "value", "unit", "share", "line").rows()


def test_legacy_seed_2017_appendix_reads_every_value_and_cumulative():
    assert appendix(SEED_2017_CITY) == APPENDIX_2017


def test_legacy_seed_2018_appendix_reads_every_value_and_cumulative():
    assert appendix(SEED_2018_LINGYUAN) == APPENDIX_2018


@pytest.mark.parametrize("path", [SEED_2019_EDZ, SEED_2020_TAISHANG, SEED_2023_CITY], ids=lambda p: p.stem)
def test_reports_after_2019_have_no_appendix(path):
    assert appendix(path) == []


@pytest.mark.parametrize(("path", "expected"), [
    (SEED_2017_CITY, FACTS_2017), (SEED_2018_LINGYUAN, FACTS_2018), (SEED_2019_EDZ, FACTS_2019),
    (SEED_2020_TAISHANG, FACTS_2020), (SEED_2023_CITY, FACTS_2023),
], ids=lambda value: getattr(value, "stem", ""))
def test_seed_prose_states_exactly_these_facts(path, expected):
    assert stated(path) == expected


def test_seed_2017_snippets_are_the_printed_sentences():
    frame = extract_facts(read_document(SEED_2017_CITY))

    def snippet(key: str, line: int) -> str:
        return frame.filter(key=key, line=line)["snippet"][0]

    assert snippet("outcome.withheld", 208) == "不予公开 101 件，占 43.9%；"
    assert snippet("requests.received", 194) == "2017年全市各级各部门共受理政府信息公开申请 230 件，均全部按时办结。"
    assert snippet("litigation.total", 40) == (
        "2017 年全市收到依申请公开 38 件，全部依法按时办结，涉及政府信息公开的行政复议 1 件、诉讼 0 件、投诉 1 件。")
    # Lines 171 and 173, rejoined: the phrase on one line, the number on the next.
    assert snippet("proactive.channel.reading_room", 173) == (
        "各级政府信息公共查阅场所共接收主动公开的政府信息公开信息4453 条，接待群众查阅 763 人次。")


def test_seed_2017_category_shares_match_counts_over_proactive_total():
    # The report's own percentages, recomputed: a check that the share is read from the right number.
    frame = extract_facts(read_document(SEED_2017_CITY))
    total = frame.filter(key="proactive.total")["value"][0]
    categories = frame.filter(frame["key"].str.starts_with("proactive.category."))
    for value, share in categories.select("value", "share").rows():
        assert abs(value / total * 100 - share) < 0.1, (value, share)
