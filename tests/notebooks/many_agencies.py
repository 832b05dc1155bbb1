"""A corpus of thousands of agencies, made directly as frames: for what must hold at national scale.

Why not govdata.synth + ingest: parsing costs ~10 ms a report, and what these tests pin down
(charts stay under Altair's row limit, pages stay small, notebooks read a partitioned store)
needs many agency-years, not realistic text. Frames are built with the contract's types
(``schema.conform``) and deterministic numbers (``random.Random(seed)``):

* every agency reports in some of 2016-2023; legacy template before 2019, 2019 for
  2019-2020, 2021 after, so the 2019 break is in the data;
* handled requests are skewed like real ones (a few agencies with thousands, most with
  tens), so some agency-years fall below the minimum N;
* about one report in thirty fails the ``identity`` rule.
"""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl

from govdata import schema
from govdata.model import Corpus
from govdata.store import write_corpus

YEARS = tuple(range(2016, 2024))
OUTCOMES = ("granted", "partial", "withheld", "unable", "not_processed", "other")


def agency_id(index: int) -> str:
    return f"many_{index:05d}"


def agency_name(index: int) -> str:
    return f"合成第{index}号机关"


def build_many_agencies(n_agencies: int, *, seed: int = 7, failed_every: int = 30) -> Corpus:
    """``n_agencies`` agencies with 1-8 reports each (about 4.5 on average): reports, outcomes, checks."""
    rng = random.Random(seed)
    reports, outcomes, checks = [], [], []
    for index in range(n_agencies):
        scale = rng.choice((8, 15, 30, 60, 120, 400)) * (50 if index % 997 == 0 else 1)
        for year in sorted(rng.sample(YEARS, rng.randint(1, len(YEARS)))):
            rid = f"{index:08x}{year:08x}"
            template = "legacy" if year < 2019 else "2019" if year < 2021 else "2021"
            reports.append((rid, f"synthetic/{year}/{index}.txt", agency_name(index), agency_id(index), "county", year, template))
            total = max(1, int(scale * rng.uniform(0.5, 1.5)))
            withheld = int(total * rng.uniform(0.0, 0.2))
            unable = int((total - withheld) * rng.uniform(0.0, 0.3))
            not_processed = int((total - withheld - unable) * rng.uniform(0.0, 0.1))
            partial = int((total - withheld - unable - not_processed) * rng.uniform(0.0, 0.2))
            granted = total - withheld - unable - not_processed - partial
            values = dict(zip(OUTCOMES, (granted, partial, withheld, unable, not_processed, 0), strict=True))
            if template == "legacy":  # a legacy 附表 has no 无法提供 or 不予处理 row
                values["other"] = values.pop("unable") + values.pop("not_processed")
            for outcome, value in [*values.items(), ("total", total)]:
                outcomes.append((rid, agency_id(index), year, template, outcome, value,
                                 "legacy" if template == "legacy" else "table3",
                                 template == "legacy" and outcome in ("withheld", "other")))
            failed = len(reports) % failed_every == 0
            checks.append((rid, "identity", "fail" if failed else "pass", "error", "新收+上年结转 ≠ 总计+结转下年" if failed else "ok"))
    return Corpus(
        reports=schema.conform("reports", pl.DataFrame(
            reports, schema=["report_id", "source", "agency", "agency_id", "level", "year", "template"], orient="row")),
        outcomes=schema.conform("outcomes", pl.DataFrame(
            outcomes, schema=["report_id", "agency_id", "year", "template", "outcome", "value", "source", "is_definition_changed"],
            orient="row")),
        checks=schema.conform("checks", pl.DataFrame(
            checks, schema=["report_id", "check", "status", "severity", "message"], orient="row")),
    )


def write_many_agencies_store(out_dir: str | Path, n_agencies: int, *, seed: int = 7) -> Path:
    """The corpus of :func:`build_many_agencies` as a year-partitioned store (the layout ``ingest`` writes)."""
    write_corpus(build_many_agencies(n_agencies, seed=seed), out_dir, partitioned=True)
    return Path(out_dir)
