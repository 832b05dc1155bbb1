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


PLACEHOLDERS = frozenset({"/", "-", "--", "---", "无", "—", "——", "―", "\\", "×", "x", "X", "N/A", "n/a", "空"})
_NUMBER = re.compile(r"^(?P<sign>[+-])?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<unit>万元|元|件|条|项|个|次|%)?$")


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
    if match["sign"] == "-":
        value = -value
    return ParsedNumber(raw, value, unit=match["unit"])


def is_value_cell(cell: str) -> bool:
    """True for numbers, blanks and placeholders: the cells that are values, not labels."""
    return parse_number(cell) is not None
