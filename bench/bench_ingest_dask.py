"""Ingest with the default engine and with the Dask engine (issue 18). Prints figures; never run as a test.

Both ingest the same synthetic corpus (govdata.synth, every name marked 合成) into a fresh store:

1. default: ``govdata.ingest.ingest(reports, store, jobs=W)``, W local processes (what
   ``govdata ingest --jobs W`` runs);
2. dask: the same through ``govdata.ingest_dask.dask_engine(workers=W)``, a LocalCluster of W
   worker processes of one thread each (what ``govdata ingest --engine dask --jobs W`` runs),
   timed without and with starting the cluster.

Each is run ``--repeat`` times, the engines in turn (median and range printed, and the load
average, since a shared machine's other work slows both); the stores are checked to hold the
same number of rows in every frame. Corpora and stores go under bench/out/ (git-ignored).

Usage:
    .venv/bin/python bench/bench_ingest_dask.py --n 1000 --workers 2 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def corpus_of(n: int) -> Path:
    from govdata.synth import write_synthetic_corpus

    corpus = OUT / f"synth-{n}"
    if not (corpus / "manifest.csv").exists():
        write_synthetic_corpus(n, corpus, seed=0, jobs=os.cpu_count() or 1, truth=False)
    return corpus


def timed_ingest(corpus: Path, store: Path, *, workers: int, engine=None) -> float:
    from govdata.ingest import ingest

    shutil.rmtree(store, ignore_errors=True)
    started = time.perf_counter()
    summary = ingest(corpus / "reports", store, jobs=workers, engine=engine)
    seconds = time.perf_counter() - started
    assert summary.n_parsed == summary.n_files, summary
    return seconds


def row_counts(store: Path) -> dict[str, int]:
    import polars as pl

    from govdata.schema import FRAME_NAMES
    from govdata.store import scan_frame

    return {name: scan_frame(store, name).select(pl.len()).collect().item() for name in FRAME_NAMES}


def summary_line(label: str, seconds: list[float], n: int) -> str:
    median = statistics.median(seconds)
    return (f"| {label} | {median:.2f} s | {min(seconds):.2f}-{max(seconds):.2f} s | {n / median:,.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="synthetic reports")
    parser.add_argument("--workers", type=int, default=2, help="processes of the default engine, workers of the Dask one")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from govdata.ingest_dask import dask_engine

    OUT.mkdir(parents=True, exist_ok=True)
    corpus = corpus_of(args.n)
    os.environ["GOVDATA_AGENCIES"] = str(corpus / "agencies.csv")
    default_store, dask_store = OUT / f"store-default-{args.n}", OUT / f"store-dask-{args.n}"
    default, dask, dask_with_start = [], [], []
    load_before = os.getloadavg()[0]
    for _ in range(args.repeat):
        default.append(timed_ingest(corpus, default_store, workers=args.workers))
        started = time.perf_counter()
        with dask_engine(workers=args.workers) as engine:
            start_seconds = time.perf_counter() - started
            dask.append(timed_ingest(corpus, dask_store, workers=args.workers, engine=engine))
        dask_with_start.append(start_seconds + dask[-1])
    assert row_counts(default_store) == row_counts(dask_store), "the engines' stores differ"
    print(f"\n{args.n:,} synthetic reports, {args.workers} workers, {os.cpu_count()} cores, {args.repeat} runs each (runs "
          f"interleaved); 1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (the machine is "
          "shared: a load above the core count slows both engines)\n")
    print("| engine | median | range | reports/s |")
    print("|---|---:|---:|---:|")
    print(summary_line(f"default (`--jobs {args.workers}`, local processes)", default, args.n))
    print(summary_line(f"dask, LocalCluster of {args.workers} workers already running", dask, args.n))
    print(summary_line(f"dask, starting the LocalCluster too (`--engine dask --jobs {args.workers}`)", dask_with_start, args.n))
    print(f"\nraw seconds: default {[round(s, 2) for s in default]}, dask {[round(s, 2) for s in dask]}, "
          f"dask with start {[round(s, 2) for s in dask_with_start]}")


if __name__ == "__main__":
    main()
