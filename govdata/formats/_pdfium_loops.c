/* The PDF reader's per-character and per-segment questions to PDFium, asked in C.
 *
 * Why C: PDFium's public API answers one character (its box, its text object, whether its font
 * maps it to Unicode) or one path segment (its kind, closing flag, point) per call. A report page
 * has a thousand characters and hundreds of segments, so the reader makes about six calls per
 * character; through ctypes each call costs a third of a microsecond or more, which alone cost
 * as much as PDFium's whole text extraction. Here each loop is one call from Python.
 *
 * This module links against nothing: it is handed the addresses of PDFium's functions, as
 * pypdfium2 loaded them (bind()), and the handles of a page or text page as ints; answers are
 * written into buffers (numpy arrays) the caller allocated. The Python reader
 * (govdata/formats/pdf_objects.py) asks the same questions through ctypes when this module is
 * not built, and a test holds both to the same answers.
 *
 * The GIL stays held, as PDFium is not safe to call from two threads at once.
 */
#include "_buffers.h"

typedef struct { float left, top, right, bottom; } rect_f;
typedef struct { float a, b, c, d, e, f; } matrix_f;

typedef int (*loose_char_box_f)(void *textpage, int index, rect_f *rect);
typedef void *(*text_object_f)(void *textpage, int index);
typedef int (*text_int_f)(void *textpage, int index);
typedef int (*object_int_f)(void *object);
typedef void *(*path_segment_f)(void *path, int index);
typedef int (*segment_point_f)(void *segment, float *x, float *y);
typedef int (*segment_int_f)(void *segment);
typedef int (*draw_mode_f)(void *path, int *fill_mode, int *stroke);
typedef int (*object_matrix_f)(void *object, matrix_f *matrix);
typedef int (*font_size_f)(void *text_object, float *size);
typedef void *(*page_object_f)(void *page, int index);

/* The order of bind()'s addresses: FUNCTIONS names them for the Python side. */
static const char *function_names[] = {
    "FPDFText_GetLooseCharBox", "FPDFText_GetTextObject", "FPDFText_HasUnicodeMapError",
    "FPDFText_IsGenerated", "FPDFPath_CountSegments", "FPDFPath_GetPathSegment",
    "FPDFPathSegment_GetPoint", "FPDFPathSegment_GetType", "FPDFPathSegment_GetClose",
    "FPDFPageObj_GetType", "FPDFPath_GetDrawMode", "FPDFPageObj_GetMatrix", "FPDFTextObj_GetFontSize",
    "FPDFPage_GetObject",
};
#define N_FUNCTIONS (sizeof(function_names) / sizeof(function_names[0]))

static struct {
    loose_char_box_f loose_char_box;
    text_object_f text_object;
    text_int_f has_unicode_map_error;
    text_int_f is_generated;
    object_int_f count_segments;
    path_segment_f path_segment;
    segment_point_f segment_point;
    segment_int_f segment_type;
    segment_int_f segment_close;
    object_int_f object_type;
    draw_mode_f draw_mode;
    object_matrix_f object_matrix;
    font_size_f font_size;
    page_object_f page_object;
} pdfium;
static int bound = 0;

static PyObject *bind(PyObject *self, PyObject *args) {
    PyObject *addresses;
    if (!PyArg_ParseTuple(args, "O!", &PyTuple_Type, &addresses)) return NULL;
    if ((size_t)PyTuple_GET_SIZE(addresses) != N_FUNCTIONS) {
        PyErr_Format(PyExc_ValueError, "bind() takes %d addresses, in the order of FUNCTIONS", (int)N_FUNCTIONS);
        return NULL;
    }
    void *found[N_FUNCTIONS];
    for (size_t i = 0; i < N_FUNCTIONS; i++) {
        found[i] = PyLong_AsVoidPtr(PyTuple_GET_ITEM(addresses, i));
        if (found[i] == NULL) {
            if (!PyErr_Occurred()) PyErr_Format(PyExc_ValueError, "no address for %s", function_names[i]);
            return NULL;
        }
    }
    pdfium.loose_char_box = (loose_char_box_f)found[0];
    pdfium.text_object = (text_object_f)found[1];
    pdfium.has_unicode_map_error = (text_int_f)found[2];
    pdfium.is_generated = (text_int_f)found[3];
    pdfium.count_segments = (object_int_f)found[4];
    pdfium.path_segment = (path_segment_f)found[5];
    pdfium.segment_point = (segment_point_f)found[6];
    pdfium.segment_type = (segment_int_f)found[7];
    pdfium.segment_close = (segment_int_f)found[8];
    pdfium.object_type = (object_int_f)found[9];
    pdfium.draw_mode = (draw_mode_f)found[10];
    pdfium.object_matrix = (object_matrix_f)found[11];
    pdfium.font_size = (font_size_f)found[12];
    pdfium.page_object = (page_object_f)found[13];
    bound = 1;
    Py_RETURN_NONE;
}

static int check_bound(void) {
    if (!bound) PyErr_SetString(PyExc_RuntimeError, "bind() PDFium's functions first");
    return bound;
}

/* chars(textpage, count, boxes, objects, generated, scales, rotated) -> number of characters
 * whose font maps them to no Unicode. boxes: float32[4 * count] (left, top, right, bottom, PDF
 * space); objects: uint64[count], each character's text object; generated: uint8[count], 1 where
 * PDFium added the character (a space or line break in no content stream); scales:
 * float32[3 * count], the font size of the character's text object and its matrix's a and d;
 * rotated: uint8[count], 1 where that matrix is not an upright scaling (b or c not 0, a or d not
 * above 0; also where the character has no text object). A text object is asked once for each
 * run of its characters. */
static PyObject *chars(PyObject *self, PyObject *args) {
    PyObject *page_handle;
    Py_ssize_t count;
    Py_buffer boxes, objects, generated, scales, rotated;
    if (!check_bound()) return NULL;
    if (!PyArg_ParseTuple(args, "Onw*w*w*w*w*", &page_handle, &count, &boxes, &objects, &generated, &scales, &rotated))
        return NULL;
    void *textpage = PyLong_AsVoidPtr(page_handle);
    PyObject *result = NULL;
    if (!PyErr_Occurred() && check_buffer(&boxes, count, 4 * sizeof(float), "boxes")
        && check_buffer(&objects, count, sizeof(uint64_t), "objects")
        && check_buffer(&generated, count, 1, "generated") && check_buffer(&scales, count, 3 * sizeof(float), "scales")
        && check_buffer(&rotated, count, 1, "rotated")) {
        rect_f *box = (rect_f *)boxes.buf;
        uint64_t *object = (uint64_t *)objects.buf;
        uint8_t *added = (uint8_t *)generated.buf, *turned = (uint8_t *)rotated.buf;
        float *scale = (float *)scales.buf;
        long unmapped = 0;
        void *last = NULL;
        float size = 0;
        matrix_f matrix = {0, 0, 0, 0, 0, 0};
        int have_last = 0;
        for (int i = 0; i < (int)count; i++) {
            if (!pdfium.loose_char_box(textpage, i, &box[i])) box[i] = (rect_f){0, 0, 0, 0};
            void *text = pdfium.text_object(textpage, i);
            object[i] = (uint64_t)(uintptr_t)text;
            added[i] = pdfium.is_generated(textpage, i) == 1;
            unmapped += pdfium.has_unicode_map_error(textpage, i) == 1;
            if (!have_last || text != last) {
                if (!pdfium.object_matrix(text, &matrix)) matrix = (matrix_f){0, 0, 0, 0, 0, 0};
                if (!pdfium.font_size(text, &size)) size = 0;
                last = text;
                have_last = 1;
            }
            scale[3 * i] = size;
            scale[3 * i + 1] = matrix.a;
            scale[3 * i + 2] = matrix.d;
            turned[i] = !(matrix.b == 0 && matrix.c == 0 && matrix.a > 0 && matrix.d > 0);
        }
        result = PyLong_FromLong(unmapped);
    }
    PyBuffer_Release(&boxes);
    PyBuffer_Release(&objects);
    PyBuffer_Release(&generated);
    PyBuffer_Release(&scales);
    PyBuffer_Release(&rotated);
    return result;
}

/* page_objects(page, count, objects, types): the page's first count objects (uint64 handles)
 * and their kinds (int32). */
static PyObject *page_objects(PyObject *self, PyObject *args) {
    PyObject *page_handle;
    Py_ssize_t count;
    Py_buffer objects, types;
    if (!check_bound()) return NULL;
    if (!PyArg_ParseTuple(args, "Onw*w*", &page_handle, &count, &objects, &types)) return NULL;
    void *page = PyLong_AsVoidPtr(page_handle);
    PyObject *result = NULL;
    if (!PyErr_Occurred() && check_buffer(&objects, count, sizeof(uint64_t), "objects")
        && check_buffer(&types, count, sizeof(int32_t), "types")) {
        uint64_t *object = (uint64_t *)objects.buf;
        int32_t *type = (int32_t *)types.buf;
        for (int i = 0; i < (int)count; i++) {
            void *found = pdfium.page_object(page, i);
            object[i] = (uint64_t)(uintptr_t)found;
            type[i] = pdfium.object_type(found);
        }
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&objects);
    PyBuffer_Release(&types);
    return result;
}

/* object_types(objects, types): types[i] = the kind of page object objects[i] (uint64 handles). */
static PyObject *object_types(PyObject *self, PyObject *args) {
    Py_buffer objects, types;
    if (!check_bound()) return NULL;
    if (!PyArg_ParseTuple(args, "y*w*", &objects, &types)) return NULL;
    Py_ssize_t n = objects.len / (Py_ssize_t)sizeof(uint64_t);
    PyObject *result = NULL;
    if (check_buffer(&types, n, sizeof(int32_t), "types")) {
        const uint64_t *object = (const uint64_t *)objects.buf;
        int32_t *type = (int32_t *)types.buf;
        for (Py_ssize_t i = 0; i < n; i++) type[i] = pdfium.object_type((void *)(uintptr_t)object[i]);
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&objects);
    PyBuffer_Release(&types);
    return result;
}

/* paths(objects, modes, matrices, counts): per path object its fill mode and stroke flag
 * (int32[2n]), its matrix (float32[6n]) and its number of segments (int32[n]). */
static PyObject *paths(PyObject *self, PyObject *args) {
    Py_buffer objects, modes, matrices, counts;
    if (!check_bound()) return NULL;
    if (!PyArg_ParseTuple(args, "y*w*w*w*", &objects, &modes, &matrices, &counts)) return NULL;
    Py_ssize_t n = objects.len / (Py_ssize_t)sizeof(uint64_t);
    PyObject *result = NULL;
    if (check_buffer(&modes, 2 * n, sizeof(int32_t), "modes") && check_buffer(&matrices, n, sizeof(matrix_f), "matrices")
        && check_buffer(&counts, n, sizeof(int32_t), "counts")) {
        const uint64_t *object = (const uint64_t *)objects.buf;
        int32_t *mode = (int32_t *)modes.buf;
        matrix_f *matrix = (matrix_f *)matrices.buf;
        int32_t *count = (int32_t *)counts.buf;
        for (Py_ssize_t i = 0; i < n; i++) {
            void *path = (void *)(uintptr_t)object[i];
            int fill = 0, stroke = 0;
            pdfium.draw_mode(path, &fill, &stroke);
            mode[2 * i] = fill;
            mode[2 * i + 1] = stroke;
            if (!pdfium.object_matrix(path, &matrix[i])) matrix[i] = (matrix_f){0, 0, 0, 0, 0, 0};
            count[i] = pdfium.count_segments(path);
        }
        result = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&objects);
    PyBuffer_Release(&modes);
    PyBuffer_Release(&matrices);
    PyBuffer_Release(&counts);
    return result;
}

/* segments(objects, counts, kinds, closes, points): the segments of each path object in turn,
 * counts[i] of objects[i]: kind (int32), closing flag (uint8), point (float32 x, y). */
static PyObject *segments(PyObject *self, PyObject *args) {
    Py_buffer objects, counts, kinds, closes, points;
    if (!check_bound()) return NULL;
    if (!PyArg_ParseTuple(args, "y*y*w*w*w*", &objects, &counts, &kinds, &closes, &points)) return NULL;
    Py_ssize_t n = objects.len / (Py_ssize_t)sizeof(uint64_t), total = 0;
    PyObject *result = NULL;
    if (check_buffer(&counts, n, sizeof(int32_t), "counts")) {
        const int32_t *count = (const int32_t *)counts.buf;
        for (Py_ssize_t i = 0; i < n; i++) total += count[i] > 0 ? count[i] : 0;
        if (check_buffer(&kinds, total, sizeof(int32_t), "kinds") && check_buffer(&closes, total, 1, "closes")
            && check_buffer(&points, 2 * total, sizeof(float), "points")) {
            const uint64_t *object = (const uint64_t *)objects.buf;
            int32_t *kind = (int32_t *)kinds.buf;
            uint8_t *close = (uint8_t *)closes.buf;
            float *point = (float *)points.buf;
            Py_ssize_t k = 0;
            for (Py_ssize_t i = 0; i < n; i++) {
                void *path = (void *)(uintptr_t)object[i];
                for (int j = 0; j < count[i]; j++, k++) {
                    void *segment = pdfium.path_segment(path, j);
                    kind[k] = pdfium.segment_type(segment);
                    close[k] = pdfium.segment_close(segment) != 0;
                    if (!pdfium.segment_point(segment, &point[2 * k], &point[2 * k + 1])) point[2 * k] = point[2 * k + 1] = 0;
                }
            }
            result = Py_NewRef(Py_None);
        }
    }
    PyBuffer_Release(&objects);
    PyBuffer_Release(&counts);
    PyBuffer_Release(&kinds);
    PyBuffer_Release(&closes);
    PyBuffer_Release(&points);
    return result;
}

static PyMethodDef methods[] = {
    {"bind", bind, METH_VARARGS, "bind(addresses): PDFium's functions, in the order of FUNCTIONS."},
    {"chars", chars, METH_VARARGS,
     "chars(textpage, count, boxes, objects, generated, scales, rotated) -> characters mapped to no Unicode."},
    {"page_objects", page_objects, METH_VARARGS, "page_objects(page, count, objects, types): the page's objects and their kinds."},
    {"object_types", object_types, METH_VARARGS, "object_types(objects, types): each page object's kind."},
    {"paths", paths, METH_VARARGS, "paths(objects, modes, matrices, counts): each path's draw mode, matrix, segment count."},
    {"segments", segments, METH_VARARGS, "segments(objects, counts, kinds, closes, points): every path's segments."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_pdfium_loops",
    "The PDF reader's per-character and per-segment questions to PDFium, asked in C.", -1, methods,
};

PyMODINIT_FUNC PyInit__pdfium_loops(void) {
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    PyObject *names = PyTuple_New(N_FUNCTIONS);
    if (names == NULL) {
        Py_DECREF(m);
        return NULL;
    }
    for (size_t i = 0; i < N_FUNCTIONS; i++) PyTuple_SET_ITEM(names, i, PyUnicode_FromString(function_names[i]));
    if (PyModule_AddObject(m, "FUNCTIONS", names) < 0) {
        Py_DECREF(names);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
