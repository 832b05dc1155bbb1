"""Real reports read against values a person read off them (tests/golden/real, issues 12 and 14).

The texts live in ``../shared/real`` (third-party data, never copied into the project); without
that folder these tests skip, naming it. The shares of golden values read right are printed by
layout family; the floors below are regression guards set under the shares measured when the
reader was last improved (docs/formats.md, "How well real reports are read").
"""

from __future__ import annotations

import math

import polars as pl
import pytest

from tests import real_golden

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not real_golden.REAL.is_dir(), reason=f"real report texts not found: {real_golden.REAL} (../shared/real)"),
]

# Share of golden values read right, all reports together, per group (tables: every printed
# 表二/表三/表四/附表 cell; reports: year, agency, template; facts: prose figures).
FLOORS = {"tables": 0.98, "reports": 0.95, "facts": 0.93}


@pytest.fixture(scope="module")
def scores():
    return real_golden.score_all()


def test_prints_the_share_of_golden_values_read_right_by_family(scores, capsys):
    with capsys.disabled():
        print("\n" + real_golden.table(scores))
    for group, floor in FLOORS.items():
        assert scores[group]["all"].share >= floor, f"{group}: {scores[group]['all'].share:.1%} < {floor:.0%}"


def test_no_table_value_is_invented(scores):
    """A value read from a table is the printed one, or nothing: never another number."""
    assert scores["tables"]["all"].wrong == []


def test_every_family_of_layout_reads_most_of_its_values(scores):
    for family, score in scores["tables"].items():
        if score.total >= 20:
            assert score.share >= 0.9, f"{family}: {score.share:.1%} of {score.total}"


def test_every_inexact_reading_is_a_finding_with_its_line():
    for name in real_golden.golden_reports():
        report = real_golden.parse(name)
        inexact = report.checks.filter(pl.col("check").is_in(["fuzzy_label", "recovered_cells", "header_assumed"]))
        assert inexact.filter(pl.col("line").is_null()).height == 0, name
        assert set(inexact["severity"]) <= {"warning"}, name


PINGTAN_FORM_YEARS = [path for path in sorted((real_golden.REAL / "pingtan").glob("20*")) if int(path.name[:6]) >= 202001] \
    if real_golden.REAL.is_dir() else []


@pytest.mark.parametrize("folder", PINGTAN_FORM_YEARS, ids=lambda p: p.name[:6])
def test_flattened_text_gives_the_html_tables_cells_or_reports_them_ambiguous(folder):
    """page.txt runs every row's cells together; page.html has them in <td>. Every 表三/表四 cell
    read from the text equals the HTML's, and a cell not read is reported on its row (issue 14)."""
    from govdata.pipeline import parse_document
    from govdata.read import read_document

    html = parse_document(read_document(folder / "page.html"))
    text = parse_document(read_document(folder / "page.txt"))
    reported = {row["scope"] for row in text.checks.iter_rows(named=True)
                if row["check"] in ("ambiguous_cells", "missing_cells", "extra_cells") and row["status"] == "fail"}
    for name, keys, scope_of in (("table3", ("row", "requester"), lambda k: f"row={k[0]}"),
                                 ("table4", ("proceeding", "outcome"), lambda _k: "table=table4")):
        truth = {tuple(r[k] for k in keys): r["value"] for r in getattr(html, name).iter_rows(named=True)}
        read = {tuple(r[k] for k in keys): r["value"] for r in getattr(text, name).iter_rows(named=True)}
        assert truth, f"{folder.name}: the HTML {name} is empty"
        for key, value in truth.items():
            got = read.get(key)
            if got is None and value is not None:
                assert scope_of(key) in reported, f"{folder.name} {name} {key}: not read and not reported"
            else:
                assert got == value or (got is None and value is None), f"{folder.name} {name} {key}: html {value}, text {got}"
        assert not (set(read) - set(truth)), f"{folder.name} {name}: cells the HTML does not have"


def test_score_arithmetic():
    score = real_golden.Score(right=3, total=4)
    assert math.isclose(score.share, 0.75) and math.isnan(real_golden.Score().share)
