"""The dashboard for real: ``streamlit run`` on a free port, Debian's Chromium driven by Playwright, and
every request that leaves the machine aborted, so passing proves the page works offline.

Needs ``/usr/bin/chromium`` (``apt-get install chromium``). Skipped without it, except in CI (``CI`` or
``GEOSTORY_REQUIRE_BROWSER=1`` set), where a missing browser is a failure. Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from geostory.export import story_from_json
from tests.apprunner import (
    CHROMIUM,
    PANEL,
    AppServer,
    content_frame,
    map_frame,
    marker_selector,
    offline_browser,
    offline_page,
    open_select,
    panel_text,
    reveal_marker,
    wait_single_map,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
SEED = ROOT / "data" / "seed.story.json"
SAMPLE = ROOT / "tests" / "data" / "sample.story.json"
# quotes of the seed article that belong to other places than Vladivostok
ELSEWHERE = ("gant provenant", "quand cela lui conviendra", "avec plaisir", "se poursuit encore", "civiles et militaires",
             "grande victoire", "priorité absolue", "renforcement futur", "Ils ont souligné")


def _require_chromium() -> None:
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} not found: `apt-get install chromium` (Playwright's own browser download is unavailable)"
    if os.environ.get("CI") or os.environ.get("GEOSTORY_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " -- the browser test must run in CI")
    pytest.skip(message)


@pytest.fixture(scope="module")
def story_setup():
    """(story, server env, URL query): the seed when it exists, else the hand-made sample."""
    if SEED.exists():
        return story_from_json(SEED.read_text(encoding="utf-8")), {"GEOSTORY_STORY_DIR": str(SEED.parent)}, ""
    env = {"GEOSTORY_STORY_DIR": str(SAMPLE.parent)}
    return story_from_json(SAMPLE.read_text(encoding="utf-8")), env, "?story=sample"


@pytest.fixture(scope="module")
def server(story_setup):
    _require_chromium()
    with AppServer(env=story_setup[1]) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(server):
    with offline_browser() as b:
        yield b


def local_errors(page) -> list[str]:
    return [f"{status} {url}" for status, url in page.local_errors]


def open_page(browser, url: str):
    page = offline_page(browser)
    page.local_errors = []
    page.on(
        "response",
        lambda r: page.local_errors.append((r.status, r.url)) if r.status >= 400 else None,
    )
    page.goto(url)
    map_frame(page).locator(".gs-marker[data-place]").first.wait_for(state="visible", timeout=60000)
    wait_single_map(page)
    return page


def test_click_vladivostok_offline(server, browser, story_setup):
    story, _, query = story_setup
    place = next(p for p in story.places if p.name == "Vladivostok")
    page = open_page(browser, server.url + "/" + query)
    frame = map_frame(page)

    # the offline basemap is drawn (Natural Earth countries as SVG paths) and no online tile got through
    countries = content_frame(page).evaluate(
        "() => document.querySelectorAll('.leaflet-overlay-pane path').length"
    )
    assert countries > 150, f"basemap missing: {countries} paths"
    assert frame.locator(".leaflet-tile-loaded").count() == 0
    # the place markers are on the map, and the legend and the layer and fullscreen controls
    assert frame.locator(".gs-marker[data-place]").count() + frame.locator(".marker-cluster").count() >= 3
    assert frame.locator(".gs-legend").is_visible()
    assert frame.locator(".leaflet-control-layers").count() == 1
    assert frame.locator(".leaflet-control-zoom-fullscreen, .fullscreen-icon").count() >= 1

    reveal_marker(page, place.id, place.lat, place.lon)
    frame.locator(marker_selector(place.id)).first.click()
    page.locator(PANEL).get_by_role("heading", name="Vladivostok", exact=True).wait_for(timeout=20000)

    panel = panel_text(page)
    events = page.locator(f"{PANEL} .gs-event").all_inner_texts()
    assert any(re.search(r"d[ée]monstration", e) and "Pacifi" in e for e in events), events
    quotes = " ".join(page.locator(f"{PANEL} .gs-quote-item").all_inner_texts())
    for words in ELSEWHERE:
        assert words not in quotes, f"a quote of another place is shown at Vladivostok: {words!r}"
    assert "Vladivostok" in panel and f"place={place.id}" in page.url

    # the selected place gets Leaflet's default pin: its image must have loaded from static/
    wait_single_map(page)
    content_frame(page).wait_for_function(
        """() => [...document.querySelectorAll("img.leaflet-marker-icon")]
                 .some(img => img.complete && img.naturalWidth > 0 && img.src.includes("/app/static/leaflet/images/"))""",
        timeout=20000,
    )
    assert not local_errors(page), local_errors(page)
    assert all(not u.startswith(("http://127.0.0.1", "http://localhost")) for u in page.failed), page.failed

    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "dashboard-vladivostok.png"), full_page=True)
    page.close()


def test_copied_link_reopens_place_and_view(server, browser, story_setup):
    story, _, query = story_setup
    place = next(p for p in story.places if p.name == "Vladivostok")
    sep = "&" if query else "?"
    page = open_page(browser, f"{server.url}/{query}{sep}place={place.id}")
    page.locator(PANEL).get_by_role("heading", name="Vladivostok", exact=True).wait_for(timeout=20000)
    marker = map_frame(page).locator(marker_selector(place.id)).first
    marker.wait_for(state="visible", timeout=10000)
    box = marker.bounding_box()
    frame_box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    centre = (frame_box["x"] + frame_box["width"] / 2, frame_box["y"] + frame_box["height"] / 2)
    assert abs(box["x"] + box["width"] / 2 - centre[0]) < 40 and abs(box["y"] + box["height"] / 2 - centre[1]) < 40
    assert not local_errors(page), local_errors(page)
    page.close()


def test_online_tiles_replace_the_offline_basemap_when_reachable(server, browser, story_setup):
    """With the tile server "reachable" (answered locally by the test), the map switches to OpenStreetMap."""
    _, _, query = story_setup
    tile = (ROOT / "static" / "leaflet" / "images" / "layers.png").read_bytes()
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    seen: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            r.continue_()
        elif url.startswith("https://tile.openstreetmap.org/"):
            seen.append(url)
            r.fulfill(status=200, content_type="image/png", body=tile)
        else:
            r.abort()

    page.route("**/*", route)
    page.goto(server.url + "/" + query)
    frame = map_frame(page)
    frame.locator(".leaflet-tile-loaded").first.wait_for(state="attached", timeout=60000)
    assert len(seen) > 1  # the probe, then real tiles
    assert content_frame(page).evaluate("() => document.querySelectorAll('.leaflet-overlay-pane path').length") < 50
    page.close()


# -- bring your own article: paste, map, correct, reload, export ------------------------------------------

OWN_ARTICLE = (
    "Le ministre de l'Agriculture s'est rendu mardi à Valence, dans la Drôme, pour rencontrer des arboriculteurs "
    "touchés par la grêle. Il a ensuite visité une coopérative près de Montélimar avant de rejoindre Lyon en fin de "
    "journée.\n\n« Nous serons aux côtés des producteurs », a déclaré le ministre à Valence. Mercredi, il est attendu "
    "à Grenoble pour un conseil régional."
)


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    _require_chromium()
    library = tmp_path_factory.mktemp("e2e-library") / "stories.sqlite"
    with AppServer(env={"GEOSTORY_LIBRARY": str(library)}) as srv:
        yield srv


def settled_map(page, timeout: float = 60000):
    """The map's frame once the page has shown one map for a while (a story switch briefly shows two)."""
    wait_single_map(page, timeout=timeout)
    return map_frame(page)


def test_paste_map_correct_reload_export(own_server, browser, tmp_path):
    """A French article that is not the seed: pasted, mapped, one place moved, the page reloaded (the correction
    stays), the GeoJSON exported and valid."""
    from geostory.export import validate_geojson

    page = offline_page(browser, height=1800)
    bad: list[str] = []
    page.on("response", lambda r: bad.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(own_server.url + "/")
    settled_map(page).locator(".gs-marker[data-place]").first.wait_for(state="visible", timeout=60000)

    # paste the article in the sidebar and map it
    page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_role("textbox", name="Article text").fill(OWN_ARTICLE)
    page.get_by_role("button", name="Map it").click()
    page.wait_for_url(re.compile(r"story=u-[0-9a-f]{12}"), timeout=120000)
    page.get_by_role("heading", name=re.compile("Le ministre de l'Agriculture")).wait_for(timeout=60000)
    frame = settled_map(page)
    frame.locator(".gs-marker[data-place]").first.wait_for(state="attached", timeout=60000)
    shown = frame.locator(".gs-marker[data-place]").count() + frame.locator(".marker-cluster").count()
    assert shown >= 2
    story_id = re.search(r"story=(u-[0-9a-f]{12})", page.url).group(1)

    # select Valence and move it to another Valence of the gazetteer
    page.get_by_label("Find a place").click()
    page.get_by_role("option", name=re.compile(r"^Valence \(city, FR\)")).click()
    page.locator(PANEL).get_by_role("heading", name="Valence", exact=True).wait_for(timeout=20000)
    place_id = re.search(r"place=([^&]+)", page.url).group(1)
    page.get_by_text("Review “Valence”").click()
    option = page.get_by_role("option", name=re.compile(r", ES\)")).first
    open_select(page, "Places with that name", option)
    chosen = option.inner_text()
    option.click()
    page.get_by_role("button", name="Move it to this one").click()
    page.locator(PANEL).get_by_text("Corrected by a reader").wait_for(timeout=20000)

    # reload: the correction is still there, on the map and in the panel
    page.reload()
    page.locator(PANEL).get_by_text("Corrected by a reader").wait_for(timeout=60000)
    assert f"story={story_id}" in page.url and f"place={place_id}" in page.url
    settled_map(page).locator(f'.gs-ov-choose[data-place="{place_id}"]').first.wait_for(state="attached", timeout=30000)
    assert chosen.split(" (")[0] in page.locator(PANEL).get_by_role("heading").first.inner_text()

    # export GeoJSON: valid RFC 7946, the corrected place marked
    with page.expect_download(timeout=30000) as download:
        page.get_by_role("button", name="GeoJSON", exact=True).click()
    path = tmp_path / "story.geojson"
    download.value.save_as(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert validate_geojson(data) == []
    corrected = next(f for f in data["features"] if f["id"] == place_id)
    assert corrected["properties"]["override"] == "choose" and corrected["properties"]["country"] == "ES"
    lon, lat = corrected["geometry"]["coordinates"]
    assert -10 < lon < 4 and 36 < lat < 44  # in Spain now
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-own-article.png"), full_page=True)
    assert not bad, bad  # every local request answered (scripts, styles, marker images)
    page.close()


def test_standalone_html_map_opens_offline(browser, tmp_path):
    """The exported HTML map draws its basemap and markers from a file, with every request off the machine blocked."""
    _require_chromium()
    from geostory.export import story_to_html

    story = story_from_json((SEED if SEED.exists() else SAMPLE).read_text(encoding="utf-8"))
    path = tmp_path / "map.html"
    path.write_text(story_to_html(story), encoding="utf-8")
    page = offline_page(browser)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("file://**", lambda r: r.continue_())
    page.goto(path.as_uri())
    page.locator(".gs-marker[data-place], .marker-cluster").first.wait_for(state="visible", timeout=20000)
    assert page.evaluate("() => document.querySelectorAll('.leaflet-overlay-pane path').length") > 150
    assert not errors, errors
    page.close()
