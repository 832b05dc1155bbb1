"""Dump every frame of a corpus to Parquet, and compare two dumps frame by frame.

Why: a refactoring that moves code between modules must not change a single value. This
script makes that claim checkable: dump the frames with the old code, dump them with the new,
and compare (rows sorted, exact: same columns, same types, same values, nulls equal).

    # the five seeds, through load (in memory) and through ingest (the partitioned store)
    python bench/compare_frames.py dump data/raw /tmp/before/seeds-load
    python bench/compare_frames.py dump data/raw /tmp/before/seeds-ingest --via ingest
    # 1,000 synthetic reports (the agencies of the synthetic registry)
    govdata synth --n 1000 --out /tmp/synth1k
    GOVDATA_AGENCIES=/tmp/synth1k/agencies.csv python bench/compare_frames.py dump /tmp/synth1k/reports /tmp/before/synth
    # then the same with the new code into /tmp/after/…, and
    python bench/compare_frames.py compare /tmp/before/seeds-load /tmp/after/seeds-load

Run ``dump`` from the same working directory both times: ``source`` is the path as given,
relative to it. Run the old code by putting its checkout first on ``PYTHONPATH``
(``git archive main | tar -x -C /tmp/main``; ``PYTHONPATH=/tmp/main python bench/…``); the
dump records which ``govdata`` it imported. ``compare`` exits 1 when any frame differs and
lists, for the ``checks`` frame, the differing rows by check key.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import polars as pl


def dump(src: Path, out: Path, *, via: str, jobs: int) -> dict[str, int]:
    """Parse ``src`` (reports, or a processed store) and write each frame to ``out/<frame>.parquet``."""
    import govdata
    from govdata import schema, store

    if via == "store":
        corpus = store.read_corpus(src)
    elif via == "ingest":
        with tempfile.TemporaryDirectory(prefix="compare-frames-") as tmp:
            _ingest(src, Path(tmp), jobs=jobs)
            corpus = store.read_corpus(tmp)
    else:
        corpus = govdata.load(src, jobs=jobs)
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name in schema.FRAME_NAMES:
        frame = getattr(corpus, name)
        frame.write_parquet(out / f"{name}.parquet")
        counts[name] = frame.height
    failures = sorted(str(failure) for failure in corpus.failures)
    (out / "about.json").write_text(json.dumps({"govdata": str(Path(govdata.__file__).parent), "src": str(src), "via": via,
                                                "rows": counts, "failures": failures}, ensure_ascii=False, indent=1))
    return counts


def _ingest(src: Path, out: Path, *, jobs: int) -> None:
    try:
        from govdata.ingest import ingest
    except ImportError:  # the code before govdata.ingest existed (main before issue 13)
        from govdata.pipeline import ingest
    ingest(src, out, jobs=jobs)


def canonical(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame in one row order: sorted by every column, columns in their own order."""
    return frame.sort(frame.columns, nulls_last=True, maintain_order=True) if frame.height else frame


def compare(before: Path, after: Path, *, ignore: tuple[str, ...] = ()) -> bool:
    """Print one line per frame (rows before/after, identical or how it differs); True when all are identical.

    ``ignore`` names columns to leave out in a second comparison of a frame that differs, to
    show a difference is confined to them (a renamed check key changes ``check`` and
    ``fingerprint`` only).
    """
    names = sorted({p.stem for p in before.glob("*.parquet")} | {p.stem for p in after.glob("*.parquet")})
    same_everywhere = True
    for name in names:
        old_path, new_path = before / f"{name}.parquet", after / f"{name}.parquet"
        if not old_path.exists() or not new_path.exists():
            print(f"{name:<10} only in {'after' if not old_path.exists() else 'before'}")
            same_everywhere = False
            continue
        old, new = pl.read_parquet(old_path), pl.read_parquet(new_path)
        if old.schema != new.schema:
            print(f"{name:<10} schema differs: {dict(old.schema)} != {dict(new.schema)}")
            same_everywhere = False
            continue
        if canonical(old).equals(canonical(new), null_equal=True):
            print(f"{name:<10} {old.height:>9,} rows  identical")
            continue
        same_everywhere = False
        gone = old.join(new, on=old.columns, how="anti", nulls_equal=True)
        added = new.join(old, on=old.columns, how="anti", nulls_equal=True)
        print(f"{name:<10} {old.height:>9,} -> {new.height:,} rows  DIFFERENT: {gone.height:,} only before, {added.height:,} only after")
        if "check" in old.columns:
            for label, rows in (("only before", gone), ("only after", added)):
                if rows.height:
                    by_check = rows.group_by("check").len().sort("check")
                    print(f"  {label}: " + ", ".join(f"{c} {n:,}" for c, n in by_check.iter_rows()))
        kept = [column for column in old.columns if column not in ignore]
        if ignore and len(kept) < len(old.columns):
            same = canonical(old.select(kept)).equals(canonical(new.select(kept)), null_equal=True)
            print(f"  without {', '.join(c for c in ignore if c in old.columns)}: {'identical' if same else 'still different'}")
    for label, path in (("before", before), ("after", after)):
        about = path / "about.json"
        if about.exists():
            meta = json.loads(about.read_text())
            print(f"{label}: govdata from {meta['govdata']}, {meta['src']} via {meta['via']}, {len(meta['failures'])} failure(s)")
    old_failures = json.loads((before / "about.json").read_text())["failures"] if (before / "about.json").exists() else []
    new_failures = json.loads((after / "about.json").read_text())["failures"] if (after / "about.json").exists() else []
    if old_failures != new_failures:
        print("failures differ")
        same_everywhere = False
    return same_everywhere


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump", help="parse SRC and write every frame to OUT/<frame>.parquet")
    dumping.add_argument("src", type=Path)
    dumping.add_argument("out", type=Path)
    dumping.add_argument("--via", choices=["load", "ingest", "store"], default="load",
                         help="load: govdata.load in memory; ingest: the partitioned store, read back; store: SRC is a store")
    dumping.add_argument("--jobs", type=int, default=1)
    comparing = commands.add_parser("compare", help="compare two dumps frame by frame (sorted, exact)")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    comparing.add_argument("--ignore", default="", help="comma-separated columns left out in a second comparison of a frame that differs")
    args = parser.parse_args(argv)
    if args.command == "dump":
        counts = dump(args.src, args.out, via=args.via, jobs=args.jobs)
        print(", ".join(f"{name} {n:,}" for name, n in counts.items()), f"-> {args.out}")
        return 0
    return 0 if compare(args.before, args.after, ignore=tuple(filter(None, args.ignore.split(",")))) else 1


if __name__ == "__main__":
    sys.exit(main())
