"""Comparing what govdata parsed with a synthetic report's ground truth, frame by frame.

What the truth holds and how frames are matched is the generator's: :data:`govdata.synth.TRUTH_KEYS`
(key columns of every contract frame) and :func:`govdata.synth.truth_columns` (every column
but the free text no generator can know).
"""

from __future__ import annotations

import polars as pl

from govdata.synth import frame_differences, truth_differences

__all__ = ["failing_checks", "frame_differences", "truth_differences"]


def failing_checks(checks: pl.DataFrame) -> set[tuple[str, str, str]]:
    """(report_id, check, scope) of failed rules, scopes exactly as printed (fact=key@line included)."""
    failed = checks.filter(pl.col("status") == "fail")
    return {(row["report_id"], row["check"], row["scope"]) for row in failed.iter_rows(named=True)}
