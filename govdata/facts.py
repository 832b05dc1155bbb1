"""Facts stage (issue 4): numbers stated in a report's narrative -> the ``facts`` frame.

Why: before 2019 most numbers were only ever printed in prose ("同意公开 84 件，占 36.5%"),
and 2019+ narratives restate table cells that the checks compare with the tables. This module
finds the *structure* -- a number, its unit, a "占 X%" after it, the words before it -- and
``govdata/data/fact_patterns.csv`` gives those words their *meaning* (a fact key). A number
whose words match no pattern gets no key: it is left out, never guessed. docs/facts.md lists
every key and the matching rules.

Example:
    >>> from govdata.read import read_document
    >>> doc = read_document(text="其中：当面申请 77 件，占 33.5%；网络申请 49 件，占 21.3%。")
    >>> extract_facts(doc).select("key", "value", "unit", "share").rows()
    [('requests.channel.in_person', 77.0, '件', 33.5), ('requests.channel.online', 49.0, '件', 21.3)]
"""

from __future__ import annotations

import csv
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import repeat

import polars as pl

from govdata import schema
from govdata.legacy import appendix_lines
from govdata.normalize import beyond_bmp_or, label_key, normalize_text, normalized_key, reading_with_origin
from govdata.read import Document

# Units printed after a count in the prose. Longest first so 人次 wins over 次, 万元 over 元 and
# 条次 over 条. 宗 and 例 count requests in some reports (real excerpts 045 and 071).
_UNITS = ("万人次", "人次", "万人", "万元", "亿元", "元", "条次",
          "件", "条", "份", "项", "个", "篇", "次", "场", "起", "家", "批", "期", "部", "名", "册", "宗", "例")
_UNIT_PATTERN = "|".join(_UNITS)
# A quantity: a number not glued to another number, then a unit ("余" as in "18000 余份", a
# 万 in front as in "195.4万余条"), or a bare number right before a clause break -- the 2020
# seed drops units ("重大建设项目信息153，") -- or a bare "260余" where the text stops (a page
# excerpt cut before the unit). Then an optional share: "，占 36.5%" / "，占比36.5%".
_QUANTITY = re.compile(
    r"(?<![\d\-])(?<!\d\.)(?P<number>\d+(?:,\d{3})*(?:\.\d+)?)"
    rf"(?:\s*(?P<wan>万)?\s*(?:余|多)?\s*(?P<unit>{_UNIT_PATTERN})|\s*(?:余|多)?(?=\s*[,。;])|\s*(?:余|多)(?=\s*$))"
    r"(?:\s*,?\s*占(?:比)?\s*(?P<share>\d+(?:\.\d+)?)\s*%)?"
)
# Where the words that name a number start: after a clause break (normalized punctuation).
_CLAUSE_BREAK = re.compile(r"[,。;:!?]")
# Where the words after a number end: a clause break or a 、 (normalized to ".").
_TAIL_END = re.compile(r"[,。;:!?.]")
# Where a sentence (the snippet) ends.
_SENTENCE_END = re.compile(r"[。;!?]")
# Where a statement ends for a ``sequel`` cue: a full stop, not a semicolon ("收到申请 12 件，其中
# 网络申请 9 件；办结 11 件" is one statement).
_FULL_STOP = re.compile(r"[。!?]")
# How a cue is written in fact_patterns.csv: parts in order, "…" between two parts that other
# words may separate (at most _GAP characters, within one clause), "|" between spellings of a
# part, "#" for the number itself (a cue naming the number from after it: "收到…#…申请"),
# "^" / "$" tying the cue to the start / end of the words before the number.
_CUE_GAP, _CUE_OR, _CUE_NUMBER = "…", "|", "#"
_APPLY = "申请"  # a request, and also the verb "to apply for" (申请行政复议)
_GAP = 32
# Where a line starts a new item, never the continuation of the line above: bullets, 一、 (一)
# 1. ① 第一, markdown headings.
_ITEM_START = re.compile(r"[-－●•■·◆#①-⑳]|[一二三四五六七八九十]+[、.]|\(\s*[一二三四五六七八九十\d]+\s*\)"
                         r"|\d+[、.](?!\d)|第[一二三四五六七八九十]+")
# A cell of a one-cell-per-line table standing alone on its line: a number (or a share).
_NUMBER_LINE = re.compile(r"\s*[-+]?\d[\d,]*(?:\.\d+)?\s*%?\s*")
# A table row flattened to one line with spaces between cells (PDF page text): a label, then at
# least two numbers (each perhaps with its unit) and nothing else ("行政许可 12 0 3").
_SPACED_ROW = re.compile(rf"[^,。;:!?\d]{{1,40}}?(?:\s+[-+]?\d[\d,]*(?:\.\d+)?%?\s*(?:{_UNIT_PATTERN})?){{2,}}\s*")
_NUMBER_STARTS = frozenset("0123456789+-")
_UNIT_ENDS = frozenset(unit[-1] for unit in _UNITS)
# Punctuation a table label never holds.
_PROSE_MARK = re.compile(r"[,。;!?]")
# Characters ignored when matching cues: spaces, the 、 fold, quotes, book-title marks, markdown emphasis.
# (A regex, not str.translate: deleting through a translate table is slow on CJK text.)
_IGNORED_IN_CUES = re.compile(r"[.\"'《》<>*]")
# Bullets and list markers stripped from the front of a snippet.
_SNIPPET_LEADERS = " \t\u3000-－●•■·"


@dataclass(frozen=True)
class Pattern:
    """One row of fact_patterns.csv: a cue phrase and the fact key it means.

    kinds: ``count`` (a cue naming the number), ``sequel`` (a cue too vague alone, such as 办结:
    it names the number only right after a number of the same topic in the same statement),
    ``none`` (a phrase stating a zero in words), ``ignore`` (words known *not* to name a fact).
    """

    kind: str
    key: str
    cue: str  # as written, in matching form (see :func:`cue_form`): parts joined by …, spellings by |
    priority: int
    notes: str
    parts: tuple[tuple[str, ...], ...] = field(default=(), compare=False, repr=False)
    regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    # How much text the cue pins down (its shortest spellings, gaps not counted): heavier wins a tie.
    weight: int = field(default=0, compare=False, repr=False)
    spans_number: bool = field(default=False, compare=False, repr=False)  # does it hold "#" ("收到…#…申请")?

    @property
    def rank(self) -> tuple[int, int]:
        return self.priority, self.weight

    def occurs_in(self, form: str) -> bool:
        """Do the cue's parts occur in ``form``, in order, each gap within one clause?"""
        if not all(any(spelling in form for spelling in part) for part in self.parts if part != (_CUE_NUMBER,)):
            return False
        return self.regex is None or self.regex.search(form) is not None


# Where a piece of a paragraph's text was printed: (line, columns), columns being a range when
# the piece maps column for column, else a list of (line, column), one per character.
_Piece = tuple[int, range | list[tuple[int, int]]]


class _Paragraph:
    """Normalized prose joined across soft line breaks, with the origin of every character.

    ``origin[i]`` is (1-based line, index in the original line) of ``text[i]``, so a match in
    the normalized text can be reported with its line and the original characters. It is
    spelled out only for the paragraphs that state a fact (speed: most state none).
    """

    __slots__ = ("_origin", "_pieces", "text")

    def __init__(self, text: str, pieces: list[_Piece]):
        self.text = text
        self._pieces = pieces
        self._origin: tuple[tuple[int, int], ...] | None = None

    @property
    def origin(self) -> tuple[tuple[int, int], ...]:
        if self._origin is None:
            out: list[tuple[int, int]] = []
            for line, columns in self._pieces:
                out.extend(zip(repeat(line), columns) if isinstance(columns, range) else columns)
            self._origin = tuple(out)
        return self._origin


def cue_form(text: str) -> str:
    """The form cues and leads are compared in: :func:`label_key` without 、 quotes and 《》.

    >>> cue_form("“予以公开”")
    '予以公开'
    """
    return _IGNORED_IN_CUES.sub("", label_key(text))


@lru_cache(maxsize=1)
def patterns() -> tuple[Pattern, ...]:
    """The rows of govdata/data/fact_patterns.csv (cues already in matching form)."""
    with resources.files("govdata").joinpath("data/fact_patterns.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(_pattern(row["kind"], row["key"], row["cue"], int(row["priority"]), row["notes"]) for row in rows)


def _pattern(kind: str, key: str, cue: str, priority: int, notes: str) -> Pattern:
    """A CSV row as a Pattern: the cue split into parts and spellings, and its regex when the
    parts are not one plain phrase.

    >>> _pattern("none", "requests.received", "未收到|没有收到…公开…申请", 1, "").cue
    '未收到|没有收到…公开…申请'
    """
    cue = cue.strip()
    at_start, at_end = cue.startswith("^"), cue.endswith("$")
    cue = cue.strip("^$")
    parts = tuple((_CUE_NUMBER,) if part.strip() == _CUE_NUMBER
                  else tuple(dict.fromkeys(cue_form(spelling) for spelling in part.split(_CUE_OR) if spelling.strip()))
                  for part in cue.split(_CUE_GAP))
    written = _CUE_GAP.join(_CUE_OR.join(part) for part in parts)
    regex = None
    if len(parts) > 1 or len(parts[0]) > 1 or at_start or at_end:
        # A gap stays within one clause and never crosses a number: prose "未发生…行政复议" must
        # not reach over "，收到行政复议申请 2 件".
        gap = rf"[^#,。;:!?\d]{{0,{_GAP}}}?"
        body = gap.join(re.escape(_CUE_NUMBER) if part == (_CUE_NUMBER,)
                        else "(?:" + "|".join(re.escape(s) for s in sorted(part, key=len, reverse=True)) + ")"
                        for part in parts)
        regex = re.compile(("^" if at_start else "") + body + ("$" if at_end else ""))
    weight = sum(min(len(spelling) for spelling in part) for part in parts if part != (_CUE_NUMBER,))
    return Pattern(kind, key, written, priority, notes, parts, regex, weight, (_CUE_NUMBER,) in parts)


def fact_keys() -> frozenset[str]:
    """Every key a fact can have (for docs and tests)."""
    return frozenset(p.key for p in patterns() if p.kind != "ignore")


def extract_facts(doc: Document) -> pl.DataFrame:
    """Numbers the prose states (requests received, outcomes by type, …) as ``facts`` rows."""
    return schema.frame("facts", fact_rows(doc))


def fact_rows(doc: Document, appendix: frozenset[int] | None = None) -> list[dict]:
    """The ``facts`` rows as dicts, in reading order; ``appendix`` is the 附表's lines when the
    caller has located it already (:func:`govdata.legacy.table_lines`)."""
    skip = _table_lines(doc, appendix_lines(doc) if appendix is None else appendix)
    found: list[tuple[int, int, dict]] = []  # (line, column, row): facts in reading order
    for paragraph in _paragraphs(doc, skip):
        counts = list(_count_facts(doc, paragraph))
        found.extend(fact for _, fact in counts)
        found.extend(_zero_facts(doc, paragraph, stated={(start, fact[2]["key"]) for start, fact in counts}))
    return [row for _, _, row in sorted(found, key=lambda item: item[:2])]


def _table_lines(doc: Document, appendix: frozenset[int]) -> frozenset[int]:
    """Lines that belong to tables: their numbers are table cells, not prose.

    Pipes and tabs between cells mark the delimited layouts (a tab that only indents a line of
    prose does not: real excerpt 033 starts its paragraphs with one). The 附表 is added whatever
    its layout, and so are one-cell-per-line tables and rows flattened to one line with spaces
    (:func:`_undelimited_table_lines`), which have neither.
    """
    lines = doc.norm_lines
    delimited = {number for number, text in enumerate(lines, start=1)
                 if "|" in text or ("\t" in text and not _is_indented_prose(text))}
    return frozenset(delimited) | appendix | _undelimited_table_lines(lines)


def _is_indented_prose(text: str) -> bool:
    """A line whose only tabs indent one run of prose ("\\t(一)主动公开情况。本年度，…")."""
    stripped = text.strip()
    return "\t" not in stripped and "。" in stripped


def _undelimited_table_lines(lines: Sequence[str]) -> set[int]:
    """Lines of tables printed without | or tabs.

    One cell per line (a 2019 form copied from a web page: "规章" / "0" / "0" / "0", blank
    lines between): a run of short lines without sentence punctuation in which two numbers stand
    alone on consecutive lines is a table, labels included. Prose whose digits were put on lines
    of their own ("2011" / "年" / "1" / "月", a Word export) never has two in a row. A PDF page's
    row flattened to one line ("行政许可 12 0 3") is a table line by itself.
    """
    out: set[int] = set()
    run: list[int] = []
    numbers_in_a_row = has_pair = False
    sentence_goes_on = False  # the line right above is prose that stops mid-sentence (a hard wrap)
    for number, text in enumerate([*lines, "。"], start=1):  # a sentinel closes the last run
        stripped = text.strip()
        if not stripped or "|" in stripped or "\t" in stripped:  # blank, or a delimited table's
            sentence_goes_on = False
            continue
        # (cheap tests first: most lines are prose)
        if " " in stripped and (stripped[-1].isdigit() or stripped[-1] in _UNIT_ENDS) and _SPACED_ROW.fullmatch(stripped):
            out.add(number)
        is_number = stripped[0] in _NUMBER_STARTS and _NUMBER_LINE.fullmatch(stripped) is not None
        carried_over, sentence_goes_on = sentence_goes_on, _PROSE_MARK.search(stripped) is not None and stripped[-1] not in "。;!?:"
        if is_number or (len(stripped) <= 40 and not _PROSE_MARK.search(stripped) and not carried_over):
            has_pair = has_pair or (is_number and numbers_in_a_row)
            numbers_in_a_row = is_number
            run.append(number)
            continue
        if has_pair:
            out.update(run)
        run, numbers_in_a_row, has_pair = [], False, False
    return out


def _normalized_with_origin(text: str, line: int, normalized: str | None = None, *, doc: Document | None = None) -> tuple[str, _Piece]:
    """Normalize one original line character by character, remembering where each came from.

    Character-wise NFKC equals the line-wise ``Document.norm_lines`` for the text of these
    reports (no combining sequences), and it keeps the way back to the printed characters.
    Speed: a line in which every character folds to exactly one character (almost all prose)
    takes its already normalized form, ``normalized``, with one origin per column; only lines
    holding a character that expands or combines are folded one character at a time.
    """
    if normalized is not None and len(normalized) == len(text) and not _not_one_to_one().search(text):
        return normalized, (line, range(len(text)))
    if doc is not None and (doc.is_traditional or doc.has_glosses):
        reading, columns = reading_with_origin(text, traditional=doc.is_traditional, glosses=doc.has_glosses)
        return reading, (line, [(line, column) for column in columns])
    out: list[str] = []
    origin: list[tuple[int, int]] = []
    for index, char in enumerate(text):
        folded = normalize_text(char)
        out.append(folded)
        origin.extend([(line, index)] * len(folded))
    return "".join(out), (line, origin)


@lru_cache(maxsize=1)
def _not_one_to_one() -> re.Pattern[str]:
    """Characters whose fold is not one character in place: those that expand ("㈠" -> "(一)") or
    vanish, combining marks and Hangul jamo (which compose with a neighbour), code points this
    Python does not know, and everything beyond the BMP. A line without any of them normalizes
    to the same length, column for column."""
    def is_special(char: str) -> bool:
        code = ord(char)
        return (unicodedata.category(char)[0] in "MC" or 0x1100 <= code <= 0x11FF or 0xA960 <= code <= 0xA97F
                or 0xD7B0 <= code <= 0xD7FF or 0xAC00 <= code <= 0xD7A3 or len(normalize_text(char)) != 1)

    return beyond_bmp_or(is_special)


_ENDS_IN_A_NUMBER = re.compile(r"\d\s*(?:余|多)?$")


def _is_soft_break(before: str, after: str, *, adjacent: bool = False,
                   wrap_width: Callable[[], int | None] = lambda: None) -> bool:
    """Was a sentence cut by the line break between line ``before`` and line ``after``?

    Across blank lines, only two cases are rejoined, both seen in PDF conversions: a phrase
    whose number starts the next line (2017 seed lines 171/173) and a number whose unit starts
    the next line (2018 seed lines 43/45 "行政许可类信息0" / "条，占 0%"). A line without any
    clause break is a heading ("三、主动公开政府信息情况", 2017 seed line 125, followed by
    "2017 年全市…"): never joined.

    Lines right below each other are also joined when the text was wrapped at a fixed width
    (PDF text, flipbook pages, PDF-to-markdown): ``before`` does not end a statement, ``after``
    does not start a new item, and ``before`` either holds a clause break or fills the width
    (``wrap_width()``, asked only then) -- a short line without one is still a heading. A line
    holding only a number is joined to the lines around it (a Word export that puts every run
    of digits on a line of its own: "主动公开政府信息" / "352" / "条，…"); tables of such lines
    are not prose (:func:`_undelimited_table_lines`).
    """
    before, after = before.strip(), after.strip()
    if not before or not after:
        return False
    if _ENDS_IN_A_NUMBER.search(before) and after.startswith(_UNITS):
        return True  # 260 / 条, 260余 / 条
    if adjacent and ((after[0] in _NUMBER_STARTS and _NUMBER_LINE.fullmatch(after) and before[-1] not in "。;!?:")
                     or (before[0] in _NUMBER_STARTS and _NUMBER_LINE.fullmatch(before) and not _ITEM_START.match(after))):
        return True
    is_heading = _CLAUSE_BREAK.search(before) is None
    if not before[-1].isdigit() and after[0].isdigit() and not is_heading and not _CLAUSE_BREAK.match(before[-1]):
        return True
    if not adjacent or before[-1] in "。!?:" or _ITEM_START.match(after):
        return False
    if before[-1] == ";":  # a statement goes on after a semicolon: joined where the wrap, not the writer, broke the line
        width = wrap_width()
        return width is not None and len(before) >= width
    if not is_heading:
        return True
    width = wrap_width()
    return width is not None and len(before) >= width


def _wrap_width(doc: Document, skip: frozenset[int]) -> int | None:
    """The width a text was wrapped at, when it was (many prose lines about equally short, the
    rest headings and table fragments), else None: a line at least this long that holds no
    clause break was cut, it is no heading.

    >>> from govdata.read import read_document
    >>> _wrap_width(read_document(text="一行" * 12 + "\\n" + "两行" * 13 + "\\n" + "三行" * 14), frozenset())
    23
    """
    lengths = sorted(len(text.strip()) for number, text in enumerate(doc.norm_lines, start=1)
                     if number not in skip and text.strip())
    if len(lengths) < 3:
        return None
    typical = lengths[(len(lengths) * 3) // 4]
    if typical > 60:
        return None
    wrapped = sum(1 for length in lengths if typical * 0.85 <= length <= typical * 1.15)
    return int(typical * 0.85) if wrapped >= 3 and wrapped * 10 >= len(lengths) * 3 else None


def _paragraphs(doc: Document, skip: frozenset[int]) -> Iterator[_Paragraph]:
    """Prose lines, joined where a soft break cut a sentence; a hard break ends a paragraph."""
    text, pieces, last_line, last_number = "", [], "", 0
    wrap_width = lru_cache(maxsize=1)(lambda: _wrap_width(doc, skip))
    for number, norm in enumerate(doc.norm_lines, start=1):
        if number in skip or not norm.strip():
            continue
        line_text, piece = _normalized_with_origin(doc.lines[number - 1], number, norm, doc=doc)
        if text and _is_soft_break(last_line, line_text, adjacent=number == last_number + 1, wrap_width=wrap_width):
            text, pieces = _join(text, pieces, line_text, piece)
        else:
            if text:
                yield _Paragraph(text, pieces)
            text, pieces = line_text, [piece]
        last_line, last_number = line_text, number
    if text:
        yield _Paragraph(text, pieces)


def _join(text: str, pieces: list[_Piece], more: str, piece: _Piece) -> tuple[str, list[_Piece]]:
    """Glue the next line to a paragraph, dropping the spaces around the break."""
    kept = len(text.rstrip())
    skipped = len(more) - len(more.lstrip())
    pieces = list(pieces)
    cut = len(text) - kept
    while cut:  # the trailing spaces come off the last pieces
        line, columns = pieces.pop()
        if len(columns) > cut:
            pieces.append((line, columns[:len(columns) - cut]))
            break
        cut -= len(columns)
    line, columns = piece
    return text[:kept] + more[skipped:], [*pieces, (line, columns[skipped:])]


def _count_facts(doc: Document, paragraph: _Paragraph) -> Iterator[tuple[int, tuple[int, int, dict]]]:
    """One fact per quantity whose words match a ``count`` (or ``sequel``) pattern, with the start
    of the sentence it stands in.

    The words are the *lead* (before the number, back to the previous quantity or clause break)
    and, for cues holding "#", the *tail* (after it, up to the next clause break or quantity).
    A ``sequel`` cue counts only right after a fact of its topic in the same statement: 办结 after
    a number of requests. A tie between keys is a number shared by several keys: a zero is a
    zero for each ("行政复议、行政诉讼0件"), any other number stays unkeyed unless a less
    specific cue names it alone.
    """
    text = paragraph.text
    quantities = list(_QUANTITY.finditer(text))
    if not quantities:
        return
    full_stops = [match.start() for match in _FULL_STOP.finditer(text)] if len(quantities) > 1 else []
    previous_end, topic, topic_end = 0, None, 0
    for index, match in enumerate(quantities):
        lead = _lead(text, previous_end, match.start())
        tail = _tail(text, match.end(), quantities[index + 1].start() if index + 1 < len(quantities) else len(text))
        previous_end = match.end()
        if topic is not None and _is_new_statement(text, full_stops, topic_end, match.start()):
            topic = None
        winner, tie = _decide(lead, tail, topic)
        number = match["number"]
        if winner is not None and winner.kind == "ignore":
            topic = None  # the statement turned to something else (报道, 建议, …)
            continue
        if winner is not None:
            keyed = (winner,)
        elif winner is None and tie and float(number.replace(",", "")) == 0 and all(p.kind != "ignore" for p in tie):
            keyed = tie
        else:
            continue
        unit = (match["wan"] or "") + match["unit"] if match["unit"] else None
        start = _sentence_around(text, match.start())[0]
        for pattern in keyed:
            yield start, _fact_row(doc, paragraph, pattern, match.start(), number, unit, match["share"])
        topic, topic_end = _topic(keyed[0].key), match.end()


def _is_new_statement(text: str, full_stops: list[int], since: int, until: int) -> bool:
    """Has a statement ended between two positions? A full stop ends one, unless the next starts
    with 其中 (its parts: "主动公开信息 305 条。其中微信公众号 140 条")."""
    first, last = bisect_left(full_stops, since), bisect_left(full_stops, until)
    return any(not text[stop + 1:stop + 4].lstrip().startswith("其中") for stop in full_stops[first:last])


def _lead(text: str, previous_end: int, start: int) -> str:
    """The words naming a number: back to the previous quantity or the last clause break."""
    segment = text[previous_end:start]
    breaks = list(_CLAUSE_BREAK.finditer(segment))
    return segment[breaks[-1].end():] if breaks else segment


def _tail(text: str, end: int, next_start: int) -> str:
    """The words after a number: up to the next clause break, 、 or quantity ("行政诉讼案件 1 件、
    行政复议案件 3 件": the 1 is not named by the 行政复议 after it)."""
    segment = text[end:next_start]
    cut = _TAIL_END.search(segment)
    return segment[:cut.start()] if cut else segment


def _topic(key: str) -> str:
    """What a fact is about, for ``sequel`` cues: answers and reasons belong with the requests."""
    family = key.partition(".")[0]
    return "requests" if family in ("requests", "outcome", "withheld_reason") else family


@lru_cache(maxsize=1 << 14)
def _candidates(lead: str, tail: str) -> tuple[Pattern, ...]:
    """Every count, sequel and ignore pattern whose cue occurs in the words around a number.

    Speed: the same few leads recur in every report, so the answer is cached by the words.
    """
    lead_form = cue_form(lead)
    around = None
    out = []
    for pattern in _keying_patterns():
        if pattern.spans_number:
            if around is None:
                around = lead_form + _CUE_NUMBER + cue_form(tail)
            if pattern.occurs_in(around):
                out.append(pattern)
        elif pattern.occurs_in(lead_form):
            out.append(pattern)
    return tuple(out)


@lru_cache(maxsize=1)
def _keying_patterns() -> tuple[Pattern, ...]:
    return tuple(pattern for pattern in patterns() if pattern.kind in ("count", "sequel", "ignore"))


@lru_cache(maxsize=1 << 14)
def _decide(lead: str, tail: str, topic: str | None) -> tuple[Pattern | None, tuple[Pattern, ...]]:
    """:func:`_resolve` of the candidates around a number, cached (leads recur in every report)."""
    return _resolve(_candidates(lead, tail), topic)


def _resolve(candidates: Sequence[Pattern], topic: str | None) -> tuple[Pattern | None, tuple[Pattern, ...]]:
    """(the pattern that names the number, the first tie met): highest priority, then heaviest cue.

    When the tie is between channels of one thing (keys under one parent, such as
    ``proactive.channel.*``), the tied keys are set aside and the rest decide: "通过门户网站、
    微信公众号等发布政府信息" names two channels equally, so the total it also names is the
    reading. Any other tie ends the search (an outline listing 主动公开政府信息情况 next to
    行政复议 and 行政诉讼 names no number).
    """
    candidates = [p for p in candidates if p.kind != "sequel" or _topic(p.key) == topic]
    # The words before the number name it first; a cue holding "#" (the number before its noun)
    # only when they name nothing.
    if any(not p.spans_number for p in candidates):
        candidates = [p for p in candidates if not p.spans_number]
    first_tie: tuple[Pattern, ...] = ()
    while candidates:
        rank = max(p.rank for p in candidates)
        top = [p for p in candidates if p.rank == rank]
        keys = {p.key for p in top}
        if len(keys) == 1:
            return top[0], first_tie
        first_tie = first_tie or tuple({p.key: p for p in top}.values())
        if len({key.rpartition(".")[0] for key in keys}) > 1:
            break
        candidates = [p for p in candidates if p.key not in keys]
    return None, first_tie


def best_pattern(lead: str, tail: str = "", topic: str | None = None) -> Pattern | None:
    """The pattern a lead means: highest priority, then longest cue; None when none or a tie.

    A tie between two keys (a lead naming both 行政复议 and 行政诉讼) means the number cannot be
    told apart, so it gets no key rather than a guessed one.

    >>> best_pattern("其中：当面申请").key
    'requests.channel.in_person'
    >>> best_pattern("举办新闻发布会") is None
    True
    """
    winner, _ = _decide(lead, tail, topic)
    return winner


def _zero_facts(doc: Document, paragraph: _Paragraph, *, stated: set[tuple[int, str]] = frozenset()) -> Iterator[tuple[int, int, dict]]:
    """Facts stated in words as none at all ("未收到政府信息公开申请" -> requests.received = 0).

    A ``none`` cue is a negation and a noun in one clause ("未发生…行政复议"). Several nouns may
    follow one negation ("未发生…投诉、行政复议或行政诉讼"): each is matched where it ends,
    and where two cues end on the same word the longer decides ("未收到…行政复议…申请" is a
    review, not a request). A clause that also holds an ``ignore`` cue states no zero ("未被
    行政复议纠错" says nothing of how many reviews there were). A sentence that states a number
    for the key (``stated``: sentence start, key) keeps the number, not the zero.

    Speed: most paragraphs state no such thing; a paragraph whose form holds no negation of any
    cue is skipped without keying each sentence, and a sentence's form is cut from its
    paragraph's (OpenCC converts phrase by phrase, and phrases stop at 。;!?).
    """
    stating_none = _none_patterns()
    whole = _IGNORED_IN_CUES.sub("", normalized_key(paragraph.text))  # paragraphs are normalized text
    if _negations().search(whole) is None:
        return
    sentences = list(_sentences(paragraph.text))
    forms = [whole[start:end] for start, end in _sentences(whole)]
    if len(forms) != len(sentences):  # never seen; then key each sentence on its own
        forms = [cue_form(paragraph.text[start:end]) for start, end in sentences]
    for (start, end), form in zip(sentences, forms, strict=True):
        if _negations().search(form) is None:
            continue
        by_end: dict[int, list[Pattern]] = {}
        for pattern in stating_none:
            if pattern.regex is None:
                position = form.find(pattern.cue)
                spans = [] if position < 0 else [(position, position + len(pattern.cue))]
            elif pattern.occurs_in(form):
                spans = [match.span() for match in pattern.regex.finditer(form)]
            else:
                spans = []
            for span in spans:
                if not _clause_is_ignored(form, *span) and not _names_another_noun(form, span[1], pattern.key):
                    by_end.setdefault(span[1], []).append((pattern, span[0]))
        keys: dict[str, tuple[Pattern, int]] = {}
        for match_end in sorted(by_end):
            rank = max(p.rank for p, _ in by_end[match_end])
            top = {p.key: (p, at) for p, at in by_end[match_end] if p.rank == rank}
            if len(top) == 1:
                key, found = next(iter(top.items()))
                keys.setdefault(key, found)
        for key, (pattern, at) in keys.items():
            if (start, key) not in stated:
                position = _phrase_position(paragraph.text, start, end, form, pattern, at)
                yield _fact_row(doc, paragraph, pattern, position, "0", None, None)


def _phrase_position(text: str, start: int, end: int, form: str, pattern: Pattern, at: int) -> int:
    """Where in ``text[start:end]`` the phrase found at ``form[at]`` starts (its negation, the
    n-th time it occurs), so that a zero stated on a later line of a wrapped sentence gets that
    line; the sentence start when it cannot be told."""
    spelling = next((s for s in pattern.parts[0] if form.startswith(s, at)), None)
    if spelling is None:
        return start
    spelling = spelling[:3]  # the negation: a longer phrase may hold a 、 the form dropped
    position = start - 1
    for _ in range(form.count(spelling, 0, at) + 1):
        position = text.find(spelling, position + 1, end)
        if position < 0:
            return start
    return position


def _names_another_noun(form: str, end: int, key: str) -> bool:
    """Did a ``none`` cue end on 申请 used as a verb, right before the noun of a cue of another
    key? 申请 in "未收到因政府信息公开申请行政复议的案件" applies for a review, it is no request.
    (Only 申请 is both a noun and a verb here; nouns of a list are adjacent once 、 is dropped.)"""
    return form.endswith(_APPLY, 0, end) and any(
        form.startswith(spelling, end) for other, spelling in _none_nouns() if other != key)


@lru_cache(maxsize=1)
def _none_nouns() -> tuple[tuple[str, str], ...]:
    """(key, spelling) of the last part of every ``none`` cue: the nouns zeros are stated of."""
    return tuple((pattern.key, spelling) for pattern in _none_patterns() for spelling in pattern.parts[-1])


def _clause_is_ignored(form: str, start: int, end: int) -> bool:
    """Does the clause around ``form[start:end]`` hold an ``ignore`` cue?"""
    before = [match.end() for match in _CLAUSE_BREAK.finditer(form, 0, start)]
    after = _CLAUSE_BREAK.search(form, end)
    clause = form[before[-1] if before else 0:after.start() if after else len(form)]
    return any(pattern.occurs_in(clause) for pattern in _ignore_patterns())


@lru_cache(maxsize=1)
def _ignore_patterns() -> tuple[Pattern, ...]:
    return tuple(pattern for pattern in patterns() if pattern.kind == "ignore")


@lru_cache(maxsize=1)
def _none_patterns() -> tuple[Pattern, ...]:
    return tuple(pattern for pattern in patterns() if pattern.kind == "none")


@lru_cache(maxsize=1)
def _negations() -> re.Pattern[str]:
    """The first part of every ``none`` cue (its negation), as one regex, to skip prose quickly."""
    firsts = {spelling for pattern in _none_patterns() for spelling in pattern.parts[0]}
    return re.compile("|".join(re.escape(s) for s in sorted(firsts, key=len, reverse=True)))


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _SENTENCE_END.finditer(text):
        yield start, match.end()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _sentence_around(text: str, position: int) -> tuple[int, int]:
    for start, end in _sentences(text):
        if start <= position < end:
            return start, end
    return 0, len(text)


def _fact_row(doc: Document, paragraph: _Paragraph, pattern: Pattern, position: int, number: str,
              unit: str | None, share: str | None) -> tuple[int, int, dict]:
    """A facts row, preceded by the (line, column) it is ordered by."""
    start, end = _sentence_around(paragraph.text, position)
    line, column = paragraph.origin[position]
    return line, column, {
        "report_id": doc.report_id,
        "key": pattern.key,
        "value": float(number.replace(",", "")),
        "unit": unit,
        "share": float(share) if share is not None else None,
        "line": line,
        "snippet": _original_text(doc, paragraph.origin[start:end]),
        "cue": pattern.cue,
        "share_raw": share,
    }


def _original_text(doc: Document, origin: tuple[tuple[int, int], ...]) -> str:
    """The printed characters behind a span of normalized text (spanning lines when joined)."""
    pieces: list[str] = []
    for line in dict.fromkeys(number for number, _ in origin):
        columns = [column for number, column in origin if number == line]
        pieces.append(doc.lines[line - 1][min(columns): max(columns) + 1])
    return "".join(pieces).strip().lstrip(_SNIPPET_LEADERS).strip()
