"""The trends page over thousands of agencies draws every chart offline: the distribution and the pooled panel too."""

from __future__ import annotations

import re

import pytest

from govdata import briefings
from govdata.notebooks import NOTEBOOK_DIR, KernelSession
from govdata.store import read_corpus
from tests.browser import chromium
from tests.notebooks.many_agencies import write_many_agencies_store

pytestmark = pytest.mark.browser

N_AGENCIES = 1300
DRAWN_CHART = re.compile(r'<svg[^>]*class="marks"')
CHART_SLOT = re.compile(r'<div[^>]*\bid="govdata-chart-[^"]+"')


@pytest.fixture(scope="module")
def trends_page(tmp_path_factory):
    """trends.html of a partitioned store of ~6,000 agency-years, built as `govdata briefings` builds it."""
    store = write_many_agencies_store(tmp_path_factory.mktemp("many_store"), N_AGENCIES)
    out = tmp_path_factory.mktemp("many_reports")
    jobs, _ = briefings.plan(read_corpus(store), store, notebook_dir=NOTEBOOK_DIR)
    (job,) = [job for job in jobs if job.output == "trends.html"]
    with KernelSession() as session:
        result = briefings.run_job(session, job, out)
    assert result.status == "built", result.error
    return out / "trends.html"


def test_trends_page_over_thousands_of_agencies_draws_every_chart_offline(trends_page, artifacts):
    loaded = chromium.load(trends_page, screenshot=artifacts / "many_agencies" / "trends.png", height=5200)
    slots = len(CHART_SLOT.findall(loaded.dom))
    # pooled, distribution across agencies, the ranking (40 agencies at most), largest agencies, outcome mix with the
    # rest pooled; the refusal reasons are a sentence here (this store prints no reason rows)
    assert slots == 5
    assert "只画办理结果总计最多的 40 个" in loaded.dom
    assert len(DRAWN_CHART.findall(loaded.dom)) == slots, "a chart did not draw"
    assert f"其他 {N_AGENCIES - 8:,} 个机关" in loaded.dom
    assert loaded.page_requests == []
    assert trends_page.stat().st_size < 2_000_000
