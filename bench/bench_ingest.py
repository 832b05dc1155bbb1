"""Ingest benchmarks at national scale (issue 8). Prints figures; never run as a test.

What it measures, on synthetic corpora (govdata.synth, every name marked 合成) of each size:

1. ingest: ``govdata.ingest.ingest`` of the whole corpus into a fresh year-partitioned
   store using every core: reports/s, MB/s, peak RSS of the whole process tree;
2. the floor, over the same files: read + decode + NFKC + six regex scans in pure Python,
   on one core and on every core;
3. warm re-ingest of the unchanged corpus (skipped by content hash), trusting size+mtime like
   git, and with ``verify=True`` (every file hashed again);
4. the trends notebook (notebooks/trends.ipynb, papermill) over the largest store, and the
   Polars computation of its headline figure (share withheld by year) alone.

Each step runs in its own process so its peak RSS is its own; RSS is sampled every 50 ms
over the step's process and all its children (the ingest workers). Corpora and stores go
under bench/out/ (git-ignored) and are reused between runs when already there.

Usage:
    .venv/bin/python bench/bench_ingest.py --sizes 1000 10000 100000 --trends
    .venv/bin/python bench/bench_ingest.py --sizes 1000            # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
# The floor's six scans: the anchors the parser looks for, the statistics period, and numbers.
FLOOR_PATTERNS = (r"第二十条第\(([一二三四五六七八九十]+)\)项", r"勾稽关系", r"结转下年度继续办理", r"行政复议",
                  r"统计期限.{0,12}?((?:19|20)\d{2})年", r"[+-]?\d+(?:,\d{3})*(?:\.\d+)?")
TARGETS = {"ingest_vs_floor": 1.0, "peak_rss_gb_100k": 1.5, "warm_100k_s": 3.0, "trends_100k_s": 10.0}


# --- steps (each runs in a child process: `bench_ingest.py --step NAME ...`) -------------------------


def step_generate(n: int, corpus: Path, jobs: int) -> dict:
    from govdata.synth import write_synthetic_corpus

    summary = write_synthetic_corpus(n, corpus, seed=0, jobs=jobs, truth=False)
    return {"n": summary.n_reports, "bytes": summary.n_bytes}


def step_floor(corpus: Path, jobs: int) -> dict:
    files = report_files(corpus)
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        chunks = [files[i::jobs] for i in range(jobs)]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            found = sum(pool.map(floor_scan, chunks))
    else:
        found = floor_scan(files)
    return {"n": len(files), "matches": found}


def floor_scan(files: list[Path]) -> int:
    """Read, decode, NFKC-normalize and scan each file six times: the least any parser must do."""
    patterns = [re.compile(p) for p in FLOOR_PATTERNS]
    found = 0
    for path in files:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030", errors="replace")
        normalized = unicodedata.normalize("NFKC", text)
        for pattern in patterns:
            found += len(pattern.findall(normalized))
    return found


def step_ingest(corpus: Path, store: Path, jobs: int, verify: bool) -> dict:
    os.environ["GOVDATA_AGENCIES"] = str(corpus / "agencies.csv")
    from govdata.ingest import ingest

    summary = ingest(corpus / "reports", store, jobs=jobs, verify=verify)
    return {"n": summary.n_files, "parsed": summary.n_parsed, "failed": summary.n_failed, "unchanged": summary.is_unchanged}


def step_headline(store: Path) -> dict:
    """The trends notebook's headline computation alone: share withheld by year, pooled, read lazily as the notebook does."""
    from govdata import metrics
    from govdata.store import scan_frame

    shares = metrics.outcome_shares(scan_frame(store, "outcomes"), scan_frame(store, "checks"), metrics=["share_withheld"], min_n=30)
    pooled = metrics.pooled_shares(shares)
    return {"years": pooled.height, "reports": shares.height}


def step_notebook(store: Path, output: Path) -> dict:
    """The trends notebook as papermill runs it; an error in a cell is reported, not raised."""
    import papermill

    try:
        papermill.execute_notebook(str(ROOT / "notebooks" / "trends.ipynb"), str(output), parameters={"data_dir": str(store)},
                                   kernel_name="python3", progress_bar=False, cwd=str(ROOT))
        error = None
    except papermill.PapermillExecutionError as exc:
        error = f"cell {exc.exec_count}: {exc.ename}: {exc.evalue[:120]}"
    return {"output_mb": round(output.stat().st_size / 1e6, 1), "error": error}


def step_stages(corpus: Path, n: int) -> dict:
    """Where one core's time goes: CPU ms per report of each stage over ``n`` files of the corpus
    (every k-th file, so every template and layout is in), after a warm-up, next to the floor's
    on the same files.
    The stages run as ``pipeline.parse_document_rows`` runs them; "frames" is building the
    frames from the rows, as ``pipeline.parse_batch`` does once per batch."""
    os.environ["GOVDATA_AGENCIES"] = str(corpus / "agencies.csv")
    from govdata import check, facts, harmonize, legacy, parse, read, schema
    from govdata.model import TABLE_FRAMES

    files = report_files(corpus)
    files = files[:: max(1, len(files) // n)][:n]
    spent = dict.fromkeys(("read", "tables", "legacy", "facts", "harmonize", "checks", "frames"), 0.0)
    clock = time.process_time
    for path in files[:20]:  # warm up: imports, label tables, OpenCC and regex caches are paid once per process
        check.check_rows(check.ReportView(parse.parse_tables(read.read_document(path)).report))
    rows: dict[str, list] = {name: [] for name in TABLE_FRAMES}
    for path in files:
        t0 = clock()
        doc = read.read_document(path)
        t1 = clock()
        tables = parse.parse_tables(doc)
        t2 = clock()
        appendix = legacy.find_legacy_table(doc)
        legacy_rows = legacy.legacy_rows(doc, appendix)
        t3 = clock()
        fact_rows = facts.fact_rows(doc, frozenset(appendix.line_numbers) if appendix else frozenset())
        t4 = clock()
        outcome_rows = harmonize.outcome_rows(tables.report, tables.table3, legacy_rows, fact_rows)
        t5 = clock()
        view = check.ReportView(tables.report, table2=tables.table2, table3=tables.table3, table4=tables.table4,
                                legacy=legacy_rows, facts=fact_rows)
        check_rows = check.check_rows(view, structure=tables.problems)
        t6 = clock()
        for name, part in (("table2", tables.table2), ("table3", tables.table3), ("table4", tables.table4), ("legacy", legacy_rows),
                           ("facts", fact_rows), ("outcomes", outcome_rows), ("checks", check_rows)):
            rows[name].extend(part)
        for stage, seconds in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5), strict=False):
            spent[stage] += seconds
    t0 = clock()
    for name in TABLE_FRAMES:
        schema.frame(name, rows[name])
    spent["frames"] = clock() - t0
    t0 = clock()
    floor_scan(files)
    floor = clock() - t0
    return {"n": len(files), "ms_per_report": {k: 1000 * v / len(files) for k, v in spent.items()},
            "floor_ms_per_report": 1000 * floor / len(files)}


STEPS = {"generate": step_generate, "floor": step_floor, "ingest": step_ingest, "headline": step_headline, "notebook": step_notebook,
         "stages": step_stages}


# --- the driver ------------------------------------------------------------------------------------------


def report_files(corpus: Path) -> list[Path]:
    return sorted(p for p in (corpus / "reports").rglob("*") if p.is_file())


def run_step(name: str, **kwargs) -> dict:
    """Run one step in a child process; returns its result with wall seconds and peak RSS (GB)."""
    import psutil

    command = [sys.executable, __file__, "--step", name, "--kwargs", json.dumps({k: str(v) for k, v in kwargs.items()})]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    peak = 0
    process = psutil.Process(child.pid)
    while child.poll() is None:
        peak = max(peak, tree_rss(process))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    output = child.stdout.read() if child.stdout else ""
    if child.returncode != 0:
        raise RuntimeError(f"step {name} failed ({child.returncode})")
    result = json.loads(output.strip().splitlines()[-1])
    return {**result, "seconds": seconds, "peak_rss_gb": peak / 1e9}


def tree_rss(process) -> int:
    import psutil

    try:
        processes = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for proc in processes:
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def machine() -> str:
    import polars as pl

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores ({cpu}), {memory_gb:.0f} GB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, Polars {pl.__version__}; machine shared with other work while measured")


def bench_size(n: int, jobs: int, *, trends: bool) -> dict:
    corpus, store = OUT / f"synth-{n}", OUT / f"store-{n}"
    figures: dict = {"n": n}
    if not (corpus / "manifest.csv").exists():
        figures["generate"] = run_step("generate", n=n, corpus=corpus, jobs=jobs)
    files = report_files(corpus)
    size = sum(p.stat().st_size for p in files)
    figures["mb"] = size / 1e6
    figures["floor_1"] = run_step("floor", corpus=corpus, jobs=1)
    figures["floor_all"] = run_step("floor", corpus=corpus, jobs=jobs)
    figures["stages"] = run_step("stages", corpus=corpus, n=min(n, 1000))
    shutil.rmtree(store, ignore_errors=True)
    figures["ingest"] = run_step("ingest", corpus=corpus, store=store, jobs=jobs, verify=False)
    figures["warm"] = run_step("ingest", corpus=corpus, store=store, jobs=jobs, verify=False)
    figures["warm_verify"] = run_step("ingest", corpus=corpus, store=store, jobs=jobs, verify=True)
    if trends:
        figures["headline"] = run_step("headline", store=store)
        figures["notebook"] = run_step("notebook", store=store, output=OUT / f"trends-{n}.ipynb")
    return figures


def print_table(results: list[dict], jobs: int) -> None:
    print(f"\nmachine: {machine()}; ingest and parallel floor use {jobs} processes\n")
    print("| reports | MB | ingest reports/s | ingest MB/s | ingest peak RSS | floor reports/s (1 core) | floor reports/s "
          f"({jobs} cores) | ingest / floor (1 core) | ingest / floor ({jobs} cores) | warm re-ingest | warm, every file hashed |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        ingest, f1, fa = r["ingest"], r["floor_1"], r["floor_all"]
        rate, rate_1, rate_all = r["n"] / ingest["work_seconds"], r["n"] / f1["work_seconds"], r["n"] / fa["work_seconds"]
        print(f"| {r['n']:,} | {r['mb']:.0f} | {rate:,.0f} | {r['mb'] / ingest['work_seconds']:.2f} | {ingest['peak_rss_gb']:.2f} GB | "
              f"{rate_1:,.0f} | {rate_all:,.0f} | {rate / rate_1:.3f}x | {rate / rate_all:.3f}x | {r['warm']['work_seconds']:.2f} s | "
              f"{r['warm_verify']['work_seconds']:.2f} s |")
    for r in results:
        stages = r["stages"]
        parts = ", ".join(f"{name} {ms:.2f}" for name, ms in stages["ms_per_report"].items())
        print(f"\n{r['n']:,} reports, where one core's time goes ({stages['n']} files, CPU ms per report): {parts}; "
              f"total {sum(stages['ms_per_report'].values()):.2f}; the floor on the same files {stages['floor_ms_per_report']:.2f}")
    for r in results:
        if "notebook" in r:
            failed = f" FAILED at {r['notebook']['error']}" if r["notebook"]["error"] else ""
            print(f"\ntrends over {r['n']:,} reports: notebook (papermill, kernel start included) "
                  f"{r['notebook']['seconds']:.1f} s{failed}, "
                  f"peak RSS {r['notebook']['peak_rss_gb']:.2f} GB, output {r['notebook']['output_mb']} MB; headline computation "
                  f"alone (scan outcomes + checks, share withheld by year) {r['headline']['seconds']:.1f} s, peak RSS "
                  f"{r['headline']['peak_rss_gb']:.2f} GB")
        if "generate" in r:
            print(f"generating {r['n']:,} synthetic reports took {r['generate']['seconds']:.0f} s")
    print(f"\ntargets: ingest >= {TARGETS['ingest_vs_floor']}x floor; 100k peak RSS <= {TARGETS['peak_rss_gb_100k']} GB; "
          f"warm re-ingest of 100k <= {TARGETS['warm_100k_s']} s; trends on 100k <= {TARGETS['trends_100k_s']} s")
    print("\nraw:", json.dumps(results, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--trends", action="store_true", help="also run the trends notebook over the largest size")
    parser.add_argument("--warm-only", action="store_true",
                        help="only re-ingest the existing stores (when govdata's code changed during a cold run, the first "
                             "re-ingest re-parses everything, correctly: run this to measure the skip)")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--kwargs", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        kwargs = json.loads(args.kwargs)
        typed = {k: (int(v) if k in ("n", "jobs") else v == "True" if k == "verify" else Path(v)) for k, v in kwargs.items()}
        started = time.perf_counter()
        result = STEPS[args.step](**typed)
        print(json.dumps({**result, "work_seconds": time.perf_counter() - started}))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    if args.warm_only:
        for n in args.sizes:
            corpus, store = OUT / f"synth-{n}", OUT / f"store-{n}"
            for verify in (False, True):
                result = run_step("ingest", corpus=corpus, store=store, jobs=args.jobs, verify=verify)
                print(f"{n:,} reports, re-ingest{' (every file hashed)' if verify else ''}: {result['work_seconds']:.2f} s, "
                      f"parsed {result['parsed']}, unchanged: {result['unchanged']}, peak RSS {result['peak_rss_gb']:.2f} GB")
        return
    results = [bench_size(n, args.jobs, trends=args.trends and n == max(args.sizes)) for n in args.sizes]
    print_table(results, args.jobs)


if __name__ == "__main__":
    main()
