"""One writer at a time per store; a dead writer's lock, staging and versions never get in the way (issue 15)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from govdata import load
from govdata.cli import main
from govdata.ingest import ingest
from govdata.store import (
    CURRENT,
    LOCK_NAME,
    PartitionedWriter,
    StoreLock,
    StoreLockedError,
    current_version,
    read_corpus,
    read_lock_holder,
    write_corpus,
)
from tests.conftest import SEED_2019_EDZ, SEED_2020_TAISHANG, SEED_2023_CITY


def hold_lock(out: Path, seconds: float) -> subprocess.Popen:
    """Another process that takes the store's lock and keeps it ``seconds`` (or until killed)."""
    code = (f"import time; from govdata.store import StoreLock; StoreLock({str(out)!r}, command='test holder').acquire(); "
            f"print('locked', flush=True); time.sleep({seconds})")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_second_writer_is_refused_with_a_message_naming_the_holder(tmp_path):
    holder = hold_lock(tmp_path, 60)
    try:
        with pytest.raises(StoreLockedError) as refused:
            StoreLock(tmp_path).acquire()
        message = str(refused.value)
        assert f"pid {holder.pid} on {socket.gethostname()} (test holder)" in message
        assert "since 20" in message and "--wait SECONDS" in message and LOCK_NAME in message
    finally:
        holder.kill()
        holder.wait()


def test_a_second_writer_waits_for_the_holder_to_end(tmp_path):
    holder = hold_lock(tmp_path, 1)
    with StoreLock(tmp_path, wait=60):
        assert holder.poll() is not None, "the lock was taken while its holder still ran"
        assert read_lock_holder(tmp_path)["pid"] == os.getpid()


def test_the_lock_of_a_writer_killed_with_kill_9_is_taken_over_at_once(tmp_path):
    holder = hold_lock(tmp_path, 60)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert read_lock_holder(tmp_path)["pid"] == holder.pid  # its note stays behind …
    with StoreLock(tmp_path):  # … and does not stop the next run
        assert read_lock_holder(tmp_path)["pid"] == os.getpid()


def test_ingest_and_write_corpus_refuse_a_store_another_run_writes_and_leave_it_as_it_was(tmp_path):
    out = tmp_path / "store"
    ingest([SEED_2023_CITY], out)
    before = os.readlink(out / CURRENT)
    holder = hold_lock(out, 60)
    try:
        with pytest.raises(StoreLockedError):
            ingest([SEED_2023_CITY, SEED_2020_TAISHANG], out)
        with pytest.raises(StoreLockedError):
            write_corpus(load([SEED_2020_TAISHANG]), out, partitioned=True)
        with pytest.raises(StoreLockedError):
            write_corpus(load([SEED_2020_TAISHANG]), out)
    finally:
        holder.kill()
        holder.wait()
    assert os.readlink(out / CURRENT) == before and read_corpus(out).reports.height == 1
    assert not list(out.glob("*.parquet")) and not list(out.glob(".v-*.tmp"))


def test_ingest_cli_refuses_in_one_line_naming_the_holder_or_waits_with_wait(tmp_path):
    out = tmp_path / "store"
    holder = hold_lock(out, 60)
    try:
        refused = CliRunner().invoke(main, ["ingest", str(SEED_2023_CITY), "--out", str(out), "--no-progress"])
    finally:
        holder.kill()
        holder.wait()
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("govdata ingest: ") and f"pid {holder.pid}" in line and "test holder" in line
    holder = hold_lock(out, 1)
    waited = CliRunner().invoke(main, ["ingest", str(SEED_2023_CITY), "--out", str(out), "--no-progress", "--wait", "60"])
    holder.wait()
    assert waited.exit_code == 0, waited.output
    assert read_corpus(out).reports.height == 1


def test_pruning_keeps_the_version_current_points_to_when_an_earlier_writer_commits_last(tmp_path):
    # The lock makes writers of one store take turns; within one process it is re-entrant, which
    # lets this test replay the old race: a long run that started first commits after two short ones.
    out = tmp_path / "store"
    with PartitionedWriter(out) as long_run:
        long_run.write(load([SEED_2019_EDZ]), "00000")
        for seed in (SEED_2023_CITY, SEED_2020_TAISHANG):
            write_corpus(load([seed]), out, partitioned=True)
        short_version = current_version(out).name
        long_run.write_failures([])
        committed = long_run.commit()
    assert current_version(out) == committed.resolve() and committed.name < short_version  # the older name won
    assert sorted(p.name for p in out.glob("v-*")) == sorted([committed.name, short_version])
    assert read_corpus(out).reports["source"].to_list() == [os.path.relpath(SEED_2019_EDZ)]


def test_staging_left_by_a_killed_run_is_removed_by_the_next_writer(tmp_path):
    out = tmp_path / "store"
    write_corpus(load([SEED_2023_CITY]), out, partitioned=True)
    (out / ".v-18ecaeec6e16756f-35ad5d.tmp" / "table3" / "year=2023").mkdir(parents=True)
    (out / ".v-18ecaeec6e16756f-35ad5d.tmp" / "table3" / "year=2023" / "part-35ad5d-b00000.parquet").write_bytes(b"half")
    os.symlink("v-nowhere", out / ".current.a1b2c3.tmp")
    (out / ".reports.parquet.x1y2.tmp").write_bytes(b"half")
    write_corpus(load([SEED_2020_TAISHANG]), out, partitioned=True)
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [LOCK_NAME]
    assert read_corpus(out).reports.height == 1
