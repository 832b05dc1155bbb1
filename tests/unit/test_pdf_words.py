"""Words and cell texts grouped on arrays are pdfplumber's, character for character."""

from __future__ import annotations

import random

import numpy as np
import pytest
from pdfplumber.utils import extract_text, extract_words

from govdata.formats import pdf_words
from govdata.formats.pdf_chars import Chars

# Wide and narrow characters, blanks, and a ligature pdfplumber expands.
ALPHABET = [*"本年新制作数量总计0123456789.-", " ", "\u3000", "ﬁ"]


def _random_chars(rng: random.Random, n: int) -> list[dict]:
    """Characters laid out roughly in lines, with the jitter, overlaps, gaps and size changes
    that decide pdfplumber's words: tops a little apart, advances that overlap or leave gaps."""
    chars = []
    x, top = 10.0, 10.0
    for _ in range(n):
        if rng.random() < 0.1:
            x, top = rng.uniform(0, 200), top + rng.choice([0.0, 1.0, 2.0, 2.5, 3.0, 12.0])
        size = rng.choice([10.5, 10.5, 12.0, 9.0])
        width = rng.choice([size, size / 2, 0.0])
        x0 = x + rng.choice([0.0, 0.0, 0.5, 1.5, 1.6, 3.0, 3.1, -0.5, -4.0])
        char_top = top + rng.choice([0.0, 0.0, 0.3, -1.9, 2.1])
        chars.append({"text": rng.choice(ALPHABET), "x0": x0, "x1": x0 + width, "top": char_top, "bottom": char_top + size,
                      "doctop": char_top, "size": size, "upright": True})
        x = x0 + width
    return chars


@pytest.fixture(params=["in C", "on arrays"])
def word_steps(request, monkeypatch):
    """Words grouped in C (the _words module), then on numpy arrays."""
    if request.param == "on arrays":
        monkeypatch.setattr(pdf_words, "_words", None)
    elif pdf_words._words is None:
        pytest.fail("govdata.formats._words is not built: `pip install -e .` needs a C compiler and Python's headers")
    return request.param


def _columns(chars: list[dict], as_pdfium_reads: bool) -> Chars:
    """The characters as columns; ``as_pdfium_reads``: with their UTF-16 codes, as PDFium's are."""
    columns = Chars.from_dicts(chars)
    if as_pdfium_reads:
        columns.codes = np.array([ord(char["text"]) for char in chars], dtype=np.uint16)
    return columns


def _words_by_arrays(chars: list[dict], as_pdfium_reads: bool = False) -> list[tuple]:
    columns = _columns(chars, as_pdfium_reads)
    index = np.arange(len(chars))
    words = pdf_words.extract_words(columns, index, columns.size, 1.5, 2.0)
    return list(zip(words.text, words.x0.tolist(), words.x1.tolist(), words.top.tolist(), words.bottom.tolist(),
                    words.size.tolist(), strict=True))


@pytest.mark.parametrize("seed", range(40))
def test_words_split_where_font_size_changes_are_pdfplumbers(seed, word_steps):
    chars = _random_chars(random.Random(seed), random.Random(seed).randint(0, 300))
    want = extract_words(chars, x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, use_text_flow=False, extra_attrs=["size"])
    want = [(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], w["size"]) for w in want]
    assert _words_by_arrays(chars) == want
    assert _words_by_arrays(chars, as_pdfium_reads=True) == want


@pytest.mark.parametrize("seed", range(40))
def test_cell_texts_are_pdfplumbers_extract_text_split_into_lines(seed, word_steps):
    rng = random.Random(1000 + seed)
    cells = [_random_chars(rng, rng.choice([0, 1, 1, 2, 5, 30])) for _ in range(rng.randint(1, 12))]
    flat = [char for cell in cells for char in cell]
    cell_of = np.array([number for number, cell in enumerate(cells) for _ in cell], dtype=np.int64)
    lines = pdf_words.cell_texts(Chars.from_dicts(flat), np.arange(len(flat)), cell_of, len(cells))
    assert ["\n".join(cell_lines) for cell_lines in lines] == [extract_text(cell) if cell else "" for cell in cells]


def test_rotated_or_empty_characters_are_left_to_pdfplumber():
    chars = _random_chars(random.Random(7), 5)
    assert not pdf_words.needs_pdfplumber(Chars.from_dicts(chars), np.arange(5))
    assert pdf_words.needs_pdfplumber(Chars.from_dicts([{**chars[0], "upright": False}, *chars[1:]]), np.arange(5))
    assert pdf_words.needs_pdfplumber(Chars.from_dicts([{**chars[0], "text": ""}, *chars[1:]]), np.arange(5))
