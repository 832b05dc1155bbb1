"""Every printed cell of 表二, 表三 and 表四 of the three template seeds, against golden files.

The golden files (tests/golden/*.csv) were checked by hand against the reports: one CSV row
per printed table row (表三) or cell (表二, 表四), with the printed text, value and line.
"""

from __future__ import annotations

import csv

import pytest

from govdata import parse_report
from govdata.parse import REQUESTERS
from tests.conftest import ROOT, SEED_2019_EDZ, SEED_2020_TAISHANG, SEED_2023_CITY

GOLDEN = ROOT / "tests" / "golden"
TEMPLATE_SEEDS = [SEED_2019_EDZ, SEED_2020_TAISHANG, SEED_2023_CITY]


def _golden(seed, table: str) -> list[dict[str, str]]:
    with (GOLDEN / f"{seed.stem}.{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _number(text: str) -> float | None:
    return None if text == "" else float(text)


@pytest.fixture(scope="module", params=TEMPLATE_SEEDS, ids=lambda p: p.stem)
def seed_and_report(request):
    return request.param, parse_report(path=request.param)


def test_table3_every_cell_matches_the_golden_file(seed_and_report):
    seed, report = seed_and_report
    golden = _golden(seed, "table3")
    parsed = {(r["row"], r["requester"]): r for r in report.table3.iter_rows(named=True)}
    assert len(parsed) == len(golden) * len(REQUESTERS)
    for row in golden:
        first_line = min(parsed[(row["row"], requester)]["line"] for requester in REQUESTERS)
        assert first_line == int(row["line"]), row["row"]
        for requester in REQUESTERS:
            cell = parsed[(row["row"], requester)]
            assert cell["raw"] == row[requester], (row["row"], requester)
            assert cell["value"] == (int(row[requester]) if row[requester] else None), (row["row"], requester)


def test_table2_every_cell_matches_the_golden_file(seed_and_report):
    seed, report = seed_and_report
    golden = _golden(seed, "table2")
    parsed = report.table2.select("item", "measure", "raw", "value", "unit", "line").rows()
    assert len(parsed) == len(golden)
    for got, want in zip(parsed, golden, strict=True):
        assert got[:3] == (want["item"], want["measure"], want["raw"])
        assert got[3] == _number(want["value"]) and (got[4] or "") == want["unit"] and got[5] == int(want["line"])


def test_table4_every_cell_matches_the_golden_file(seed_and_report):
    seed, report = seed_and_report
    golden = _golden(seed, "table4")
    parsed = report.table4.select("proceeding", "outcome", "raw", "value", "line").rows()
    assert [(p, o, raw, v, line) for p, o, raw, v, line in parsed] == [
        (g["proceeding"], g["outcome"], g["raw"], int(g["value"]), int(g["line"])) for g in golden]


def test_every_parsed_cell_stands_on_its_line_in_the_source(seed_and_report):
    seed, report = seed_and_report
    lines = seed.read_text(encoding="utf-8").split("\n")
    for frame in (report.table2, report.table3, report.table4):
        for row in frame.iter_rows(named=True):
            assert row["raw"] in lines[row["line"] - 1]


def test_template_seeds_have_the_right_metadata():
    expected = {
        SEED_2019_EDZ: ("晋江市经济开发区", "jinjiang_edz", "zone", 2019, "2019", "tabbed"),
        SEED_2020_TAISHANG: ("泉州台商投资区管理委员会", "quanzhou_taishang", "zone", 2020, "2019", "cell_per_line"),
        SEED_2023_CITY: ("晋江市人民政府", "jinjiang_city", "county", 2023, "2021", "tabbed"),
    }
    for seed, want in expected.items():
        report = parse_report(path=seed).report
        assert (report["agency"], report["agency_id"], report["level"], report["year"], report["template"], report["layout"]) == want


def test_the_2019_seed_stray_sixteenth_cell_of_table4_is_reported():
    report = parse_report(path=SEED_2019_EDZ)
    [finding] = report.checks.filter(check="extra_cells").to_dicts()
    assert finding["line"] == 105 and finding["actual"] == 16 and finding["severity"] == "warning"


def test_the_2020_seed_blank_total_of_carried_over_is_null_not_zero():
    cell = parse_report(path=SEED_2020_TAISHANG).table3.filter(row="carried_over", requester="total").row(0, named=True)
    assert cell["value"] is None and cell["raw"] == "" and cell["line"] == 143


def test_template_seeds_have_no_unmapped_labels_or_missing_tables():
    for seed in TEMPLATE_SEEDS:
        checks = parse_report(path=seed).checks
        assert checks.filter(check="unmapped_label").height == 0, seed.name
        assert checks.filter(check="missing_table").height == 0, seed.name
