"""Every notebook over a partitioned store of ~6,000 agency-years: runs, stays small, never over Altair's row limit.

The store (tests/notebooks/many_agencies.py) has more agency-years than Altair accepts rows
(5,000), so a chart that embedded one row per report or per agency-year would fail with
``MaxRowsError`` here, as the trends notebook did from 1,000 synthetic reports on.
"""

from __future__ import annotations

import copy
import json
import re

import nbformat
import polars as pl
import pytest
from papermill.iorw import load_notebook_node

from govdata.notebooks import NOTEBOOK_DIR, run_notebook
from govdata.store import scan_frame
from tests.notebooks.many_agencies import agency_id, agency_name, write_many_agencies_store

pytestmark = pytest.mark.notebook

N_AGENCIES = 1300
MAX_CHART_ROWS = 1000  # far below Altair's 5,000: a chart holds per-year aggregates
MAX_PAGE_BYTES = 2_000_000  # the Vega bundle (~0.9 MB) plus tables of a few hundred rows


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    out = write_many_agencies_store(tmp_path_factory.mktemp("many_agencies"), N_AGENCIES)
    assert scan_frame(out, "reports").select(pl.len()).collect().item() > 5000
    return out


def _outputs(nb) -> list[dict]:
    return [output for cell in nb.cells for output in cell.get("outputs", [])]


def _html(nb) -> str:
    return "\n".join(output.get("data", {}).get("text/html", "") for output in _outputs(nb))


def _chart_specs(nb) -> list[dict]:
    return [json.loads(match.group(1)) for match in re.finditer(r"var spec = (\{.*?\});\n", _html(nb))]


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _assert_ran_and_small(nb) -> None:
    errors = [output for output in _outputs(nb) if output.get("output_type") == "error"]
    assert not errors, errors
    for spec in _chart_specs(nb):
        assert len(_rows(spec)) <= MAX_CHART_ROWS, json.dumps(spec.get("title"), ensure_ascii=False)
    assert len(json.dumps(nb)) < MAX_PAGE_BYTES


def test_trends_over_6000_agency_years_runs_and_draws_only_aggregates(store):
    nb = run_notebook(NOTEBOOK_DIR / "trends.ipynb", {"data_dir": str(store), "min_n": 30})
    _assert_ran_and_small(nb)
    specs = {json.dumps(spec.get("title"), ensure_ascii=False): spec for spec in _chart_specs(nb)}
    assert any("全部机关合计" in title for title in specs)
    assert any("的分布" in title for title in specs)  # quantiles across agencies: enough agency-years here
    assert any("办理结果总计最多的 12 个机关" in title for title in specs)
    mix = next(spec for spec in specs.values() if "facet" in spec)
    assert mix["facet"]["sort"][-1] == f"其他 {N_AGENCIES - 8:,} 个机关"
    html = _html(nb)
    assert f"{N_AGENCIES:,} 个机关" in html and "剔除这些报告后的比例" in html
    assert "校验未通过" in html  # the table of values resting on a failed rule, the largest first
    assert re.search(r"另有 [0-9,]+ 行未列出", html)  # ~200 of them: the page lists the first 20


def test_trends_reads_only_the_selected_agencies_and_years(store):
    chosen = [agency_id(i) for i in (1, 2, 3)]
    nb = run_notebook(NOTEBOOK_DIR / "trends.ipynb", {"data_dir": str(store), "agencies": chosen, "years": [2019, 2020],
                                                       "min_n": 5})
    _assert_ran_and_small(nb)
    pooled = next(spec for spec in _chart_specs(nb) if "全部机关合计" in json.dumps(spec, ensure_ascii=False))
    assert {row["year"] for row in _rows(pooled) if "share" in row} <= {2019, 2020}
    html = _html(nb)
    assert agency_name(1) in html and agency_name(4) not in html
    assert "机关年度较少，不画分布图" in html


def test_data_quality_over_6000_agency_years_lists_failed_reports_first_and_stays_small(store, kernel_session):
    nb = kernel_session.run(NOTEBOOK_DIR / "data_quality.ipynb", {"data_dir": str(store), "max_findings": 50})
    _assert_ran_and_small(nb)
    html = _html(nb)
    n_reports = scan_frame(store, "reports").select(pl.len()).collect().item()
    assert f"另有 {n_reports - 50:,} 行未列出" in html
    overview = re.search(r"<th>来源文件</th>.*?<tbody><tr>(.*?)</tr>", html, re.S)
    assert "flag-fail" in overview.group(1)  # reports with failed rules first


def test_agency_briefing_reads_one_agency_from_a_large_partitioned_store(store, kernel_session):
    reports = scan_frame(store, "reports").filter(pl.col("agency_id") == agency_id(0)).collect()
    year = int(reports["year"].max())
    nb = kernel_session.run(NOTEBOOK_DIR / "agency_briefing.ipynb",
                            {"data_dir": str(store), "agency_id": agency_id(0), "year": year})
    _assert_ran_and_small(nb)
    assert agency_name(0) in _html(nb) and agency_name(1) not in _html(nb)


# Appended to a copy of explore.ipynb, as in test_explore.py: runs after the explorer is built.
CHECK_EXPLORER = '''
assert explorer.agencies.value == ()  # none selected = every agency; thousands are not preselected
assert explorer.table["agency_id"].n_unique() == len(explorer.agencies.options)
assert "行未列出" in explorer.table_output.value
assert sum(len(rows) for rows in explorer.chart.to_dict()["datasets"].values()) <= 200
explorer.agencies.value = (explorer.agencies.options[0][1],)
assert explorer.table["agency_id"].n_unique() == 1
print("explorer ok")
'''


def test_explorer_over_6000_agency_years_starts_with_every_agency_and_a_short_table(store, tmp_path):
    nb = copy.deepcopy(load_notebook_node(str(NOTEBOOK_DIR / "explore.ipynb")))
    nb.cells.append(nbformat.v4.new_code_cell(CHECK_EXPLORER))
    notebook = tmp_path / "explore_many.ipynb"
    nbformat.write(nb, notebook)
    executed = run_notebook(notebook, {"data_dir": str(store)})
    assert "explorer ok" in executed.cells[-1].outputs[0]["text"]
