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

from govdata.formats import pdf_lattice, pdf_objects
from govdata.formats.grid import join_fragments
from govdata.formats.pdf import _nearest, _table_cells
from govdata.formats.pdf_chars import Chars
from govdata.formats.pdf_lattice import Edges, cells_to_tables, find_tables
from govdata.formats.pdf_objects import read_with_pdfminer
from tests import real_golden
from tests.formats_fixtures import synthetic_report_pdf

SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def _compiled_lattice():
    if pdf_lattice._lattice is None:
        pytest.fail("govdata.formats._lattice is not built: `pip install -e .` needs a C compiler and Python's headers")
    return pdf_lattice._lattice


@pytest.fixture(params=["in C", "in Python"])
def lattice_steps(request, monkeypatch):
    """find_tables with its sequential steps in C (the _lattice module), then all in Python."""
    if request.param == "in Python":
        monkeypatch.setattr(pdf_lattice, "_lattice", None)
    else:
        _compiled_lattice()
    return request.param


def _assert_finds_pdfplumbers_tables(raw: bytes) -> None:
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        for page in pdf.pages:
            want = page.find_tables(SETTINGS)
            got = find_tables(Edges.from_dicts(page.edges))
            assert [t.cells for t in got] == [t.cells for t in want]


@pytest.mark.parametrize("index", [0, 1, 2, 5])
def test_tables_and_cells_equal_pdfplumbers_on_every_page_of_a_report(index, lattice_steps):
    _assert_finds_pdfplumbers_tables(synthetic_report_pdf(index))


def test_tables_and_cells_equal_pdfplumbers_on_the_real_reports(lattice_steps):
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
def test_tables_equal_pdfplumbers_on_rules_off_the_grid(seed, lattice_steps):
    edges = _jittered_rules(random.Random(seed))
    want = plumber_table.TableFinder(_Page(edges), plumber_table.TableSettings.resolve(SETTINGS)).tables
    assert [t.cells for t in find_tables(Edges.from_dicts(edges))] == [t.cells for t in want]


def test_a_page_of_too_many_corners_for_the_byte_marks_is_grouped_into_tables_in_python(monkeypatch):
    edges = _jittered_rules(random.Random(7))
    want = [t.cells for t in find_tables(Edges.from_dicts(edges))]
    monkeypatch.setattr(pdf_lattice, "_MAX_CORNER_NUMBERS", 0)
    assert [t.cells for t in find_tables(Edges.from_dicts(edges))] == want


def test_cells_are_grouped_into_tables_as_pdfplumber_groups_them():
    rng = random.Random(3)
    for _ in range(30):
        cells = list({(float(rng.randint(0, 5)), float(rng.randint(0, 5)), float(rng.randint(6, 9)), float(rng.randint(6, 9)))
                      for _ in range(rng.randint(1, 12))})
        assert cells_to_tables(cells) == plumber_table.cells_to_tables(cells)


def test_cells_are_grouped_into_tables_in_c_as_pdfplumber_groups_them():
    _compiled_lattice()
    rng = random.Random(4)
    for _ in range(60):
        cells = list({(float(rng.randint(0, 5)), float(rng.randint(0, 5)), float(rng.randint(6, 9)), float(rng.randint(6, 9)))
                      for _ in range(rng.randint(1, 12))})
        xs = sorted({x for cell in cells for x in (cell[0], cell[2])})
        ys = sorted({y for cell in cells for y in (cell[1], cell[3])})
        corners = np.array([xs.index(x) * len(ys) + ys.index(y) for x0, top, x1, bottom in cells
                            for x, y in ((x0, top), (x0, bottom), (x1, top), (x1, bottom))], dtype=np.int64)
        got = pdf_lattice._cells_to_tables_on_arrays(cells, corners, len(xs) * len(ys))
        assert got == plumber_table.cells_to_tables(cells)


def test_the_c_passes_refuse_a_corner_number_out_of_range():
    with pytest.raises(ValueError, match="out of range"):
        _compiled_lattice().tables(np.array([0, 1, 2, 9], dtype=np.int64), 4, np.empty(1, dtype=np.int64),
                                    np.empty(1, dtype=np.int64))


def test_edges_of_lines_rectangles_and_curves_are_pdfplumbers_to_the_bit():
    height = 800.0
    contents = pdf_objects._PageContents(None, height)
    contents.lines = [(10.0, 200.5, 30.25, 30.25, 190.5, 0.0), (40.1, 40.1, 50.0, 90.3, 0.0, 40.3)]
    contents.rects = np.array([(10.0, 110.7, 100.1, 130.35, 100.7, 30.25)])
    contents.curves = [[(1.0, 2.0), (1.0, 9.5), (7.25, 9.5), (3.0, 4.0)]]
    want = [line_to_edge({"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": w, "height": h})
            for x0, x1, top, bottom, w, h in contents.lines]
    want += [edge for x0, x1, top, bottom, w, h in contents.rects.tolist()
             for edge in rect_to_edges(_box(x0, top, x1, bottom, height) | {"width": w, "height": h})]
    want += curve_to_edges({"pts": contents.curves[0], "top": 2.0, "doctop": 2.0})
    got, expected = contents.edges(), Edges.from_dicts(want)
    for name in ("orientation", "x0", "x1", "top", "bottom", "width", "height"):
        assert np.array_equal(getattr(got, name), getattr(expected, name)), name


def test_nearest_edge_is_the_first_of_the_closest_as_a_linear_search_finds_it():
    edges = [10.0, 20.0, 30.5, 41.0]
    values = [-5.0, 10.0, 14.9, 15.0, 15.1, 25.25, 30.5, 35.75, 41.0, 99.0]
    assert _nearest(edges, np.array(values)).tolist() == [min(range(len(edges)), key=lambda i: abs(edges[i] - value))
                                                          for value in values]


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


@pytest.mark.parametrize("seed", range(20))
def test_points_are_placed_in_cells_as_the_boxes_by_points_test_places_them(seed, lattice_steps):
    rng = np.random.default_rng(seed)
    x, y = rng.integers(0, 12, 200).astype(float) / 2, rng.integers(0, 12, 200).astype(float) / 2  # points on edges too
    corners = rng.integers(0, 12, (15, 2)).astype(float) / 2
    boxes = np.concatenate([corners, corners + rng.integers(1, 6, (15, 2)) / 2], axis=1)[:, [0, 1, 2, 3]]  # overlapping boxes
    want = np.nonzero((x >= boxes[:, 0:1]) & (x < boxes[:, 2:3]) & (y >= boxes[:, 1:2]) & (y < boxes[:, 3:4]))
    got = pdf_lattice.points_in_boxes(x, y, boxes)
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()
    assert len(want[0]) > len(x) / 4


def test_a_point_in_several_overlapping_cells_is_placed_in_each(lattice_steps):
    x, y = np.array([1.0, 2.0, 9.0]), np.array([1.0, 2.0, 9.0])
    boxes = np.array([[0.0, 0.0, 5.0, 5.0], [0.5, 0.5, 3.0, 3.0], [0.0, 0.0, 2.0, 2.0]])
    box_of, point_of = pdf_lattice.points_in_boxes(x, y, boxes)
    assert list(zip(box_of.tolist(), point_of.tolist(), strict=True)) == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0)]
