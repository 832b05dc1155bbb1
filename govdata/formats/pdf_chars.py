"""A page's characters as columns (a list of texts, arrays of positions), not one dict each.

Why columns: a report page holds a thousand characters or more, and the reader's work on them
(which cell a character lies in, where a word ends, which line it belongs to) is the same test
on every character. As arrays that test is one numpy operation for the page
(:mod:`govdata.formats.pdf_words`); as dicts it was a Python loop, and building the dicts alone
cost as much as reading the characters from PDFium.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Chars:
    """Characters in page order: ``text[i]`` lies in the box ``x0[i]``, ``top[i]``, ``x1[i]``,
    ``bottom[i]`` (points from the top left, as pdfplumber measures), set at font size
    ``size[i]``; ``upright[i]`` is False for rotated text (pdfminer pages only)."""

    text: list[str]
    x0: np.ndarray
    x1: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    size: np.ndarray
    upright: np.ndarray
    _blank: np.ndarray | None = field(default=None, repr=False, compare=False)
    # The texts as UTF-16 code units, where each is one (PDFium's characters): words are then cut
    # from one decoded string instead of joined from a list (pdf_words.extract_words).
    codes: np.ndarray | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.text)

    @classmethod
    def from_dicts(cls, chars: list[dict]) -> Chars:
        """Columns of pdfplumber's character dicts."""
        def column(key: str) -> np.ndarray:
            return np.array([char[key] for char in chars], dtype=np.float64)

        return cls([char["text"] for char in chars], column("x0"), column("x1"), column("top"), column("bottom"),
                   column("size"), np.array([bool(char["upright"]) for char in chars], dtype=bool))

    def as_dicts(self, index: np.ndarray | None = None) -> list[dict]:
        """The characters at ``index`` (all by default) as pdfplumber's dicts, for its own functions."""
        rows = range(len(self)) if index is None else index.tolist()
        return [{"text": self.text[i], "x0": float(self.x0[i]), "x1": float(self.x1[i]), "top": float(self.top[i]),
                 "bottom": float(self.bottom[i]), "doctop": float(self.top[i]), "size": float(self.size[i]),
                 "upright": bool(self.upright[i])} for i in rows]

    def blank(self) -> np.ndarray:
        """Which characters are white space (pdfplumber drops them between words); worked out once."""
        if self._blank is None:
            self._blank = np.fromiter(map(str.isspace, self.text), dtype=bool, count=len(self.text))
        return self._blank

    def any_empty(self) -> bool:
        """Whether a character has empty text (pdfplumber makes it a word of its own); never one
        where the texts are UTF-16 code units, one each."""
        return self.codes is None and "" in self.text

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Each character's centre (x, y), as pdfplumber tests a character in a cell."""
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2
