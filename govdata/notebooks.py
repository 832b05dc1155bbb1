"""Running the project's notebooks with parameters, one at a time or many on one kernel.

Why two ways:

* :func:`run_notebook` is papermill, unchanged: what ``govdata run`` and the notebook tests
  use, so a notebook behaves exactly as it does for a researcher's own papermill call.
* :class:`KernelSession` runs many parameter sets on one pre-started kernel, which is what
  makes hundreds of briefings affordable. A bare papermill run pays for a fresh kernel and
  for importing Polars, Altair and govdata every time (about 2.5 s); on a reused kernel only
  the notebook's own work is left. Parameters are injected by papermill's own
  ``parameterize_notebook`` so the result is the same notebook papermill would run; the
  namespace is cleared with ``%reset -f`` before each run so no variable leaks from one
  agency's briefing into the next; the kernel client's channels are stopped after each run
  because they otherwise leak about ten file descriptors per run.

HTML export happens in-process (:func:`export_html`) with code cells hidden and a template
(govdata/templates/briefing.html.j2) that loads nothing from the network. A page exported
alone carries its styles and the chart library inline (~1.3 MB); the pages of a briefing site
share them as content-hashed files under ``<site>/assets/`` (:class:`SiteAssets`), which is
what keeps 10^5 pages in gigabytes, not a hundred.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat

from govdata import paths

KERNEL_NAME = "python3"
CELL_TIMEOUT_S = 300
# ipykernel 7 logs "Kernel is running over TCP without encryption" at WARNING on every start,
# once per worker on the user's terminal; errors (and tracebacks, which go to cell outputs) stay.
KERNEL_QUIET = ("--IPKernelApp.log_level=ERROR",)
NOTEBOOK_DIR = paths.notebooks_dir()
"""The project's notebooks (:func:`govdata.paths.notebooks_dir`, when this module was imported)."""

# Runs first on a reused kernel: forget the previous run's variables and cached outputs.
# Why not ``%reset -f``: it also runs a full garbage collection, which cost ~0.12 s per run
# (a third of a briefing) on a kernel holding Polars and Altair; deleting the user's names
# and the output history frees the same objects by reference counting. Modules stay
# imported (that is the point of reusing the kernel), so module-level state such as
# Altair's active renderer survives; notebooks set it in every run
# (govdata.charts.use_offline_charts).
_RESET_SOURCE = (
    "get_ipython().run_line_magic('reset_selective', '-f .')\n"
    "get_ipython().history_manager.output_hist.clear()"
)


class ParameterError(ValueError):
    """A ``-p KEY VALUE`` the notebook cannot take: says which parameter and why."""


class NotebookError(Exception):
    """A notebook raised while running: which notebook, which cell, and the error."""

    def __init__(self, notebook: str, message: str):
        self.notebook = notebook
        self.message = message
        super().__init__(f"{notebook}: {message}")


# --------------------------------------------------------------------------- notebooks and parameters


def resolve_notebook(name_or_path: str | os.PathLike) -> Path:
    """A notebook path from a path or a bare name (``trends`` -> notebooks/trends.ipynb)."""
    path = Path(name_or_path)
    if path.exists():
        return path
    for candidate in (NOTEBOOK_DIR / path, NOTEBOOK_DIR / f"{path}.ipynb"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"no notebook {name_or_path!s} (looked in . and {NOTEBOOK_DIR})")


def read_notebook(path: str | os.PathLike) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def declared_parameters(path: str | os.PathLike) -> dict[str, dict[str, Any]]:
    """The notebook's ``parameters`` cell as papermill inspects it: name -> {default, inferred_type_name, help}."""
    import papermill

    return papermill.inspect_notebook(str(path))


def coerce_parameters(path: str | os.PathLike, raw: dict[str, str]) -> dict[str, Any]:
    """Turn ``-p key value`` strings into the types the notebook's defaults declare.

    Why not papermill's own guess: ``-p agency_id 0001`` would become the integer 1. A
    parameter whose default is a string stays a string; others are read as YAML (numbers,
    booleans, ``[2019, 2023]``). Unknown names raise, so a typo does not run silently with
    the default.
    """
    import yaml

    declared = declared_parameters(path)
    unknown = sorted(set(raw) - set(declared))
    if unknown:
        raise KeyError(f"{Path(path).name} has no parameter(s) {unknown}; it declares {sorted(declared)}")
    out: dict[str, Any] = {}
    for name, text in raw.items():
        if _default_is_string(declared[name]):
            out[name] = text
            continue
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
            raise ParameterError(f"-p {name} {text!r}: not a valid YAML value ({problem}); quote a string, "
                                 "e.g. -p years '[2019, 2023]'") from exc
        default = _default_value(declared[name])
        # A number where the notebook expects one: `-p min_n abc` is a one-line error here, not a
        # Polars traceback from the middle of the notebook.
        if isinstance(default, int) and not isinstance(default, bool) and (not isinstance(value, int) or isinstance(value, bool)):
            raise ParameterError(f"parameter {name} of {Path(path).name} must be a whole number, like its default {default}; "
                                 f"got {text!r}")
        out[name] = value
    return out


def _default_value(parameter: dict[str, Any]) -> Any:
    import ast

    try:
        return ast.literal_eval(str(parameter.get("default")))
    except (ValueError, SyntaxError):
        return None


def _default_is_string(parameter: dict[str, Any]) -> bool:
    """Whether a parameter is a string: by annotation if any, else by its literal default.

    papermill only reports annotations (``inferred_type_name`` is ``None`` for ``x = "a"``),
    and the notebooks use plain literals, so the default's source text is evaluated.
    """
    import ast

    type_name = str(parameter.get("inferred_type_name") or "").lower()
    if type_name and type_name != "none":
        return type_name in {"str", "string"}
    try:
        return isinstance(ast.literal_eval(str(parameter.get("default"))), str)
    except (ValueError, SyntaxError):
        return False


def run_notebook(path: str | os.PathLike, parameters: dict[str, Any] | None = None, *,
                 output_path: str | os.PathLike | None = None, cwd: str | os.PathLike | None = None,
                 kernel_name: str = KERNEL_NAME, progress_bar: bool = False) -> nbformat.NotebookNode:
    """Execute one notebook through papermill and return the executed notebook.

    Raises :class:`NotebookError` naming the cell when the notebook fails (papermill's own
    error is chained). A cell is given :data:`CELL_TIMEOUT_S`: on a loaded machine the client
    can miss a kernel's reply and would otherwise wait for ever with the kernel idle; such a
    run is tried once more with a fresh kernel (the notebooks only read), then reported.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    for attempt in (1, 2):
        try:
            return papermill.execute_notebook(
                str(path), str(output_path) if output_path else None, parameters=parameters or {},
                kernel_name=kernel_name, cwd=str(cwd) if cwd else None, progress_bar=progress_bar,
                execution_timeout=CELL_TIMEOUT_S,
            )
        except PapermillExecutionError as exc:
            raise NotebookError(Path(path).name, f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}") from exc
        except (CellTimeoutError, TimeoutError) as exc:
            if attempt == 2:
                raise NotebookError(Path(path).name, f"a cell gave no answer within {CELL_TIMEOUT_S} s, twice") from exc
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------- export


def template_path() -> Path:
    return Path(str(resources.files("govdata").joinpath("templates/briefing.html.j2")))


@lru_cache(maxsize=2)
def _exporter(*, site: bool = False):
    """One HTMLExporter per process and kind: building it costs ~0.5 s, using it ~0.07 s per notebook.

    ``site=True``: for pages of a briefing site, without the Pygments styles nbconvert inlines
    into every page (they are in the shared stylesheet, :func:`site_style`).
    """
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config({"CSSHTMLHeaderPreprocessor": {"enabled": False}}) if site else Config()
    return HTMLExporter(
        template_name="lab",
        template_file=str(template_path()),
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="zh",
        config=config,
    )


PAGE_NAMES_ZH = {"agency_briefing": "机关年度数据简报", "trends": "历年趋势", "data_quality": "数据质量概览",
                 "explore": "交互式浏览", "compare": "两个机关的比较"}
"""The Chinese name of each notebook's page (its ``<title>`` when run with ``govdata run``)."""


def page_title(path: str | os.PathLike, parameters: dict[str, Any]) -> str:
    """A Chinese ``<title>`` for one notebook run, e.g. ``历年趋势（不予公开占比）``."""
    stem = Path(path).stem
    name = PAGE_NAMES_ZH.get(stem, stem)
    details = []
    if parameters.get("agency_id"):
        details.append(str(parameters["agency_id"]))
    if parameters.get("year"):
        details.append(f"{parameters['year']}年")
    if parameters.get("metric"):
        from govdata.metrics import SHARE_METRICS

        metric = SHARE_METRICS.get(str(parameters["metric"]))
        details.append(metric.label_zh if metric else str(parameters["metric"]))
    return f"{name}（{'，'.join(details)}）" if details else name


_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_HEAD_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.IGNORECASE | re.DOTALL)

ASSETS_DIR = "assets"
"""Folder of a briefing site's shared files, relative to the site's root."""


@dataclass(frozen=True)
class SiteAssets:
    """Where a page finds the site's shared chart library and styles (relative URLs).

    Why shared files: a page that inlines the Vega bundle and JupyterLab's CSS weighs ~1.3 MB,
    so 10^5 agency-years would fill ~130 GB with copies of the same bytes. The names carry a
    hash of the content (``assets/vega-<hash>.js``): a new library gets a new name, so a page
    written earlier keeps loading the library it was written with, and nothing is ever
    overwritten in place. ``<script src>`` of a classic script and ``<link rel=stylesheet>``
    both load from ``file://``, so the site still opens offline.
    """

    script: str
    style: str

    def for_page(self, page: str) -> SiteAssets:
        """The same files as seen from ``page`` (relative to the site root): ``../`` per folder level."""
        prefix = "../" * page.replace("\\", "/").count("/")
        return SiteAssets(prefix + self.script, prefix + self.style)


def site_asset_files() -> dict[str, str]:
    """The shared files of a briefing site: relative path (content-hashed name) -> text."""
    from govdata import charts

    out = {}
    for stem, suffix, text in (("vega", "js", charts.bundle_source()), ("briefing", "css", site_style())):
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        out[f"{ASSETS_DIR}/{stem}-{digest}.{suffix}"] = text
    return out


def write_site_assets(out_dir: str | os.PathLike) -> SiteAssets:
    """Write the shared files into ``out_dir/assets/`` (once: a file already there with its
    hashed name is kept) and return their names, before any page that refers to them is written."""
    files = site_asset_files()
    folder = Path(out_dir) / ASSETS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for relative, text in files.items():
        target = Path(out_dir) / relative
        if not target.exists() or target.stat().st_size != len(text.encode("utf-8")):
            write_atomically(target, text)
    script, style = files
    return SiteAssets(script=script, style=style)


@lru_cache(maxsize=1)
def site_style() -> str:
    """Every style a standalone page inlines (ours, then JupyterLab's), as one stylesheet, in page order.

    Taken from the standalone export of an empty notebook, so the shared stylesheet is exactly
    what a standalone page carries and follows the installed nbconvert.
    """
    page, _resources = _exporter().from_notebook_node(nbformat.v4.new_notebook(), resources={"metadata": {"name": ""}})
    head = page.split("</head>", 1)[0]
    return "\n".join(css.strip() for css in _HEAD_STYLE.findall(head)) + "\n"


def _without_bundle(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` without the outputs that carry the Vega bundle (a site page loads the shared file instead)."""
    from govdata.charts import BUNDLE_MARK

    nb = copy.copy(nb)
    cells = []
    for cell in nb.cells:
        outputs = cell.get("outputs")
        if outputs and any(BUNDLE_MARK in str(o.get("data", {}).get("text/html", "")) for o in outputs):
            cell = copy.copy(cell)
            cell.outputs = [o for o in outputs if BUNDLE_MARK not in str(o.get("data", {}).get("text/html", ""))]
        cells.append(cell)
    nb.cells = cells
    return nb


def to_html(nb: nbformat.NotebookNode, *, title: str, nav_html: str = "", assets: SiteAssets | None = None) -> str:
    """The executed notebook as an HTML page without code cells.

    ``title`` goes through the template's HTML escaping, so an agency name is safe there.
    ``nav_html`` (already escaped, built by the batch) is put at the top of the body: links
    back to the index and to the agency's other years. With ``assets`` (relative to this
    page, :meth:`SiteAssets.for_page`) the page links the site's shared library and styles
    instead of inlining them; without, it stands alone.
    """
    nb = copy.copy(nb)
    nb.metadata = copy.deepcopy(nb.metadata)
    nb.metadata.pop("widgets", None)  # widget state would make the template load the widget manager
    nb.metadata["title"] = title
    resources: dict[str, Any] = {"metadata": {"name": title}}
    if assets is not None:
        nb = _without_bundle(nb)
        resources["govdata_assets"] = {"script": assets.script, "style": assets.style}
    body, _resources = _exporter(site=assets is not None).from_notebook_node(nb, resources=resources)
    if nav_html:
        match = _BODY_OPEN.search(body)
        if match:
            body = body[: match.end()] + nav_html + body[match.end():]
    return body


def export_html(nb: nbformat.NotebookNode, out_path: str | os.PathLike, *, title: str, nav_html: str = "",
                assets: SiteAssets | None = None) -> Path:
    """Write :func:`to_html` to ``out_path`` atomically: a reader never sees half a page, and the
    previous page stays until the new one is whole (a full disk leaves neither a ``.tmp`` nor a
    missing page behind)."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(out, to_html(nb, title=title, nav_html=nav_html, assets=assets))
    return out


def write_atomically(path: Path, text: str) -> None:
    """``path.write_text(text)`` through a temporary file renamed over it, removed when the write fails."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:  # a write that failed names no file
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise


def first_error(nb: nbformat.NotebookNode) -> str | None:
    """``cell N: Name: value`` of the first error output, or None."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"cell {index}: {output.get('ename')}: {output.get('evalue')}"
    return None


# --------------------------------------------------------------------------- kernel reuse


@dataclass
class KernelSession:
    """One kernel, many notebook runs: start once, :meth:`run` per parameter set, :meth:`close`.

    Example:
        >>> with KernelSession(cwd=".") as session:               # doctest: +SKIP
        ...     nb = session.run("notebooks/agency_briefing.ipynb", {"agency_id": "jinjiang_city", "year": 2023})
    """

    kernel_name: str = KERNEL_NAME
    cwd: str | os.PathLike | None = None
    timeout: int = CELL_TIMEOUT_S
    runs: int = 0
    _km: Any = field(default=None, repr=False)
    _templates: dict[str, nbformat.NotebookNode] = field(default_factory=dict, repr=False)

    def start(self) -> KernelSession:
        """Start the kernel (or a new one after a crash).

        An *async* kernel manager, like the one nbclient creates itself: with a blocking
        client, nbclient waits on IOPub without ever running its kernel-alive check, so a
        kernel that died mid-cell would hang the batch forever.
        """
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        if self._km is None or not run_sync(self._km.is_alive)():
            self.close()
            self._km = AsyncKernelManager(kernel_name=self.kernel_name)
            # history in memory, as nbclient does for kernels it starts: no writes to ~/.ipython
            run_sync(self._km.start_kernel)(cwd=str(self.cwd) if self.cwd else None,
                                            extra_arguments=["--HistoryManager.hist_file=:memory:", *KERNEL_QUIET])
        return self

    def close(self) -> None:
        from jupyter_core.utils import run_sync

        if self._km is not None:
            try:
                run_sync(self._km.shutdown_kernel)(now=True)
            finally:
                self._km = None

    async def _async_connect(self):
        """A new kernel client whose channels are connected, without jupyter_client's 0.2 s wait.

        ``wait_for_ready`` checks that the IOPub subscription is live by waiting up to 0.2 s
        for a message and retrying; the subscription takes a few milliseconds to connect, so
        most runs paid the full 0.2 s. This loop does the same check with a 10 ms wait.
        Outputs of the first cell would be lost if IOPub were not connected, so the check
        itself is kept.
        """
        import time
        from queue import Empty

        kc = self._km.client()
        kc.allow_stdin = False
        kc.start_channels()
        deadline = time.monotonic() + 60
        while True:
            msg_id = kc.kernel_info()
            try:
                while (await kc.get_shell_msg(timeout=5))["parent_header"].get("msg_id") != msg_id:
                    pass
                await kc.get_iopub_msg(timeout=0.01)
                return kc
            except Empty:
                if time.monotonic() > deadline or not await self._km.is_alive():
                    kc.stop_channels()
                    raise NotebookError("kernel", "kernel did not answer within 60 s") from None

    def __enter__(self) -> KernelSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _template(self, path: str | os.PathLike) -> nbformat.NotebookNode:
        key = str(Path(path).resolve())
        if key not in self._templates:
            from papermill.iorw import load_notebook_node

            # papermill's loader adds the metadata its parameterize step expects (tags, papermill)
            self._templates[key] = load_notebook_node(str(path))
        return self._templates[key]

    def prepare(self, path: str | os.PathLike, parameters: dict[str, Any]) -> nbformat.NotebookNode:
        """The notebook papermill would run: parameters injected after the ``parameters`` cell."""
        from papermill.parameterize import parameterize_notebook

        nb = parameterize_notebook(copy.deepcopy(self._template(path)), dict(parameters), report_mode=False,
                                   kernel_name=self.kernel_name, language="python")
        nb.cells.insert(0, nbformat.v4.new_code_cell(_RESET_SOURCE, metadata={"tags": ["govdata-reset"]}))
        return nb

    def run(self, path: str | os.PathLike, parameters: dict[str, Any]) -> nbformat.NotebookNode:
        """Execute ``path`` with ``parameters`` on the session's kernel; raise :class:`NotebookError` on failure.

        A kernel that died (or timed out) is replaced before the error is raised, so the
        next run starts clean.
        """
        from jupyter_core.utils import run_sync
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        self.start()
        nb = self.prepare(path, parameters)
        client = NotebookClient(nb, km=self._km, timeout=self.timeout, kernel_name=self.kernel_name,
                                allow_errors=False, record_timing=False, store_widget_state=False)
        name = Path(path).name
        try:
            client.kc = run_sync(self._async_connect)()
            client.execute()
        except CellExecutionError as exc:
            raise NotebookError(name, first_error(nb) or str(exc).strip().splitlines()[-1]) from exc
        except (CellTimeoutError, DeadKernelError) as exc:
            self.close()
            raise NotebookError(name, f"{type(exc).__name__}: {exc}") from exc
        finally:
            if client.kc is not None:
                client.kc.stop_channels()
            self.runs += 1
        nb.cells = [cell for cell in nb.cells if "govdata-reset" not in cell.metadata.get("tags", [])]
        return nb


def parameters_json(parameters: dict[str, Any]) -> str:
    """Canonical JSON of a parameter set (sorted keys), for hashing and logs."""
    return json.dumps(parameters, ensure_ascii=False, sort_keys=True, default=str)
