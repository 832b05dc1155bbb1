"""Every command ends an OS error or a bad parameter with one line naming the path, never a traceback,
and leaves what it wrote before as it was (issue 15)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from govdata.cli import main
from govdata.store import CURRENT, read_corpus
from tests.conftest import SEED_2020_TAISHANG, SEED_2023_CITY


def _one_line(result, command: str) -> str:
    assert result.exit_code != 0 and "Traceback" not in result.output, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"govdata {command}: ")
    return lines[0]


@pytest.fixture()
def stored(tmp_path):
    out = tmp_path / "store"
    assert CliRunner().invoke(main, ["ingest", str(SEED_2023_CITY), "--out", str(out), "--no-progress"]).exit_code == 0
    return out, os.readlink(out / CURRENT)


def test_disk_full_during_ingest_is_one_line_naming_the_file_and_the_store_is_untouched(stored, disk_full_on_write):
    out, before = stored
    disk_full_on_write(3)
    line = _one_line(CliRunner().invoke(main, ["ingest", str(SEED_2023_CITY), str(SEED_2020_TAISHANG), "--out", str(out),
                                               "--no-progress"]), "ingest")
    assert str(out) in line and line.endswith(".parquet: disk full")
    assert os.readlink(out / CURRENT) == before and read_corpus(out).reports.height == 1
    assert not list(out.glob(".v-*.tmp"))


def test_a_full_disk_polars_reports_as_a_compute_error_is_an_os_error_too(stored, monkeypatch):
    out, before = stored

    def full(self, path, *args, **kwargs):
        raise pl.exceptions.ComputeError("parquet: File out of specification: underlying IO error: No space left on device "
                                         "(os error 28)")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", full)
    line = _one_line(CliRunner().invoke(main, ["ingest", str(SEED_2020_TAISHANG), "--out", str(out), "--no-progress"]),
                     "ingest")
    assert str(out) in line and line.endswith("No space left on device (disk full)")
    assert os.readlink(out / CURRENT) == before


@pytest.mark.parametrize(("code", "words"), [(errno.EROFS, "Read-only file system"), (errno.EACCES, "Permission denied")])
def test_a_read_only_or_forbidden_output_folder_is_one_line_naming_it(tmp_path, monkeypatch, code, words):
    # root ignores permissions, so the refusal is simulated where the first folder is made
    out = tmp_path / "ro" / "store"
    real_mkdir = Path.mkdir

    def refuse(self, *args, **kwargs):
        if self == out:
            raise OSError(code, os.strerror(code), str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    for layout in ("partitioned", "flat"):
        line = _one_line(CliRunner().invoke(main, ["ingest", str(SEED_2023_CITY), "--out", str(out), "--layout", layout,
                                                   "--no-progress"]), "ingest")
        assert line == f"govdata ingest: {out}: {words}"
    line = _one_line(CliRunner().invoke(main, ["briefings", "--data", str(tmp_path / "nodata"), "--out", str(out)]),
                     "briefings")
    assert "no processed data" in line


def test_briefings_into_a_folder_it_cannot_write_is_one_line(stored, tmp_path, monkeypatch):
    out, _ = stored
    pages = tmp_path / "pages"
    real_mkdir = Path.mkdir

    def refuse(self, *args, **kwargs):
        if self == pages:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    line = _one_line(CliRunner().invoke(main, ["briefings", "--data", str(out), "--out", str(pages)]), "briefings")
    assert line == f"govdata briefings: {pages}: Permission denied"


def test_bad_yaml_in_a_run_parameter_is_one_line_naming_it():
    result = CliRunner().invoke(main, ["run", "trends", "-p", "years", "[2019,"])
    line = _one_line(result, "run")
    assert result.exit_code == 2 and "-p years '[2019,'" in line and "YAML" in line


def test_extract_of_a_missing_file_is_one_line_and_of_a_folder_a_usage_error_naming_it(tmp_path):
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2 and "nope.txt: cannot open" in _one_line(result, "extract")
    result = CliRunner().invoke(main, ["extract", str(tmp_path)])  # click's own usage error, its last line names it
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.strip().splitlines()[-1] == f"Error: Invalid value for 'FILE': File '{tmp_path}' is a directory."
