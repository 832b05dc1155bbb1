"""Files govdata writes get the permissions the umask gives, and nothing it prints for a person carries
control characters from a report, a file name or a library (issue 15)."""

from __future__ import annotations

import json
import os
import stat

import pytest
from click.testing import CliRunner

from govdata import collection
from govdata.cli import main
from govdata.system import printable
from tests.conftest import SEED_2023_CITY

ESCAPES = "\x1b[2J\x1b]0;pwned\x07\u202e\x9b31m"


@pytest.fixture(params=[0o022, 0o027])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_flat_store_files_follow_the_umask(tmp_path, umask):
    result = CliRunner().invoke(main, ["ingest", str(SEED_2023_CITY), "--out", str(tmp_path / "flat"), "--layout", "flat",
                                       "--no-progress"])
    assert result.exit_code == 0, result.output
    files = [*sorted((tmp_path / "flat").glob("*.parquet")), tmp_path / "flat" / "failures.csv"]
    assert len(files) == 9 and {_mode(path) for path in files} == {0o666 & ~umask}


def test_partitioned_store_and_collection_manifest_follow_the_umask(tmp_path, umask):
    CliRunner().invoke(main, ["ingest", str(SEED_2023_CITY), "--out", str(tmp_path / "store"), "--no-progress"])
    written = [p for p in (tmp_path / "store").rglob("*") if p.is_file()]
    assert written and {_mode(path) for path in written} == {0o666 & ~umask}
    path = collection.write_manifest(tmp_path / "collected", [])
    assert _mode(path) == 0o666 & ~umask


def test_printable_drops_every_control_and_format_character():
    assert printable(f"晋江市{ESCAPES}人民政府\tx\ny") == "晋江市[2J]0;pwned31m人民政府 x y"


@pytest.fixture()
def hostile(tmp_path):
    """The 2023 seed with escape sequences in its agency name, under a file name that holds one too."""
    text = SEED_2023_CITY.read_text(encoding="utf-8").replace("晋江市", f"晋江市{ESCAPES}", 3)
    path = tmp_path / "evil\x1b[31m.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _assert_no_controls(text: str) -> None:
    assert not any(ch in text for ch in "\x1b\x07\x9b\u202e"), repr(text[:200])


def test_extract_json_escapes_every_control_character_and_stays_the_same_json(hostile):
    result = CliRunner().invoke(main, ["extract", str(hostile)])
    assert result.exit_code == 0
    _assert_no_controls(result.stdout)
    _assert_no_controls(result.stderr)
    payload = json.loads(result.stdout)  # the values themselves are kept, written as JSON escapes
    assert payload["report"]["source"].endswith("evil\x1b[31m.txt") and "evil\\u001b[31m.txt" in result.stdout
    text = SEED_2023_CITY.read_text(encoding="utf-8").replace("全市全年共制作公文信息", f"全市{ESCAPES}全年共制作公文信息")
    hostile.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(hostile)])
    _assert_no_controls(result.stdout)
    assert any("\u202e\x9b31m" in fact["snippet"] for fact in json.loads(result.stdout)["facts"])
    assert "\\u202e\\u009b31m" in result.stdout


def test_check_and_ingest_print_no_control_characters(hostile, tmp_path):
    for args in (["check", str(hostile)], ["ingest", str(hostile.parent), "--out", str(tmp_path / "s"), "--no-progress"],
                 ["ingest", str(tmp_path / "nothing\x1b[2J"), "--out", str(tmp_path / "t")]):
        result = CliRunner().invoke(main, args)
        _assert_no_controls(result.output)
