"""Briefings at national scale: a lazy plan from the store, subsets, the grouped and searchable index, shared assets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from govdata import briefings, notebooks
from govdata.cli import main
from govdata.notebooks import NOTEBOOK_DIR
from govdata.store import write_corpus
from tests.fixtures_corpus import ALPHA, BETA, EVIL_ID, build_corpus

HOSTILE_NAME = "</script><script>alert(1)</script><!--"


def _store(tmp_path: Path, corpus=None, *, partitioned: bool = True) -> Path:
    out = tmp_path / "store"
    write_corpus(corpus or build_corpus(), out, partitioned=partitioned)
    return out


def _hierarchy_corpus():
    """The fixture corpus with levels and parents: alpha a prefecture under a province that publishes
    nothing, beta a township under alpha, the hostile agency a department under alpha, named to break out
    of a script element."""
    corpus = build_corpus()
    corpus.reports = corpus.reports.with_columns(
        pl.when(pl.col("agency_id") == ALPHA).then(pl.lit("prefecture"))
        .when(pl.col("agency_id") == BETA).then(pl.lit("township")).otherwise(pl.lit("department")).alias("level"),
        pl.when(pl.col("agency_id") == ALPHA).then(pl.lit("fujian_province")).otherwise(pl.lit(ALPHA)).alias("parent"),
        pl.when(pl.col("agency_id") == EVIL_ID).then(pl.lit(HOSTILE_NAME)).otherwise(pl.col("agency")).alias("agency"),
    )
    return corpus


def _built(jobs: list[briefings.Job], out: Path) -> briefings.BatchResult:
    batch = briefings.BatchResult(out)
    batch.results = [briefings.JobResult(job, "built") for job in jobs]
    return batch


# --------------------------------------------------------------------------- lazy plan


def test_plan_from_lazy_store_scans_equals_the_plan_from_memory(tmp_path):
    for partitioned in (True, False):
        store = _store(tmp_path / str(partitioned), partitioned=partitioned)
        lazy, _ = briefings.plan(briefings.store_frames(store), store, notebook_dir=NOTEBOOK_DIR)
        eager, _ = briefings.plan(build_corpus(), store, notebook_dir=NOTEBOOK_DIR)
        assert [(j.output, j.input_hash) for j in lazy] == [(j.output, j.input_hash) for j in eager]


def test_the_plan_reads_no_whole_frame_into_memory(tmp_path, monkeypatch):
    store = _store(tmp_path)
    collected: list[int] = []
    original = pl.LazyFrame.collect

    def counting(self, *args, **kwargs):
        frame = original(self, *args, **kwargs)
        collected.append(frame.width)
        return frame

    monkeypatch.setattr(pl.LazyFrame, "collect", counting)
    monkeypatch.setattr(pl, "read_parquet", lambda *a, **k: pytest.fail("the plan read a whole Parquet file"))
    jobs, _ = briefings.plan(briefings.store_frames(store), store, notebook_dir=NOTEBOOK_DIR)
    assert len(jobs) == 11 and collected
    assert max(collected) <= len(briefings.PLAN_REPORT_COLUMNS)  # never a whole frame's columns (checks has 12)


# --------------------------------------------------------------------------- subsets


@pytest.mark.parametrize(("selection", "expected"), [
    (briefings.Selection(agencies=(ALPHA,)), {(ALPHA, y) for y in (2017, 2018, 2019, 2021, 2023)}),
    (briefings.Selection(years=(2019, 2020)), {(ALPHA, 2019), (BETA, 2019), (BETA, 2020)}),
    (briefings.Selection(agencies=(ALPHA, BETA), years=(2019,)), {(ALPHA, 2019), (BETA, 2019)}),
    (briefings.Selection(levels=("township",)), {(BETA, 2019), (BETA, 2020)}),
])
def test_a_selection_plans_only_its_agency_year_pages(tmp_path, selection, expected):
    corpus = _hierarchy_corpus()
    jobs, _ = briefings.plan(corpus, tmp_path, notebook_dir=NOTEBOOK_DIR, selection=selection)
    assert {(j.agency_id, j.year) for j in jobs} == expected  # and no corpus-wide page


def test_a_selected_page_is_the_page_a_whole_run_plans(tmp_path):
    whole, _ = briefings.plan(build_corpus(), tmp_path, notebook_dir=NOTEBOOK_DIR)
    some, _ = briefings.plan(build_corpus(), tmp_path, notebook_dir=NOTEBOOK_DIR,
                             selection=briefings.Selection(agencies=(BETA,), years=(2020,)))
    by_output = {j.output: j for j in whole}
    assert [(j.output, j.input_hash, j.nav_html) for j in some] == [
        (j.output, by_output[j.output].input_hash, by_output[j.output].nav_html) for j in some]
    assert "beta_town_2019.html" in some[0].nav_html  # links to the agency's other years, not only the selected ones


@pytest.mark.parametrize(("selection", "message"), [
    (briefings.Selection(agencies=("nope_city",)), "unknown agency id(s) ['nope_city']"),
    (briefings.Selection(years=(1999,)), "no report of the store for year(s) [1999]"),
    (briefings.Selection(agencies=(BETA,), years=(2023,)), "no report of the selected agencies for year(s) [2023]"),
    (briefings.Selection(levels=("galaxy",)), "unknown level(s) ['galaxy']"),
    (briefings.Selection(levels=("province",)), "no report of level ['province']"),
    (briefings.Selection(agencies=(ALPHA,), levels=("township",)), "no agency-year has all of agencies ['alpha_city'], levels"),
])
def test_a_selection_of_nothing_is_a_one_line_error(tmp_path, selection, message):
    with pytest.raises(briefings.SelectionError) as error:
        briefings.plan(build_corpus(), tmp_path, notebook_dir=NOTEBOOK_DIR, selection=selection)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_years_parse_lists_and_ranges_and_refuse_anything_else():
    assert briefings.parse_years("2019, 2021-2023") == [2019, 2021, 2022, 2023]
    assert briefings.parse_years(None) == []
    for bad in ("20x9", "2023-2019"):
        with pytest.raises(briefings.SelectionError):
            briefings.parse_years(bad)


@pytest.mark.parametrize(("args", "message"), [
    (["--agencies", "nope_city"], "unknown agency id(s) ['nope_city']"),
    (["--years", "1999"], "year(s) [1999]"),
    (["--years", "soon"], "--years takes years"),
    (["--level", "galaxy"], "unknown level(s)"),
])
def test_briefings_command_refuses_an_empty_selection_in_one_line(tmp_path, args, message):
    store = _store(tmp_path)
    result = CliRunner().invoke(main, ["briefings", "--data", str(store), "--out", str(tmp_path / "out"), *args])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("govdata briefings: ") and message in lines[0]


def test_a_selective_run_keeps_earlier_pages_in_the_index(tmp_path):
    corpus = build_corpus()
    jobs, _ = briefings.plan(corpus, tmp_path, notebook_dir=NOTEBOOK_DIR, selection=briefings.Selection(agencies=(ALPHA,)))
    earlier, _ = briefings.plan(corpus, tmp_path, notebook_dir=NOTEBOOK_DIR, selection=briefings.Selection(agencies=(BETA,)))
    manifest = {}
    for job in earlier:
        (tmp_path / job.output).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / job.output).write_text("x", encoding="utf-8")
        manifest[job.output] = {"input_hash": job.input_hash, "title": job.title, "parameters": job.parameters}
    batch = briefings._with_kept_pages(_built(jobs, tmp_path), manifest, briefings.Selection(agencies=(ALPHA,)))
    html = briefings.render_index(batch, corpus)
    assert 'href="agencies/beta_town_2020.html"' in html and 'href="agencies/alpha_city_2023.html"' in html


# --------------------------------------------------------------------------- index


def test_index_groups_pages_by_level_and_region(tmp_path):
    corpus = _hierarchy_corpus()
    jobs, _ = briefings.plan(corpus, tmp_path, notebook_dir=NOTEBOOK_DIR)
    html = briefings.render_index(_built(jobs, tmp_path), corpus)
    headings = re.findall(r'<h3 id="level-([a-z]+)">', html)
    assert headings == ["prefecture", "township", "department"]  # from the top down
    # alpha's region is its parent, named by the registry (it publishes nothing here): 福建省人民政府
    prefecture = html.split('id="level-prefecture"')[1].split("<h3")[0]
    assert "<summary>福建省人民政府（1 个机关）</summary>" in prefecture and "alpha_city_2019.html" in prefecture
    township = html.split('id="level-township"')[1].split("<h3")[0]
    assert "<summary>阿尔法市人民政府（1 个机关）</summary>" in township and "beta_town_2020.html" in township


def test_a_large_index_puts_each_group_on_a_page_of_its_own(tmp_path):
    corpus = _hierarchy_corpus()
    jobs, _ = briefings.plan(corpus, tmp_path, notebook_dir=NOTEBOOK_DIR)
    site = briefings.index_site(_built(jobs, tmp_path), corpus, inline_rows=3)
    groups = sorted(page for page in site if page != "index.html")
    assert len(groups) == 3 and all(page.startswith("groups/") for page in groups)
    for page in groups:
        assert f'href="{page}"' in site["index.html"]
        assert 'href="../index.html"' in site[page] and 'href="../agencies/' in site[page]
    assert "<table" not in site["index.html"]
    briefings.write_index(_built(jobs, tmp_path), corpus, inline_rows=3)
    assert all((tmp_path / page).exists() for page in groups)


def test_hostile_agency_names_are_escaped_in_the_index_and_its_search_data(tmp_path):
    corpus = _hierarchy_corpus()
    jobs, _ = briefings.plan(corpus, tmp_path, notebook_dir=NOTEBOOK_DIR)
    html = briefings.render_index(_built(jobs, tmp_path), corpus)
    assert HOSTILE_NAME not in html and "<!--" not in html and "</script><script>" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--" in html  # shown as text in the table
    data = re.search(r'<script type="application/json" id="govdata-search-data">(.*?)</script>', html, re.DOTALL).group(1)
    entries = json.loads(data)
    assert HOSTILE_NAME in [entry[0] for entry in entries]  # the same name, once parsed
    assert [s.split(">", 1)[0] for s in re.findall(r"<script[^>]*>", html)] == [
        '<script type="application/json" id="govdata-search-data"', "<script"]


# --------------------------------------------------------------------------- shared assets


def test_site_assets_have_content_hashed_names_and_are_written_once(tmp_path):
    assets = notebooks.write_site_assets(tmp_path)
    assert re.fullmatch(r"assets/vega-[0-9a-f]{16}\.js", assets.script)
    assert re.fullmatch(r"assets/briefing-[0-9a-f]{16}\.css", assets.style)
    script = tmp_path / assets.script
    assert "vegaEmbed" in script.read_text(encoding="utf-8") and ".jp-OutputArea" in (tmp_path / assets.style).read_text()
    mtime = script.stat().st_mtime_ns
    assert notebooks.write_site_assets(tmp_path) == assets and script.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in (tmp_path / "assets").iterdir()) == sorted(Path(a).name for a in (assets.script, assets.style))


def test_pages_at_different_depths_link_the_same_asset_files(tmp_path):
    assets = notebooks.write_site_assets(tmp_path)
    for page in ("index.html", "trends.html", "agencies/alpha_city_2023.html", "groups/county--x.html"):
        seen = assets.for_page(page)
        for href in (seen.script, seen.style):
            assert (tmp_path / Path(page).parent / href).resolve() == (tmp_path / (assets.script if href.endswith(".js")
                                                                                   else assets.style)).resolve()


def test_a_site_page_links_the_assets_and_inlines_neither_library_nor_styles():
    import nbformat

    from govdata import charts

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("charts.use_offline_charts()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": charts.offline_bundle(), "text/plain": ""})]
    nb.cells = [cell, nbformat.v4.new_markdown_cell("## 数据")]
    assets = notebooks.SiteAssets("assets/vega-0.js", "assets/briefing-0.css").for_page("agencies/a_2020.html")
    page = notebooks.to_html(nb, title="t", assets=assets)
    assert len(page) < 20_000 and "vegaEmbed" not in page and "<style" not in page
    assert '<script src="../assets/vega-0.js"></script>' in page and 'href="../assets/briefing-0.css"' in page
    alone = notebooks.to_html(nb, title="t")
    assert "vegaEmbed" in alone and len(alone) > 1_000_000  # `govdata run --html` still stands alone


def test_a_new_library_gets_a_new_file_and_pages_written_before_keep_theirs(tmp_path, monkeypatch):
    from govdata import charts

    before = notebooks.write_site_assets(tmp_path)
    monkeypatch.setattr(charts, "bundle_source", lambda: "/* vega, a later version */\n")
    after = notebooks.write_site_assets(tmp_path)
    assert after.script != before.script and after.style == before.style
    assert (tmp_path / before.script).exists() and (tmp_path / after.script).read_text() == "/* vega, a later version */\n"
