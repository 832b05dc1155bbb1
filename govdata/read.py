"""Read stage: raw bytes -> decoded, line-numbered text (a :class:`Document`).

Why a separate stage: every later stage points back to the source by line number, so the
line numbering is fixed here, once, on the decoded text exactly as published. Matching
happens on a normalized copy (:func:`govdata.normalize.normalize_text`); the original lines
are kept so a reader can go back to what was printed.

Example:
    >>> doc = read_document(text="标题\\n第二行")
    >>> doc.lines[1], doc.line_count
    ('第二行', 2)
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from govdata.normalize import normalize_text


class ReadError(Exception):
    """The file could not be read as a report at all (missing, binary, undecodable)."""

    def __init__(self, source: str, reason: str, line: int | None = None):
        self.source = source
        self.reason = reason
        self.line = line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Document:
    """A report's decoded text, split into lines, with the identity of its raw bytes.

    ``lines[i]`` is line ``i + 1`` of the report (line numbers in frames are 1-based).
    ``norm_lines`` holds the same lines normalized for matching (NFKC and friends).
    """

    source: str
    report_id: str
    sha256: str
    encoding: str
    lines: tuple[str, ...]
    norm_lines: tuple[str, ...] = field(repr=False)
    format: str = "text"

    @property
    def line_count(self) -> int:
        return len(self.lines)

    def text(self, line: int) -> str:
        """The original text of 1-based ``line``."""
        return self.lines[line - 1]


# Encodings tried in order for reports that are not valid UTF-8. GB18030 is a superset of
# GBK and GB2312, the encodings of older Chinese government web pages.
_FALLBACK_ENCODINGS = ("gb18030", "big5")
_MAX_REPORT_BYTES = 64 * 1024 * 1024


def display_path(path: Path) -> str:
    """The path as given, relative to the working directory where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def decode_bytes(raw: bytes, source: str) -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding). Raises ReadError for non-text input."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if b"\x00" in raw[:4096]:
        raise ReadError(source, "binary file (NUL bytes): not a text report")
    for encoding in _FALLBACK_ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_chinese_text(text):
            return text, encoding
    line = raw[: utf8_error.start].count(b"\n") + 1
    raise ReadError(source, f"cannot decode as UTF-8 or GB18030 (first bad byte at offset {utf8_error.start})", line)


def _looks_like_chinese_text(text: str) -> bool:
    """A decode that yields mostly CJK or ASCII text is taken; mojibake rarely does."""
    sample = text[:20000]
    if not sample:
        return True
    good = sum(1 for ch in sample if ch.isascii() or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")
    return good / len(sample) > 0.9


def read_document(path: str | os.PathLike | None = None, *, text: str | None = None, raw: bytes | None = None,
                  source: str | None = None) -> Document:
    """Read one report from a path, from raw bytes, or from already decoded text.

    The report_id is derived from the raw bytes (UTF-8 bytes of ``text`` when only text is
    given), so the same file always gets the same id.
    """
    encoding = "utf-8"
    if path is not None:
        p = Path(path)
        source = source or display_path(p)
        try:
            size = p.stat().st_size
        except OSError as exc:
            raise ReadError(source, f"cannot open: {exc.strerror or exc}") from exc
        if p.is_dir():
            raise ReadError(source, "is a directory, not a report")
        if size > _MAX_REPORT_BYTES:
            raise ReadError(source, f"file too large for a report ({size} bytes)")
        raw = p.read_bytes()
    if raw is not None:
        source = source or "<bytes>"
        text, encoding = decode_bytes(raw, source)
    elif text is not None:
        source = source or "<text>"
        raw = text.encode("utf-8")
    else:
        raise ValueError("read_document needs a path, raw bytes or text")
    if not text.strip():
        raise ReadError(source, "empty file: no text to parse")
    sha = hashlib.sha256(raw).hexdigest()
    lines = tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    if len(lines) > 1 and lines[-1] == "":
        lines = lines[:-1]
    return Document(
        source=source,
        report_id=sha[:16],
        sha256=sha,
        encoding=encoding,
        lines=lines,
        norm_lines=tuple(normalize_text("\n".join(lines)).split("\n")),
    )
