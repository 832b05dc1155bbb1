"""Check stage (issue 5): accounting rules and structure findings -> the ``checks`` frame.

A value that fails a rule is never changed; the check row records it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from govdata import schema
from govdata.model import Corpus, Report


def check_report(report: Report, *, structure: Iterable[Mapping[str, Any]] = ()) -> pl.DataFrame:
    """Every rule applied to one report, plus the structure findings the parser made."""
    return schema.frame("checks", structure)


def with_corpus_checks(corpus: Corpus) -> Corpus:
    """Add the corpus-wide checks (year-on-year continuity) to ``corpus.checks``."""
    return corpus
