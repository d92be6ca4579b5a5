"""Run the dashboard for real and drive it in headless Chromium (shared by tests/test_browser.py and
benchmarks/dashboard.py).

Chromium comes from Debian (``apt-get install chromium``); Playwright only drives it. Every request that
does not go to the local app is aborted, so whatever works here works with no internet.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Self

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("GEOSTORY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
PANEL = ".st-key-place_panel"
LOCAL_PREFIXES = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """``streamlit run dashboard.py`` (or ``script`` in ``cwd``) on a free local port, stopped on exit."""

    def __init__(self, env: dict[str, str] | None = None, port: int | None = None, *, script: str = "dashboard.py",
                 cwd: Path | None = None):
        self.script, self.cwd = script, cwd or REPO_ROOT
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **(env or {})}
        if not (env or {}).get("GEOSTORY_LIBRARY"):  # a story library of its own, never the user's
            self.env["GEOSTORY_LIBRARY"] = str(Path(tempfile.mkdtemp(prefix="geostory-app-")) / "stories.sqlite")
        self.proc: subprocess.Popen | None = None
        self.log_path = REPO_ROOT / "artifacts" / f"streamlit-{self.port}.log"

    def start(self) -> AppServer:
        self.log_path.parent.mkdir(exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable, "-m", "streamlit", "run", self.script,
                    "--server.headless", "true",
                    "--server.port", str(self.port),
                    "--server.address", "127.0.0.1",
                    "--server.fileWatcherType", "none",
                    "--browser.gatherUsageStats", "false",
                ],
                cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        return self

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}; see {self.log_path}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return
            time.sleep(0.05)
        raise TimeoutError(f"streamlit not healthy after {timeout} s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> Self:
        self.start()
        try:
            self.wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@contextlib.contextmanager
def offline_browser() -> Iterator:
    """A Playwright Chromium browser (Debian's binary)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def offline_page(browser, *, width: int = 1400, height: int = 1500):
    """A page whose non-local requests are all aborted; ``page.blocked`` lists them."""
    page = browser.new_page(viewport={"width": width, "height": height})
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(LOCAL_PREFIXES):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.blocked = blocked
    failed: list[str] = []
    page.on("requestfailed", lambda req: failed.append(req.url))
    page.failed = failed
    return page


# A script run is under way: Streamlit's status widget (shown only after a moment) or elements of the previous run
# still marked stale (from the first delta of a rerun until the element is drawn again)
RUNNING = '[data-testid="stStatusWidget"], [data-stale="true"]'
_ONE_MAP = """([selector, quiet]) => {
    const now = performance.now();
    if (document.querySelectorAll(selector).length !== 1 || document.querySelector(RUNNING)) {
        window.__gsOneMap = null; return false;
    }
    window.__gsOneMap = window.__gsOneMap || now;
    return now - window.__gsOneMap >= quiet;
}""".replace("RUNNING", repr(RUNNING))


def wait_single_map(page, *, quiet_ms: int = 1000, timeout: float = 60000) -> None:
    """Wait until the page has had exactly one map iframe, and no script running, for ``quiet_ms`` (a rerun that
    remounts the map briefly shows the old and the new one together, and until the rerun reaches the map the old
    one stays alone on the page: on a slow machine for more than ``quiet_ms``)."""
    page.wait_for_function(_ONE_MAP, arg=[MAP_FRAME, quiet_ms], polling=100, timeout=timeout)


_IDLE = """([quiet]) => {
    const now = performance.now();
    if (document.querySelector(RUNNING)) {
        window.__gsIdle = null; return false;
    }
    window.__gsIdle = window.__gsIdle || now;
    return now - window.__gsIdle >= quiet;
}""".replace("RUNNING", repr(RUNNING))


def wait_idle(page, *, quiet_ms: int = 500, timeout: float = 60000) -> None:
    """Wait until the script has not been running for ``quiet_ms`` (no status widget, no stale element)."""
    page.wait_for_function(_IDLE, arg=[quiet_ms], polling=100, timeout=timeout)


def open_select(page, label: str, option, *, attempts: int = 4) -> None:
    """Open the selectbox ``label`` until ``option`` (a Locator) shows: a rerun that lands while the menu opens
    closes it again, as it would for a person, who then clicks once more."""
    for attempt in range(attempts):
        wait_idle(page)
        page.get_by_label(label).click()
        try:
            option.wait_for(timeout=5000)
            return
        except Exception:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")


def map_frame(page):
    """The map's iframe (a FrameLocator)."""
    return page.frame_locator(MAP_FRAME)


def marker_selector(place_id: str) -> str:
    return f'.gs-marker[data-place="{place_id}"]'


def content_frame(page):
    """The map's iframe as a Frame (to evaluate script in it)."""
    return page.locator(MAP_FRAME).element_handle().content_frame()


_NEAREST_CLUSTER = """([lat, lon]) => {
    const p = window.map.latLngToContainerPoint([lat, lon]);
    const origin = window.map.getContainer().getBoundingClientRect();
    let best = -1, bestD = Infinity;
    document.querySelectorAll(".marker-cluster").forEach((el, i) => {
        const r = el.getBoundingClientRect();
        const d = Math.hypot(r.x + r.width / 2 - origin.x - p.x, r.y + r.height / 2 - origin.y - p.y);
        if (d < bestD) { best = i; bestD = d; }
    });
    return best;
}"""


def reveal_marker(page, place_id: str, lat: float, lon: float, *, tries: int = 6) -> None:
    """Make a place's marker visible as a user would: click the cluster that holds it until it opens.

    Only the choice of which cluster to click uses the map's projection; the click itself is a real one.
    """
    frame = map_frame(page)
    marker = frame.locator(marker_selector(place_id))
    for _ in range(tries):
        if marker.count() and marker.first.is_visible():
            return
        index = content_frame(page).evaluate(_NEAREST_CLUSTER, [lat, lon])
        if index < 0:
            break
        frame.locator(".marker-cluster").nth(index).click()
        page.wait_for_timeout(600)  # cluster zoom / spiderfy animation
    marker.first.wait_for(state="visible", timeout=5000)


def panel_text(page) -> str:
    """The text of the selected place's side panel."""
    return page.locator(PANEL).inner_text()
