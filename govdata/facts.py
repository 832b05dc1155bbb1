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
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import repeat

import polars as pl

from govdata import schema
from govdata.legacy import appendix_lines
from govdata.normalize import beyond_bmp_or, label_key, normalize_text, normalized_key, reading_with_origin
from govdata.read import Document

# Units printed after a count in the prose. Longest first so 人次 wins over 次 and 万元 over 元.
_UNITS = ("万人次", "人次", "万人", "万元", "亿元", "元",
          "件", "条", "份", "项", "个", "篇", "次", "场", "起", "家", "批", "期", "部", "名", "册")
_UNIT_PATTERN = "|".join(_UNITS)
# A quantity: a number not glued to another number, then a unit ("余" as in "18000 余份"), or
# a bare number right before a clause break -- the 2020 seed drops units ("重大建设项目信息153，").
# Then an optional share: "，占 36.5%" / "，占比36.5%".
_QUANTITY = re.compile(
    r"(?<![\d\-])(?<!\d\.)(?P<number>\d+(?:,\d{3})*(?:\.\d+)?)"
    rf"(?:\s*(?:余|多)?\s*(?P<unit>{_UNIT_PATTERN})|(?=\s*[,。;]))"
    r"(?:\s*,?\s*占(?:比)?\s*(?P<share>\d+(?:\.\d+)?)\s*%)?"
)
# Where the words that name a number start: after a clause break (normalized punctuation).
_CLAUSE_BREAK = re.compile(r"[,。;:!?]")
# Where a sentence (the snippet) ends.
_SENTENCE_END = re.compile(r"[。;!?]")
# Characters ignored when matching cues: spaces, the 、 fold, quotes, book-title marks, markdown emphasis.
# (A regex, not str.translate: deleting through a translate table is slow on CJK text.)
_IGNORED_IN_CUES = re.compile(r"[.\"'《》<>*]")
# Bullets and list markers stripped from the front of a snippet.
_SNIPPET_LEADERS = " \t\u3000-－●•■·"


@dataclass(frozen=True)
class Pattern:
    """One row of fact_patterns.csv: a cue phrase and the fact key it means."""

    kind: str  # count (cue before a number), none (phrase stating a zero), ignore (known non-fact)
    key: str
    cue: str  # in matching form, see :func:`cue_form`
    priority: int
    notes: str


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
    return tuple(Pattern(row["kind"], row["key"], cue_form(row["cue"]), int(row["priority"]), row["notes"]) for row in rows)


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
        found.extend(_count_facts(doc, paragraph))
        found.extend(_zero_facts(doc, paragraph))
    return [row for _, _, row in sorted(found, key=lambda item: item[:2])]


def _table_lines(doc: Document, appendix: frozenset[int]) -> frozenset[int]:
    """Lines that belong to tables: their numbers are table cells, not prose.

    Pipes and tabs mark the delimited layouts; the 附表 is added whatever its layout, because a
    one-cell-per-line 附表 has neither.
    """
    delimited = {number for number, text in enumerate(doc.norm_lines, start=1) if "|" in text or "\t" in text}
    return frozenset(delimited) | appendix


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


def _is_soft_break(before: str, after: str) -> bool:
    """Was a sentence cut by the line break between line ``before`` and line ``after``?

    Only two cases are rejoined, both seen in PDF conversions: a phrase whose number starts the
    next line (2017 seed lines 171/173) and a number whose unit starts the next line (2018 seed
    lines 43/45 "行政许可类信息0" / "条，占 0%"). A line without any clause break is a heading
    ("三、主动公开政府信息情况", 2017 seed line 125, followed by "2017 年全市…"): never joined.
    """
    before, after = before.rstrip(), after.lstrip()
    if not before or not after:
        return False
    if before[-1].isdigit():
        return after.startswith(_UNITS)
    is_heading = _CLAUSE_BREAK.search(before) is None
    return after[0].isdigit() and not is_heading and not _CLAUSE_BREAK.match(before[-1])


def _paragraphs(doc: Document, skip: frozenset[int]) -> Iterator[_Paragraph]:
    """Prose lines, joined where a soft break cut a sentence; a hard break ends a paragraph."""
    text, pieces, last_line = "", [], ""
    for number, norm in enumerate(doc.norm_lines, start=1):
        if number in skip or not norm.strip():
            continue
        line_text, piece = _normalized_with_origin(doc.lines[number - 1], number, norm, doc=doc)
        if text and _is_soft_break(last_line, line_text):
            text, pieces = _join(text, pieces, line_text, piece)
        else:
            if text:
                yield _Paragraph(text, pieces)
            text, pieces = line_text, [piece]
        last_line = line_text
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


def _count_facts(doc: Document, paragraph: _Paragraph) -> Iterator[tuple[int, int, dict]]:
    """One fact per quantity whose lead words match a ``count`` pattern."""
    previous_end = 0
    for match in _QUANTITY.finditer(paragraph.text):
        lead = _lead(paragraph.text, previous_end, match.start())
        previous_end = match.end()
        pattern = best_pattern(lead)
        if pattern is None or pattern.kind != "count":
            continue
        yield _fact_row(doc, paragraph, pattern, match.start(), match["number"], match["unit"], match["share"])


def _lead(text: str, previous_end: int, start: int) -> str:
    """The words naming a number: back to the previous quantity or the last clause break."""
    segment = text[previous_end:start]
    breaks = list(_CLAUSE_BREAK.finditer(segment))
    return segment[breaks[-1].end():] if breaks else segment


def best_pattern(lead: str) -> Pattern | None:
    """The pattern a lead means: highest priority, then longest cue; None when none or a tie.

    A tie between two keys (a lead naming both 行政复议 and 行政诉讼) means the number cannot be
    told apart, so it gets no key rather than a guessed one.

    >>> best_pattern("其中：当面申请").key
    'requests.channel.in_person'
    >>> best_pattern("举办新闻发布会") is None
    True
    """
    form = cue_form(lead)
    candidates = [p for p in patterns() if p.kind in ("count", "ignore") and p.cue and p.cue in form]
    if not candidates:
        return None
    rank = max((p.priority, len(p.cue)) for p in candidates)
    best = {p.key for p in candidates if (p.priority, len(p.cue)) == rank}
    if len(best) > 1:
        return None
    return next(p for p in candidates if (p.priority, len(p.cue)) == rank)


def _zero_facts(doc: Document, paragraph: _Paragraph) -> Iterator[tuple[int, int, dict]]:
    """Facts stated in words as none at all ("未收到政府信息公开申请" -> requests.received = 0).

    Speed: most paragraphs state no such thing, and a sentence's matching form is a piece of its
    paragraph's (OpenCC converts phrase by phrase, and phrases stop at 。;!?), so a paragraph
    whose form holds no cue is skipped without keying each sentence.
    """
    stating_none = _none_patterns()
    whole = _IGNORED_IN_CUES.sub("", normalized_key(paragraph.text))  # paragraphs are normalized text
    if not any(pattern.cue in whole for pattern in stating_none):
        return
    for start, end in _sentences(paragraph.text):
        form = cue_form(paragraph.text[start:end])
        for pattern in stating_none:
            if pattern.cue in form:
                yield _fact_row(doc, paragraph, pattern, start, "0", None, None)


@lru_cache(maxsize=1)
def _none_patterns() -> tuple[Pattern, ...]:
    return tuple(pattern for pattern in patterns() if pattern.kind == "none")


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
