"""The Chinese word for every key a reader can see: check rules, templates, statuses, sources, columns.

Why one module: briefings are read in Chinese by people who never run code, so a rule key
such as ``column_sum``, a template name such as ``legacy`` or a column name such as
``is_below_min_n`` must never reach a page. What each key is called lives in data, once:

- ``govdata/data/check_keys.csv``: one row per check key (the rules of :mod:`govdata.check`
  and the parser's structure findings), with its Chinese label and what it checks;
- ``govdata/data/terms_zh.csv``: the small vocabularies (templates, statuses, severities,
  review verdicts, where a number came from, yes/no);
- ``govdata/data/column_labels.csv``: a Chinese label per column of every frame and of the
  headline panel (what the export's codebook and Stata variable labels say).

The labels of the form itself (表三 rows, 表四 cells, 附表 indicators) stay in
:mod:`govdata.form`, and those of prose numbers in :mod:`govdata.fact_keys`.

Example:
    >>> check_label("column_sum"), term("template", "legacy")
    ('纵向合计', '旧版（附表）')
    >>> checks_zh("column_sum, row_sum")
    '纵向合计、横向合计'
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import polars as pl

UNKNOWN_CHECK_ZH = "未登记的规则"
"""Shown for a check key check_keys.csv does not know (a test keeps that from happening)."""


@dataclass(frozen=True)
class CheckKey:
    """One row of check_keys.csv."""

    check: str
    emitted_by: str
    label_zh: str
    meaning_zh: str


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files("govdata").joinpath(f"data/{name}").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def check_keys() -> dict[str, CheckKey]:
    """check key -> its row of govdata/data/check_keys.csv, in file order."""
    return {row["check"]: CheckKey(row["check"], row["emitted_by"], row["label_zh"], row["meaning_zh"])
            for row in _rows("check_keys.csv")}


def check_label(check: str | None) -> str:
    """The Chinese label of a check key (``column_sum`` -> 纵向合计)."""
    if not check:
        return ""
    known = check_keys().get(check)
    return known.label_zh if known else UNKNOWN_CHECK_ZH


def check_meaning(check: str | None) -> str:
    """What a rule checks, in one Chinese sentence."""
    known = check_keys().get(check or "")
    return known.meaning_zh if known else ""


def checks_zh(keys: str | None, *, separator: str = "、") -> str:
    """A comma-separated list of check keys (``failed_checks``) in Chinese labels."""
    if not keys:
        return ""
    labels = [check_label(key.strip()) for key in keys.split(",") if key.strip()]
    return separator.join(dict.fromkeys(labels))


@lru_cache(maxsize=1)
def _terms() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for row in _rows("terms_zh.csv"):
        out.setdefault(row["field"], {})[row["key"]] = row["label_zh"]
    return out


def terms(field: str) -> dict[str, str]:
    """key -> Chinese label of one vocabulary (``template``, ``input_status``, ``severity``, ``verdict``, ``source``, …)."""
    return dict(_terms()[field])


def term(field: str, key: object) -> str:
    """The Chinese label of one key of a vocabulary; None reads as "" (``verdict``: 未复核)."""
    vocabulary = _terms()[field]
    text = "" if key is None else (str(key).lower() if isinstance(key, bool) else str(key))
    return vocabulary.get(text, vocabulary.get("", text))


def term_expr(column: str, field: str) -> pl.Expr:
    """A Polars expression: ``column`` in Chinese labels of ``field`` (unknown keys stay as they are)."""
    vocabulary = {k: v for k, v in _terms()[field].items() if k}
    return pl.col(column).cast(pl.String).replace_strict(vocabulary, default=pl.col(column).cast(pl.String),
                                                         return_dtype=pl.String)


def check_label_expr(column: str = "check") -> pl.Expr:
    """A Polars expression: a column of check keys in Chinese labels."""
    labels = {key: row.label_zh for key, row in check_keys().items()}
    return pl.col(column).replace_strict(labels, default=pl.lit(UNKNOWN_CHECK_ZH), return_dtype=pl.String)


def checks_zh_expr(column: str = "failed_checks") -> pl.Expr:
    """A Polars expression: a comma-separated column of check keys in Chinese labels."""
    return pl.col(column).map_elements(checks_zh, return_dtype=pl.String, skip_nulls=False)


@lru_cache(maxsize=1)
def _column_labels() -> dict[tuple[str, str], str]:
    return {(row["frame"], row["column"]): row["label_zh"] for row in _rows("column_labels.csv")}


def column_label(frame: str, column: str) -> str | None:
    """The Chinese label of a frame's column (the frame's own row first, then one for any frame), or None."""
    labels = _column_labels()
    return labels.get((frame, column)) or labels.get(("", column))
