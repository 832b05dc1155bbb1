"""Ruled tables found with pdfplumber's steps, the cell search in linear passes, give pdfplumber's cells."""

from __future__ import annotations

import io

import pdfplumber
from pdfplumber import table as plumber_table

from govdata.formats.pdf import _nearest
from govdata.formats.pdf_lattice import find_tables, intersections_to_cells
from tests.formats_fixtures import synthetic_report_pdf


def test_tables_and_cells_equal_pdfplumbers_on_every_page_of_a_report():
    with pdfplumber.open(io.BytesIO(synthetic_report_pdf(2))) as pdf:
        for page in pdf.pages:
            want = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
            got = find_tables(page)
            assert [t.cells for t in got] == [t.cells for t in want]
            finder = plumber_table.TableFinder(page, {"vertical_strategy": "lines", "horizontal_strategy": "lines"})
            assert intersections_to_cells(finder.intersections) == plumber_table.intersections_to_cells(finder.intersections)


def test_nearest_edge_is_the_first_of_the_closest_as_a_linear_search_finds_it():
    edges = [10.0, 20.0, 30.5, 41.0]
    for value in [-5.0, 10.0, 14.9, 15.0, 15.1, 25.25, 30.5, 35.75, 41.0, 99.0]:
        assert _nearest(edges, value) == min(range(len(edges)), key=lambda i: abs(edges[i] - value))
