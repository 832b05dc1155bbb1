/* pdfplumber's word grouping (extract_words) on a page's characters, in C
 * (govdata/formats/pdf_words.py holds the same steps on numpy arrays, and says why they are
 * pdfplumber's).
 *
 * Why C: every character of a report is grouped into a word twice (the page's text, then each
 * table cell's), and on numpy arrays the steps were two sorts and some twenty array operations
 * per call, a tenth of the PDF reader's time. Here they are two sorts and three passes.
 *
 * Comparisons are on doubles as numpy makes them (NaN sorts last), ties broken by the
 * characters' order, as numpy's stable lexsort breaks them (a stable merge sort); tests hold this module to the numpy
 * steps and both to pdfplumber.
 */
#include "_buffers.h"
#include <math.h>
#include <stdint.h>
#include <string.h>


/* numpy's order of doubles: NaN after every number, NaNs equal. */
static int compare_doubles(double a, double b) {
    if (a < b) return -1;
    if (a > b) return 1;
    int a_nan = isnan(a), b_nan = isnan(b);
    return a_nan - b_nan;
}

/* numpy.minimum and numpy.maximum: a NaN wins. */
static double least(double a, double b) { return isnan(a) || !(b < a) ? (isnan(b) ? b : a) : b; }
static double greatest(double a, double b) { return isnan(a) || !(b > a) ? (isnan(b) ? b : a) : b; }

/* Whether character i comes before character j: by first, then second, then position. */
static inline int before(const double *first, const double *second, int64_t i, int64_t j) {
    int order = compare_doubles(first[i], first[j]);
    if (order == 0) order = compare_doubles(second[i], second[j]);
    return order != 0 ? order < 0 : i < j;
}

/* order[0:n] = 0..n-1 sorted by (first, second, position): a merge sort with the comparison
 * inlined (qsort's call per comparison cost more than the rest of the grouping), blocks of 16
 * sorted by insertion first, and two neighbours already in order joined without a merge. A
 * page's characters come nearly in order (line by line, left to right), so most merges are
 * skipped. scratch holds n. */
static void sort_by(int64_t *order, int64_t *scratch, Py_ssize_t n, const double *first, const double *second) {
    enum { BLOCK = 16 };
    for (Py_ssize_t i = 0; i < n; i++) order[i] = i;
    for (Py_ssize_t low = 0; low < n; low += BLOCK) {
        Py_ssize_t high = low + BLOCK < n ? low + BLOCK : n;
        for (Py_ssize_t i = low + 1; i < high; i++) {
            int64_t item = order[i];
            Py_ssize_t j = i;
            for (; j > low && before(first, second, item, order[j - 1]); j--) order[j] = order[j - 1];
            order[j] = item;
        }
    }
    for (Py_ssize_t width = BLOCK; width < n; width *= 2) {
        int merged = 0;
        for (Py_ssize_t low = 0; low < n; low += 2 * width) {
            Py_ssize_t middle = low + width < n ? low + width : n, high = low + 2 * width < n ? low + 2 * width : n;
            if (middle >= high || !before(first, second, order[middle], order[middle - 1])) {
                memcpy(scratch + low, order + low, (high - low) * sizeof(int64_t));
                continue;
            }
            Py_ssize_t a = low, b = middle, k = low;
            while (a < middle && b < high) scratch[k++] = before(first, second, order[b], order[a]) ? order[b++] : order[a++];
            while (a < middle) scratch[k++] = order[a++];
            while (b < high) scratch[k++] = order[b++];
            merged = 1;
        }
        if (merged) memcpy(order, scratch, n * sizeof(int64_t));
    }
}

/* words(x0, x1, top, bottom, key, blank, x_tolerance, y_tolerance, kept, first, boxes) -> (n_kept, n_words)
 *
 * The characters (float64 arrays of n, in page order) run in runs of equal key; in a run they
 * are clustered into lines by their top (sorted tops chain while each lies within y_tolerance of
 * the one before); in a line sorted by x0 (ties in page order); a word starts at a line's first
 * character, after a blank (uint8 blank[i]: dropped), or where the character starts left of the
 * one before, more than x_tolerance right of its end, or more than y_tolerance above or below it.
 * Writes the characters kept (not blank) in word order (kept, int64[n]: indices into the arrays),
 * where each word starts among them (first, int64[n]) and each word's box (boxes, float64[4n]:
 * least x0, greatest x1, least top, greatest bottom). */
static PyObject *words(PyObject *self, PyObject *args) {
    Py_buffer x0s, x1s, tops, bottoms, key_buffer, blanks, kept_buffer, first_buffer, box_buffer;
    double x_tolerance, y_tolerance;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*ddw*w*w*", &x0s, &x1s, &tops, &bottoms, &key_buffer, &blanks, &x_tolerance,
                          &y_tolerance, &kept_buffer, &first_buffer, &box_buffer))
        return NULL;
    Py_ssize_t n = x0s.len / (Py_ssize_t)sizeof(double);
    PyObject *result = NULL;
    int64_t *order = NULL, *scratch = NULL;
    double *run = NULL, *line = NULL;
    if (check_buffer(&x1s, n, sizeof(double), "x1") && check_buffer(&tops, n, sizeof(double), "top")
        && check_buffer(&bottoms, n, sizeof(double), "bottom") && check_buffer(&key_buffer, n, sizeof(double), "key")
        && check_buffer(&blanks, n, 1, "blank") && check_buffer(&kept_buffer, n, sizeof(int64_t), "kept")
        && check_buffer(&first_buffer, n, sizeof(int64_t), "first") && check_buffer(&box_buffer, 4 * n, sizeof(double), "boxes")) {
        const double *x0 = x0s.buf, *x1 = x1s.buf, *top = tops.buf, *bottom = bottoms.buf, *key = key_buffer.buf;
        const uint8_t *blank = blanks.buf;
        int64_t *kept = kept_buffer.buf, *first = first_buffer.buf;
        double *box = box_buffer.buf;
        order = PyMem_Malloc((n > 0 ? n : 1) * sizeof(int64_t));
        scratch = PyMem_Malloc((n > 0 ? n : 1) * sizeof(int64_t));
        run = PyMem_Malloc((n > 0 ? n : 1) * sizeof(double));
        line = PyMem_Malloc((n > 0 ? n : 1) * sizeof(double));
        if (!order || !scratch || !run || !line) {
            PyErr_NoMemory();
        } else {
            /* runs of equal key, numbered in page order */
            for (Py_ssize_t i = 0; i < n; i++) run[i] = i == 0 ? 0 : run[i - 1] + (key[i] != key[i - 1]);
            /* lines: in each run, sorted tops chained within y_tolerance */
            sort_by(order, scratch, n, run, top);
            double cluster = 0;
            for (Py_ssize_t k = 0; k < n; k++) {
                int64_t i = order[k], previous = k ? order[k - 1] : 0;
                if (k > 0 && (run[i] != run[previous] || top[i] > top[previous] + y_tolerance)) cluster++;
                line[i] = cluster;
            }
            /* word order: by line, then x0, then page order */
            sort_by(order, scratch, n, line, x0);
            Py_ssize_t n_kept = 0, n_words = 0;
            for (Py_ssize_t k = 0; k < n; k++) {
                int64_t i = order[k];
                int starts = 1;
                if (k > 0) {
                    int64_t p = order[k - 1];
                    starts = line[i] != line[p] || blank[p] || x0[i] < x0[p] || x0[i] > x1[p] + x_tolerance
                             || fabs(top[i] - top[p]) > y_tolerance;
                }
                if (blank[i]) continue;
                if (starts || n_words == 0) {
                    first[n_words] = n_kept;
                    box[4 * n_words] = x0[i];
                    box[4 * n_words + 1] = x1[i];
                    box[4 * n_words + 2] = top[i];
                    box[4 * n_words + 3] = bottom[i];
                    n_words++;
                } else {
                    double *word = box + 4 * (n_words - 1);
                    word[0] = least(word[0], x0[i]);
                    word[1] = greatest(word[1], x1[i]);
                    word[2] = least(word[2], top[i]);
                    word[3] = greatest(word[3], bottom[i]);
                }
                kept[n_kept++] = i;
            }
            result = Py_BuildValue("nn", n_kept, n_words);
        }
    }
    PyMem_Free(order);
    PyMem_Free(scratch);
    PyMem_Free(run);
    PyMem_Free(line);
    PyBuffer_Release(&x0s);
    PyBuffer_Release(&x1s);
    PyBuffer_Release(&tops);
    PyBuffer_Release(&bottoms);
    PyBuffer_Release(&key_buffer);
    PyBuffer_Release(&blanks);
    PyBuffer_Release(&kept_buffer);
    PyBuffer_Release(&first_buffer);
    PyBuffer_Release(&box_buffer);
    return result;
}

static PyMethodDef methods[] = {
    {"words", words, METH_VARARGS,
     "words(x0, x1, top, bottom, key, blank, x_tolerance, y_tolerance, kept, first, boxes) -> (n_kept, n_words)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_words", "pdfplumber's word grouping on a page's characters, in C.", -1, methods,
};

PyMODINIT_FUNC PyInit__words(void) { return PyModule_Create(&module); }
