"""Robustness figures (issue 8): bad input, hostile input, failing geocoders, many users, data lost, growth.

usage: python benchmarks/robustness.py [--quick] [--no-app] [--no-browser] [--no-load] [--sessions 20]
Prints one JSON line (progress on stderr). ``--quick`` skips the dashboard, the browser, the load and the largest
sizes. Everything is local: fake geocoder adapters, loopback servers, Chromium with every non-local request aborted.

- bad_inputs: every case of tests/data/bad/make_bad.py through the CLI (in-process ``main``), the Python API and
  the dashboard's paste form (AppTest). Handled = the documented outcome (a Story that keeps its invariants, or a
  clear error: exit code 2 and one stderr line / ``GeostoryError`` / ``st.error``), never an exception.
- hostile: the payloads of tests/data/hostile.story.json (shape x field) in each HTML producer (map page, exported
  page, panels, article, timeline); blocked = not found live in any of them. With the browser: dialogs opened and
  payload requests seen while the dashboard shows the story.
- geocoder_faults: every fault of tests/test_geocode_online.py (timeouts, 429, 5xx, unreachable, malformed answers,
  adapter crash), from the first request and after two good answers, on the seed article through
  ``extract_story``; completed = every place of the offline extraction kept, and a note saying what failed.
- sessions: tests/load_sessions.py against a local dashboard server (concurrent sessions held, crossed selections,
  server peak memory, slowest health check).
- data_lost: places lost under geocoder faults + geocoding-cache rows and library stories a writer reported saved
  before being killed (SIGKILL) mid-save but missing after reopening. Must be 0.
- growth: wall and CPU seconds of ``extract_story`` per input size (French prose from tests/data/holdout, and lists
  of place names) and the log-log slope of CPU time over the larger sizes (1.0 = linear).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geostory.errors import GeostoryError
from geostory.extract.pipeline import extract_story
from geostory.model import Article


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


make_bad = _module("make_bad", ROOT / "tests" / "data" / "bad" / "make_bad.py")


# -- bad input ------------------------------------------------------------------------------------------------


def bad_inputs(folder: Path, app: bool) -> dict:
    import contextlib
    import io

    from geostory.cli import detect_lang, main
    from geostory.export import story_from_json
    from tests.story_checks import story_problems

    paths = make_bad.write_corpus(folder, large=True)
    out = {"cli": [0, 0], "api": [0, 0], "app": [0, 0], "unhandled": [], "seconds": {}}
    for case in make_bad.CASES:
        t = time.perf_counter()
        # CLI
        expect, error = (case.cli_expect, case.cli_error) if case.cli_expect else (case.expect, case.error)
        args = ["extract", str(paths[case.name]), "--lang", case.lang] + (
            ["--published", case.published] if case.published else [])
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = main(args)
            except SystemExit as exc:
                code = exc.code
        err = stderr.getvalue().strip().splitlines()
        if expect == "error":
            ok = code == 2 and len(err) == 1 and bool(re.search(error, err[0]))
        else:
            ok = code == 0 and not story_problems(story_from_json(stdout.getvalue()))
        _count(out, "cli", case.name, ok)
        # API
        text = case.text()
        lang = case.lang if case.lang != "auto" else detect_lang(text) if text.strip() else "fr"
        try:
            story = extract_story(Article(text=text, lang=lang, published=case.published, title="t"))
            ok = (case.api_expect or case.expect) == "story" and not story_problems(story) and (
                not case.note or any(re.search(case.note, n) for n in story.notes))
        except GeostoryError as exc:
            ok = (case.api_expect or case.expect) == "error" and bool(re.search(case.error, str(exc)))
        except Exception as exc:  # noqa: BLE001 - an unhandled input is the figure
            ok = False
            log(f"  api {case.name}: {type(exc).__name__}: {exc}")
        _count(out, "api", case.name, ok)
        # dashboard
        if app and case.text_only and case.lang != "de" and not case.published:  # the date box holds no such date
            _count(out, "app", case.name, _app_case(case, folder))
        out["seconds"][case.name] = round(time.perf_counter() - t, 2)
        log(f"  bad input {case.name}: {out['seconds'][case.name]} s")
    tried = sum(v[0] for k, v in out.items() if k in ("cli", "api", "app"))
    handled = sum(v[1] for k, v in out.items() if k in ("cli", "api", "app"))
    return {"tried": tried, "handled": handled, "cases": len(make_bad.CASES),
            **{k: {"tried": out[k][0], "handled": out[k][1]} for k in ("cli", "api", "app")},
            "not_handled": out["unhandled"], "seconds_per_case": out["seconds"]}


def _count(out: dict, surface: str, name: str, ok: bool) -> None:
    out[surface][0] += 1
    out[surface][1] += bool(ok)
    if not ok:
        out["unhandled"].append(f"{surface}:{name}")


def _app_case(case, folder: Path) -> bool:
    from streamlit.testing.v1 import AppTest

    from geostory.gazetteer.index import get_gazetteer

    env = {"GEOSTORY_INDEX": str(get_gazetteer().path), "GEOSTORY_LIBRARY": str(folder / f"lib-{case.name}.sqlite"),
           "GEOSTORY_CACHE": str(folder / "cache"), "GEOSTORY_STORY_DIR": str(ROOT / "tests" / "data"),
           "GEOSTORY_UI_LANG": "en"}  # the labels looked up below are the English ones
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
        at.query_params["story"] = "sample"
        at.run()
        at.sidebar.text_area[0].input(case.text())
        if case.lang in ("fr", "en"):
            next(s for s in at.sidebar.selectbox if "Language" in s.label).set_value(case.lang)
        at.sidebar.button(key="gs_analyse_go").click().run()
        if at.exception:
            return False
        errors = [e.value for e in at.error]
        if case.expect == "error":
            return bool(errors) and bool(re.search(case.error, errors[0]))
        if errors:
            return False
        at.run()
        if at.exception or at.error:
            return False
        return not case.note or any(re.search(case.note, i.value) for i in at.info)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# -- hostile input --------------------------------------------------------------------------------------------


def hostile(browser: bool) -> dict:
    from components.html import article_html, event_html, mentions_html, quote_html
    from components.timeline import timeline_html
    from geostory.export import story_to_html
    from geostory.maps import build_map
    from tests.test_hostile import fragment_problems, unjs
    from tests.test_hostile import hostile as load_hostile

    make_hostile = _module("make_hostile", ROOT / "tests" / "data" / "bad" / "make_hostile.py")
    story = load_hostile()
    fields = sorted(set(re.findall(r"xss-([\w-]+)", json.dumps(dataclasses.asdict(story)))))
    shapes = list(make_hostile.payloads("x"))
    pages = [build_map(story, selected=selected).get_root().render() for selected in (None, story.places[0].id)]
    pages.append(story_to_html(story))
    fragments = [article_html(story, story.places[0].id), timeline_html(story)]
    fragments += [event_html(story, e) for e in story.events] + [quote_html(story, q) for q in story.quotes]
    fragments += [mentions_html(story, p) for p in story.places]
    live = [unjs(page) for page in pages] + fragments
    leaked = {(field, shape) for field in fields for shape, text in make_hostile.payloads(field).items()
              if "<" in text and any(text in page for page in live)}  # markup that survived, raw
    tried = len(fields) * len(shapes)
    out = {"tried": tried, "blocked": tried - len(leaked), "fields": len(fields), "shapes": len(shapes),
           "leaked": sorted(f"{field}:{shape}" for field, shape in leaked),
           "panel_fragments_with_markup": sum(bool(fragment_problems(f)) for f in fragments)}
    if browser:
        out["browser"] = _hostile_browser()
    return out


def _hostile_browser() -> dict:
    from geostory.gazetteer.index import get_gazetteer
    from tests.apprunner import (
        CHROMIUM,
        AppServer,
        map_frame,
        offline_browser,
        offline_page,
    )
    from tests.test_hostile import HOSTILE, Watch

    if not Path(CHROMIUM).exists():
        return {"skipped": f"{CHROMIUM} not found"}
    folder = Path(tempfile.mkdtemp(prefix="geostory-hostile-"))
    shutil.copy(HOSTILE, folder / "hostile.story.json")
    env = {"GEOSTORY_STORY_DIR": str(folder), "GEOSTORY_LIBRARY": str(folder / "library.sqlite"),
           "GEOSTORY_INDEX": str(get_gazetteer().path), "GEOSTORY_CACHE": str(folder / "cache")}
    try:
        with AppServer(env=env) as server, offline_browser() as browser:
            page = offline_page(browser)
            watch = Watch(page)
            page.goto(f"{server.url}/?story=hostile")
            map_frame(page).locator(".gs-marker[data-place]").first.wait_for(state="visible", timeout=60000)
            page.wait_for_timeout(1500)
            problems = watch.problems()
            page.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ran = sorted({w for p in problems for w in re.findall(r"xss-([\w-]+)", p)})
    return {"dialogs": len(watch.dialogs), "payload_requests": len(watch.requests), "payloads_that_ran": ran}


# -- failing geocoders ------------------------------------------------------------------------------------------


def geocoder_faults() -> dict:
    from geostory.geocode.online import GeocoderConfig, reset_providers
    from geostory.nlp import get_nlp
    from tests.test_geocode_online import FAULTS, FakeService, hit

    text = (ROOT / "data" / "seed" / "article.fr.txt").read_text(encoding="utf-8")
    article = Article(text=text, lang="fr", published="2023-09-14")
    doc = get_nlp("fr")(text)
    offline = extract_story(article, doc=doc)
    injected = completed = lost = 0
    failed = []
    for name, (behaviour, why) in FAULTS.items():
        for when, behaviours in (("at once", (behaviour,)), ("halfway", (hit(55.0, 37.6), hit(43.1, 131.9), behaviour))):
            reset_providers()
            config = GeocoderConfig(provider="nominatim", user_agent="geostory-bench/1.0", min_delay_seconds=0,
                                    error_wait_seconds=0, max_retries=0, cache="off", order="online-first",
                                    adapter_factory=FakeService(*behaviours).adapter, breaker_threshold=2)
            injected += 1
            try:
                story = extract_story(article, doc=doc, geocoder=config)
            except Exception as exc:  # noqa: BLE001 - a story that did not complete is the figure
                failed.append(f"{name} {when}: {type(exc).__name__}")
                continue
            missing = {p.id for p in offline.places} - {p.id for p in story.places}
            lost += len(missing)
            noted = any(why in n and "kept offline results" in n for n in story.notes)
            if not missing and noted and len(story.events) == len(offline.events):
                completed += 1
            else:
                failed.append(f"{name} {when}: {len(missing)} places lost, noted={noted}")
    reset_providers()
    return {"injected": injected, "stories_completed": completed, "places_lost": lost, "not_completed": failed}


# -- writers killed mid-save ----------------------------------------------------------------------------------

_CACHE_WRITER = """
from geopy.location import Location
from geostory.geocode.cache import GeocodeCache
c = GeocodeCache({path!r})
i = 0
while True:
    c.put("nominatim", f"place {{i}}", "FR", Location(f"Place {{i}}", (45.0, 5.0), {{"pad": "x" * 4000}}))
    print(i, flush=True)
    i += 1
"""
_LIBRARY_WRITER = """
from geostory.library import Library
from geostory.export import story_from_json
story = story_from_json(open({seed!r}, encoding="utf-8").read())
lib = Library({path!r})
i = 0
while True:
    lib.save(story, f"s{{i}}")
    print(i, flush=True)
    i += 1
"""


def killed_writers(folder: Path, saves: int = 150) -> dict:
    out = {}
    for name, script, check in (
        ("geocode_cache", _CACHE_WRITER, _cache_rows),
        ("library", _LIBRARY_WRITER, _library_rows),
    ):
        path = folder / f"{name}.sqlite"
        code = textwrap.dedent(script).format(path=str(path), seed=str(ROOT / "data" / "seed.story.json"))
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        done = []
        try:
            for line in proc.stdout:
                done.append(int(line))
                if len(done) >= saves:
                    break
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        present = check(path, done)
        out[name] = {"reported_saved": len(done), "lost": len(done) - present}
    return out


def _cache_rows(path: Path, done: list[int]) -> int:
    from geostory.geocode.cache import GeocodeCache

    cache = GeocodeCache(path)
    return sum(cache.get("nominatim", f"place {i}", "FR") is not None for i in done)


def _library_rows(path: Path, done: list[int]) -> int:
    from geostory.library import Library

    library = Library(path)
    return sum(f"s{i}" in library for i in done)


# -- sessions ---------------------------------------------------------------------------------------------------


def sessions(n: int) -> dict:
    from geostory.export import story_from_json
    from geostory.gazetteer.index import get_gazetteer
    from tests.apprunner import AppServer
    from tests.load_sessions import run_load

    stories = {"seed": ROOT / "data" / "seed.story.json", "sample": ROOT / "tests" / "data" / "sample.story.json"}
    folder = Path(tempfile.mkdtemp(prefix="geostory-load-"))
    try:
        for name, path in stories.items():
            shutil.copy(path, folder / f"{name}.story.json")
        env = {"GEOSTORY_STORY_DIR": str(folder), "GEOSTORY_LIBRARY": str(folder / "library.sqlite"),
               "GEOSTORY_INDEX": str(get_gazetteer().path), "GEOSTORY_CACHE": str(folder / "cache")}
        with AppServer(env=env) as server:
            report = run_load(server, {k: story_from_json(v.read_text(encoding="utf-8")) for k, v in stories.items()}, n)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {**report.as_dict(), "problems": (report.failures + report.crossed)[:5]}


# -- growth -----------------------------------------------------------------------------------------------------


def growth(quick: bool) -> dict:
    from geostory.extract.pipeline import max_article_chars

    prose = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "data" / "holdout").glob("*_fr_*.txt")))
    names = make_bad.place_names(5000)
    prose_sizes = [2_500, 5_000, 10_000, 20_000, 40_000] + ([] if quick else [80_000])
    name_counts = [250, 500, 1000, 2000] + ([] if quick else [5000])
    out = {"cap_chars": max_article_chars(), "prose": [], "place_lists": []}
    extract_story(Article(text=prose[:2000], lang="fr"))  # models loaded before timing
    for size in prose_sizes:
        text = (prose * (size // len(prose) + 1))[:size]
        out["prose"].append(_timed(text, size))
        log(f"  growth prose {size}: {out['prose'][-1]['cpu_seconds']} s CPU")
    for n in name_counts:
        text = "Ils ont visité " + ", ".join(names[:n]) + "."
        out["place_lists"].append({"names": n, **_timed(text, len(text))})
        log(f"  growth place list {n}: {out['place_lists'][-1]['cpu_seconds']} s CPU")
    out["prose_cpu_slope"] = _slope([(r["chars"], r["cpu_seconds"]) for r in out["prose"]])
    out["place_list_cpu_slope"] = _slope([(r["chars"], r["cpu_seconds"]) for r in out["place_lists"]])
    return out


def _timed(text: str, size: int) -> dict:
    """Wall and CPU seconds of one extraction (CPU time: what the code costs, whatever else the machine runs)."""
    t, c = time.perf_counter(), time.process_time()
    extract_story(Article(text=text, lang="fr", published="2024-03-05"))
    cpu, wall = time.process_time() - c, time.perf_counter() - t
    return {"chars": len(text), "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "cpu_us_per_char": round(1e6 * cpu / len(text), 1)}


def _slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(seconds) against log(size) over the larger half (1.0: linear growth)."""
    pts = [(math.log(x), math.log(y)) for x, y in points[len(points) // 2 - 1:] if y > 0]
    mx, my = sum(x for x, _ in pts) / len(pts), sum(y for _, y in pts) / len(pts)
    return round(sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts), 2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the dashboard, browser, load and largest sizes")
    ap.add_argument("--no-app", action="store_true")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-load", action="store_true")
    ap.add_argument("--sessions", type=int, default=20)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="geostory-robustness-"))
    started = time.perf_counter()
    try:
        log("bad inputs…")
        bad = bad_inputs(folder / "bad", app=not (args.quick or args.no_app))
        log("hostile input…")
        hostile_figures = hostile(browser=not (args.quick or args.no_browser))
        log("geocoder faults…")
        faults = geocoder_faults()
        log("killed writers…")
        writers = killed_writers(folder)
        load = None
        if not (args.quick or args.no_load):
            log("sessions…")
            load = sessions(args.sessions)
        log("growth…")
        grow = growth(args.quick)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    lost = faults["places_lost"] + sum(w["lost"] for w in writers.values())
    print(json.dumps({
        "bad_inputs_tried": bad["tried"], "bad_inputs_handled": bad["handled"],
        "hostile_payloads_tried": hostile_figures["tried"], "hostile_payloads_blocked": hostile_figures["blocked"],
        "geocoder_faults_injected": faults["injected"], "stories_completed": faults["stories_completed"],
        "concurrent_sessions_held": load["held"] if load else None,
        "data_lost": lost,
        "bad_inputs": bad, "hostile": hostile_figures, "geocoder_faults": faults, "killed_writers": writers,
        "sessions": load, "growth": grow, "seconds": round(time.perf_counter() - started, 1),
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
