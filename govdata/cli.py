"""The ``govdata`` command: extract one report, ingest a folder, and (later issues) more.

Built on click so every subcommand documents itself (``govdata COMMAND --help``).

Every command ends an error it expects with one line on stderr that names the file or path
(:class:`_Commands`): an OS error (a full disk, a read-only folder, a permission), a store
another run is writing, a Dask cluster it cannot reach or use, a malformed reviews file or a bad parameter. Every line printed for a
person goes through :func:`govdata.system.printable`, so an agency name or a file name cannot
send control characters to the terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
import polars as pl

from govdata import __version__
from govdata.model import TABLE_FRAMES
from govdata.schema import FRAME_NAMES as _FRAME_NAMES
from govdata.system import as_os_error, json_safe, os_error_message, printable

if TYPE_CHECKING:
    from tqdm import tqdm

    from govdata.model import Failure

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
# What a command writes to (or reads), named in an OS error that names no file itself.
_PATH_HINT = "govdata.path"


def _echo(text: object = "", *, err: bool = False) -> None:
    """click.echo of a line for a person, without control characters (see the module docstring)."""
    click.echo(printable(text), err=err)


def _hint_path(path: object) -> None:
    """Name ``path`` as what the running command writes or reads, for its one-line OS errors."""
    click.get_current_context().meta[_PATH_HINT] = path


class _Commands(click.Group):
    """The group that turns the errors a command expects into one line on stderr (exit status 1,
    2 for a bad parameter or input); anything else is a bug and keeps its traceback."""

    def invoke(self, ctx: click.Context):
        from govdata.ingest import ClusterError
        from govdata.notebooks import ParameterError
        from govdata.reviews import ReviewsError
        from govdata.store import StoreLockedError

        try:
            return super().invoke(ctx)
        except (ReviewsError, ParameterError) as exc:
            _fail(ctx, str(exc), status=2)
        except (StoreLockedError, ClusterError) as exc:
            _fail(ctx, str(exc), status=1)
        except click.exceptions.Exit:
            raise
        except Exception as exc:
            error = as_os_error(exc)
            if error is None:
                raise
            _fail(ctx, os_error_message(error, ctx.meta.get(_PATH_HINT)), status=1)


def _fail(ctx: click.Context, message: str, *, status: int) -> None:
    command = ctx.invoked_subcommand or ctx.info_name or "govdata"
    click.echo(printable(f"govdata {command}: {message}"), err=True)
    ctx.exit(status)


@click.group(cls=_Commands, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="govdata")
def main() -> None:
    """govdata: Chinese government information-disclosure annual reports as clean, checked tables.

    Typical use: `govdata ingest data/raw --out data/processed`, then open the notebooks.
    """


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "table"]), default="json", show_default=True,
              help="json: the contract's object; csv: one CSV section per frame; table: readable tables.")
def extract(file: Path, fmt: str) -> None:
    """Parse one report FILE and print its frames.

    Exit status 0 when the file was read (even when checks fail), non-zero with a one-line
    error when it could not be read at all.
    """
    from govdata.pipeline import parse_report
    from govdata.read import ReadError

    _hint_path(file)
    try:
        report = parse_report(path=file)
    except ReadError as exc:
        _echo(f"govdata extract: {exc}", err=True)
        sys.exit(2)
    for finding in report.checks.filter(pl.col("status") == "fail").iter_rows(named=True):
        where = f"{report.report['source']}:{finding['line']}" if finding["line"] else report.report["source"]
        _echo(f"{where}: {finding['severity']}: [{finding['check']}] {finding['message']}", err=True)
    if fmt == "json":  # json.dumps escapes C0 controls; json_safe the others, the same JSON value
        click.echo(json_safe(json.dumps(report.to_json_dict(), ensure_ascii=False, indent=1)))
        return
    # csv and table print the frames' text as is, for a program to read; on a terminal, safely
    safe = _terminal_safe if sys.stdout.isatty() else str
    for name, df in report.frames().items():
        if fmt == "csv":
            click.echo(f"# {name}")
            click.echo(safe(df.write_csv()), nl=False)
        else:
            click.echo(f"== {name} ({df.height} rows)")
            with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=40, tbl_width_chars=200):
                click.echo(safe(str(df)))


def _terminal_safe(text: str) -> str:
    """Lines of ``text`` each through :func:`printable` (their line breaks kept)."""
    return "\n".join(printable(line) for line in text.split("\n"))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("data/processed"),
              show_default=True, help="Directory of the processed data (the store).")
@click.option("--layout", type=click.Choice(["partitioned", "flat"]), default="partitioned", show_default=True,
              help="partitioned: <out>/current/<frame>/year=<YYYY>/*.parquet, a new version per run, only new or changed "
                   "files parsed; flat: <out>/<frame>.parquet, every file parsed in memory (small corpora).")
@click.option("--verify", is_flag=True,
              help="Hash every file instead of trusting an unchanged size and modification time (partitioned layout).")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Parse files in this many processes (with --engine dask: the local cluster's workers).")
@click.option("--engine", type=click.Choice(["processes", "dask"]), default="processes", show_default=True,
              help="processes: local processes (--jobs); dask: a dask.distributed cluster, local (--jobs workers) or "
                   "--scheduler's (pip install 'govdata[dask]'; --out, and PATHS unless --send bytes, on storage every "
                   "worker sees).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="With --engine dask: the scheduler of a running cluster (tcp://host:8786) instead of a local one.")
@click.option("--send", type=click.Choice(["paths", "bytes"]), default="paths", show_default=True,
              help="With --engine dask: send the workers the reports' paths (storage they all see) or their bytes, read "
                   "here (workers that cannot see PATHS; --out they must still see).")
@click.option("--wait", "wait_s", type=click.FloatRange(min=0), default=0.0, show_default=True, metavar="SECONDS",
              help="When another run is writing --out, wait this long for it to end before giving up.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when on a terminal).")
def ingest(paths: tuple[Path, ...], out_dir: Path, layout: str, verify: bool, jobs: int, engine: str, scheduler: str | None,
           send: str, wait_s: float, progress: bool | None) -> None:
    """Parse every report under PATHS (default data/raw) into Parquet frames in --out.

    By default --out is a store partitioned by statistics year that Polars, DuckDB, pyarrow
    and Spark read as it is (docs/scaling.md). Every run leaves it holding exactly the
    reports under PATHS: reports whose files are unchanged since the last run are kept
    without parsing them again, and when nothing changed (files, govdata's code and label
    tables, the agency registry, the review verdicts) nothing is written at all.

    Outputs are replaced atomically: an interrupted run leaves the previous outputs intact.
    Files that cannot be read are listed with the reason; the rest of the batch goes on. A file
    with the same bytes as another is stored once and listed as a duplicate; paths passed over
    under PATHS (links that lead nowhere, unreadable folders, FIFOs) are listed as skipped.
    One run writes --out at a time: a second one waits --wait seconds, then stops naming the first.

    --engine dask parses on a Dask cluster (docs/scaling.md): a local one of --jobs workers, or
    the one --scheduler names (SLURM through dask-jobqueue, Kubernetes); the store is the same.
    """
    from tqdm import tqdm

    from govdata import store
    from govdata.pipeline import discover_files

    if verify and layout == "flat":
        raise click.BadOptionUsage("verify", "--verify applies to --layout partitioned only (flat parses every file)")
    if engine == "dask" and layout == "flat":
        raise click.BadOptionUsage("engine", "--engine dask applies to --layout partitioned only")
    if scheduler is not None and engine != "dask":
        raise click.BadOptionUsage("scheduler", "--scheduler needs --engine dask")
    if send != "paths" and engine != "dask":
        raise click.BadOptionUsage("send", "--send needs --engine dask")
    _hint_path(out_dir)
    paths = paths or (Path("data/raw"),)
    found = discover_files(paths)
    show = sys.stderr.isatty() if progress is None else progress
    with store.StoreLock(out_dir, wait=wait_s), \
            tqdm(total=len(found.files), desc="ingest", unit="report", disable=not show, file=sys.stderr) as bar:
        if layout == "flat":
            _ingest_flat(found, out_dir, jobs=jobs, bar=bar)
        else:
            with _batch_engine(engine, scheduler=scheduler, jobs=jobs, send=send) as batch_engine:
                _ingest_partitioned(found, out_dir, jobs=jobs, verify=verify, bar=bar, engine=batch_engine)


@contextmanager
def _batch_engine(name: str, *, scheduler: str | None, jobs: int, send: str):
    """The engine --engine names: None (ingest's own processes) or a Dask engine, imported only then."""
    if name != "dask":
        yield None
        return
    from govdata.ingest_dask import dask_engine

    with dask_engine(scheduler=scheduler, workers=jobs, send=send) as engine:
        yield engine


def _ingest_flat(found, out_dir: Path, *, jobs: int, bar: tqdm) -> None:
    from govdata import store
    from govdata.pipeline import load

    corpus = load(found, jobs=jobs, progress=lambda _path: bar.update())
    bar.close()
    written = store.write_corpus(corpus, out_dir)
    store.remove_partitioned_store(out_dir)
    counts = {name: frame.height for name, frame in corpus.frames().items()}
    _echo_counts("ingested", counts, len(found.files))
    _echo_check_counts(corpus.checks)
    _echo_failures(corpus.failures)
    _echo(f"wrote {len(written)} files to {out_dir}/")


def _ingest_partitioned(found, out_dir: Path, *, jobs: int, verify: bool, bar: tqdm, engine=None) -> None:
    from govdata import store
    from govdata.ingest import ingest as ingest_store

    summary = ingest_store(found, out_dir, jobs=jobs, verify=verify, progress=lambda _path: bar.update(), engine=engine)
    bar.update(summary.n_files - summary.n_parsed)  # unchanged and duplicate files are done too: the bar ends full
    bar.close()
    if not summary.is_unchanged:
        store.remove_flat_frames(out_dir)
    # Everything below is read back from the store: this run parsed only part of what it holds.
    counts = {name: store.scan_frame(out_dir, name).select(pl.len()).collect().item() for name in _FRAME_NAMES}
    version = store.current_version(out_dir)
    if summary.is_unchanged:
        _echo(f"nothing changed since the last ingest ({summary.n_files} file(s) with the same content, and the same "
              f"code, label tables, agency registry and reviews): nothing written")
        _echo_counts("stored", counts, summary.n_files)
    else:
        _echo_counts("ingested", counts, summary.n_files)
        _echo(f"  parsed {summary.n_parsed} file(s), kept {summary.n_reused} unchanged file(s) from the previous version"
              + (f", {summary.n_duplicates} duplicate(s) stored once" if summary.n_duplicates else ""))
    _echo_check_counts(store.scan_frame(out_dir, "checks"))
    _echo_failures(summary.failures)
    if not summary.is_unchanged:
        _echo(f"wrote {out_dir}/{store.CURRENT} -> {version.name} (Parquet partitioned by year)")


def _echo_counts(verb: str, counts: dict[str, int], n_files: int) -> None:
    n_cells = sum(counts[name] for name in ("table2", "table3", "table4", "legacy"))
    _echo(f"{verb} {counts['reports']} report(s) of {n_files} file(s): {n_cells} table cells, "
          f"{counts['facts']} facts, {counts['checks']} checks")


def _echo_failures(failures: Iterable[Failure]) -> None:
    """One line per path that gave no report: ``failed:``, ``duplicate:`` or ``skipped:`` and why."""
    for failure in failures:
        _echo(f"  {failure.kind}: {failure}", err=True)


@main.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 when an error-level check fails (findings a reviewer dismissed excepted).")
@click.option("--reviews", "reviews_csv", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Review verdicts CSV [default: data/reviews.csv or $GOVDATA_REVIEWS].")
@click.option("--not-assessable", "show_not_assessable", is_flag=True, help="Also list checks that could not be assessed.")
def check_command(path: Path | None, strict: bool, reviews_csv: Path | None, show_not_assessable: bool) -> None:
    """Validate reports: failures grouped by report with file:line, then a summary by rule.

    PATH is a directory written by `govdata ingest` or raw reports (a file or a directory);
    default: data/processed when it holds outputs, else data/raw. Exit status 0; with
    --strict, 1 when an error-level check fails.
    """
    from govdata import check
    from govdata.pipeline import corpus_for_path
    from govdata.reviews import stale_reviews

    _hint_path(path or "data/processed")
    corpus = corpus_for_path(path, reviews=reviews_csv)  # a ReviewsError is one line (_Commands)
    stale = stale_reviews(corpus.checks, reviews_csv)
    statuses = (check.FAIL, check.NOT_ASSESSABLE) if show_not_assessable else (check.FAIL,)
    for line in failure_lines(corpus.checks, corpus.reports, statuses=statuses):
        _echo(line)
    for line in summary_lines(corpus.checks):
        _echo(line)
    if stale.height:
        _echo(f"  {stale.height} review(s) match no check here (a report not under PATH, or a finding that went away): "
              + " ".join(stale["fingerprint"].head(5)) + (" …" if stale.height > 5 else ""), err=True)
    _echo_failures(corpus.failures)
    n_errors = check.errors(corpus.checks).height
    _echo(f"{corpus.reports.height} report(s), {corpus.checks.height} checks, "
          f"{n_errors} error-level failure(s) not dismissed by a reviewer")
    if strict and n_errors:
        sys.exit(1)


# --- what `govdata check` prints -----------------------------------------------------------------

_PASS, _FAIL, _NOT_ASSESSABLE = "pass", "fail", "not_assessable"


def summary_by_rule(checks: pl.DataFrame) -> pl.DataFrame:
    """One row per check key: how many passed, failed, could not be assessed, and error-level failures."""
    if checks.height == 0:
        return pl.DataFrame(schema={"check": pl.String, _PASS: pl.UInt32, _FAIL: pl.UInt32, _NOT_ASSESSABLE: pl.UInt32,
                                    "errors": pl.UInt32})
    return (checks.group_by("check")
            .agg(*[(pl.col("status") == status).sum().alias(status) for status in (_PASS, _FAIL, _NOT_ASSESSABLE)],
                 ((pl.col("status") == _FAIL) & (pl.col("severity") == "error")).sum().alias("errors"))
            .sort("check"))


def failure_lines(checks: pl.DataFrame, reports: pl.DataFrame, *, statuses: Sequence[str] = (_FAIL,)) -> list[str]:
    """Findings grouped by report, each as ``file:line  check  severity  message  [fingerprint verdict]``.

    The fingerprint is printed so a reviewer can copy it into data/reviews.csv.
    """
    sources = {r["report_id"]: r for r in reports.iter_rows(named=True)}
    order = pl.col("report_id").replace_strict({k: v.get("source") or k for k, v in sources.items()}, default=pl.col("report_id"),
                                               return_dtype=pl.String)
    shown = checks.filter(pl.col("status").is_in(list(statuses))).sort(order, pl.col("line"), nulls_last=True)
    out: list[str] = []
    for (report_id,), part in shown.group_by("report_id", maintain_order=True):
        meta = sources.get(report_id, {})
        source = meta.get("source") or report_id
        title = " ".join(str(meta[k]) for k in ("agency", "year") if meta.get(k) is not None)
        out.append(f"{source}{'  ' + title if title else ''} ({part.height} finding(s))")
        for row in part.iter_rows(named=True):
            where = f"{source}:{row['line']}" if row["line"] else source
            review = f"{row['fingerprint']} {row['verdict']}" if row["verdict"] else row["fingerprint"]
            status = "" if row["status"] == _FAIL else f" {row['status']}"
            out.append(f"  {where}  {row['check']}  {row['severity']}{status}  {row['message']}  [{review}]")
    return out


def summary_lines(checks: pl.DataFrame) -> list[str]:
    """The summary by rule as aligned text lines (what `govdata check` and `make demo` print)."""
    summary = summary_by_rule(checks)
    header = f"  {'check':<22}{_PASS:>6}{_FAIL:>6}{_NOT_ASSESSABLE:>16}{'errors':>8}"
    lines = ["summary by rule:", header]
    for row in summary.iter_rows(named=True):
        lines.append(f"  {row['check']:<22}{row[_PASS]:>6}{row[_FAIL]:>6}{row[_NOT_ASSESSABLE]:>16}{row['errors']:>8}")
    return lines


@main.command("run")
@click.argument("notebook")
@click.option("-p", "--parameter", "parameters", nargs=2, multiple=True, metavar="KEY VALUE",
              help="Set a parameter of the notebook's `parameters` cell (repeatable). Strings stay strings; "
                   "other values are read as YAML, e.g. -p years '[2019, 2023]'.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also export the executed notebook to this HTML file (no code cells, opens offline).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Also save the executed notebook (.ipynb) here.")
def run(notebook: str, parameters: tuple[tuple[str, str], ...], html_out: Path | None, output: Path | None) -> None:
    """Run NOTEBOOK (a path, or a name in notebooks/ such as `trends`) through papermill.

    Example: `govdata run agency_briefing -p agency_id jinjiang_city -p year 2023 --html out.html`.
    """
    from govdata.notebooks import NotebookError, coerce_parameters, export_html, page_title, resolve_notebook, run_notebook

    _hint_path(html_out or output or notebook)
    try:
        path = resolve_notebook(notebook)
        values = coerce_parameters(path, dict(parameters))
        nb = run_notebook(path, values, output_path=output)
    except (FileNotFoundError, KeyError, NotebookError) as exc:  # a ParameterError is the group's: exit 2
        _echo(f"govdata run: {exc.args[0] if isinstance(exc, KeyError) else exc}", err=True)
        sys.exit(1)
    if output:
        _echo(f"executed notebook: {output}")
    if html_out:
        _hint_path(html_out)
        _echo(f"html: {export_html(nb, html_out, title=page_title(path, values))}")


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"),
              show_default=True, help="Directory for index.html and the pages.")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("data/processed"),
              show_default=True, help="Processed data written by `govdata ingest` (either layout).")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes, each with its own reused kernel.")
@click.option("--force", is_flag=True, help="Rebuild every page, even those whose inputs did not change.")
@click.option("--min-n", type=click.IntRange(min=1), default=30, show_default=True,
              help="Fewest handled requests a rate is shown for.")
@click.option("--notebooks", "notebook_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Directory with agency_briefing/trends/data_quality.ipynb (default: the project's notebooks/).")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when on a terminal).")
@click.option("--agencies", default=None, metavar="IDS",
              help="Only these agencies' pages, ids separated by commas (e.g. jinjiang_city,pingtan_zone).")
@click.option("--years", default=None, metavar="YEARS", help="Only these statistics years, e.g. 2023 or 2019,2021-2023.")
@click.option("--level", "levels", default=None, metavar="LEVELS",
              help="Only agencies of these levels: province, prefecture, county, township, zone, department, unknown "
                   "(commas between several).")
def briefings(out_dir: Path, data_dir: Path, jobs: int, force: bool, min_n: int, notebook_dir: Path | None,
              progress: bool | None, agencies: str | None, years: str | None, levels: str | None) -> None:
    """Build every agency-year briefing, the trends and data-quality pages, and index.html.

    Pages whose inputs (data rows, parameters, code) did not change are skipped unless
    --force. Every failure is listed at the end and makes the exit status non-zero.
    --agencies, --years and --level build only the agency-year pages they select (no trends,
    data-quality or comparison page); the index still lists the pages earlier runs wrote.
    An unknown agency id or level, or a year without a report, is a one-line error (exit 2).
    """
    from govdata.briefings import Selection, build_briefings
    from govdata.store import is_partitioned

    if not (data_dir / "reports.parquet").exists() and not is_partitioned(data_dir):
        _echo(f"govdata briefings: no processed data in {data_dir}/; run `govdata ingest data/raw --out {data_dir}` first",
              err=True)
        sys.exit(2)
    _hint_path(out_dir)
    show = sys.stderr.isatty() if progress is None else progress
    selection = Selection.parse(agencies, years, levels)
    batch = build_briefings(data_dir, out_dir, workers=jobs, force=force, min_n=min_n, notebook_dir=notebook_dir,
                            progress=show, selection=selection)
    for note in batch.notes:
        _echo(f"  note: {note}", err=True)
    for failure in batch.failures:
        _echo(f"  failed: {failure.job.output}: {failure.error}", err=True)
    _echo(f"briefings: {batch.count('built')} built, {batch.count('skipped')} unchanged, "
          f"{len(batch.failures)} failed")
    _echo(f"index: {batch.index_path}")
    if batch.failures:
        sys.exit(1)


@main.command("export")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("data/processed"),
              show_default=True, help="Processed data written by `govdata ingest` (either layout).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for one file per frame, panel.<fmt> and codebook.<fmt>.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "dta", "parquet"]), default="csv", show_default=True,
              help="csv: UTF-8 with BOM (Excel); xlsx: Excel workbooks; dta: Stata 15 with Chinese variable labels; parquet.")
@click.option("--min-n", type=click.IntRange(min=1), default=30, show_default=True,
              help="Fewest handled requests a share is given for in the panel.")
def export_command(data_dir: Path, out_dir: Path, fmt: str, min_n: int) -> None:
    """Write every frame, the headline panel (agency × year × metric) and a codebook to --out.

    The panel has numerator, denominator, share, Wilson 95% interval, the minimum-N flag, the
    checks status and the agency's Chinese name; the codebook lists every column with its
    type, meaning and Chinese label. docs/briefings.md ("Export") describes the files.
    """
    from govdata.export import export_store
    from govdata.store import is_partitioned

    if not (data_dir / "reports.parquet").exists() and not is_partitioned(data_dir):
        click.echo(f"govdata export: no processed data in {data_dir}/; run `govdata ingest data/raw --out {data_dir}` first", err=True)
        sys.exit(2)
    try:
        result = export_store(data_dir, out_dir, fmt=fmt, min_n=min_n)
    except (OSError, ValueError, KeyError) as exc:
        click.echo(f"govdata export: {exc.args[0] if isinstance(exc, KeyError) else exc}", err=True)
        sys.exit(1)
    for name, path in result.files.items():
        click.echo(f"  {name}: {result.rows[name]} rows -> {path}")
    click.echo(f"exported {len(result.files)} files ({fmt}) to {out_dir}/")


@main.command("synth")
@click.option("--n", "n_reports", type=click.IntRange(min=1), required=True, help="How many reports to write.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for reports/, agencies.csv, manifest.csv and truth/ (never data/raw).")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed always writes the same bytes.")
@click.option("--layouts", default="tabbed,cell_per_line,pipe,html", show_default=True,
              help="Comma-separated layouts to draw from: tabbed, cell_per_line, pipe, html.")
@click.option("--inject-errors", "inject_rate", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Share of reports with one injected inconsistency (recorded in truth/injections and truth/expected_checks).")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Write in this many processes.")
@click.option("--truth/--no-truth", default=True, show_default=True, help="Write the ground-truth frames under truth/.")
def synth_command(n_reports: int, out_dir: Path, seed: int, layouts: str, inject_rate: float, jobs: int, truth: bool) -> None:
    """Write N synthetic (合成) reports with their ground truth, for tests and benchmarks.

    Every agency and number is invented and marked 合成 (synthetic). Parse them with
    GOVDATA_AGENCIES=OUT/agencies.csv so the invented agencies resolve to their ids.
    """
    from govdata.synth import write_synthetic_corpus

    if Path(out_dir).resolve().is_relative_to(Path("data/raw").resolve()):
        raise click.BadParameter("synthetic reports never go into data/raw", param_hint="--out")
    chosen = tuple(part.strip() for part in layouts.split(",") if part.strip())
    _hint_path(out_dir)
    try:
        summary = write_synthetic_corpus(n_reports, out_dir, seed=seed, layouts=chosen, inject_rate=inject_rate, jobs=jobs, truth=truth)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--layouts") from exc
    _echo(f"wrote {summary.n_reports} synthetic report(s), {summary.n_bytes / 1e6:.1f} MB, "
          f"{summary.n_injected} with an injected inconsistency, to {out_dir}/")
    _echo("  templates: " + ", ".join(f"{k} {v}" for k, v in summary.by_template.items()))
    _echo("  layouts: " + ", ".join(f"{k} {v}" for k, v in summary.by_layout.items()))
    _echo(f"  parse with: GOVDATA_AGENCIES={out_dir}/agencies.csv govdata ingest {out_dir}/reports")


@main.command("fetch")
@click.argument("sources", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--index", "index_urls", multiple=True, metavar="URL",
              help="An agency's 年报 list page: fetch the links whose title names an annual report (repeatable).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The collection folder, e.g. data/raw/<collection>: files and manifest.csv.")
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds between two requests to one host (a longer robots.txt Crawl-delay wins).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True,
              help="Seconds to wait for a server (connecting, and between bytes).")
@click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
              help="Further attempts after a time-out, a dropped connection or a 429/5xx answer, with doubling back-off.")
@click.option("--contact", default=None, help="Your e-mail or URL, sent in the User-Agent so a site can reach you [env GOVDATA_CONTACT].")
@click.option("--attachments/--no-attachments", default=True, show_default=True,
              help="Also store the PDF/DOC/DOCX/WPS/XLS files a report page links to.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when on a terminal).")
def fetch_command(sources: Path | None, index_urls: tuple[str, ...], out_dir: Path, delay: float, timeout: float, retries: int,
                  contact: str | None, attachments: bool, progress: bool | None) -> None:
    """Collect reports from agencies' websites into --out, unchanged, with a manifest.

    SOURCES is a CSV with a `url` column and optional `agency`, `year` and `note`
    (data/sources/pingtan.csv is one); or give --index URL of a 年报 list page. Files are
    stored once, named <year>_<agency>_<sha256 prefix>.<ext>, never overwritten; a re-run
    downloads only what is new or changed. Every URL that fails is listed with its reason,
    and the exit status is 1 when any failed. docs/collecting.md has the details.
    """
    from tqdm import tqdm

    from govdata import fetch

    if not sources and not index_urls:
        raise click.UsageError("give a SOURCES csv, or --index URL of an agency's 年报 list page")
    settings = fetch.FetchSettings(delay=delay, connect_timeout=min(timeout, 10.0), read_timeout=timeout, retries=retries,
                                   follow_attachments=attachments, user_agent=fetch.user_agent(contact))
    try:
        listed = fetch.read_sources(sources) if sources else []
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="SOURCES") from exc
    _hint_path(out_dir)
    show = sys.stderr.isatty() if progress is None else progress
    outcomes: list[fetch.Outcome] = []
    client = fetch.WebClient(settings)
    with tqdm(total=len(listed), desc="fetch", unit="url", disable=not show, file=sys.stderr) as bar:

        def grow(found: list[fetch.Source]) -> None:  # an index's reports are known once its list is read
            bar.total += len(found)
            bar.refresh()

        try:
            if listed:
                outcomes += fetch.fetch_sources(listed, out_dir, client=client, progress=lambda _s: bar.update()).outcomes
            for url in index_urls:
                outcomes += fetch.fetch_index(url, out_dir, client=client, progress=lambda _s: bar.update(), on_list=grow).outcomes
        finally:
            client.close()
    for status in ("skipped", "failed"):
        for outcome in outcomes:
            if outcome.status == status:
                _echo(f"  {status}: {outcome.url}: {outcome.reason}", err=True)
    counts = {status: sum(1 for o in outcomes if o.status == status) for status in ("stored", "unchanged", "skipped", "failed")}
    _echo(f"fetched {len(outcomes) - counts['skipped']} URL(s) into {out_dir}/: {counts['stored']} stored, "
          f"{counts['unchanged']} unchanged, {counts['failed']} failed; {counts['skipped']} skipped (not annual reports)")
    _echo(f"manifest: {out_dir / 'manifest.csv'}")
    if counts["failed"]:
        sys.exit(1)


def _echo_check_counts(checks: pl.DataFrame | pl.LazyFrame) -> None:
    counts = checks.lazy().group_by("status", "severity").len().sort("status", "severity").collect()
    if counts.height == 0:
        return
    parts = [f"{row['status']}/{row['severity']}: {row['len']}" for row in counts.iter_rows(named=True)]
    _echo("  checks by status: " + ", ".join(parts))


__all__ = ["TABLE_FRAMES", "failure_lines", "main", "summary_by_rule", "summary_lines"]
