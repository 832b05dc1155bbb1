"""`govdata export`: every frame of a store, the headline panel and a codebook, for Stata, R and Excel.

Why: a researcher's next step after the briefings is their own analysis, in a tool that
does not read Parquet or Polars. One folder holds:

- every stored frame (``reports``, ``table2`` … ``outcomes``) as read from the store;
- ``panel``: agency × year × metric with numerator, denominator, Wilson interval, minimum-N
  flag, checks status and the agency's Chinese name (:func:`govdata.views.panel`, the same
  frame the explorer reads);
- ``codebook``: one row per column of every file written: frame, column, type, meaning,
  Chinese label (govdata/data/column_labels.csv) — also the Stata variable labels.

Formats:

- ``csv``: UTF-8 *with BOM*, so Excel on Windows opens the Chinese text without mojibake;
- ``xlsx``: one workbook per frame (xlsxwriter through Polars); a frame over Excel's
  1,048,576 rows goes on as many sheets as it needs;
- ``dta``: Stata 15 (.dta 119 via ReadStat/pyreadstat), UTF-8, with the Chinese labels as
  variable labels; Stata names are at most 32 characters (ours are shorter), booleans
  become 0/1, missing numbers Stata's missing;
- ``parquet``: as Polars writes it (typed, for R's arrow, DuckDB, pandas).

Example:
    >>> written = export_store("data/processed", "exports", fmt="csv")   # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from govdata import metrics, schema, store, terms, views

FORMATS = ("csv", "xlsx", "dta", "parquet")
CODEBOOK = "codebook"
PANEL = "panel"
EXCEL_MAX_ROWS = 1_048_575  # one row of the sheet is the header
STATA_MAX_STRING_BYTES = 2045  # longer strings are written as strL by ReadStat


@dataclass
class Export:
    """What :func:`export_store` wrote: file per frame, and the row count of each frame."""

    out_dir: Path
    fmt: str
    files: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def frames_of(data_dir: str | os.PathLike, *, min_n: int = metrics.DEFAULT_MIN_N) -> dict[str, pl.DataFrame]:
    """Every stored frame and the panel, read from a store of either layout."""
    src = store.resolve_data_dir(data_dir)
    frames = {name: store.scan_frame(src, name).collect() for name in schema.FRAME_NAMES}
    frames[PANEL] = views.panel(src, min_n=min_n)
    return frames


def _column_meanings() -> dict[tuple[str, str], tuple[str, str]]:
    out = {}
    for frame, columns in schema.all_frames().items():
        for column in columns:
            dtype = column.dtype if isinstance(column.dtype, type) else type(column.dtype)
            out[(frame, column.name)] = (dtype.__name__, column.description)
    return out


def codebook(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """One row per column of every frame written: ``frame, column, type, meaning, label_zh``.

    Raises when a column has no Chinese label (govdata/data/column_labels.csv): a codebook
    with a blank would hand the gap to the researcher.
    """
    meanings = _column_meanings()
    rows, missing = [], []
    for frame, df in frames.items():
        for column in df.columns:
            dtype, meaning = meanings.get((frame, column), (str(df.schema[column]), ""))
            label = terms.column_label(frame, column)
            if label is None:
                missing.append(f"{frame}.{column}")
            rows.append({"frame": frame, "column": column, "type": dtype, "meaning": meaning, "label_zh": label or ""})
    if missing:
        raise KeyError(f"columns without a Chinese label in govdata/data/column_labels.csv: {missing}")
    return pl.DataFrame(rows, schema={"frame": pl.String, "column": pl.String, "type": pl.String, "meaning": pl.String,
                                      "label_zh": pl.String})


def export_store(data_dir: str | os.PathLike, out_dir: str | os.PathLike, *, fmt: str = "csv",
                 min_n: int = metrics.DEFAULT_MIN_N, frames: Sequence[str] | None = None) -> Export:
    """Write every frame, the panel and the codebook of a store to ``out_dir`` in one format.

    Each file is written to a temporary name and renamed, so a reader never opens half a file.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    data = frames_of(data_dir, min_n=min_n)
    if frames is not None:
        data = {name: df for name, df in data.items() if name in set(frames)}
    book = codebook(data)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = Export(out, fmt)
    for name, df in [*data.items(), (CODEBOOK, book)]:
        labels = {} if name == CODEBOOK else {column: terms.column_label(name, column) or "" for column in df.columns}
        target = out / f"{name}.{fmt}"
        tmp = target.with_name(f".{target.name}.tmp")
        _WRITERS[fmt](df, tmp, name=name, labels=labels)
        os.replace(tmp, target)
        result.files[name] = target
        result.rows[name] = df.height
    return result


def _write_csv(df: pl.DataFrame, path: Path, *, name: str, labels: dict[str, str]) -> None:
    df.write_csv(path, include_bom=True)


def _write_parquet(df: pl.DataFrame, path: Path, *, name: str, labels: dict[str, str]) -> None:
    df.write_parquet(path)


def _write_xlsx(df: pl.DataFrame, path: Path, *, name: str, labels: dict[str, str]) -> None:
    import xlsxwriter

    with xlsxwriter.Workbook(str(path)) as workbook:
        if df.height == 0:
            df.write_excel(workbook, worksheet=name[:31], autofit=True)
            return
        for index, start in enumerate(range(0, df.height, EXCEL_MAX_ROWS)):
            sheet = name[:28] if index == 0 else f"{name[:26]}_{index + 1}"
            df.slice(start, EXCEL_MAX_ROWS).write_excel(workbook, worksheet=sheet, autofit=df.height < 50_000)


def _for_stata(df: pl.DataFrame) -> pl.DataFrame:
    """Types Stata has: booleans as 0/1 bytes, everything else numeric or string."""
    return df.with_columns([pl.col(c).cast(pl.Int8) for c, t in df.schema.items() if t == pl.Boolean])


def _write_dta(df: pl.DataFrame, path: Path, *, name: str, labels: dict[str, str]) -> None:
    import pyreadstat

    frame = _for_stata(df)
    column_labels = [labels.get(column) or None for column in frame.columns]
    # ReadStat writes to a path it names itself; the temporary name keeps the .dta suffix out of the way
    pyreadstat.write_dta(frame, str(path), file_label=f"govdata {name}", column_labels=column_labels, version=15)


_WRITERS = {"csv": _write_csv, "xlsx": _write_xlsx, "dta": _write_dta, "parquet": _write_parquet}
