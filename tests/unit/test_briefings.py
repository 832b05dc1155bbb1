"""Batch planning: safe file names, one page per agency-year, input hashes that skip only unchanged work."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from govdata import briefings
from govdata.cli import main
from govdata.notebooks import NOTEBOOK_DIR
from tests.fixtures_corpus import ALPHA, BETA, EVIL_ID, EVIL_NAME, build_corpus

SAFE = set("abcdefghijklmnopqrstuvwxyz0123456789_-")


@pytest.mark.parametrize("text", [EVIL_ID, "../../etc/passwd", "..", ".", "", "晋江市人民政府", "a/b\\c", "CON", "x" * 300])
def test_slugify_gives_a_plain_file_name_for_any_id(text):
    slug = briefings.slugify(text)
    assert slug and set(slug) <= SAFE and not slug.startswith(("-", "."))
    assert len(slug) <= 48 + 9


def test_slugify_keeps_ids_that_are_already_safe():
    assert briefings.slugify("jinjiang_city") == "jinjiang_city"


def test_slugify_keeps_different_ids_apart():
    ids = ["ABC", "abc", "a-b", "a_b", "a b", "晋江市", "晋江县", "../x", "x"]
    assert len({briefings.slugify(i) for i in ids}) == len(ids)


def test_plan_has_one_briefing_per_agency_year_plus_trends_and_data_quality(tmp_path):
    jobs, notes = briefings.plan(build_corpus(), tmp_path, notebook_dir=NOTEBOOK_DIR)
    agency_jobs = [j for j in jobs if j.agency_id]
    assert len(agency_jobs) == 8 and not notes
    assert {j.output for j in jobs if not j.agency_id} == {"trends.html", "data_quality.html", "compare.html"}
    evil = next(j for j in agency_jobs if j.agency_id == EVIL_ID)
    assert evil.output.startswith("agencies/script-alert-1-script-") and ".." not in evil.output
    assert evil.parameters["agency_id"] == EVIL_ID and evil.agency == EVIL_NAME
    assert evil.parameters["data_dir"] == str(tmp_path.resolve())


def test_plan_notes_reports_without_agency_or_year(tmp_path):
    corpus = build_corpus()
    corpus.reports = corpus.reports.with_columns(
        pl.when(pl.col("agency_id") == BETA).then(None).otherwise(pl.col("agency_id")).alias("agency_id"))
    jobs, notes = briefings.plan(corpus, tmp_path, notebook_dir=NOTEBOOK_DIR)
    assert len([j for j in jobs if j.agency_id]) == 6 and len(notes) == 2


def test_changing_one_agencys_rows_changes_only_its_pages_and_the_corpus_pages(tmp_path):
    before, _ = briefings.plan(build_corpus(), tmp_path, notebook_dir=NOTEBOOK_DIR)
    changed = build_corpus()
    changed.outcomes = changed.outcomes.with_columns(
        pl.when((pl.col("agency_id") == BETA) & (pl.col("outcome") == "withheld")).then(pl.col("value") + 1)
        .otherwise(pl.col("value")).alias("value"))
    after, _ = briefings.plan(changed, tmp_path, notebook_dir=NOTEBOOK_DIR)
    differing = {a.output for a, b in zip(before, after, strict=True) if a.input_hash != b.input_hash}
    assert differing == {j.output for j in before if j.agency_id == BETA} | {"trends.html", "data_quality.html", "compare.html"}


def test_min_n_is_part_of_the_input_hash(tmp_path):
    low, _ = briefings.plan(build_corpus(), tmp_path, notebook_dir=NOTEBOOK_DIR, min_n=5)
    high, _ = briefings.plan(build_corpus(), tmp_path, notebook_dir=NOTEBOOK_DIR, min_n=30)
    assert all(a.input_hash != b.input_hash for a, b in zip(low, high, strict=True) if a.output != "data_quality.html")


def test_output_paths_outside_the_output_directory_are_refused(tmp_path):
    with pytest.raises(ValueError, match="outside"):
        briefings._safe_output(tmp_path, "../escaped.html")
    assert briefings._safe_output(tmp_path, "agencies/a_2020.html") == (tmp_path / "agencies/a_2020.html").resolve()


def test_index_escapes_agency_names_and_lists_failures(tmp_path):
    corpus = build_corpus()
    jobs, _ = briefings.plan(corpus, tmp_path, notebook_dir=NOTEBOOK_DIR)
    batch = briefings.BatchResult(tmp_path)
    for job in jobs:
        failed = job.agency_id == ALPHA and job.year == 2019
        batch.results.append(briefings.JobResult(job, "failed" if failed else "built", error="boom <i>x</i>" if failed else None))
    html = briefings.render_index(batch, corpus)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;../测试局" in html
    # the only scripts are the search data (JSON, escaped) and the fixed search code
    assert html.count("<script") == 2 and "alert(1)</script>" not in html and "<script>alert" not in html
    assert "boom &lt;i&gt;x&lt;/i&gt;" in html
    assert 'href="agencies/alpha_city_2021.html"' in html and 'href="agencies/alpha_city_2019.html"' not in html
    assert "Noto Sans CJK SC" in html


def test_manifest_round_trips_and_marks_only_existing_outputs_up_to_date(tmp_path):
    jobs, _ = briefings.plan(build_corpus(), tmp_path, notebook_dir=NOTEBOOK_DIR)
    job = jobs[0]
    briefings.write_manifest(tmp_path, {job.output: {"input_hash": job.input_hash}})
    manifest = briefings.read_manifest(tmp_path)
    assert not briefings.is_up_to_date(job, tmp_path, manifest)  # the page itself is missing
    (tmp_path / job.output).parent.mkdir(parents=True)
    (tmp_path / job.output).write_text("x", encoding="utf-8")
    assert briefings.is_up_to_date(job, tmp_path, manifest)


def test_briefings_command_without_ingested_data_says_what_to_run(tmp_path):
    result = CliRunner().invoke(main, ["briefings", "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "govdata ingest" in result.output


def test_run_command_rejects_a_parameter_the_notebook_does_not_declare():
    result = CliRunner().invoke(main, ["run", "trends", "-p", "metrik", "share_withheld"])
    assert result.exit_code == 1 and "metrik" in result.output and "metric" in result.output


def test_run_command_names_a_missing_notebook():
    result = CliRunner().invoke(main, ["run", "no_such_notebook"])
    assert result.exit_code == 1 and "no_such_notebook" in result.output


def test_parameters_from_the_command_line_take_the_type_of_the_default():
    from govdata.notebooks import coerce_parameters

    path = Path(NOTEBOOK_DIR) / "trends.ipynb"
    values = coerce_parameters(path, {"metric": "0123", "years": "[2019, 2023]", "min_n": "10", "data_dir": "d"})
    assert values == {"metric": "0123", "years": [2019, 2023], "min_n": 10, "data_dir": "d"}


def test_plan_has_no_comparison_for_a_corpus_of_one_agency_and_every_page_links_back(tmp_path):
    import polars as pl

    corpus = build_corpus()
    one = corpus.__class__(**{name: frame.filter(pl.col("report_id").is_in(corpus.reports.filter(pl.col("agency_id") == BETA)
                                                                            ["report_id"].to_list()))
                             for name, frame in corpus.frames().items()})
    jobs, _ = briefings.plan(one, tmp_path, notebook_dir=NOTEBOOK_DIR)
    assert "compare.html" not in {j.output for j in jobs}
    beta = [j for j in jobs if j.agency_id == BETA]
    assert all('href="../index.html"' in j.nav_html and "compare" not in j.nav_html for j in beta)
    assert 'href="beta_town_2020.html"' in beta[0].nav_html and "<b>2019</b>" in beta[0].nav_html
