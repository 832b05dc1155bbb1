"""The same report published as text, GB18030 text, HTML, HTML-in-a-script, DOCX and PDF reads the same.

Each fixture is built inside the test from a bundled seed (tests/formats_fixtures.py): the
seed's paragraphs and tables written to the format, with merged header cells as published
reports merge them. Extraction from each copy must equal the extraction from the seed text
cell for cell; cells are matched by their keys, not by line numbers, which differ between
formats by design (docs/formats.md).
"""

from __future__ import annotations

import functools
import subprocess

import pytest
from click.testing import CliRunner

from govdata.cli import main
from govdata.formats.legacy_office import find_soffice
from govdata.pipeline import load, parse_document
from govdata.read import read_document
from tests.conftest import SEED_2019_EDZ, SEED_2020_TAISHANG, SEED_2023_CITY, require_system_package
from tests.formats_fixtures import seed_blocks, to_docx, to_gb18030, to_html, to_pdf

pytestmark = pytest.mark.integration

SEEDS = {"2019_edz": SEED_2019_EDZ, "2020_taishang": SEED_2020_TAISHANG, "2023_city": SEED_2023_CITY}
CELL_KEYS = {"table2": ("item", "measure"), "table3": ("row", "requester"), "table4": ("proceeding", "outcome")}
FORMATS = {
    # name: (how to write the seed, expected Document.format / reports.layout, expected encoding)
    "gb18030_text": (lambda text, blocks: to_gb18030(text), None, "gb18030"),
    "html": (lambda text, blocks: to_html(blocks).encode("utf-8"), "html", "utf-8"),
    "html_gbk": (lambda text, blocks: to_html(blocks).replace('charset="utf-8"', 'charset="gbk"').encode("gb18030"), "html", "gb18030"),
    "html_in_script": (lambda text, blocks: to_html(blocks, in_script=True).encode("utf-8"), "html", "utf-8"),
    "docx": (lambda text, blocks: to_docx(blocks), "docx", "utf-8"),
    "pdf": (lambda text, blocks: to_pdf(blocks, page_numbers=True), "pdf", "pdf"),
}
GRID_FORMATS = ("html", "html_gbk", "html_in_script", "docx", "pdf")


@functools.cache
def _seed_text(seed: str) -> str:
    return SEEDS[seed].read_text(encoding="utf-8")


@functools.cache
def _fixture(seed: str, fmt: str) -> bytes:
    text = _seed_text(seed)
    return FORMATS[fmt][0](text, seed_blocks(text))


@functools.cache
def _cells(seed: str, fmt: str) -> dict[str, dict[tuple, object]]:
    if fmt == "text":
        doc = read_document(SEEDS[seed])
    else:
        doc = read_document(raw=_fixture(seed, fmt), source=f"{seed}.{fmt}")
    return _cells_of(doc)


def _cells_of(doc) -> dict[str, dict[tuple, object]]:
    """Each table's values keyed by their cell keys, plus how the report was read."""
    report = parse_document(doc)
    out = {name: {tuple(row[k] for k in keys): row["value"] for row in getattr(report, name).to_dicts()}
           for name, keys in CELL_KEYS.items()}
    out["_report"] = {"layout": report.report["layout"], "encoding": report.report["encoding"], "format": doc.format}
    return out


def _differences(seed: str, fmt: str, got: dict | None = None) -> set[tuple[str, str, tuple]]:
    want, got = _cells(seed, "text"), got or _cells(seed, fmt)
    return {(seed, table, key) for table in CELL_KEYS for key in set(want[table]) | set(got[table])
            if want[table].get(key, "missing") != got[table].get(key, "missing")}


def test_seed_texts_give_full_tables_so_the_comparison_means_something():
    for seed in SEEDS:
        cells = _cells(seed, "text")
        assert len(cells["table3"]) >= 150 and len(cells["table4"]) == 15 and len(cells["table2"]) >= 10, seed


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("seed", list(SEEDS))
def test_every_format_extracts_the_same_cells_as_the_seed_text(seed, fmt):
    assert _differences(seed, fmt) == set()


@pytest.mark.parametrize("fmt", GRID_FORMATS)
def test_2020_carried_over_row_with_blank_total_reads_the_same_from_a_grid(fmt):
    # 上年结转 has six 0s and a blank 总计 (line 143); in a grid the blank is the last column.
    differences = _differences("2020_taishang", fmt)
    assert ("2020_taishang", "table3", ("carried_over", "natural_person")) not in differences
    assert ("2020_taishang", "table3", ("carried_over", "total")) not in differences


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_reports_row_records_layout_and_encoding_of_each_format(fmt):
    report = _cells("2023_city", fmt)["_report"]
    _write, layout, encoding = FORMATS[fmt]
    assert report["encoding"] == encoding
    assert report["layout"] == (layout or "tabbed")
    assert report["format"] == (layout or "text")


@pytest.mark.parametrize("seed", list(SEEDS))
def test_legacy_doc_saved_by_libreoffice_extracts_the_same_cells_as_the_seed_text(seed, tmp_path):
    require_system_package(find_soffice() is not None, "libreoffice-writer-nogui")
    (tmp_path / "r.docx").write_bytes(_fixture(seed, "docx"))
    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"
    subprocess.run([find_soffice(), profile, "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(tmp_path / "r.docx")],
                   check=True, capture_output=True, timeout=180)
    got = _cells_of(read_document(tmp_path / "r.doc"))
    assert got["_report"]["layout"] == "docx"
    assert _differences(seed, "doc", got) == set()


def _folder_of_copies(tmp_path):
    """The 2023 report as published five ways, plus files that cannot be read."""
    folder = tmp_path / "reports"
    folder.mkdir()
    seed = "2023_city"
    (folder / "a.txt").write_text(_seed_text(seed), encoding="utf-8")
    (folder / "b_gbk.txt").write_bytes(_fixture(seed, "gb18030_text"))
    (folder / "c.html").write_bytes(_fixture(seed, "html"))
    (folder / "d.docx").write_bytes(_fixture(seed, "docx"))
    (folder / "e.pdf").write_bytes(_fixture(seed, "pdf"))
    (folder / "f.htm").write_bytes(_fixture(seed, "html_in_script"))
    docx = _fixture(seed, "docx")
    (folder / "x_truncated.docx").write_bytes(docx[: len(docx) // 3])
    (folder / "x_garbage.txt").write_bytes(bytes(range(128, 256)) * 50)
    (folder / "x_scan.pdf").write_bytes(_scanned_pdf())
    (folder / "x_cut.pdf").write_bytes(_fixture(seed, "pdf")[:300])
    return folder


def _scanned_pdf() -> bytes:
    import io

    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.add_page()
    image = io.BytesIO()
    Image.new("L", (100, 140), color=200).save(image, format="PNG")
    pdf.image(image, x=10, y=10, w=180)
    return bytes(pdf.output())


def test_load_over_a_folder_of_copies_gives_identical_tables_and_lists_every_broken_file(tmp_path):
    corpus = load(_folder_of_copies(tmp_path))
    assert corpus.reports.height == 6
    assert sorted(corpus.reports["layout"].to_list()) == ["docx", "html", "html", "pdf", "tabbed", "tabbed"]
    for name, keys in CELL_KEYS.items():
        per_report = corpus.frames()[name].partition_by("report_id", as_dict=True)
        readings = {frozenset((tuple(row[k] for k in keys), row["value"]) for row in frame.to_dicts()) for frame in per_report.values()}
        assert len(per_report) == 6 and len(readings) == 1, name
    reasons = {failure.source.rsplit("/", 1)[-1]: failure.reason for failure in corpus.failures}
    assert set(reasons) == {"x_truncated.docx", "x_garbage.txt", "x_scan.pdf", "x_cut.pdf"}
    assert "damaged or truncated" in reasons["x_truncated.docx"]
    assert "cannot decode" in reasons["x_garbage.txt"]
    assert "needs OCR" in reasons["x_scan.pdf"]
    assert "PDF" in reasons["x_cut.pdf"]


def test_ingest_command_lists_each_unreadable_file_with_its_reason(tmp_path):
    folder = _folder_of_copies(tmp_path)
    result = CliRunner().invoke(main, ["ingest", str(folder), "--out", str(tmp_path / "out"), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "ingested 6 report(s) of 10 file(s)" in result.output
    failed = [line for line in result.output.splitlines() if "failed:" in line]
    assert len(failed) == 4 and any("x_scan.pdf" in line and "OCR" in line for line in failed)
