"""Fixtures of the integration tier: the loopback copy of the 平潭 site (tests/agency_site.py)."""

from __future__ import annotations

import pytest

from tests.agency_site import AgencySite, serving


@pytest.fixture
def agency_site():
    """The 平潭 年报 column on 127.0.0.1 (skips, naming the folder, without ../shared/real/pingtan)."""
    with serving(AgencySite()) as site:
        yield site
