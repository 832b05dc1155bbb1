"""Every exported page opens offline in headless Chromium: charts drawn, nothing fetched, text escaped."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest

from govdata import terms
from govdata.briefings import slugify
from govdata.check import RULES
from tests.browser import chromium
from tests.conftest import RAW
from tests.fixtures_corpus import EVIL_ID

pytestmark = pytest.mark.browser


def _bundled_pages() -> list[str]:
    with (RAW / "manifest.csv").open(encoding="utf-8") as handle:
        briefings = [f"agencies/{row['agency_id']}_{row['year']}.html" for row in csv.DictReader(handle)]
    return ["index.html", "trends.html", "data_quality.html", "compare.html", *briefings]


FIXTURE_PAGES = ["index.html", "trends.html", f"agencies/{slugify(EVIL_ID)}_2021.html", "agencies/alpha_city_2021.html"]
CASES = [("bundled", page) for page in _bundled_pages()] + [("fixture", page) for page in FIXTURE_PAGES]

DRAWN_CHART = re.compile(r'<svg[^>]*class="marks"')
CHART_SLOT = re.compile(r'<div[^>]*\bid="govdata-chart-[^"]+"')
CJK = re.compile(r"[\u4e00-\u9fff]")
SCRIPT_ELEMENT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)


def _without_scripts(dom: str) -> str:
    """The DOM without script sources (the bundle itself contains the words "Error loading script")."""
    return SCRIPT_ELEMENT.sub("", dom)


@pytest.mark.parametrize(("corpus", "page"), CASES, ids=[f"{c}:{p}" for c, p in CASES])
def test_page_draws_every_chart_offline_and_fetches_nothing(built_pages, artifacts, corpus, page):
    path = built_pages[corpus] / page
    assert path.exists(), sorted(p.name for p in built_pages[corpus].rglob("*.html"))
    shot = artifacts / corpus / (page.replace("/", "__").removesuffix(".html") + ".png")
    loaded = chromium.load(path, screenshot=shot)
    slots = len(CHART_SLOT.findall(loaded.dom))
    if page != "index.html" and "办理结果总计均为 0 件" not in loaded.dom:  # an agency that handled nothing has no chart
        assert slots >= 1
    assert len(DRAWN_CHART.findall(loaded.dom)) == slots, "a chart did not draw"
    shown = _without_scripts(loaded.dom)
    assert "Error loading script" not in shown and "图表库未加载" not in shown
    assert loaded.page_requests == []
    assert len(CJK.findall(shown)) > 50
    assert loaded.screenshot is not None and loaded.screenshot.stat().st_size > 20_000
    # what a reader sees: links that go somewhere, no raw rule keys, no "0 / 0" cards
    assert _broken_links(path, loaded.dom) == []
    visible = _visible_text(loaded.dom)
    assert RAW_KEYS.findall(visible) == [], RAW_KEYS.findall(visible)
    assert "0 / 0" not in visible and "N 不足" not in visible
    if page != "index.html":
        assert "全部简报" in visible  # the way back to the index


RAW_KEYS = re.compile(r"\b(" + "|".join(sorted({rule.check for rule in RULES.values()} | set(terms.check_keys()), key=len, reverse=True))
                      + r"|legacy|share_[a-z_]+|is_[a-z_]+|Definition)\b")
HREF = re.compile(r'\bhref="([^"]+)"')
TAG = re.compile(r"<[^>]+>")


def _visible_text(dom: str) -> str:
    """The page's text as a reader sees it: no scripts, styles or attributes."""
    text = re.sub(r"<style\b.*?</style>", "", _without_scripts(dom), flags=re.DOTALL | re.IGNORECASE)
    return html.unescape(TAG.sub(" ", text))


def _broken_links(page: Path, dom: str) -> list[str]:
    ids = set(re.findall(r'\bid="([^"]+)"', dom))
    broken = []
    for href in (html.unescape(h) for h in HREF.findall(_without_scripts(dom))):
        if href.startswith(("http:", "https:", "data:", "mailto:")):
            broken.append(href)  # an offline page links nowhere outside
        elif href.startswith("#"):
            if href[1:] and href[1:] not in ids:
                broken.append(href)
        elif not (page.parent / href.split("#")[0]).resolve().exists():
            broken.append(href)
    return broken


def test_legacy_briefing_shows_the_appendix_review_and_litigation_figures(built_pages):
    loaded = chromium.load(built_pages["bundled"] / "agencies/jinjiang_city_2017.html")
    visible = _visible_text(loaded.dom)
    assert "2019年以前的格式不含此表" not in visible
    section = visible.split("行政复议和行政诉讼", 1)[1].split("数据质量", 1)[0]
    assert re.search(r"行政复议\s+1\s+附表\s+第254行「\| 行政复议数 \| 件 \| 1 \| 7 \|」", section), section[:600]
    assert re.search(r"行政诉讼\s+0\s+附表\s+第255行", section)
    # every headline number cites its lines, quoted: 不予公开 101 from the prose, not the 附表's 104
    assert "第208行" in visible and "附表“不予公开答复数” 104（第251行）与正文 101（第208行）不同" in visible


def test_agency_pages_link_to_the_same_agencys_other_years_and_the_index_shows_numbers(built_pages):
    dom = chromium.load(built_pages["bundled"] / "agencies/jinjiang_city_2023.html").dom
    assert 'href="jinjiang_city_2017.html"' in dom and 'href="../index.html"' in dom and 'href="#quality"' in dom
    index = _visible_text((built_pages["bundled"] / "index.html").read_text(encoding="utf-8"))
    assert "7.8%（5.1%–11.9%）" in index and "无申请办结" in index


def test_a_briefing_fits_a_phone_screen(built_pages, artifacts):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium.chromium_path()), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
            page.goto((built_pages["bundled"] / "agencies/jinjiang_city_2017.html").as_uri())
            page.wait_for_selector(".govdata-chart svg.marks")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            page.screenshot(path=str(artifacts / "bundled" / "phone__jinjiang_city_2017.png"), full_page=False)
        finally:
            browser.close()
    assert overflow <= 1, f"the page is {overflow}px wider than a phone"


def test_hostile_agency_name_is_shown_as_text_and_never_runs(built_pages):
    loaded = chromium.load(built_pages["fixture"] / f"agencies/{slugify(EVIL_ID)}_2021.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;../测试局" in loaded.dom
    scripts = SCRIPT_ELEMENT.findall(loaded.dom)
    assert scripts and not any(re.fullmatch(r"<script[^>]*>\s*alert\(1\)\s*</script>", s) for s in scripts)


def test_the_network_check_catches_a_page_that_loads_from_a_cdn(tmp_path):
    page = tmp_path / "cdn.html"
    page.write_text('<html><body><script src="https://cdn.jsdelivr.net/npm/vega@6"></script>'
                    '<img src="http://example.com/x.png"></body></html>', encoding="utf-8")
    requests = chromium.load(page).page_requests
    assert "https://cdn.jsdelivr.net/npm/vega@6" in requests and "http://example.com/x.png" in requests


def test_a_cjk_sans_font_is_installed_for_the_browser():
    import subprocess

    matched = subprocess.run(["fc-match", "-f", "%{family}", "Noto Sans CJK SC"], capture_output=True, text=True,
                             check=False).stdout
    assert "Noto Sans CJK" in matched or "WenQuanYi" in matched, f"fc-match gave {matched!r}: install fonts-noto-cjk"
