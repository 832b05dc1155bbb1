"""PDF reader against a raw text-extraction floor, on the same PDFs, in one run.

Why: real corpora are mostly PDFs, so the PDF reader sets ingest speed. The floor is PDFium's
plain text extraction (pypdfium2: every page's text, no positions kept, nothing rebuilt), the
least any reader of these files must do; poppler's ``pdftotext`` is also timed when installed
(Debian poppler-utils), and the faster of the two is the floor. The reader is
``govdata.formats.render`` (what ``read_document`` runs on PDF bytes: characters, ruled tables
over page breaks, paragraphs). Figures are CPU seconds of this process (pdftotext: wall time of
its processes), the median of ``--rounds`` passes over every file. Prints figures; never run as
a test.

PDFs: ``--n`` synthetic reports (``tests.formats_fixtures.synthetic_report_pdf``: govdata.synth
reports printed by fpdf2 with a CJK font, tables ruled and broken over pages; written once to
bench/out/pdfs/) and every PDF under ``--real`` (../shared/real; never copied).

Usage:
    .venv/bin/python bench/bench_pdf.py --n 40
    # the reader of another commit, on the same files:
    git archive a912efe govdata | tar -x -C /tmp/before && PYTHONPATH=/tmp/before .venv/bin/python bench/bench_pdf.py --n 40
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


def cpu_seconds(run, files: list[bytes], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.process_time()
        run(files)
        times.append(time.process_time() - start)
    return statistics.median(times)


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
    args = parser.parse_args(argv)

    import govdata

    paths = synthetic_pdfs(args.n) + (sorted(args.real.rglob("*.pdf")) if args.real.is_dir() else [])
    files = [path.read_bytes() for path in paths]
    n_files, n_pages = len(files), sum(page_counts(files))
    print(f"{n_files} PDFs ({args.n} synthetic, {n_files - args.n} real), {n_pages} pages, {sum(map(len, files)) / 1e6:.1f} MB; "
          f"govdata from {Path(govdata.__file__).parent}; {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}")
    read_with_govdata(files[:2])  # imports and caches out of the timing
    figures = {"govdata reader": cpu_seconds(read_with_govdata, files, args.rounds),
               "floor: pypdfium2 text": cpu_seconds(extract_text_with_pdfium, files, args.rounds)}
    poppler = pdftotext_seconds(paths, args.rounds)
    if poppler is not None:
        figures["pdftotext -layout (wall)"] = poppler
    floor = min(seconds for name, seconds in figures.items() if name != "govdata reader")
    print(f"{'':28} {'seconds':>8} {'files/s':>8} {'pages/s':>8} {'÷ floor':>8}")
    for name, seconds in figures.items():
        print(f"{name:28} {seconds:8.3f} {n_files / seconds:8.1f} {n_pages / seconds:8.1f} {floor / seconds:8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
