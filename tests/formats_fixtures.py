"""Build the same report as HTML, DOCX, PDF and GB18030 text from a bundled text seed.

Why here and not as files in data/: raw data is immutable and holds what agencies published;
these are test fixtures derived from it, rebuilt by the tests that use them, so a change to a
seed or to a writer can never leave a stale fixture behind.

A seed is read into blocks: paragraphs, and tables as the rows of cells that were printed.
Rows that the seed printed short (the 2020 cell-per-line report drops cells that a rowspan
covered) are made rectangular: a row with numbers gets its last label widened so the numbers
line up at the right, as a label cell spanning columns does in the published tables. Then
merged cells are inferred the way real reports merge them: a label followed by blank cells is
widened over them (a header such as 申请人情况 over its columns; 一、本年新收… over the label
columns) and then lengthened over the blank cells below it (三、本年度办理结果 down its group).
Merges only ever cover blank cells, so reading a fixture back with "covered cells are blank"
gives back exactly the seed's grid.
"""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from govdata.normalize import parse_number

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Merged:
    """A cell of a fixture table: where it starts and how far it reaches."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


# --- seed -> blocks ------------------------------------------------------------------------


def seed_blocks(text: str) -> list[Paragraph | Table]:
    """Paragraphs and tables of a seed, in order, for either text layout of the seeds."""
    lines = text.replace("\r\n", "\n").split("\n")
    if _is_cell_per_line(lines):
        return _cell_per_line_blocks(lines)
    return _tabbed_blocks(lines)


def _is_cell_per_line(lines: list[str]) -> bool:
    starts = sum(1 for line in lines if line.startswith("\t"))
    multi = sum(1 for line in lines if line.count("\t") >= 2)
    return starts > 3 * max(1, multi)


def _tabbed_blocks(lines: list[str]) -> list[Paragraph | Table]:
    """A run of lines with tabs is a table; a line of text ends it.

    Blank lines inside the run do not: the seeds were copied from web pages, where a blank
    line inside a table is a row that wrapped (2019 开发区: "3.危及“三安全一" / "稳定”"). Ending the
    table there would also put two tables next to each other with nothing between them,
    which Word cannot hold: saving as .doc glues them into one table of both grids.
    """
    blocks: list[Paragraph | Table] = []
    rows: list[tuple[str, ...]] = []
    for line in lines:
        if "\t" in line:
            rows.append(tuple(cell.strip() for cell in line.split("\t")))
        elif line.strip():
            if rows:
                blocks.append(Table(tuple(rows)))
                rows = []
            blocks.append(Paragraph(line.strip()))
    if rows:
        blocks.append(Table(tuple(rows)))
    return blocks


def _cell_per_line_blocks(lines: list[str]) -> list[Paragraph | Table]:
    """Blank-line separated blocks; a block of tab-marked cells is a row (a cell may wrap onto
    unmarked lines: "\\t本年新制" / "作数量"); consecutive rows form a table."""
    blocks: list[Paragraph | Table] = []
    rows: list[tuple[str, ...]] = []
    for chunk in re.split(r"\n[ \u3000]*\n", "\n".join(lines) + "\n\n"):
        if chunk.startswith("\t"):
            rows.append(tuple(cell.replace("\n", "").strip() for cell in re.split(r"\n?\t", chunk)[1:]))
            continue
        if rows:
            blocks.append(Table(tuple(rows)))
            rows = []
        blocks.extend(Paragraph(line.strip()) for line in chunk.split("\n") if line.strip())
    return blocks


# --- tables -> merged cells ------------------------------------------------------------------


def _is_number(text: str) -> bool:
    parsed = parse_number(text)
    return parsed is not None and (parsed.is_number or parsed.is_placeholder)


def rectangular(rows: tuple[tuple[str, ...], ...]) -> list[list[str]]:
    """Pad short rows to the table's width: after the last label when the row has numbers."""
    width = max(len(row) for row in rows)
    grid = []
    for row in rows:
        cells = list(row)
        missing = width - len(cells)
        labels = [i for i, text in enumerate(cells) if text and not _is_number(text)]
        if missing and labels and any(_is_number(text) for text in cells):
            cells[labels[-1] + 1:labels[-1] + 1] = [""] * missing
        else:
            cells += [""] * missing
        grid.append(cells)
    return grid


def merged_cells(grid: list[list[str]]) -> list[list[Merged]]:
    """Each row's cells left to right, with merges inferred (see the module docstring)."""
    n_rows, width = len(grid), len(grid[0])
    covered: set[tuple[int, int]] = set()
    out: list[list[Merged]] = [[] for _ in grid]
    for r in range(n_rows):
        first_number = next((c for c, text in enumerate(grid[r]) if _is_number(text)), width)
        for c in range(width):
            if (r, c) in covered:
                continue
            text = grid[r][c]
            colspan = rowspan = 1
            if text and not _is_number(text):
                limit = first_number if first_number > c else width
                while c + colspan < limit and not grid[r][c + colspan] and (r, c + colspan) not in covered:
                    colspan += 1
                while r + rowspan < n_rows and all(not grid[r + rowspan][k] and (r + rowspan, k) not in covered
                                                   for k in range(c, c + colspan)) and any(grid[r + rowspan]):
                    rowspan += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    covered.add((r + dr, c + dc))
            out[r].append(Merged(r, c, text, rowspan, colspan))
    return out


def expected_lines(block: Table) -> list[str]:
    """The tab-separated lines a reader should give back for a table (blank rows dropped)."""
    return ["\t".join(row) for row in rectangular(block.rows) if any(row)]


# --- writers ---------------------------------------------------------------------------------


def to_html(blocks: list[Paragraph | Table], *, in_script: bool = False) -> str:
    """A page with site chrome around the report; ``in_script`` ships the report as an escaped
    JavaScript string that a script would insert into an empty <div>, as some sites do."""
    body = "\n".join(_html_block(block) for block in blocks)
    chrome_top = ('<header><div class="logo">晋江市人民政府</div></header>\n'
                  '<nav><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li></ul></nav>\n'
                  '<div class="breadcrumb">当前位置：首页 &gt; 政府信息公开年报</div>\n')
    chrome_bottom = '<footer><p>主办单位：晋江市人民政府办公室 版权所有</p></footer>\n<script>var _hmt = _hmt || [];</script>\n'
    if in_script:
        content = f'<div id="content"></div>\n<script>\nvar report = {{"title": "年报", "body": {json.dumps(body)}}};\n' \
                  'document.getElementById("content").innerHTML = report.body;\n</script>\n'
    else:
        content = f'<div class="article">\n{body}\n</div>\n'
    return (f'<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"><title>年度报告</title>\n<style>td {{border: 1px solid}}</style>\n'
            f'</head>\n<body>\n{chrome_top}{content}{chrome_bottom}</body>\n</html>\n')


def _html_block(block: Paragraph | Table) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{html.escape(block.text)}</p>"
    rows = []
    for row in merged_cells(rectangular(block.rows)):
        cells = "".join(f"<td{_span_attrs(cell)}>{html.escape(cell.text)}</td>" for cell in row)
        rows.append(f"<tr>{cells}</tr>")
    return '<table border="1" cellspacing="0">\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>"


def _span_attrs(cell: Merged) -> str:
    return (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")


def to_docx(blocks: list[Paragraph | Table]) -> bytes:
    """A Word document: paragraphs, and tables with merged cells as Word merges them."""
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, Paragraph):
            document.add_paragraph(block.text)
            continue
        grid = rectangular(block.rows)
        table = document.add_table(rows=len(grid), cols=len(grid[0]))
        table.style = "Table Grid"
        for row in merged_cells(grid):
            for cell in row:
                target = table.cell(cell.row, cell.col)
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
                target.text = cell.text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_pdf(blocks: list[Paragraph | Table], *, font: Path = CJK_FONT, heading_rows: int = 0, page_numbers: bool = False) -> bytes:
    from tests.conftest import require_system_package

    require_system_package(font.exists(), "fonts-wqy-microhei")
    """A PDF with an embedded CJK font; value columns are narrow, so their headers stack one
    character per line, and long tables run over page breaks, as in published reports.

    ``heading_rows`` repeats that many first rows of each table on every page it reaches
    (Word's "repeat header rows"); ``page_numbers`` prints "- N -" in each page's footer.
    """
    from fpdf import FPDF, FontFace
    from fpdf.enums import WrapMode

    class _PDF(FPDF):
        def footer(self) -> None:
            if page_numbers:
                self.set_y(-12)
                self.cell(0, 5, f"- {self.page_no()} -", align="C")

    pdf = _PDF(format="A4")
    pdf.add_font("cjk", fname=str(font))
    pdf.set_font("cjk", size=9)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    for block in blocks:
        if isinstance(block, Paragraph):
            pdf.multi_cell(0, 5, block.text, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
            continue
        grid = rectangular(block.rows)
        with pdf.table(col_widths=_column_widths(grid), first_row_as_headings=heading_rows > 0, num_heading_rows=max(1, heading_rows),
                       headings_style=FontFace(), wrapmode=WrapMode.CHAR, text_align="LEFT", line_height=4, padding=0.8) as table:
            for row in merged_cells(grid):
                pdf_row = table.row()
                for cell in row:
                    pdf_row.cell(cell.text, rowspan=cell.rowspan, colspan=cell.colspan)
        pdf.ln(2)
    return bytes(pdf.output())


def _column_widths(grid: list[list[str]]) -> list[float]:
    """Columns as wide as their numbers (and at least a little); label columns share the rest."""
    width = len(grid[0])
    number_width = [max((len(r[c]) for r in grid if _is_number(r[c])), default=0) for c in range(width)]
    label_width = [max((len(r[c]) for r in grid if r[c] and not _is_number(r[c])), default=0) for c in range(width)]
    is_value_column = [number_width[c] > 0 and sum(1 for r in grid if _is_number(r[c])) * 2 >= sum(1 for r in grid if r[c])
                       for c in range(width)]
    widths = [max(6.0, 2.0 * number_width[c] + 2.5) if is_value_column[c] else float(min(max(label_width[c], 2), 14)) for c in range(width)]
    value_total = sum(w for w, v in zip(widths, is_value_column, strict=True) if v)
    label_total = sum(w for w, v in zip(widths, is_value_column, strict=True) if not v)
    room = 180.0 - value_total
    if label_total and room > 0:
        widths = [w if v else w * room / label_total for w, v in zip(widths, is_value_column, strict=True)]
    return widths


def to_gb18030(text: str) -> bytes:
    return text.encode("gb18030")


def synthetic_report_pdf(index: int) -> bytes:
    """The ``index``-th synthetic report (govdata.synth, every name and number invented) printed
    as a PDF: templates in turn, header rows repeated on every page for odd indices, page
    numbers in the footer on two indices of three, so a set of them shows every layout the PDF
    reader handles. The same index always gives the same pages (not the same bytes: fpdf2
    stamps the creation date). fpdf2 cannot repeat a first row whose merged cells reach into
    the rows below it; such a report is printed without repeated headers."""
    from fpdf.errors import FPDFException

    from govdata import synth

    report = synth.make_report(seed=f"pdf:{index}", template=synth.TEMPLATES[index % len(synth.TEMPLATES)], layout="tabbed")
    blocks = seed_blocks(report.data.decode(report.encoding))
    page_numbers = index % 3 != 0
    try:
        return to_pdf(blocks, heading_rows=index % 2, page_numbers=page_numbers)
    except FPDFException:
        return to_pdf(blocks, page_numbers=page_numbers)
