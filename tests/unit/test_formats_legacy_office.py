""".doc/.wps/.rtf: converted by LibreOffice when it is there, a clear how-to-convert message when not."""

from __future__ import annotations

import io
import stat
import sys

import docx
import pytest

from govdata.formats.legacy_office import find_soffice
from govdata.read import ReadError, read_document
from tests.conftest import require_system_package

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512


def _fake_soffice(tmp_path, docx_bytes: bytes | None, *, exit_code: int = 0):
    """A stand-in `soffice` that 'converts' by writing prepared .docx bytes where LibreOffice would."""
    prepared = tmp_path / "prepared.docx"
    if docx_bytes is not None:
        prepared.write_bytes(docx_bytes)
    script = tmp_path / "soffice"
    script.write_text(
        f"#!{sys.executable}\n"
        "import shutil, sys, pathlib\n"
        "args = sys.argv[1:]\n"
        "outdir = pathlib.Path(args[args.index('--outdir') + 1]); source = pathlib.Path(args[-1])\n"
        f"if {docx_bytes is not None!r}: shutil.copy({str(prepared)!r}, outdir / (source.stem + '.docx'))\n"
        "print('convert ' + str(source), file=sys.stderr)\n"
        f"sys.exit({exit_code})\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def _docx_with(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_without_libreoffice_a_legacy_doc_says_how_to_convert(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("GOVDATA_SOFFICE", raising=False)
    assert find_soffice() is None
    with pytest.raises(ReadError, match=r"LibreOffice is needed .*soffice --headless --convert-to docx r\.wps") as error:
        read_document(raw=OLE2, source="reports/r.wps")
    assert error.value.source == "reports/r.wps"


def test_with_libreoffice_a_legacy_doc_is_read_through_the_converted_docx(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVDATA_SOFFICE", str(_fake_soffice(tmp_path, _docx_with("一、总体情况"))))
    doc = read_document(raw=OLE2, source="r.doc")
    assert (doc.format, doc.lines) == ("docx", ("一、总体情况",))
    assert doc.locate(1) == "paragraph 1 (of the .docx converted by LibreOffice)"


def test_rtf_goes_through_libreoffice_too(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVDATA_SOFFICE", str(_fake_soffice(tmp_path, _docx_with("二、主动公开"))))
    assert read_document(raw=b"{\\rtf1\\ansi \\u20108?}", source="r.rtf").lines == ("二、主动公开",)


def test_a_failed_conversion_is_a_read_error_with_libreoffice_s_last_words(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVDATA_SOFFICE", str(_fake_soffice(tmp_path, None, exit_code=1)))
    with pytest.raises(ReadError, match=r"LibreOffice could not convert the file to \.docx: convert .*report\.doc"):
        read_document(raw=OLE2, source="r.doc")


def test_real_libreoffice_converts_a_docx_saved_as_doc(tmp_path, monkeypatch):
    monkeypatch.delenv("GOVDATA_SOFFICE", raising=False)
    require_system_package(find_soffice() is not None, "libreoffice-writer-nogui")
    original = tmp_path / "r.docx"
    original.write_bytes(_docx_with("一、总体情况"))
    import subprocess

    subprocess.run([find_soffice(), "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(original)], check=True,
                   capture_output=True, timeout=120)
    assert read_document(tmp_path / "r.doc").lines == ("一、总体情况",)
