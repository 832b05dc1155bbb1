"""`govdata export`: every frame, the headline panel and a codebook, in CSV (BOM), XLSX, Stata and Parquet."""

from __future__ import annotations

import zipfile

import polars as pl
import pytest
from click.testing import CliRunner

from govdata import export, schema, views
from govdata.cli import main
from tests.fixtures_corpus import ALPHA, EVIL_NAME, write_fixture_corpus


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return write_fixture_corpus(tmp_path_factory.mktemp("export_store"))


def test_panel_is_agency_year_metric_with_counts_interval_checks_and_chinese_name(store):
    panel = views.panel(store, min_n=30)
    assert list(panel.columns) == list(schema.derived_schema("panel"))
    row = panel.filter((pl.col("agency_id") == ALPHA) & (pl.col("year") == 2023) & (pl.col("metric") == "share_withheld")).row(
        0, named=True)
    assert (row["numerator"], row["denominator"], row["share"]) == (12, 120, 0.1)
    assert row["ci_low"] < 0.1 < row["ci_high"] and row["agency_name"] == "阿尔法市人民政府" and row["metric_zh"] == "不予公开占比"
    failed = panel.filter((pl.col("agency_id") == ALPHA) & (pl.col("year") == 2021)).row(0, named=True)
    assert failed["input_status"] == "fail" and failed["failed_checks_zh"] == "收支平衡" and failed["input_status_zh"] == "校验未通过"


def test_csv_export_writes_every_frame_the_panel_and_a_codebook_in_utf8_with_bom(store, tmp_path):
    result = export.export_store(store, tmp_path, fmt="csv")
    assert set(result.files) == {*schema.FRAME_NAMES, "panel", "codebook"}
    raw = (tmp_path / "panel.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "阿尔法市人民政府".encode() in raw and EVIL_NAME.encode() in raw
    panel = pl.read_csv(tmp_path / "panel.csv")
    assert panel.height == views.panel(store).height


def test_codebook_gives_type_meaning_and_chinese_label_for_every_column_written(store, tmp_path):
    export.export_store(store, tmp_path, fmt="csv")
    book = pl.read_csv(tmp_path / "codebook.csv")
    written = {(name, column) for name in [*schema.FRAME_NAMES, "panel"]
               for column in pl.read_csv(tmp_path / f"{name}.csv", n_rows=0, infer_schema=False).columns}
    assert set(zip(book["frame"], book["column"], strict=True)) == written
    assert book["label_zh"].str.len_chars().min() > 0 and book["type"].null_count() == 0
    assert book.filter((pl.col("frame") == "panel") & (pl.col("column") == "ci_low"))["label_zh"][0] == "95%置信区间下限"


def test_every_column_of_every_frame_has_a_chinese_label():
    from govdata import terms

    missing = [f"{frame}.{c.name}" for frame, columns in schema.all_frames().items() for c in columns
               if not terms.column_label(frame, c.name)]
    assert missing == []


def test_stata_export_reads_back_with_chinese_variable_labels(store, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    export.export_store(store, tmp_path, fmt="dta")
    frame, meta = pyreadstat.read_dta(str(tmp_path / "panel.dta"), output_format="polars")
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["agency_name"] == "机关名称" and labels["share"] == "比例"
    assert "阿尔法市人民政府" in frame["agency_name"].to_list()
    assert set(frame["is_below_min_n"].drop_nulls().unique().to_list()) <= {0, 1}


def test_xlsx_export_is_a_workbook_with_the_chinese_text(store, tmp_path):
    export.export_store(store, tmp_path, fmt="xlsx", frames=["panel"])
    with zipfile.ZipFile(tmp_path / "panel.xlsx") as book:
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    assert "阿尔法市人民政府" in strings and "不予公开占比" in strings


def test_parquet_export_keeps_types(store, tmp_path):
    export.export_store(store, tmp_path, fmt="parquet", frames=["panel", "outcomes"])
    assert pl.read_parquet(tmp_path / "panel.parquet").schema == pl.Schema(schema.derived_schema("panel"))


def test_export_command_writes_the_files_and_refuses_a_folder_without_data(store, tmp_path):
    runner = CliRunner()
    done = runner.invoke(main, ["export", "--data", str(store), "--out", str(tmp_path / "out"), "--format", "csv"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "out" / "panel.csv").exists() and (tmp_path / "out" / "codebook.csv").exists()
    empty = runner.invoke(main, ["export", "--data", str(tmp_path / "nothing"), "--out", str(tmp_path / "x")])
    assert empty.exit_code == 2 and "govdata ingest" in empty.output
