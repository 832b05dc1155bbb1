"""Collect reports from agencies' websites into an immutable raw store (`govdata fetch`).

Why: a researcher's corpus starts on agencies' 政府信息公开 sites, as one page per report
(sometimes wrapping an attached PDF/DOC/DOCX) under a 年报 list page. This module downloads
them the way a careful person would, and records where every byte came from:

- politely: robots.txt is obeyed (:class:`Robots`), one host gets at most one request per
  ``delay`` seconds (longer when its robots.txt asks with Crawl-delay), and the User-Agent
  names govdata, its version and a contact (:func:`user_agent`);
- robustly: connect and read time-outs; retries with exponential back-off for time-outs,
  dropped connections and 429/5xx answers (Retry-After is honoured); a size limit; redirects
  followed one hop at a time, each hop checked against robots.txt;
- immutably: bytes are stored unchanged by :mod:`govdata.collection` under a name made of the
  agency id, year and content hash, never over an existing file, with a manifest row per file
  (url, final url, retrieved_at, HTTP status, content type, detected encoding, sha256, size);
- incrementally: a re-run sends If-None-Match/If-Modified-Since where the server gave an ETag or
  Last-Modified, and otherwise compares the sha256: what did not change is neither stored nor
  written to the manifest again.

Entry points: :func:`read_sources` + :func:`fetch_sources`, and :func:`fetch_index` for a 年报
list page (links kept by :func:`govdata.reportkind.classify_title`). One failing URL becomes a
:class:`Outcome` with its reason; the rest go on.

Example (needs a network):
    >>> run = fetch_sources(read_sources("data/sources/pingtan.csv"), "data/raw/pingtan")  # doctest: +SKIP
    >>> run.is_ok, run.count("stored")  # doctest: +SKIP
    (True, 19)
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import time
import unicodedata
import urllib.robotparser
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import requests

from govdata import __version__, collection, reportkind
from govdata.formats.errors import ReadError
from govdata.formats.sniff import sniff_format

__all__ = ["FetchError", "FetchRun", "FetchSettings", "Outcome", "Robots", "Source", "WebClient", "fetch_index", "fetch_sources",
           "printable", "read_sources", "user_agent"]

# The token robots.txt rules are matched against ("User-agent: govdata").
ROBOTS_TOKEN = "govdata"
ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".rtf")
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 10
_MAX_ATTACHMENTS_PER_PAGE = 20
# Index links whose text is shorter are navigation (首页, 下一页, 文件下载), not document titles.
_MIN_TITLE_CHARS = 8
_NEXT_PAGE_TEXTS = frozenset({"下一页", "下页", "后一页", "next", "next»", "›", "»"})


def user_agent(contact: str | None = None) -> str:
    """The User-Agent: govdata, its version, what it does, and how to reach whoever runs it.

    ``contact`` (an e-mail or URL; default $GOVDATA_CONTACT) lets a site's operator write to you
    instead of blocking you. Headers must be ASCII, so the contact is reduced to printable ASCII.

    Example:
        >>> user_agent("someone@example.org")
        'govdata/0.1.0 (collector of government information-disclosure annual reports for study; +mailto:someone@example.org)'
    """
    contact = contact if contact is not None else os.environ.get("GOVDATA_CONTACT", "")
    contact = "".join(ch for ch in contact if 32 < ord(ch) < 127 and ch not in "();")
    if contact and "@" in contact and ":" not in contact:
        contact = f"mailto:{contact}"
    tail = f"; +{contact}" if contact else ""
    return f"govdata/{__version__} (collector of government information-disclosure annual reports for study{tail})"


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how persistently to fetch. Tests shrink delays and time-outs; users rarely need to."""

    delay: float = 1.0              # seconds between two requests to one host (robots.txt Crawl-delay wins when longer)
    connect_timeout: float = 10.0   # seconds to open a connection
    read_timeout: float = 30.0      # seconds without a byte from the server
    retries: int = 3                # further attempts after a time-out, a dropped connection or a 429/5xx
    backoff: float = 2.0            # seconds before the first retry, doubled before each next one
    max_backoff: float = 60.0
    max_bytes: int = 64 * 1024 * 1024   # larger answers are not reports (govdata.read has the same limit)
    follow_attachments: bool = True
    max_index_pages: int = 50
    user_agent: str = field(default_factory=user_agent)


def printable(text: str) -> str:
    """``text`` without control characters: URLs and server answers are untrusted, and an escape
    sequence in a Location header or a link must not reach a terminal or a log as one.

    Example:
        >>> printable("http://a.gov.cn/\x1b[2Jx\u202e.htm")
        'http://a.gov.cn/[2Jx.htm'
    """
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\t").replace("\t", " ")


class FetchError(Exception):
    """A URL that could not be fetched, with the reason in words (``str(error)``), safe to print."""

    def __init__(self, url: str, reason: str):
        reason = printable(reason)
        super().__init__(reason)
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class Response:
    """One completed GET: the bytes and what the server said about them."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


class HostRateLimiter:
    """At most one request per ``delay`` seconds to each host; hosts do not wait for each other.

    Example:
        >>> clock, slept = [0.0], []
        >>> limiter = HostRateLimiter(clock=lambda: clock[0], sleep=slept.append)
        >>> limiter.wait("a.gov.cn", 1.0); limiter.wait("b.gov.cn", 1.0); limiter.wait("a.gov.cn", 1.0); slept
        [1.0]
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self._clock, self._sleep = clock, sleep
        self._next: dict[str, float] = {}

    def wait(self, host: str, delay: float) -> None:
        now = self._clock()
        due = self._next.get(host, now)
        if due > now:
            self._sleep(due - now)
            now = due
        self._next[host] = now + delay


class Robots:
    """robots.txt of every host, read once per run, matched with :mod:`urllib.robotparser`.

    A missing robots.txt (404 and other 4xx) allows everything; 401/403 forbid everything (as
    urllib.robotparser does); an unreachable one or a 5xx forbids everything too (RFC 9309,
    2.3.1.4: a crawler must assume complete disallow when robots.txt cannot be read).
    """

    def __init__(self, get: Callable[[str], Response]):
        self._get = get
        self._parsers: dict[str, tuple[urllib.robotparser.RobotFileParser, str]] = {}

    def _parser(self, url: str) -> tuple[urllib.robotparser.RobotFileParser, str]:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._parsers:
            parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
            note = ""
            try:
                response = self._get(origin + "/robots.txt")
            except FetchError as exc:
                parser.disallow_all, note = True, f"robots.txt of {origin} could not be read ({exc.reason})"
            else:
                if response.status in (401, 403):
                    parser.disallow_all, note = True, f"robots.txt of {origin} answered HTTP {response.status}"
                elif 400 <= response.status < 500:
                    parser.allow_all = True
                elif response.status >= 300:
                    parser.disallow_all, note = True, f"robots.txt of {origin} answered HTTP {response.status}"
                else:
                    parser.parse(response.content.decode("utf-8", errors="replace").splitlines())
            parser.modified()  # can_fetch() answers False for a parser it thinks was never read
            self._parsers[origin] = (parser, note)
        return self._parsers[origin]

    def check(self, url: str) -> str | None:
        """None when ``url`` may be fetched, else the reason it may not."""
        parser, note = self._parser(url)
        if parser.can_fetch(ROBOTS_TOKEN, url):
            return None
        return f"disallowed by robots.txt ({note})" if note else f"disallowed by robots.txt of {urlsplit(url).netloc}"

    def crawl_delay(self, url: str) -> float:
        parser, _ = self._parser(url)
        delay = parser.crawl_delay(ROBOTS_TOKEN)
        return float(delay) if delay else 0.0


class WebClient:
    """GET with robots.txt, a per-host delay, time-outs, retries with back-off, a size limit and
    redirects checked hop by hop. ``sleep`` and ``clock`` are injectable so tests never wait."""

    def __init__(self, settings: FetchSettings | None = None, *, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic):
        self.settings = settings or FetchSettings()
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = self.settings.user_agent
        self._sleep = sleep
        self._limiter = HostRateLimiter(clock=clock, sleep=sleep)
        self.robots = Robots(self._get_robots_txt)

    def close(self) -> None:
        self.session.close()

    def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> Response:
        """GET ``url`` (following redirects); raises :class:`FetchError` with the reason."""
        current = url
        for _ in range(_MAX_REDIRECTS + 1):
            _check_scheme(url, current)
            reason = self.robots.check(current)
            if reason:
                raise FetchError(url, reason if current == url else f"redirected to {current}, {reason}")
            response = self._get_once_with_retries(current, dict(headers or {}))
            if response.status not in _REDIRECT_STATUSES:
                return replace(response, url=url)
            location = response.headers.get("Location")
            if not location:
                raise FetchError(url, f"HTTP {response.status} redirect without a Location")
            current = urldefrag(urljoin(current, location)).url
        raise FetchError(url, f"more than {_MAX_REDIRECTS} redirects")

    def _get_robots_txt(self, url: str) -> Response:
        """robots.txt, following redirects (http -> https is common) without asking robots.txt itself."""
        for _ in range(_MAX_REDIRECTS + 1):
            _check_scheme(url, url)
            response = self._get_once_with_retries(url, {})
            location = response.headers.get("Location")
            if response.status not in _REDIRECT_STATUSES or not location:
                return response
            url = urldefrag(urljoin(url, location)).url
        raise FetchError(url, f"more than {_MAX_REDIRECTS} redirects")

    def _get_once_with_retries(self, url: str, headers: dict[str, str]) -> Response:
        settings = self.settings
        host = urlsplit(url).netloc
        last = ""
        for attempt in range(settings.retries + 1):
            delay = settings.delay
            if urlsplit(url).path != "/robots.txt":
                delay = max(delay, self.robots.crawl_delay(url))
            self._limiter.wait(host, delay)
            wait = None
            try:
                response = self._request(url, headers)
            except requests.Timeout as exc:
                last = f"timed out ({_timeout_kind(exc)} time-out {self._timeout_of(exc)} s)"
            except requests.ConnectionError as exc:
                last = f"connection failed ({_short(exc)})"
            except requests.RequestException as exc:  # an invalid URL, too many headers: retrying will not help
                raise FetchError(url, f"request failed ({_short(exc)})") from exc
            else:
                if response.status not in _RETRY_STATUSES:
                    return response
                last = f"HTTP {response.status}"
                wait = _retry_after(response.headers.get("Retry-After"))
            if attempt < settings.retries:
                backoff = settings.backoff * 2 ** attempt if wait is None else wait
                self._sleep(min(settings.max_backoff, backoff))
        tries = settings.retries + 1
        raise FetchError(url, f"{last} after {tries} attempt{'s' if tries > 1 else ''}")

    def _timeout_of(self, exc: requests.Timeout) -> float:
        return self.settings.connect_timeout if isinstance(exc, requests.ConnectTimeout) else self.settings.read_timeout

    def _request(self, url: str, headers: dict[str, str]) -> Response:
        settings = self.settings
        with self.session.get(url, headers=headers, timeout=(settings.connect_timeout, settings.read_timeout),
                              allow_redirects=False, stream=True) as answer:
            declared = answer.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > settings.max_bytes:
                raise FetchError(url, f"{declared} bytes, more than the {settings.max_bytes} a report can be")
            chunks, size = [], 0
            for chunk in answer.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > settings.max_bytes:
                    raise FetchError(url, f"more than the {settings.max_bytes} bytes a report can be")
                chunks.append(chunk)
            return Response(url, url, answer.status_code, dict(answer.headers), b"".join(chunks))


def _check_scheme(original: str, url: str) -> None:
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        what = "not an http(s) URL" if url == original else f"redirected to {url!r}, not an http(s) URL"
        raise FetchError(original, what)


def _timeout_kind(exc: requests.Timeout) -> str:
    return "connect" if isinstance(exc, requests.ConnectTimeout) else "read"


def _short(exc: Exception) -> str:
    text = str(exc)
    return (text[:160] + "…") if len(text) > 160 else text


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


# --- sources ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One URL to collect, with what is known about it before it is fetched."""

    url: str
    agency: str | None = None
    year: int | None = None
    note: str | None = None
    title: str | None = None


def read_sources(path: str | os.PathLike) -> list[Source]:
    """A SOURCES csv: a ``url`` column, optional ``agency``, ``year`` and ``note``. Rows with an empty
    url, or a url starting with ``#``, are skipped; a year that is not a number raises ValueError."""
    sources = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if "url" not in (reader.fieldnames or ()):
            raise ValueError(f"{path}: a sources file needs a 'url' column (and may have agency, year, note)")
        for line, row in enumerate(reader, start=2):
            url = (row.get("url") or "").strip()
            if not url or url.startswith("#"):
                continue
            year = (row.get("year") or "").strip()
            if year and not year.isdigit():
                raise ValueError(f"{path}:{line}: year {year!r} is not a number")
            sources.append(Source(url, (row.get("agency") or "").strip() or None, int(year) if year else None,
                                  (row.get("note") or "").strip() or None))
    return sources


# --- one run --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What happened to one URL: ``stored`` (new bytes written), ``unchanged`` (nothing new),
    ``skipped`` (not an annual report, from an index), or ``failed``; ``reason`` says why."""

    url: str
    status: str
    reason: str = ""
    file: str | None = None
    role: str = "page"

    def __str__(self) -> str:
        where = f" -> {self.file}" if self.file else ""
        return printable(f"{self.status}: {self.url}{where}" + (f": {self.reason}" if self.reason else ""))


@dataclass
class FetchRun:
    """Every outcome of a run, in order, and the manifest it updated."""

    out: Path
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    @property
    def is_ok(self) -> bool:
        return not self.failed


class _Collector:
    """Fetches into one collection folder, keeping its manifest in memory and on disk in step."""

    def __init__(self, out: Path, client: WebClient, run: FetchRun):
        self.out, self.client, self.run = out, client, run
        self.rows = collection.read_manifest(out)

    def _save(self) -> None:
        collection.write_manifest(self.out, self.rows)

    def _current(self, url: str) -> dict[str, str] | None:
        """The manifest row of the version of ``url`` stored last whose file is still there."""
        for row in reversed(self.rows):
            if row["url"] == url and collection.is_current(row) and (self.out / row["file"]).is_file():
                return row
        return None

    def fetch(self, source: Source, *, role: str = "page", page_file: str = "") -> str | None:
        """Fetch one URL (and a page's attachments); returns the file that now holds it, if any."""
        previous = self._current(source.url)
        headers = {}
        if previous and previous["etag"]:
            headers["If-None-Match"] = previous["etag"]
        if previous and previous["last_modified"]:
            headers["If-Modified-Since"] = previous["last_modified"]
        try:
            response = self.client.get(source.url, headers=headers)
            if response.status == 304 and previous:
                self._record(Outcome(source.url, "unchanged", "not modified (HTTP 304)", previous["file"], role))
                self._relink(previous, page_file)
                self._attachments_of_unchanged(source, previous)
                return previous["file"]
            if response.status != 200:
                raise FetchError(source.url, f"HTTP {response.status} {_reason_phrase(response.status)}".strip())
            if role != "attachment":  # an attachment is described by its page
                source = _described(source, response.content, response.final_url)
            file = self._store(source, response, previous, role=role, page_file=page_file)
        except FetchError as exc:
            self._record(Outcome(source.url, "failed", exc.reason, None, role))
            return None
        except (OSError, ValueError) as exc:  # the store refused (a file with the same name and other bytes, a full disk)
            self._record(Outcome(source.url, "failed", f"not stored: {exc}", None, role))
            return None
        if role != "attachment" and self.client.settings.follow_attachments and sniff_format(response.content) == "html":
            self._attachments(source, response, file)
        return file

    def _record(self, outcome: Outcome) -> None:
        self.run.outcomes.append(outcome)

    def _store(self, source: Source, response: Response, previous: dict[str, str] | None, *, role: str, page_file: str) -> str:
        data = response.content
        digest = collection.sha256_hex(data)
        validators = {"etag": response.headers.get("ETag", ""), "last_modified": response.headers.get("Last-Modified", "")}
        if previous and previous["sha256"] == digest:
            changed = any(previous[key] != value for key, value in validators.items())
            previous.update(validators)
            self._relink(previous, page_file, save=changed)
            self._record(Outcome(source.url, "unchanged", "same content (sha256)", previous["file"], role))
            return previous["file"]
        same_bytes = next((row for row in self.rows if row["sha256"] == digest and (self.out / row["file"]).is_file()), None)
        agency = _agency_id(source.agency)
        name = same_bytes["file"] if same_bytes else collection.stored_name(agency, source.year,
                                                                              digest, collection.suffix_for(data, response.final_url))
        collection.store_file(self.out, name, data)
        if previous:
            previous["is_current"] = "false"
        self.rows = [row for row in self.rows if not (row["url"] == source.url and row["file"] == name)]
        self.rows.append({
            "file": name, "sha256": digest, "bytes": str(len(data)), "agency": source.agency or "", "agency_id": agency or "",
            "year": "" if source.year is None else str(source.year), "role": role if role == "attachment" else _role(data),
            "page_file": page_file, "url": source.url, "final_url": response.final_url, "retrieved_at": _now(),
            "http_status": str(response.status), "content_type": response.content_type, "encoding": _encoding(data, response),
            **validators, "title": source.title or "", "is_current": "true", "note": source.note or "",
        })
        self._save()
        reason = "new version of a stored URL" if previous else ("same bytes as a stored file" if same_bytes else "")
        self._record(Outcome(source.url, "stored", reason, name, role))
        return name

    def _relink(self, row: dict[str, str], page_file: str, *, save: bool = False) -> None:
        """An unchanged attachment now belongs to its page's current file."""
        if page_file and row["page_file"] != page_file:
            row["page_file"], save = page_file, True
        if save:
            self._save()

    def _attachments(self, source: Source, response: Response, page_file: str) -> None:
        links = attachment_links(response.content, response.final_url)
        for link in links:
            self.fetch(Source(link, source.agency, source.year, source.note, source.title), role="attachment", page_file=page_file)
        self._retire_attachments(page_file, keep=set(links))

    def _attachments_of_unchanged(self, source: Source, page: dict[str, str]) -> None:
        if not self.client.settings.follow_attachments:
            return
        urls = [row["url"] for row in self.rows if row["role"] == "attachment" and row["page_file"] == page["file"]
                and collection.is_current(row)]
        for url in dict.fromkeys(urls):
            self.fetch(Source(url, source.agency, source.year, source.note, source.title), role="attachment", page_file=page["file"])

    def _retire_attachments(self, page_file: str, *, keep: set[str]) -> None:
        """Attachments a new version of a page no longer links to are no longer current."""
        changed = False
        for row in self.rows:
            if row["role"] == "attachment" and row["page_file"] == page_file and row["url"] not in keep and collection.is_current(row):
                row["is_current"], changed = "false", True
        if changed:
            self._save()


def _described(source: Source, data: bytes, url: str) -> Source:
    """``source`` with the agency and year its title names, where the sources file left them out."""
    if source.agency and source.year is not None:
        return source
    from govdata import formats

    try:
        lines = formats.render(data, url).lines
    except ReadError:
        return source
    kind = reportkind.classify_document(lines, has_tables=False)
    if not kind.is_annual_report or kind.year is None:
        return source
    return replace(source, agency=source.agency or kind.agency, year=source.year if source.year is not None else kind.year)


def _role(data: bytes) -> str:
    return "page" if sniff_format(data) == "html" else "document"


def _agency_id(agency: str | None) -> str | None:
    """The registry id of an agency name (deterministic ``unk_…`` for a name it does not know)."""
    if not agency:
        return None
    from govdata.metadata import resolve_agency

    return resolve_agency(agency).agency_id


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _reason_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _encoding(data: bytes, response: Response) -> str:
    """The text encoding of stored bytes, detected as govdata.read will detect it ("" for PDF, Word, …)."""
    from govdata.formats.text import decode_text

    kind = sniff_format(data)
    if kind not in ("html", "text"):
        return ""
    declared = None
    if kind == "html":
        from govdata.formats.html import declared_charset

        declared = declared_charset(data)
    if not declared and "charset=" in response.content_type.lower():
        declared = response.content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    try:
        return decode_text(data, response.final_url, declared=declared)[1]
    except ReadError:
        return "unknown"


# --- links --------------------------------------------------------------------------------------


def _anchors(html: bytes, base_url: str) -> list[tuple[str, str]]:
    """(absolute URL without fragment, title) of every http(s) link of a page outside its navigation.

    The title is the longer of the link's text and its ``title`` attribute (lists cut long titles
    short with "…" and keep the whole one in ``title``)."""
    import lxml.html

    from govdata.formats.html import parse_html

    try:
        root = parse_html(_decoded(html, base_url))
    except (ValueError, lxml.etree.ParserError):
        return []
    found = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")) or _in_navigation(anchor):
            continue
        url = urldefrag(urljoin(base_url, href)).url
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        text = " ".join(anchor.text_content().split())
        title = " ".join((anchor.get("title") or "").split())
        found.append((url, title if len(title) > len(text) else text))
    return found


def _decoded(html: bytes, url: str) -> str:
    from govdata.formats.html import declared_charset
    from govdata.formats.text import decode_text

    try:
        return decode_text(html, url, declared=declared_charset(html))[0]
    except ReadError:
        return html.decode("utf-8", errors="replace")


def _in_navigation(element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in ("nav", "header", "footer", "aside"):
            return True
    return False


def attachment_links(html: bytes, base_url: str) -> list[str]:
    """Links of a report page to the report as a file (PDF, DOC, DOCX, WPS, XLS…), in page order.

    Example:
        >>> page = '<p>附件：<a href="/u/2019.pdf">报告</a> <a href="/x.htm">x</a></p>'.encode()
        >>> attachment_links(page, "http://a.gov.cn/r/1.htm")
        ['http://a.gov.cn/u/2019.pdf']
    """
    links = []
    for url, _ in _anchors(html, base_url):
        if os.path.splitext(urlsplit(url).path)[1].lower() in ATTACHMENT_SUFFIXES:
            links.append(url)
    return list(dict.fromkeys(links))[:_MAX_ATTACHMENTS_PER_PAGE]


def index_entries(html: bytes, index_url: str) -> tuple[list[Source], list[Outcome], list[str]]:
    """What a 年报 list page links to: (annual reports as Sources, other documents as skipped
    Outcomes with their reason, further list pages). Only links inside the list's own folder count
    (the site's navigation is elsewhere), and only links with a title-long text."""
    column = index_url if urlsplit(index_url).path.endswith("/") else urljoin(index_url, ".")
    reports: dict[str, Source] = {}
    skipped: dict[str, Outcome] = {}
    pages: list[str] = []
    for url, title in _anchors(html, index_url):
        if title.strip().lower() in _NEXT_PAGE_TEXTS:
            pages.append(url)
            continue
        if not url.startswith(column) or url.rstrip("/") == index_url.rstrip("/") or len(title) < _MIN_TITLE_CHARS:
            continue
        kind = reportkind.classify_title(title)
        if kind.is_annual_report:
            reports.setdefault(url, Source(url, kind.agency, kind.year, f"from the list {index_url}", title))
        elif url not in reports:
            skipped.setdefault(url, Outcome(url, "skipped", kind.reason))
    return list(reports.values()), [o for url, o in skipped.items() if url not in reports], list(dict.fromkeys(pages))


# --- entry points ---------------------------------------------------------------------------------


def fetch_sources(sources: Iterable[Source], out_dir: str | os.PathLike, *, settings: FetchSettings | None = None,
                  client: WebClient | None = None, progress: Callable[[Source], None] | None = None) -> FetchRun:
    """Fetch every source into the collection at ``out_dir``; never raises for one URL's failure."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    own = client is None
    client = client or WebClient(settings)
    run = FetchRun(out)
    try:
        collector = _Collector(out, client, run)
        for source in sources:
            collector.fetch(source)
            if progress:
                progress(source)
    finally:
        if own:
            client.close()
    return run


def read_index(index_url: str, client: WebClient) -> tuple[list[Source], list[Outcome]]:
    """The annual reports a 年报 list (and its further pages, up to ``max_index_pages``) links to,
    and the documents it skipped with their reasons. A list page that cannot be read is a failure."""
    queue, seen = [index_url], set()
    sources: dict[str, Source] = {}
    others: list[Outcome] = []
    while queue and len(seen) < client.settings.max_index_pages:
        page = queue.pop(0)
        if page in seen:
            continue
        seen.add(page)
        try:
            response = client.get(page)
            if response.status != 200:
                raise FetchError(page, f"HTTP {response.status} {_reason_phrase(response.status)}".strip())
        except FetchError as exc:
            others.append(Outcome(page, "failed", f"list page: {exc.reason}", role="index"))
            continue
        found, skipped, more = index_entries(response.content, response.final_url)
        for source in found:
            sources.setdefault(source.url, source)
        others += [outcome for outcome in skipped if outcome.url not in sources]
        queue += [url for url in more if url not in seen and urlsplit(url).netloc == urlsplit(index_url).netloc]
    return list(sources.values()), others


def fetch_index(index_url: str, out_dir: str | os.PathLike, *, settings: FetchSettings | None = None,
                client: WebClient | None = None, progress: Callable[[Source], None] | None = None,
                on_list: Callable[[list[Source]], None] | None = None) -> FetchRun:
    """Read a 年报 list page, keep the links whose title names an annual report, and fetch them.

    The other links of the list (a 函, a notice, a 解读) are in the run as ``skipped`` with their
    reason. ``on_list`` is told the reports found before they are fetched (a progress bar's total).
    """
    own = client is None
    client = client or WebClient(settings)
    try:
        sources, others = read_index(index_url, client)
        if on_list:
            on_list(sources)
        run = fetch_sources(sources, out_dir, client=client, progress=progress)
    finally:
        if own:
            client.close()
    run.outcomes[:0] = others
    return run
