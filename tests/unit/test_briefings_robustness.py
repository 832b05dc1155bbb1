"""Briefings and trends go on past year-less reports and ids that slug alike, and a failed page never
costs the previous good one (issue 15)."""

from __future__ import annotations

import errno
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from govdata import briefings, charts, sections, views
from govdata.ingest import ingest
from govdata.notebooks import NOTEBOOK_DIR
from tests.conftest import SEED_2023_CITY, SEEDS
from tests.fixtures_corpus import build_corpus


def test_ids_that_slug_to_one_file_name_get_pages_of_their_own_with_a_note(tmp_path):
    corpus = build_corpus()
    ids = sorted(corpus.reports["agency_id"].unique())
    clash = briefings.slugify("晋江市")  # an id that is, to the letter, another id's slug
    assert clash == "x-0400e146"
    renames = {ids[0]: "晋江市", ids[1]: clash}
    corpus.reports = corpus.reports.with_columns(corpus.reports["agency_id"].replace(renames))
    jobs, notes = briefings.plan(corpus, tmp_path, notebook_dir=NOTEBOOK_DIR)
    outputs = [job.output for job in jobs]
    assert len(outputs) == len(set(outputs))
    assert sum(job.output.startswith(f"agencies/{clash}_") for job in jobs if job.agency_id in ("晋江市", clash)) >= 1
    assert any("another agency's too" in note for note in notes)


def test_trends_of_a_store_with_a_report_without_a_year_draw_every_chart(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, raw / seed.name)
    (raw / "no_year.txt").write_text(re.sub(r"20\d\d", "", SEED_2023_CITY.read_text(encoding="utf-8")), encoding="utf-8")
    ingest(raw, tmp_path / "store")
    trends = views.trends(tmp_path / "store", "share_withheld")
    assert None in trends.shares["year"].to_list()
    charts.pooled_trend(trends.pooled, "share_withheld").to_dict()
    charts.share_trend(trends.shares, "share_withheld", max_agencies=trends.top_n).to_dict()
    charts.outcome_mix_chart(trends.mix).to_dict()
    if trends.has_distribution:
        charts.share_spread(trends.distribution, "share_withheld", pooled=trends.pooled).to_dict()
    sections.trends_summary(trends)
    sections.shares_table(trends.largest)


class _Session:
    def run(self, notebook, parameters):
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("新的一页")])


def test_a_page_that_cannot_be_written_keeps_the_previous_page_and_leaves_no_partial_file(tmp_path, monkeypatch):
    job = briefings.Job(notebook="x.ipynb", parameters={}, output="agencies/a_2023.html", title="甲 2023", input_hash="h")
    page = tmp_path / job.output
    page.parent.mkdir()
    page.write_text("previous good page", encoding="utf-8")
    real_write = Path.write_text

    def full(self, *args, **kwargs):
        if self.name.endswith(".tmp"):
            real_write(self, "half a pa", encoding="utf-8")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    result = briefings.run_job(_Session(), job, tmp_path)
    assert result.status == "failed" and result.error == f"{page}: No space left on device (disk full)"
    assert page.read_text(encoding="utf-8") == "previous good page"
    assert sorted(p.name for p in page.parent.iterdir()) == ["a_2023.html"]
    monkeypatch.setattr(Path, "write_text", real_write)
    assert briefings.run_job(_Session(), job, tmp_path).status == "built"
    assert "新的一页" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("writer", ["write_manifest", "write_index"])
def test_the_manifest_and_index_are_replaced_whole_or_not_at_all(tmp_path, monkeypatch, writer):
    real_write = Path.write_text

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(OSError, match="No space left") as error:
        if writer == "write_manifest":
            briefings.write_manifest(tmp_path, {})
        else:
            briefings.write_index(briefings.BatchResult(tmp_path), build_corpus())
    assert error.value.filename is not None and list(tmp_path.iterdir()) == []
    monkeypatch.setattr(Path, "write_text", real_write)
