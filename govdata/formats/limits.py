"""Resource limits of the readers: what one file may cost before it is refused, with the reason.

Why: a small file can ask for unbounded work. A 124 KB page with ``rowspan=0 colspan=100000``
cells asked for 10 GB, a 348 KB .docx zip bomb for 2.6 GB, 300 unclosed ``<font>`` tags made
libxml2 stop reading a page without a word (issue 15). Every reader checks the limits below
*before* it spends the memory, and a file past one is a :class:`~govdata.read.ReadError` that
names the limit and its value, so a batch lists it and goes on. No limit truncates: a file is
read whole or refused. docs/formats.md lists them; real reports stay far below each one.
"""

from __future__ import annotations

# Read stage (govdata/read.py): a report is tens of KB as text, a few MB as PDF with images.
# Counted on the bytes actually read, never on the size the file system states (/dev/zero,
# /proc files and FIFOs state 0).
MAX_REPORT_BYTES = 64 * 1024 * 1024

# HTML: elements nested deeper than this (html > body > … counted from 1). Real pages nest
# 15-40 deep; libxml2 itself stops reading silently at 256 unless told otherwise, and
# govdata's walk over the tree is recursive.
MAX_HTML_DEPTH = 256

# One merged cell's rowspan/colspan (junk such as colspan="100000" is a typo or a trick).
MAX_SPAN = 500

# Grid cells (rows x columns once merged cells are laid out) of all tables of one document.
# A report's three tables have about 600; a page with a large data table a few 10^4.
MAX_GRID_CELLS = 500_000

# Zip archives (.docx, and .xlsx/.odt that are refused after a look at their members): at most
# this many members and this many bytes once decompressed, as the archive's directory states
# them (Python's zipfile never inflates a member past its stated size).
MAX_ZIP_MEMBERS = 5_000
MAX_ZIP_UNCOMPRESSED_BYTES = 256 * 1024 * 1024

# PDF: pages, and bytes of its Flate-compressed streams once decompressed (checked before
# pdfminer inflates them, which it does without a limit).
MAX_PDF_PAGES = 500
MAX_PDF_DECOMPRESSED_BYTES = 512 * 1024 * 1024


class ResourceLimitError(Exception):
    """A file asks for more than a reader's limit; ``reason`` names the limit and its value."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def exceeded(what: str, limit_name: str, limit: int) -> ResourceLimitError:
    """The error for a file past ``limit_name``, in the words every reader uses.

    Example:
        >>> str(exceeded("HTML nested 305 levels deep", "MAX_HTML_DEPTH", 256))
        'HTML nested 305 levels deep: over the limit MAX_HTML_DEPTH = 256 (govdata.formats.limits); not read'
    """
    return ResourceLimitError(f"{what}: over the limit {limit_name} = {limit:,} (govdata.formats.limits); not read")
