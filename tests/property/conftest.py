"""Shared set-up for the property tests: a registry of the invented agencies, for one module at a time."""

from __future__ import annotations

import pytest

from govdata import synth


@pytest.fixture(scope="module")
def synthetic_registry(tmp_path_factory):
    """Point GOVDATA_AGENCIES at a registry of the invented agencies for one test module."""
    path = synth.write_registry(synth.default_agencies(), tmp_path_factory.mktemp("registry") / "agencies.csv")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVDATA_AGENCIES", str(path))
        yield path
