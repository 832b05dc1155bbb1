"""Where a number comes from: the printed line of the report it was read from, quoted.

Why: a briefing's reader holds only the HTML. "19 / 243 件，来源：表三" cannot be checked;
"第110行：（七）总计 243 …" can, with the report in the other hand. Every parsed value keeps
``report_id`` and ``line`` (docs/schema.md); this module goes back to the report file and
returns the text of those lines as the reader of the report sees them.

How the file is found: ``reports.source`` is the path the ingest was given (relative to the
working directory it ran in), so it is tried as it is, under the project root
(:func:`govdata.paths.project_root`) and under the raw folder; the store's index of files
(``store.read_files_index``) maps a report id to its source when a data directory is given.
A file is quoted only when its sha256 still starts with the ``report_id`` (the id *is* the
hash of the raw bytes): a report edited or replaced since the ingest is never quoted as if
it were the one the numbers came from. Lines are read through :func:`govdata.read.read_document`,
so an HTML page, a Word file or a PDF gives the same numbered lines the parser read.

Quoted text comes from a report and is untrusted: callers escape it (``sections.esc``).

Example:
    >>> quoter = Quoter()                                                          # doctest: +SKIP
    >>> quoter.lines({"report_id": "000f1ea699ab4fca", "source": "data/raw/2023_jinjiang-city.txt"}, [110])  # doctest: +SKIP
    {110: Quote(line=110, text='（七）总计 227 …', locator='')}
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govdata import paths

MAX_QUOTE_CHARS = 160
"""Longest quoted line; the rest is cut with … (a line of prose can be a whole paragraph)."""


@dataclass(frozen=True)
class Quote:
    """One quoted line: its number, its printed text (cut to :data:`MAX_QUOTE_CHARS`), and where it stands."""

    line: int
    text: str
    locator: str = ""  # where the line stands in a rendered file ("HTML line 120, table 2 row 5"); "" for plain text

    @property
    def where(self) -> str:
        return f"第{self.line}行"


@dataclass
class Quoter:
    """Reads report files once each and quotes their lines; ``data_dir`` adds the store's file index."""

    data_dir: str | os.PathLike | None = None
    _documents: dict[str, Any] = field(default_factory=dict, repr=False)
    _index: dict[str, str] | None = field(default=None, repr=False)

    def _indexed_sources(self) -> dict[str, str]:
        if self._index is None:
            self._index = {}
            if self.data_dir is not None:
                from govdata import store

                try:
                    files, _settings = store.read_files_index(store.resolve_data_dir(self.data_dir))
                except (OSError, ValueError):
                    files = None
                if files is not None:
                    self._index = {rid: src for src, rid in files.select("source", "report_id").iter_rows() if rid}
        return self._index

    def candidates(self, report: Mapping[str, Any]) -> list[Path]:
        """Paths the report's file may be at, most likely first."""
        sources = [report.get("source"), self._indexed_sources().get(report.get("report_id") or "")]
        out: list[Path] = []
        for source in dict.fromkeys(s for s in sources if s):
            path = Path(source)
            bases = [Path.cwd(), paths.project_root()] if not path.is_absolute() else [Path("/")]
            for base in bases:
                candidate = base / path
                if candidate not in out:
                    out.append(candidate)
        return out

    def document(self, report: Mapping[str, Any]):
        """The report's :class:`govdata.read.Document`, or None when its file is not here (or changed since)."""
        report_id = report.get("report_id") or ""
        if report_id in self._documents:
            return self._documents[report_id]
        from govdata.read import ReadError, read_document

        found = None
        for path in self.candidates(report):
            try:
                raw = path.read_bytes()
            except OSError:
                continue
            if report_id and not hashlib.sha256(raw).hexdigest().startswith(report_id):
                continue  # another file now stands at that path
            try:
                found = read_document(raw=raw, source=str(report.get("source") or path))
            except ReadError:
                found = None
            break
        self._documents[report_id] = found
        return found

    def lines(self, report: Mapping[str, Any], lines: Iterable[int | None]) -> dict[int, Quote]:
        """``line -> Quote`` for the lines that exist in the report's file (none when the file is not here)."""
        doc = self.document(report)
        if doc is None:
            return {}
        out: dict[int, Quote] = {}
        for line in sorted({int(n) for n in lines if n is not None}):
            if 1 <= line <= doc.line_count:
                text = " ".join(doc.text(line).split())
                if len(text) > MAX_QUOTE_CHARS:
                    text = text[: MAX_QUOTE_CHARS - 1] + "…"
                where = doc.locate(line)
                out[line] = Quote(line, text, "" if where == f"line {line}" else where)
        return out

    def is_available(self, report: Mapping[str, Any]) -> bool:
        return self.document(report) is not None
