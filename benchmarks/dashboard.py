"""Dashboard speed in a real browser (headless Debian Chromium, network blocked): prints one JSON line.

- ``first_marker_s``: from launching ``streamlit run dashboard.py`` to the first place marker visible
  in the map (server start, first script run, page and Leaflet load included).
- ``click_to_panel_s``: from a click on a place marker to the side panel showing that place.

Each is the median of ``--runs`` (default 5) fresh servers. Targets: first map <= 4 s, click -> panel <= 0.5 s.
Usage: ``python benchmarks/dashboard.py [--runs 5] [--story NAME] [--place ID]``.
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

from apprunner import (  # noqa: E402
    PANEL,
    AppServer,
    map_frame,
    marker_selector,
    offline_browser,
    offline_page,
    reveal_marker,
)

from geostory.export import story_from_json  # noqa: E402
from geostory.model import Place, Story  # noqa: E402


def pick_story(name: str | None) -> tuple[str, Story, dict[str, str], str]:
    """The story to open (name, Story, server env, URL query): the seed when data/seed.story.json exists,
    else the hand-made test sample."""
    if name is None and not (ROOT / "data" / "seed.story.json").exists():
        path = ROOT / "tests" / "data" / "sample.story.json"
        return "sample", story_from_json(path.read_text(encoding="utf-8")), {"GEOSTORY_STORY_DIR": str(path.parent)}, "?story=sample"
    name = name or "seed"
    story = story_from_json((ROOT / "data" / f"{name}.story.json").read_text(encoding="utf-8"))
    return name, story, {}, "" if name == "seed" else f"?story={name}"


def one_run(browser, env: dict[str, str], query: str, place: Place) -> tuple[float, float]:
    """Seconds from server launch to first marker, and from marker click to panel updated."""
    start = time.perf_counter()
    server = AppServer(env=env).start()
    try:
        server.wait_healthy()
        page = offline_page(browser)
        page.goto(server.url + "/" + query)
        map_frame(page).locator(".gs-marker[data-place]").first.wait_for(state="visible", timeout=60000)
        first = time.perf_counter() - start
        reveal_marker(page, place.id, place.lat, place.lon)
        marker = map_frame(page).locator(marker_selector(place.id)).first
        heading = page.locator(PANEL).get_by_role("heading", name=place.name, exact=True)
        t0 = time.perf_counter()
        marker.click()
        heading.wait_for(state="visible", timeout=20000)
        click = time.perf_counter() - t0
        page.close()
        return first, click
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--story", default=None)
    parser.add_argument("--place", default="vladivostok")
    args = parser.parse_args(argv)

    name, story, env, query = pick_story(args.story)
    place = story.place(args.place)
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
