"""Every exported page opens offline in headless Chromium: charts drawn, nothing fetched, text escaped."""

from __future__ import annotations

import csv
import re

import pytest

from govdata.briefings import slugify
from tests.browser import chromium
from tests.conftest import RAW
from tests.fixtures_corpus import EVIL_ID

pytestmark = pytest.mark.browser


def _bundled_pages() -> list[str]:
    with (RAW / "manifest.csv").open(encoding="utf-8") as handle:
        briefings = [f"agencies/{row['agency_id']}_{row['year']}.html" for row in csv.DictReader(handle)]
    return ["index.html", "trends.html", "data_quality.html", *briefings]


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
    if page != "index.html":
        assert slots >= 1
    assert len(DRAWN_CHART.findall(loaded.dom)) == slots, "a chart did not draw"
    shown = _without_scripts(loaded.dom)
    assert "Error loading script" not in shown and "图表库未加载" not in shown
    assert loaded.page_requests == []
    assert len(CJK.findall(shown)) > 50
    assert loaded.screenshot is not None and loaded.screenshot.stat().st_size > 20_000


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
