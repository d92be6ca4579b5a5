"""The Streamlit dashboard in-process (streamlit.testing AppTest): the page and each component.

st_folium is an unknown element under AppTest and returns its defaults, so a map click is simulated the
way streamlit-folium delivers it: its value lands in ``st.session_state[state.MAP_KEY]``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import state
from components.html import article_html, place_quotes, sentence_bounds
from components.places import PANEL_KEY
from geostory.export import story_from_json, story_to_json
from geostory.maps import tooltip_html
from geostory.model import Article, Event, Mention, Place, Quote, Story

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = str(ROOT / "dashboard.py")
SAMPLE = ROOT / "tests" / "data" / "sample.story.json"
SEED = ROOT / "data" / "seed.story.json"
TIMEOUT = 60


def load(path: Path) -> Story:
    return story_from_json(path.read_text(encoding="utf-8"))


def seed_places() -> list[str]:
    return [p.id for p in load(SEED).places] if SEED.exists() else []


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """These tests read the English interface; the French default is checked in tests/test_i18n.py."""
    monkeypatch.setenv("GEOSTORY_UI_LANG", "en")


@pytest.fixture(autouse=True)
def library(monkeypatch, tmp_path):
    """Every test gets its own empty story library (never the user's), and no legacy story folder."""
    from components import stories
    from geostory.library import Library

    path = tmp_path / "library" / "stories.sqlite"
    monkeypatch.setenv("GEOSTORY_LIBRARY", str(path))
    monkeypatch.setattr(stories, "legacy_dir", lambda: tmp_path / "legacy")
    return Library(path)


@pytest.fixture
def sample_app(monkeypatch) -> AppTest:
    """The dashboard on the hand-made sample story (tests/data)."""
    monkeypatch.setenv("GEOSTORY_STORY_DIR", str(SAMPLE.parent))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.query_params["story"] = "sample"
    return at


def click(at: AppTest, place: Place, count: int) -> None:
    """What streamlit-folium puts in session state when a marker is clicked: its tooltip's text content."""
    text = html.unescape(re.sub(r"<[^>]+>", "", tooltip_html(place)))
    at.session_state[state.MAP_KEY] = {"last_object_clicked_tooltip": f"  {text} ", "last_object_clicked_count": count}


def texts(at: AppTest) -> str:
    """Everything the page wrote as markdown, captions and headings, as one string."""
    parts = [e.value for e in (*at.markdown, *at.caption, *at.subheader, *at.title)]
    return "\n".join(str(p) for p in parts)


def panel_heading(at: AppTest) -> str | None:
    return at.subheader[0].value if len(at.subheader) else None


# -- the page -----------------------------------------------------------------------------------------


def test_page_opens_on_the_story(sample_app):
    at = sample_app.run()
    story = load(SAMPLE)
    assert not at.exception and not at.error
    assert at.title[0].value == story.article.title
    page = texts(at)
    assert "Published Sep 14, 2023" in page and "Russia, North Korea" in page
    assert "16 of 16 places on the map" in page
    assert at.selectbox(key=state.PICKER_KEY).value is None
    assert panel_heading(at) == "Places of the story"
    assert at.slider(key=state.DATES_KEY).value == (dt.date(2023, 9, 13), dt.date(2023, 9, 14))


def map_args(at: AppTest) -> dict:
    """The arguments the page sent to the st_folium component."""
    (component,) = at.get("component_instance")
    assert component.proto.component_name.endswith("st_folium")
    return json.loads(component.proto.json_args)


def test_map_is_offline_and_does_not_rerun_on_pan_or_zoom(sample_app):
    args = map_args(sample_app.run())
    assert args["js_links"] and args["css_links"]
    for link in args["js_links"] + args["css_links"]:
        assert link.startswith("../../app/static/") and (ROOT / "static" / link.removeprefix("../../app/static/")).is_file()
    assert "L.Icon.Default.imagePath" in args["script"]
    assert set(args["returned_objects"]) == {"last_object_clicked_tooltip", "last_object_clicked_count"}
    assert "L.markerClusterGroup(" in args["feature_group"] and "[[place:vladivostok]]" in args["feature_group"]
    assert args["center"] is None and args["zoom"] is None  # fitted to the story


def test_selection_changes_layers_not_the_base_map(sample_app):
    """streamlit-folium remounts the iframe when the base script changes; a selection must not."""
    at = sample_app.run()
    before = map_args(at)
    at.selectbox(key=state.PICKER_KEY).select("kremlin").run()
    after = map_args(at)
    assert after["script"] == before["script"]
    assert after["feature_group"] != before["feature_group"] and "gs-selected" in after["feature_group"]
    assert after["center"] == [55.752, 37.6175] and after["zoom"] == 9


def test_default_story_is_the_seed(monkeypatch):
    if not SEED.exists():
        pytest.skip("data/seed.story.json not generated yet")
    monkeypatch.delenv("GEOSTORY_STORY_DIR", raising=False)
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run()
    assert not at.exception and not at.error
    seed = load(SEED)
    assert at.title[0].value == seed.article.title
    assert f"{sum(p.resolved for p in seed.places)} of {len(seed.places)} places on the map" in texts(at)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "not found"),
        ("{not json", "cannot be read"),
        ('{"schema": 999, "article": {"text": "x"}}', "cannot be read"),
        (b"\xff\xfe\x00garbage", "cannot be read"),
    ],
)
def test_missing_or_invalid_story_is_a_clear_error(monkeypatch, tmp_path, content, expected):
    monkeypatch.setenv("GEOSTORY_STORY_DIR", str(tmp_path))
    if content is not None:
        path = tmp_path / "seed.story.json"
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert len(at.error) == 1 and expected in at.error[0].value
    if content is None:
        assert "geostory extract" in at.error[0].value  # says how to fix it


def test_story_name_cannot_escape_the_story_folder(sample_app):
    sample_app.query_params["story"] = "../../etc/passwd"
    at = sample_app.run()
    assert not at.exception and "not found" in at.error[0].value


def test_url_place_reopens_the_same_view(sample_app):
    sample_app.query_params["place"] = "vladivostok"
    at = sample_app.run()
    assert panel_heading(at) == "Vladivostok"
    assert at.session_state[state.VIEW_KEY] == ((43.1056, 131.8735), 7)
    assert at.selectbox(key=state.PICKER_KEY).value == "vladivostok"
    assert at.query_params["place"] == ["vladivostok"] or at.query_params["place"] == "vladivostok"


def test_unknown_url_place_is_ignored(sample_app):
    sample_app.query_params["place"] = "atlantis"
    at = sample_app.run()
    assert not at.exception and panel_heading(at) == "Places of the story"
    assert "place" not in at.query_params


def test_map_click_selects_and_goes_into_the_url(sample_app):
    at = sample_app.run()
    story = load(SAMPLE)
    click(at, story.place("vladivostok"), 1)
    at.run()
    assert panel_heading(at) == "Vladivostok"
    assert at.session_state[state.SELECTED_KEY] == "vladivostok"
    assert "vladivostok" in str(at.query_params["place"])
    assert at.session_state[state.VIEW_KEY] is None  # a click does not move the map


def test_search_box_selects_and_recentres(sample_app):
    at = sample_app.run()
    at.selectbox(key=state.PICKER_KEY).select("kremlin").run()
    assert panel_heading(at) == "Moscow Kremlin"
    assert at.session_state[state.VIEW_KEY] == ((55.752, 37.6175), 9)
    assert "kremlin" in str(at.query_params["place"])


def test_an_old_click_does_not_override_a_newer_list_choice(sample_app):
    at = sample_app.run()
    story = load(SAMPLE)
    click(at, story.place("vladivostok"), 1)
    at.run()
    at.selectbox(key=state.PICKER_KEY).select("moscow").run()
    assert panel_heading(at) == "Moscow"  # the map value still says Vladivostok, count 1: already handled
    click(at, story.place("vladivostok"), 2)  # clicking the same marker again does count
    at.run()
    assert panel_heading(at) == "Vladivostok"


def test_clear_selection(sample_app):
    sample_app.query_params["place"] = "moscow"
    at = sample_app.run()
    at.button(key=f"{PANEL_KEY}_clear").click().run()
    assert panel_heading(at) == "Places of the story"
    assert "place" not in at.query_params
    assert at.selectbox(key=state.PICKER_KEY).value is None


def test_date_range_filters_the_map(sample_app):
    at = sample_app.run()
    assert "Showing" not in texts(at)
    at.slider(key=state.DATES_KEY).set_value((dt.date(2023, 9, 14), dt.date(2023, 9, 14))).run()
    assert not at.exception
    assert re.search(r"Showing \d+ of 16 places", texts(at))


def test_map_shows_the_places_of_the_range_chosen(sample_app):
    """The markers sent to the map are those of the slider's range, as many as the caption says."""
    at = sample_app.run()
    every = set(re.findall(r'data-place=\\"([^\\"]+)\\"', map_args(at)["feature_group"]))
    at.slider(key=state.DATES_KEY).set_value((dt.date(2023, 9, 14), dt.date(2023, 9, 14))).run()
    kept = set(re.findall(r'data-place=\\"([^\\"]+)\\"', map_args(at)["feature_group"]))
    assert kept and kept < every
    shown = re.search(r"Showing (\d+) of 16 places", texts(at))
    assert shown and int(shown.group(1)) == len(kept)


def test_map_words_follow_the_interface_language(sample_app):
    at = sample_app.run()
    args = map_args(at)
    assert "Full screen" in args["script"] and "Plein" not in args["script"] and " event" in args["feature_group"]
    at.query_params["lang"] = "fr"
    at.session_state["gs_lang"] = "fr"
    args = map_args(at.run())
    assert "Full screen" not in args["script"]
    assert "Plein \\u00e9cran" in args["script"] and "Lieux" in args["script"]
    assert "\\u00e9v\\u00e9nement" in args["feature_group"] and " event" not in args["feature_group"]  # popups


def test_story_switch_from_the_sidebar(monkeypatch, tmp_path):
    sample = load(SAMPLE)
    for name in ("seed", "other"):
        (tmp_path / f"{name}.story.json").write_text(story_to_json(sample), encoding="utf-8")
    monkeypatch.setenv("GEOSTORY_STORY_DIR", str(tmp_path))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.query_params["place"] = "moscow"
    at.run()
    assert panel_heading(at) == "Moscow"
    at.sidebar.selectbox(key=state.STORY_PICKER_KEY).select("other").run()
    assert str(at.query_params["story"]).strip("[]'") == "other"
    assert "place" not in at.query_params


# -- click -> the right place, for every place of the seed story ----------------------------------------


@pytest.mark.parametrize("place_id", seed_places() or ["(seed story missing)"])
def test_seed_marker_click_shows_that_place(monkeypatch, place_id):
    if not SEED.exists():
        pytest.skip("data/seed.story.json not generated yet")
    monkeypatch.delenv("GEOSTORY_STORY_DIR", raising=False)
    seed = load(SEED)
    place = seed.place(place_id)
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run()
    click(at, place, 1)
    at.run()
    assert not at.exception
    assert at.session_state[state.SELECTED_KEY] == place_id
    assert panel_heading(at) == place.name
    page = texts(at)
    assert f"**Events** ({len(seed.events_at(place_id))})" in page
    quotes = place_quotes(seed, place_id)
    assert f"**Quotes** ({len(quotes)})" in page
    others = [q for q in seed.quotes if q not in quotes]
    panel = "\n".join(m.value for m in at.markdown if 'class="gs-item gs-quote-item"' in m.value)
    for quote in others:
        assert html.escape(quote.text.strip().strip("«»\"“”").strip()) not in panel, f"{quote.id} shown at {place_id}"


def test_seed_vladivostok_panel(monkeypatch):
    """The acceptance case of the browser test, in-process: Vladivostok, its demonstration, no stray quote."""
    if not SEED.exists():
        pytest.skip("data/seed.story.json not generated yet")
    monkeypatch.delenv("GEOSTORY_STORY_DIR", raising=False)
    seed = load(SEED)
    place = next(p for p in seed.places if p.name == "Vladivostok")
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run()
    click(at, place, 1)
    at.run()
    events = "\n".join(m.value for m in at.markdown if 'class="gs-item gs-event"' in m.value)
    assert re.search(r"d[ée]monstration", events) and "Pacifi" in events
    quotes = "\n".join(m.value for m in at.markdown if 'class="gs-item gs-quote-item"' in m.value)
    for stray in ("gant provenant", "avec plaisir", "grande victoire", "Ils ont souligné"):
        assert stray not in quotes


# -- components on their own ----------------------------------------------------------------------------


def _panel_app(path: str, place_id: str | None) -> None:
    from pathlib import Path as _Path

    from components.places import render_place_panel
    from geostory.export import story_from_json as _load

    render_place_panel(_load(_Path(path).read_text(encoding="utf-8")), place_id)


def test_place_panel_component():
    at = AppTest.from_function(_panel_app, args=(str(SAMPLE), "vostochny"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.subheader[0].value == "Vostochny Cosmodrome"
    page = texts(at)
    # events by date, with status and actors
    events = next(m.value for m in at.markdown if 'class="gs-item gs-event"' in m.value)
    assert events.count('class="gs-item gs-event"') == 4
    assert events.index("exchanged rifles") < events.index("met Putin") < events.index("praised")  # same day: text order
    assert "Actors: Kim Jong Un, Vladimir Poutine" in events and "happened" in events
    quotes = next(m.value for m in at.markdown if 'class="gs-item gs-quote-item"' in m.value)
    assert "Kim Jong Un</span>: « grande victoire »" in quotes and 'href="#gs-q-q7"' in quotes
    # its own quotes and those of its events (Peskov on the gifts exchanged there), nothing else
    assert quotes.count('class="gs-item gs-quote-item"') == 5
    assert "gant provenant" in quotes and "avec plaisir" not in quotes and "Ils ont souligné" not in quotes
    assert "**Mentions in the article** (1)" in page


def test_place_panel_orders_events_by_date():
    at = AppTest.from_function(_panel_app, args=(str(SAMPLE), "kremlin"), default_timeout=TIMEOUT).run()
    events = next(m.value for m in at.markdown if 'class="gs-item gs-event"' in m.value)
    dates = re.findall(r"<b>(Sep \d+, 2023|undated)</b>", events)
    assert dates == ["Sep 13, 2023", "Sep 14, 2023"]
    quotes = next(m.value for m in at.markdown if 'class="gs-item gs-quote-item"' in m.value)
    assert quotes.count("Dmitri Peskov") == 3 and "Poutine</span>" not in quotes


def test_place_panel_overview_when_nothing_selected():
    at = AppTest.from_function(_panel_app, args=(str(SAMPLE), None), default_timeout=TIMEOUT).run()
    assert at.subheader[0].value == "Places of the story"
    overview = next(m.value for m in at.markdown if " mentions · " in m.value)
    assert overview.index("North Korea") < overview.index("Vladivostok")  # by number of mentions


def _picker_app(path: str) -> None:
    from pathlib import Path as _Path

    import streamlit as st

    from components import state as _state
    from components.places import render_place_picker
    from geostory.export import story_from_json as _load

    story = _load(_Path(path).read_text(encoding="utf-8"))
    render_place_picker(story)
    st.write("selected:", _state.selected_place(story))


def test_place_picker_component():
    at = AppTest.from_function(_picker_app, args=(str(SAMPLE),), default_timeout=TIMEOUT).run()
    box = at.selectbox(key=state.PICKER_KEY)
    assert len(box.options) == 16 and box.options == sorted(box.options, key=str.casefold)
    assert "Vladivostok (city, RU)" in box.options
    box.select("japan").run()
    assert at.session_state[state.SELECTED_KEY] == "japan"


def _article_app(path: str, selected: str | None) -> None:
    from pathlib import Path as _Path

    from components.article import render_article
    from geostory.export import story_from_json as _load

    render_article(_load(_Path(path).read_text(encoding="utf-8")), selected=selected)


def test_article_component_highlights_places_by_kind():
    at = AppTest.from_function(_article_app, args=(str(SAMPLE), "vladivostok"), default_timeout=TIMEOUT).run()
    body = next(m.value for m in at.markdown if "gs-article" in m.value and "<div" in m.value)
    assert body.count("<mark") == sum(len(p.mentions) for p in load(SAMPLE).places)
    assert 'class="gs-sel" style="background:rgba(220,38,38,0.3)" title="Vladivostok (city)">Vladivostok</mark>' in body
    assert 'title="Russia (country)">Russie</mark>' in body and 'id="gs-q-q6"' in body


def _timeline_app(path: str) -> None:
    from pathlib import Path as _Path

    import streamlit as st

    from components.timeline import render_timeline
    from geostory.export import story_from_json as _load

    st.write("range:", render_timeline(_load(_Path(path).read_text(encoding="utf-8"))))


def test_timeline_component():
    at = AppTest.from_function(_timeline_app, args=(str(SAMPLE),), default_timeout=TIMEOUT).run()
    body = next(m.value for m in at.markdown if "gs-tl" in m.value and "<div" in m.value)
    assert body.count('class="gs-tl-dot"') == 10
    assert re.findall(r'class="gs-tl-tick"[^>]*>([^<]+)<', body) == ["Sep 13, 2023", "Sep 14, 2023"]
    assert "3 undated" in texts(at)
    at.slider(key=state.DATES_KEY).set_value((dt.date(2023, 9, 13), dt.date(2023, 9, 13))).run()
    body = next(m.value for m in at.markdown if "gs-tl" in m.value and "<div" in m.value)
    assert body.count("gs-tl-ev gs-out") == 4  # the four 14 Sep events are faded


def _header_app(path: str) -> None:
    from pathlib import Path as _Path

    from components.header import render_header
    from geostory.export import story_from_json as _load

    render_header(_load(_Path(path).read_text(encoding="utf-8")))


def test_header_component_and_notes(tmp_path):
    story = load(SAMPLE)
    noted = tmp_path / "noted.story.json"
    from dataclasses import replace

    noted.write_text(story_to_json(replace(story, notes=("Geocoder offline: used the embedded gazetteer.",))), "utf-8")
    at = AppTest.from_function(_header_app, args=(str(noted),), default_timeout=TIMEOUT).run()
    assert at.title[0].value == story.article.title
    assert "Focus:** Russia, North Korea" in texts(at)
    assert at.info[0].value == "Geocoder offline: used the embedded gazetteer."


# -- escaping ---------------------------------------------------------------------------------------


EVIL = '<img src=x onerror="alert(1)">'


def evil_story() -> Story:
    text = f"À {EVIL} Paris, « {EVIL} » dit-il."
    p = text.index("Paris")
    q = text.index("«")
    return Story(
        article=Article(text=text, title=EVIL, source=EVIL),
        places=(Place(id="p1", name=EVIL, kind="city", country=EVIL, lat=1.0, lon=2.0,
                      mentions=(Mention(p, p + 5, "Paris"),)),),
        quotes=(Quote(id="q1", text=text[q:], start=q, end=len(text), speaker=EVIL, places=("p1",)),),
        events=(Event(id="e1", summary=EVIL, start=0, end=p, places=("p1",), actors=(EVIL,), date="2023-01-01",
                      date_precision="day"),),
    )


def test_panels_escape_everything_from_the_article(tmp_path):
    path = tmp_path / "evil.story.json"
    path.write_text(story_to_json(evil_story()), encoding="utf-8")
    for app, args in ((_panel_app, (str(path), "p1")), (_article_app, (str(path), "p1")), (_timeline_app, (str(path),))):
        at = AppTest.from_function(app, args=args, default_timeout=TIMEOUT).run()
        assert not at.exception
        for m in at.markdown:
            assert "<img" not in m.value, m.value


def test_article_html_nests_quotes_and_mentions():
    story = load(SAMPLE)
    body = article_html(story)
    assert body.count('<span class="gs-q"') == len(story.quotes)
    assert body.count("<span") == body.count("</span>")
    stripped = html.unescape(re.sub(r"<[^>]+>", "", body))
    assert stripped == story.article.text


def test_sentence_bounds_skip_initials():
    text = "Il a dit. M. Poutine est venu à Moscou hier. Puis il est parti."
    start = text.index("Moscou")
    lo, hi = sentence_bounds(text, start, start + 6)
    assert text[lo:hi] == "M. Poutine est venu à Moscou hier."


def test_stories_listed_only_by_safe_names(monkeypatch, tmp_path):
    from components.stories import story_names

    for name in ("a", "b-2", "c_3", ".hidden"):
        (tmp_path / f"{name}.story.json").write_text("{}", encoding="utf-8")
    (tmp_path / "notes.json").write_text(json.dumps({}), encoding="utf-8")
    monkeypatch.setenv("GEOSTORY_STORY_DIR", str(tmp_path))
    assert story_names() == ["a", "b-2", "c_3"]


# -- mapping a new article from the dashboard ---------------------------------------------------------


def test_paste_an_article_maps_it_and_gives_it_a_url(sample_app, library):
    at = sample_app.run()
    form_text = "Le président s'est rendu à Lyon mardi. Il a ensuite visité Marseille, où il a parlé aux pêcheurs."
    at.sidebar.text_area[0].input(form_text)
    at.sidebar.date_input[0].set_value(dt.date(2024, 3, 5))
    at.sidebar.button(key="gs_analyse_go").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    name = str(at.query_params["story"]).strip("[]'")
    assert name.startswith("u-") and name in library
    saved = library.get(name)
    assert saved.article.text == form_text and saved.article.published == "2024-03-05"
    assert {"Lyon", "Marseille"} <= {p.name for p in saved.places}
    at.run()  # the rerun opens the new story
    assert at.title[0].value == form_text[:90].rsplit(" ", 1)[0] + "…" and "place" not in at.query_params
    assert saved.article.lang == "fr"  # detected


def test_paste_nothing_is_a_clear_error(sample_app):
    at = sample_app.run()
    at.sidebar.button(key="gs_analyse_go").click().run()
    assert not at.exception and at.error[0].value == "Paste the article's text first."


def test_legacy_json_stories_move_into_the_library(monkeypatch, tmp_path):
    """Stories older dashboards kept as u-<hash>.story.json files open from the library by the same URL."""
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / "u-0123456789ab.story.json").write_text(story_to_json(load(SAMPLE)), encoding="utf-8")
    (legacy / "u-broken.story.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("GEOSTORY_STORY_DIR", str(SAMPLE.parent))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.query_params["story"] = "u-0123456789ab"
    at.run()
    assert not at.exception and not at.error
    assert at.title[0].value == load(SAMPLE).article.title


def test_story_without_places_or_dates_still_renders(monkeypatch, tmp_path):
    empty = Story(article=Article(text="Rien à signaler.", lang="fr"))
    (tmp_path / "seed.story.json").write_text(story_to_json(empty), encoding="utf-8")
    monkeypatch.setenv("GEOSTORY_STORY_DIR", str(tmp_path))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT).run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Untitled story"
    assert "0 of 0 places on the map" in texts(at) and "None of the 0 events has a date." in texts(at)
    assert map_args(at)["feature_group"]  # an empty markers layer, not a crash
