"""Mutations of the bundled seeds and of the shared real texts never crash or hang ``load``, counted.

What `make fuzz-long` runs: ``GOVDATA_FUZZ_MUTATIONS`` mutations (10,000 there, a few dozen in
`make test`), half of the seeds in ``data/raw`` (and one synthetic HTML page), half of the real
reports in ``../shared/real`` (read where they are, never copied into the project; without them
only the seeds are mutated, and the figures say so). Each mutation is what damaged downloads,
bad conversions and hostile pages do (:data:`MUTATIONS`), drawn from ``random.Random`` seeded
by its number, so mutation 4711 is the same file on every machine. A file must give frames or a
Failure naming it; a crash (load's "internal error"), a value off its line or a file taking more
than :data:`TIMEOUT_S` fails the test, and every outcome is counted by reason into
``test-artifacts/fuzz-long.json`` (docs/benchmarks.md, "Fuzzing", records a run).
"""

from __future__ import annotations

import codecs
import json
import os
import random
import re
import signal
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest

from govdata import load, synth
from govdata.pipeline import REPORT_SUFFIXES
from govdata.read import ReadError, read_document
from tests.conftest import ROOT, SEEDS
from tests.real_golden import REAL

N_MUTATIONS = int(os.environ.get("GOVDATA_FUZZ_MUTATIONS", "40"))
BASE_SEED = int(os.environ.get("GOVDATA_FUZZ_SEED", "15"))
TIMEOUT_S = 120
FIGURES = ROOT / "test-artifacts" / "fuzz-long.json"


def _seed_sources() -> dict[str, bytes]:
    sources = {f"seeds/{path.name}": path.read_bytes() for path in SEEDS}
    sources["seeds/synthetic_2021.html"] = synth.make_report(seed=1, template="2021", layout="html").data
    return sources


def _real_sources() -> dict[str, bytes]:
    if not REAL.is_dir():
        return {}
    return {f"real/{path.relative_to(REAL)}": path.read_bytes() for path in sorted(REAL.rglob("*"))
            if path.is_file() and path.suffix.lower() in REPORT_SUFFIXES and not path.name.upper().startswith("README")}


# --- mutations: bytes -> bytes, drawing from rng ----------------------------------------------


def truncated(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randint(0, len(data))]


def lines_deleted(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    start = rng.randrange(len(lines))
    return b"\n".join(lines[:start] + lines[start + rng.randint(1, 20):])


def lines_duplicated(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    start = rng.randrange(len(lines))
    at = rng.randint(0, len(lines))
    return b"\n".join(lines[:at] + lines[start:start + rng.randint(1, 30)] + lines[at:])


def lines_swapped(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return b"\n".join(lines)


def bytes_randomized(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(out))
        noise = rng.randbytes(rng.randint(1, 16))
        out[at:at + (len(noise) if rng.random() < 0.5 else 0)] = noise
    return bytes(out)


def wrongly_encoded(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    how = rng.choice(("encode", "mojibake", "bom"))
    if how == "encode":
        return text.encode(rng.choice(("gb18030", "big5", "utf-16", "utf-32", "shift_jis", "cp1252", "latin-1")), errors="replace")
    if how == "mojibake":
        return data.decode(rng.choice(("gb18030", "latin-1", "cp1252")), errors="replace").encode("utf-8")
    return rng.choice((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_BE)) + data


_SEPARATOR = re.compile(rb"(?<=\d)(\t| \| |\|| +|\n\t?)(?=\d)")


def cells_run_together(rng: random.Random, data: bytes) -> bytes:
    """Separators between numbers dropped, as a flattened page does: 19+ digit "numbers"."""
    spots = list(_SEPARATOR.finditer(data))
    for match in sorted(rng.sample(spots, min(len(spots), rng.randint(1, 12))), key=lambda m: -m.start()):
        data = data[:match.start()] + data[match.end():]
    return data


def numbers_enlarged(rng: random.Random, data: bytes) -> bytes:
    """A number replaced by one of 16 to 400 digits."""
    spots = list(re.finditer(rb"\d+", data))
    if not spots:
        return data
    match = rng.choice(spots)
    return data[:match.start()] + b"9" * rng.choice((16, 19, 20, 25, 310, 400)) + data[match.end():]


def markup_nested(rng: random.Random, data: bytes) -> bytes:
    """Unclosed tags (an old editor's <font>), a few hundred deep, somewhere in the page."""
    at = rng.randint(0, len(data))
    return data[:at] + b"<font>" * rng.choice((50, 255, 300, 2100)) + data[at:]


def spans_enlarged(rng: random.Random, data: bytes) -> bytes:
    """Cells given rowspan/colspan far past any real table's."""
    cells = list(re.finditer(rb"<t[dh]\b", data, re.I))
    if not cells:
        return data
    for match in sorted(rng.sample(cells, min(len(cells), rng.randint(1, 40))), key=lambda m: -m.start()):
        data = data[:match.end()] + rng.choice((b' rowspan="0"', b' colspan="100000"', b' rowspan="0" colspan="500"')) \
            + data[match.end():]
    return data


def controls_inserted(rng: random.Random, data: bytes) -> bytes:
    """Terminal escapes, NULs and bidi overrides inside the text."""
    at = rng.randint(0, len(data))
    return data[:at] + rng.choice(("\x1b[2J", "\x00", "\u202e", "\x9b31m", "\r")).encode("utf-8") + data[at:]


MUTATIONS = (truncated, lines_deleted, lines_duplicated, lines_swapped, bytes_randomized, wrongly_encoded,
             cells_run_together, numbers_enlarged, markup_nested, spans_enlarged, controls_inserted)


def mutation(number: int, seeds: dict[str, bytes], real: dict[str, bytes]) -> tuple[str, list[str], bytes]:
    """Mutation ``number``: its source (a seed when the number is even or there are no real texts), the
    mutations applied, and the bytes."""
    rng = random.Random(f"{BASE_SEED}:{number}")
    pool = real if real and number % 2 else seeds
    name = rng.choice(sorted(pool))
    data = pool[name]
    applied = []
    for step in rng.sample(MUTATIONS, rng.randint(1, 3)):
        if data:
            data = step(rng, data)
            applied.append(step.__name__)
    return name, applied, data


# --- the run --------------------------------------------------------------------------------


class _TimedOut(Exception):
    pass


def _on_alarm(signum, frame):
    raise _TimedOut


def _reason_kind(reason: str) -> str:
    """What a failure reason says, without its specifics: the limit it names, or its first clause."""
    limit = re.search(r"\b(MAX_[A-Z_]+)\b", reason)
    if limit:
        return f"over {limit.group(1)}"
    return re.sub(r"(?<![\w-])\d[\d,.]*", "N", re.split(r"[:(（;；]", reason, maxsplit=1)[0]).strip()


def _off_line_values(corpus, doc) -> list[str]:
    bad = []
    for frame in (corpus.table2, corpus.table3, corpus.table4):
        for row in frame.iter_rows(named=True):
            if not 1 <= row["line"] <= doc.line_count or not stands_on(row["raw"], doc.lines[row["line"] - 1]):
                bad.append(f"line {row['line']} raw {row['raw']!r}")
    return bad


_CELL_BORDERS = re.compile(r"[\s|]+")


def stands_on(raw: str, line: str) -> bool:
    """Whether a cell's printed text stands on ``line``, cell borders aside: a number a PDF's text
    split in two (``8\t2\t34`` read as 8234, recover.py) is printed there without its borders."""
    return raw == "" or raw in line or raw in _CELL_BORDERS.sub("", line)


def test_mutations_of_the_seeds_and_the_real_texts_never_crash_or_hang_load():
    seeds, real = _seed_sources(), _real_sources()
    if not real:
        print(f"\nfuzz: real report texts not found in {REAL} (../shared/real): mutating the seeds only")
    outcomes: Counter[str] = Counter()
    by_mutation: Counter[str] = Counter()
    problems: list[dict] = []
    slowest = (0.0, "")
    started = time.perf_counter()
    alarm = hasattr(signal, "SIGALRM")
    previous = signal.signal(signal.SIGALRM, _on_alarm) if alarm else None
    try:
        with tempfile.TemporaryDirectory() as folder:
            for number in range(N_MUTATIONS):
                name, applied, data = mutation(number, seeds, real)
                by_mutation.update(applied)
                path = Path(folder) / f"m{number}{Path(name).suffix}"
                path.write_bytes(data)
                began = time.perf_counter()
                if alarm:
                    signal.alarm(TIMEOUT_S)
                try:
                    corpus = load([path])
                    doc = None
                    if corpus.reports.height:
                        try:
                            doc = read_document(path)
                        except ReadError:
                            pass
                except _TimedOut:
                    problems.append({"mutation": number, "source": name, "applied": applied, "problem": f"over {TIMEOUT_S} s"})
                    continue
                finally:
                    if alarm:
                        signal.alarm(0)
                    path.unlink(missing_ok=True)
                seconds = time.perf_counter() - began
                slowest = max(slowest, (seconds, f"mutation {number} of {name} ({', '.join(applied)})"))
                for failure in corpus.failures:
                    outcomes[_reason_kind(failure.reason)] += 1
                    if "internal error" in failure.reason:
                        problems.append({"mutation": number, "source": name, "applied": applied, "problem": failure.reason})
                if corpus.reports.height:
                    outcomes["parsed"] += 1
                    off = _off_line_values(corpus, doc) if doc is not None else ["read_document failed after load read it"]
                    if off:
                        problems.append({"mutation": number, "source": name, "applied": applied, "problem": off[:3]})
    finally:
        if alarm:
            signal.signal(signal.SIGALRM, previous)
    figures = {"mutations": N_MUTATIONS, "seed": BASE_SEED, "seconds": round(time.perf_counter() - started, 1),
               "sources": {"seeds": len(seeds), "real": len(real), "real_folder": str(REAL) if real else None},
               "outcomes": dict(outcomes.most_common()), "mutations_applied": dict(by_mutation.most_common()),
               "slowest": {"seconds": round(slowest[0], 2), "what": slowest[1]}, "problems": problems}
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    assert not problems, json.dumps(problems[:5], ensure_ascii=False, indent=1)
    assert sum(outcomes.values()) == N_MUTATIONS


@pytest.mark.parametrize("step", MUTATIONS, ids=lambda step: step.__name__)
def test_every_mutation_changes_a_seed(step):
    rng = random.Random(0)
    seeds = _seed_sources()
    assert any(step(rng, data) != data for data in (seeds["seeds/2023_jinjiang-city.txt"], seeds["seeds/synthetic_2021.html"])
               for _ in range(5))
