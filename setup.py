"""The compiled parts of govdata: the PDF reader's loops (govdata/formats/_pdfium_loops.c: questions
to PDFium per character and path segment; _lattice.c: the sequential steps of the ruled-table
finder; _words.c: pdfplumber's word grouping).

Everything else is declared in pyproject.toml. Both extensions are optional: where no C compiler
or Python headers are present the install goes on without them, and the reader runs the same
steps in Python, with the same results, slower (docs/benchmarks.md).
"""

from setuptools import Extension, setup

# Floating-point contraction (a*b+c as one fused operation) would change the last bit of
# numbers that must equal pdfplumber's.
_FLAGS = ["-ffp-contract=off"]

_HEADERS = ["govdata/formats/_buffers.h"]

setup(ext_modules=[
    Extension("govdata.formats._pdfium_loops", ["govdata/formats/_pdfium_loops.c"], depends=_HEADERS, optional=True),
    Extension("govdata.formats._lattice", ["govdata/formats/_lattice.c"], depends=_HEADERS, extra_compile_args=_FLAGS,
              optional=True),
    Extension("govdata.formats._words", ["govdata/formats/_words.c"], depends=_HEADERS, extra_compile_args=_FLAGS,
              optional=True),
])
