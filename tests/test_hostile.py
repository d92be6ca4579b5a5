"""Hostile input: whatever an article or a geocoder says reaches HTML escaped, and no script of theirs runs.

The hostile story (``tests/data/hostile.story.json``, made by ``tests/data/bad/make_hostile.py``) carries script
payloads (``<img onerror>``, ``<script>``, ``<svg onload>``, attribute and template-literal break-outs,
``</script>``, ``javascript:`` links, markdown links) in its title, source, text, place names and ids, kinds,
countries, notes, reasons, alternatives, quotes, speakers, people, events, dates, itinerary and notes.

1. Every HTML producer is checked on its own: the map page (popups, tooltips, markers, layer names, stop labels),
   the exported standalone HTML, the corpus map, the side panels, the article, the timeline. In a fragment no
   element or attribute may come from a payload; in a page's scripts, no payload may survive JSON un-escaping raw.
   (The itinerary's name reached Leaflet's layer control unescaped, and ran, until geostory/maps/layers.py
   escaped it: the tests below found it.)
2. The dashboard runs for real (``streamlit run`` on a free port, Chromium, every non-local request aborted) on
   the hostile story, and the exported HTML is opened too: no dialog, no request for the payloads' image ``x``,
   no console message from a payload, no ``on*`` attribute or ``javascript:`` link carrying one.
"""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import importlib.util
import re
import shutil
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote as urlquote
from urllib.parse import urlsplit

import pytest

from geostory.export import story_from_json, story_to_csv, story_to_html, story_to_json
from geostory.maps import build_map, tooltip_html
from geostory.maps.style import marker_html, popup_html
from geostory.model import Place

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "data" / "hostile.story.json"
_spec = importlib.util.spec_from_file_location("make_hostile", ROOT / "tests" / "data" / "bad" / "make_hostile.py")
make_hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_hostile)
# a payload that survived as markup: a tag it opened, or its event-handler attribute
RAW = re.compile(r"<(?:img|script|svg|iframe)\b[^>]*?xss-([\w-]+)|<script>alert\('xss-([\w-]+)|"
                 r"\son\w+=\"?alert\('xss-([\w-]+)")


@functools.cache
def hostile():
    return story_from_json(HOSTILE.read_text(encoding="utf-8"))


def unjs(text: str) -> str:
    """A page with the JSON/JS string escapes of its scripts undone (what the browser's strings hold)."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return text.replace('\\"', '"').replace("\\/", "/").replace("\\'", "'")


def leaks(page: str) -> set[str]:
    """Where the payloads that survived raw in ``page`` (scripts' strings un-escaped) were planted."""
    return {next(g for g in m.groups() if g) for m in RAW.finditer(unjs(page))}


class _Fragment(HTMLParser):
    """Collects what a payload could have added to an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "svg", "img", "object", "embed"):
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append(f"{tag}[{name}]")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.bad.append(f"{tag}[{name}=javascript:]")


def fragment_problems(fragment: str) -> list[str]:
    parser = _Fragment()
    parser.feed(fragment)
    parser.close()
    return parser.bad


def test_hostile_story_file_is_what_the_script_makes():
    assert HOSTILE.read_text(encoding="utf-8") == story_to_json(make_hostile.hostile_story())


def test_every_field_carries_payloads():
    story = hostile()
    for field in (story.article.title, story.article.source, story.places[0].name, story.places[0].id,
                  story.quotes[0].speaker, story.people[0].name, story.events[1].summary,
                  story.itineraries[0].traveller, story.notes[0]):
        assert "xss-" in field


# -- 1. each HTML producer ------------------------------------------------------------------------------------


@pytest.mark.parametrize("selected", [None, "p2", "first"])
def test_map_page_keeps_payloads_inert(selected):
    story = hostile()
    page = build_map(story, selected=story.places[0].id if selected == "first" else selected).get_root().render()
    assert leaks(page) == set()


def test_exported_html_keeps_payloads_inert():
    page = story_to_html(hostile())
    assert leaks(page) == set()
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL).group(1)
    assert "<" not in title and "xss-title" in html.unescape(title)


def test_marker_tooltip_and_popup_fragments():
    story = hostile()
    for place in story.places:
        for fragment in (popup_html(story, place), marker_html(place), marker_html(place, selected=True),
                         tooltip_html(place)):
            assert not fragment_problems(fragment), (place.id, fragment_problems(fragment))
        # the tooltip sits in a JS template literal: nothing may close it or interpolate
        assert "`" not in tooltip_html(place) and "${" not in tooltip_html(place)


def test_panel_article_and_timeline_fragments():
    from components.html import article_html, event_html, mentions_html, quote_html
    from components.timeline import timeline_html

    story = hostile()
    fragments = {"article": article_html(story, story.places[0].id), "timeline": timeline_html(story)}
    fragments.update({f"event {e.id}": event_html(story, e) for e in story.events})
    fragments.update({f"quote {q.id}": quote_html(story, q) for q in story.quotes})
    fragments.update({f"mentions {p.id}": mentions_html(story, p) for p in story.places})
    for where, fragment in fragments.items():
        assert not fragment_problems(fragment), (where, fragment_problems(fragment))
        assert "xss-" in html.unescape(re.sub(r"<[^>]+>", "", fragment)) or where.startswith("mentions")


def test_corpus_map_keeps_payloads_inert(tmp_path):
    from geostory.library import Library
    from geostory.maps.corpus import build_corpus_base_map, build_corpus_layer

    try:
        from geostory.corpus import corpus_places
    except ImportError:
        pytest.skip("no corpus module")
    library = Library(tmp_path / "lib.sqlite")
    library.save(hostile(), "hostile")
    places = corpus_places(library.stories())
    assert any("xss-" in p.name for p in places)
    m = build_corpus_base_map(places)
    build_corpus_layer(places).add_to(m)
    assert not leaks(m.get_root().render())


def test_csv_cells_cannot_start_a_formula():
    story = hostile()
    formula = Place("f1", '=HYPERLINK("http://evil.example","x")', "city", "FR", 1.0, 2.0)
    story = story.__class__(**{**{f: getattr(story, f) for f in story.__dataclass_fields__},
                               "places": (*story.places, formula)})
    for table in ("places", "events", "quotes"):
        for line in story_to_csv(story, table).splitlines():
            assert not re.search(r'(^|,)"?[=+@]', line), line


# -- 2. the dashboard and the exported page in a real browser ------------------------------------------------------

WATCH = r"""() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on') && a.value.includes('xss-')) found.push(el.tagName + '[' + a.name + ']');
      if (['href', 'src', 'action', 'formaction'].includes(a.name) && a.value.trim().toLowerCase().startsWith('javascript:'))
        found.push(el.tagName + '[' + a.name + '=javascript:]');
    }
    if (el.tagName === 'SCRIPT' && /^alert\('xss-[\w-]+'\)$/.test(el.textContent.trim()))
      found.push('SCRIPT ' + el.textContent.trim());
    if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') found.push('IMG src=x ' + el.getAttribute('onerror'));
  }
  return found;
}"""


def _require_chromium():
    from tests.test_browser import _require_chromium as require

    require()


class Watch:
    """What a page did that only a payload would do."""

    def __init__(self, page):
        self.page = page
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.console: list[str] = []
        page.on("dialog", self._dialog)
        page.on("request", lambda r: self.requests.append(r.url) if re.search(r"/x$|xss-", urlsplit(r.url).path)
                else None)
        page.on("console", lambda m: self.console.append(m.text) if "xss-" in m.text or "alert" in m.text else None)
        page.on("pageerror", lambda e: self.console.append(str(e)) if "xss-" in str(e) else None)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def dom(self) -> list[str]:
        found = []
        for frame in self.page.frames:
            with contextlib.suppress(Exception):  # a frame may go away while it is read
                found += [f"{frame.url[:60]}: {x}" for x in frame.evaluate(WATCH)]
        return found

    def problems(self) -> list[str]:
        return ([f"dialog {d!r}" for d in self.dialogs] + [f"request {u}" for u in self.requests]
                + [f"console {c!r}" for c in self.console] + self.dom())


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    _require_chromium()
    from geostory.gazetteer.index import get_gazetteer
    from tests.apprunner import AppServer

    folder = tmp_path_factory.mktemp("hostile")
    shutil.copy(HOSTILE, folder / "hostile.story.json")
    env = {"GEOSTORY_STORY_DIR": str(folder), "GEOSTORY_LIBRARY": str(folder / "library.sqlite"),
           "GEOSTORY_INDEX": str(get_gazetteer().path), "GEOSTORY_CACHE": str(folder / "cache")}
    with AppServer(env=env) as server:
        yield server


@pytest.fixture(scope="module")
def chromium(hostile_server):
    from tests.apprunner import offline_browser

    with offline_browser() as browser:
        yield browser


def _open(browser, url: str):
    from tests.apprunner import offline_page

    page = offline_page(browser)
    watch = Watch(page)
    page.goto(url)
    return page, watch


@pytest.mark.browser
def test_dashboard_runs_no_payload(hostile_server, chromium):
    from tests.apprunner import PANEL, map_frame, marker_selector

    story = hostile()
    page, watch = _open(chromium, f"{hostile_server.url}/?story=hostile")
    frame = map_frame(page)
    frame.locator(".gs-marker[data-place]").first.wait_for(state="visible", timeout=60000)
    assert "xss-title" in page.locator("h1").first.inner_text()  # the title is shown, as text
    # the layer control lists the overlays (itinerary included) once expanded; markers get hovered and clicked
    frame.locator(".leaflet-control-layers").first.hover()
    page.wait_for_timeout(300)
    marker = frame.locator(marker_selector("p2")).first
    if marker.count() and marker.is_visible():
        marker.hover()
        marker.click()
        page.locator(PANEL).get_by_role("heading").first.wait_for(timeout=20000)
    page.wait_for_timeout(1000)
    problems = watch.problems()
    assert not problems, problems
    page.close()

    # the selected place with the hostile id: its pin, open popup and side panel
    page, watch = _open(chromium, f"{hostile_server.url}/?story=hostile&place={urlquote(story.places[0].id)}")
    page.locator(PANEL).get_by_role("heading").first.wait_for(timeout=60000)
    map_frame(page).locator(".leaflet-popup-content").first.wait_for(timeout=20000)
    assert "xss-place-name" in map_frame(page).locator(".leaflet-popup-content").first.inner_text()
    page.wait_for_timeout(1000)
    problems = watch.problems()
    assert not problems, problems
    page.close()


@pytest.mark.browser
def test_corpus_view_runs_no_payload(hostile_server, chromium):
    from geostory.library import Library

    Library(Path(hostile_server.env["GEOSTORY_LIBRARY"])).save(hostile(), "hostile-copy")
    page, watch = _open(chromium, f"{hostile_server.url}/?view=corpus")
    page.locator('iframe[title="streamlit_folium.st_folium"]').first.wait_for(timeout=60000)
    page.wait_for_timeout(2000)
    problems = watch.problems()
    page.close()
    assert not problems, problems


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.browser
def test_exported_html_runs_no_payload(tmp_path, chromium):
    (tmp_path / "story.html").write_text(story_to_html(hostile()), encoding="utf-8")
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page, watch = _open(chromium, f"http://127.0.0.1:{server.server_address[1]}/story.html")
        page.locator(".gs-marker[data-place]").first.wait_for(state="visible", timeout=30000)
        page.locator(".leaflet-control-layers").first.hover()
        page.wait_for_timeout(800)
        problems = watch.problems()
        page.close()
    finally:
        server.shutdown()
    assert not problems, problems


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v"]))
