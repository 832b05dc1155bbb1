"""The label table: every printed spelling of a row, column or indicator -> canonical key.

Why a data table: meaning lives in ``govdata/data/labels.csv`` (reviewed, with the
templates a spelling belongs to and notes on agency quirks), structure lives in code. A
new spelling found in a report is one new CSV row, not a new regex.

labels.csv says which *spelling* means which key; what a key is, and its one Chinese label,
is the form's (``govdata/data/form.csv``, :mod:`govdata.form`). A spelling of a key the form
does not know is a test failure, not a second definition.

Matching ignores the enumerator a label is printed with ("(一)", "一、", "3.", "3、"),
spaces inside words, full-/half-width forms and Traditional characters.

Example:
    >>> lookup("table3", "row", "3、危及“三安全一稳定”").key
    'withheld.security_stability'
    >>> lookup("table3", "requester", "自 然 人").key
    'natural_person'
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from govdata import form
from govdata.normalize import label_key

# Enumerators that number rows in the forms: 一、 (一) 1. 1) ① 第一项. Structure, not meaning.
_ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+\.|\([一二三四五六七八九十]+\)|\d{1,2}\.(?!\d)|\d{1,2}\)|[①-⑳]|其中:)+"
)


@dataclass(frozen=True)
class Label:
    """One canonical label: which table and field it belongs to, its key and Chinese label (the form's)."""

    table: str
    field: str
    key: str
    label_zh: str
    templates: frozenset[str]
    notes: str


@lru_cache(maxsize=1 << 14)  # labels repeat in every report
def strip_enumerator(key: str) -> str:
    """Remove leading row numbering from a label already in :func:`label_key` form."""
    return _ENUMERATOR.sub("", key)


@lru_cache(maxsize=1)
def label_rows() -> tuple[dict[str, str], ...]:
    """The rows of labels.csv as dicts (for docs and tests)."""
    with resources.files("govdata").joinpath("data/labels.csv").open(encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str, str], Label]:
    index: dict[tuple[str, str, str], Label] = {}
    for row in label_rows():
        label = Label(row["table"], row["field"], row["key"], form.label_zh(row["table"], row["field"], row["key"]),
                      frozenset(row["templates"].split("|")), row["notes"])
        index[(row["table"], row["field"], strip_enumerator(label_key(row["variant"])))] = label
    return index


@lru_cache(maxsize=1 << 16)
def lookup(table: str, field: str, printed: str) -> Label | None:
    """The canonical label for a printed label, or None when the table does not know it."""
    return _index().get((table, field, strip_enumerator(label_key(printed))))


def lookup_any(table: str, fields: tuple[str, ...], printed: str) -> Label | None:
    """Like :func:`lookup`, trying several fields in order."""
    for field in fields:
        found = lookup(table, field, printed)
        if found is not None:
            return found
    return None


def labels_for(table: str, field: str) -> Mapping[str, str]:
    """key -> the Chinese label of every key of one field of one table (:func:`govdata.form.labels_zh`).

    Read-only and cached: the parser asks for these labels once per printed cell.
    """
    return _labels_for(table, field)


@lru_cache(maxsize=64)
def _labels_for(table: str, field: str) -> Mapping[str, str]:
    return MappingProxyType(form.labels_zh(table, field))


# --- labels that are not verbatim ------------------------------------------------------------

# Bracketed text inside a label is the form's filling instruction ("上一年项目数量(指2018年事项数)",
# "规范性文件(指各行政机关印发的有正式文号的文件)") or a unit ("本年收费金额(单位:万元)"); an
# unclosed bracket at the end is a label the text cut ("(二)部分公开(").
_BRACKETED = re.compile(r"\([^()]*\)|\([^()]*$")
# How alike a printed label must be to a known spelling (difflib ratio), and by how much it
# must beat the next best key, to be read as that key (docs/formats.md, "Labels that are not verbatim").
FUZZY_THRESHOLD = 0.8
FUZZY_MARGIN = 0.1
_SWAPPED = 0.9


def clean_lookup(table: str, fields: tuple[str, ...], printed: str) -> Label | None:
    """:func:`lookup` of a label without its bracketed instructions (None when it has none)."""
    key = strip_enumerator(label_key(printed))
    cleaned = _BRACKETED.sub("", key)
    if cleaned == key or not cleaned:
        return None
    for field in fields:
        found = _index().get((table, field, cleaned))
        if found is not None:
            return found
    return None


@lru_cache(maxsize=64)
def _spellings(table: str, field: str) -> tuple[tuple[str, Label], ...]:
    return tuple((key, label) for (t, f, key), label in _index().items() if t == table and f == field and key)


@lru_cache(maxsize=1 << 14)
def fuzzy_lookup(table: str, fields: tuple[str, ...], printed: str) -> tuple[Label, float] | None:
    """The label a printed label most resembles, with its similarity, when it is close enough to
    one key and clearly closer to it than to any other (characters dropped or swapped, a
    converter's artefact, an OCR misreading: "其他法律行政止公开", "本年增/", "现行有效件").

    >>> label, score = fuzzy_lookup("table3", ("row",), "2.其他法律行政止公开")
    >>> label.key, round(score, 2)
    ('withheld.prohibited_by_law', 0.86)
    """
    from difflib import SequenceMatcher

    key = _BRACKETED.sub("", strip_enumerator(label_key(printed)))
    if len(key) < 3 or len(key) > 60 or "。" in key:
        return None
    cut = _cut_at_line_break(table, fields, key)
    if cut is not None:
        return cut
    best: dict[str, tuple[float, Label]] = {}
    for field in fields:
        for spelling, label in _spellings(table, field):
            if 2 * min(len(key), len(spelling)) / (len(key) + len(spelling)) < FUZZY_THRESHOLD:
                continue
            score = SequenceMatcher(None, key, spelling, autojunk=False).ratio()
            if len(key) >= 4 and sorted(key) == sorted(spelling):
                score = max(score, _SWAPPED)  # the same characters, two of them swapped (行政罚处)
            if score > best.get(label.key, (0.0, label))[0]:
                best[label.key] = (score, label)
    ranked = sorted(best.values(), key=lambda item: -item[0])
    if not ranked or ranked[0][0] < FUZZY_THRESHOLD:
        return None
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < FUZZY_MARGIN:
        return None
    return ranked[0][1], ranked[0][0]


_CUT_LABEL_MIN = 10  # characters a label cut at a line break must keep to name its row alone


def _cut_at_line_break(table: str, fields: tuple[str, ...], key: str) -> tuple[Label, float] | None:
    """A long label cut where a PDF line broke it, its tail on the next line
    (``1.申请人无正当理由逾期不补正、行政机关不再`` / ``处理其政府信息公开申请``): the printed key
    begins exactly one label's spellings and is long enough to name it. Similarity alone misses
    these when the form also knows a short spelling the cut runs past."""
    if len(key) < _CUT_LABEL_MIN:
        return None
    found = {label.key: (spelling, label) for field in fields for spelling, label in _spellings(table, field)
             if len(spelling) > len(key) and spelling.startswith(key)}
    if len(found) != 1:
        return None
    spelling, label = next(iter(found.values()))
    return label, max(FUZZY_THRESHOLD, len(key) / len(spelling))


# --- cells that run labels and numbers together ----------------------------------------------

_FIELDS_BY_TABLE = {
    "table2": ("item", "measure", "header"),
    "table3": ("row", "group", "requester", "header"),
    "table4": ("proceeding", "outcome"),
}
_ANCHOR = {"table2": r"第二十条第?\([一二三四五六七八九十]+\)项?"}
_CHINESE_ENUMERATOR = re.compile(r"(?:[一二三四五六七八九十]+\.|\([一二三四五六七八九十]+\))$")


@lru_cache(maxsize=8)
def _label_finder(table: str) -> tuple[re.Pattern[str], dict[str, Label]]:
    spellings: dict[str, Label] = {}
    for field in _FIELDS_BY_TABLE[table]:
        for spelling, label in _spellings(table, field):
            spellings.setdefault(spelling, label)
    ordered = sorted(spellings, key=len, reverse=True)
    alternatives = [_ANCHOR[table]] if table in _ANCHOR else []
    alternatives += [re.escape(spelling) for spelling in ordered]
    return re.compile("|".join(alternatives)), spellings


def _ordinal(label: Label | None) -> str | None:
    """The Arabic ordinal a sub-row is printed with ("6." before 属于四类过程性信息)."""
    if label is None or label.table != "table3" or label.field != "row" or "." not in label.key:
        return None
    from govdata import form

    group = label.key.split(".")[0]
    rows = form.rows_of_group(group)
    return f"{rows.index(label.key) + 1}." if label.key in rows else None


def split_at_labels(text: str, table: str) -> list[str] | None:
    """Cut text that runs a table's labels and numbers together at the labels it holds.

    A web page flattened to text prints ``规章000行政规范性文件6633497`` and
    ``…不予公开 1.属于国家秘密00000002.其他法律行政法规禁止公开 0000000``: the labels the label
    table knows are found (spaces ignored; a bracketed instruction right after a label stays
    with it), the numbers between them are kept as printed (a run of digits is left whole:
    :mod:`govdata.recover` decides how it splits), and the ordinal that sticks to a number
    (``…00000002.``) is given back to the label that follows, by the form's own row order.
    None when the text is not such a run: no label in it, or words between its labels that
    are neither numbers nor a heading before the first label.

    >>> split_at_labels("规章000行政规范性文件6633497", "table2")
    ['规章', '000', '行政规范性文件', '6633497']
    >>> split_at_labels("5.属于三类内部事务信息 40000046.属于四类过程性信息 2000002", "table3")
    ['5.属于三类内部事务信息', '4000004', '6.属于四类过程性信息', '2000002']
    """
    finder, spellings = _label_finder(table)
    positions = [index for index, char in enumerate(text) if not char.isspace()]
    squashed = "".join(text[index] for index in positions)
    matches = list(finder.finditer(squashed))
    if not matches:
        return None
    pieces: list[str] = []
    text_chars = numbers = 0
    previous_end = 0
    previous_ordinal: str | None = None
    for number, match in enumerate(matches):
        start, end = positions[match.start()], positions[match.end() - 1] + 1
        if start < previous_end:  # inside the bracket of the label before
            continue
        gap = text[previous_end:start]
        enumerator = _ordinal(spellings.get(match.group()))
        stripped = gap.rstrip()
        if enumerator and stripped.endswith(enumerator):
            gap, prefix = stripped[:-len(enumerator)], enumerator
        elif (found := _CHINESE_ENUMERATOR.search(stripped)) is not None:
            gap, prefix = stripped[:found.start()], found.group()
        else:
            prefix = ""
        for token, is_number in _with_ordinals_given_back(list(_gap_tokens(gap)), previous_ordinal):
            if is_number and number > 0:  # a number before the first label is an ordinal, not a cell
                numbers += 1
            elif number > 0:  # words before the first label may be a heading or a note
                text_chars += len(token)
            pieces.append(token)
        previous_ordinal = enumerator
        bracket = _BRACKET_AFTER.match(text, end)
        if bracket is not None:
            end = bracket.end()
        pieces.append(prefix + text[start:end].strip())
        previous_end = end
    tail = list(_gap_tokens(text[previous_end:]))
    for index, (token, is_number) in enumerate(tail):
        if is_number:
            numbers += 1
        elif not (index == len(tail) - 1 and (len(token) <= 3 or _starts_a_label(token, table))):  # a label the end of the text cut
            text_chars += len(token)
        pieces.append(token)
    pieces = _joined_cut_headers(pieces, table, finder)
    labelled = {piece for piece in pieces if _is_table_label(piece, table, finder) or is_cut_header(piece, table)}
    if numbers == 0:
        # labels only: a run of header cells (信息内容本年处理决定数量), never labels and words;
        # a header cell the copy cut (本年新 for 本年新制作数量) counts when a space set it apart
        return pieces if len(matches) >= 2 and all(piece in labelled for piece in pieces) else None
    if text_chars > max(8, len(squashed) // 5):
        return None
    return pieces


_CUT_HEADER_FIELDS = {"table2": ("measure",), "table3": ("requester",), "table4": ("outcome",)}


def _joined_cut_headers(pieces: list[str], table: str, finder: re.Pattern[str]) -> list[str]:
    """Two pieces of one column heading a PDF's text layer both cut short and split at a space
    (``本年 增/`` for 本年增/减, ``本 年新`` for 本年新制作数量, ``现 行有效件``, ``现行有效 件``)
    joined: neither is a label as spelt, the second not the start of one on its own (either may
    resemble one, as 行有效件 and 现行有效 resemble 现行有效件数), together they start one."""
    out: list[str] = []
    for piece in pieces:
        if (out and not _is_exact_label(out[-1], finder) and not _is_exact_label(piece, finder)
                and not is_cut_header(piece, table) and is_cut_header(out[-1] + piece, table)):
            out[-1] += piece
            continue
        out.append(piece)
    return out


def _has_words(key: str) -> bool:
    """Does a piece hold more than digits and signs (``20`` starts 2020年… but is a number)?"""
    return any(not (char.isdigit() or char in "+-.,/%") for char in key)


def _with_ordinals_given_back(tokens: list[tuple[str, bool]], previous_ordinal: str | None) -> list[tuple[str, bool]]:
    """Tokens between two labels with the ordinal of a label the finder did not know (a typo:
    ``2.重复申请 000003.要提供公开出版物``) given back to it: the ordinal after the previous
    label's (3 after 2) stuck to the number before words that open with ``.``."""
    if previous_ordinal is None:
        return tokens
    expected = str(int(previous_ordinal.rstrip(".")) + 1)
    out = list(tokens)
    for index in range(len(out) - 1):
        (number, is_number), (words, is_words_number) = out[index], out[index + 1]
        if (is_number and not is_words_number and words.startswith(".") and number.isdigit()
                and number.endswith(expected) and len(number) > len(expected)):
            out[index] = (number[:-len(expected)], True)
            out[index + 1] = (expected + words, False)
            break
    return out


def _starts_a_label(piece: str, table: str) -> bool:
    """The start of one of the table's labels, two characters or more after its enumerator
    (``二、上年结转政府信息`` where the text stops)."""
    return _starts_a_spelling(strip_enumerator(label_key(piece)), table, _FIELDS_BY_TABLE[table], whole_too=True)


def is_cut_header(piece: str, table: str) -> bool:
    """A column heading the copy cut short (``本年新`` for 本年新制作数量, ``本年增/`` for
    本年增/减): the start, two characters or more, of one of the table's column labels."""
    return _starts_a_spelling(label_key(piece), table, _CUT_HEADER_FIELDS[table], whole_too=False)


def _starts_a_spelling(key: str, table: str, fields: tuple[str, ...], *, whole_too: bool) -> bool:
    """Is ``key`` (two characters or more, not a bare number) the start of a spelling of one of
    the table's ``fields`` (or, ``whole_too``, the whole spelling)?"""
    return len(key) >= 2 and _has_words(key) and any(spelling.startswith(key) and (whole_too or spelling != key)
                                                     for field in fields for spelling, _ in _spellings(table, field))


def _is_exact_label(piece: str, finder: re.Pattern[str]) -> bool:
    """A piece that is one of the table's labels as spelt (after its enumerator, without a
    bracketed instruction)."""
    key = strip_enumerator(label_key(piece))
    return bool(key) and (finder.fullmatch(key) is not None or finder.fullmatch(_BRACKETED.sub("", key)) is not None)


def _is_table_label(piece: str, table: str, finder: re.Pattern[str]) -> bool:
    """A piece of a run that is one of the table's labels: exactly (after its enumerator), without
    a bracketed instruction, or by similarity (a header cell cut as 本年增/)."""
    if not strip_enumerator(label_key(piece)):
        return False
    return _is_exact_label(piece, finder) or fuzzy_lookup(table, _FIELDS_BY_TABLE[table], piece) is not None


# A bracketed instruction printed right after a label: 规范性文件(指各行政机关印发的有正式文号的文件).
_BRACKET_AFTER = re.compile(r"\s*\((?![一二三四五六七八九十]+\))[^()]{1,40}\)")
# A number, or a run of numbers printed without separators where a sign may open a cell (19-225).
# A change printed in words (减1, 增加5: the 本年增/减 column) is one number.
_GAP_TOKEN = re.compile(r"(?P<number>(?:增加|增|减少|减)?[+-]?\d+(?:,\d{3})*(?:\.\d+)?(?:[+-]\d+(?:\.\d+)?)*(?:万元|元|%)?)"
                        r"|(?P<text>[^\s\d]+)")


def _gap_tokens(gap: str) -> Iterator[tuple[str, bool]]:
    """The numbers and the words between two labels, as printed."""
    for match in _GAP_TOKEN.finditer(gap):
        yield match.group(), match.group("number") is not None
