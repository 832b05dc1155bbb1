"""Entry points that run the stages in order: read -> parse -> legacy/facts -> harmonize -> check.

Why one place: notebooks, the CLI and tests all call :func:`parse_report` (one document) and
:func:`load` (many), so a report is always processed the same way. One bad file never stops a
batch: it becomes a :class:`~govdata.model.Failure` naming the file (and line, when known) and
the reason. Keeping a store current, parsing only changed files, is :mod:`govdata.ingest`.
"""

from __future__ import annotations

import dataclasses
import errno
import math
import multiprocessing
import os
import re
import stat
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from govdata import check, collection, facts, harmonize, legacy, parse, paths, reportkind, schema, store, system
from govdata.model import TABLE_FRAMES, Corpus, Failure, Report
from govdata.read import Document, ReadError, display_path, read_document, read_report_bytes
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
    out_of_range = values_out_of_range(doc, tables.table2, legacy_rows, fact_rows)
    fact_rows = [row for row in fact_rows if row["value"] is not None]
    outcome_rows = harmonize.outcome_rows(tables.report, tables.table3, legacy_rows, fact_rows)
    view = check.ReportView(tables.report, table2=tables.table2, table3=tables.table3, table4=tables.table4,
                            legacy=legacy_rows, facts=fact_rows)
    structure = [*tables.problems, *out_of_range, *legacy.label_findings(legacy_rows)]
    return ReportRows(tables.report, {"table2": tables.table2, "table3": tables.table3, "table4": tables.table4,
                                      "legacy": legacy_rows, "facts": fact_rows,
                                      "checks": check.check_rows(view, structure=structure), "outcomes": outcome_rows})


# Float64 holds every whole number up to 2**53 exactly; a printed number past it would be stored
# as another number (past 1.8e308 as inf). Such a "number" is cells or numbers run together, as
# 表三/表四's counts past Int64 are (parse._count_cell).
MAX_EXACT_FLOAT = 2**53


def values_out_of_range(doc: Document, table2: list[dict], legacy_rows: list[dict], fact_rows: list[dict]) -> list[dict]:
    """``value_out_of_range`` findings for the Float64 values of 表二, the 附表 and the prose that a
    Float64 cannot hold as printed; their value is set to null in place (the printed text stays:
    table2's ``raw``, the 附表 row's label and line, the finding's message).

    Example: a 表二 cell ``12345678901234567890123`` (two cells run together) is kept with value
    null and one finding at its line, instead of a value of 1.2345678901234568e+22.
    """
    findings = []

    def finding(line: int | None, scope: str, message: str) -> dict:
        return {"report_id": doc.report_id, "check": "value_out_of_range", "scope": scope, "expected": None, "actual": None,
                "status": "fail", "severity": "error", "line": line, "message": message}

    for row in table2:
        if not _fits_float(row["value"]):
            row["value"] = None
            findings.append(finding(row["line"], f"item={row['item']};measure={row['measure']}",
                                    f"表二数值“{str(row['raw'])[:40]}”超出可准确存储的范围（可能是多个单元格连在一起），未读取"))
    for row in legacy_rows:
        for column, name in (("value", "本年"), ("cumulative", "累计")):
            if not _fits_float(row[column]):
                printed = _printed_number(doc, row["line"], row[column])
                row[column] = None
                findings.append(finding(row["line"], f"indicator={row['indicator'] or row['label']};column={column}",
                                        f"附表“{row['label']}”的{name}数值{printed}超出可准确存储的范围（可能是多个数字连在一起），未读取"))
    for row in fact_rows:
        if not _fits_float(row["share"]):
            row["share"] = None
            findings.append(finding(row["line"], f"fact={row['key']};column=share",
                                    f"叙述中的百分比超出可准确存储的范围，未读取：“{row['snippet'][:60]}”"))
        if not _fits_float(row["value"]):
            row["value"] = None  # the caller drops the fact; its sentence stays in the message
            findings.append(finding(row["line"], f"fact={row['key']}",
                                    f"叙述中的数字超出可准确存储的范围（可能是多个数字连在一起），未读取：“{row['snippet'][:60]}”"))
    return findings


def _fits_float(value: float | None) -> bool:
    return value is None or (math.isfinite(value) and abs(value) <= MAX_EXACT_FLOAT)


def _printed_number(doc: Document, line: int | None, value: float) -> str:
    """The run of digits on ``line`` that reads as ``value`` (what an out-of-range value was read
    from), else the longest one; "" when the line has none."""
    text = doc.lines[line - 1] if line and 1 <= line <= doc.line_count else ""
    runs = sorted(re.findall(r"\d[\d,]*", text), key=len)
    same = [run for run in runs if float(run.replace(",", "")) == value]
    shown = (same or runs)[-1:] if runs else []
    return f"“{shown[0][:40]}”" if shown else ""


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


@dataclass(frozen=True)
class Discovery:
    """What :func:`discover_files` found: the report files to read, in order, and every path under
    the folders that was passed over, each as a ``skipped`` :class:`Failure` with the reason."""

    files: list[Path]
    skipped: list[Failure]


def discover(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    """Expand files and directories into the report files they hold, sorted for determinism."""
    return discover_files(paths).files


def discover_files(paths: str | os.PathLike | Iterable[str | os.PathLike] | Discovery) -> Discovery:
    """:func:`discover`, also listing what it passed over: dangling links, symlink loops, links to
    folders (not followed), unreadable folders, and FIFOs, devices or sockets with a report's name.
    A path given by name is always kept: reading it says what is wrong with it."""
    if isinstance(paths, Discovery):
        return paths
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    found: list[Path] = []
    skipped: list[Failure] = []
    for item in paths:
        p = Path(item)
        if p.is_dir():
            # A collected folder's attachments are read through their page, superseded versions not at all.
            files, passed_over = _report_files_under(p)
            found.extend(collection.files_to_ingest(_sorted_paths(files)))
            skipped.extend(sorted(passed_over, key=lambda failure: failure.source))
        else:
            found.append(p)
    return Discovery(found, skipped)


def _report_files_under(root: Path) -> tuple[list[Path], list[Failure]]:
    """Files with a report suffix under ``root``, as ``root.rglob("*")`` + ``is_file()`` finds them
    (symlinked directories not entered, symlinked files kept), with one ``scandir`` per folder:
    directory entries say what they are without a ``stat`` per file (10^5 files: seconds less).
    Also every entry passed over that a person would miss, with the reason (see :func:`discover_files`)."""
    found: list[Path] = []
    skipped: list[Failure] = []
    folders = [os.fspath(root)]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    elif entry.is_symlink():
                        _linked_entry(entry, found, skipped)
                    elif _suffix(entry.name).lower() in REPORT_SUFFIXES:
                        if entry.is_file(follow_symlinks=False):
                            found.append(Path(entry.path))
                        else:
                            skipped.append(_skipped(entry.path, f"{_special_kind(entry.path)}, not a file: not read"))
        except OSError as exc:  # an unreadable folder: none of its reports can be read, and the user must know
            what = "unreadable folder" if isinstance(exc, PermissionError) else "folder that cannot be listed"
            skipped.append(_skipped(folder, f"{what} ({exc.strerror or exc}): its reports, if any, were not read"))
    return found, skipped


def _linked_entry(entry: os.DirEntry, found: list[Path], skipped: list[Failure]) -> None:
    """A symbolic link: a linked report file is kept; a link that leads nowhere, or in a loop, or
    to a folder (not followed: links to folders are how loops are made) is passed over, with why."""
    try:
        target = os.stat(entry.path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            skipped.append(_skipped(entry.path, "symbolic link loop: not read"))
        elif exc.errno in (errno.ENOENT, errno.ENOTDIR):
            skipped.append(_skipped(entry.path, f"dangling symbolic link (to {os.readlink(entry.path)!r}, which does not exist): "
                                                "not read"))
        else:
            skipped.append(_skipped(entry.path, f"symbolic link that cannot be followed ({exc.strerror or exc}): not read"))
        return
    if stat.S_ISDIR(target.st_mode):
        skipped.append(_skipped(entry.path, "symbolic link to a folder: not followed (pass the folder itself to read it)"))
    elif _suffix(entry.name).lower() in REPORT_SUFFIXES:
        if stat.S_ISREG(target.st_mode):
            found.append(Path(entry.path))
        else:
            skipped.append(_skipped(entry.path, f"symbolic link to {_special_kind(entry.path)}, not a file: not read"))


def _special_kind(path: str) -> str:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "something that is not a file"
    for test, name in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "something that is not a file"


def _skipped(path: str, reason: str) -> Failure:
    return Failure(display_path(Path(path)), reason, kind=Failure.SKIPPED)


def _suffix(name: str) -> str:
    """pathlib's ``PurePath.suffix`` of a file name (".txt" for "a.txt", "" for ".txt")."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _sorted_paths(paths: list[Path]) -> list[Path]:
    """``sorted(paths)``; on POSIX by ``parts``, the order pathlib uses, without its slow ``__lt__``."""
    return sorted(paths, key=lambda p: p.parts) if os.name == "posix" else sorted(paths)


@dataclass(frozen=True)
class FileContent:
    """A report file as the caller read it, for a worker that cannot see the file (``govdata ingest
    --engine dask --send bytes``): its bytes, or the Failure reading them gave, and the bytes of
    the attachments its collection manifest links to it (read through the page when it holds no
    tables, :func:`_annual_report_rows`), so the worker gives what a local parse gives."""

    raw: bytes | None = None
    failure: Failure | None = None
    attachments: tuple[tuple[str, bytes], ...] = ()


def read_file_content(path: Path, source: str) -> FileContent:
    """The :class:`FileContent` of ``path``, whose report is named ``source``."""
    try:
        raw = read_report_bytes(path, source)
    except ReadError as exc:
        return FileContent(failure=Failure(exc.source, exc.reason, exc.line))
    attachments = []
    for attachment in collection.attachments_of(path):
        try:
            attachments.append((attachment.name, read_report_bytes(attachment)))
        except ReadError:  # as a local parse does: an attachment that cannot be read is passed over
            continue
    return FileContent(raw=raw, attachments=tuple(attachments))


def _parse_one(path: Path, source: str | None = None, content: FileContent | None = None) -> ReportRows | Failure:
    """One file's rows, or its Failure. ``source`` is the name the report gets (default: the path
    relative to the working directory); a worker of another machine, whose working directory is
    not the caller's, is given the caller's name for it (govdata.ingest_dask), and ``content``
    when it cannot read the file itself."""
    if content is not None and content.failure is not None:
        return content.failure
    try:
        doc = read_document(path, source=source) if content is None else \
            read_document(raw=content.raw, source=source or display_path(path))
        return _annual_report_rows(doc, parse_document_rows(doc), path, source, content)
    except ReadError as exc:
        return Failure(exc.source, exc.reason, exc.line)
    except Exception as exc:  # noqa: BLE001 - a batch must go on; the failure is reported, not hidden
        return Failure(source or str(path), f"internal error while parsing ({type(exc).__name__}: {exc})")


def _annual_report_rows(doc: Document, rows: ReportRows, path: Path, source: str | None = None,
                        content: FileContent | None = None) -> ReportRows | Failure:
    """What a collected file gives (docs/collecting.md): a page that holds no tables is read through
    the attachment its collection manifest links to it, when that one holds more; a file whose title
    says it is another kind of document (a 函, a notice) is a Failure, not an empty report.
    An attachment is named beside the page's ``source`` when that is given, and read from
    ``content`` when that is given (see :func:`_parse_one`)."""
    if _n_cells(rows):
        return rows
    chosen = rows
    shipped = dict(content.attachments) if content is not None else {}
    candidates = collection.attachments_of(path) if content is None else [Path(path).parent / name for name in shipped]
    for attachment in candidates:
        named = None if source is None else os.path.join(os.path.dirname(source), attachment.name)
        try:
            read = read_document(attachment, source=named) if content is None else \
                read_document(raw=shipped[attachment.name], source=named or display_path(attachment))
            found = parse_document_rows(read)
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


def load(paths: str | os.PathLike | Iterable[str | os.PathLike] | Discovery, *, jobs: int = 1,
         progress: Callable[[Path], None] | None = None) -> Corpus:
    """Parse many reports into one :class:`Corpus`; failures are listed, never raised.

    ``jobs`` > 1 parses files in that many processes (the parse of one file is independent
    of every other). Corpus-wide checks (year-on-year continuity) run after all files.
    A file with the same bytes as one before it (same report_id) is parsed once: the later
    path is a ``duplicate`` failure naming the first; paths passed over under the folders are
    ``skipped`` failures (:func:`discover_files`).
    For corpora too large for memory, :func:`ingest` writes the same frames to a store.
    """
    found = discover_files(paths)
    parts = []
    first_source: dict[str, str] = {}
    for batch, part in parse_batches(found.files, jobs=jobs):
        parts.append(without_duplicates(part, first_source))
        for path in batch if progress else ():
            progress(path)
    corpus = check.with_corpus_checks(merge_corpora(parts))
    return dataclasses.replace(corpus, failures=[*found.skipped, *corpus.failures])


def without_duplicates(part: Corpus, first_source: dict[str, str]) -> Corpus:
    """``part`` without the reports whose report_id is in ``first_source`` (report_id -> the path
    that gave it first), each listed as a ``duplicate`` failure instead; ``first_source`` learns
    the part's other reports. A part holds one copy of a report (:func:`parse_batch`), so every
    row of a repeated report_id in it belongs to the repeat."""
    repeated: list[Failure] = []
    drop: set[str] = set()
    for source, report_id in part.reports.select("source", "report_id").iter_rows():
        if report_id in first_source:
            repeated.append(duplicate_failure(source, first_source[report_id], report_id))
            drop.add(report_id)
        else:
            first_source[report_id] = source
    if not drop:
        return part
    frames = {name: frame.filter(~pl.col("report_id").is_in(sorted(drop))) for name, frame in part.frames().items()}
    return Corpus(**frames, failures=[*part.failures, *repeated])


def duplicate_failure(source: str, first: str, report_id: str) -> Failure:
    """The failure that lists ``source`` as a copy of ``first``: its report is stored once, from ``first``."""
    return Failure(source, f"duplicate: the same bytes as {first}, whose report is stored once ({report_id})",
                   kind=Failure.DUPLICATE)


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
    as they do with ``pool.map``, which submits every task at once. Workers end when this process
    ends, however it ends (:func:`govdata.system.exit_with_parent`)."""
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                             initializer=system.exit_with_parent) as pool:
        pending: deque = deque()
        for task in tasks:
            pending.append((task, pool.submit(func, task)))
            if len(pending) >= 2 * jobs:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()


def parse_batch(files: Sequence[Path], sources: Sequence[str] | None = None,
                contents: Sequence[FileContent] | None = None) -> Corpus:
    """Parse files into one Corpus (failures listed); corpus-wide checks are left to the caller.

    A file with the same bytes as an earlier one of the batch is a ``duplicate`` failure; a
    report whose rows do not fit the frames' types is a failure of that file alone (the batch
    goes on). ``sources`` names the files' reports, ``contents`` holds their bytes when this
    process cannot read them (see :func:`_parse_one`)."""
    named = sources if sources is not None else [None] * len(files)
    read = contents if contents is not None else [None] * len(files)
    results = [_parse_one(path, source, content) for path, source, content in zip(files, named, read, strict=True)]
    first_source: dict[str, str] = {}
    for index, result in enumerate(results):
        if isinstance(result, ReportRows):
            report_id, source = result.report["report_id"], result.report["source"]
            if report_id in first_source:
                results[index] = duplicate_failure(source, first_source[report_id], report_id)
            else:
                first_source[report_id] = source
    parsed = [r for r in results if isinstance(r, ReportRows)]
    failures = [r for r in results if isinstance(r, Failure)]
    try:
        return Corpus(**_batch_frames(parsed), failures=failures)
    except Exception:  # noqa: BLE001 - find the report whose rows do not fit, fail it, keep the others
        kept = []
        for rows in parsed:
            try:
                _batch_frames([rows])
                kept.append(rows)
            except Exception as exc:  # noqa: BLE001
                failures.append(Failure(rows.report["source"], f"internal error while storing its frames ({type(exc).__name__}: "
                                                                f"{str(exc)[:200]})"))
        return Corpus(**_batch_frames(kept), failures=failures)


def _batch_frames(parsed: Sequence[ReportRows]) -> dict[str, pl.DataFrame]:
    frames = {name: schema.frame(name, [row for r in parsed for row in r.frames[name]]) for name in TABLE_FRAMES}
    return {"reports": schema.frame("reports", [r.report for r in parsed]), **frames}


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
