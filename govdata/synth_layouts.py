"""Synthetic reports in the layout families real reports come in on the web, with what a reader can know.

Why: the layouts of :mod:`govdata.synth` (tabbed, cell per line, pipe, HTML) are the clean
copies of a report. Researchers mostly get other copies: the text a web store or a mirror
returns, a PDF's text layer, a page flattened to one line. Those lose things — the border of a
pipe row, the blank lines between rows, the boundaries between cells, the end of the page, its
beginning — and add others (Traditional characters with pinyin, page footers, notes in cells).
This module renders the same invented reports in those families, and says for every printed
cell what a careful reader can know of it.

The families were learned by reading real report texts (web-store excerpts, complete reports,
a flattened crawl); nothing of those texts is here: every label is the form's own, every
agency and number invented by :mod:`govdata.synth`.

Layouts (each a ``layout=`` name of :func:`make_report` and :func:`govdata.synth.make_report`):

``pipe_no_border``
    a web store's pipe rows, no border ``|`` at the start: ``规章 | 0 | 0 | 0 |``. Each cell
    prints ``text |``, a blank cell ``|``; with ``pad_runs`` a ``|||`` run pads the row to the
    table's width (``第二十条第（一）项 | |||``); ``extra_column`` adds one empty column;
    ``lead_bar`` opens rows with ``| `` and ends them with a space; ``broken_blanks`` puts every
    blank cell on a line of its own holding ``|``; ``open_rows`` prints no closing bar (markdown
    without outer bars: ``规章 | 0 | 0 | 0``, a blank last cell leaves nothing).
``cell_per_line_bars``
    one cell per line ending `` |`` (a blank cell is a lone ``|``), no blank line between rows;
    with ``pad_runs`` the row's padding run stands on a line of its own (``|||``), with
    ``row_opener`` a lone ``|`` line opens every row.
``bar_separated``
    one cell per line and a line holding only ``|`` after every cell; with ``lead_bar`` the first
    cell of a row prints ``| text``. A blank cell is an empty line.
``blank_line_cells``
    one cell per line, a blank line after every cell (rows are known only from the labels and the
    form's column counts); a blank cell leaves nothing (its row's values cannot be placed);
    ``split_headers`` breaks header cells over two lines (``本年新`` / ``制作数量``, sometimes with a
    blank line between), ``indent_values`` prints values with leading spaces and whitespace-only
    separator lines.
``pdf_text``
    a PDF's text layer: prose wrapped hard at a column width (never inside a number), spaces
    around Latin digits (``2023 年``), table rows as a label and its values separated by single
    spaces (``规章 0 0 0``; a blank cell vanishes), long labels wrapped with their values on a line
    of their own, row-group labels on a line of their own in the middle of their group, page
    footers (``- 3 -``, ``第 3 页``) wherever a page ends, inside tables too; with ``wrapped_headers``
    header cells wrapped in their narrow columns onto a second line of words (``本年新 本年新`` /
    ``制作数量 公开数量``).
``fused``
    a page flattened to one line: paragraphs and cells run together with no separator
    (``规章000行政规范性文件…``, ``…50000055.属于三类内部事务信息``), with ``fused_spaces`` a
    space now and then between two cells (never inside a number).

Quirks (:class:`Quirks`, for any of these layouts): Traditional characters (``traditional``:
``s2t`` by phrase, ``chars`` character by character with over-conversion such as 製發, ``s2twp``
with Taiwan vocabulary such as 規範性檔案, 資訊) and inline pinyin after converted characters
(``glosses``: 報(bào)告, inside table labels too); labels that are not verbatim (filling
``instructions`` left in 表二 headers and labels, ``cut_headers`` such as ``本年新 | 本年新``,
``typos`` dropping, swapping or misreading a character of a row label, ``spaced_words``);
sparse grids (``blank_rows``, ``blank_total``, ``blank_share``); ``note_in_cell``
(``22（其中修订16件）``); ``page_footers`` inside tables; ``hybrid_other_row`` (a 2021 表二
with the 2019 single (六)其他处理 row in 表三); ``split_numbers`` (``pdf_text``: ``1 2`` for 12);
a page that begins in the middle of 表三 (``mid_table_start``, optionally after a flipbook
``page_prefix``); text that stops (``truncate_at`` bytes, as a web store's 2,000-byte page
opening, or ``truncate_in_tables`` at a fraction of the tables' text), mid-row, mid-label or
mid-number and without a final newline.

What a reader can know (:attr:`FamilyReport.cells`, one :class:`TruthCell` per printed cell):

- a cell whose row lost nothing, wholly printed before any cut, is ``is_must_read``: it must be
  read, exactly (value and line);
- a cell of a row that lost its cell boundaries (``fused``, dropped blanks, a split number), whose
  label is not the form's (a typo, Taiwan vocabulary), or of the row the text stops in, may be read
  — then as its true value, never another number — or left unread with a finding on its row or
  table (``recovered_cells``, ``ambiguous_cells``, ``missing_cells``, ``extra_cells``,
  ``truncated_table``, ``unmapped_label``, ``missing_table``). A number cut by the end of the text
  keeps its true value here: reading the printed prefix is wrong;
- a cell past the cut, or before the start of a page that begins mid-table, is not printed and
  is not in ``cells``: any value read for it is invented.

:attr:`FamilyReport.keeps_year` and ``keeps_template`` say whether the title (or a flipbook
page prefix) and 表二's header survive. The ground truth (:attr:`FamilyReport.truth`) is the
``reports`` row and the ``cells`` frame; the prose's facts, outcomes and checks of these copies
are not modelled.

Example:
    >>> report = make_report(seed=3, template="2021", layout="pipe_no_border", quirks=Quirks())
    >>> any(line.startswith("规章 | ") for line in report.lines)
    True
    >>> all(cell.is_must_read for cell in report.cells)
    True
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from typing import Any

import polars as pl

from govdata import form, synth
from govdata.metadata import Agency

FAMILY_LAYOUTS = ("pipe_no_border", "cell_per_line_bars", "bar_separated", "blank_line_cells", "pdf_text", "fused")
TRADITIONAL = ("s2t", "chars", "s2twp")
# Findings that say a printed cell was not read (docs/schema.md): on the cell's row or its table.
UNREAD_FINDINGS = ("recovered_cells", "ambiguous_cells", "missing_cells", "extra_cells", "truncated_table", "unmapped_label",
                   "missing_table")


@dataclass(frozen=True)
class Quirks:
    """How a copy of a report departs from the printed form; every default is the plain copy.

    Layout options apply to the layouts named; the rest to any layout of this module.
    """

    pad_runs: bool = False  # pipe_no_border, cell_per_line_bars: `|||` pads a row to the table's width
    extra_column: bool = False  # pipe_no_border, cell_per_line_bars: one more empty column (`0 | |`)
    lead_bar: bool = False  # pipe_no_border: `| row `; bar_separated: a row's first cell printed `| text`
    broken_blanks: bool = False  # pipe_no_border: each blank cell on a line of its own holding `|`
    open_rows: bool = False  # pipe_no_border: no closing bar (`规章 | 0 | 0 | 0`)
    wrapped_headers: bool = False  # pdf_text: header cells wrapped onto a second line of words
    row_opener: bool = False  # cell_per_line_bars: a lone `|` line before every row
    split_headers: bool = False  # blank_line_cells, bar_separated: header cells over two lines
    indent_values: bool = False  # blank_line_cells: ` 0`, whitespace-only separator lines
    values_apart: bool = True  # pdf_text: a wrapped label's values on a line of their own
    split_numbers: int = 0  # pdf_text: numbers printed with a space inside (`1 2` for 12)
    fused_spaces: float = 0.0  # fused: chance of a space between two cells
    traditional: str | None = None  # s2t, chars or s2twp
    glosses: bool = False  # pinyin after some converted characters: 報(bào)告
    instructions: bool = False  # 表二 filling instructions in labels: 上一年项目数量（指2021年事项数）
    cut_headers: bool = False  # 表二 header cells cut: 本年新 | 本年新, 现行有效件, 本年增/
    typos: int = 0  # row labels with one character dropped, two swapped or one misread
    spaced_words: bool = False  # stray spaces inside labels: 规 章, 商业 企业
    blank_rows: int = 0  # 表三 rows printed with every cell blank
    blank_total: bool = False  # the 表三 总计 column printed blank
    blank_share: float = 0.0  # share of zero cells (表二, 表三, 表四) printed blank
    note_in_cell: bool = False  # a 表二 cell holding a number and a note: 22（其中修订16件）
    page_footers: bool = False  # page footers (- 3 -, 第 3 页) between rows of a table
    hybrid_other_row: bool = False  # 2021 表二 with the 2019 single (六)其他处理 row in 表三
    mid_table_start: int | None = None  # the page begins at this 表三 row (0 = 一、本年新收…)
    page_prefix: bool = False  # with mid_table_start: a flipbook header `Page 3 - <title>` / `P. 3`
    truncate_at: int | None = None  # the text stops after this many UTF-8 bytes
    truncate_in_tables: float | None = None  # the text stops at this fraction of the tables' text

    @classmethod
    def draw(cls, rng: random.Random, layout: str, template: str) -> Quirks:
        """A random copy, as the web serves them: a few quirks at a time."""
        traditional = rng.choice(TRADITIONAL) if rng.random() < 0.2 else None
        return cls(
            pad_runs=rng.random() < 0.6, extra_column=rng.random() < 0.2, lead_bar=rng.random() < 0.2,
            broken_blanks=rng.random() < 0.2, open_rows=rng.random() < 0.15, wrapped_headers=rng.random() < 0.3,
            row_opener=rng.random() < 0.3, split_headers=rng.random() < 0.4,
            indent_values=rng.random() < 0.3, values_apart=rng.random() < 0.7,
            split_numbers=rng.choice((0, 0, 1)) if layout == "pdf_text" else 0,
            fused_spaces=rng.choice((0.0, 0.1)) if layout == "fused" else 0.0, traditional=traditional,
            glosses=traditional is not None and rng.random() < 0.5, instructions=rng.random() < 0.2,
            cut_headers=rng.random() < 0.1, typos=rng.choice((0, 0, 0, 1)), spaced_words=rng.random() < 0.2,
            blank_rows=rng.choice((0, 0, 1)), blank_total=rng.random() < 0.05, blank_share=rng.choice((0.0, 0.0, 0.3)),
            note_in_cell=rng.random() < 0.1, page_footers=rng.random() < 0.2,
            hybrid_other_row=template == "2021" and rng.random() < 0.05,
            mid_table_start=rng.randint(0, 20) if rng.random() < 0.1 else None, page_prefix=rng.random() < 0.5,
            truncate_in_tables=rng.random() if rng.random() < 0.1 else None,
        )


@dataclass(frozen=True)
class TruthCell:
    """A printed cell of 表二/表三/表四 and what a careful reader can know of it.

    ``row``/``column``: (item, measure), (row, requester) or (proceeding, outcome); ``value`` the
    true number (None for a blank); ``line`` where it stands (the row's line when the cell left
    nothing on the page); ``is_must_read``: see the module's docstring; ``loss``: why a cell
    need not be read (``""`` when it must): ``boundaries`` (fused cells, a blank that left
    nothing, a split number), ``label`` (a misspelt label, Taiwan vocabulary) or ``cut`` (the row
    the text stops in).
    """

    table: str
    row: str
    column: str
    value: float | None
    line: int
    is_must_read: bool
    loss: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.row, self.column)


@dataclass(frozen=True)
class FamilyReport(synth.SynthReport):
    """A report in a layout family: :class:`govdata.synth.SynthReport` plus what a reader can know."""

    quirks: Quirks = Quirks()
    cells: tuple[TruthCell, ...] = ()
    misspelt_rows: frozenset[tuple[str, str]] = frozenset()  # (table, row) whose label a typo spoilt ("*" for 表四)
    keeps_year: bool = True
    keeps_template: bool = True

    @cached_property
    def truth(self) -> dict[str, pl.DataFrame]:  # type: ignore[override]
        """``reports`` (year, template, layout as printed) and ``cells`` (one row per :class:`TruthCell`)."""
        reports = pl.DataFrame([{"report_id": self.report_id, "source": self.name, "agency": self.agency.name,
                                 "agency_id": self.agency.agency_id, "year": self.figures.year, "template": self.figures.template,
                                 "layout": self.layout, "keeps_year": self.keeps_year, "keeps_template": self.keeps_template}])
        cells = pl.DataFrame([{"table": c.table, "row": c.row, "column": c.column, "value": c.value, "line": c.line,
                               "is_must_read": c.is_must_read} for c in self.cells],
                             schema={"table": pl.String, "row": pl.String, "column": pl.String, "value": pl.Float64,
                                     "line": pl.Int64, "is_must_read": pl.Boolean})
        return {"reports": reports, "cells": cells}

    @cached_property
    def expected_checks(self) -> tuple[tuple[str, str], ...]:  # type: ignore[override]
        raise NotImplementedError("the checks of a layout-family copy are not modelled; compare FamilyReport.cells")


def make_report(*, seed: int | str, template: str, layout: str, year: int | None = None, agency: Agency | None = None,
                style: synth.Style | None = None, quirks: Quirks | None = None, source: str | None = None) -> FamilyReport:
    """One report in a layout family, with what a reader can know of it; the same arguments give the same bytes.

    The numbers, agency, year and style are drawn exactly as :func:`govdata.synth.make_report`
    draws them for the same seed (so a seed's numbers are the same in every layout); ``quirks``
    default to a random copy (:meth:`Quirks.draw`).
    """
    if layout not in FAMILY_LAYOUTS:
        raise ValueError(f"unknown layout family {layout!r}; choose from {', '.join(FAMILY_LAYOUTS)}")
    if template not in form.TEMPLATES:
        raise ValueError(f"layout families print the 2019 and 2021 forms, not {template!r}")
    rng = random.Random(f"report:{seed}")
    agency = agency or rng.choice(synth.default_agencies())
    year = year or rng.choice({"2019": (2019, 2020), "2021": (2021, 2022, 2023)}[template])
    style = replace(style or synth.Style.draw(rng, layout), encoding="utf-8", repeat_group_labels=False, trailing_tab=False,
                    wrap_headers=False)
    figures = synth.make_figures(rng, template=template, year=year, level=agency.level)
    own = random.Random(f"family:{seed}")
    quirks = quirks or Quirks.draw(own, layout, template)
    if style.blank_cells:
        synth.blank_some_cells(rng, figures)
    _blank_cells(figures, quirks, own)
    blocks = synth.compose(figures, agency, rng, style)
    printed = figures
    if quirks.hybrid_other_row and template == "2021":
        printed = _hybrid(figures)
        as_2019 = synth.table3(replace(printed, template="2019"), style)
        blocks = [as_2019 if isinstance(b, synth.Table) and b.name == "table3" else b for b in blocks]
    blocks, typo_rows = _edit_labels(blocks, quirks, own, year)
    page = _Page(layout, quirks, own)
    _RENDERERS[layout](page, blocks, style)
    text, cells, marks = _assemble(page, printed, typo_rows)
    data = text.encode("utf-8")
    lines = tuple(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"))
    cell_lines = {cell.key: cell.line for cell in cells}
    rendered = synth.Rendered(lines, data, cell_lines, {}, (), {})
    name = source or f"reports/{year}/{year}_{agency.agency_id}.txt"
    return FamilyReport(name, data, None, printed, rendered, agency, layout, "utf-8", quirks=quirks, cells=tuple(cells),
                        misspelt_rows=frozenset(typo_rows), keeps_year=marks["year"], keeps_template=marks["template"])


# --- numbers: sparse grids and the hybrid 表三 ------------------------------------------------------


def _blank_cells(figures: synth.Figures, quirks: Quirks, rng: random.Random) -> None:
    """Print zero cells blank, whole 表三 rows blank, or the 总计 column blank (sparse grids)."""
    t3 = figures.table3
    if quirks.blank_share:
        for key in sorted(t3):
            if t3[key] == 0 and rng.random() < quirks.blank_share:
                t3[key] = None
        for key in sorted(figures.table4):
            if figures.table4[key] == 0 and rng.random() < quirks.blank_share:
                figures.table4[key] = None
        for key in sorted(figures.table2):
            if figures.table2[key] == "0" and rng.random() < quirks.blank_share:
                figures.table2[key] = ""
    rows = sorted({row for row, _ in t3})
    for row in rng.sample(rows, min(quirks.blank_rows, len(rows))):
        for col in form.requesters():
            t3[(row, col)] = None
    if quirks.blank_total:
        for row in rows:
            t3[(row, "total")] = None


def _hybrid(figures: synth.Figures) -> synth.Figures:
    """A 2021 report whose 表三 prints the 2019 single (六)其他处理 row: the three 2021 sub-rows summed."""
    t3 = {key: value for key, value in figures.table3.items() if not key[0].startswith("other.")}
    for col in form.requesters():
        parts = [figures.table3[(row, col)] for row in form.rows_of_group("other", "2021")]
        t3[("other", col)] = None if all(v is None for v in parts) else sum(v or 0 for v in parts)
    return replace(figures, table3=t3)


# --- labels that are not verbatim -------------------------------------------------------------------

# Filling instructions some agencies leave in the 2019 form's 表二 labels (the form's own notes).
_INSTRUCTIONS = {
    "prior_items": "（指{previous}年事项数）", "change": "（指{year}年增加或减少的事项数，减少用负数表示）",
    "decisions": "（指{year}年办件量）", "normative_documents": "（指本机关印发的有正式文号的文件）",
    "made": "（指{year}年制发的件数）",
}
# Header cells as pages cut them: both 2019 本年新… headers to 本年新, 现行有效件数 to 现行有效件.
_CUT_HEADERS = {"new_made": "本年新", "new_published": "本年新", "in_force": "现行有效件", "change": "本年增/"}
# Characters OCR and converters confuse with another (a label misread by one character).
_LOOKALIKE = {"项": "顶", "请": "清", "理": "埋", "密": "蜜", "决": "诀", "复": "夏", "人": "入", "已": "己", "申": "甲", "由": "田",
              "日": "曰", "未": "末", "务": "各", "治": "冶"}
_ENUMERATOR = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]\s?|\d+[.、])")


def _edit_labels(blocks: list, quirks: Quirks, rng: random.Random, year: int) -> tuple[list, set[tuple[str, str]]]:
    """Instructions, cut headers, typos, stray spaces and notes in cells; returns the (table, row) whose label was spoilt."""
    typo_rows: set[tuple[str, str]] = set()
    candidates = [(index, r, c) for index, block in enumerate(blocks) if isinstance(block, synth.Table) and block.name != "legacy"
                  for r, row in enumerate(block.rows) for c, cell in enumerate(row) if _own_label(row, c)]
    spoilt = set(rng.sample(candidates, min(quirks.typos, len(candidates))))
    note_cell = None
    if quirks.note_in_cell:
        notable = [(index, r, c) for index, block in enumerate(blocks) if isinstance(block, synth.Table) and block.name == "table2"
                   for r, row in enumerate(block.rows) for c, cell in enumerate(row)
                   if cell.key and cell.key[2] in ("made", "new_made", "in_force", "total_published") and cell.text.isdigit()
                   and int(cell.text) >= 2]
        note_cell = rng.choice(notable) if notable else None
    out = []
    all_labels = _all_label_bodies()
    for index, block in enumerate(blocks):
        if not isinstance(block, synth.Table) or block.name == "legacy":
            out.append(block)
            continue
        rows = []
        for r, row in enumerate(block.rows):
            cells = []
            measures = _measures_of_header(block, r)
            for c, cell in enumerate(row):
                text = cell.text
                if (index, r, c) == note_cell:
                    text = _with_note(text, rng)
                elif cell.key is None and text:
                    measure = measures[c] if measures else None
                    if quirks.cut_headers and measure in _CUT_HEADERS:
                        text = _CUT_HEADERS[measure]
                    elif quirks.instructions and measure in _INSTRUCTIONS:
                        text = _instructed(text, measure, rng, year)
                    elif quirks.instructions and block.name == "table2" and _item_of(row) == "normative_documents" and c == 0:
                        text = _instructed(text, "normative_documents", rng, year)
                    if (index, r, c) in spoilt:
                        spoiled = _typo(text, rng, all_labels)
                        if spoiled != text:
                            text = spoiled
                            typo_rows.add(_row_id(block.name, row))
                    elif quirks.spaced_words and rng.random() < 0.3:
                        text = _spaced(text, rng)
                cells.append(replace(cell, text=text) if text != cell.text else cell)
            rows.append(tuple(cells))
        out.append(synth.Table(block.name, tuple(rows)))
    return out, typo_rows


def _own_label(row: tuple, c: int) -> bool:
    """The label cell of a value row: the last cell before its first value cell."""
    first_value = next((i for i, cell in enumerate(row) if cell.key is not None), None)
    return first_value is not None and c == first_value - 1 and bool(row[c].text)


def _row_id(table: str, row: tuple) -> tuple[str, str]:
    key = next(cell.key for cell in row if cell.key is not None)
    return (table, key[1]) if table != "table4" else ("table4", "*")


def _item_of(row: tuple) -> str | None:
    key = next((cell.key for cell in row if cell.key is not None), None)
    return key[1] if key else None


def _measures_of_header(table: synth.Table, r: int) -> list[str | None] | None:
    """For a 表二 header row (信息内容 | measures…), the measure key under each of its cells."""
    if table.name != "table2" or not table.rows[r] or table.rows[r][0].text != "信息内容" or r + 1 >= len(table.rows):
        return None
    below = [cell.key[2] if cell.key else None for cell in table.rows[r + 1]]
    return below


def _instructed(text: str, key: str, rng: random.Random, year: int) -> str:
    note = _INSTRUCTIONS[key].format(year=year, previous=year - 1)
    if rng.random() < 0.5:  # half-width brackets, a space before them (as pages that lost full-width forms print it)
        note = " " + note.replace("（", "(").replace("）", ")").replace("，", ",")
    return text + note


def _with_note(text: str, rng: random.Random) -> str:
    part = rng.randint(1, int(text))
    return rng.choice((f"{text}（其中修订{part}件）", f"{text} （其中修订 {part} 件）", f"{text}(其中修订{part}件)"))


@cache
def _all_label_bodies() -> frozenset[str]:
    """Every label body of the form (without enumerators): a typo must not turn one label into another."""
    return frozenset(_body(row.label_zh) for row in form.form_keys())


def _body(label: str) -> str:
    return _ENUMERATOR.sub("", label).replace(" ", "")


def _typo(text: str, rng: random.Random, known: frozenset[str]) -> str:
    """One character of the label's body dropped, two swapped, or one misread; the enumerator is kept."""
    match = _ENUMERATOR.match(text)
    prefix, body = (match.group(0), text[match.end():]) if match else ("", text)
    positions = [i for i, ch in enumerate(body) if "\u4e00" <= ch <= "\u9fff"]
    if len(positions) < 4:
        return text
    for _ in range(10):
        kind = rng.choice(("drop", "swap", "misread"))
        i = rng.choice(positions[1:-1])
        if kind == "drop":
            new = body[:i] + body[i + 1:]
        elif kind == "swap" and i + 1 in positions:
            new = body[:i] + body[i + 1] + body[i] + body[i + 2:]
        elif kind == "misread" and any(ch in _LOOKALIKE for ch in body):
            j = rng.choice([k for k, ch in enumerate(body) if ch in _LOOKALIKE])
            new = body[:j] + _LOOKALIKE[body[j]] + body[j + 1:]
        else:
            continue
        if new != body and new.replace(" ", "") not in known:
            return prefix + new
    return text


def _spaced(text: str, rng: random.Random) -> str:
    """A stray space inside a word: 规 章, 本年新 制作数量 (never inside an enumerator or a number)."""
    match = _ENUMERATOR.match(text)
    start = match.end() if match else 0
    spots = [i for i in range(start + 1, len(text)) if "\u4e00" <= text[i - 1] <= "\u9fff" and "\u4e00" <= text[i] <= "\u9fff"]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + " " + text[i:]


# --- the page being written ---------------------------------------------------------------------------


@dataclass(eq=False)
class _Seg:
    """A piece of a line: text, and the truth cell it prints (its value) if any."""

    text: str
    key: tuple[str, ...] | None = None
    start: int = -1  # offsets in the final text, set by _assemble
    end: int = -1


@dataclass(eq=False)
class _Row:
    """A printed table row: its value cells, whether it kept its cell boundaries, its segments."""

    table: str
    keys: list[tuple[str, ...]]
    is_lossy: bool = False
    segs: list[_Seg] = field(default_factory=list)
    first_line: list[_Seg] | None = None
    dropped: list[tuple[str, ...]] = field(default_factory=list)  # blank cells that left nothing on the page


class _Page:
    """Lines of segments, the table rows they belong to, and the marks the truth needs."""

    def __init__(self, layout: str, quirks: Quirks, rng: random.Random) -> None:
        self.layout, self.quirks, self.rng = layout, quirks, rng
        self.lines: list[list[_Seg]] = []
        self.rows: list[_Row] = []
        self.row: _Row | None = None
        self.marks: dict[str, _Seg] = {}
        self.page_number = rng.randint(1, 4)
        self.t3_rows: list[_Row] = []

    def line(self, *segs: _Seg) -> list[_Seg]:
        line = list(segs)
        self.lines.append(line)
        if self.row is not None:
            self.row.segs += line
            if self.row.first_line is None:
                self.row.first_line = line
        return line

    def extend(self, *segs: _Seg) -> None:
        """Add segments to the last line."""
        if not self.lines:
            self.lines.append([])
        self.lines[-1].extend(segs)
        if self.row is not None:
            self.row.segs += segs
            if self.row.first_line is None:
                self.row.first_line = self.lines[-1]

    def begin_row(self, table: str, keys: list[tuple[str, ...]], *, is_lossy: bool = False) -> _Row:
        self.row = _Row(table, keys, is_lossy)
        self.rows.append(self.row)
        if table == "table3":
            self.t3_rows.append(self.row)
        return self.row

    def end_row(self) -> None:
        self.row = None

    def footer(self) -> None:
        """Maybe a page footer between two rows (``page_footers``)."""
        if self.quirks.page_footers and self.rng.random() < 0.08:
            self.page_number += 1
            self.line(_Seg(_footer_text(self.page_number, self.rng)))


def _footer_text(number: int, rng: random.Random) -> str:
    pages = number + rng.randint(1, 3)
    return rng.choice((f"- {number} -", f"— {number} —", f"第 {number} 页", f"第{number}页 共{pages}页", f"-{number}-"))


@dataclass(frozen=True)
class _Td:
    text: str
    key: tuple[str, ...] | None
    colspan: int


def _tds(row: Iterable[synth.GridCell]) -> list[_Td]:
    return [_Td(cell.text, cell.key, cell.colspan) for cell in row]


def _width(table: synth.Table) -> int:
    return sum(cell.colspan for cell in table.rows[0])


def _keys(tds: Sequence[_Td]) -> list[tuple[str, ...]]:
    return [td.key for td in tds if td.key is not None]


def _paragraph(page: _Page, paragraph: synth.Paragraph) -> None:
    seg = _Seg(paragraph.text)
    page.line(seg)
    if paragraph.mark:
        page.marks[paragraph.mark] = seg


def _header_mark(page: _Page, table: synth.Table, r: int, segs: Sequence[_Seg]) -> None:
    """表二's first header row (信息内容 | measures) decides the template: remember its last segment."""
    if table.name == "table2" and r == 1 and segs:
        page.marks["t2header"] = segs[-1]


# --- renderers ----------------------------------------------------------------------------------------


def _render_lines(page: _Page, blocks: Sequence[synth.Paragraph | synth.Table], style: synth.Style) -> None:
    """Paragraphs one per line with a blank line after; tables by the layout's row writer."""
    writer = _ROW_WRITERS[page.layout]
    for block in blocks:
        if isinstance(block, synth.Paragraph):
            _paragraph(page, block)
            page.line()
            continue
        width = _width(block) + (1 if page.quirks.extra_column else 0)
        for r, row in enumerate(block.rows):
            tds = _tds(row)
            keys = _keys(tds)
            if keys:
                page.begin_row(block.name, keys)
            start = len(page.lines)
            writer(page, tds, width)
            _header_mark(page, block, r, [seg for line in page.lines[start:] for seg in line])
            page.end_row()
            page.footer()
        page.line()


def _pipe_row(page: _Page, tds: Sequence[_Td], width: int) -> None:
    """``规章 | 0 | 0 | 0 |``: each cell ``text |``, a blank ``|``, a ``|||`` run padding to the width."""
    q = page.quirks
    if q.open_rows:
        _open_pipe_row(page, tds)
        return
    page.line(*([_Seg("| ")] if q.lead_bar else []))
    is_fresh, is_broken = True, False
    for index, td in enumerate(tds):
        if not td.text and q.broken_blanks and index:
            page.line(_Seg("|", td.key))
            is_broken = True
            continue
        if is_broken:
            page.line()
            is_fresh, is_broken = True, False
        joiner = _Seg("" if is_fresh else " ")
        if td.text:
            page.extend(joiner, _Seg(td.text, td.key), _Seg(" |"))
        else:
            page.extend(joiner, _Seg("|", td.key))
        is_fresh = False
    pad = width - len(tds)
    if q.pad_runs and pad > 0:
        page.extend(_Seg(" " + "|" * pad))
    elif q.extra_column:
        page.extend(_Seg(" |"))
    if q.lead_bar:
        page.extend(_Seg(" "))


def _open_pipe_row(page: _Page, tds: Sequence[_Td]) -> None:
    """``规章 | 0 |  | 2``: cells between bars, no bar closing the row (markdown without outer bars);
    blank cells at the end of a row leave nothing."""
    while tds and not tds[-1].text:
        if tds[-1].key is not None and page.row is not None:
            page.row.is_lossy = True
            page.row.dropped.append(tds[-1].key)
        tds = tds[:-1]
    page.line()
    for index, td in enumerate(tds):
        if index:
            page.extend(_Seg(" | " if td.text else " |"))
        page.extend(_Seg(td.text or " ", td.key))


def _bars_row(page: _Page, tds: Sequence[_Td], width: int) -> None:
    """One cell per line ending `` |``, a blank cell a lone ``|``; padding runs and row openers on lines of their own."""
    q = page.quirks
    if q.row_opener:
        page.line(_Seg("|"))
    for td in tds:
        if td.text:
            page.line(_Seg(td.text, td.key), _Seg(" |"))
        else:
            page.line(_Seg("|", td.key))
    pad = width - len(tds)
    if q.pad_runs and pad > 0:
        page.line(_Seg("|" * pad))


def _separated_row(page: _Page, tds: Sequence[_Td], width: int) -> None:
    """One cell per line, a line holding ``|`` after each; a blank cell an empty line; header cells may wrap."""
    q = page.quirks
    for index, td in enumerate(tds):
        lead = "| " if q.lead_bar and index == 0 else ""
        if page.row is None and q.split_headers and _wraps(td.text, 6):
            cut = _header_cut(td.text)
            page.line(_Seg(lead + td.text[:cut]))
            page.line(_Seg(td.text[cut:]))
        else:
            page.line(_Seg(lead), _Seg(td.text, td.key))
        page.line(_Seg("|"))


def _blank_line_row(page: _Page, tds: Sequence[_Td], width: int) -> None:
    """One cell per line, a blank line after each; a blank cell leaves nothing, so its row's cells cannot be placed."""
    q = page.quirks
    if page.row is not None and any(td.key is not None and not td.text for td in tds):
        page.row.is_lossy = True
        page.row.dropped += [td.key for td in tds if td.key is not None and not td.text]
    for td in tds:
        if not td.text:
            continue
        if page.row is None and q.split_headers and _wraps(td.text, 4):
            cut = _header_cut(td.text)
            page.line(_Seg(td.text[:cut]))
            if page.rng.random() < 0.5:
                page.line()
            page.line(_Seg(td.text[cut:]))
        elif td.key is not None and q.indent_values:
            page.line(_Seg(page.rng.choice((" ", "  "))), _Seg(td.text, td.key))
        else:
            page.line(_Seg(td.text, td.key))
        page.line(_Seg(" ") if q.indent_values and page.rng.random() < 0.2 else _Seg(""))


def _wraps(text: str, at_least: int) -> bool:
    """Header cells wrap in narrow columns; the anchors that locate a table (第二十条第（一）项, the 勾稽关系
    note) are printed whole."""
    solid = text.replace(" ", "")
    is_cut = solid in _CUT_HEADERS.values()  # a cell a page already cut short is not wrapped as well
    return len(solid) >= at_least and not is_cut and "第二十条" not in solid and "勾稽" not in solid


def _header_cut(text: str) -> int:
    """Where a narrow column wraps a header cell: after 本年新 / 上一年, else in the middle."""
    for head in ("本年新", "上一年", "本年", "对外公开", "法律服务", "社会公益", "商业", "科研"):
        if text.startswith(head) and len(text) > len(head):
            return len(head)
    return len(text) // 2


_ROW_WRITERS: dict[str, Callable[[_Page, Sequence[_Td], int], None]] = {
    "pipe_no_border": _pipe_row, "cell_per_line_bars": _bars_row, "bar_separated": _separated_row,
    "blank_line_cells": _blank_line_row,
}


def _render_pdf(page: _Page, blocks: Sequence[synth.Paragraph | synth.Table], style: synth.Style) -> None:
    """A PDF's text layer: wrapped prose, rows as label + single-spaced values, page footers wherever pages end."""
    rng, q = page.rng, page.quirks
    width = rng.randint(24, 34)
    label_width = rng.randint(14, 22)
    per_page = rng.randint(28, 44)
    split = set()
    if q.split_numbers:
        # only in rows that print every cell: `1 8 -6` for 18 | -6 | blank reads as three numbers to
        # any reader, so a split there would test nothing a reader can know
        long_numbers = [cell.key for block in blocks if isinstance(block, synth.Table) and block.name != "legacy"
                        for row in block.rows if all(cell.text for cell in row if cell.key)
                        for cell in row if cell.key and len(cell.text) >= 2 and cell.text.isdigit()]
        split = set(rng.sample(long_numbers, min(q.split_numbers, len(long_numbers))))
    lines_on_page = 0

    def emit(*segs: _Seg) -> None:
        nonlocal lines_on_page
        page.line(*segs)
        lines_on_page += 1
        if q.page_footers and lines_on_page >= per_page:
            page.page_number += 1
            saved, page.row = page.row, None
            page.line(_Seg(_footer_text(page.page_number, rng)))
            page.row = saved
            lines_on_page = 0

    for block in blocks:
        if isinstance(block, synth.Paragraph):
            # A title stands centred on lines of its own (agency / year and title); prose wraps at the column width.
            pieces = block.text.split(" ", 1) if block.mark == "title" else _wrap(_spaced_digits(block.text), width)
            for index, piece in enumerate(pieces):
                seg = _Seg(piece.strip(" "))
                emit(seg)
                if block.mark and (index == 0 or block.mark == "title"):
                    page.marks[block.mark] = seg
            continue
        scheduled: dict[int, list[str]] = {}
        for r, row in enumerate(block.rows):
            tds = _tds(row)
            keys = _keys(tds)
            if not keys:
                header = " ".join(td.text for td in tds if td.text)
                for piece in _wrap(header, width) if "勾稽" in header else _header_lines(tds, q):
                    seg = _Seg(piece)
                    emit(seg)
                    _header_mark(page, block, r, [seg])
                continue
            labels = [td for td in tds if td.key is None and td.text]
            own = labels[-1].text if labels else ""
            for cell, td in zip(row, tds, strict=True):
                if td.key is None and td.text and td.text != own and cell.rowspan > 1:
                    scheduled.setdefault(r + cell.rowspan // 2, []).append(td.text)
            for text in scheduled.pop(r, []):
                emit(_Seg(text))
            page.begin_row(block.name, keys)
            values = [td for td in tds if td.key is not None]
            if any(not td.text for td in values) or any(td.key in split for td in values):
                page.row.is_lossy = True
                page.row.dropped += [td.key for td in values if not td.text]
            value_segs: list[_Seg] = []
            for td in values:
                if not td.text:
                    continue
                text = f"{td.text[:1]} {td.text[1:]}" if td.key in split else td.text
                value_segs += [_Seg(" ") if value_segs else _Seg(""), _Seg(text, td.key)]
            parts = _wrap(own, label_width) if own else [""]
            if len(parts) == 1:
                emit(_Seg(parts[0]), *([_Seg(" ")] if parts[0] and value_segs else []), *value_segs)
            elif q.values_apart:
                for part in parts:
                    emit(_Seg(part))
                emit(*value_segs)
            else:
                emit(_Seg(parts[0]), _Seg(" "), *value_segs)
                for part in parts[1:]:
                    emit(_Seg(part))
            page.end_row()
        for texts in scheduled.values():
            for text in texts:
                emit(_Seg(text))


def _header_lines(tds: Sequence[_Td], quirks: Quirks) -> list[str]:
    """A header row as a PDF's text layer prints it: one line of its cells, or (``wrapped_headers``)
    the cells a narrow column wraps cut in two, their heads on one line and their tails on the next."""
    texts = [td.text for td in tds if td.text]
    if (not quirks.wrapped_headers or not any(_wraps(text, 5) for text in texts)
            or any("(" in text or "（" in text or " " in text for text in texts)):
        # a cell with a filling instruction wraps over many lines, and stray spaces inside words
        # (spaced_words) leave no way to tell which words stand in which column: not this family
        return [" ".join(texts)]
    heads, tails = [], []
    for text in texts:
        cut = _header_cut(text) if _wraps(text, 5) else len(text)
        heads.append(text[:cut])
        if cut < len(text):
            tails.append(text[cut:])
    return [" ".join(heads), " ".join(tails)]


def _wrap(text: str, width: int) -> list[str]:
    """Hard wraps every ``width`` characters, never inside a run of digits (a PDF breaks lines between glyph runs)."""
    out, current = [], ""
    i = 0
    while i < len(text):
        j = i + 1
        if text[i].isdigit() or text[i] == ".":
            while j < len(text) and (text[j].isdigit() or text[j] == "."):
                j += 1
        token = text[i:j]
        if len(current) + len(token) > width and current:
            out.append(current)
            current = ""
        current += token
        i = j
    if current or not out:
        out.append(current)
    return out


def _spaced_digits(text: str) -> str:
    """Spaces around runs of Latin digits, as a PDF's text layer gives them: ``2023 年 1 月``."""
    return re.sub(r"(?<=[\u4e00-\u9fff])(\d+)(?=[\u4e00-\u9fff])", r" \1 ", text)


def _render_fused(page: _Page, blocks: Sequence[synth.Paragraph | synth.Table], style: synth.Style) -> None:
    """The whole page on one line: paragraphs and cells run together with no separator."""
    rng, q = page.rng, page.quirks
    page.line()
    for block in blocks:
        if isinstance(block, synth.Paragraph):
            seg = _Seg(block.text)
            page.extend(seg, _Seg(rng.choice(("", "", " "))))
            if block.mark:
                page.marks[block.mark] = seg
            continue
        for r, row in enumerate(block.rows):
            tds = _tds(row)
            keys = _keys(tds)
            if keys:
                page.begin_row(block.name, keys, is_lossy=True)
                page.row.dropped += [td.key for td in tds if td.key is not None and not td.text]
            segs = []
            for td in tds:
                if not td.text:
                    continue
                segs += [_Seg(td.text, td.key), _Seg(" " if rng.random() < q.fused_spaces else "")]
            page.extend(*segs)
            _header_mark(page, block, r, segs)
            page.end_row()


_RENDERERS = {**dict.fromkeys(_ROW_WRITERS, _render_lines), "pdf_text": _render_pdf, "fused": _render_fused}


# --- Traditional characters and pinyin ---------------------------------------------------------------------

# Pinyin of Traditional characters that occur in the form's labels and in report prose.
_PINYIN = {
    "報": "bào", "開": "kāi", "請": "qǐng", "數": "shù", "據": "jù", "項": "xiàng", "內": "nèi", "發": "fā", "經": "jīng",
    "濟": "jì", "區": "qū", "認": "rèn", "實": "shí", "規": "guī", "業": "yè", "關": "guān", "係": "xì", "為": "wéi",
    "於": "yú", "辦": "bàn", "結": "jié", "轉": "zhuǎn", "總": "zǒng", "計": "jì", "處": "chǔ", "罰": "fá", "強": "qiáng",
    "製": "zhì", "許": "xǔ", "務": "wù", "機": "jī", "構": "gòu", "體": "tǐ", "況": "kuàng", "動": "dòng", "網": "wǎng",
    "門": "mén", "戶": "hù", "條": "tiáo", "國": "guó", "問": "wèn", "題": "tí", "進": "jìn", "應": "yīng", "獲": "huò",
    "費": "fèi", "額": "é", "萬": "wàn", "單": "dān", "採": "cǎi", "購": "gòu", "資": "zī", "訊": "xùn", "複": "fù",
    "議": "yì", "訴": "sù", "訟": "sòng", "維": "wéi", "糾": "jiū", "審": "shěn", "屬": "shǔ", "執": "zhí", "詢": "xún",
    "現": "xiàn", "廢": "fèi", "決": "jué", "會": "huì", "員": "yuán", "縣": "xiàn", "鎮": "zhèn", "鄉": "xiāng",
    "統": "tǒng", "時": "shí", "對": "duì", "與": "yǔ", "導": "dǎo", "護": "hù", "權": "quán", "範": "fàn", "檔": "dàng",
    "類": "lèi", "組": "zǔ", "織": "zhī", "當": "dāng", "復": "fù", "險": "xiǎn", "穩": "wěn", "繼": "jì", "續": "xù",
    "確": "què", "獨": "dú", "頒": "bān", "佈": "bù", "極": "jí", "隻": "zhī", "謀": "móu",
    "設": "shè", "聯": "lián", "繫": "xì", "華": "huá", "號": "hào", "電": "diàn", "話": "huà", "環": "huán", "讀": "dú",
}


@cache
def _converter(mode: str) -> Callable[[str], str]:
    import opencc  # a dependency of govdata (normalize.py reads Traditional with it)

    if mode == "chars":
        single = opencc.OpenCC("s2t")
        # Character by character, as careless mirrors convert: 制→製 and 只→隻 always, 范 and 于 kept.
        table = {"制": "製", "只": "隻", "范": "范", "于": "于"}

        @cache
        def one(ch: str) -> str:
            return table.get(ch) or single.convert(ch)

        def convert(text: str) -> str:
            return "".join(one(ch) for ch in text)

        return convert
    return opencc.OpenCC(mode).convert


def _traditional(page: _Page) -> None:
    """Convert every segment; with ``glosses`` add pinyin after a per-page choice of converted characters."""
    q = page.quirks
    if not q.traditional:
        return
    convert = _converter(q.traditional)
    glossed = {ch for ch in sorted(_PINYIN) if _PINYIN[ch] and page.rng.random() < 0.5} if q.glosses else set()
    for line in page.lines:
        for seg in line:
            converted = convert(seg.text)
            if glossed:
                converted = "".join(f"{ch}({_PINYIN[ch]})" if ch in glossed else ch for ch in converted)
            seg.text = converted


# --- assembling the text and the truth ----------------------------------------------------------------------


def _assemble(page: _Page, figures: synth.Figures, typo_rows: set[tuple[str, str]]) -> tuple[str, list[TruthCell], dict[str, bool]]:
    """The final text (a page that begins mid-table, Traditional characters, a cut) and the truth of every printed cell."""
    q = page.quirks
    if q.mid_table_start is not None and page.t3_rows and page.layout != "fused":
        start = page.t3_rows[min(q.mid_table_start, len(page.t3_rows) - 1)].first_line
        index = next(i for i, line in enumerate(page.lines) if line is start)
        prefix: list[list[_Seg]] = []
        if q.page_prefix:  # a flipbook page: Page 3 - <title> / P. 3
            title = page.marks["title"].text.replace(" ", "")
            title = title if title.endswith("报告") else title + "政府信息公开工作年度报告"  # a split title's first line
            page.marks["prefix"] = _Seg(f"Page {page.page_number} - {title}")
            prefix = [[page.marks["prefix"]], [_Seg(f"P. {page.page_number}")]]
        page.lines = prefix + page.lines[index:]
    _traditional(page)
    lines = page.lines
    position = 0
    for number, line in enumerate(lines, start=1):
        for seg in line:
            seg.start, seg.end = position, position + len(seg.text)
            position = seg.end
            seg.line = number  # type: ignore[attr-defined]
        position += 1
    text = "\n".join("".join(seg.text for seg in line) for line in lines) + "\n"
    cut = len(text)
    if q.truncate_at is not None:
        cut = min(cut, len(text.encode("utf-8")[:q.truncate_at].decode("utf-8", errors="ignore")))
    if q.truncate_in_tables is not None:
        table_segs = [seg for row in page.rows for seg in row.segs if seg.start >= 0]
        if table_segs:
            first, last = min(s.start for s in table_segs), max(s.end for s in table_segs)
            cut = min(cut, first + int((last - first) * q.truncate_in_tables))
    text = text[:cut]
    cells = _truth_cells(page, figures, typo_rows, cut, set(map(id, (seg for line in lines for seg in line))))
    printed = set(map(id, (seg for line in lines for seg in line)))

    def survives(name: str) -> bool:
        seg = page.marks.get(name)
        return seg is not None and id(seg) in printed and seg.end < cut

    marks = {"year": survives("title") or survives("prefix"), "template": survives("t2header")}
    return text, cells, marks


def _truth_cells(page: _Page, figures: synth.Figures, typo_rows: set[tuple[str, str]], cut: int,
                 printed: set[int]) -> list[TruthCell]:
    q = page.quirks
    out: list[TruthCell] = []
    for row in page.rows:
        segs = [seg for seg in row.segs if id(seg) in printed]
        if not segs or segs[0].start >= cut:
            continue  # before the page's start or after the cut
        is_complete = len(segs) == len(row.segs) and max(seg.end for seg in segs) < cut
        row_key = row.keys[0][1] if row.table != "table4" else "*"
        loss = ("boundaries" if row.is_lossy else "label" if (row.table, row_key) in typo_rows or q.traditional == "s2twp"
                else "" if is_complete else "cut")
        by_key = {seg.key: seg for seg in segs if seg.key is not None}
        for key in row.keys:
            seg = by_key.get(key)
            if key in row.dropped:
                out.append(TruthCell(key[0], key[1], key[2], None, segs[0].line, False, loss))  # type: ignore[attr-defined]
                continue
            if seg is None or seg.start >= cut or (seg.start == seg.end and seg.start >= cut - 1):
                continue
            cell_loss = loss or ("" if seg.end <= cut else "cut")
            out.append(TruthCell(key[0], key[1], key[2], _true_value(figures, key), seg.line,  # type: ignore[attr-defined]
                                 not cell_loss, cell_loss))
    return out


def _true_value(figures: synth.Figures, key: tuple[str, ...]) -> float | None:
    table, a, b = key
    if table == "table2":
        raw = figures.table2[(a, b)].removesuffix("元")
        return None if raw == "" else float(raw)
    value = (figures.table3 if table == "table3" else figures.table4)[(a, b)]
    return None if value is None else float(value)


def describe(report: FamilyReport) -> dict[str, Any]:
    """What a test failure should show: the layout, the quirks that are not at their default, the cut."""
    changed = {name: getattr(report.quirks, name) for name in report.quirks.__dataclass_fields__
               if getattr(report.quirks, name) != getattr(Quirks(), name)}
    return {"name": report.name, "layout": report.layout, "template": report.figures.template, "year": report.figures.year,
            "quirks": changed}
