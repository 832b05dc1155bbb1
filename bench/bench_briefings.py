"""Benchmark: per-briefing cost of `govdata briefings` against a bare `papermill` CLI run.

What it measures (wall time, whole processes, as a user would run them):

* ``papermill``: ``papermill notebooks/agency_briefing.ipynb out.ipynb -p ...`` for one
  agency-year, the median of ``--repeat`` runs. This is the cost the batch must beat: a
  fresh kernel, fresh imports, one notebook.
* ``batch``: ``govdata briefings --force --jobs N`` over a corpus of ``--copies`` copies of
  the bundled reports (each copy under new agency ids, so every agency-year is a page),
  divided by the number of agency-year briefings written (the trends, data-quality and index
  pages are built too and charged to the briefings).

Usage: ``.venv/bin/python bench/bench_briefings.py [--copies 12] [--repeat 3] [--jobs 1 2]``.
Prints the figures and the machine; docs/benchmarks.md records a run. Not a test: wall times
depend on the machine and its load, so no test asserts them.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def synthetic_corpus(out_dir: Path, copies: int) -> int:
    """Write ``copies`` copies of the bundled corpus (new agency and report ids); return the report count."""
    from govdata.model import Corpus
    from govdata.pipeline import load
    from govdata.store import write_corpus

    base = load(ROOT / "data" / "raw")
    frames: dict[str, list[pl.DataFrame]] = {name: [] for name in base.frames()}
    for copy in range(copies):
        suffix = f"_c{copy:03d}"
        for name, frame in base.frames().items():
            renamed = frame.with_columns(pl.col("report_id") + suffix)
            if "agency_id" in renamed.columns:
                renamed = renamed.with_columns(pl.col("agency_id") + suffix)
            frames[name].append(renamed)
    corpus = Corpus(**{name: pl.concat(parts) for name, parts in frames.items()})
    write_corpus(corpus, out_dir)
    return corpus.reports.height


def timed(args: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return elapsed


def bare_papermill(data_dir: Path, work: Path, repeat: int) -> list[float]:
    from govdata.store import read_corpus

    agency_id, year = read_corpus(data_dir).reports.sort("year").select("agency_id", "year").row(-1)
    return [timed([str(BIN / "papermill"), "--no-progress-bar", "notebooks/agency_briefing.ipynb", str(work / f"pm{i}.ipynb"),
                   "-p", "data_dir", str(data_dir), "-p", "agency_id", agency_id, "-p", "year", str(year)], ROOT)
            for i in range(repeat)]


def batch(data_dir: Path, out_dir: Path, jobs: int) -> tuple[float, int]:
    seconds = timed([str(BIN / "govdata"), "briefings", "--force", "--no-progress", "--data", str(data_dir),
                     "--out", str(out_dir), "--jobs", str(jobs)], ROOT)
    briefings = len(list((out_dir / "agencies").glob("*.html")))
    return seconds, briefings


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"load average {load:.2f} at start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=12, help="copies of the 5 bundled reports (default 12 = 60 briefings)")
    parser.add_argument("--repeat", type=int, default=3, help="bare papermill runs to take the median of")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="worker counts to measure")
    args = parser.parse_args()

    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="govdata-bench-") as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        n_reports = synthetic_corpus(data_dir, args.copies)
        # warm the Vega bundle cache and the OS file cache so neither side pays a first-run cost
        timed([str(BIN / "python"), "-c", "from govdata import charts; charts.offline_bundle()"], ROOT)
        pm = bare_papermill(data_dir, work, args.repeat)
        pm_median = statistics.median(pm)
        print(f"corpus: {n_reports} reports ({args.copies} copies of the 5 bundled reports)")
        print(f"bare papermill CLI, one briefing: median {pm_median:.2f} s of {[round(x, 2) for x in pm]}")
        for jobs in args.jobs:
            seconds, briefings = batch(data_dir, work / f"out{jobs}", jobs)
            per_briefing = seconds / briefings
            print(f"govdata briefings --jobs {jobs}: {seconds:.2f} s for {briefings} briefings (+ trends, data quality, "
                  f"index) = {per_briefing:.3f} s per briefing = {per_briefing / pm_median:.3f} x bare papermill")


if __name__ == "__main__":
    main()
