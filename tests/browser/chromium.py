"""Headless Chromium with the network blocked: load a page from file://, return its DOM and requests.

Why these flags (see TOOLCHAIN_FACTS.md): ``--host-resolver-rules`` makes every host name
unresolvable, so nothing can load from the network; ``--virtual-time-budget`` lets Vega draw
before the DOM is dumped; a fresh ``--user-data-dir`` keeps runs independent. The net log
records every request; those started by the page (its initiator is the file:// origin, not
the browser itself) are what "nothing leaves the page" forbids.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars", '--host-resolver-rules=MAP * ~NOTFOUND',
         "--virtual-time-budget=5000")
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome:")


@dataclass
class Loaded:
    dom: str
    page_requests: list[str]
    screenshot: Path | None


def chromium_path() -> Path:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} not found: install the Debian package `chromium` (.ci/run does)")
    return CHROMIUM


def load(page: Path, *, screenshot: Path | None = None, width: int = 1100, height: int = 2400) -> Loaded:
    """Open ``page`` offline; return the DOM after scripts ran, the page's own requests, the screenshot."""
    with tempfile.TemporaryDirectory(prefix="govdata-chromium-") as tmp:
        net_log = Path(tmp) / "net.json"
        args = [str(chromium_path()), *FLAGS, f"--user-data-dir={tmp}/profile", f"--log-net-log={net_log}",
                f"--window-size={width},{height}", "--dump-dom"]
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            args.append(f"--screenshot={screenshot}")
        done = subprocess.run([*args, page.resolve().as_uri()], capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"chromium exited {done.returncode}: {done.stderr[-2000:]}")
        return Loaded(done.stdout, page_requests(net_log), screenshot if screenshot and screenshot.exists() else None)


def page_requests(net_log: Path) -> list[str]:
    """URLs of requests the page started (not the browser's own update or sign-in checks)."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    event_types = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event_types.get(event["type"]) != "URL_REQUEST_START_JOB":
            continue
        if params.get("initiator") == "not an origin":  # the browser process itself
            continue
        url = params.get("url", "")
        if url and not url.startswith(LOCAL_SCHEMES):  # some START_JOB events carry no url (not requests)
            urls.append(url)
    return urls


def has_chromium() -> bool:
    return CHROMIUM.exists() or shutil.which("chromium") is not None
