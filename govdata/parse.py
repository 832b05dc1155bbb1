"""Parse stage (issue 3): report lines -> table2/table3/table4 cells and report metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from govdata import schema
from govdata.read import Document


@dataclass
class ParsedTables:
    """What the parse stage returns: the reports row, the three tables and structure findings."""

    report: dict[str, Any]
    table2: pl.DataFrame = field(default_factory=lambda: schema.empty("table2"))
    table3: pl.DataFrame = field(default_factory=lambda: schema.empty("table3"))
    table4: pl.DataFrame = field(default_factory=lambda: schema.empty("table4"))
    problems: list[dict[str, Any]] = field(default_factory=list)


def parse_tables(doc: Document) -> ParsedTables:
    """Parse the standard tables of one report."""
    return ParsedTables(report={"report_id": doc.report_id, "source": doc.source, "encoding": doc.encoding,
                                "n_lines": doc.line_count})
