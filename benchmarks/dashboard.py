"""Dashboard speed in a real browser (headless Debian Chromium, network blocked): prints one JSON line.

- ``first_marker_s``: from launching ``streamlit run dashboard.py`` to the first place marker drawn in the
  map (server start, first script run, page and Leaflet load included).
- ``click_to_panel_s``: from a click on a place marker (the browser's click event) to the side panel
  showing that place (the DOM change), both timed inside the browser.

Each is the median of ``--runs`` (default 5) fresh servers. Targets: first map <= 4 s, click -> panel <= 0.5 s.
Usage: ``python benchmarks/dashboard.py [--runs 5] [--story NAME] [--place ID_OR_NAME]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from apprunner import (
    PANEL,
    AppServer,
    content_frame,
    map_frame,
    marker_selector,
    offline_browser,
    offline_page,
    reveal_marker,
)

from geostory.export import story_from_json
from geostory.model import Place, Story


def pick_story(name: str | None) -> tuple[str, Story, dict[str, str], str]:
    """The story to open (name, Story, server env, URL query): the seed when data/seed.story.json exists,
    else the hand-made test sample."""
    if name is None and not (ROOT / "data" / "seed.story.json").exists():
        path = ROOT / "tests" / "data" / "sample.story.json"
        return "sample", story_from_json(path.read_text(encoding="utf-8")), {"GEOSTORY_STORY_DIR": str(path.parent)}, "?story=sample"
    name = name or "seed"
    story = story_from_json((ROOT / "data" / f"{name}.story.json").read_text(encoding="utf-8"))
    return name, story, {}, "" if name == "seed" else f"?story={name}"


# Timestamps are taken inside the browser (epoch ms, performance.timeOrigin + now) when the DOM changes, so
# Playwright's polling does not add to the figures.
# (A polling loop, not a MutationObserver: the component iframe's window outlives its first about:blank document.)
WATCH_MARKERS = """(() => {
    const now = () => performance.timeOrigin + performance.now();
    window.addEventListener("click", () => { window.__clickAt = now(); }, true);
    const poll = setInterval(() => {
        if (document.querySelector(".gs-marker[data-place]")) { window.__firstMarkerAt = now(); clearInterval(poll); }
    }, 5);
    setTimeout(() => clearInterval(poll), 120000);
})();"""
WATCH_PANEL = """(name) => {
    window.__panelAt = null;
    const check = () => { const h = document.querySelector(".st-key-place_panel h3");
        if (!window.__panelAt && h && h.textContent.trim() === name) window.__panelAt = performance.timeOrigin + performance.now(); };
    new MutationObserver(check).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def one_run(browser, env: dict[str, str], query: str, place: Place) -> tuple[float, float]:
    """Seconds from server launch to the first marker drawn, and from a marker click to the panel updated."""
    page = offline_page(browser)
    page.add_init_script(WATCH_MARKERS)
    launched = time.time() * 1000
    server = AppServer(env=env).start()
    try:
        server.wait_healthy()
        page.goto(server.url + "/" + query)
        map_frame(page).locator(".gs-marker[data-place]").first.wait_for(state="visible", timeout=60000)
        first = (content_frame(page).evaluate("() => window.__firstMarkerAt") - launched) / 1000
        reveal_marker(page, place.id, place.lat, place.lon)
        page.wait_for_timeout(1000)  # let the reruns of the cluster clicks settle
        page.evaluate(WATCH_PANEL, place.name)
        map_frame(page).locator(marker_selector(place.id)).first.click()
        page.locator(PANEL).get_by_role("heading", name=place.name, exact=True).wait_for(timeout=20000)
        click_at = content_frame(page).evaluate("() => window.__clickAt")
        click = (page.evaluate("() => window.__panelAt") - click_at) / 1000
        return first, click
    finally:
        page.close()
        server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--story", default=None)
    parser.add_argument("--place", default="Vladivostok", help="place id or name to click")
    args = parser.parse_args(argv)

    name, story, env, query = pick_story(args.story)
    place = story.place(args.place) or next(
        (p for p in story.places if p.name.casefold() == args.place.casefold()), None
    )
    if place is None or not place.resolved:
        raise SystemExit(f"place {args.place!r} is not on the map of story {name!r}")

    firsts, clicks = [], []
    with offline_browser() as browser:
        for _ in range(args.runs):
            first, click = one_run(browser, env, query, place)
            firsts.append(first)
            clicks.append(click)
    print(
        json.dumps(
            {
                "benchmark": "dashboard",
                "story": name,
                "place": place.id,
                "runs": args.runs,
                "first_marker_s": round(statistics.median(firsts), 3),
                "click_to_panel_s": round(statistics.median(clicks), 3),
                "first_marker_all_s": [round(x, 3) for x in firsts],
                "click_to_panel_all_s": [round(x, 3) for x in clicks],
                "targets_s": {"first_marker": 4.0, "click_to_panel": 0.5},
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
