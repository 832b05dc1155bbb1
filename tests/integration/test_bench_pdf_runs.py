"""bench/bench_pdf.py still runs end to end (it is never a test itself: its figures go to
docs/benchmarks.md): one synthetic PDF, one pass, the floor with the reader's PDFium calls too."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_pdf.py"


def test_the_pdf_benchmark_times_the_reader_the_floor_and_the_readers_pdfium_calls(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("bench_pdf", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--n", "1", "--rounds", "1", "--calls", "--real", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "1 PDFs (1 synthetic, 0 real)" in out
    for row in ("govdata reader", "floor: pypdfium2 text", "floor + the reader's PDFium calls"):
        line = next(line for line in out.splitlines() if line.startswith(row))
        assert float(line[len(row):].split()[0]) > 0, line
