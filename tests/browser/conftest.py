"""Briefing pages built once per session, for the fixture corpus and the bundled reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from govdata.briefings import build_briefings
from tests.conftest import ROOT
from tests.fixtures_corpus import write_bundled_corpus, write_fixture_corpus

ARTIFACTS = ROOT / "test-artifacts" / "browser"


@pytest.fixture(scope="session")
def built_pages(tmp_path_factory) -> dict[str, Path]:
    """corpus name -> output directory of `govdata briefings` for it."""
    pages = {}
    for name, writer in (("fixture", write_fixture_corpus), ("bundled", write_bundled_corpus)):
        data = writer(tmp_path_factory.mktemp(f"{name}_data"))
        out = tmp_path_factory.mktemp(f"{name}_reports")
        batch = build_briefings(data, out)
        assert not batch.failures, [(f.job.output, f.error) for f in batch.failures]
        pages[name] = out
    return pages


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
