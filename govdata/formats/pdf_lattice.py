"""Ruled tables of a PDF page: pdfplumber's lattice finder, run on edges held as arrays.

Why not ``page.find_tables()``: the finder needs only the page's edges, and pdfplumber works on
one dict per edge (a report page draws each cell's border as a rectangle: hundreds of rules,
four edges each), copying every dict when it snaps or joins it, testing every vertical rule
against every horizontal one in Python, and in its cell search (``intersections_to_cells``)
testing, for every crossing of rules, every crossing below it and to its right, rebuilding the
set of rules through each crossing at every test. :func:`find_tables` runs the same steps with
pdfplumber's settings, in the same order, on arrays:

1. rules shorter than ``edge_min_length_prefilter`` are dropped (vertical ones first, then
   horizontal ones, as ``filter_edges`` lists them);
2. rules are snapped (``snap_objects``): sorted positions chain into one cluster while each lies
   within the snap tolerance of the one before, and each rule moves by the cluster's mean (the
   sum taken in pdfplumber's order) minus its position;
3. rules on one line are joined (``join_edge_group``) where one starts within the join
   tolerance of where the one before ends, then those shorter than ``edge_min_length`` dropped;
4. crossings (``edges_to_intersections``): a vertical and a horizontal rule within the
   intersection tolerance of each other, tested for all pairs at once;
5. cells: for each crossing in sorted order, the smallest cell it is the top-left corner of
   (:func:`intersections_to_cells`), grouped into tables by shared corners (:func:`cells_to_tables`).

The cells and tables are pdfplumber's, in its order; tests/unit/test_pdf_lattice.py compares
them on every page of the reports.

Steps 3 and 5 are loops in which each step depends on the one before; where the C module
``_lattice`` is built (``_lattice.c``, by ``pip install`` with a C compiler) they run there, and
the others on numpy arrays (:func:`_find_tables_on_arrays`); elsewhere all steps run in Python
(:func:`_find_tables_in_python`). Both give pdfplumber's numbers; tests hold them to each other.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from pdfplumber.table import Table, TableSettings

try:
    from govdata.formats import _lattice
except ImportError:  # not built (no C compiler at install): the steps run in Python
    _lattice = None

# pdfplumber's default settings with rules for both directions (what find_tables used).
SETTINGS = TableSettings.resolve({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
HORIZONTAL, VERTICAL, SLANTED = 0, 1, 2
# A rule's numbers as pdfplumber keeps them (the fields of _Rules and _RuleArrays, in order).
_RULE_FIELDS = ("x0", "x1", "top", "bottom", "width", "height")
# _lattice.tables marks corners in a byte array of this many entries at most (16 MB).
_MAX_CORNER_NUMBERS = 1 << 24


@dataclass
class Edges:
    """A page's rules as pdfplumber's edges, in its order: ``orientation`` HORIZONTAL, VERTICAL
    or SLANTED (a curve's slanted piece), the box, and pdfplumber's ``width`` and ``height``
    (kept as it computes them, which can differ from x1 - x0 in the last bit)."""

    orientation: np.ndarray
    x0: np.ndarray
    x1: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    width: np.ndarray
    height: np.ndarray

    def __len__(self) -> int:
        return len(self.orientation)

    @classmethod
    def from_dicts(cls, edges: list[dict]) -> Edges:
        """Columns of pdfplumber's edge dicts."""
        codes = {"h": HORIZONTAL, "v": VERTICAL}
        orientation = np.array([codes.get(edge["orientation"], SLANTED) for edge in edges], dtype=np.int8)
        return cls(orientation, *(np.array([edge[key] for edge in edges], dtype=np.float64).reshape(-1)
                                  for key in ("x0", "x1", "top", "bottom", "width", "height")))

    @classmethod
    def concatenate(cls, parts: list[Edges]) -> Edges:
        return cls(*(np.concatenate([getattr(part, name) for part in parts]) if parts else np.empty(0, dtype)
                     for name, dtype in (("orientation", np.int8), ("x0", float), ("x1", float), ("top", float),
                                         ("bottom", float), ("width", float), ("height", float))))


@dataclass
class _Rules:
    """Rules of one orientation as plain lists (the joining step walks them one by one)."""

    x0: list[float]
    x1: list[float]
    top: list[float]
    bottom: list[float]
    width: list[float]
    height: list[float]

    def take(self, order) -> _Rules:
        columns = [getattr(self, name) for name in _RULE_FIELDS]
        return _Rules(*([values[i] for i in order] for values in columns))


def find_tables(edges: Edges) -> list[Table]:
    """pdfplumber's ``TableFinder(page, SETTINGS).tables`` for a page with these edges."""
    if _lattice is None:
        return [Table(None, table) for table in cells_to_tables(_find_cells_in_python(edges))]
    cells, corners, n_keys = _find_cells_on_arrays(edges)
    if n_keys > _MAX_CORNER_NUMBERS:  # a byte per corner number would be too much: the passes in Python
        return [Table(None, table) for table in cells_to_tables(cells)]
    return [Table(None, table) for table in _cells_to_tables_on_arrays(cells, corners, n_keys)]


def _find_cells_in_python(edges: Edges) -> list[tuple[float, float, float, float]]:
    """Steps 1 to 5, in Python."""
    settings = SETTINGS
    prefilter = settings.edge_min_length_prefilter
    vertical = _rules(edges, (edges.orientation == VERTICAL) & (edges.height >= prefilter))
    horizontal = _rules(edges, (edges.orientation == HORIZONTAL) & (edges.width >= prefilter))
    vertical = _snap(vertical, "x0", settings.snap_x_tolerance)
    horizontal = _snap(horizontal, "top", settings.snap_y_tolerance)
    horizontal = _join(horizontal, "top", "x0", "x1", settings.join_x_tolerance, settings.edge_min_length)
    vertical = _join(vertical, "x0", "top", "bottom", settings.join_y_tolerance, settings.edge_min_length)
    intersections = _intersections(vertical, horizontal, settings.intersection_x_tolerance, settings.intersection_y_tolerance)
    return intersections_to_cells(intersections)


# --- on arrays, the sequential steps in C ------------------------------------------------------



@dataclass
class _RuleArrays:
    """Rules of one orientation as arrays (pdfplumber's numbers)."""

    x0: np.ndarray
    x1: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    width: np.ndarray
    height: np.ndarray

    def take(self, index: np.ndarray) -> _RuleArrays:
        return _RuleArrays(*(getattr(self, name)[index] for name in _RULE_FIELDS))


def _find_cells_on_arrays(edges: Edges) -> tuple[list[tuple[float, float, float, float]], np.ndarray, int]:
    """Steps 1 to 5 on arrays, joining and the cell search in C: the cells, and their corners
    as numbers (see :func:`_cells_of_crossings`)."""
    settings = SETTINGS
    prefilter = settings.edge_min_length_prefilter
    vertical = _RuleArrays(*(getattr(edges, name)[(edges.orientation == VERTICAL) & (edges.height >= prefilter)]
                             for name in _RULE_FIELDS))
    horizontal = _RuleArrays(*(getattr(edges, name)[(edges.orientation == HORIZONTAL) & (edges.width >= prefilter)]
                               for name in _RULE_FIELDS))
    vertical = _snap_arrays(vertical, "x0", settings.snap_x_tolerance)
    horizontal = _snap_arrays(horizontal, "top", settings.snap_y_tolerance)
    horizontal = _join_arrays(horizontal, "top", "x0", "x1", settings.join_x_tolerance, settings.edge_min_length)
    vertical = _join_arrays(vertical, "x0", "top", "bottom", settings.join_y_tolerance, settings.edge_min_length)
    return _cells_of_crossings(vertical, horizontal, settings.intersection_x_tolerance, settings.intersection_y_tolerance)


def _snap_arrays(rules: _RuleArrays, key: str, tolerance: float) -> _RuleArrays:
    """:func:`_snap` on arrays: the clusters found on sorted distinct values, rules put in
    cluster order by a stable sort, each cluster's mean summed in Python (``sum`` in
    pdfplumber's order, so the same number)."""
    values = getattr(rules, key)
    if len(values) == 0:
        return rules
    distinct = _distinct(values)
    cluster_of_distinct = np.concatenate([[0], np.cumsum(distinct[1:] > distinct[:-1] + tolerance)])
    cluster = cluster_of_distinct[np.searchsorted(distinct, values)]
    order = np.argsort(cluster, kind="stable")
    rules, values, cluster = rules.take(order), values[order], cluster[order]
    bounds = [0, *(np.flatnonzero(np.diff(cluster)) + 1).tolist(), len(values)]
    members = values.tolist()
    means = [sum(members[start:end]) / (end - start) for start, end in itertools.pairwise(bounds)]
    shift = np.repeat(np.array(means, dtype=np.float64), np.diff(bounds)) - values
    ends = ("x0", "x1") if key == "x0" else ("top", "bottom")
    for name in ends:
        setattr(rules, name, getattr(rules, name) + shift)
    return rules


def _join_arrays(rules: _RuleArrays, line_key: str, start_key: str, end_key: str, tolerance: float,
                 min_length: float) -> _RuleArrays:
    """:func:`_join` with its loop in C (``_lattice.join``)."""
    vertical = line_key == "x0"
    rules = rules.take(np.lexsort((getattr(rules, start_key), getattr(rules, line_key))))  # stable: by line, then start
    n = len(rules.x0)
    kept, ends, lengths = np.empty(n, dtype=np.int64), np.empty(n), np.empty(n)
    count = _lattice.join(getattr(rules, line_key), getattr(rules, start_key), getattr(rules, end_key),
                          rules.height if vertical else rules.width, rules.x0, vertical, tolerance, min_length,
                          kept, ends, lengths)
    out = rules.take(kept[:count])
    setattr(out, end_key, ends[:count])
    setattr(out, "height" if vertical else "width", lengths[:count])
    return out


def _cells_of_crossings(vertical: _RuleArrays, horizontal: _RuleArrays, x_tolerance: float,
                        y_tolerance: float) -> tuple[list[tuple[float, float, float, float]], np.ndarray, int]:
    """:func:`_intersections` then :func:`intersections_to_cells`: the crossings as arrays
    (sorted by x, then y; each with the sorted numbers of the boxes of its rules), the cell
    search in C (``_lattice.cells``). Also each cell's four corners as numbers (x's rank among
    the crossings' x times the number of distinct y, plus y's rank), and how many numbers there are."""
    h_top = horizontal.top[None, :]
    v_x = vertical.x0[:, None]
    crossing = (vertical.top[:, None] <= h_top + y_tolerance) & (vertical.bottom[:, None] >= h_top - y_tolerance) \
        & (v_x >= horizontal.x0[None, :] - x_tolerance) & (v_x <= horizontal.x1[None, :] + x_tolerance)
    v, h = np.nonzero(crossing)
    if len(v) == 0:
        return [], np.empty(0, dtype=np.int64), 0
    xs, x_rank = _distinct_and_rank(vertical.x0[v])
    ys, y_rank = _distinct_and_rank(horizontal.top[h])
    points, point_of = _distinct_and_rank(x_rank * len(ys) + y_rank)
    px, py = points // len(ys), points % len(ys)
    v_ptr, v_ids = _rules_by_point(point_of, _box_numbers_of(vertical)[v], len(points))
    h_ptr, h_ids = _rules_by_point(point_of, _box_numbers_of(horizontal)[h], len(points))
    row_order = np.lexsort((px, py)).astype(np.int64)
    row_place = np.empty(len(points), dtype=np.int64)
    row_place[row_order] = np.arange(len(points))
    corners = np.empty(2 * len(points), dtype=np.int64)
    count = _lattice.cells(px, py, row_order, row_place, v_ptr, v_ids, h_ptr, h_ids, corners,
                           np.empty(len(points), dtype=np.int64))
    first, closing = corners[: 2 * count: 2], corners[1: 2 * count: 2]
    cells = list(zip(xs[px[first]].tolist(), ys[py[first]].tolist(), xs[px[closing]].tolist(), ys[py[closing]].tolist(),
                     strict=True))
    ny = len(ys)
    x0, top, x1, bottom = px[first] * ny, py[first], px[closing] * ny, py[closing]
    return cells, np.stack([x0 + top, x0 + bottom, x1 + top, x1 + bottom], axis=1).reshape(-1), len(xs) * ny


def _cells_to_tables_on_arrays(cells: list[tuple[float, float, float, float]], corners: np.ndarray,
                               n_keys: int) -> list[list[tuple[float, float, float, float]]]:
    """:func:`cells_to_tables` with its passes in C (``_lattice.tables``), on the cells'
    corners as numbers below ``n_keys``."""
    n = len(cells)
    order, table_of = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    n_tables = _lattice.tables(corners, n_keys, order, table_of)
    tables: list[list[tuple[float, float, float, float]]] = [[] for _ in range(n_tables)]
    for cell, table in zip(order.tolist(), table_of[order].tolist(), strict=True):
        tables[table].append(cells[cell])
    return _sorted_tables(tables)


def _distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` (sorted distinct values; equal ones, -0.0 and 0.0 among them, are
    one), without its overhead, which counted on a page's few hundred rules."""
    ordered = np.sort(values)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered


def _distinct_and_rank(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values and each value's rank among them (int64)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    new = np.concatenate(([True], ordered[1:] != ordered[:-1])) if len(ordered) else np.empty(0, dtype=bool)
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.cumsum(new) - 1
    return ordered[new], rank


def points_in_boxes(x: np.ndarray, y: np.ndarray, boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which points lie in which boxes (rows of x0, top, x1, bottom), the bottom and right edges
    excluded, as pdfplumber tests a character's centre against a table's cells: (box, point)
    pairs, box by box, as ``np.nonzero`` lists them for the boxes-by-points test (in C where
    ``_lattice`` is built: a table's cells times its characters is a large matrix to build)."""
    x, y = np.ascontiguousarray(x, dtype=np.float64), np.ascontiguousarray(y, dtype=np.float64)
    boxes = np.ascontiguousarray(boxes, dtype=np.float64).reshape(-1, 4)
    if _lattice is None:
        b = boxes
        return np.nonzero((x >= b[:, 0:1]) & (x < b[:, 2:3]) & (y >= b[:, 1:2]) & (y < b[:, 3:4]))
    box_of, point_of = np.empty(len(x), dtype=np.int64), np.empty(len(x), dtype=np.int64)
    count = _lattice.points_in_boxes(x, y, boxes, box_of, point_of)
    if count > len(x):  # a point in several boxes (cells overlap): room for every pair
        box_of, point_of = np.empty(count, dtype=np.int64), np.empty(count, dtype=np.int64)
        _lattice.points_in_boxes(x, y, boxes, box_of, point_of)
    return box_of[:count], point_of[:count]


def _box_numbers_of(rules: _RuleArrays) -> np.ndarray:
    """:func:`_box_numbers` on arrays: equal boxes (x0, top, x1, bottom compared with ``==``, as
    Python compares the tuples) one number."""
    columns = (rules.x0, rules.top, rules.x1, rules.bottom)
    order = np.lexsort(columns[::-1])
    new = np.zeros(len(order), dtype=bool)  # where a box differs from the one before it in sorted order
    new[:1] = True
    for column in columns:
        ordered = column[order]
        new[1:] |= ordered[1:] != ordered[:-1]
    numbers = np.empty(len(order), dtype=np.int64)
    numbers[order] = np.cumsum(new) - 1
    return numbers


def _rules_by_point(point_of: np.ndarray, rule_of: np.ndarray, n_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Each point's distinct rule numbers, sorted, as ``ids[ptr[i]:ptr[i + 1]]``."""
    n_rules = int(rule_of.max()) + 1
    pairs = _distinct(point_of * n_rules + rule_of)
    ptr = np.searchsorted(pairs // n_rules, np.arange(n_points + 1)).astype(np.int64)
    return ptr, (pairs % n_rules).astype(np.int64)


# --- in Python ------------------------------------------------------------------------------------


def _rules(edges: Edges, selected: np.ndarray) -> _Rules:
    return _Rules(*(getattr(edges, name)[selected].tolist() for name in _RULE_FIELDS))


def _snap(rules: _Rules, key: str, tolerance: float) -> _Rules:
    """pdfplumber's ``snap_objects``: rules in clusters of nearby ``key`` (x0 of vertical rules,
    top of horizontal ones), in cluster order, each moved by its cluster's mean minus its own."""
    values = getattr(rules, key)
    if not values:
        return rules
    distinct = sorted(set(values))
    cluster_of = {}
    cluster = 0
    for previous, value in zip([distinct[0], *distinct[:-1]], distinct, strict=True):
        if value > previous + tolerance:
            cluster += 1
        cluster_of[value] = cluster
    order = sorted(range(len(values)), key=lambda i: cluster_of[values[i]])
    rules = rules.take(order)
    values = getattr(rules, key)
    clusters = [cluster_of[value] for value in values]
    starts = [i for i in range(len(values)) if i == 0 or clusters[i] != clusters[i - 1]]
    shift = []
    for start, end in zip(starts, [*starts[1:], len(values)], strict=True):
        members = values[start:end]
        mean = sum(members) / len(members)
        shift.extend(mean - value for value in members)
    if key == "x0":
        rules.x0 = [value + d for value, d in zip(rules.x0, shift, strict=True)]
        rules.x1 = [value + d for value, d in zip(rules.x1, shift, strict=True)]
    else:
        rules.top = [value + d for value, d in zip(rules.top, shift, strict=True)]
        rules.bottom = [value + d for value, d in zip(rules.bottom, shift, strict=True)]
    return rules


def _join(rules: _Rules, line_key: str, start_key: str, end_key: str, tolerance: float, min_length: float) -> _Rules:
    """pdfplumber's ``join_edge_group`` on each line (rules of equal ``line_key``, lines in order
    of it), then ``filter_edges`` by ``min_length``: a rule that starts within ``tolerance`` of
    where the joined rule before it ends extends it."""
    lines = getattr(rules, line_key)
    starts, ends = getattr(rules, start_key), getattr(rules, end_key)
    vertical = line_key == "x0"
    order = sorted(range(len(lines)), key=lambda i: (lines[i], starts[i]))  # stable: pdfplumber's two sorts
    joined: list[int] = []
    end_of: dict[int, float] = {}
    length_of: dict[int, float] = {}
    for i in order:
        if joined and lines[joined[-1]] == lines[i] and starts[i] <= end_of[joined[-1]] + tolerance:
            last = joined[-1]
            if ends[i] > end_of[last]:
                if vertical:  # resize_object("bottom"): the height grows by the difference
                    length_of[last] = length_of[last] + (ends[i] - end_of[last])
                else:  # resize_object("x1"): the width is the new x1 less x0
                    length_of[last] = ends[i] - rules.x0[last]
                end_of[last] = ends[i]
            continue
        joined.append(i)
        end_of[i] = ends[i]
        length_of[i] = rules.height[i] if vertical else rules.width[i]
    kept = [i for i in joined if length_of[i] >= min_length]
    out = rules.take(kept)
    setattr(out, end_key, [end_of[i] for i in kept])
    setattr(out, "height" if vertical else "width", [length_of[i] for i in kept])
    return out


def _intersections(vertical: _Rules, horizontal: _Rules, x_tolerance: float, y_tolerance: float) -> dict:
    """pdfplumber's ``edges_to_intersections``: each crossing (x of the vertical rule, top of the
    horizontal one) with the boxes of the vertical and of the horizontal rules through it."""
    v_order = sorted(range(len(vertical.x0)), key=lambda i: (vertical.x0[i], vertical.top[i]))
    h_order = sorted(range(len(horizontal.top)), key=lambda i: (horizontal.top[i], horizontal.x0[i]))
    vertical, horizontal = vertical.take(v_order), horizontal.take(h_order)
    v_x, v_top, v_bottom = (np.array(values, dtype=np.float64)[:, None] for values in (vertical.x0, vertical.top, vertical.bottom))
    h_top, h_x0, h_x1 = (np.array(values, dtype=np.float64)[None, :] for values in (horizontal.top, horizontal.x0, horizontal.x1))
    crossing = (v_top <= h_top + y_tolerance) & (v_bottom >= h_top - y_tolerance) & (v_x >= h_x0 - x_tolerance) \
        & (v_x <= h_x1 + x_tolerance)
    v_boxes = _box_numbers(zip(vertical.x0, vertical.top, vertical.x1, vertical.bottom, strict=True))
    h_boxes = _box_numbers(zip(horizontal.x0, horizontal.top, horizontal.x1, horizontal.bottom, strict=True))
    intersections: dict[tuple[float, float], tuple[set[int], set[int]]] = {}
    for v, h in zip(*(axis.tolist() for axis in np.nonzero(crossing)), strict=True):
        rules = intersections.setdefault((vertical.x0[v], horizontal.top[h]), (set(), set()))
        rules[0].add(v_boxes[v])
        rules[1].add(h_boxes[h])
    return intersections


def _box_numbers(boxes) -> list[int]:
    """A number for each rule's box, equal boxes one number (pdfplumber tells rules apart by box)."""
    numbers: dict[tuple[float, ...], int] = {}
    return [numbers.setdefault(box, len(numbers)) for box in boxes]


def intersections_to_cells(intersections: dict) -> list[tuple[float, float, float, float]]:
    """pdfplumber's ``intersections_to_cells``: for each crossing in sorted order, the smallest
    cell it is the top-left corner of (a crossing below and one to the right joined to it by a
    rule, and the crossing that closes the box joined to both). ``intersections`` maps each
    crossing to (the numbers of) the boxes of its vertical and its horizontal rules. The crossings
    below and right of one are those after it in its column and its row, both in sorted order."""
    rules = intersections
    points = sorted(intersections)
    column: dict[float, list[tuple[float, float]]] = {}
    row: dict[float, list[tuple[float, float]]] = {}
    place: dict[tuple[float, float], tuple[int, int]] = {}
    for point in points:
        in_column, in_row = column.setdefault(point[0], []), row.setdefault(point[1], [])
        place[point] = (len(in_column), len(in_row))
        in_column.append(point)
        in_row.append(point)

    cells = []
    for point in points[:-1]:
        in_column, in_row = place[point]
        cell = _smallest_cell(point, column[point[0]][in_column + 1:], row[point[1]][in_row + 1:], rules)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(point, below, right, rules) -> tuple[float, float, float, float] | None:
    """pdfplumber's search from one crossing: the first crossing below joined to it by a
    vertical rule, the first to the right joined by a horizontal one, and the crossing that
    closes the box joined to the one to the right by a vertical rule and to the one below by a
    horizontal one. (Two crossings in a column are joined when they share a vertical rule; in a
    row, a horizontal one: pdfplumber's ``edge_connects``.)"""
    vertical, horizontal = rules[point]
    joined_right = None
    for below_point in below:
        if vertical.isdisjoint(rules[below_point][0]):
            continue
        if joined_right is None:
            joined_right = [p for p in right if not horizontal.isdisjoint(rules[p][1])]
        for right_point in joined_right:
            corner = (right_point[0], below_point[1])
            closing = rules.get(corner)
            if closing is not None and not closing[0].isdisjoint(rules[right_point][0]) \
                    and not closing[1].isdisjoint(rules[below_point][1]):
                return (point[0], point[1], corner[0], corner[1])
    return None


def cells_to_tables(cells: list[tuple[float, float, float, float]]) -> list[list[tuple[float, float, float, float]]]:
    """pdfplumber's ``cells_to_tables``: passes over the cells left, each taking into the table
    being built every cell that shares a corner with it; a pass that takes none closes the
    table. Tables of more than one cell, top to bottom then left to right. (pdfplumber removes
    each cell taken from the list, a scan of the list each time.)"""
    remaining = list(cells)
    corners: set[tuple[float, float]] = set()
    current: list[tuple[float, float, float, float]] = []
    tables = []
    while remaining:
        left = []
        taken = len(current)
        for cell in remaining:
            x0, top, x1, bottom = cell
            cell_corners = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or not corners.isdisjoint(cell_corners):
                corners.update(cell_corners)
                current.append(cell)
            else:
                left.append(cell)
        remaining = left
        if len(current) == taken:
            tables.append(current)
            corners, current = set(), []
    if current:
        tables.append(current)
    return _sorted_tables(tables)


def _sorted_tables(tables: list[list[tuple[float, float, float, float]]]) -> list[list[tuple[float, float, float, float]]]:
    """Tables of more than one cell, top to bottom then left to right (pdfplumber's order)."""
    return [table for table in sorted(tables, key=lambda t: min((c[1], c[0]) for c in t)) if len(table) > 1]
