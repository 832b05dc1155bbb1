"""Findings of reports the real pipeline parses (issue 13: two bugs no hand-built check row could catch).

1. The 表二 现行有效件数 continuity rule was emitted under the check key of 表三's 结转
   continuity, so metrics, which leaves 表二 rules out of outcome shares, never recognised it.
2. An unknown label in a 附表 row became ``indicator = null`` without any check row.
"""

from __future__ import annotations

import copy

import polars as pl
import pytest

from govdata import form, load, metrics, synth
from govdata.ingest import ingest
from govdata.store import read_corpus
from tests.conftest import SEED_2017_CITY, SEEDS

pytestmark = pytest.mark.integration


def _two_years_of_one_agency(folder, monkeypatch, *, in_force_shift: int):
    """A 2021-form report of 2022 and of 2023 of one agency, 上年结转 carried over correctly; the
    2023 report's 现行有效件数 starts ``in_force_shift`` above what 2022 printed."""
    agency = synth.make_agencies(3, seed=13)[0]
    registry = synth.write_registry([agency], folder / "agencies.csv")
    monkeypatch.setenv("GOVDATA_AGENCIES", str(registry))
    style = synth.Style()  # plain: no blank cells, so every rule can be assessed
    first = synth.make_report(seed="issue13-a", template="2021", layout="tabbed", year=2022, agency=agency, style=style)
    previous = copy.deepcopy(first.figures)
    previous.in_force = {item: value + in_force_shift for item, value in previous.in_force.items()}
    second = synth.make_report(seed="issue13-b", template="2021", layout="tabbed", year=2023, agency=agency, style=style,
                               previous=previous)
    reports = folder / "reports"
    reports.mkdir()
    for report in (first, second):
        (reports / report.name.rsplit("/", 1)[-1]).write_bytes(report.data)
    return reports, first, second


@pytest.mark.parametrize(("shift", "status"), [(0, "pass"), (5, "fail")])
def test_in_force_continuity_of_two_parsed_years_has_its_own_check_key(tmp_path, monkeypatch, shift, status):
    reports, first, second = _two_years_of_one_agency(tmp_path, monkeypatch, in_force_shift=shift)
    checks = load(reports).checks
    in_force = checks.filter(pl.col("check") == "in_force_continuity")
    assert set(in_force["scope"]) == {f"item={item};previous={first.report_id}" for item in second.figures.in_force}
    assert set(in_force["report_id"]) == {second.report_id}
    assert set(in_force["status"]) == {status} and set(in_force["severity"]) == {"warning"}
    carried = checks.filter(pl.col("check") == "carry_over_continuity")
    assert carried.height == 7 and set(carried["status"]) == {"pass"}
    assert carried.filter(pl.col("scope").str.starts_with("item=")).height == 0


def test_a_failing_in_force_continuity_does_not_flag_the_outcome_shares_of_parsed_reports(tmp_path, monkeypatch):
    reports, _, second = _two_years_of_one_agency(tmp_path, monkeypatch, in_force_shift=5)
    corpus = load(reports)
    failing = corpus.checks.filter(pl.col("status") == "fail")
    assert set(failing["check"]) == {"in_force_continuity"}  # the one rule this pair breaks
    shares = metrics.outcome_shares(corpus.outcomes, corpus.checks, metrics=["share_withheld"])
    row = shares.filter(pl.col("report_id") == second.report_id).row(0, named=True)
    assert (row["input_status"], row["failed_checks"]) == ("pass", "")
    workload = metrics.requests_per_agency_year(corpus).filter(pl.col("report_id") == second.report_id).row(0, named=True)
    assert workload["input_status"] == "pass"
    # The rule is still there for whoever asks about 表二: the status of every rule counts it.
    overview = metrics.report_status_overview(corpus).filter(pl.col("report_id") == second.report_id).row(0, named=True)
    assert overview["input_status"] == "warning" and overview["failed_checks"] == "in_force_continuity"


def test_the_store_holds_the_same_continuity_checks_as_load(tmp_path, monkeypatch):
    # The ingest hands the corpus-wide rules only the cells they declare they read.
    reports, _, _ = _two_years_of_one_agency(tmp_path, monkeypatch, in_force_shift=5)
    ingest(reports, tmp_path / "store")
    columns = ["report_id", "check", "scope", "status", "message"]
    continuity = pl.col("check").is_in(["carry_over_continuity", "in_force_continuity"])
    stored = read_corpus(tmp_path / "store").checks.filter(continuity).select(columns).sort(columns)
    loaded = load(reports).checks.filter(continuity).select(columns).sort(columns)
    assert stored.equals(loaded) and stored.height == 9


def test_an_unknown_label_in_a_parsed_appendix_is_an_unmapped_label_finding_with_its_line(tmp_path):
    # The 2017 seed's 附表 with one row more, under a label labels.csv does not know (line 256).
    text = SEED_2017_CITY.read_text(encoding="utf-8").rstrip("\n") + "\n| 依申请公开信息收费金额 | 元 | 0 | 0 |"
    (tmp_path / "2017_extra-row.txt").write_text(text, encoding="utf-8")
    corpus = load(tmp_path)
    [row] = corpus.legacy.filter(pl.col("indicator").is_null()).to_dicts()
    assert (row["label"], row["line"], row["value"]) == ("依申请公开信息收费金额", 256, 0.0)
    [finding] = corpus.checks.filter(check="unmapped_label").to_dicts()
    assert (finding["scope"], finding["line"], finding["status"], finding["severity"]) == ("table=legacy", 256, "fail", "warning")
    assert "依申请公开信息收费金额" in finding["message"]
    # Nothing else changes: every other check of the report is the seed's own.
    columns = ["check", "scope", "status", "message"]
    seed = load(SEED_2017_CITY).checks.select(columns).sort(columns)
    assert corpus.checks.filter(pl.col("check") != "unmapped_label").select(columns).sort(columns).equals(seed)


def _keys_outside_the_form(corpus) -> dict[str, set]:
    known = {
        ("table2", "item"): set(form.table2_items()), ("table2", "measure"): set(form.keys("table2", "measure")),
        ("table3", "row"): set(form.table3_rows()), ("table3", "requester"): set(form.requesters()),
        ("table4", "proceeding"): set(form.proceedings()), ("table4", "outcome"): set(form.t4_outcomes()),
        ("legacy", "indicator"): set(form.legacy_indicators()), ("outcomes", "outcome"): set(form.outcome_keys()),
    }
    found = {f"{frame}.{column}": set(getattr(corpus, frame)[column].drop_nulls()) - keys for (frame, column), keys in known.items()}
    return {name: keys for name, keys in found.items() if keys}


def test_every_key_in_the_frames_of_the_seeds_is_a_key_of_the_form():
    assert _keys_outside_the_form(load(list(SEEDS))) == {}


def test_every_key_in_the_frames_of_synthetic_reports_is_a_key_of_the_form(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVDATA_AGENCIES", str(synth.write_registry(synth.default_agencies(), tmp_path / "agencies.csv")))
    for index, (template, layout) in enumerate((t, lay) for t in synth.TEMPLATES for lay in synth.LAYOUTS):
        report = synth.make_report(seed=f"form-keys-{index}", template=template, layout=layout)
        (tmp_path / f"{index}.{'html' if layout == 'html' else 'txt'}").write_bytes(report.data)
    corpus = load(tmp_path)
    assert corpus.reports.height == len(synth.TEMPLATES) * len(synth.LAYOUTS)
    assert _keys_outside_the_form(corpus) == {}
