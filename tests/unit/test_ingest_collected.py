"""Ingest of a collected folder: a wrapping page is read through its attachment, and a file that is not an annual report says so."""

from __future__ import annotations

from pathlib import Path

from govdata import collection
from govdata.ingest import ingest
from govdata.pipeline import load
from govdata.store import read_corpus, read_store_failures
from tests.snippets import tabbed_report

TITLE = "某某市人民政府2022年政府信息公开工作年度报告"
WRAPPER = (f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body><h1>{TITLE}</h1>"
           "<p>附件：<a href='/files/report.txt'>报告全文</a></p></body></html>")
LETTER = ("<html><head><meta charset='utf-8'></head><body><h1>关于报送2014年政府信息公开工作情况的函</h1><p>省政府办公厅：</p>"
          "<p>根据有关通知要求，现将我区2014年政府信息公开工作情况函告如下：全年主动公开信息425条。</p></body></html>")


def _collect(folder: Path, files: dict[str, tuple[bytes, dict[str, str]]]) -> Path:
    """A collection as `govdata fetch` leaves it: the files, and a manifest row for each."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, (data, values) in files.items():
        (folder / name).write_bytes(data)
        rows.append({"file": name, "sha256": collection.sha256_hex(data), "bytes": len(data), "url": f"https://a.gov.cn/{name}",
                     "role": "page", "is_current": "true", **values})
    collection.write_manifest(folder, rows)
    return folder


def test_page_without_tables_is_read_through_its_attachment(tmp_path):
    folder = _collect(tmp_path / "raw", {
        "2022_a_000000000001.html": (WRAPPER.encode(), {}),
        "2022_a_000000000002.txt": (tabbed_report().encode(), {"role": "attachment", "page_file": "2022_a_000000000001.html"}),
    })
    corpus = load(folder)
    [report] = corpus.reports.to_dicts()
    assert report["source"].endswith("2022_a_000000000002.txt") and report["year"] == 2022 and report["template"] == "2021"
    assert corpus.table3.height > 100 and not corpus.failures


def test_page_that_holds_its_tables_is_the_report_and_its_attachment_is_not_read_again(tmp_path):
    folder = _collect(tmp_path / "raw", {
        "2022_a_000000000001.txt": (tabbed_report().encode(), {}),
        "2022_a_000000000002.txt": (tabbed_report(title="另一份 2022 年政府信息公开工作年度报告").encode(),
                                    {"role": "attachment", "page_file": "2022_a_000000000001.txt"}),
    })
    corpus = load(folder)
    assert [Path(source).name for source in corpus.reports["source"]] == ["2022_a_000000000001.txt"]


def test_superseded_version_of_a_page_is_not_ingested(tmp_path):
    folder = _collect(tmp_path / "raw", {
        "2022_a_000000000001.txt": (tabbed_report().encode(), {"is_current": "false"}),
        "2022_a_000000000002.txt": (tabbed_report().replace("三、收到", "三、 收到").encode(), {}),
    })
    assert [Path(source).name for source in load(folder).reports["source"]] == ["2022_a_000000000002.txt"]


def test_a_letter_is_listed_as_not_an_annual_report_instead_of_an_empty_report(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "2014_letter.html").write_text(LETTER, encoding="utf-8")
    corpus = load(folder)
    assert corpus.reports.height == 0
    [failure] = corpus.failures
    assert failure.reason == "not an annual report: 「关于报送2014年政府信息公开工作情况的函」 is a 函 (letter), not an annual report"


def test_ingest_into_the_store_lists_the_letter_and_keeps_the_report(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "2014_letter.html").write_text(LETTER, encoding="utf-8")
    (folder / "2022_report.txt").write_text(tabbed_report(), encoding="utf-8")
    ingest(folder, tmp_path / "store")
    assert read_corpus(tmp_path / "store").reports.height == 1
    assert [f.reason.split(":")[0] for f in read_store_failures(tmp_path / "store")] == ["not an annual report"]
    assert ingest(folder, tmp_path / "store").is_unchanged, "an unchanged letter counts as unchanged"
