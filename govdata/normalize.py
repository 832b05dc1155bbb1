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
from dataclasses import dataclass

# NFKC folds full-width ASCII (，：；（）％ and digits) but not these.
_EXTRA_FOLD = str.maketrans({
    "、": ".",   # "3、" is written for "3."
    "—": "-", "–": "-", "－": "-", "―": "-",
    "〔": "[", "〕": "]",
    "“": '"', "”": '"', "‘": "'", "’": "'",
    "\u3000": " ", "\xa0": " ",
})

# A few Traditional characters that occur in the table labels. Labels are matched after this
# fold; the printed text is kept unchanged in every frame.
_TRADITIONAL_TO_SIMPLIFIED = str.maketrans(
    "開數頁條項關機構辦結處體總計維訟訴審復議請資訊發廢現權護內務執動報組織個業務務類實據應單訊會機關齊門區縣鄉鎮經濟與並於無從規範許強費採購額決達準",
    "开数页条项关机构办结处体总计维讼诉审复议请资讯发废现权护内务执动报组织个业务务类实据应单讯会机关齐门区县乡镇经济与并于无从规范许强费采购额决达准",
)

_SPACES = re.compile(r"[ \t\u3000\xa0]+")


def normalize_text(text: str) -> str:
    """NFKC plus the folds NFKC leaves out; keeps line breaks and spacing."""
    return unicodedata.normalize("NFKC", text).translate(_EXTRA_FOLD)


def label_key(label: str) -> str:
    """The form a printed label is matched in: normalized, simplified, all spaces removed."""
    return _SPACES.sub("", normalize_text(label).translate(_TRADITIONAL_TO_SIMPLIFIED))


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
