"""The JupyterLab explorer: setting widget values changes the chart and the table."""

from __future__ import annotations

import copy

import nbformat
import pytest
from papermill.iorw import load_notebook_node

from govdata.notebooks import NOTEBOOK_DIR, run_notebook

# Appended to a copy of explore.ipynb: runs in the same kernel after the explorer is built, so
# the widgets' observers fire exactly as they do when a reader clicks in JupyterLab.
DRIVE_WIDGETS = '''
import json
first_rows = explorer.table.height
first_title = json.dumps(explorer.chart.to_dict()["title"], ensure_ascii=False)
explorer.metric.value = "share_granted_any"
assert set(explorer.table["metric"]) == {"share_granted_any"}, explorer.table
assert "全部或部分公开占比" in json.dumps(explorer.chart.to_dict()["title"], ensure_ascii=False) != first_title
assert "全部或部分公开占比" in explorer.table_output.value
explorer.agencies.value = ("beta_town",)
assert set(explorer.table["agency_id"]) == {"beta_town"} and explorer.table.height < first_rows
explorer.years.value = (2020, 2023)
assert set(explorer.table["year"]) == {2020}
explorer.templates.value = ("legacy",)
assert explorer.table.height == 0
print("explorer ok")
'''


@pytest.mark.notebook
def test_setting_widget_values_changes_the_explorer_chart_and_table(corpora, tmp_path):
    nb = copy.deepcopy(load_notebook_node(str(NOTEBOOK_DIR / "explore.ipynb")))
    nb.cells.append(nbformat.v4.new_code_cell(DRIVE_WIDGETS))
    notebook = tmp_path / "explore_driven.ipynb"
    nbformat.write(nb, notebook)
    executed = run_notebook(notebook, {"data_dir": str(corpora["fixture"])})
    assert "explorer ok" in executed.cells[-1].outputs[0]["text"]


@pytest.mark.notebook
def test_explorer_opens_on_the_bundled_reports(corpora):
    executed = run_notebook(NOTEBOOK_DIR / "explore.ipynb", {"data_dir": str(corpora["bundled"])})
    widget_outputs = [o for c in executed.cells for o in c.get("outputs", [])
                      if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widget_outputs
