"""data/raw is immutable: the manifest pins every raw file's bytes."""

from __future__ import annotations

import csv
import hashlib

from tests.conftest import RAW


def _manifest() -> list[dict[str, str]]:
    with (RAW / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_manifest_sha256_matches_every_raw_file():
    for row in _manifest():
        data = (RAW / row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], row["file"]
        assert len(data) == int(row["bytes"]), row["file"]


def test_manifest_lists_every_raw_report_and_nothing_else():
    listed = {row["file"] for row in _manifest()}
    present = {p.name for p in RAW.iterdir() if p.is_file() and p.name != "manifest.csv"}
    assert listed == present


def test_manifest_records_origin_agency_year_and_encoding():
    for row in _manifest():
        assert row["origin"] and row["agency"] and row["encoding"], row
        assert 2008 <= int(row["year"]) <= 2030
        assert row["file"].startswith(row["year"] + "_"), "file names start with the statistics year"
