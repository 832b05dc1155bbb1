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

from govdata import __version__
from govdata.model import Corpus
from govdata.notebooks import SiteAssets
from govdata.sections import esc
from govdata.store import read_corpus
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


def _row_hashes(df: pl.DataFrame) -> pl.Series:
    """One 64-bit hash per row over every column (Polars' ``hash_rows``).

    Stable within a Polars version; after an upgrade every page is rebuilt once (a changed
    hash never skips a page whose rows changed).
    """
    return df.hash_rows(seed=ROW_HASH_SEED).alias("_row_hash")


def _frame_hash() -> pl.Expr:
    """Order-free hash of the row hashes in a group (sorted, then hashed as one list)."""
    return pl.col("_row_hash").sort().implode().hash(seed=ROW_HASH_SEED).first()


def frame_digest(df: pl.DataFrame) -> bytes:
    """Content of a frame as bytes: its row count and the hash of its sorted row hashes.

    Why not CSV (the first version): writing every frame as CSV takes seconds and gigabytes
    for a store of 10^5 reports; hashing rows is one pass in Polars.
    """
    digest = df.select(_row_hashes(df)).select(_frame_hash()).item() if df.height else 0
    return f"{df.height}:{digest}".encode()


def corpus_fingerprint(corpus: Corpus, report_ids: Iterable[str] | None = None) -> str:
    """Hash of every frame's rows, optionally only those of ``report_ids`` (one agency)."""
    parts = []
    ids = None if report_ids is None else sorted(set(report_ids))
    for name, df in corpus.frames().items():
        if ids is not None:
            df = df.filter(pl.col("report_id").is_in(ids))
        parts.append(name.encode() + b"\0" + frame_digest(df))
    return _sha256(parts)


def agency_fingerprints(corpus: Corpus) -> dict[str, str]:
    """``corpus_fingerprint(corpus, <the agency's report ids>)`` for every agency, in one pass per frame.

    Why: filtering every frame once per agency is quadratic — 1.5 s for the 328 agencies of
    1,000 synthetic reports, hours for the ~33,000 agencies of 100,000. Here every row is
    hashed once and the hashes are grouped by agency.
    """
    owners = corpus.reports.select("report_id", "agency_id").filter(pl.col("agency_id").is_not_null()).unique()
    digests: dict[str, dict[str, bytes]] = {agency_id: {} for agency_id in owners["agency_id"].unique().sort()}
    for name, df in corpus.frames().items():
        hashed = df.select("report_id", _row_hashes(df)).join(owners, on="report_id", how="inner")
        per_agency = hashed.group_by("agency_id").agg(pl.len().alias("n"), _frame_hash().alias("digest"))
        for agency_id, n, digest in per_agency.iter_rows():
            digests[agency_id][name] = f"{n}:{digest}".encode()
    return {agency_id: _sha256([name.encode() + b"\0" + frames.get(name, b"0:0") for name in corpus.frames()])
            for agency_id, frames in digests.items()}


# --------------------------------------------------------------------------- plan


def plan(corpus: Corpus, data_dir: Path, *, notebook_dir: Path, min_n: int = DEFAULT_MIN_N) -> tuple[list[Job], list[str]]:
    """Every page to build, from the data; also notes about reports that cannot get a briefing."""
    from govdata.metrics import report_status_overview

    code = code_fingerprint(notebook_dir)
    data_dir = str(Path(data_dir).resolve())
    notes: list[str] = []
    jobs: list[Job] = []
    reports = corpus.reports
    unplaced = reports.filter(pl.col("agency_id").is_null() | pl.col("year").is_null())
    for row in unplaced.iter_rows(named=True):
        notes.append(f"{row['source']}: no agency_id or year, so no briefing (see the checks of report {row['report_id']})")
    status = report_status_overview(corpus).group_by("agency_id", "year").agg(pl.col("input_status").sort().first())
    placed = (reports.filter(pl.col("agency_id").is_not_null() & pl.col("year").is_not_null())
              .sort("source").group_by("agency_id", "year", maintain_order=True).last()
              .join(status, on=["agency_id", "year"], how="left").sort("agency_id", "year"))
    agency_hashes = agency_fingerprints(corpus)
    notebook = str(notebook_dir / AGENCY_NOTEBOOK)
    n_agencies = placed["agency_id"].n_unique()
    corpus_pages = [(output, title) for name, output, title in CORPUS_NOTEBOOKS if name != "compare.ipynb" or n_agencies >= 2]
    years_of = {agency_id: sorted(int(y) for y in part["year"]) for (agency_id,), part in placed.group_by("agency_id")}
    for row in placed.iter_rows(named=True):
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
    whole = corpus_fingerprint(corpus)
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
                    progress: bool = False) -> BatchResult:
    """Plan, skip what is up to date, write the shared assets, run the rest, write the manifest and index.html."""
    from govdata.notebooks import NOTEBOOK_DIR, write_site_assets

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    corpus = read_corpus(data_dir)
    jobs, notes = plan(corpus, Path(data_dir), notebook_dir=Path(notebook_dir or NOTEBOOK_DIR), min_n=min_n)
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
    write_index(batch, corpus, min_n=min_n)
    return batch


# --------------------------------------------------------------------------- index


def _index_numbers(corpus: Corpus, min_n: int) -> dict[tuple[str, int], dict[str, str]]:
    """Per agency-year: requests received, requests handled and the non-disclosure share (or its counts), as index cells."""
    from govdata import metrics
    from govdata.sections import fmt_int, fmt_interval, fmt_share

    requests = metrics.requests_per_agency_year(corpus)
    shares = metrics.outcome_shares(corpus.outcomes, corpus.checks, metrics=["share_withheld"], min_n=min_n)
    by_report = {r["report_id"]: r for r in shares.iter_rows(named=True)}
    out: dict[tuple[str, int], dict[str, str]] = {}
    for r in requests.sort("report_id").iter_rows(named=True):
        if r["agency_id"] is None or r["year"] is None:
            continue
        s = by_report.get(r["report_id"])
        if s is None or s["numerator"] is None or not s["denominator"]:
            share = "—" if s is None or s["denominator"] != 0 else "无申请办结"
        elif s["share"] is None:
            share = f"{fmt_int(s['numerator'])} / {fmt_int(s['denominator'])} 件"
        else:
            share = f"{fmt_share(s['share'])}（{fmt_interval(s['ci_low'], s['ci_high'])}）"
        out[(r["agency_id"], int(r["year"]))] = {"new": fmt_int(r["requests_new"]), "handled": fmt_int(r["handled"]), "share": share}
    return out


def render_index(batch: BatchResult, corpus: Corpus, *, min_n: int = DEFAULT_MIN_N) -> str:
    """index.html: links to every page, grouped by agency, with the headline numbers, check status and failures. No scripts."""
    from govdata import terms
    from govdata.charts import agency_names

    # one name per agency (its latest report's), so a renamed agency's years stay together
    names = dict(agency_names(corpus.reports).iter_rows())
    numbers = _index_numbers(corpus, min_n)
    rows = []
    agency_results = [r for r in batch.results if r.job.agency_id is not None]
    agency_results.sort(key=lambda r: (names.get(r.job.agency_id) or r.job.agency_id, r.job.agency_id, r.job.year or 0))
    for result in agency_results:
        job = result.job
        if result.status == "failed":
            link = f'<span class="flag-fail">生成失败：{esc(result.error)}</span>'
        else:
            link = f'<a href="{esc(job.output)}">简报</a>'
        status = job.input_status or "unchecked"
        cells = numbers.get((job.agency_id, job.year or 0), {})
        rows.append(
            f"<tr><td>{esc(names.get(job.agency_id) or job.agency_id)}</td><td><code>{esc(job.agency_id)}</code></td>"
            f"<td class=\"num\">{esc(job.year)}</td><td>{esc(terms.term('template', job.template) if job.template else '—')}</td>"
            f'<td class="num">{esc(cells.get("new", "—"))}</td><td class="num">{esc(cells.get("handled", "—"))}</td>'
            f'<td class="num">{esc(cells.get("share", "—"))}</td>'
            f'<td class="flag-{esc(status)}">{esc(terms.term("input_status", status))}</td><td>{link}</td></tr>'
        )
    corpus_links = []
    for result in batch.results:
        if result.job.agency_id is None:
            if result.status == "failed":
                corpus_links.append(f'<li>{esc(result.job.title)}：<span class="flag-fail">生成失败：{esc(result.error)}</span></li>')
            else:
                corpus_links.append(f'<li><a href="{esc(result.job.output)}">{esc(result.job.title)}</a></li>')
    failures = "".join(f"<li><code>{esc(r.job.output)}</code>：{esc(r.error)}</li>" for r in batch.failures)
    notes = "".join(f"<li>{esc(note)}</li>" for note in batch.notes)
    n_reports = corpus.reports.height
    generated = datetime.now().strftime("%Y-%m-%d %H:%M")
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>政府信息公开工作年度报告数据简报</title>
<style>
  body {{ font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif;
         max-width: 1000px; margin: 0 auto; padding: 1.5em 1em 3em; color: #212529; }}
  table {{ border-collapse: collapse; font-size: 0.95em; }}
  th, td {{ border: 1px solid #dee2e6; padding: 0.3em 0.7em; text-align: left; }}
  th {{ background: #f1f3f5; }}
  td.num {{ text-align: right; white-space: nowrap; }}
  th, td.flag-fail, td.flag-warning, td.flag-pass, td:last-child {{ white-space: nowrap; }}
  .table-wrap {{ overflow-x: auto; max-width: 100%; }}
  .flag-fail {{ color: #c92a2a; font-weight: 600; }} .flag-warning {{ color: #e67700; }} .flag-pass {{ color: #2b8a3e; }}
  .muted {{ color: #868e96; }}
</style>
</head>
<body>
<h1>政府信息公开工作年度报告数据简报</h1>
<p class="muted">{n_reports} 份报告 · 生成于 {esc(generated)} · govdata {esc(__version__)} ·
本次生成 {batch.count("built")} 页，未变化跳过 {batch.count("skipped")} 页，失败 {len(batch.failures)} 页</p>
<h2>全部机关</h2>
<ul>{"".join(corpus_links)}</ul>
<h2>各机关年度简报</h2>
<p class="muted">不予公开占比 = 不予公开 ÷ 办理结果总计，括号内为95%置信区间；办理结果总计不足 {min_n} 件时只列件数。</p>
<div class="table-wrap"><table><thead><tr><th>机关（最近一年报告所用名称）</th><th>编号</th><th>年度</th><th>年报格式</th>
<th>本年新收</th><th>办理结果总计</th><th>不予公开占比</th><th>数据校验</th><th>页面</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table></div>
{f'<h2>生成失败</h2><ul>{failures}</ul>' if failures else ''}
{f'<h2>说明</h2><ul>{notes}</ul>' if notes else ''}
</body>
</html>
"""


def write_index(batch: BatchResult, corpus: Corpus, *, min_n: int = DEFAULT_MIN_N) -> Path:
    from govdata.notebooks import write_atomically

    write_atomically(batch.index_path, render_index(batch, corpus, min_n=min_n))
    return batch.index_path


def result_rows(batch: BatchResult) -> list[dict[str, Any]]:
    """Results as plain dicts (for JSON logs and the benchmark)."""
    return [{**asdict(r.job), "status": r.status, "seconds": round(r.seconds, 3), "error": r.error} for r in batch.results]
