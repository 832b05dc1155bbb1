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
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from govdata import paths, schema
from govdata.model import Corpus, Failure


def write_corpus(corpus: Corpus, out_dir: str | os.PathLike, *, partitioned: bool = False) -> dict[str, Path]:
    """Write every frame of ``corpus`` to ``out_dir`` atomically; returns frame -> path.

    ``partitioned=True`` writes the year-partitioned layout (see the module docstring).
    """
    if partitioned:
        with PartitionedWriter(out_dir) as writer:
            writer.write(corpus, "00000")
            writer.write_failures(corpus.failures)
            version = writer.commit()
        return {name: Path(out_dir) / CURRENT / name for name in schema.FRAME_NAMES} | {"failures": version / "failures.csv"}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, df in corpus.frames().items():
            final = out / f"{name}.parquet"
            staged.append((_temp_path(out, final.name), final))
            df.write_parquet(staged[-1][0])
        final = out / "failures.csv"
        staged.append((_temp_path(out, final.name), final))
        _write_failures(corpus.failures, staged[-1][0])
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, final in staged:
        os.replace(tmp, final)
    return {final.stem: final for _, final in staged}


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
                failures.append(Failure(row["source"], row["reason"], int(row["line"]) if row["line"] else None))
    return failures


def _temp_path(directory: Path, name: str) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    return Path(tmp)


def _write_failures(failures: list[Failure], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "line", "reason"])
        for failure in failures:
            writer.writerow([failure.source, failure.line or "", failure.reason])


# --- the partitioned layout --------------------------------------------------------------------

CURRENT = "current"
PARTITION = "year"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
FILES_INDEX = "files.parquet"
SETTINGS = "settings.json"
# Versions kept after a commit: the new one and the one before it, which a reader that
# resolved ``current`` a moment earlier may still be reading.
_KEEP_VERSIONS = 2


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
            rows.drop(PARTITION).write_parquet(folder / f"part-{self.token}-{part}.parquet")


class PartitionedWriter:
    """Writes a new version of a partitioned store, batch by batch; :meth:`commit` publishes it at once.

    Used as a context manager: leaving the block with an exception removes the half-written
    version and leaves ``current`` as it was.
    """

    def __init__(self, out_dir: str | os.PathLike):
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        # Part files carry the writer's token: parts kept from an earlier version never collide with new ones.
        self.token = secrets.token_hex(3)
        self.version = f"v-{time.time_ns():x}-{self.token}"
        self.staging = self.out / f".{self.version}.tmp"
        self.staging.mkdir()

    def __enter__(self) -> PartitionedWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()

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
                pl.read_parquet(path).filter(pl.col("report_id").is_in(keep)).write_parquet(target)

    def write_files_index(self, files: pl.DataFrame, settings: dict) -> None:
        files.write_parquet(self.staging / FILES_INDEX)
        (self.staging / SETTINGS).write_text(json.dumps(settings, ensure_ascii=False, indent=1), encoding="utf-8")

    def write_failures(self, failures: list[Failure]) -> None:
        _write_failures(failures, self.staging / "failures.csv")

    def commit(self) -> Path:
        """Publish the new version: one rename of ``current``; older versions beyond the last two are removed."""
        final = self.out / self.version
        os.rename(self.staging, final)
        link = self.out / f".{CURRENT}.{secrets.token_hex(3)}.tmp"
        os.symlink(self.version, link)
        os.replace(link, self.out / CURRENT)
        versions = sorted(p for p in self.out.glob("v-*") if p.is_dir())
        for old in versions[:-_KEEP_VERSIONS]:
            shutil.rmtree(old, ignore_errors=True)
        return final

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
