"""Corpora the notebook tests run on: the tiny fixture corpus and the pipeline's output for data/raw."""

from __future__ import annotations

from pathlib import Path

import pytest

from govdata.notebooks import KernelSession
from govdata.store import read_corpus
from tests.conftest import ROOT
from tests.fixtures_corpus import write_bundled_corpus, write_fixture_corpus


@pytest.fixture(scope="session")
def fixture_data(tmp_path_factory) -> Path:
    return write_fixture_corpus(tmp_path_factory.mktemp("fixture_corpus"))


@pytest.fixture(scope="session")
def bundled_data(tmp_path_factory) -> Path:
    out = write_bundled_corpus(tmp_path_factory.mktemp("bundled_corpus"))
    assert read_corpus(out).reports.height == 5, "the pipeline should read all five bundled reports"
    return out


@pytest.fixture(scope="session")
def corpora(fixture_data, bundled_data) -> dict[str, Path]:
    return {"fixture": fixture_data, "bundled": bundled_data}


@pytest.fixture(scope="session")
def kernel_session():
    with KernelSession(cwd=ROOT) as session:
        yield session
