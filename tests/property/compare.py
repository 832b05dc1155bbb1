"""Comparing what govdata parsed with a synthetic report's ground truth, frame by frame."""

from __future__ import annotations

import re

import polars as pl

# Key columns of each frame: the cells are compared after sorting by them.
FRAME_KEYS = {
    "table2": ("report_id", "item", "measure"),
    "table3": ("report_id", "row", "requester"),
    "table4": ("report_id", "proceeding", "outcome"),
    "legacy": ("report_id", "indicator"),
}
REPORT_COLUMNS = ("report_id", "agency", "agency_id", "level", "parent", "year", "template", "layout", "encoding")
_LINE_IN_SCOPE = re.compile(r"@\d+")


def frame_differences(got: pl.DataFrame, want: pl.DataFrame, keys: tuple[str, ...]) -> list[dict]:
    """Rows that differ (missing on either side, or any column unequal), as dicts for a readable failure."""
    got, want = got.sort(keys), want.sort(keys)
    if got.equals(want):
        return []
    joined = got.join(want, on=list(keys), how="full", suffix="_want", nulls_equal=True, coalesce=True)
    columns = [c for c in want.columns if c not in keys]
    return joined.filter(pl.any_horizontal([~pl.col(c).eq_missing(pl.col(f"{c}_want")) for c in columns])).to_dicts()


def failing_checks(checks: pl.DataFrame) -> set[tuple[str, str, str]]:
    """(report_id, check, scope) of failed rules, the line dropped from fact scopes (fact=key@12 -> fact=key)."""
    failed = checks.filter(pl.col("status") == "fail")
    return {(row["report_id"], row["check"], _LINE_IN_SCOPE.sub("", row["scope"] or "")) for row in failed.iter_rows(named=True)}
