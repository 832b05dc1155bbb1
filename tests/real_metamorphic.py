"""The real reports of ``../shared/real`` rewritten in the other layouts the web prints tables in.

Why: the hand-read golden values (tests/real_golden.py) pin what the reader gets from each real
page as it was copied. Reports the project has never seen print the same tables in other ways:
cells separated by tabs instead of bars, markdown rows with or without outer bars, a table's
cells split at spaces with blanks gone, Traditional characters, full-width digits, Windows line
ends, hard-wrapped prose, page footers. Each rewrite here keeps everything a careful reader
needs (or, for the lossy ones, loses blanks only), so the cells read from the rewritten text
must be the cells read from the plain text, and a rewrite may never make the reader give a
value the page does not print. The same holds for the report's identity (agency, year, template)
and its prose figures. Run ``python -m tests.real_metamorphic`` for the table.

Only text reports are rewritten (the excerpts and the complete texts; HTML and PDF are read
through their own readers). A report whose table the rewrite cannot express is left as it is:
a pipe-row rewrite of a table printed one cell per line with bars would change its layout
family, not its separators.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tests import real_golden

_RULE = re.compile(r"\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*")
_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _cells(line: str) -> list[str]:
    """The cells of a pipe row, outer bars dropped."""
    stripped = line.strip()
    stripped = stripped[1:] if stripped.startswith("|") else stripped
    stripped = stripped[:-1] if stripped.endswith("|") else stripped
    return [cell.strip() for cell in stripped.split("|")]


def _is_pipe_row(line: str) -> bool:
    """A row of two cells or more between bars (not a markdown rule, not a lone bar)."""
    return line.count("|") >= 2 and not _RULE.fullmatch(line) and not re.fullmatch(r"[|\s]*", line)


def _is_tab_row(line: str) -> bool:
    return "\t" in line.strip()


def _prints_cells_on_lines_of_their_own(text: str) -> bool:
    """One cell per line ending `` |`` (or bars on lines of their own): not a table of pipe rows."""
    return any(line.strip().endswith("|") and line.count("|") == 1 and line.strip() != "|" for line in text.split("\n"))


def _map_rows(text: str, rewrite: Callable[[list[str]], str | None]) -> str:
    """``text`` with every pipe or tab row rewritten from its cells (None drops the line) and
    markdown rule lines dropped."""
    out = []
    for line in text.split("\n"):
        if _RULE.fullmatch(line) and "-" in line:
            continue
        if _is_pipe_row(line) or _is_tab_row(line):
            cells = _cells(line) if _is_pipe_row(line) else [cell.strip() for cell in line.split("\t")]
            rewritten = rewrite(cells)
            if rewritten is not None:
                out.append(rewritten)
            continue
        out.append(line)
    return "\n".join(out)


def tabs(text: str) -> str:
    """Cells separated by tabs (a table copied out of a word processor)."""
    return text if _prints_cells_on_lines_of_their_own(text) else _map_rows(text, "\t".join)


def bars(text: str) -> str:
    """Rows between outer bars, cells separated by `` | ``."""
    return text if _prints_cells_on_lines_of_their_own(text) else _map_rows(text, lambda cells: "| " + " | ".join(cells) + " |")


def markdown(text: str) -> str:
    """A markdown table: outer bars, and a rule line under each table's first row."""
    if _prints_cells_on_lines_of_their_own(text):
        return text
    out: list[str] = []
    in_table = False
    for line in _map_rows(text, lambda cells: "| " + " | ".join(cells) + " |").split("\n"):
        is_row = _is_pipe_row(line)
        out.append(line)
        if is_row and not in_table:
            out.append("|" + "---|" * len(_cells(line)))
        in_table = is_row
    return "\n".join(out)


def no_outer_bars(text: str) -> str:
    """Markdown rows without outer bars and without padding cells (``规章 | 0 | 0 | 0``)."""
    if _prints_cells_on_lines_of_their_own(text):
        return text
    return _map_rows(text, lambda cells: " | ".join(cells).rstrip(" |"))


def spaced(text: str) -> str:
    """A PDF's text layer: a row's cells separated by single spaces, blank cells gone (lossy)."""
    return _map_rows(text, lambda cells: " ".join(cell for cell in cells if cell) or None)


def cell_lines(text: str) -> str:
    """One cell a line, a blank line after each row, blank cells gone (an HTML table's text
    extracted cell by cell; lossy)."""
    return _map_rows(text, lambda cells: "\n".join(cell for cell in cells if cell) + "\n")


def td_lines(text: str) -> str:
    """One cell a line, a blank cell an empty line, nothing between rows (an HTML table's text
    taken cell by cell with a line break after each ``<td>``)."""
    return _map_rows(text, "\n".join)


def tab_marked_lines(text: str) -> str:
    """One cell a line, each after a tab (a word processor's table copied as text)."""
    return _map_rows(text, lambda cells: "\n".join("\t" + cell for cell in cells))


def fixed_columns(text: str) -> str:
    """A PDF's text laid out in fixed columns (``pdftotext -layout``): cells padded to a width,
    at least two spaces apart; blank cells are spaces only (lossy)."""
    return _map_rows(text, lambda cells: "  ".join(cell.ljust(10) for cell in cells).rstrip() or None)


def values_apart(text: str) -> str:
    """PDF text whose rows print the label on one line and the values, spaced, on the next
    (lossy: blank cells gone)."""
    def rewrite(cells: list[str]) -> str:
        filled = [cell for cell in cells if cell]
        words = [cell for cell in filled if not any(char.isdigit() for char in cell)]
        numbers = filled[len(words):]
        if words and numbers and filled[:len(words)] == words and all(any(char.isdigit() for char in cell) for cell in numbers):
            return " ".join(words) + "\n" + " ".join(numbers)
        return " ".join(filled)

    return _map_rows(text, rewrite)


def as_html(text: str) -> str:
    """An HTML page: rows as ``<tr>`` of ``<td>``, every other line a paragraph."""
    if _prints_cells_on_lines_of_their_own(text):
        return text
    parts = ["<html><head><meta charset='utf-8'><title>report</title></head><body>"]
    rows: list[list[str]] = []

    def close_table() -> None:
        if rows:
            parts.append("<table>" + "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
                                             for row in rows) + "</table>")
            rows.clear()

    for line in text.split("\n"):
        if _RULE.fullmatch(line) and "-" in line:
            continue
        if _is_pipe_row(line) or _is_tab_row(line):
            rows.append(_cells(line) if _is_pipe_row(line) else [cell.strip() for cell in line.split("\t")])
            continue
        close_table()
        if line.strip():
            parts.append(f"<p>{html.escape(line)}</p>")
    close_table()
    return "\n".join([*parts, "</body></html>"])


def wrapped(text: str, width: int = 33) -> str:
    """Prose hard-wrapped at a column width (a PDF's text layer: never inside a number, which
    is set as one word); table rows left whole."""
    out = []
    for line in text.split("\n"):
        if "|" in line or "\t" in line or _is_fused_table(line):
            out.append(line)
            continue
        while len(line) > width:
            cut = width
            while 0 < cut < len(line) and ((line[cut - 1].isdigit() and (line[cut].isdigit() or line[cut] in ".,%"))
                                            or line[cut] == "(" or "(" in line[max(0, cut - 8):cut].rpartition(")")[2]):
                cut -= 1  # never inside a number, nor inside a pinyin gloss of a web converter: 報(bào)
            cut = cut or width
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return "\n".join(out)


def _is_fused_table(line: str) -> bool:
    """A line of a page flattened with its tables run together (规章000行政规范性文件…): web
    flattening, which no PDF text layer makes, so no wrap applies to it."""
    return "第二十条" in line or "申请人情况" in line or "结果维持" in line


def with_page_footers(text: str, every: int = 23) -> str:
    """A page footer (``- 3 -``) after every ``every`` lines, inside tables too."""
    out = []
    for index, line in enumerate(text.split("\n")):
        out.append(line)
        if index and index % every == 0:
            out.append(f"- {index // every} -")
    return "\n".join(out)


def traditional(text: str) -> str:
    """Traditional characters, phrase by phrase (OpenCC s2t)."""
    return _s2t()(text)


@cache
def _s2t() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("s2t").convert


@dataclass(frozen=True)
class Rewrite:
    name: str
    rewrite: Callable[[str], str]
    lossless: bool = True  # every cell the plain text gives, the rewrite must give
    is_html: bool = False
    # Rewrites that break lines anew (wrapping, doubling blank lines) may break a sentence a PDF's
    # text layer had already wrapped at a blank line, where no reader joins it again: their prose
    # figures are compared for invented values only.
    keeps_sentences: bool = True


REWRITES = (
    Rewrite("crlf", lambda text: text.replace("\n", "\r\n")),
    Rewrite("trailing_spaces", lambda text: "\n".join(line + "  " for line in text.split("\n"))),
    Rewrite("indented", lambda text: "\n".join("  " + line if line.strip() else line for line in text.split("\n"))),
    Rewrite("full_width_digits", lambda text: text.translate(_FULL_WIDTH_DIGITS)),
    Rewrite("no_break_spaces", lambda text: text.replace(" ", "\u00a0")),
    Rewrite("blank_lines_dropped", lambda text: "\n".join(line for line in text.split("\n") if line.strip())),
    Rewrite("blank_lines_doubled", lambda text: text.replace("\n", "\n\n"), keeps_sentences=False),
    Rewrite("traditional", traditional),
    Rewrite("tabs", tabs),
    Rewrite("bars", bars),
    Rewrite("markdown", markdown),
    Rewrite("no_outer_bars", no_outer_bars),
    Rewrite("wrapped_prose", wrapped, keeps_sentences=False),
    Rewrite("page_footers", with_page_footers),
    Rewrite("html_table", as_html, is_html=True),
    Rewrite("spaced", spaced, lossless=False),
    Rewrite("cell_lines", cell_lines, lossless=False),
    # lossy here only because a shredded pdf2md table and a table of bar lines lose their shape
    Rewrite("td_lines", td_lines, lossless=False),
    Rewrite("tab_marked_lines", tab_marked_lines, lossless=False),
    Rewrite("fixed_columns", fixed_columns, lossless=False),
    Rewrite("values_apart", values_apart, lossless=False),
)


GROUPS = ("tables", "reports", "facts")  # as tests/real_golden.py groups the golden values


@dataclass
class Outcome:
    """What a rewrite did to one group of golden values of every report: values lost, values invented."""

    right: int = 0
    total: int = 0
    lost: list[str] = field(default_factory=list)  # reports that read fewer golden cells than their plain text
    wrong: list[str] = field(default_factory=list)


def text_path(name: str) -> Path | None:
    """The plain text of a golden report, if it has one: the file itself, or for the 平潭 HTML
    pages their flattened text (``page.txt``, which reads the same cells as the HTML)."""
    path = real_golden.report_path(name)
    if path.name == "page.html":
        path = path.with_name("page.txt")
    return path if path.is_file() and path.suffix.lower() in (".txt", ".md") else None


def text_reports() -> list[str]:
    """Golden reports that have a plain text (the rewrites work on text)."""
    return [name for name in real_golden.golden_reports() if text_path(name) is not None]


def _scores(name: str, text: str, *, is_html: bool = False) -> dict[str, real_golden.Score]:
    from govdata.pipeline import parse_document
    from govdata.read import read_document

    doc = read_document(raw=text.encode("utf-8"), source=f"{name}.html") if is_html else read_document(text=text, source=name)
    return real_golden._score_by_group(name, parse_document(doc))


def run(rewrites: tuple[Rewrite, ...] = REWRITES) -> dict[tuple[str, str], Outcome]:
    """{(rewrite, group) -> Outcome} over every text report."""
    outcomes = {(rewrite.name, group): Outcome() for rewrite in rewrites for group in GROUPS}
    for name in text_reports():
        text = text_path(name).read_text("utf-8", errors="replace")
        plain = _scores(name, text)
        for rewrite in rewrites:
            scores = _scores(name, rewrite.rewrite(text), is_html=rewrite.is_html)
            for group in GROUPS:
                score, outcome = scores[group], outcomes[(rewrite.name, group)]
                outcome.right += score.right
                outcome.total += score.total
                outcome.wrong += score.wrong
                if score.right < plain[group].right:
                    lost = sorted(set(score.missed) - set(plain[group].missed))
                    outcome.lost.append(f"{name}: {plain[group].right} -> {score.right} of {score.total} ({'; '.join(lost[:2])})")
    return outcomes


if __name__ == "__main__":
    for (rewrite_name, group), outcome in sorted(run().items(), key=lambda item: GROUPS.index(item[0][1])):
        print(f"{group:8} {rewrite_name:20} {outcome.right:5d}/{outcome.total:5d} right, {len(outcome.wrong)} wrong, "
              f"{len(outcome.lost)} reports read worse than plain")
        for line in outcome.lost + outcome.wrong:
            print("   ", line)
