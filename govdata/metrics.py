"""Metrics researchers compare across agencies and years: outcome shares, workload, corrections.

Why a module of small functions: notebooks, briefings and tests must compute a share the
same way, so every number a chart shows comes from one function here, with its numerator
and denominator named (:data:`SHARE_METRICS`) and a one-line definition in Chinese and
English that the briefings print next to the number.

Three rules hold for every result frame:

* **Uncertainty is shown.** Rates come with a Wilson 95% interval (:func:`wilson_interval`),
  which stays inside [0, 1] and behaves for 0 and n, unlike the normal approximation.
* **Tiny denominators are not ranked.** Below ``min_n`` handled requests (default
  :data:`DEFAULT_MIN_N`) the rate is null and ``is_below_min_n`` is true, so a district
  office with 3 requests and 1 refusal does not top a chart at 33%. Numerator and
  denominator stay in the frame.
* **Checks travel with the numbers.** Every row carries ``input_status`` and
  ``failed_checks`` of the report it rests on (:func:`report_check_status`), so a chart
  can mark a value whose report fails an accounting rule instead of hiding the problem.

Example:
    >>> import polars as pl
    >>> from govdata import schema
    >>> outcomes = schema.frame("outcomes", [
    ...     {"report_id": "r1", "agency_id": "a", "year": 2023, "template": "2021",
    ...      "outcome": key, "value": value, "source": "table3"}
    ...     for key, value in {"granted": 60, "partial": 10, "withheld": 10, "unable": 15,
    ...                        "not_processed": 3, "other": 2, "total": 100}.items()])
    >>> shares = outcome_shares(outcomes, metrics=["share_withheld"])
    >>> shares.select("metric", "numerator", "denominator", "share").row(0)
    ('share_withheld', 10, 100, 0.1)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

from govdata import check, fact_keys, form, schema, terms
from govdata.model import Corpus

DEFAULT_MIN_N = 30
"""Fewest handled requests (or review/litigation cases) a rate is shown for."""

Z_95 = 1.959963984540054
"""Standard normal quantile for a two-sided 95% interval."""

OUTCOME_KEYS: tuple[str, ...] = form.outcome_keys()

OUTCOME_LABELS_ZH: dict[str, str] = {key: form.outcome_label_zh(key) for key in OUTCOME_KEYS}

OUTCOME_LABELS_EN: dict[str, str] = {
    "granted": "granted in full",
    "partial": "granted in part",
    "withheld": "withheld",
    "unable": "unable to provide",
    "not_processed": "not processed",
    "other": "other handling",
    "total": "total handled",
}

# Sources of one outcome value, most trusted first: the printed table beats the 附表 of a
# legacy report, which beats a number stated in the prose.
SOURCE_PRIORITY: tuple[str, ...] = ("table3", "legacy", "facts")

# Check keys whose rules read one table only, as the rules declare it (govdata/check.py,
# ``reads=``). A failure of a rule about 主动公开 (table 2) says nothing about how requests
# ended, and 表四 sums say nothing about 表三. Every other key — including the parser's
# structure findings — counts against request and outcome metrics, which errs on the side of flagging.
TABLE2_CHECKS = check.checks_reading_only({"table2"})
TABLE4_CHECKS = check.checks_reading_only({"table4"})

INPUT_STATUS_ORDER: tuple[str, ...] = ("fail", "warning", "pass", "not_assessable", "unchecked")
"""``input_status`` values, worst first: an error-severity failure, a warning-only failure,
every applicable rule passed, no rule could be assessed, no rule was applied at all."""


@dataclass(frozen=True)
class Metric:
    """A rate with a named numerator and denominator and the definition briefings print.

    ``numerator`` and ``denominator`` are outcome keys (of the ``outcomes`` frame) that are
    summed; a report that lacks any of them has no value for the metric (null), because a
    legacy 附表 that never printed 无法提供 did not report zero.
    """

    name: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    label_zh: str
    label_en: str
    definition_zh: str
    definition_en: str

    @property
    def numerator_zh(self) -> str:
        """The numerator as Chinese outcome labels, e.g. ``不予公开 + 无法提供``."""
        return " + ".join(OUTCOME_LABELS_ZH[key] for key in self.numerator)

    @property
    def denominator_zh(self) -> str:
        return " + ".join(OUTCOME_LABELS_ZH[key] for key in self.denominator)


SHARE_METRICS: dict[str, Metric] = {
    metric.name: metric
    for metric in (
        Metric("share_withheld", ("withheld",), ("total",), "不予公开占比", "share withheld",
               "不予公开 ÷ 办理结果总计：本年度办理完结的申请中，决定不予公开的比例。",
               "Withheld ÷ total handled: share of the year's handled requests refused disclosure (不予公开)."),
        Metric("share_denied_broad", ("withheld", "unable", "not_processed"), ("total",), "未获公开占比（广义）",
               "share denied (broad)",
               "（不予公开 + 无法提供 + 不予处理）÷ 办理结果总计：申请人最终没有得到所申请信息的比例。",
               "(Withheld + unable to provide + not processed) ÷ total handled: requests that ended without the "
               "information being disclosed."),
        Metric("share_granted_full", ("granted",), ("total",), "予以公开占比", "share granted in full",
               "予以公开 ÷ 办理结果总计：所申请信息全部公开的比例。",
               "Granted ÷ total handled: share of handled requests where all requested information was disclosed."),
        Metric("share_granted_any", ("granted", "partial"), ("total",), "全部或部分公开占比", "share granted (full or partial)",
               "（予以公开 + 部分公开）÷ 办理结果总计：至少公开了部分所申请信息的比例。",
               "(Granted + partially granted) ÷ total handled: share of handled requests where at least part of "
               "the information was disclosed."),
        Metric("share_unable", ("unable",), ("total",), "无法提供占比", "share unable to provide",
               "无法提供 ÷ 办理结果总计：机关不掌握、需另行制作或申请内容不明确而无法提供的比例。",
               "Unable to provide ÷ total handled: the agency does not hold the information, it would have to be "
               "created, or the request stayed unclear."),
        Metric("share_not_processed", ("not_processed",), ("total",), "不予处理占比", "share not processed",
               "不予处理 ÷ 办理结果总计：信访举报投诉、重复申请、要求提供公开出版物等不予处理的比例。",
               "Not processed ÷ total handled: petitions, duplicates, requests for publications and the like, "
               "which the Regulations let an agency decline to process."),
    )
}

OTHER_DEFINITIONS: dict[str, tuple[str, str, str]] = {
    # name: (label_zh, definition_zh, definition_en)
    "requests_new": ("本年新收申请数", "表三“本年新收政府信息公开申请数量”总计列；旧版报告取附表“受理政府信息公开申请总数”。",
                     "New requests received in the year (table 3 row 一, total column; legacy reports: 附表 requests_total)."),
    "carry_over_ratio": ("结转比例", "结转下年度继续办理 ÷（本年新收 + 上年结转）：本年度未办结、转入下一年的申请比例。",
                         "Carried forward ÷ (new + carried over): share of the year's workload still open at year end."),
    "correction_rate": ("纠正率", "结果纠正 ÷ 总计：行政复议或行政诉讼中结果被纠正的比例。",
                        "Corrected ÷ total: share of administrative reviews or lawsuits whose outcome corrected the agency."),
    "requester_share": ("申请人构成", "某类申请人的本年新收申请数 ÷ 各类申请人新收申请数之和。",
                        "New requests from one kind of requester ÷ new requests from all kinds of requesters."),
}

REQUESTER_KEYS: tuple[str, ...] = form.requesters(include_total=False)

REQUESTER_LABELS_ZH: dict[str, str] = dict(form.labels_zh("table3", "requester", short=True))

# 表四's proceedings and 行政诉讼 (``litigation``), the sum of its two columns, in printed order.
PROCEEDING_LABELS_ZH: dict[str, str] = {key: form.short_label_zh("table4", "proceeding", key)
                                        for key in form.proceedings(include_header=True)}
_LITIGATION_PARTS = form.keys("table4", "proceeding", group="litigation")


def metric_definitions(names: Iterable[str] | None = None) -> pl.DataFrame:
    """One row per metric: name, Chinese label, numerator, denominator and both definitions.

    Briefings print this table under the charts so every number shown is defined on the page.
    """
    rows = []
    for metric in SHARE_METRICS.values():
        rows.append({"metric": metric.name, "label_zh": metric.label_zh, "numerator": metric.numerator_zh,
                     "denominator": metric.denominator_zh, "definition_zh": metric.definition_zh,
                     "definition_en": metric.definition_en})
    for name, (label_zh, definition_zh, definition_en) in OTHER_DEFINITIONS.items():
        rows.append({"metric": name, "label_zh": label_zh, "numerator": None, "denominator": None,
                     "definition_zh": definition_zh, "definition_en": definition_en})
    frame = pl.DataFrame(rows, schema={"metric": pl.String, "label_zh": pl.String, "numerator": pl.String,
                                       "denominator": pl.String, "definition_zh": pl.String, "definition_en": pl.String})
    if names is not None:
        wanted = list(names)
        frame = frame.filter(pl.col("metric").is_in(wanted))
    return frame


def subset(frame: pl.DataFrame, *, agencies: Sequence[str] = (), years: Sequence[int] = ()) -> pl.DataFrame:
    """Rows of the given agencies and years; an empty selection means all (the notebooks' default).

    Example:
        >>> subset(pl.DataFrame({"agency_id": ["a", "b"], "year": [2019, 2020]}), agencies=["b"]).height
        1
    """
    if agencies:
        frame = frame.filter(pl.col("agency_id").is_in(list(agencies)))
    if years:
        frame = frame.filter(pl.col("year").is_in([int(y) for y in years]))
    return frame


# --------------------------------------------------------------------------- intervals


def wilson_interval(successes: float, n: float, *, z: float = Z_95) -> tuple[float | None, float | None]:
    """Wilson score interval for a proportion; ``(None, None)`` when ``n`` is 0 or missing.

    Example:
        >>> [round(x, 4) for x in wilson_interval(5, 10)]
        [0.2366, 0.7634]
    """
    if n is None or successes is None or n <= 0:
        return (None, None)
    p = successes / n
    denominator = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, center - half), min(1.0, center + half))


def wilson_exprs(successes: pl.Expr, n: pl.Expr, *, z: float = Z_95) -> tuple[pl.Expr, pl.Expr]:
    """The Wilson interval as two Polars expressions (low, high); null where ``n`` is 0 or null.

    Same formula as :func:`wilson_interval`, vectorised so a corpus of thousands of reports
    is one frame operation.
    """
    n_float = n.cast(pl.Float64)
    p = successes.cast(pl.Float64) / n_float
    denominator = 1 + z * z / n_float
    center = (p + z * z / (2 * n_float)) / denominator
    half = z * ((p * (1 - p) / n_float + z * z / (4 * n_float * n_float)).sqrt()) / denominator
    valid = n.is_not_null() & (n > 0) & successes.is_not_null()
    low = pl.when(valid).then(pl.max_horizontal(pl.lit(0.0), center - half))
    high = pl.when(valid).then(pl.min_horizontal(pl.lit(1.0), center + half))
    return low, high


def _with_rate(frame: pl.DataFrame, numerator: str, denominator: str, *, rate: str, min_n: int) -> pl.DataFrame:
    """Add ``rate``, ``ci_low``, ``ci_high`` and ``is_below_min_n`` from two count columns."""
    low, high = wilson_exprs(pl.col(numerator), pl.col(denominator))
    is_below = pl.col(denominator).is_null() | (pl.col(denominator) < min_n)
    shown = ~is_below & (pl.col(denominator) > 0) & pl.col(numerator).is_not_null()
    return frame.with_columns(
        pl.when(shown).then(pl.col(numerator).cast(pl.Float64) / pl.col(denominator).cast(pl.Float64)).alias(rate),
        pl.when(shown).then(low).alias("ci_low"),
        pl.when(shown).then(high).alias("ci_high"),
        is_below.alias("is_below_min_n"),
    )


# --------------------------------------------------------------------------- checks status

Frame = pl.DataFrame | pl.LazyFrame
"""Inputs of the corpus-wide functions: an in-memory frame, or a lazy scan of a store
(``govdata.store.scan_frame``) so that only the columns and rows a result needs are read."""

STREAMING = "streaming"
"""Polars engine for aggregations over whole frames of a store (millions of check rows):
it reads the Parquet files in batches instead of holding every row at once (0.12 GB and
0.3 s instead of 0.7 GB and 0.4 s for the 3.7 million check rows of 100,000 reports)."""


def _lazy(frame: Frame) -> pl.LazyFrame:
    return frame.lazy() if isinstance(frame, pl.DataFrame) else frame


def report_check_status(checks: Frame, *, exclude: Iterable[str] = (), only: Iterable[str] | None = None) -> pl.DataFrame:
    """Per report: the worst status of the rules that apply, and which rules failed.

    Returns ``report_id, input_status, failed_checks, is_input_failed``. ``input_status`` is
    ``fail`` when an error-severity rule failed, ``warning`` when only warnings failed,
    ``pass`` when at least one rule passed and none failed, ``not_assessable`` when no rule
    could be assessed. A failure a reviewer dismissed counts as a pass. Reports without any check row get ``unchecked`` when joined with
    :func:`attach_check_status`. ``checks`` may be a lazy scan: only five of its columns are read.

    Example:
        >>> from govdata import schema
        >>> checks = schema.frame("checks", [
        ...     {"report_id": "r1", "check": "identity", "status": "fail", "severity": "error"},
        ...     {"report_id": "r1", "check": "row_sum", "status": "pass", "severity": "error"}])
        >>> report_check_status(checks).row(0)
        ('r1', 'fail', 'identity', True)
    """
    selected = _lazy(checks).select("report_id", "check", "status", "severity", "verdict")
    if only is not None:
        selected = selected.filter(pl.col("check").is_in(list(only)))
    excluded = list(exclude)
    if excluded:
        selected = selected.filter(~pl.col("check").is_in(excluded))
    # A failure a reviewer dismissed (data/reviews.csv, see govdata/check.py) counts as a pass:
    # the reviewer found the report right and the rule wrong. A confirmed or unreviewed one counts.
    is_dismissed = (pl.col("status") == "fail") & (pl.col("verdict") == "dismissed").fill_null(False)
    is_fail = (pl.col("status") == "fail") & ~is_dismissed
    # Two passes: boolean flags over every row (cheap, streams), the names of the failed rules
    # over the failed rows only (few), instead of one string aggregation over every row.
    flags = selected.group_by("report_id").agg(
        (is_fail & (pl.col("severity") != "warning")).any().alias("_error"),
        (is_fail & (pl.col("severity") == "warning")).any().alias("_warning"),
        ((pl.col("status") == "pass") | is_dismissed).any().alias("_pass"),
    )
    failed = selected.filter(is_fail).group_by("report_id").agg(
        pl.col("check").unique().sort().str.join(", ").alias("failed_checks"))
    flags, failed = pl.collect_all([flags, failed], engine=STREAMING)
    return (
        flags.join(failed, on="report_id", how="left")
        .with_columns(
            pl.col("failed_checks").fill_null(""),
            pl.when("_error").then(pl.lit("fail"))
            .when("_warning").then(pl.lit("warning"))
            .when("_pass").then(pl.lit("pass"))
            .otherwise(pl.lit("not_assessable"))
            .alias("input_status"),
        )
        .with_columns((pl.col("input_status") == "fail").alias("is_input_failed"))
        .select("report_id", "input_status", "failed_checks", "is_input_failed")
        .sort("report_id")
    )


def attach_check_status(frame: pl.DataFrame, checks: Frame | None, *, exclude: Iterable[str] = (),
                        only: Iterable[str] | None = None) -> pl.DataFrame:
    """Join :func:`report_check_status` onto a per-report frame; reports without checks are ``unchecked``."""
    if checks is None:
        checks = schema.empty("checks")
    status = report_check_status(checks, exclude=exclude, only=only)
    return frame.join(status, on="report_id", how="left").with_columns(
        pl.col("input_status").fill_null("unchecked"),
        pl.col("failed_checks").fill_null(""),
        pl.col("is_input_failed").fill_null(False),
    )


OUTCOME_CHECK_EXCLUDE = TABLE2_CHECKS | TABLE4_CHECKS


# --------------------------------------------------------------------------- outcome shares

_REPORT_KEYS = ["report_id", "agency_id", "year", "template"]


def _changed(key: str) -> str:
    """Column of :func:`outcomes_wide` (``definition_flags=True``): the key's value was filed under a changed definition."""
    return f"is_definition_changed_{key}"


def _outcomes_wide_lazy(outcomes: Frame) -> pl.LazyFrame:
    """Wide outcomes (one column per key) plus, per key, whether its value was filed under a changed definition.

    One group-by, no join per outcome key: the 636,000 outcome rows of 100,000 reports become
    wide in about 0.3 s (seven joins took 0.5 s and twice the memory). The chosen value of a
    key is the one from the most trusted source (:data:`SOURCE_PRIORITY`; rows of the same
    source keep their order).
    """
    lazy = _lazy(outcomes)
    has_flag = "is_definition_changed" in lazy.collect_schema().names()
    priority = {source: rank for rank, source in enumerate(SOURCE_PRIORITY)}
    flag = pl.col("is_definition_changed").fill_null(False) if has_flag else pl.lit(False)
    # Stable sort by source rank, then the first row of each report and key: the most trusted
    # value. (A group-by with sort_by().first() gives the same and takes three times as long.)
    chosen = (
        lazy.with_columns(pl.col("source").replace_strict(priority, default=len(priority), return_dtype=pl.Int64).alias("_rank"),
                          flag.alias("_changed"))
        .sort("_rank", maintain_order=True)
        .unique(subset=[*_REPORT_KEYS, "outcome"], keep="first", maintain_order=True)
    )
    # One row per report and key is left, so max() picks that row's value (max of booleans = any);
    # a report whose rows are all of keys outside OUTCOME_KEYS still gets a row (all null).
    return chosen.group_by(_REPORT_KEYS).agg(
        *[pl.when(pl.col("outcome") == key).then(pl.col("value")).max().cast(pl.Int64).alias(key) for key in OUTCOME_KEYS],
        *[pl.when(pl.col("outcome") == key).then(pl.col("_changed")).max().alias(_changed(key)) for key in OUTCOME_KEYS],
    )


def outcomes_wide(outcomes: Frame, *, definition_flags: bool = False) -> pl.DataFrame:
    """One row per report with one Int64 column per outcome key (null when not reported).

    When a report has the same outcome from several sources, the most trusted one wins
    (:data:`SOURCE_PRIORITY`), so a number is never counted twice. ``outcomes`` may be a
    lazy scan of a store. ``definition_flags=True`` adds ``is_definition_changed_<key>`` per
    key, which :func:`shares_of_wide` needs.
    """
    wide = _outcomes_wide_lazy(outcomes)
    if not definition_flags:
        wide = wide.select(*_REPORT_KEYS, *OUTCOME_KEYS)
    return wide.collect().sort("agency_id", "year", "report_id")


def outcome_shares(outcomes: Frame, checks: Frame | None = None, *,
                   metrics: Sequence[str] | None = None, min_n: int = DEFAULT_MIN_N) -> pl.DataFrame:
    """Outcome shares per report in long form: one row per report and metric.

    Columns: ``report_id, agency_id, year, template, metric, numerator, denominator,
    is_definition_changed, share, ci_low, ci_high, is_below_min_n, input_status,
    failed_checks, is_input_failed``.
    ``share`` and its interval are null when the denominator is below ``min_n``, zero, or
    when an outcome the metric needs was not reported. Either input may be a lazy scan of a
    store (``govdata.store.scan_frame``): only the columns used are read.

    ``is_definition_changed`` is true when any outcome the metric uses was filed under a
    changed definition (docs/harmonization.md), so the share is not strictly comparable
    across the 2019 break.
    """
    return shares_of_wide(_outcomes_wide_lazy(outcomes).collect(), checks, metrics=metrics, min_n=min_n)


def shares_of_wide(wide: pl.DataFrame, checks: Frame | None = None, *, metrics: Sequence[str] | None = None,
                   min_n: int = DEFAULT_MIN_N) -> pl.DataFrame:
    """:func:`outcome_shares` of a frame from ``outcomes_wide(..., definition_flags=True)``.

    For a caller that also needs the wide counts (the trends view draws the outcome mix from
    them): the outcomes are made wide once.
    """
    names = list(metrics) if metrics is not None else list(SHARE_METRICS)
    unknown = [name for name in names if name not in SHARE_METRICS]
    if unknown:
        raise KeyError(f"unknown metric(s) {unknown}; known: {list(SHARE_METRICS)}")
    parts = []
    for name in names:
        metric = SHARE_METRICS[name]
        used = sorted(set(metric.numerator) | set(metric.denominator))
        parts.append(wide.select(
            *_REPORT_KEYS,
            pl.lit(name).alias("metric"),
            _sum_all_or_null(metric.numerator).alias("numerator"),
            _sum_all_or_null(metric.denominator).alias("denominator"),
            pl.any_horizontal([pl.col(_changed(key)) for key in used]).fill_null(False).alias("is_definition_changed"),
        ))
    long = pl.concat(parts) if parts else wide.select(*_REPORT_KEYS).clear()
    long = _with_rate(long, "numerator", "denominator", rate="share", min_n=min_n)
    return attach_check_status(long, checks, exclude=OUTCOME_CHECK_EXCLUDE).sort("metric", "agency_id", "year", "report_id")


def _sum_all_or_null(columns: Sequence[str]) -> pl.Expr:
    """Sum of columns, null if any is null (an unreported outcome is unknown, not zero)."""
    total = pl.sum_horizontal([pl.col(c) for c in columns])
    any_null = pl.any_horizontal([pl.col(c).is_null() for c in columns])
    return pl.when(any_null).then(None).otherwise(total).cast(pl.Int64)


def pooled_shares(shares: pl.DataFrame, *, by: Sequence[str] = ("year",)) -> pl.DataFrame:
    """Pool numerators and denominators of many reports (e.g. all agencies per year).

    Pooling sums counts, so a big agency weighs as much as its requests; reports below the
    minimum N are included (the pool is large even when each report is not). Reports whose
    metric is unknown (null numerator) are left out and counted in ``n_reports_missing``.
    ``input_status`` is ``fail`` when any pooled report fails a rule.
    """
    keys = [*by, "metric"]
    usable = pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    pooled = (
        shares.group_by(keys)
        .agg(
            pl.when(usable.any()).then(pl.col("numerator").filter(usable).sum()).alias("numerator"),
            pl.when(usable.any()).then(pl.col("denominator").filter(usable).sum()).alias("denominator"),
            usable.sum().cast(pl.Int64).alias("n_reports"),
            pl.col("agency_id").filter(usable).n_unique().cast(pl.Int64).alias("n_agencies"),
            (~usable).sum().cast(pl.Int64).alias("n_reports_missing"),
            (pl.col("is_input_failed") & usable).sum().cast(pl.Int64).alias("n_reports_failed"),
        )
        .with_columns(
            pl.when(pl.col("n_reports_failed") > 0).then(pl.lit("fail")).otherwise(pl.lit("pass")).alias("input_status"),
        )
        .with_columns((pl.col("input_status") == "fail").alias("is_input_failed"))
    )
    return _with_rate(pooled, "numerator", "denominator", rate="share", min_n=1).sort(keys)


def pooled_like_for_like(shares: pl.DataFrame, *, break_year: float = 2018.5) -> pl.DataFrame:
    """:func:`pooled_shares` per year and metric, plus what a reader may compare it with.

    A pooled share sums different agencies in different years: 2020 pooled over one agency
    and 2023 over another is no trend. Per year this adds:

    * ``n_agencies`` and, when one agency alone makes the point, ``only_agency_id``;
    * ``segment``: consecutive years (no year missing between them, same side of the 2019
      template change) pooled over *the same* agencies share a segment; charts draw a line
      only within a segment, so a line never joins different sets of agencies or a gap;
    * ``previous_year`` (the year before with data), ``n_agencies_common`` (agencies in
      both years) and, over those agencies only, ``share_common_previous`` and
      ``share_common`` (numerators and denominators summed, like the pooled share): the
      like-with-like change from the previous year; null when no agency is in both.

    Example:
        >>> shares = pl.DataFrame({"agency_id": ["a", "b", "a"], "year": [2020, 2021, 2021], "metric": ["m"] * 3,
        ...                        "numerator": [1, 5, 2], "denominator": [10, 50, 10], "is_input_failed": [False] * 3})
        >>> pooled_like_for_like(shares).select("year", "n_agencies", "segment", "n_agencies_common", "share_common").rows()
        [(2020, 1, 0, None, None), (2021, 2, 1, 1, 0.2)]
    """
    pooled = pooled_shares(shares)
    usable = shares.filter(pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null())
    extra_schema = {"only_agency_id": pl.String, "segment": pl.Int64, "previous_year": pl.Int64,
                    "n_agencies_common": pl.Int64, "share_common_previous": pl.Float64, "share_common": pl.Float64}
    rows = []
    for (metric,), part in usable.group_by("metric", maintain_order=True):
        per_year = {year: group for (year,), group in part.group_by("year")}
        years = sorted(y for y in per_year if y is not None)
        segment, previous_set = -1, None
        for index, year in enumerate(years):
            group = per_year[year]
            agencies = set(group["agency_id"].to_list())
            previous = years[index - 1] if index else None
            is_continued = (previous is not None and year == previous + 1 and agencies == previous_set
                            and (previous < break_year) == (year < break_year))
            segment = segment if is_continued else segment + 1
            row = {"metric": metric, "year": year, "segment": segment, "previous_year": previous,
                   "only_agency_id": next(iter(agencies)) if len(agencies) == 1 else None,
                   "n_agencies_common": None, "share_common_previous": None, "share_common": None}
            if previous is not None:
                common = agencies & previous_set
                row["n_agencies_common"] = len(common)
                if common:
                    row["share_common_previous"] = _pooled_share(per_year[previous], common)
                    row["share_common"] = _pooled_share(group, common)
            rows.append(row)
            previous_set = agencies
    extra = pl.DataFrame(rows, schema={"metric": pl.String, "year": pooled.schema.get("year", pl.Int64), **extra_schema})
    return pooled.join(extra, on=["metric", "year"], how="left").sort("metric", "year")


def _pooled_share(group: pl.DataFrame, agencies: set[str]) -> float | None:
    part = group.filter(pl.col("agency_id").is_in(sorted(agencies)))
    denominator = part["denominator"].sum()
    return float(part["numerator"].sum()) / float(denominator) if denominator else None


def agency_names(reports: pl.DataFrame) -> pl.DataFrame:
    """``agency_id -> agency_name``: the name of an agency's latest report (names change over years)."""
    return (
        reports.sort("year")
        .group_by("agency_id", maintain_order=True)
        .agg(pl.col("agency").drop_nulls().last().alias("agency_name"))
        .with_columns(pl.col("agency_name").fill_null(pl.col("agency_id")))
    )


def headline_panel(shares: pl.DataFrame, reports: pl.DataFrame, *, min_n: int = DEFAULT_MIN_N) -> pl.DataFrame:
    """The headline panel: agency × year × metric with numerator, denominator, interval and checks status.

    ``shares`` from :func:`outcome_shares` (any metrics), ``reports`` with ``report_id, agency_id,
    agency, level, year, source``. Columns are :data:`govdata.schema.DERIVED_FRAMES` ``["panel"]``:
    what ``govdata export`` writes and what the explorer reads, so a number exported and a
    number on a chart are the same number.
    """
    names = agency_names(reports.select("agency_id", "agency", "year"))
    files = reports.select("report_id", "level", pl.col("source").alias("source_file"))
    labels = {name: metric.label_zh for name, metric in SHARE_METRICS.items()}
    frame = (shares.join(names, on="agency_id", how="left").join(files, on="report_id", how="left")
             .with_columns(
                 pl.col("agency_name").fill_null(pl.col("agency_id")),
                 pl.col("metric").replace_strict(labels, default=pl.col("metric"), return_dtype=pl.String).alias("metric_zh"),
                 pl.lit(int(min_n), dtype=pl.Int64).alias("min_n"),
                 terms.term_expr("input_status", "input_status").alias("input_status_zh"),
                 terms.checks_zh_expr("failed_checks").alias("failed_checks_zh")))
    schema_ = schema.derived_schema("panel")
    return frame.select([pl.col(name).cast(dtype) for name, dtype in schema_.items()]).sort(
        "agency_id", "year", "metric", "report_id", nulls_last=True)


DISTRIBUTION_QUANTILES: dict[str, float] = {"p10": 0.1, "p25": 0.25, "median": 0.5, "p75": 0.75, "p90": 0.9}
"""Quantiles :func:`share_distribution` reports, by column name."""


def share_distribution(shares: pl.DataFrame, *, by: Sequence[str] = ("year",)) -> pl.DataFrame:
    """How a share is spread across agency-years: quantiles of the per-report shares, per year.

    The pooled share (:func:`pooled_shares`) weighs an agency by its requests, so a few big
    city governments set it; the quantiles weigh every agency-year alike and show whether
    the typical agency moved. Only shares that are shown count (at least the minimum N
    handled requests); ``n_reports`` says how many, ``n_below_min_n`` how many were left out
    for too few requests, ``n_reports_failed`` how many of the counted rest on a failed rule.

    Example:
        >>> shares = pl.DataFrame({"year": [2020] * 5, "metric": ["m"] * 5, "share": [0.0, 0.25, 0.5, 0.75, None],
        ...                        "is_below_min_n": [False] * 4 + [True], "is_input_failed": [False] * 5})
        >>> share_distribution(shares).select("n_reports", "median", "n_below_min_n").row(0)
        (4, 0.375, 1)
    """
    keys = [*by, "metric"]
    shown = pl.col("share").is_not_null()
    return (
        shares.group_by(keys)
        .agg(
            shown.sum().cast(pl.Int64).alias("n_reports"),
            (pl.col("is_below_min_n") & ~shown).sum().cast(pl.Int64).alias("n_below_min_n"),
            (pl.col("is_input_failed") & shown).sum().cast(pl.Int64).alias("n_reports_failed"),
            *[pl.col("share").filter(shown).quantile(q, interpolation="linear").alias(name)
              for name, q in DISTRIBUTION_QUANTILES.items()],
        )
        .sort(keys)
    )


def largest_agencies(frame: pl.DataFrame, *, n: int, weight: str = "denominator") -> list[str]:
    """The ``n`` agencies with the largest sum of ``weight`` (handled requests), largest first.

    Ties go to the smaller ``agency_id`` so the choice is the same on every run.

    Example:
        >>> largest_agencies(pl.DataFrame({"agency_id": ["a", "b", "b", "c"], "denominator": [5, 3, 3, 1]}), n=2)
        ['b', 'a']
    """
    volume = (frame.filter(pl.col("agency_id").is_not_null())
              .group_by("agency_id").agg(pl.col(weight).sum().alias("_weight"))
              .sort(["_weight", "agency_id"], descending=[True, False], nulls_last=True))
    return volume.head(n)["agency_id"].to_list()


def other_agencies_label(n: int) -> str:
    """Name of the group that pools the agencies not shown one by one, e.g. ``其他 12,488 个机关``."""
    return f"其他 {n:,} 个机关"


def group_smaller_agencies(frame: pl.DataFrame, keep: Sequence[str], *, name: str = "agency_name") -> pl.DataFrame:
    """Keep the names of the agencies in ``keep``; every other agency becomes one "其他 N 个机关" group.

    Adds ``agency_order`` (position in ``keep``; the other group last) so charts list the
    groups largest first. Counts are not summed here: the caller aggregates by ``name``.
    """
    order = {agency_id: rank for rank, agency_id in enumerate(keep)}
    n_other = frame.filter(~pl.col("agency_id").is_in(list(keep)))["agency_id"].n_unique()
    is_kept = pl.col("agency_id").is_in(list(keep))
    return frame.with_columns(
        pl.when(is_kept).then(pl.col(name)).otherwise(pl.lit(other_agencies_label(n_other))).alias(name),
        pl.col("agency_id").replace_strict(order, default=len(order), return_dtype=pl.Int64).alias("agency_order"),
    )


def outcome_counts(wide: pl.DataFrame, *, by: Sequence[str] = ("year",)) -> pl.DataFrame:
    """Outcome counts summed over reports, in long form, from :func:`outcomes_wide`: what the outcome-mix chart draws.

    Columns: ``by…, outcome, outcome_zh, order, value, total, share_of_total, n_reports,
    template``. ``total`` sums 总计 over the reports that printed the outcome, so
    ``share_of_total`` is not diluted by reports that could not report it (a legacy 附表
    has no 无法提供 row); ``template`` lists the templates pooled.
    """
    keys = [key for key in OUTCOME_KEYS if key != "total"]
    index = [*dict.fromkeys([*by, "report_id", "template", "total"])]
    long = wide.unpivot(index=index, on=keys, variable_name="outcome", value_name="value").filter(pl.col("value").is_not_null())
    group = [*by, "outcome"]
    return (
        long.group_by(group)
        .agg(
            pl.col("value").sum().cast(pl.Int64),
            pl.col("total").sum().cast(pl.Int64),
            pl.len().cast(pl.Int64).alias("n_reports"),
            pl.col("template").drop_nulls().unique().sort().str.join(", "),
        )
        .with_columns(
            pl.when(pl.col("total") > 0).then(pl.col("value") / pl.col("total")).alias("share_of_total"),
            pl.col("outcome").replace_strict(OUTCOME_LABELS_ZH, return_dtype=pl.String).alias("outcome_zh"),
            pl.col("outcome").replace_strict({k: i for i, k in enumerate(keys)}, return_dtype=pl.Int64).alias("order"),
        )
        .sort([*by, "order"])
    )


# --------------------------------------------------------------------------- workload


def _report_keys(corpus: Corpus) -> pl.DataFrame:
    return corpus.reports.select("report_id", "agency_id", "agency", "year", "template", "source")


def _table3_total_column(corpus: Corpus, row: str) -> pl.DataFrame:
    return (
        corpus.table3.filter((pl.col("row") == row) & (pl.col("requester") == "total"))
        .group_by("report_id").agg(pl.col("value").first().alias(row), pl.col("line").first().alias(f"{row}_line"))
    )


def requests_per_agency_year(corpus: Corpus) -> pl.DataFrame:
    """Requests received and carried per report (one report = one agency-year).

    Columns: ``report_id, agency_id, agency, year, template, requests_new, carried_over,
    carried_forward, handled, carry_over_ratio, requests_source, input_status, failed_checks,
    is_input_failed``. ``requests_new`` comes from table 3 (本年新收, 总计 column), else the
    legacy 附表 (受理申请总数), else the prose (``requests.received``); ``requests_source`` says
    which. ``handled`` is table 3's (七)总计, else the harmonized ``outcomes`` total (legacy 答复总数).
    ``carry_over_ratio`` = carried_forward / (new + carried_over), table-3 reports only.
    Two reports for the same agency and year stay two rows: deduplication is ingest's job.
    """
    base = _report_keys(corpus).drop("source")
    for row in ("new", "carried_over", "carried_forward", "total"):
        base = base.join(_table3_total_column(corpus, row).drop(f"{row}_line"), on="report_id", how="left")
    legacy = (corpus.legacy.filter(pl.col("indicator") == "requests_total")
              .group_by("report_id").agg(pl.col("value").first().cast(pl.Int64).alias("_legacy_requests")))
    stated = (corpus.facts.filter(pl.col("key") == "requests.received")
              .group_by("report_id").agg(pl.col("value").first().cast(pl.Int64).alias("_fact_requests")))
    handled = outcomes_wide(corpus.outcomes).select("report_id", pl.col("total").alias("_outcomes_total"))
    base = (base.join(legacy, on="report_id", how="left").join(stated, on="report_id", how="left")
            .join(handled, on="report_id", how="left"))
    frame = base.with_columns(
        pl.coalesce("new", "_legacy_requests", "_fact_requests").alias("requests_new"),
        pl.when(pl.col("new").is_not_null()).then(pl.lit("table3"))
        .when(pl.col("_legacy_requests").is_not_null()).then(pl.lit("legacy"))
        .when(pl.col("_fact_requests").is_not_null()).then(pl.lit("facts"))
        .alias("requests_source"),
        pl.coalesce("total", "_outcomes_total").alias("handled"),
    )
    workload = pl.col("new") + pl.col("carried_over")
    frame = frame.with_columns(
        pl.when(workload > 0).then(pl.col("carried_forward").cast(pl.Float64) / workload.cast(pl.Float64))
        .alias("carry_over_ratio")
    ).select("report_id", "agency_id", "agency", "year", "template", "requests_new", "carried_over",
             "carried_forward", "handled", "carry_over_ratio", "requests_source")
    return attach_check_status(frame, corpus.checks, exclude=OUTCOME_CHECK_EXCLUDE).sort("agency_id", "year", "report_id")


def correction_rates(corpus: Corpus, *, min_n: int = DEFAULT_MIN_N) -> pl.DataFrame:
    """Administrative review and litigation outcomes per report: corrected ÷ total.

    One row per report and proceeding (``review``, ``litigation_direct``,
    ``litigation_after_review`` and their sum ``litigation``) with ``upheld, corrected,
    other, pending, total, correction_rate, ci_low, ci_high, is_below_min_n`` and the status
    of the table-4 checks (:data:`TABLE4_CHECKS`). Most agencies see a handful of cases a year, so with the default
    minimum N the rate is usually null: briefings then print the counts.
    """
    outcomes = form.t4_outcomes()
    cells = corpus.table4.join(_report_keys(corpus).drop("source"), on="report_id", how="inner")
    keys = ["report_id", "agency_id", "agency", "year", "template"]
    by_proceeding = cells.pivot(on="outcome", index=[*keys, "proceeding"], values="value", aggregate_function="first") \
        if cells.height else pl.DataFrame(schema={**{k: cells.schema[k] for k in keys}, "proceeding": pl.String})
    for outcome in outcomes:
        if outcome not in by_proceeding.columns:
            by_proceeding = by_proceeding.with_columns(pl.lit(None, dtype=pl.Int64).alias(outcome))
    by_proceeding = by_proceeding.select(*keys, "proceeding", *[pl.col(o).cast(pl.Int64) for o in outcomes])
    litigation = (
        by_proceeding.filter(pl.col("proceeding").is_in(list(_LITIGATION_PARTS)))
        .group_by(keys)
        .agg([pl.when(pl.col(o).is_null().any()).then(None).otherwise(pl.col(o).sum()).alias(o) for o in outcomes])
        .with_columns(pl.lit("litigation").alias("proceeding"))
        .select(*keys, "proceeding", *outcomes)
    )
    frame = pl.concat([by_proceeding, litigation])
    frame = _with_rate(frame, "corrected", "total", rate="correction_rate", min_n=min_n)
    order = {name: rank for rank, name in enumerate(PROCEEDING_LABELS_ZH)}
    frame = frame.with_columns(
        pl.col("proceeding").replace_strict(PROCEEDING_LABELS_ZH, default=None, return_dtype=pl.String).alias("proceeding_zh"),
        pl.col("proceeding").replace_strict(order, default=len(order), return_dtype=pl.Int64).alias("_order"),
    )
    frame = attach_check_status(frame, corpus.checks, only=TABLE4_CHECKS)
    return frame.sort("agency_id", "year", "report_id", "_order").drop("_order")


# Legacy 附表 indicators and prose keys that state how many reviews and lawsuits a report had
# (govdata/data/fact_keys.csv: review.total restates 附表 reviews, litigation.total litigations).
LEGACY_PROCEEDINGS: dict[str, tuple[str, str]] = {"review": ("reviews", "review.total"),
                                                  "litigation": ("litigations", "litigation.total")}


def legacy_review_litigation(corpus: Corpus) -> pl.DataFrame:
    """行政复议 and 行政诉讼 of reports without 表四 (pre-2019): what the 附表 and the prose state.

    One row per report, proceeding and source (``legacy`` = the 附表's 行政复议数 / 行政诉讼数,
    ``facts`` = a number the prose states), with ``value`` and ``line``; the 2008 forms count
    cases, not their outcomes, so there is no correction rate. Reports with a 表四 are left out
    (:func:`correction_rates` reads those).

    Example (the 2017 晋江市 report: 附表 行政复议数 1, and the prose says 行政复议 1 件):
        >>> from govdata import schema
        >>> corpus = Corpus(reports=schema.frame("reports", [{"report_id": "r", "agency_id": "a", "year": 2017,
        ...                                                    "template": "legacy"}]),
        ...                 legacy=schema.frame("legacy", [{"report_id": "r", "indicator": "reviews", "value": 1.0, "line": 254}]))
        >>> legacy_review_litigation(corpus).select("proceeding_zh", "source", "value", "line").rows()
        [('行政复议', 'legacy', 1, 254)]
    """
    with_table4 = corpus.table4.select("report_id").unique()
    keys = _report_keys(corpus).drop("source").join(with_table4, on="report_id", how="anti")
    parts = []
    for order, (proceeding, (indicator, fact_key)) in enumerate(LEGACY_PROCEEDINGS.items()):
        label = form.label_zh("table4", "proceeding", proceeding)
        parts.append(corpus.legacy.filter(pl.col("indicator") == indicator).select(
            "report_id", pl.lit(proceeding).alias("proceeding"), pl.lit(label).alias("proceeding_zh"), pl.lit(order).alias("_order"),
            pl.lit("legacy").alias("source"), pl.col("value").cast(pl.Int64), "line"))
        parts.append(corpus.facts.filter(pl.col("key") == fact_key).select(
            "report_id", pl.lit(proceeding).alias("proceeding"), pl.lit(label).alias("proceeding_zh"), pl.lit(order).alias("_order"),
            pl.lit("facts").alias("source"), pl.col("value").cast(pl.Int64), "line"))
    rows = pl.concat(parts).unique(["report_id", "proceeding", "source", "value"], keep="first", maintain_order=True)
    return (keys.join(rows, on="report_id", how="inner")
            .sort("agency_id", "year", "report_id", "_order", "source", "line", nulls_last=True).drop("_order"))


REASON_GROUPS: tuple[str, ...] = ("withheld", "unable", "not_processed")
"""The 表三 groups whose sub-rows say why a request was not granted: the eight 不予公开 grounds,
the three reasons of 无法提供 and the five of 不予处理."""


def refusal_reasons(corpus: Corpus) -> pl.DataFrame:
    """Why requests were refused, per report: every 不予公开 ground and 无法提供 / 不予处理 reason.

    Columns: ``report_id, agency_id, agency, year, template, group, group_zh, reason,
    reason_zh, value, line, source, is_2008_ground, order``. From 表三 (总计 column, one row per
    sub-row the report prints, blanks as null) and, for reports without 表三, the prose's
    不予公开 grounds (``withheld_reason.*`` facts, docs/facts.md): those are the 2008
    Regulations' grounds (国家秘密, 商业秘密, 个人隐私, …), flagged ``is_2008_ground`` because
    they do not map one to one onto the 2019 ones.

    Example:
        >>> from govdata import schema
        >>> corpus = Corpus(reports=schema.frame("reports", [{"report_id": "r", "agency_id": "a", "year": 2023, "template": "2021"}]),
        ...                 table3=schema.frame("table3", [{"report_id": "r", "row": "withheld.process_info", "requester": "total",
        ...                                                 "value": 4, "line": 30}]))
        >>> refusal_reasons(corpus).select("group_zh", "reason_zh", "value", "line").rows()
        [('不予公开', '过程性信息', 4, 30)]
    """
    order: dict[str, int] = {}
    group_of: dict[str, str] = {}
    for group in REASON_GROUPS:
        for row in form.rows_of_group(group):
            order[row] = len(order)
            group_of[row] = group
    reason_labels = {row: form.short_label_zh("table3", "row", row) for row in order}
    group_labels = {group: form.label_zh("table3", "group", group) for group in REASON_GROUPS}
    from_table = corpus.table3.filter((pl.col("requester") == "total") & pl.col("row").is_in(list(order))).select(
        "report_id", pl.col("row").alias("reason"), "value", "line", pl.lit("table3").alias("source"),
        pl.lit(False).alias("is_2008_ground"))
    prose_keys = [key for key in fact_keys.keys() if key.startswith("withheld_reason.")]
    for key in prose_keys:
        order.setdefault(key, len(order))
        group_of[key] = "withheld"
        reason_labels[key] = fact_keys.label_zh(key)
    with_table3 = corpus.table3.select("report_id").unique()
    from_prose = (corpus.facts.filter(pl.col("key").is_in(prose_keys)).join(with_table3, on="report_id", how="anti")
                  .unique(["report_id", "key"], keep="first", maintain_order=True)
                  .select("report_id", pl.col("key").alias("reason"), pl.col("value").cast(pl.Int64), "line",
                          pl.lit("facts").alias("source"), pl.lit(True).alias("is_2008_ground")))
    rows = pl.concat([from_table, from_prose])
    return (_report_keys(corpus).drop("source").join(rows, on="report_id", how="inner")
            .with_columns(
                pl.col("reason").replace_strict(group_of, return_dtype=pl.String).alias("group"),
                pl.col("reason").replace_strict(reason_labels, return_dtype=pl.String).alias("reason_zh"),
                pl.col("reason").replace_strict(order, return_dtype=pl.Int64).alias("order"))
            .with_columns(pl.col("group").replace_strict(group_labels, return_dtype=pl.String).alias("group_zh"))
            .select("report_id", "agency_id", "agency", "year", "template", "group", "group_zh", "reason", "reason_zh",
                    "value", "line", "source", "is_2008_ground", "order")
            .sort("agency_id", "year", "report_id", "order"))


def reason_totals(reasons: pl.DataFrame, *, by: Sequence[str] = ()) -> pl.DataFrame:
    """:func:`refusal_reasons` summed over reports (per ``by``): the across-agency breakdown.

    Adds ``n_reports`` (reports printing the reason), ``n_agencies`` (agencies that gave it at
    least once) and ``share_of_group`` (the reason's part of its group's total; the 2008
    grounds of pre-2019 prose are a group of their own, never mixed with the 2019 ones).
    """
    keys = [*by, "group", "group_zh", "reason", "reason_zh", "is_2008_ground", "order"]
    totals = (reasons.group_by(keys).agg(pl.col("value").sum().cast(pl.Int64), pl.col("report_id").n_unique().alias("n_reports"),
                                         pl.col("agency_id").filter(pl.col("value") > 0).n_unique().alias("n_agencies"))
              .with_columns((pl.col("value").cast(pl.Float64)
                             / pl.col("value").sum().over([*by, "group", "is_2008_ground"]).cast(pl.Float64))
                            .fill_nan(None).alias("share_of_group")))
    return totals.sort([*by, "order"])


def requester_mix(corpus: Corpus) -> pl.DataFrame:
    """Who asked: new requests per requester kind and its share of all kinds.

    The denominator is the sum of the requester columns, so the shares add up to 1; when the
    printed 总计 disagrees, the ``row_sum`` check records it and ``input_status`` says so.
    """
    new = corpus.table3.filter((pl.col("row") == "new") & pl.col("requester").is_in(REQUESTER_KEYS))
    frame = (
        new.join(_report_keys(corpus).drop("source"), on="report_id", how="inner")
        .select("report_id", "agency_id", "agency", "year", "template", "requester", "value", "line")
        .with_columns(pl.col("value").sum().over("report_id").alias("requests_all_kinds"))
        .with_columns(
            pl.when(pl.col("requests_all_kinds") > 0)
            .then(pl.col("value").cast(pl.Float64) / pl.col("requests_all_kinds").cast(pl.Float64))
            .alias("share"),
            pl.col("requester").replace_strict(REQUESTER_LABELS_ZH, default=None, return_dtype=pl.String).alias("requester_zh"),
            pl.col("requester").replace_strict({k: i for i, k in enumerate(REQUESTER_KEYS)}, default=99,
                                               return_dtype=pl.Int64).alias("_order"),
        )
    )
    frame = attach_check_status(frame, corpus.checks, exclude=OUTCOME_CHECK_EXCLUDE)
    return frame.sort("agency_id", "year", "report_id", "_order").drop("_order")


# --------------------------------------------------------------------------- data quality


def check_findings(corpus: Corpus, *, report_ids: Iterable[str] | None = None,
                   statuses: Sequence[str] = ("fail",)) -> pl.DataFrame:
    """Check rows a reader should see, each with ``location`` = ``source:line`` to go back to.

    Columns: ``report_id, agency_id, agency, year, source, line, location, check, scope,
    severity, status, expected, actual, message, verdict, review_note``; errors first, then by
    line. ``verdict`` is a reviewer's ``confirmed``/``dismissed`` from data/reviews.csv.
    """
    checks = corpus.checks.filter(pl.col("status").is_in(list(statuses)))
    if report_ids is not None:
        checks = checks.filter(pl.col("report_id").is_in(list(report_ids)))
    frame = checks.join(_report_keys(corpus).drop("template"), on="report_id", how="left").with_columns(
        pl.when(pl.col("line").is_not_null())
        .then(pl.concat_str(pl.col("source").fill_null(pl.col("report_id")), pl.lit(":"), pl.col("line").cast(pl.String)))
        .otherwise(pl.col("source").fill_null(pl.col("report_id")))
        .alias("location"),
        (pl.col("severity") == "warning").alias("_is_warning"),
    )
    return frame.sort("agency_id", "year", "_is_warning", "line", nulls_last=True).select(
        "report_id", "agency_id", "agency", "year", "source", "line", "location", "check", "scope",
        "severity", "status", "expected", "actual", "message", "verdict", "review_note",
    )


def check_summary(checks: Frame) -> pl.DataFrame:
    """Counts of check rows by rule and status (``check, status, severity, n``), for the overview chart.

    ``checks`` may be a lazy scan: three columns are read, in batches.
    """
    return (_lazy(checks).group_by("check", "status", "severity").agg(pl.len().cast(pl.Int64).alias("n"))
            .collect(engine=STREAMING).sort("check", "status", "severity"))


def report_status_overview(corpus: Corpus) -> pl.DataFrame:
    """One row per report: agency, year, template, counts of failed/passed rules and the input status."""
    return status_overview(_report_keys(corpus), corpus.checks)


def status_overview(reports: pl.DataFrame, checks: Frame) -> pl.DataFrame:
    """:func:`report_status_overview` from a ``reports`` frame and the checks, which may be a lazy scan.

    ``reports`` needs ``report_id, agency_id, agency, year, template, source``.
    """
    counts = _lazy(checks).group_by("report_id").agg(
        (pl.col("status") == "fail").sum().cast(pl.Int64).alias("n_failed"),
        (pl.col("status") == "pass").sum().cast(pl.Int64).alias("n_passed"),
        (pl.col("status") == "not_assessable").sum().cast(pl.Int64).alias("n_not_assessable"),
    ).collect(engine=STREAMING)
    frame = reports.join(counts, on="report_id", how="left").with_columns(
        pl.col("n_failed", "n_passed", "n_not_assessable").fill_null(0)
    )
    return attach_check_status(frame, checks).sort("agency_id", "year", "report_id")
