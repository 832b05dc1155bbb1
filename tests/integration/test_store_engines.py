"""Other engines read the partitioned store as it is, with the rows, values, types and year that
govdata's own reader (Polars ``store.scan_frame``) gives.

DuckDB reads it with ``read_parquet(..., hive_partitioning = true)``; pyarrow.dataset with Hive
partitioning is the reader of Dask, Ray Data and pandas. Spark is not tested here (it needs a JVM);
docs/scaling.md gives the code and says what it expects of the layout.

The year of a report whose statistics year is unknown is written as ``year=__HIVE_DEFAULT_PARTITION__``,
Hive's (and Spark's) name for a null partition value: all three readers give null for it. A folder
holding only that partition leaves them nothing to infer the type from (Polars and DuckDB then read
the year as a string, pyarrow refuses), so readers of one frame or one partition pass the type.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from govdata import parse_report, schema
from govdata.ingest import ingest
from govdata.store import CURRENT, NULL_PARTITION, PARTITION, scan_frame
from tests.conftest import SEED_2023_CITY, SEEDS

pytestmark = pytest.mark.integration

# Polars dtype of the contract -> the type DuckDB reports for the column.
DUCKDB_TYPES = {pl.String: "VARCHAR", pl.Int64: "BIGINT", pl.Float64: "DOUBLE", pl.Boolean: "BOOLEAN"}
YEAR_AS_INT64 = ds.partitioning(pa.schema([(PARTITION, pa.int64())]), flavor="hive")


def _report_without_a_year(folder: Path) -> Path:
    """The 2023 seed with every year removed: its statistics year cannot be known."""
    path = folder / "unknown_year.txt"
    path.write_text(re.sub(r"20\d\d", "某", SEED_2023_CITY.read_text(encoding="utf-8")), encoding="utf-8")
    assert parse_report(path=path).report["year"] is None
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A store written by ``govdata.ingest.ingest``: the five seeds and a report of unknown year."""
    raw = tmp_path_factory.mktemp("raw")
    for seed in SEEDS:
        shutil.copy(seed, raw / seed.name)
    _report_without_a_year(raw)
    out = tmp_path_factory.mktemp("store")
    ingest(raw, out)
    return out


@pytest.fixture(scope="module")
def years(store) -> pl.DataFrame:
    """report_id -> year as govdata reads it."""
    return scan_frame(store, "reports").select("report_id", "year").collect()


def _glob(store: Path, name: str) -> str:
    return str(store / CURRENT / name / "**" / "*.parquet")


def _duckdb_frame(sql: str) -> tuple[pl.DataFrame, dict[str, str]]:
    """A DuckDB result as a Polars frame built from Python values (no Arrow in between), and its column types."""
    relation = duckdb.sql(sql)
    types = dict(zip(relation.columns, (str(t) for t in relation.types), strict=True))
    return pl.DataFrame(relation.fetchall(), schema=relation.columns, orient="row", infer_schema_length=None), types


def _with_year(store: Path, name: str, years: pl.DataFrame) -> pl.DataFrame:
    """The frame as govdata reads it, with the year of each row's report (what the partition holds)."""
    frame = scan_frame(store, name).collect()
    if PARTITION not in frame.columns:
        frame = frame.join(years, on="report_id", how="left", maintain_order="left")
    return frame


def _same_rows(got: pl.DataFrame, want: pl.DataFrame) -> bool:
    columns = want.columns
    got = got.select(columns).cast(dict(want.schema))
    return got.sort(columns, nulls_last=True).equals(want.sort(columns, nulls_last=True))


def test_store_has_a_null_partition_for_the_report_of_unknown_year(store, years):
    assert (store / CURRENT / "table3" / f"{PARTITION}={NULL_PARTITION}").is_dir()
    assert years["year"].null_count() == 1 and years.height == len(SEEDS) + 1


@pytest.mark.parametrize("name", schema.FRAME_NAMES)
def test_duckdb_reads_every_frame_with_the_rows_values_and_year_polars_reads(store, years, name):
    got, types = _duckdb_frame(f"SELECT * FROM read_parquet('{_glob(store, name)}', hive_partitioning = true)")
    want = _with_year(store, name, years)
    assert want.height > 0
    assert set(got.columns) == set(want.columns)
    assert _same_rows(got, want)
    # the types come through as declared: nothing to convert
    declared = {**schema.polars_schema(name), PARTITION: pl.Int64}
    assert {column: types[column] for column in want.columns} == {column: DUCKDB_TYPES[declared[column]] for column in want.columns}


def test_duckdb_reads_the_unknown_year_as_null(store, years):
    unknown = years.filter(pl.col("year").is_null())["report_id"].item()
    got, _ = _duckdb_frame(f"SELECT DISTINCT report_id, year FROM read_parquet('{_glob(store, 'outcomes')}', hive_partitioning = true)"
                           " WHERE year IS NULL")
    assert got.rows() == [(unknown, None)]


def test_duckdb_filters_and_groups_by_year_like_polars(store):
    sql = (f"SELECT year, sum(value) AS withheld FROM read_parquet('{_glob(store, 'outcomes')}', hive_partitioning = true) "
           "WHERE outcome = 'withheld' GROUP BY year ORDER BY year NULLS LAST")
    got, _ = _duckdb_frame(sql)
    want = (scan_frame(store, "outcomes").filter(pl.col("outcome") == "withheld")
            .group_by("year").agg(pl.col("value").sum().alias("withheld")).sort("year", nulls_last=True).collect())
    assert got.rows() == want.rows()


@pytest.mark.parametrize("name", schema.FRAME_NAMES)
def test_pyarrow_dataset_reads_every_frame_with_the_rows_values_and_year_polars_reads(store, years, name):
    table = ds.dataset(store / CURRENT / name, format="parquet", partitioning="hive").to_table()
    assert _same_rows(pl.from_arrow(table), _with_year(store, name, years))


def test_pyarrow_reads_the_unknown_year_as_null(store, years):
    table = ds.dataset(store / CURRENT / "reports", format="parquet", partitioning="hive").to_table(columns=["report_id", "year"])
    assert pl.from_arrow(table).filter(pl.col("year").is_null())["report_id"].to_list() == \
        years.filter(pl.col("year").is_null())["report_id"].to_list()


def test_a_store_holding_only_the_null_partition_reads_with_the_year_type_given(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    _report_without_a_year(raw)
    ingest(raw, tmp_path / "store")
    folder = tmp_path / "store" / CURRENT / "reports"
    assert [p.name for p in folder.iterdir()] == [f"{PARTITION}={NULL_PARTITION}"]
    got, types = _duckdb_frame(f"SELECT year FROM read_parquet('{folder}/**/*.parquet', hive_partitioning = true, "
                               "hive_types = {'year': BIGINT})")
    assert got["year"].to_list() == [None] and types["year"] == "BIGINT"
    polars_year = pl.scan_parquet(folder / "**" / "*.parquet", hive_partitioning=True, hive_schema={"year": pl.Int64}).collect()["year"]
    assert polars_year.dtype == pl.Int64 and polars_year.to_list() == [None]
    arrow = ds.dataset(folder, format="parquet", partitioning=YEAR_AS_INT64).to_table(columns=["year"])
    assert arrow.schema.field("year").type == pa.int64() and arrow.column("year").to_pylist() == [None]
    govdata_year = scan_frame(tmp_path / "store", "reports").collect()["year"]
    assert govdata_year.dtype == pl.Int64 and govdata_year.to_list() == [None]
