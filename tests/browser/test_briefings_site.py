"""A briefing site at scale: small pages sharing one copy of the chart library, drawn offline; an index that searches.

Playwright drives Debian's Chromium with every request that is not file:// aborted, as
test_briefings_offline.py does for the phone check.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govdata import briefings, charts
from tests.browser import chromium
from tests.unit.test_briefings_site import HOSTILE_NAME, _built, _hierarchy_corpus

pytestmark = pytest.mark.browser

PAGE_LIMIT = 200_000
ASSET_LINKS = re.compile(r'<(?:script src|link href)="([^"]+)"')


def _library_sample() -> str:
    """A stretch of the Vega bundle's own code (not the chart calls a page makes), to find copies of it."""
    source = charts.bundle_source()
    return source[len(source) // 2: len(source) // 2 + 200]


def test_pages_are_small_and_share_one_copy_of_the_library(built_pages):
    out = built_pages["fixture"]
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 10
    sample = _library_sample()
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert page.stat().st_size < PAGE_LIMIT, (page, page.stat().st_size)
        assert sample not in text and 'data-govdata="vega-bundle"' not in text, page
    assets = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and "assets" in p.parts)
    assert [re.sub(r"-[0-9a-f]{16}\.", "-<hash>.", a) for a in assets] == ["assets/briefing-<hash>.css", "assets/vega-<hash>.js"]
    assert sample in (out / assets[1]).read_text(encoding="utf-8")


@pytest.mark.parametrize("page", ["trends.html", "agencies/alpha_city_2023.html"])
def test_pages_at_every_depth_resolve_their_asset_paths(built_pages, page):
    out = built_pages["fixture"]
    links = ASSET_LINKS.findall((out / page).read_text(encoding="utf-8"))
    assert len(links) == 2
    for href in links:
        target = (out / page).parent / href
        assert target.resolve().is_file() and target.resolve().parent == (out / "assets").resolve(), href


def _browser(sync_api):
    return sync_api.chromium.launch(executable_path=str(chromium.chromium_path()), args=["--no-sandbox", "--disable-gpu"])


def _offline_page(browser, **options):
    """A page whose every request outside file:// is aborted (and recorded)."""
    page = browser.new_page(**options)
    page.blocked = []
    page.console_errors = []
    page.dialogs = []

    def route(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            page.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: page.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return page


def test_an_agency_page_draws_its_charts_offline_from_the_shared_library(built_pages, artifacts):
    sync_api = pytest.importorskip("playwright.sync_api")
    shot = artifacts / "site" / "agency_alpha_city_2023.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = _browser(p)
        try:
            page = _offline_page(browser, viewport={"width": 1100, "height": 1400})
            page.goto((built_pages["fixture"] / "agencies/alpha_city_2023.html").as_uri())
            page.wait_for_selector(".govdata-chart svg.marks")
            page.wait_for_load_state("networkidle")
            slots = page.locator("div.govdata-chart").count()
            drawn = page.locator("div.govdata-chart svg.marks, div.govdata-chart canvas").count()
            font = page.evaluate("getComputedStyle(document.body).fontFamily")
            page.screenshot(path=str(shot), full_page=False)
        finally:
            browser.close()
    assert slots >= 2 and drawn == slots
    assert page.console_errors == [] and page.blocked == [] and page.dialogs == []
    assert "Noto Sans CJK SC" in font  # the shared stylesheet applied
    assert shot.stat().st_size > 20_000


def _search_index(tmp_path: Path, corpus, **options) -> Path:
    jobs, _ = briefings.plan(corpus, tmp_path, notebook_dir=Path("notebooks"))
    briefings.write_index(_built(jobs, tmp_path), corpus, **options)
    return tmp_path / "index.html"


def _search(page, text: str) -> tuple[list[str], str]:
    """Type ``text`` into the search box; the results once the list shows them."""
    page.fill("#govdata-search", text)
    page.wait_for_function("query => document.getElementById('govdata-search-results').dataset.query === query",
                           arg=text.strip().lower())
    items = page.locator("#govdata-search-results li").all_inner_texts()
    return items, page.inner_text("#govdata-search-count")


def test_the_index_search_box_filters_agencies_offline_and_shows_hostile_names_as_text(tmp_path, artifacts):
    sync_api = pytest.importorskip("playwright.sync_api")
    index = _search_index(tmp_path, _hierarchy_corpus())
    with sync_api.sync_playwright() as p:
        browser = _browser(p)
        try:
            page = _offline_page(browser, viewport={"width": 1000, "height": 900})
            page.goto(index.as_uri())
            alpha, alpha_count = _search(page, "Alpha_City")
            links = page.locator("#govdata-search-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
            by_region, _ = _search(page, "福建省")  # the region (parent) is searchable too
            with_units, _ = _search(page, "阿尔法")  # alpha, and the two units that belong to it
            hostile, _ = _search(page, "<!--")
            hostile_html = page.inner_html("#govdata-search-results")
            page.screenshot(path=str(artifacts / "site" / "index_search.png"), full_page=True)
            nothing, nothing_count = _search(page, "不存在的机关")
            injected = page.evaluate("document.querySelectorAll('script').length")
        finally:
            browser.close()
    assert len(alpha) == 1 and alpha[0].startswith("阿尔法市人民政府") and "找到 1 个机关" in alpha_count
    assert links == [f"agencies/alpha_city_{y}.html" for y in (2017, 2018, 2019, 2021, 2023)]
    assert len(by_region) == 1 and "阿尔法市人民政府" in by_region[0]
    assert len(with_units) == 3 and alpha[0].endswith("2017 2018 2019 2021 2023")
    assert len(hostile) == 1 and hostile[0].startswith(HOSTILE_NAME)  # shown as the text it is
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--" in hostile_html
    assert nothing == [] and nothing_count == "没有找到匹配的机关"
    assert page.dialogs == [] and page.console_errors == [] and page.blocked == [] and injected == 2


def test_the_search_box_of_an_index_of_thousands_lists_the_first_hundred_matches(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.notebooks.many_agencies import build_many_agencies

    index = _search_index(tmp_path, build_many_agencies(1500))
    assert index.stat().st_size < 2_000_000 and len(list((tmp_path / "groups").glob("*.html"))) >= 1
    with sync_api.sync_playwright() as p:
        browser = _browser(p)
        try:
            page = _offline_page(browser)
            page.goto(index.as_uri())
            many, many_count = _search(page, "合成第1")
            one, _ = _search(page, "many_01234")
        finally:
            browser.close()
    assert len(many) == briefings.SEARCH_RESULTS_SHOWN and "只列出前 100 个" in many_count
    assert len(one) == 1 and one[0].startswith("合成第1234号机关")
    assert page.console_errors == [] and page.blocked == []
