"""The engine seam of ingest, without a cluster: what a worker in another folder, or one that cannot
see the files, is given, and that it parses to the same rows (govdata/ingest_dask.py uses both)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from govdata.ingest import BatchTask, ProcessEngine
from govdata.pipeline import discover, parse_batch, read_file_content
from govdata.read import display_path
from govdata.store import PartWriter
from tests.snippets import tabbed_report
from tests.unit.test_ingest_collected import LETTER, WRAPPER, _collect


def _collected(folder: Path) -> list[Path]:
    """A page read through its attachment, a report of its own, a letter (a failure) and an empty file."""
    _collect(folder, {
        "2022_a_000000000001.html": (WRAPPER.encode(), {}),
        "2022_a_000000000002.txt": (tabbed_report().encode(), {"role": "attachment", "page_file": "2022_a_000000000001.html"}),
        "2021_b_000000000003.txt": (tabbed_report(title="另一份 2021 年政府信息公开工作年度报告").encode(), {}),
        "2014_c_000000000004.html": (LETTER.encode(), {}),
    })
    (folder / "2020_d_empty.txt").write_bytes(b"")
    return discover(folder)


def _same(left, right) -> None:
    for name, frame in left.frames().items():
        assert frame.equals(getattr(right, name)), name
    assert left.failures == right.failures


def test_a_batch_parsed_from_the_callers_bytes_gives_the_rows_of_the_files_themselves(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = [path.relative_to(tmp_path) for path in _collected(tmp_path / "raw")]
    sources = [display_path(path) for path in files]
    local = parse_batch(files)
    contents = [read_file_content(path, source) for path, source in zip(files, sources, strict=True)]
    shutil.rmtree(tmp_path / "raw")  # the worker cannot see the files: only their bytes
    sent = parse_batch(files, sources, contents)
    assert local.reports.height == 2 and len(local.failures) == 2
    assert any(source.endswith("000000000002.txt") for source in local.reports["source"])  # read through the attachment
    _same(sent, local)


def test_a_worker_in_another_folder_names_the_reports_as_the_caller_does(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = [path.relative_to(tmp_path) for path in _collected(tmp_path / "raw")]
    task = BatchTask(PartWriter(Path(".v-x.tmp"), "abc123"), "b00000", files)
    portable = task.portable()
    assert all(path.is_absolute() for path in portable.files) and portable.parts.staging.is_absolute()
    local = parse_batch(files)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.chdir(elsewhere)
    _same(parse_batch(portable.files, portable.sources), local)


def test_process_engine_hands_results_back_in_task_order():
    tasks = [f"t{i}" for i in range(7)]
    assert [task for task, _ in ProcessEngine(1).map_batches(str.upper, tasks)] == tasks
    assert [result for _, result in ProcessEngine(1).map_batches(str.upper, tasks)] == [t.upper() for t in tasks]
