"""Ruled tables of a PDF page: pdfplumber's lattice finder, its cell search done in linear passes.

Why not ``page.find_tables()``: the finder needs only the page's edges, and its cell search
(``intersections_to_cells``) tests, for every crossing of rules, every crossing below it and to
its right, rebuilding the set of rules through each crossing at every test: a third of the PDF
reader's time on a report's tables. :func:`find_tables` runs the same steps with pdfplumber's
own functions and settings (edges merged and snapped, crossings, cells, tables), and its cell
search :func:`intersections_to_cells` gives the same cells in the same order, with the rules
through each crossing and the crossings of each row and column gathered once.
"""

from __future__ import annotations

from pdfplumber.table import Table, TableSettings, cells_to_tables, edges_to_intersections, merge_edges
from pdfplumber.utils import filter_edges, obj_to_bbox

# pdfplumber's default settings with rules for both directions (what find_tables used).
SETTINGS = TableSettings.resolve({"vertical_strategy": "lines", "horizontal_strategy": "lines"})


def find_tables(page) -> list[Table]:
    """pdfplumber's ``TableFinder(page, SETTINGS).tables``; ``page`` needs ``edges`` and ``chars``."""
    edges = filter_edges(page.edges, "v", min_length=SETTINGS.edge_min_length_prefilter) \
        + filter_edges(page.edges, "h", min_length=SETTINGS.edge_min_length_prefilter)
    edges = merge_edges(edges, snap_x_tolerance=SETTINGS.snap_x_tolerance, snap_y_tolerance=SETTINGS.snap_y_tolerance,
                        join_x_tolerance=SETTINGS.join_x_tolerance, join_y_tolerance=SETTINGS.join_y_tolerance)
    edges = filter_edges(edges, min_length=SETTINGS.edge_min_length)
    intersections = edges_to_intersections(edges, SETTINGS.intersection_x_tolerance, SETTINGS.intersection_y_tolerance)
    return [Table(page, cells) for cells in cells_to_tables(intersections_to_cells(intersections))]


def intersections_to_cells(intersections: dict) -> list[tuple[float, float, float, float]]:
    """pdfplumber's ``intersections_to_cells``: for each crossing in sorted order, the smallest
    cell it is the top-left corner of (a crossing below and one to the right joined to it by a
    rule, and the crossing that closes the box joined to both)."""
    rules = {point: ({obj_to_bbox(edge) for edge in edges["v"]}, {obj_to_bbox(edge) for edge in edges["h"]})
             for point, edges in intersections.items()}
    points = sorted(intersections)
    column: dict[float, list[tuple[float, float]]] = {}
    row: dict[float, list[tuple[float, float]]] = {}
    for point in points:
        column.setdefault(point[0], []).append(point)
        row.setdefault(point[1], []).append(point)
    position = {point: index for index, point in enumerate(points)}

    def connects(p1: tuple[float, float], p2: tuple[float, float]) -> bool:
        if p1[0] == p2[0] and not rules[p1][0].isdisjoint(rules[p2][0]):
            return True
        return p1[1] == p2[1] and not rules[p1][1].isdisjoint(rules[p2][1])

    cells = []
    for index, point in enumerate(points[:-1]):
        below = [p for p in column[point[0]] if position[p] > index]
        right = [p for p in row[point[1]] if position[p] > index]
        cell = _smallest_cell(point, below, right, connects, rules)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(point, below, right, connects, rules) -> tuple[float, float, float, float] | None:
    for below_point in below:
        if not connects(point, below_point):
            continue
        for right_point in right:
            if not connects(point, right_point):
                continue
            corner = (right_point[0], below_point[1])
            if corner in rules and connects(corner, right_point) and connects(corner, below_point):
                return (point[0], point[1], corner[0], corner[1])
    return None
