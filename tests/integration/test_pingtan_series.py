"""The real 平潭 series end to end: data/sources/pingtan.csv fetched from the loopback site, ingested, checked, charted.

The fetch runs once for the module against tests/agency_site.py (the pages of ../shared/real/pingtan
at their original paths on 127.0.0.1), then `govdata ingest` writes the partitioned store every
test reads. Where the parser gets a real report wrong, the test is a strict xfail that names what
is wrong, so the fix shows up as an XPASS to remove.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import polars as pl
import pytest

from govdata import fetch, store
from govdata.ingest import ingest
from govdata.notebooks import NOTEBOOK_DIR, run_notebook
from tests.agency_site import AgencySite, entries, serving
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

SOURCES = ROOT / "data" / "sources" / "pingtan.csv"
AGENCY_IDS = {"平潭综合实验区": "pingtan_zone", "平潭综合实验区管委会": "pingtan_zone", "平潭县人民政府": "pingtan_county",
              "平潭综合实验区地方税务局": "pingtan_zone_local_tax"}
ZONE_YEARS = range(2011, 2026)


def _listed() -> list[dict[str, str]]:
    with SOURCES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _template(year: int) -> str:
    return "legacy" if year <= 2018 else "2019" if year <= 2020 else "2021"


LISTED = _listed()
LISTED_IDS = [f"{row['year']}-{AGENCY_IDS[row['agency']]}" for row in LISTED]

# The parser's known faults on these real pages (for the lead; parse.py and metadata.py are not changed here).
@dataclasses.dataclass(frozen=True)
class Series:
    raw: Path
    store: Path
    run: fetch.FetchRun
    corpus: object

    def report(self, year: int, agency_id: str) -> dict:
        rows = self.corpus.reports.filter((pl.col("year") == year) & (pl.col("agency_id") == agency_id)).to_dicts()
        assert len(rows) == 1, f"one report of {agency_id} for {year}, found {len(rows)}"
        return rows[0]

    def report_of(self, listed: dict[str, str]) -> dict:
        """The report ingested from the file fetched for a row of data/sources/pingtan.csv."""
        [row] = [row for row in store_manifest(self.raw) if urlsplit(row["url"]).path == urlsplit(listed["url"]).path]
        [report] = self.corpus.reports.filter(pl.col("source").str.ends_with("/" + row["file"])).to_dicts()
        return report


def store_manifest(raw: Path) -> list[dict[str, str]]:
    with (raw / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def series(tmp_path_factory) -> Series:
    out = tmp_path_factory.mktemp("pingtan")
    with serving(AgencySite()) as site:
        sources = [dataclasses.replace(source, url=site.served_url(source.url)) for source in fetch.read_sources(SOURCES)]
        run = fetch.fetch_sources(sources, out / "raw", settings=fetch.FetchSettings(delay=0.0, retries=0))
    ingest(out / "raw", out / "store")
    return Series(out / "raw", out / "store", run, store.read_corpus(out / "store"))


def test_source_list_holds_every_annual_report_of_the_column_and_not_the_letter():
    real = {entry.url for entry in entries() if entry.is_annual_report}
    assert {row["url"] for row in LISTED} == real and len(real) == 19
    assert {int(row["year"]) for row in LISTED if AGENCY_IDS[row["agency"]] == "pingtan_zone"} == set(ZONE_YEARS)


def test_every_listed_page_is_fetched_and_ingested_without_a_failure(series):
    assert series.run.is_ok and series.run.count("stored") == len(LISTED)
    assert series.corpus.reports.height == len(LISTED) and not series.corpus.failures


@pytest.mark.parametrize("listed", LISTED, ids=LISTED_IDS)
def test_every_report_has_the_statistics_year_and_template_of_its_year(series, listed):
    report = series.report_of(listed)
    year = int(listed["year"])
    assert (report["year"], report["template"]) == (year, _template(year))


@pytest.mark.parametrize("listed", LISTED, ids=LISTED_IDS)
def test_every_report_resolves_to_its_own_agency(series, listed):
    assert series.report_of(listed)["agency_id"] == AGENCY_IDS[listed["agency"]]


def test_the_zone_under_all_its_printed_names_is_one_agency_with_fifteen_years(series):
    zone = series.corpus.reports.filter(pl.col("agency_id") == "pingtan_zone")
    assert sorted(zone["year"]) == list(ZONE_YEARS)
    assert set(zone["agency"]) == {"平潭综合实验区", "平潭综合实验区管委会"}


def test_legacy_years_yield_their_statistics_table_or_prose_figures(series):
    legacy = series.corpus.reports.filter(pl.col("template") == "legacy")
    assert legacy.height == 12
    for report in legacy.iter_rows(named=True):
        n_table = series.corpus.legacy.filter(pl.col("report_id") == report["report_id"]).height
        n_facts = series.corpus.facts.filter(pl.col("report_id") == report["report_id"]).height
        assert n_table or n_facts, f"{report['source']}: neither 统计表 nor prose figures"
        if b"<table" in Path(report["source"]).read_bytes():
            assert n_table, f"{report['source']} prints its 统计表 as a table, and the legacy frame is empty"


def _continuity(series: Series, year: int, scope_start: str, check: str = "carry_over_continuity") -> pl.DataFrame:
    before, after = series.report(year - 1, "pingtan_zone"), series.report(year, "pingtan_zone")
    return series.corpus.checks.filter((pl.col("check") == check) & (pl.col("report_id") == after["report_id"])
                                       & pl.col("scope").str.starts_with(scope_start)
                                       & pl.col("scope").str.ends_with(f"previous={before['report_id']}"))


@pytest.mark.parametrize("year", [
    2020, 2021, 2022, 2023, 2024, 2025])
def test_carry_over_of_table3_is_assessed_between_consecutive_years_of_the_form(series, year):
    rows = _continuity(series, year, "column=")
    assert rows.height == 7 and set(rows["status"]) <= {"pass", "fail"}


def test_in_force_documents_continuity_is_assessed_and_its_real_breaks_are_reported(series):
    by_year = {year: _continuity(series, year, "item=", "in_force_continuity") for year in range(2022, 2026)}
    assert all(rows.height and set(rows["status"]) <= {"pass", "fail"} for rows in by_year.values())
    broken = {year for year, rows in by_year.items() if "fail" in rows["status"]}
    assert broken == {2023, 2024, 2025}, "现行有效件数 of 规范性文件 does not carry over from 2022 on (README of the folder)"
    assert all(set(rows.filter(pl.col("status") == "fail")["severity"]) <= {"warning"} for rows in by_year.values())


def _trends_specs(series: Series) -> list[dict]:
    nb = run_notebook(NOTEBOOK_DIR / "trends.ipynb", {"data_dir": str(series.store), "agencies": ["pingtan_zone"]})
    html = "\n".join(output.get("data", {}).get("text/html", "") for cell in nb.cells for output in cell.get("outputs", []))
    return [json.loads(match.group(1)) for match in re.finditer(r"var spec = (\{.*?\});\n", html)]


def _years_charted(specs: list[dict], title: str) -> set[int]:
    spec = next(spec for spec in specs if title in json.dumps(spec, ensure_ascii=False))
    return {row["year"] for rows in spec["datasets"].values() for row in rows if isinstance(row.get("year"), int)}


@pytest.fixture(scope="module")
def trends_specs(series) -> list[dict]:
    return _trends_specs(series)


@pytest.mark.notebook
def test_trends_notebook_charts_the_series_across_the_2019_change_and_marks_it(trends_specs):
    assert set(ZONE_YEARS) - {2021} <= _years_charted(trends_specs, "办理结果构成")
    pooled = next(spec for spec in trends_specs if "全部机关合计" in json.dumps(spec, ensure_ascii=False))
    assert "2018.5" in json.dumps(pooled), "the 2019 template change is marked"


@pytest.mark.notebook
def test_trends_notebook_charts_all_fifteen_years(trends_specs):
    assert _years_charted(trends_specs, "办理结果构成") == set(ZONE_YEARS)
