"""Tell a report's format from its content, not its name.

Why: agencies' download links lie. A ".doc" is often an HTML page that Word saved ("Web
page" format), a ".html" can be a PDF served with the wrong name, and archives rename
files. Magic bytes decide for binary formats; markup decides for HTML. The file name only
breaks ties the content leaves open (an old .wps and an old .doc look alike).

Example:
    >>> sniff_format(b"%PDF-1.7 ..."), sniff_format(b"<!DOCTYPE html><html>"), sniff_format("一、总体情况".encode())
    ('pdf', 'html', 'text')
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from govdata.formats.limits import MAX_ZIP_MEMBERS, MAX_ZIP_UNCOMPRESSED_BYTES, exceeded

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"

# Markup that only a web page starts with, or tags that a page has many of. A plain text
# report may contain "<http://www.jinjiang.gov.cn/>" (the 2023 seed does), never these.
_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|table|div|p)\b", re.I | re.S)
_HTML_TAG = re.compile(rb"</(p|div|td|tr|table|span|body|html|li|h[1-6])\s*>|<br\s*/?>", re.I)
_MIN_HTML_TAGS = 3


def sniff_format(raw: bytes) -> str:
    """One of ``pdf``, ``docx``, ``zip`` (an archive that is not a Word file), ``ole`` (legacy
    .doc/.wps/.xls), ``rtf``, ``html`` or ``text``."""
    head = raw[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if raw.startswith(_ZIP_MAGIC):
        return "docx" if _zip_has(raw, "word/document.xml") else "zip"
    if raw.startswith(_OLE2_MAGIC):
        return "ole"
    if raw.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    return "html" if looks_like_html(raw) else "text"


def looks_like_html(data: bytes | str) -> bool:
    """True for web pages: markup at the start, or several closing tags in the first 64 KB.

    Text whose tables are tab-separated stays text even with a few tags in it (a copy from
    a web page that kept some ``<br>``): read as HTML, its tabs would be lost.
    """
    sample = data[:65536]
    if isinstance(sample, str):
        sample = sample.encode("utf-8", errors="replace")
    sample = sample.removeprefix(b"\xef\xbb\xbf")
    if _HTML_START.match(sample):
        return True
    n_tags = len(_HTML_TAG.findall(sample))
    if n_tags < _MIN_HTML_TAGS:  # plain text: no need to count its tabbed lines
        return False
    n_tabbed_lines = sum(1 for line in sample.split(b"\n") if line.count(b"\t") >= 2)
    return n_tags >= _MIN_HTML_TAGS and n_tags > n_tabbed_lines


def _zip_has(raw: bytes, member: str) -> bool:
    """Whether a zip archive holds ``member``; a truncated archive counts as a Word file when
    its first entry names Word's parts, so the DOCX reader can say that it is truncated (and an
    archive of more than MAX_ZIP_MEMBERS entries is not opened here: the DOCX reader refuses it)."""
    if _n_members_at_most(raw) > MAX_ZIP_MEMBERS:
        return b"word/" in raw[:4096] or b"[Content_Types].xml" in raw[:4096]
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return b"word/" in raw[:4096] or b"[Content_Types].xml" in raw[:4096]


_CENTRAL_DIRECTORY_ENTRY = b"PK\x01\x02"
_INFLATE_CHUNK = 1 << 20


def _n_members_at_most(raw: bytes) -> int:
    """An upper bound of a zip's entries, without building them (zipfile makes an object per entry)."""
    return raw.count(_CENTRAL_DIRECTORY_ENTRY)


def check_zip(raw: bytes) -> None:
    """Raise ResourceLimitError for an archive past MAX_ZIP_MEMBERS or MAX_ZIP_UNCOMPRESSED_BYTES.

    The sizes an archive states can lie, and zipfile inflates a member read whole in one call
    before it cuts it to the stated size; so every member is inflated here in 1 MB pieces and
    counted, stopping as soon as the total passes the limit (memory stays at one piece). A
    damaged archive passes: its reader says that it is damaged.
    """
    if _n_members_at_most(raw) > MAX_ZIP_MEMBERS:
        raise exceeded(f"zip archive with more than {MAX_ZIP_MEMBERS:,} entries", "MAX_ZIP_MEMBERS", MAX_ZIP_MEMBERS)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                raise exceeded(f"zip archive with {len(infos):,} entries", "MAX_ZIP_MEMBERS", MAX_ZIP_MEMBERS)
            stated = sum(info.file_size for info in infos)
            if stated > MAX_ZIP_UNCOMPRESSED_BYTES:
                raise _too_big(stated)
            total = 0
            for info in infos:
                with archive.open(info) as member:
                    while piece := member.read(_INFLATE_CHUNK):
                        total += len(piece)
                        if total > MAX_ZIP_UNCOMPRESSED_BYTES:
                            raise _too_big(total, at_least=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, OSError, ValueError, EOFError,
            RuntimeError):
        return  # damaged, encrypted or of an unknown compression: render_docx names it


def _too_big(n_bytes: int, *, at_least: bool = False):
    return exceeded(f"zip archive that decompresses to {'more than ' if at_least else ''}{n_bytes:,} bytes",
                    "MAX_ZIP_UNCOMPRESSED_BYTES", MAX_ZIP_UNCOMPRESSED_BYTES)
