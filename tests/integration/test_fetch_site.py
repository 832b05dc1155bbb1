"""`govdata fetch` against a loopback copy of the 平潭 年报 column (tests/agency_site.py): every behaviour of issue 17.

No test here touches the internet: the site runs on 127.0.0.1 in this process.
"""

from __future__ import annotations

import csv
import stat
from pathlib import Path

import polars as pl
import pytest

from govdata import collection, fetch
from govdata.fetch import FetchSettings, Source, WebClient
from govdata.pipeline import load

pytestmark = pytest.mark.integration

CONTACT = "tests@example.org"


def settings(**overrides) -> FetchSettings:
    """Fast settings: no delay between requests, short time-outs, tiny back-off."""
    values = {"delay": 0.0, "connect_timeout": 2.0, "read_timeout": 2.0, "retries": 0, "backoff": 0.01,
              "user_agent": fetch.user_agent(CONTACT)}
    return FetchSettings(**{**values, **overrides})


def run(sources, out: Path, **overrides) -> fetch.FetchRun:
    return fetch.fetch_sources(sources, out, settings=settings(**overrides))


def manifest(out: Path) -> list[dict[str, str]]:
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def files_in(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


def test_report_page_is_stored_byte_for_byte_under_year_agency_and_hash_with_a_manifest_row(agency_site, tmp_path):
    entry = agency_site.entry(2019)
    result = run([Source(agency_site.served_url(entry.url), entry.agency, entry.year)], tmp_path)
    assert result.is_ok and result.count("stored") == 1
    [row] = manifest(tmp_path)
    stored = tmp_path / row["file"]
    assert stored.read_bytes() == entry.page()
    assert row["file"] == f"2019_pingtan-zone_{row['sha256'][:12]}.html"
    assert row["sha256"] == collection.sha256_hex(entry.page()) and int(row["bytes"]) == len(entry.page())
    assert row["url"] == row["final_url"] == agency_site.served_url(entry.url)
    assert row["http_status"] == "200" and row["content_type"].startswith("text/html") and row["encoding"] == "utf-8"
    assert row["agency_id"] == "pingtan_zone" and row["year"] == "2019" and row["role"] == "page" and row["is_current"] == "true"
    assert row["retrieved_at"].endswith("Z") and row["etag"] and row["last_modified"]
    assert not stored.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), "stored files are read-only"


def test_a_source_without_agency_or_year_is_named_from_the_title_of_the_page(agency_site, tmp_path):
    run([Source(agency_site.served_url(agency_site.entry(2014).url))], tmp_path)
    [row] = manifest(tmp_path)
    assert (row["agency_id"], row["year"]) == ("pingtan_zone", "2014") and row["file"].startswith("2014_pingtan-zone_")


def test_every_request_names_govdata_and_a_contact_in_its_user_agent(agency_site, tmp_path):
    run([Source(agency_site.served_url(agency_site.entry(2020).url))], tmp_path)
    agents = {hit.headers.get("User-Agent") for hit in agency_site.hits}
    assert len(agents) == 1
    [agent] = agents
    assert agent.startswith("govdata/") and CONTACT in agent


def test_rerun_with_etag_and_last_modified_downloads_nothing_and_writes_nothing(agency_site, tmp_path):
    sources = [Source(agency_site.served_url(agency_site.entry(year).url)) for year in (2012, 2019, 2023)]
    assert run(sources, tmp_path).count("stored") == 3
    before, manifest_bytes = files_in(tmp_path), (tmp_path / "manifest.csv").read_bytes()
    first = len(agency_site.hits)
    again = run(sources, tmp_path)
    assert again.is_ok and again.count("unchanged") == 3 and again.count("stored") == 0
    pages = [hit for hit in agency_site.hits[first:] if hit.path != "/robots.txt"]
    assert [hit.status for hit in pages] == [304, 304, 304] and sum(hit.n_bytes for hit in pages) == 0
    assert all(hit.headers.get("If-None-Match") for hit in pages)
    assert files_in(tmp_path) == before and (tmp_path / "manifest.csv").read_bytes() == manifest_bytes


def test_rerun_without_validators_compares_the_hash_and_stores_nothing(agency_site, tmp_path):
    agency_site.validators = False
    sources = [Source(agency_site.served_url(agency_site.entry(year).url)) for year in (2016, 2024)]
    run(sources, tmp_path)
    before, manifest_bytes = files_in(tmp_path), (tmp_path / "manifest.csv").read_bytes()
    again = run(sources, tmp_path)
    assert again.count("unchanged") == 2 and all(o.reason == "same content (sha256)" for o in again.outcomes)
    assert files_in(tmp_path) == before and (tmp_path / "manifest.csv").read_bytes() == manifest_bytes


def test_changed_page_is_a_new_file_and_the_old_one_stays_unchanged_and_no_longer_current(agency_site, tmp_path):
    entry = agency_site.entry(2022)
    source = Source(agency_site.served_url(entry.url), entry.agency, entry.year)
    run([source], tmp_path)
    [old] = manifest(tmp_path)
    agency_site.changed[entry.path] = entry.page() + b"<!-- corrected -->"
    result = run([source], tmp_path)
    assert result.count("stored") == 1 and result.outcomes[0].reason == "new version of a stored URL"
    rows = {row["file"]: row for row in manifest(tmp_path)}
    assert rows[old["file"]]["is_current"] == "false" and (tmp_path / old["file"]).read_bytes() == entry.page()
    [new] = [row for row in rows.values() if row["is_current"] == "true"]
    assert (tmp_path / new["file"]).read_bytes().endswith(b"<!-- corrected -->")
    assert [Path(source).name for source in load(tmp_path).reports["source"]] == [new["file"]], "ingest reads the current version"


def test_one_failing_url_is_reported_with_its_reason_and_the_rest_go_on(agency_site, tmp_path):
    sources = [Source(agency_site.url("/missing/gone.htm")), Source(agency_site.served_url(agency_site.entry(2018).url))]
    result = run(sources, tmp_path)
    assert not result.is_ok and result.count("stored") == 1
    [failed] = result.failed
    assert failed.url.endswith("/missing/gone.htm") and failed.reason == "HTTP 404 Not Found"
    assert len(agency_site.hits_to("/missing/gone.htm")) == 1, "a 404 is not retried"


def test_slow_response_times_out_with_the_reason_after_each_retry(agency_site, tmp_path):
    agency_site.slow_seconds = 0.5
    result = run([Source(agency_site.url("/slow/report.htm"))], tmp_path, read_timeout=0.1, retries=1)
    [failed] = result.failed
    assert failed.reason == "timed out (read time-out 0.1 s) after 2 attempts"
    assert len(agency_site.hits_to("/slow/report.htm")) <= 2 and not (tmp_path / "manifest.csv").exists()


def test_server_errors_are_retried_with_growing_back_off_then_the_page_is_stored(agency_site, tmp_path):
    waits: list[float] = []
    client = WebClient(settings(retries=3, backoff=0.5), sleep=waits.append)
    agency_site.hits.clear()
    agency_site.flaky_failures = 2
    result = fetch.fetch_sources([Source(agency_site.url("/flaky/report2019.htm"))], tmp_path, client=client)
    assert result.count("stored") == 1
    assert [hit.status for hit in agency_site.hits_to("/flaky/report2019.htm")] == [503, 503, 200]
    assert waits == [0.0, 0.0], "Retry-After: 0 from the server wins over the back-off"
    agency_site.flaky_failures, agency_site._flaky_seen = 5, 0
    waits.clear()
    agency_site.hits.clear()
    failed = fetch.fetch_sources([Source(agency_site.url("/flaky/report2019.htm"))], tmp_path / "again", client=client)
    assert failed.failed[0].reason == "HTTP 503 after 4 attempts" and waits == [0.0, 0.0, 0.0]


def test_back_off_doubles_between_attempts_when_the_server_names_no_wait(tmp_path):
    client = WebClient(settings(retries=3, backoff=0.5, max_backoff=1.5))
    waits: list[float] = []
    client._sleep = waits.append
    client.robots.check = lambda url: None
    client.robots.crawl_delay = lambda url: 0.0
    with pytest.raises(fetch.FetchError, match=r"connection failed .* after 4 attempts"):
        client.get("http://127.0.0.1:9/closed")  # the discard port: nothing listens there
    assert waits == [0.5, 1.0, 1.5]


def test_redirect_is_followed_and_the_final_url_recorded(agency_site, tmp_path):
    result = run([Source(agency_site.url("/old/report2019.htm"))], tmp_path)
    assert result.is_ok
    [row] = manifest(tmp_path)
    assert row["url"].endswith("/old/report2019.htm") and row["final_url"] == agency_site.served_url(agency_site.entry(2019).url)
    assert (tmp_path / row["file"]).read_bytes() == agency_site.entry(2019).page()


def test_gb18030_page_is_stored_unchanged_with_its_encoding_and_reads_like_the_utf8_one(agency_site, tmp_path):
    result = run([Source(agency_site.url("/gb/report2019.htm"), "平潭综合实验区", 2019),
                  Source(agency_site.served_url(agency_site.entry(2019).url), "平潭综合实验区", 2019)], tmp_path)
    assert result.is_ok
    rows = manifest(tmp_path)
    gb = next(row for row in rows if row["url"].endswith("/gb/report2019.htm"))
    utf8 = next(row for row in rows if row is not gb)
    assert gb["encoding"] == "gb18030" and utf8["encoding"] == "utf-8"
    assert (tmp_path / gb["file"]).read_bytes().decode("gb18030") == agency_site.entry(2019).page().decode("utf-8").replace(
        'charset="utf-8"', 'charset="gb18030"', 1)
    corpus = load(tmp_path)
    by_file = {Path(source).name: report_id for source, report_id in corpus.reports.select("source", "report_id").iter_rows()}
    cells = [corpus.table3.filter(pl.col("report_id") == by_file[row["file"]]).select("row", "requester", "value") for row in (gb, utf8)]
    assert cells[0].height == 161 and cells[0].equals(cells[1])


def test_path_forbidden_by_robots_txt_is_never_requested_and_reported(agency_site, tmp_path):
    result = run([Source(agency_site.url("/private/report.htm")), Source(agency_site.served_url(agency_site.entry(2015).url))],
                 tmp_path)
    [failed] = result.failed
    assert failed.reason.startswith("disallowed by robots.txt") and not agency_site.hits_to("/private/report.htm")
    assert len(agency_site.hits_to("/robots.txt")) == 1, "robots.txt is read once per host and run"


def test_requests_to_one_host_are_spaced_by_the_delay(agency_site, tmp_path):
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    client = WebClient(settings(delay=1.5), sleep=sleep, clock=lambda: now[0])
    sources = [Source(agency_site.served_url(agency_site.entry(year).url)) for year in (2011, 2013)]
    fetch.fetch_sources(sources, tmp_path, client=client)
    assert agency_site.hits[0].path == "/robots.txt" and len(agency_site.hits) == 3
    assert waits == [1.5, 1.5], "robots.txt, then each page 1.5 s after the one before"


def test_wrapping_page_is_stored_with_its_attachment_linked_to_it(agency_site, tmp_path):
    agency_site.attachment()
    result = run([Source(agency_site.url("/wrapped/report2019.htm"), "平潭综合实验区", 2019)], tmp_path)
    assert result.is_ok and [o.role for o in result.outcomes] == ["page", "attachment"]
    page, attachment = manifest(tmp_path)
    assert attachment["role"] == "attachment" and attachment["page_file"] == page["file"]
    assert attachment["file"].startswith("2019_pingtan-zone_") and attachment["file"].endswith(".docx")
    assert attachment["encoding"] == "" and attachment["url"].endswith("/files/report2019.docx")
    again = run([Source(agency_site.url("/wrapped/report2019.htm"), "平潭综合实验区", 2019)], tmp_path)
    assert [o.status for o in again.outcomes] == ["unchanged", "unchanged"], "the attachment is checked again too"


def test_ingest_reads_the_attachment_of_a_page_that_holds_no_tables(agency_site, tmp_path):
    agency_site.attachment()
    run([Source(agency_site.url("/wrapped/report2019.htm"), "平潭综合实验区", 2019)], tmp_path)
    corpus = load(tmp_path)
    assert not corpus.failures
    [report] = corpus.reports.to_dicts()
    assert report["source"].endswith(".docx") and report["layout"] == "docx"
    assert (report["agency_id"], report["year"], report["template"]) == ("pingtan_zone", 2019, "2019")
    run([Source(agency_site.served_url(agency_site.entry(2019).url), "平潭综合实验区", 2019)], tmp_path / "page")
    direct = load(tmp_path / "page")
    assert corpus.table3.select("row", "requester", "value").equals(direct.table3.select("row", "requester", "value"))



def test_index_keeps_the_annual_reports_follows_the_next_page_and_skips_the_letter_with_its_reason(agency_site, tmp_path):
    result = fetch.fetch_index(agency_site.index_url, tmp_path, settings=settings())
    reports = [entry for entry in agency_site.entries if entry.is_annual_report]
    letter = next(entry for entry in agency_site.entries if not entry.is_annual_report)
    assert result.is_ok and result.count("stored") == len(reports) == 19
    [skipped] = [o for o in result.outcomes if o.status == "skipped"]
    assert skipped.url == agency_site.served_url(letter.url) and "函 (letter)" in skipped.reason
    assert not agency_site.hits_to(letter.path), "a skipped document is not downloaded"
    assert agency_site.hits_to("/zwgk/zfxxgk/zfxxgknb/index_1.htm"), "the list's second page is read"
    rows = manifest(tmp_path)
    assert {(row["agency_id"], int(row["year"])) for row in rows} == {
        ({"平潭县人民政府": "pingtan_county", "平潭综合实验区地方税务局": "pingtan_zone_local_tax"}.get(e.agency, "pingtan_zone"), e.year)
        for e in reports}
    assert all(row["title"] and row["note"].startswith("from the list ") for row in rows)


def test_ingest_lists_a_fetched_letter_as_not_an_annual_report_instead_of_an_empty_parse(agency_site, tmp_path):
    letter = next(entry for entry in agency_site.entries if not entry.is_annual_report)
    assert run([Source(agency_site.served_url(letter.url))], tmp_path).is_ok
    corpus = load(tmp_path)
    assert corpus.reports.height == 0
    [failure] = corpus.failures
    assert failure.reason.startswith("not an annual report: ") and "函 (letter)" in failure.reason


def test_without_the_real_folder_these_tests_skip_and_name_it(monkeypatch, tmp_path):
    from tests import agency_site as site_module

    monkeypatch.setattr(site_module, "PINGTAN", tmp_path / "shared" / "real" / "pingtan")
    with pytest.raises(pytest.skip.Exception, match=r"shared/real/pingtan"):
        site_module.AgencySite()
