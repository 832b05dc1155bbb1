"""pdfplumber's word grouping (``extract_words``) and cell text (``extract_text``), done on arrays (and in C).

Why not pdfplumber's functions: they walk one character dict at a time through generators,
about a quarter of the reader's time on a report (every character is grouped into a word,
every cell's characters into words and lines). The steps here are pdfplumber's, on upright
text, with the same tests, in the same order, on whole arrays at once:

1. characters run in page order; a run of one key (a cell, or the font size) is grouped alone
   (pdfplumber's ``itertools.groupby`` over ``extra_attrs``);
2. in a run, characters are clustered into lines by their top: sorted tops chain into one line
   while each lies within ``y_tolerance`` of the one before (``cluster_list``);
3. in a line, characters are sorted by x0 (ties in page order), and a new word starts at a
   blank (which is dropped), or where the character starts left of the one before, more than
   ``x_tolerance`` right of its end, or more than ``y_tolerance`` above or below it
   (``char_begins_new_word``);
4. a word's box is its characters' box, its text theirs with ligatures expanded, its size its
   first character's.

Where the C module ``_words`` is built (``_words.c``), steps 1 to 4 run there, one call per
page or table; the numpy steps below are the same steps where it is not, and tests hold the two
to each other and to pdfplumber.

A cell's text (``extract_text`` with pdfplumber's defaults) is its words clustered into lines by
their tops, joined by spaces within a line and by line breaks between lines. Text that is not
upright (pdfminer pages only) or characters with empty text are left to pdfplumber's own
functions (:func:`needs_pdfplumber`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pdfplumber.utils.text import LIGATURES

from govdata.formats.pdf_chars import Chars

try:
    from govdata.formats import _words
except ImportError:  # not built (no C compiler at install): the steps run on numpy arrays
    _words = None

_LIGATURE_CHARS = frozenset(LIGATURES)
# For each UTF-16 code unit, whether it is one of those ligatures (all in the BMP).
_IS_LIGATURE = np.zeros(0x10000, dtype=bool)
_IS_LIGATURE[[ord(char) for char in _LIGATURE_CHARS if len(char) == 1 and ord(char) < 0x10000]] = True
# pdfplumber's defaults, which extract_text (a table cell's text) uses.
CELL_X_TOLERANCE = 3.0
CELL_Y_TOLERANCE = 3.0


@dataclass
class Words:
    """Words as columns: ``text[i]`` in its box, at its first character's size, of run ``key[i]``."""

    text: list[str]
    x0: np.ndarray
    x1: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    size: np.ndarray
    key: np.ndarray


def needs_pdfplumber(chars: Chars, index: np.ndarray) -> bool:
    """True when the characters at ``index`` hold text this module does not group as pdfplumber
    does: rotated text, or a character with empty text (pdfplumber makes it a word of its own)."""
    return not bool(chars.upright[index].all()) or (chars.any_empty() and any(not chars.text[i] for i in index.tolist()))


def extract_words(chars: Chars, index: np.ndarray, key: np.ndarray, x_tolerance: float, y_tolerance: float) -> Words:
    """pdfplumber's ``extract_words`` of the characters at ``index`` (page order within each run
    of equal ``key``, e.g. a cell's number or the font size), upright text only: in C where
    ``_words`` is built, else on numpy arrays (the same steps)."""
    if _words is not None and len(index):
        return _extract_words_in_c(chars, index, key, x_tolerance, y_tolerance)
    return _extract_words_on_arrays(chars, index, key, x_tolerance, y_tolerance)


def _extract_words_in_c(chars: Chars, index: np.ndarray, key: np.ndarray, x_tolerance: float, y_tolerance: float) -> Words:
    n = len(index)
    kept, first, boxes = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64), np.empty((n, 4))
    n_kept, n_words = _words.words(chars.x0[index], chars.x1[index], chars.top[index], chars.bottom[index],
                                   key.astype(np.float64), chars.blank()[index].view(np.uint8), x_tolerance, y_tolerance,
                                   kept, first, boxes)
    kept, first, boxes = kept[:n_kept], first[:n_words], boxes[:n_words]
    heads = kept[first]
    return Words(_word_texts(chars, index[kept], first), boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3],
                 chars.size[index[heads]], key[heads])


def _extract_words_on_arrays(chars: Chars, index: np.ndarray, key: np.ndarray, x_tolerance: float,
                             y_tolerance: float) -> Words:
    n = len(index)
    if n == 0:
        empty = np.empty(0)
        return Words([], empty, empty, empty, empty, empty, np.empty(0, dtype=key.dtype))
    x0, x1, top = chars.x0[index], chars.x1[index], chars.top[index]
    run = np.cumsum(np.concatenate(([True], key[1:] != key[:-1])))
    line = _chain_clusters(run, top, y_tolerance)
    order = np.lexsort((np.arange(n), x0, line))
    ordered = index[order]
    blank = chars.blank()[ordered]
    x0, x1, top, line = x0[order], x1[order], top[order], line[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = (line[1:] != line[:-1]) | blank[:-1] | (x0[1:] < x0[:-1]) | (x0[1:] > x1[:-1] + x_tolerance) \
        | (np.abs(top[1:] - top[:-1]) > y_tolerance)
    kept = np.flatnonzero(~blank)
    if len(kept) == 0:
        empty = np.empty(0)
        return Words([], empty, empty, empty, empty, empty, np.empty(0, dtype=key.dtype))
    first = np.flatnonzero(starts[kept])  # positions in ``kept`` where a word starts
    bottom = chars.bottom[index][order][kept]
    x0, x1, top = x0[kept], x1[kept], top[kept]
    text = _word_texts(chars, ordered[kept], first)
    heads = ordered[kept][first]
    return Words(text, np.minimum.reduceat(x0, first), np.maximum.reduceat(x1, first), np.minimum.reduceat(top, first),
                 np.maximum.reduceat(bottom, first), chars.size[heads], key[order][kept][first])


def _word_texts(chars: Chars, kept: np.ndarray, first: np.ndarray) -> list[str]:
    """The text of each word: the characters ``kept`` (in word order), cut where ``first`` says a
    word starts, ligatures expanded."""
    starts, ends = first.tolist(), [*first[1:].tolist(), len(kept)]
    if chars.codes is not None:  # one code unit a character: cut one string
        codes = chars.codes[kept]
        if not _IS_LIGATURE[codes].any():
            joined = codes.tobytes().decode("utf-16-le")
            return [joined[a:b] for a, b in zip(starts, ends, strict=True)]
    pieces = [chars.text[i] for i in kept.tolist()]
    if not _LIGATURE_CHARS.isdisjoint(pieces):
        pieces = [LIGATURES.get(piece, piece) for piece in pieces]
    return ["".join(pieces[a:b]) for a, b in zip(starts, ends, strict=True)]


def _chain_clusters(run: np.ndarray, values: np.ndarray, tolerance: float) -> np.ndarray:
    """For each item, its cluster (numbered in order of run, then value): within a run, sorted
    values chain into one cluster while each lies within ``tolerance`` of the one before
    (pdfplumber's ``cluster_list`` on the run's distinct values)."""
    order = np.lexsort((values, run))
    ordered_values, ordered_runs = values[order], run[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (ordered_runs[1:] != ordered_runs[:-1]) | (ordered_values[1:] > ordered_values[:-1] + tolerance)
    clusters = np.empty(len(order), dtype=np.int64)
    clusters[order] = np.cumsum(new)
    return clusters


def cell_texts(chars: Chars, index: np.ndarray, cell: np.ndarray, n_cells: int) -> list[list[str]]:
    """The visual lines of each cell's text, as pdfplumber's ``extract_text`` of the cell's
    characters lays them out (``index``: the characters, in page order within each cell;
    ``cell``: the cell of each, ascending)."""
    words = extract_words(chars, index, cell, CELL_X_TOLERANCE, CELL_Y_TOLERANCE)
    lines: list[list[str]] = [[] for _ in range(n_cells)]
    if not words.text:
        return lines
    line = _chain_clusters(words.key, words.top, CELL_Y_TOLERANCE)
    order = np.lexsort((np.arange(len(line)), line))  # stable: a line keeps its words' order
    line, keys = line[order].tolist(), words.key[order].tolist()
    current = None
    for position, word in enumerate(order.tolist()):
        if line[position] != current:
            current = line[position]
            lines[keys[position]].append(words.text[word])
        else:
            lines[keys[position]][-1] += " " + words.text[word]
    return lines
