"""A collection is immutable raw data: safe names, files written once, an atomic manifest, and what ingest reads."""

from __future__ import annotations

import os
import stat

import pytest

from govdata import collection
from govdata.collection import StoreError, files_to_ingest, stored_name, suffix_for

SHA = "0123456789abcdef" * 4


@pytest.mark.parametrize(("agency_id", "year", "expected"), [
    ("pingtan_zone", 2019, "2019_pingtan-zone_0123456789ab.html"),
    ("../../etc/passwd", 2019, "2019_etc-passwd_0123456789ab.html"),
    ("平潭综合实验区", 2019, "2019_unknown-agency_0123456789ab.html"),
    (None, None, "undated_unknown-agency_0123456789ab.html"),
    ("unk_1a2b3c", "2019/../..", "undated_unk-1a2b3c_0123456789ab.html"),
    ("x" * 200, 3000, "undated_" + "x" * 40 + "_0123456789ab.html"),
])
def test_stored_name_is_made_only_of_safe_characters_from_agency_year_and_hash(agency_id, year, expected):
    assert stored_name(agency_id, year, SHA, ".html") == expected


@pytest.mark.parametrize(("sha", "suffix"), [("../" + SHA[3:], ".html"), (SHA, "/../x"), (SHA, ".exe")])
def test_stored_name_refuses_a_digest_or_suffix_that_is_not_one(sha, suffix):
    with pytest.raises(ValueError):
        stored_name("a", 2019, sha, suffix)


@pytest.mark.parametrize(("data", "url", "suffix"), [
    (b"%PDF-1.7 rest", "https://a.gov.cn/f/report.doc", ".pdf"),
    (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "https://a.gov.cn/f/report.pdf", ".html"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "https://a.gov.cn/f/table.xls", ".xls"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "https://a.gov.cn/f/download?id=3", ".doc"),
    ("一、总体情况\n本年度收到申请3件。\n".encode(), "https://a.gov.cn/f/r.txt", ".txt"),
])
def test_stored_suffix_says_what_the_bytes_are_and_the_url_only_picks_among_look_alikes(data, url, suffix):
    assert suffix_for(data, url) == suffix


def test_stored_file_is_read_only_and_storing_the_same_bytes_again_changes_nothing(tmp_path):
    path = collection.store_file(tmp_path, "2019_a_0123456789ab.html", b"<p>report</p>")
    assert path.read_bytes() == b"<p>report</p>"
    assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    mtime = path.stat().st_mtime_ns
    assert collection.store_file(tmp_path, path.name, b"<p>report</p>") == path and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name], "no temporary file is left behind"


def test_a_stored_file_is_never_overwritten_by_other_bytes(tmp_path):
    path = collection.store_file(tmp_path, "2019_a_0123456789ab.html", b"first")
    with pytest.raises(StoreError, match="nothing overwritten"):
        collection.store_file(tmp_path, path.name, b"second")
    assert path.read_bytes() == b"first"


@pytest.mark.parametrize("name", ["../escape.html", "sub/x.html", ".hidden.html"])
def test_store_file_takes_plain_file_names_only(tmp_path, name):
    with pytest.raises(ValueError):
        collection.store_file(tmp_path, name, b"x")


def _row(file: str, **values: str) -> dict[str, str]:
    return {"file": file, "url": f"https://a.gov.cn/{file}", "role": "page", "is_current": "true", **values}


def test_manifest_round_trips_every_column(tmp_path):
    collection.write_manifest(tmp_path, [_row("a.html", sha256=SHA, year="2019", title="标题, with a comma")])
    [row] = collection.read_manifest(tmp_path)
    assert list(row) == list(collection.MANIFEST_COLUMNS)
    assert (row["file"], row["year"], row["title"], row["page_file"]) == ("a.html", "2019", "标题, with a comma", "")


def test_an_interrupted_manifest_write_leaves_the_old_manifest_whole(tmp_path, monkeypatch):
    collection.write_manifest(tmp_path, [_row("a.html")])
    before = (tmp_path / "manifest.csv").read_bytes()

    def fail(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        collection.write_manifest(tmp_path, [_row("a.html"), _row("b.html")])
    assert (tmp_path / "manifest.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.csv"]


def _collected(tmp_path):
    for name in ("page.html", "old.html", "att.pdf", "doc.pdf", "unlisted.txt"):
        (tmp_path / name).write_bytes(b"x")
    collection.write_manifest(tmp_path, [
        _row("old.html", is_current="false"), _row("page.html"), _row("att.pdf", role="attachment", page_file="page.html"),
        _row("doc.pdf", role="document"), _row("../outside.pdf", role="attachment", page_file="page.html"),
    ])
    return tmp_path


def test_ingest_skips_attachments_and_superseded_versions_of_a_collection(tmp_path):
    folder = _collected(tmp_path)
    kept = files_to_ingest(sorted(folder.iterdir()))
    assert sorted(p.name for p in kept) == ["doc.pdf", "manifest.csv", "page.html", "unlisted.txt"]


def test_a_folder_with_a_manifest_of_another_kind_keeps_every_file(tmp_path):
    (tmp_path / "manifest.csv").write_text("file,sha256,bytes,agency,agency_id,year,encoding,origin,published_at\n"
                                           "a.txt,x,1,a,a,2019,utf-8,o,p\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    assert files_to_ingest([tmp_path / "a.txt"]) == [tmp_path / "a.txt"]


def test_attachments_of_a_page_are_the_current_ones_in_the_folder_only(tmp_path):
    folder = _collected(tmp_path)
    assert collection.attachments_of(folder / "page.html") == [folder / "att.pdf"]
    assert collection.attachments_of(folder / "doc.pdf") == []
