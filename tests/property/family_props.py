"""What a parse of a layout-family copy must satisfy against what a careful reader can know (govdata.synth_layouts).

(a) no invented value: every number read in 表二/表三/表四 equals the truth of a printed cell;
(b) every printed cell not read is reported by a finding on its row or its table;
(c) every cell a careful reader must read is read, exactly (value and line);
(d) the report's year and template are right wherever the copy keeps them (and a year is never invented).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from govdata import form, parse_report, synth_layouts

_FRAME_KEYS = {"table2": ("item", "measure"), "table3": ("row", "requester"), "table4": ("proceeding", "outcome")}


def parse(report: synth_layouts.FamilyReport):
    """Parse the report's bytes from a file, as a user would."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(report.name).name
        path.write_bytes(report.data)
        return parse_report(path=path, source=report.name)


def parsed_cells(parsed) -> dict[tuple[str, str, str], tuple[float | None, int]]:
    """(table, row, column) -> (value, line) of every cell the parser returned."""
    out = {}
    for table, (a, b) in _FRAME_KEYS.items():
        for row in getattr(parsed, table).iter_rows(named=True):
            value = row["value"]
            out[(table, row[a], row[b])] = (None if value is None else float(value), row["line"])
    return out


def _scopes(table: str, row: str) -> set[str]:
    scopes = {f"table={table}"}
    if table == "table2":
        scopes |= {f"item={row}", f"block={form.block_of_item(row)}"}
    elif table == "table3":
        scopes.add(f"row={row}")
    return scopes


def violations(report: synth_layouts.FamilyReport, parsed=None) -> list[str]:
    """Every way the parse breaks (a)–(d); empty when it keeps them all."""
    parsed = parsed if parsed is not None else parse(report)
    got = parsed_cells(parsed)
    truth = {cell.key: cell for cell in report.cells}
    findings = {row["scope"] for row in parsed.checks.iter_rows(named=True)
                if row["check"] in synth_layouts.UNREAD_FINDINGS and row["status"] == "fail" and row["scope"]}
    out = []
    for key, (value, line) in sorted(got.items()):
        if value is None:
            continue
        cell = truth.get(key)
        if cell is None:
            out.append(f"(a) invented: {key} = {value} (line {line}) is not a printed cell")
        elif cell.value != value:
            out.append(f"(a) wrong: {key} = {value} (line {line}), printed {cell.value} (line {cell.line})")
    for key, cell in sorted(truth.items()):
        value, line = got.get(key, (None, None))
        is_read = key in got and (value is not None or cell.value is None)
        # A blank cell has no text to point at: its line is the row's, or a bar's next to it.
        if cell.is_must_read and (not is_read or value != cell.value or (line != cell.line and cell.value is not None)):
            out.append(f"(c) must read: {key} = {cell.value} (line {cell.line}), got {got.get(key)}")
        elif not is_read and not (_scopes(key[0], key[1]) & findings):
            out.append(f"(b) unread without a finding: {key} = {cell.value} (line {cell.line})")
    [reports] = parsed.reports.iter_rows(named=True)
    if report.keeps_year and reports["year"] != report.figures.year:
        out.append(f"(d) year {reports['year']}, printed {report.figures.year}")
    elif reports["year"] is not None and reports["year"] != report.figures.year:
        out.append(f"(d) invented year {reports['year']} (the copy does not print {report.figures.year})")
    if report.keeps_template and reports["template"] != report.figures.template:
        out.append(f"(d) template {reports['template']}, printed {report.figures.template}")
    return out
