"""Mutated copies of the real reports never crash `govdata.load`: frames or a Failure naming the file.

Mutations are what damaged downloads and bad conversions do to these files: truncation at
any byte, lines deleted or duplicated (page breaks, repeated headers), cells or lines swapped,
random bytes, and the wrong encoding. A crash shows up as a Failure whose reason starts with
"internal error" (load turns every exception into one so a batch goes on): that fails here.
When frames come back, every value must still point at a line that exists and holds it.
"""

from __future__ import annotations

import codecs
import hashlib
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from govdata import load, schema, synth
from govdata.read import ReadError, read_document
from tests.conftest import SEEDS
from tests.fuzz.test_fuzz_corpus import stands_on
from tests.property.profiles import examples

SEED_BYTES = {path.name: path.read_bytes() for path in SEEDS}
# One synthetic HTML page (合成, invented) so the HTML reader is fuzzed too; the real seeds are text.
SEED_BYTES["synthetic_2021.html"] = synth.make_report(seed=1, template="2021", layout="html").data
_ENCODINGS = ("gb18030", "big5", "utf-16", "utf-32", "shift_jis", "cp1252", "latin-1")


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def truncated(draw, data: bytes) -> bytes:
    return data[: draw(st.integers(0, len(data)))]


@st.composite
def lines_deleted(draw, data: bytes) -> bytes:
    lines = _lines(data)
    start = draw(st.integers(0, len(lines) - 1))
    return b"\n".join(lines[:start] + lines[start + draw(st.integers(1, 20)):])


@st.composite
def lines_duplicated(draw, data: bytes) -> bytes:
    lines = _lines(data)
    start = draw(st.integers(0, len(lines) - 1))
    chunk = lines[start:start + draw(st.integers(1, 30))]
    at = draw(st.integers(0, len(lines)))
    return b"\n".join(lines[:at] + chunk + lines[at:])


@st.composite
def cells_swapped(draw, data: bytes) -> bytes:
    lines = _lines(data)
    tabbed = [i for i, line in enumerate(lines) if line.count(b"\t") >= 2 or line.count(b"|") >= 3]
    if tabbed and draw(st.booleans()):
        index = draw(st.sampled_from(tabbed))
        sep = b"\t" if b"\t" in lines[index] else b"|"
        cells = lines[index].split(sep)
        a, b = draw(st.integers(0, len(cells) - 1)), draw(st.integers(0, len(cells) - 1))
        cells[a], cells[b] = cells[b], cells[a]
        lines[index] = sep.join(cells)
    else:
        a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
        lines[a], lines[b] = lines[b], lines[a]
    return b"\n".join(lines)


@st.composite
def bytes_randomized(draw, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(out)))
        noise = draw(st.binary(min_size=1, max_size=16))
        if draw(st.booleans()):
            out[at:at + len(noise)] = noise
        else:
            out[at:at] = noise
    return bytes(out)


@st.composite
def wrongly_encoded(draw, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    how = draw(st.sampled_from(("encode", "mojibake", "bom")))
    if how == "encode":
        return text.encode(draw(st.sampled_from(_ENCODINGS)), errors="replace")
    if how == "mojibake":  # UTF-8 bytes read as GB18030 and saved as UTF-8, as bad converters do
        return data.decode(draw(st.sampled_from(("gb18030", "latin-1", "cp1252"))), errors="replace").encode("utf-8")
    return draw(st.sampled_from((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_BE))) + data


MUTATIONS = (truncated, lines_deleted, lines_duplicated, cells_swapped, bytes_randomized, wrongly_encoded)


@st.composite
def mutated_seed(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEED_BYTES)))
    data = SEED_BYTES[name]
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3)):
        data = draw(mutation(data)) if data else data
    return name, data


def _load(name: str, data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        corpus = load([path])
        try:
            doc = read_document(path)
        except ReadError:
            doc = None
        return path, corpus, doc


def _assert_values_point_at_their_lines(corpus, doc) -> None:
    for frame in (corpus.table2, corpus.table3, corpus.table4):
        for row in frame.iter_rows(named=True):
            assert 1 <= row["line"] <= doc.line_count, row
            assert stands_on(row["raw"], doc.lines[row["line"] - 1]), row  # cell borders aside (joined cells)
    for name in ("legacy", "facts", "checks", "outcomes"):
        lines = getattr(corpus, name)["line"].drop_nulls()
        assert lines.is_empty() or (lines.min() >= 1 and lines.max() <= doc.line_count), name


@examples(250)
@given(mutated_seed())
def test_mutated_report_gives_frames_or_a_failure_naming_the_file(seed_and_data):
    name, data = seed_and_data
    _path, corpus, doc = _load(name, data)
    assert not [f for f in corpus.failures if "internal error" in f.reason], corpus.failures
    if corpus.failures:
        [failure] = corpus.failures
        assert failure.source.endswith(name) and failure.reason and corpus.reports.height == 0
        return
    assert corpus.reports.height == 1 and doc is not None
    assert corpus.reports["report_id"][0] == hashlib.sha256(data).hexdigest()[:16]
    for frame_name, frame in corpus.frames().items():
        assert frame.columns == schema.columns(frame_name) and frame.schema == pl.Schema(schema.polars_schema(frame_name))
    _assert_values_point_at_their_lines(corpus, doc)


@examples(40)
@given(st.binary(max_size=4096), st.sampled_from(("r.txt", "r.html", "r.docx", "r.pdf")))
def test_arbitrary_bytes_never_crash_load(data, name):
    _path, corpus, _doc = _load(name, data)
    assert not [f for f in corpus.failures if "internal error" in f.reason], corpus.failures
    assert corpus.reports.height + len(corpus.failures) == 1
