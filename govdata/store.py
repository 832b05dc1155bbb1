"""Store stage: a :class:`~govdata.model.Corpus` to Parquet and back.

Why atomic: ``ingest`` may be interrupted (Ctrl-C, a full disk). Every frame is written to a
temporary file in the output directory and renamed into place only when all frames are
written, so a reader sees either the previous complete outputs or the new complete ones,
never a mix or a half-written file.

Two layouts. The default of ``govdata ingest`` (and of :func:`govdata.ingest.ingest`, or
``write_corpus(..., partitioned=True)``) serves corpora of any size (docs/scaling.md):
Hive-style partitions by statistics year that Polars ``scan_parquet``, DuckDB, pyarrow and
Spark read as they are::

    <out>/current -> v-<id>                                  (symlink, swapped atomically)
    <out>/v-<id>/<frame>/year=<YYYY>/part-<batch>.parquet    (year=__HIVE_DEFAULT_PARTITION__ when unknown)
    <out>/v-<id>/files.parquet                               (what was read: path, size, mtime, report_id)
    <out>/v-<id>/failures.csv, settings.json

Frames without a ``year`` column get it from their report; the partition value lives in the
directory name only (files hold the other columns), as Hive, Spark and Polars expect. The
atomic guarantee holds here too: a new version is written beside the old one and ``current``
is replaced by one rename, so readers see the previous complete version or the new one.
The ingest workers write their batches' part files into the new version themselves
(:class:`PartWriter`); the parent only commits.

The flat layout (``govdata ingest --layout flat``, :func:`write_corpus`) is
``<out>/<frame>.parquet`` for every contract frame, plus ``failures.csv`` listing files that
could not be read.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from govdata import paths, schema, system
from govdata.model import Corpus, Failure


def write_corpus(corpus: Corpus, out_dir: str | os.PathLike, *, partitioned: bool = False,
                 lock_wait: float = 0.0) -> dict[str, Path]:
    """Write every frame of ``corpus`` to ``out_dir`` atomically; returns frame -> path.

    ``partitioned=True`` writes the year-partitioned layout (see the module docstring). The
    store is locked while it is written (:class:`StoreLock`; ``lock_wait`` seconds to wait for
    another writer); files get the permissions the umask gives.
    """
    if partitioned:
        with PartitionedWriter(out_dir, lock_wait=lock_wait) as writer:
            writer.write(corpus, "00000")
            writer.write_failures(corpus.failures)
            version = writer.commit()
        return {name: Path(out_dir) / CURRENT / name for name in schema.FRAME_NAMES} | {"failures": version / "failures.csv"}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with StoreLock(out, wait=lock_wait):
        clean_stale_staging(out)
        staged: list[tuple[Path, Path]] = []
        try:
            for name, df in corpus.frames().items():
                final = out / f"{name}.parquet"
                staged.append((_temp_path(out, final.name), final))
                write_parquet(df, staged[-1][0])
            final = out / "failures.csv"
            staged.append((_temp_path(out, final.name), final))
            _write_failures(corpus.failures, staged[-1][0])
            for tmp, _ in staged:
                system.follow_umask(tmp)  # mkstemp made them 0600
        except BaseException:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            raise
        for tmp, final in staged:
            os.replace(tmp, final)
    return {final.stem: final for _, final in staged}


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """``frame.write_parquet(path)``; an I/O failure (a full disk, a read-only folder) is an
    OSError naming ``path``, also when Polars reports it as a ComputeError."""
    try:
        frame.write_parquet(path)
    except Exception as exc:
        error = system.as_os_error(exc, path)
        if error is None or error is exc:
            raise
        raise error from exc


def read_corpus(in_dir: str | os.PathLike) -> Corpus:
    """Read a directory written by :func:`write_corpus` (missing frames come back empty).

    A partitioned store is read whole into memory; for a large one use :func:`scan_frame`.
    A relative path that does not exist here is looked up from the project root, so a notebook
    opened in JupyterLab (whose kernel runs in notebooks/) finds ``data/processed`` too.
    """
    src = resolve_data_dir(in_dir)
    in_dir = src
    if is_partitioned(src):
        src = src / CURRENT
        return Corpus(**{name: scan_frame(in_dir, name).collect() for name in schema.FRAME_NAMES},
                      failures=_read_failures(src / "failures.csv"))
    frames = {}
    for name in schema.FRAME_NAMES:
        path = src / f"{name}.parquet"
        frames[name] = schema.conform(name, pl.read_parquet(path)) if path.exists() else schema.empty(name)
    return Corpus(**frames, failures=_read_failures(src / "failures.csv"))


def resolve_data_dir(in_dir: str | os.PathLike) -> Path:
    """The processed-data directory, from the working directory or else the project root (:mod:`govdata.paths`).

    Raises FileNotFoundError naming both places tried, instead of returning empty frames.
    """
    src = Path(in_dir)
    if src.is_dir():
        return src
    root = paths.project_root()
    if not src.is_absolute() and (root / src).is_dir():
        return root / src
    raise FileNotFoundError(f"no processed data at {src} (nor {root / src}); run `make demo` or "
                            f"`govdata ingest data/raw --out {src}` first")


def is_processed_dir(path: str | os.PathLike) -> bool:
    """True for a directory written by `govdata ingest`: a partitioned store, or flat frames (checks.parquet)."""
    path = Path(path)
    return path.is_dir() and ((path / "checks.parquet").exists() or is_partitioned(path))


# Switching layouts in one folder must not leave the other layout's files behind: readers prefer
# the partitioned store when both are there (read_corpus), so a flat ingest into a folder holding
# a store would be read as the old store, and stale flat frames beside a new store mislead.
def remove_flat_frames(out_dir: str | os.PathLike) -> None:
    """Delete ``<out>/<frame>.parquet`` and ``<out>/failures.csv`` left by an earlier flat ingest."""
    out = Path(out_dir)
    for name in (*(f"{frame}.parquet" for frame in schema.FRAME_NAMES), "failures.csv"):
        (out / name).unlink(missing_ok=True)


def remove_partitioned_store(out_dir: str | os.PathLike) -> None:
    """Delete the ``current`` link and the version folders of an earlier partitioned ingest."""
    out = Path(out_dir)
    link = out / CURRENT
    if link.is_symlink():
        link.unlink()  # one unlink: readers switch to the flat frames just written
    for version in out.glob("v-*"):
        if version.is_dir() and not version.is_symlink():
            shutil.rmtree(version)


def _read_failures(path: Path) -> list[Failure]:
    failures = []
    if path.exists():
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                failures.append(Failure(row["source"], row["reason"], int(row["line"]) if row["line"] else None,
                                        kind=row.get("kind") or Failure.FAILED))
    return failures


def _temp_path(directory: Path, name: str) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    return Path(tmp)


def _write_failures(failures: list[Failure], path: Path) -> None:
    """failures.csv: source, line, reason and kind (failed, skipped or duplicate; see :class:`Failure`)."""
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["source", "line", "reason", "kind"])
            for failure in failures:
                writer.writerow([failure.source, failure.line or "", failure.reason, failure.kind])
    except OSError as exc:
        raise system.as_os_error(exc, path) from exc


# --- the partitioned layout --------------------------------------------------------------------

CURRENT = "current"
PARTITION = "year"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
FILES_INDEX = "files.parquet"
SETTINGS = "settings.json"


def is_partitioned(path: str | os.PathLike) -> bool:
    """True for a store in the partitioned layout (it has a ``current`` version)."""
    return (Path(path) / CURRENT).exists()


def scan_frame(in_dir: str | os.PathLike, name: str) -> pl.LazyFrame:
    """One frame of a store of either layout, lazily, with the schema's columns and types.

    Example:
        >>> scan_frame("data/processed", "outcomes").filter(pl.col("year") == 2023).collect()  # doctest: +SKIP
    """
    src = Path(in_dir)
    if not is_partitioned(src):
        path = src / f"{name}.parquet"
        if not path.exists():
            return schema.empty(name).lazy()
        lazy = pl.scan_parquet(path)  # lazily too: a query reads only the columns and row groups it needs
        present = set(lazy.collect_schema().names())
        return lazy.select([pl.col(c).cast(t) if c in present else pl.lit(None, dtype=t).alias(c)
                            for c, t in schema.polars_schema(name).items()])
    return scan_version(src / CURRENT, name)


def scan_version(version: str | os.PathLike, name: str) -> pl.LazyFrame:
    """One frame of one version directory of a partitioned store, lazily (see :func:`scan_frame`)."""
    folder = Path(version) / name
    if not any(folder.glob(f"{PARTITION}=*/*.parquet")):
        return schema.empty(name).lazy()
    lazy = pl.scan_parquet(str(folder / "**" / "*.parquet"), hive_partitioning=True)
    declared = schema.polars_schema(name)
    if PARTITION not in declared:
        lazy = lazy.drop(PARTITION)
    return lazy.select([pl.col(c).cast(t) for c, t in declared.items()])


def current_version(out_dir: str | os.PathLike) -> Path | None:
    """The directory ``current`` points to, or None for a store that has none yet."""
    link = Path(out_dir) / CURRENT
    return link.resolve() if link.exists() else None


def read_store_failures(out_dir: str | os.PathLike) -> list[Failure]:
    """The files a store could not read: its current version's when partitioned, else the flat
    layout's failures.csv (none when there is neither)."""
    version = current_version(out_dir)
    return _read_failures((version if version is not None else Path(out_dir)) / "failures.csv")


def read_files_index(out_dir: str | os.PathLike) -> tuple[pl.DataFrame | None, dict]:
    """The files the current version was made from (source, size, mtime_ns, report_id) and its settings."""
    version = current_version(out_dir)
    if version is None or not (version / FILES_INDEX).exists():
        return None, {}
    settings_path = version / SETTINGS
    settings = json.loads(settings_path.read_text(encoding="utf-8")) if settings_path.exists() else {}
    return pl.read_parquet(version / FILES_INDEX), settings


@dataclass(frozen=True)
class PartWriter:
    """Writes part files into the staging directory of a :class:`PartitionedWriter`'s version."""

    staging: Path
    token: str

    def write(self, corpus: Corpus, part: str) -> None:
        """Every frame of ``corpus`` as part ``part`` of each year partition (``part`` has no "-")."""
        years = corpus.reports.select("report_id", PARTITION)
        for name, frame in corpus.frames().items():
            self.write_frame(name, frame, part, years=years)

    def remove(self, part: str) -> None:
        """Remove every file of part ``part``: a batch run again (its first worker died while
        writing it) starts from nothing, so no half-written file of the dead run stays."""
        for path in self.staging.glob(f"*/{PARTITION}=*/part-{self.token}-{part}.parquet"):
            path.unlink(missing_ok=True)

    def write_frame(self, name: str, frame: pl.DataFrame, part: str, *, years: pl.DataFrame | None = None) -> None:
        """One frame's rows, split by year; ``years`` (report_id, year) dates frames without a year column."""
        if frame.height == 0:
            return
        if PARTITION not in frame.columns:
            frame = frame.join(years if years is not None else pl.DataFrame(schema={"report_id": pl.String, PARTITION: pl.Int64}),
                               on="report_id", how="left", maintain_order="left")
        for (year,), rows in frame.partition_by(PARTITION, as_dict=True, maintain_order=True).items():
            folder = self.staging / name / f"{PARTITION}={NULL_PARTITION if year is None else year}"
            folder.mkdir(parents=True, exist_ok=True)
            write_parquet(rows.drop(PARTITION), folder / f"part-{self.token}-{part}.parquet")


class PartitionedWriter:
    """Writes a new version of a partitioned store, batch by batch; :meth:`commit` publishes it at once.

    Used as a context manager: leaving the block with an exception removes the half-written
    version and leaves ``current`` as it was. The writer holds the store's :class:`StoreLock`
    from its creation to its commit or abort (``lock_wait`` seconds to wait for another
    writer), and removes the staging folders that runs killed before their end left behind.
    """

    def __init__(self, out_dir: str | os.PathLike, *, lock_wait: float = 0.0):
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self._lock = StoreLock(self.out, wait=lock_wait).acquire()
        try:
            clean_stale_staging(self.out)
            # Part files carry the writer's token: parts kept from an earlier version never collide with new ones.
            self.token = secrets.token_hex(3)
            self.version = f"v-{time.time_ns():x}-{self.token}"
            self.staging = self.out / f".{self.version}.tmp"
            self.staging.mkdir()
            _LIVE_STAGING.add(os.path.realpath(self.staging))
        except BaseException:
            self._lock.release()
            raise

    def __enter__(self) -> PartitionedWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
        _LIVE_STAGING.discard(os.path.realpath(self.staging))
        self._lock.release()

    def parts(self) -> PartWriter:
        """A writer of parts into this version that can be sent to another process (the ingest
        workers write their batches themselves instead of sending them to the parent)."""
        return PartWriter(self.staging, self.token)

    def write(self, corpus: Corpus, part: str) -> None:
        """Every frame of ``corpus`` as part ``part`` of each year partition (``part`` has no "-")."""
        self.parts().write(corpus, part)

    def write_frame(self, name: str, frame: pl.DataFrame, part: str, *, years: pl.DataFrame | None = None) -> None:
        """One frame's rows, split by year; ``years`` (report_id, year) dates frames without a year column."""
        self.parts().write_frame(name, frame, part, years=years)

    def drop_reports(self, part: str, report_ids: set[str]) -> None:
        """Remove the rows of ``report_ids`` from part ``part`` of every frame (a duplicate a worker
        parsed before the parent knew it was one)."""
        for path in sorted(self.staging.glob(f"*/{PARTITION}=*/part-{self.token}-{part}.parquet")):
            rows = pl.read_parquet(path)
            kept = rows.filter(~pl.col("report_id").is_in(sorted(report_ids)))
            if kept.height == rows.height:
                continue
            path.unlink()
            if kept.height:
                write_parquet(kept, path)

    def keep_from(self, version: Path, report_ids: pl.Series, *, skip_parts: tuple[str, ...] = ()) -> None:
        """Carry the rows of ``report_ids`` over from an earlier version (unchanged reports).

        A part file whose reports are all kept is hard-linked, not copied; ``skip_parts``
        names parts that are recomputed (the corpus-wide checks).
        """
        keep = set(report_ids.to_list())
        for path in sorted(version.glob(f"*/{PARTITION}=*/part-*.parquet")):
            if path.stem.rsplit("-", 1)[-1] in skip_parts:
                continue
            target = self.staging / path.relative_to(version)
            target.parent.mkdir(parents=True, exist_ok=True)
            ids = pl.read_parquet(path, columns=["report_id"])["report_id"]
            if ids.is_in(keep).all():
                os.link(path, target)
            elif ids.is_in(keep).any():
                write_parquet(pl.read_parquet(path).filter(pl.col("report_id").is_in(keep)), target)

    def write_files_index(self, files: pl.DataFrame, settings: dict) -> None:
        write_parquet(files, self.staging / FILES_INDEX)
        path = self.staging / SETTINGS
        try:
            path.write_text(json.dumps(settings, ensure_ascii=False, indent=1), encoding="utf-8")
        except OSError as exc:
            raise system.as_os_error(exc, path) from exc

    def write_failures(self, failures: list[Failure]) -> None:
        _write_failures(failures, self.staging / "failures.csv")

    def commit(self) -> Path:
        """Publish the new version: one rename of ``current``; then remove every version but the new
        one and the one ``current`` pointed to before (a reader that resolved ``current`` a moment
        earlier may still be reading it). Versions are told by what ``current`` points to, never
        by their names' order: a run that started earlier may commit later."""
        previous = current_version(self.out)
        final = self.out / self.version
        os.rename(self.staging, final)
        link = self.out / f".{CURRENT}.{secrets.token_hex(3)}.tmp"
        os.symlink(self.version, link)
        os.replace(link, self.out / CURRENT)
        keep = {final.name} | ({previous.name} if previous is not None else set())
        for old in self.out.glob("v-*"):
            if old.name not in keep and old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
        return final

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def clean_stale_staging(out_dir: str | os.PathLike) -> list[Path]:
    """Remove what runs killed before their end left in a store: staging folders (``.v-*.tmp``), a
    half-made ``current`` link (``.current.*.tmp``) and flat frames' temporary files
    (``.<frame>.parquet.*.tmp``). Called by a writer that holds the :class:`StoreLock`, so none of
    them belongs to a live run."""
    out = Path(out_dir)
    removed = []
    for path in [*out.glob(".v-*.tmp"), *out.glob(f".{CURRENT}.*.tmp"), *out.glob(".*.parquet.*.tmp"), *out.glob(".failures.csv.*.tmp")]:
        if os.path.realpath(path) in _LIVE_STAGING:  # a writer of this very process (the lock is re-entrant)
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


# Staging folders of writers alive in this process, which clean_stale_staging leaves alone.
_LIVE_STAGING: set[str] = set()


# --- the store lock ----------------------------------------------------------------------------

LOCK_NAME = ".govdata-lock"
_LOCK_POLL_S = 0.2


class StoreLockedError(RuntimeError):
    """Another run is writing the store: names the lock file and who holds it."""

    def __init__(self, lock_path: Path, holder: dict, waited: float):
        self.lock_path = lock_path
        self.holder = holder
        who = (f"pid {holder.get('pid', '?')} on {holder.get('host', '?')} ({holder.get('command', '?')}), "
               f"since {holder.get('started', '?')}") if holder else "a process that has not said who it is yet"
        waited_text = f" after waiting {waited:.0f} s" if waited else ""
        super().__init__(f"{lock_path.parent} is being written by another run{waited_text}: {who}; "
                         f"let it finish, or wait for it with --wait SECONDS (lock file {lock_path})")


# Locks this process holds, by lock file: one store is locked once per process, however many
# writers (ingest, then its PartitionedWriter) take it.
_HELD: dict[str, list] = {}


class StoreLock:
    """One writer at a time per store: ``<out>/.govdata-lock``, which says who holds it.

    Why: two ingests into one store each built a version and the later commit's clean-up
    deleted the other's (issue 15). The lock is an advisory ``flock`` on the lock file, which the
    kernel releases when its holder dies however it dies (``kill -9`` included), so the lock of
    a dead run is taken over by the next one without any guessing from pids. The file holds the
    holder's pid, host, command and start time, for the message a second writer gets: it waits
    up to ``wait`` seconds, then raises :class:`StoreLockedError` naming the holder. Where
    ``flock`` is missing (Windows) or not supported (some network file systems), the recorded
    holder decides: a live process with that pid on this host holds the lock, anything else is
    stale and taken over.

    Re-entrant within a process: taking a lock this process holds only counts.

    Example:
        >>> with StoreLock("data/processed", wait=30):  # doctest: +SKIP
        ...     ...
    """

    def __init__(self, out_dir: str | os.PathLike, *, wait: float = 0.0, command: str | None = None):
        self.path = Path(out_dir) / LOCK_NAME
        self.wait = max(0.0, float(wait))
        self.command = command or " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:300]
        self._key = os.path.realpath(self.path)

    def __enter__(self) -> StoreLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> StoreLock:
        held = _HELD.get(self._key)
        if held is not None:
            held[0] += 1
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        started = time.monotonic()
        try:
            while not self._try_lock(fd):
                waited = time.monotonic() - started
                if waited >= self.wait:
                    raise StoreLockedError(self.path, read_lock_holder(self.path), waited)
                time.sleep(min(_LOCK_POLL_S, max(0.01, self.wait - waited)))
            self._write_holder(fd)
        except BaseException:
            os.close(fd)
            raise
        _HELD[self._key] = [1, fd]
        return self

    def release(self) -> None:
        held = _HELD.get(self._key)
        if held is None:
            return
        held[0] -= 1
        if held[0] > 0:
            return
        del _HELD[self._key]
        fd = held[1]
        try:
            os.ftruncate(fd, 0)  # the next reader of the file must not see a holder that has left
        except OSError:
            pass
        os.close(fd)  # closing the file releases the flock

    def _try_lock(self, fd: int) -> bool:
        try:
            import fcntl
        except ImportError:
            return self._holder_is_gone()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
        except OSError:  # ENOLCK, EOPNOTSUPP: a file system without flock
            return self._holder_is_gone()

    def _holder_is_gone(self) -> bool:
        holder = read_lock_holder(self.path)
        if not holder or holder.get("host") != socket.gethostname():
            return True
        return not _is_alive(int(holder.get("pid") or 0))

    def _write_holder(self, fd: int) -> None:
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "command": self.command,
                  "started": datetime.now().astimezone().isoformat(timespec="seconds")}
        data = json.dumps(holder, ensure_ascii=False).encode("utf-8")
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)


def read_lock_holder(out_or_lock: str | os.PathLike) -> dict:
    """Who holds (or last held) a store's lock: pid, host, command, started; {} when unknown."""
    path = Path(out_or_lock)
    path = path if path.name == LOCK_NAME else path / LOCK_NAME
    try:
        holder = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return holder if isinstance(holder, dict) else {}


def _is_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    except OSError:
        return False
    return True
