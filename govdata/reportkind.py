"""Is this an annual report? One rule, from a title, for `govdata fetch --index` and `govdata ingest`.

Why a module of its own: an agency's 年报 column does not hold only annual reports. The
平潭综合实验区 column holds, between its 2013 and 2014 reports, a letter (…的函) to the provincial
office; other columns hold notices, 解读 pages of
a report, and the list pages themselves. `fetch --index` must skip those, and `ingest` must say
"not an annual report" instead of returning an empty parse, and both must agree: so the rule
lives here, once, and it reads titles, the one thing every listing and every page has.

A title names an annual report when it says 信息公开(工作)(年度)报告 right after a year
(2019年 / 2019年度 / 二〇一九年), and it is not the title of another kind of document: one that
ends with the name of that kind (…的函, …的通知) or starts with 解读/图解. Titles are compared
after NFKC normalization with every space removed.

Example:
    >>> classify_title("某某区管委会 2014 年度政府信息公开工作年度报告")
    Kind(is_annual_report=True, reason='annual report', year=2014, agency='某某区管委会')
    >>> classify_title("关于报送2014年政府信息公开工作情况的函").reason
    '「关于报送2014年政府信息公开工作情况的函」 is a 函 (letter), not an annual report'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from govdata.normalize import normalize_text

__all__ = ["Kind", "classify_document", "classify_title"]

# Chinese numerals of a year in a title: 二〇一九年 (some agencies print the year this way).
_NUMERALS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CHINESE_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")

_REPORT = re.compile(r"(?P<year>(?:19|20)\d{2})年度?(?:的)?(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报)")
# Without a year it is a list page or a column name (政府信息公开年报), not one report.
_REPORT_WITHOUT_YEAR = re.compile(r"信息公开(?:工作)?(?:年度报告|年报|工作报告)")

# Kinds of official documents that share a column with annual reports, by the word a title ends with.
_OTHER_KINDS = {
    "函": "letter", "通知": "notice", "公告": "announcement", "通告": "public notice", "通报": "circular",
    "意见": "opinions", "方案": "work plan", "要点": "work points", "办法": "measures", "规定": "provisions",
    "批复": "official reply", "决定": "decision", "请示": "request for instructions", "纪要": "minutes",
    "指南": "guide", "目录": "catalogue", "总结": "work summary", "计划": "plan", "公示": "public notice",
}
_OTHER_KIND_AT_END = re.compile("(?:" + "|".join(sorted(_OTHER_KINDS, key=len, reverse=True)) + ")$")
# A page that explains a report is not the report (图解：某区2021年度政府信息公开工作年度报告).
_INTERPRETATION = re.compile(r"^(?:图解|解读|图说|政策解读|一图读懂|一图看懂|一图了解)")
# A title is short and is no sentence; a sentence of the text may quote a title (根据《…年度报告有关事项的通知》，…).
_MAX_TITLE_CHARS = 80
_SENTENCE = re.compile(r"[,。;!?]|.《")
_TITLE_SEARCH_LINES = 40


@dataclass(frozen=True)
class Kind:
    """What a title says a document is: an annual report (with its year and agency) or not, and why."""

    is_annual_report: bool
    reason: str
    year: int | None = None
    agency: str | None = None


def _squash(text: str) -> str:
    text = re.sub(r"\s+", "", normalize_text(text))
    return _CHINESE_YEAR.sub(lambda m: m.group(0).translate(_NUMERALS), text)


def classify_title(title: str | None) -> Kind:
    """Whether ``title`` (a link's text, a page's heading) names an annual report, and why not.

    Example:
        >>> classify_title("政府信息公开年报").reason
        '「政府信息公开年报」 names no year: a list or column page, not one annual report'
    """
    text = _squash(title or "").strip("《》“”\"'")
    if not text:
        return Kind(False, "no title")
    quoted = f"「{text}」"
    if _INTERPRETATION.match(text):
        return Kind(False, f"{quoted} explains a report (解读), it is not the report")
    other = _OTHER_KIND_AT_END.search(text)
    if other:
        return Kind(False, f"{quoted} is a {other.group(0)} ({_OTHER_KINDS[other.group(0)]}), not an annual report")
    match = _REPORT.search(text)
    if match:
        agency = re.sub(r"^关于", "", text[: match.start()]).strip("《》“”:：,，、 ") or None
        return Kind(True, "annual report", int(match["year"]), agency)
    if _REPORT_WITHOUT_YEAR.search(text):
        return Kind(False, f"{quoted} names no year: a list or column page, not one annual report")
    return Kind(False, f"{quoted} does not name a 政府信息公开 annual report")


def _title_lines(lines: Sequence[str]) -> list[str]:
    """The short lines near the top of a document: where its title is, between site chrome."""
    found = []
    for line in lines[:_TITLE_SEARCH_LINES]:
        text = _squash(line)
        if text and len(text) <= _MAX_TITLE_CHARS and not _SENTENCE.search(text):
            found.append(text)
    return found


def classify_document(lines: Sequence[str], *, has_tables: bool) -> Kind:
    """Whether a read document is an annual report, by the same rule as :func:`classify_title`.

    Conservative, because a false "not a report" loses a report: a document is an annual report
    when a title line near the top names one, or when it holds the report's tables; it is not
    one only when a title line near the top names another kind of document (…的函) and nothing
    names a report. A document with no recognizable title at all is given the benefit of the doubt.

    Example:
        >>> classify_document(["关于报送2014年政府信息公开工作情况的函", "省政府办公厅："], has_tables=False).is_annual_report
        False
    """
    kinds = [(line, classify_title(line)) for line in _title_lines(lines)]
    report = next((kind for _, kind in kinds if kind.is_annual_report), None)
    if report is not None:
        return report
    if has_tables:
        return Kind(True, "holds the tables of an annual report")
    other = next((kind for line, kind in kinds if _OTHER_KIND_AT_END.search(line) or _INTERPRETATION.match(line)), None)
    if other is not None:
        return other
    return Kind(True, "no title found near the top; read as a report")
