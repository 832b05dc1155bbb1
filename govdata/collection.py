"""A collection: raw files exactly as an agency's site served them, and the manifest that says where each came from.

Why a module of its own: `govdata fetch` writes a collection and `govdata ingest` reads it,
and both must agree on the manifest's columns and on which files are reports. Raw is
immutable (docs/collecting.md): a file is written once, under a name made only of the
agency's id, the statistics year and the first 12 hex digits of the sha256 of its bytes, and is
never written again; a newer version of the same URL is a new file, and the manifest marks the
older one as no longer current. Names never come from a URL or a page's text (both are
untrusted), only from :func:`stored_name`'s safe slug.

Layout of ``data/raw/<collection>/``::

    manifest.csv                              one row per (url, file): MANIFEST_COLUMNS
    2019_pingtan-zone_1f2e3d4c5b6a.html       a report page
    2019_pingtan-zone_9a8b7c6d5e4f.pdf        its attachment (role=attachment, page_file=the page)

What ingest reads: every current file that is not an attachment. A page's attachments are read
through the page: when the page itself holds no tables, ingest parses its attachment instead
(govdata.pipeline).

Example:
    >>> stored_name("pingtan_zone", 2019, "1f2e3d4c5b6a" + "0" * 52, ".html")
    '2019_pingtan-zone_1f2e3d4c5b6a.html'
    >>> stored_name("../../etc/passwd", None, "ab" * 32, ".html")
    'undated_etc-passwd_abababababab.html'
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from govdata import system
from govdata.formats.sniff import sniff_format

MANIFEST_NAME = "manifest.csv"
# file .. year: as data/raw/manifest.csv; role: page (a web page, which may wrap attachments),
# attachment (a file linked from a page; page_file names the page), document (a URL that is the
# report file itself); url .. last_modified: the HTTP exchange; is_current: false once a newer
# version of the same URL was stored.
MANIFEST_COLUMNS = ("file", "sha256", "bytes", "agency", "agency_id", "year", "role", "page_file", "url", "final_url",
                    "retrieved_at", "http_status", "content_type", "encoding", "etag", "last_modified", "title", "is_current", "note")
ROLES = ("page", "attachment", "document")

_SLUG_CHARS = re.compile(r"[^a-z0-9]+")
_MAX_SLUG = 40
_HASH_CHARS = 12
# The extension says what the bytes are (sniffed), never what the URL claims, except among formats
# the bytes cannot tell apart: an OLE2 file is a .doc, .wps or .xls; a zip a .xlsx or anything else.
_SUFFIX_BY_FORMAT = {"html": ".html", "pdf": ".pdf", "docx": ".docx", "rtf": ".rtf", "text": ".txt"}
_OLE_SUFFIXES = (".doc", ".wps", ".xls", ".et", ".dps", ".ppt")
_ZIP_SUFFIXES = (".xlsx", ".pptx", ".odt", ".ods", ".zip")


class StoreError(OSError):
    """A file could not be stored without overwriting a different one."""


def safe_slug(text: str | None) -> str:
    """Lower-case ASCII letters and digits joined by single hyphens; ``unknown-agency`` when none is left."""
    slug = _SLUG_CHARS.sub("-", (text or "").lower()).strip("-")[:_MAX_SLUG].strip("-")
    return slug or "unknown-agency"


def stored_name(agency_id: str | None, year: int | str | None, sha256: str, suffix: str) -> str:
    """``<year>_<agency slug>_<12 hex of sha256><suffix>``, built only from safe characters."""
    try:
        year_part = str(int(year)) if year not in (None, "") and 1949 <= int(year) <= 2100 else "undated"
    except (TypeError, ValueError):
        year_part = "undated"
    digest = sha256.lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    if suffix not in {*_SUFFIX_BY_FORMAT.values(), *_OLE_SUFFIXES, *_ZIP_SUFFIXES, ".bin"}:
        raise ValueError(f"unexpected suffix {suffix!r}")
    return f"{year_part}_{safe_slug(agency_id)}_{digest[:_HASH_CHARS]}{suffix}"


def suffix_for(data: bytes, url: str = "") -> str:
    """The extension of stored bytes: sniffed from the content; the URL only picks among look-alikes.

    Example:
        >>> suffix_for(b"%PDF-1.4 ...", "https://example.gov.cn/a.doc"), suffix_for(b"<html><p>x</p></html>", "x.pdf")
        ('.pdf', '.html')
    """
    kind = sniff_format(data)
    url_suffix = os.path.splitext(urlsplit(url).path)[1].lower()
    if kind == "ole":
        return url_suffix if url_suffix in _OLE_SUFFIXES else ".doc"
    if kind == "zip":
        return url_suffix if url_suffix in _ZIP_SUFFIXES else ".zip"
    return _SUFFIX_BY_FORMAT.get(kind, ".bin")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store_file(directory: Path, name: str, data: bytes) -> Path:
    """Write ``data`` as ``directory/name``, never over an existing file; read-only once written.

    The bytes go to a temporary file first, which is then hard-linked to its name: the link
    fails when the name exists, so two runs can never overwrite each other and a half-written
    file never carries a report's name. A name that exists with the same bytes is fine (the
    name holds the hash, so this is the same file); with other bytes it is a :class:`StoreError`.
    """
    if Path(name).name != name or name.startswith("."):
        raise ValueError(f"not a plain file name: {name!r}")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    if target.exists():
        return _same_or_error(target, data)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".fetch-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o444)
        try:
            os.link(tmp, target)
        except FileExistsError:
            return _same_or_error(target, data)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def _same_or_error(target: Path, data: bytes) -> Path:
    if sha256_hex(target.read_bytes()) != sha256_hex(data):
        raise StoreError(f"{target} exists with other bytes than its name says; left as it is, nothing overwritten")
    return target


# --- the manifest ---------------------------------------------------------------------------


def manifest_path(directory: Path) -> Path:
    return Path(directory) / MANIFEST_NAME


def read_manifest(directory: Path) -> list[dict[str, str]]:
    """The rows of ``directory/manifest.csv`` (every column of MANIFEST_COLUMNS, "" when absent); [] without one."""
    path = manifest_path(directory)
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [{column: row.get(column) or "" for column in MANIFEST_COLUMNS} for row in csv.DictReader(handle)]


def write_manifest(directory: Path, rows: Sequence[dict[str, object]]) -> Path:
    """Replace ``directory/manifest.csv`` atomically (a temporary file renamed over it): a reader, or
    a run that is interrupted, sees the old manifest or the new one, never half of one."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MANIFEST_COLUMNS, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: _cell(row.get(column)) for column in MANIFEST_COLUMNS})
    path = manifest_path(directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".manifest-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
        system.follow_umask(tmp)  # mkstemp made it 0600
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def is_current(row: dict[str, str]) -> bool:
    return row.get("is_current", "true") != "false"


# --- what ingest reads --------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _collection_rows(manifest: str, mtime_ns: int, size: int) -> tuple[dict[str, str], ...] | None:
    """The rows of a collection manifest, or None for another kind of manifest (data/raw/manifest.csv
    has no ``role`` column). Cached by the file's mtime and size: ingest asks once per file."""
    with open(manifest, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if "role" not in (reader.fieldnames or ()) or "url" not in (reader.fieldnames or ()):
            return None
        return tuple(dict(row) for row in reader)


def collection_rows(directory: Path) -> tuple[dict[str, str], ...] | None:
    """Rows of the collection manifest in ``directory``; None when it holds no collection."""
    path = manifest_path(directory)
    try:
        stat = path.stat()
    except OSError:
        return None
    return _collection_rows(os.fspath(path), stat.st_mtime_ns, stat.st_size)


def files_to_ingest(files: Iterable[Path]) -> list[Path]:
    """``files`` without those a collection's manifest says are not read on their own: attachments
    (read through their page) and versions of a URL that a newer version replaced.

    Files in folders without a collection manifest, and files a manifest does not list, are kept.
    """
    files = list(files)
    skipped: dict[Path, set[str]] = {}
    for folder in {path.parent for path in files}:
        rows = collection_rows(folder)
        if not rows:
            continue
        current = {row["file"] for row in rows if is_current(row) and row.get("role") != "attachment"}
        skipped[folder] = {row["file"] for row in rows} - current
    return [path for path in files if path.name not in skipped.get(path.parent, ())]


def attachments_of(page: Path) -> list[Path]:
    """The current attachments the collection manifest beside ``page`` links to it, in manifest order."""
    page = Path(page)
    rows = collection_rows(page.parent) or ()
    names = [row["file"] for row in rows if row.get("role") == "attachment" and row.get("page_file") == page.name and is_current(row)]
    return [page.parent / name for name in dict.fromkeys(names) if Path(name).name == name and (page.parent / name).is_file()]
