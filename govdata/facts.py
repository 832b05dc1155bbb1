"""Facts stage (issue 4): numbers stated in a report's narrative -> the ``facts`` frame."""

from __future__ import annotations

import polars as pl

from govdata import schema
from govdata.read import Document


def extract_facts(doc: Document) -> pl.DataFrame:
    """Numbers the prose states (requests received, outcomes by type, …) as ``facts`` rows."""
    return schema.empty("facts")
