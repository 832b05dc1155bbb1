"""Shared fixtures: paths to the bundled reports and the repository root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"

SEED_2017_CITY = RAW / "2017_jinjiang-city.txt"
SEED_2018_LINGYUAN = RAW / "2018_jinjiang-lingyuan-subdistrict.txt"
SEED_2019_EDZ = RAW / "2019_jinjiang-econ-dev-zone.txt"
SEED_2020_TAISHANG = RAW / "2020_quanzhou-taishang-zone.txt"
SEED_2023_CITY = RAW / "2023_jinjiang-city.txt"
SEEDS = (SEED_2017_CITY, SEED_2018_LINGYUAN, SEED_2019_EDZ, SEED_2020_TAISHANG, SEED_2023_CITY)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW


def require_system_package(available: bool, package: str) -> None:
    """Skip a test whose system package is missing, naming the package; in CI, fail instead.

    CI (.ci/run, with CI=true) installs every package the tests need, so a missing one there is
    a broken install step, not a reason to skip.
    """
    if available:
        return
    message = f"needs the Debian package {package}: sudo apt-get install -y {package} (.ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def disk_full_on_write(monkeypatch):
    """``disk_full_on_write(n)``: from then on, the n-th Parquet file written raises OSError("disk full")."""
    import polars as pl

    def arm(n: int) -> None:
        calls = {"n": 0}
        real_write = pl.DataFrame.write_parquet

        def failing_write(self, path, *args, **kwargs):
            calls["n"] += 1
            if calls["n"] == n:
                raise OSError("disk full")
            return real_write(self, path, *args, **kwargs)

        monkeypatch.setattr(pl.DataFrame, "write_parquet", failing_write)

    return arm
