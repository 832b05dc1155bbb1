"""reviews.csv as people save it: UTF-8 with or without a BOM, or GB18030; every malformed row is a
``file:line`` error, and `govdata check` says it in one line (issue 15)."""

from __future__ import annotations

import codecs

import pytest
from click.testing import CliRunner

from govdata.cli import main
from govdata.reviews import MAX_NOTE_CHARS, ReviewsError, read_reviews
from tests.conftest import SEED_2023_CITY

HEADER = "fingerprint,verdict,note,reviewer,date\n"
ROW = "0123456789abcdef,confirmed,第 90 行的合计印错了,张三,2024-05-01\n"


def _write(tmp_path, data: bytes):
    path = tmp_path / "reviews.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encode", [
    lambda text: text.encode("utf-8"),
    lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),  # Excel's "CSV UTF-8"
    lambda text: text.encode("gb18030"),  # Excel's CSV on a Chinese Windows
], ids=["utf-8", "utf-8-bom", "gb18030"])
def test_reviews_are_read_in_utf8_with_or_without_bom_and_in_gb18030(tmp_path, encode):
    reviews = read_reviews(_write(tmp_path, encode(HEADER + ROW)))
    assert reviews.to_dicts() == [{"fingerprint": "0123456789abcdef", "verdict": "confirmed", "note": "第 90 行的合计印错了",
                                   "reviewer": "张三", "date": "2024-05-01"}]


@pytest.mark.parametrize(("body", "where", "what"), [
    (HEADER.replace("note", "verdict") + ROW, ":1:", "more than once"),
    ("fingerprint,verdict,reviewer\n" + ROW, ":1:", "missing column"),
    (HEADER + ROW + "0123456789ABCDEF,confirmed,,李四,2024-05-02\n", ":3:", "16 hex digits"),
    (HEADER + ROW + "fedcba9876543210,confirmed,a,b,李四,2024-05-02\n", ":3:", "cells for 5 columns"),
    (HEADER + f'fedcba9876543210,confirmed,"{"长" * (MAX_NOTE_CHARS + 1)}",李四,2024-05-02\n', ":2:", "MAX_NOTE_CHARS"),
    (HEADER + 'fedcba9876543210,confirmed,"' + "x" * 200_000 + '",李四,2024-05-02\n', ":2:", "field larger than field limit"),
    (HEADER + ROW + "fedcba98765\x00,confirmed,,李四,2024-05-02\n", ":3:", "16 hex digits"),
    (HEADER + ROW + ROW, ":3:", "already reviewed on line 2"),
], ids=["duplicated-column", "missing-column", "fingerprint-format", "extra-cells", "note-too-long", "past-csv-limit",
        "nul-byte", "reviewed-twice"])
def test_every_malformed_row_is_an_error_naming_file_and_line(tmp_path, body, where, what):
    path = _write(tmp_path, body.encode("utf-8"))
    with pytest.raises(ReviewsError) as error:
        read_reviews(path)
    assert str(error.value).startswith(f"{path}{where}") and what in str(error.value)


def test_bytes_that_are_neither_utf8_nor_gb18030_are_an_error_with_the_line(tmp_path):
    path = _write(tmp_path, (HEADER + ROW).encode("utf-8") + b"fedcba9876543210,confirmed,\x80\xff,x,2024-05-02\n")
    with pytest.raises(ReviewsError, match=r"reviews\.csv:3: neither UTF-8 nor GB18030"):
        read_reviews(path)


def test_check_with_a_malformed_reviews_file_ends_in_one_line(tmp_path):
    path = _write(tmp_path, (HEADER.replace("note", "verdict") + ROW).encode("utf-8"))
    result = CliRunner().invoke(main, ["check", str(SEED_2023_CITY), "--reviews", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.strip().splitlines() == [f"govdata check: {path}:1: column(s) ['verdict'] appear more than once; "
                                                  "a verdict would be read from one of them only"]


def test_ingest_with_a_malformed_reviews_file_stops_before_parsing_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVDATA_REVIEWS", str(_write(tmp_path, (HEADER + ROW + ROW).encode("gb18030"))))
    result = CliRunner().invoke(main, ["ingest", str(SEED_2023_CITY), "--out", str(tmp_path / "store"), "--no-progress"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("govdata ingest: ") and "reviews.csv:3: fingerprint 0123456789abcdef already reviewed" in line
    assert not (tmp_path / "store" / "current").exists()
