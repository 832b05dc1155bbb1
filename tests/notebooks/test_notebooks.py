"""Notebooks are thin and parameterized, and every one runs on the bundled reports and the fixture corpus."""

from __future__ import annotations

import ast
import json
import re

import nbformat
import polars as pl
import pytest

from govdata.notebooks import NOTEBOOK_DIR, declared_parameters, run_notebook
from govdata.store import read_corpus
from tests.fixtures_corpus import EVIL_ID

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
NAMES = [path.stem for path in NOTEBOOKS]
EXPECTED_PARAMETERS = {
    "agency_briefing": {"data_dir", "agency_id", "year", "min_n"},
    "trends": {"data_dir", "metric", "agencies", "years", "min_n"},
    "data_quality": {"data_dir", "max_findings"},
    "explore": {"data_dir", "metric", "min_n"},
    "compare": {"data_dir", "agencies", "min_n"},
}


def _code_cells(path):
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def _html_outputs(nb) -> str:
    return "\n".join(output.get("data", {}).get("text/html", "") for cell in nb.cells for output in cell.get("outputs", []))


def _chart_specs(nb) -> list[dict]:
    specs = []
    for match in re.finditer(r"var spec = (\{.*?\});\n", _html_outputs(nb)):
        specs.append(json.loads(match.group(1)))
    return specs


# ------------------------------------------------------------------ static: thin, tagged, stripped


def test_the_project_has_the_notebooks_of_the_issues():
    assert set(NAMES) == set(EXPECTED_PARAMETERS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_notebook_has_exactly_one_parameters_cell_holding_only_literals(path):
    tagged = [cell for cell in _code_cells(path) if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    for statement in ast.parse(tagged[0].source).body:
        assert isinstance(statement, ast.Assign), ast.dump(statement)
        ast.literal_eval(statement.value)  # raises on anything but a literal


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_notebook_is_committed_without_outputs(path):
    for cell in _code_cells(path):
        assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_notebook_defines_no_functions_and_leaves_sys_path_alone(path):
    for cell in _code_cells(path):
        assert "sys.path" not in cell.source
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef), cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_papermill_inspection_lists_the_parameters(path):
    assert set(declared_parameters(path)) == EXPECTED_PARAMETERS[path.stem]


# ------------------------------------------------------------------ papermill runs


def _briefing_parameters(data_dir, corpus_name):
    corpus = read_corpus(data_dir)
    if corpus_name == "fixture":
        return {"agency_id": EVIL_ID, "year": 2021}
    row = corpus.reports.sort("year").row(-1, named=True)
    return {"agency_id": row["agency_id"], "year": row["year"]}


@pytest.mark.notebook
@pytest.mark.parametrize("corpus_name", ["fixture", "bundled"])
def test_agency_briefing_runs_with_papermill(corpora, corpus_name):
    data_dir = corpora[corpus_name]
    nb = run_notebook(NOTEBOOK_DIR / "agency_briefing.ipynb",
                      {"data_dir": str(data_dir), **_briefing_parameters(data_dir, corpus_name)})
    html = _html_outputs(nb)
    assert len(_chart_specs(nb)) >= 2 and "指标定义" in "".join(c.source for c in nb.cells)
    assert "<script>alert(1)" not in html
    if corpus_name == "fixture":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;../测试局" in html


@pytest.mark.notebook
@pytest.mark.parametrize("corpus_name", ["fixture", "bundled"])
def test_data_quality_runs_with_papermill_and_lists_findings_by_file_and_line(corpora, corpus_name):
    nb = run_notebook(NOTEBOOK_DIR / "data_quality.ipynb", {"data_dir": str(corpora[corpus_name])})
    failed = read_corpus(corpora[corpus_name]).checks.filter(pl.col("status") == "fail")
    html = _html_outputs(nb)
    assert "位置（文件:行）" in html
    if failed.height:
        assert re.search(r"<td>[^<]+\.txt:\d+</td>", html)


@pytest.mark.notebook
def test_trends_runs_on_the_fixture_corpus_and_marks_failed_inputs(corpora):
    nb = run_notebook(NOTEBOOK_DIR / "trends.ipynb", {"data_dir": str(corpora["fixture"]), "min_n": 5})
    specs = json.dumps(_chart_specs(nb), ensure_ascii=False)
    assert "datum.is_input_failed" in specs and "2018.5" in specs
    assert "校验未通过" in _html_outputs(nb)


@pytest.mark.notebook
def test_trends_on_the_bundled_reports_show_the_non_disclosure_share_2017_to_2023_with_the_break(corpora):
    nb = run_notebook(NOTEBOOK_DIR / "trends.ipynb", {"data_dir": str(corpora["bundled"]), "metric": "share_withheld"})
    pooled = next(spec for spec in _chart_specs(nb) if "全部机关合计" in json.dumps(spec, ensure_ascii=False))
    rows = [row for rows in pooled["datasets"].values() for row in rows if "share" in row]
    years = {row["year"] for row in rows}
    assert min(years) == 2017 and max(years) == 2023 and {2019, 2020} & years
    assert "rule" in _mark_types(pooled)
    assert "2018.5" in json.dumps(pooled)


def _mark_types(spec: dict) -> set[str]:
    """Every mark type in a (possibly nested) layer spec."""
    found = set()
    mark = spec.get("mark")
    if mark:
        found.add(mark["type"] if isinstance(mark, dict) else mark)
    for layer in spec.get("layer", []):
        found |= _mark_types(layer)
    return found


def test_a_notebook_whose_kernel_goes_silent_is_run_once_more_then_reported(monkeypatch):
    import papermill
    from nbclient.exceptions import CellTimeoutError

    from govdata.notebooks import NotebookError

    calls = []

    def silent_once(*args, **kwargs):
        calls.append(kwargs["execution_timeout"])
        if len(calls) == 1:
            raise CellTimeoutError("Cell execution timed out")
        return nbformat.v4.new_notebook()

    monkeypatch.setattr(papermill, "execute_notebook", silent_once)
    assert run_notebook(NOTEBOOKS[0], {}).cells == [] and len(calls) == 2 and calls[0] > 0

    def always_silent(*args, **kwargs):
        raise CellTimeoutError("Cell execution timed out")

    monkeypatch.setattr(papermill, "execute_notebook", always_silent)
    with pytest.raises(NotebookError, match="no answer within"):
        run_notebook(NOTEBOOKS[0], {})
