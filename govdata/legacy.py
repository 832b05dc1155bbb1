"""Legacy stage (issue 4): the 附表 indicator table of pre-2019 reports -> the ``legacy`` frame."""

from __future__ import annotations

import polars as pl

from govdata import schema
from govdata.read import Document


def parse_legacy(doc: Document) -> pl.DataFrame:
    """The 附表 (指标名称 | 单位 | 年份 | 历史累计) of a pre-2019 report as ``legacy`` rows."""
    return schema.empty("legacy")
