"""Legacy Word (.doc), WPS (.wps) and RTF files -> .docx through LibreOffice, then the DOCX reader.

Why convert rather than parse: the binary .doc/.wps formats (OLE2 compound files) have no
well-kept pure-Python reader that keeps tables and merged cells; LibreOffice converts them
faithfully, and the converted .docx then goes through the same reader (and the same grid
model) as every other Word file. Without LibreOffice the reader says how to convert by hand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from govdata.formats.docx import render_docx
from govdata.formats.errors import ReadError
from govdata.formats.rendering import Rendering

# Converting one report takes seconds; a minute means LibreOffice hangs (a dialog, a lock).
_CONVERT_TIMEOUT_S = 120
_SOFFICE_NAMES = ("soffice", "libreoffice")


def find_soffice() -> str | None:
    """The LibreOffice command on PATH (``GOVDATA_SOFFICE`` overrides), or None."""
    override = os.environ.get("GOVDATA_SOFFICE")
    if override:
        return shutil.which(override) or (override if Path(override).is_file() else None)
    return next((found for name in _SOFFICE_NAMES if (found := shutil.which(name))), None)


def render_legacy_office(raw: bytes, source: str, *, kind: str) -> Rendering:
    """Convert a legacy office file (``kind`` names it in messages: doc/wps/rtf) and render it."""
    suffix = Path(source).suffix.lower() or {"rtf": ".rtf"}.get(kind, ".doc")
    soffice = find_soffice()
    if soffice is None:
        raise ReadError(source, f"legacy {kind} file: LibreOffice is needed to read it and `soffice` was not found; "
                                f"install LibreOffice, or convert it with `soffice --headless --convert-to docx {Path(source).name}` "
                                "(or Save As .docx in Word/WPS) and read the .docx")
    with tempfile.TemporaryDirectory(prefix="govdata-convert-") as workdir:
        original = Path(workdir) / f"report{suffix}"
        original.write_bytes(raw)
        converted = convert_to_docx(soffice, original, source)
        rendering = render_docx(converted.read_bytes())
    return Rendering(lines=rendering.lines, locators=[f"{loc} (of the .docx converted by LibreOffice)" for loc in rendering.locators],
                     encoding=rendering.encoding, format="docx")


def convert_to_docx(soffice: str, original: Path, source: str) -> Path:
    """Run LibreOffice headless in a private profile (so a running instance cannot block it)."""
    profile = original.parent / "profile"
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", "docx", "--outdir", str(original.parent), str(original)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=_CONVERT_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ReadError(source, f"LibreOffice did not convert the file within {_CONVERT_TIMEOUT_S} s") from exc
    except OSError as exc:
        raise ReadError(source, f"cannot run LibreOffice ({soffice}): {exc}") from exc
    converted = original.with_suffix(".docx")
    if result.returncode != 0 or not converted.exists():
        detail = (result.stderr or result.stdout or "").strip().splitlines()
        raise ReadError(source, "LibreOffice could not convert the file to .docx" + (f": {detail[-1]}" if detail else "")
                        + " (damaged, password-protected, or not a word-processor document)")
    return converted
