"""`govdata fetch` on the command line, against the loopback 平潭 site: failures listed, exit status, --index."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from govdata.cli import main

pytestmark = pytest.mark.integration

FAST = ["--delay", "0", "--timeout", "2", "--retries", "0", "--contact", "tests@example.org", "--no-progress"]


def _sources(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["url", "agency", "year", "note"])
        writer.writerows(rows)
    return path


def test_fetch_lists_each_failing_url_with_its_reason_and_exits_non_zero(agency_site, tmp_path):
    entry = agency_site.entry(2019)
    sources = _sources(tmp_path / "sources.csv", [
        [agency_site.url("/missing/gone.htm"), "", "", "moved away"],
        [agency_site.url("/private/report.htm"), "", "", ""],
        [agency_site.served_url(entry.url), entry.agency, entry.year, ""],
    ])
    result = CliRunner().invoke(main, ["fetch", str(sources), "--out", str(tmp_path / "raw"), *FAST])
    assert result.exit_code == 1
    assert f"failed: {agency_site.url('/missing/gone.htm')}: HTTP 404 Not Found" in result.stderr
    assert f"failed: {agency_site.url('/private/report.htm')}: disallowed by robots.txt" in result.stderr
    assert "fetched 3 URL(s)" in result.stdout and "1 stored, 0 unchanged, 2 failed" in result.stdout
    again = CliRunner().invoke(main, ["fetch", str(sources), "--out", str(tmp_path / "raw"), *FAST])
    assert "0 stored, 1 unchanged, 2 failed" in again.stdout


def test_fetch_of_a_list_page_skips_the_letter_with_its_reason_and_exits_zero(agency_site, tmp_path):
    result = CliRunner().invoke(main, ["fetch", "--index", agency_site.index_url, "--out", str(tmp_path / "raw"), *FAST])
    assert result.exit_code == 0, result.output
    assert "19 stored" in result.stdout and "1 skipped (not annual reports)" in result.stdout
    assert "skipped: " in result.stderr and "函 (letter)" in result.stderr


def test_fetch_without_sources_or_a_list_page_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["fetch", "--out", str(tmp_path / "raw")])
    assert result.exit_code == 2 and "--index" in result.output
