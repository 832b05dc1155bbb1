/* The sequential steps of pdfplumber's lattice finder, in C (govdata/formats/pdf_lattice.py).
 *
 * Why C: a report page draws each cell's border as a rectangle, so a page of tables has
 * thousands of rules (four per cell) and thousands of crossings. Joining rules on a line,
 * finding the smallest cell at each crossing and gathering cells into tables are loops in which
 * each step depends on the ones before; in Python they were most of the table finder's time.
 * Everything else (filtering, snapping, sorting, finding crossings) runs on numpy arrays in
 * pdf_lattice.py.
 *
 * The arithmetic is pdfplumber's, operation for operation, in doubles (the build turns off
 * floating-point contraction), so the numbers are its numbers to the bit; pdf_lattice.py keeps
 * the same steps in Python for where this module is not built, and tests hold the two to each
 * other and to pdfplumber.
 */
#include "_buffers.h"


/* join(lines, starts, ends, lengths, x0, vertical, tolerance, min_length, kept, new_ends, new_lengths) -> count
 *
 * pdfplumber's join_edge_group on each line, then filter_edges by min_length. The rules come
 * sorted by line, then start (float64 arrays of n). A rule on the same line as the last kept one
 * that starts within tolerance of where that one ends extends it: a vertical rule's length
 * grows by the difference of the ends (resize_object("bottom")), a horizontal one's is the new
 * end less its x0 (resize_object("x1")). Writes the indices (int64) of the rules kept, with their
 * ends and lengths, and returns how many. */
static PyObject *join(PyObject *self, PyObject *args) {
    Py_buffer lines, starts, ends, lengths, x0, kept, new_ends, new_lengths;
    int vertical;
    double tolerance, min_length;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*pddw*w*w*", &lines, &starts, &ends, &lengths, &x0, &vertical, &tolerance,
                          &min_length, &kept, &new_ends, &new_lengths))
        return NULL;
    Py_ssize_t n = lines.len / (Py_ssize_t)sizeof(double);
    PyObject *result = NULL;
    if (check_buffer(&starts, n, sizeof(double), "starts") && check_buffer(&ends, n, sizeof(double), "ends")
        && check_buffer(&lengths, n, sizeof(double), "lengths") && check_buffer(&x0, n, sizeof(double), "x0")
        && check_buffer(&kept, n, sizeof(int64_t), "kept") && check_buffer(&new_ends, n, sizeof(double), "new_ends")
        && check_buffer(&new_lengths, n, sizeof(double), "new_lengths")) {
        const double *line = lines.buf, *start = starts.buf, *end = ends.buf, *length = lengths.buf, *left = x0.buf;
        int64_t *out = kept.buf;
        double *out_end = new_ends.buf, *out_length = new_lengths.buf;
        Py_ssize_t joined = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (joined && line[out[joined - 1]] == line[i] && start[i] <= out_end[joined - 1] + tolerance) {
                Py_ssize_t last = joined - 1;
                if (end[i] > out_end[last]) {
                    if (vertical) out_length[last] = out_length[last] + (end[i] - out_end[last]);
                    else out_length[last] = end[i] - left[out[last]];
                    out_end[last] = end[i];
                }
                continue;
            }
            out[joined] = i;
            out_end[joined] = end[i];
            out_length[joined] = length[i];
            joined++;
        }
        Py_ssize_t count = 0;
        for (Py_ssize_t k = 0; k < joined; k++) {
            if (out_length[k] >= min_length) {
                out[count] = out[k];
                out_end[count] = out_end[k];
                out_length[count] = out_length[k];
                count++;
            }
        }
        result = PyLong_FromSsize_t(count);
    }
    PyBuffer_Release(&lines);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&ends);
    PyBuffer_Release(&lengths);
    PyBuffer_Release(&x0);
    PyBuffer_Release(&kept);
    PyBuffer_Release(&new_ends);
    PyBuffer_Release(&new_lengths);
    return result;
}

/* Whether two sorted lists of rule numbers share one. */
static int share(const int64_t *a, int64_t na, const int64_t *b, int64_t nb) {
    int64_t i = 0, j = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j]) return 1;
        if (a[i] < b[j]) i++;
        else j++;
    }
    return 0;
}

typedef struct {
    const int64_t *x, *y;        /* each crossing's column and row number (crossings sorted by x, then y) */
    const int64_t *v_ptr, *v_ids; /* crossing i's vertical rules: v_ids[v_ptr[i]:v_ptr[i + 1]], sorted */
    const int64_t *h_ptr, *h_ids; /* its horizontal rules, likewise */
    Py_ssize_t n;
} crossings;

static int share_vertical(const crossings *c, int64_t i, int64_t j) {
    return share(c->v_ids + c->v_ptr[i], c->v_ptr[i + 1] - c->v_ptr[i], c->v_ids + c->v_ptr[j], c->v_ptr[j + 1] - c->v_ptr[j]);
}

static int share_horizontal(const crossings *c, int64_t i, int64_t j) {
    return share(c->h_ids + c->h_ptr[i], c->h_ptr[i + 1] - c->h_ptr[i], c->h_ids + c->h_ptr[j], c->h_ptr[j + 1] - c->h_ptr[j]);
}

/* The crossing at column x, row y, or -1 (binary search: crossings are sorted by x, then y). */
static int64_t find(const crossings *c, int64_t x, int64_t y) {
    Py_ssize_t low = 0, high = c->n;
    while (low < high) {
        Py_ssize_t mid = low + (high - low) / 2;
        if (c->x[mid] < x || (c->x[mid] == x && c->y[mid] < y)) low = mid + 1;
        else high = mid;
    }
    return low < c->n && c->x[low] == x && c->y[low] == y ? low : -1;
}

/* cells(x, y, row_order, row_place, v_ptr, v_ids, h_ptr, h_ids, corners, joined_right) -> count
 *
 * pdfplumber's intersections_to_cells: for each crossing in sorted order but the last, the
 * smallest cell it is the top-left corner of: the first crossing below joined to it by a
 * vertical rule, the first to the right joined by a horizontal one, and the crossing that closes
 * the box joined to the one to the right by a vertical rule and to the one below by a
 * horizontal one. row_order lists the crossings by y, then x; row_place[i] is crossing i's place
 * in it. Writes (top-left crossing, closing crossing) pairs (int64) to corners and returns how
 * many; joined_right (int64[n]) is scratch space. */
static PyObject *cells(PyObject *self, PyObject *args) {
    Py_buffer x, y, row_order, row_place, v_ptr, v_ids, h_ptr, h_ids, corners, scratch;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*y*w*w*", &x, &y, &row_order, &row_place, &v_ptr, &v_ids, &h_ptr, &h_ids,
                          &corners, &scratch))
        return NULL;
    Py_ssize_t n = x.len / (Py_ssize_t)sizeof(int64_t);
    PyObject *result = NULL;
    if (check_buffer(&y, n, sizeof(int64_t), "y") && check_buffer(&row_order, n, sizeof(int64_t), "row_order")
        && check_buffer(&row_place, n, sizeof(int64_t), "row_place") && check_buffer(&v_ptr, n + 1, sizeof(int64_t), "v_ptr")
        && check_buffer(&h_ptr, n + 1, sizeof(int64_t), "h_ptr") && check_buffer(&corners, 2 * n, sizeof(int64_t), "corners")
        && check_buffer(&scratch, n, sizeof(int64_t), "joined_right")) {
        crossings c = {x.buf, y.buf, v_ptr.buf, v_ids.buf, h_ptr.buf, h_ids.buf, n};
        const int64_t *by_row = row_order.buf, *place = row_place.buf;
        int64_t *out = corners.buf, *joined_right = scratch.buf;
        if (check_buffer(&v_ids, c.v_ptr[n], sizeof(int64_t), "v_ids") && check_buffer(&h_ids, c.h_ptr[n], sizeof(int64_t), "h_ids")) {
            Py_ssize_t count = 0;
            for (Py_ssize_t i = 0; i + 1 < n; i++) {
                Py_ssize_t n_right = -1;  /* the crossings right of i joined to it: found on first need */
                int found = 0;
                for (Py_ssize_t below = i + 1; below < n && c.x[below] == c.x[i] && !found; below++) {
                    if (!share_vertical(&c, i, below)) continue;
                    if (n_right < 0) {
                        n_right = 0;
                        for (Py_ssize_t k = place[i] + 1; k < n && c.y[by_row[k]] == c.y[i]; k++)
                            if (share_horizontal(&c, i, by_row[k])) joined_right[n_right++] = by_row[k];
                    }
                    for (Py_ssize_t r = 0; r < n_right; r++) {
                        int64_t right = joined_right[r], corner = find(&c, c.x[right], c.y[below]);
                        if (corner >= 0 && share_vertical(&c, corner, right) && share_horizontal(&c, corner, below)) {
                            out[2 * count] = i;
                            out[2 * count + 1] = corner;
                            count++;
                            found = 1;
                            break;
                        }
                    }
                }
            }
            result = PyLong_FromSsize_t(count);
        }
    }
    PyBuffer_Release(&x);
    PyBuffer_Release(&y);
    PyBuffer_Release(&row_order);
    PyBuffer_Release(&row_place);
    PyBuffer_Release(&v_ptr);
    PyBuffer_Release(&v_ids);
    PyBuffer_Release(&h_ptr);
    PyBuffer_Release(&h_ids);
    PyBuffer_Release(&corners);
    PyBuffer_Release(&scratch);
    return result;
}

/* tables(corners, n_keys, order, table_of) -> number of tables
 *
 * pdfplumber's cells_to_tables: passes over the cells left, each taking into the table being
 * built every cell that shares a corner with it; a pass that takes none closes the table.
 * corners: int64[4n], each cell's four corners as numbers below n_keys. Writes the cells in the
 * order they were taken (order, int64[n]) and each cell's table (table_of, int64[n]), tables
 * numbered in the order they were closed. */
static PyObject *tables(PyObject *self, PyObject *args) {
    Py_buffer corners, order, table_of;
    Py_ssize_t n_keys;
    if (!PyArg_ParseTuple(args, "y*nw*w*", &corners, &n_keys, &order, &table_of)) return NULL;
    Py_ssize_t n = corners.len / (Py_ssize_t)(4 * sizeof(int64_t));
    PyObject *result = NULL;
    uint8_t *marked = NULL;
    int64_t *remaining = NULL, *left = NULL, *marks = NULL;
    if (check_buffer(&order, n, sizeof(int64_t), "order") && check_buffer(&table_of, n, sizeof(int64_t), "table_of")) {
        const int64_t *corner = corners.buf;
        int64_t *taken_order = order.buf, *table = table_of.buf;
        marked = PyMem_Calloc(n_keys > 0 ? n_keys : 1, 1);
        remaining = PyMem_Malloc((n > 0 ? n : 1) * sizeof(int64_t));
        left = PyMem_Malloc((n > 0 ? n : 1) * sizeof(int64_t));
        marks = PyMem_Malloc((4 * n > 0 ? 4 * n : 1) * sizeof(int64_t));
        int ok = marked && remaining && left && marks;
        for (Py_ssize_t k = 0; ok && k < 4 * n; k++) ok = corner[k] >= 0 && corner[k] < n_keys;
        if (!ok) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "a corner number out of range");
        } else {
            Py_ssize_t n_remaining = n, n_marks = 0, position = 0, current = 0, n_tables = 0;
            for (Py_ssize_t i = 0; i < n; i++) remaining[i] = i;
            while (n_remaining > 0) {
                Py_ssize_t n_left = 0, taken = current;
                for (Py_ssize_t r = 0; r < n_remaining; r++) {
                    int64_t cell = remaining[r];
                    const int64_t *own = corner + 4 * cell;
                    int touches = current == 0 || marked[own[0]] || marked[own[1]] || marked[own[2]] || marked[own[3]];
                    if (!touches) {
                        left[n_left++] = cell;
                        continue;
                    }
                    for (int k = 0; k < 4; k++) {
                        if (!marked[own[k]]) {
                            marked[own[k]] = 1;
                            marks[n_marks++] = own[k];
                        }
                    }
                    taken_order[position++] = cell;
                    table[cell] = n_tables;
                    current++;
                }
                int64_t *swap = remaining;
                remaining = left;
                left = swap;
                n_remaining = n_left;
                if (current == taken) {
                    n_tables++;
                    for (Py_ssize_t k = 0; k < n_marks; k++) marked[marks[k]] = 0;
                    n_marks = 0;
                    current = 0;
                }
            }
            if (current) n_tables++;
            result = PyLong_FromSsize_t(n_tables);
        }
    }
    PyMem_Free(marked);
    PyMem_Free(remaining);
    PyMem_Free(left);
    PyMem_Free(marks);
    PyBuffer_Release(&corners);
    PyBuffer_Release(&order);
    PyBuffer_Release(&table_of);
    return result;
}

/* points_in_boxes(x, y, boxes, box_of, point_of) -> count
 *
 * Which points lie in which boxes, the bottom and right edges excluded (pdfplumber's test of a
 * character's centre against a table cell): every (box, point) pair, box by box and in each box
 * point by point, as numpy.nonzero lists the pairs of the boxes-by-points matrix of that test.
 * x, y: float64[n]; boxes: float64[4m] (x0, top, x1, bottom). Writes at most len(box_of) pairs
 * and returns how many there are (more than it wrote when the buffers were too small: call again
 * with buffers that large). */
static PyObject *points_in_boxes(PyObject *self, PyObject *args) {
    Py_buffer xs, ys, boxes, box_of, point_of;
    if (!PyArg_ParseTuple(args, "y*y*y*w*w*", &xs, &ys, &boxes, &box_of, &point_of)) return NULL;
    Py_ssize_t n = xs.len / (Py_ssize_t)sizeof(double), m = boxes.len / (Py_ssize_t)(4 * sizeof(double));
    Py_ssize_t capacity = box_of.len / (Py_ssize_t)sizeof(int64_t);
    PyObject *result = NULL;
    if (check_buffer(&ys, n, sizeof(double), "y") && check_buffer(&point_of, capacity, sizeof(int64_t), "point_of")) {
        const double *x = xs.buf, *y = ys.buf, *box = boxes.buf;
        int64_t *out_box = box_of.buf, *out_point = point_of.buf;
        Py_ssize_t count = 0;
        for (Py_ssize_t b = 0; b < m; b++) {
            double x0 = box[4 * b], top = box[4 * b + 1], x1 = box[4 * b + 2], bottom = box[4 * b + 3];
            for (Py_ssize_t p = 0; p < n; p++) {
                if (x[p] >= x0 && x[p] < x1 && y[p] >= top && y[p] < bottom) {
                    if (count < capacity) {
                        out_box[count] = b;
                        out_point[count] = p;
                    }
                    count++;
                }
            }
        }
        result = PyLong_FromSsize_t(count);
    }
    PyBuffer_Release(&xs);
    PyBuffer_Release(&ys);
    PyBuffer_Release(&boxes);
    PyBuffer_Release(&box_of);
    PyBuffer_Release(&point_of);
    return result;
}

static PyMethodDef methods[] = {
    {"join", join, METH_VARARGS, "join(lines, starts, ends, lengths, x0, vertical, tolerance, min_length, kept, new_ends, new_lengths) -> count"},
    {"cells", cells, METH_VARARGS, "cells(x, y, row_order, row_place, v_ptr, v_ids, h_ptr, h_ids, corners, joined_right) -> count"},
    {"tables", tables, METH_VARARGS, "tables(corners, n_keys, order, table_of) -> number of tables"},
    {"points_in_boxes", points_in_boxes, METH_VARARGS, "points_in_boxes(x, y, boxes, box_of, point_of) -> count"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_lattice", "The sequential steps of pdfplumber's lattice finder, in C.", -1, methods,
};

PyMODINIT_FUNC PyInit__lattice(void) { return PyModule_Create(&module); }
