"""The JupyterLab explorer: widgets for agencies, years, metric and template driving a chart and a table.

Why a class in the package: a notebook must stay thin (no function definitions), and the
explorer's behaviour — which rows a filter keeps, what the chart shows — is tested by
setting widget values and reading :attr:`Explorer.table` and :attr:`Explorer.chart`
(tests/notebooks/test_explore.py runs it through papermill).

Example (in a notebook):
    >>> explorer = Explorer(read_corpus("data/processed"))  # doctest: +SKIP
    >>> explorer.widget                                       # doctest: +SKIP
"""

from __future__ import annotations

import altair as alt
import ipywidgets as widgets
import polars as pl
from IPython.display import display

from govdata import charts, metrics, sections
from govdata.model import Corpus

TEMPLATES = ("legacy", "2019", "2021")


class Explorer:
    """Widgets over one corpus; every change recomputes :attr:`table` and :attr:`chart` and redraws."""

    def __init__(self, corpus: Corpus, *, metric: str = "share_withheld", min_n: int = metrics.DEFAULT_MIN_N):
        self.corpus = corpus
        self.shares_all = charts.with_agency_names(
            metrics.outcome_shares(corpus.outcomes, corpus.checks, min_n=min_n), corpus.reports)
        names = charts.agency_names(corpus.reports).sort("agency_id")
        years = corpus.reports["year"].drop_nulls()
        first, last = (int(years.min()), int(years.max())) if years.len() else (2019, 2019)
        self.agencies = widgets.SelectMultiple(
            options=[(f"{row['agency_name']} ({row['agency_id']})", row["agency_id"]) for row in names.iter_rows(named=True)],
            value=tuple(names["agency_id"].to_list()), description="机关", rows=min(8, max(2, names.height)))
        self.years = widgets.IntRangeSlider(value=(first, last), min=first, max=max(last, first + 1), step=1,
                                            description="年度")
        self.metric = widgets.Dropdown(options=[(m.label_zh, name) for name, m in metrics.SHARE_METRICS.items()],
                                       value=metric, description="指标")
        self.templates = widgets.SelectMultiple(options=list(TEMPLATES), value=TEMPLATES, description="格式", rows=3)
        self.chart_output = widgets.Output()
        self.table_output = widgets.HTML()
        self.table: pl.DataFrame = self.shares_all.clear()
        self.chart: alt.TopLevelMixin | None = None
        for control in (self.agencies, self.years, self.metric, self.templates):
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox([
            widgets.HBox([widgets.VBox([self.metric, self.years]), self.agencies, self.templates]),
            self.chart_output, self.table_output,
        ])
        self.refresh()

    def _on_change(self, _change: dict) -> None:
        self.refresh()

    def selection(self) -> pl.DataFrame:
        """The share rows the widgets select: metric, agencies, year range and templates."""
        low, high = self.years.value
        return self.shares_all.filter(
            (pl.col("metric") == self.metric.value)
            & pl.col("agency_id").is_in(list(self.agencies.value))
            & pl.col("year").is_between(low, high)
            & pl.col("template").is_in(list(self.templates.value))
        )

    def refresh(self) -> None:
        """Recompute the table and chart from the widget values and redraw both."""
        self.table = self.selection()
        self.chart = charts.share_trend(self.table, self.metric.value)
        self.table_output.value = sections.shares_table(self.table)._repr_html_()
        with self.chart_output:
            self.chart_output.clear_output(wait=True)
            display(self.chart)
