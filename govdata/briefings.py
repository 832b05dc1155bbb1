"""Batch: every agency-year briefing, the trends page and the data-quality page, plus index.html.

Why this shape (see HOUSE_STYLE, after cal-itp/data-analyses):

* **The parameter list comes from the data** (:func:`plan`): one briefing per agency and
  statistics year in ``reports``, plus ``trends`` and ``data_quality``.
* **File names come from the parameters** (:func:`slugify`): ASCII, lower case, no dots or
  slashes, with a short hash whenever the id had to be changed, so ``../<script>`` or a
  Chinese name can never escape the output directory or collide with another agency.
* **Unchanged work is skipped**: each output's input hash covers the notebook, the
  package code, the parameters and the rows of that agency (every frame), and is kept in
  ``<out>/.govdata-briefings.json``; ``force=True`` rebuilds everything.
* **Failures are collected, never raised mid-batch**: every job runs, the index lists what
  failed and why, and the CLI exits non-zero at the end.
* **Speed**: one kernel per worker runs many notebooks (:class:`govdata.notebooks.KernelSession`)
  and HTML is exported in-process; see docs/benchmarks.md for the measured cost.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from govdata import __version__, schema
from govdata.metrics import STREAMING, agency_names, status_overview
from govdata.model import Corpus
from govdata.notebooks import ParameterError, SiteAssets
from govdata.sections import esc
from govdata.system import exit_with_parent, os_error_message

PACKAGE_DIR = Path(__file__).resolve().parent
MANIFEST_NAME = ".govdata-briefings.json"
INDEX_NAME = "index.html"
DEFAULT_MIN_N = 30
AGENCY_NOTEBOOK = "agency_briefing.ipynb"
CORPUS_NOTEBOOKS = (("trends.ipynb", "trends.html", "历年趋势"), ("data_quality.ipynb", "data_quality.html", "数据质量概览"),
                    ("compare.ipynb", "compare.html", "两个机关的比较"))
COMPARE_OUTPUT = "compare.html"

_SLUG_UNSAFE = re.compile(r"[^a-z0-9_]+")


def slugify(text: str, *, max_length: int = 48) -> str:
    """A file-name-safe form of any id: ``[a-z0-9_-]`` only, never empty, never ``.`` or ``..``.

    An id that is already safe is kept as is (``jinjiang_city``); anything else is folded to
    ASCII and gets 8 hex digits of its sha1, so two different ids never share a file name.

    Example:
        >>> slugify("jinjiang_city")
        'jinjiang_city'
        >>> slugify("../<script>alert(1)</script>")
        'script-alert-1-script-0c9df8de'
        >>> slugify("晋江市")
        'x-0400e146'
    """
    text = str(text)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = _SLUG_UNSAFE.sub("-", folded).strip("-_")[:max_length].strip("-_")
    if slug == text and slug:
        return slug
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"x-{digest}"


@dataclass(frozen=True)
class Job:
    """One output page: which notebook, with which parameters, written where, from which inputs."""

    notebook: str
    parameters: dict[str, Any]
    output: str
    title: str
    input_hash: str
    agency_id: str | None = None
    agency: str | None = None
    year: int | None = None
    template: str | None = None
    input_status: str | None = None
    nav_html: str = ""


@dataclass
class JobResult:
    job: Job
    status: str  # built, skipped, failed
    seconds: float = 0.0
    error: str | None = None


@dataclass
class BatchResult:
    out_dir: Path
    results: list[JobResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[JobResult]:
        return [r for r in self.results if r.status == "failed"]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def index_path(self) -> Path:
        return self.out_dir / INDEX_NAME


# --------------------------------------------------------------------------- hashing


def _sha256(parts: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def code_fingerprint(notebook_dir: Path) -> str:
    """Hash of the package code, templates and notebooks: a code change rebuilds every page."""
    files = sorted([*PACKAGE_DIR.rglob("*.py"), *PACKAGE_DIR.glob("templates/*"), *PACKAGE_DIR.glob("data/*"),
                    *notebook_dir.glob("*.ipynb")])
    return _sha256([__version__.encode(), *[f.name.encode() + b"\0" + f.read_bytes() for f in files if f.is_file()]])


ROW_HASH_SEED = 0

Frames = Corpus | dict[str, pl.LazyFrame]
"""What a plan reads: a :class:`Corpus` in memory (tests, small runs) or lazy scans of a store's
frames (:func:`store_frames`), which read only the columns and rows a query asks for."""


def store_frames(data_dir: str | os.PathLike) -> dict[str, pl.LazyFrame]:
    """Every frame of a store (either layout) as a lazy scan: nothing is read until a plan asks."""
    from govdata.store import resolve_data_dir, scan_frame

    src = resolve_data_dir(data_dir)
    return {name: scan_frame(src, name) for name in schema.FRAME_NAMES}


def _lazy_frames(frames: Frames) -> dict[str, pl.LazyFrame]:
    if isinstance(frames, Corpus):
        return {name: df.lazy() for name, df in frames.frames().items()}
    return frames


def _row_hash() -> pl.Expr:
    """One 64-bit hash per row over every column, as an expression (so it runs on a lazy scan, streamed).

    Stable within a Polars version; after an upgrade every page is rebuilt once (a changed
    hash never skips a page whose rows changed).
    """
    return pl.struct(pl.all()).hash(seed=ROW_HASH_SEED).alias("_row_hash")


def _frame_hash() -> pl.Expr:
    """Order-free hash of the row hashes in a group (sorted, then hashed as one list)."""
    return pl.col("_row_hash").sort().implode().hash(seed=ROW_HASH_SEED).first()


def frame_digest(df: pl.DataFrame | pl.LazyFrame) -> bytes:
    """Content of a frame as bytes: its row count and the hash of its sorted row hashes.

    Why not CSV (the first version): writing every frame as CSV takes seconds and gigabytes
    for a store of 10^5 reports; hashing rows is one pass in Polars, streamed from the files.
    """
    n, digest = (df.lazy().select(_row_hash()).select(pl.len().alias("n"), _frame_hash().alias("digest"))
                 .collect(engine=STREAMING).row(0))
    return f"{n}:{digest if n else 0}".encode()


def corpus_fingerprint(corpus: Frames, report_ids: Iterable[str] | None = None) -> str:
    """Hash of every frame's rows, optionally only those of ``report_ids`` (one agency)."""
    parts = []
    ids = None if report_ids is None else sorted(set(report_ids))
    for name, lazy in _lazy_frames(corpus).items():
        if ids is not None:
            lazy = lazy.filter(pl.col("report_id").is_in(ids))
        parts.append(name.encode() + b"\0" + frame_digest(lazy))
    return _sha256(parts)


def agency_fingerprints(corpus: Frames, agencies: Iterable[str] | None = None) -> dict[str, str]:
    """``corpus_fingerprint(corpus, <the agency's report ids>)`` for every agency (or those of ``agencies``), in one pass per frame.

    Why: filtering every frame once per agency is quadratic — 1.5 s for the 328 agencies of
    1,000 synthetic reports, hours for the ~33,000 agencies of 100,000. Here every row is
    hashed once, streamed from the files (only the report id and the hash are kept), and the
    hashes are grouped by agency.
    """
    frames = _lazy_frames(corpus)
    owners_scan = frames["reports"].select("report_id", "agency_id").filter(pl.col("agency_id").is_not_null())
    if agencies is not None:
        owners_scan = owners_scan.filter(pl.col("agency_id").is_in(sorted(set(agencies))))
    owners = owners_scan.unique().collect()
    digests: dict[str, dict[str, bytes]] = {agency_id: {} for agency_id in owners["agency_id"].unique().sort()}
    ids = owners["report_id"].unique().sort().to_list()
    for name, lazy in frames.items():
        rows = lazy if agencies is None else lazy.filter(pl.col("report_id").is_in(ids))
        hashed = rows.select("report_id", _row_hash()).join(owners.lazy(), on="report_id", how="inner")
        per_agency = hashed.group_by("agency_id").agg(pl.len().alias("n"), _frame_hash().alias("digest"))
        for agency_id, n, digest in per_agency.collect(engine=STREAMING).iter_rows():
            digests[agency_id][name] = f"{n}:{digest}".encode()
    return {agency_id: _sha256([name.encode() + b"\0" + parts.get(name, b"0:0") for name in frames])
            for agency_id, parts in digests.items()}


# --------------------------------------------------------------------------- selection


LEVELS = ("province", "prefecture", "county", "township", "zone", "department", "unknown")
"""Agency levels as the store has them (``reports.level``), from the top down."""


class SelectionError(ParameterError):
    """An ``--agencies``/``--years``/``--level`` that selects nothing: one line saying what the store has."""


@dataclass(frozen=True)
class Selection:
    """Which agency-year pages a batch builds: every one when all three are empty.

    A selection builds only agency-year pages (the trends, data-quality and comparison pages
    are about the whole store and come with a run without one); each selected page is the
    same page, with the same input hash, as a run of the whole store would write.
    """

    agencies: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    levels: tuple[str, ...] = ()

    @property
    def is_everything(self) -> bool:
        return not (self.agencies or self.years or self.levels)

    @classmethod
    def parse(cls, agencies: str | None = None, years: str | None = None, levels: str | None = None) -> Selection:
        """From the command line: ``--agencies a,b``, ``--years 2019,2021-2023``, ``--level county,zone``."""
        return cls(agencies=tuple(_comma_list(agencies)), years=tuple(parse_years(years)), levels=tuple(_comma_list(levels)))


def _comma_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def parse_years(text: str | None) -> list[int]:
    """``"2019,2021-2023"`` -> ``[2019, 2021, 2022, 2023]``; a one-line :class:`SelectionError` otherwise.

    Example:
        >>> parse_years("2019,2021-2023")
        [2019, 2021, 2022, 2023]
    """
    years: set[int] = set()
    for part in _comma_list(text):
        first, _, last = part.replace("–", "-").partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError:
            raise SelectionError(f"--years takes years and ranges like 2019,2021-2023; got {text!r}") from None
        if low > high or high - low > 200:
            raise SelectionError(f"--years: {part!r} is not a range of years (first-last)")
        years.update(range(low, high + 1))
    return sorted(years)


def _check_selection(reports: pl.LazyFrame, selection: Selection) -> None:
    """Raise :class:`SelectionError` for an unknown agency id or level, or years without a report of the selection."""
    def known(column: str, frame: pl.LazyFrame = reports) -> list:
        return frame.select(pl.col(column).drop_nulls().unique().sort()).collect()[column].to_list()

    if selection.levels:
        unknown = [level for level in selection.levels if level not in LEVELS]
        if unknown:
            raise SelectionError(f"unknown level(s) {unknown}; levels are {list(LEVELS)}")
    if selection.agencies:
        present = set(reports.filter(pl.col("agency_id").is_in(list(selection.agencies)))
                      .select("agency_id").unique().collect()["agency_id"])
        unknown = [a for a in selection.agencies if a not in present]
        if unknown:
            some = reports.select("agency_id").unique().sort("agency_id").head(8).collect()["agency_id"].to_list()
            raise SelectionError(f"unknown agency id(s) {unknown}: no report in the store (ids there include {some})")
    chosen = _selected(reports, dataclasses.replace(selection, years=()))
    if selection.levels and not selection.agencies:
        levels = known("level")
        empty = [level for level in selection.levels if level not in levels]
        if len(empty) == len(selection.levels):
            raise SelectionError(f"no report of level {list(selection.levels)} in the store; levels there: {levels}")
    if selection.years:
        have = known("year", chosen)
        missing = [year for year in selection.years if year not in have]
        if missing:
            who = "the selected agencies" if (selection.agencies or selection.levels) else "the store"
            raise SelectionError(f"no report of {who} for year(s) {missing}; years with reports: {have}")


def _described(selection: Selection) -> str:
    parts = [f"{name} {list(values)}" for name, values in
             (("agencies", selection.agencies), ("years", selection.years), ("levels", selection.levels)) if values]
    return ", ".join(parts)


def _selected(reports: pl.LazyFrame, selection: Selection) -> pl.LazyFrame:
    if selection.agencies:
        reports = reports.filter(pl.col("agency_id").is_in(list(selection.agencies)))
    if selection.levels:
        reports = reports.filter(pl.col("level").is_in(list(selection.levels)))
    if selection.years:
        reports = reports.filter(pl.col("year").is_in(list(selection.years)))
    return reports


# --------------------------------------------------------------------------- plan

PLAN_REPORT_COLUMNS = ("report_id", "source", "agency", "agency_id", "level", "parent", "year", "template")
"""The columns of ``reports`` a plan reads (not the line numbers or encodings)."""


def plan(corpus: Frames, data_dir: Path, *, notebook_dir: Path, min_n: int = DEFAULT_MIN_N,
         selection: Selection | None = None) -> tuple[list[Job], list[str]]:
    """Every page to build, from the data; also notes about reports that cannot get a briefing.

    ``corpus`` may be lazy scans of a store (:func:`store_frames`): the plan then reads the
    columns of ``reports`` it needs, the five check columns of the selected reports, and hashes
    the selected agencies' rows frame by frame, streamed; never the whole store at once.
    """
    selection = selection or Selection()
    frames = _lazy_frames(corpus)
    code = code_fingerprint(notebook_dir)
    data_dir = str(Path(data_dir).resolve())
    notes: list[str] = []
    jobs: list[Job] = []
    all_reports = frames["reports"].select(PLAN_REPORT_COLUMNS)
    _check_selection(all_reports, selection)
    if selection.is_everything:
        unplaced = all_reports.filter(pl.col("agency_id").is_null() | pl.col("year").is_null()).collect()
        for row in unplaced.iter_rows(named=True):
            notes.append(f"{row['source']}: no agency_id or year, so no briefing (see the checks of report {row['report_id']})")
    # every year of the selected agencies: a page's links to the agency's other years are those of a whole run
    agencies = _selected(all_reports, dataclasses.replace(selection, years=()))
    reports = agencies.filter(pl.col("agency_id").is_not_null() & pl.col("year").is_not_null()).collect()
    checks = frames["checks"]
    if not selection.is_everything:
        checks = checks.filter(pl.col("report_id").is_in(reports["report_id"].unique().sort().to_list()))
    status = (status_overview(reports.select("report_id", "agency_id", "agency", "year", "template", "source"), checks)
              .group_by("agency_id", "year").agg(pl.col("input_status").sort().first()))
    placed = (reports.sort("source").group_by("agency_id", "year", maintain_order=True).last()
              .join(status, on=["agency_id", "year"], how="left").sort("agency_id", "year"))
    agency_hashes = agency_fingerprints(frames, None if selection.is_everything else placed["agency_id"].unique())
    notebook = str(notebook_dir / AGENCY_NOTEBOOK)
    n_agencies = all_reports.select(pl.col("agency_id").drop_nulls().n_unique()).collect().item()
    corpus_pages = [(output, title) for name, output, title in CORPUS_NOTEBOOKS if name != "compare.ipynb" or n_agencies >= 2]
    years_of = {agency_id: sorted(int(y) for y in part["year"]) for (agency_id,), part in placed.group_by("agency_id")}
    wanted = set(selection.years)
    for row in placed.iter_rows(named=True):
        if wanted and int(row["year"]) not in wanted:
            continue
        parameters = {"data_dir": data_dir, "agency_id": row["agency_id"], "year": int(row["year"]), "min_n": int(min_n)}
        nav = agency_nav(row["agency_id"], int(row["year"]), years_of[row["agency_id"]], corpus_pages)
        jobs.append(Job(
            notebook=notebook, parameters=parameters,
            output=agency_page(row["agency_id"], int(row["year"])),
            title=f"{row['agency'] or row['agency_id']} {row['year']}年政府信息公开数据简报",
            input_hash=_sha256([code.encode(), _params_bytes(parameters), agency_hashes[row["agency_id"]].encode(), nav.encode()]),
            agency_id=row["agency_id"], agency=row["agency"], year=int(row["year"]), template=row["template"],
            input_status=row["input_status"], nav_html=nav,
        ))
    if not selection.is_everything:
        if not jobs:
            raise SelectionError(f"no agency-year has all of {_described(selection)}")
        return _distinct_outputs(jobs, notes), notes
    whole = corpus_fingerprint(frames)
    for notebook_name, output, title in CORPUS_NOTEBOOKS:
        if output not in dict(corpus_pages):  # a comparison needs two agencies
            continue
        parameters: dict[str, Any] = {"data_dir": data_dir}
        if notebook_name in ("trends.ipynb", "compare.ipynb"):
            parameters["min_n"] = int(min_n)
        nav = corpus_nav(output, corpus_pages)
        jobs.append(Job(notebook=str(notebook_dir / notebook_name), parameters=parameters, output=output, title=title,
                        input_hash=_sha256([code.encode(), _params_bytes(parameters), whole.encode(), nav.encode()]),
                        nav_html=nav))
    return _distinct_outputs(jobs, notes), notes


def _distinct_outputs(jobs: list[Job], notes: list[str]) -> list[Job]:
    """Jobs whose pages would share a file name get names of their own (the full sha1 of the
    agency id, then a counter), with a note; a batch never aborts on it, nor overwrites a page.

    Two registry ids can slug alike: ``x-0400e146`` is safe as it is, and also the slug of 晋江市.
    """
    taken = {job.output for job in jobs}
    seen: set[str] = set()
    out = []
    for job in jobs:
        if job.output in seen:
            stem, suffix = job.output.rsplit(".", 1)
            digest = hashlib.sha1(str(job.agency_id).encode("utf-8")).hexdigest()
            candidate, n = f"{stem}-{digest}.{suffix}", 1
            while candidate in taken:
                n += 1
                candidate = f"{stem}-{digest}-{n}.{suffix}"
            notes.append(f"{job.agency_id} {job.year}: its page name {job.output} is another agency's too; written to {candidate}")
            taken.add(candidate)
            job = dataclasses.replace(job, output=candidate)
        seen.add(job.output)
        out.append(job)
    return out


def agency_page(agency_id: str, year: int) -> str:
    """The file of an agency-year briefing, relative to the output folder."""
    return f"agencies/{slugify(agency_id)}_{int(year)}.html"


def _nav(links: list[str]) -> str:
    return f'<nav class="govdata-nav">{" · ".join(links)}</nav>'


def corpus_nav(current: str, corpus_pages: list[tuple[str, str]]) -> str:
    """Links at the top of a corpus-wide page: back to the index, and the other corpus pages."""
    links = ['<a href="index.html">← 全部简报</a>']
    for output, title in corpus_pages:
        links.append(f"<b>{esc(title)}</b>" if output == current else f'<a href="{esc(output)}">{esc(title)}</a>')
    return _nav(links)


def agency_nav(agency_id: str, year: int, years: list[int], corpus_pages: list[tuple[str, str]]) -> str:
    """Links at the top of an agency-year page: the index, the corpus pages, and the agency's other years."""
    links = ['<a href="../index.html">← 全部简报</a>']
    links += [f'<a href="../{esc(output)}">{esc(title)}</a>' for output, title in corpus_pages]
    others = [f"<b>{y}</b>" if y == year else f'<a href="{esc(agency_page(agency_id, y).removeprefix("agencies/"))}">{y}</a>'
              for y in years]
    if len(years) > 1:
        links.append("本机关各年度：" + " ".join(others))
    return _nav(links)


def _params_bytes(parameters: dict[str, Any]) -> bytes:
    return json.dumps(parameters, ensure_ascii=False, sort_keys=True).encode("utf-8")


# --------------------------------------------------------------------------- manifest


def read_manifest(out_dir: Path) -> dict[str, dict[str, Any]]:
    path = out_dir / MANIFEST_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("outputs", {})
    except (OSError, ValueError):
        return {}


def write_manifest(out_dir: Path, outputs: dict[str, dict[str, Any]]) -> None:
    from govdata.notebooks import write_atomically

    write_atomically(out_dir / MANIFEST_NAME,
                     json.dumps({"govdata": __version__, "outputs": outputs}, ensure_ascii=False, indent=1, sort_keys=True))


def is_up_to_date(job: Job, out_dir: Path, manifest: dict[str, dict[str, Any]]) -> bool:
    entry = manifest.get(job.output)
    return bool(entry) and entry.get("input_hash") == job.input_hash and (out_dir / job.output).exists()


# --------------------------------------------------------------------------- running


def _safe_output(out_dir: Path, relative: str) -> Path:
    """``out_dir / relative``, refusing any path that would land outside ``out_dir``."""
    target = (out_dir / relative).resolve()
    if not target.is_relative_to(out_dir.resolve()):
        raise ValueError(f"output {relative!r} would be written outside {out_dir}")
    return target


def run_job(session, job: Job, out_dir: Path, assets: SiteAssets | None = None) -> JobResult:
    """Run one job on a :class:`~govdata.notebooks.KernelSession` and export its page; never raises.

    With ``assets`` (the site's shared files, relative to its root) the page links them; without,
    it inlines its own copy of the chart library and styles.
    """
    from govdata.notebooks import NotebookError, export_html

    started = time.perf_counter()
    target = _safe_output(out_dir, job.output)
    # A failed job leaves the previous page as it was (export_html replaces a page only with a
    # whole one): the manifest forgets it, so the next run rebuilds it, and the index says it failed.
    try:
        nb = session.run(job.notebook, job.parameters)
        export_html(nb, target, title=job.title, nav_html=job.nav_html,
                    assets=assets.for_page(job.output) if assets is not None else None)
    except NotebookError as exc:
        return JobResult(job, "failed", time.perf_counter() - started, exc.message)
    except OSError as exc:
        return JobResult(job, "failed", time.perf_counter() - started, os_error_message(exc, target))
    except Exception as exc:  # noqa: BLE001 - a batch collects every failure and goes on
        return JobResult(job, "failed", time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
    return JobResult(job, "built", time.perf_counter() - started)


_WORKER_SESSION = None


def _worker_init(cwd: str) -> None:
    """Start this worker's kernel once; a multiprocessing finalizer shuts it down at exit."""
    from multiprocessing import util

    from govdata.notebooks import KernelSession

    global _WORKER_SESSION
    exit_with_parent()  # a worker whose parent was killed must not run on (its kernel follows it)
    _WORKER_SESSION = KernelSession(cwd=cwd).start()
    util.Finalize(_WORKER_SESSION, _WORKER_SESSION.close, exitpriority=10)


def _worker_run(job: Job, out_dir: str, assets: SiteAssets | None) -> JobResult:
    return run_job(_WORKER_SESSION, job, Path(out_dir), assets)


def run_jobs(jobs: list[Job], out_dir: Path, *, workers: int = 1, cwd: Path | None = None,
             on_done: Callable[[JobResult], None] | None = None, assets: SiteAssets | None = None) -> list[JobResult]:
    """Run jobs on ``workers`` kernels (one process each when more than one); results in job order."""
    from govdata.notebooks import KernelSession

    cwd = (cwd or Path.cwd()).resolve()
    results: dict[int, JobResult] = {}
    if workers <= 1 or len(jobs) <= 1:
        with KernelSession(cwd=cwd) as session:
            for index, job in enumerate(jobs):
                results[index] = run_job(session, job, out_dir, assets)
                if on_done:
                    on_done(results[index])
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # spawn, not fork: forking a process that has Polars' thread pool running can deadlock
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context,
                                 initializer=_worker_init, initargs=(str(cwd),)) as pool:
            futures = {pool.submit(_worker_run, job, str(out_dir), assets): index for index, job in enumerate(jobs)}
            for future in as_completed(futures):
                index = futures[future]
                try:
                    results[index] = future.result()
                except Exception as exc:  # noqa: BLE001 - a crashed worker is one more collected failure
                    results[index] = JobResult(jobs[index], "failed", 0.0, f"worker crashed: {type(exc).__name__}: {exc}")
                if on_done:
                    on_done(results[index])
    return [results[i] for i in range(len(jobs))]


def build_briefings(data_dir: str | os.PathLike, out_dir: str | os.PathLike, *, workers: int = 1, force: bool = False,
                    min_n: int = DEFAULT_MIN_N, notebook_dir: str | os.PathLike | None = None,
                    progress: bool = False, selection: Selection | None = None) -> BatchResult:
    """Plan, skip what is up to date, write the shared assets, run the rest, write the manifest and index.html.

    The store is read lazily (:func:`store_frames`); ``selection`` builds only some agency-year
    pages, and the index then also lists the pages earlier runs wrote (:func:`_with_kept_pages`).
    """
    from govdata.notebooks import NOTEBOOK_DIR, write_site_assets

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frames = store_frames(data_dir)
    jobs, notes = plan(frames, Path(data_dir), notebook_dir=Path(notebook_dir or NOTEBOOK_DIR), min_n=min_n,
                       selection=selection)
    manifest = read_manifest(out)
    skipped = [] if force else [job for job in jobs if is_up_to_date(job, out, manifest)]
    to_run = [job for job in jobs if job not in skipped]
    batch = BatchResult(out, notes=notes)
    from tqdm import tqdm

    assets = write_site_assets(out)  # before any page that refers to them
    with tqdm(total=len(to_run), desc="briefings", unit="page", disable=not progress or not to_run) as bar:
        ran = run_jobs(to_run, out, workers=workers, on_done=lambda _result: bar.update(), assets=assets)
    by_output = {r.job.output: r for r in ran}
    for job in jobs:
        batch.results.append(by_output.get(job.output) or JobResult(job, "skipped"))
    for result in batch.results:
        if result.status == "built":
            manifest[result.job.output] = {"input_hash": result.job.input_hash, "title": result.job.title,
                                           "parameters": result.job.parameters}
        elif result.status == "failed":
            manifest.pop(result.job.output, None)
    write_manifest(out, manifest)
    write_index(_with_kept_pages(batch, manifest, selection), frames, min_n=min_n)
    return batch


def _with_kept_pages(batch: BatchResult, manifest: dict[str, dict[str, Any]], selection: Selection | None) -> BatchResult:
    """For the index of a selective run: the batch plus the agency-year pages earlier runs wrote
    (in the manifest, file present), as skipped, so building a site in parts never drops a page
    from its index. A run of the whole store lists exactly what it planned."""
    if selection is None or selection.is_everything:
        return batch
    listed = {r.job.output for r in batch.results}
    kept = []
    for output, entry in sorted(manifest.items()):
        parameters = entry.get("parameters") or {}
        if output in listed or "agency_id" not in parameters or not (batch.out_dir / output).exists():
            continue
        job = Job(notebook=AGENCY_NOTEBOOK, parameters=parameters, output=output, title=str(entry.get("title") or output),
                  input_hash=str(entry.get("input_hash")), agency_id=str(parameters["agency_id"]), year=int(parameters["year"]))
        kept.append(JobResult(job, "skipped"))
    return dataclasses.replace(batch, results=[*batch.results, *kept])


# --------------------------------------------------------------------------- index

INLINE_INDEX_ROWS = 2000
"""Most agency-year rows index.html holds itself; above, each level-and-region group gets a page
of its own (``groups/<level>-<region>.html``) and the index links them: 10^5 rows of numbers
would make one page of ~40 MB."""

SEARCH_RESULTS_SHOWN = 100
"""Most agencies the index's search box lists at once (it says how many more matched)."""

NO_PARENT = "（无上级机关）"
GROUPS_DIR = "groups"


def _index_numbers(frames: dict[str, pl.LazyFrame], report_ids: pl.Series, min_n: int) -> dict[str, dict[str, str]]:
    """Per report: requests received, requests handled and the non-disclosure share (or its counts), as index cells.

    Reads only what these three numbers need from the store (the four 总计 cells of 表三, one
    附表 indicator, one prose fact, the outcomes and the checks of the listed reports).
    """
    from govdata import metrics
    from govdata.sections import fmt_int, fmt_interval, fmt_share
    from govdata.views import OUTCOME_COLUMNS

    def listed(name: str) -> pl.LazyFrame:
        return frames[name].filter(pl.col("report_id").is_in(report_ids.to_list()))

    rows = ("new", "carried_over", "carried_forward", "total")
    small = Corpus(
        reports=listed("reports").collect(),
        table3=listed("table3").filter((pl.col("requester") == "total") & pl.col("row").is_in(list(rows))).collect(),
        legacy=listed("legacy").filter(pl.col("indicator") == "requests_total").collect(),
        facts=listed("facts").filter(pl.col("key") == "requests.received").collect(),
        outcomes=schema.conform("outcomes", listed("outcomes").select(OUTCOME_COLUMNS).collect()),
        checks=listed("checks").select("report_id", "check", "status", "severity", "verdict").collect(),
    )
    requests = metrics.requests_per_agency_year(small)
    shares = metrics.outcome_shares(small.outcomes, small.checks, metrics=["share_withheld"], min_n=min_n)
    by_report = {r["report_id"]: r for r in shares.iter_rows(named=True)}
    out: dict[str, dict[str, str]] = {}
    for r in requests.iter_rows(named=True):
        s = by_report.get(r["report_id"])
        if s is None or s["numerator"] is None or not s["denominator"]:
            share = "—" if s is None or s["denominator"] != 0 else "无申请办结"
        elif s["share"] is None:
            share = f"{fmt_int(s['numerator'])} / {fmt_int(s['denominator'])} 件"
        else:
            share = f"{fmt_share(s['share'])}（{fmt_interval(s['ci_low'], s['ci_high'])}）"
        out[r["report_id"]] = {"new": fmt_int(r["requests_new"]), "handled": fmt_int(r["handled"]), "share": share}
    return out


def _registry_names() -> dict[str, str]:
    """agency_id -> name from the agency registry (data/agencies.csv or $GOVDATA_AGENCIES), for parents that publish nothing."""
    from govdata import paths

    path = paths.registry_path()
    try:
        registry = pl.read_csv(path, columns=["agency_id", "name"], schema_overrides={"agency_id": pl.String, "name": pl.String})
    except (OSError, pl.exceptions.PolarsError):
        return {}
    return dict(registry.drop_nulls().iter_rows())


def _listed_agency_results(batch: BatchResult) -> list[JobResult]:
    return [r for r in batch.results if r.job.agency_id is not None and r.job.year is not None]


def index_entries(batch: BatchResult, corpus: Frames) -> pl.DataFrame:
    """One row per agency-year page of the batch, with what the index shows and groups by.

    Columns: ``agency_id, year, output, status, error, report_id, name, level, region, template,
    input_status``. ``name`` is the agency's latest report's name (a renamed agency's years stay
    together); ``region`` is the name of the unit it belongs to (``reports.parent``, named by its
    own reports or the registry).
    """
    frames = _lazy_frames(corpus)
    results = _listed_agency_results(batch)
    pages = pl.DataFrame(
        [(r.job.agency_id, r.job.year, r.job.output, r.status, r.error) for r in results],
        schema={"agency_id": pl.String, "year": pl.Int64, "output": pl.String, "status": pl.String, "error": pl.String},
        orient="row")
    agencies = pages["agency_id"].unique().sort()
    reports = (frames["reports"].select("report_id", "source", "agency", "agency_id", "level", "parent", "year", "template")
               .filter(pl.col("agency_id").is_in(agencies.to_list())).collect())
    names = agency_names(reports)
    placed = reports.sort("source").group_by("agency_id", "year", maintain_order=True).last()
    checks = frames["checks"].filter(pl.col("report_id").is_in(reports["report_id"].unique().sort().to_list()))
    status = (status_overview(reports.select("report_id", "agency_id", "agency", "year", "template", "source"), checks)
              .group_by("agency_id", "year").agg(pl.col("input_status").sort().first()))
    placed = placed.join(status, on=["agency_id", "year"], how="left")
    parents = reports.sort("year").group_by("agency_id", maintain_order=True).agg(
        pl.col("parent").drop_nulls().last(), pl.col("level").drop_nulls().last())
    parent_ids = parents["parent"].drop_nulls().unique().sort()
    parent_names = dict(agency_names(frames["reports"].select("agency_id", "agency", "year")
                                             .filter(pl.col("agency_id").is_in(parent_ids.to_list())).collect()).iter_rows())
    registry = _registry_names()
    region = {pid: parent_names.get(pid) or registry.get(pid) or pid for pid in parent_ids}
    return (pages.join(placed.select("agency_id", "year", "report_id", "template", "input_status"), on=["agency_id", "year"],
                       how="left")
            .join(names, on="agency_id", how="left").join(parents, on="agency_id", how="left")
            .with_columns(pl.col("agency_name").fill_null(pl.col("agency_id")).alias("name"),
                          pl.col("level").fill_null("unknown").replace({"": "unknown"}),
                          pl.col("parent").replace_strict(region, default=None, return_dtype=pl.String).fill_null(NO_PARENT)
                          .alias("region"))
            .select("agency_id", "year", "output", "status", "error", "report_id", "name", "level", "region", "template",
                    "input_status"))


def _level_order(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def _group_page(level: str, region: str) -> str:
    """The file of one level-and-region group's table, relative to the output folder."""
    return f"{GROUPS_DIR}/{slugify(level)}--{slugify(region)}.html"


_INDEX_STYLE = """
  body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif;
         max-width: 1000px; margin: 0 auto; padding: 1.5em 1em 3em; color: #212529; }
  table { border-collapse: collapse; font-size: 0.95em; }
  th, td { border: 1px solid #dee2e6; padding: 0.3em 0.7em; text-align: left; }
  th { background: #f1f3f5; }
  td.num { text-align: right; white-space: nowrap; }
  th, td.flag-fail, td.flag-warning, td.flag-pass, td:last-child { white-space: nowrap; }
  .table-wrap { overflow-x: auto; max-width: 100%; }
  .flag-fail { color: #c92a2a; font-weight: 600; } .flag-warning { color: #e67700; } .flag-pass { color: #2b8a3e; }
  .muted { color: #868e96; }
  details.region { margin: 0.3em 0 0.6em 0.5em; } details.region > summary { cursor: pointer; font-weight: 600; }
  ul.groups { columns: 2 18em; } ul.groups li { break-inside: avoid; }
  #govdata-search { font: inherit; padding: 0.35em 0.6em; width: min(32em, 100%); box-sizing: border-box; }
  #govdata-search-results li { margin: 0.2em 0; } #govdata-search-results a { margin-left: 0.3em; }
"""

# The search box's code: fixed text, never built from data. It reads the entries from the JSON
# element (escaped for a <script> context by charts.escape_for_script), builds results with
# textContent and links only to page names of the batch's own form.
_SEARCH_SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById("govdata-search-data").textContent);
  var box = document.getElementById("govdata-search");
  var list = document.getElementById("govdata-search-results");
  var count = document.getElementById("govdata-search-count");
  var MAX = __MAX__, SAFE_HREF = /^[a-z0-9_\\-]+(\\/[a-z0-9_\\-]+)*\\.html$/, timer = null;
  function show() {
    var query = box.value.trim().toLowerCase();
    list.textContent = "";
    if (!query) { count.textContent = ""; list.dataset.query = ""; return; }
    var found = 0;
    for (var i = 0; i < data.length; i++) {
      var e = data[i];
      var text = (e[0] + " " + e[1] + " " + e[2] + " " + e[3]).toLowerCase();
      if (text.indexOf(query) < 0) continue;
      found++;
      if (found > MAX) continue;
      var item = document.createElement("li");
      var name = document.createElement("span"); name.textContent = e[0];
      var id = document.createElement("code"); id.textContent = e[1];
      var where = document.createElement("span"); where.className = "muted"; where.textContent = e[2] + " · " + e[3];
      item.append(name, " ", id, " ", where, " ：");
      e[4].forEach(function (page) {
        if (!SAFE_HREF.test(page[1])) return;
        var link = document.createElement("a"); link.href = page[1]; link.textContent = String(page[0]);
        item.append(" ", link);
      });
      list.appendChild(item);
    }
    list.dataset.query = query;  // what the list shows (tests wait for it)
    count.textContent = found ? "找到 " + found + " 个机关" + (found > MAX ? "，只列出前 " + MAX + " 个，请输入更多文字" : "")
                              : "没有找到匹配的机关";
  }
  box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(show, 150); });
  if (box.value) show();
})();
""".replace("__MAX__", str(SEARCH_RESULTS_SHOWN))


def _search_json(entries: pl.DataFrame) -> str:
    """The search box's data: per agency ``[name, id, level label, region, [[year, page], ...]]``,
    escaped so no text from a report can end the ``<script>`` element or open a comment."""
    from govdata import terms
    from govdata.charts import escape_for_script

    levels = terms.terms("level")
    data = []
    for (agency_id,), part in entries.filter(pl.col("status") != "failed").sort("year").group_by("agency_id", maintain_order=True):
        first = part.row(0, named=True)
        data.append([first["name"], agency_id, levels.get(first["level"], first["level"]), first["region"],
                     [[int(row["year"]), row["output"]] for row in part.iter_rows(named=True)]])
    data.sort(key=lambda entry: (entry[0], entry[1]))
    return escape_for_script(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _agency_rows(entries: pl.DataFrame, numbers: dict[str, dict[str, str]], *, prefix: str = "") -> str:
    """Table rows of agency-year pages; ``prefix`` leads from the page holding the table to the site root."""
    from govdata import terms

    rows = []
    for row in entries.iter_rows(named=True):
        if row["status"] == "failed":
            link = f'<span class="flag-fail">生成失败：{esc(row["error"])}</span>'
        else:
            link = f'<a href="{esc(prefix + row["output"])}">简报</a>'
        status = row["input_status"] or "unchecked"
        cells = numbers.get(row["report_id"] or "", {})
        rows.append(
            f"<tr><td>{esc(row['name'])}</td><td><code>{esc(row['agency_id'])}</code></td>"
            f"<td class=\"num\">{esc(row['year'])}</td><td>{esc(terms.term('template', row['template']) if row['template'] else '—')}</td>"
            f'<td class="num">{esc(cells.get("new", "—"))}</td><td class="num">{esc(cells.get("handled", "—"))}</td>'
            f'<td class="num">{esc(cells.get("share", "—"))}</td>'
            f'<td class="flag-{esc(status)}">{esc(terms.term("input_status", status))}</td><td>{link}</td></tr>')
    return "".join(rows)


def _agency_table(entries: pl.DataFrame, numbers: dict[str, dict[str, str]], *, prefix: str = "") -> str:
    return ('<div class="table-wrap"><table><thead><tr><th>机关（最近一年报告所用名称）</th><th>编号</th><th>年度</th><th>年报格式</th>'
            "<th>本年新收</th><th>办理结果总计</th><th>不予公开占比</th><th>数据校验</th><th>页面</th></tr></thead>"
            f"<tbody>{_agency_rows(entries, numbers, prefix=prefix)}</tbody></table></div>")


def _page(title: str, body: str, *, script: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{esc(title)}</title>
<style>{_INDEX_STYLE}</style>
</head>
<body>
{body}
{script}
</body>
</html>
"""


def _groups(entries: pl.DataFrame) -> list[tuple[str, str, pl.DataFrame]]:
    """(level, region, rows) in index order: levels from the top down, regions and agencies by name."""
    order = {level: _level_order(level) for level in entries["level"].unique().to_list()}
    ordered = entries.with_columns(pl.col("level").replace_strict(order, return_dtype=pl.Int64).alias("_level")).sort(
        "_level", "region", "name", "agency_id", "year")
    return [(level, region, part.drop("_level"))
            for (level, region), part in ordered.group_by("level", "region", maintain_order=True)]


def index_site(batch: BatchResult, corpus: Frames, *, min_n: int = DEFAULT_MIN_N,
               inline_rows: int = INLINE_INDEX_ROWS) -> dict[str, str]:
    """index.html (and, for a large batch, one page per level-and-region group): relative path -> HTML.

    The index groups agency-year pages by level (省级 … 部门) and by the unit each agency belongs
    to, shows per page 本年新收, 办理结果总计 and 不予公开占比, the check status and failures, and
    has a search box over every agency (offline: a small fixed script filtering embedded JSON).
    Every text from a report or the registry is escaped.
    """
    from govdata import terms

    frames = _lazy_frames(corpus)
    entries = index_entries(batch, frames)
    numbers = _index_numbers(frames, entries["report_id"].drop_nulls().unique().sort(), min_n)
    levels = terms.terms("level")
    inline = entries.height <= inline_rows
    site: dict[str, str] = {}
    sections_html = []
    grouped = _groups(entries)
    for level in dict.fromkeys(level for level, _region, _rows in grouped):
        groups = [(region, rows) for lv, region, rows in grouped if lv == level]
        n_agencies = sum(rows["agency_id"].n_unique() for _region, rows in groups)
        heading = (f'<h3 id="level-{esc(slugify(level))}">{esc(levels.get(level, level))}'
                   f'<span class="muted">（{n_agencies} 个机关，{sum(rows.height for _r, rows in groups)} 份简报）</span></h3>')
        if inline:
            parts = [f'<details class="region" open><summary>{esc(region)}（{rows["agency_id"].n_unique()} 个机关）</summary>'
                     f"{_agency_table(rows, numbers)}</details>" for region, rows in groups]
            sections_html.append(heading + "".join(parts))
            continue
        links = []
        for region, rows in groups:
            page = _group_page(level, region)
            title = f"{levels.get(level, level)} · {region}"
            body = (f'<nav><a href="../{INDEX_NAME}">← 全部简报</a></nav><h1>{esc(title)}</h1>'
                    f'<p class="muted">{rows["agency_id"].n_unique()} 个机关，{rows.height} 份简报。'
                    f"不予公开占比 = 不予公开 ÷ 办理结果总计，括号内为95%置信区间；办理结果总计不足 {min_n} 件时只列件数。</p>"
                    f"{_agency_table(rows, numbers, prefix='../')}")
            site[page] = _page(title, body)
            count = rows["agency_id"].n_unique()
            links.append(f'<li><a href="{esc(page)}">{esc(region)}</a> <span class="muted">{count} 个机关</span></li>')
        sections_html.append(heading + f'<ul class="groups">{"".join(links)}</ul>')
    corpus_links = []
    for result in batch.results:
        if result.job.agency_id is None:
            if result.status == "failed":
                corpus_links.append(f'<li>{esc(result.job.title)}：<span class="flag-fail">生成失败：{esc(result.error)}</span></li>')
            else:
                corpus_links.append(f'<li><a href="{esc(result.job.output)}">{esc(result.job.title)}</a></li>')
    failures = "".join(f"<li><code>{esc(r.job.output)}</code>：{esc(r.error)}</li>" for r in batch.failures)
    notes = "".join(f"<li>{esc(note)}</li>" for note in batch.notes)
    n_reports = frames["reports"].select(pl.len()).collect().item()
    generated = datetime.now().strftime("%Y-%m-%d %H:%M")
    title = "政府信息公开工作年度报告数据简报"
    body = f"""<h1>{title}</h1>
<p class="muted">{n_reports} 份报告 · 生成于 {esc(generated)} · govdata {esc(__version__)} ·
本次生成 {batch.count("built")} 页，未变化跳过 {batch.count("skipped")} 页，失败 {len(batch.failures)} 页</p>
{f'<h2>全部机关</h2><ul>{"".join(corpus_links)}</ul>' if corpus_links else ''}
<h2>查找机关</h2>
<p><input id="govdata-search" type="search" placeholder="输入机关名称、编号或所属地区" aria-label="查找机关" autocomplete="off">
<span id="govdata-search-count" class="muted"></span></p>
<ul id="govdata-search-results"></ul>
<h2>各机关年度简报（按级别和所属地区）</h2>
<p class="muted">不予公开占比 = 不予公开 ÷ 办理结果总计，括号内为95%置信区间；办理结果总计不足 {min_n} 件时只列件数。
{'' if inline else '每个地区的简报列在其自己的页面上。'}</p>
{"".join(sections_html)}
{f'<h2>生成失败</h2><ul>{failures}</ul>' if failures else ''}
{f'<h2>说明</h2><ul>{notes}</ul>' if notes else ''}"""
    script = (f'<script type="application/json" id="govdata-search-data">{_search_json(entries)}</script>\n'
              f"<script>{_SEARCH_SCRIPT}</script>")
    site[INDEX_NAME] = _page(title, body, script=script)
    return site


def render_index(batch: BatchResult, corpus: Frames, *, min_n: int = DEFAULT_MIN_N) -> str:
    """index.html of :func:`index_site` (the group pages of a large batch are left out)."""
    return index_site(batch, corpus, min_n=min_n)[INDEX_NAME]


def write_index(batch: BatchResult, corpus: Frames, *, min_n: int = DEFAULT_MIN_N,
                inline_rows: int = INLINE_INDEX_ROWS) -> Path:
    """Write index.html and its group pages atomically (the group pages first: the index links them)."""
    from govdata.notebooks import write_atomically

    site = index_site(batch, corpus, min_n=min_n, inline_rows=inline_rows)
    for relative, text in site.items():
        if relative != INDEX_NAME:
            target = _safe_output(batch.out_dir, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, text)
    write_atomically(batch.index_path, site[INDEX_NAME])
    return batch.index_path


def result_rows(batch: BatchResult) -> list[dict[str, Any]]:
    """Results as plain dicts (for JSON logs and the benchmark)."""
    return [{**asdict(r.job), "status": r.status, "seconds": round(r.seconds, 3), "error": r.error} for r in batch.results]
