"""`govdata ingest --engine dask` on a local 2-worker cluster writes the store the default engine writes.

One LocalCluster (2 worker processes of one thread) serves the module. The default engine's
store of the same corpus, with ``jobs=2`` (so the batches are the same), is the reference: every
file of the new version must hold the same rows (frames compared after sorting; part files are
named by their writer's token, which is left out). Both ways of reaching the workers (paths, bytes),
a worker killed in the middle of the run, a report that cannot be parsed and the CLI's options
are pinned here too.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pytest

distributed = pytest.importorskip("distributed")

from click.testing import CliRunner  # noqa: E402
from distributed import Client, LocalCluster, WorkerPlugin  # noqa: E402

from govdata import synth  # noqa: E402
from govdata.cli import main  # noqa: E402
from govdata.ingest import ClusterError, ingest  # noqa: E402
from govdata.ingest_dask import DaskEngine, dask_engine, run_batch  # noqa: E402
from govdata.model import Failure  # noqa: E402
from govdata.store import CURRENT, read_store_failures  # noqa: E402

pytestmark = pytest.mark.integration

N_REPORTS = 30
BROKEN = "broken.pdf"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """30 synthetic reports, a copy of one (a duplicate) and a file that is not a PDF (a failure)."""
    folder = tmp_path_factory.mktemp("synth")
    synth.write_synthetic_corpus(N_REPORTS, folder, seed=18, truth=False)
    reports = folder / "reports"
    first = sorted(reports.rglob("*.*"))[0]
    shutil.copy(first, reports / f"copy-of-{first.name}")
    (reports / BROKEN).write_bytes(b"%PDF-1.7\n this is not a PDF at all \x00\x01")
    return folder


@pytest.fixture
def agencies(corpus, monkeypatch):
    """The corpus's agency registry, named by GOVDATA_AGENCIES in this process only: the Dask
    engine hands it to the workers (their environment was set when the cluster started)."""
    monkeypatch.setenv("GOVDATA_AGENCIES", str(corpus / "agencies.csv"))


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local, \
            Client(local) as client:
        yield client


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> Path:
    """The default engine's store of the corpus (2 processes: the same batches as 2 Dask workers)."""
    out = tmp_path_factory.mktemp("reference") / "store"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVDATA_AGENCIES", str(corpus / "agencies.csv"))
        ingest(corpus / "reports", out, jobs=2)
    return out


def _version_files(out: Path) -> dict[str, Path]:
    """The files of the current version by their path in it, part files without their writer's token."""
    version = (out / CURRENT).resolve()
    return {re.sub(r"part-[0-9a-f]+-", "part-", str(path.relative_to(version))): path
            for path in sorted(version.rglob("*")) if path.is_file()}


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


def _partitions(files: dict[str, Path]) -> dict[str, pl.DataFrame]:
    """Every <frame>/year=<YYYY> partition's rows, whatever part files (batches) hold them."""
    parts: dict[str, list[Path]] = {}
    for name, path in files.items():
        if "/part-" in name:
            parts.setdefault(name.rsplit("/", 1)[0], []).append(path)
    return {partition: _sorted(pl.concat([pl.read_parquet(path) for path in paths])) for partition, paths in parts.items()}


def assert_same_store(out: Path, reference: Path, *, same_parts: bool = False) -> None:
    """The same content: every partition of every frame the same rows (sorted), the same
    files.parquet, settings.json and failures.csv rows; ``same_parts``: file for file, too
    (the batches, so the part files, follow the number of workers the scheduler has when the run starts)."""
    ours, theirs = _version_files(out), _version_files(reference)
    if same_parts:
        assert sorted(ours) == sorted(theirs)
        for name, path in theirs.items():
            if "/part-" in name:
                assert _sorted(pl.read_parquet(ours[name])).equals(_sorted(pl.read_parquet(path))), name
    mine, expected = _partitions(ours), _partitions(theirs)
    assert sorted(mine) == sorted(expected)
    for partition, rows in expected.items():
        assert mine[partition].equals(rows), partition
    assert sorted(name for name in ours if "/part-" not in name) == sorted(name for name in theirs if "/part-" not in name)
    for name, path in theirs.items():
        if name.endswith(".parquet") and "/part-" not in name:
            assert _sorted(pl.read_parquet(ours[name])).equals(_sorted(pl.read_parquet(path))), name
        elif name.endswith(".csv"):
            assert sorted(csv.reader(ours[name].open(encoding="utf-8"))) == sorted(csv.reader(path.open(encoding="utf-8"))), name
        elif "/part-" not in name:
            assert ours[name].read_bytes() == path.read_bytes(), name


# The two tests that start a local cluster of their own come before the module's cluster is up.
def test_dask_engine_context_closes_its_local_cluster():
    with dask_engine(workers=1) as engine:
        assert engine.n_workers == 1
        client = engine.client
    assert client.status == "closed"


def test_cli_ingest_engine_dask_starts_a_local_cluster(corpus, agencies, tmp_path):
    out = tmp_path / "store"
    result = CliRunner().invoke(main, ["ingest", str(corpus / "reports"), "--out", str(out), "--no-progress",
                                       "--engine", "dask", "--jobs", "1", "--send", "bytes"])
    assert result.exit_code == 0, result.output
    assert pl.read_parquet(out / CURRENT / "reports" / "**" / "*.parquet").height == N_REPORTS


@pytest.mark.parametrize("send", ["paths", "bytes"])
def test_dask_ingest_writes_the_store_the_default_engine_writes(corpus, reference, cluster, agencies, tmp_path, send):
    out = tmp_path / "store"
    summary = ingest(corpus / "reports", out, jobs=2, engine=DaskEngine(cluster, send=send))
    assert (summary.n_files, summary.n_parsed, summary.n_failed, summary.n_duplicates) == (N_REPORTS + 2, N_REPORTS + 1, 1, 1)
    assert_same_store(out, reference, same_parts=True)  # a fresh cluster of 2 workers: the batches of jobs=2
    assert not list(out.glob(".v-*.tmp"))


def test_a_report_that_cannot_be_parsed_is_a_failure_row_and_its_batch_goes_on(corpus, cluster, agencies, tmp_path):
    out = tmp_path / "store"
    ingest(corpus / "reports", out, jobs=2, engine=DaskEngine(cluster))
    [failed] = [f for f in read_store_failures(out) if f.kind == Failure.FAILED]
    assert Path(failed.source).name == BROKEN
    stored = pl.read_parquet(out / CURRENT / "reports" / "**" / "*.parquet")
    assert stored.height == N_REPORTS  # every report of every batch, the broken file's batch too


class KillWorkerStartingBatch(WorkerPlugin):
    """Kills (SIGKILL) the worker process that starts batch ``batch`` while the file ``armed``
    exists; ``once`` disarms it first, so only the first try dies. Files, not the plugin's own
    state, decide: they hold across the worker's restart, and a worker that registered the
    plugin while it was being unregistered does nothing once the test has disarmed it."""

    name = "kill-worker-starting-batch"

    def __init__(self, batch: str, armed: Path, *, once: bool):
        self.batch, self.armed, self.once = batch, str(armed), once

    def transition(self, key, start, finish, **kwargs):
        if finish != "executing" or not str(key).endswith(f"-{self.batch}") or not os.path.exists(self.armed):
            return
        with open(self.armed + ".killed", "a") as log:
            log.write(f"{os.getpid()}\n")
        if self.once:
            os.remove(self.armed)
        os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def killing_workers(client: Client, batch: str, folder: Path, *, once: bool):
    """The plugin above, armed for the block; yields the file that lists the killed workers' pids."""
    armed = folder / "armed"
    armed.touch()
    client.register_plugin(KillWorkerStartingBatch(batch, armed, once=once))
    try:
        yield Path(f"{armed}.killed")
    finally:
        armed.unlink(missing_ok=True)
        client.unregister_worker_plugin(KillWorkerStartingBatch.name)
        client.wait_for_workers(2, timeout=120)  # the nannies restart the killed ones


def test_a_worker_killed_mid_run_loses_only_its_batch_which_is_run_again(corpus, reference, cluster, agencies, tmp_path):
    out = tmp_path / "store"
    with killing_workers(cluster, "b00002", tmp_path, once=True) as killed:
        ingest(corpus / "reports", out, jobs=2, engine=DaskEngine(cluster))
    assert killed.exists(), "no worker was killed: the test did not test anything"
    assert_same_store(out, reference)


def test_a_batch_whose_workers_keep_dying_stops_the_run_naming_it_and_publishes_nothing(corpus, cluster, agencies, tmp_path):
    out = tmp_path / "store"
    with killing_workers(cluster, "b00001", tmp_path, once=False), \
            pytest.raises(ClusterError, match=r"batch b00001 \(\d+ file\(s\) from .*\) was lost"):
        ingest(corpus / "reports", out, jobs=2, engine=DaskEngine(cluster))
    assert not (out / CURRENT).exists()


def test_a_worker_that_parses_with_other_settings_than_the_caller_is_refused(corpus, tmp_path):
    with pytest.raises(ClusterError, match="other govdata code or settings"):
        run_batch(lambda task: None, None, {}, "not the fingerprint of this code")


def test_cli_ingest_engine_dask_on_a_running_scheduler(corpus, reference, cluster, agencies, tmp_path):
    out = tmp_path / "store"
    result = CliRunner().invoke(main, ["ingest", str(corpus / "reports"), "--out", str(out), "--no-progress",
                                       "--engine", "dask", "--scheduler", cluster.scheduler.address, "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert f"ingested {N_REPORTS} report(s) of {N_REPORTS + 2} file(s)" in result.output
    assert_same_store(out, reference)


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:9", "no-port-here"])
def test_cli_scheduler_that_cannot_be_reached_is_a_one_line_error_naming_it(corpus, agencies, tmp_path, address):
    import dask

    out = tmp_path / "store"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = CliRunner().invoke(main, ["ingest", str(corpus / "reports"), "--out", str(out), "--no-progress",
                                           "--engine", "dask", "--scheduler", address])
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith("govdata ingest: cannot reach the Dask scheduler at ") and address in line
    assert not (out / CURRENT).exists()


@pytest.mark.parametrize("option", [["--scheduler", "tcp://x:1"], ["--send", "bytes"]])
def test_cli_dask_options_without_engine_dask_are_a_usage_error(corpus, tmp_path, option):
    result = CliRunner().invoke(main, ["ingest", str(corpus / "reports"), "--out", str(tmp_path / "s"), *option])
    assert result.exit_code == 2 and f"{option[0]} needs --engine dask" in result.output
