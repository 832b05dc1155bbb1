"""Read stage: raw bytes of any published format -> decoded, line-numbered text (a :class:`Document`).

Why a separate stage: every later stage points back to the source by line number, so the
line numbering is fixed here, once. Plain text keeps its lines exactly as published. HTML
pages, Word files and PDFs are rendered by :mod:`govdata.formats` into the same kind of
lines (paragraphs as lines, each table row as one line of tab-separated cells with merged
cells expanded), so the parser reads every format through one model. ``Document.locators``
then says where each rendered line stands in the original file (docs/formats.md).

The format is told from the content, not the file name, and the text encoding is detected
(UTF-8, UTF-8 with BOM, GB18030/GBK, Big5); both are recorded on the document.

Matching happens on a normalized copy (:func:`govdata.normalize.normalize_text`); the
original lines are kept so a reader can go back to what was printed.

Example:
    >>> doc = read_document(text="标题\\n第二行")
    >>> doc.lines[1], doc.line_count, doc.format
    ('第二行', 2, 'text')
    >>> doc = read_document(raw="<p>标题</p><table><tr><td>自然人</td><td>3</td></tr></table><p>完</p>".encode())
    >>> doc.lines, doc.format, doc.locate(2)
    (('标题', '自然人\\t3', '完'), 'html', 'HTML line 1, table 1 row 1')
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from govdata import formats
from govdata.formats.errors import ReadError
from govdata.formats.limits import MAX_REPORT_BYTES, ResourceLimitError
from govdata.formats.text import decode_text, split_lines
from govdata.normalize import has_glosses, is_traditional, normalize_text, reading_text

__all__ = ["Document", "ReadError", "decode_bytes", "display_path", "read_document", "read_report_bytes"]


@dataclass(frozen=True)
class Document:
    """A report's decoded text, split into lines, with the identity of its raw bytes.

    ``lines[i]`` is line ``i + 1`` of the report (line numbers in frames are 1-based).
    ``norm_lines`` holds the same lines in their *reading form*, the one every stage matches
    on (:func:`govdata.normalize.reading_text`): NFKC and friends, pinyin glosses dropped,
    Traditional characters read as Simplified. Line numbers are the same in both.
    ``format`` is how the report was published: ``text``, ``html``, ``docx`` or ``pdf``
    (legacy .doc/.wps/.rtf are read through a converted .docx and say ``docx``).
    ``locators[i]`` says where line ``i + 1`` stands in the original file for formats that
    are rendered ("HTML line 120, table 2 row 5", "table 1 row 3", "page 3 line 7"); it is
    empty for plain text, where the line number itself is the place.
    """

    source: str
    report_id: str
    sha256: str
    encoding: str
    lines: tuple[str, ...]
    norm_lines: tuple[str, ...] = field(repr=False)
    format: str = "text"
    locators: tuple[str, ...] = field(default=(), repr=False)
    is_traditional: bool = False  # printed in Traditional characters: norm_lines read them as Simplified
    has_glosses: bool = False  # pinyin glosses (報(bào)告) that norm_lines leave out
    # False for text that stops without a final line break, as a web store's page excerpt cut
    # at a byte count does: its last number may be cut too (parse.complete_cells)
    ends_with_newline: bool = True

    @property
    def line_count(self) -> int:
        return len(self.lines)

    def text(self, line: int) -> str:
        """The original text of 1-based ``line``."""
        return self.lines[line - 1]

    def locate(self, line: int) -> str:
        """Where 1-based ``line`` stands in the original file, in words a person can follow."""
        if self.locators and 1 <= line <= len(self.locators):
            return self.locators[line - 1]
        return f"line {line}"




def display_path(path: Path) -> str:
    """The path as given, relative to the working directory where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def decode_bytes(raw: bytes, source: str) -> tuple[str, str]:
    """Decode text report bytes; returns (text, encoding). Raises ReadError for non-text input."""
    return decode_text(raw, source)


def read_document(path: str | os.PathLike | None = None, *, text: str | None = None, raw: bytes | None = None,
                  source: str | None = None) -> Document:
    """Read one report from a path, from raw bytes, or from already decoded text.

    Paths and raw bytes may hold any supported format (text, HTML, DOCX, PDF, and .doc/.wps
    when LibreOffice is installed); decoded ``text`` may be plain text or an HTML page. The
    report_id is derived from the raw bytes (UTF-8 bytes of ``text`` when only text is
    given), so the same file always gets the same id.
    """
    if path is not None:
        source = source or display_path(Path(path))
        raw = _read_file(Path(path), source)
    if raw is not None:
        source = source or "<bytes>"
        rendering = formats.render(raw, source)
    elif text is not None:
        source = source or "<text>"
        raw = text.encode("utf-8")
        rendering = _render_text(text, source)
    else:
        raise ValueError("read_document needs a path, raw bytes or text")
    return _document(source, raw, rendering)


def _read_file(path: Path, source: str) -> bytes:
    return read_report_bytes(path, source)


_READ_CHUNK = 1 << 20
_FILE_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISSOCK, "a socket"))


def read_report_bytes(path: str | os.PathLike, source: str | None = None) -> bytes:
    """The bytes of a report file, read safely; raises ReadError naming ``source`` (default: the path).

    Only regular files are read: a FIFO would block the reader until someone writes to it and a
    device such as /dev/zero never ends, so both are refused with what they are. The file is
    opened without blocking and checked on the open descriptor (no race with a rename), and the
    size limit MAX_REPORT_BYTES (govdata.formats.limits) is counted on the bytes actually read,
    never on the size the file system states (0 for /proc files and devices).
    """
    source = source or display_path(Path(path))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError as exc:
        raise ReadError(source, "is a directory, not a report") from exc
    except OSError as exc:
        raise ReadError(source, f"cannot open: {exc.strerror or exc}") from exc
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise ReadError(source, "is a directory, not a report")
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")
            raise ReadError(source, f"is {kind}, not a file: refused (only regular files are read)")
        chunks: list[bytes] = []
        n_read = 0
        while chunk := os.read(fd, min(_READ_CHUNK, MAX_REPORT_BYTES + 1 - n_read)):
            chunks.append(chunk)
            n_read += len(chunk)
            if n_read > MAX_REPORT_BYTES:
                raise ReadError(source, f"file too large for a report: more than {MAX_REPORT_BYTES:,} bytes read, over the "
                                        "limit MAX_REPORT_BYTES (govdata.formats.limits)")
        return b"".join(chunks)
    except OSError as exc:
        raise ReadError(source, f"cannot read: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)


def _render_text(text: str, source: str) -> formats.Rendering:
    """Already decoded text: an HTML page is rendered, anything else is taken line by line."""
    if formats.looks_like_html(text):
        from govdata.formats.html import render_html

        try:
            return render_html(text, encoding="utf-8")
        except ResourceLimitError as exc:
            raise ReadError(source, exc.reason) from exc
    return formats.Rendering(lines=split_lines(text), encoding="utf-8", format="text")


def _document(source: str, raw: bytes, rendering: formats.Rendering) -> Document:
    lines = tuple(rendering.lines)
    if not any(line.strip() for line in lines):
        what = "no text to parse" if rendering.format == "text" else f"no text found in the {rendering.format} file"
        raise ReadError(source, f"empty file: {what}" if not raw.strip() else what)
    sha = hashlib.sha256(raw).hexdigest()
    normalized = normalize_text("\n".join(lines))
    traditional, glosses = is_traditional(normalized), has_glosses(normalized)
    reading = reading_text(normalized, traditional=traditional, glosses=glosses)
    return Document(
        source=source,
        report_id=sha[:16],
        sha256=sha,
        encoding=rendering.encoding,
        lines=lines,
        norm_lines=tuple(reading.split("\n")),
        format=rendering.format,
        locators=tuple(rendering.locators),
        is_traditional=traditional,
        has_glosses=glosses,
        ends_with_newline=rendering.format != "text" or raw.rstrip(b" \t").endswith((b"\n", b"\r")),
    )
