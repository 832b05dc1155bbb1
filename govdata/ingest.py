"""Ingest: parse reports into the partitioned store, parsing only what changed since the last run.

Why a module of its own: :mod:`govdata.pipeline` runs the stages in order on one document and
on many; keeping a store current is a different job. A national corpus (10^5 reports a year)
does not fit in memory and is mostly unchanged from one run to the next, so ingest writes each
batch's frames as it is parsed (in worker processes), keeps the frames of unchanged files from
the previous version without parsing them, runs the corpus-wide rules on only the cells they
read (:func:`govdata.check.corpus_rule_cells`), and writes nothing at all when nothing changed
(:func:`settings_fingerprint`). docs/scaling.md and docs/benchmarks.md have the figures.

Example:
    >>> summary = ingest("data/raw", "data/processed")  # doctest: +SKIP
    >>> summary.n_parsed, summary.is_unchanged            # doctest: +SKIP
    (5, False)
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import polars as pl

from govdata import __version__, check, parse, paths, reviews, store
from govdata.model import Corpus, Failure
from govdata.pipeline import (
    _MAX_BATCH,
    Discovery,
    FileContent,
    _batches,
    _in_pool,
    discover_files,
    duplicate_failure,
    merge_corpora,
    parse_batch,
    read_file_content,
    without_duplicates,
)
from govdata.read import ReadError, display_path, read_report_bytes

# The corpus-wide rules (check.py, ``corpus=True``) read only these cells, as they declare
# (``cells=``), and only compare reports of one agency (its consecutive years), so they are
# given the corpus cut down to these cells, agency group by agency group: a 10^5-report 表三
# does not fit the memory target, and check.py builds a view of every report it is given
# (~1 ms and ~20 KB each). tests/property/test_ingest_store.py fails if this ever gives other
# rows than the whole corpus.
CORPUS_RULE_CELLS = check.corpus_rule_cells()
_CORPUS_PART = "corpus"


@dataclass(frozen=True)
class IngestSummary:
    """What :func:`ingest` did: files seen, parsed, reused unchanged, failed, and whether it wrote at all.

    ``failures`` lists every path that gave no report, each with its kind (:class:`Failure`):
    ``failed`` (``n_failed``), ``duplicate`` of another file (``n_duplicates``) and ``skipped``
    under the input folders (``n_skipped``: links that lead nowhere, unreadable folders …).
    """

    out: Path
    n_files: int
    n_parsed: int
    n_reused: int
    n_failed: int
    is_unchanged: bool
    failures: tuple[Failure, ...] = ()

    @property
    def n_duplicates(self) -> int:
        return sum(1 for failure in self.failures if failure.kind == Failure.DUPLICATE)

    @property
    def n_skipped(self) -> int:
        return sum(1 for failure in self.failures if failure.kind == Failure.SKIPPED)


@dataclass(frozen=True)
class BatchTask:
    """One batch to parse: its files, and the part ``name`` its frames are written as by ``parts``.

    ``sources`` names the files' reports when the process that parses them may stand in another
    working directory than the caller (see :meth:`portable`); None: their paths as given.
    ``contents`` holds the files as the caller read them, for a process that cannot see them.
    """

    parts: store.PartWriter
    name: str
    files: list[Path]
    sources: list[str] | None = None
    contents: list[FileContent] | None = None

    def portable(self, *, with_bytes: bool = False) -> BatchTask:
        """The same batch for a process on another machine or in another folder (a Dask worker):
        absolute paths, and the names the caller's working directory gives the reports, so the
        store it writes is the one the caller's own processes would write; ``with_bytes``: the
        files' bytes too, read here, for workers that cannot see them."""
        parts = dataclasses.replace(self.parts, staging=Path(os.path.abspath(self.parts.staging)))
        sources = self.sources if self.sources is not None else display_paths(self.files)
        contents = [read_file_content(path, source) for path, source in zip(self.files, sources, strict=True)] \
            if with_bytes else None
        return BatchTask(parts, self.name, [Path(os.path.abspath(path)) for path in self.files], sources, contents)


class BatchEngine(Protocol):
    """Where the batches of an ingest are parsed: the seam between :func:`ingest` and a cluster.

    ``map_batches(func, tasks)`` yields ``(task, func(task))`` for every task, in task order
    (the failures and the duplicates' first paths then come out as with one process). ``func``
    writes the batch's part files itself and returns only the slim Corpus the parent needs.
    ``n_workers`` sizes the batches (about four per worker). The default is
    :class:`ProcessEngine`; :mod:`govdata.ingest_dask` runs them on a Dask cluster.
    """

    n_workers: int

    def map_batches(self, func: Callable[[BatchTask], Corpus], tasks: Sequence[BatchTask]) -> Iterator[tuple[BatchTask, Corpus]]:
        ...


@dataclass(frozen=True)
class ProcessEngine:
    """The default engine: the batches in this process, or in ``n_workers`` local processes."""

    n_workers: int = 1

    def map_batches(self, func: Callable[[BatchTask], Corpus], tasks: Sequence[BatchTask]) -> Iterator[tuple[BatchTask, Corpus]]:
        if self.n_workers > 1 and len(tasks) > 1:
            return _in_pool(func, tasks, jobs=self.n_workers)
        return ((task, func(task)) for task in tasks)


class ClusterError(RuntimeError):
    """An engine could not do its part (a scheduler it cannot reach, a batch whose workers kept
    dying, workers that run other govdata code or settings). Nothing is published: the store
    keeps its current version. The CLI prints it as one line."""


def ingest(paths: str | os.PathLike | Iterable[str | os.PathLike] | Discovery, out_dir: str | os.PathLike, *, jobs: int = 1,
           batch_size: int = _MAX_BATCH, verify: bool = False, progress: Callable[[Path], None] | None = None,
           lock_wait: float = 0.0, engine: BatchEngine | None = None) -> IngestSummary:
    """Parse reports into the partitioned store at ``out_dir``; unchanged reports are not parsed again.

    A report is unchanged when its content hash (report_id, from sha256 of its bytes) is the one
    stored, and nothing that shapes the output changed: govdata's code and label tables, the
    agency registry, the review verdicts (:func:`settings_fingerprint`). Like git, a file whose
    size and modification time match the stored ones is not read again; ``verify=True`` hashes
    every file. When nothing changed, nothing is written. Memory stays bounded: batches are
    written as they are parsed and the corpus-wide checks read only :data:`CORPUS_RULE_CELLS`.

    Files with the same bytes are parsed and stored once, from the first path in order; the
    others are ``duplicate`` failures naming it. The store is locked for the whole run
    (:class:`govdata.store.StoreLock`): another writer makes this run wait up to ``lock_wait``
    seconds, then raise :class:`~govdata.store.StoreLockedError` naming it.

    ``engine`` parses the batches (:class:`BatchEngine`); by default ``jobs`` local processes
    (:class:`ProcessEngine`). Whatever the engine, this process computes the file index,
    duplicates, corpus-wide rules (in ``jobs`` processes) and publishes the version.
    """
    out = Path(out_dir)
    found = discover_files(paths)
    reviews.read_reviews()  # a malformed verdicts file stops the run here, named, not in a worker
    with store.StoreLock(out, wait=lock_wait):
        return _ingest_locked(found, out, jobs=jobs, batch_size=batch_size, verify=verify, progress=progress,
                              engine=engine if engine is not None else ProcessEngine(jobs))


def _ingest_locked(found: Discovery, out: Path, *, jobs: int, batch_size: int, verify: bool,
                   progress: Callable[[Path], None] | None, engine: BatchEngine) -> IngestSummary:
    files = found.files
    sources = display_paths(files)
    previous, settings = store.read_files_index(out)
    fingerprint = settings_fingerprint()
    if settings.get("fingerprint") != fingerprint:
        previous = None
    index = _file_index(files, sources, previous, verify=verify)
    duplicates = _duplicates(index)
    index = index.with_columns(pl.col("source").is_in(sorted(duplicates)).alias("is_duplicate"))
    if previous is not None and _same_files(index, previous):
        stored = [f for f in store.read_store_failures(out) if f.kind != Failure.SKIPPED]
        failures = (*found.skipped, *stored)
        return IngestSummary(out, len(files), 0, len(files), _n_failed(failures), True, failures)
    reused = _reused(index, previous)
    to_parse = [path for path, source in zip(files, sources, strict=True) if source not in reused and source not in duplicates]
    failures = [f for f in store.read_store_failures(out) if f.source in reused and f.kind == Failure.FAILED] \
        if previous is not None else []
    failures += duplicates.values()
    with store.PartitionedWriter(out) as writer:
        slim = []
        first_source: dict[str, str] = {}
        if reused:
            old = store.current_version(out)
            kept = index.filter(pl.col("source").is_in(sorted(reused)) & pl.col("report_id").is_not_null())
            writer.keep_from(old, kept["report_id"], skip_parts=(_CORPUS_PART,))
            slim.append(_kept_rule_inputs(old, kept["report_id"]))
            first_source.update(zip(kept["report_id"], kept["source"], strict=True))
        parts = writer.parts()
        batches = [BatchTask(parts, f"b{number:05d}", batch)
                   for number, batch in enumerate(_batches(to_parse, jobs=engine.n_workers, limit=batch_size))]
        for task, part in engine.map_batches(_ingest_batch, batches):
            name, batch = task.name, task.files
            # Files whose bytes could not be hashed beforehand (or changed since) may still repeat a report.
            unique = without_duplicates(part, first_source)
            if unique is not part:
                writer.drop_reports(name, {part_id for part_id in part.reports["report_id"]} - set(unique.reports["report_id"]))
            slim.append(unique)
            failures += unique.failures
            for path in batch if progress else ():
                progress(path)
        merged = merge_corpora(slim)
        del slim
        corpus_checks = corpus_rule_checks(merged, jobs=jobs)
        writer.write_frame("checks", corpus_checks, _CORPUS_PART, years=merged.reports.select("report_id", "year"))
        ids = merged.reports.select("source", "report_id")
        # A file that failed gets its content id too (report_id is sha256 of the bytes for every
        # file), so an unchanged failure counts as unchanged, also when every file is hashed.
        path_of = dict(zip(sources, files, strict=True))
        failed = [(f.source, _content_id(path_of[f.source])) for f in failures
                  if f.kind == Failure.FAILED and f.source in path_of and f.source not in reused]
        ids = pl.concat([ids, pl.DataFrame(failed, schema=ids.schema, orient="row")]) if failed else ids
        known = index.filter(pl.col("source").is_in(sorted(reused)) | pl.col("is_duplicate")).select("source", "report_id")
        ids = pl.concat([known, ids]).unique("source", keep="first", maintain_order=True)
        index = index.drop("report_id").join(ids, on="source", how="left", maintain_order="left")
        writer.write_files_index(index.select("source", "size", "mtime_ns", "report_id", "is_duplicate"),
                                 {"fingerprint": fingerprint, "govdata": __version__})
        failures = [*found.skipped, *failures]
        writer.write_failures(failures)
        writer.commit()
    return IngestSummary(out, len(files), len(to_parse), len(reused), _n_failed(failures), False, tuple(failures))


def _n_failed(failures: Iterable[Failure]) -> int:
    return sum(1 for failure in failures if failure.kind == Failure.FAILED)


def _duplicates(index: pl.DataFrame) -> dict[str, Failure]:
    """source -> its ``duplicate`` failure, for every file whose bytes an earlier file (in order) has."""
    first: dict[str, str] = {}
    repeated: dict[str, Failure] = {}
    for source, report_id in index.select("source", "report_id").iter_rows():
        if report_id is None:
            continue
        if report_id in first:
            repeated[source] = duplicate_failure(source, first[report_id], report_id)
        else:
            first[report_id] = source
    return repeated


def _ingest_batch(task: BatchTask) -> Corpus:
    """Parse a batch, write its frames as part ``name`` of the new version, and return only what
    the parent needs: the corpus-wide rules' inputs and the failures. The worker writes its own
    parts, so the parent neither receives nor writes the batch's frames."""
    parts, name = task.parts, task.name
    corpus = parse_batch(task.files, task.sources, task.contents)
    # The stored checks carry the review verdicts, as load's do (the verdicts file is part of
    # settings_fingerprint: a new verdict re-ingests).
    corpus = dataclasses.replace(corpus, checks=reviews.apply_reviews(corpus.checks))
    parts.write(corpus, name)
    return dataclasses.replace(_corpus_rule_inputs(corpus), failures=corpus.failures)


_REPORTS_PER_RULE_GROUP = 5000


def corpus_rule_checks(corpus: Corpus, *, group_size: int = _REPORTS_PER_RULE_GROUP, jobs: int = 1) -> pl.DataFrame:
    """The corpus-wide check rows of ``corpus``, computed for groups of whole agencies at a time
    (in ``jobs`` processes when there are several groups)."""
    reports = corpus.reports
    n_groups = max(1, math.ceil(reports.height / group_size))
    group = (pl.col("agency_id").hash(seed=0) % n_groups).fill_null(0)
    groups = []
    for (_,), members in reports.with_columns(group.alias("_group")).partition_by("_group", as_dict=True).items():
        ids = members["report_id"].implode()
        groups.append(Corpus(reports=members.drop("_group"), table2=corpus.table2.filter(pl.col("report_id").is_in(ids)),
                             table3=corpus.table3.filter(pl.col("report_id").is_in(ids))))
    if jobs > 1 and len(groups) > 1:
        parts = [checks for _, checks in _in_pool(_corpus_checks_of, groups, jobs=jobs)]
    else:
        parts = [_corpus_checks_of(part) for part in groups]
    return pl.concat(parts, how="vertical") if parts else parse.empty_frame("checks")


def _corpus_checks_of(corpus: Corpus) -> pl.DataFrame:
    return check.with_corpus_checks(corpus).checks


def _corpus_rule_inputs(corpus: Corpus) -> Corpus:
    """The reports and the only cells the corpus-wide rules read (see CORPUS_RULE_CELLS)."""
    cut = {name: _compacted(getattr(corpus, name).filter(pl.col(column).is_in(list(values))))
           for name, (column, values) in CORPUS_RULE_CELLS.items()}
    return Corpus(reports=corpus.reports, **cut)


def _compacted(frame: pl.DataFrame) -> pl.DataFrame:
    """The same frame in buffers of its own. A filtered Polars frame's strings still point into
    the whole frame's buffers, so keeping 20 cells per report kept all 400 alive (the parent of a
    10^5-report ingest grew past 1 GB); an IPC round trip copies out just the rows kept."""
    buffer = io.BytesIO()
    frame.write_ipc(buffer)
    buffer.seek(0)
    return pl.read_ipc(buffer)


def display_paths(files: Sequence[Path]) -> list[str]:
    """``read.display_path`` of every file (the ``source`` a report gets), reading the working
    directory once: ``os.path.relpath`` asks for it on every call (10^5 files: a second)."""
    if os.name != "posix":
        return [display_path(path) for path in files]
    cwd = os.getcwd()
    start = [part for part in cwd.split("/") if part]
    out = []
    for path in files:
        name = os.fspath(path)
        absolute = os.path.normpath(name if name.startswith("/") else os.path.join(cwd, name))
        parts = [part for part in absolute.split("/") if part]
        common = 0
        while common < min(len(start), len(parts)) and start[common] == parts[common]:
            common += 1
        relative = [os.pardir] * (len(start) - common) + parts[common:]
        out.append("/".join(relative) if relative else os.curdir)
    return out


def _kept_rule_inputs(version: Path, report_ids: pl.Series) -> Corpus:
    """_corpus_rule_inputs of the reports carried over from an earlier version, read lazily."""
    ids = report_ids.implode()
    frames = {"reports": store.scan_version(version, "reports").filter(pl.col("report_id").is_in(ids)).collect()}
    for name, (column, values) in CORPUS_RULE_CELLS.items():
        frames[name] = _compacted(store.scan_version(version, name)
                                  .filter(pl.col("report_id").is_in(ids) & pl.col(column).is_in(list(values))).collect())
    return Corpus(**frames)


def _file_index(files: Sequence[Path], sources: Sequence[str], previous: pl.DataFrame | None, *, verify: bool) -> pl.DataFrame:
    """source, size, mtime_ns and report_id of every file; report_id is taken from ``previous``
    when size and mtime match (unless ``verify``), else hashed from the bytes (null when they
    cannot be read: the parse says why). Every file's id is known before any is parsed, so a
    file that repeats another's bytes is never parsed or stored twice (:func:`_duplicates`)."""
    known = {} if previous is None else {row[0]: row[1:] for row in previous.select("source", "size", "mtime_ns", "report_id").iter_rows()}
    rows = []
    for path, source in zip(files, sources, strict=True):
        try:
            stat = path.stat()
        except OSError:
            rows.append((source, None, None, None))
            continue
        before = known.get(source)
        if before is not None and not verify and before[:2] == (stat.st_size, stat.st_mtime_ns):
            report_id = before[2]
        else:
            report_id = _content_id(path)
        rows.append((source, stat.st_size, stat.st_mtime_ns, report_id))
    return pl.DataFrame(rows, schema={"source": pl.String, "size": pl.Int64, "mtime_ns": pl.Int64, "report_id": pl.String},
                        orient="row")


def _content_id(path: Path) -> str | None:
    """report_id of a file's bytes (first 16 hex digits of sha256), None when it cannot be read
    (read as the read stage reads it: regular files only, at most MAX_REPORT_BYTES)."""
    try:
        return hashlib.sha256(read_report_bytes(path)).hexdigest()[:16]
    except ReadError:
        return None


def _same_files(index: pl.DataFrame, previous: pl.DataFrame) -> bool:
    """The same files with the same content as the stored version (order ignored)."""
    columns = ["source", "report_id"]
    return index.height == previous.height and index.select(columns).sort(columns).equals(previous.select(columns).sort(columns))


def _reused(index: pl.DataFrame, previous: pl.DataFrame | None) -> set[str]:
    """Sources whose content is the one stored (same report_id at the same path), from files that
    were stored as themselves: a path that was a duplicate, or is one now, is not reused (the
    stored report names the other path as its source)."""
    if previous is None:
        return set()
    stored = previous.filter(~pl.col("is_duplicate")) if "is_duplicate" in previous.columns else previous
    same = index.filter(~pl.col("is_duplicate")).join(stored.select("source", "report_id"), on=["source", "report_id"], how="semi")
    return set(same.filter(pl.col("report_id").is_not_null())["source"].to_list())


# Modules that only present, generate or collect data: editing them does not change a parsed report.
# Every other module (new ones too) counts, so a change to the parse path is never missed.
_PRESENTATION_MODULES = frozenset({"briefings.py", "charts.py", "cli.py", "explorer.py", "fetch.py", "metrics.py", "notebooks.py",
                                   "sections.py", "synth.py", "synth_layouts.py"})


def settings_fingerprint() -> str:
    """sha256 over everything that shapes the frames besides a report's bytes: govdata's source and
    package data, the agency registry and the review verdicts. A change re-parses every report."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    sources = [p for p in [*package.rglob("*.py"), *package.rglob("*.csv")] if p.name not in _PRESENTATION_MODULES]
    named = [(str(p.relative_to(package)), p) for p in sorted(sources)]
    for name, path in [*named, ("agencies", paths.registry_path()), ("reviews", paths.reviews_path())]:
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()
