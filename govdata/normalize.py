"""Normalize stage: printed text -> comparable text, printed cells -> numbers and units.

Why: reports print the same label in many spellings (全角/半角 digits and brackets,
letter-spaced characters such as "自 然 人", "3、" for "3.", Traditional characters). All
matching happens on :func:`label_key` of a label; the original text is always kept.

Example:
    >>> label_key("（一） 予以公开")
    '(一)予以公开'
    >>> parse_number("86715327.21元").value, parse_number("86715327.21元").unit
    (86715327.21, '元')
    >>> parse_number("/").is_placeholder
    True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

# NFKC folds full-width ASCII (，：；（）％ and digits) but not these.
_EXTRA_FOLD = str.maketrans({
    "、": ".",   # "3、" is written for "3."
    "—": "-", "–": "-", "－": "-", "―": "-",
    "〔": "[", "〕": "]",
    "“": '"', "”": '"', "‘": "'", "’": "'",
    "\u3000": " ", "\xa0": " ",
})

@lru_cache(maxsize=1)
def _to_simplified() -> Callable[[str], str]:
    """OpenCC's Traditional -> Simplified conversion (labels only; printed text is kept)."""
    import opencc

    return opencc.OpenCC("t2s").convert


_SPACES = re.compile(r"[ \t\u3000\xa0]+")


# Speed (docs/benchmarks.md, "Ingest"): whole documents go through Polars' NFKC, which gives
# the same output as unicodedata about twice as fast per call; the facts stage folds prose one
# character at a time, so single characters are cached; ASCII is already in NFKC form and
# _EXTRA_FOLD has no ASCII keys, so it is returned as is.
_POLARS_MIN_CHARS = 2048
_CHAR_CACHE: dict[str, str] = {}
# _EXTRA_FOLD as (character, replacement) pairs: str.replace per character present is several
# times faster than str.translate with a dict, and gives the same text (no replacement is a key).
_EXTRA_PAIRS = tuple((chr(code), value) for code, value in _EXTRA_FOLD.items())


def _fold_extra(text: str) -> str:
    for char, value in _EXTRA_PAIRS:
        if char in text:
            text = text.replace(char, value)
    return text


def normalize_text(text: str) -> str:
    """NFKC plus the folds NFKC leaves out; keeps line breaks and spacing."""
    if text.isascii():
        return text
    if len(text) == 1:
        folded = _CHAR_CACHE.get(text)
        if folded is None:
            folded = _CHAR_CACHE[text] = unicodedata.normalize("NFKC", text).translate(_EXTRA_FOLD)
        return folded
    if len(text) >= _POLARS_MIN_CHARS and not _outside_python_unicode().search(text):
        return _fold_extra(_polars_nfkc(text))
    return _fold_extra(unicodedata.normalize("NFKC", text))


def _polars_nfkc(text: str) -> str:
    import polars as pl

    return pl.Series([text], dtype=pl.String).str.normalize("NFKC")[0]


@lru_cache(maxsize=1)
def _outside_python_unicode() -> re.Pattern[str]:
    """Characters on which Polars' NFKC may differ from this Python's: code points its Unicode
    database does not assign (Polars' tables are newer: U+1AD3, new in Unicode 16, reorders
    differently), surrogates, and everything beyond the BMP (not checked one by one). Text
    holding any of them goes through unicodedata, so the output never depends on Polars.
    Assigned characters normalize the same in every Unicode version (normalization stability)."""
    return beyond_bmp_or(lambda char: unicodedata.category(char) in ("Cn", "Cs"))


def beyond_bmp_or(is_member: Callable[[str], bool]) -> re.Pattern[str]:
    """A one-character class: the BMP characters ``is_member`` accepts, and every character
    beyond the BMP. Built once per predicate by testing all 65,536 BMP code points."""
    ranges, start = [], None
    for code in range(0x10000):
        inside = is_member(chr(code))
        if inside and start is None:
            start = code
        elif not inside and start is not None:
            ranges.append(f"\\u{start:04x}-\\u{code - 1:04x}")
            start = None
    if start is not None:
        ranges.append(f"\\u{start:04x}-\\uffff")
    return re.compile("[" + "".join(ranges) + "\\U00010000-\\U0010ffff]")


# --- reading form: what the stages match on ---------------------------------------------------
#
# A report's *reading form* is its normalized text (above), with two more folds a web copy may
# need: pinyin glosses some mirrors insert after characters they converted ("報(bào)告",
# "申請(qǐng)") are dropped, and a Traditional-character mirror is read in Simplified characters
# (plus a few words such mirrors localise, govdata/data/vocabulary.csv). Lines keep their
# number; the printed text stays in ``Document.lines``.

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A gloss: lower-case pinyin with at least one tone mark, in brackets, right after a CJK character.
_GLOSS = re.compile(rf"(?<=[\u3400-\u9fff\uf900-\ufaff])\((?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,7}}\)")
_HAS_TONE = re.compile(f"[{_TONED}]")
# Characters only Traditional text uses, frequent in these reports (政府信息公開, 數量, 報告, 條例 …).
_TRADITIONAL = re.compile(
    "["
    "與個們來時為國會對開關於發當實現應這說經濟區縣鎮鄉報資條項數據請處務規範機構類計"
    "統點設記錄辦總體從進過還網頁電話號員業間問題議論認識讓護運動態傳聯專獲結轉復訴審"
    "維純歲覆廢現錶兩"
    "]"
)
_TRADITIONAL_MIN = 5


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[tuple[str, str], ...]:
    """(localised, mainland) word pairs of govdata/data/vocabulary.csv, longest first."""
    import csv
    from importlib import resources

    with resources.files("govdata").joinpath("data/vocabulary.csv").open(encoding="utf-8") as handle:
        pairs = [(row["printed"], row["reading"]) for row in csv.DictReader(handle)]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def is_traditional(text: str) -> bool:
    """Is ``text`` printed in Traditional characters (a mirror's conversion, or a Hong Kong/Taiwan copy)?"""
    return len(_TRADITIONAL.findall(text, 0, 200_000)) >= _TRADITIONAL_MIN


def has_glosses(text: str) -> bool:
    """Does ``text`` carry pinyin glosses such as 報(bào)告?"""
    return _HAS_TONE.search(text) is not None and _GLOSS.search(text) is not None


def strip_glosses(text: str) -> str:
    """Drop pinyin glosses: "申請(qǐng)數(shù)量" -> "申請數量"."""
    return _GLOSS.sub("", text)


def simplify(text: str) -> str:
    """Traditional -> Simplified characters, then the localised words of vocabulary.csv.

    OpenCC works phrase by phrase; a line whose length it changes is converted character by
    character instead, so every reading line keeps one character per printed character.
    """
    converted = _to_simplified()(text)
    if len(converted) != len(text):
        converted = "".join(_simplify_char(char) for char in text)
    for printed, reading in _vocabulary():
        if printed in converted:
            converted = converted.replace(printed, reading)
    return converted


@lru_cache(maxsize=1 << 14)
def _simplify_char(char: str) -> str:
    converted = _to_simplified()(char)
    return converted if len(converted) == 1 else char


def reading_text(normalized: str, *, traditional: bool, glosses: bool) -> str:
    """The reading form of already normalized text (see above)."""
    if glosses:
        normalized = strip_glosses(normalized)
    if traditional:
        normalized = simplify(normalized)
    return normalized


def reading_with_origin(printed: str, *, traditional: bool, glosses: bool) -> tuple[str, list[int]]:
    """The reading form of one printed line and, for each of its characters, the index of the
    printed character it comes from (for snippets and raw cell text).

    >>> reading_with_origin("申請(qǐng)數量", traditional=True, glosses=True)
    ('申请数量', [0, 1, 8, 9])
    """
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(printed):
        folded = normalize_text(char)
        chars.extend(folded)
        origin.extend([index] * len(folded))
    text = "".join(chars)
    if glosses:
        kept = [True] * len(text)
        for match in _GLOSS.finditer(text):
            kept[match.start():match.end()] = [False] * (match.end() - match.start())
        text = "".join(char for char, keep in zip(text, kept, strict=True) if keep)
        origin = [position for position, keep in zip(origin, kept, strict=True) if keep]
    if traditional:
        text = simplify(text)
    return text, origin


# Labels repeat across reports; the facts stage also keys whole sentences, which do not, so
# the cache is kept small enough that sentences pass through without holding memory.
@lru_cache(maxsize=8192)
def label_key(label: str) -> str:
    """The form a printed label is matched in: normalized, simplified, all spaces removed."""
    if label.isascii():  # numbers and Latin text: NFKC and OpenCC leave ASCII alone
        return _SPACES.sub("", label)
    return _SPACES.sub("", _to_simplified()(normalize_text(label)))


def normalized_key(text: str) -> str:
    """:func:`label_key` of text that is already normalized (prose taken from
    ``Document.norm_lines``): the same key without normalizing again, and without the cache,
    which whole paragraphs would only flush."""
    return _SPACES.sub("", _to_simplified()(text))


# Cells that stand for "nothing printed": a bare 增/减 is a change column whose number is missing.
PLACEHOLDERS = frozenset({"/", "-", "--", "---", "无", "—", "——", "―", "\\", "×", "x", "X", "N/A", "n/a", "空", "增", "减"})
# A number as a cell prints it: signed (+21, -136, or in words: 增98, 减1, 增加5), with
# thousands separators, decimals, a unit (70487元, 31批次) and a bracketed note after it
# ("22(其中修订16件)", a PDF conversion that merged a footnote into the cell).
_NUMBER = re.compile(
    r"^(?P<word>增加|增|减少|减)?(?P<sign>[+-])?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?P<unit>万元|元|件|条|项|个|次|%|批次|批|宗|份|人次|篇|家|万条)?(?P<note>\([^()]*\))?$"
)


@dataclass(frozen=True)
class ParsedNumber:
    """A printed cell read as a number: value (None if blank/placeholder), unit, what it was."""

    raw: str
    value: float | None
    unit: str | None = None
    is_blank: bool = False
    is_placeholder: bool = False

    @property
    def is_number(self) -> bool:
        return self.value is not None

    @property
    def is_integer(self) -> bool:
        return self.value is not None and float(self.value).is_integer()


@lru_cache(maxsize=1 << 16)
def parse_number(cell: str) -> ParsedNumber | None:
    """Read a cell as a number; None when the cell is text (a label), not a value.

    Signed numbers (+21, -136), thousands separators, decimals and a trailing unit are read;
    blank cells and placeholders (/, -, —, 无) give ``value=None`` so they never become 0.
    """
    raw = cell.strip()
    text = _SPACES.sub("", normalize_text(raw))
    if text == "":
        return ParsedNumber(raw, None, is_blank=True)
    if text in PLACEHOLDERS or raw in PLACEHOLDERS:
        return ParsedNumber(raw, None, is_placeholder=True)
    match = _NUMBER.match(text)
    if not match:
        return None
    digits = match["num"].replace(",", "") + (match["frac"] or "")
    value = float(digits)
    if match["sign"] == "-" or (match["word"] or "").startswith("减"):
        value = -value
    return ParsedNumber(raw, value, unit=match["unit"])


def is_value_cell(cell: str) -> bool:
    """True for numbers, blanks and placeholders: the cells that are values, not labels."""
    return parse_number(cell) is not None
