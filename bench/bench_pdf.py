"""PDF reader against a raw text-extraction floor, on the same PDFs, in one run.

Why: real corpora are mostly PDFs, so the PDF reader sets ingest speed. The floor is PDFium's
plain text extraction (pypdfium2: every page's text, no positions kept, nothing rebuilt), the
least any reader of these files must do; poppler's ``pdftotext`` is also timed when installed
(Debian poppler-utils), and the faster of the two is the floor. The reader is
``govdata.formats.render`` (what ``read_document`` runs on PDF bytes: characters, ruled tables
over page breaks, paragraphs). Figures are CPU seconds of this process (pdftotext: wall time of
its processes), the median of ``--rounds`` passes over every file. ``--before TREE`` (repeatable) also
times the reader of another source tree (a folder holding a ``govdata`` package, e.g. an older commit
unpacked with ``git archive``) in a child process, one pass per round between this reader's
passes, so both meet the same load on a shared machine. ``--calls`` also times the floor plus
the calls into PDFium the reader makes, their answers unused: the least this reader's design
costs. Prints figures and the load average; never run as a test.

PDFs: ``--n`` synthetic reports (``tests.formats_fixtures.synthetic_report_pdf``: govdata.synth
reports printed by fpdf2 with a CJK font, tables ruled and broken over pages; written once to
bench/out/pdfs/) and every PDF under ``--real`` (../shared/real; never copied).

Usage:
    .venv/bin/python bench/bench_pdf.py --n 40
    # and the reader of another commit, on the same files, in the same run:
    mkdir -p /tmp/before && git archive 6927f87 govdata | tar -x -C /tmp/before
    .venv/bin/python bench/bench_pdf.py --n 40 --before /tmp/before
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # after PYTHONPATH: a govdata given there is the one measured
OUT = ROOT / "bench" / "out" / "pdfs"
REAL = ROOT.parent / "shared" / "real"


def synthetic_pdfs(n: int) -> list[Path]:
    """The first ``n`` synthetic report PDFs, written on first use (about a second each)."""
    OUT.mkdir(parents=True, exist_ok=True)
    paths = [OUT / f"synthetic_{index:03d}.pdf" for index in range(n)]
    missing = [index for index, path in enumerate(paths) if not path.exists()]
    if missing:
        from tests.formats_fixtures import synthetic_report_pdf

        for index in missing:
            paths[index].write_bytes(synthetic_report_pdf(index))
    return paths


def page_counts(files: list[bytes]) -> list[int]:
    import pypdfium2 as pdfium

    counts = []
    for raw in files:
        document = pdfium.PdfDocument(raw)
        counts.append(len(document))
        document.close()
    return counts


def read_with_govdata(files: list[bytes]) -> None:
    from govdata.formats import render

    for raw in files:
        render(raw, "bench.pdf")


def extract_text_with_pdfium(files: list[bytes]) -> None:
    """The floor: every page's text through PDFium, nothing else."""
    import pypdfium2 as pdfium

    for raw in files:
        document = pdfium.PdfDocument(raw)
        for page in document:
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        document.close()


def pdfium_calls_only(files: list[bytes]) -> None:
    """The floor plus the calls into PDFium the reader makes (``--calls``), their answers unused:
    per character its loose box, its text object and its Unicode-map flag; per page object its
    kind; per path its segments, and per segment its kind, closing flag and point. What the
    reader's own design costs at least, before any work on the answers."""
    import collections
    import ctypes
    import itertools

    import numpy as np
    import pypdfium2 as pdfium

    from govdata.formats import pdf_objects as po

    for raw in files:
        document = pdfium.PdfDocument(raw)
        for page in document:
            textpage = page.get_textpage()
            textpage.get_text_range()
            handle = ctypes.c_void_p(ctypes.cast(textpage.raw, ctypes.c_void_p).value)
            n = pdfium.raw.FPDFText_CountChars(textpage.raw)
            any(map(po._has_unicode_map_error, itertools.repeat(handle, n), range(n)))
            boxes = np.zeros(4 * n, dtype=np.float32)
            collections.deque(map(po._loose_char_box_at, itertools.repeat(handle, n), range(n),
                                  map(ctypes.c_void_p, range(boxes.ctypes.data, boxes.ctypes.data + 16 * n, 16))), maxlen=0)
            list(map(po._text_object_address, itertools.repeat(handle, n), range(n)))
            page_handle = ctypes.c_void_p(ctypes.cast(page.raw, ctypes.c_void_p).value)
            count = po._count_objects(page_handle)
            objects = list(map(po._get_object, itertools.repeat(page_handle, count), range(count)))
            paths = [obj for obj, kind in zip(objects, map(po._object_type, objects), strict=True)
                     if kind == pdfium.raw.FPDF_PAGEOBJ_PATH]
            counts = list(map(po._count_segments, paths))
            segments = list(map(po._get_segment, itertools.chain.from_iterable(map(itertools.repeat, paths, counts)),
                                itertools.chain.from_iterable(map(range, counts))))
            list(map(po._segment_type, segments))
            list(map(po._segment_closes, segments))
            po._call_into(po._segment_point, segments, np.zeros(2 * len(segments), dtype=np.float32), 2, 4)
            textpage.close()
            page.close()
        document.close()


def cpu_seconds(run, files: list[bytes]) -> float:
    start = time.process_time()
    run(files)
    return time.process_time() - start


def before_seconds(tree: Path, n: int, real: Path) -> float:
    """CPU seconds of one pass of the reader in ``tree`` over the same files, in a child process."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, __file__, "--n", str(n), "--real", str(real), "--one-pass"], env=env,
                          capture_output=True, text=True, check=True)
    return float(done.stdout.split()[-1])


def pdftotext_seconds(paths: list[Path], rounds: int) -> float | None:
    """Wall seconds of ``pdftotext -layout`` over the files (one process per file), or None."""
    if shutil.which("pdftotext") is None:
        return None
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for path in paths:
            subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="synthetic report PDFs (default 40)")
    parser.add_argument("--real", type=Path, default=REAL, help="folder searched for real PDFs (default ../shared/real)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the files; the median counts (default 3)")
    parser.add_argument("--before", type=Path, action="append", default=[],
                        help="also time the reader of this source tree (holding govdata/); may be given more than once")
    parser.add_argument("--calls", action="store_true",
                        help="also time the floor plus the calls into PDFium the reader makes (their answers unused)")
    parser.add_argument("--one-pass", action="store_true", help=argparse.SUPPRESS)  # the child of --before
    args = parser.parse_args(argv)

    import govdata

    paths = synthetic_pdfs(args.n) + (sorted(args.real.rglob("*.pdf")) if args.real.is_dir() else [])
    files = [path.read_bytes() for path in paths]
    read_with_govdata(files[:2])  # imports and caches out of the timing
    if args.one_pass:
        print(cpu_seconds(read_with_govdata, files))
        return 0
    n_files, n_pages = len(files), sum(page_counts(files))
    print(f"{n_files} PDFs ({args.n} synthetic, {n_files - args.n} real), {n_pages} pages, {sum(map(len, files)) / 1e6:.1f} MB; "
          f"govdata from {Path(govdata.__file__).parent}; {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.2f}")
    passes: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for tree in args.before:
            passes.setdefault(f"reader of {tree}", []).append(before_seconds(tree, args.n, args.real))
        passes.setdefault("govdata reader", []).append(cpu_seconds(read_with_govdata, files))
        passes.setdefault("floor: pypdfium2 text", []).append(cpu_seconds(extract_text_with_pdfium, files))
        if args.calls:
            passes.setdefault("floor + the reader's PDFium calls", []).append(cpu_seconds(pdfium_calls_only, files))
    figures = {name: statistics.median(times) for name, times in passes.items()}
    poppler = pdftotext_seconds(paths, args.rounds)
    if poppler is not None:
        figures["pdftotext -layout (wall)"] = poppler
    floor = min(seconds for name, seconds in figures.items() if name.startswith(("floor:", "pdftotext")))
    width = max(map(len, figures))
    print(f"{'':{width}} {'seconds':>8} {'files/s':>8} {'pages/s':>8} {'÷ floor':>8}   passes")
    for name, seconds in figures.items():
        spread = "–".join(f"{t:.2f}" for t in (min(passes[name]), max(passes[name]))) if name in passes else ""
        print(f"{name:{width}} {seconds:8.3f} {n_files / seconds:8.1f} {n_pages / seconds:8.1f} {floor / seconds:8.3f}   {spread}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
