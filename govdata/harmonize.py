"""Harmonize stage (issue 4): one ``outcomes`` series across the legacy, 2019 and 2021 templates."""

from __future__ import annotations

import polars as pl

from govdata import schema
from govdata.model import Report


def report_outcomes(report: Report) -> pl.DataFrame:
    """The harmonized outcome counts of one report."""
    return schema.empty("outcomes")
