"""pyproject.toml and environment.yml declare the same dependencies with the same bounds."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import ROOT


def _pyproject_requirements() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs.extend(extra)
    return {re.sub(r"\s+", "", r) for r in reqs}


def _environment_pip_requirements() -> set[str]:
    lines = (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()
    pip_section = False
    reqs = set()
    for line in lines:
        stripped = line.strip()
        if stripped == "- pip:":
            pip_section = True
            continue
        if pip_section and stripped.startswith("- "):
            item = stripped[2:].strip()
            if item != "-e .":
                reqs.add(re.sub(r"\s+", "", item))
        elif pip_section and stripped and not stripped.startswith("#"):
            pip_section = False
    return reqs


def test_environment_yml_lists_the_same_packages_and_bounds_as_pyproject():
    assert _environment_pip_requirements() == _pyproject_requirements()


def test_environment_yml_pins_the_python_of_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert f"python{project['requires-python']}" in text.replace(" ", "")


def test_rfc3987_syntax_is_not_installed_because_it_slows_every_notebook_start():
    import importlib.util

    assert importlib.util.find_spec("rfc3987_syntax") is None, "run `make venv`: the Makefile removes it"
