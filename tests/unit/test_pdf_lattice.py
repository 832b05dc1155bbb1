"""Ruled tables found with pdfplumber's steps on edges held as arrays give pdfplumber's cells and tables."""

from __future__ import annotations

import io
import itertools
import random

import numpy as np
import pdfplumber
import pytest
from pdfplumber import table as plumber_table
from pdfplumber.utils import curve_to_edges, line_to_edge, rect_to_edges

from govdata.formats import pdf_objects
from govdata.formats.grid import join_fragments
from govdata.formats.pdf import _nearest, _table_cells
from govdata.formats.pdf_chars import Chars
from govdata.formats.pdf_lattice import Edges, cells_to_tables, find_tables
from govdata.formats.pdf_objects import read_with_pdfminer
from tests import real_golden
from tests.formats_fixtures import synthetic_report_pdf

SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def _assert_finds_pdfplumbers_tables(raw: bytes) -> None:
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        for page in pdf.pages:
            want = page.find_tables(SETTINGS)
            got = find_tables(Edges.from_dicts(page.edges))
            assert [t.cells for t in got] == [t.cells for t in want]


@pytest.mark.parametrize("index", [0, 1, 2, 5])
def test_tables_and_cells_equal_pdfplumbers_on_every_page_of_a_report(index):
    _assert_finds_pdfplumbers_tables(synthetic_report_pdf(index))


def test_tables_and_cells_equal_pdfplumbers_on_the_real_reports():
    paths = sorted(real_golden.REAL.rglob("*.pdf")) if real_golden.REAL.is_dir() else []
    if not paths:
        pytest.skip(f"no real report under {real_golden.REAL} (../shared/real)")
    for path in paths:
        _assert_finds_pdfplumbers_tables(path.read_bytes())


def _jittered_rules(rng: random.Random) -> list[dict]:
    """Rules of a ruled table drawn the ways writers draw them: cell rectangles, lines, broken
    rules, rules a little off the grid (within and beyond the snap and join tolerances)."""
    xs = sorted(rng.sample(range(50, 550, 10), rng.randint(2, 8)))
    ys = sorted(rng.sample(range(50, 750, 10), rng.randint(2, 10)))
    height = 800.0
    rects, lines = [], []
    for x0, x1 in itertools.pairwise(xs):
        for y0, y1 in itertools.pairwise(ys):
            if rng.random() < 0.8:
                j = [rng.choice([0.0, 0.0, 0.3, -0.4, 2.9, 3.2]) for _ in range(2)]
                rects.append(_box(x0 + j[0], y0 + j[1], x1 + j[0], y1, height))
    for _ in range(rng.randint(0, 6)):
        x, y0, y1 = rng.choice(xs) + rng.choice([0.0, 1.5, 4.0]), rng.choice(ys), rng.choice(ys) + rng.choice([0.0, 2.0, 5.0])
        lines.append(_box(x, min(y0, y1), x, max(y0, y1), height))
    edges = [line_to_edge({**line, "object_type": "line"}) for line in lines]
    edges += [edge for rect in rects for edge in rect_to_edges({**rect, "object_type": "rect"})]
    return edges


def _box(x0: float, top: float, x1: float, bottom: float, height: float) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "y0": height - bottom, "y1": height - top,
            "width": x1 - x0, "height": bottom - top}


class _Page:
    """What pdfplumber's TableFinder reads of a page (lines strategy): its edges."""

    def __init__(self, edges: list[dict]):
        self.edges = edges
        self.chars: list[dict] = []


@pytest.mark.parametrize("seed", range(60))
def test_tables_equal_pdfplumbers_on_rules_off_the_grid(seed):
    edges = _jittered_rules(random.Random(seed))
    want = plumber_table.TableFinder(_Page(edges), plumber_table.TableSettings.resolve(SETTINGS)).tables
    assert [t.cells for t in find_tables(Edges.from_dicts(edges))] == [t.cells for t in want]


def test_cells_are_grouped_into_tables_as_pdfplumber_groups_them():
    rng = random.Random(3)
    for _ in range(30):
        cells = list({(float(rng.randint(0, 5)), float(rng.randint(0, 5)), float(rng.randint(6, 9)), float(rng.randint(6, 9)))
                      for _ in range(rng.randint(1, 12))})
        assert cells_to_tables(cells) == plumber_table.cells_to_tables(cells)


def test_edges_of_lines_rectangles_and_curves_are_pdfplumbers_to_the_bit():
    height = 800.0
    contents = pdf_objects._PageContents(None, height)
    contents.lines = [(10.0, 200.5, 30.25, 30.25, 190.5, 0.0), (40.1, 40.1, 50.0, 90.3, 0.0, 40.3)]
    contents.rects = [(10.0, 110.7, 100.1, 130.35, 100.7, 30.25)]
    contents.curves = [[(1.0, 2.0), (1.0, 9.5), (7.25, 9.5), (3.0, 4.0)]]
    want = [line_to_edge({"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": w, "height": h})
            for x0, x1, top, bottom, w, h in contents.lines]
    want += [edge for x0, x1, top, bottom, w, h in contents.rects
             for edge in rect_to_edges(_box(x0, top, x1, bottom, height) | {"width": w, "height": h})]
    want += curve_to_edges({"pts": contents.curves[0], "top": 2.0, "doctop": 2.0})
    got, expected = contents.edges(), Edges.from_dicts(want)
    for name in ("orientation", "x0", "x1", "top", "bottom", "width", "height"):
        assert np.array_equal(getattr(got, name), getattr(expected, name)), name


def test_nearest_edge_is_the_first_of_the_closest_as_a_linear_search_finds_it():
    edges = [10.0, 20.0, 30.5, 41.0]
    for value in [-5.0, 10.0, 14.9, 15.0, 15.1, 25.25, 30.5, 35.75, 41.0, 99.0]:
        assert _nearest(edges, value) == min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def _cells_as_pdfplumber_extracts(table, chars: list[dict]) -> list[str]:
    table.page = type("Page", (), {"chars": chars})()
    return [join_fragments((text or "").split("\n")) for row in table.extract() for text in row
            if text is not None]


@pytest.mark.parametrize("rotated", [False, True])
def test_cell_texts_are_pdfplumbers_table_extract_whether_text_is_upright_or_not(rotated):
    with pdfplumber.open(io.BytesIO(synthetic_report_pdf(2))) as pdf:
        pages = read_with_pdfminer(pdf)
    n_tables = 0
    for page in pages:
        chars = page.chars
        if rotated:  # every third character turned: the cells that hold one are read by pdfplumber itself
            chars = Chars(chars.text, chars.x0, chars.x1, chars.top, chars.bottom, chars.size,
                          np.arange(len(chars)) % 3 != 0)
        centre_x, centre_y = chars.centres()
        for table in find_tables(page.edges):
            n_tables += 1
            texts = [text for _, text in _table_cells(table, chars, centre_x, centre_y)]
            assert texts == _cells_as_pdfplumber_extracts(table, chars.as_dicts())
    assert n_tables > 0
