"""Benchmark: `govdata briefings` at national scale — pages per second, bytes per page, peak memory, projected to 10^5.

What it does (each step a child process; peak memory is the resident set of the process and
all its children — the kernels included — sampled every 50 ms):

1. ``generate`` + ``ingest``: ``--reports`` synthetic reports (govdata.synth, ~3 per agency)
   ingested into a year-partitioned store, as ``make demo`` would (not timed as part of the figures).
2. ``plan``: the plan and the index of the *whole* store, without running any notebook
   (``briefings.plan`` on lazy scans + ``briefings.index_site``): time, peak memory, index size.
   This is the part that reads the store; it grows with the number of reports.
3. ``batch``: ``govdata briefings --agencies <sample>`` as a user runs it, for a sample of
   ``--sample`` agency-years, with ``--jobs 1`` and ``--jobs 2``: pages per second and the
   bytes of every page written. Running notebooks over 10^5 agency-years would take hours, so
   the batch is measured on the sample and projected (each page costs the same whatever the
   store's size: a briefing reads only its agency's rows).

Projection to 10^5 agency-years: time = 10^5 / pages-per-second (+ the plan, scaled linearly
from ``--reports``); disk = 10^5 x the mean page + the shared assets (once) + the index (scaled).

Usage: ``.venv/bin/python bench/bench_briefings_scale.py [--reports 2000] [--sample 100] [--jobs 1 2]``.
Prints a Markdown table; docs/benchmarks.md ("Briefings at scale") records a run. Not a test:
wall times depend on the machine and its load, so no test asserts them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_ingest import tree_rss  # the peak RSS of a process tree, measured the same way as ingest's

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET_PAGES = 100_000


# --- steps (each runs in a child process: `bench_briefings_scale.py --step NAME ...`) ------------


def step_generate(n: int, corpus: Path) -> dict:
    from govdata.synth import write_synthetic_corpus

    summary = write_synthetic_corpus(n, corpus, seed=0, jobs=2, truth=False)
    return {"n": summary.n_reports}


def step_ingest(corpus: Path, store: Path) -> dict:
    from govdata.ingest import ingest

    summary = ingest(corpus / "reports", store, jobs=2)
    return {"n": summary.n_files, "parsed": summary.n_parsed}


def step_plan(store: Path, out: Path) -> dict:
    """Plan every page of the store and render its index as if every page were built."""
    from govdata import briefings
    from govdata.notebooks import NOTEBOOK_DIR

    started = time.perf_counter()
    jobs, _notes = briefings.plan(briefings.store_frames(store), store, notebook_dir=NOTEBOOK_DIR)
    planned = time.perf_counter()
    batch = briefings.BatchResult(out, results=[briefings.JobResult(job, "built") for job in jobs])
    site = briefings.index_site(batch, briefings.store_frames(store))
    indexed = time.perf_counter()
    agency_jobs = [job for job in jobs if job.agency_id]
    return {"agency_years": len(agency_jobs), "agencies": len({job.agency_id for job in agency_jobs}),
            "plan_s": planned - started, "index_s": indexed - planned,
            "index_bytes": sum(len(text.encode("utf-8")) for text in site.values()), "index_pages": len(site),
            "index_html_bytes": len(site[briefings.INDEX_NAME].encode("utf-8")),
            "sample": [job.agency_id for job in agency_jobs]}


# --- the parent -----------------------------------------------------------------------------------


def run(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run ``command``; return wall seconds, peak RSS of its process tree (bytes) and its stdout."""
    import psutil

    # files, not pipes: a child writing more than a pipe holds would wait for a reader that only reads at its end
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out, tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, text=True, cwd=ROOT, env=env)
        process = psutil.Process(child.pid)
        peak = 0
        while child.poll() is None:
            peak = max(peak, tree_rss(process))
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} … failed ({child.returncode}): {stderr[-2000:]}")
    return seconds, peak, stdout


def run_step(name: str, env: dict[str, str], **kwargs) -> dict:
    command = [sys.executable, __file__, "--step", name, "--kwargs", json.dumps({k: str(v) for k, v in kwargs.items()})]
    seconds, peak, stdout = run(command, env)
    return {**json.loads(stdout.strip().splitlines()[-1]), "seconds": seconds, "peak_rss_gb": peak / 1e9}


def sample_agencies(agency_ids: list[str], pages: int) -> list[str]:
    """Agencies spread over the store (every k-th, in id order) until they hold about ``pages`` agency-years."""
    counts: dict[str, int] = {}
    for agency_id in agency_ids:
        counts[agency_id] = counts.get(agency_id, 0) + 1
    ordered = sorted(counts)
    step = max(1, len(ordered) * 3 // max(pages, 1))
    chosen, total = [], 0
    for agency_id in ordered[::step] + ordered:
        if total >= pages:
            break
        if agency_id not in chosen:
            chosen.append(agency_id)
            total += counts[agency_id]
    return chosen


def batch(store: Path, out: Path, agencies: list[str], jobs: int, env: dict[str, str]) -> dict:
    command = [str(BIN / "govdata"), "briefings", "--data", str(store), "--out", str(out), "--jobs", str(jobs), "--force",
               "--no-progress", "--agencies", ",".join(agencies)]
    seconds, peak, stdout = run(command, env)
    pages = sorted((out / "agencies").glob("*.html"))
    sizes = [page.stat().st_size for page in pages]
    assets = sum(path.stat().st_size for path in (out / "assets").iterdir())
    return {"jobs": jobs, "pages": len(pages), "seconds": seconds, "pages_per_s": len(pages) / seconds,
            "peak_rss_gb": peak / 1e9, "mean_bytes": statistics.mean(sizes), "max_bytes": max(sizes),
            "median_bytes": statistics.median(sizes), "assets_bytes": assets, "summary": stdout.strip().splitlines()[-2:]}


def machine() -> str:
    import polars as pl

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    return (f"{os.cpu_count()} cores ({cpu}), {memory_gb:.0f} GB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, Polars {pl.__version__}; load average {load:.2f} at the start")


def report(reports: int, plan: dict, batches: list[dict]) -> str:
    scale = TARGET_PAGES / plan["agency_years"]
    lines = [f"Machine: {machine()}", "",
             f"Store: {reports:,} synthetic reports = {plan['agency_years']:,} agency-years of {plan['agencies']:,} agencies.", "",
             "| step | measured | projected to 10^5 agency-years |", "|---|---|---|",
             f"| plan (lazy, whole store) | {plan['plan_s']:.1f} s, peak {plan['peak_rss_gb']:.2f} GB (with interpreter) "
             f"| ~{plan['plan_s'] * scale:.0f} s (linear) |",
             f"| index (every agency-year) | {plan['index_s']:.1f} s, {plan['index_bytes'] / 1e6:.2f} MB in {plan['index_pages']} "
             f"file(s), index.html {plan['index_html_bytes'] / 1e6:.2f} MB "
             f"| ~{plan['index_s'] * scale:.0f} s, ~{plan['index_bytes'] * scale / 1e6:.0f} MB, "
             f"index.html ~{plan['index_html_bytes'] * scale / 1e6:.0f} MB |"]
    for b in batches:
        hours = TARGET_PAGES / b["pages_per_s"] / 3600
        lines.append(f"| batch `--jobs {b['jobs']}`, {b['pages']} pages | {b['seconds']:.1f} s = **{b['pages_per_s']:.2f} pages/s**, "
                     f"peak {b['peak_rss_gb']:.2f} GB | ~{hours:.1f} h |")
    if not batches:
        return "\n".join(lines)
    b = batches[0]
    disk = TARGET_PAGES * b["mean_bytes"] + b["assets_bytes"] + plan["index_bytes"] * scale
    inlined = TARGET_PAGES * (b["mean_bytes"] + b["assets_bytes"])
    lines += ["", f"Bytes per page (agency-year, {b['pages']} pages): mean {b['mean_bytes'] / 1e3:.1f} KB, "
              f"median {b['median_bytes'] / 1e3:.1f} KB, max {b['max_bytes'] / 1e3:.1f} KB; shared assets "
              f"{b['assets_bytes'] / 1e6:.2f} MB once per site.",
              f"Disk for 10^5 agency-years: 10^5 x {b['mean_bytes'] / 1e3:.1f} KB + assets + index "
              f"= **~{disk / 1e9:.1f} GB** (each page inlining the library and styles: 10^5 x "
              f"{(b['mean_bytes'] + b['assets_bytes']) / 1e6:.2f} MB = ~{inlined / 1e9:.0f} GB)."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=2000, help="synthetic reports in the store")
    parser.add_argument("--sample", type=int, default=100, help="agency-year pages the batch builds (about)")
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 2], help="worker counts to run the batch with (none: plan only)")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--kwargs", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        kwargs = json.loads(args.kwargs)
        step = {"generate": lambda: step_generate(int(kwargs["n"]), Path(kwargs["corpus"])),
                "ingest": lambda: step_ingest(Path(kwargs["corpus"]), Path(kwargs["store"])),
                "plan": lambda: step_plan(Path(kwargs["store"]), Path(kwargs["out"]))}[args.step]
        print(json.dumps(step()))
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="govdata-bench-briefings-"))
    corpus, store = work / "corpus", work / "store"
    # PYTHONPATH: the steps, the CLI and its kernels import govdata from this checkout, whatever the venv has installed
    env = {**os.environ, "GOVDATA_AGENCIES": str(corpus / "agencies.csv"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    if not (store / "current").exists():
        print(f"generating {args.reports} reports and ingesting them into {store} …", file=sys.stderr)
        run_step("generate", env, n=args.reports, corpus=corpus)
        run_step("ingest", env, corpus=corpus, store=store)
    plan = run_step("plan", env, store=store, out=work / "plan-out")
    agencies = sample_agencies(plan.pop("sample"), args.sample)
    batches = []
    for jobs in args.jobs:
        print(f"batch --jobs {jobs} over {len(agencies)} agencies …", file=sys.stderr)
        batches.append(batch(store, work / f"out-jobs{jobs}", agencies, jobs, env))
    print(report(args.reports, plan, batches))
    print(json.dumps({"plan": plan, "batches": batches}, default=str), file=sys.stderr)


if __name__ == "__main__":
    main()
