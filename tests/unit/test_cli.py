"""The govdata command documents itself and reports unreadable files in one line."""

from __future__ import annotations

from click.testing import CliRunner

from govdata import __version__
from govdata.cli import main


def test_cli_help_lists_the_subcommands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "extract" in result.output and "ingest" in result.output


def test_cli_version_prints_the_package_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_extract_of_a_binary_file_fails_with_one_line_naming_the_file(tmp_path):
    bad = tmp_path / "garbage.txt"
    bad.write_bytes(b"\x00\xff\xfe\x00" * 100)
    result = CliRunner().invoke(main, ["extract", str(bad)])
    assert result.exit_code != 0
    assert "garbage.txt" in result.output
    assert len(result.output.strip().splitlines()) == 1
