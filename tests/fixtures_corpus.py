"""A tiny hand-made corpus for metrics, notebook and briefing tests.

Why hand-made: the numbers are chosen so every expected value can be computed by hand
(share_withheld of alpha 2023 = 12 / 120 = 0.1), and it contains what real data rarely
shows at once: a legacy year, both new templates, an agency below the minimum N, a failed
accounting rule, and an agency whose name and id try HTML injection and path traversal.

Frames are built through ``govdata.schema.frame`` so they have exactly the contract's types.
"""

from __future__ import annotations

from pathlib import Path

from govdata import schema
from govdata.model import Corpus
from govdata.store import write_corpus

ALPHA = "alpha_city"
BETA = "beta_town"
EVIL_ID = "../<script>alert(1)</script>"
EVIL_NAME = "<script>alert(1)</script>../测试局"
EVIL_MESSAGE = "表三 <b>总计</b> 与分项之和不符 & 需核对"

# (agency_id, agency, year, template, outcome counts) — outcome counts in OUTCOME order.
# granted, partial, withheld, unable, not_processed, other, total
_REPORTS = [
    (ALPHA, "阿尔法市人民政府", 2017, "legacy", (50, 10, 10, None, None, 10, 80)),
    (ALPHA, "阿尔法市人民政府", 2018, "legacy", (60, 10, 15, None, None, 15, 100)),
    (ALPHA, "阿尔法市人民政府", 2019, "2019", (70, 10, 8, 20, 2, 0, 110)),
    (ALPHA, "阿尔法市人民政府", 2021, "2021", (75, 15, 10, 10, 3, 2, 115)),
    (ALPHA, "阿尔法市人民政府", 2023, "2021", (80, 10, 12, 12, 4, 2, 120)),
    (BETA, "贝塔镇人民政府", 2019, "2019", (5, 1, 1, 2, 0, 0, 9)),
    (BETA, "贝塔镇人民政府", 2020, "2019", (6, 0, 2, 1, 1, 0, 10)),
    (EVIL_ID, EVIL_NAME, 2021, "2021", (20, 5, 5, 5, 3, 2, 40)),
]
OUTCOME_ORDER = ("granted", "partial", "withheld", "unable", "not_processed", "other", "total")
# New requests by requester for reports with a table 3: natural_person, commercial, research,
# public_interest, legal_services, other_org. carried_over and carried_forward are in the total column.
_REQUESTERS = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org")


def report_id(agency_id: str, year: int) -> str:
    """A stable fake report id (16 hex digits like the real ones)."""
    import hashlib

    return hashlib.sha256(f"{agency_id}|{year}".encode()).hexdigest()[:16]


def build_corpus() -> Corpus:
    """The fixture corpus: 8 reports, 3 agencies, years 2017-2023, one failed identity check."""
    reports, table3, table4, legacy, outcomes, checks, facts = [], [], [], [], [], [], []
    for agency_id, agency, year, template, counts in _REPORTS:
        rid = report_id(agency_id, year)
        source = f"data/raw/{year}_{len(reports):02d}.txt"
        reports.append({"report_id": rid, "source": source, "agency": agency, "agency_id": agency_id,
                        "level": "county", "parent": None, "year": year, "template": template,
                        "layout": "tabbed" if template != "legacy" else "none", "encoding": "utf-8",
                        "agency_line": 1, "year_line": 3, "n_lines": 120})
        for key, value in zip(OUTCOME_ORDER, counts, strict=True):
            if value is not None:
                outcomes.append({"report_id": rid, "agency_id": agency_id, "year": year, "template": template,
                                 "outcome": key, "value": value, "source": "legacy" if template == "legacy" else "table3",
                                 # legacy 不予公开 and 其他 map onto the 2019 groups only approximately
                                 "is_definition_changed": template == "legacy" and key in ("withheld", "other")})
        total = counts[-1]
        if template == "legacy":
            legacy.append({"report_id": rid, "indicator": "requests_total", "indicator_zh": "受理政府信息公开申请总数",
                           "unit": "件", "value": float(total), "cumulative": None, "line": 60})
            checks.append({"report_id": rid, "check": "legacy_vs_text", "scope": "requests_total", "expected": float(total),
                           "actual": float(total), "status": "pass", "severity": "warning", "line": 60, "message": "附表与正文一致"})
            continue
        carried_over, carried_forward = 2, 4
        new = total + carried_forward - carried_over
        split = _split(new)
        for requester, value in zip(_REQUESTERS, split, strict=True):
            table3.append({"report_id": rid, "row": "new", "row_zh": "本年新收", "requester": requester, "value": value,
                           "raw": str(value), "line": 70})
        for row, row_zh, value, line in (("new", "本年新收", new, 70), ("carried_over", "上年结转", carried_over, 71),
                                         ("total", "总计", total, 95), ("carried_forward", "结转下年度继续办理", carried_forward, 96)):
            table3.append({"report_id": rid, "row": row, "row_zh": row_zh, "requester": "total", "value": value,
                           "raw": str(value), "line": line})
        for proceeding, base in (("review", 1), ("litigation_direct", 0), ("litigation_after_review", 0)):
            cells = {"upheld": 2 * base + 1, "corrected": base, "other": 0, "pending": 0}
            cells["total"] = sum(cells.values())
            for outcome, value in cells.items():
                table4.append({"report_id": rid, "proceeding": proceeding, "outcome": outcome, "value": value,
                               "raw": str(value), "line": 110})
        failing = (agency_id, year) in {(ALPHA, 2021), (EVIL_ID, 2021)}
        checks.append({"report_id": rid, "check": "identity", "scope": "column=total",
                       "expected": float(new + carried_over), "actual": float(total + carried_forward + (3 if failing else 0)),
                       "status": "fail" if failing else "pass", "severity": "error", "line": 95,
                       "message": EVIL_MESSAGE if agency_id == EVIL_ID else ("新收+上年结转 ≠ 总计+结转下年" if failing else "ok")})
        checks.append({"report_id": rid, "check": "t4_total", "scope": "review", "expected": 3.0, "actual": 3.0,
                       "status": "pass", "severity": "error", "line": 110, "message": "ok"})
        facts.append({"report_id": rid, "key": "requests.received", "value": float(new), "unit": "件", "share": None,
                      "line": 20, "snippet": f"全年共收到政府信息公开申请{new}件"})
    return Corpus(
        reports=schema.frame("reports", reports),
        table3=schema.frame("table3", table3),
        table4=schema.frame("table4", table4),
        legacy=schema.frame("legacy", legacy),
        facts=schema.frame("facts", facts),
        checks=schema.frame("checks", checks),
        outcomes=schema.frame("outcomes", outcomes),
    )


def _split(new: int) -> list[int]:
    """Spread new requests over requester kinds: most from natural persons, as in real reports."""
    commercial = new // 5
    legal = 1 if new > 5 else 0
    return [new - commercial - legal, commercial, 0, 0, legal, 0]


def write_fixture_corpus(out_dir: str | Path) -> Path:
    """Write the fixture corpus as Parquet (the layout ``govdata ingest`` writes) and return the dir."""
    write_corpus(build_corpus(), out_dir)
    return Path(out_dir)


def write_bundled_corpus(out_dir: str | Path) -> Path:
    """Run the pipeline on the bundled reports (the five seeds of data/raw) and write its Parquet frames to ``out_dir``.

    The seeds by name, not the folder: a collection a developer fetched into data/raw/<collection>
    (docs/collecting.md) is not part of the bundled corpus the notebook tests expect."""
    from govdata.pipeline import load
    from tests.conftest import SEEDS

    write_corpus(load(SEEDS), out_dir)
    return Path(out_dir)
