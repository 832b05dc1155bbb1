"""Harmonize stage (issue 4): one ``outcomes`` series across the legacy, 2019 and 2021 templates.

Why: trend research needs "how did requests end" for every year, but the 2019 Regulations
changed the form. 2019/2021 reports print 表三 with sub-rows per group; pre-2019 reports print a
附表 with four answer types and, in prose, up to nine. This module files every report's numbers
under the seven outcome groups of the 2019 form (granted, partial, withheld, unable,
not_processed, other, total), says where each value came from (``source``, ``line``, ``note``)
and flags the values whose definition is not the 2019 one (``is_definition_changed``).

Which legacy category goes to which group is data: ``govdata/data/outcome_crosswalk.csv``;
docs/harmonization.md explains every mapping and the rule when 附表 and prose disagree.

Example:
    >>> from govdata import schema
    >>> from govdata.model import Report
    >>> t3 = schema.frame("table3", [
    ...     {"report_id": "r", "row": "granted", "requester": "total", "value": 5, "line": 9},
    ...     {"report_id": "r", "row": "total", "requester": "total", "value": 5, "line": 20}])
    >>> report = Report(report={"report_id": "r", "agency_id": "a", "year": 2020, "template": "2019"}, table3=t3)
    >>> report_outcomes(report).select("outcome", "value", "source").rows()
    [('granted', 5, 'table3'), ('total', 5, 'table3')]
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import polars as pl

from govdata import fact_keys, form, schema
from govdata.model import Report

# The seven entries (一)…(七) of 本年度办理结果 (govdata/data/form.csv).
OUTCOMES: tuple[str, ...] = form.outcome_keys()

_OUTCOME_FACT_PREFIX = "outcome."


@dataclass(frozen=True)
class Mapping:
    """One row of outcome_crosswalk.csv: which legacy categories make an outcome group."""

    outcome: str
    source: str  # facts (prose answer types) or legacy (附表 indicators)
    inputs: tuple[str, ...]
    is_definition_changed: bool
    notes: str
    notes_zh: str = ""  # the same choice in Chinese, as briefings state it next to the number


@dataclass(frozen=True)
class Stated:
    """A number a report states for one category, and the line it stands on."""

    value: float
    line: int | None


@lru_cache(maxsize=1)
def crosswalk() -> tuple[Mapping, ...]:
    """The rows of govdata/data/outcome_crosswalk.csv."""
    return tuple(
        Mapping(row["outcome"], row["source"], tuple(row["inputs"].split("|")), row["is_definition_changed"] == "true", row["notes"],
                row.get("notes_zh", ""))
        for row in _read_csv("outcome_crosswalk.csv")
    )


legacy_fact_map = fact_keys.legacy_fact_map
"""附表 indicator -> the fact keys whose sum states the same number in prose (like for like; govdata/data/fact_keys.csv)."""


def _read_csv(name: str) -> list[dict[str, str]]:
    with resources.files("govdata").joinpath(f"data/{name}").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def report_outcomes(report: Report) -> pl.DataFrame:
    """The harmonized outcome counts of one report (see docs/harmonization.md)."""
    return schema.frame("outcomes", outcome_rows(report.report, report.table3.to_dicts(), report.legacy.to_dicts(),
                                                 report.facts.to_dicts()))


Rows = schema.Rows


def outcome_rows(report: dict[str, Any], table3: Rows, legacy: Rows, facts: Rows) -> list[dict[str, Any]]:
    """:func:`report_outcomes` on row dicts (what the pipeline holds before it builds frames)."""
    template = report.get("template")
    if template in ("2019", "2021") or (template is None and table3):
        rows = table3_outcomes(table3)
    elif template == "legacy" or (template is None and (legacy or facts)):
        rows = legacy_outcomes(legacy, facts)
    else:
        rows = []
    identity = {"report_id": report.get("report_id"), "agency_id": report.get("agency_id"),
                "year": report.get("year"), "template": template}
    return [{**identity, **row} for row in rows]


def _as_rows(frame: pl.DataFrame | Rows) -> Rows:
    return frame.to_dicts() if isinstance(frame, pl.DataFrame) else frame


# --- 2019 and 2021 templates: sums of 表三 groups in the 总计 column --------------------------


def table3_outcomes(table3: pl.DataFrame | Rows) -> list[dict[str, Any]]:
    """Group values of 表三, each the sum of its sub-rows in the 总计 column.

    A blank cell adds nothing; a group whose every cell is blank has a null value (the report
    printed the rows but no number). A group with no rows at all is left out.
    """
    total_column = [row for row in _as_rows(table3) if row["requester"] == "total"]
    rows = []
    for outcome in OUTCOMES:
        parts = _group_rows(total_column, outcome)
        if not parts:
            continue
        values = [part["value"] for part in parts if part["value"] is not None]
        lines = [part["line"] for part in parts if part["line"] is not None]
        rows.append({
            "outcome": outcome,
            "value": _as_count(sum(values)) if values else None,
            "source": "table3",
            "is_definition_changed": False,
            "has_conflict": False,
            "line": min(lines) if lines else None,
            "note": _table3_note(parts),
        })
    return rows


def _group_rows(total_column: Rows, outcome: str) -> Rows:
    """The 总计-column rows of an outcome: its own row, else the rows of its group.

    ``other`` is one row in the 2019 form and a group of three sub-rows in the 2021 form; the
    row wins when a report prints it.
    """
    rows = form.outcome_rows(outcome)
    own = [row for row in total_column if row["row"] == outcome and outcome in rows]
    if own:
        return own
    group = set(form.rows_of_group(outcome))
    return [row for row in total_column if row["row"] in group]


# Notes are read on the briefings and in exports, so they are Chinese and name rows by their
# form labels (govdata/data/form.csv), categories by their fact-key labels (fact_keys.csv).
def _row_label(row: str) -> str:
    return form.short_label_zh("table3", "row", row) if form.is_key("table3", "row", row) else row


def _table3_note(parts: Rows) -> str:
    if len(parts) == 1:
        return f"表三“{_row_label(parts[0]['row'])}”行，总计列"
    blanks = sum(1 for part in parts if part["value"] is None)
    blank_note = f"，其中{blanks}行空白" if blanks else ""
    return f"表三{len(parts)}行之和（{'、'.join(_row_label(part['row']) for part in parts)}{blank_note}），总计列"


# --- legacy reports: 附表 and prose through the crosswalk --------------------------------------


def legacy_outcomes(legacy: pl.DataFrame | Rows, facts: pl.DataFrame | Rows) -> list[dict[str, Any]]:
    """Outcome groups of a pre-2019 report from its 附表 and its prose.

    The rule (docs/harmonization.md): every group of one report comes from one source, so the
    groups add up to the total. The prose is used when it states a complete breakdown (its
    answer types add up to the report's total) because only the prose splits answers finely
    enough to rebuild the 2019 groups; otherwise the 附表. The total is the 附表's 对申请的答复总数
    whenever printed. Where the two sources print different numbers for the same category,
    ``has_conflict`` is set and ``note`` gives both; the legacy and facts frames keep both.
    """
    facts = _as_rows(facts)
    table = _legacy_values(_as_rows(legacy))
    prose, ambiguous = _prose_values(facts)
    printed_total = table.get("responses_total")
    reference = printed_total or _unique(facts, "requests.received")
    prose_sum = sum(stated.value for stated in prose.values())
    is_complete = bool(prose) and reference is not None and prose_sum == reference.value
    if prose and (is_complete or not table):
        # The prose's own sum is a total only when it is complete and nothing better is printed.
        rows = _mapped_rows("facts", prose, skip_total=printed_total is not None or not is_complete)
        if printed_total is not None:
            rows += _mapped_rows("legacy", table, only=("total",))
    elif table:
        rows = _mapped_rows("legacy", table)
    else:
        rows = []
    reason = _source_reason(prose, ambiguous, is_complete, prose_sum, reference)
    for row in rows:
        row["has_conflict"], conflict = _conflict(row["outcome"], table, prose)
        row["note"] = "；".join(part for part in (row["note"], reason if row["outcome"] != "total" else "", conflict) if part)
    return sorted(rows, key=lambda row: OUTCOMES.index(row["outcome"]))


def _legacy_values(legacy: Rows) -> dict[str, Stated]:
    """附表 this-year values by indicator (first row wins; unknown labels are left out)."""
    values: dict[str, Stated] = {}
    for row in legacy:
        if row["indicator"] is not None and row["value"] is not None:
            values.setdefault(row["indicator"], Stated(row["value"], row["line"]))
    return values


def _prose_values(facts: Rows) -> tuple[dict[str, Stated], list[str]]:
    """The prose's answer types (outcome.* facts); a type stated twice with different numbers is ambiguous.

    An ambiguous prose is not used at all: picking one of its numbers would be a guess.
    """
    by_key: dict[str, list[dict[str, Any]]] = {}
    for fact in facts:
        if fact["key"] is not None and fact["key"].startswith(_OUTCOME_FACT_PREFIX):
            by_key.setdefault(fact["key"], []).append(fact)
    values: dict[str, Stated] = {}
    ambiguous: list[str] = []
    for key, stated in by_key.items():
        if len({fact["value"] for fact in stated}) > 1:
            ambiguous.append(key)
        else:
            values[key] = Stated(stated[0]["value"], _min_line(stated))
    return ({} if ambiguous else values), ambiguous


def _min_line(rows: Rows) -> int | None:
    return min((row["line"] for row in rows if row["line"] is not None), default=None)


def _unique(facts: Rows, key: str) -> Stated | None:
    """The one number the prose states for ``key``, or None when it states none or several."""
    stated = [fact for fact in facts if fact["key"] == key]
    if not stated or len({fact["value"] for fact in stated}) > 1:
        return None
    return Stated(stated[0]["value"], _min_line(stated))


def _mapped_rows(source: str, values: dict[str, Stated], *, only: Iterable[str] = OUTCOMES, skip_total: bool = False) -> list[dict]:
    """Apply the crosswalk rows of one source to the values that source states."""
    rows = []
    for mapping in crosswalk():
        if mapping.source != source or mapping.outcome not in only or (skip_total and mapping.outcome == "total"):
            continue
        parts = [(name, values[name]) for name in mapping.inputs if name in values]
        if not parts:
            continue
        rows.append({
            "outcome": mapping.outcome,
            "value": _as_count(sum(stated.value for _, stated in parts)),
            "source": source,
            "is_definition_changed": mapping.is_definition_changed,
            "line": min((stated.line for _, stated in parts if stated.line is not None), default=None),
            "note": _parts_note(source, parts),
        })
    return rows


# outcomes.value is Int64: a sum past it (sub-rows of 19 digits each, cells run together) has no value
_MAX_COUNT = 2**63 - 1


def _as_count(value: float) -> int | None:
    """A whole number that fits Int64, else None (a fraction, or a sum too large to be a count)."""
    if isinstance(value, int):
        return value if abs(value) <= _MAX_COUNT else None
    return int(value) if math.isfinite(value) and float(value).is_integer() and abs(value) <= _MAX_COUNT else None


def _category_label(name: str) -> str:
    """The Chinese label of a 附表 indicator or a prose fact key."""
    if form.is_key("legacy", "indicator", name):
        return form.label_zh("legacy", "indicator", name)
    return fact_keys.label_zh(name)


def _parts_note(source: str, parts: list[tuple[str, Stated]]) -> str:
    where = "附表" if source == "legacy" else "正文"
    return f"{where}：" + " + ".join(f"“{_category_label(name)}” {_fmt(stated.value)}（第{stated.line}行）" for name, stated in parts)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _source_reason(prose: dict[str, Stated], ambiguous: list[str], is_complete: bool, prose_sum: float,
                   reference: Stated | None) -> str:
    """Why the groups came from the source they came from, in words."""
    if ambiguous:
        return f"未采用正文：{'、'.join('“' + _category_label(key) + '”' for key in ambiguous)}在正文中出现不同的数字"
    if not prose:
        return ""
    if is_complete:
        return f"采用正文：正文各答复类型之和等于总数 {_fmt(reference.value)}"
    if reference is None:
        return "正文各答复类型无法与所印总数核对"
    return f"正文各答复类型之和为 {_fmt(prose_sum)}，不等于总数 {_fmt(reference.value)}，故采用附表"


def _conflict(outcome: str, table: dict[str, Stated], prose: dict[str, Stated]) -> tuple[bool, str]:
    """Do the 附表 and the prose print different numbers for a category feeding ``outcome``?

    Compared like for like (legacy_fact_map.csv): 不予公开答复数 with the prose's 不予公开,
    其他类型答复数 with the sum of the prose's other answer types, and so on.
    """
    messages = []
    for mapping in crosswalk():
        if mapping.source != "legacy" or mapping.outcome != outcome:
            continue
        for indicator in mapping.inputs:
            in_table = table.get(indicator)
            in_prose = [prose[key] for key in legacy_fact_map().get(indicator, ()) if key in prose]
            if in_table is None or not in_prose:
                continue
            prose_value = sum(stated.value for stated in in_prose)
            if prose_value != in_table.value:
                lines = "、".join(str(stated.line) for stated in in_prose)
                messages.append(f"附表“{_category_label(indicator)}” {_fmt(in_table.value)}（第{in_table.line}行）与正文 "
                                f"{_fmt(prose_value)}（第{lines}行）不同")
    return bool(messages), "；".join(messages)
