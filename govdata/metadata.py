"""Report metadata: which agency, which statistics year, which template, and the agency registry.

Why here and not in the tables parser: the identity of a report comes from its title, its
opening sentences and the 统计期限 sentence, which every template has, and the agency registry
(data/agencies.csv) is what makes one agency's reports comparable across years when its name is
printed differently (晋江市经济开发区 in a title, 福建晋江经济开发区管理委员会 in the letterhead).

Reports reach us as web pages as often as files: the title may come after site chrome
(breadcrumbs, 发布日期, 字体), be broken over lines, put the year first, drop 政府 or 工作, sit in
the opening sentence (现将某某局2022年政府信息公开工作年度报告公布如下), carry a flipbook prefix
(Page 3 - …) or a mirror's spam brand, or be missing, leaving only 2024年，某某局认真贯彻….
So the identity is read from every place a person would look, strongest first, and a page that
only says 我局 gets no agency rather than a guess. All matching is on ``Document.norm_lines``
(the reading form: Traditional mirrors read in Simplified, pinyin glosses dropped).

Wording -- period cue words, chrome, spam cues, the verbs that follow an agency in an opening
sentence, self-references, citations of the form notices -- is data
(``govdata/data/identity.csv``); this module holds the structure: where a title stands and in
what order its parts come.

Example:
    >>> identity = read_identity(["首页 > 信息公开", "云溪镇2022年政府信息公开工作年度报告",
    ...                           "本报告所列数据的统计时限为20221月1日至202212月31日。"])
    >>> identity.agency, identity.agency_line, identity.year, identity.year_line
    ('云溪镇', 2, 2022, 3)
    >>> template_from_text(["2020年，我局认真贯彻《条例》。"], 2020)
    '2019'
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

from govdata import paths
from govdata.normalize import label_key

# How far down a page the title, the opening sentences and the page's metadata rows are looked
# for, in non-blank lines. Web pages put up to a dozen lines of chrome above the title (the 平潭
# pages: 11), and web copies often leave a blank line between paragraphs.
_HEAD_LINES = 40
# A page listing report titles of this many different years is an index, not a report.
_INDEX_YEARS = 3


@dataclass(frozen=True)
class Identity:
    """Who reported, for which year, and the lines that say so (None when the page does not say).

    ``letterhead`` is the name of a "…文件" letterhead above the title, kept apart because it
    is often a longer form of the agency's name (an alias the registry resolves).
    ``is_report`` is False for pages that are not annual reports (a 函, a notice, an index
    page): their agency and year are then None.
    """

    agency: str | None
    agency_line: int | None
    year: int | None
    year_line: int | None
    letterhead: str | None
    is_report: bool = True


@dataclass(frozen=True)
class TitleInfo:
    """What the first lines say: agency name and year of the title, letterhead name, lines."""

    agency: str | None
    agency_line: int | None
    title_year: int | None
    letterhead: str | None


@dataclass(frozen=True)
class Agency:
    """A row of the agency registry."""

    agency_id: str
    name: str
    level: str
    parent: str | None
    is_known: bool = True


# --- wording (govdata/data/identity.csv) ---------------------------------------------------


@lru_cache(maxsize=1)
def _rows() -> tuple[dict[str, str], ...]:
    with resources.files("govdata").joinpath("data/identity.csv").open(encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


@lru_cache(maxsize=1)
def wording() -> dict[str, tuple[str, ...]]:
    """The words of identity.csv by kind, longest first (so an alternation prefers 统计期限 to 统计期)."""
    by_kind: dict[str, list[str]] = {}
    for row in _rows():
        by_kind.setdefault(row["kind"], []).append(row["text"])
    return {kind: tuple(sorted(words, key=len, reverse=True)) for kind, words in by_kind.items()}


@lru_cache(maxsize=1)
def _citations() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, template) for each citation of a form notice; brackets may be [ ( 〔, spaces anywhere."""
    return tuple((re.compile(_spaced(row["text"])), row["value"]) for row in _rows() if row["kind"] == "citation")


def _spaced(text: str) -> str:
    """A pattern for ``text`` that allows whitespace (and line breaks) between its characters."""
    parts = {"[": r"[\[(〔]", "]": r"[\])〕]"}
    return r"\s*".join(parts.get(char, re.escape(char)) for char in text)


def _either(kind: str) -> str:
    return "|".join(re.escape(word) for word in wording()[kind])


# Characters a name read from prose never holds (sentence and list punctuation, quotes, field
# separators); in a title's lead the separators are allowed and cut later (breadcrumbs, 标题:).
_NOT_IN_NAME = ",。;:!?《》\"'.|<>/"
_NOT_IN_LEAD = ",。;!?《》\""
_YEAR = r"(?<!\d)(?P<year>20[0-4]\d)"
# The first reports cover 2008, the first year of the 2007 Regulations; an earlier year is a date.
_FIRST_YEAR = 2007


@dataclass(frozen=True)
class _Patterns:
    heading: re.Pattern[str]
    heading_year_last: re.Pattern[str]
    untitled_heading: re.Pattern[str]
    sentence_title: re.Pattern[str]
    subject: re.Pattern[str]
    subject_at_start: re.Pattern[str]
    sentence_year: re.Pattern[str]
    year: re.Pattern[str]
    year_mention: re.Pattern[str]
    compiler: re.Pattern[str]
    publisher: re.Pattern[str]
    period: re.Pattern[str]
    period_loose: re.Pattern[str]
    other_document: re.Pattern[str]
    sections: re.Pattern[str]
    spam: re.Pattern[str]
    chrome: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    lead, name = f"[^{re.escape(_NOT_IN_LEAD)}\\s]", f"[^{re.escape(_NOT_IN_NAME)}\\s]"
    filler = "".join(sorted({char for word in wording()["title_filler"] for char in word}))
    # 政府信息公开工作年度报告, 信息公开年度报告, 政府信息公开报告, 信息公开年报, 情况统计报表
    mark = f"(?:信息|政务)公开[{filler}]{{0,8}}报[告表]?"
    verbs = _either("subject_verb")
    return _Patterns(
        # A title at the start of a line: [agency] year [agency] …信息公开…报告
        heading=re.compile(f"^《?(?P<lead>{lead}{{0,40}}?){_YEAR}年度?(?P<mid>{lead}{{0,30}}?){mark}"),
        # 某某局政府信息公开工作年度报告(2021年度)
        heading_year_last=re.compile(f"^《?(?P<lead>{lead}{{2,40}}?){mark}》?\\({_YEAR}年?度?\\)"),
        untitled_heading=re.compile(f"^(?P<lead>{lead}{{2,40}}?){mark}"),
        # A title inside a sentence, after the verb that publishes it.
        sentence_title=re.compile(f"(?:{_either('publish_cue')}|{_either('compile_cue')})了?《?"
                                  f"(?P<lead>{name}{{0,40}}?){_YEAR}年度?(?P<mid>{name}{{0,30}}?)"
                                  f"(?:{mark}|(?:信息|政务)公开[{filler}]{{0,6}}情况)"),
        # 2022年，某某镇人民政府认真贯彻… / 2022年以来，某某乡在…
        subject=re.compile(f"(?:^|。){_YEAR}年(?:度|以来|全年)?,?(?P<name>{name}{{2,30}}?)(?={verbs})"),
        subject_at_start=re.compile(f"^(?P<name>{name}{{2,30}}?)(?={verbs})"),
        sentence_year=re.compile(f"(?:^|。){_YEAR}年(?!\\d{{1,2}}月)"),
        year=re.compile(_YEAR),
        year_mention=re.compile(f"{_YEAR}年度?(?:政府)?(?:信息|政务)公开"),
        # 由某某局编制 / 请与某某镇党政办联系 / 请联系某某局办公室，地址… / 电子版可从“某某局”网站下载
        compiler=re.compile(f"(?:由(?P<by>{name}{{2,30}}?)(?={verbs})|请与(?P<contact>{name}{{2,30}}?)联系"
                            f"|请联系(?P<reach>{name}{{2,30}}?)(?=[,;。(]|地址|电话)"
                            f"|电子版可[从在]\"?(?P<site>{name}{{2,30}}?)\"?(?:门户网站|政府网站|网站))"),
        publisher=re.compile(f"(?:{_either('publisher_field')})[:|]*(?P<name>[^|:\\s]{{2,40}})"),
        # 统计期限自2019年1月1日 / 统计时限为20231月1日 (年 lost) / 统计期限自202111日起 (年 and 月
        # lost) / 统计期限为2021.1.1-2021.12.31: the year, then 年 or January 1st.
        period=re.compile(f"(?:{_either('period_cue')})[^。;\\d]{{0,15}}?{_YEAR}\\s*"
                          f"(?:年|(?=[./-]?\\s*0?1\\s*(?:月|[./-])?\\s*0?1(?!\\d)))"),
        period_loose=re.compile(f"{_YEAR}\\s*年\\s*0?1\\s*月\\s*0?1\\s*日\\s*起?\\s*,?\\s*[至到]\\s*"
                                f"(?:(?P=year)\\s*年\\s*)?12\\s*月\\s*31\\s*日"),
        other_document=re.compile(f"^(?:关于)?{lead}{{0,40}}?(?<!\\d)20\\d{{2}}年{lead}{{0,40}}?"
                                  f"(?:{_either('other_document')})$"),
        sections=re.compile(f"(?m)^\\s*(?:[一二三四五六七八九十]+\\s*\\.|\\(\\s*[一二三四五六七八九十]+\\s*\\))\\s*"
                            f"(?P<section>{_either('report_section')})"),
        spam=re.compile(_either("spam"), re.IGNORECASE),
        chrome=re.compile(_either("chrome")),
    )


# --- one page --------------------------------------------------------------------------------


_CHINESE_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")
_CHINESE_YEAR = re.compile("二[〇零○][〇零○一二三四五六七八九]{2}(?=年)")


class _Line:
    """A non-blank line of the head: its 1-based number, its reading form without whitespace
    (a title may be letter-spaced), and whether it is page chrome. Both are computed when first
    asked: most lines of a head are prose or table cells that only a substring test looks at."""

    __slots__ = ("_is_chrome", "_text", "line", "raw")

    def __init__(self, line: int, raw: str):
        self.line, self.raw, self._text, self._is_chrome = line, raw, None, None

    @property
    def text(self) -> str:
        """Whitespace dropped, table cells (tabs) kept apart by |, a year in Chinese numerals
        (二〇二一年) in digits."""
        if self._text is None:
            raw = self.raw
            if "\t" in raw:
                raw = "|".join(raw.split("\t"))
            text = "".join(raw.split())
            if "〇" in text or "零" in text:
                text = _CHINESE_YEAR.sub(lambda match: match[0].translate(_CHINESE_DIGITS), text)
            self._text = text
        return self._text

    @property
    def is_chrome(self) -> bool:
        """Page chrome: a chrome word (发布日期, 当前位置, 索引号 …) on a line that is not prose
        (sentences end in 。 and may well mention 首页 or 登录)."""
        if self._is_chrome is None:
            self._is_chrome = "。" not in self.raw and _patterns().chrome.search(self.text) is not None
        return self._is_chrome


@dataclass(frozen=True)
class _Candidate:
    """A name or year and the line it was read from."""

    value: str | int
    line: int


@dataclass(frozen=True)
class _Title:
    """A title found in the head: its agency (None when it names none), year, and lines."""

    agency: str | None
    agency_line: int
    year: int
    year_line: int
    first: int  # index in the head of the first line the title spans
    last: int


class _Page:
    """The lines of one report and the views the readers share (computed once, when needed)."""

    def __init__(self, norm_lines: Sequence[str]):
        self.lines = norm_lines

    @cached_property
    def text(self) -> str:
        return "\n".join(self.lines)

    @cached_property
    def head(self) -> list[_Line]:
        """The first non-blank lines of the page."""
        out = []
        for index, line in enumerate(self.lines, start=1):
            if line and not line.isspace():
                out.append(_Line(index, line))
                if len(out) == _HEAD_LINES:
                    break
        return out

    @cached_property
    def prose_head(self) -> list[_Line]:
        """The head with prose a PDF's text layer wrapped hard at its column width joined again
        (a line of 15 characters or more that stops mid-sentence, continued on the next line), so
        that a name or year cut at the wrap (某某县北坡 / 镇2022年…) is read whole. A joined line
        keeps the number of the line it starts on."""
        out: list[_Line] = []
        joining = False
        for line in self.head:
            if joining and out and line.line == out[-1].line + out[-1].raw.count("\n") + 1 and _continues_prose(line):
                previous = out[-1]
                out[-1] = _Line(previous.line, previous.raw + "\n" + line.raw)
            else:
                out.append(line)
            joining = _stops_mid_sentence(line)
        return out

    def line_of(self, offset: int) -> int:
        """The 1-based line of a character offset in :attr:`text`."""
        return self.text.count("\n", 0, offset) + 1

    @cached_property
    def titles(self) -> list[_Title]:
        return list(_find_titles(self.head))


_SENTENCE_END = frozenset("。!?;:")
_ITEM_START = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[、.]|第[一二三四五六七八九十]+)")


def _stops_mid_sentence(line: _Line) -> bool:
    """A prose line a hard wrap cut: long, ending without a sentence's closing mark, no table row."""
    text = line.text
    return len(text) >= 15 and text[-1] not in _SENTENCE_END and "|" not in text and not line.is_chrome


def _continues_prose(line: _Line) -> bool:
    """A line that may carry on the sentence of the line above (no new item, no table row)."""
    return "|" not in line.text and not _ITEM_START.match(line.text) and not line.is_chrome


def _find_titles(head: list[_Line]) -> Iterator[_Title]:
    """Titles at the start of head lines, joined with the short lines that continue them.

    A title broken over lines ("某某局" / "2023 年政府信息公开工作" / "年度报告", or the
    year alone on a line in a flipbook page) is read as one string; up to three short lines
    (a name, a year, the rest of the title) are joined to the one it starts on.
    A link to another report (上一篇：…) is not a title. Speed: a title ends in 报(告), so only
    the lines up to three before one holding 报 are tried; most lines of a head are prose and
    table cells.
    """
    heading, year_last = _patterns().heading, _patterns().heading_year_last
    links = wording()["link_label"]
    alone: dict[int, re.Match[str] | None] = {}

    def title_at_start(text: str) -> re.Match[str] | None:  # substrings first: most lines are prose
        if "报" not in text or "公开" not in text or any(label in text for label in links):
            return None
        return heading.match(text) or (year_last.match(text) if "(" in text else None)

    def alone_at(position: int) -> re.Match[str] | None:
        if position not in alone:
            line = head[position]
            alone[position] = title_at_start(line.text) if "报" in line.raw and "公开" in line.raw else None
        return alone[position]

    ends = [position for position, line in enumerate(head) if "报" in line.raw]
    done = -1
    for index in sorted({start for end in ends for start in range(max(0, end - 3), end + 1)}):
        if index <= done:
            continue
        starts, match = [0], alone_at(index)
        # Joined only from a line holding a year or a name, while the next line is short and
        # not a title by itself (a page header such as 正文 above a title is not its agency).
        if match is None and len(head[index].raw) <= 80 and _may_start_title(head[index]):
            text, following = head[index].text, index + 1
            while following < len(head) and following - index <= 3 and len(text) <= 60:
                line = head[following]
                if len(line.raw) > 40 or len(line.text) > 24 or alone_at(following) is not None:
                    break
                starts.append(len(text))
                text += line.text
                match = title_at_start(text)
                if match:
                    break
                following += 1
        if match:
            yield _title(match, head, index, starts)
            done = index + len(starts) - 1


def _may_start_title(line: _Line) -> bool:
    """A line a title broken over lines may start on: a name, or a year outside page chrome (a
    flipbook's ``Page 3 -`` before the title is chrome that a separator sets apart)."""
    if _is_name_line(line):
        return True
    after_chrome = _SEPARATORS.sub("", line.text) if line.is_chrome else line.text
    return _patterns().year.search(after_chrome) is not None and _patterns().chrome.search(after_chrome) is None


def _title(match: re.Match[str], head: list[_Line], index: int, starts: list[int]) -> _Title:
    def line_at(offset: int) -> int:
        return head[index + bisect.bisect_right(starts, offset) - 1].line

    year_last = "mid" not in match.re.groupindex  # 某某局政府信息公开工作年度报告(2021年度)
    agency, offset = _clean_name(_without_government(match["lead"]) if year_last else match["lead"]), match.start("lead")
    if agency is None and not year_last:
        agency, offset = _clean_name(_without_government(match["mid"])), match.start("mid")
    year_offset = match.start("year")
    return _Title(agency, line_at(offset), int(match["year"]), line_at(year_offset), index, index + len(starts) - 1)


# --- names -------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"^.*[|>:/»-]")  # breadcrumbs, 标题:, Page 3 - …
_PARENTHETICAL = re.compile(r"\((?:以下)?简称[^)]*\)")
# ASCII, digits, ?, # and page numbers (第3页) before the first Chinese character of a name
_LEADING_JUNK = re.compile(r"^(?:[^\u3400-\u9fff]|第\d+页)+")


def _clean_name(text: str, *, prose: bool = False) -> str | None:
    """An agency name from the text before a title's year (or a name read from prose), or None.

    Drops what is not the name: breadcrumbs and field labels before a separator, a flipbook
    ``Page 3 -`` prefix, the verb that publishes the title (现将, 公布), 关于, (以下简称…), and a
    mirror's spam brand. Refuses self-references (我局), groups (全县公安机关), an office
    without its agency (综合办公室) and text no name holds (的, 由). A name read from
    ``prose``, or one that followed a spam brand, must end like an agency (局, 镇, 委员会, …);
    a brand followed by a bare 市… means the mirror replaced the place name, so nothing is left
    to read.

    >>> _clean_name("Page3-某某区司法局"), _clean_name("现将我局"), _clean_name("标题:某某镇")
    ('某某区司法局', None, '某某镇')
    """
    words = wording()
    text = _LEADING_JUNK.sub("", _SEPARATORS.sub("", _PARENTHETICAL.sub("", text)))
    for cue in words["publish_cue"]:
        cut = text.rfind(cue)
        if cut >= 0:
            text = text[cut + len(cue):]
    text = text.removeprefix("关于").removesuffix("关于")  # 某某局关于2021年度…报告
    spam_end = max((match.end() for match in _patterns().spam.finditer(text)), default=None)
    if spam_end is not None:
        text = _LEADING_JUNK.sub("", text[spam_end:])
    if not 2 <= len(text) <= 40 or any(char in _NOT_IN_NAME for char in text):
        return None
    if text in words["not_agency"] or text in words["self_reference"] or text in words["office_suffix"]:
        return None
    if text.startswith("我") or any(word in text for word in words["not_in_name"]):
        return None
    if any(reference in text for reference in words["self_reference"]) or _YEAR_IN_TEXT.search(text):
        return None  # 2023年度我局: a phrase of a sentence, no name
    if text.startswith(("年", "度")):
        return None  # the rest of a year (2023|年度政府信息公开…), no name
    if text.startswith(words["collective"]):
        return None
    if (prose or spam_end is not None) and not text.endswith(words["agency_suffix"]):
        return None
    if spam_end is not None and text[0] in "省市县区州镇乡":
        return None
    return text


_YEAR_IN_TEXT = re.compile(r"(?:19|20)\d{2}年")


def _without_government(text: str) -> str:
    """The name before 政府信息公开: 政府 belongs to the title unless the name is a 人民政府.

    >>> _without_government("某某县司法局政府"), _without_government("某某镇人民政府"), _without_government("某某乡人民政府政府")
    ('某某县司法局', '某某镇人民政府', '某某乡人民政府')
    """
    if text.endswith("政府") and (not text.endswith("人民政府") or text.endswith("人民政府政府")):
        return text[:-2]
    return text


def _name_from_prose(text: str) -> str | None:
    """A name read from a sentence: must look like an agency, hold no digits (2025年某某街道 is a
    date before a name), and not start with a verb (通过…)."""
    if text.startswith(wording()["subject_verb"]) or any(char.isdigit() for char in text):
        return None
    return _clean_name(text, prose=True)


def _without_office(name: str) -> str:
    """The agency an office belongs to: 某某镇人民政府党政办 -> 某某镇人民政府 (contact and compiler clauses)."""
    suffixes = wording()["office_suffix"]
    while True:
        suffix = next((s for s in suffixes if name.endswith(s) and len(name) > len(s)), None)
        if suffix is None:
            return name
        name = name[: -len(suffix)]


def _is_name_line(line: _Line) -> bool:
    """A line that is only an agency's name (above or below a title that names none)."""
    text = line.text
    return (len(text) <= 30 and text.endswith(wording()["agency_suffix"]) and not line.is_chrome
            and _name_from_prose(text) == text)


# --- agency ---------------------------------------------------------------------------------


def _agency_candidates(page: _Page) -> Iterator[_Candidate]:
    """Every place a page names its agency, strongest first."""
    head, titles = page.head, page.titles
    for title in titles:
        if title.agency:
            yield _Candidate(title.agency, title.agency_line)
    for title in titles:  # 某某局 / 2023年政府信息公开工作年度报告 (name above, or below)
        for neighbour in (title.first - 1, title.last + 1):
            if 0 <= neighbour < len(head) and _is_name_line(head[neighbour]):
                yield _Candidate(head[neighbour].text, head[neighbour].line)
    letterhead = _letterhead(page)
    if letterhead:
        yield letterhead
    cover = _cover_name(head)
    if cover:
        yield cover
    yield from _sentence_title_agencies(page)
    yield from _subject_agencies(page)
    yield from _compiler_agencies(page)
    yield from _untitled_heading_agencies(page)
    yield from _publisher_agencies(page)


def _publisher_agencies(page: _Page) -> Iterator[_Candidate]:
    """The catalogue's publisher field (发布机构：某某局), its value on its line or, where the
    catalogue prints one cell a line, on the next."""
    fields = wording()["publisher_field"]
    for index, line in enumerate(page.prose_head):
        for match in _patterns().publisher.finditer(line.text):
            # a catalogue row printed with spaces, not bars: the next field's label ends the name
            name = _name_from_prose(_patterns().chrome.split(match["name"], maxsplit=1)[0])
            if name:
                yield _Candidate(name, line.line)
        following = page.prose_head[index + 1] if index + 1 < len(page.prose_head) else None
        if line.text.strip(":|") in fields and following is not None and following.line == line.line + 1:
            name = _name_from_prose(following.text.strip("|"))
            if name:
                yield _Candidate(name, following.line)


_COVER_DATE = re.compile("^20\\d{2}年[\\d一二三四五六七八九十]{1,3}月(?:[\\d一二三四五六七八九十]{1,3}日)?$")


def _cover_name(head: list[_Line]) -> _Candidate | None:
    """A cover: the page opens with the agency's name over a date (某某市人民政府 / 2016年2月).
    A site's name over its navigation is not one."""
    if len(head) >= 2 and _is_name_line(head[0]) and _COVER_DATE.match(head[1].text):
        return _Candidate(head[0].text, head[0].line)
    return None


def _letterhead(page: _Page) -> _Candidate | None:
    """A "…文件" letterhead: an agency's name on its own line, never a table cell (规范性文件)."""
    for line in page.head:
        if "文件" not in line.raw or not line.raw.rstrip().endswith("文件") or "|" in line.raw or "\t" in line.raw:
            continue
        text = line.text
        if len(text) <= 42:
            name = _name_from_prose(text[:-2])
            if name:
                return _Candidate(name, line.line)
    return None


def _sentence_title_agencies(page: _Page) -> Iterator[_Candidate]:
    for line in page.prose_head:
        for match in _patterns().sentence_title.finditer(line.text):
            name = _clean_name(match["lead"]) or _clean_name(_without_government(match["mid"]))
            if name:
                yield _Candidate(name, line.line)


def _opening_lines(head: list[_Line]) -> list[_Line]:
    """The first sentence of the page and the first line of 总体情况/概述: where a page names
    its subject without a year (某某局依据《条例》编制本报告 / 某某局高度重视…)."""
    out = []
    first = next((line for line in head if not line.is_chrome), None)
    if first is not None:
        out.append(first)
    for index, line in enumerate(head[:-1]):
        if ("总体情况" in line.text or "概述" in line.text) and len(line.text) <= 20:
            out.append(head[index + 1])
            break
    return out


def _subject_agencies(page: _Page) -> Iterator[_Candidate]:
    """The subject of a sentence that opens with the year (anywhere in the head), or of the
    page's opening lines without a year; in the order of the lines."""
    patterns = _patterns()
    opening = {line.line for line in _opening_lines(page.prose_head)}
    for line in page.prose_head:
        if line.is_chrome:
            continue
        matches = list(patterns.subject.finditer(line.text))
        if line.line in opening:
            matches.append(patterns.subject_at_start.match(line.text))
        for match in matches:
            name = match and _name_from_prose(match["name"])
            if name:
                yield _Candidate(name, line.line)


def _compiler_agencies(page: _Page) -> Iterator[_Candidate]:
    for line in page.prose_head:
        if line.is_chrome:
            continue
        for match in _patterns().compiler.finditer(line.text):
            printed = match["by"] or match["contact"] or match["reach"] or match["site"]
            name = _name_from_prose(_without_office(printed))
            if name:
                yield _Candidate(name, line.line)


def _untitled_heading_agencies(page: _Page) -> Iterator[_Candidate]:
    """某某市政府信息公开情况统计报表: a title without a year still names its agency (a heading
    starts a line: never the rest of a sentence a hard wrap carried over)."""
    previous = None
    for line in page.head:
        carried_over = previous is not None and previous.line + 1 == line.line and _stops_mid_sentence(previous)
        previous = line
        match = None if line.is_chrome or carried_over else _patterns().untitled_heading.match(line.text)
        name = match and _clean_name(_without_government(match["lead"]))
        if name:
            yield _Candidate(name, line.line)


# --- year --------------------------------------------------------------------------------------


def _year_candidates(page: _Page) -> Iterator[_Candidate]:
    """Every place a page states its statistics year, strongest first; never a publication date."""
    return (candidate for candidate in _stated_years(page) if candidate.value >= _FIRST_YEAR)


def _period(page: _Page) -> _Candidate | None:
    """The year the 统计期限 sentence starts in (or, without a cue word, a 1月1日至12月31日 span)."""
    for pattern in (_patterns().period, _patterns().period_loose):
        match = pattern.search(page.text)
        if match:
            return _Candidate(int(match["year"]), page.line_of(match.start("year")))
    return None


def _stated_years(page: _Page) -> Iterator[_Candidate]:
    patterns = _patterns()
    period = _period(page)
    if period:
        yield period
    for title in page.titles:
        yield _Candidate(title.year, title.year_line)
    for line in page.head:
        match = patterns.sentence_title.search(line.text)
        if match:
            yield _Candidate(int(match["year"]), line.line)
    for pattern in (patterns.sentence_year, patterns.year_mention):
        for line in page.head:
            match = None if line.is_chrome else pattern.search(line.text)
            if match:
                yield _Candidate(int(match["year"]), line.line)


# --- what a page is ------------------------------------------------------------------------------


def _is_annual_report(page: _Page) -> bool:
    patterns = _patterns()
    if page.titles or any(patterns.sentence_title.search(line.text) for line in page.head):
        # An index page lists the titles of many years' reports.
        return len({title.year for title in page.titles}) < _INDEX_YEARS
    if any(patterns.other_document.match(line.text) for line in page.head):
        return False
    if _has_report_structure(page):
        return True
    # A page from inside a report (a flipbook page, an excerpt that starts mid-report) has none
    # of the above, but speaks of disclosure (主动公开, 信息公开, 政务公开).
    return "公开" in page.text


def _has_report_structure(page: _Page) -> bool:
    """The form's tables, two of its section headings, its period sentence or the form notice."""
    patterns = _patterns()
    squashed = "".join(page.text.split())
    if any(anchor in squashed for anchor in wording()["table_anchor"]):
        return True
    if len({match["section"] for match in patterns.sections.finditer(page.text)}) >= 2:
        return True
    period = patterns.period.search(page.text)
    if period and "报告" in page.text[max(0, period.start() - 40):period.start()]:
        return True
    return any(pattern.search(page.text) for pattern, _template in _citations())


def is_annual_report(norm_lines: Sequence[str]) -> bool:
    """Is this page a 政府信息公开工作年度报告 (or a page of one)?

    Yes when it has a report title with a year (in a heading or a sentence: 现将某某局2022年政府
    信息公开工作年度报告公布如下), unless it lists titles of three or more years (an index page).
    No when its own title names another kind of document (关于某年政务公开重点工作推进情况的函) --
    a letter may cite the notice on annual reports, so words inside a sentence do not count.
    Otherwise yes for the form's tables, two of its section headings, a report's 统计期限 sentence
    or the form notice, and for a page from inside a report (a flipbook page, an excerpt) that
    speaks of 公开 at all: a report's page must not lose its identity for lack of a title.

    >>> is_annual_report(["关于2021年政务公开重点工作推进情况的函", "市政府办公室:"])
    False
    """
    return _is_annual_report(_Page(norm_lines))


def read_identity(norm_lines: Sequence[str]) -> Identity:
    """Agency, statistics year and letterhead of a report, with the lines they were read from.

    The year comes from the 统计期限 sentence (even with 年/月 lost in a web copy), else the
    title, else the opening sentence; the agency from the title (or the name line next to it),
    the letterhead, the title inside the opening sentence, the opening sentence's subject, the
    office that compiled the report, the catalogue's publisher field. A page that is not an
    annual report gets neither (see :func:`is_annual_report`).
    """
    page = _Page(norm_lines)
    if not _is_annual_report(page):
        return Identity(None, None, None, None, None, is_report=False)
    letterhead = _letterhead(page)
    agency = next(_agency_candidates(page), None)
    year = next(_year_candidates(page), None)
    return Identity(
        agency=agency.value if agency else None, agency_line=agency.line if agency else None,
        year=year.value if year else None, year_line=year.line if year else None,
        letterhead=letterhead.value if letterhead else None,
    )


def read_title_and_year(lines: Sequence[str]) -> TitleInfo:
    """The agency (see :func:`read_identity`), the first title's year and the letterhead."""
    page = _Page(lines)
    agency, letterhead = next(_agency_candidates(page), None), _letterhead(page)
    return TitleInfo(agency.value if agency else None, agency.line if agency else None,
                     page.titles[0].year if page.titles else None, letterhead.value if letterhead else None)


def read_statistics_year(norm_lines: Sequence[str]) -> tuple[int | None, int | None]:
    """The statistics year from the 统计期限 sentence: (year, line) or (None, None)."""
    period = _period(_Page(norm_lines))
    return (period.value, period.line) if period else (None, None)


def template_from_text(norm_lines: Sequence[str], year: int | None) -> str | None:
    """The template of a report whose tables did not decide it, from its citation and year.

    A report for 2018 or earlier is ``legacy`` (the 2019 form did not exist); otherwise the
    notice it cites decides (国办公开办函〔2021〕30号 -> ``2021``, 〔2019〕60号 -> ``2019``); else a
    report written in the 2008 Regulations' sections (概述, 依申请公开政府信息受理情况, 收费及减免)
    with nothing of the 2019 form is ``legacy`` whatever its year; else the year (2021 or later
    -> ``2021``, 2019-2020 -> ``2019``). None when neither year nor citation is known.

    >>> template_from_text(["依据国办公开办函〔2021〕30号编制。"], None), template_from_text([], 2017)
    ('2021', 'legacy')
    """
    if year is not None and year <= 2018:
        return "legacy"
    text = "\n".join(norm_lines)
    for pattern, template in _citations():
        if pattern.search(text):
            return template
    if _written_in_legacy_sections(text):
        return "legacy"
    if year is None:
        return None
    return "2021" if year >= 2021 else "2019"


def _written_in_legacy_sections(text: str) -> bool:
    """Does a report without tables keep two of the 2008 Regulations' sections (概述, 依申请公开政府
    信息受理情况, 收费及减免情况) and show nothing of the 2019 form (收到和处理政府信息公开申请, 第二十条,
    申请人情况)? Some agencies wrote their 2019+ reports that way (a township's 2020 report)."""
    squashed = re.sub(r"\s+", "", text)
    sections = _form_sections()
    # two of its sections, not one: a 2019+ report may still call one section by its old name
    return (sum(word in squashed for word in sections["legacy"]) >= 2
            and not any(word in squashed for word in sections["modern"]))


@lru_cache(maxsize=1)
def _form_sections() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {"legacy": [], "modern": []}
    for row in _rows():
        if row["kind"] == "form_section":
            out[row["value"]].append(row["text"])
    return {kind: tuple(words) for kind, words in out.items()}


# --- the registry -------------------------------------------------------------------------

_LEVEL_BY_SUFFIX = (
    (re.compile(r"(街道办事处|街道|镇人民政府|乡人民政府|镇|乡)$"), "township"),
    (re.compile(r"(开发区|投资区|高新区|园区|新区|试验区)(管理委员会|管委会)?$"), "zone"),
    (re.compile(r"省人民政府$|省$|自治区人民政府$"), "province"),
    (re.compile(r"(局|厅|委员会|办公室|中心|署)$"), "department"),
    (re.compile(r"(县|区)人民政府$|(县|区)$"), "county"),
)


def guess_level(name: str) -> str:
    """A level guess from the name's ending, for agencies the registry does not know."""
    for pattern, level in _LEVEL_BY_SUFFIX:
        if pattern.search(name):
            return level
    return "unknown"


@lru_cache(maxsize=4)
def _registry(path: str) -> dict[str, Agency]:
    by_name: dict[str, Agency] = {}
    file = Path(path)
    if not file.exists():
        return by_name
    with file.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            agency = Agency(row["agency_id"], row["name"], row["level"] or "unknown", row["parent"] or None)
            for alias in [row["name"], *filter(None, row["aliases"].split("|"))]:
                by_name[label_key(alias)] = agency
    return by_name


def resolve_agency(*names: str | None) -> Agency:
    """The registry entry for the first name (or alias) it knows; else a deterministic new id.

    An unknown agency gets ``unk_`` + 10 hex digits of sha1 of its normalized name, so the
    same name always gets the same id across runs and machines.
    """
    registry = _registry(str(paths.registry_path()))
    for name in names:
        if name and label_key(name) in registry:
            return registry[label_key(name)]
    name = next((n for n in names if n), None)
    if name is None:
        return Agency("unk_unnamed", "", "unknown", None, is_known=False)
    digest = hashlib.sha1(label_key(name).encode("utf-8")).hexdigest()[:10]
    return Agency(f"unk_{digest}", name, guess_level(name), None, is_known=False)
