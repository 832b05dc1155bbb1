"""Ingest speed of this checkout against an earlier commit, on the same synthetic files, in one run.

Why: a parser change must not cost more than a tenth of ingest speed (issue 12), and machines
here are noisy (2 cores shared). So both versions parse the same files, alternately, in rounds,
each in a fresh process pinned to its code by PYTHONPATH, and the CPU time of the per-report
stages (read, parse, 附表, facts, harmonize, checks: what ``govdata ingest`` does per file) is
compared by median over rounds. Then a whole ``ingest`` (every core, store written) of each
version, alternately, for wall time. Prints figures; never run as a test.

Usage:
    .venv/bin/python bench/bench_before_after.py --before b74699f --n 1000 --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"

_PARSE = r"""
import json, os, sys, time
from pathlib import Path
os.environ["GOVDATA_AGENCIES"] = sys.argv[2]
from govdata.pipeline import parse_document_rows
from govdata.read import read_document
files = sorted(Path(sys.argv[1]).rglob("*.txt")) + sorted(Path(sys.argv[1]).rglob("*.html"))
for path in files[:20]:
    parse_document_rows(read_document(path))
start = time.process_time()
for path in files:
    parse_document_rows(read_document(path))
print(json.dumps({"n": len(files), "cpu_s": time.process_time() - start}))
"""

_INGEST = r"""
import json, os, sys, time
os.environ["GOVDATA_AGENCIES"] = sys.argv[2]
try:
    from govdata.ingest import ingest
except ImportError:  # code from before govdata.ingest existed
    from govdata.pipeline import ingest
start = time.perf_counter()
summary = ingest(sys.argv[1], sys.argv[3], jobs=int(sys.argv[4]))
print(json.dumps({"n": summary.n_parsed, "wall_s": time.perf_counter() - start}))
"""


def _run(code: str, source: Path, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(source)}
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="git ref of the earlier code")
    parser.add_argument("--n", type=int, default=1000, help="synthetic reports")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    corpus = OUT / f"before_after_{args.n}"
    if not corpus.exists():
        from govdata.synth import write_synthetic_corpus

        write_synthetic_corpus(args.n, corpus, seed=0, jobs=args.jobs, truth=False)
    registry = str(corpus / "agencies.csv")
    with tempfile.TemporaryDirectory() as folder:
        before = Path(folder) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), args.before], check=True,
                       capture_output=True)
        try:
            versions = {"before": before, "after": ROOT}
            cpu: dict[str, list[float]] = {name: [] for name in versions}
            wall: dict[str, list[float]] = {name: [] for name in versions}
            for round_number in range(args.rounds):
                for name, source in (versions.items() if round_number % 2 == 0 else reversed(versions.items())):
                    cpu[name].append(_run(_PARSE, source, str(corpus), registry)["cpu_s"])
            for round_number in range(max(1, args.rounds // 2)):
                for name, source in (versions.items() if round_number % 2 == 0 else reversed(versions.items())):
                    store = Path(folder) / f"store_{name}"
                    shutil.rmtree(store, ignore_errors=True)
                    wall[name].append(_run(_INGEST, source, str(corpus), registry, str(store), str(args.jobs))["wall_s"])
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], check=False, capture_output=True)
    n = args.n
    print(f"{n} synthetic reports; before = {args.before}; after = working tree; {args.rounds} rounds; "
          f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores")
    for name in ("before", "after"):
        median_cpu = statistics.median(cpu[name])
        print(f"  {name:6} per-report stages, 1 core: {median_cpu / n * 1000:.2f} ms/report ({n / median_cpu:,.0f} reports/s CPU; "
              f"rounds {', '.join(f'{v:.2f}' for v in cpu[name])} s)")
        print(f"  {name:6} ingest, {args.jobs} workers:     {statistics.median(wall[name]):.2f} s wall "
              f"(rounds {', '.join(f'{v:.2f}' for v in wall[name])} s)")
    ratio = statistics.median(cpu["after"]) / statistics.median(cpu["before"])
    print(f"  after / before, CPU per report: {ratio:.3f} ({(ratio - 1) * 100:+.1f}%)")
    ratio_wall = statistics.median(wall["after"]) / statistics.median(wall["before"])
    print(f"  after / before, ingest wall:    {ratio_wall:.3f} ({(ratio_wall - 1) * 100:+.1f}%)")


if __name__ == "__main__":
    main()
