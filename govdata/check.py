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

A person's verdict on a finding lives in ``data/reviews.csv`` and is attached by
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
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, NamedTuple

import polars as pl

from govdata import labels, schema
from govdata.harmonize import legacy_fact_map
from govdata.model import Corpus, Report
from govdata.reviews import apply_reviews, fingerprinted, with_fingerprints

PASS, FAIL, NOT_ASSESSABLE = "pass", "fail", "not_assessable"
ERROR, WARNING = "error", "warning"

# Structure findings (missing_table, extra_cells, missing_cells, unmapped_label, truncated_table, …)
# come from the parser already as check rows; check_report keeps them as given (docs/schema.md).

# ---------------------------------------------------------------------------------------------
# The form's rows and columns (keys from the data contract; Chinese labels from labels.csv)
# ---------------------------------------------------------------------------------------------

REQUESTERS = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org")
COLUMNS = (*REQUESTERS, "total")
WITHHELD_ROWS = tuple(f"withheld.{k}" for k in ("state_secret", "prohibited_by_law", "security_stability", "third_party",
                                                 "internal_affairs", "process_info", "enforcement_files", "query_matter"))
UNABLE_ROWS = ("unable.not_held", "unable.needs_creation", "unable.unclear")
NOT_PROCESSED_ROWS = tuple(f"not_processed.{k}" for k in ("petition", "duplicate", "publication", "excessive", "confirmation"))
OTHER_ROWS = {"2019": ("other",), "2021": ("other.no_amendment", "other.unpaid_fee", "other.other")}
# (一)…(六): every row that counts how a request ended. 部分公开 counts once (the form says so).
BASE_OUTCOME_ROWS = ("granted", "partial", *WITHHELD_ROWS, *UNABLE_ROWS, *NOT_PROCESSED_ROWS)

T4_PROCEEDINGS = ("review", "litigation_direct", "litigation_after_review")
T4_PARTS = ("upheld", "corrected", "other", "pending")

# Short forms of the long 表三 labels, for messages; the canonical labels stay in labels.csv.
_SHORT_ROW_ZH = {"new": "本年新收", "carried_over": "上年结转", "total": "（七）总计", "carried_forward": "结转下年度继续办理"}
# 其他 alone is ambiguous in messages (其他处理 is also a row): name the column's group.
_SHORT_REQUESTER_ZH = {"other_org": "其他（法人或其他组织）"}
_T4_PROCEEDING_ZH = {"review": "行政复议", "litigation_direct": "行政诉讼（未经复议直接起诉）",
                     "litigation_after_review": "行政诉讼（复议后起诉）"}

# ---------------------------------------------------------------------------------------------
# What the narrative's numbers are about (fact keys: docs/facts.md)
# ---------------------------------------------------------------------------------------------

# fact key -> the 表三 rows whose 总计 cells the stated number adds up. 受理 counts 新收 and
# 上年结转 (晋江市 2023: 受理 248 = 新收 247 + 结转 1).
FACT_TABLE3_ROWS: dict[str, tuple[str, ...]] = {
    "requests.received": ("new", "carried_over"),
    "requests.concluded": ("total",),
    "requests.carried_forward": ("carried_forward",),
    "outcome.granted": ("granted",),
    "outcome.partial": ("partial",),
    "outcome.withheld": WITHHELD_ROWS,
    "outcome.unable": UNABLE_ROWS,
    "outcome.not_processed": NOT_PROCESSED_ROWS,
    # the 2019 form's grounds for 不予公开 restate one 表三 row each
    **{f"withheld_reason.{row.partition('.')[2]}": (row,) for row in WITHHELD_ROWS},
}
# fact key -> 表四 (proceeding, outcome) cells it adds up.
FACT_TABLE4_CELLS: dict[str, tuple[tuple[str, str], ...]] = {
    "review.total": (("review", "total"),),
    "litigation.total": (("litigation_direct", "total"), ("litigation_after_review", "total")),
}
# Which prose numbers restate which 附表 indicator (this year's column) is data shared with the
# harmonize stage: govdata/data/legacy_fact_map.csv (one key, or several keys whose sum it is).
# fact key -> 附表 indicator (历史累计 column); the map above covers this year's column only.
FACT_LEGACY_CUMULATIVE: dict[str, str] = {
    "proactive.cumulative": "proactive_total",
    "requests.cumulative": "requests_total",
    "review.cumulative": "reviews",
    "litigation.cumulative": "litigations",
}
# 附表 totals and the indicators that must add up to them.
LEGACY_PARTS: dict[str, tuple[str, ...]] = {
    "requests_total": ("requests_in_person", "requests_online", "requests_letter"),
    "responses_total": ("responses_granted", "responses_partial", "responses_withheld", "responses_other"),
}
# A family of stated counts -> the stated total they add up to (and that their shares are of), in
# order of preference: answers add up to the requests concluded when the prose states that
# number (晋江市 2023: 办结 243 of 受理 248), else to the requests received.
FACT_FAMILY_TOTAL: dict[str, tuple[str, ...]] = {
    "proactive.category.": ("proactive.total",),
    "proactive.issuer.": ("proactive.total",),
    "requests.channel.": ("requests.received",),
    "outcome.": ("requests.concluded", "requests.received"),
    "withheld_reason.": ("outcome.withheld",),
}
_FACT_ZH = {
    "proactive.total": "主动公开信息", "proactive.cumulative": "历年累计主动公开信息",
    "proactive.channel.website": "政府网站公开", "proactive.channel.gazette": "政府公报公开",
    "requests.received": "受理申请", "requests.concluded": "办结申请", "requests.carried_forward": "结转下年度",
    "requests.cumulative": "历年累计受理申请",
    "requests.channel.in_person": "当面申请", "requests.channel.online": "网络申请", "requests.channel.letter": "信函申请",
    "outcome.granted": "予以公开", "outcome.partial": "部分公开", "outcome.withheld": "不予公开",
    "outcome.already_public": "属于已主动公开", "outcome.not_ours": "不属于本机关", "outcome.not_exist": "信息不存在",
    "outcome.amend": "告知补正", "outcome.other_channel": "通过其他途径办理", "outcome.unable": "无法提供",
    "outcome.not_processed": "不予处理",
    "complaints.total": "申诉举报", "review.total": "行政复议", "litigation.total": "行政诉讼",
    "review.cumulative": "历年累计行政复议", "litigation.cumulative": "历年累计行政诉讼",
    "proactive.issuer.government": "各级政府主动公开", "proactive.issuer.department": "各级政府部门主动公开",
    "proactive.channel.reading_room": "公共查阅场所", "proactive.channel.media": "微博微信、报刊广播电视",
    "proactive.category.organization": "机构职能类信息", "proactive.category.policy_documents": "政策、规范性文件类信息",
    "proactive.category.plans": "规划计划类信息", "proactive.category.licensing": "行政许可类信息",
    "proactive.category.major_projects": "重大建设项目类信息", "proactive.category.public_service_projects": "为民办实事类信息",
    "proactive.category.social_security": "民政扶贫救灾社会保障就业类信息",
    "proactive.category.land_construction_environment": "国土资源城乡建设环保能源类信息",
    "proactive.category.education_culture_health": "科教文体卫生类信息",
    "proactive.category.safety_emergency": "安全生产、应急管理类信息", "proactive.category.other": "其他类信息",
    "withheld_reason.state_secret": "涉及国家秘密", "withheld_reason.commercial_secret": "涉及商业秘密",
    "withheld_reason.personal_privacy": "涉及个人隐私", "withheld_reason.security_stability": "危及“三安全一稳定”",
    "withheld_reason.not_government_info": "不属于《条例》所指的政府信息",
    "withheld_reason.prohibited_by_law": "法律法规禁止公开", "withheld_reason.third_party": "保护第三方合法权益",
    "withheld_reason.internal_affairs": "属于三类内部事务信息", "withheld_reason.process_info": "属于四类过程性信息",
    "withheld_reason.enforcement_files": "属于行政执法案卷", "withheld_reason.query_matter": "属于行政查询事项",
}
_FAMILY_ZH = {"proactive.category.": "主动公开信息类别", "proactive.issuer.": "主动公开主体", "requests.channel.": "申请方式",
              "outcome.": "答复类型",
              "withheld_reason.": "不予公开原因"}

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
    """A declared rule: the check key its rows carry, whether it reads one report or the corpus."""

    check: str
    name: str
    description: str
    func: Callable[..., Iterable[dict[str, Any]]]
    corpus: bool = False


RULES: dict[str, Rule] = {}


def rule(check: str, *, corpus: bool = False) -> Callable:
    """Register a rule function under its ``check`` key (several functions may share one key)."""

    def register(func: Callable) -> Callable:
        description = (func.__doc__ or "").strip().splitlines()[0]
        RULES[func.__name__] = Rule(check, func.__name__, description, func, corpus)
        return func

    return register


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
    if row in _SHORT_ROW_ZH:
        return _SHORT_ROW_ZH[row]
    group, _, sub = row.partition(".")
    label = labels.labels_for("table3", "row").get(row, row)
    return f"{labels.labels_for('table3', 'group').get(group, group)}·{label}" if sub else label


@lru_cache(maxsize=64)
def _requester_zh(requester: str) -> str:
    return _SHORT_REQUESTER_ZH.get(requester) or labels.labels_for("table3", "requester").get(requester, requester)


@lru_cache(maxsize=1024)
def _fact_zh(key: str) -> str:
    if key in _FACT_ZH:
        return _FACT_ZH[key]
    family = _family(key)
    return f"{_FAMILY_ZH[family]}“{key[len(family):]}”" if family else key


def _family(key: str) -> str | None:
    return next((family for family in FACT_FAMILY_TOTAL if key.startswith(family)), None)


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
        zh = f"附表“{labels.labels_for('legacy', 'indicator').get(indicator, indicator)}”"
        if column == "cumulative":
            zh += "历史累计"
        if row is None:
            return Operand(zh, None, None)
        return Operand(f"{zh}（第{row['line']}行）", row[column], "", row["line"])

    def outcome_rows(self) -> tuple[str, ...]:
        """(一)…(六) rows of this report: 2019 prints (六)其他处理 as one row, 2021 as three."""
        printed_other = tuple(r for r in ("other", *OTHER_ROWS["2021"]) if r in self.rows3)
        return (*BASE_OUTCOME_ROWS, *(printed_other or OTHER_ROWS.get(self.template or "", OTHER_ROWS["2019"])))


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


@rule("identity")
def identity(view: ReportView) -> list[dict[str, Any]]:
    """收办平衡, per column of 表三: 本年新收 + 上年结转 = (七)总计 + 结转下年度继续办理 (printed in the form)."""
    if not view.table3:
        return []
    return [
        judge("identity", f"column={col}", f"收办平衡（{_requester_zh(col)}列）",
              [view.t3("new", col, "本年新收"), view.t3("carried_over", col, "上年结转")],
              [view.t3("total", col, "（七）总计"), view.t3("carried_forward", col, "结转下年度继续办理")],
              line=view.line3("total", col) or view.line3("new", col))
        for col in COLUMNS
    ]


@rule("row_sum")
def row_sum(view: ReportView) -> list[dict[str, Any]]:
    """横向合计, per row of 表三: the six requester columns add up to the row's 总计."""
    return [
        judge("row_sum", f"row={row}", f"横向合计（{_row_zh(row)}）",
              [view.t3(row, col, _requester_zh(col)) for col in REQUESTERS], [view.t3(row, "total", "总计")],
              line=view.line3(row))
        for row in view.rows3
    ]


@rule("column_sum")
def column_sum(view: ReportView) -> list[dict[str, Any]]:
    """明细合计, per column of 表三: the outcome rows (一)…(六) add up to (七)总计 (部分公开 counts once)."""
    if not view.table3:
        return []
    rows = view.outcome_rows()
    return [
        judge("column_sum", f"column={col}", f"纵向合计（{_requester_zh(col)}列）",
              [view.t3(row, col, _row_zh(row)) for row in rows], [view.t3("total", col, "（七）总计")],
              line=view.line3("total", col))
        for col in COLUMNS
    ]


@rule("t4_total")
def t4_total(view: ReportView) -> list[dict[str, Any]]:
    """表四, per proceeding: 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计."""
    if not view.table4:
        return []
    outcome_zh = labels.labels_for("table4", "outcome")
    rows = []
    for proceeding in T4_PROCEEDINGS:
        total = view.t4(proceeding, "total", "总计")
        rows.append(judge("t4_total", f"proceeding={proceeding}", f"{_T4_PROCEEDING_ZH[proceeding]}合计",
                          [view.t4(proceeding, part, outcome_zh[part]) for part in T4_PARTS], [total], line=total.line))
    return rows


@rule("text_vs_table")
def text_vs_table(view: ReportView) -> list[dict[str, Any]]:
    """A number the narrative states about 表三 or 表四 equals the table (受理 248 = 新收 247 + 结转 1)."""
    rows = []
    for fact in view.facts:
        key = fact["key"]
        if key in FACT_TABLE3_ROWS and view.table3:
            table = [view.t3(row, "total", f"表三“{_row_zh(row)}”总计") for row in FACT_TABLE3_ROWS[key]]
            table = [op._replace(label=f"{op.label}（第{op.line}行）") if op.line else op for op in table]
        elif key in FACT_TABLE4_CELLS and view.table4:
            table = [view.t4(p, o, f"表四“{_T4_PROCEEDING_ZH[p]}·总计”") for p, o in FACT_TABLE4_CELLS[key]]
            table = [op._replace(label=f"{op.label}（第{op.line}行）") if op.line else op for op in table]
        else:
            continue
        rows.append(judge("text_vs_table", _fact_scope(fact), f"正文与表格（{_fact_zh(key)}）", table,
                          [_fact_operand(fact)], line=fact["line"]))
    return rows


@rule("legacy_vs_text")
def legacy_vs_text(view: ReportView) -> list[dict[str, Any]]:
    """附表 values of a pre-2019 report agree with the same quantities stated in the prose (legacy_fact_map.csv)."""
    if not view.legacy_rows:
        return []
    rows = []
    for indicator, keys in legacy_fact_map().items():
        if len(keys) == 1:
            rows.extend(_legacy_vs_statement(view, indicator, "value", fact) for fact in view.facts if fact["key"] == keys[0])
        else:
            rows.extend(_legacy_vs_listing(view, indicator, keys))
    for key, indicator in FACT_LEGACY_CUMULATIVE.items():
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
    zh = labels.labels_for("legacy", "indicator").get(indicator, indicator)
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


@rule("percent_vs_count")
def percent_vs_count(view: ReportView) -> list[dict[str, Any]]:
    """A printed share (占 26.41%) matches count / stated total, rounded or truncated to the printed decimals."""
    rows = []
    for fact in view.facts:
        if fact["share"] is None:
            continue
        family = _family(fact["key"])
        subject = f"占比（{_fact_zh(fact['key'])}）"
        base = _stated_total(view, FACT_FAMILY_TOTAL[family], fact["line"]) if family else None
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


@rule("category_sum")
def category_sum(view: ReportView) -> list[dict[str, Any]]:
    """Counts the prose lists by category (类别, 申请方式, 答复类型, 不予公开原因) add up to the stated total."""
    rows = []
    for family, total_keys in FACT_FAMILY_TOTAL.items():
        members = [f for f in view.facts if f["key"].startswith(family) and f["key"] not in total_keys]
        for group in _fact_groups(members):
            if len(group) < 2:
                continue
            base = _stated_total(view, total_keys, group[0]["line"])
            scope = f"facts={family}*@{group[0]['line']}"
            subject = f"分类合计（{_FAMILY_ZH[family]}）"
            parts = [Operand(f"“{_fact_zh(f['key'])}”", f["value"], "", f["line"]) for f in group]
            if base is None:
                rows.append(_not_assessable("category_sum", scope, subject, [f"正文未写明“{_fact_zh(total_keys[-1])}”总数"],
                                            line=group[0]["line"], severity=WARNING))
                continue
            rows.append(judge("category_sum", scope, subject, parts, [_fact_operand(base)], line=base["line"], severity=WARNING))
    return rows


@rule("category_sum")
def legacy_category_sum(view: ReportView) -> list[dict[str, Any]]:
    """附表: 当面 + 网络 + 信函 = 受理总数 and 同意 + 部分 + 不予 + 其他 = 答复总数, this year and 历史累计."""
    rows = []
    for total, parts in LEGACY_PARTS.items():
        for column in ("value", "cumulative"):
            operands = [view.legacy(ind, column) for ind in (*parts, total)]
            if all(op.value is None for op in operands):
                continue
            zh = labels.labels_for("legacy", "indicator").get(total, total)
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
        self._frames = {name: getattr(corpus, name) for name in ("table2", "table3")}
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


@rule("carry_over_continuity", corpus=True)
def carry_over_continuity(corpus: CorpusView) -> list[dict[str, Any]]:
    """An agency's 结转下年度继续办理 in year N equals its 上年结转 in year N+1, per column of 表三."""
    rows = []
    for prev, cur in corpus.consecutive_pairs():
        before, after = corpus.view(prev), corpus.view(cur)
        if not before.table3 or not after.table3:
            continue
        for col in COLUMNS:
            carried_forward = before.t3("carried_forward", col, f"{prev['year']}年报告“结转下年度继续办理”")
            carried_over = after.t3("carried_over", col, f"{cur['year']}年报告“上年结转”")
            rows.append({"report_id": cur["report_id"], **judge(
                "carry_over_continuity", f"column={col};previous={prev['report_id']}",
                f"跨年结转衔接（{_requester_zh(col)}列，上年报告 {prev['source']}）",
                [_with_line(carried_forward)], [_with_line(carried_over)], line=carried_over.line)})
    return rows


@rule("carry_over_continuity", corpus=True)
def in_force_continuity(corpus: CorpusView) -> list[dict[str, Any]]:
    """2021 表二: 现行有效件数(N-1) + 本年制发件数(N) − 本年废止件数(N) = 现行有效件数(N) (a warning: 清理 also repeals)."""
    item_zh = labels.labels_for("table2", "item")
    rows = []
    for prev, cur in corpus.consecutive_pairs():
        before, after = corpus.view(prev), corpus.view(cur)
        items = [item for (item, measure) in after.table2 if measure == "in_force"]
        if not items or not any(measure == "in_force" for (_, measure) in before.table2):
            continue
        for item in items:
            expected = [_with_line(before.t2(item, "in_force", f"{prev['year']}年“现行有效件数”")),
                        _with_line(after.t2(item, "made", f"{cur['year']}年“本年制发件数”")),
                        _with_line(after.t2(item, "repealed", f"{cur['year']}年“本年废止件数”"))._replace(sign=-1)]
            actual = _with_line(after.t2(item, "in_force", f"{cur['year']}年“现行有效件数”"))
            rows.append({"report_id": cur["report_id"], **judge(
                "carry_over_continuity", f"item={item};previous={prev['report_id']}",
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
    "FAIL", "NOT_ASSESSABLE", "PASS", "RULES", "ChecksFailed", "Operand", "check_report", "check_rows", "enforce", "errors",
    "judge", "judge_share", "rule", "with_corpus_checks",
]
