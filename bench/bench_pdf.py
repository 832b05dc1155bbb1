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
costs. ``--instructions`` also counts the instructions of one pass of each with valgrind's
callgrind (Debian's valgrind), which the machine's other load does not move. Prints figures
and the load average; never run as a test.

PDFs: ``--n`` synthetic reports (``tests.formats_fixtures.synthetic_report_pdf``: govdata.synth
reports printed by fpdf2 with a CJK font, tables ruled and broken over pages; written once to
bench/out/pdfs/) and every PDF under ``--real`` (../shared/real; never copied).

Usage:
    .venv/bin/python bench/bench_pdf.py --n 40
    # and the reader of another commit, on the same files, in the same run:
    mkdir -p /tmp/before && git archive 6927f87 govdata | tar -x -C /tmp/before
    .venv/bin/python bench/bench_pdf.py --n 40 --before /tmp/before
    # and instruction counts, which other load on the machine does not move:
    .venv/bin/python bench/bench_pdf.py --n 40 --rounds 5 --instructions
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
    """The floor plus the questions the reader asks PDFium (``--calls``), answers unused: per
    character its loose box, its text object (and that object's size and matrix), whether it was
    generated and whether it maps to Unicode; per page object its kind; per path its draw mode,
    matrix and segments, per segment its kind, closing flag and point. Asked as the reader asks
    them (govdata.formats.pdfium_calls: in C where built, else through ctypes): what the reader's
    design costs at least, before any work on the answers."""
    import numpy as np
    import pypdfium2 as pdfium

    from govdata.formats import pdfium_calls

    for raw in files:
        document = pdfium.PdfDocument(raw)
        for page in document:
            textpage = page.get_textpage()
            textpage.get_text_range()
            n = pdfium.raw.FPDFText_CountChars(textpage.raw)
            pdfium_calls.char_answers(textpage.raw, n, np.arange(0))
            objects, kinds = pdfium_calls.page_objects(page.raw)
            paths = objects[kinds == pdfium.raw.FPDF_PAGEOBJ_PATH]
            _modes, _matrices, counts = pdfium_calls.path_answers(paths)
            pdfium_calls.segment_answers(paths, np.asarray(counts))
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


def instructions(n: int, real: Path) -> dict[str, int]:
    """Instructions executed (valgrind's callgrind) by the floor's and the reader's pass over the
    files, each less a run that only loads the files and imports: a count that other processes
    on the machine do not move, unlike CPU seconds (a shared 2-core machine moves those by half)."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}

    def start(mode: str) -> subprocess.Popen:
        return subprocess.Popen(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
                                 "--n", str(n), "--real", str(real), "--count", mode],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    counts = {}
    for mode, child in [(mode, start(mode)) for mode in ("none", "floor", "reader")]:
        _, err = child.communicate()
        counts[mode] = int(next(line for line in err.splitlines() if "Collected" in line).split()[-1])
    return {mode: counts[mode] - counts["none"] for mode in ("floor", "reader")}


def compiled_parts() -> str:
    """Which of the reader's C loops are built (else their steps run in Python)."""
    from govdata.formats import pdf_lattice, pdf_words, pdfium_calls

    parts = {"PDFium calls": pdfium_calls.compiled(), "lattice": pdf_lattice._lattice is not None,
             "words": pdf_words._words is not None}
    return ", ".join(f"{name} {'in C' if built else 'in Python'}" for name, built in parts.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="synthetic report PDFs (default 40)")
    parser.add_argument("--real", type=Path, default=REAL, help="folder searched for real PDFs (default ../shared/real)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the files; the median counts (default 3)")
    parser.add_argument("--before", type=Path, action="append", default=[],
                        help="also time the reader of this source tree (holding govdata/); may be given more than once")
    parser.add_argument("--calls", action="store_true",
                        help="also time the floor plus the calls into PDFium the reader makes (their answers unused)")
    parser.add_argument("--instructions", action="store_true",
                        help="also count the instructions of the floor's and the reader's pass (valgrind; a minute or two)")
    parser.add_argument("--one-pass", action="store_true", help=argparse.SUPPRESS)  # the child of --before
    parser.add_argument("--count", choices=["none", "floor", "reader"], help=argparse.SUPPRESS)  # a child of --instructions
    args = parser.parse_args(argv)

    import govdata

    paths = synthetic_pdfs(args.n) + (sorted(args.real.rglob("*.pdf")) if args.real.is_dir() else [])
    files = [path.read_bytes() for path in paths]
    read_with_govdata(files[:2])  # imports and caches out of the timing
    if args.count:
        {"none": lambda files: None, "floor": extract_text_with_pdfium, "reader": read_with_govdata}[args.count](files)
        return 0
    if args.one_pass:
        print(cpu_seconds(read_with_govdata, files))
        return 0
    n_files, n_pages = len(files), sum(page_counts(files))
    print(f"{n_files} PDFs ({args.n} synthetic, {n_files - args.n} real), {n_pages} pages, {sum(map(len, files)) / 1e6:.1f} MB; "
          f"govdata from {Path(govdata.__file__).parent}; {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}; {compiled_parts()}; load average {os.getloadavg()[0]:.2f}")
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
    if args.instructions:
        work = instructions(args.n, args.real)
        print(f"instructions (callgrind, imports aside): floor {work['floor'] / 1e9:.3f} G, reader {work['reader'] / 1e9:.3f} G, "
              f"÷ floor {work['floor'] / work['reader']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
