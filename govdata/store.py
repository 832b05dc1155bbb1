"""Store stage: a :class:`~govdata.model.Corpus` to Parquet and back.

Why atomic: ``ingest`` may be interrupted (Ctrl-C, a full disk). Every frame is written to a
temporary file in the output directory and renamed into place only when all frames are
written, so a reader sees either the previous complete outputs or the new complete ones,
never a mix or a half-written file.

Layout: ``<out>/<frame>.parquet`` for every contract frame, plus ``failures.csv`` listing
files that could not be read.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import polars as pl

from govdata import schema
from govdata.model import Corpus, Failure


def write_corpus(corpus: Corpus, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write every frame of ``corpus`` to ``out_dir`` atomically; returns frame -> path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, df in corpus.frames().items():
            final = out / f"{name}.parquet"
            staged.append((_temp_path(out, final.name), final))
            df.write_parquet(staged[-1][0])
        final = out / "failures.csv"
        staged.append((_temp_path(out, final.name), final))
        _write_failures(corpus.failures, staged[-1][0])
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, final in staged:
        os.replace(tmp, final)
    return {final.stem: final for _, final in staged}


def read_corpus(in_dir: str | os.PathLike) -> Corpus:
    """Read a directory written by :func:`write_corpus` (missing frames come back empty)."""
    src = Path(in_dir)
    frames = {}
    for name in schema.FRAME_NAMES:
        path = src / f"{name}.parquet"
        frames[name] = schema.conform(name, pl.read_parquet(path)) if path.exists() else schema.empty(name)
    failures = []
    failures_path = src / "failures.csv"
    if failures_path.exists():
        with failures_path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                failures.append(Failure(row["source"], row["reason"], int(row["line"]) if row["line"] else None))
    return Corpus(**frames, failures=failures)


def _temp_path(directory: Path, name: str) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    return Path(tmp)


def _write_failures(failures: list[Failure], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "line", "reason"])
        for failure in failures:
            writer.writerow([failure.source, failure.line or "", failure.reason])
