"""The bundled reports make one outcomes series 2017-2023, with the 2019 break flagged.

Runs the whole pipeline (parse, legacy, facts, harmonize) on each seed.
"""

from __future__ import annotations

import polars as pl
import pytest

from govdata.pipeline import parse_report
from tests.conftest import SEED_2017_CITY, SEED_2018_LINGYUAN, SEED_2019_EDZ, SEED_2020_TAISHANG, SEED_2023_CITY, SEEDS

pytestmark = pytest.mark.integration

COLUMNS = ("outcome", "value", "source", "is_definition_changed", "has_conflict", "line")

EXPECTED = {
    # Prose (lines 204-212) is a complete breakdown adding up to the 附表 total 230, so it is used;
    # 附表 不予公开 104 and 其他类型 40 disagree with it (101, 43): flagged.
    SEED_2017_CITY: [
        ("granted", 90, "facts", True, False, 204),
        ("partial", 2, "facts", False, False, 207),
        ("withheld", 101, "facts", True, True, 208),
        ("unable", 12, "facts", True, False, 209),
        ("not_processed", 21, "facts", True, False, 212),
        ("other", 4, "facts", True, True, 211),
        ("total", 230, "legacy", False, False, 248),
    ],
    # No answer types in prose: the 附表 (lines 118-122), which cannot split unable / not_processed.
    SEED_2018_LINGYUAN: [
        ("granted", 0, "legacy", True, False, 119),
        ("partial", 0, "legacy", False, False, 120),
        ("withheld", 0, "legacy", True, False, 121),
        ("other", 0, "legacy", True, False, 122),
        ("total", 0, "legacy", False, False, 118),
    ],
    SEED_2019_EDZ: [
        ("granted", 0, "table3", False, False, 75),
        ("partial", 0, "table3", False, False, 76),
        ("withheld", 0, "table3", False, False, 77),
        ("unable", 0, "table3", False, False, 87),
        ("not_processed", 0, "table3", False, False, 90),
        ("other", 0, "table3", False, False, 96),
        ("total", 0, "table3", False, False, 97),
    ],
    # 表三, not the prose of line 19 (予以公开 44, 区分处理后公开 7, 不予公开 2): the table is the source.
    SEED_2020_TAISHANG: [
        ("granted", 46, "table3", False, False, 153),
        ("partial", 9, "table3", False, False, 163),
        ("withheld", 0, "table3", False, False, 174),
        ("unable", 8, "table3", False, False, 262),
        ("not_processed", 0, "table3", False, False, 295),
        ("other", 0, "table3", False, False, 349),
        ("total", 63, "table3", False, False, 359),
    ],
    # 部分公开 总计 is printed 18 although its columns add to 22: kept as printed.
    SEED_2023_CITY: [
        ("granted", 138, "table3", False, False, 89),
        ("partial", 18, "table3", False, False, 90),
        ("withheld", 19, "table3", False, False, 91),
        ("unable", 59, "table3", False, False, 99),
        ("not_processed", 1, "table3", False, False, 102),
        ("other", 8, "table3", False, False, 107),
        ("total", 243, "table3", False, False, 110),
    ],
}


@pytest.fixture(scope="module")
def reports():
    return {path: parse_report(path=path) for path in SEEDS}


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seed_outcomes(reports, path):
    assert reports[path].outcomes.select(COLUMNS).rows() == EXPECTED[path]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seed_outcome_groups_add_up_to_total(reports, path):
    frame = reports[path].outcomes
    groups = frame.filter(frame["outcome"] != "total")["value"].sum()
    assert groups == frame.filter(outcome="total")["value"][0]


def test_bundled_outcomes_are_one_series_2017_to_2023_with_break_flagged(reports):
    series = pl.concat([reports[path].outcomes for path in SEEDS]).filter(outcome="total")
    assert series.select("year", "template", "value").rows() == [
        (2017, "legacy", 230), (2018, "legacy", 0), (2019, "2019", 0), (2020, "2019", 63), (2023, "2021", 243),
    ]
    changed = pl.concat([reports[path].outcomes for path in SEEDS]).filter("is_definition_changed")
    assert set(changed["template"]) == {"legacy"}
