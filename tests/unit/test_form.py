"""The form is one data table (govdata/data/form.csv); labels.csv only says which spellings mean its keys."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from govdata import form, labels

PACKAGE = Path(__file__).resolve().parents[2] / "govdata"


def test_every_key_labels_csv_names_is_a_key_of_the_form():
    unknown = [(row["table"], row["field"], row["key"]) for row in labels.label_rows()
               if not form.is_key(row["table"], row["field"], row["key"])]
    assert unknown == []


def test_labels_csv_carries_no_chinese_label_of_its_own():
    assert "label_zh" not in labels.label_rows()[0]


def test_a_label_looked_up_through_labels_csv_carries_the_forms_one_label():
    found = labels.lookup("table3", "requester", "其他")
    assert found.key == "other_org"
    assert found.label_zh == form.label_zh("table3", "requester", "other_org") == "其他（法人或其他组织）"
    assert labels.labels_for("table3", "row") == form.labels_zh("table3", "row")


def test_each_key_has_one_label_and_one_short_label():
    other_org = [row for row in form.form_keys() if row.key == "other_org"]
    assert len(other_org) == 1
    assert (other_org[0].label_zh, other_org[0].short, other_org[0].printed) == ("其他（法人或其他组织）", "其他组织", "其他")


@pytest.mark.parametrize("entry", [row for row in form.form_keys() if row.printed_zh], ids=lambda row: row.key)
def test_the_forms_printed_wording_is_a_spelling_labels_csv_maps_to_the_key(entry):
    template = next(iter(sorted(entry.templates)))
    found = labels.lookup(entry.table, entry.field, entry.printed_zh)
    assert found is not None and found.key == entry.key, template


def test_the_2019_and_2021_forms_have_their_own_rows_of_other_handling():
    assert form.table3_rows("2019")[-4:] == ("not_processed.confirmation", "other", "total", "carried_forward")
    assert form.rows_of_group("other", "2021") == ("other.no_amendment", "other.unpaid_fee", "other.other")
    assert form.outcome_rows("other", "2019") == ("other",)


def test_the_harmonized_outcomes_are_the_entries_of_the_results_group_in_printed_order():
    assert form.outcome_keys() == ("granted", "partial", "withheld", "unable", "not_processed", "other", "total")
    assert form.outcome_rows("withheld") == form.rows_of_group("withheld")
    assert [form.outcome_label_zh(key) for key in ("granted", "withheld", "total")] == ["予以公开", "不予公开", "总计"]


def test_header_rows_are_keys_but_not_columns_with_cells():
    assert form.proceedings() == ("review", "litigation_direct", "litigation_after_review")
    assert form.proceedings(include_header=True)[1] == "litigation"
    assert form.outcome_groups() == ("withheld", "unable", "not_processed", "other")


def test_a_key_printed_differently_by_template_has_the_first_rows_label_in_the_frames():
    assert form.label_zh("table2", "item", "normative_documents") == "规范性文件"
    assert form.label_zh("table2", "item", "normative_documents", template="2021") == "行政规范性文件"


# Literal keys of the form that must not be spelled out again in a module: the lists of
# requesters, of withheld grounds and their Chinese labels live in form.csv only.
_FORM_LITERALS = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org",
                  "withheld.state_secret", "withheld.third_party", "unable.not_held", "not_processed.petition",
                  "other.no_amendment", "litigation_after_review", "自然人", "法律服务机构", "属于国家秘密", "尚未审结")


def _code_literals(path: Path) -> set[str]:
    """String constants of a module outside docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings}


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("*.py")), ids=lambda path: path.name)
def test_no_module_spells_out_the_forms_requesters_rows_or_their_labels(module):
    literals = _code_literals(module)
    found = sorted(word for word in _FORM_LITERALS if any(re.search(rf"(?<![\w.]){re.escape(word)}(?![\w])", text) for text in literals))
    assert found == [], f"{module.name} spells out form keys or labels: take them from govdata.form"
