"""The generator itself (govdata.synth), without parsing: invented names, the oracle, the outcome truth.

The round trips (render -> parse -> compare) are in tests/property; these pin down that the
ground truth they compare against says what the documentation says, so a wrong truth cannot
make a wrong parser pass.
"""

from __future__ import annotations

import csv
import random

import polars as pl
import pytest

from govdata import schema, synth

AGENCY = synth.Agency("synth_test", "合成测试县人民政府", "county", None)


def _legacy_report(legacy: dict[str, int], stated: dict[str, int], *,
                   share_decimals: int | None = None) -> tuple[synth.Figures, synth.Rendered]:
    """A legacy report printing exactly these 附表 values (this year; 历史累计 = the same) and prose numbers."""
    figures = synth.Figures("legacy", 2017, legacy={k: (legacy.get(k, 0), legacy.get(k, 0)) for k in synth.LEGACY_INDICATORS},
                            stated={"proactive.total": 0, "proactive.cumulative": 0, "requests.received": legacy["requests_total"],
                                    "review.total": 0, "litigation.total": 0, **stated}, share_decimals=share_decimals)
    rng = random.Random(0)
    return figures, synth.render(synth.compose(figures, AGENCY, rng, synth.Style()), "tabbed", synth.Style(), rng)


def _outcomes(rows: list[dict]) -> dict[str, tuple]:
    return {row["outcome"]: (row["value"], row["source"], row["has_conflict"]) for row in rows}


def test_legacy_outcome_truth_reproduces_the_2017_seed_example_of_the_harmonization_docs():
    # docs/harmonization.md: 附表 230 = 84 + 2 + 104 + 40; prose 6+84+2+101+3+9+4+21 = 230 (complete, so prose first),
    # "granted 90 (84+6), partial 2, withheld 101, unable 12 (9+3), not_processed 21, other 4, total 230 (附表)",
    # has_conflict on withheld (104 vs 101) and other (40 vs 43).
    legacy = {"requests_total": 230, "requests_online": 230, "responses_total": 230, "responses_granted": 84,
              "responses_partial": 2, "responses_withheld": 104, "responses_other": 40}
    prose = {"requests.concluded": 230, "outcome.already_public": 6, "outcome.granted": 84, "outcome.partial": 2,
             "outcome.withheld": 101, "outcome.not_ours": 3, "outcome.not_exist": 9, "outcome.amend": 4, "outcome.other_channel": 21}
    figures, rendered = _legacy_report(legacy, prose)
    assert _outcomes(synth.legacy_outcomes(figures, rendered)) == {
        "granted": (90, "facts", False), "partial": (2, "facts", False), "withheld": (101, "facts", True),
        "unable": (12, "facts", False), "not_processed": (21, "facts", False), "other": (4, "facts", True),
        "total": (230, "legacy", False)}


def test_legacy_outcome_truth_of_a_report_with_only_a_appendix_comes_from_it_without_unable_or_not_processed():
    # docs/harmonization.md, 2018 seed: 附表 only -> granted 0, partial 0, withheld 0, other 0, total 0.
    figures, rendered = _legacy_report({"requests_total": 0}, {})
    rows = synth.legacy_outcomes(figures, rendered)
    assert _outcomes(rows) == {o: (0, "legacy", False) for o in ("granted", "partial", "withheld", "other", "total")}
    assert {row["outcome"]: row["is_definition_changed"] for row in rows} == {
        "granted": True, "partial": False, "withheld": True, "other": True, "total": False}


def test_incomplete_prose_sends_every_group_to_the_appendix_and_flags_the_disagreement():
    legacy = {"requests_total": 10, "requests_online": 10, "responses_total": 10, "responses_granted": 7, "responses_other": 3}
    prose = {"requests.concluded": 10, "outcome.granted": 8, "outcome.not_exist": 3}  # 11, not the 附表's 10
    figures, rendered = _legacy_report(legacy, prose)
    assert _outcomes(synth.legacy_outcomes(figures, rendered)) == {
        "granted": (7, "legacy", True), "partial": (0, "legacy", False), "withheld": (0, "legacy", False),
        "other": (3, "legacy", False), "total": (10, "legacy", True)}


def test_checks_truth_lists_every_documented_rule_a_legacy_listing_triggers():
    legacy = {"requests_total": 10, "requests_in_person": 4, "requests_online": 6, "responses_total": 10, "responses_granted": 7,
              "responses_other": 3}
    prose = {"requests.channel.in_person": 4, "requests.channel.online": 6, "requests.channel.letter": 0,
             "requests.concluded": 10, "outcome.granted": 7, "outcome.not_exist": 1, "outcome.amend": 2}
    figures, rendered = _legacy_report(legacy, prose, share_decimals=1)
    rows = synth.expected_checks(figures, rendered)
    assert {row["status"] for row in rows} == {"pass"}
    lines = {n.key: n.line for n in rendered.stated}
    scopes = {(row["check"], row["scope"]) for row in rows}
    assert {("legacy_vs_text", f"facts@{lines['outcome.granted']};indicator=responses_total"),
            ("legacy_vs_text", f"facts@{lines['outcome.not_exist']};indicator=responses_other"),
            ("legacy_vs_text", f"fact=outcome.granted@{lines['outcome.granted']};indicator=responses_granted"),
            ("legacy_vs_text", f"fact=requests.channel.online@{lines['requests.channel.online']};indicator=requests_online"),
            ("legacy_vs_text", f"fact=proactive.cumulative@{lines['proactive.cumulative']};indicator=proactive_total;column=cumulative"),
            ("category_sum", f"facts=outcome.*@{lines['outcome.granted']}"),
            ("category_sum", f"facts=requests.channel.*@{lines['requests.channel.in_person']}"),
            ("category_sum", "indicator=responses_total;column=cumulative"),
            ("percent_vs_count", f"fact=outcome.amend@{lines['outcome.amend']}")} <= scopes
    share = next(n for n in rendered.stated if n.key == "outcome.amend")
    assert share.share == "20.0" and "同意公开7件，占70.0%" in rendered.lines[share.line - 1]


def test_an_injected_inconsistency_always_breaks_some_rule():
    # The oracle itself: a changed number that no rule sees would make the round-trip tests vacuous.
    for seed in range(200):
        for template in synth.TEMPLATES:
            report = synth.make_report(seed=seed, template=template, layout="tabbed", style=synth.Style(), inject=True)
            assert report.expected_checks, (seed, template, report.injection)


def test_a_consistent_report_breaks_no_rule_and_blank_cells_are_not_assessable():
    statuses = set()
    for seed in range(60):
        for template in synth.TEMPLATES:
            style = synth.Style(blank_cells=seed % 2 == 0)
            report = synth.make_report(seed=seed, template=template, layout="pipe", style=style)
            assert report.expected_checks == (), (seed, template)
            statuses |= set(report.truth["checks"]["status"])
    assert statuses == {"pass", "not_assessable"}


def test_injection_can_be_asked_for_by_table_and_key_and_the_rest_of_the_report_is_unchanged():
    plain = synth.make_report(seed=3, template="2019", layout="tabbed", style=synth.Style())
    injected = synth.make_report(seed=3, template="2019", layout="tabbed", style=synth.Style(), inject_at=("table4", "review|total"))
    assert (injected.injection.table, injected.injection.key) == ("table4", "review|total")
    changed = [i for i, (a, b) in enumerate(zip(plain.lines, injected.lines, strict=True)) if a != b]
    assert len(changed) == 1 and plain.cell_lines[("table4", "review", "total")] == changed[0] + 1
    with pytest.raises(ValueError, match="no legacy"):
        synth.make_report(seed=3, template="2019", layout="tabbed", inject_at=("legacy", None))


def test_truth_frames_have_the_schema_of_the_frames_govdata_returns():
    for template in synth.TEMPLATES:
        truth = synth.make_report(seed=1, template=template, layout="html", inject=True).truth
        for name in synth.TRUTH_KEYS:
            assert truth[name].schema == pl.Schema(schema.polars_schema(name)), name


@pytest.mark.parametrize("layout", synth.LAYOUTS)
@pytest.mark.parametrize("template", synth.TEMPLATES)
def test_every_invented_name_is_marked_synthetic(template, layout, tmp_path):
    agencies = [*synth.default_agencies(), *synth.make_agencies(300, seed=5)]
    assert all(agency.name.startswith(synth.SYNTHETIC_MARK) for agency in agencies)
    registry = synth.write_registry(agencies[:5], tmp_path / "agencies.csv")
    with registry.open(encoding="utf-8") as handle:
        assert all(row["name"].startswith("合成") and "合成" in row["notes"] for row in csv.DictReader(handle))
    for seed in range(5):
        report = synth.make_report(seed=seed, template=template, layout=layout)
        text = report.data.decode(report.encoding)
        agency = report.truth["reports"]["agency"][0]
        assert agency.startswith("合成") and synth.BANNER in report.lines
        title = report.lines[report.truth["reports"]["agency_line"][0] - 1]
        assert title.startswith("合成") and all(line.startswith("合成") for line in report.lines if agency in line)
        if layout == "html":
            assert "（合成数据）</title>" in text
