"""`govdata ingest` writes the year-partitioned store by default: a re-run of unchanged files writes
nothing, an edited file is parsed again, a file that cannot be read is named and the rest goes on;
`check` and `briefings` read what it writes, and `--layout flat` keeps the one-file-per-frame layout."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest
from click.testing import CliRunner

from govdata import load
from govdata.cli import main
from govdata.schema import FRAME_NAMES
from govdata.store import CURRENT, LOCK_NAME, is_partitioned, read_corpus
from tests.conftest import SEED_2020_TAISHANG, SEED_2023_CITY, SEEDS

SORT_KEYS = {"reports": ["report_id"], "table2": ["report_id", "item", "measure"], "table3": ["report_id", "row", "requester"],
             "table4": ["report_id", "proceeding", "outcome"], "legacy": ["report_id", "line"], "facts": ["report_id", "line", "key"],
             "checks": ["report_id", "check", "scope", "fingerprint"], "outcomes": ["report_id", "outcome", "source"]}


@pytest.fixture()
def raw(tmp_path) -> Path:
    """The five bundled reports and one file that is not a report at all."""
    folder = tmp_path / "raw"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    (folder / "zz_garbage.txt").write_bytes(bytes(range(256)) * 40)
    return folder


def ingest(*args: str):
    result = CliRunner().invoke(main, ["ingest", *args, "--no-progress"])
    assert result.exit_code == 0, result.output
    return result


def versions(out: Path) -> list[str]:
    return sorted(p.name for p in out.glob("v-*"))


def test_ingest_writes_a_year_partitioned_store_and_prints_what_it_holds(raw, tmp_path):
    out = tmp_path / "processed"
    result = ingest(str(raw), "--out", str(out))
    stored = read_corpus(out)
    cells = sum(stored.frames()[name].height for name in ("table2", "table3", "table4", "legacy"))
    assert result.stdout.splitlines()[0] == (f"ingested 5 report(s) of 6 file(s): {cells} table cells, "
                                             f"{stored.facts.height} facts, {stored.checks.height} checks")
    assert "parsed 6 file(s), kept 0 unchanged" in result.stdout
    assert "checks by status: " in result.stdout and "fail/error: " in result.stdout
    assert f"wrote {out}/current -> v-" in result.stdout
    assert is_partitioned(out) and not (out / "table3.parquet").exists()
    assert sorted(p.name for p in (out / CURRENT / "table3").iterdir()) == ["year=2019", "year=2020", "year=2023"]


def test_store_written_by_ingest_holds_exactly_what_load_returns(raw, tmp_path):
    ingest(str(raw), "--out", str(tmp_path / "processed"), "--jobs", "2")
    stored, loaded = read_corpus(tmp_path / "processed"), load(raw)
    for name, keys in SORT_KEYS.items():
        got, want = (frame.drop("verdict", "review_note", strict=False).sort(keys, nulls_last=True)
                     for frame in (stored.frames()[name], loaded.frames()[name]))
        assert got.equals(want), name
    assert [str(f) for f in stored.failures] == [str(f) for f in loaded.failures]


def test_stored_checks_carry_the_review_verdicts_that_load_attaches(raw, tmp_path):
    # data/reviews.csv confirms findings of the bundled reports; the data-quality page shows them.
    ingest(str(raw), "--out", str(tmp_path / "processed"))
    columns = ["fingerprint", "verdict", "review_note"]
    stored = read_corpus(tmp_path / "processed").checks.select(columns).sort("fingerprint")
    loaded = load(raw).checks.select(columns).sort("fingerprint")
    assert loaded["verdict"].drop_nulls().len() > 0
    assert stored.equals(loaded)


def test_second_ingest_of_unchanged_files_says_nothing_changed_and_writes_nothing(raw, tmp_path):
    out = tmp_path / "processed"
    first = ingest(str(raw), "--out", str(out))
    link, before = os.readlink(out / CURRENT), versions(out)
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.name != LOCK_NAME}  # the lock says who ran last
    again = ingest(str(raw), "--out", str(out))
    assert again.stdout.startswith("nothing changed since the last ingest (6 file(s)")
    assert "nothing written" in again.stdout and "wrote" not in again.stdout
    # the same counts as the first run, read back from the store
    assert again.stdout.splitlines()[1] == first.stdout.splitlines()[0].replace("ingested", "stored", 1)
    assert os.readlink(out / CURRENT) == link and versions(out) == before
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.name != LOCK_NAME} == mtimes


def test_verify_hashes_every_file_and_still_finds_nothing_changed(raw, tmp_path):
    (raw / "zz_garbage.txt").unlink()
    out = tmp_path / "processed"
    ingest(str(raw), "--out", str(out))
    link = os.readlink(out / CURRENT)
    for path in raw.iterdir():  # touched, same bytes: only hashing tells they did not change
        os.utime(path)
    again = ingest(str(raw), "--out", str(out), "--verify")
    assert again.stdout.startswith("nothing changed since the last ingest (5 file(s)")
    assert os.readlink(out / CURRENT) == link


def test_verify_finds_nothing_changed_when_an_unreadable_file_is_unchanged(raw, tmp_path):
    out = tmp_path / "processed"
    ingest(str(raw), "--out", str(out))
    again = ingest(str(raw), "--out", str(out), "--verify")
    assert again.stdout.startswith("nothing changed")


def test_an_edited_file_is_parsed_again_and_the_others_are_kept(raw, tmp_path):
    (raw / "zz_garbage.txt").unlink()  # a file that could not be read is tried again on every run
    out = tmp_path / "processed"
    ingest(str(raw), "--out", str(out))
    edited = raw / SEED_2023_CITY.name
    printed = "(七) 总计\t227\t15\t0\t0\t1\t0\t243\t"  # line 110 of the report
    text = edited.read_text(encoding="utf-8")
    assert text.count(printed) == 1
    edited.write_text(text.replace(printed, printed.replace("243", "244")), encoding="utf-8")
    result = ingest(str(raw), "--out", str(out))
    assert "ingested 5 report(s) of 5 file(s)" in result.stdout
    assert "parsed 1 file(s), kept 4 unchanged file(s)" in result.stdout
    table3 = read_corpus(out).table3.filter(pl.col("row") == "total", pl.col("requester") == "total")
    assert 244 in table3["value"].to_list() and 243 not in table3["value"].to_list()


def test_a_garbage_file_is_named_with_its_reason_and_the_rest_goes_on(raw, tmp_path):
    out = tmp_path / "processed"
    result = ingest(str(raw), "--out", str(out))
    failed = [line for line in result.stderr.splitlines() if "failed:" in line]
    assert len(failed) == 1 and "zz_garbage.txt" in failed[0]
    assert "ingested 5 report(s) of 6 file(s)" in result.stdout
    again = ingest(str(raw), "--out", str(out))  # still listed when nothing was parsed
    assert [line for line in again.stderr.splitlines() if "failed:" in line] == failed


def test_a_removed_file_leaves_the_store(raw, tmp_path):
    out = tmp_path / "processed"
    ingest(str(raw), "--out", str(out))
    (raw / SEED_2020_TAISHANG.name).unlink()
    result = ingest(str(raw), "--out", str(out))
    assert "ingested 4 report(s) of 5 file(s)" in result.stdout
    assert 2020 not in read_corpus(out).reports["year"].to_list()


def test_check_reads_the_partitioned_store_as_it_reads_the_raw_reports(raw, tmp_path):
    out = tmp_path / "processed"
    ingest(str(raw), "--out", str(out))
    from_raw = CliRunner().invoke(main, ["check", "--strict", str(raw)])
    from_store = CliRunner().invoke(main, ["check", "--strict", str(out)])
    assert from_raw.exit_code == from_store.exit_code == 1
    assert from_store.stdout == from_raw.stdout
    assert "summary by rule:" in from_store.stdout and "5 report(s)" in from_store.stdout


def test_check_without_a_path_reads_a_partitioned_data_processed(raw, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ingest(str(raw), "--out", "data/processed")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0 and "5 report(s)" in result.stdout


def test_briefings_accepts_a_partitioned_store(raw, tmp_path, monkeypatch):
    from govdata import briefings

    seen = []
    batch = SimpleNamespace(notes=[], failures=[], count=lambda status: 0, index_path=tmp_path / "r" / "index.html")
    monkeypatch.setattr(briefings, "build_briefings", lambda data_dir, out_dir, **kw: seen.append(data_dir) or batch)
    ingest(str(raw), "--out", str(tmp_path / "processed"))
    result = CliRunner().invoke(main, ["briefings", "--data", str(tmp_path / "processed"), "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert seen == [tmp_path / "processed"]


def test_flat_layout_writes_one_file_per_frame_and_replaces_a_store(raw, tmp_path):
    out = tmp_path / "processed"
    ingest(str(raw), "--out", str(out))
    result = ingest(str(raw), "--out", str(out), "--layout", "flat")
    assert "ingested 5 report(s) of 6 file(s)" in result.stdout and f"wrote 9 files to {out}/" in result.stdout
    assert all((out / f"{name}.parquet").exists() for name in FRAME_NAMES)
    assert not is_partitioned(out) and versions(out) == []
    assert read_corpus(out).reports.height == 5


def test_partitioned_ingest_removes_the_frames_of_an_earlier_flat_ingest(raw, tmp_path):
    out = tmp_path / "processed"
    ingest(str(raw), "--out", str(out), "--layout", "flat")
    ingest(str(raw), "--out", str(out))
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith("v-")) == [LOCK_NAME, CURRENT]
    assert read_corpus(out).reports.height == 5


def test_verify_with_the_flat_layout_is_a_usage_error(raw, tmp_path):
    result = CliRunner().invoke(main, ["ingest", str(raw), "--out", str(tmp_path / "o"), "--layout", "flat", "--verify"])
    assert result.exit_code == 2 and "--verify" in result.stderr


def test_ingest_of_a_folder_without_reports_writes_an_empty_store(tmp_path):
    (tmp_path / "empty").mkdir()
    result = ingest(str(tmp_path / "empty"), "--out", str(tmp_path / "processed"))
    assert result.stdout.startswith("ingested 0 report(s) of 0 file(s): 0 table cells, 0 facts, 0 checks")
    assert read_corpus(tmp_path / "processed").reports.height == 0
