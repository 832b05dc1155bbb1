"""One definition per column: the frames govdata produces, their columns, types and meanings.

Why this module exists: researchers code against these names (see docs/schema.md and the
data contract), so every frame is built through :func:`frame` here and nowhere else. A
column that is not declared here cannot appear in an output frame, and the docs test
compares this table with docs/schema.md so the two cannot drift.

Columns marked ``contract=True`` are fixed by the public data contract: never renamed or
dropped. Others are extensions; they may be added, never silently repurposed.

Example:
    >>> from govdata.schema import frame
    >>> frame("table4", [{"report_id": "ab", "proceeding": "review", "outcome": "total",
    ...                   "value": 3, "raw": "3", "line": 9}]).shape
    (1, 6)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from govdata import form


@dataclass(frozen=True)
class Column:
    """A column of an output frame: its name, Polars type, meaning, and contract status."""

    name: str
    dtype: pl.DataType | type[pl.DataType]
    description: str
    contract: bool = True


def _c(name: str, dtype, description: str, contract: bool = True) -> Column:
    return Column(name, dtype, description, contract)


REPORT_ID = _c("report_id", pl.String, "first 16 hex digits of sha256 of the report's raw bytes")
LINE = _c("line", pl.Int64, "1-based line in the report's decoded text where the value (or its row) stands")
# columns the outcomes and the derived panel share, described once
AGENCY_ID = _c("agency_id", pl.String, "canonical agency key")
YEAR = _c("year", pl.Int64, "statistics year")
TEMPLATE = _c("template", pl.String, "legacy, 2019 or 2021")
RAW = _c("raw", pl.String, "the cell exactly as printed (after trimming), kept so blanks and placeholders stay visible", False)


# Column descriptions name the form's keys as govdata/data/form.csv has them (govdata.form).
def _examples(keys: Sequence[str], *positions: int) -> str:
    """A few keys as examples: ``_examples(("a", "b", "c", "d"), 0, 2)`` -> "a, c, …"; a last position -1 ends the list."""
    if positions and positions[-1] == -1:
        return ", ".join(keys[p] for p in positions[:-1]) + f", …, {keys[-1]}"
    return ", ".join(keys[p] for p in positions) + ", …"


def _every(keys: Sequence[str]) -> str:
    """Every key: "a, b or c"."""
    return f"{', '.join(keys[:-1])} or {keys[-1]}"

FRAMES: dict[str, tuple[Column, ...]] = {
    "reports": (
        REPORT_ID,
        _c("source", pl.String, "file path as given, relative where possible"),
        _c("agency", pl.String, "reporting agency as the report names it, cleaned"),
        _c("agency_id", pl.String, "canonical agency key from data/agencies.csv (aliases map to one id)"),
        _c("level", pl.String, "province / prefecture / county / township / zone / department / unknown"),
        _c("parent", pl.String, "agency_id of the unit it belongs to, when known"),
        _c("year", pl.Int64, "statistics year (统计期限), not publication year"),
        _c("template", pl.String, "legacy, 2019 (国办公开办函〔2019〕60号) or 2021 (〔2021〕30号)"),
        _c("layout", pl.String, "tabbed, cell_per_line, pipe, html, docx, pdf or none"),
        _c("encoding", pl.String, "text encoding the raw bytes were decoded with", False),
        _c("agency_line", pl.Int64, "line the agency name was read from", False),
        _c("year_line", pl.Int64, "line the statistics year was read from", False),
        _c("n_lines", pl.Int64, "number of lines in the decoded text", False),
    ),
    "table2": (
        REPORT_ID,
        _c("item", pl.String, f"canonical 第二十条 item key ({_examples(form.table2_items(), 0, 2)})"),
        _c("item_zh", pl.String, "canonical Chinese label of the item"),
        _c("measure", pl.String, f"canonical measure key ({_examples(form.keys('table2', 'measure'), 0, 5, 8)})"),
        _c("measure_zh", pl.String, "canonical Chinese label of the measure"),
        _c("value", pl.Float64, "the printed number; null when blank or a placeholder"),
        _c("unit", pl.String, "件, 条, 元, 万元 or null"),
        RAW,
        LINE,
    ),
    "table3": (
        REPORT_ID,
        _c("row", pl.String, f"canonical row key ({_examples(form.table3_rows(), 0, 2, 4)})"),
        _c("row_zh", pl.String, "canonical Chinese label of the row"),
        _c("requester", pl.String, f"requester column key ({_examples(form.requesters(), 0, 1, -1)})"),
        _c("value", pl.Int64, "the printed count; null when blank or a placeholder"),
        RAW,
        LINE,
    ),
    "table4": (
        REPORT_ID,
        _c("proceeding", pl.String, _every(form.proceedings())),
        _c("outcome", pl.String, _every(form.t4_outcomes())),
        _c("value", pl.Int64, "the printed count; null when blank or a placeholder"),
        RAW,
        LINE,
    ),
    "legacy": (
        REPORT_ID,
        _c("indicator", pl.String, f"canonical 附表 indicator key ({_examples(form.legacy_indicators(), 3, 8)})"),
        _c("indicator_zh", pl.String, "canonical Chinese label of the indicator"),
        _c("unit", pl.String, "unit as printed (条, 件)"),
        _c("value", pl.Float64, "this year's value; null when blank"),
        _c("cumulative", pl.Float64, "历史累计 value; null when blank or absent"),
        LINE,
        _c("label", pl.String, "the indicator label as printed; indicator is null when labels.csv does not know it", False),
    ),
    "facts": (
        REPORT_ID,
        _c("key", pl.String, "fact key, e.g. requests.received, outcome.granted (docs/facts.md)"),
        _c("value", pl.Float64, "the number stated in the prose"),
        _c("unit", pl.String, "unit as printed (件, 条, …) or null"),
        _c("share", pl.Float64, "percentage printed next to the number, or null"),
        LINE,
        _c("snippet", pl.String, "the sentence the number came from"),
        _c("cue", pl.String, "the phrase of govdata/data/fact_patterns.csv that gave the key (see docs/facts.md)", False),
        _c("share_raw", pl.String, "the percentage as printed, digits only (\"5.90\" keeps the decimals that share loses)", False),
    ),
    "checks": (
        REPORT_ID,
        _c("check", pl.String, "rule key (identity, row_sum, column_sum, …)"),
        _c("scope", pl.String, f"what the rule was applied to, e.g. column={form.requesters()[0]} or row={form.table3_rows()[2]}"),
        _c("expected", pl.Float64, "value the rule expects"),
        _c("actual", pl.Float64, "value the report prints"),
        _c("status", pl.String, "pass, fail or not_assessable"),
        _c("severity", pl.String, "error or warning"),
        _c("line", pl.Int64, "line of the value the finding points at (null when not tied to a line)"),
        _c("message", pl.String, "a sentence a researcher understands, with Chinese labels"),
        _c("fingerprint", pl.String, "16 hex digits of sha256 of report_id, check and scope: stable across re-ingests, "
           "the key of data/reviews.csv", False),
        _c("verdict", pl.String, "a reviewer's verdict from data/reviews.csv: confirmed, dismissed, or null when unreviewed", False),
        _c("review_note", pl.String, "the reviewer's note from data/reviews.csv, or null", False),
    ),
    "outcomes": (
        REPORT_ID,
        AGENCY_ID,
        YEAR,
        TEMPLATE,
        _c("outcome", pl.String, _every(form.outcome_keys())),
        _c("value", pl.Int64, "number of requests that ended this way"),
        _c("source", pl.String, "table3, legacy or facts"),
        _c("is_definition_changed", pl.Boolean,
           "true when the value's definition differs from the 2019+ 表三 group it is filed under (docs/harmonization.md)", False),
        _c("has_conflict", pl.Boolean,
           "legacy reports only: true when the 附表 and the prose print different numbers for a category feeding this outcome", False),
        _c("line", pl.Int64, "line of the printed value; for a sum, the line of its first part", False),
        _c("note", pl.String, "how the value was derived (rows summed, crosswalk used) and, when has_conflict, both numbers", False),
    ),
}

FRAME_NAMES: tuple[str, ...] = tuple(FRAMES)

# Frames derived from the stored ones (never stored by the ingest; computed the same way for the
# notebooks and for `govdata export`): declared here so their columns are defined once too.
DERIVED_FRAMES: dict[str, tuple[Column, ...]] = {
    "panel": (
        AGENCY_ID,
        _c("agency_name", pl.String, "the agency's Chinese name (as its latest report prints it)"),
        _c("level", pl.String, "province / prefecture / county / township / zone / department / unknown"),
        YEAR,
        REPORT_ID,
        _c("source_file", pl.String, "the report file the numbers were read from (reports.source)"),
        TEMPLATE,
        _c("metric", pl.String, "share metric key (share_withheld, share_denied_broad, …; docs/briefings.md)"),
        _c("metric_zh", pl.String, "the metric's Chinese name"),
        _c("numerator", pl.Int64, "requests counted in the numerator (outcome keys named by the metric)"),
        _c("denominator", pl.Int64, "requests handled (办理结果总计)"),
        _c("share", pl.Float64, "numerator ÷ denominator; null below min_n, when the denominator is 0 or an outcome is unknown"),
        _c("ci_low", pl.Float64, "Wilson 95% interval, lower bound (null with share)"),
        _c("ci_high", pl.Float64, "Wilson 95% interval, upper bound (null with share)"),
        _c("min_n", pl.Int64, "the minimum number of handled requests a share is given for"),
        _c("is_below_min_n", pl.Boolean, "true when the denominator is below min_n (share left null)"),
        _c("is_definition_changed", pl.Boolean, "true when an outcome the metric uses was filed under a changed definition (legacy years)"),
        _c("input_status", pl.String, "fail, warning, pass, not_assessable or unchecked: the report's accounting checks"),
        _c("input_status_zh", pl.String, "input_status in Chinese"),
        _c("failed_checks", pl.String, "check keys that failed, comma-separated"),
        _c("failed_checks_zh", pl.String, "the failed checks' Chinese labels"),
        _c("is_input_failed", pl.Boolean, "true when an error-severity check failed"),
    ),
}


def derived_schema(frame_name: str) -> dict[str, Any]:
    """The Polars schema of a derived frame (:data:`DERIVED_FRAMES`)."""
    return {column.name: column.dtype for column in DERIVED_FRAMES[frame_name]}


def all_frames() -> dict[str, tuple[Column, ...]]:
    """Stored and derived frames, for the docs and the export's codebook."""
    return {**FRAMES, **DERIVED_FRAMES}


def columns(frame_name: str) -> list[str]:
    """Column names of a frame, in contract order."""
    return [column.name for column in FRAMES[frame_name]]


# A frame's rows as dicts (what the stages hold before the pipeline builds a batch's frames).
Rows = Sequence[Mapping[str, Any]]


def polars_schema(frame_name: str) -> dict[str, Any]:
    """The Polars schema (name -> dtype) of a frame."""
    return {column.name: column.dtype for column in FRAMES[frame_name]}


def empty(frame_name: str) -> pl.DataFrame:
    """An empty frame with the right columns and types (so concatenation never guesses)."""
    return pl.DataFrame(schema=polars_schema(frame_name))


def frame(frame_name: str, rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """Build a frame from row dicts; unknown keys raise, missing keys become null.

    Raising on an unknown key is deliberate: a column that is not declared here would
    reach researchers undocumented.
    """
    rows = list(rows)
    known = set(columns(frame_name))
    for row in rows:
        extra = set(row) - known
        if extra:
            raise KeyError(f"{frame_name}: undeclared column(s) {sorted(extra)}; declare them in govdata/schema.py")
    if not rows:
        return empty(frame_name)
    return pl.DataFrame(rows, schema=polars_schema(frame_name), strict=False)


def conform(frame_name: str, df: pl.DataFrame) -> pl.DataFrame:
    """Select and cast a frame to its declared columns and order (missing columns become null)."""
    schema = polars_schema(frame_name)
    extra = set(df.columns) - set(schema)
    if extra:
        raise KeyError(f"{frame_name}: undeclared column(s) {sorted(extra)}; declare them in govdata/schema.py")
    return df.select(
        [
            pl.col(name).cast(dtype) if name in df.columns else pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in schema.items()
        ]
    )


def markdown_tables() -> str:
    """The column tables of docs/schema.md, generated from :data:`FRAMES` (``make docs``)."""
    out: list[str] = []
    for name, cols in all_frames().items():
        out.append(f"### {name}{' (derived: views.panel, govdata export)' if name in DERIVED_FRAMES else ''}\n")
        out.append("| column | type | contract | meaning |")
        out.append("|---|---|---|---|")
        for column in cols:
            dtype = column.dtype if isinstance(column.dtype, type) else type(column.dtype)
            out.append(f"| {column.name} | {dtype.__name__} | {'yes' if column.contract else 'extension'} | {column.description} |")
        out.append("")
    return "\n".join(out)


GENERATED_BEGIN = "<!-- BEGIN GENERATED: python -m govdata.schema -->"
GENERATED_END = "<!-- END GENERATED -->"


def update_schema_doc(path: str = "docs/schema.md") -> bool:
    """Rewrite the generated part of docs/schema.md; returns True when it changed."""
    from pathlib import Path

    doc = Path(path)
    text = doc.read_text(encoding="utf-8")
    head, rest = text.split(GENERATED_BEGIN, 1)
    _, tail = rest.split(GENERATED_END, 1)
    new = f"{head}{GENERATED_BEGIN}\n{markdown_tables()}{GENERATED_END}{tail}"
    if new != text:
        doc.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    import sys

    changed = update_schema_doc(sys.argv[1] if len(sys.argv) > 1 else "docs/schema.md")
    print("docs/schema.md updated" if changed else "docs/schema.md already up to date")
