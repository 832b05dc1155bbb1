"""Render a random synthetic report in any layout and template, parse it, get exactly its ground truth.

The generator (govdata.synth) knows every printed number and the line it stands on, so the
comparison is exact: values, printed text, units and line numbers of every cell of 表二, 表三,
表四 and the 附表, the reports row, the harmonized outcomes, and which checks fail.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govdata import parse_report, synth
from tests.property.compare import FRAME_KEYS, REPORT_COLUMNS, failing_checks, frame_differences
from tests.property.profiles import examples

pytestmark = pytest.mark.usefixtures("synthetic_registry")

styles = st.builds(
    synth.Style, letter_spaced=st.booleans(), fullwidth_enumerators=st.booleans(), enumerator_comma=st.booleans(),
    repeat_group_labels=st.booleans(), trailing_tab=st.booleans(), thousands_separator=st.booleans(), blank_cells=st.booleans(),
    wrap_headers=st.booleans(), letterhead=st.booleans(), split_title=st.booleans(), encoding=st.sampled_from(["utf-8", "gb18030"]),
)


def _parse(report: synth.SynthReport):
    """Parse the report from a file, as a user would (the file name decides nothing: content is sniffed)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(report.name).name
        path.write_bytes(report.data)
        return parse_report(path)


def _make(seed: int, template: str, layout: str, style: synth.Style, *, inject: bool) -> synth.SynthReport:
    if layout == "html":
        style = synth.replace(style, encoding="utf-8", repeat_group_labels=False, wrap_headers=False)
    if layout != "cell_per_line":
        style = synth.replace(style, wrap_headers=False)
    return synth.make_report(seed=seed, template=template, layout=layout, style=style, inject=inject)


@examples(150)
@given(seed=st.integers(0, 2**31), template=st.sampled_from(synth.TEMPLATES), layout=st.sampled_from(synth.LAYOUTS), style=styles)
def test_parsed_frames_equal_the_ground_truth_in_every_layout_and_template(seed, template, layout, style):
    report = _make(seed, template, layout, style, inject=False)
    parsed = _parse(report)
    truth = report.truth
    assert {k: parsed.report[k] for k in REPORT_COLUMNS} == truth["reports"].select(REPORT_COLUMNS).row(0, named=True)
    for name, keys in FRAME_KEYS.items():
        assert frame_differences(getattr(parsed, name), truth[name], keys) == [], name
    table3_outcomes = parsed.outcomes.filter(source="table3").select("report_id", "outcome", "value")
    assert frame_differences(table3_outcomes, truth["outcomes"].select("report_id", "outcome", "value"), ("outcome",)) == []


@examples(100)
@given(seed=st.integers(0, 2**31), template=st.sampled_from(synth.TEMPLATES), layout=st.sampled_from(synth.LAYOUTS), style=styles)
def test_consistent_report_fails_no_check_at_all(seed, template, layout, style):
    report = _make(seed, template, layout, style, inject=False)
    assert failing_checks(_parse(report).checks) == set()


@examples(150)
@given(seed=st.integers(0, 2**31), template=st.sampled_from(synth.TEMPLATES), layout=st.sampled_from(synth.LAYOUTS), style=styles)
def test_checks_find_exactly_the_injected_inconsistency(seed, template, layout, style):
    report = _make(seed, template, layout, style, inject=True)
    expected = {(report.report_id, check, scope) for check, scope in report.expected_checks}
    assert failing_checks(_parse(report).checks) == expected, report.injection


def test_an_injected_inconsistency_always_breaks_some_rule():
    # The oracle itself: a changed number that no rule sees would make the test above vacuous.
    for seed in range(300):
        for template in synth.TEMPLATES:
            report = synth.make_report(seed=seed, template=template, layout="tabbed", style=synth.Style(), inject=True)
            assert report.expected_checks, (seed, template, report.injection)
