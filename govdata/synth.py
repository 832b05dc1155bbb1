"""Synthetic reports with known ground truth: every name and number invented, every cell's line known.

Why: five bundled reports cannot show that govdata is correct on every layout and template,
nor fast at national scale (about 10^5 agencies publish every year). A generator that writes
the report *and* the frames the parser must return gives the strongest tests (render -> parse
-> compare, exactly) and a corpus of any size for benchmarks.

Nothing here can be mistaken for real data: every agency name starts with 合成 ("synthetic"),
every report carries a banner saying it is synthetic, and every registry and manifest row is
marked ``合成 synthetic``.

What a report is made of, in order:

1. :func:`make_figures` draws the numbers: most agencies receive a handful of requests, a few
   thousands (lognormal by level, many zeros at the bottom); tables are consistent (收办平衡,
   row and column sums, 表四 totals) and an agency's 结转下年 in year N is its 上年结转 in N+1.
   Pre-2019 reports may also list their request channels and answer types in prose, as the
   2017 seed does, consistent with the 附表.
2. :func:`inject_error` optionally changes one printed number and records it.
3. :func:`compose` lays the report out as paragraphs and tables of merged cells (the printed
   forms of 国办公开办函〔2019〕60号 and 〔2021〕30号, or a pre-2019 report with its 附表).
4. :func:`render` writes one layout: ``tabbed``, ``cell_per_line``, ``pipe`` or ``html``
   (a ``<table>`` with rowspan/colspan), returning the text, the line of every value cell and
   of every number the prose states. The copies real reports come in on the web (pipe rows
   without a border, one cell per line with bars or blank lines, PDF text, a page flattened to
   one line, Traditional mirrors with pinyin, truncated pages, …) are the layout families of
   :mod:`govdata.synth_layouts`, with what a careful reader can know of every cell.
5. The ground truth is every frame of the contract, derived from what was printed, never by
   running govdata's own stages: ``reports``, ``table2``, ``table3``, ``table4``, ``legacy``,
   ``facts`` (each stated number, its line and sentence), ``outcomes`` (表三 group sums; for
   legacy reports the crosswalk of govdata/data/outcome_crosswalk.csv and the source rule of
   docs/harmonization.md) and ``checks`` (every rule of docs/data-quality.md a synthetic
   report triggers, with its verdict, by a small independent oracle: :func:`expected_checks`).
   ``SynthReport.expected_checks`` lists the (check, scope) pairs that must fail.

Example:
    >>> report = make_report(seed=7, template="2021", layout="pipe")
    >>> report.truth["reports"]["template"][0], report.truth["reports"]["layout"][0]
    ('2021', 'pipe')
    >>> report.truth["reports"]["agency"][0].startswith("合成")
    True
"""

from __future__ import annotations

import copy
import csv
import hashlib
import html as html_lib
import itertools
import math
import os
import random
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cache, cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from govdata import fact_keys, form, schema
from govdata.metadata import Agency  # an invented one: its name always starts with 合成

SYNTHETIC_MARK = "合成"
SYNTHETIC_NOTE = "合成 synthetic: invented by govdata.synth, not a real agency or report"
TEMPLATES = ("2019", "2021", "legacy")
LAYOUTS = ("tabbed", "cell_per_line", "pipe", "html")
LEVELS = ("province", "prefecture", "county", "zone", "department", "township")

# The form's keys (govdata/data/form.csv).
REQUESTERS = form.requesters(include_total=False)
COLUMNS = form.requesters()
PROCEEDINGS = form.proceedings()
T4_PARTS = form.t4_outcomes(include_total=False)
T4_OUTCOMES = form.t4_outcomes()
# (一)…(六) of each form: every 表三 row that counts how a request ended, 总计 aside.
OUTCOME_ROWS = {template: tuple(row for outcome in form.outcome_keys() if outcome != "total"
                                for row in form.outcome_rows(outcome, template)) for template in form.TEMPLATES}
T3_ROWS = {template: form.table3_rows(template) for template in form.TEMPLATES}
# Prose keys (docs/facts.md) of the 2008 answer types and request channels a legacy report lists.
LEGACY_ANSWER_TYPES = ("outcome.granted", "outcome.partial", "outcome.withheld", "outcome.already_public", "outcome.not_ours",
                       "outcome.not_exist", "outcome.amend", "outcome.other_channel")
LEGACY_CHANNELS = ("requests.channel.in_person", "requests.channel.online", "requests.channel.letter")
LEGACY_INDICATORS = form.legacy_indicators()

# 附表 totals and the indicators that add up to them (category_sum, docs/data-quality.md).
LEGACY_PARTS = {total: form.legacy_parts(total) for total in ("requests_total", "responses_total")}

# --- names --------------------------------------------------------------------------------------

# Characters for invented place names: common in real names, but the combinations are made up.
_PLACE_CHARS = "云溪青禾石桥松岭清河安平长乐永宁新丰金沙白水兰陵东湖西山南岗北峰临江德化泰和崇文兴华"
_DEPARTMENTS = ("教育局", "公安局", "民政局", "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局",
                "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会", "应急管理局",
                "市场监督管理局", "统计局", "医疗保障局", "司法局", "退役军人事务局")
# Share of agencies by level among ~10^5 publishers: mostly departments and townships.
_LEVEL_WEIGHTS = {"province": 0.004, "prefecture": 0.015, "county": 0.06, "zone": 0.02, "department": 0.6, "township": 0.301}
# Requests received per year: lognormal median and sigma by level, and the chance of none at all.
_REQUEST_VOLUME = {"province": (600, 1.0, 0.0), "prefecture": (250, 1.0, 0.0), "county": (60, 1.1, 0.02),
                   "zone": (6, 1.2, 0.25), "department": (4, 1.4, 0.3), "township": (1.5, 1.2, 0.45)}


def place_name(index: int, length: int = 2) -> str:
    """A made-up place name, unique per index: base-N digits over _PLACE_CHARS.

    >>> place_name(0), place_name(1)
    ('云云', '云溪')
    """
    base = len(_PLACE_CHARS)
    chars = []
    for _ in range(max(length, 1 + int(math.log(index + 1, base)) if index else length)):
        index, digit = divmod(index, base)
        chars.append(_PLACE_CHARS[digit])
    return "".join(reversed(chars))


def make_agencies(n: int, seed: int = 0) -> list[Agency]:
    """``n`` invented agencies in a hierarchy (departments and townships under counties, …)."""
    rng = random.Random(f"agencies:{seed}")
    agencies: list[Agency] = []
    by_level: dict[str, list[Agency]] = {level: [] for level in LEVELS}
    for index in range(n):
        level = "province" if index == 0 else rng.choices(list(_LEVEL_WEIGHTS), list(_LEVEL_WEIGHTS.values()))[0]
        place = place_name(index, 3)
        parent = _pick_parent(rng, level, by_level)
        name = SYNTHETIC_MARK + _agency_name(rng, level, place, parent)
        agency = Agency(f"synth_{index:06d}", name, level, parent.agency_id if parent else None)
        agencies.append(agency)
        by_level[level].append(agency)
    return agencies


@lru_cache(maxsize=1)
def default_agencies() -> tuple[Agency, ...]:
    """The agencies single reports are drawn for (tests register them with :func:`write_registry`)."""
    return tuple(make_agencies(256, seed=0))


def write_registry(agencies: Iterable[Agency], path: str | os.PathLike) -> Path:
    """An agency registry (the columns of data/agencies.csv) for invented agencies, each row marked 合成."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["agency_id", "name", "aliases", "level", "parent", "notes"])
        for agency in agencies:
            writer.writerow([agency.agency_id, agency.name, "", agency.level, agency.parent or "", SYNTHETIC_NOTE])
    return path


def _pick_parent(rng: random.Random, level: str, by_level: dict[str, list[Agency]]) -> Agency | None:
    above = {"province": (), "prefecture": ("province",), "county": ("prefecture", "province"), "zone": ("prefecture", "county"),
             "department": ("county", "prefecture"), "township": ("county",)}[level]
    for parent_level in above:
        if by_level[parent_level]:
            return rng.choice(by_level[parent_level][-50:])
    return None


def _agency_name(rng: random.Random, level: str, place: str, parent: Agency | None) -> str:
    if level == "province":
        return f"{place}省人民政府"
    if level == "prefecture":
        return f"{place}市人民政府"
    if level == "county":
        return f"{place}{rng.choice(('县', '区'))}人民政府"
    if level == "zone":
        return f"{place}{rng.choice(('经济开发区', '高新区', '投资区'))}管理委员会"
    if level == "department":
        return f"{place}县{rng.choice(_DEPARTMENTS)}"
    return f"{place}{rng.choice(('镇人民政府', '街道办事处'))}"


# --- numbers --------------------------------------------------------------------------------------


@dataclass
class Figures:
    """The numbers of one report, as printed: ``None`` prints a blank (or a placeholder)."""

    template: str
    year: int
    table2: dict[tuple[str, str], str] = field(default_factory=dict)  # (item, measure) -> printed text
    table3: dict[tuple[str, str], int | None] = field(default_factory=dict)  # (row, requester) -> count
    table4: dict[tuple[str, str], int | None] = field(default_factory=dict)  # (proceeding, outcome) -> count
    legacy: dict[str, tuple[int, int]] = field(default_factory=dict)  # indicator -> (this year, 历史累计)
    stated: dict[str, int] = field(default_factory=dict)  # fact key -> number stated in the prose
    in_force: dict[str, int] = field(default_factory=dict)  # 2021 表二 现行有效件数, carried to next year
    share_decimals: int | None = None  # decimals of the "占 x%" printed after listed prose numbers; None: no shares


def split_count(rng: random.Random, total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split over categories with the given weights (a multinomial draw)."""
    if total <= 0:
        return [0] * len(weights)
    if total <= 200:
        counts = [0] * len(weights)
        for index in rng.choices(range(len(weights)), weights, k=total):
            counts[index] += 1
        return counts
    out, left, weight_left = [], total, float(sum(weights))
    for weight in weights[:-1]:
        p = weight / weight_left if weight_left else 0.0
        mean, sd = left * p, math.sqrt(max(left * p * (1 - p), 0.0))
        drawn = min(left, max(0, round(rng.gauss(mean, sd))))
        out.append(drawn)
        left -= drawn
        weight_left -= weight
    return [*out, left]


def requests_received(rng: random.Random, level: str) -> int:
    """Requests an agency receives in a year: zero for many small agencies, thousands for a few."""
    median, sigma, p_zero = _REQUEST_VOLUME[level]
    if rng.random() < p_zero:
        return 0
    return max(1, round(rng.lognormvariate(math.log(median), sigma)))


_REQUESTER_WEIGHTS = (0.86, 0.08, 0.005, 0.01, 0.025, 0.02)
_OUTCOME_WEIGHTS = {"granted": 0.42, "partial": 0.1, "withheld": 0.06, "unable": 0.25, "not_processed": 0.05, "other": 0.12}


def make_figures(rng: random.Random, *, template: str, year: int, level: str, previous: Figures | None = None) -> Figures:
    """Consistent numbers for one report; ``previous`` (the agency's report of year - 1) sets 上年结转."""
    figures = Figures(template, year)
    received = requests_received(rng, level)
    reviews = _small(rng, received * 0.02)
    litigations = _small(rng, received * 0.01)
    if template == "legacy":
        _legacy_figures(rng, figures, received, reviews, litigations, level)
        return figures
    _table2_figures(rng, figures, level, previous)
    _table3_figures(rng, figures, received, previous)
    _table4_figures(rng, figures, reviews, litigations)
    # The prose restates these 表三 and 表四 totals (which cells each adds up: govdata/data/fact_keys.csv).
    figures.stated = {
        key: sum(figures.table3[(row, "total")] for row in fact_keys.table3_rows(key))
        + sum(figures.table4[cell] for cell in fact_keys.table4_cells(key))
        for key in ("requests.received", "requests.concluded", "requests.carried_forward", "review.total", "litigation.total")
    }
    return figures


def _small(rng: random.Random, mean: float) -> int:
    """A small count (Poisson by inversion; fine for the means used here)."""
    threshold, k, product = math.exp(-min(mean, 50.0)), 0, rng.random()
    while product > threshold:
        k += 1
        product *= rng.random()
    return k


def _table3_figures(rng: random.Random, figures: Figures, received: int, previous: Figures | None) -> None:
    t3 = figures.table3
    new = split_count(rng, received, _REQUESTER_WEIGHTS)
    if previous is not None and previous.table3:
        carried = [previous.table3.get(("carried_forward", col)) or 0 for col in REQUESTERS]
    else:
        carried = split_count(rng, _small(rng, received * 0.03), _REQUESTER_WEIGHTS)
    outcome_rows = OUTCOME_ROWS[figures.template]
    for col, n_new, n_carried in zip(REQUESTERS, new, carried, strict=True):
        open_cases = n_new + n_carried
        forward = min(open_cases, _small(rng, open_cases * 0.03))
        handled = open_cases - forward
        groups = split_count(rng, handled, list(_OUTCOME_WEIGHTS.values()))
        per_row: dict[str, int] = {}
        for group, count in zip(_OUTCOME_WEIGHTS, groups, strict=True):
            rows = form.outcome_rows(group, figures.template)
            for row, value in zip(rows, split_count(rng, count, [1.0 / (i + 1) for i in range(len(rows))]), strict=True):
                per_row[row] = value
        t3[("new", col)], t3[("carried_over", col)], t3[("carried_forward", col)] = n_new, n_carried, forward
        for row in outcome_rows:
            t3[(row, col)] = per_row[row]
        t3[("total", col)] = handled
    for row in T3_ROWS[figures.template]:
        t3[(row, "total")] = sum(t3[(row, col)] for col in REQUESTERS)


def _table4_figures(rng: random.Random, figures: Figures, reviews: int, litigations: int) -> None:
    after_review = split_count(rng, litigations, (0.7, 0.3))
    for proceeding, total in zip(PROCEEDINGS, (reviews, *after_review), strict=True):
        for outcome, value in zip(T4_PARTS, split_count(rng, total, (0.6, 0.15, 0.1, 0.15)), strict=True):
            figures.table4[(proceeding, outcome)] = value
        figures.table4[(proceeding, "total")] = total


def _table2_figures(rng: random.Random, figures: Figures, level: str, previous: Figures | None) -> None:
    """表二 cells as printed text (the measures differ between the 2019 and 2021 forms)."""
    makes_rules = level in ("province", "prefecture")
    scale = {"province": 50, "prefecture": 20, "county": 8}.get(level, 1)
    t2 = figures.table2
    if figures.template == "2021":
        for item in ("regulations", "normative_documents"):
            made = _small(rng, (3 if item == "regulations" else 8) * scale) if (makes_rules or item != "regulations") else 0
            repealed = _small(rng, made * 0.3)
            before = (previous.in_force.get(item) if previous else None)
            before = before if before is not None else made * 3 + _small(rng, 5 * scale)
            in_force = max(0, before + made - repealed)
            figures.in_force[item] = in_force
            t2[(item, "made")], t2[(item, "repealed")], t2[(item, "in_force")] = str(made), str(repealed), str(in_force)
        for item in ("licensing", "punishment", "enforcement"):
            t2[(item, "decisions")] = str(round(rng.lognormvariate(math.log(30 * scale), 1.5)) if rng.random() < 0.6 else 0)
        fee = rng.lognormvariate(math.log(5 * scale), 1.5) if rng.random() < 0.3 else 0.0
        t2[("fees", "fee_amount")] = _money(fee, rng.choice((0, 2, 4)))
        return
    for item in ("regulations", "normative_documents"):
        made = _small(rng, (3 if item == "regulations" else 8) * scale) if (makes_rules or item != "regulations") else 0
        published = min(made, made - _small(rng, made * 0.1))
        t2[(item, "new_made")], t2[(item, "new_published")] = str(made), str(published)
        t2[(item, "total_published")] = str(published * 3 + _small(rng, 4 * scale))
    for item in ("licensing", "other_services", "punishment", "enforcement"):
        prior = _small(rng, 20 * scale)
        change = _small(rng, 3) - _small(rng, 3)
        t2[(item, "prior_items")], t2[(item, "change")] = str(prior), _signed(rng, change)
        t2[(item, "decisions")] = str(round(rng.lognormvariate(math.log(30 * scale), 1.5)) if rng.random() < 0.6 else 0)
    t2[("fees", "prior_items")], t2[("fees", "change")] = str(_small(rng, 3)), _signed(rng, _small(rng, 1) - _small(rng, 1))
    items = _small(rng, 5 * scale)
    t2[("procurement", "procurement_items")] = str(items)
    amount = rng.lognormvariate(math.log(200000 * scale), 1.2) if items else 0.0
    t2[("procurement", "procurement_amount")] = _money(amount, 2) + (rng.choice(("", "元")) if items else "")


def _signed(rng: random.Random, value: int) -> str:
    """本年增/减 as agencies print it: -3, 0, 2 or +2."""
    return f"+{value}" if value > 0 and rng.random() < 0.5 else str(value)


def _money(value: float, decimals: int) -> str:
    return "0" if value == 0 else f"{value:.{decimals}f}"


def _legacy_figures(rng: random.Random, figures: Figures, received: int, reviews: int, litigations: int, level: str) -> None:
    """附表 indicators (this year, 历史累计) with the parts adding up to their totals."""
    history = rng.randint(2, 9)
    proactive = round(rng.lognormvariate(math.log({"township": 30, "department": 60}.get(level, 400)), 1.0))
    gazette = _small(rng, proactive * 0.05)
    channels = split_count(rng, received, (0.3, 0.6, 0.1))
    answered = max(0, received - _small(rng, received * 0.03))
    answers = split_count(rng, answered, (0.6, 0.1, 0.05, 0.25))
    this_year = {
        "proactive_total": proactive, "proactive_web": proactive - gazette, "proactive_gazette": gazette,
        "requests_total": received, "requests_in_person": channels[0], "requests_online": channels[1],
        "requests_letter": channels[2], "responses_total": answered, "responses_granted": answers[0],
        "responses_partial": answers[1], "responses_withheld": answers[2], "responses_other": answers[3],
        "complaints": _small(rng, received * 0.02), "reviews": reviews, "litigations": litigations,
    }
    # The prose splits 其他类型答复数 into the 2008 answer types (2017 seed lines 204-212).
    answer_types = dict(zip(LEGACY_ANSWER_TYPES, [*answers[:3], *split_count(rng, answers[3], (0.3, 0.2, 0.2, 0.15, 0.15))],
                            strict=True))
    earlier = {key: value * history + _small(rng, 3) for key, value in this_year.items()}
    for total, parts in (("proactive_total", ("proactive_web", "proactive_gazette")),
                         ("requests_total", ("requests_in_person", "requests_online", "requests_letter")),
                         ("responses_total", ("responses_granted", "responses_partial", "responses_withheld", "responses_other"))):
        earlier[total] = sum(earlier[part] for part in parts)
    figures.legacy = {key: (this_year[key], this_year[key] + earlier[key]) for key in LEGACY_INDICATORS}
    figures.stated = {"proactive.total": proactive, "proactive.cumulative": figures.legacy["proactive_total"][1],
                      "requests.received": received, "review.total": reviews, "litigation.total": litigations}
    # Optional prose listings, consistent with the 附表: channels of the requests received, and
    # the requests concluded with their answer types (zero types left out by some agencies).
    if received and rng.random() < 0.5:
        figures.stated.update(zip(LEGACY_CHANNELS, channels, strict=True))
    if answered and rng.random() < 0.6:
        # A listing names at least two types: the rules read listings of two or more (docs/data-quality.md).
        omit_zeros = rng.random() < 0.5 and sum(1 for value in answer_types.values() if value) >= 2
        figures.stated["requests.concluded"] = answered
        figures.stated.update({key: value for key, value in answer_types.items() if value or not omit_zeros})
    figures.share_decimals = rng.choice((None, None, 1, 2))


# --- injected inconsistencies ----------------------------------------------------------------------


@dataclass(frozen=True)
class Injection:
    """One printed number changed on purpose: where, from what, to what."""

    table: str  # table3, table4, legacy or prose
    key: str  # row|requester, proceeding|outcome, indicator|column, or the fact key
    true_value: int
    printed_value: int


# Where an inconsistency can be injected, per template (an Injection's ``table``).
INJECTION_TABLES = {"2019": ("table3", "table4", "prose"), "2021": ("table3", "table4", "prose"), "legacy": ("legacy", "prose")}
# 附表 cells an injection may change: those some rule reads in every legacy report (docs/data-quality.md):
# the parts and totals of category_sum in both columns, and the values the prose always restates
# (legacy_vs_text: 主动公开 this year and 历史累计, 行政复议, 行政诉讼). 政府网站公开数 and 申诉举报 have no rule.
_LEGACY_SUMMED = (*LEGACY_PARTS, *(part for parts in LEGACY_PARTS.values() for part in parts))
INJECTABLE_LEGACY_CELLS = (*((indicator, "value") for indicator in ("proactive_total", *_LEGACY_SUMMED, "reviews", "litigations")),
                           *((indicator, "cumulative") for indicator in ("proactive_total", *_LEGACY_SUMMED)))


def injection_keys(figures: Figures, table: str) -> list[str]:
    """Every key :func:`inject_error` may change in ``table`` (same spelling as :attr:`Injection.key`)."""
    if table == "table3":
        return ["|".join(key) for key, value in figures.table3.items() if value is not None]
    if table == "table4":
        return ["|".join(key) for key in figures.table4]
    if table == "legacy":
        return [f"{indicator}|{column}" for indicator, column in INJECTABLE_LEGACY_CELLS]
    if table == "prose":
        return sorted(figures.stated)
    raise ValueError(f"unknown injection table {table!r}; choose from table3, table4, legacy, prose")


def inject_error(rng: random.Random, figures: Figures, *, table: str | None = None, key: str | None = None) -> Injection:
    """Change one printed number of ``figures`` (in place) so that some rule must fail.

    ``table`` (table3, table4, legacy or prose) and ``key`` pick the number; by default both
    are drawn (表三 cells most often, as the most cells are there).
    """
    if table is None:
        table = rng.choice(["legacy"] * 3 + ["prose"] if figures.template == "legacy" else ["table3"] * 4 + ["table4", "prose"])
    if table not in INJECTION_TABLES[figures.template]:
        raise ValueError(f"a {figures.template} report has no {table} to inject into")
    delta = rng.choice((1, 1, 2, 3, 10))
    choices = injection_keys(figures, table)
    if key is None:
        key = rng.choice(choices)
    elif key not in choices:
        raise ValueError(f"{key!r} is not a number of this report's {table}")
    if table in ("table3", "table4"):
        cells = figures.table3 if table == "table3" else figures.table4
        cell = tuple(key.split("|"))
        old = cells[cell]
        cells[cell] = _bumped(old, delta, rng)
        return Injection(table, key, old, cells[cell])
    if table == "legacy":
        indicator, column = key.split("|")
        position = 0 if column == "value" else 1
        pair = list(figures.legacy[indicator])
        old = pair[position]
        pair[position] = _bumped(old, delta, rng)
        figures.legacy[indicator] = (pair[0], pair[1])
        return Injection("legacy", key, old, pair[position])
    old = figures.stated[key]
    figures.stated[key] = _bumped(old, delta, rng)
    return Injection("prose", key, old, figures.stated[key])


def _bumped(value: int | None, delta: int, rng: random.Random) -> int:
    value = value or 0
    return value + delta if value < delta or rng.random() < 0.5 else value - delta


# --- the oracle: every rule the checks stage applies, and its verdict on the printed numbers ---------
#
# Written from docs/data-quality.md (the rules, their scopes and severities), not from check.py,
# so that a rule the checks stage stops applying, or applies to the wrong cells, shows up as a
# difference. Only the rules a synthetic report can trigger are modelled.

# What a prose number restates (text_vs_table, legacy_vs_text) and what a listing adds up to
# (category_sum, percent_vs_count) is data shared with the checks: govdata/data/fact_keys.csv.
FAMILY_TOTALS = {family: declared.family_total for family, declared in fact_keys.families().items()}


@dataclass(frozen=True)
class StatedNumber:
    """A number the prose states: its fact key, value, unit, share as printed (or None), line and sentence."""

    key: str
    value: int
    unit: str
    share: str | None
    snippet: str
    line: int = 0


def judged(check: str, scope: str, expected: Sequence[int | None], actual: Sequence[int | None], *, line: int | None,
           severity: str = "error") -> dict[str, Any]:
    """A checks row: the two sums compared exactly; any blank operand makes it ``not_assessable``."""
    if any(v is None for v in (*expected, *actual)):
        return {"check": check, "scope": scope, "expected": None, "actual": None, "status": "not_assessable",
                "severity": severity, "line": line}
    want, got = sum(expected), sum(actual)  # type: ignore[arg-type]
    return {"check": check, "scope": scope, "expected": float(want), "actual": float(got),
            "status": "pass" if want == got else "fail", "severity": severity, "line": line}


def expected_checks(figures: Figures, rendered: Rendered) -> list[dict[str, Any]]:
    """Every row the checks stage must return for one report (without report_id), by docs/data-quality.md."""
    stated = sorted(rendered.stated, key=lambda number: number.line)
    if figures.template == "legacy":
        rows = _legacy_checks(figures, rendered, stated)
    else:
        rows = _table_checks(figures, rendered, stated)
    return rows + _listing_checks(stated)


def expected_failures(figures: Figures, rendered: Rendered) -> list[tuple[str, str]]:
    """(check, scope) of every rule the printed numbers break."""
    return [(row["check"], row["scope"]) for row in expected_checks(figures, rendered) if row["status"] == "fail"]


def _table_checks(figures: Figures, rendered: Rendered, stated: Sequence[StatedNumber]) -> list[dict[str, Any]]:
    t3, t4, lines = figures.table3, figures.table4, rendered.cell_lines
    rows = OUTCOME_ROWS[figures.template]
    out = []
    for col in COLUMNS:
        out.append(judged("identity", f"column={col}", [t3[("new", col)], t3[("carried_over", col)]],
                          [t3[("total", col)], t3[("carried_forward", col)]], line=lines[("table3", "total", col)]))
    for row in T3_ROWS[figures.template]:
        out.append(judged("row_sum", f"row={row}", [t3[(row, col)] for col in REQUESTERS], [t3[(row, "total")]],
                          line=lines[("table3", row, "total")]))
    for col in COLUMNS:
        out.append(judged("column_sum", f"column={col}", [t3[(row, col)] for row in rows], [t3[("total", col)]],
                          line=lines[("table3", "total", col)]))
    for proceeding in PROCEEDINGS:
        out.append(judged("t4_total", f"proceeding={proceeding}", [t4[(proceeding, part)] for part in T4_PARTS],
                          [t4[(proceeding, "total")]], line=lines[("table4", proceeding, "total")]))
    for number in stated:
        if rows3 := fact_keys.table3_rows(number.key):
            table = [t3[(row, "total")] for row in rows3]
        elif cells4 := fact_keys.table4_cells(number.key):
            table = [t4[cell] for cell in cells4]
        else:
            continue
        out.append(judged("text_vs_table", f"fact={number.key}@{number.line}", table, [number.value], line=number.line))
    return out


def _legacy_checks(figures: Figures, rendered: Rendered, stated: Sequence[StatedNumber]) -> list[dict[str, Any]]:
    def printed(indicator: str, position: int = 0) -> int | None:
        return figures.legacy[indicator][position]

    def line(indicator: str) -> int:
        return rendered.cell_lines[("legacy", indicator, "label")]

    out = []
    for total, parts in LEGACY_PARTS.items():
        for position, column in enumerate(("value", "cumulative")):
            out.append(judged("category_sum", f"indicator={total};column={column}", [printed(p, position) for p in parts],
                              [printed(total, position)], line=line(total)))
    for indicator, keys in fact_keys.legacy_fact_map().items():
        if len(keys) == 1:
            out += [judged("legacy_vs_text", f"fact={n.key}@{n.line};indicator={indicator}", [printed(indicator)], [n.value],
                           line=n.line) for n in stated if n.key == keys[0]]
            continue
        for group in listings([n for n in stated if n.key in keys]):
            if len(group) >= 2:
                out.append(judged("legacy_vs_text", f"facts@{group[0].line};indicator={indicator}", [printed(indicator)],
                                  [sum(n.value for n in group)], line=group[0].line))
    for number in stated:
        if number.key in fact_keys.legacy_cumulative():
            indicator = fact_keys.legacy_cumulative()[number.key]
            out.append(judged("legacy_vs_text", f"fact={number.key}@{number.line};indicator={indicator};column=cumulative",
                              [printed(indicator, 1)], [number.value], line=number.line))
    return out


def _listing_checks(stated: Sequence[StatedNumber]) -> list[dict[str, Any]]:
    """category_sum of prose listings and percent_vs_count of printed shares (warnings)."""
    out = []
    for family, totals in FAMILY_TOTALS.items():
        members = [n for n in stated if n.key.startswith(family) and n.key not in totals]
        for group in listings(members):
            if len(group) < 2:
                continue
            scope = f"facts={family}*@{group[0].line}"
            base = stated_total(stated, totals, group[0].line)
            if base is None:
                out.append(judged("category_sum", scope, [None], [], line=group[0].line, severity="warning"))
            else:
                out.append(judged("category_sum", scope, [n.value for n in group], [base.value], line=base.line,
                                  severity="warning"))
    for number in stated:
        if number.share is None:
            continue
        family = next((f for f in FAMILY_TOTALS if number.key.startswith(f)), None)
        base = stated_total(stated, FAMILY_TOTALS[family], number.line) if family else None
        out.append(_judged_share(number, base))
    return out


def listings(numbers: Sequence[StatedNumber]) -> list[list[StatedNumber]]:
    """Numbers in reading order split into listings: a key stated again starts a new listing."""
    groups: list[list[StatedNumber]] = []
    for number in numbers:
        if not groups or any(n.key == number.key for n in groups[-1]):
            groups.append([])
        groups[-1].append(number)
    return groups


def stated_total(stated: Sequence[StatedNumber], keys: Sequence[str], line: int) -> StatedNumber | None:
    """The total a listing or share refers to: of the first key stated, the statement nearest before ``line``
    (else the first after it)."""
    for key in keys:
        candidates = [n for n in stated if n.key == key]
        before = [n for n in candidates if n.line <= line]
        if before:
            return before[-1]
        if candidates:
            return candidates[0]
    return None


def share_text(count: int, base: int | None, decimals: int | None) -> str | None:
    """A percentage as an agency prints it (rounded half-up), or None when there is nothing to print.

    >>> share_text(1, 3, 2), share_text(1, 8, 1), share_text(1, 0, 1)
    ('33.33', '12.5', None)
    """
    if decimals is None or not base:
        return None
    exact = Decimal(count) / Decimal(base) * 100
    return str(exact.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))


def _judged_share(number: StatedNumber, base: StatedNumber | None) -> dict[str, Any]:
    """percent_vs_count: the printed share against count / stated total, rounded half-up or truncated."""
    row = {"check": "percent_vs_count", "scope": f"fact={number.key}@{number.line}", "expected": None, "actual": None,
           "status": "not_assessable", "severity": "warning", "line": number.line}
    if base is None or base.value == 0:
        return row
    decimals = len(number.share.partition(".")[2])  # type: ignore[union-attr]
    quantum = Decimal(1).scaleb(-decimals)
    exact = Decimal(number.value) / Decimal(base.value) * 100
    readings = (exact.quantize(quantum, ROUND_HALF_UP), exact.quantize(quantum, ROUND_DOWN))
    printed = Decimal(number.share)  # type: ignore[arg-type]
    agrees = printed in readings
    return {**row, "expected": float(printed if agrees else readings[0]), "actual": float(printed),
            "status": "pass" if agrees else "fail"}


@cache
def _data_rows(name: str) -> tuple[dict[str, str], ...]:
    with resources.files("govdata").joinpath(f"data/{name}").open(encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def outcome_crosswalk() -> tuple[dict[str, Any], ...]:
    """govdata/data/outcome_crosswalk.csv, the mapping docs/harmonization.md documents."""
    return tuple({**row, "inputs": tuple(row["inputs"].split("|")), "is_definition_changed": row["is_definition_changed"] == "true"}
                 for row in _data_rows("outcome_crosswalk.csv"))


# --- composing the printed report ---------------------------------------------------------------------


@dataclass(frozen=True)
class GridCell:
    """A printed table cell; ``key`` names the ground-truth cell a value cell holds.

    ``repeatable`` marks row-group labels that some sites print again on every row they span.
    """

    text: str
    rowspan: int = 1
    colspan: int = 1
    key: tuple[str, ...] | None = None
    repeatable: bool = False


@dataclass(frozen=True)
class Table:
    """Rows of merged cells, as an HTML table or a Word table holds them."""

    name: str
    rows: tuple[tuple[GridCell, ...], ...]


@dataclass(frozen=True)
class Style:
    """How one agency prints its forms; each variant occurs in real reports (see tests/snippets.py)."""

    letter_spaced: bool = False  # 自 然 人, 总 计 (2019 开发区 report)
    fullwidth_enumerators: bool = False  # （一）予以公开 instead of (一) 予以公开
    enumerator_comma: bool = False  # 3、 instead of 3.
    repeat_group_labels: bool = False  # (三)不予公开 printed on every sub-row (text layouts)
    trailing_tab: bool = False  # tabbed rows end with a tab
    thousands_separator: bool = False  # 1,234
    blank_cells: bool = False  # some zero cells printed blank or as a placeholder
    wrap_headers: bool = False  # cell_per_line: long header labels wrapped onto a second line
    letterhead: bool = False  # "…文件" above the title
    split_title: bool = False  # title broken over two lines (2020 台商区 report)
    encoding: str = "utf-8"  # utf-8 or gb18030

    @classmethod
    def draw(cls, rng: random.Random, layout: str) -> Style:
        """A random style, mostly plain, as agencies print them."""
        return cls(
            letter_spaced=rng.random() < 0.15, fullwidth_enumerators=rng.random() < 0.4, enumerator_comma=rng.random() < 0.15,
            repeat_group_labels=layout in ("tabbed", "pipe") and rng.random() < 0.1, trailing_tab=rng.random() < 0.3,
            thousands_separator=rng.random() < 0.1, blank_cells=rng.random() < 0.05,
            wrap_headers=layout == "cell_per_line" and rng.random() < 0.3, letterhead=rng.random() < 0.3,
            split_title=rng.random() < 0.1, encoding="gb18030" if layout != "html" and rng.random() < 0.05 else "utf-8",
        )


_CN_NUMERALS = "一二三四五六七八九十"
_T3_NOTE = "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)"


def _t3_label(row: str) -> str:
    """A 表三 row as the official form prints it (部分公开（区分处理的，只计这一情形，不计其他情形）)."""
    return form.printed_zh("table3", "row", row)


def _t3_group_label(group: str) -> str:
    return form.label_zh("table3", "group", group)


def _legacy_label(indicator: str) -> str:
    """A 附表 indicator as the table prints it: its sub-rows numbered under 其中 (其中：1.当面申请数, 2.网络申请数)."""
    label = form.label_zh("legacy", "indicator", indicator)
    group = form.entry("legacy", "indicator", indicator).group
    if not group:
        return label
    position = form.legacy_parts(group).index(indicator) + 1
    return f"{'其中：' if position == 1 else ''}{position}.{label}"


# Filler prose: realistic bulk without numbers or phrases the facts stage reads as counts.
_FILLER = (
    "坚持以人民为中心的发展思想，认真贯彻落实上级关于全面推进政务公开工作的决策部署。",
    "围绕中心工作，聚焦群众关切，持续提升政务公开标准化规范化水平。",
    "进一步完善政务公开工作机制，明确责任分工，压实各科室工作责任。",
    "严格落实公开前保密审查制度，确保公开内容准确、规范、安全。",
    "加强政策解读，采用图文、问答、视频等多种形式，提高解读的针对性和可读性。",
    "积极回应社会关切，及时发布权威信息，主动引导社会预期。",
    "依托门户网站和政务新媒体，拓宽公开渠道，方便公众获取和利用政务信息。",
    "规范依申请公开的登记、审核、办理和答复流程，依法保障申请人的合法权益。",
    "建立健全政府信息管理动态调整机制，定期对已公开信息进行梳理和更新。",
    "加强政务公开专区建设，为企业和群众提供查询、咨询、办事等一站式服务。",
    "组织开展业务培训，提升工作人员的政策水平和业务能力。",
    "将政务公开工作纳入年度绩效考核，强化监督检查和结果运用。",
    "聘请社会监督员参与日常监督，广泛听取企业和群众的意见建议。",
    "及时公开财政预决算、重大建设项目和公共资源配置等重点领域信息。",
    "推进决策、执行、管理、服务和结果公开，增强政府工作透明度。",
    "政务新媒体内容更新频率有待提高，原创内容不够丰富。",
    "基层工作人员流动较大，业务水平参差不齐，培训仍需加强。",
    "部分栏目信息更新不够及时，公开内容的完整性和实用性有待提升。",
    "下一步，将持续加强队伍建设，完善考核评价机制，推动政务公开工作提质增效。",
    "深化政务公开与政务服务融合，推动办事指南、办事流程集中统一展示。",
    "做好历史信息的清理工作，对不再适宜公开的信息及时调整。",
    "完善信息发布审核流程，落实三审三校制度，防止错发漏发。",
    "强化数据开放共享，推动数据资源在更大范围内开发利用。",
    "加强与新闻媒体的沟通协作，扩大政策宣传覆盖面。",
)
_SECTIONS_2019 = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                  "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
_SUBSECTIONS = ("（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障")
_SECTIONS_LEGACY = ("一、概述", "二、主动公开政府信息的情况", "三、依申请公开政府信息情况",
                    "四、因政府信息公开申请行政复议、提起行政诉讼的情况", "五、政府信息公开工作存在的主要问题及改进措施",
                    "六、其他需要报告的事项")
# How a legacy report's prose names its answer types and request channels (2017 seed lines 194, 204-212).
_LEGACY_PROSE_LABELS = {
    "outcome.granted": "同意公开", "outcome.partial": "同意部分公开", "outcome.withheld": "不予公开",
    "outcome.already_public": "告知属于已主动公开范围", "outcome.not_ours": "告知不属于本机关政府信息",
    "outcome.not_exist": "告知政府信息不存在", "outcome.amend": "告知作出更改补充", "outcome.other_channel": "告知通过其他途径办理",
    "requests.channel.in_person": "当面申请", "requests.channel.online": "网络申请", "requests.channel.letter": "信函、传真申请",
}
BANNER = "【合成数据】本报告由 govdata.synth 生成，机关名称和全部数字均为虚构，仅供测试，不是任何机关发布的真实报告。"


@dataclass(frozen=True)
class Paragraph:
    """A line of prose (a heading or a paragraph), the numbers it states, and what it is (``mark``).

    ``mark`` names the lines the reports row points at: ``title`` (the agency is read there)
    and ``period`` (the 统计期限 sentence, where the statistics year is read).
    """

    text: str
    stated: tuple[StatedNumber, ...] = ()
    mark: str | None = None


@dataclass(frozen=True)
class Said:
    """A number in a sentence being written: its fact key, its unit, the stated key its share is of."""

    key: str
    unit: str = "件"
    share_of: str | None = None


def stating(figures: Figures, *sentences: Sequence[str | Said]) -> Paragraph:
    """A paragraph of sentences that state numbers of ``figures.stated``, remembering each number's sentence.

    >>> figures = Figures("legacy", 2016, stated={"requests.concluded": 8, "outcome.granted": 6}, share_decimals=1)
    >>> paragraph = stating(figures, ["办结", Said("requests.concluded"), "，同意公开", Said("outcome.granted",
    ...                                share_of="requests.concluded"), "。"])
    >>> paragraph.text, paragraph.stated[1].share
    ('办结8件，同意公开6件，占75.0%。', '75.0')
    """
    text, stated = "", []
    for parts in sentences:
        pieces, numbers = [], []
        for part in parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            value = figures.stated[part.key]
            share = share_text(value, figures.stated.get(part.share_of), figures.share_decimals) if part.share_of else None
            pieces.append(f"{value}{part.unit}" + (f"，占{share}%" if share is not None else ""))
            numbers.append((part.key, value, part.unit, share))
        sentence = "".join(pieces)
        stated += [StatedNumber(key, value, unit, share, sentence) for key, value, unit, share in numbers]
        text += sentence
    return Paragraph(text, tuple(stated))


def compose(figures: Figures, agency: Agency, rng: random.Random, style: Style) -> list[Paragraph | Table]:
    """The report as blocks in reading order: title, banner, sections, tables."""
    year = figures.year
    blocks: list[Paragraph | Table] = []
    if style.letterhead:
        blocks.append(Paragraph(f"{agency.name}文件"))
    title = f"{agency.name} {year} 年政府信息公开工作年度报告"
    if style.split_title:
        blocks += [Paragraph(f"{agency.name}{year}年", mark="title"), Paragraph("政府信息公开工作年度报告")]
    else:
        blocks.append(Paragraph(title, mark="title"))
    blocks.append(Paragraph(BANNER))
    blocks.append(Paragraph("本报告依据《中华人民共和国政府信息公开条例》和上级有关要求编制。"
                            f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。", mark="period"))
    if figures.template == "legacy":
        blocks += _legacy_body(figures, rng, style)
    else:
        blocks += _body(figures, rng, style)
    return blocks


def _filler(rng: random.Random, sentences: tuple[int, int] = (2, 6)) -> Paragraph:
    return Paragraph("".join(rng.sample(_FILLER, rng.randint(*sentences))))


def _filler_paragraphs(rng: random.Random) -> list[Paragraph]:
    return [_filler(rng) for _ in range(min(12, 1 + int(rng.lognormvariate(math.log(2.5), 0.6))))]


def _body(figures: Figures, rng: random.Random, style: Style) -> list[Paragraph | Table]:
    blocks: list[Paragraph | Table] = [Paragraph(_SECTIONS_2019[0]), *_filler_paragraphs(rng)]
    for index, subsection in enumerate(_SUBSECTIONS):
        blocks.append(Paragraph(subsection))
        blocks += _filler_paragraphs(rng)
        if index == 1:
            blocks.append(stating(
                figures,
                [f"{figures.year}年，本机关共受理政府信息公开申请", Said("requests.received"), "，依法办结", Said("requests.concluded"),
                 "，结转下年度办理", Said("requests.carried_forward"), "。"],
                ["本年度因政府信息公开工作被申请行政复议", Said("review.total"), "，被提起行政诉讼", Said("litigation.total"), "。"]))
    blocks += [Paragraph(_SECTIONS_2019[1]), table2(figures, style), Paragraph(_SECTIONS_2019[2]), table3(figures, style),
               Paragraph(_SECTIONS_2019[3]), table4(figures, style), Paragraph(_SECTIONS_2019[4]), *_filler_paragraphs(rng),
               Paragraph(_SECTIONS_2019[5]), _filler(rng, (1, 2))]
    return blocks


def _legacy_body(figures: Figures, rng: random.Random, style: Style) -> list[Paragraph | Table]:
    stated = figures.stated
    received: list[str | Said] = ["本年度共受理政府信息公开申请", Said("requests.received")]
    if LEGACY_CHANNELS[0] in stated:  # 2017 seed line 194: 其中当面申请 77 件，占 33.5%；…
        for index, key in enumerate(LEGACY_CHANNELS):
            received += ["，其中" if index == 0 else "，", _LEGACY_PROSE_LABELS[key], Said(key, share_of="requests.received")]
    answers: list[Paragraph] = []
    if "requests.concluded" in stated:  # 2017 seed lines 204-212: the answers by type
        listed: list[str | Said] = ["本年度依法办结政府信息公开申请", Said("requests.concluded"), "，其中："]
        for key in (k for k in LEGACY_ANSWER_TYPES if k in stated):
            listed += ["" if listed[-1] == "，其中：" else "，", _LEGACY_PROSE_LABELS[key], Said(key, share_of="requests.concluded")]
        answers.append(stating(figures, [*listed, "。"]))
    return [
        Paragraph(_SECTIONS_LEGACY[0]), *_filler_paragraphs(rng),
        Paragraph(_SECTIONS_LEGACY[1]),
        stating(figures, ["本年度主动公开政府信息", Said("proactive.total", "条"), "。"]),
        stating(figures, ["历年累计主动公开政府信息", Said("proactive.cumulative", "条"), "。"]), *_filler_paragraphs(rng),
        Paragraph(_SECTIONS_LEGACY[2]),
        stating(figures, [*received, "。"]), *answers, *_filler_paragraphs(rng),
        Paragraph(_SECTIONS_LEGACY[3]),
        stating(figures, ["本年度因政府信息公开工作被申请行政复议", Said("review.total"), "，被提起行政诉讼", Said("litigation.total"),
                          "。"]),
        Paragraph(_SECTIONS_LEGACY[4]), *_filler_paragraphs(rng),
        Paragraph(_SECTIONS_LEGACY[5]), Paragraph("附表"), legacy_table(figures, style),
    ]


def _enumerated(numeral: str, label: str, style: Style, *, kind: str) -> str:
    """A row label with its enumerator: 一、… (top), (一) … (group), 1.… (sub-row)."""
    if kind == "top":
        return f"{numeral}、{label}"
    if kind == "group":
        return f"（{numeral}）{label}" if style.fullwidth_enumerators else f"({numeral}) {label}"
    return f"{numeral}{'、' if style.enumerator_comma else '.'}{label}"


def _spaced(label: str, style: Style) -> str:
    """Letter-spaced header text (自 然 人) for agencies that print it so."""
    return " ".join(label) if style.letter_spaced and len(label) <= 8 else label


def _count_text(value: int | None, style: Style) -> str:
    if value is None:
        return ""
    return f"{value:,}" if style.thousands_separator and value >= 1000 else str(value)


def table3(figures: Figures, style: Style) -> Table:
    """表三 with the form's merged header (note, 申请人情况, 法人或其他组织) and row groups."""
    header = (
        (GridCell(_T3_NOTE, rowspan=3, colspan=3), GridCell(form.label_zh("table3", "group", "applicant"), colspan=7)),
        (GridCell(_spaced(form.printed_zh("table3", "requester", COLUMNS[0]), style), rowspan=2),
         GridCell(form.label_zh("table3", "group", "legal_person"), colspan=5),
         GridCell(_spaced(form.printed_zh("table3", "requester", "total"), style), rowspan=2)),
        tuple(GridCell(_spaced(form.printed_zh("table3", "requester", col), style)) for col in REQUESTERS[1:]),
    )
    rows: list[tuple[GridCell, ...]] = []
    outcome_rows = OUTCOME_ROWS[figures.template]
    results_span = len(outcome_rows) + 1  # the (七)总计 row is inside 三、本年度办理结果

    def values(row: str) -> tuple[GridCell, ...]:
        return tuple(GridCell(_printed_count(figures, row, col, style), key=("table3", row, col)) for col in COLUMNS)

    for index, row in enumerate(("new", "carried_over")):
        rows.append((GridCell(_enumerated(_CN_NUMERALS[index], _t3_label(row), style, kind="top"), colspan=3), *values(row)))
    group_numeral = 0
    previous_group = None
    sub_index = 0
    for position, row in enumerate((*outcome_rows, "total")):
        cells: list[GridCell] = []
        if position == 0:
            results = _enumerated("三", _spaced(form.label_zh("table3", "group", "results"), style), style, kind="top")
            cells.append(GridCell(results, rowspan=results_span, repeatable=True))
        group, _, _sub = row.partition(".")
        if not _sub:
            group_numeral += 1
            cells.append(GridCell(_enumerated(_CN_NUMERALS[group_numeral - 1], _t3_label(row), style, kind="group"), colspan=2))
            previous_group = None
        else:
            if group != previous_group:
                group_numeral += 1
                sub_index = 0
                span = sum(1 for r in outcome_rows if r.startswith(group + "."))
                cells.append(GridCell(_enumerated(_CN_NUMERALS[group_numeral - 1], _t3_group_label(group), style, kind="group"),
                                      rowspan=span, repeatable=True))
                previous_group = group
            sub_index += 1
            cells.append(GridCell(_enumerated(str(sub_index), _t3_label(row), style, kind="sub")))
        rows.append((*cells, *values(row)))
    rows.append((GridCell(_enumerated("四", _t3_label("carried_forward"), style, kind="top"), colspan=3), *values("carried_forward")))
    return Table("table3", (*header, *rows))


def _printed_count(figures: Figures, row: str, col: str, style: Style) -> str:
    return _count_text(figures.table3[(row, col)], style)


def table4(figures: Figures, style: Style) -> Table:
    """表四: 行政复议 (5 columns) and 行政诉讼 (未经复议直接起诉, 复议后起诉: 5 columns each)."""
    outcome = [GridCell(_spaced(form.printed_zh("table4", "outcome", o), style)) for o in T4_OUTCOMES]
    review, litigation, direct, after_review = form.proceedings(include_header=True)
    rows = (
        (GridCell(form.printed_zh("table4", "proceeding", review), colspan=5),
         GridCell(form.printed_zh("table4", "proceeding", litigation), colspan=10)),
        (*(replace(cell, rowspan=2) for cell in outcome), GridCell(form.printed_zh("table4", "proceeding", direct), colspan=5),
         GridCell(form.printed_zh("table4", "proceeding", after_review), colspan=5)),
        (*outcome, *outcome),
        tuple(GridCell(_count_text(figures.table4[(p, o)], style), key=("table4", p, o)) for p in PROCEEDINGS for o in T4_OUTCOMES),
    )
    return Table("table4", rows)


def table2(figures: Figures, style: Style) -> Table:
    """表二: one block per 第二十条 item group, each a header of measures and its item rows."""
    rows: list[tuple[GridCell, ...]] = []
    for numeral in form.table2_blocks(figures.template):
        items, measures = form.table2_items(numeral, figures.template), form.table2_measures(numeral, figures.template)
        rows.append((GridCell(f"第二十条第（{numeral}）项", colspan=4),))
        span = 4 - len(measures)  # a lone measure spans the remaining columns, as Word prints it
        # Measures in the 2019 wording in both forms (处理决定数量, as many 2021 reports keep it);
        # items in their form's (规范性文件 in 2019, 行政规范性文件 in 2021).
        header = [GridCell("信息内容"), *(GridCell(form.printed_zh("table2", "measure", m)) for m in measures)]
        rows.append(_padded(header, span))
        for item in items:
            label = form.printed_zh("table2", "item", item, template=figures.template)
            cells = [GridCell(label), *(GridCell(figures.table2[(item, m)], key=("table2", item, m)) for m in measures)]
            rows.append(_padded(cells, span))
    return Table("table2", tuple(rows))


def _padded(cells: list[GridCell], missing: int) -> tuple[GridCell, ...]:
    """Widen the last cell over the columns a short block does not use."""
    if missing <= 0:
        return tuple(cells)
    return (*cells[:-1], replace(cells[-1], colspan=cells[-1].colspan + missing))


def legacy_table(figures: Figures, style: Style) -> Table:
    """The 附表: 指标名称 | 单位 | <year>年 | 历史累计."""
    label_zh, unit_zh, _, cumulative_zh = (form.label_zh("legacy", "column", column) for column in form.legacy_columns())
    rows = [(GridCell(label_zh), GridCell(unit_zh), GridCell(f"{figures.year}年"), GridCell(cumulative_zh))]
    for indicator in LEGACY_INDICATORS:
        label, unit = _legacy_label(indicator), form.unit("legacy", "indicator", indicator)
        value, cumulative = figures.legacy[indicator]
        rows.append((GridCell(label, key=("legacy", indicator, "label")), GridCell(unit),
                     GridCell(_count_text(value, style), key=("legacy", indicator, "value")),
                     GridCell(_count_text(cumulative, style), key=("legacy", indicator, "cumulative"))))
    return Table("legacy", tuple(rows))


def blank_some_cells(rng: random.Random, figures: Figures) -> None:
    """Print a few zero cells of 表三 blank (null, never zero) as some agencies do, 总计 included
    (a blank 总计 after spacer cells once shifted a row: tests/property/test_known_parser_gaps.py)."""
    zeros = [key for key, value in figures.table3.items() if value == 0]
    for key in rng.sample(zeros, min(len(zeros), rng.randint(1, 3))):
        figures.table3[key] = None


# --- rendering ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """A rendered report: its lines (as the parser numbers them) and bytes, each value cell's line,
    each number the prose states (with its line) and the lines of the marked paragraphs."""

    lines: tuple[str, ...]
    data: bytes
    cell_lines: dict[tuple[str, ...], int]
    cell_texts: dict[tuple[str, ...], str]
    stated: tuple[StatedNumber, ...] = ()
    marks: dict[str, int] = field(default_factory=dict)


def expand(table: Table, *, repeat: bool = False) -> list[list[GridCell]]:
    """The full rectangular grid of a table: a merged cell in its top-left position, blanks elsewhere.

    With ``repeat``, ``repeatable`` labels are printed again in every row they span.
    """
    placed: dict[tuple[int, int], GridCell] = {}
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in placed:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if dr == dc == 0:
                        placed[(r + dr, c + dc)] = cell
                    elif dc == 0 and repeat and cell.repeatable:
                        placed[(r + dr, c + dc)] = replace(cell, rowspan=1, colspan=1)
                    else:
                        placed[(r + dr, c + dc)] = GridCell("")
            c += cell.colspan
    width = 1 + max(c for _, c in placed)
    return [[placed.get((r, c), GridCell("")) for c in range(width)] for r in range(len(table.rows))]


def word_rows(table: Table) -> list[list[GridCell]]:
    """Rows as Word lists their cells: a merged cell once per row it spans (blank below its first row)."""
    covering: dict[tuple[int, int], GridCell] = {}
    out: list[list[GridCell]] = []
    for r, row in enumerate(table.rows):
        cells: list[GridCell] = []
        c = 0
        own = iter(row)
        width = sum(cell.colspan for cell in table.rows[0])
        while c < width:
            if (r, c) in covering:
                span = covering[(r, c)].colspan
                cells.append(GridCell(""))
                c += span
                continue
            cell = next(own, None)
            if cell is None:
                break
            for dr in range(1, cell.rowspan):
                covering[(r + dr, c)] = cell
            cells.append(cell)
            c += cell.colspan
        out.append(cells)
    return out


class _Lines:
    """Collects output lines and where each value cell landed."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cell_lines: dict[tuple[str, ...], int] = {}
        self.cell_texts: dict[tuple[str, ...], str] = {}
        self.stated: list[StatedNumber] = []
        self.marks: dict[str, int] = {}

    def add(self, text: str, cells: Iterable[GridCell] = ()) -> None:
        self.lines.append(text)
        for cell in cells:
            if cell.key is not None:
                self.cell_lines[cell.key] = len(self.lines)
                self.cell_texts[cell.key] = cell.text

    def add_paragraph(self, paragraph: Paragraph) -> None:
        self.lines.append(paragraph.text)
        self.stated += [replace(number, line=len(self.lines)) for number in paragraph.stated]
        if paragraph.mark:
            self.marks[paragraph.mark] = len(self.lines)

    def rendered(self, data: bytes) -> Rendered:
        return Rendered(tuple(self.lines), data, self.cell_lines, self.cell_texts, tuple(self.stated), self.marks)


def render(blocks: Sequence[Paragraph | Table], layout: str, style: Style, rng: random.Random) -> Rendered:
    """Write the blocks in one layout; the lines are those the read stage will number."""
    out = _Lines()
    if layout == "html":
        return _render_html(blocks, style)
    for block in blocks:
        if isinstance(block, Paragraph):
            out.add_paragraph(block)
            out.add("")
        elif layout == "tabbed":
            _tabbed_table(out, block, style)
        elif layout == "pipe":
            _pipe_table(out, block, style)
        else:
            _cell_per_line_table(out, block, style, rng)
    text = "\n".join(out.lines) + "\n"
    return out.rendered(text.encode(style.encoding))


def _tabbed_table(out: _Lines, table: Table, style: Style) -> None:
    for row in expand(table, repeat=style.repeat_group_labels):
        out.add("\t".join(cell.text for cell in row) + ("\t" if style.trailing_tab else ""), row)
    out.add("")


def _pipe_table(out: _Lines, table: Table, style: Style) -> None:
    for index, row in enumerate(expand(table, repeat=style.repeat_group_labels)):
        out.add("| " + " | ".join(cell.text for cell in row) + " |", row)
        if index == 0:
            out.add("|" + "---|" * len(row))
    out.add("")


def _cell_per_line_table(out: _Lines, table: Table, style: Style, rng: random.Random) -> None:
    """One cell per line, tab-prefixed, rows separated by a blank line (Word/PDF text copies).

    The 附表 of pre-2019 reports is printed without the tab marker (legacy.py reads each
    non-empty line as a cell); long header labels may wrap onto an unmarked line (商业 / 企业).
    """
    marker = "" if table.name == "legacy" else "\t"
    for row in word_rows(table):
        is_header = all(cell.key is None for cell in row)
        for cell in row:
            text = cell.text
            if style.wrap_headers and is_header and _wrappable(text) and marker and rng.random() < 0.5:
                cut = len(text) // 2
                out.add(marker + text[:cut], [cell])
                out.add(text[cut:])
                continue
            out.add(marker + text, [cell])
        out.add("")


def _wrappable(text: str) -> bool:
    """Header labels wrap in narrow columns; the anchors that locate a table (第二十条第（一）项,
    the 勾稽关系 note) are printed whole in every report seen, so they are never wrapped here."""
    return len(text) >= 4 and "第二十条" not in text and "勾稽关系" not in text


def _render_html(blocks: Sequence[Paragraph | Table], style: Style) -> Rendered:
    """A simple page: <p> per paragraph, <table> with rowspan/colspan; lines are what a browser copy gives."""
    out = _Lines()
    parts = ['<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">',
             f"<title>{html_lib.escape(_first_text(blocks))}（合成数据）</title>\n</head>\n<body>"]
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(f"<p>{html_lib.escape(block.text)}</p>")
            out.add_paragraph(block)
            continue
        parts.append('<table border="1">')
        for row, grid_row in zip(block.rows, expand(block), strict=True):
            parts.append("<tr>" + "".join(_td(cell) for cell in row) + "</tr>")
            if any(cell.text for cell in grid_row):
                out.add("\t".join(cell.text for cell in grid_row), grid_row)
        parts.append("</table>")
    parts.append("</body>\n</html>\n")
    return out.rendered("\n".join(parts).encode("utf-8"))


def _td(cell: GridCell) -> str:
    spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
    return f"<td{spans}>{html_lib.escape(cell.text)}</td>"


def _first_text(blocks: Sequence[Paragraph | Table]) -> str:
    return next((b.text for b in blocks if isinstance(b, Paragraph)), "")


# --- ground truth -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SynthReport:
    """One generated report: file name, bytes, the frames govdata must return, and what must fail.

    The ground truth is built on first use (it costs about as much as generating the report,
    and a benchmark corpus written without truth never needs it).
    """

    name: str
    data: bytes
    injection: Injection | None
    figures: Figures
    rendered: Rendered
    agency: Agency
    layout: str
    encoding: str

    @property
    def lines(self) -> tuple[str, ...]:
        return self.rendered.lines

    @property
    def cell_lines(self) -> dict[tuple[str, ...], int]:
        """(table, row, column) -> line of every value cell."""
        return self.rendered.cell_lines

    @cached_property
    def report_id(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:16]

    @cached_property
    def truth(self) -> dict[str, pl.DataFrame]:
        """The contract's frames for this report (:func:`ground_truth`)."""
        return ground_truth(self.report_id, self.name, self.agency, self.figures, self.layout, self.encoding, self.rendered)

    @cached_property
    def expected_checks(self) -> tuple[tuple[str, str], ...]:
        """(check, scope) of the rules that must fail."""
        return tuple((row["check"], row["scope"]) for row in expected_checks(self.figures, self.rendered) if row["status"] == "fail")


def make_report(*, seed: int | str, template: str, layout: str, year: int | None = None, agency: Agency | None = None,
                inject: bool = False, style: Style | None = None, previous: Figures | None = None,
                source: str | None = None, inject_at: tuple[str, str | None] | None = None) -> SynthReport:
    """Generate one report and its ground truth; the same arguments always give the same bytes.

    ``inject`` changes one printed number (see :func:`inject_error`); ``inject_at`` = (table,
    key or None) says which, and implies ``inject``. The figures are drawn before the injection,
    so a seed gives the same report with or without it, but for the changed number.

    The layouts real copies come in on the web (pipe rows without a border, one cell per line,
    PDF text, a page flattened to one line, …) are written by
    :func:`govdata.synth_layouts.make_report`, which builds on this module, with what a reader
    can know of every cell.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}: choose from {', '.join(LAYOUTS)}; "
                         "the layout families of real copies are govdata.synth_layouts.make_report's")
    rng = random.Random(f"report:{seed}")
    agency = agency or rng.choice(default_agencies())
    year = year or rng.choice({"legacy": (2014, 2015, 2016, 2017, 2018), "2019": (2019, 2020), "2021": (2021, 2022, 2023)}[template])
    style = style or Style.draw(rng, layout)
    figures = make_figures(rng, template=template, year=year, level=agency.level, previous=previous)
    if style.blank_cells and template != "legacy":
        blank_some_cells(rng, figures)
    injection = None
    if inject or inject_at:
        table, key = inject_at or (None, None)
        figures, injection, rendered = _detectable_injection(seed, figures, agency, rng, style, layout, table=table, key=key)
    else:
        rendered = render(compose(figures, agency, rng, style), layout, style, rng)
    name = source or f"reports/{year}/{year}_{agency.agency_id}.{'html' if layout == 'html' else 'txt'}"
    encoding = "utf-8" if layout == "html" else style.encoding
    return SynthReport(name, rendered.data, injection, figures, rendered, agency, layout, encoding)


_INJECTION_ATTEMPTS = 20


def _detectable_injection(seed: int | str, figures: Figures, agency: Agency, rng: random.Random, style: Style, layout: str, *,
                          table: str | None, key: str | None) -> tuple[Figures, Injection, Rendered]:
    """Inject one inconsistency that some rule can see, and render the report.

    A number whose every rule reads a blank cell (a zero printed blank in its row and in its
    column) cannot be caught: each of those rules is ``not_assessable``, as it must be. So a
    drawn number is drawn again until some rule fails; a number asked for by ``key`` is kept
    as it is. The injection draws from a generator of its own, and each attempt renders from
    the same state of ``rng``: the report is the same with or without it, but for that number.
    """
    inject_rng = random.Random(f"inject:{seed}")
    state = rng.getstate()
    for _ in range(_INJECTION_ATTEMPTS):
        rng.setstate(state)
        trial = copy.deepcopy(figures)
        injection = inject_error(inject_rng, trial, table=table, key=key)
        rendered = render(compose(trial, agency, rng, style), layout, style, rng)
        if key is not None or any(row["status"] == "fail" for row in expected_checks(trial, rendered)):
            return trial, injection, rendered
    raise ValueError(f"no detectable inconsistency found for report seed {seed!r} in {_INJECTION_ATTEMPTS} draws")


def ground_truth(report_id: str, source: str, agency: Agency, figures: Figures, layout: str, encoding: str,
                 rendered: Rendered) -> dict[str, pl.DataFrame]:
    """The contract's frames for one report, from the printed numbers and their lines."""
    reports = schema.frame("reports", [{
        "report_id": report_id, "source": source, "agency": agency.name, "agency_id": agency.agency_id, "level": agency.level,
        "parent": agency.parent, "year": figures.year, "template": figures.template, "layout": layout,
        "encoding": encoding, "agency_line": rendered.marks["title"],
        "year_line": rendered.marks["period"], "n_lines": len(rendered.lines),
    }])
    return {"reports": reports, "table2": _table2_truth(report_id, rendered), "table3": _table3_truth(report_id, rendered),
            "table4": _table4_truth(report_id, rendered), "legacy": _legacy_truth(report_id, rendered),
            "facts": _facts_truth(report_id, rendered), "outcomes": _outcomes_truth(report_id, agency, figures, rendered),
            "checks": schema.frame("checks", [{"report_id": report_id, **row} for row in expected_checks(figures, rendered)])}


# What the ground truth knows of each frame: the key columns rows are matched on. Every other
# column of the schema is compared, but for those no generator can know: free text a stage
# writes (``note``, ``message``), the parser's matching form of a cue, and what depends on
# files the generator does not write (review verdicts) or is a hash of compared columns.
TRUTH_KEYS = {"reports": ("report_id",), "table2": ("report_id", "item", "measure"), "table3": ("report_id", "row", "requester"),
              "table4": ("report_id", "proceeding", "outcome"), "legacy": ("report_id", "indicator"),
              "facts": ("report_id", "line", "key"), "outcomes": ("report_id", "outcome"), "checks": ("report_id", "check", "scope")}
UNKNOWN_COLUMNS = {"facts": ("cue",), "outcomes": ("note",), "checks": ("message", "fingerprint", "verdict", "review_note")}


def truth_columns(frame_name: str) -> list[str]:
    """The columns of ``frame_name`` the ground truth holds and a round trip compares."""
    return [c for c in schema.columns(frame_name) if c not in UNKNOWN_COLUMNS.get(frame_name, ())]


def truth_differences(frames: dict[str, pl.DataFrame], truth: dict[str, pl.DataFrame], *,
                      root: str | os.PathLike | None = None) -> dict[str, list[dict[str, Any]]]:
    """Rows that differ between parsed ``frames`` (``Report.frames()``, ``Corpus.frames()``) and the truth, by frame.

    ``root``: the folder the reports were written under and loaded from; the truth's ``source``
    is then the path govdata names it by (relative to the working directory where possible).
    An empty dict means an exact round trip.
    """
    out = {}
    for name, keys in TRUTH_KEYS.items():
        columns = truth_columns(name)
        got, want = frames[name].select(columns), truth[name].select(columns)
        if name == "reports" and root is not None:
            want = want.with_columns(pl.col("source").map_elements(lambda source: os.path.relpath(Path(root) / source),
                                                                   return_dtype=pl.String))
        differences = frame_differences(got, want, keys)
        if differences:
            out[name] = differences
    return out


def frame_differences(got: pl.DataFrame, want: pl.DataFrame, keys: Sequence[str]) -> list[dict[str, Any]]:
    """Rows missing on either side or with any column unequal (``*_want`` holds the truth), as dicts."""
    got, want = got.sort(keys), want.sort(keys)
    if got.equals(want):
        return []
    joined = got.join(want, on=list(keys), how="full", suffix="_want", nulls_equal=True, coalesce=True)
    columns = [c for c in want.columns if c not in keys]
    rows = joined.filter(pl.any_horizontal([~pl.col(c).eq_missing(pl.col(f"{c}_want")) for c in columns])).to_dicts()
    if not rows:  # the same rows, but some of them more than once
        rows = [{**row, "problem": "row printed more than once"} for row in got.filter(got.select(keys).is_duplicated()).to_dicts()]
        rows = rows or [{"problem": f"{got.height} rows, truth has {want.height}"}]
    return rows


def _cells(rendered: Rendered, table: str) -> list[tuple[tuple[str, ...], str, int]]:
    return [(key, rendered.cell_texts[key], line) for key, line in rendered.cell_lines.items() if key[0] == table]


def _table2_truth(report_id: str, rendered: Rendered) -> pl.DataFrame:
    items_zh, measures_zh = form.labels_zh("table2", "item"), form.labels_zh("table2", "measure")
    rows = []
    for (_, item, measure), raw, line in _cells(rendered, "table2"):
        number = raw.removesuffix("元")
        value = None if number in ("", "/") else float(number)
        if measure == "fee_amount":
            unit = "万元"
        elif measure == "procurement_amount":
            unit = "元" if raw.endswith("元") else None
        else:
            unit = "件"
        rows.append({"report_id": report_id, "item": item, "item_zh": items_zh[item], "measure": measure,
                     "measure_zh": measures_zh[measure], "value": value, "unit": unit, "raw": raw, "line": line})
    return schema.frame("table2", rows)


def _table3_truth(report_id: str, rendered: Rendered) -> pl.DataFrame:
    rows_zh = form.labels_zh("table3", "row")
    return schema.frame("table3", [
        {"report_id": report_id, "row": row, "row_zh": rows_zh[row], "requester": col, "value": _count(raw), "raw": raw, "line": line}
        for (_, row, col), raw, line in _cells(rendered, "table3")])


def _table4_truth(report_id: str, rendered: Rendered) -> pl.DataFrame:
    return schema.frame("table4", [
        {"report_id": report_id, "proceeding": p, "outcome": o, "value": _count(raw), "raw": raw, "line": line}
        for (_, p, o), raw, line in _cells(rendered, "table4")])


def _legacy_truth(report_id: str, rendered: Rendered) -> pl.DataFrame:
    cells = {(key[1], key[2]): (raw, line) for key, raw, line in _cells(rendered, "legacy")}
    indicators_zh = form.labels_zh("legacy", "indicator")
    rows = []
    for indicator in LEGACY_INDICATORS:
        if (indicator, "label") not in cells:
            continue
        label, line = cells[(indicator, "label")]
        rows.append({"report_id": report_id, "indicator": indicator, "indicator_zh": indicators_zh[indicator],
                     "unit": form.unit("legacy", "indicator", indicator), "value": _count(cells[(indicator, "value")][0]),
                     "cumulative": _count(cells[(indicator, "cumulative")][0]), "line": line, "label": label})
    return schema.frame("legacy", rows)


def _count(raw: str) -> int | None:
    return None if raw in ("", "/") else int(raw.replace(",", ""))


def _facts_truth(report_id: str, rendered: Rendered) -> pl.DataFrame:
    """Every number the prose states, with its line and sentence (``cue`` is the parser's own: not known here)."""
    return schema.frame("facts", [
        {"report_id": report_id, "key": n.key, "value": float(n.value), "unit": n.unit,
         "share": None if n.share is None else float(n.share), "line": n.line, "snippet": n.snippet, "share_raw": n.share}
        for n in rendered.stated])


_OUTCOMES = form.outcome_keys()


def _outcomes_truth(report_id: str, agency: Agency, figures: Figures, rendered: Rendered) -> pl.DataFrame:
    """The contract's ``outcomes``, as docs/harmonization.md defines them (``note`` is free text: not known here).

    2019/2021: each group is the sum of its 表三 sub-rows in the 总计 column; a blank cell adds
    nothing, a group whose cells are all blank is null; ``line`` is the group's first row.
    Legacy: :func:`legacy_outcomes`.
    """
    identity = {"report_id": report_id, "agency_id": agency.agency_id, "year": figures.year, "template": figures.template}
    if figures.template == "legacy":
        return schema.frame("outcomes", [{**identity, **row} for row in legacy_outcomes(figures, rendered)])
    rows = []
    for outcome in _OUTCOMES:
        parts = form.outcome_rows(outcome, figures.template)
        printed = [figures.table3[(row, "total")] for row in parts if figures.table3[(row, "total")] is not None]
        rows.append({**identity, "outcome": outcome, "value": sum(printed) if printed else None, "source": "table3",
                     "is_definition_changed": False, "has_conflict": False,
                     "line": min(rendered.cell_lines[("table3", row, "total")] for row in parts)})
    return schema.frame("outcomes", rows)


def legacy_outcomes(figures: Figures, rendered: Rendered) -> list[dict[str, Any]]:
    """Outcome groups of a legacy report by the crosswalk and the source rule of docs/harmonization.md.

    The generator always prints the 附表 with every indicator, so of the rule's cases only
    these occur: when the prose's answer types add up to the 附表's 对申请的答复总数 (a
    complete breakdown), every group but ``total`` comes from the prose (``source = facts``);
    otherwise every group comes from the 附表 (``source = legacy``); ``total`` is always the
    附表's. ``has_conflict``: the 附表 and the prose print different numbers for a category
    that feeds the group (compared like for like through fact_keys.csv).
    """
    table = {indicator: (value, rendered.cell_lines[("legacy", indicator, "label")])
             for indicator, (value, _) in figures.legacy.items() if value is not None}
    prose = {n.key: (n.value, n.line) for n in rendered.stated if n.key.startswith("outcome.")}
    is_complete = bool(prose) and sum(value for value, _ in prose.values()) == table["responses_total"][0]
    rows = []
    for mapping in outcome_crosswalk():
        if mapping["source"] != ("facts" if is_complete and mapping["outcome"] != "total" else "legacy"):
            continue
        values = prose if mapping["source"] == "facts" else table
        parts = [values[name] for name in mapping["inputs"] if name in values]
        if not parts:
            continue
        rows.append({"outcome": mapping["outcome"], "value": sum(value for value, _ in parts), "source": mapping["source"],
                     "is_definition_changed": mapping["is_definition_changed"],
                     "has_conflict": _has_conflict(mapping["outcome"], table, prose), "line": min(line for _, line in parts)})
    return sorted(rows, key=lambda row: _OUTCOMES.index(row["outcome"]))


def _has_conflict(outcome: str, table: dict[str, tuple[int, int]], prose: dict[str, tuple[int, int]]) -> bool:
    for mapping in outcome_crosswalk():
        if mapping["source"] != "legacy" or mapping["outcome"] != outcome:
            continue
        for indicator in mapping["inputs"]:
            said = [prose[key][0] for key in fact_keys.legacy_fact_map().get(indicator, ()) if key in prose]
            if indicator in table and said and sum(said) != table[indicator][0]:
                return True
    return False


# --- corpora --------------------------------------------------------------------------------------------

CORPUS_YEARS = tuple(range(2016, 2024))
# Per-report frames, then corpus-wide ones: ``checks`` adds the year-on-year rules, ``expected_checks``
# is its failing (report_id, check, scope), ``injections`` what was changed on purpose.
REPORT_TRUTH_FRAMES = ("reports", "table2", "table3", "table4", "legacy", "facts", "outcomes")
TRUTH_FRAMES = (*REPORT_TRUTH_FRAMES, "checks", "expected_checks", "injections")
_CHUNK_AGENCIES = 400


def template_for(year: int, rng: random.Random) -> str:
    """The form a report of ``year`` prints: 附表 before 2019, the 2019 form, then the 2021 form
    (a few agencies keep printing the 2019 form after 2021, as some real ones do)."""
    if year <= 2018:
        return "legacy"
    if year <= 2020 or rng.random() < 0.03:
        return "2019"
    return "2021"


def plan_corpus(n: int, seed: int = 0) -> list[tuple[Agency, tuple[int, ...]]]:
    """Which agency publishes in which consecutive years, ``n`` reports in all."""
    rng = random.Random(f"plan:{seed}")
    runs: list[tuple[int, int]] = []
    total = 0
    while total < n:
        length = min(n - total, rng.randint(1, 5))
        start = rng.randint(CORPUS_YEARS[0], CORPUS_YEARS[-1] - length + 1)
        runs.append((start, length))
        total += length
    agencies = make_agencies(len(runs), seed)
    return [(agency, tuple(range(start, start + length))) for agency, (start, length) in zip(agencies, runs, strict=True)]


def agency_reports(agency: Agency, years: Sequence[int], *, seed: int, layouts: Sequence[str] = LAYOUTS,
                   inject_rate: float = 0.0) -> list[SynthReport]:
    """One agency's reports over consecutive years; 上年结转 and 现行有效件数 carry over between them."""
    rng = random.Random(f"agency:{seed}:{agency.agency_id}")
    layout = rng.choice(list(layouts))
    reports: list[SynthReport] = []
    previous: Figures | None = None
    for year in years:
        if rng.random() < 0.2:
            layout = rng.choice(list(layouts))
        report = make_report(seed=f"{seed}:{agency.agency_id}:{year}", template=template_for(year, rng), layout=layout, year=year,
                             agency=agency, inject=rng.random() < inject_rate, previous=previous)
        reports.append(report)
        previous = report.figures
    return reports


def continuity_checks(reports: Sequence[SynthReport]) -> list[dict[str, Any]]:
    """Checks rows of the year-on-year rules over one agency's reports in year order (docs/data-quality.md):
    结转下年 of year N = 上年结转 of N+1 per 表三 column (error), and 2021 表二 现行有效件数 carried over (warning)."""
    out = []
    for before, after in itertools.pairwise(reports):
        prev, cur = before.figures, after.figures
        if cur.year != prev.year + 1:
            continue
        if prev.table3 and cur.table3:
            for col in COLUMNS:
                out.append({"report_id": after.report_id, **judged(
                    "carry_over_continuity", f"column={col};previous={before.report_id}", [prev.table3[("carried_forward", col)]],
                    [cur.table3[("carried_over", col)]], line=after.cell_lines[("table3", "carried_over", col)])})
        if prev.in_force and cur.in_force:
            for item in cur.in_force:
                expected = [int(prev.table2[(item, "in_force")]), int(cur.table2[(item, "made")]), -int(cur.table2[(item, "repealed")])]
                out.append({"report_id": after.report_id, **judged(
                    "in_force_continuity", f"item={item};previous={before.report_id}", expected,
                    [int(cur.table2[(item, "in_force")])], line=after.cell_lines[("table2", item, "in_force")],
                    severity="warning")})
    return out


def continuity_failures(reports: Sequence[SynthReport]) -> list[tuple[str, str, str]]:
    """(report_id, check, scope) of the year-on-year rules consecutive printed reports break."""
    return [(row["report_id"], row["check"], row["scope"]) for row in continuity_checks(reports) if row["status"] == "fail"]


def _chunk_frames(reports: Sequence[SynthReport], continuity: Sequence[dict[str, Any]]) -> dict[str, pl.DataFrame]:
    frames = {name: pl.concat([r.truth[name] for r in reports], how="vertical") for name in REPORT_TRUTH_FRAMES}
    frames["checks"] = pl.concat([*(r.truth["checks"] for r in reports), schema.frame("checks", continuity)], how="vertical")
    frames["expected_checks"] = frames["checks"].filter(pl.col("status") == "fail").select("report_id", "check", "scope")
    injections = [(r.report_id, r.injection.table, r.injection.key, r.injection.true_value, r.injection.printed_value)
                  for r in reports if r.injection]
    frames["injections"] = pl.DataFrame(injections, orient="row", schema={
        "report_id": pl.String, "table": pl.String, "key": pl.String, "true_value": pl.Int64, "printed_value": pl.Int64})
    return frames


def write_chunk(index: int, plan: Sequence[tuple[Agency, tuple[int, ...]]], out: str | os.PathLike, *, seed: int,
                layouts: Sequence[str], inject_rate: float, truth: bool) -> list[dict[str, Any]]:
    """Write the reports of a slice of the plan (and its ground truth part files); returns manifest rows."""
    out = Path(out)
    reports: list[SynthReport] = []
    continuity: list[dict[str, Any]] = []
    for agency, years in plan:
        own = agency_reports(agency, years, seed=seed, layouts=layouts, inject_rate=inject_rate)
        reports += own
        continuity += continuity_checks(own)
    manifest = []
    for report in reports:
        path = out / report.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(report.data)
        manifest.append({"file": report.name, "sha256": hashlib.sha256(report.data).hexdigest(), "bytes": len(report.data),
                         "agency": report.agency.name, "agency_id": report.agency.agency_id, "year": report.figures.year,
                         "template": report.figures.template, "layout": report.layout, "encoding": report.encoding,
                         "injected": report.injection is not None,
                         "origin": f"{SYNTHETIC_MARK} synthetic: govdata.synth seed={seed}"})
    if truth and reports:
        for name, frame in _chunk_frames(reports, continuity).items():
            part = out / "truth" / name / f"part-{index:05d}.parquet"
            part.parent.mkdir(parents=True, exist_ok=True)
            frame.write_parquet(part)
    return manifest


@dataclass(frozen=True)
class CorpusSummary:
    """What :func:`write_synthetic_corpus` wrote."""

    out: Path
    n_reports: int
    n_bytes: int
    n_injected: int
    by_template: dict[str, int]
    by_layout: dict[str, int]


def write_synthetic_corpus(n: int, out: str | os.PathLike, *, seed: int = 0, layouts: Sequence[str] = LAYOUTS,
                           inject_rate: float = 0.0, jobs: int = 1, truth: bool = True) -> CorpusSummary:
    """Write ``n`` synthetic reports under ``out/reports/<year>/``, their registry, manifest and ground truth.

    ``out/agencies.csv`` registers every invented agency (point ``GOVDATA_AGENCIES`` at it to
    resolve their ids), ``out/manifest.csv`` lists every file, ``out/truth/<frame>/*.parquet``
    holds the frames govdata must return and ``expected_checks`` the rules that must fail.
    """
    unknown = set(layouts) - set(LAYOUTS)
    if unknown:
        raise ValueError(f"unknown layout(s) {sorted(unknown)}; choose from {', '.join(LAYOUTS)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    plan = plan_corpus(n, seed)
    chunks = [plan[i:i + _CHUNK_AGENCIES] for i in range(0, len(plan), _CHUNK_AGENCIES)]
    args = [(index, chunk, out) for index, chunk in enumerate(chunks)]
    options = {"seed": seed, "layouts": tuple(layouts), "inject_rate": inject_rate, "truth": truth}
    if jobs > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            parts = list(pool.map(_write_chunk_star, [(*a, options) for a in args]))
    else:
        parts = [write_chunk(*a, **options) for a in args]
    manifest = [row for part in parts for row in part]
    write_registry([agency for agency, _ in plan], out / "agencies.csv")
    _write_manifest(manifest, out / "manifest.csv")
    (out / "README.md").write_text(_README.format(n=len(manifest), seed=seed), encoding="utf-8")
    return CorpusSummary(out, len(manifest), sum(r["bytes"] for r in manifest), sum(r["injected"] for r in manifest),
                         _count_by(manifest, "template"), _count_by(manifest, "layout"))


def _write_chunk_star(args: tuple) -> list[dict[str, Any]]:
    *positional, options = args
    return write_chunk(*positional, **options)


def _count_by(rows: Sequence[dict[str, Any]], key: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[key]] = counts.get(row[key], 0) + 1
    return dict(sorted(counts.items()))


def _write_manifest(rows: Sequence[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["file"])
        writer.writeheader()
        writer.writerows(rows)


_README = """# 合成数据 / SYNTHETIC DATA

Every report in this folder was invented by `govdata synth` (seed {seed}, {n} reports).
No agency, name or number here is real: agency names start with 合成 ("synthetic") and each
report carries a banner saying so. Never mix these files into data/raw.

- `reports/<year>/`: the reports (tabbed, cell-per-line and pipe text; HTML pages)
- `agencies.csv`: registry of the invented agencies (`GOVDATA_AGENCIES=<this folder>/agencies.csv`)
- `manifest.csv`: one row per file, with sha256 and whether an inconsistency was injected
- `truth/<frame>/*.parquet`: every frame govdata must return (`checks`: every rule applied, with its verdict);
  `expected_checks`: the rules that must fail
"""
