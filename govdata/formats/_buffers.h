/* What the PDF reader's C loops share: Python's headers, and the check that a caller's buffer
 * (a numpy array) holds what a loop will write or read, so that a wrong size is a ValueError in
 * Python, never a write out of bounds. */
#ifndef GOVDATA_BUFFERS_H
#define GOVDATA_BUFFERS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

/* Whether view holds at least n items of itemsize bytes; a ValueError naming the buffer if not. */
static inline int check_buffer(Py_buffer *view, Py_ssize_t n, Py_ssize_t itemsize, const char *name) {
    if (view->len < n * itemsize) {
        PyErr_Format(PyExc_ValueError, "%s holds %zd bytes, %zd needed", name, view->len, n * itemsize);
        return 0;
    }
    return 1;
}

#endif
