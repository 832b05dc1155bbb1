"""Review verdicts: a person's word on a finding, kept in ``data/reviews.csv`` and attached by fingerprint.

Why a module of its own: a verdict is not a rule. The checks stage says whether printed
numbers agree; a reviewer who read the report says whether a failure is the report's
(``confirmed``) or the rule's (``dismissed``). Verdicts must survive re-runs, so each finding
has a ``fingerprint`` that depends only on what it is about (sha256 of report_id, check and
scope, plus an occurrence number for findings that share all three), never on row order or
run time. Which file holds the verdicts is :func:`govdata.paths.reviews_path`.

Example:
    >>> fingerprint("000f1ea699ab4fca", "row_sum", "row=partial")
    '6797bf93afc93038'
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from govdata import paths, schema

REVIEW_COLUMNS = ("fingerprint", "verdict", "note", "reviewer", "date")
VERDICTS = ("confirmed", "dismissed")
_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")


class ReviewsError(ValueError):
    """data/reviews.csv holds a row that cannot be a verdict (names the file and line)."""


def fingerprint(report_id: str, check: str, scope: str, occurrence: int = 1) -> str:
    """The stable id of a finding: the same report (same bytes), rule and scope give the same id.

    Neither row order nor run time enters it, so a verdict in data/reviews.csv survives
    re-ingests. ``occurrence`` only separates findings that share all three (two structure
    rows of one kind and scope), counted in line order.

    Example:
        >>> fingerprint("000f1ea699ab4fca", "row_sum", "row=partial")
        '6797bf93afc93038'
    """
    material = f"{report_id}|{check}|{scope}" + (f"|{occurrence}" if occurrence > 1 else "")
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def fingerprinted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`with_fingerprints` on ``checks`` row dicts (set in place, and returned)."""
    prints = _fingerprints([(row["report_id"], row["check"], row["scope"], row.get("line")) for row in rows])
    for row, value in zip(rows, prints, strict=True):
        row["fingerprint"] = value
    return rows


def with_fingerprints(checks: pl.DataFrame) -> pl.DataFrame:
    """Set ``fingerprint`` on every row (recomputed, so older outputs get current ids)."""
    columns = ("report_id", "check", "scope", "line")
    prints = _fingerprints(list(zip(*(checks[name].to_list() for name in columns), strict=True)))
    return checks.with_columns(pl.Series("fingerprint", prints, dtype=pl.String))


def _fingerprints(findings: Sequence[tuple[Any, Any, Any, int | None]]) -> list[str]:
    """The fingerprint of each (report_id, check, scope, line): the n-th finding sharing report,
    check and scope, in line order (findings without a line last, ties in the given order), has
    occurrence n."""
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    prints = [""] * len(findings)
    for index in sorted(range(len(findings)), key=lambda i: (findings[i][3] is None, findings[i][3] or 0, i)):
        report_id, name, scope, _ = findings[index]
        key = (str(report_id), str(name), str(scope))
        seen[key] += 1
        prints[index] = fingerprint(*key, seen[key])
    return prints


def empty_reviews() -> pl.DataFrame:
    """A reviews frame with no verdicts (for tests and for running without data/reviews.csv)."""
    return pl.DataFrame(schema={name: pl.String for name in REVIEW_COLUMNS})


def read_reviews(path: str | os.PathLike | None = None) -> pl.DataFrame:
    """Read and validate a reviews CSV; a missing default file means no verdicts yet.

    Every row must name a 16-hex fingerprint once, a verdict (confirmed/dismissed), a
    reviewer and an ISO date; anything else raises :class:`ReviewsError` with file:line.
    """
    p = Path(path) if path is not None else paths.reviews_path()
    if not p.exists():
        if path is not None or paths.is_reviews_path_chosen():
            raise ReviewsError(f"{p}: no such reviews file")
        return empty_reviews()
    return _read_reviews_file(p)


# A note is a sentence or a paragraph; a cell far longer is a broken quote that swallowed rows.
MAX_NOTE_CHARS = 4000
MAX_FIELD_CHARS = 256  # every other column: a fingerprint, a verdict, a name, a date
_ENCODINGS = ("utf-8", "gb18030")


def _read_reviews_file(path: Path) -> pl.DataFrame:
    """Rows of a reviews CSV in UTF-8 (with or without the BOM Excel's "CSV UTF-8" writes) or
    GB18030/GBK (what Excel writes on a Chinese Windows); every malformed row is a ReviewsError
    at ``file:line``, never a traceback or a silently dropped verdict."""
    text = _decode_reviews(path)
    rows: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader, [])]
        repeated = sorted({name for name in header if name and header.count(name) > 1})
        if repeated:
            raise ReviewsError(f"{path}:1: column(s) {repeated} appear more than once; a verdict would be read from one of "
                               "them only")
        missing = set(REVIEW_COLUMNS) - set(header)
        if missing:
            raise ReviewsError(f"{path}:1: missing column(s) {sorted(missing)}; expected {', '.join(REVIEW_COLUMNS)}")
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if len(cells) > len(header):
                raise ReviewsError(f"{path}:{line}: {len(cells)} cells for {len(header)} columns (an unquoted comma in a note?)")
            record = dict(zip(header, cells, strict=False))
            row = {k: (record.get(k) or "").strip() for k in REVIEW_COLUMNS}
            _validate_review(row, f"{path}:{line}")
            if row["fingerprint"] in seen:
                raise ReviewsError(f"{path}:{line}: fingerprint {row['fingerprint']} already reviewed on line {seen[row['fingerprint']]}")
            seen[row["fingerprint"]] = line
            rows.append(row)
    except csv.Error as exc:  # a NUL byte, a field past csv's own limit (128 KB)
        raise ReviewsError(f"{path}:{reader.line_num}: not a CSV row ({exc})") from None
    return pl.DataFrame(rows, schema={name: pl.String for name in REVIEW_COLUMNS}) if rows else empty_reviews()


def _decode_reviews(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReviewsError(f"{path}: cannot read ({exc.strerror or exc})") from None
    raw = raw.removeprefix(codecs.BOM_UTF8)
    errors = []
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            errors.append(exc)
    error = errors[0]  # where it stops being UTF-8, the encoding to save it in
    line = raw[: error.start].count(b"\n") + 1
    raise ReviewsError(f"{path}:{line}: neither UTF-8 nor GB18030 (byte {raw[error.start:error.start + 1]!r}); save it as "
                       "CSV UTF-8") from None


def _validate_review(row: Mapping[str, str], where: str) -> None:
    if len(row["note"]) > MAX_NOTE_CHARS:
        raise ReviewsError(f"{where}: note of {len(row['note']):,} characters, over the limit MAX_NOTE_CHARS = {MAX_NOTE_CHARS:,} "
                           "(a quote left open swallows the rows after it)")
    for name in ("fingerprint", "verdict", "reviewer", "date"):
        if len(row[name]) > MAX_FIELD_CHARS:
            raise ReviewsError(f"{where}: {name} of {len(row[name]):,} characters, over the limit of {MAX_FIELD_CHARS}")
    if not _FINGERPRINT.match(row["fingerprint"]):
        raise ReviewsError(f"{where}: fingerprint must be 16 hex digits, got {row['fingerprint']!r}")
    if row["verdict"] not in VERDICTS:
        raise ReviewsError(f"{where}: verdict must be one of {', '.join(VERDICTS)}, got {row['verdict']!r}")
    if not row["reviewer"]:
        raise ReviewsError(f"{where}: reviewer is empty")
    try:
        date.fromisoformat(row["date"])
    except ValueError:
        raise ReviewsError(f"{where}: date must be YYYY-MM-DD, got {row['date']!r}") from None


def _resolve_reviews(reviews: pl.DataFrame | str | os.PathLike | None) -> pl.DataFrame:
    return reviews if isinstance(reviews, pl.DataFrame) else read_reviews(reviews)


def apply_reviews(checks: pl.DataFrame, reviews: pl.DataFrame | str | os.PathLike | None = None) -> pl.DataFrame:
    """Attach each finding's verdict and note (replacing any older ones); status never changes."""
    verdicts = _resolve_reviews(reviews).select("fingerprint", "verdict", pl.col("note").alias("review_note"))
    joined = checks.drop("verdict", "review_note", strict=False).join(verdicts, on="fingerprint", how="left",
                                                                      maintain_order="left")
    return schema.conform("checks", joined)


def stale_reviews(checks: pl.DataFrame, reviews: pl.DataFrame | str | os.PathLike | None = None) -> pl.DataFrame:
    """Verdicts whose fingerprint matches no check: the finding went away or its scope changed."""
    return _resolve_reviews(reviews).join(checks.select("fingerprint"), on="fingerprint", how="anti")


__all__ = [
    "REVIEW_COLUMNS", "VERDICTS", "ReviewsError", "apply_reviews", "empty_reviews", "fingerprint", "fingerprinted",
    "read_reviews", "stale_reviews", "with_fingerprints",
]
