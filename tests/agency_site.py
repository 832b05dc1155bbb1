"""A loopback copy of an agency's 年报 column: ../shared/real/pingtan served on 127.0.0.1 as its site did.

Why: `govdata fetch` must be tested against what real sites do without any test touching the
internet. :class:`AgencySite` serves, from an in-process thread on 127.0.0.1 only:

- the column's list page, built from the folder's SOURCES.csv (ten titles a page, 下一页 to the
  next, as the real site pages its list), with site navigation around it;
- every report page (page.html) at its original path, with ETag and Last-Modified, answering
  conditional requests with 304 (``validators=False`` serves neither);
- awkward answers: a 404, a slow page, a redirect from an old path, the 2019 page re-encoded to
  GB18030, a page whose server fails twice with 503, a path robots.txt forbids, and a page that
  only wraps its report: the 2019 report as a .docx attachment, built from the page's text.

Nothing of ../shared/real is copied into the repository: every answer is built from the folder
when a test runs, and tests skip (naming the folder) when it is absent.
"""

from __future__ import annotations

import csv
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT

PINGTAN = ROOT.parent / "shared" / "real" / "pingtan"
COLUMN = "/zwgk/zfxxgk/zfxxgknb/"
LAST_MODIFIED = "Mon, 10 Mar 2025 08:00:00 GMT"
CHANGED_MODIFIED = "Tue, 11 Mar 2025 08:00:00 GMT"  # when a test changed a page
ROBOTS = "User-agent: *\nDisallow: /private/\n"
PER_LIST_PAGE = 10
# How SOURCES.csv names the 实验区 itself (its other names are other agencies: 平潭县人民政府, the 地方税务局).
ZONE_NAMES = ("平潭综合实验区", "平潭综合实验区管委会")


def require_pingtan() -> Path:
    """The real 平潭 folder, or a skip that names it."""
    if not (PINGTAN / "SOURCES.csv").is_file():
        pytest.skip(f"needs the real 平潭 pages in {PINGTAN} (../shared/real/pingtan from the repository root)")
    return PINGTAN


@dataclass(frozen=True)
class Entry:
    """One row of the folder's SOURCES.csv: a document of the column."""

    folder: str
    url: str
    title: str
    agency: str
    year: int
    is_annual_report: bool

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    def page(self) -> bytes:
        return (PINGTAN / self.folder / "page.html").read_bytes()


def entries() -> list[Entry]:
    with (require_pingtan() / "SOURCES.csv").open(encoding="utf-8", newline="") as handle:
        return [Entry(row["folder"], row["url"], row["title"], row["agency"], int(row["year"]), row["is_annual_report"] == "yes")
                for row in csv.DictReader(handle)]


@dataclass
class Hit:
    """One request the site answered."""

    path: str
    status: int
    headers: dict[str, str]
    n_bytes: int


@dataclass
class AgencySite:
    """The site's state; tests flip ``validators``, ``slow_seconds`` and ``changed`` and read ``hits``."""

    validators: bool = True
    slow_seconds: float = 0.5
    flaky_failures: int = 2
    changed: dict[str, bytes] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    base: str = ""

    def __post_init__(self) -> None:
        self.entries = entries()
        self._by_path = {entry.path: entry for entry in self.entries}
        self._lock = threading.Lock()
        self._flaky_seen = 0

    # -- addresses
    def url(self, path: str) -> str:
        return self.base + path

    @property
    def index_url(self) -> str:
        return self.url(COLUMN)

    def entry(self, year: int) -> Entry:
        """The 实验区's own report of ``year``."""
        return next(e for e in self.entries if e.year == year and e.is_annual_report and e.agency in ZONE_NAMES)

    def served_url(self, original: str) -> str:
        """The loopback address of an original www.pingtan.gov.cn URL."""
        return self.url(urlsplit(original).path)

    def hits_to(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]

    # -- answers
    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, ROBOTS.encode()
        if path in (COLUMN, COLUMN + "index.htm") or path.startswith(COLUMN + "index_"):
            return self._list_page(path)
        if path == "/slow/report.htm":
            time.sleep(self.slow_seconds)
            return self._page(self.entry(2019).page(), headers)
        if path == "/old/report2019.htm":
            return 301, {"Location": self.entry(2019).path}, b""
        if path == "/gb/report2019.htm":
            text = self.entry(2019).page().decode("utf-8").replace('charset="utf-8"', 'charset="gb18030"', 1)
            return self._page(text.encode("gb18030"), headers, charset=None)
        if path == "/flaky/report2019.htm":
            with self._lock:
                self._flaky_seen += 1
                failing = self._flaky_seen <= self.flaky_failures
            if failing:
                return 503, {"Content-Type": "text/plain", "Retry-After": "0"}, b"busy"
            return self._page(self.entry(2019).page(), headers)
        if path == "/wrapped/report2019.htm":
            return self._page(self._wrapper(), headers)
        if path == "/files/report2019.docx":
            return self._file(self.attachment(), headers,
                              "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        if path.startswith("/private/"):
            return self._page(self.entry(2019).page(), headers)
        if path in self.changed:
            return self._page(self.changed[path], headers, modified=CHANGED_MODIFIED)
        if path in self._by_path:
            return self._page(self._by_path[path].page(), headers)
        return 404, {"Content-Type": "text/html; charset=utf-8"}, "<html><body><p>页面不存在</p></body></html>".encode()

    def _page(self, body: bytes, headers: dict[str, str], *, charset: str | None = "utf-8",
              modified: str = LAST_MODIFIED) -> tuple[int, dict[str, str], bytes]:
        content_type = "text/html" + (f"; charset={charset}" if charset else "")
        return self._file(body, headers, content_type, modified=modified)

    def _file(self, body: bytes, headers: dict[str, str], content_type: str,
              modified: str = LAST_MODIFIED) -> tuple[int, dict[str, str], bytes]:
        """200 with ETag and Last-Modified, or 304 when the request's validators match (If-None-Match
        decides when it is sent, as RFC 9110 13.2.2 says; else If-Modified-Since)."""
        if not self.validators:
            return 200, {"Content-Type": content_type}, body
        validators = {"ETag": '"' + hashlib.sha1(body).hexdigest() + '"', "Last-Modified": modified}
        if "If-None-Match" in headers:
            is_fresh = headers["If-None-Match"] == validators["ETag"]
        else:
            is_fresh = headers.get("If-Modified-Since") == modified
        if is_fresh:
            return 304, validators, b""
        return 200, {"Content-Type": content_type, **validators}, body

    def _list_page(self, path: str) -> tuple[int, dict[str, str], bytes]:
        number = int(path.removeprefix(COLUMN + "index_").removesuffix(".htm")) if "index_" in path else 0
        ordered = sorted(self.entries, key=lambda e: e.folder, reverse=True)  # newest first, as the site lists them
        chunk = ordered[number * PER_LIST_PAGE:(number + 1) * PER_LIST_PAGE]
        if not chunk:
            return 404, {"Content-Type": "text/plain"}, b"no such page"
        items = "".join(f'<li><a href=".{e.path.removeprefix(COLUMN.rstrip("/"))}" title="{escape(e.title)}" target="_blank">'
                        f"{escape(e.title)}</a><span>{e.folder[:4]}-{e.folder[4:6]}</span></li>" for e in chunk)
        more = f'<a href="index_{number + 1}.htm">下一页</a>' if (number + 1) * PER_LIST_PAGE < len(ordered) else ""
        body = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body>'
                '<nav><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/zwgk/zfxxgk/zfxxgkzn/">政府信息公开指南</a></nav>'
                f'<div class="list"><h2>政府信息公开年报</h2><ul>{items}</ul><div class="pages">{more}</div></div>'
                '<footer><a href="/zwzdb/lxwm/">联系我们</a></footer></body></html>')
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()

    def _wrapper(self) -> bytes:
        """A page that holds only the report's title and a link to the report as a Word file."""
        title = escape(self.entry(2019).title)
        return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
                f'<nav><a href="/">首页</a></nav><div class="article"><h1>{title}</h1>'
                f'<p>附件：<a href="/files/report2019.docx">{title}.docx</a></p></div></body></html>').encode()

    def attachment(self) -> bytes:
        """The .docx the wrapping page links to. Building it takes a second or more: a test calls this
        before fetching, so that the server answers from the cache instead of past a short time-out."""
        return report_as_docx(self.entry(2019).folder)


@cache
def report_as_docx(folder: str) -> bytes:
    """A report page as a .docx: the page's text, its tables as Word tables (built once per test run)."""
    from govdata.read import read_document
    from tests.formats_fixtures import seed_blocks, to_docx

    return to_docx(seed_blocks("\n".join(read_document(PINGTAN / folder / "page.html").lines)))


class _Handler(BaseHTTPRequestHandler):
    site: AgencySite

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        status, headers, body = self.site.answer(path, dict(self.headers.items()))
        self.site.hits.append(Hit(path, status, dict(self.headers.items()), len(body)))
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a time-out test)
            pass

    def log_message(self, format, *args) -> None:
        pass


@contextmanager
def serving(site: AgencySite) -> Iterator[AgencySite]:
    """Run ``site`` on 127.0.0.1 (an ephemeral port) in a daemon thread, with ``base`` set, until the block ends."""
    handler = type("Handler", (_Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="agency-site", daemon=True)
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
