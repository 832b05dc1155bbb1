"""`ingest` writes the same frames as `load`, into a year-partitioned store; unchanged files are skipped.

The store is what the national-scale corpus lives in (docs/scaling.md): Hive partitions by
year that Polars, DuckDB and Spark read as they are, a new version published by one rename,
and a content-hash index so a re-run parses only new or changed reports.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from govdata import check, load, synth
from govdata.ingest import CORPUS_RULE_CELLS, _corpus_rule_inputs, corpus_rule_checks, display_paths, ingest
from govdata.pipeline import REPORT_SUFFIXES, discover
from govdata.read import display_path
from govdata.store import CURRENT, LOCK_NAME, read_corpus, scan_frame, write_corpus
from tests.property.compare import failing_checks

SORT_KEYS = {"reports": ["report_id"], "table2": ["report_id", "item", "measure"], "table3": ["report_id", "row", "requester"],
             "table4": ["report_id", "proceeding", "outcome"], "legacy": ["report_id", "line"], "facts": ["report_id", "line", "key"],
             "checks": ["report_id", "check", "scope", "fingerprint"], "outcomes": ["report_id", "outcome", "source"]}


@pytest.fixture()
def corpus_dir(tmp_path, monkeypatch):
    synth.write_synthetic_corpus(80, tmp_path / "synth", seed=21, inject_rate=0.3, truth=False)
    monkeypatch.setenv("GOVDATA_AGENCIES", str(tmp_path / "synth" / "agencies.csv"))
    return tmp_path / "synth"


def _assert_same_frames(got, want):
    for name, keys in SORT_KEYS.items():
        assert getattr(got, name).sort(keys, nulls_last=True).equals(getattr(want, name).sort(keys, nulls_last=True)), name


def test_ingested_store_holds_exactly_what_load_returns(corpus_dir, tmp_path):
    summary = ingest(corpus_dir / "reports", tmp_path / "store", jobs=2)
    assert (summary.n_files, summary.n_parsed, summary.is_unchanged) == (80, 80, False)
    _assert_same_frames(read_corpus(tmp_path / "store"), load(corpus_dir / "reports"))


def test_store_is_partitioned_by_year_and_scans_lazily(corpus_dir, tmp_path):
    ingest(corpus_dir / "reports", tmp_path / "store")
    years = sorted(p.name for p in (tmp_path / "store" / CURRENT / "table3").iterdir())
    assert years and all(name.startswith("year=") for name in years)
    folder = tmp_path / "store" / CURRENT / "table3"
    raw = pl.scan_parquet(str(folder / "**" / "*.parquet"), hive_partitioning=True)
    assert "year" in raw.collect_schema() and "year" not in pl.read_parquet(next(folder.rglob("*.parquet"))).columns
    outcomes_2021 = scan_frame(tmp_path / "store", "outcomes").filter(pl.col("year") == 2021).collect()
    assert outcomes_2021.height > 0 and set(outcomes_2021["year"]) == {2021}


def test_unchanged_corpus_is_skipped_without_writing(corpus_dir, tmp_path):
    ingest(corpus_dir / "reports", tmp_path / "store")
    version = os.readlink(tmp_path / "store" / CURRENT)
    again = ingest(corpus_dir / "reports", tmp_path / "store", verify=True)
    assert again.is_unchanged and again.n_parsed == 0
    assert os.readlink(tmp_path / "store" / CURRENT) == version


def test_only_changed_and_new_files_are_parsed_and_the_result_equals_a_full_load(corpus_dir, tmp_path):
    ingest(corpus_dir / "reports", tmp_path / "store")
    files = sorted((corpus_dir / "reports").rglob("*.txt"))
    files[0].write_bytes(files[0].read_bytes().replace("本年度".encode(), "全年度".encode(), 1) + b"\n")
    files[1].unlink()
    extra = synth.make_report(seed=99, template="2021", layout="tabbed", agency=synth.make_agencies(1, seed=21)[0])
    (corpus_dir / "reports" / "extra.txt").write_bytes(extra.data)
    os.utime(files[2])  # touched, same bytes: hashed again, not parsed again
    summary = ingest(corpus_dir / "reports", tmp_path / "store", jobs=2)
    assert (summary.n_files, summary.n_parsed) == (80, 2)
    _assert_same_frames(read_corpus(tmp_path / "store"), load(corpus_dir / "reports"))


def test_a_change_of_registry_reparses_everything(corpus_dir, tmp_path, monkeypatch):
    ingest(corpus_dir / "reports", tmp_path / "store")
    registry = tmp_path / "agencies.csv"
    registry.write_text((corpus_dir / "agencies.csv").read_text(encoding="utf-8") + "extra_1,合成新增局,,department,,合成 synthetic\n",
                        encoding="utf-8")
    monkeypatch.setenv("GOVDATA_AGENCIES", str(registry))
    assert ingest(corpus_dir / "reports", tmp_path / "store").n_parsed == 80


@pytest.mark.parametrize("group_size", [5000, 7])
def test_corpus_rules_on_the_cut_down_corpus_by_agency_groups_give_the_same_rows_as_on_the_whole(corpus_dir, group_size):
    corpus = load(corpus_dir / "reports")
    rules = {r.check for r in check.RULES.values() if r.corpus}
    whole = corpus.checks.filter(pl.col("check").is_in(sorted(rules)))
    cut = corpus_rule_checks(_corpus_rule_inputs(corpus), group_size=group_size)
    assert whole.height > 0 and set(CORPUS_RULE_CELLS) == {"table2", "table3"}
    assert cut.sort(SORT_KEYS["checks"]).equals(whole.sort(SORT_KEYS["checks"]))
    assert failing_checks(cut) == failing_checks(whole)


def test_interrupted_partitioned_write_keeps_the_previous_version_and_no_staging(corpus_dir, tmp_path, disk_full_on_write):
    corpus = load(corpus_dir / "reports")
    write_corpus(corpus, tmp_path / "store", partitioned=True)
    before = os.readlink(tmp_path / "store" / CURRENT)
    disk_full_on_write(3)
    with pytest.raises(OSError):
        write_corpus(corpus, tmp_path / "store", partitioned=True)
    assert os.readlink(tmp_path / "store" / CURRENT) == before
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == sorted([CURRENT, before, LOCK_NAME])
    _assert_same_frames(read_corpus(tmp_path / "store"), corpus)


def test_discover_finds_what_rglob_finds_in_the_same_order(tmp_path):
    for rel in ["a.txt", "b/c.TXT", "b/.txt", "b/..txt", "b/x.html", "a-b/c.txt", "a/b.txt", "z/y/x.md", "z/y/no.csv", "dir.txt/q.txt",
                "a.", "e.tar.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "b", tmp_path / "link_dir.txt")
    os.symlink(tmp_path / "a.txt", tmp_path / "link.txt")
    os.symlink(tmp_path / "missing", tmp_path / "broken.txt")
    expected = sorted(f for f in tmp_path.rglob("*") if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES)
    assert discover(tmp_path) == expected and len(expected) == 10


@pytest.mark.parametrize("cwd", ["/", "tmp", "inside"])
def test_sources_are_the_paths_reports_name(tmp_path, monkeypatch, cwd):
    (tmp_path / "inside").mkdir()
    monkeypatch.chdir({"/": "/", "tmp": tmp_path, "inside": tmp_path / "inside"}[cwd])
    paths = [Path("a.txt"), Path("../x/y.txt"), tmp_path / "inside" / "r.txt", Path("d//e/../f.txt"), Path("/"), Path(".")]
    assert display_paths(paths) == [display_path(p) for p in paths]
