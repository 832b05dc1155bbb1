"""docs/schema.md and the code define the same columns; the contract's columns all exist."""

from __future__ import annotations

from govdata import load, schema
from tests.conftest import ROOT, SEEDS

# The public data contract (shared/CONTRACT.md): these names are fixed.
CONTRACT_COLUMNS = {
    "reports": ["report_id", "source", "agency", "agency_id", "level", "parent", "year", "template", "layout"],
    "table2": ["report_id", "item", "item_zh", "measure", "measure_zh", "value", "unit", "line"],
    "table3": ["report_id", "row", "row_zh", "requester", "value", "line"],
    "table4": ["report_id", "proceeding", "outcome", "value", "line"],
    "legacy": ["report_id", "indicator", "indicator_zh", "unit", "value", "cumulative", "line"],
    "facts": ["report_id", "key", "value", "unit", "share", "line", "snippet"],
    "checks": ["report_id", "check", "scope", "expected", "actual", "status", "severity", "line", "message"],
    "outcomes": ["report_id", "agency_id", "year", "template", "outcome", "value", "source"],
}


def test_schema_doc_lists_exactly_the_columns_the_code_defines():
    text = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    generated = text.split(schema.GENERATED_BEGIN, 1)[1].split(schema.GENERATED_END, 1)[0]
    assert generated.strip() == schema.markdown_tables().strip(), "run `make docs` to regenerate docs/schema.md"


def test_every_contract_column_exists_in_contract_order():
    for frame_name, contract in CONTRACT_COLUMNS.items():
        defined = [c.name for c in schema.FRAMES[frame_name] if c.contract]
        assert defined == contract, frame_name


def test_frames_produced_from_the_seeds_have_only_documented_columns():
    corpus = load(SEEDS)
    for name, frame in corpus.frames().items():
        assert frame.columns == schema.columns(name), name
        assert dict(frame.schema) == schema.polars_schema(name), name
