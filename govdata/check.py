"""Check stage: the form's accounting rules, text against tables, year-on-year continuity.

Why: a researcher must know which numbers to doubt. Real reports print rows that do not
add up, prose that contradicts the tables, and blank cells. Every rule applied to a report
becomes one row of the ``checks`` frame; a value that fails a rule is never changed.

How rules are declared (one approach throughout, docs/data-quality.md):

- each rule is a small function registered with :func:`rule`; it reads printed values as
  :class:`Operand` objects (Chinese label, value, printed text, line) and returns rows made
  by :func:`judge` (two sums compared with tolerance 0) or :func:`judge_share` (a printed
  percent against count / total, accepting rounding or truncation to the printed decimals);
- an input that is blank or a placeholder (value null, ``raw`` keeps "", "/", "—") makes
  the rule ``not_assessable`` and the message names the cell: it never passes or fails;
- soft mode (the default) records; ``strict=True`` raises :class:`ChecksFailed` when an
  error-level rule fails.

- each rule declares the frames it ``reads``, so a consumer derives which rules concern which
  tables (metrics leaves rules about 表二 or 表四 alone out of outcome shares:
  :func:`checks_reading_only`) and the ingest knows which cells the corpus-wide rules need
  (:func:`corpus_rule_cells`).

The form's keys and Chinese labels come from :mod:`govdata.form`, what the prose's numbers
restate from :mod:`govdata.fact_keys`. A person's verdict on a finding is attached by
``fingerprint`` (:mod:`govdata.reviews`), so it survives re-runs.

Example:
    >>> from govdata.model import Report
    >>> from govdata.schema import frame
    >>> t4 = frame("table4", [{"report_id": "r1", "proceeding": "review", "outcome": o, "value": v, "line": 9}
    ...                       for o, v in [("upheld", 1), ("corrected", 1), ("other", 0), ("pending", 0), ("total", 3)]])
    >>> checks = check_report(Report({"report_id": "r1"}, table4=t4))
    >>> checks.filter(scope="proceeding=review")["message"][0]
    '行政复议合计：结果维持 1 + 结果纠正 1 + 其他结果 0 + 尚未审结 0 = 2；总计 3；不相符（差 1）'
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache
from typing import Any, NamedTuple

import polars as pl

from govdata import fact_keys, form, schema
from govdata.model import Corpus, Report
from govdata.reviews import apply_reviews, fingerprinted, with_fingerprints

PASS, FAIL, NOT_ASSESSABLE = "pass", "fail", "not_assessable"
ERROR, WARNING = "error", "warning"

# Structure findings (missing_table, extra_cells, missing_cells, unmapped_label, truncated_table, …)
# come from the parser already as check rows; check_report keeps them as given (docs/schema.md).

# ---------------------------------------------------------------------------------------------
# What the rules sum (the form's keys: govdata/data/form.csv)
# ---------------------------------------------------------------------------------------------

# (一)…(五): the rows that count how a request ended, (六)其他处理 aside (one row in 2019, three
# in 2021). 部分公开 counts once (the form says so).
_OUTCOME_ROWS_BUT_OTHER = tuple(row for outcome in form.outcome_keys() if outcome not in ("other", "total")
                                for row in form.outcome_rows(outcome))
# 附表 totals whose 其中 rows add up to them. 主动公开文件数 has 其中 rows too, but 政府网站 and
# 政府公报 are two channels among others, so they need not add up to it.
_LEGACY_SUMMED_TOTALS = ("requests_total", "responses_total")

# ---------------------------------------------------------------------------------------------
# Operands and the one way a rule judges them
# ---------------------------------------------------------------------------------------------


class Operand(NamedTuple):
    """One printed quantity a rule reads.

    ``raw`` is the text as printed ("" for a blank cell, "/" for a placeholder) and None when
    the cell was not printed at all; ``sign`` is -1 for a subtracted term (本年废止件数).
    A named tuple, not a dataclass: a report's rules make a few hundred, and a frozen
    dataclass takes several times longer to build.
    """

    label: str
    value: float | None
    raw: str | None = ""
    line: int | None = None
    sign: int = 1

    def gap(self) -> str:
        """Why this operand cannot be used, in words a researcher reads."""
        if self.raw is None:
            return f"{self.label}未印出"
        where = f"（第{self.line}行）" if self.line else ""
        if not self.raw.strip():
            return f"{self.label}{where}为空白"
        return f"{self.label}{where}印作“{self.raw}”"


def _fmt(value: float) -> str:
    """A number as a reader expects it: 18, 694.8841, -136."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _total(operands: Sequence[Operand]) -> float:
    return sum(op.sign * op.value for op in operands)


def _expression(operands: Sequence[Operand], *, limit: int = 6) -> str:
    """"本年新收 231 + 上年结转 1 = 232"; long sums list their non-zero terms only."""
    shown = [op for op in operands if op.value != 0] if len(operands) > limit else list(operands)
    parts = []
    for op in shown:
        sign = "−" if op.sign < 0 else "+"
        parts.append(f"{sign} {op.label} {_fmt(op.value)}" if parts or op.sign < 0 else f"{op.label} {_fmt(op.value)}")
    text = " ".join(parts) if parts else f"{operands[0].label} 等 {len(operands)} 项均为 0"
    hidden = len(operands) - len(shown)
    if hidden and shown:
        text += f"（其余 {hidden} 项为 0）"
    if len(operands) > 1:
        text += f" = {_fmt(_total(operands))}"
    return text


def _row(check: str, scope: str, expected: float | None, actual: float | None, status: str, severity: str,
         line: int | None, message: str) -> dict[str, Any]:
    return {"check": check, "scope": scope, "expected": expected, "actual": actual, "status": status,
            "severity": severity, "line": line, "message": message}


def _not_assessable(check: str, scope: str, subject: str, gaps: Sequence[str], *, line: int | None,
                    severity: str) -> dict[str, Any]:
    return _row(check, scope, None, None, NOT_ASSESSABLE, severity, line, f"{subject}：无法核对，{'；'.join(gaps)}")


def judge(check: str, scope: str, subject: str, expected: Sequence[Operand], actual: Sequence[Operand], *,
          line: int | None, severity: str = ERROR) -> dict[str, Any]:
    """One check row: does the sum of ``expected`` equal the sum of ``actual`` (tolerance 0)?

    A blank or placeholder operand makes the row ``not_assessable``; it names the cell.

    Example:
        >>> judge("t4_total", "proceeding=review", "行政复议合计", [Operand("结果维持", 1), Operand("尚未审结", 1)],
        ...       [Operand("总计", 2)], line=9)["status"]
        'pass'
    """
    gaps = [op.gap() for op in (*expected, *actual) if op.value is None]
    if gaps:
        return _not_assessable(check, scope, subject, gaps, line=line, severity=severity)
    want, got = _total(expected), _total(actual)
    agrees = math.isclose(want, got, rel_tol=0, abs_tol=1e-9)
    verdict = "相符" if agrees else f"不相符（差 {_fmt(abs(got - want))}）"
    message = f"{subject}：{_expression(expected)}；{_expression(actual)}；{verdict}"
    return _row(check, scope, want, got, PASS if agrees else FAIL, severity, line, message)


_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")


def printed_decimals(share: float, printed: str | None = None) -> int:
    """How many decimals the report printed a percent with ("15%" -> 0, "26.41%" -> 2).

    The facts frame keeps the share as a float, which loses a trailing zero ("5.90" -> 5.9),
    so the printed text is read first: ``printed`` is the share as printed ("5.90", the facts
    column ``share_raw`` when there is one) or the sentence it stands in.
    """
    for token in [*_PERCENT.findall(printed or ""), *re.findall(r"^\d+(?:\.\d+)?$", (printed or "").strip())]:
        if math.isclose(float(token), share, abs_tol=1e-9):
            return len(token.partition(".")[2])
    text = repr(float(share))
    return 0 if text.endswith(".0") else len(text.partition(".")[2])


def judge_share(check: str, scope: str, subject: str, count: Operand, base: Operand, share: float, decimals: int, *,
                line: int | None, severity: str = WARNING) -> dict[str, Any]:
    """One check row: is the printed ``share`` (percent) count / base, rounded or truncated?

    Reports round (26.42 -> "26.42") or truncate (14/53 = 26.415… -> "26.41") to the decimals
    they print; both are accepted, nothing else.

    Example:
        >>> judge_share("percent_vs_count", "s", "占比", Operand("规划计划类", 14), Operand("主动公开", 53), 26.41, 2,
        ...             line=34)["status"]
        'pass'
    """
    gaps = [op.gap() for op in (count, base) if op.value is None]
    if gaps:
        return _not_assessable(check, scope, subject, gaps, line=line, severity=severity)
    if base.value == 0:
        return _not_assessable(check, scope, subject, [f"{base.label}为 0，占比无从计算"], line=line, severity=severity)
    # Digits enough for any count the frames hold (< 2^53) and the decimals printed: a percent
    # printed with 25 decimals (cells run together) overflowed the default 28 (issue 15, fuzz).
    with localcontext() as context:
        context.prec = 40 + decimals
        exact = Decimal(str(count.value)) / Decimal(str(base.value)) * 100
        quantum = Decimal(1).scaleb(-decimals)
        rounded, truncated = exact.quantize(quantum, ROUND_HALF_UP), exact.quantize(quantum, ROUND_DOWN)
        printed = Decimal(str(share)).quantize(quantum, ROUND_HALF_UP)
    agrees = printed in (rounded, truncated)
    verdict = "相符" if agrees else "不相符"
    ways = f"四舍五入为 {rounded}%" + ("" if truncated == rounded else f"、截断为 {truncated}%")
    message = (f"{subject}：{count.label} {_fmt(count.value)} ÷ {base.label} {_fmt(base.value)} = {exact:.4f}%，"
               f"按印出的 {decimals} 位小数{ways}；报告印作 {printed}%；{verdict}")
    matched = printed if agrees else rounded  # expected: the reading that matches, else the rounded share
    return _row(check, scope, float(matched), float(share), PASS if agrees else FAIL, severity, line, message)


# ---------------------------------------------------------------------------------------------
# The rule registry
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A declared rule: the check key its rows carry, the frames it reads, whether it reads one report or the corpus.

    ``cells`` (corpus-wide rules) names the only cells of each frame the rule reads, as
    (column, keys): the ingest hands those rules the corpus cut down to them.
    """

    check: str
    name: str
    description: str
    func: Callable[..., Iterable[dict[str, Any]]]
    reads: frozenset[str]
    corpus: bool = False
    cells: Mapping[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)


RULES: dict[str, Rule] = {}
FRAMES_READ = ("table2", "table3", "table4", "legacy", "facts")


def rule(check: str, *, reads: Iterable[str], corpus: bool = False,
         cells: Mapping[str, tuple[str, tuple[str, ...]]] | None = None) -> Callable:
    """Register a rule function under its ``check`` key (several functions may share one key).

    ``reads`` names the frames the rule reads (of :data:`FRAMES_READ`); a corpus-wide rule
    also names its ``cells``.
    """
    read = frozenset(reads)
    if not read or not read <= set(FRAMES_READ):
        raise ValueError(f"rule {check}: reads must name frames of {FRAMES_READ}, got {sorted(read)}")
    if corpus and set(cells or {}) != read:
        raise ValueError(f"corpus rule {check}: cells must name the cells of every frame it reads")

    def register(func: Callable) -> Callable:
        description = (func.__doc__ or "").strip().splitlines()[0]
        RULES[func.__name__] = Rule(check, func.__name__, description, func, read, corpus, dict(cells or {}))
        return func

    return register


def checks_reading_only(frames: Iterable[str]) -> frozenset[str]:
    """The check keys whose every rule reads nothing but ``frames``.

    Example: ``checks_reading_only({"table4"})`` is ``{"t4_total"}``: a 表四 sum that fails says
    nothing about how requests ended, so outcome shares leave it out (govdata.metrics).
    """
    allowed = frozenset(frames)
    by_check: dict[str, list[Rule]] = defaultdict(list)
    for declared in RULES.values():
        by_check[declared.check].append(declared)
    return frozenset(check for check, rules in by_check.items() if all(r.reads <= allowed for r in rules))


def corpus_rule_cells() -> dict[str, tuple[str, tuple[str, ...]]]:
    """frame -> (column, keys): every cell the corpus-wide rules read, and nothing more."""
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for declared in RULES.values():
        for frame, (column, keys) in declared.cells.items():
            known = out.get(frame, (column, ()))
            if known[0] != column:
                raise ValueError(f"corpus rules read {frame} by {known[0]} and by {column}")
            out[frame] = (column, tuple(dict.fromkeys((*known[1], *keys))))
    return out


# ---------------------------------------------------------------------------------------------
# One report's printed values, looked up by key
# ---------------------------------------------------------------------------------------------


class _Printed(NamedTuple):
    value: float | None
    raw: str
    line: int | None


Rows = schema.Rows


def _in_line_order(rows: Rows) -> list[Mapping[str, Any]]:
    """Rows by line, rows without a line last; rows of one line keep their order."""
    return sorted(rows, key=lambda row: (row["line"] is None, row["line"] or 0))


def _index(rows: Rows, keys: tuple[str, ...]) -> dict[tuple, _Printed]:
    """(key columns) -> printed cell; the first printing wins (a repeat is a parser finding)."""
    out: dict[tuple, _Printed] = {}
    for cell in _in_line_order(rows):
        value = None if cell["value"] is None else float(cell["value"])
        raw = cell.get("raw")
        raw = raw if raw is not None else ("" if value is None else _fmt(value))
        out.setdefault(tuple(cell[k] for k in keys), _Printed(value, raw, cell["line"]))
    return out


@lru_cache(maxsize=256)
def _row_zh(row: str) -> str:
    """A 表三 row as messages name it: 本年新收, （七）总计, or a sub-row with its group (不予公开·属于国家秘密)."""
    if not form.is_key("table3", "row", row):
        return row
    if form.is_sub_row(row):
        return f"{form.label_zh('table3', 'group', form.group_of(row))}·{form.label_zh('table3', 'row', row)}"
    return form.short_label_zh("table3", "row", row)


@lru_cache(maxsize=64)
def _requester_zh(requester: str) -> str:
    """A requester column as messages name it (其他 alone is ambiguous: 其他（法人或其他组织）)."""
    return form.label_zh("table3", "requester", requester) if form.is_key("table3", "requester", requester) else requester


def _proceeding_zh(proceeding: str) -> str:
    return form.short_label_zh("table4", "proceeding", proceeding)


def _t4_outcome_zh(outcome: str) -> str:
    return form.label_zh("table4", "outcome", outcome)


def _indicator_zh(indicator: str) -> str:
    return form.label_zh("legacy", "indicator", indicator) if form.is_key("legacy", "indicator", indicator) else indicator


_fact_zh = fact_keys.label_zh


class ReportView:
    """The printed values of one report, looked up by key, as :class:`Operand` objects.

    Built from row dicts (the pipeline holds rows until it builds a batch's frames);
    :meth:`of` builds one from a :class:`Report`'s frames.
    """

    def __init__(self, report: Mapping[str, Any], *, table2: Rows = (), table3: Rows = (), table4: Rows = (),
                 legacy: Rows = (), facts: Rows = ()):
        self.report_id = report.get("report_id")
        self.template = report.get("template")
        self.table2 = _index(table2, ("item", "measure"))
        self.table3 = _index(table3, ("row", "requester"))
        self.table4 = _index(table4, ("proceeding", "outcome"))
        self.legacy_rows: dict[str, Mapping[str, Any]] = {}
        for row in _in_line_order(legacy):
            if row["indicator"] is not None:  # an unmapped 附表 label is reported by the legacy stage
                self.legacy_rows.setdefault(row["indicator"], row)
        # A fact without key or line cannot be placed; facts.py never emits one (docs/facts.md).
        self.facts = sorted((fact for fact in facts if fact["key"] is not None and fact["line"] is not None),
                            key=lambda fact: fact["line"])
        first_line: dict[str, int] = {}
        for (row, _), cell in self.table3.items():
            if row is not None:  # an unmapped label is the parser's finding, not a row to sum
                first_line[row] = min(first_line.get(row, cell.line or 0), cell.line or 0)
        self.rows3 = sorted(first_line, key=lambda row: first_line[row])

    @classmethod
    def of(cls, report: Report) -> ReportView:
        """The view of a parsed :class:`Report` (its frames read as rows)."""
        return cls(report.report, **{name: getattr(report, name).to_dicts()
                                     for name in ("table2", "table3", "table4", "legacy", "facts")})

    def t3(self, row: str, requester: str, label: str) -> Operand:
        return _operand(self.table3.get((row, requester)), label)

    def t4(self, proceeding: str, outcome: str, label: str) -> Operand:
        return _operand(self.table4.get((proceeding, outcome)), label)

    def t2(self, item: str, measure: str, label: str) -> Operand:
        return _operand(self.table2.get((item, measure)), label)

    def line3(self, row: str, requester: str = "total") -> int | None:
        """Line of a 表三 row (its 总计 cell, else any cell of the row)."""
        cell = self.table3.get((row, requester))
        if cell is not None and cell.line:
            return cell.line
        return next((c.line for (r, _), c in self.table3.items() if r == row), None)

    def legacy(self, indicator: str, column: str = "value") -> Operand:
        """A 附表 value: this year's (``value``) or the 历史累计 (``cumulative``) column."""
        row = self.legacy_rows.get(indicator)
        zh = f"附表“{_indicator_zh(indicator)}”"
        if column == "cumulative":
            zh += "历史累计"
        if row is None:
            return Operand(zh, None, None)
        return Operand(f"{zh}（第{row['line']}行）", row[column], "", row["line"])

    def outcome_rows(self) -> tuple[str, ...]:
        """(一)…(六) rows of this report: 2019 prints (六)其他处理 as one row, 2021 as three."""
        printed_other = tuple(r for r in form.outcome_rows("other") if r in self.rows3)
        template = self.template if self.template in form.TEMPLATES else "2019"
        return (*_OUTCOME_ROWS_BUT_OTHER, *(printed_other or form.outcome_rows("other", template)))


def _operand(cell: _Printed | None, label: str) -> Operand:
    if cell is None:
        return Operand(label, None, None)
    return Operand(label, cell.value, cell.raw, cell.line)


def _fact_operand(fact: Mapping[str, Any]) -> Operand:
    return Operand(f"正文“{_fact_zh(fact['key'])}”（第{fact['line']}行）", fact["value"], "", fact["line"])


def _fact_scope(fact: Mapping[str, Any]) -> str:
    return f"fact={fact['key']}@{fact['line']}"


# ---------------------------------------------------------------------------------------------
# Rules on one report
# ---------------------------------------------------------------------------------------------


@rule("identity", reads=("table3",))
def identity(view: ReportView) -> list[dict[str, Any]]:
    """收办平衡, per column of 表三: 本年新收 + 上年结转 = (七)总计 + 结转下年度继续办理 (printed in the form)."""
    if not view.table3:
        return []
    return [
        judge("identity", f"column={col}", f"收办平衡（{_requester_zh(col)}列）",
              [view.t3("new", col, _row_zh("new")), view.t3("carried_over", col, _row_zh("carried_over"))],
              [view.t3("total", col, _row_zh("total")), view.t3("carried_forward", col, _row_zh("carried_forward"))],
              line=view.line3("total", col) or view.line3("new", col))
        for col in form.requesters()
    ]


@rule("row_sum", reads=("table3",))
def row_sum(view: ReportView) -> list[dict[str, Any]]:
    """横向合计, per row of 表三: the six requester columns add up to the row's 总计."""
    return [
        judge("row_sum", f"row={row}", f"横向合计（{_row_zh(row)}）",
              [view.t3(row, col, _requester_zh(col)) for col in form.requesters(include_total=False)],
              [view.t3(row, "total", _requester_zh("total"))],
              line=view.line3(row))
        for row in view.rows3
    ]


@rule("column_sum", reads=("table3",))
def column_sum(view: ReportView) -> list[dict[str, Any]]:
    """明细合计, per column of 表三: the outcome rows (一)…(六) add up to (七)总计 (部分公开 counts once)."""
    if not view.table3:
        return []
    rows = view.outcome_rows()
    return [
        judge("column_sum", f"column={col}", f"纵向合计（{_requester_zh(col)}列）",
              [view.t3(row, col, _row_zh(row)) for row in rows], [view.t3("total", col, _row_zh("total"))],
              line=view.line3("total", col))
        for col in form.requesters()
    ]


@rule("t4_total", reads=("table4",))
def t4_total(view: ReportView) -> list[dict[str, Any]]:
    """表四, per proceeding: 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计."""
    if not view.table4:
        return []
    rows = []
    for proceeding in form.proceedings():
        total = view.t4(proceeding, "total", _t4_outcome_zh("total"))
        rows.append(judge("t4_total", f"proceeding={proceeding}", f"{_proceeding_zh(proceeding)}合计",
                          [view.t4(proceeding, part, _t4_outcome_zh(part)) for part in form.t4_outcomes(include_total=False)],
                          [total], line=total.line))
    return rows


@rule("text_vs_table", reads=("table3", "table4", "facts"))
def text_vs_table(view: ReportView) -> list[dict[str, Any]]:
    """A number the narrative states about 表三 or 表四 equals the table (受理 248 = 新收 247 + 结转 1)."""
    rows = []
    for fact in view.facts:
        key = fact["key"]
        if (rows3 := fact_keys.table3_rows(key)) and view.table3:
            table = [_with_line(view.t3(row, "total", f"表三“{_row_zh(row)}”{_requester_zh('total')}")) for row in rows3]
        elif (cells4 := fact_keys.table4_cells(key)) and view.table4:
            table = [_with_line(view.t4(p, o, f"表四“{_proceeding_zh(p)}·{_t4_outcome_zh(o)}”")) for p, o in cells4]
        else:
            continue
        rows.append(judge("text_vs_table", _fact_scope(fact), f"正文与表格（{_fact_zh(key)}）", table,
                          [_fact_operand(fact)], line=fact["line"]))
    return rows


@rule("legacy_vs_text", reads=("legacy", "facts"))
def legacy_vs_text(view: ReportView) -> list[dict[str, Any]]:
    """附表 values of a pre-2019 report agree with the same quantities stated in the prose (fact_keys.csv)."""
    if not view.legacy_rows:
        return []
    rows = []
    for indicator, keys in fact_keys.legacy_fact_map().items():
        if len(keys) == 1:
            rows.extend(_legacy_vs_statement(view, indicator, "value", fact) for fact in view.facts if fact["key"] == keys[0])
        else:
            rows.extend(_legacy_vs_listing(view, indicator, keys))
    for key, indicator in fact_keys.legacy_cumulative().items():
        rows.extend(_legacy_vs_statement(view, indicator, "cumulative", fact) for fact in view.facts if fact["key"] == key)
    return rows


def _legacy_vs_statement(view: ReportView, indicator: str, column: str, fact: Mapping[str, Any]) -> dict[str, Any]:
    """One prose number against the 附表 indicator it restates."""
    scope = f"{_fact_scope(fact)};indicator={indicator}" + (";column=cumulative" if column == "cumulative" else "")
    return judge("legacy_vs_text", scope, f"附表与正文（{_fact_zh(fact['key'])}）", [view.legacy(indicator, column)],
                 [_fact_operand(fact)], line=fact["line"])


def _legacy_vs_listing(view: ReportView, indicator: str, keys: Sequence[str]) -> list[dict[str, Any]]:
    """A 附表 indicator that sums several answer types (其他类型答复数, 答复总数) against each listing in the prose.

    A listing must name at least two of the types: one stray type stated elsewhere in the
    prose is not the whole of 其他类型答复数.
    """
    zh = _indicator_zh(indicator)
    rows = []
    for group in _fact_groups([f for f in view.facts if f["key"] in keys]):
        if len(group) < 2:
            continue
        rows.append(judge("legacy_vs_text", f"facts@{group[0]['line']};indicator={indicator}", f"附表与正文（{zh}）",
                          [view.legacy(indicator)], [_fact_operand(f) for f in group], line=group[0]["line"]))
    return rows


def _fact_groups(facts: Sequence[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """Split facts (in line order) into listings: a key seen again starts a new listing."""
    groups: list[list[Mapping[str, Any]]] = []
    seen: set[str] = set()
    for fact in facts:
        if not groups or fact["key"] in seen:
            groups.append([])
            seen = set()
        groups[-1].append(fact)
        seen.add(fact["key"])
    return groups


def _stated_total(view: ReportView, keys: Sequence[str], line: int) -> Mapping[str, Any] | None:
    """The stated total a listing refers to: of the first of ``keys`` the prose states, the
    statement nearest before ``line`` (else the first after it)."""
    for key in keys:
        candidates = [f for f in view.facts if f["key"] == key and f["value"] is not None]
        before = [f for f in candidates if f["line"] <= line]
        if before:
            return before[-1]
        if candidates:
            return candidates[0]
    return None


@rule("percent_vs_count", reads=("facts",))
def percent_vs_count(view: ReportView) -> list[dict[str, Any]]:
    """A printed share (占 26.41%) matches count / stated total, rounded or truncated to the printed decimals."""
    rows = []
    for fact in view.facts:
        if fact["share"] is None:
            continue
        family = fact_keys.family_of(fact["key"])
        subject = f"占比（{_fact_zh(fact['key'])}）"
        base = _stated_total(view, fact_keys.family_total(family), fact["line"]) if family else None
        if base is None:
            rows.append(_not_assessable("percent_vs_count", _fact_scope(fact), subject, ["正文未写明计算占比的总数"],
                                        line=fact["line"], severity=WARNING))
            continue
        count = Operand(f"“{_fact_zh(fact['key'])}”", fact["value"], "", fact["line"])
        total = Operand(f"“{_fact_zh(base['key'])}”（第{base['line']}行）", base["value"], "", base["line"])
        decimals = printed_decimals(fact["share"], fact.get("share_raw") or fact["snippet"])
        rows.append(judge_share("percent_vs_count", _fact_scope(fact), subject, count, total, fact["share"], decimals,
                                line=fact["line"]))
    return rows


@rule("category_sum", reads=("facts",))
def category_sum(view: ReportView) -> list[dict[str, Any]]:
    """Counts the prose lists by category (类别, 申请方式, 答复类型, 不予公开原因) add up to the stated total."""
    rows = []
    for family, declared in fact_keys.families().items():
        total_keys = declared.family_total
        members = [f for f in view.facts if f["key"].startswith(family) and f["key"] not in total_keys]
        for group in _fact_groups(members):
            if len(group) < 2:
                continue
            base = _stated_total(view, total_keys, group[0]["line"])
            scope = f"facts={family}*@{group[0]['line']}"
            subject = f"分类合计（{declared.label_zh}）"
            parts = [Operand(f"“{_fact_zh(f['key'])}”", f["value"], "", f["line"]) for f in group]
            if base is None:
                rows.append(_not_assessable("category_sum", scope, subject, [f"正文未写明“{_fact_zh(total_keys[-1])}”总数"],
                                            line=group[0]["line"], severity=WARNING))
                continue
            rows.append(judge("category_sum", scope, subject, parts, [_fact_operand(base)], line=base["line"], severity=WARNING))
    return rows


@rule("category_sum", reads=("legacy",))
def legacy_category_sum(view: ReportView) -> list[dict[str, Any]]:
    """附表: 当面 + 网络 + 信函 = 受理总数 and 同意 + 部分 + 不予 + 其他 = 答复总数, this year and 历史累计."""
    rows = []
    for total in _LEGACY_SUMMED_TOTALS:
        parts = form.legacy_parts(total)
        for column in ("value", "cumulative"):
            operands = [view.legacy(ind, column) for ind in (*parts, total)]
            if all(op.value is None for op in operands):
                continue
            zh = _indicator_zh(total)
            column_zh = "历史累计" if column == "cumulative" else "本年"
            rows.append(judge("category_sum", f"indicator={total};column={column}", f"附表分项合计（{zh}，{column_zh}）",
                              operands[:-1], operands[-1:], line=operands[-1].line))
    return rows


# ---------------------------------------------------------------------------------------------
# Rules across the corpus
# ---------------------------------------------------------------------------------------------


class CorpusView:
    """The corpus as cross-report rules need it: consecutive-year pairs and per-report views.

    Built once per :func:`with_corpus_checks` run; a report's view is built on first use,
    so a corpus whose agencies never repeat costs almost nothing.
    """

    def __init__(self, corpus: Corpus):
        self.reports = corpus.reports
        self._frames = {name: getattr(corpus, name) for name in sorted({f for r in RULES.values() if r.corpus for f in r.reads})}
        self._rows: dict[str, dict[str, list[dict[str, Any]]]] | None = None
        self._views: dict[str, ReportView] = {}

    def consecutive_pairs(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(report of year N, report of year N+1) for every agency with both years in the corpus."""
        by_year: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
        for report in self.reports.iter_rows(named=True):
            if report["agency_id"] and report["year"] is not None:
                by_year[(report["agency_id"], report["year"])].append(report)
        return [(prev, cur) for (agency, year), reports in sorted(by_year.items())
                for cur in reports for prev in by_year.get((agency, year - 1), [])]

    def view(self, report: Mapping[str, Any]) -> ReportView:
        report_id = report["report_id"]
        if report_id not in self._views:
            if self._rows is None:  # the rows of every report at once: one pass, not a filter per report
                self._rows = {name: defaultdict(list) for name in self._frames}
                for name, df in self._frames.items():
                    for row in df.iter_rows(named=True):
                        self._rows[name][row["report_id"]].append(row)
            tables = {name: self._rows[name].get(report_id, ()) for name in self._rows}
            self._views[report_id] = ReportView(report, **tables)
        return self._views[report_id]


@rule("carry_over_continuity", corpus=True, reads=("table3",), cells={"table3": ("row", ("carried_forward", "carried_over"))})
def carry_over_continuity(corpus: CorpusView) -> list[dict[str, Any]]:
    """An agency's 结转下年度继续办理 in year N equals its 上年结转 in year N+1, per column of 表三."""
    rows = []
    for prev, cur in corpus.consecutive_pairs():
        before, after = corpus.view(prev), corpus.view(cur)
        if not before.table3 or not after.table3:
            continue
        for col in form.requesters():
            carried_forward = before.t3("carried_forward", col, f"{prev['year']}年报告“{_row_zh('carried_forward')}”")
            carried_over = after.t3("carried_over", col, f"{cur['year']}年报告“{_row_zh('carried_over')}”")
            rows.append({"report_id": cur["report_id"], **judge(
                "carry_over_continuity", f"column={col};previous={prev['report_id']}",
                f"跨年结转衔接（{_requester_zh(col)}列，上年报告 {prev['source']}）",
                [_with_line(carried_forward)], [_with_line(carried_over)], line=carried_over.line)})
    return rows


@rule("in_force_continuity", corpus=True, reads=("table2",), cells={"table2": ("measure", ("in_force", "made", "repealed"))})
def in_force_continuity(corpus: CorpusView) -> list[dict[str, Any]]:
    """2021 表二: 现行有效件数(N-1) + 本年制发件数(N) − 本年废止件数(N) = 现行有效件数(N) (a warning: 清理 also repeals)."""
    item_zh = form.labels_zh("table2", "item")
    measure_zh = form.labels_zh("table2", "measure")
    rows = []
    for prev, cur in corpus.consecutive_pairs():
        before, after = corpus.view(prev), corpus.view(cur)
        items = [item for (item, measure) in after.table2 if measure == "in_force"]
        if not items or not any(measure == "in_force" for (_, measure) in before.table2):
            continue
        for item in items:
            expected = [_with_line(before.t2(item, "in_force", f"{prev['year']}年“{measure_zh['in_force']}”")),
                        _with_line(after.t2(item, "made", f"{cur['year']}年“{measure_zh['made']}”")),
                        _with_line(after.t2(item, "repealed", f"{cur['year']}年“{measure_zh['repealed']}”"))._replace(sign=-1)]
            actual = _with_line(after.t2(item, "in_force", f"{cur['year']}年“{measure_zh['in_force']}”"))
            rows.append({"report_id": cur["report_id"], **judge(
                "in_force_continuity", f"item={item};previous={prev['report_id']}",
                f"现行有效件数衔接（{item_zh.get(item, item)}，上年报告 {prev['source']}）",
                expected, [actual], line=actual.line, severity=WARNING)})
    return rows


def _with_line(op: Operand) -> Operand:
    return op._replace(label=f"{op.label}（第{op.line}行）") if op.line else op


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


class ChecksFailed(Exception):
    """Strict mode: an error-level rule failed. ``failures`` holds the failing check rows."""

    def __init__(self, failures: pl.DataFrame):
        self.failures = failures
        first = "; ".join(f"{r['report_id']}:{r['line']} {r['check']} {r['message']}" for r in failures.head(3).iter_rows(named=True))
        more = f" (and {failures.height - 3} more)" if failures.height > 3 else ""
        super().__init__(f"{failures.height} error-level check(s) failed: {first}{more}")


def errors(checks: pl.DataFrame) -> pl.DataFrame:
    """Failing error-level checks that no reviewer dismissed (what strict mode and --strict act on)."""
    return checks.filter((pl.col("status") == FAIL) & (pl.col("severity") == ERROR)
                         & (pl.col("verdict").is_null() | (pl.col("verdict") != "dismissed")))


def enforce(checks: pl.DataFrame, *, strict: bool) -> pl.DataFrame:
    """Soft mode returns ``checks``; strict mode raises :class:`ChecksFailed` on an error-level failure."""
    if strict:
        failing = errors(checks)
        if failing.height:
            raise ChecksFailed(failing)
    return checks


def check_report(report: Report, *, structure: Iterable[Mapping[str, Any]] = (), strict: bool = False,
                 reviews: pl.DataFrame | str | os.PathLike | None = None) -> pl.DataFrame:
    """Every per-report rule applied to ``report``, after the parser's structure findings (kept as given).

    ``reviews`` (a frame or a CSV path) attaches verdicts; by default none are attached, so
    parsing one report never reads data/reviews.csv and a bad reviews file cannot make a
    report fail to parse. :func:`with_corpus_checks` attaches the project's verdicts.
    """
    checks = schema.frame("checks", check_rows(ReportView.of(report), structure=structure))
    if reviews is not None:
        checks = apply_reviews(checks, reviews)
    return enforce(checks, strict=strict)


def check_rows(view: ReportView, *, structure: Iterable[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """:func:`check_report` on a :class:`ReportView`, as ``checks`` row dicts with fingerprints
    (no verdicts, soft mode): what the pipeline holds until it builds a batch's frames."""
    rows = [{"report_id": view.report_id, **row} for row in structure]
    for declared in RULES.values():
        if not declared.corpus:
            rows.extend({"report_id": view.report_id, **row} for row in declared.func(view))
    return fingerprinted(rows)


def with_corpus_checks(corpus: Corpus, *, strict: bool = False,
                       reviews: pl.DataFrame | str | os.PathLike | None = None) -> Corpus:
    """Add the corpus-wide rules (year-on-year continuity) to ``corpus.checks`` and attach review verdicts.

    ``reviews`` defaults to the project's data/reviews.csv ($GOVDATA_REVIEWS overrides it).
    Running it again replaces the corpus-wide rows instead of adding them twice.
    """
    corpus_checks = {r.check for r in RULES.values() if r.corpus}
    view = CorpusView(corpus)
    rows = [row for declared in RULES.values() if declared.corpus for row in declared.func(view)]
    kept = schema.conform("checks", corpus.checks).filter(~pl.col("check").is_in(sorted(corpus_checks)))
    checks = pl.concat([kept, schema.frame("checks", rows)], how="vertical")
    checks = apply_reviews(with_fingerprints(checks), reviews)
    return dataclasses.replace(corpus, checks=enforce(checks, strict=strict))


__all__ = [
    "FAIL", "NOT_ASSESSABLE", "PASS", "RULES", "ChecksFailed", "Operand", "check_report", "check_rows", "checks_reading_only",
    "corpus_rule_cells", "enforce", "errors", "judge", "judge_share", "rule", "with_corpus_checks",
]
