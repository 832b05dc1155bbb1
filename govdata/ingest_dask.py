"""The Dask engine of ingest: the batches parsed on a ``dask.distributed`` cluster.

Why an engine and not a second ingest: everything that makes a store right (the file index,
duplicates, the corpus-wide rules, the lock, the atomic publish) stays in :func:`govdata.ingest.ingest`,
in the calling process. Only the per-batch read, parse and part writing (``_ingest_batch``) moves
to the workers, through the :class:`govdata.ingest.BatchEngine` seam, so both engines write the
same store. Workers read the reports by path (or are sent their bytes: ``send="bytes"``) and
write their part files into the new version's staging folder themselves: ``--out``, and the
inputs unless their bytes are sent, must be on storage every worker sees (a shared file system
on HPC, a shared volume on Kubernetes; on a local cluster, this machine's disk).

A worker that dies loses only the batch it was running: the scheduler gives it to another worker
(up to ``distributed.scheduler.allowed-failures`` times), which first removes what the dead one
wrote of it. A batch whose workers keep dying stops the run with a :class:`ClusterError` before
anything is published; a report that cannot be parsed is a Failure row, as with the default engine.

Dask is optional (``pip install 'govdata[dask]'``): this module is imported only when an ingest
asks for the Dask engine, so ``import govdata`` never needs it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from govdata import paths
from govdata.ingest import BatchTask, ClusterError, settings_fingerprint
from govdata.model import Corpus

try:
    from distributed import Client, KilledWorker, LocalCluster, as_completed
except ImportError as exc:  # pragma: no cover - the extra is part of the dev install
    raise ClusterError("the Dask engine needs dask.distributed: pip install 'govdata[dask]'") from exc

# How the reports reach the workers: their paths (storage every worker sees), or their bytes.
SEND = ("paths", "bytes")
# What the calling process's settings are named by on a worker (see caller_settings).
_SETTINGS_ENV = (paths.PROJECT_ENV, paths.AGENCIES_ENV, paths.REVIEWS_ENV)


class DaskEngine:
    """A :class:`govdata.ingest.BatchEngine` on a ``distributed.Client``.

    Batches are submitted a few per worker ahead (``ahead``), not all at once, and their results
    (the slim rule inputs) are handed back in task order, so the memory of the caller stays
    bounded and the output does not depend on which worker finished first. ``retries`` reruns a
    batch that raised (a file system hiccup on a shared disk); a dead worker's batch is rerun by
    the scheduler on its own. ``send="bytes"`` reads the files here and sends their bytes (for
    workers that cannot see the inputs; ``--out`` they must still see), ``"paths"`` their paths.
    """

    def __init__(self, client: Client, *, send: str = "paths", retries: int = 1, ahead: int = 2):
        if send not in SEND:
            raise ValueError(f"send must be one of {', '.join(SEND)}, not {send!r}")
        self.client = client
        self.send = send
        self.retries = retries
        self.ahead = ahead

    @property
    def n_workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def map_batches(self, func: Callable[[BatchTask], Corpus], tasks: Sequence[BatchTask]) -> Iterator[tuple[BatchTask, Corpus]]:
        settings, fingerprint = caller_settings(), settings_fingerprint()
        window = max(2, self.ahead * self.n_workers)
        waiting = list(reversed(range(len(tasks))))
        in_flight: dict[str, tuple[int, object]] = {}  # future key -> (task index, future)
        done: dict[int, Corpus] = {}
        running = as_completed(loop=self.client.loop)
        next_out = 0

        def submit_more() -> None:
            while waiting and len(in_flight) + len(done) < window:
                index = waiting.pop()
                task = tasks[index]
                portable = task.portable(with_bytes=self.send == "bytes")
                future = self.client.submit(run_batch, func, portable, settings, fingerprint, pure=False,
                                            key=f"govdata-ingest-{task.parts.token}-{task.name}", retries=self.retries)
                in_flight[future.key] = (index, future)
                running.add(future)

        submit_more()
        try:
            for future in running:
                index, _ = in_flight.pop(future.key)
                done[index] = _result(future, tasks[index])
                while next_out in done:
                    yield tasks[next_out], done.pop(next_out)
                    next_out += 1
                submit_more()
        finally:
            if in_flight:  # stopped early (an error, or the caller gave up): nothing more is written
                self.client.cancel([future for _, future in in_flight.values()])


def _result(future, task: BatchTask) -> Corpus:
    """The batch's result; a batch whose workers kept dying is a ClusterError naming it."""
    try:
        return future.result()
    except KilledWorker as exc:
        first = task.sources[0] if task.sources else (str(task.files[0]) if task.files else "")
        raise ClusterError(f"batch {task.name} ({len(task.files)} file(s) from {first}) was lost: every worker that ran it "
                           f"died ({exc}); nothing was published") from exc


def caller_settings() -> dict[str, str | None]:
    """The settings that shape a parsed report besides its bytes, as a worker must see them: the
    project root (where the agency registry and the verdicts are by default) and the registry
    and verdicts files when an environment variable names them, all as absolute paths (a
    worker's working directory is not the caller's)."""
    chosen = {name: os.environ.get(name) or None for name in _SETTINGS_ENV}
    chosen[paths.PROJECT_ENV] = str(paths.project_root())
    return {name: os.path.abspath(value) if value else None for name, value in chosen.items()}


def run_batch(func: Callable[[BatchTask], Corpus], task: BatchTask, settings: dict[str, str | None], fingerprint: str) -> Corpus:
    """On a worker: take the caller's settings, check that this worker parses as the caller
    would (the same govdata code, label tables, registry and verdicts: the fingerprint that
    decides what an ingest reuses), remove what an earlier, dead attempt wrote of this batch,
    then parse and write it."""
    for name, value in settings.items():  # the same values for every batch of one ingest
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    if settings_fingerprint() != fingerprint:
        raise ClusterError(f"a worker ({socket.gethostname()}, pid {os.getpid()}) runs other govdata code or settings than the "
                           "caller (govdata version, label tables, agency registry or review verdicts differ)")
    task.parts.remove(task.name)
    return func(task)


@contextmanager
def dask_engine(*, scheduler: str | None = None, workers: int = 1, send: str = "paths",
                connect_timeout: float | None = None) -> Iterator[DaskEngine]:
    """A DaskEngine on the cluster whose scheduler is at ``scheduler`` (``tcp://host:8786``: one
    started by dask-jobqueue, the Dask Helm chart, ``dask scheduler``), or else on a local
    cluster of ``workers`` processes of one thread each, closed at the end. A scheduler that
    cannot be reached in ``connect_timeout`` seconds (default: Dask's
    ``distributed.comm.timeouts.connect``, 30 s) is a :class:`ClusterError` naming it.
    ``send``: how the reports reach the workers (:class:`DaskEngine`)."""
    if scheduler is None:
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
                Client(cluster) as client:
            yield DaskEngine(client, send=send)
        return
    try:
        client = Client(scheduler, **({} if connect_timeout is None else {"timeout": connect_timeout}))
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {_one_line(exc)}") from exc
    with client:
        yield DaskEngine(client, send=send)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
