"""Corpus map at scale: 1,000 stories in a temporary library, first render and filter changes; one JSON line.

The library is made from the seed and the devset texts (``../shared/devset``): by default each text is extracted
once (with its own publication date) and saved ``--stories`` times in turn under varied publication dates (spread
over 2019-2024), ids and titles (``--reextract`` extracts every copy again with its own date instead: slower, the
relative dates of events then follow the publication date). ``--distinct`` makes every copy's places distinct
corpus places (own gazetteer key, position moved by up to 0.3 degrees): the worst case, 8,563 points on the map
for 1,000 stories instead of the 80 real places the copies share.

Measured, each the median of ``--runs`` (the runs alternate the filter changes' order):

- ``server``: the dashboard's corpus page (``dashboard.py?view=corpus``) run by Streamlit's ``AppTest`` (the
  whole script, every element serialised, no browser): first run in a fresh app (library read, filters, merge,
  map build), then a change of the date range and of the country filter (reruns).
- ``browser`` (``--browser``): ``streamlit run dashboard.py`` and headless Chromium (as benchmarks/dashboard.py):
  server launch -> first corpus marker or cluster drawn (``first``; ``open_first`` counts from opening the page
  on the freshly started server: the first session, caches cold), and a country chosen (the key press) -> the
  map's markers replaced (``country``; in place or by a new iframe: ``remounts`` counts the latter). On another
  fresh server, first showing the story view: a new page opened on the corpus view -> first marker
  (``open_running``: modules imported, nothing of the corpus cached).

Target: <= 3 s each. Usage: ``python benchmarks/perf_corpus.py [--stories 1000] [--runs 5] [--reextract]
[--distinct] [--browser] [--library PATH] [--profile FILE]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from geostory.library import Library
from geostory.model import Article, Story

TARGET_S = 3.0
FIRST_DAY, DAYS = dt.date(2019, 1, 1), 6 * 365


def texts() -> list[Article]:
    """The seed and the devset articles (title, language and date from their metadata)."""
    out = [Article((ROOT / "data" / "seed" / "article.fr.txt").read_text(encoding="utf-8"), "fr", "2023-09-14",
                   "Seed article", "AFP (seed story)")]
    for txt in sorted((SHARED / "devset").glob("*.txt")):
        meta = json.loads(txt.with_suffix(".meta.json").read_text(encoding="utf-8"))
        out.append(Article(txt.read_text(encoding="utf-8"), meta["lang"], meta["date"], meta["title"], meta["source"]))
    return out


def copies(arts: list[Article], n: int) -> list[Article]:
    """``n`` articles cycling through ``arts``, each with its own publication date and numbered title."""
    out = []
    for i in range(n):
        a = arts[i % len(arts)]
        day = FIRST_DAY + dt.timedelta(days=(i * 7919) % DAYS)  # a prime stride: dates spread, deterministic
        out.append(dataclasses.replace(a, published=day.isoformat(), title=f"{a.title} #{i + 1}"))
    return out


def distinct(story: Story, n: int) -> Story:
    """The story with places no other copy shares (own key, position moved by up to 0.3 degrees)."""
    places = []
    for k, p in enumerate(story.places):
        if not p.resolved:
            places.append(p)
            continue
        d = ((n * 31 + k * 17) % 61 - 30) / 100
        places.append(dataclasses.replace(p, gazetteer_id=f"{p.gazetteer_id or p.id}~{n}",
                                          lat=max(-85.0, min(85.0, p.lat + d)), lon=max(-180.0, min(180.0, p.lon - d))))
    return dataclasses.replace(story, places=tuple(places))


def build_library(path: Path, n: int, *, reextract: bool, spread: bool) -> dict:
    """Fill a library with ``n`` stories; returns what it took."""
    from geostory.batch import extract_batch
    from geostory.extract.pipeline import extract_story

    arts = texts()
    t0 = time.perf_counter()
    wanted = copies(arts, n)
    if reextract:
        stories = list(extract_batch(wanted))
    else:
        once = [extract_story(a) for a in arts]
        stories = [dataclasses.replace(once[i % len(arts)], article=a) for i, a in enumerate(wanted)]
    extracted = time.perf_counter() - t0
    if spread:
        stories = [distinct(s, i) for i, s in enumerate(stories)]
    library = Library(path)
    t1 = time.perf_counter()
    library.save_many((f"perf-{i + 1:04d}", s) for i, s in enumerate(stories))
    library.set_meta("perf_mode", mode_name(reextract, spread))
    return {"texts": len(arts), "stories": n, "extract_s": round(extracted, 1),
            "save_s": round(time.perf_counter() - t1, 2), "library_mb": round(path.stat().st_size / 1e6, 1),
            "story_places": sum(sum(1 for p in s.places if p.resolved) for s in stories)}


def mode_name(reextract: bool, spread: bool) -> str:
    """How a library was made (kept in its meta table)."""
    return (("every copy extracted again" if reextract else "extracted once per text, dates/ids/titles varied")
            + (", distinct places" if spread else ""))


def corpus_app() -> None:
    """The dashboard on its corpus page (what ``?view=corpus`` opens). AppTest runs this function's source as a
    script: everything it needs is imported inside."""
    import os

    import streamlit as st

    from components.corpus import render_corpus
    from components.stories import get_library

    st.set_page_config(layout="wide")
    profile = os.environ.get("GEOSTORY_PERF_PROFILE")
    if not profile:
        render_corpus(get_library())
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    with profiler:
        render_corpus(get_library())
    with open(profile, "a", encoding="utf-8") as out:
        out.write(profiler.output_text(unicode=False, color=False, show_all=False))


def fresh_caches() -> None:
    """Forget what a new server would not have: Streamlit's caches, the parsed stories, the basemap and its text."""
    import streamlit as st

    from geostory import library
    from geostory.maps import assets, elements

    library._PARSED.clear()
    st.cache_resource.clear()
    st.cache_data.clear()
    assets._read_basemap.cache_clear()
    elements._GEOJSON_TEXT.clear()


def server_run(changes: list[str], countries: list[str]) -> dict[str, float]:
    """One fresh AppTest: the first render, then each change in ``changes``; seconds each."""
    from streamlit.testing.v1 import AppTest

    fresh_caches()
    at = AppTest.from_function(corpus_app, default_timeout=120)
    t, c = time.perf_counter(), time.process_time()
    at.run()
    out = {"first": time.perf_counter() - t, "first_cpu": time.process_time() - c}
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    start, end = at.slider(key="gs_corpus_dates").value  # the whole span
    for change in changes:
        if change == "date":  # the first half of the span
            widget = at.slider(key="gs_corpus_dates").set_value((start, start + (end - start) / 2))
        else:
            widget = at.multiselect(key="gs_corpus_countries").set_value(countries)
        t, c = time.perf_counter(), time.process_time()
        widget.run()
        out[change], out[change + "_cpu"] = time.perf_counter() - t, time.process_time() - c
    return out


# In the map's iframe (init script, so in every new iframe): the first marker or cluster drawn. In the page: the
# time of the key press that chooses a country.
WATCH = """(() => {
    const now = () => performance.timeOrigin + performance.now();
    if (window === window.top) {
        window.addEventListener("keydown", (e) => { if (e.key === "Enter") window.__keyAt = now(); }, true);
        return;
    }
    const poll = setInterval(() => {
        if (document.querySelector(".gs-marker[data-place], .marker-cluster")) {
            window.__firstMarkerAt = now(); clearInterval(poll);
        }
    }, 5);
    setTimeout(() => clearInterval(poll), 120000);
})();"""
# Tags the markers and clusters drawn now, then records when none of them is left and others are drawn (the
# layer replaced in place; if the iframe is remounted instead, its own __firstMarkerAt says when).
WATCH_REPLACE = """() => {
    const sel = ".gs-marker[data-place], .marker-cluster";
    document.querySelectorAll(sel).forEach((e) => e.setAttribute("data-gs-old", "1"));
    window.__layerAt = null;
    const poll = setInterval(() => {
        const all = document.querySelectorAll(sel), old = document.querySelectorAll("[data-gs-old]");
        if (old.length === 0 && all.length > 0) {
            window.__layerAt = performance.timeOrigin + performance.now(); clearInterval(poll);
        }
    }, 5);
}"""
MARKERS = ".gs-marker[data-place], .marker-cluster"


def browser_run(browser, library: Path, country: str) -> dict[str, float]:
    """One fresh server: launch -> first marker or cluster; country chosen -> map updated."""
    from apprunner import MAP_FRAME, AppServer, content_frame, map_frame, offline_page

    page = offline_page(browser)
    page.add_init_script(WATCH)
    server = AppServer(env={"GEOSTORY_LIBRARY": str(library), "GEOSTORY_CACHE": os.environ["GEOSTORY_CACHE"]})
    launched = time.time() * 1000
    server.start()
    try:
        server.wait_healthy()
        opened = time.time() * 1000
        page.goto(server.url + "/?view=corpus")
        map_frame(page).locator(MARKERS).first.wait_for(state="visible", timeout=120000)
        drawn = content_frame(page).evaluate("() => window.__firstMarkerAt")
        first, opened_first = (drawn - launched) / 1000, (drawn - opened) / 1000
        page.wait_for_timeout(1500)  # let the first runs settle
        old_frame = content_frame(page)
        old_frame.evaluate(WATCH_REPLACE)
        box = page.locator(".st-key-gs_corpus_countries input")
        box.click()
        box.type(f"({country})")
        page.wait_for_timeout(300)  # the options list filtered
        box.press("Enter")
        page.wait_for_function(
            """([sel, frameSel]) => { const f = document.querySelectorAll(frameSel);
                if (f.length !== 1) return false;
                const d = f[0].contentDocument; if (!d) return false;
                return d.querySelectorAll(sel).length > 0 && d.querySelectorAll("[data-gs-old]").length === 0; }""",
            arg=[MARKERS, MAP_FRAME], polling=50, timeout=120000)
        key_at = page.evaluate("() => window.__keyAt")
        frame = content_frame(page)
        done = frame.evaluate("() => window.__layerAt || window.__firstMarkerAt")
        return {"first": first, "open_first": opened_first, "country": (done - key_at) / 1000,
                "remounted": float(frame != old_frame)}
    finally:
        page.close()
        server.stop()


def switch_run(browser, library: Path, country: str = "") -> dict[str, float]:
    """One fresh server that has shown the story view: a new page opened on the corpus view -> first marker.

    The reader who opens the corpus on a running server: Python modules are imported, but nothing of the corpus is
    cached (the story view reads one story; the 1,000 are parsed, filtered and merged for this page).
    ``country`` is unused (the same signature as :func:`browser_run`).
    """
    from apprunner import AppServer, content_frame, map_frame, offline_page

    server = AppServer(env={"GEOSTORY_LIBRARY": str(library), "GEOSTORY_CACHE": os.environ["GEOSTORY_CACHE"]})
    server.start()
    first = offline_page(browser)
    page = offline_page(browser)
    page.add_init_script(WATCH)
    try:
        server.wait_healthy()
        first.goto(server.url + "/")
        map_frame(first).locator(".gs-marker[data-place]").first.wait_for(state="visible", timeout=120000)
        first.wait_for_timeout(1500)  # the story view's runs settled
        opened = time.time() * 1000
        page.goto(server.url + "/?view=corpus")
        map_frame(page).locator(MARKERS).first.wait_for(state="visible", timeout=120000)
        return {"open_running": (content_frame(page).evaluate("() => window.__firstMarkerAt") - opened) / 1000}
    finally:
        page.close()
        first.close()
        server.stop()


def browser_runs(library: Path, runs: int, country: str) -> tuple[dict, dict]:
    """Medians and all values of :func:`browser_run` and :func:`switch_run` over ``runs`` fresh servers each."""
    from apprunner import offline_browser

    values: dict[str, list[float]] = {"first": [], "open_first": [], "open_running": [], "country": [],
                                      "remounted": []}
    with offline_browser() as browser:
        for i in range(runs):
            for run in ((browser_run, switch_run) if i % 2 == 0 else (switch_run, browser_run)):
                for k, v in run(browser, library, country).items():
                    values[k].append(v)
    return ({k: median(v) for k, v in values.items() if k != "remounted"} | {"remounts": sum(values["remounted"])},
            {k: [round(x, 3) for x in v] for k, v in values.items() if k != "remounted"})


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reextract", action="store_true", help="extract every copy again (else once per text)")
    parser.add_argument("--distinct", action="store_true", help="no place shared between copies (worst case)")
    parser.add_argument("--browser", action="store_true", help="also measure in headless Chromium")
    parser.add_argument("--library", type=Path, help="reuse (or create) this library file")
    parser.add_argument("--country", default="FR", help="country chosen in the filter change")
    parser.add_argument("--profile", type=Path, help="write a pyinstrument profile of one server run here")
    args = parser.parse_args(argv)
    if not (SHARED / "devset").is_dir():
        raise SystemExit(f"{SHARED / 'devset'} not found: the corpus is made from the devset texts")

    load_before = os.getloadavg()
    tmp = tempfile.TemporaryDirectory(prefix="geostory-corpus-")
    path = args.library or Path(tmp.name) / "stories.sqlite"
    built = None
    if not path.exists():
        built = build_library(path, args.stories, reextract=args.reextract, spread=args.distinct)
    os.environ["GEOSTORY_LIBRARY"] = str(path)
    os.environ["GEOSTORY_CACHE"] = os.environ.get("GEOSTORY_CACHE") or str(Path(tmp.name) / "cache")
    # (a fresh cache folder: no legacy story files imported; the gazetteer index is not needed by the view)

    from geostory.corpus import corpus_places

    stories = Library(path).stories()
    out: dict = {"benchmark": "corpus", "library": built or {"reused": str(path)},
                 "stories_in_library": len(stories),
                 "corpus_places": len(corpus_places(stories)),
                 "corpus_places_after_country": len(corpus_places(stories, _filters(country=args.country)))}
    if args.profile:
        args.profile.write_text("", encoding="utf-8")
        os.environ["GEOSTORY_PERF_PROFILE"] = str(args.profile.resolve())
        server_run(["date", "country"], [args.country])
        del os.environ["GEOSTORY_PERF_PROFILE"]

    runs: dict[str, list[float]] = {k: [] for k in ("first", "date", "country", "first_cpu", "date_cpu", "country_cpu")}
    for i in range(args.runs):
        changes = ["date", "country"] if i % 2 == 0 else ["country", "date"]
        for k, v in server_run(changes, [args.country]).items():
            runs[k].append(v)
    out["server_s"] = {k: median(v) for k, v in runs.items()}
    out["server_all_s"] = {k: [round(x, 3) for x in v] for k, v in runs.items()}
    if args.browser:
        out["browser_s"], out["browser_all_s"] = browser_runs(path, args.runs, args.country)
    out.update({"target_s": TARGET_S, "mode": Library(path).meta("perf_mode") or "unknown",
                "loadavg_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
                "cpus": os.cpu_count(), "python": platform.python_version()})
    print(json.dumps(out))
    tmp.cleanup()


def _filters(country: str):
    from geostory.corpus import Filters

    return Filters(countries=(country,))


if __name__ == "__main__":
    main()
