"""Batch runs: one kernel for many parameter sets, skip-unchanged, collected failures, safe names."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import polars as pl
import pytest
from click.testing import CliRunner

from govdata import briefings
from govdata.cli import main
from govdata.notebooks import NOTEBOOK_DIR, KernelSession, NotebookError
from govdata.store import read_corpus, write_corpus
from tests.fixtures_corpus import BETA, EVIL_ID, build_corpus

pytestmark = pytest.mark.notebook


def _notebook(path: Path, *cells: str, parameters: str) -> Path:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
                *(nbformat.v4.new_code_cell(cell) for cell in cells)]
    nbformat.write(nb, path)
    return path


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def _subset(tmp_path: Path, agencies: list[str]) -> Path:
    corpus = build_corpus()
    ids = corpus.reports.filter(pl.col("agency_id").is_in(agencies))["report_id"].to_list()
    for name, frame in corpus.frames().items():
        setattr(corpus, name, frame.filter(pl.col("report_id").is_in(ids)))
    return Path(write_corpus(corpus, tmp_path / "data")["reports"]).parent


def test_kernel_session_clears_variables_between_runs_and_does_not_leak_descriptors(tmp_path, kernel_session):
    notebook = _notebook(tmp_path / "probe.ipynb",
                         "assert 'leftover' not in globals(), 'a variable survived from the previous run'\nleftover = value",
                         "value * 2", parameters="value = 0")
    kernel_session.run(notebook, {"value": 1})
    before = _open_descriptors()
    for value in range(2, 8):
        nb = kernel_session.run(notebook, {"value": value})
        assert nb.cells[-1].outputs[0]["data"]["text/plain"] == str(value * 2)
    assert _open_descriptors() - before <= 2


def test_kernel_session_names_the_failing_cell_and_keeps_running(tmp_path, kernel_session):
    notebook = _notebook(tmp_path / "fails.ipynb", "assert value != 2, 'two is refused'", parameters="value = 0")
    with pytest.raises(NotebookError, match="two is refused"):
        kernel_session.run(notebook, {"value": 2})
    kernel_session.run(notebook, {"value": 3})


def test_every_agency_year_briefing_runs_on_a_reused_kernel(corpora, kernel_session):
    """Every template (legacy, 2019, 2021) in both corpora, on one kernel."""
    for data_dir in corpora.values():
        for agency_id, year in read_corpus(data_dir).reports.select("agency_id", "year").rows():
            nb = kernel_session.run(NOTEBOOK_DIR / "agency_briefing.ipynb",
                                    {"data_dir": str(data_dir), "agency_id": agency_id, "year": year})
            assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))


def test_batch_skips_unchanged_pages_and_rebuilds_only_what_changed(tmp_path):
    data = _subset(tmp_path, [BETA, EVIL_ID])
    out = tmp_path / "reports"
    first = briefings.build_briefings(data, out)
    assert (first.count("built"), first.failures) == (6, [])  # 3 agency-years, trends, data quality, compare
    again = briefings.build_briefings(data, out)
    assert again.count("skipped") == 6 and again.count("built") == 0

    corpus = read_corpus(data)
    corpus.outcomes = corpus.outcomes.with_columns(
        pl.when(pl.col("agency_id") == BETA).then(pl.col("value") + 1).otherwise(pl.col("value")).alias("value"))
    write_corpus(corpus, data)
    changed = briefings.build_briefings(data, out)
    rebuilt = {r.job.output for r in changed.results if r.status == "built"}
    assert rebuilt == {"agencies/beta_town_2019.html", "agencies/beta_town_2020.html", "trends.html", "data_quality.html",
                       "compare.html"}

    forced = briefings.build_briefings(data, out, force=True)
    assert forced.count("built") == 6


def test_batch_names_hostile_agencies_safely_and_escapes_them(tmp_path):
    out = tmp_path / "reports"
    batch = briefings.build_briefings(_subset(tmp_path, [EVIL_ID]), out)
    assert not batch.failures
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.html"))
    evil = [p for p in written if "script-alert" in p]
    assert len(evil) == 1 and evil[0].startswith("reports/agencies/script-alert-1-script-")
    page = (tmp_path / evil[0]).read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in index and "&lt;script&gt;alert(1)&lt;/script&gt;" in index


def test_batch_command_collects_every_failure_and_exits_non_zero(tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, notebooks)
    briefing = nbformat.read(notebooks / "agency_briefing.ipynb", as_version=4)
    briefing.cells.append(nbformat.v4.new_code_cell(f"assert agency_id != {BETA!r}, 'refused for the test'"))
    nbformat.write(briefing, notebooks / "agency_briefing.ipynb")
    data = _subset(tmp_path, [BETA, EVIL_ID])
    out = tmp_path / "reports"
    result = CliRunner().invoke(main, ["briefings", "--data", str(data), "--out", str(out), "--notebooks", str(notebooks)])
    assert result.exit_code == 1, result.output
    assert "4 built, 0 unchanged, 2 failed" in result.output
    assert result.output.count("refused for the test") == 2
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("生成失败") >= 2 and "refused for the test" in index
    manifest = json.loads((out / briefings.MANIFEST_NAME).read_text(encoding="utf-8"))["outputs"]
    assert not any("beta_town" in name for name in manifest)


def test_batch_with_two_workers_builds_the_same_pages(tmp_path):
    data = _subset(tmp_path, [BETA])
    batch = briefings.build_briefings(data, tmp_path / "reports", workers=2)
    assert batch.count("built") == 4 and not batch.failures
    page = (tmp_path / "reports" / "agencies" / "beta_town_2020.html").read_text(encoding="utf-8")
    script = re.search(r'<script src="\.\./(assets/vega-[0-9a-f]+\.js)"></script>', page).group(1)
    assert (tmp_path / "reports" / script).stat().st_size > 500_000  # the shared bundle, written once for both workers


def test_run_command_exports_html_without_code_and_with_the_bundle_once(corpora, tmp_path):
    html = tmp_path / "trends.html"
    result = CliRunner().invoke(main, ["run", "trends", "-p", "data_dir", str(corpora["fixture"]), "-p", "min_n", "5",
                                       "--html", str(html)])
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert page.count('<script data-govdata="vega-bundle">') == 1 and '<html lang="zh">' in page
    assert "read_corpus(" not in page and "metrics.outcome_shares" not in page  # no code cells
    assert "cdnjs" not in page and "require.min.js" not in page and "mathjax" not in page.lower()


def test_kernel_session_survives_a_dead_kernel(tmp_path):
    notebook = _notebook(tmp_path / "die.ipynb", "import os\nif value == 1:\n    os._exit(1)", parameters="value = 0")
    with KernelSession() as session:
        with pytest.raises(NotebookError):
            session.run(notebook, {"value": 1})
        session.run(notebook, {"value": 2})
