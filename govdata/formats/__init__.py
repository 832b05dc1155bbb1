"""Format readers: every way agencies publish a report, rendered to ONE line model.

Why one model: the parser reads lines, and tables as lines of tab-separated cells (the
"tabbed" layout of the text seeds). Every reader here renders its format to exactly that
(:mod:`govdata.formats.grid`), so there is no parser per format and a layout fix helps all.

- :mod:`~govdata.formats.sniff` tells the format from the bytes, not the file name;
- :mod:`~govdata.formats.text` detects the encoding of text (UTF-8, BOM, GB18030/GBK, Big5);
- :mod:`~govdata.formats.html`, :mod:`~govdata.formats.docx`, :mod:`~govdata.formats.pdf` (page
  objects from :mod:`~govdata.formats.pdf_objects`, ruled tables from
  :mod:`~govdata.formats.pdf_lattice`) and
  :mod:`~govdata.formats.legacy_office` (.doc/.wps/.rtf via LibreOffice) render the rest.

Entry point: :func:`render`. docs/formats.md says what ``line`` means for each format.
"""

from __future__ import annotations

from govdata.formats.errors import ReadError
from govdata.formats.limits import ResourceLimitError
from govdata.formats.rendering import Rendering
from govdata.formats.sniff import looks_like_html, sniff_format

__all__ = ["ReadError", "Rendering", "looks_like_html", "render", "sniff_format"]


def render(raw: bytes, source: str) -> Rendering:
    """Render raw report bytes of any supported format; raises ReadError naming the file.

    Errors of the underlying libraries on damaged files are turned into ReadError here, so a
    batch lists the file with a reason instead of stopping on a traceback; so is a file past
    one of the readers' resource limits (:mod:`govdata.formats.limits`), with the limit named.
    """
    kind = sniff_format(raw)
    try:
        return _render(kind, raw, source)
    except ReadError:
        raise
    except ResourceLimitError as exc:
        raise ReadError(source, exc.reason) from exc
    except RecursionError as exc:  # structure nested past what a recursive reader can walk
        raise ReadError(source, f"cannot read as {_KIND_NAMES.get(kind, kind)}: nested too deeply to be read") from exc
    except Exception as exc:  # any library failure on a damaged file is a read failure of that file
        raise ReadError(source, f"cannot read as {_KIND_NAMES.get(kind, kind)}: damaged or truncated file "
                                f"({type(exc).__name__}: {str(exc)[:200]})") from exc


_KIND_NAMES = {"pdf": "PDF", "docx": "Word .docx", "ole": "legacy Word/WPS (OLE2)", "rtf": "RTF", "html": "HTML", "text": "text"}


def _render(kind: str, raw: bytes, source: str) -> Rendering:
    from govdata.formats import text

    if kind == "pdf":
        from govdata.formats.pdf import render_pdf

        return render_pdf(raw, source)
    if kind == "docx":
        from govdata.formats.docx import render_docx

        return render_docx(raw)
    if kind in ("ole", "rtf"):
        from govdata.formats.legacy_office import render_legacy_office

        return render_legacy_office(raw, source, kind="rtf" if kind == "rtf" else "doc/wps")
    if kind == "zip":
        raise ReadError(source, "zip archive that is not a Word .docx (an .xlsx, .odt or a folder of files?): not a report")
    if kind == "html":
        from govdata.formats.html import declared_charset, render_html

        decoded, encoding = text.decode_text(raw, source, declared=declared_charset(raw))
        return render_html(decoded, encoding=encoding)
    decoded, encoding = text.decode_text(raw, source)
    if looks_like_html(decoded):  # a UTF-16 page: its markup shows only once decoded
        from govdata.formats.html import render_html

        return render_html(decoded, encoding=encoding)
    return Rendering(lines=text.split_lines(decoded), encoding=encoding, format="text")
