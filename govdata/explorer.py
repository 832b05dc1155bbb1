"""The JupyterLab explorer: widgets for agencies, years, metric and template driving a chart and a table.

Why a class in the package: a notebook must stay thin (no function definitions), and the
explorer's behaviour — which rows a filter keeps, what the chart shows — is tested by
setting widget values and reading :attr:`Explorer.table` and :attr:`Explorer.chart`
(tests/notebooks/test_explore.py runs it through papermill).

At national scale the chart draws the agencies with most handled requests
(:func:`govdata.charts.share_trend`) and the table lists :data:`TABLE_ROWS` rows; the store
is read lazily (:meth:`Explorer.from_store`), not loaded whole.

Example (in a notebook):
    >>> explorer = Explorer.from_store("data/processed")   # doctest: +SKIP
    >>> explorer.widget                                     # doctest: +SKIP
"""

from __future__ import annotations

import os

import altair as alt
import ipywidgets as widgets
import polars as pl
from IPython.display import display

from govdata import charts, metrics, sections, terms, views
from govdata.model import Corpus

TEMPLATES = ("legacy", "2019", "2021")
TEMPLATE_LABELS = terms.terms("template")
TABLE_STYLE = ("<style>.govdata th, .govdata td.num { white-space: nowrap; } .govdata td { min-width: 3em; }"
               " .govdata .table-wrap { overflow-x: auto; max-width: 100%; }</style>")
TABLE_ROWS = 200
"""Rows of the table under the chart (the rest are counted, not listed: a page must stay small)."""
PRESELECT_AGENCIES = 200
"""Up to this many agencies the agency list starts with all of them selected; beyond, with none (= all)."""


class Explorer:
    """Widgets over one corpus; every change recomputes :attr:`table` and :attr:`chart` and redraws."""

    def __init__(self, corpus: Corpus, *, metric: str = "share_withheld", min_n: int = metrics.DEFAULT_MIN_N):
        min_n = views.check_min_n(min_n)
        shares = metrics.outcome_shares(corpus.outcomes, corpus.checks, min_n=min_n)
        self._build(metrics.headline_panel(shares, corpus.reports, min_n=min_n), corpus.reports, metric=metric)

    @classmethod
    def from_store(cls, data_dir: str | os.PathLike, *, metric: str = "share_withheld",
                   min_n: int = metrics.DEFAULT_MIN_N) -> Explorer:
        """The explorer over a store (either layout): the headline panel (:func:`govdata.views.panel`)."""
        panel = views.panel(data_dir, min_n=min_n)
        explorer = cls.__new__(cls)
        explorer._build(panel, panel.select("agency_id", pl.col("agency_name").alias("agency"), "year"), metric=metric)
        return explorer

    def _build(self, shares: pl.DataFrame, reports: pl.DataFrame, *, metric: str) -> None:
        if metric not in metrics.SHARE_METRICS:
            raise views.ParameterError(f"unknown metric {metric!r}; known: {list(metrics.SHARE_METRICS)}")
        self.shares_all = charts.with_agency_names(shares, reports)
        names = charts.agency_names(reports).sort("agency_id")
        duplicated = set(names.filter(pl.col("agency_name").is_duplicated())["agency_name"].to_list())
        years = reports["year"].drop_nulls()
        first, last = (int(years.min()), int(years.max())) if years.len() else (2019, 2019)
        # Nothing selected means every agency. Few agencies start all selected, which shows it;
        # thousands cannot: ipywidgets checks a selection against the options pairwise (two
        # minutes for the 33,000 agencies of 100,000 synthetic reports).
        self.agencies = widgets.SelectMultiple(
            # the id only where two agencies print the same name
            options=[(f"{row['agency_name']}（{row['agency_id']}）" if row["agency_name"] in duplicated else row["agency_name"],
                      row["agency_id"]) for row in names.iter_rows(named=True)],
            value=tuple(names["agency_id"].to_list()) if names.height <= PRESELECT_AGENCIES else (),
            description="机关", rows=min(8, max(2, names.height)), layout=widgets.Layout(width="460px"))
        self.years = widgets.IntRangeSlider(value=(first, last), min=first, max=max(last, first + 1), step=1,
                                            description="年度", layout=widgets.Layout(width="420px"))
        self.metric = widgets.Dropdown(options=[(m.label_zh, name) for name, m in metrics.SHARE_METRICS.items()],
                                       value=metric, description="指标", layout=widgets.Layout(width="340px"))
        self.templates = widgets.SelectMultiple(options=[(TEMPLATE_LABELS[t], t) for t in TEMPLATES], value=TEMPLATES,
                                                description="格式", rows=3)
        self.chart_output = widgets.Output()
        self.table_output = widgets.HTML()
        self.table: pl.DataFrame = self.shares_all.clear()
        self.chart: alt.TopLevelMixin | None = None
        for control in (self.agencies, self.years, self.metric, self.templates):
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox([
            # two rows, so the year slider keeps room for its readout ("2017 – 2023") beside the metric
            widgets.HBox([self.metric, self.years]),
            widgets.HBox([self.agencies, self.templates]),
            self.chart_output, self.table_output,
        ])
        self.refresh()

    def _on_change(self, _change: dict) -> None:
        self.refresh()

    def selection(self) -> pl.DataFrame:
        """The share rows the widgets select: metric, agencies (none selected = all), year range and templates."""
        low, high = self.years.value
        agencies = pl.col("agency_id").is_in(list(self.agencies.value)) if self.agencies.value else pl.lit(True)
        return self.shares_all.filter(
            (pl.col("metric") == self.metric.value)
            & agencies
            & pl.col("year").is_between(low, high)
            & pl.col("template").is_in(list(self.templates.value))
        )

    def refresh(self) -> None:
        """Recompute the table and chart from the widget values and redraw both."""
        self.table = self.selection()
        self.chart = charts.share_trend(self.table, self.metric.value)
        # JupyterLab's own table CSS lets a narrow header break one character per line
        self.table_output.value = (TABLE_STYLE + sections.shares_table(self.table, limit=TABLE_ROWS)._repr_html_())
        with self.chart_output:
            self.chart_output.clear_output(wait=True)
            # drawn by the offline renderer whatever Altair's active renderer is: the first chart is
            # drawn while the explorer is built, before any later cell could switch renderers
            if self.table.filter(pl.col("share").is_not_null()).height:
                display(charts.offline_html(self.chart))
            else:
                display(sections.note("所选机关、年度和格式没有可计算比例的数值（办理结果总计不足最小样本量，或没有报告）。"))
