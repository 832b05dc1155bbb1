"""Entry points that run the stages in order: read -> parse -> legacy/facts -> harmonize -> check.

Why one place: notebooks, the CLI and tests all call :func:`parse_report` and :func:`load`,
so a report is always processed the same way. One bad file never stops a batch: it becomes
a :class:`~govdata.model.Failure` naming the file (and line, when known) and the reason.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from govdata import check, facts, harmonize, legacy, parse
from govdata.model import Corpus, Failure, Report
from govdata.read import Document, ReadError, read_document

# What `load` picks up from a directory. Other files (manifest.csv, README) are not reports.
REPORT_SUFFIXES = frozenset({".txt", ".md", ".text", ".html", ".htm", ".shtml", ".xhtml", ".docx", ".doc", ".wps", ".rtf", ".pdf"})


def parse_document(doc: Document) -> Report:
    """Run every per-report stage on an already read document."""
    tables = parse.parse_tables(doc)
    report = Report(report=tables.report, table2=tables.table2, table3=tables.table3, table4=tables.table4)
    report.legacy = legacy.parse_legacy(doc)
    report.facts = facts.extract_facts(doc)
    report.outcomes = harmonize.report_outcomes(report)
    report.checks = check.check_report(report, structure=tables.problems)
    return report


def parse_report(path_or_text: str | os.PathLike, *, source: str | None = None) -> Report:
    """Parse one report from a file path, or from its text when given a string with a newline.

    Example:
        >>> report = parse_report("data/raw/2023_jinjiang-city.txt")  # doctest: +SKIP
        >>> report.table3.filter(row="total", requester="total")["value"][0]  # doctest: +SKIP
        243
    """
    if isinstance(path_or_text, str) and ("\n" in path_or_text or not Path(path_or_text).exists()):
        if "\n" not in path_or_text and len(path_or_text) < 4096 and not path_or_text.strip().startswith(("<", "|")):
            raise ReadError(path_or_text, "no such file")
        doc = read_document(text=path_or_text, source=source)
    else:
        doc = read_document(path_or_text, source=source)
    return parse_document(doc)


def discover(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    """Expand files and directories into the report files they hold, sorted for determinism."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    found: list[Path] = []
    for item in paths:
        p = Path(item)
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES))
        else:
            found.append(p)
    return found


def _parse_one(path: Path) -> Report | Failure:
    try:
        return parse_report(path)
    except ReadError as exc:
        return Failure(exc.source, exc.reason, exc.line)
    except Exception as exc:  # noqa: BLE001 - a batch must go on; the failure is reported, not hidden
        return Failure(str(path), f"internal error while parsing ({type(exc).__name__}: {exc})")


def load(paths: str | os.PathLike | Iterable[str | os.PathLike], *, jobs: int = 1,
         progress: Callable[[Path], None] | None = None) -> Corpus:
    """Parse many reports into one :class:`Corpus`; failures are listed, never raised.

    ``jobs`` > 1 parses files in that many processes (the parse of one file is independent
    of every other). Corpus-wide checks (year-on-year continuity) run after all files.
    """
    files = discover(paths)
    results: list[Report | Failure] = []
    if jobs > 1 and len(files) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for path, result in zip(files, pool.map(_parse_one, files, chunksize=16), strict=True):
                results.append(result)
                if progress:
                    progress(path)
    else:
        for path in files:
            results.append(_parse_one(path))
            if progress:
                progress(path)
    reports = [r for r in results if isinstance(r, Report)]
    failures = [r for r in results if isinstance(r, Failure)]
    corpus = Corpus.from_reports(reports, failures)
    return check.with_corpus_checks(corpus)
