"""HTML pages -> lines: paragraphs as lines, tables as tab-separated grid rows, chrome dropped.

Why this shape: most reports are published as a page on the agency's site. The page holds
the report between site chrome (navigation, headers, footers, scripts), and its tables use
``rowspan``/``colspan``. The text seeds are what a person gets by copying such a page out of a
browser, so this reader renders a page the way that copy looks: one line per block of text,
one line per table row with merged cells expanded (see :mod:`govdata.formats.grid`).

Some sites ship the report as an escaped string inside a ``<script>`` and draw it with
JavaScript; such a payload is decoded and rendered in the script's place when it holds more
of the report than the visible page does.

Each line's locator names the HTML source line it came from (and the table and row), so a
person can find it with "view source".

Example:
    >>> render_html('<body><nav>首页</nav><p>一、总体情况</p><table><tr><td colspan="2">申请人</td></tr>'
    ...             '<tr><td>自然人</td><td>3</td></tr></table></body>').lines
    ['一、总体情况', '申请人\\t', '自然人\\t3']
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field

import lxml.etree
import lxml.html

from govdata.formats.grid import Cell, GridBudget, clean_text, expand_spans, grid_lines_with_rows, join_fragments
from govdata.formats.limits import MAX_HTML_DEPTH, exceeded
from govdata.formats.rendering import Rendering

# Site chrome: never part of the report. Class/id tokens are limited to words that only
# name navigation; "header"/"footer" classes are not dropped, because some sites put the
# report's title in a <div class="header">.
_SKIP_TAGS = frozenset({"head", "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "iframe", "object",
                        "embed", "svg", "button", "select", "option", "textarea", "input", "map"})
_SKIP_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar"})
_SKIP_CLASS_TOKENS = frozenset({"nav", "navbar", "menu", "breadcrumb", "crumbs", "skip-link"})
_BLOCK_TAGS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section", "article",
                         "main", "blockquote", "pre", "address", "figure", "figcaption", "center", "form", "fieldset", "legend",
                         "hr", "caption", "body", "html", "tr", "td", "th", "thead", "tbody", "tfoot"})
_CELL_TAGS = frozenset({"td", "th"})

# A JavaScript string literal, double- or single-quoted or a template literal.
_JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.){40,})"|\'((?:[^\'\\\n]|\\.){40,})\'|`((?:[^`\\]|\\.){40,})`', re.S)
_JS_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{1,3}|\r\n|.)", re.S)
_JS_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0", "\n": "", "\r\n": ""}
_HAS_TAG = re.compile(r"<\s*(p|div|table|tr|td|br|span|h[1-6])\b", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# A payload must hold this many Chinese characters to be taken for the report.
_MIN_PAYLOAD_CJK = 50


def render_html(text: str, *, encoding: str = "utf-8") -> Rendering:
    """Render a decoded HTML page; see the module docstring for what is kept and dropped.

    A page nested deeper than MAX_HTML_DEPTH, or whose tables lay out more than
    MAX_GRID_CELLS, raises ResourceLimitError (formats/limits.py) instead of being read in part.
    """
    root = parse_html(text)
    check_depth(root)
    _inline_script_payloads(root)
    renderer = _Renderer()
    renderer.walk(root)
    renderer.flush()
    return Rendering(lines=renderer.lines, locators=renderer.locators, encoding=encoding, format="html")


def declared_charset(raw: bytes) -> str | None:
    """The charset a page declares in a <meta> tag within its first 4 KB, if any.

    Example:
        >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
        'gb2312'
    """
    match = _META_CHARSET.search(raw[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse a page leniently (libxml2's HTML parser copes with the broken markup of real sites).

    ``huge_tree``: without it libxml2 stops reading at 256 levels of nesting (300 unclosed
    ``<font>`` tags) and at a 10 MB text node (a report shipped in a ``<script>``) and keeps
    what it read so far without a word; govdata's own limits (:func:`check_depth`) apply instead.
    """
    text = _XML_DECLARATION.sub("", text, count=1)
    try:
        return lxml.html.document_fromstring(text, parser=_parser())
    except (lxml.etree.ParserError, ValueError):
        return lxml.html.document_fromstring(f"<html><body><pre>{html_lib.escape(text)}</pre></body></html>", parser=_parser())


def _parser() -> lxml.html.HTMLParser:
    # a new parser per page: lxml parsers must not be shared between threads
    return lxml.html.HTMLParser(huge_tree=True)


def check_depth(root: lxml.etree._Element, *, base: int = 0) -> None:
    """Raise ResourceLimitError when elements nest deeper than MAX_HTML_DEPTH below ``root``
    (itself ``base`` levels deep). libxml2's huge_tree mode stops at 2048 levels, past the limit,
    so a page it cut is refused here too."""
    depth = deepest = base
    for event, _element in lxml.etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    if deepest > MAX_HTML_DEPTH:
        raise exceeded(f"HTML elements nested {deepest if deepest < 2048 else 'at least 2048'} levels deep "
                       "(unclosed tags such as <font> nest)", "MAX_HTML_DEPTH", MAX_HTML_DEPTH)


@dataclass
class _Renderer:
    """Walks the tree in document order, collecting lines and where each came from."""

    lines: list[str] = field(default_factory=list)
    locators: list[str] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)
    buffer_line: int | None = None
    n_tables: int = 0
    budget: GridBudget = field(default_factory=GridBudget)  # one per page, nested tables included

    def add_text(self, text: str | None, sourceline: int | None) -> None:
        if not text:
            return
        if self.buffer_line is None and text.strip():
            self.buffer_line = sourceline
        self.buffer.append(text)

    def flush(self) -> None:
        """End the current line (at a block boundary or <br>)."""
        line = clean_text("".join(self.buffer))
        if line:
            self.lines.append(line)
            self.locators.append(f"HTML line {self.buffer_line}" if self.buffer_line else "HTML")
        self.buffer, self.buffer_line = [], None

    def walk(self, el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None or is_chrome(el):  # comments and processing instructions carry no text
            self.add_text(el.tail, el.sourceline)
            return
        tag = tag.lower()
        if tag == "table" and is_layout_table(el):
            self.flush()
            for tr in table_rows(el):
                for cell in row_cells(tr):
                    self.walk(cell)
        elif tag == "table":
            self.flush()
            self.render_table(el)
        elif tag == "br":
            self.flush()
        elif tag in _BLOCK_TAGS:
            self.flush()
            self.add_text(el.text, el.sourceline)
            for child in el:
                self.walk(child)
            self.flush()
        else:
            self.add_text(el.text, el.sourceline)
            for child in el:
                self.walk(child)
        self.add_text(el.tail, el.sourceline)

    def render_table(self, table: lxml.html.HtmlElement) -> None:
        """One line per grid row; a caption becomes a line of its own before the rows."""
        self.n_tables += 1
        for caption in table.findall("caption"):
            self.add_text(cell_text(caption, self.budget), caption.sourceline)
            self.flush()
        rows = table_rows(table)
        grid = expand_spans([[_cell(td, self.budget) for td in row_cells(tr)] for tr in rows], budget=self.budget)
        for line, index in grid_lines_with_rows(grid):
            self.lines.append(line)
            self.locators.append(f"HTML line {rows[index].sourceline}, table {self.n_tables} row {index + 1}")


def is_chrome(el: lxml.html.HtmlElement) -> bool:
    """Navigation, headers, footers, scripts and other parts of a page that are not the report."""
    if el.tag.lower() in _SKIP_TAGS:
        return True
    if not len(el.attrib):  # most elements carry no attributes (speed: 10^5 calls per page set)
        return False
    if (el.get("role") or "").lower() in _SKIP_ROLES:
        return True
    tokens = set((el.get("class") or "").lower().split()) | {(el.get("id") or "").lower()}
    if tokens & _SKIP_CLASS_TOKENS:
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style


def is_layout_table(table: lxml.html.HtmlElement) -> bool:
    """A table used to lay out the page, not a table of data: it holds other tables, or has one
    column. Older government sites wrap the whole article in such tables; their cells are
    read as blocks of text (with the report's tables inside them rendered as grids), not
    flattened into one grid cell.
    """
    if table.find(".//table") is not None:
        return True
    rows = table_rows(table)
    return bool(rows) and all(len(row_cells(tr)) <= 1 for tr in rows)


def table_rows(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The table's own rows in order (thead/tbody/tfoot included, nested tables' rows not)."""
    rows = []
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in {"thead", "tbody", "tfoot"}:
            rows.extend(r for r in child if isinstance(r.tag, str) and r.tag.lower() == "tr")
    return rows


def row_cells(tr: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in _CELL_TAGS and not is_chrome(c)]


def _cell(td: lxml.html.HtmlElement, budget: GridBudget | None = None) -> Cell:
    return Cell(cell_text(td, budget), rowspan=_span(td.get("rowspan")), colspan=_span(td.get("colspan")))


def _span(value: str | None) -> int:
    """A span attribute as an int; junk ("2;", "") counts as 1, rowspan="0" reaches the end.

    Markup copied out of a JavaScript string keeps its escaped quotes (``colspan=\\"2\\"``, an
    attribute value ``\\"2\\"``): the quotes and backslashes around the number are skipped.
    """
    if value is None:  # the usual case: no span attribute
        return 1
    digits = re.match(r"[\s\\\"']*(\d+)", value or "")
    if not digits:
        return 1
    number = int(digits.group(1))
    return number if number > 0 else 10**6


def cell_text(el: lxml.html.HtmlElement, budget: GridBudget | None = None) -> str:
    """A cell's text: its lines (split at <br> and blocks; nested tables flattened) joined.

    Nested tables spend from the page's ``budget`` (a fresh one when none is given)."""
    if not len(el):  # text only, the usual cell: what the renderer below gives, without it
        return clean_text(el.text or "")
    inner = _Renderer(budget=budget if budget is not None else GridBudget())
    inner.add_text(el.text, el.sourceline)
    for child in el:
        inner.walk(child)
    inner.flush()
    return join_fragments(line.replace("\t", " ") for line in inner.lines)


def _inline_script_payloads(root: lxml.html.HtmlElement) -> None:
    """Replace a <script> by the report it carries as an escaped string, when the page shows less.

    Example of such a page: ``<script>var content = "\\u003Ctable\\u003E...";</script>`` with an
    empty ``<div id="content">`` that the script fills in the browser.
    """
    visible = None  # the page's visible text is counted only once a script carries a payload
    for script in list(root.iter("script")):
        payload = best_script_payload(script.text or "")
        if payload is None:
            continue
        if visible is None:
            visible = _cjk_count(_visible_text(root))
        if _cjk_count(payload) <= visible:
            continue
        replacement = lxml.html.fragment_fromstring(_payload_markup(payload), create_parent="div", parser=_parser())
        check_depth(replacement, base=sum(1 for _ in script.iterancestors()))
        replacement.tail = script.tail
        for el in replacement.iter():
            el.sourceline = script.sourceline
        script.getparent().replace(script, replacement)
        visible = _cjk_count(_visible_text(root))


def best_script_payload(script: str) -> str | None:
    """The longest string literal in a script that reads as report text or markup, unescaped."""
    best: str | None = None
    for match in _JS_STRING.finditer(script):
        literal = unescape_js(next(g for g in match.groups() if g is not None))
        if "&lt;" in literal and not _HAS_TAG.search(literal):
            literal = html_lib.unescape(literal)
        if _cjk_count(literal) >= _MIN_PAYLOAD_CJK and (best is None or _cjk_count(literal) > _cjk_count(best)):
            best = literal
    return best


def unescape_js(literal: str) -> str:
    r"""Decode JavaScript escapes (\uXXXX, \u{...}, \xXX, \n, \/, \") in a string literal's body.

    Example:
        >>> unescape_js(r"\u003Ctd\u003E\u81ea\u7136\u4eba\u003C\/td\u003E")
        '<td>自然人</td>'
    """
    def replace(match: re.Match[str]) -> str:
        esc = match.group(1)
        if esc.startswith("u{"):
            return chr(int(esc[2:-1], 16))
        if esc.startswith("u") and len(esc) == 5:
            return chr(int(esc[1:], 16))
        if esc.startswith("x") and len(esc) == 3:
            return chr(int(esc[1:], 16))
        if esc.isdigit() and esc != "0":
            return chr(int(esc, 8))
        return _JS_SIMPLE_ESCAPES.get(esc, esc)

    text = _JS_ESCAPE.sub(replace, literal)
    # \ud83d\ude00-style surrogate pairs come out as two code points; join them.
    return text.encode("utf-16", "surrogatepass").decode("utf-16", errors="replace")


def _payload_markup(payload: str) -> str:
    """Markup for a payload: as is when it is HTML, else one paragraph per line of text."""
    if _HAS_TAG.search(payload):
        return _XML_DECLARATION.sub("", payload, count=1)
    return "".join(f"<p>{html_lib.escape(line)}</p>" for line in payload.splitlines())


def _visible_text(root: lxml.html.HtmlElement) -> str:
    body = root.find("body")
    if body is None:
        return ""
    parts: list[str] = []

    def collect(el: lxml.html.HtmlElement) -> None:
        if isinstance(el.tag, str) and not is_chrome(el):
            parts.append(el.text or "")
            for child in el:
                collect(child)
        parts.append(el.tail or "")

    collect(body)
    return "".join(parts)


_CJK = re.compile("[\u4e00-\u9fff]")


def _cjk_count(text: str) -> int:
    return len(_CJK.findall(text))
