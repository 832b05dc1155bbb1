"""Render a random synthetic report in any layout and template, parse it, get exactly its ground truth.

The generator (govdata.synth) knows every printed number and the line it stands on, so the
comparison is exact, for every frame of the contract: the reports row; values, printed text,
units and lines of every cell of 表二, 表三, 表四 and the 附表; every number the prose states
with its line, share and sentence (facts); the harmonized outcomes, legacy reports included
(crosswalk and source rule of docs/harmonization.md); and every check with its verdict,
expected and actual values, severity and line. Only free text a stage writes (notes,
messages) and the parser's cue form are not compared (govdata.synth.UNKNOWN_COLUMNS).

Three ways in: hypothesis draws reports with any style; a fixed matrix runs every template x
layout with its own count (so a failure names the cell); and every kind of injected
inconsistency is injected on purpose at least once.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govdata import parse_report, synth
from tests.property.compare import failing_checks, truth_differences
from tests.property.profiles import examples

pytestmark = pytest.mark.usefixtures("synthetic_registry")

styles = st.builds(
    synth.Style, letter_spaced=st.booleans(), fullwidth_enumerators=st.booleans(), enumerator_comma=st.booleans(),
    repeat_group_labels=st.booleans(), trailing_tab=st.booleans(), thousands_separator=st.booleans(), blank_cells=st.booleans(),
    wrap_headers=st.booleans(), letterhead=st.booleans(), split_title=st.booleans(), encoding=st.sampled_from(["utf-8", "gb18030"]),
)
# Reports per template x layout in the fixed matrix (12 cells).
MATRIX_REPORTS = 50


def _parse(report: synth.SynthReport):
    """Parse the report from a file, as a user would (the file name decides nothing: content is sniffed)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(report.name).name
        path.write_bytes(report.data)
        return parse_report(path=path, source=report.name)


def _make(seed: int, template: str, layout: str, style: synth.Style | None, **options) -> synth.SynthReport:
    if style is not None and layout == "html":
        style = synth.replace(style, encoding="utf-8", repeat_group_labels=False, wrap_headers=False)
    if style is not None and layout != "cell_per_line":
        style = synth.replace(style, wrap_headers=False)
    return synth.make_report(seed=seed, template=template, layout=layout, style=style, **options)


def _assert_round_trip(report: synth.SynthReport) -> None:
    parsed = _parse(report)
    assert truth_differences(parsed.frames(), report.truth) == {}, (report.name, report.injection)
    expected = {(report.report_id, check, scope) for check, scope in report.expected_checks}
    assert failing_checks(parsed.checks) == expected, report.injection


@examples(300)
@given(seed=st.integers(0, 2**31), template=st.sampled_from(synth.TEMPLATES), layout=st.sampled_from(synth.LAYOUTS), style=styles)
def test_consistent_report_parses_to_exactly_its_ground_truth_and_fails_no_check(seed, template, layout, style):
    report = _make(seed, template, layout, style)
    assert report.expected_checks == ()
    _assert_round_trip(report)


@examples(300)
@given(seed=st.integers(0, 2**31), template=st.sampled_from(synth.TEMPLATES), layout=st.sampled_from(synth.LAYOUTS), style=styles)
def test_checks_find_exactly_the_injected_inconsistency_and_every_frame_still_equals_the_truth(seed, template, layout, style):
    report = _make(seed, template, layout, style, inject=True)
    assert report.expected_checks, report.injection
    _assert_round_trip(report)


@pytest.mark.parametrize("layout", synth.LAYOUTS)
@pytest.mark.parametrize("template", synth.TEMPLATES)
def test_every_template_and_layout_round_trips_exactly(template, layout):
    # Styles drawn as agencies print them; every third report carries an injected inconsistency.
    mismatched = []
    for index in range(MATRIX_REPORTS):
        report = _make(10_000 + index, template, layout, None, inject=index % 3 == 0)
        parsed = _parse(report)
        if truth_differences(parsed.frames(), report.truth):
            mismatched.append((index, report.injection))
    assert mismatched == [], f"{len(mismatched)} of {MATRIX_REPORTS} {template}/{layout} reports differ from their truth"


def _injection_cases() -> list[tuple[str, str, str, str]]:
    """(template, table, key, layout) for every place an inconsistency can be injected: every prose
    key a report of the template can state, every 附表 cell a rule reads, and one 表三/表四 cell;
    the layout rotates from case to case."""
    cases = []
    for template in synth.TEMPLATES:
        prose_keys: set[str] = set()
        for seed in range(40):
            prose_keys |= set(_figures(seed, template).stated)
        for table in synth.INJECTION_TABLES[template]:
            keys = sorted(prose_keys) if table == "prose" else synth.injection_keys(_figures(0, template), table)
            cases += [(template, table, key) for key in (keys if table in ("prose", "legacy") else keys[:1])]
    return [(*case, synth.LAYOUTS[index % len(synth.LAYOUTS)]) for index, case in enumerate(cases)]


def _figures(seed: int, template: str) -> synth.Figures:
    return synth.make_report(seed=seed, template=template, layout="tabbed", style=synth.Style()).figures


def test_every_kind_of_injection_is_generated_and_the_oracle_sees_it():
    cases = _injection_cases()
    assert {(t, table) for t, table, _, _ in cases} == {(t, table) for t, tables in synth.INJECTION_TABLES.items() for table in tables}
    prose_keys = {key for t, table, key, _ in cases if t == "legacy" and table == "prose"}
    assert {*synth.LEGACY_ANSWER_TYPES, *synth.LEGACY_CHANNELS, "requests.concluded"} <= prose_keys


@pytest.mark.parametrize(("template", "table", "key", "layout"), _injection_cases())
def test_each_injected_kind_is_found_exactly_by_the_checks(template, table, key, layout):
    # The first seed whose report prints the key.
    seed = next(s for s in range(40) if table != "prose" or key in _figures(s, template).stated)
    report = synth.make_report(seed=seed, template=template, layout=layout, style=synth.Style(), inject_at=(table, key))
    assert (report.injection.table, report.injection.key) == (table, key)
    assert report.injection.printed_value != report.injection.true_value
    assert report.expected_checks, "an injected number no rule sees would make these tests vacuous"
    _assert_round_trip(report)
