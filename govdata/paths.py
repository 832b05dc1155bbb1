"""Where the project's files are: the agency registry, the review verdicts, processed data, notebooks.

Why one module: these files belong to the *project* (the repository, or a folder laid out like
it), not to the package. Computing them from ``__file__`` worked only in an editable checkout:
installed into site-packages, ``Path(__file__).parents[1]`` is site-packages. Every stage asks
here instead, and the rule is:

1. An environment variable naming the file or folder wins: ``GOVDATA_AGENCIES`` (registry CSV),
   ``GOVDATA_REVIEWS`` (verdicts CSV), ``GOVDATA_RAW`` (reports), ``GOVDATA_PROCESSED``
   (processed data), ``GOVDATA_NOTEBOOKS`` (notebook folder).
2. Otherwise the file is at its usual place under the project root: ``data/agencies.csv``,
   ``data/reviews.csv``, ``data/raw``, ``data/processed``, ``notebooks/``.
3. The project root is ``$GOVDATA_PROJECT`` when set; else the working directory or the nearest
   of its parents that holds ``data/agencies.csv`` (so a notebook whose kernel runs in
   ``notebooks/`` finds the project above it); else the checkout govdata is installed from in
   editable mode, when it holds ``data/agencies.csv``; else the working directory.

Example:
    >>> import os
    >>> os.environ["GOVDATA_AGENCIES"] = "/tmp/synth/agencies.csv"
    >>> str(registry_path())
    '/tmp/synth/agencies.csv'
    >>> del os.environ["GOVDATA_AGENCIES"]
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

PROJECT_ENV = "GOVDATA_PROJECT"
AGENCIES_ENV = "GOVDATA_AGENCIES"
REVIEWS_ENV = "GOVDATA_REVIEWS"
RAW_ENV = "GOVDATA_RAW"
PROCESSED_ENV = "GOVDATA_PROCESSED"
NOTEBOOKS_ENV = "GOVDATA_NOTEBOOKS"

REGISTRY = Path("data") / "agencies.csv"
REVIEWS = Path("data") / "reviews.csv"
RAW = Path("data") / "raw"
PROCESSED = Path("data") / "processed"
NOTEBOOKS = Path("notebooks")

# The folder above the package: the repository when govdata is installed in editable mode.
_CHECKOUT = Path(__file__).resolve().parents[1]


def project_root() -> Path:
    """The project root, by rule 3 of the module docstring."""
    return _project_root(os.getcwd(), os.environ.get(PROJECT_ENV))


@lru_cache(maxsize=16)  # asked once per parsed report (the registry), so the answer is kept per working directory
def _project_root(cwd: str, from_env: str | None) -> Path:
    if from_env:
        return Path(from_env)
    here = Path(cwd)
    for folder in (here, *here.parents):
        if (folder / REGISTRY).is_file():
            return folder
    if (_CHECKOUT / REGISTRY).is_file():
        return _CHECKOUT
    return here


def _file(env: str, default: Path) -> Path:
    value = os.environ.get(env)
    return Path(value) if value else project_root() / default


def registry_path() -> Path:
    """The agency registry: ``$GOVDATA_AGENCIES``, else ``<project>/data/agencies.csv``."""
    return _file(AGENCIES_ENV, REGISTRY)


def reviews_path() -> Path:
    """The review verdicts: ``$GOVDATA_REVIEWS``, else ``<project>/data/reviews.csv``."""
    return _file(REVIEWS_ENV, REVIEWS)


def is_reviews_path_chosen() -> bool:
    """True when ``$GOVDATA_REVIEWS`` names the verdicts file (then a missing file is an error, not "no verdicts yet")."""
    return bool(os.environ.get(REVIEWS_ENV))


def raw_dir() -> Path:
    """The reports as obtained: ``$GOVDATA_RAW``, else ``<project>/data/raw``."""
    return _file(RAW_ENV, RAW)


def processed_dir() -> Path:
    """The processed data (what ``govdata ingest`` writes by default): ``$GOVDATA_PROCESSED``, else ``<project>/data/processed``."""
    return _file(PROCESSED_ENV, PROCESSED)


def notebooks_dir() -> Path:
    """The notebooks: ``$GOVDATA_NOTEBOOKS``, else ``<project>/notebooks``."""
    return _file(NOTEBOOKS_ENV, NOTEBOOKS)
