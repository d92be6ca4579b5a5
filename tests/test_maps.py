"""geostory.maps: the folium story map, rendered to HTML and checked without a browser."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from geostory.export import story_from_json
from geostory.maps import (
    assets,
    build_base_map,
    build_map,
    build_place_layer,
    place_id_from_click,
    place_id_from_tooltip,
    place_view,
    places_in_period,
    story_bounds,
    story_period,
    tooltip_html,
)
from geostory.maps.tags import kinds_in
from geostory.maps.style import KIND_STYLES as KIND_ORDER
from geostory.maps.style import format_date, marker_size, mention_context
from geostory.maps.timeline import date_period
from geostory.model import Article, Event, Itinerary, Mention, Place, Stop, Story

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "sample.story.json"


@pytest.fixture(scope="module")
def story() -> Story:
    return story_from_json(SAMPLE.read_text(encoding="utf-8"))


def render(m) -> str:
    return m.get_root().render()


def unjs(html: str) -> str:
    """Rendered map HTML with the JSON string escapes of embedded HTML undone, for plain assertions."""
    html = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html)
    return html.replace('\\"', '"')


def hostile_story() -> Story:
    """A story whose every text field tries to inject HTML."""
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    text = f"Avant {evil} à Paris & « Lyon » après."
    start = text.index("Paris")
    return Story(
        article=Article(text=text, title=evil, source=evil),
        places=(
            Place(
                id='p"1<b>',
                name=f"Paris {evil}",
                kind="city",
                country="FR",
                lat=48.85,
                lon=2.35,
                mentions=(Mention(start, start + 5, "Paris"),),
            ),
        ),
        events=(Event(id="e1", summary=evil, start=0, end=5, places=('p"1<b>',), actors=(evil,)),),
        itineraries=(Itinerary(traveller=evil, stops=(Stop(place='p"1<b>', date="2023-01-02"),)),),
    )


# -- assets: everything is served locally -------------------------------------------------------------


def test_every_vendored_file_exists_with_a_licence():
    missing = [str(p) for p in assets.vendored_files() if not p.is_file()]
    assert not missing, f"vendored assets missing: {missing}"
    for folder in {p.relative_to(assets.STATIC_DIR).parts[0] for p in assets.vendored_files()}:
        licences = list((assets.STATIC_DIR / folder).glob("LICEN[CS]E*"))
        assert licences, f"static/{folder} has no LICENSE file"


def test_map_loads_only_local_scripts_and_styles(story):
    html = render(build_map(story))
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    styles = re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert scripts and styles
    for url in scripts + styles:
        assert url.startswith("../../app/static/"), url
        assert (assets.STATIC_DIR / url.removeprefix("../../app/static/")).is_file(), url
    assert "cdn.jsdelivr" not in html and "code.jquery" not in html and "cdnjs" not in html


def test_bundles_are_up_to_date_and_loaded_once(story):
    """The served map loads one script and one stylesheet: the bundles, equal to the vendored files they join."""
    for kind, (_, path) in (("js", assets.BUNDLE_JS), ("css", assets.BUNDLE_CSS)):
        on_disk = (assets.STATIC_DIR / path).read_text(encoding="utf-8")
        assert on_disk == assets.bundle(kind), f"static/{path} is stale: run geostory.maps.assets.write_bundles()"
    assert (assets.STATIC_DIR / assets.BUNDLE_DIR / "LICENSE").read_text(encoding="utf-8") == assets.bundle_licence()
    js = assets.bundle("js")
    order = [js.index(f"/* static/{path} ") for path, _ in assets.JS.values()]
    assert order == sorted(order) and js.index("Leaflet 1.9.4") < js.index("L.MarkerClusterGroup")
    assert "sourceMappingURL" not in js
    css = assets.bundle("css")
    for url in re.findall(r"url\(([^)#]+)\)", css):
        assert (assets.STATIC_DIR / assets.BUNDLE_DIR / url).resolve().is_file(), url
    html = render(build_map(story, selected="vladivostok"))  # markers, clusters, itinerary arrows, full screen
    assert re.findall(r'<script[^>]+src="([^"]+)"', html) == [f"../../app/static/{assets.BUNDLE_JS[1]}"]
    assert re.findall(r'<link[^>]+href="([^"]+)"', html) == [f"../../app/static/{assets.BUNDLE_CSS[1]}"]


def test_default_marker_images_path_is_set(story):
    html = render(build_map(story, selected="vladivostok"))
    assert 'L.Icon.Default.imagePath = "../../app/static/leaflet/images/"' in html
    assert (assets.STATIC_DIR / "leaflet" / "images" / "marker-icon.png").is_file()


def test_cdn_mode_for_standalone_files(story):
    html = render(build_map(story, static_base=None))
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js" in html
    assert "../../app/static" not in html


def test_streamlit_static_serving_is_on():
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert re.search(r"^\s*enableStaticServing\s*=\s*true", config, re.MULTILINE)


# -- basemap -----------------------------------------------------------------------------------------


def test_offline_basemap_is_natural_earth_countries():
    data = assets.load_basemap()
    assert data is not None
    names = {f["properties"]["name"] for f in data["features"]}
    assert len(data["features"]) >= 170 and {"France", "Russia", "Japan"} <= names


def test_base_map_has_offline_basemap_and_online_layers(story):
    html = render(build_base_map(story))
    assert "Countries (offline)" in html or "L.geoJson(" in html
    assert "tile.openstreetmap.org" in html and "basemaps.cartocdn.com" in html
    assert '"RUS"' in html and '"PRK"' in html  # the story's focus countries are shaded


def test_missing_basemap_falls_back_to_online_tiles(story, tmp_path):
    assert assets.load_basemap(tmp_path / "nope.geojson") is None
    html = render(build_base_map(story, basemap={}))
    assert "L.geoJson(" not in html
    assert re.search(r"tile_layer_\w+\.addTo\(", html), "an online layer is shown when there is no basemap"


def test_basemap_json_cannot_close_the_script(story):
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "</script><b>", "iso_a3": "XXX"},
         "geometry": {"type": "Point", "coordinates": [0, 0]}}]}
    html = render(build_base_map(story, basemap=data))
    assert "</script><b>" not in html


# -- markers, tooltips and clicks ---------------------------------------------------------------------


def test_one_marker_per_resolved_place(story):
    unresolved = replace(story.places[0], id="nowhere", lat=None, lon=None)
    s = replace(story, places=story.places + (unresolved,))
    html = render(build_map(s))
    ids = re.findall(r'data-place="([^"]+)"', unjs(html))
    assert sorted(set(ids)) == sorted(p.id for p in story.places)
    assert "nowhere" not in ids


@pytest.mark.parametrize("place_id", ["vladivostok", 'we"ird <id> & co', "Zürich-1", "p`${x}\\"])
def test_tooltip_carries_the_place_id_back(place_id):
    place = Place(id=place_id, name="Name <x> `${alert(1)}`", kind="city", country=None, lat=1.0, lon=2.0)
    tip = tooltip_html(place)
    assert "Name &lt;x&gt;" in tip and "display:none" in tip
    assert "`" not in tip and "$" not in tip and "\\" not in tip  # folium puts tooltips in a JS template literal
    # streamlit-folium returns the tooltip's text content (entities decoded), padded
    text = "  " + html_lib.unescape(re.sub(r"<[^>]+>", "", tip)) + "\n"
    assert place_id_from_tooltip(text) == place_id


def test_a_name_cannot_pose_as_another_place():
    place = Place(id="p1", name="Lyon [[place:p2]]", kind="city", country=None, lat=1.0, lon=2.0)
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", tooltip_html(place)))
    assert place_id_from_tooltip(text) == "p1"


def test_click_value_without_tooltip_selects_nothing():
    assert place_id_from_click(None) is None
    assert place_id_from_click({"last_object_clicked_tooltip": None}) is None
    assert place_id_from_click({"last_object_clicked_tooltip": "Countries"}) is None
    assert place_id_from_click({"last_object_clicked_tooltip": "Paris[[place:p1]]"}) == "p1"


def test_markers_styled_by_kind_and_sized_by_mentions(story):
    html = render(build_map(story))
    assert "gs-shape-ring" in html and "gs-shape-diamond" in html and "gs-shape-circle" in html
    russia = story.place("russia")
    assert f'width:{marker_size(len(russia.mentions))}px' in html
    assert f'<span class="gs-badge">{len(russia.mentions)}</span>' in unjs(html)
    assert marker_size(1) < marker_size(4) < marker_size(12) <= 36


def test_legend_lists_the_kinds_present(story):
    html = render(build_map(story))
    assert kinds_in(story) == ["country", "region", "city", "landmark", "water"]
    for label in ("Country", "Region", "City", "Landmark", "Sea, river, lake"):
        assert label in html
    assert "Other" not in html


def test_popup_shows_first_mention_in_context(story):
    html = render(build_map(story))
    assert "<mark>Vladivostok</mark>" in unjs(html)


def test_selected_place_gets_a_default_pin(story):
    layer = build_place_layer(story, selected="vladivostok")
    html = render(build_map(story, selected="vladivostok"))
    assert "gs-selected" in html
    pins = [c for c in layer._children.values() if type(c).__name__ == "Marker" and c.icon is None]
    assert len(pins) == 1 and pins[0].location == [story.place("vladivostok").lat, story.place("vladivostok").lon]


def test_visible_filter_keeps_only_those_places_and_the_selection(story):
    html = render(build_map(story, visible={"moscow"}, selected="kremlin"))
    ids = set(re.findall(r'data-place="([^"]+)"', unjs(html)))
    assert ids == {"moscow", "kremlin"}


def test_clustering_has_a_max_zoom(story):
    html = render(build_map(story))
    assert "L.markerClusterGroup(" in html
    assert re.search(r'"maxZoom":\s*18', html)


def test_everything_from_the_article_is_escaped():
    html = render(build_map(hostile_story(), selected='p"1<b>'))
    assert "<script>alert" not in html
    assert "<img src=x" not in html


# -- itinerary ----------------------------------------------------------------------------------------


def test_itinerary_is_an_ordered_directed_line_with_numbered_dated_stops(story):
    html = render(build_map(story))
    stops = story.itineraries[0].stops
    assert html.count("L.polylineDecorator(") == len(stops) - 1
    labels = re.findall(r'<span class="(?:gs-planned)?">(\d+)(?:<i class="gs-stop-date"> · ([^<]+)</i>)?</span>', unjs(html))
    assert labels == [("1", "12 Sep 2023"), ("2", "13 Sep 2023"), ("3", "planned"), ("4", "planned")]
    assert html.count('"dashArray": "7 6"') == 2  # the two planned legs


def test_itinerary_skips_unknown_or_unmapped_stops(story):
    itinerary = Itinerary(traveller="X", stops=(Stop(place="nowhere"), Stop(place="moscow")))
    html = render(build_map(replace(story, itineraries=(itinerary,))))
    assert "L.polylineDecorator(" not in html
    assert '<span class="">1</span>' in unjs(html) and '<span class="">2</span>' not in unjs(html)


# -- view, dates --------------------------------------------------------------------------------------


def test_story_bounds_and_place_view(story):
    (south, west), (north, east) = story_bounds(story)
    lats = [p.lat for p in story.places]
    lons = [p.lon for p in story.places]
    assert (south, west, north, east) == (min(lats), min(lons), max(lats), max(lons))
    assert story_bounds(replace(story, places=())) is None
    assert place_view(story.place("vladivostok")) == ((43.1056, 131.8735), 7)
    assert place_view(story.place("russia"))[1] < place_view(story.place("kremlin"))[1]


def test_base_map_is_identical_whatever_the_selection(story):
    """streamlit-folium remounts the map when its JS changes; the base map must not depend on the selection."""
    from streamlit_folium import _get_map_string, generate_js_hash

    a = build_base_map(story)
    b = build_base_map(story)
    build_place_layer(story, selected="kremlin")
    assert generate_js_hash(_get_map_string(a)) == generate_js_hash(_get_map_string(b))


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        ("2023-09-13", "day", (dt.date(2023, 9, 13), dt.date(2023, 9, 13))),
        ("2023-09", "month", (dt.date(2023, 9, 1), dt.date(2023, 9, 30))),
        ("2024-02", None, (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        ("2019", "year", (dt.date(2019, 1, 1), dt.date(2019, 12, 31))),
        ("2023-13-01", "day", None),
        (None, None, None),
    ],
)
def test_date_period(value, precision, expected):
    assert date_period(value, precision) == expected


def test_date_range_filters_places(story):
    first, last = story_period(story)
    assert (first, last) == (dt.date(2023, 9, 13), dt.date(2023, 9, 14))
    assert places_in_period(story, first, last) == {p.id for p in story.places}
    on_14 = places_in_period(story, last, last)
    assert {"white-house", "kremlin"} <= on_14
    assert "vostochny" not in on_14 and "vladivostok" not in on_14  # only 13 Sep or undated events


def test_format_date_and_context():
    assert format_date("2023-09-13") == "13 Sep 2023"
    assert format_date("2023-09-13", "month") == "Sep 2023"
    assert format_date("2023", "year") == "2023"
    assert format_date(None) == "undated"
    text = "one two three four five six seven eight nine ten"
    before, word, after = mention_context(text, Mention(14, 18, "four"), width=9)
    assert word == "four" and before.startswith("…") and after.endswith("…")


def test_maps_package_never_imports_streamlit():
    code = "import sys, geostory.maps; assert 'streamlit' not in sys.modules, sorted(m for m in sys.modules if 'streamlit' in m)"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# -- the corpus map ------------------------------------------------------------------------------------------------

def _corpus_place(key: str, name: str, kind: str = "city", stories: tuple[str, ...] = ("a",)):
    from geostory.corpus import CorpusPlace

    return CorpusPlace(key, name, kind, "FR", 45.123456789, 4.5, stories, 3, tuple((s, "p1") for s in stories))


def test_corpus_points_travel_as_escaped_columns():
    from geostory.maps.corpus import corpus_columns

    places = [_corpus_place("gn:1", "Lyon", stories=("a", "b")), _corpus_place("x:<b>", "<img src=x>", "volcano")]
    cols = corpus_columns(places, selected="x:<b>")
    assert cols["count"] == 2 and all(len(cols[k]) == 2 for k in ("lat", "lon", "name", "key", "kind", "n", "m", "z"))
    assert cols["name"] == ["Lyon", "&lt;img src=x&gt;"] and cols["key"][1] == "x:&lt;b&gt;"
    assert cols["styles"][cols["kind"][1]] == cols["styles"][list(KIND_ORDER).index("other")]  # unknown kind
    assert (cols["n"], cols["lat"][0], cols["sel"]) == ([2, 1], 45.12346, 1)
    assert corpus_columns(places)["sel"] == -1
    # the fit signature follows the set of points, not the selection
    assert corpus_columns(places)["sig"] == cols["sig"] != corpus_columns(places[:1])["sig"]


def test_corpus_base_map_does_not_depend_on_the_places():
    from geostory.maps.corpus import build_corpus_base_map, build_corpus_layer

    def script(m):
        m.get_root().render()
        return re.sub(r"_[0-9a-f]{32}", "", m.get_root().script.render())

    few = [_corpus_place("gn:1", "Lyon")]
    many = [*few, _corpus_place("gn:2", "Quito", "country", ("a", "b"))]
    assert script(build_corpus_base_map(few, basemap=None)) == script(build_corpus_base_map(many, basemap=None))
    page = build_corpus_base_map(many, basemap=None)
    build_corpus_layer(many, selected="gn:2").add_to(page)
    text = page.get_root().render()
    assert '"count":2,' in text and "fitBounds" in text and "Quito" in text
    for style in KIND_ORDER.values():  # every kind in the legend
        assert style.label in text


# -- the map's own words in the interface language --------------------------------------------------------------

def test_map_words_in_english_and_french(story):
    english, french = unjs(render(build_map(story, lang="en"))), unjs(render(build_map(story, lang="fr")))
    for words, page in ((("Places", "City", "Landmark", "Sea, river, lake", "size, number = mentions", "Full screen",
                          "Countries (offline)", "Itinerary: ", "12 Sep 2023", "planned"), english),
                        (("Lieux", "Ville", "Site", "Mer, fleuve, lac", "taille, nombre = mentions", "Plein écran",
                          "Pays (hors ligne)", "Itinéraire : ", "12 sept. 2023", "prévu"), french)):
        for word in words:
            assert word in page, word
    assert "Plein écran" not in english and "Full screen" not in french and "Itinerary: " not in french
    vladivostok = story.place("vladivostok")
    n = len(vladivostok.mentions)
    assert f"{n} mention{'s' if n != 1 else ''} · " in english
    assert re.search(r"\d+ événements? · \d+ citations?", french) and not re.search(r"\d+ events? · ", french)
    assert render(build_map(story, lang="de")).count("Full screen") == render(build_map(story)).count("Full screen")


def test_map_labels_plurals_dates_and_fallback():
    from geostory.maps import labels

    assert labels.label("stories_n", "fr", n=0) == "0 récit" and labels.label("stories_n", "en", n=0) == "0 stories"
    assert labels.label("stories_n", "fr", n=2) == "2 récits" and labels.label("stories_n", "en", n=1) == "1 story"
    assert labels.format_date("2023-02-05", None, "fr") == "5 févr. 2023"
    assert labels.format_date("2023-08", "month", "fr") == "août 2023" and labels.format_date(None, None, "fr") == "non daté"
    assert labels.map_lang("fr-CA") == "fr" and labels.map_lang("xx") == labels.map_lang(None) == "en"
    assert labels.kind_label("volcano", "fr") == "Autre" and labels.override_label("choose", "fr") == "corrigé par un lecteur"
    assert format_date("2023-09-13", None, "fr") == "13 sept. 2023"


def test_french_map_of_a_hostile_story_is_escaped():
    evil = '<script>alert("x")</script>'
    base = hostile_story()
    place = base.places[0]
    story = replace(base, places=(replace(place, override="choose"),),
                    itineraries=(Itinerary(traveller=evil, stops=(Stop(place=place.id, date="2023-09-13"),)),))
    html = render(build_map(story, selected=place.id, lang="fr"))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "Itinéraire : &lt;script&gt;" in unjs(html) and "corrigé par un lecteur" in unjs(html)


def test_corpus_words_in_french():
    from geostory.maps.corpus import (
        build_corpus_base_map,
        build_corpus_layer,
        corpus_columns,
        corpus_tooltip,
    )

    lyon = _corpus_place("gn:1", "Lyon", stories=("a", "b"))
    assert corpus_tooltip(lyon, "fr").startswith("Lyon · 2 récits, 3 mentions")
    assert corpus_tooltip(lyon).startswith("Lyon · 2 stories, 3 mentions")
    assert corpus_columns([lyon], lang="fr")["words"] == {"stories": ["récit", "récits"],
                                                          "mentions": ["mention", "mentions"], "few": 2}
    assert corpus_columns([lyon])["words"]["few"] == 1
    page = build_corpus_base_map(basemap=None, lang="fr")
    build_corpus_layer([lyon], lang="fr").add_to(page)
    text = unjs(page.get_root().render())
    assert "taille, nombre = récits" in text and "Lieux" in text and "size, number" not in text


def test_standalone_page_in_french(story):
    from geostory.maps.standalone import standalone_html

    page = standalone_html(story, "fr")
    assert '<html lang="fr">' in page and "Publié le 14 sept. 2023" in page and "fait avec geostory" in page
    assert '<html lang="en">' in standalone_html(story) and "Published 14 Sep 2023" in standalone_html(story)
