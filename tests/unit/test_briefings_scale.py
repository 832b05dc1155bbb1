"""Batch planning over thousands of agencies: every agency's input hash in one pass over each frame."""

from __future__ import annotations

import polars as pl

from govdata import briefings
from tests.fixtures_corpus import build_corpus
from tests.notebooks.many_agencies import agency_id, build_many_agencies


def test_agency_fingerprints_in_one_pass_equal_each_agencys_own_fingerprint():
    for corpus in (build_corpus(), build_many_agencies(60)):
        fingerprints = briefings.agency_fingerprints(corpus)
        owned = corpus.reports.group_by("agency_id").agg(pl.col("report_id")).iter_rows()
        assert fingerprints == {agency: briefings.corpus_fingerprint(corpus, ids) for agency, ids in owned}


def test_changing_one_value_of_one_agency_among_thousands_changes_only_its_fingerprint():
    corpus = build_many_agencies(2000)
    before = briefings.agency_fingerprints(corpus)
    changed = agency_id(1234)
    corpus.outcomes = corpus.outcomes.with_columns(
        pl.when((pl.col("agency_id") == changed) & (pl.col("outcome") == "total")).then(pl.col("value") + 1)
        .otherwise(pl.col("value")).alias("value"))
    after = briefings.agency_fingerprints(corpus)
    assert {agency for agency in before if before[agency] != after[agency]} == {changed}
