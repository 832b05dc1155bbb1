"""A synthetic corpus written by `govdata synth` and read back by `govdata.load` equals its ground truth.

Beyond single reports this covers what only a corpus has: agencies reporting in consecutive
years (上年结转 must equal last year's 结转下年, and the continuity rule must flag exactly the
injected breaks), the registry and manifest the generator writes, and the invented names
that must never pass for real ones.
"""

from __future__ import annotations

import csv
import statistics

import polars as pl
import pytest
from click.testing import CliRunner

from govdata import load, synth
from govdata.cli import main
from tests.property.compare import failing_checks, truth_differences


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    synth.write_synthetic_corpus(120, out, seed=11, inject_rate=0.3)
    return out


@pytest.fixture(scope="module")
def loaded(corpus_dir):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVDATA_AGENCIES", str(corpus_dir / "agencies.csv"))
        return load(corpus_dir / "reports", jobs=2)


def _truth(corpus_dir, name: str) -> pl.DataFrame:
    return pl.read_parquet(corpus_dir / "truth" / name / "*.parquet")


def test_every_synthetic_file_is_read(corpus_dir, loaded):
    assert loaded.failures == []
    assert loaded.reports.height == 120


def test_loaded_corpus_frames_equal_the_ground_truth(corpus_dir, loaded):
    # Every frame of the contract, checks with the year-on-year rules and outcomes of legacy reports included.
    truth = {name: _truth(corpus_dir, name) for name in synth.TRUTH_KEYS}
    assert truth_differences(loaded.frames(), truth, root=corpus_dir) == {}
    assert set(truth["outcomes"]["source"]) == {"table3", "legacy", "facts"}


def test_corpus_checks_fail_exactly_where_the_truth_says_including_year_on_year_continuity(corpus_dir, loaded):
    expected = {tuple(row) for row in _truth(corpus_dir, "expected_checks").iter_rows()}
    assert any(check == "carry_over_continuity" for _, check, _ in expected), "the corpus should exercise the continuity rule"
    assert failing_checks(loaded.checks) == expected


def test_carried_over_equals_last_years_carried_forward_when_nothing_is_injected(tmp_path):
    synth.write_synthetic_corpus(60, tmp_path, seed=3, inject_rate=0.0)
    table3 = _truth(tmp_path, "table3").join(_truth(tmp_path, "reports").select("report_id", "agency_id", "year"), on="report_id")
    totals = table3.filter(pl.col("requester") == "total").pivot("row", index=["agency_id", "year"], values="value")
    pairs = totals.join(totals.with_columns(pl.col("year") - 1), on=["agency_id", "year"], suffix="_next")
    assert pairs.height > 0
    assert pairs.filter(pl.col("carried_forward") != pl.col("carried_over_next")).height == 0


def test_same_seed_writes_the_same_bytes(tmp_path):
    first = synth.make_report(seed=5, template="2021", layout="html", inject=True)
    again = synth.make_report(seed=5, template="2021", layout="html", inject=True)
    assert first.data == again.data and first.report_id == again.report_id


def test_every_name_report_and_registry_row_is_marked_synthetic(corpus_dir):
    with (corpus_dir / "agencies.csv").open(encoding="utf-8") as handle:
        registry = list(csv.DictReader(handle))
    assert registry and all(row["name"].startswith("合成") and "合成" in row["notes"] for row in registry)
    with (corpus_dir / "manifest.csv").open(encoding="utf-8") as handle:
        manifest = list(csv.DictReader(handle))
    assert all("合成" in row["origin"] and row["agency"].startswith("合成") for row in manifest)
    for row in manifest[:20]:
        data = (corpus_dir / row["file"]).read_bytes().decode(row["encoding"])
        assert synth.BANNER in data
    assert "合成数据" in (corpus_dir / "README.md").read_text(encoding="utf-8")


def test_most_agencies_receive_a_handful_of_requests_and_a_few_thousands():
    agencies = synth.make_agencies(3000, seed=1)
    rng = synth.random.Random(1)
    received = sorted(synth.requests_received(rng, agency.level) for agency in agencies)
    assert statistics.median(received) <= 5
    assert received[-1] >= 1000
    assert sum(1 for n in received if n == 0) > len(received) // 5


def test_synth_command_writes_a_corpus_and_refuses_data_raw(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["synth", "--n", "12", "--out", str(tmp_path / "c"), "--seed", "2", "--layouts", "pipe,html",
                                  "--inject-errors", "0.5"])
    assert result.exit_code == 0, result.output
    assert "wrote 12 synthetic report(s)" in result.output
    layouts = {row["layout"] for row in csv.DictReader((tmp_path / "c" / "manifest.csv").open(encoding="utf-8"))}
    assert layouts <= {"pipe", "html"}
    refused = runner.invoke(main, ["synth", "--n", "1", "--out", "data/raw/synthetic"])
    assert refused.exit_code != 0 and "data/raw" in refused.output
    unknown = runner.invoke(main, ["synth", "--n", "1", "--out", str(tmp_path / "d"), "--layouts", "docx"])
    assert unknown.exit_code != 0 and "docx" in unknown.output
