"""The explorer in JupyterLab, in a real headless browser with the network blocked.

What a researcher does: `make lab`, open explore.ipynb, Run All Cells. The first chart must be
drawn without internet (it used to try the Vega CDN: "Error loading script"), and changing a
widget must change the chart and the table. JupyterLab runs on a free localhost port with a
token; Playwright drives Debian's /usr/bin/chromium (never a downloaded browser), and every
request that is not to that server is aborted and recorded. Screenshots go to
test-artifacts/browser/explorer/.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from govdata.notebooks import NOTEBOOK_DIR
from tests.browser import chromium
from tests.fixtures_corpus import write_fixture_corpus

pytestmark = pytest.mark.browser

CHART = ".jp-OutputArea .vega-embed svg.marks"
TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _notebook_with_data(lab_root: Path, data_dir: Path) -> Path:
    """explore.ipynb as committed, its ``data_dir`` literal pointing at the fixture store."""
    nb = json.loads((NOTEBOOK_DIR / "explore.ipynb").read_text(encoding="utf-8"))
    (cell,) = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    source = "".join(cell["source"])
    assert 'data_dir = "data/processed"' in source
    cell["source"] = source.replace('data_dir = "data/processed"', f"data_dir = {json.dumps(str(data_dir))}")
    path = lab_root / "explore.ipynb"
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a folder with explore.ipynb; yields (url, token)."""
    pytest.importorskip("playwright.sync_api")
    if not chromium.has_chromium():
        pytest.skip("needs the Debian package chromium (.ci/run installs it)")
    root = tmp_path_factory.mktemp("lab")
    data = write_fixture_corpus(tmp_path_factory.mktemp("explorer_data"))
    _notebook_with_data(root, data)
    port, token = _free_port(), secrets.token_hex(16)
    home = tmp_path_factory.mktemp("lab_home")
    env = {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "GOVDATA_PROJECT": str(Path(__file__).resolve().parents[2])}
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
               "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = (root / "lab.log").open("w")
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not start: {(root / 'lab.log').read_text()[-2000:]}")
                time.sleep(0.3)
        yield url, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _svg_text(page) -> str:
    return page.locator(CHART).first.evaluate("svg => svg.textContent")


def test_explorer_draws_its_first_chart_offline_in_jupyterlab_and_widgets_redraw(lab, artifacts):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    url, token = lab
    shots = artifacts / "explorer"
    shots.mkdir(parents=True, exist_ok=True)
    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium.chromium_path()), headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"])
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1000})

            def only_the_lab(route):
                if route.request.url.startswith(url):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            context.route("**/*", only_the_lab)
            page = context.new_page()
            page.goto(f"{url}/lab/tree/explore.ipynb?token={token}", timeout=TIMEOUT_MS)
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=TIMEOUT_MS)
            # JupyterLab may ask which kernel to start (a fresh settings folder): take the notebook's own
            dialog = page.locator(".jp-Dialog .jp-mod-accept")
            try:
                dialog.wait_for(timeout=5_000)
                dialog.click()
            except PlaywrightTimeout:
                pass
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=TIMEOUT_MS)
            news = page.locator(".Toastify__toast button", has_text="No")  # "get notified about Jupyter news?" no
            if news.count():
                news.first.click()
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            try:
                page.wait_for_selector(CHART, timeout=TIMEOUT_MS)
            except PlaywrightTimeout:
                page.screenshot(path=str(shots / "explorer_failure.png"), full_page=True)
                raise AssertionError(f"no chart drawn; blocked {blocked}; page says: "
                                     f"{page.locator('.jp-NotebookPanel').inner_text()[-3000:]}") from None
            first_title = _svg_text(page)
            table = page.locator(".widget-html-content table").first
            first_table = table.inner_text()
            page.locator(CHART).first.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "explorer_first_chart.png"), full_page=False)
            text = page.locator(".jp-NotebookPanel").inner_text()
            assert "Error loading script" not in text and "图表库未加载" not in text
            assert "不予公开占比" in first_title

            page.locator(".widget-dropdown select").first.select_option(label="全部或部分公开占比")
            page.wait_for_function(
                "([selector, before]) => { const svg = document.querySelector(selector);"
                " return svg && svg.textContent !== before && svg.textContent.includes('全部或部分公开占比'); }",
                arg=[CHART, first_title], timeout=30_000)
            assert table.inner_text() != first_table and "全部或部分公开占比" in table.inner_text()
            page.locator(CHART).first.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "explorer_after_metric_change.png"), full_page=False)
        finally:
            browser.close()
    assert not [u for u in blocked if "cdn" in u or "vega" in u], blocked
