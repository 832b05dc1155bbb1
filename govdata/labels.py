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
from collections.abc import Mapping
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
