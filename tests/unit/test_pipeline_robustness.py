"""Bad input never stops a batch: each bad file is listed with its name, line and reason."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from govdata import load, parse_report
from govdata.cli import main
from govdata.model import Corpus
from govdata.read import ReadError
from govdata.store import read_corpus, write_corpus
from tests.conftest import SEED_2020_TAISHANG, SEED_2023_CITY


@pytest.fixture()
def messy_folder(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    text = SEED_2023_CITY.read_text(encoding="utf-8")
    (folder / "a_good.txt").write_text(text, encoding="utf-8")
    (folder / "b_garbage.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "c_empty.txt").write_bytes(b"")
    (folder / "d_truncated.txt").write_text(text[: text.index("3.要求提供公开出版物")], encoding="utf-8")
    (folder / "e_gb18030.txt").write_bytes(SEED_2020_TAISHANG.read_text(encoding="utf-8").encode("gb18030"))
    (folder / "notes.csv").write_text("not a report", encoding="utf-8")
    return folder


def test_load_lists_every_bad_file_and_keeps_the_rest(messy_folder):
    corpus = load(messy_folder)
    assert sorted(s.rsplit("/", 1)[-1] for s in corpus.reports["source"]) == ["a_good.txt", "d_truncated.txt", "e_gb18030.txt"]
    failures = {f.source.rsplit("/", 1)[-1]: f.reason for f in corpus.failures}
    assert set(failures) == {"b_garbage.txt", "c_empty.txt"}
    assert "empty" in failures["c_empty.txt"]


def test_truncated_report_gives_partial_tables_and_a_truncation_finding_with_line(messy_folder):
    report = parse_report(path=messy_folder / "d_truncated.txt")
    assert report.table3.filter(row="new", requester="total")["value"].to_list() == [247]
    [finding] = report.checks.filter(check="truncated_table", scope="table=table3").to_dicts()
    assert finding["line"] == 103
    [consequence] = report.checks.filter(check="truncated_table", scope="table=table4").to_dicts()
    assert "表四" in consequence["message"]


def test_gb18030_report_reads_the_same_tables_as_utf8(messy_folder):
    utf8 = parse_report(path=SEED_2020_TAISHANG)
    gb = parse_report(path=messy_folder / "e_gb18030.txt")
    assert gb.report["encoding"] == "gb18030"
    assert gb.table3.drop("report_id").equals(utf8.table3.drop("report_id"))


def test_parse_report_of_a_missing_path_raises_read_error_naming_it(tmp_path):
    with pytest.raises(ReadError, match=r"nope\.txt"):
        parse_report(path=tmp_path / "nope.txt")


def test_parse_report_reads_a_string_as_a_path_only_when_told_so(tmp_path):
    # A file name is never mistaken for a report's text, nor a text for a missing file.
    with pytest.raises(ReadError, match="cannot open"):
        parse_report(path="2016 年报告.txt")
    assert parse_report(text="2016 年报告.txt").report["source"] == "<text>"


def test_parse_report_with_a_positional_path_still_works_and_says_it_is_deprecated():
    with pytest.warns(DeprecationWarning, match="path="):
        report = parse_report(SEED_2020_TAISHANG)
    assert report.report["year"] == 2020


def test_parse_report_needs_exactly_one_of_path_and_text():
    with pytest.raises(TypeError, match="exactly one"):
        parse_report()
    with pytest.raises(TypeError, match="exactly one"):
        parse_report(path=SEED_2020_TAISHANG, text="…")


def test_text_without_any_table_is_legacy_with_layout_none():
    report = parse_report(text="某某局2016年政府信息公开工作年度报告\n今年我局收到申请3件。\n")
    assert report.report["template"] == "legacy" and report.report["layout"] == "none"
    assert report.report["year"] == 2016


def test_ingest_replaces_outputs_atomically_and_keeps_old_ones_on_failure(tmp_path, disk_full_on_write):
    out = tmp_path / "processed"
    write_corpus(load([SEED_2023_CITY]), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    disk_full_on_write(3)
    with pytest.raises(OSError):
        write_corpus(load([SEED_2020_TAISHANG]), out)
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before, "an interrupted write must leave the previous outputs untouched and no temp files"


def test_store_round_trip_keeps_every_frame(tmp_path):
    corpus = load([SEED_2023_CITY, SEED_2020_TAISHANG])
    write_corpus(corpus, tmp_path)
    again = read_corpus(tmp_path)
    for name, frame in corpus.frames().items():
        assert again.frames()[name].equals(frame), name


def test_extract_json_prints_the_contract_object():
    result = CliRunner().invoke(main, ["extract", str(SEED_2023_CITY), "--format", "json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert set(payload) == {"report", "table2", "table3", "table4", "legacy", "facts", "checks", "outcomes"}
    assert payload["report"]["agency_id"] == "jinjiang_city" and payload["report"]["year"] == 2023
    total = [c for c in payload["table3"] if c["row"] == "total" and c["requester"] == "total"]
    assert total == [{"report_id": payload["report"]["report_id"], "row": "total", "row_zh": "总计", "requester": "total",
                      "value": 243, "raw": "243", "line": 110}]


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_extract_csv_and_table_formats_print_every_frame(fmt):
    result = CliRunner().invoke(main, ["extract", str(SEED_2023_CITY), "--format", fmt])
    assert result.exit_code == 0
    for name in Corpus().frames():
        assert name in result.output


def test_ingest_cli_summarises_reports_cells_and_failures(messy_folder, tmp_path):
    result = CliRunner().invoke(main, ["ingest", str(messy_folder), "--out", str(tmp_path / "out"), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "ingested 3 report(s) of 5 file(s)" in result.output
    assert "b_garbage.txt" in result.output and "c_empty.txt" in result.output
    assert (tmp_path / "out" / "current" / "table3").is_dir()


def test_extract_names_file_and_line_of_each_finding_on_stderr(messy_folder):
    result = CliRunner().invoke(main, ["extract", str(messy_folder / "d_truncated.txt")])
    assert result.exit_code == 0
    assert "d_truncated.txt:103: error: [truncated_table]" in result.stderr
    json.loads(result.stdout)


def test_read_corpus_finds_relative_data_dir_from_the_project_root(tmp_path, monkeypatch):
    # A notebook opened in JupyterLab runs in notebooks/, where "data/processed" does not exist.
    monkeypatch.setenv("GOVDATA_PROJECT", str(tmp_path))
    write_corpus(load([SEED_2023_CITY]), tmp_path / "data" / "processed")
    monkeypatch.chdir(tmp_path / "data")
    assert read_corpus("data/processed").reports.height == 1


def test_read_corpus_finds_the_project_above_the_working_directory(tmp_path, monkeypatch):
    # No GOVDATA_PROJECT: the nearest folder above that holds data/agencies.csv is the project.
    monkeypatch.delenv("GOVDATA_PROJECT", raising=False)
    write_corpus(load([SEED_2023_CITY]), tmp_path / "data" / "processed")
    (tmp_path / "data" / "agencies.csv").write_text("agency_id,name,aliases,level,parent,notes\n", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    assert read_corpus("data/processed").reports.height == 1


def test_read_corpus_of_a_missing_directory_says_how_to_make_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="make demo"):
        read_corpus("nowhere/processed")


def test_a_count_too_long_for_int64_is_a_finding_with_raw_kept_and_the_batch_goes_on(tmp_path):
    # two cells run together can print 19+ digits; Polars' Int64 cannot hold them
    huge = "1234567890123456789012"
    label = "一、本年新收政府信息公开申请数量"
    text = SEED_2023_CITY.read_text(encoding="utf-8").replace(f"{label}\t\t231", f"{label}\t\t{huge}", 1)
    assert huge in text
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(SEED_2023_CITY.read_text(encoding="utf-8"), encoding="utf-8")
    corpus = load(tmp_path)
    assert corpus.reports.height == 2 and not corpus.failures
    cell = corpus.table3.filter(raw=huge).row(0, named=True)
    assert cell["value"] is None and cell["requester"] == "natural_person"
    [finding] = corpus.checks.filter(check="value_out_of_range").to_dicts()
    assert finding["line"] == cell["line"] and finding["scope"] == "row=new;row_zh=本年新收政府信息公开申请数量;requester=natural_person"
