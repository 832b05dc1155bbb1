"""The real text reports rewritten in the other layouts the web prints tables in (tests/real_metamorphic.py).

A rewrite that keeps every cell must read every golden value the plain text reads (table cells,
the report's identity, prose figures); no rewrite, lossy or not, may make the reader give a value
the report does not print. Skips without ``../shared/real``.
"""

from __future__ import annotations

import pytest

from tests import real_golden, real_metamorphic

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not real_golden.REAL.is_dir(), reason=f"real report texts not found: {real_golden.REAL} (../shared/real)"),
]


@pytest.fixture(scope="module")
def outcomes() -> dict[tuple[str, str], real_metamorphic.Outcome]:
    return real_metamorphic.run()


@pytest.mark.parametrize("rewrite", [r for r in real_metamorphic.REWRITES if r.lossless], ids=lambda r: r.name)
def test_a_rewrite_that_keeps_every_cell_reads_every_cell_the_plain_text_reads(outcomes, rewrite):
    assert outcomes[(rewrite.name, "tables")].total > 1000  # the real texts were read
    assert outcomes[(rewrite.name, "tables")].lost == []


@pytest.mark.parametrize("rewrite", real_metamorphic.REWRITES, ids=lambda r: r.name)
def test_every_rewrite_keeps_the_reports_agency_year_and_template(outcomes, rewrite):
    assert outcomes[(rewrite.name, "reports")].lost == []


@pytest.mark.parametrize("rewrite", [r for r in real_metamorphic.REWRITES if r.lossless and r.keeps_sentences],
                         ids=lambda r: r.name)
def test_a_rewrite_that_keeps_every_sentence_reads_every_prose_figure_the_plain_text_reads(outcomes, rewrite):
    assert outcomes[(rewrite.name, "facts")].lost == []


@pytest.mark.parametrize("rewrite", real_metamorphic.REWRITES, ids=lambda r: r.name)
def test_no_rewrite_makes_the_reader_give_a_value_the_report_does_not_print(outcomes, rewrite):
    for group in real_metamorphic.GROUPS:
        assert outcomes[(rewrite.name, group)].wrong == [], group


def test_the_rewrites_change_the_text():
    text = ("本机关按照条例要求，全面推进政府信息公开工作，主动公开政府信息，依法办理公开申请。\n"
            "二、主动公开政府信息情况\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | 0 | | 2 |\n")
    text += "".join(f"行政许可 | {n} | |\n" for n in range(30))  # long enough for a page footer
    for rewrite in real_metamorphic.REWRITES:
        assert rewrite.rewrite(text) != text, rewrite.name
