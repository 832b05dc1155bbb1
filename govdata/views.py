"""What the corpus-wide notebooks show, read lazily from a store and aggregated before charting.

Why a module: at national scale (10^5 reports, ~12,500 agencies, docs/scaling.md) reading
the whole store into memory (``store.read_corpus``: 4.2 GB) and drawing one line or panel
per agency (Altair's ``MaxRowsError`` from 5,000 rows, megabytes of inlined data) both
fail. A view reads only the frames and columns a page needs (``store.scan_frame``, which
prunes year partitions and unread columns), computes every figure in Polars, and hands the
charts frames of one row per year, or per year and one of a dozen agencies. The notebooks
stay thin: one call here, then charts and tables of the result.

The same view serves five reports and 100,000: with few agencies every agency is drawn and
listed, as before; with many, the charts show the pooled share, its spread across agencies,
and the agencies with the most handled requests, and the tables say how many rows they leave out.

Example (in a notebook):
    >>> trends = views.trends("data/processed", "share_withheld")   # doctest: +SKIP
    >>> charts.pooled_trend(trends.pooled, trends.metric)            # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from govdata import charts, form, metrics, schema, store
from govdata.model import Corpus, Failure

OUTCOME_COLUMNS = ("report_id", "agency_id", "year", "template", "outcome", "value", "source", "is_definition_changed")
"""Columns of ``outcomes`` the shares need (not ``note`` or ``line``, the bulk of the frame)."""

SPREAD_MIN_REPORTS = 10
"""Fewest agency-years with a share in some year for the distribution chart to say anything."""

DOUBTFUL_ROWS = 20
"""Rows the trends page lists of the values resting on a failed rule (the largest by handled requests)."""


class ParameterError(ValueError):
    """A parameter a page cannot be made from (unknown agency, years without data, a min_n that is no number).

    Its message is one line in Chinese and English terms a user can act on; ``govdata run``
    prints it as it is.
    """


def check_min_n(min_n: object) -> int:
    """``min_n`` as an int of at least 1, or a :class:`ParameterError` saying what was given."""
    if isinstance(min_n, bool) or not isinstance(min_n, int | float | str):
        raise ParameterError(f"min_n must be a whole number of at least 1 (最小样本量), not {min_n!r}")
    try:
        value = int(str(min_n).strip()) if not isinstance(min_n, int | float) else min_n
    except ValueError:
        raise ParameterError(f"min_n must be a whole number of at least 1 (最小样本量), not {min_n!r}") from None
    if value != int(value) or value < 1:
        raise ParameterError(f"min_n must be a whole number of at least 1 (最小样本量), not {min_n!r}")
    return int(value)


def year_range(years: object) -> tuple[int, int] | None:
    """The ``years`` parameter as an inclusive range ``(first, last)``; None means every year.

    One meaning everywhere, as the explorer's slider: ``[]`` every year, ``2020`` one year,
    ``[2019, 2023]`` or ``"2019-2023"`` the years 2019 to 2023.

    Example:
        >>> year_range([2019, 2023]), year_range("2020"), year_range([])
        ((2019, 2023), (2020, 2020), None)
    """
    if years is None or years == [] or years == () or years == "":
        return None
    parts: list[object]
    if isinstance(years, str):
        parts = [p for p in years.replace("–", "-").replace("—", "-").replace(",", "-").split("-") if p.strip()]
    elif isinstance(years, int) and not isinstance(years, bool):
        parts = [years]
    elif isinstance(years, list | tuple):
        parts = list(years)
    else:
        parts = [years]
    try:
        numbers = [int(str(p).strip()) for p in parts]
    except ValueError:
        raise ParameterError(f"years is a range of statistics years, e.g. [2019, 2023] or 2019-2023 or 2020; got {years!r}") from None
    if not 1 <= len(numbers) <= 2:
        raise ParameterError(f"years is a range [first, last] (both included), e.g. [2019, 2023]; got {len(numbers)} values {years!r}")
    first, last = numbers[0], numbers[-1]
    if first > last:
        raise ParameterError(f"years: the first year {first} comes after the last {last}")
    return first, last


def agency_list(agencies: object) -> list[str]:
    """The ``agencies`` parameter as a list of ids: ``[]`` (all), a list, or one id / ids separated by commas."""
    if agencies is None:
        return []
    if isinstance(agencies, str):
        return [part.strip() for part in agencies.split(",") if part.strip()]
    if isinstance(agencies, list | tuple):
        return [str(a).strip() for a in agencies if str(a).strip()]
    raise ParameterError(f"agencies is a list of agency ids, e.g. [jinjiang_city]; got {agencies!r}")


def _check_selection(src, agencies: list[str], years: tuple[int, int] | None) -> None:
    """Raise :class:`ParameterError` when an agency id is unknown or the years hold no report of the selection."""
    reports = store.scan_frame(src, "reports").select("agency_id", "year")
    if agencies:
        known = set(reports.filter(pl.col("agency_id").is_in(agencies)).select("agency_id").unique().collect()["agency_id"])
        unknown = [a for a in agencies if a not in known]
        if unknown:
            some = reports.select("agency_id").unique().sort("agency_id").head(12).collect()["agency_id"].to_list()
            raise ParameterError(f"unknown agency id(s) {unknown} in {src}; ids there include {some}")
    if years is not None:
        chosen = reports.filter(pl.col("agency_id").is_in(agencies)) if agencies else reports
        have = sorted(y for y in chosen.select("year").unique().collect()["year"].to_list() if y is not None)
        if not any(years[0] <= y <= years[1] for y in have):
            who = f"agencies {agencies}" if agencies else "the store"
            raise ParameterError(f"no report of {who} in {years[0]}–{years[1]}; years with reports: {have}")


@dataclass(frozen=True)
class Trends:
    """Everything the trends page shows for one metric; every frame is small except ``shares``.

    * ``shares``: per report (agency-year), with ``agency_name`` — for researchers' own use,
      never drawn whole;
    * ``pooled``: per year, counts summed over agencies, with ``share_without_failed`` (the
      pooled share without the reports that fail a rule: how much the doubtful ones move it);
    * ``distribution``: per year, quantiles of the agency-year shares;
    * ``largest``: the shares of the ``top_n`` agencies with most handled requests (every
      agency when there are no more than ``top_n``);
    * ``mix``: outcome counts per year for the largest agencies, the rest pooled in one group;
    * ``doubtful``: the agency-years resting on a failed rule, most handled requests first
      (the page lists the first :data:`DOUBTFUL_ROWS`).
    """

    metric: str
    min_n: int
    top_n: int
    shares: pl.DataFrame
    pooled: pl.DataFrame
    distribution: pl.DataFrame
    largest: pl.DataFrame
    mix: pl.DataFrame
    doubtful: pl.DataFrame
    n_reports: int
    n_agencies: int
    n_reports_failed: int
    reasons: pl.DataFrame | None = None
    rank_year: int | None = None

    @property
    def has_many_agencies(self) -> bool:
        """More agencies than are drawn one by one."""
        return self.n_agencies > self.top_n

    @property
    def has_distribution(self) -> bool:
        """Enough agency-years in some year for quantiles to mean something."""
        return self.distribution.height > 0 and int(self.distribution["n_reports"].max() or 0) >= SPREAD_MIN_REPORTS

    @property
    def years(self) -> list[int]:
        return sorted(self.shares["year"].drop_nulls().unique().to_list())

    @property
    def ranking(self) -> pl.DataFrame:
        """The shares of :attr:`rank_year` (every agency of the selection), for the ranked chart."""
        if self.rank_year is None:
            return self.shares.clear()
        return self.shares.filter(pl.col("year") == self.rank_year)


def trends(data_dir: str | os.PathLike, metric: str = "share_withheld", *, agencies: Sequence[str] = (),
           years: Sequence[int] = (), min_n: int = metrics.DEFAULT_MIN_N, top_n: int = charts.MAX_AGENCY_LINES,
           mix_agencies: int = charts.MAX_AGENCY_PANELS) -> Trends:
    """The trends page of a store (either layout): reads ``outcomes``, five columns of
    ``checks`` and three of ``reports``, nothing else.

    ``agencies`` and ``years`` select (empty = all, as the notebook's parameters); a year
    selection reads only those year partitions. Measured on 100,000 synthetic reports: about
    1.5 s and 0.6 GB (docs/benchmarks.md).
    """
    if metric not in metrics.SHARE_METRICS:
        raise ParameterError(f"unknown metric {metric!r}; known: {list(metrics.SHARE_METRICS)}")
    min_n = check_min_n(min_n)
    agencies = agency_list(agencies)
    span = year_range(years)
    src = store.resolve_data_dir(data_dir)
    _check_selection(src, agencies, span)
    years = list(range(span[0], span[1] + 1)) if span else []
    outcomes = _select(store.scan_frame(src, "outcomes").select(OUTCOME_COLUMNS), agencies=agencies, years=years)
    wide = metrics.outcomes_wide(outcomes, definition_flags=True)
    checks = store.scan_frame(src, "checks")
    if agencies or years:  # checks have no agency or year: keep the rows of the selected reports
        checks = checks.join(wide.lazy().select("report_id"), on="report_id", how="semi")
    shares = metrics.shares_of_wide(wide, checks, metrics=[metric], min_n=min_n)
    reports = store.scan_frame(src, "reports").select("agency_id", "agency", "year")
    if agencies:
        reports = reports.filter(pl.col("agency_id").is_in(list(agencies)))
    names = charts.agency_names(reports.collect())
    shares = shares.join(names, on="agency_id", how="left").with_columns(pl.col("agency_name").fill_null(pl.col("agency_id")))
    wide = wide.join(names, on="agency_id", how="left").with_columns(pl.col("agency_name").fill_null(pl.col("agency_id")))

    drawn = shares.filter(pl.col("share").is_not_null())
    n_agencies = shares["agency_id"].n_unique()
    # The same choice charts.share_trend makes from the same frame, so chart and table agree;
    # listed largest agency first.
    is_many = drawn["agency_id"].n_unique() > top_n
    ranked = metrics.largest_agencies(drawn, n=top_n) if is_many else metrics.largest_agencies(shares, n=n_agencies)
    order = {agency_id: rank for rank, agency_id in enumerate(ranked)}
    largest = (shares.filter(pl.col("agency_id").is_in(ranked)) if is_many else shares).with_columns(
        pl.col("agency_id").replace_strict(order, default=len(order), return_dtype=pl.Int64).alias("_rank"),
    ).sort("_rank", "agency_id", "year", nulls_last=True).drop("_rank")
    # The outcome-mix panels go to the first of the same agencies, the rest pooled in one panel.
    mix = metrics.outcome_counts(metrics.group_smaller_agencies(wide, ranked[:mix_agencies]),
                                 by=["agency_order", "agency_name", "year"])
    doubtful = (shares.filter(pl.col("is_input_failed"))
                .sort(["denominator", "agency_id", "year"], descending=[True, False, False], nulls_last=True))
    drawable_years = drawn["year"].drop_nulls()
    rank_year = int(drawable_years.max()) if drawable_years.len() else None
    return Trends(
        metric=metric, min_n=min_n, top_n=top_n, shares=shares, pooled=pooled_with_sensitivity(shares, names=names),
        distribution=metrics.share_distribution(shares), largest=largest, mix=mix, doubtful=doubtful,
        n_reports=shares.height, n_agencies=n_agencies, n_reports_failed=int(shares["is_input_failed"].sum()),
        reasons=reasons_across(src, wide.select("report_id")), rank_year=rank_year,
    )


def pooled_with_sensitivity(shares: pl.DataFrame, *, names: pl.DataFrame | None = None) -> pl.DataFrame:
    """:func:`govdata.metrics.pooled_like_for_like` per year, plus ``share_without_failed`` and ``only_agency``.

    ``share_without_failed`` pools only the reports whose numbers pass every rule: when it
    is close to ``share``, the doubtful reports do not drive the headline. ``only_agency`` is
    the name of the one agency a pooled point rests on (null when it rests on several).
    """
    pooled = metrics.pooled_like_for_like(shares)
    clean = metrics.pooled_shares(shares.filter(~pl.col("is_input_failed"))).select(
        "year", "metric", pl.col("share").alias("share_without_failed"))
    pooled = pooled.join(clean, on=["year", "metric"], how="left", nulls_equal=True)
    if names is None:
        names = shares.select("agency_id", pl.col("agency_name") if "agency_name" in shares.columns else pl.col("agency_id")
                              .alias("agency_name")).unique("agency_id")
    lookup = names.select(pl.col("agency_id").alias("only_agency_id"), pl.col("agency_name").alias("only_agency"))
    return pooled.join(lookup, on="only_agency_id", how="left").sort("metric", "year")


REASON_ROWS = tuple(row for group in metrics.REASON_GROUPS for row in form.rows_of_group(group))


def reasons_across(data_dir: str | os.PathLike, report_ids: pl.DataFrame | None = None) -> pl.DataFrame:
    """:func:`govdata.metrics.refusal_reasons` of every report (or of ``report_ids``), read lazily.

    Reads only the 总计 cells of the reason rows of 表三 and the prose's 不予公开 grounds.
    """
    src = store.resolve_data_dir(data_dir)
    reports = store.scan_frame(src, "reports").select("report_id", "source", "agency", "agency_id", "year", "template")
    table3 = store.scan_frame(src, "table3").filter((pl.col("requester") == "total") & pl.col("row").is_in(list(REASON_ROWS)))
    facts = store.scan_frame(src, "facts").filter(pl.col("key").str.starts_with("withheld_reason."))
    if report_ids is not None:
        ids = report_ids.lazy().select("report_id").unique()
        reports, table3, facts = (frame.join(ids, on="report_id", how="semi") for frame in (reports, table3, facts))
    reports, table3, facts = pl.collect_all([reports, table3, facts])
    corpus = Corpus(reports=schema.conform("reports", reports), table3=table3, facts=facts)
    return metrics.refusal_reasons(corpus)


def panel(data_dir: str | os.PathLike, *, min_n: int = metrics.DEFAULT_MIN_N) -> pl.DataFrame:
    """The headline panel of a store (agency × year × metric; :func:`govdata.metrics.headline_panel`).

    What ``govdata export`` writes and the explorer reads: one computation for both.
    """
    min_n = check_min_n(min_n)
    src = store.resolve_data_dir(data_dir)
    shares = metrics.outcome_shares(store.scan_frame(src, "outcomes").select(OUTCOME_COLUMNS), store.scan_frame(src, "checks"),
                                    min_n=min_n)
    reports = store.scan_frame(src, "reports").select("report_id", "agency_id", "agency", "level", "year", "source").collect()
    return metrics.headline_panel(shares, reports, min_n=min_n)


def _select(frame: pl.LazyFrame, *, agencies: Sequence[str] = (), years: Sequence[int] = ()) -> pl.LazyFrame:
    """:func:`govdata.metrics.subset` on a lazy scan, so the filters reach the Parquet reader."""
    if agencies:
        frame = frame.filter(pl.col("agency_id").is_in(list(agencies)))
    if years:
        frame = frame.filter(pl.col("year").is_in([int(y) for y in years]))
    return frame


def agency_corpus(data_dir: str | os.PathLike, agency_id: str) -> Corpus:
    """Every frame of one agency's reports (all years): what an agency briefing reads.

    Reads ``reports`` to find the agency's report ids, then only those rows of each frame,
    so a briefing costs the same in a store of five reports or of 100,000. Failures of the
    store are not included (they belong to no agency).
    """
    src = store.resolve_data_dir(data_dir)
    reports = store.scan_frame(src, "reports").filter(pl.col("agency_id") == agency_id).collect()
    if reports.height == 0:
        known = store.scan_frame(src, "reports").select("agency_id").unique().sort("agency_id").head(20).collect()
        raise LookupError(f"no report of agency_id={agency_id!r} in {src}; agencies there include {known['agency_id'].to_list()}")
    ids = reports["report_id"].to_list()
    frames = {"reports": reports}
    for name in schema.FRAME_NAMES:
        if name != "reports":
            frames[name] = store.scan_frame(src, name).filter(pl.col("report_id").is_in(ids)).collect()
    return Corpus(**frames)


OVERVIEW_ROWS = 200
"""Reports listed on the data-quality page, those with failed rules first."""


@dataclass(frozen=True)
class Quality:
    """What the data-quality page shows: counts per rule, reports with the most failed rules, findings.

    ``corpus`` holds the ``reports`` frame, only the *failed* check rows (what
    :func:`govdata.metrics.check_findings` lists) and the files that could not be read;
    ``overview`` has one row per report, failed ones first.
    """

    summary: pl.DataFrame
    overview: pl.DataFrame
    findings: pl.DataFrame
    corpus: Corpus

    @property
    def n_reports_failed(self) -> int:
        return int((self.overview["input_status"] == "fail").sum())


def data_quality(data_dir: str | os.PathLike) -> Quality:
    """The data-quality page of a store (either layout), without holding every check row in memory.

    Counts per rule and per report are aggregated while the ``checks`` files are read; only
    the failed rows are kept whole (with their messages) for the findings table.
    """
    src = store.resolve_data_dir(data_dir)
    reports = store.scan_frame(src, "reports").select("report_id", "agency_id", "agency", "year", "template", "source").collect()
    checks = store.scan_frame(src, "checks")
    overview = metrics.status_overview(reports, checks).sort(
        ["n_failed", "agency_id", "year", "report_id"], descending=[True, False, False, False], nulls_last=True)
    failed = checks.filter(pl.col("status") == "fail").collect()
    corpus = Corpus(reports=schema.conform("reports", reports), checks=failed, failures=read_failures(src))
    return Quality(summary=metrics.check_summary(checks), overview=overview, findings=metrics.check_findings(corpus), corpus=corpus)


def read_failures(data_dir: str | os.PathLike) -> list[Failure]:
    """Files the ingest could not read, from a store of either layout."""
    return store.read_store_failures(store.resolve_data_dir(data_dir))


def explorer_frames(data_dir: str | os.PathLike, *, min_n: int = metrics.DEFAULT_MIN_N) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(shares, reports)`` the explorer needs: every metric per report, and the names of agencies."""
    src = store.resolve_data_dir(data_dir)
    shares = metrics.outcome_shares(store.scan_frame(src, "outcomes").select(OUTCOME_COLUMNS), store.scan_frame(src, "checks"),
                                    min_n=min_n)
    reports = store.scan_frame(src, "reports").select("agency_id", "agency", "year").collect()
    return shares, reports


COMPARE_METRICS = ("share_withheld", "share_denied_broad", "share_granted_any")


@dataclass(frozen=True)
class Comparison:
    """Two agencies side by side (the compare page): every frame holds only their reports."""

    agencies: list[str]
    metric_names: tuple[str, ...]
    min_n: int
    shares: pl.DataFrame
    outcomes: pl.DataFrame
    reports: pl.DataFrame
    reasons: pl.DataFrame


def compare(data_dir: str | os.PathLike, agencies: object = (), *, min_n: int = metrics.DEFAULT_MIN_N,
            metric_names: Sequence[str] = COMPARE_METRICS) -> Comparison:
    """The compare page of two agencies; ``agencies`` empty = the two with the most handled requests.

    Raises :class:`ParameterError` for an unknown id or a number of agencies other than two.
    """
    min_n = check_min_n(min_n)
    chosen = agency_list(agencies)
    src = store.resolve_data_dir(data_dir)
    if not chosen:
        wide = metrics.outcomes_wide(store.scan_frame(src, "outcomes").select(OUTCOME_COLUMNS))
        chosen = metrics.largest_agencies(wide, n=2, weight="total")
    if len(chosen) != 2:
        raise ParameterError(f"compare needs two agency ids, e.g. [jinjiang_city, quanzhou_taishang]; got {chosen}")
    _check_selection(src, chosen, None)
    parts = [agency_corpus(src, agency_id) for agency_id in chosen]
    corpus = Corpus(**{name: pl.concat([getattr(p, name) for p in parts], how="vertical_relaxed") for name in schema.FRAME_NAMES})
    shares = metrics.outcome_shares(corpus.outcomes, corpus.checks, metrics=list(metric_names), min_n=min_n)
    shares = charts.with_agency_names(shares, corpus.reports)
    return Comparison(agencies=chosen, metric_names=tuple(metric_names), min_n=min_n, shares=shares, outcomes=corpus.outcomes,
                      reports=corpus.reports, reasons=metrics.refusal_reasons(corpus))
