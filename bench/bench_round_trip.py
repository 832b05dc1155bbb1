"""Round trip at scale (issue 8): thousands of synthetic reports in every template x layout, read
back with ``govdata.pipeline.load``, every frame compared with the ground truth. Prints figures.

Every template (2019, 2021, legacy) x layout (tabbed, cell_per_line, pipe, html) cell gets the
same number of reports, each for its own invented agency (names marked 合成, so no year-on-year
pairs: tests/property/test_synth_corpus.py covers those), in a style drawn as agencies print
them; a share of them carries one injected inconsistency. The files are written to a folder,
loaded as a corpus, and every frame of the contract (reports, table2, table3, table4, legacy,
facts, outcomes, checks: govdata.synth.TRUTH_KEYS) is compared with the truth the generator
derived from what it printed. A report is an exact match when no frame has a differing row for
it and it was read at all.

Usage:
    .venv/bin/python bench/bench_round_trip.py                     # 300 per cell: 3,600 reports
    .venv/bin/python bench/bench_round_trip.py --per-cell 1000 --inject-rate 0.5 --seed 7 --jobs 4

Exit status 1 when any report differs from its truth (``make fuzz-long`` runs this).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import polars as pl


def generate(out: Path, *, per_cell: int, seed: int, inject_rate: float) -> dict[str, tuple[str, str, bool]]:
    """Write the reports and the registry under ``out``; report_id -> (template, layout, injected)."""
    from govdata import synth

    cells = [(template, layout) for template in synth.TEMPLATES for layout in synth.LAYOUTS]
    agencies = synth.make_agencies(per_cell * len(cells), seed=seed)
    synth.write_registry(agencies, out / "agencies.csv")
    rng = random.Random(f"round-trip:{seed}")
    reports, truth = {}, {name: [] for name in synth.TRUTH_KEYS}
    for index, agency in enumerate(agencies):
        template, layout = cells[index % len(cells)]
        report = synth.make_report(seed=f"{seed}:{index}", template=template, layout=layout, agency=agency,
                                   inject=rng.random() < inject_rate)
        path = out / report.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(report.data)
        reports[report.report_id] = (template, layout, report.injection is not None)
        for name in truth:
            truth[name].append(report.truth[name])
    for name, parts in truth.items():
        pl.concat(parts, how="vertical").write_parquet(out / f"truth_{name}.parquet")
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-cell", type=int, default=300, help="reports per template x layout (12 cells; default 300)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--inject-rate", type=float, default=0.3, help="share of reports with one injected inconsistency")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for load (default: every core)")
    parser.add_argument("--out", type=Path, help="keep the corpus here (default: a temporary folder, removed)")
    args = parser.parse_args(argv)

    out = args.out or Path(tempfile.mkdtemp(prefix="govdata-round-trip-"))
    out.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        reports = generate(out, per_cell=args.per_cell, seed=args.seed, inject_rate=args.inject_rate)
        generated = time.perf_counter() - started
        os.environ["GOVDATA_AGENCIES"] = str(out / "agencies.csv")  # before load starts its workers

        from govdata import synth
        from govdata.pipeline import load

        started = time.perf_counter()
        corpus = load(out / "reports", jobs=args.jobs)
        loaded = time.perf_counter() - started
        truth = {name: pl.read_parquet(out / f"truth_{name}.parquet") for name in synth.TRUTH_KEYS}
        differences = synth.truth_differences(corpus.frames(), truth, root=out)
        print_figures(reports, corpus, truth, differences, generated=generated, loaded=loaded, jobs=args.jobs)
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    return 1 if differences or corpus.failures else 0


def print_figures(reports, corpus, truth, differences, *, generated: float, loaded: float, jobs: int) -> None:
    from govdata import synth

    bad_frames: dict[str, set[str]] = {}  # report_id -> frames that differ
    unplaced = Counter()  # differing rows that name no report
    for name, rows in differences.items():
        for row in rows:
            if row.get("report_id") in reports:
                bad_frames.setdefault(row["report_id"], set()).add(name)
            else:
                unplaced[name] += 1
    read = set(corpus.reports["report_id"])
    for report_id in set(reports) - read:
        bad_frames.setdefault(report_id, set()).add("missing")

    n = len(reports)
    print(f"round trip: {n:,} synthetic reports ({sum(i for *_, i in reports.values()):,} with an injected inconsistency), "
          f"generated in {generated:.1f} s, loaded in {loaded:.1f} s with {jobs} process(es) ({n / loaded:,.0f} reports/s)")
    print(f"\n{'template':<9} {'layout':<14} {'reports':>8} {'exact':>8} {'mismatch':>9}  frames that differ")
    totals = Counter()
    for template in synth.TEMPLATES:
        for layout in synth.LAYOUTS:
            ids = [rid for rid, (t, lay, _) in reports.items() if (t, lay) == (template, layout)]
            bad = [rid for rid in ids if rid in bad_frames]
            frames = Counter(frame for rid in bad for frame in bad_frames[rid])
            totals.update({"reports": len(ids), "exact": len(ids) - len(bad), "mismatch": len(bad)})
            detail = ", ".join(f"{frame} {count}" for frame, count in sorted(frames.items())) or "-"
            print(f"{template:<9} {layout:<14} {len(ids):>8,} {len(ids) - len(bad):>8,} {len(bad):>9,}  {detail}")
    print(f"{'total':<24} {totals['reports']:>8,} {totals['exact']:>8,} {totals['mismatch']:>9,}")

    rows = {name: frame.height for name, frame in truth.items()}
    print("\nrows compared: " + ", ".join(f"{name} {count:,}" for name, count in rows.items()))
    expected = truth["checks"].filter(pl.col("status") == "fail").height
    found = corpus.checks.filter(pl.col("status") == "fail").height
    print(f"failing checks: {expected:,} expected, {found:,} found; outcomes by source: "
          + ", ".join(f"{source} {count:,}" for source, count in sorted(Counter(truth["outcomes"]["source"]).items())))
    if unplaced:
        print("differing rows naming no synthetic report: " + ", ".join(f"{k} {v}" for k, v in unplaced.items()))
    if corpus.failures:
        print(f"files not read: {len(corpus.failures)}, e.g. {corpus.failures[0]}")
    for name, rows_ in differences.items():
        print(f"\nfirst difference in {name}: {rows_[0]}")


if __name__ == "__main__":
    sys.exit(main())
