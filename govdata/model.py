"""The two objects researchers hold: one parsed :class:`Report`, and a :class:`Corpus` of them.

Both expose the contract's frames as attributes (``report.table3``, ``corpus.checks``), so
notebook code reads the same on one report or on thousands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import polars as pl

from govdata import schema

TABLE_FRAMES: tuple[str, ...] = ("table2", "table3", "table4", "legacy", "facts", "checks", "outcomes")


@dataclass
class Report:
    """One report parsed into the contract's frames.

    ``report`` is the one ``reports`` row as a dict; every other attribute is a Polars frame.
    """

    report: dict[str, Any]
    table2: pl.DataFrame = field(default_factory=lambda: schema.empty("table2"))
    table3: pl.DataFrame = field(default_factory=lambda: schema.empty("table3"))
    table4: pl.DataFrame = field(default_factory=lambda: schema.empty("table4"))
    legacy: pl.DataFrame = field(default_factory=lambda: schema.empty("legacy"))
    facts: pl.DataFrame = field(default_factory=lambda: schema.empty("facts"))
    checks: pl.DataFrame = field(default_factory=lambda: schema.empty("checks"))
    outcomes: pl.DataFrame = field(default_factory=lambda: schema.empty("outcomes"))

    @property
    def report_id(self) -> str:
        return self.report["report_id"]

    @property
    def reports(self) -> pl.DataFrame:
        """The one-row ``reports`` frame."""
        return schema.frame("reports", [self.report])

    def frames(self) -> dict[str, pl.DataFrame]:
        """Every frame by contract name, ``reports`` first."""
        return {"reports": self.reports, **{name: getattr(self, name) for name in TABLE_FRAMES}}

    def to_json_dict(self) -> dict[str, Any]:
        """The object ``govdata extract --format json`` prints (see the data contract)."""
        out: dict[str, Any] = {"report": self.reports.to_dicts()[0]}
        for name in TABLE_FRAMES:
            out[name] = getattr(self, name).to_dicts()
        return out


@dataclass(frozen=True)
class Failure:
    """A file that gave no report: which file, where, why, and what kind of failure it is.

    ``kind`` is ``failed`` (it could not be read or parsed), ``skipped`` (a path under the input
    folders that is not a file to read: a dangling link, a symlink loop, an unreadable folder, a
    FIFO or device) or ``duplicate`` (the same bytes as another file, whose report is stored
    once; ``reason`` names that file). Nothing is ever left out without one of these.
    """

    source: str
    reason: str
    line: int | None = None
    kind: str = "failed"

    FAILED: ClassVar[str] = "failed"
    SKIPPED: ClassVar[str] = "skipped"
    DUPLICATE: ClassVar[str] = "duplicate"

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


@dataclass
class Corpus:
    """Many reports: each contract frame concatenated, plus the files that failed."""

    reports: pl.DataFrame = field(default_factory=lambda: schema.empty("reports"))
    table2: pl.DataFrame = field(default_factory=lambda: schema.empty("table2"))
    table3: pl.DataFrame = field(default_factory=lambda: schema.empty("table3"))
    table4: pl.DataFrame = field(default_factory=lambda: schema.empty("table4"))
    legacy: pl.DataFrame = field(default_factory=lambda: schema.empty("legacy"))
    facts: pl.DataFrame = field(default_factory=lambda: schema.empty("facts"))
    checks: pl.DataFrame = field(default_factory=lambda: schema.empty("checks"))
    outcomes: pl.DataFrame = field(default_factory=lambda: schema.empty("outcomes"))
    failures: list[Failure] = field(default_factory=list)

    @classmethod
    def from_reports(cls, reports: list[Report], failures: list[Failure] | None = None) -> Corpus:
        """Concatenate per-report frames (types come from the schema, never guessed)."""
        frames = {name: [getattr(r, name) for r in reports] for name in TABLE_FRAMES}
        return cls(
            reports=schema.frame("reports", [r.report for r in reports]),
            **{name: _concat(name, parts) for name, parts in frames.items()},
            failures=list(failures or []),
        )

    def frames(self) -> dict[str, pl.DataFrame]:
        """Every frame by contract name."""
        return {name: getattr(self, name) for name in schema.FRAME_NAMES}


def _concat(frame_name: str, parts: list[pl.DataFrame]) -> pl.DataFrame:
    parts = [schema.conform(frame_name, part) for part in parts if part.height]
    if not parts:
        return schema.empty(frame_name)
    return pl.concat(parts, how="vertical")
