"""One rule finds the project's files (govdata.paths), in an editable checkout and in an installed package."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from govdata import paths

ENV = ("GOVDATA_PROJECT", "GOVDATA_AGENCIES", "GOVDATA_REVIEWS", "GOVDATA_RAW", "GOVDATA_PROCESSED", "GOVDATA_NOTEBOOKS")


@pytest.fixture(autouse=True)
def _no_overrides(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def _project(root: Path) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "data" / "agencies.csv").write_text("agency_id,name,aliases,level,parent,notes\n", encoding="utf-8")
    (root / "notebooks").mkdir()
    return root


@pytest.fixture
def installed_paths(tmp_path):
    """govdata/paths.py as an installed package holds it: in site-packages, no project around it."""
    site = tmp_path / "site-packages" / "govdata"
    site.mkdir(parents=True)
    shutil.copy(Path(paths.__file__), site / "paths.py")
    spec = importlib.util.spec_from_file_location("installed_govdata_paths", site / "paths.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_installed_package_finds_the_project_in_the_working_directory(tmp_path, monkeypatch, installed_paths):
    project = _project(tmp_path / "study")
    monkeypatch.chdir(project)
    assert installed_paths.registry_path() == project / "data" / "agencies.csv"
    assert installed_paths.reviews_path() == project / "data" / "reviews.csv"
    assert installed_paths.processed_dir() == project / "data" / "processed"
    assert installed_paths.notebooks_dir() == project / "notebooks"


def test_a_notebook_kernel_in_notebooks_finds_the_project_above_it(tmp_path, monkeypatch, installed_paths):
    project = _project(tmp_path / "study")
    monkeypatch.chdir(project / "notebooks")
    assert installed_paths.project_root() == project


def test_outside_any_project_an_installed_package_uses_the_working_directory(tmp_path, monkeypatch, installed_paths):
    monkeypatch.chdir(tmp_path)
    assert installed_paths.registry_path() == tmp_path / "data" / "agencies.csv"


def test_an_editable_checkout_is_the_project_when_the_working_directory_is_none(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert paths.project_root() == Path(paths.__file__).resolve().parents[1]
    assert paths.registry_path().is_file()


def test_environment_variables_name_the_project_or_each_file(tmp_path, monkeypatch):
    project = _project(tmp_path / "elsewhere")
    monkeypatch.setenv("GOVDATA_PROJECT", str(project))
    assert paths.registry_path() == project / "data" / "agencies.csv"
    monkeypatch.setenv("GOVDATA_AGENCIES", str(tmp_path / "synth" / "agencies.csv"))
    monkeypatch.setenv("GOVDATA_PROCESSED", str(tmp_path / "store"))
    assert paths.registry_path() == tmp_path / "synth" / "agencies.csv"
    assert paths.processed_dir() == tmp_path / "store"
    assert paths.reviews_path() == project / "data" / "reviews.csv"
