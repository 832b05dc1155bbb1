"""Entry points that run the stages in order: read -> parse -> legacy/facts -> harmonize -> check.

Why one place: notebooks, the CLI and tests all call :func:`parse_report` (one document) and
:func:`load` (many), so a report is always processed the same way. One bad file never stops a
batch: it becomes a :class:`~govdata.model.Failure` naming the file (and line, when known) and
the reason. Keeping a store current, parsing only changed files, is :mod:`govdata.ingest`.
"""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
import os
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from govdata import check, collection, facts, harmonize, legacy, parse, paths, reportkind, schema, store
from govdata.model import TABLE_FRAMES, Corpus, Failure, Report
from govdata.read import Document, ReadError, read_document
from govdata.reviews import apply_reviews, with_fingerprints

# What `load` picks up from a directory. Other files (manifest.csv, README) are not reports.
REPORT_SUFFIXES = frozenset({".txt", ".md", ".text", ".html", ".htm", ".shtml", ".xhtml", ".docx", ".doc", ".wps", ".rtf", ".pdf"})


def parse_document(doc: Document) -> Report:
    """Run every per-report stage on an already read document."""
    return parse_document_rows(doc).to_report()


@dataclass
class ReportRows:
    """One report after every per-report stage, its frames still as row dicts.

    Why rows: building and filtering small Polars frames costs tens of microseconds a call, and
    one report would need dozens; the stages work on dicts and a batch of reports becomes one
    frame per name (:func:`parse_batch`). docs/benchmarks.md, "Ingest", has the figures.
    """

    report: dict[str, Any]
    frames: dict[str, list[dict[str, Any]]]

    def to_report(self) -> Report:
        return Report(report=self.report, **{name: schema.frame(name, rows) for name, rows in self.frames.items()})


def parse_document_rows(doc: Document) -> ReportRows:
    """Every per-report stage, in order: tables, 附表, prose facts, outcomes, checks."""
    tables = parse.parse_tables(doc)
    appendix = legacy.find_legacy_table(doc)
    legacy_rows = legacy.legacy_rows(doc, appendix)
    fact_rows = facts.fact_rows(doc, legacy.table_lines(appendix))
    outcome_rows = harmonize.outcome_rows(tables.report, tables.table3, legacy_rows, fact_rows)
    view = check.ReportView(tables.report, table2=tables.table2, table3=tables.table3, table4=tables.table4,
                            legacy=legacy_rows, facts=fact_rows)
    structure = [*tables.problems, *legacy.label_findings(legacy_rows)]
    return ReportRows(tables.report, {"table2": tables.table2, "table3": tables.table3, "table4": tables.table4,
                                      "legacy": legacy_rows, "facts": fact_rows,
                                      "checks": check.check_rows(view, structure=structure), "outcomes": outcome_rows})


_NOT_GIVEN: Any = object()


def parse_report(positional: str | os.PathLike = _NOT_GIVEN, /, *, path: str | os.PathLike | None = None,
                 text: str | None = None, source: str | None = None) -> Report:
    """Parse one report: a file (``path=``) or its text (``text=``), never guessed from a string.

    ``source`` names a text in the frames (default ``<text>``). A path given positionally
    still works, with a DeprecationWarning: say ``path=``.

    Example:
        >>> report = parse_report(path="data/raw/2023_jinjiang-city.txt")  # doctest: +SKIP
        >>> report.table3.filter(row="total", requester="total")["value"][0]  # doctest: +SKIP
        243
        >>> parse_report(text="某某区 2019 年政府信息公开工作年度报告\n…").report["template"]  # doctest: +SKIP
        'legacy'
    """
    if positional is not _NOT_GIVEN:
        if path is not None or text is not None:
            raise TypeError("parse_report: give the report once, as path= or text=")
        warnings.warn("parse_report(x) is deprecated: pass path=x (or text=x for a report's text)", DeprecationWarning,
                      stacklevel=2)
        path = positional
    if (path is None) == (text is None):
        raise TypeError("parse_report: give exactly one of path= or text=")
    doc = read_document(path, source=source) if path is not None else read_document(text=text, source=source)
    return parse_document(doc)


def discover(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    """Expand files and directories into the report files they hold, sorted for determinism."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    found: list[Path] = []
    for item in paths:
        p = Path(item)
        if p.is_dir():
            # A collected folder's attachments are read through their page, superseded versions not at all.
            found.extend(collection.files_to_ingest(_sorted_paths(_report_files_under(p))))
        else:
            found.append(p)
    return found


def _report_files_under(root: Path) -> list[Path]:
    """Files with a report suffix under ``root``, as ``root.rglob("*")`` + ``is_file()`` finds them
    (symlinked directories not entered, symlinked files kept), with one ``scandir`` per folder:
    directory entries say what they are without a ``stat`` per file (10^5 files: seconds less)."""
    found: list[Path] = []
    folders = [os.fspath(root)]
    while folders:
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.is_dir() and not entry.is_symlink():
                        folders.append(entry.path)
                    elif _suffix(entry.name).lower() in REPORT_SUFFIXES and entry.is_file():
                        found.append(Path(entry.path))
        except PermissionError:  # an unreadable folder holds no report we can read
            continue
    return found


def _suffix(name: str) -> str:
    """pathlib's ``PurePath.suffix`` of a file name (".txt" for "a.txt", "" for ".txt")."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _sorted_paths(paths: list[Path]) -> list[Path]:
    """``sorted(paths)``; on POSIX by ``parts``, the order pathlib uses, without its slow ``__lt__``."""
    return sorted(paths, key=lambda p: p.parts) if os.name == "posix" else sorted(paths)


def _parse_one(path: Path) -> ReportRows | Failure:
    try:
        doc = read_document(path)
        return _annual_report_rows(doc, parse_document_rows(doc), path)
    except ReadError as exc:
        return Failure(exc.source, exc.reason, exc.line)
    except Exception as exc:  # noqa: BLE001 - a batch must go on; the failure is reported, not hidden
        return Failure(str(path), f"internal error while parsing ({type(exc).__name__}: {exc})")


def _annual_report_rows(doc: Document, rows: ReportRows, path: Path) -> ReportRows | Failure:
    """What a collected file gives (docs/collecting.md): a page that holds no tables is read through
    the attachment its collection manifest links to it, when that one holds more; a file whose title
    says it is another kind of document (a 函, a notice) is a Failure, not an empty report."""
    if _n_cells(rows):
        return rows
    chosen = rows
    for attachment in collection.attachments_of(path):
        try:
            found = parse_document_rows(read_document(attachment))
        except ReadError:
            continue
        if (bool(_n_cells(found)), bool(found.frames["facts"])) > (bool(_n_cells(chosen)), bool(chosen.frames["facts"])):
            chosen = found
    if chosen is not rows:
        return chosen
    kind = reportkind.classify_document(doc.lines, has_tables=False)
    return rows if kind.is_annual_report else Failure(doc.source, f"not an annual report: {kind.reason}")


def _n_cells(rows: ReportRows) -> int:
    return sum(len(rows.frames[name]) for name in ("table2", "table3", "table4", "legacy"))


def load(paths: str | os.PathLike | Iterable[str | os.PathLike], *, jobs: int = 1,
         progress: Callable[[Path], None] | None = None) -> Corpus:
    """Parse many reports into one :class:`Corpus`; failures are listed, never raised.

    ``jobs`` > 1 parses files in that many processes (the parse of one file is independent
    of every other). Corpus-wide checks (year-on-year continuity) run after all files.
    For corpora too large for memory, :func:`ingest` writes the same frames to a store.
    """
    files = discover(paths)
    parts = []
    for batch, part in parse_batches(files, jobs=jobs):
        parts.append(part)
        for path in batch if progress else ():
            progress(path)
    return check.with_corpus_checks(merge_corpora(parts))


# Why batches: a worker returns one Corpus per batch (a few frames) instead of eight frames per
# report, which keeps the parent process from spending its core on unpickling. Why "spawn":
# Polars runs a thread pool, and a process forked from a parent whose pool is running can
# deadlock the moment it uses Polars (seen here with two forked workers that never returned).
_MAX_BATCH = 256


def parse_batches(files: Sequence[Path], *, jobs: int = 1, batch_size: int | None = None) -> Iterator[tuple[list[Path], Corpus]]:
    """Parse ``files`` in batches, in order; yields (batch, its Corpus without corpus-wide checks)."""
    batches = _batches(files, jobs=1, limit=batch_size, spread=False) if batch_size else _batches(files, jobs=jobs, limit=_MAX_BATCH)
    if jobs > 1 and len(batches) > 1:
        yield from _in_pool(parse_batch, batches, jobs=jobs)
    else:
        for batch in batches:
            yield batch, parse_batch(batch)


def _batches(files: Sequence[Path], *, jobs: int, limit: int, spread: bool = True) -> list[list[Path]]:
    """``files`` cut into batches of ``limit``; with ``spread``, smaller when that gives each of
    ``jobs`` workers about four (a small corpus still spreads over every worker)."""
    size = max(1, min(limit, math.ceil(len(files) / max(1, jobs * 4)))) if spread else max(1, limit)
    return [list(files[i:i + size]) for i in range(0, len(files), size)]


def _in_pool(func: Callable, tasks: Sequence, *, jobs: int) -> Iterator[tuple[Any, Any]]:
    """(task, func(task)) in task order, at most two tasks per worker submitted ahead: when the
    caller is slower than the workers (a busy machine), finished results do not pile up in memory
    as they do with ``pool.map``, which submits every task at once."""
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque = deque()
        for task in tasks:
            pending.append((task, pool.submit(func, task)))
            if len(pending) >= 2 * jobs:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()


def parse_batch(files: Sequence[Path]) -> Corpus:
    """Parse files into one Corpus (failures listed); corpus-wide checks are left to the caller."""
    results = [_parse_one(path) for path in files]
    parsed = [r for r in results if isinstance(r, ReportRows)]
    frames = {name: schema.frame(name, [row for r in parsed for row in r.frames[name]]) for name in TABLE_FRAMES}
    return Corpus(reports=schema.frame("reports", [r.report for r in parsed]), **frames,
                  failures=[r for r in results if isinstance(r, Failure)])


def merge_corpora(parts: Sequence[Corpus]) -> Corpus:
    """One Corpus from several, frames concatenated in order (every part has the schema's types)."""
    frames = {name: [getattr(part, name) for part in parts if getattr(part, name).height] for name in schema.FRAME_NAMES}
    merged = {name: pl.concat(dfs, how="vertical") if dfs else schema.empty(name) for name, dfs in frames.items()}
    return Corpus(**merged, failures=[failure for part in parts for failure in part.failures])


def corpus_for_path(path: str | os.PathLike | None = None, *,
                    reviews: pl.DataFrame | str | os.PathLike | None = None) -> Corpus:
    """The corpus at ``path`` with current review verdicts attached: what `govdata check` reports on.

    ``path`` is a directory written by ``govdata ingest`` (read back, checks as stored) or raw
    reports (parsed and checked now); by default the project's processed data when it holds
    outputs, else its raw reports (:mod:`govdata.paths`). ``reviews`` (a frame or a CSV path)
    replaces the project's verdicts.
    """
    if path is None:
        processed = paths.processed_dir()
        path = processed if store.is_processed_dir(processed) else paths.raw_dir()
    path = Path(path)
    corpus = store.read_corpus(path) if store.is_processed_dir(path) else load(path)
    return dataclasses.replace(corpus, checks=apply_reviews(with_fingerprints(corpus.checks), reviews))
