"""What each fact key means is one table (govdata/data/fact_keys.csv), and docs/facts.md is generated from it."""

from __future__ import annotations

from pathlib import Path

from govdata import fact_keys, facts, form

DOCS = Path(__file__).resolve().parents[2] / "docs" / "facts.md"


def test_every_key_the_prose_patterns_give_has_one_row_and_no_row_is_left_over():
    assert set(fact_keys.keys()) == facts.fact_keys()
    assert len(fact_keys.keys()) == len(set(fact_keys.keys()))


def test_every_key_has_a_chinese_label():
    assert [key for key in fact_keys.keys() if not fact_keys.entry(key).label_zh] == []


def test_what_a_key_restates_names_cells_and_indicators_the_form_knows():
    for key in fact_keys.keys():
        for row in fact_keys.table3_rows(key):
            assert row in form.table3_rows(), (key, row)
        for proceeding, outcome in fact_keys.table4_cells(key):
            assert (proceeding, outcome) in form.table4_columns(), key
        entry = fact_keys.entry(key)
        for indicator in (*entry.part_of_legacy, *([entry.restates_legacy.partition("/")[0]] if entry.restates_legacy else [])):
            assert indicator in form.legacy_indicators(), (key, indicator)
        assert entry.restates_legacy.partition("/")[2] in ("", "cumulative"), key


def test_a_group_in_restates_table3_means_every_row_of_the_group():
    assert fact_keys.table3_rows("outcome.withheld") == form.rows_of_group("withheld")
    assert fact_keys.table3_rows("requests.received") == ("new", "carried_over")


def test_every_family_adds_up_to_keys_that_exist_and_has_members():
    for prefix, family in fact_keys.families().items():
        assert family.family_total and set(family.family_total) <= set(fact_keys.keys()), prefix
        assert any(key.startswith(prefix) for key in fact_keys.keys()), prefix
    assert fact_keys.family_of("withheld_reason.state_secret") == "withheld_reason."
    assert fact_keys.family_of("proactive.total") is None


def test_an_unknown_member_of_a_family_is_named_by_its_family():
    assert fact_keys.label_zh("outcome.something_new") == "答复类型“something_new”"
    assert fact_keys.label_zh("nothing.known") == "nothing.known"


def test_the_legacy_fact_map_lists_the_answer_types_in_the_tables_order():
    assert fact_keys.legacy_fact_map()["responses_withheld"] == ("outcome.withheld",)
    assert fact_keys.legacy_fact_map()["responses_other"] == (
        "outcome.already_public", "outcome.not_ours", "outcome.not_exist", "outcome.amend", "outcome.other_channel", "outcome.unable")
    # every indicator of the standard 附表 has its prose; those some tables print apart (position 0:
    # 传真申请数 apart from 信函申请数, 平潭 2011–2013) have no like-for-like fact
    standard = {row.key for row in form.form_keys() if row.table == "legacy" and row.field == "indicator" and row.position > 0}
    assert set(fact_keys.legacy_fact_map()) == standard


def test_the_key_tables_of_docs_facts_are_generated_from_the_table(tmp_path):
    copy = tmp_path / "facts.md"
    copy.write_text(DOCS.read_text(encoding="utf-8"), encoding="utf-8")
    assert not fact_keys.update_facts_doc(str(copy)), "run `make docs` to regenerate docs/facts.md"
