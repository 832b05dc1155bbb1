"""Nothing is lost or counted twice without a word: identical files are stored once and listed as
duplicates; every path passed over under the input folders is listed with its reason (issue 15)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from govdata import load
from govdata.cli import main
from govdata.ingest import ingest
from govdata.model import Failure
from govdata.pipeline import discover_files
from govdata.store import read_corpus, read_store_failures
from tests.conftest import SEED_2020_TAISHANG, SEED_2023_CITY


@pytest.fixture()
def copies(tmp_path):
    """The 2023 seed three times (a.txt, b.txt, c/d.txt) beside the 2020 seed."""
    folder = tmp_path / "reports"
    (folder / "c").mkdir(parents=True)
    for name in ("a.txt", "b.txt", "c/d.txt"):
        shutil.copy(SEED_2023_CITY, folder / name)
    shutil.copy(SEED_2020_TAISHANG, folder / "z2020.txt")
    return folder


def _duplicates(failures) -> dict[str, str]:
    return {Path(f.source).name: f.reason for f in failures if f.kind == Failure.DUPLICATE}


def test_load_parses_identical_files_once_and_lists_the_copies_as_duplicates_of_the_first(copies):
    corpus = load(copies)
    once = load([copies / "a.txt", copies / "z2020.txt"])
    assert corpus.reports.height == 2 and corpus.table3.height == once.table3.height
    assert corpus.checks.filter(status="fail").height == once.checks.filter(status="fail").height
    duplicates = _duplicates(corpus.failures)
    assert sorted(duplicates) == ["b.txt", "d.txt"]
    assert all(os.path.relpath(copies / "a.txt") in reason and "stored once" in reason for reason in duplicates.values())


def test_load_in_two_processes_finds_duplicates_across_batches(copies):
    corpus = load(copies, jobs=2)  # four files in four batches
    assert corpus.reports.height == 2 and sorted(_duplicates(corpus.failures)) == ["b.txt", "d.txt"]


def test_ingest_stores_identical_files_once_lists_them_and_keeps_listing_them(copies, tmp_path):
    out = tmp_path / "store"
    summary = ingest(copies, out)
    assert (summary.n_parsed, summary.n_duplicates, summary.n_failed) == (2, 2, 0)
    stored = read_corpus(out)
    assert stored.reports.height == 2 and stored.table3.height == load([copies / "a.txt", copies / "z2020.txt"]).table3.height
    assert sorted(_duplicates(read_store_failures(out))) == ["b.txt", "d.txt"]  # failures.csv, kind duplicate
    again = ingest(copies, out)
    assert again.is_unchanged and sorted(_duplicates(again.failures)) == ["b.txt", "d.txt"]
    # the first copy goes: the next one in order is stored as itself, the last stays a duplicate of it
    (copies / "a.txt").unlink()
    third = ingest(copies, out)
    assert third.n_duplicates == 1 and _duplicates(third.failures) == {"d.txt": _duplicates(third.failures)["d.txt"]}
    assert os.path.relpath(copies / "b.txt") in read_corpus(out).reports["source"].to_list()


def test_ingest_cli_says_how_many_duplicates_were_stored_once_and_names_each(copies, tmp_path):
    result = CliRunner().invoke(main, ["ingest", str(copies), "--out", str(tmp_path / "store"), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "2 duplicate(s) stored once" in result.stdout
    assert sum(line.strip().startswith("duplicate: ") for line in result.stderr.splitlines()) == 2
    (tmp_path / "once").mkdir()
    shutil.copy(SEED_2023_CITY, tmp_path / "once" / "a.txt")
    shutil.copy(SEED_2020_TAISHANG, tmp_path / "once" / "z2020.txt")
    checked, once = (CliRunner().invoke(main, ["check", str(path)]) for path in (tmp_path / "store", tmp_path / "once"))
    assert checked.stdout.splitlines()[-1] == once.stdout.splitlines()[-1]  # "2 report(s), … N error-level failure(s) …"


@pytest.fixture()
def odd_folder(tmp_path, monkeypatch):
    """A good report beside a dangling link, a symlink loop, a link to a folder, a FIFO named like a
    report and a folder that cannot be listed (made unreadable by failing its scandir, so the test
    also holds for root, whom chmod does not stop)."""
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "other").mkdir()
    shutil.copy(SEED_2023_CITY, folder / "good.txt")
    os.symlink(folder / "gone.txt", folder / "dangling.txt")
    os.symlink(folder / "loop.txt", folder / "loop.txt")
    os.symlink(folder / "other", folder / "folder_link")
    os.mkfifo(folder / "pipe.txt")
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == folder / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    return folder


def _skipped(failures) -> dict[str, str]:
    return {Path(f.source).name: f.reason for f in failures if f.kind == Failure.SKIPPED}


def test_every_path_passed_over_is_listed_with_its_reason(odd_folder):
    found = discover_files(odd_folder)
    assert [path.name for path in found.files] == ["good.txt"]
    skipped = _skipped(found.skipped)
    assert sorted(skipped) == ["dangling.txt", "folder_link", "locked", "loop.txt", "pipe.txt"]
    assert "dangling symbolic link" in skipped["dangling.txt"] and "gone.txt" in skipped["dangling.txt"]
    assert "symbolic link loop" in skipped["loop.txt"]
    assert "not followed" in skipped["folder_link"]
    assert "unreadable folder" in skipped["locked"] and "Permission denied" in skipped["locked"]
    assert "FIFO" in skipped["pipe.txt"]


def test_load_and_ingest_go_on_past_skipped_paths_and_list_them(odd_folder, tmp_path):
    corpus = load(odd_folder)
    assert corpus.reports.height == 1 and len(_skipped(corpus.failures)) == 5
    summary = ingest(odd_folder, tmp_path / "store")
    assert summary.n_parsed == 1 and summary.n_skipped == 5 and summary.n_failed == 0
    assert len(_skipped(read_store_failures(tmp_path / "store"))) == 5


def test_ingest_cli_prints_a_skipped_line_per_path_and_no_traceback(odd_folder, tmp_path):
    result = CliRunner().invoke(main, ["ingest", str(odd_folder), "--out", str(tmp_path / "store"), "--no-progress"])
    assert result.exit_code == 0 and "Traceback" not in result.output
    lines = [line.strip() for line in result.stderr.splitlines()]
    assert sum(line.startswith("skipped: ") for line in lines) == 5
    assert any(line.startswith("skipped: ") and "loop.txt: symbolic link loop" in line for line in lines)
