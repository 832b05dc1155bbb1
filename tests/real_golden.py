"""Score govdata against values hand-read from the real reports in ``../shared/real``.

The golden files (tests/golden/real/, see its README) say what each report prints; this module
parses the reports and compares, cell by cell. A value is *right* when govdata reads exactly
what is printed (or, for a blank, ambiguous or cut cell, reads nothing); it is *wrong* when
govdata gives a value the report does not print — an invented number, the one thing a reader
must never do. Run ``python -m tests.real_golden`` for the table of shares by family.
"""

from __future__ import annotations

import csv
import math
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden" / "real"
REAL = Path(os.environ.get("GOVDATA_REAL", Path(__file__).resolve().parents[1].parent / "shared" / "real"))
# Findings that say a cell was seen but not read (so an unread cell is reported, not dropped).
UNREAD_FINDINGS = frozenset({"ambiguous_cells", "missing_cells", "extra_cells", "truncated_table", "unmapped_label",
                             "missing_table", "not_integer", "value_out_of_range"})


@dataclass(frozen=True)
class Golden:
    report: str  # "<set>/<name>"
    table: str
    key: str
    value: str
    expect: str
    unit: str
    line: int | None


@dataclass
class Score:
    right: int = 0
    total: int = 0
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.right += other.right
        self.total += other.total
        self.wrong += other.wrong
        self.missed += other.missed

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else math.nan


def report_path(report: str) -> Path:
    """The real file a golden report name stands for."""
    kind, name = report.split("/", 1)
    if kind == "excerpts":
        return REAL / "excerpts" / "cases" / f"{name}.txt"
    if kind == "pingtan":
        return REAL / "pingtan" / name / "page.html"
    matches = sorted((REAL / "complete").glob(f"{name}.*"))
    return matches[0]


@lru_cache(maxsize=1)
def families() -> dict[str, tuple[str, ...]]:
    with (GOLDEN / "families.csv").open(encoding="utf-8") as handle:
        return {row["report"]: tuple(row["families"].split(";")) for row in csv.DictReader(handle)}


def golden_rows(report: str) -> list[Golden]:
    path = GOLDEN / f"{report}.csv"
    with path.open(encoding="utf-8") as handle:
        return [Golden(report, row["table"], row["key"], row["value"], row["expect"], row.get("unit", ""),
                       int(row["line"]) if row.get("line") else None) for row in csv.DictReader(handle)]


def golden_reports() -> list[str]:
    return sorted(families())


def _same_number(parsed: float | None, printed: str) -> bool:
    if parsed is None:
        return False
    try:
        return math.isclose(float(parsed), float(printed), rel_tol=1e-9, abs_tol=1e-9)
    except ValueError:
        return False


def _cells(report) -> dict[tuple[str, str], tuple[float | None, int | None]]:
    """(table, key) -> (value, line) of every cell govdata read."""
    out: dict[tuple[str, str], tuple[float | None, int | None]] = {}
    for row in report.table2.iter_rows(named=True):
        out[("table2", f"{row['item']}/{row['measure']}")] = (row["value"], row["line"])
    for row in report.table3.iter_rows(named=True):
        out[("table3", f"{row['row']}/{row['requester']}")] = (row["value"], row["line"])
    for row in report.table4.iter_rows(named=True):
        out[("table4", f"{row['proceeding']}/{row['outcome']}")] = (row["value"], row["line"])
    for row in report.legacy.iter_rows(named=True):
        if row["indicator"] is not None:
            out[("legacy", row["indicator"])] = (row["value"], row["line"])
            out[("legacy", f"{row['indicator']}/cumulative")] = (row["cumulative"], row["line"])
    return out


def _same_agency(parsed: str | None, printed: str) -> bool:
    from govdata.normalize import label_key

    if not parsed:
        return False
    a, b = label_key(parsed), label_key(printed)
    return a == b or (min(len(a), len(b)) >= 3 and (a in b or b in a))


def _judge(gold: Golden, parsed, cells, facts, unread_scopes) -> tuple[bool, str | None]:
    """(is right, what was read instead when that is a wrong value)."""
    if gold.table == "reports":
        value = parsed.report.get(gold.key)
        if gold.expect == "absent":
            return value is None, (str(value) if value is not None and gold.key != "agency" else None)
        if gold.key == "agency":
            return _same_agency(value, gold.value), None
        return str(value) == gold.value, (str(value) if value is not None and str(value) != gold.value else None)
    if gold.table == "facts":
        values = facts.get(gold.key, [])
        return any(_same_number(v, gold.value) for v in values), None
    value, _line = cells.get((gold.table, gold.key), (None, None))
    present = (gold.table, gold.key) in cells
    if gold.expect == "value":
        if _same_number(value, gold.value):
            return True, None
        return False, (repr(value) if value is not None else None)
    if gold.expect == "blank":
        return present and value is None, (repr(value) if value is not None else None)
    # ambiguous / cut: nothing may be read
    return value is None, (repr(value) if value is not None else None)


def parse(report_name: str):
    from govdata.pipeline import parse_document
    from govdata.read import read_document

    return parse_document(read_document(report_path(report_name)))


def score_all(reports: Iterable[str] | None = None) -> dict[str, dict[str, Score]]:
    """{group -> {family -> Score}} where group is the golden table (tables, reports, facts)."""
    out: dict[str, dict[str, Score]] = defaultdict(lambda: defaultdict(Score))
    for name in reports or golden_reports():
        for group, score in _score_by_group(name, parse(name)).items():
            for family in ("all", *families().get(name, ("other",))):
                out[group][family].add(score)
    return out


def _score_by_group(name: str, parsed) -> dict[str, Score]:
    groups: dict[str, Score] = defaultdict(Score)
    cells = _cells(parsed)
    facts = defaultdict(list)
    for row in parsed.facts.iter_rows(named=True):
        facts[row["key"]].append(row["value"])
    unread = {row["scope"] for row in parsed.checks.iter_rows(named=True) if row["check"] in UNREAD_FINDINGS}
    for gold in golden_rows(name):
        group = {"table2": "tables", "table3": "tables", "table4": "tables", "legacy": "tables"}.get(gold.table, gold.table)
        score = groups[group]
        score.total += 1
        ok, wrong = _judge(gold, parsed, cells, facts, unread)
        where = f"{name}:{gold.line or ''} {gold.table} {gold.key}"
        if ok:
            score.right += 1
        elif wrong:
            score.wrong.append(f"{where}: printed {gold.value or gold.expect}, read {wrong}")
        else:
            score.missed.append(f"{where}: printed {gold.value or gold.expect}")
    return groups


def table(scores: dict[str, dict[str, Score]]) -> str:
    lines = [f"{'group':8} {'family':16} {'right':>6} {'total':>6} {'share':>7} {'wrong':>6}"]
    for group in ("tables", "reports", "facts"):
        for family, score in sorted(scores.get(group, {}).items(), key=lambda kv: (kv[0] != "all", kv[0])):
            lines.append(f"{group:8} {family:16} {score.right:6d} {score.total:6d} {score.share:7.1%} {len(score.wrong):6d}")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    verbose = any(arg.startswith("-v") for arg in sys.argv)
    scores = score_all()
    print(table(scores))
    if verbose:
        for group in ("tables", "reports", "facts"):
            for line in scores[group]["all"].wrong:
                print("WRONG", line)
        if "-vv" in sys.argv:
            for group in ("tables", "reports", "facts"):
                for line in scores[group]["all"].missed:
                    print("MISSED", line)
