"""govdata: Chinese government information-disclosure annual reports (政府信息公开工作年度报告)
as clean, checked, comparable Polars frames.

Entry points:
    parse_report(path=... | text=...) -> Report   one report, frames as attributes
    load(paths_or_dir) -> Corpus           many reports, frames concatenated, failures listed
"""

from __future__ import annotations

__version__ = "0.1.0"

from govdata.model import Corpus, Failure, Report
from govdata.pipeline import load, parse_report

__all__ = ["Corpus", "Failure", "Report", "__version__", "load", "parse_report"]
