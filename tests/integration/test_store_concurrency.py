"""Real processes against one store: two ingests at once, and ``kill -9`` in the middle of a 2-worker ingest.

The store must come out whole every time: ``current`` points at a complete version (the one
before the run, or the run's own), the next run cleans what the killed one left, no worker
outlives its parent, and nothing a run reported as stored is lost (issue 15).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import psutil
import pytest

from govdata import load, synth
from govdata.pipeline import discover
from govdata.store import CURRENT, current_version, read_corpus, read_lock_holder, read_store_failures

GOVDATA = [sys.executable, "-c", "from govdata.cli import main; main()"]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """80 synthetic reports (slow enough to be caught mid-run) and the registry of their agencies."""
    folder = tmp_path_factory.mktemp("synth")
    synth.write_synthetic_corpus(80, folder, seed=15, truth=False)
    return folder


def _env(synthetic: Path) -> dict[str, str]:
    return dict(os.environ, GOVDATA_AGENCIES=str(synthetic / "agencies.csv"))


def _ingest(paths: list[Path], out: Path, env: dict[str, str], *extra: str) -> subprocess.Popen:
    command = [*GOVDATA, "ingest", *map(str, paths), "--out", str(out), "--no-progress", *extra]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_lock(out: Path, pid: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while read_lock_holder(out).get("pid") != pid:
        assert time.monotonic() < deadline, "the first ingest never took the lock"
        time.sleep(0.05)


def _sources(out: Path) -> list[str]:
    return sorted(read_corpus(out).reports["source"])


def _report_ids(paths: list[Path], env: dict[str, str], monkeypatch) -> list[str]:
    monkeypatch.setenv("GOVDATA_AGENCIES", env["GOVDATA_AGENCIES"])
    return sorted(load(paths).reports["report_id"])


if not hasattr(signal, "SIGKILL"):  # pragma: no cover - POSIX only
    pytest.skip("needs POSIX signals", allow_module_level=True)


def test_two_ingests_of_different_inputs_into_one_store_take_turns_and_the_store_stays_whole(synthetic, raw_dir, tmp_path,
                                                                                             monkeypatch):
    out, env = tmp_path / "store", _env(synthetic)
    first = _ingest([synthetic / "reports"], out, env, "--wait", "300")
    _wait_for_lock(out, first.pid)
    second = _ingest([raw_dir], out, env, "--wait", "300")
    for run in (first, second):
        stdout, stderr = run.communicate(timeout=600)
        assert run.returncode == 0, stderr
        assert "Traceback" not in stderr and "ingested" in stdout
    # the second waited for the first, then made the store hold exactly its own inputs
    assert sorted(read_corpus(out).reports["report_id"]) == _report_ids([raw_dir], env, monkeypatch)
    assert all(Path(source).resolve().is_relative_to(raw_dir) for source in _sources(out))
    assert not list(out.glob(".v-*.tmp")) and len(list(out.glob("v-*"))) == 2

    # without --wait, a run that finds the store taken stops at once, in one line naming the holder
    third = _ingest([synthetic / "reports"], out, env)
    _wait_for_lock(out, third.pid)
    refused = _ingest([raw_dir], out, env)
    stdout, stderr = refused.communicate(timeout=120)
    assert refused.returncode == 1 and stdout == ""
    [line] = stderr.strip().splitlines()
    assert line.startswith("govdata ingest: ") and f"pid {third.pid}" in line and "--wait" in line
    assert third.wait(timeout=600) == 0
    assert sorted(read_corpus(out).reports["report_id"]) == _report_ids([synthetic / "reports"], env, monkeypatch)


@pytest.fixture(scope="module")
def half_stored(synthetic, tmp_path_factory):
    """A store of 40 synthetic reports, and their folder now holding 80: what a run to kill would ingest."""
    env = _env(synthetic)
    files = discover(synthetic / "reports")
    inputs = tmp_path_factory.mktemp("inputs")
    for path in files[:40]:
        shutil.copy(path, inputs / path.name)
    store = tmp_path_factory.mktemp("baseline") / "store"
    assert _ingest([inputs], store, env).wait(timeout=600) == 0
    before = sorted(read_corpus(store).reports["report_id"])
    for path in files[40:]:
        shutil.copy(path, inputs / path.name)
    with pytest.MonkeyPatch.context() as patch:
        after = _report_ids([inputs], env, patch)
    return inputs, store, before, after


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_at_a_random_point_of_a_two_worker_ingest_leaves_the_store_whole(synthetic, half_stored, tmp_path, seed):
    env = _env(synthetic)
    inputs, baseline, before, after = half_stored
    out = tmp_path / "store"
    shutil.copytree(baseline, out, symlinks=True)

    run = _ingest([inputs], out, env, "--jobs", "2")
    time.sleep(random.Random(seed).uniform(0.3, 4.0))
    workers = psutil.Process(run.pid).children(recursive=True) if run.poll() is None else []
    run.send_signal(signal.SIGKILL)
    run.wait()
    _, alive = psutil.wait_procs(workers, timeout=30)
    assert not alive, f"workers outlived their killed parent: {[p.pid for p in alive]}"

    # whatever the moment, current is a whole version: the one before the run, or the run's own
    version = current_version(out)
    assert version is not None and version.is_dir()
    assert sorted(read_corpus(out).reports["report_id"]) in (before, after)
    assert pl.scan_parquet(str(out / CURRENT / "table3" / "**" / "*.parquet"), hive_partitioning=True).collect().height > 0

    # the next run takes the dead run's lock over, removes its staging and finishes the job
    again = _ingest([inputs], out, env, "--jobs", "2")
    _, stderr = again.communicate(timeout=600)
    assert again.returncode == 0, stderr
    assert sorted(read_corpus(out).reports["report_id"]) == after
    assert not list(out.glob(".v-*.tmp")) and not list(out.glob(".current.*.tmp"))
    assert len(list(out.glob("v-*"))) <= 2 and read_store_failures(out) == []
