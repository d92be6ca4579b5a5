"""Dashboard speed in a real browser against a bare ``st_folium`` page with the same markers: prints one JSON line.

Both apps are started fresh each run (``streamlit run``, headless Debian Chromium driven by Playwright, every
non-local request aborted), geostory's and the floor's runs interleaved (the order alternates run by run):

- ``first_marker``: from launching the server to the first place marker drawn in the map's iframe (server
  start, first script run, page and Leaflet load included).
- ``click``: from a click on a place marker (the browser's click event) to the side panel showing that place
  (the DOM change), both timed inside the browser.
- ``rss``: peak RSS (``VmHWM``) of the server process once the story is shown and the click answered.

The floor is a tiny app written to a temporary folder by this script: the same offline Leaflet and
markercluster files (``static/`` of this checkout, Streamlit static serving), the same offline Natural Earth
basemap, ``tiles=None``, the story's resolved places as DivIcon markers in a ``MarkerCluster`` with a tooltip
each, and a click that reruns the script and ``st.write``s the clicked name. Ratios are medians of geostory over
medians of the floor. Targets: ratios <= 1.5; absolute first marker <= 4 s, click -> panel <= 0.5 s; RSS <= 700 MB.

Usage: ``python benchmarks/dashboard.py [--runs 5] [--story NAME] [--place ID_OR_NAME] [--only geostory|floor]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from apprunner import (
    AppServer,
    content_frame,
    map_frame,
    marker_selector,
    offline_browser,
    offline_page,
    reveal_marker,
    wait_single_map,
)
from playwright.sync_api import Error as PlaywrightError

from geostory.export import story_from_json
from geostory.maps import assets
from geostory.model import Place, Story

FLOOR_PANEL = "floor_panel"


def pick_story(name: str | None) -> tuple[str, Story, dict[str, str], str]:
    """The story to open (name, Story, server env, URL query): the seed when data/seed.story.json exists,
    else the hand-made test sample."""
    if name is None and not (ROOT / "data" / "seed.story.json").exists():
        path = ROOT / "tests" / "data" / "sample.story.json"
        return "sample", story_from_json(path.read_text(encoding="utf-8")), {"GEOSTORY_STORY_DIR": str(path.parent)}, "?story=sample"
    name = name or "seed"
    story = story_from_json((ROOT / "data" / f"{name}.story.json").read_text(encoding="utf-8"))
    return name, story, {}, "" if name == "seed" else f"?story={name}"


FLOOR_APP = '''"""Floor for benchmarks/dashboard.py: a bare st_folium page with the story's markers."""
import html
import json
from pathlib import Path

import folium
import streamlit as st
from folium.plugins import MarkerCluster
from streamlit_folium import st_folium

BASE = "../../app/static"
st.set_page_config(page_title="floor", layout="wide")
here = Path(__file__).parent
places = json.loads((here / "places.json").read_text(encoding="utf-8"))
m = folium.Map(location=(20, 0), zoom_start=2, tiles=None, min_zoom=1, max_zoom=18)
m.options.update(maxZoom=18, minZoom=1)
m.default_js = [("leaflet", BASE + "/leaflet/leaflet.js")]
m.default_css = [("leaflet_css", BASE + "/leaflet/leaflet.css")]
folium.GeoJson(json.loads(Path(BASEMAP).read_text(encoding="utf-8")), interactive=False,
               style_function=lambda f: {"color": "#999", "weight": 0.5, "fillColor": "#eee",
                                         "fillOpacity": 1}).add_to(m)
cluster = MarkerCluster(options={"maxZoom": 18, "maxClusterRadius": 28, "spiderfyOnMaxZoom": True,
                                 "showCoverageOnHover": False, "spiderfyDistanceMultiplier": 1.6})
cluster.default_js = [("markercluster", BASE + "/leaflet.markercluster/leaflet.markercluster.js")]
cluster.default_css = [("markercluster_css", BASE + "/leaflet.markercluster/MarkerCluster.css"),
                       ("markercluster_default_css", BASE + "/leaflet.markercluster/MarkerCluster.Default.css")]
cluster.add_to(m)
for p in places:
    body = ('<div class="gs-marker" data-place="%s" style="width:16px;height:16px;border-radius:50%%;'
            'background:#2563eb"></div>' % html.escape(p["id"], quote=True))
    folium.Marker((p["lat"], p["lon"]), icon=folium.DivIcon(html=body, icon_size=(16, 16), icon_anchor=(8, 8)),
                  tooltip=html.escape(p["name"])).add_to(cluster)
lats, lons = [p["lat"] for p in places], [p["lon"] for p in places]
m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
left, right = st.columns([3, 2])
with left:
    out = st_folium(m, key="map", height=540, use_container_width=True,
                    returned_objects=["last_object_clicked_tooltip"])
with right, st.container(key="PANEL_KEY"):
    if out and out.get("last_object_clicked_tooltip"):
        st.write(out["last_object_clicked_tooltip"].strip())
'''.replace("PANEL_KEY", FLOOR_PANEL)


def write_floor_app(folder: Path, story: Story) -> Path:
    """The floor app, its places and Streamlit config in ``folder`` (static/ links to this checkout's)."""
    places = [{"id": p.id, "name": p.name, "lat": p.lat, "lon": p.lon} for p in story.places if p.resolved]
    (folder / "places.json").write_text(json.dumps(places, ensure_ascii=False), encoding="utf-8")
    code = FLOOR_APP.replace("Path(BASEMAP)", f"Path({str(assets.basemap_path())!r})")
    (folder / "app.py").write_text(code, encoding="utf-8")
    (folder / ".streamlit").mkdir(exist_ok=True)
    (folder / ".streamlit" / "config.toml").write_text(
        "[server]\nenableStaticServing = true\n[browser]\ngatherUsageStats = false\n"
        "[client]\ntoolbarMode = \"minimal\"\n",
        encoding="utf-8",
    )
    if not (folder / "static").exists():
        (folder / "static").symlink_to(ROOT / "static", target_is_directory=True)
    return folder / "app.py"


# Timestamps are taken inside the browser (epoch ms, performance.timeOrigin + now) when the DOM changes, so
# Playwright's polling does not add to the figures.
# (A polling loop, not a MutationObserver: the component iframe's window outlives its first about:blank document;
# it runs in iframes only, since querying the whole Streamlit page every 5 ms slows the page being measured.)
WATCH_MARKERS = """(() => {
    const now = () => performance.timeOrigin + performance.now();
    window.addEventListener("click", () => { window.__clickAt = now(); }, true);
    if (window === window.top) return;  // markers live in the component's iframe; polling the page would slow it
    const poll = setInterval(() => {
        if (document.querySelector(".gs-marker[data-place]")) { window.__firstMarkerAt = now(); clearInterval(poll); }
    }, 5);
    setTimeout(() => clearInterval(poll), 120000);
})();"""
WATCH_PANEL = """([selector, name]) => {
    window.__panelAt = null;
    const check = () => { const h = document.querySelector(selector);
        if (!window.__panelAt && h && h.textContent.trim() === name)
            window.__panelAt = performance.timeOrigin + performance.now(); };
    new MutationObserver(check).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""
PANELS = {  # app -> (element whose text is the clicked name, its Playwright locator)
    "geostory": (".st-key-place_panel h3", ".st-key-place_panel h3"),
    "floor": (f".st-key-{FLOOR_PANEL} [data-testid='stMarkdownContainer']",
              f".st-key-{FLOOR_PANEL} [data-testid='stMarkdownContainer']"),
}


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set (``VmHWM``) in MB, from /proc (None elsewhere)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def one_run(browser, app: str, server: AppServer, query: str, place: Place) -> dict[str, float | None]:
    """Seconds from server launch to the first marker drawn and from a marker click to the panel updated, and
    the server's peak RSS."""
    page = offline_page(browser)
    page.add_init_script(WATCH_MARKERS)
    launched = time.time() * 1000
    server.start()
    try:
        server.wait_healthy()
        page.goto(server.url + "/" + query)
        map_frame(page).locator(".gs-marker[data-place]").first.wait_for(state="visible", timeout=60000)
        first = (content_frame(page).evaluate("() => window.__firstMarkerAt") - launched) / 1000
        wait_single_map(page, quiet_ms=500)  # (not timed) a first rerun may remount the map
        reveal_marker(page, place.id, place.lat, place.lon)
        page.wait_for_timeout(1000)  # let the reruns of the cluster clicks settle
        selector, locator = PANELS[app]
        page.evaluate(WATCH_PANEL, [selector, place.name])
        map_frame(page).locator(marker_selector(place.id)).first.click()
        page.locator(locator).filter(has_text=place.name).first.wait_for(timeout=20000)
        page.wait_for_function("() => window.__panelAt !== null", timeout=20000)
        click_at = content_frame(page).evaluate("() => window.__clickAt")
        click = (page.evaluate("() => window.__panelAt") - click_at) / 1000
        return {"first": first, "click": click, "rss": peak_rss_mb(server.proc.pid)}
    finally:
        page.close()
        server.stop()


def summary(values: list[float | None]) -> dict:
    kept = [v for v in values if v is not None]
    return {"median": round(statistics.median(kept), 3) if kept else None, "all": [round(v, 3) for v in kept]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--story", default=None)
    parser.add_argument("--place", default="Vladivostok", help="place id or name to click")
    parser.add_argument("--only", choices=("geostory", "floor"), default=None, help="run one app only")
    args = parser.parse_args(argv)

    name, story, env, query = pick_story(args.story)
    place = story.place(args.place) or next(
        (p for p in story.places if p.name.casefold() == args.place.casefold()), None
    )
    if place is None or not place.resolved:
        raise SystemExit(f"place {args.place!r} is not on the map of story {name!r}")

    apps = [args.only] if args.only else ["geostory", "floor"]
    results: dict[str, list[dict]] = {app: [] for app in apps}
    failures: dict[str, list[str]] = {app: [] for app in apps}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="geostory-floor-") as tmp, offline_browser() as browser:
        write_floor_app(Path(tmp), story)
        for i in range(args.runs):
            order = apps if i % 2 == 0 else apps[::-1]
            for app in order:
                for attempt in range(3):  # a run whose marker could not be revealed (loaded machine) is redone
                    server = AppServer(env=env) if app == "geostory" else AppServer(script="app.py", cwd=Path(tmp))
                    try:
                        results[app].append(one_run(browser, app, server, query if app == "geostory" else "", place))
                        break
                    except PlaywrightError as exc:
                        failures[app].append(str(exc).splitlines()[0])
                        if attempt == 2:
                            raise
    out: dict = {"benchmark": "dashboard", "story": name, "place": place.id, "runs": args.runs}
    for app in apps:
        out[app] = {k: summary([r[k] for r in results[app]]) for k in ("first", "click", "rss")}
        out[app]["redone_runs"] = failures[app]
    if len(apps) == 2:
        g, f = out["geostory"], out["floor"]
        out["first_marker_ratio"] = round(g["first"]["median"] / f["first"]["median"], 2)
        out["click_ratio"] = round(g["click"]["median"] / f["click"]["median"], 2)
    out.update({
        "units": {"first": "s", "click": "s", "rss": "MB"},
        "targets": {"ratio": 1.5, "first_marker_s": 4.0, "click_s": 0.5, "rss_mb": 700},
        "loadavg_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
