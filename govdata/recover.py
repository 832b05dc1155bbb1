"""Recover table cells whose boundaries were lost, from the form's own arithmetic (part of parse).

Why: copies of these reports lose the borders between cells. A web page flattened to text runs
a row's cells together (``3000003`` is 3 | 0 | 0 | 0 | 0 | 0 | 3), a copy that drops empty cells
prints two numbers for seven columns, and PDF extraction splits one number into two cells
(``1 2`` for 12). The form says how to put them back: every 表三 row adds up to its 总计, every
column adds up to (七)总计, 新收 + 上年结转 = 总计 + 结转下年度 in each column, and each 表四 group
adds up to its 总计.

How: :func:`recover_row` enumerates every reading of a row's printed digits into its columns —
runs of digits cut into numbers (no number but 0 starts with 0), adjacent cells joined (only when
the row prints more cells than columns), numbers placed among blank columns (only when it prints
fewer) — and keeps the readings the row's own rule accepts. One reading left: it is used, with a
``recovered_cells`` finding naming the printed text, the reading and the rule. Several: the row
waits for :func:`resolve_table3`, which keeps the combinations the table's column sums and
identities accept (a rule the printed numbers break whatever the reading is the report's own
error and decides nothing); what stays open is an ``ambiguous_cells`` finding listing every
candidate, with the cells left null. None: the row stays unread with its finding, and the
``checks`` speak about the printed totals — a report is never "repaired" into other numbers.

The search is bounded (:data:`MAX_READINGS` readings and :data:`MAX_STEPS` candidates tried per
row, :data:`MAX_COMBINATIONS` per table), so a hostile line cannot stall a batch: a long row of
cells that cannot be joined, or a long run of digits, has astronomically many candidates of which
none is a reading. Hitting a bound is reported.

Example:
    >>> from govdata.layout import Cell
    >>> fit = recover_row([Cell("524000056", 5, is_run=True)], 7, rule=row_sum_rule)
    >>> [c.text for c in fit.cells], fit.problem
    (['52', '4', '0', '0', '0', '0', '56'], 'recovered_cells')
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from govdata import form
from govdata.layout import Cell
from govdata.normalize import parse_number

MAX_READINGS = 20000
MAX_STEPS = 200_000  # candidate cuts, joins and placements tried per row, readings or not
MAX_COMBINATIONS = 20000
_DIGITS = re.compile(r"^\d+$")
# A run printed without separators: numbers, any of which after the first may open with a sign (19-225).
_RUN = re.compile(r"^[+-]?\d+(?:[+-]\d+)*$")
_NUMBER_PART = re.compile(r"^[+-]?(0|[1-9]\d*)$")

Reading = tuple[str | None, ...]  # one value per column, None for a blank cell
Rule = Callable[[Sequence[int | None]], bool | None]


@dataclass(frozen=True)
class Fit:
    """Value cells fitted to a form's width; ``cells`` is None when the fit is not certain.

    ``problem`` names the finding (``extra_cells``, ``missing_cells``, ``ambiguous_cells``,
    ``recovered_cells``, …), ``detail`` what was printed, ``candidates`` the readings left open.
    """

    cells: tuple[Cell, ...] | None
    problem: str | None = None
    detail: str = ""
    candidates: tuple[Reading, ...] = ()
    rule_zh: str = ""  # ", 均符合…" naming the rule the candidates satisfy, for the finding


def row_sum_rule(values: Sequence[int | None]) -> bool | None:
    """A 表三 row: the requester columns add up to the 总计 column (None: 总计 is blank, so the
    rule cannot be assessed)."""
    if values[-1] is None:
        return None
    return sum(v or 0 for v in values[:-1]) == values[-1]


def table4_rule(values: Sequence[int | None]) -> bool | None:
    """表四: each proceeding's outcomes (维持, 纠正, 其他, pending) add up to its 总计."""
    width = len(form.t4_outcomes())
    results = [row_sum_rule(values[start:start + width]) for start in range(0, len(values), width)]
    if False in results:
        return False
    return None if None in results else True


_T4_PARTS_ZH = "+".join(form.label_zh("table4", "outcome", key).removeprefix("结果") for key in form.t4_outcomes(include_total=False))
_RULE_ZH = {row_sum_rule: "行内合计（各类申请人之和等于总计）", table4_rule: f"表四各类合计（{_T4_PARTS_ZH}=总计）"}


def _tokens(values: Sequence[Cell]) -> list[Cell]:
    return [cell for cell in values if cell.text and not cell.is_bar]


def recover_row(values: Sequence[Cell], width: int, *, rule: Rule | None, fit: Fit | None = None) -> Fit:
    """The one reading of a row's printed digits its rule accepts (see the module docstring).

    ``fit`` is the failed plain fit, returned unchanged when nothing can be recovered.
    """
    fit = fit or Fit(None, "missing_cells", " ".join(cell.text or "␣" for cell in values))
    tokens = _tokens(values)
    if not tokens or not all(_is_number(cell) for cell in tokens):
        return fit
    printed = " ".join(cell.text for cell in tokens)
    texts = [_Token(cell.text, cell.is_run and _RUN.match(cell.text) is not None, cell.is_spaced) for cell in tokens]
    # A reading that needs no blank cell is preferred: blanks are only assumed where the
    # printed digits cannot fill every column the rule accepts.
    budget = _Budget(MAX_STEPS)
    unchecked = False
    try:
        full, capped, n_full = _accepted(_full_readings(texts, width, budget), rule, require=True)
        readings = full
        if rule is None and not capped:
            # no arithmetic to check a reading against (表二): a blank cell is as likely as a
            # filled one (行政许可 170 may be 17 | 0 | ␣), so every placement counts
            partial, capped, _ = _accepted(_partial_readings(texts, width, budget), rule, require=False)
            readings = full + [reading for reading in partial if reading not in full]
        elif n_full == 0 and not capped:
            # only when the printed digits cannot fill every column are blank cells assumed
            readings, capped, _ = _accepted(_partial_readings(texts, width, budget), rule, require=False)
            unchecked = (any(token.may_cut for token in texts) and bool(readings)
                         and all(rule([_int(value) for value in reading]) is None for reading in readings))
    except _SearchCapped:
        return Fit(None, "search_capped", f"印出“{printed}”的候选读法超过 {MAX_STEPS} 种，停止搜索")
    if capped:
        return Fit(None, "search_capped", f"印出“{printed}”的读法超过 {MAX_READINGS} 种，停止搜索")
    if not readings:
        return fit if rule is None else Fit(None, fit.problem, f"{fit.detail}；没有一种读法符合{_RULE_ZH.get(rule, '加总关系')}")
    if len(readings) > 1:
        why = f"，均符合{_RULE_ZH[rule]}" if rule in _RULE_ZH else "，本表没有可据以判断的加总关系"
        return Fit(None, "ambiguous_cells", printed, tuple(readings), why)
    if unchecked:
        # the one placement of a blank that breaks no rule leaves the rule nothing to check (a
        # blank 总计): in digits run together, one that is not the row's (an ordinal stuck to
        # them) would go unseen; printed cells apart from each other carry no such digit
        return Fit(None, "ambiguous_cells", printed, tuple(readings), f"，总计为空，无法用{_RULE_ZH[rule]}验证")
    return Fit(cells_of(readings[0], tokens), "recovered_cells", describe(printed, readings[0], rule))


class _SearchCapped(Exception):
    """The row's candidates ran past :data:`MAX_STEPS`."""


class _Budget:
    """How many more candidates a row's search may try."""

    def __init__(self, steps: int) -> None:
        self.left = steps

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _SearchCapped


class _Token(NamedTuple):
    """A printed cell as recovery sees it: its text, whether it may hold several cells (a run cut
    out of text with no separators), and whether it may be half of a number a single space split."""

    text: str
    may_cut: bool
    may_join: bool


def is_run_of_numbers(cell: Cell) -> bool:
    """A cell cut out of run-together text that holds numbers only (``19-225``), not one number."""
    return cell.is_run and _RUN.match(cell.text) is not None


def _is_number(cell: Cell) -> bool:
    number = parse_number(cell.text)
    return (number is not None and number.value is not None) or is_run_of_numbers(cell)


def _accepted(readings: Iterator[Reading], rule: Rule | None, *, require: bool) -> tuple[list[Reading], bool, int]:
    """The readings a rule accepts (``require``: it must hold; else: it must not be broken),
    whether the search stopped at :data:`MAX_READINGS` readings tried, and how many were tried."""
    out: list[Reading] = []
    count = 0
    for count, reading in enumerate(readings, start=1):
        if count > MAX_READINGS:
            return out, True, count
        verdict = rule([_int(value) for value in reading]) if rule is not None else True
        if verdict is True or (not require and verdict is None):
            out.append(reading)
    return out, False, count


def describe(printed: str, reading: Reading, rule: Rule | str | None) -> str:
    """The words of a ``recovered_cells`` finding: what was printed, how it was read, and why."""
    why = rule if isinstance(rule, str) else _RULE_ZH.get(rule, "每格至少一位数字") if rule else "每格至少一位数字"
    shown = " | ".join("␣" if value is None else value for value in reading)
    return f"印出“{printed}”，单元格边界缺失；唯一符合{why}的读法为 {shown}"


def cells_of(reading: Reading, tokens: Sequence[Cell]) -> tuple[Cell, ...]:
    """Cells for a reading, each on the line of the printed token its first digit came from (a
    blank cell on the line of the token after it)."""
    starts: list[int] = []  # offset of each token's first character in the tokens' joined text
    offset = 0
    for token in tokens:
        starts.append(offset)
        offset += len(token.text)
    cells: list[Cell] = []
    position = 0
    for value in reading:
        index = max((i for i, start in enumerate(starts) if start <= position), default=0)
        line = tokens[index].line if tokens else 0
        cells.append(Cell("" if value is None else value, line))
        position += len(value or "")
    return tuple(cells)


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    number = parse_number(value)
    if number is None or number.value is None:
        return None
    return int(number.value) if float(number.value).is_integer() else None


def _full_readings(tokens: list[_Token], width: int, budget: _Budget) -> Iterator[Reading]:
    """Readings that fill every column: runs cut into numbers, or (too many cells) adjacent cells
    that a single space split joined."""
    if len(tokens) > width:
        yield from _merged(tokens, width, budget)
        return
    for numbers in _cut(tokens, width, budget, exact=True):
        yield tuple(numbers)


def _partial_readings(tokens: list[_Token], width: int, budget: _Budget) -> Iterator[Reading]:
    """Readings with blank columns: fewer numbers than columns, placed in order among them (a
    copy that dropped its empty cells)."""
    if len(tokens) > width:
        return
    for numbers in _cut(tokens, width, budget, exact=False):
        if len(numbers) < width:
            yield from _placed(numbers, width, budget)


def _most_numbers(token: _Token) -> int:
    return sum(char.isdigit() for char in token.text) if token.may_cut else 1


def _cut(tokens: list[_Token], width: int, budget: _Budget, *, exact: bool) -> Iterator[list[str]]:
    """Each token kept or, when it may hold several cells, cut into numbers; ``width`` numbers in
    all when ``exact``, at most ``width`` otherwise."""
    if not tokens:
        if not exact or width == 0:
            yield []
        return
    head, rest = tokens[0], tokens[1:]
    most = width - len(rest)
    if most < 1:
        return
    if head.may_cut:
        least = width - sum(_most_numbers(token) for token in rest) if exact else 1
        splits = _splits(head.text, most, budget, least=max(1, least))
    elif parse_number(head.text) is None:
        return  # a run with signs inside that may not be cut is no number
    else:
        splits = iter([[head.text]])
    for first in splits:
        budget.spend()
        for tail in _cut(rest, width - len(first), budget, exact=exact):
            yield first + tail


def _splits(run: str, most: int, budget: _Budget, *, least: int = 1) -> Iterator[list[str]]:
    """A run cut into ``least``..``most`` numbers: none starting with 0 unless it is 0, a sign only
    at the start of a number (``19-225``: 19|-2|25, 19|-22|5, 1|9|-225)."""
    # a cut may fall between two digits, or just before a sign; never just after one
    places = [i for i in range(1, len(run)) if run[i - 1] not in "+-" and (run[i].isdigit() or run[i] in "+-")]
    must = [i for i in range(1, len(run)) if run[i] in "+-"]  # a sign inside the run always opens a number
    optional = [i for i in places if i not in must]
    for parts in range(max(1, least), min(most, len(run)) + 1):
        extra = parts - 1 - len(must)
        if extra < 0 or extra > len(optional):
            continue
        for cuts in itertools.combinations(optional, extra):
            budget.spend()
            bounds = (0, *sorted((*must, *cuts)), len(run))
            numbers = [run[a:b] for a, b in itertools.pairwise(bounds)]
            if all(_NUMBER_PART.match(n) for n in numbers):
                yield numbers


def _placed(numbers: list[str], width: int, budget: _Budget) -> Iterator[Reading]:
    """Numbers placed in order among ``width`` columns, the other columns blank (a copy that
    dropped its empty cells)."""
    for columns in itertools.combinations(range(width), len(numbers)):
        budget.spend()
        reading: list[str | None] = [None] * width
        for column, number in zip(columns, numbers, strict=True):
            reading[column] = number
        yield tuple(reading)


def _merged(tokens: list[_Token], width: int, budget: _Budget) -> Iterator[Reading]:
    """Adjacent numbers a single space split joined until the row has ``width`` cells (PDF text
    that split one number into two cells: ``1 2`` for 12). Only pairs that may join are tried: a
    long row of firm cells has no reading, and must not cost a search over all its pairs."""
    extra = len(tokens) - width
    if extra <= 0:
        return
    joinable = [i for i in range(len(tokens) - 1) if _may_join(tokens[i], tokens[i + 1])]
    if len(joinable) < extra:
        return
    for joins in itertools.combinations(joinable, extra):
        budget.spend()
        joined = set(joins)
        out: list[str] = []
        for index, token in enumerate(tokens):
            if index - 1 in joined:
                if out[-1] == "0":
                    break
                out[-1] += token.text
            else:
                out.append(token.text)
        else:
            if len(out) == width:
                yield tuple(out)


def _may_join(before: _Token, after: _Token) -> bool:
    """Two cells that may be halves of one number a single space split (``1 2`` for 12)."""
    return (before.may_join and after.may_join and _DIGITS.match(before.text) is not None
            and _DIGITS.match(after.text) is not None)


# --- 表三 as a whole ---------------------------------------------------------------------------


def resolve_table3(pending: list[tuple[str, Any, Fit]], read: list[dict[str, Any]]) -> list[tuple[str, Any, Fit]]:
    """Decide 表三 rows left with several readings by the table's column sums and identities.

    ``pending`` holds (row key, logical row, fit with candidates); ``read`` the cells already
    read (dicts with row, requester, value). Returns every pending row with its final fit.
    """
    if not pending:
        return []
    requesters = form.requesters()
    known: dict[tuple[str, str], int | None] = {(cell["row"], cell["requester"]): cell["value"] for cell in read}
    options = [fit.candidates for _, _, fit in pending]
    n_combinations = 1
    for candidates in options:
        n_combinations *= len(candidates)
    if n_combinations > MAX_COMBINATIONS:
        return [(key, lrow, fit) for key, lrow, fit in pending]
    outcome_rows = [row for row in form.table3_rows() if form.group_of(row) not in ("",) and row != "total"]
    keys = [key for key, _, _ in pending]
    combos = list(itertools.product(*options))

    def value_grid(combo: tuple[Reading, ...]) -> dict[tuple[str, str], int | None]:
        grid = dict(known)
        for key, reading in zip(keys, combo, strict=True):
            for requester, value in zip(requesters, reading, strict=True):
                grid[(key, requester)] = _int(value)
        return grid

    def constraints(grid: dict[tuple[str, str], int | None]) -> list[bool | None]:
        """Each column rule: True/False, or None when a cell it needs is not known."""
        out: list[bool | None] = []
        for requester in requesters:
            total = grid.get(("total", requester))
            parts = [grid.get((row, requester)) for row in outcome_rows if (row, requester) in grid]
            involved = any((row, requester) in grid for row in keys) or "total" in keys
            out.append(None if total is None or not parts or not involved else sum(v or 0 for v in parts) == total)
            cells = [grid.get((row, requester)) for row in ("new", "carried_over", "total", "carried_forward")]
            if any(value is None for value in cells):
                out.append(None)
            else:
                out.append(cells[0] + cells[1] == cells[2] + cells[3])
        return out

    results = [constraints(value_grid(combo)) for combo in combos]
    n_rules = len(results[0]) if results else 0
    # a rule that no combination satisfies is the report's own error: it decides nothing
    deciding = [i for i in range(n_rules) if any(result[i] is True for result in results)
                and any(result[i] is False for result in results)]
    survivors = [combo for combo, result in zip(combos, results, strict=True) if all(result[i] is not False for i in deciding)]
    out = []
    for index, (key, lrow, fit) in enumerate(pending):
        chosen = {combo[index] for combo in survivors}
        if len(chosen) == 1 and deciding:
            reading = next(iter(chosen))
            tokens = _tokens(lrow.values)
            why = "行内合计及表三各列合计、新收+上年结转=总计+结转下年度"
            out.append((key, lrow, Fit(cells_of(reading, tokens), "recovered_cells", describe(fit.detail, reading, why))))
        else:
            out.append((key, lrow, fit))
    return out
