"""The dashboard's own-article features in-process (AppTest): review and correct, the library sidebar, a link
imported from a local server, Story JSON import, progress per stage, exports and the shareable link."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import state
from geostory.export import story_from_json, story_to_json
from geostory.library import Library

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = str(ROOT / "dashboard.py")
SAMPLE = ROOT / "tests" / "data" / "sample.story.json"
TIMEOUT = 90


@pytest.fixture(autouse=True)
def library(monkeypatch, tmp_path) -> Library:
    """An empty library of its own for each test, the sample story folder, no legacy folder, English."""
    from components import stories

    path = tmp_path / "library" / "stories.sqlite"
    monkeypatch.setenv("GEOSTORY_LIBRARY", str(path))
    monkeypatch.setenv("GEOSTORY_STORY_DIR", str(SAMPLE.parent))
    monkeypatch.setenv("GEOSTORY_UI_LANG", "en")  # the English interface; French is checked in tests/test_i18n.py
    monkeypatch.setattr(stories, "legacy_dir", lambda: tmp_path / "legacy")
    return Library(path)


def app(story: str = "sample", place: str | None = None) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.query_params["story"] = story
    if place:
        at.query_params["place"] = place
    return at.run()


def param(at: AppTest, name: str) -> str | None:
    value = at.query_params.get(name)
    return None if value is None else str(value).strip("[]'")


def test_accept_then_reload_keeps_the_correction(library):
    at = app(place="vladivostok")
    at.button(key="gs_review_accept").click().run()
    assert not at.exception and not at.error
    assert library.get("sample").place("vladivostok").override == "accept"
    fresh = app(place="vladivostok")  # a new session: the library has it
    panel = "\n".join(m.value for m in fresh.markdown)
    assert "Checked by a reader" in panel
    assert "gs-ov-accept" in _map_layer(fresh)


def _map_layer(at: AppTest) -> str:
    import json

    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)["feature_group"]


def test_move_a_place_to_a_gazetteer_search_result(library):
    at = app(place="moscow")
    box = at.text_input(key="gs_review_search_moscow")
    assert box.value == "Moscou"  # the article's words
    box.input("Moscow").run()
    found = at.selectbox(key="gs_review_found")
    assert len(found.options) >= 2
    choice = next(o for o in found.options if "(city, US)" in o)  # Moscow, Idaho
    found.select(next(c for c in _candidates(at) if f"{c.name} ({c.kind}, {c.country})" in choice)).run()
    at.button(key="gs_review_found_go").click().run()
    assert not at.exception and not at.error
    moved = library.get("sample").place("moscow")
    assert moved.country == "US" and moved.override == "choose" and moved.lon < -100
    assert "Corrected by a reader" in "\n".join(m.value for m in at.markdown)
    assert len(library.get("sample").overrides) == 1


def _candidates(at: AppTest):
    from geostory.gazetteer.index import get_gazetteer
    from geostory.review import search_gazetteer

    return search_gazetteer(get_gazetteer(), at.text_input(key="gs_review_search_moscow").value)


def test_drop_a_place_and_undo(library):
    at = app(place="japan")
    at.button(key="gs_review_drop").click().run()
    assert not at.exception and not at.error
    assert library.get("sample").place("japan") is None and param(at, "place") is None
    assert "[[place:japan]]" not in _map_layer(at)
    undo = at.button(key="gs_review_undo_0")
    undo.click().run()
    assert not at.exception
    assert library.get("sample").overrides == ()


def test_add_a_missed_place(library):
    """Words of the article that name no place yet ("l’espace", here a stand-in) become a place at a gazetteer entry."""
    from geostory.gazetteer.index import get_gazetteer
    from geostory.review import search_gazetteer

    at = app()
    at.text_input(key="gs_add_words").input("Nowhere to be found").run()
    assert any("does not occur" in c.value for c in at.caption)
    at.text_input(key="gs_add_words").input("combinaison spatiale").run()
    assert any(c.value == "1 occurrence in the article." for c in at.caption)
    at.text_input(key="gs_add_search").input("Paris").run()
    paris = search_gazetteer(get_gazetteer(), "Paris")[0]
    at.selectbox(key="gs_add_found").select(paris).run()
    at.button(key="gs_add_words_go").click().run()
    assert not at.exception and not at.error
    added = library.get("sample").places[-1]
    assert (added.override, added.name, param(at, "place")) == ("add", paris.name, added.id)
    assert [(m.text) for m in added.mentions] == ["combinaison spatiale"]


def test_library_sidebar_search_rename_delete(library):
    story = story_from_json(SAMPLE.read_text(encoding="utf-8"))
    library.save(story, "mine")
    at = app("mine")
    at.sidebar.text_input(key="gs_lib_rename_mine").input("Renamed story").run()
    at.sidebar.button(key="gs_lib_rename_go").click().run()
    assert library.get("mine").article.title == "Renamed story" and at.title[0].value == "Renamed story"
    at.sidebar.text_input(key="gs_lib_search").input("renamed").run()
    assert at.sidebar.selectbox(key=state.STORY_PICKER_KEY).options == ["Renamed story · Sep 14, 2023"]
    at.sidebar.checkbox(key="gs_lib_confirm").check().run()
    at.sidebar.button(key="gs_lib_delete").click().run()
    assert "mine" not in library and param(at, "story") == "seed"


class _Pages(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        body = ("<html><head><title>Visite à Nantes</title><meta name='author' content='A. Martin'>"
                "<meta property='article:published_time' content='2024-06-03'></head><body><article>"
                "<p>Le ministre est arrivé lundi à Nantes, puis il a rejoint Rennes dans la soirée.</p>"
                "<p>Il sera à Brest mardi pour inaugurer le port.</p></article></body></html>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def page_server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/article"
    srv.shutdown()
    srv.server_close()


def test_import_a_link(page_server, monkeypatch, library):
    at = app()
    at.sidebar.radio(key="gs_analyse_source").set_value("Link").run()
    link = next(t for t in at.sidebar.text_input if t.label == "Link to the article")
    link.input(page_server)
    at.sidebar.button(key="gs_analyse_go").click().run()
    assert at.error and "loopback address" in at.error[0].value  # a local address is refused...
    monkeypatch.setenv("GEOSTORY_URL_ALLOW", "127.0.0.1/32")  # ...unless explicitly allowed (tests only)
    at.sidebar.button(key="gs_analyse_go").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    saved = library.get(param(at, "story"))
    assert saved.article.title == "Visite à Nantes" and saved.article.published == "2024-06-03"
    assert saved.article.source == page_server and {"Nantes", "Rennes", "Brest"} <= {p.name for p in saved.places}


def _progress_app(text: str) -> None:
    import streamlit as st

    from components.analyse import extract_with_progress
    from geostory.ingest import from_text

    story = extract_with_progress(from_text(text).article(published="2024-01-01"))
    st.write(f"places: {len(story.places)}")


def test_progress_per_stage():
    at = AppTest.from_function(_progress_app, args=("Il est arrivé à Lille, puis à Lens.",), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert at.status[0].label.startswith("Mapped: 2 places")
    (bar,) = at.get("progress")
    assert (bar.value, bar.text) == (100, "Done")


def test_import_a_story_json(library):
    import dataclasses

    from components.analyse import import_story_json
    from geostory.errors import StoryFormatError

    at = app()
    assert at.sidebar.get("file_uploader")  # offered in the sidebar (AppTest cannot upload: the helper is tested)
    story = story_from_json(SAMPLE.read_text(encoding="utf-8"))
    story = dataclasses.replace(story, article=dataclasses.replace(story.article, title="Imported one"))
    name = import_story_json(story_to_json(story).encode("utf-8-sig"), library)
    assert library.get(name) == story and [e.id for e in library.list("imported")] == [name]
    with pytest.raises(StoryFormatError):
        import_story_json(b'{"schema": 1}', library)


def test_exports_and_share_link():
    at = app(place="kremlin")
    code = next(c.value for c in at.code)
    assert code.endswith("?story=sample&place=kremlin&lang=en")
    labels = [b.label for b in at.get("download_button")]
    assert sorted(labels) == sorted(["Story JSON", "GeoJSON", "CSV: places", "CSV: events", "CSV: quotes", "HTML map (offline)"])


def test_export_files_component():
    import json as _json

    from components.exports import export_files
    from geostory.export import validate_geojson

    story = story_from_json(SAMPLE.read_text(encoding="utf-8"))
    files = {label: (name, mime, data) for label, name, mime, data in export_files(story, "sample")}
    assert story_from_json(files["Story JSON"][2]) == story
    assert validate_geojson(_json.loads(files["GeoJSON"][2])) == []
    assert files["GeoJSON"][0].endswith(".geojson") and files["GeoJSON"][1] == "application/geo+json"
    html_data = files["HTML map (offline)"][2]
    assert callable(html_data)  # built only when clicked


def test_corpus_page_from_the_sidebar(library):
    library.save(story_from_json(SAMPLE.read_text(encoding="utf-8")), "one")
    at = app("one")
    at.sidebar.radio(key=state.PAGE_KEY).set_value("corpus").run()
    assert param(at, "view") == "corpus" and at.title[0].value == "All stories on one map"
    assert any("places** from **1 of 1 stories" in m.value for m in at.markdown)
    assert story_to_json(library.get("one"))


def test_mapping_again_keeps_the_corrections(library):
    """The sample story re-extracted from its text: the reader's drop is applied again to the fresh places."""
    at = app(place="japan")
    at.button(key="gs_review_drop").click().run()
    at.button(key="gs_review_rerun").click().run()
    assert not at.exception and not at.error
    again = library.get("sample")
    assert [o.action for o in again.overrides] == ["drop"]
    assert "Japon" not in [m.text for p in again.places for m in p.mentions]  # dropped again after re-extraction
    assert again.places and all(p.provider for p in again.places)  # a fresh extraction, not the hand-made sample


def test_hostile_place_names_stay_text_in_the_review_tools(library):
    import dataclasses

    story = story_from_json(SAMPLE.read_text(encoding="utf-8"))
    evil = "[x](javascript:alert(1)) <img src=x onerror=alert(2)>"
    places = tuple(dataclasses.replace(p, name=evil) if p.id == "moscow" else p for p in story.places)
    library.save(dataclasses.replace(story, places=places), "evil")
    at = app("evil", place="moscow")
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert any(r"\[x\]\(javascript\:alert\(1\)\)" in label for label in labels)
    assert all("<img" not in m.value for m in at.markdown if m.proto.allow_html)  # escaped where HTML is allowed
    assert not any("](javascript" in m.value for m in at.markdown if not m.proto.allow_html)  # no markdown link from a name


def test_corpus_page_includes_the_seed_without_opening_it(monkeypatch, library):
    monkeypatch.delenv("GEOSTORY_STORY_DIR")  # data/: the seed file
    library.save(story_from_json(SAMPLE.read_text(encoding="utf-8")), "one")
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.query_params["view"] = "corpus"
    at.run()
    assert not at.exception and not at.error
    assert any("of 2 stories" in m.value for m in at.markdown) and "seed" in library


def test_review_search_asks_the_configured_online_provider(library, monkeypatch):
    """With a provider set in the environment (or st.secrets), the review search lists its answer after the
    gazetteer's; the provider is faked: no network."""
    from geostory import review
    from geostory.model import Candidate

    asked = []

    def fake_search_online(words, config, gazetteer=None):
        asked.append((words, config.provider))
        return [Candidate("photon:x", "Moscow Oblast", "region", "RU", 55.5, 37.5, 0.9, "found by photon")], ()

    monkeypatch.setenv("GEOSTORY_GEOCODER", "photon")
    monkeypatch.setattr(review, "search_online", fake_search_online)
    at = app(place="moscow")
    at.text_input(key="gs_review_search_moscow").input("Moscow Oblast").run()
    assert not at.exception and not at.error
    assert ("Moscow Oblast", "photon") in asked
    assert any(o.startswith("Moscow Oblast (") and "RU" in o for o in at.selectbox(key="gs_review_found").options)


def test_review_search_says_why_a_wrong_provider_setting_is_ignored(library, monkeypatch):
    monkeypatch.setenv("GEOSTORY_GEOCODER", "no-such-provider")
    at = app(place="moscow")
    assert not at.exception and not at.error
    assert any("unknown geocoder" in c.value and "such" in c.value for c in at.caption)
    assert at.selectbox(key="gs_review_found").options  # the gazetteer still answers
