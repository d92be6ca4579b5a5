"""The corpus view with every devset article (and the seed) saved in a library: all their places, counts per
place, filters by country, date, person and story, and a click listing every story, event and quote of a place.

Expected counts are computed here from the saved stories and the devset's own metadata, independently of
geostory.corpus. Needs ../shared (skipped with a reason when absent, mandatory in CI).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geostory.corpus import (
    Filters,
    appearances,
    corpus_places,
    date_span,
    select_stories,
)
from geostory.library import SEED_ID, Library

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 90

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def corpus_library(shared, gazetteer, tmp_path_factory) -> tuple[Library, dict[str, dict]]:
    """A library holding the seed and the ten devset articles (ids ``dev-01``...), and their metadata by id."""
    from geostory.extract.pipeline import extract_story
    from geostory.model import Article

    library = Library(tmp_path_factory.mktemp("corpus") / "stories.sqlite")
    library.sync_seed(ROOT / "data" / "seed.story.json")
    metas = {}
    for txt in sorted((shared / "devset").glob("*.txt")):
        meta = json.loads(txt.with_suffix(".meta.json").read_text(encoding="utf-8"))
        story_id = "dev-" + txt.name[:2]
        article = Article(txt.read_text(encoding="utf-8"), meta["lang"], meta["date"], meta["title"], meta["source"])
        library.save(extract_story(article, gazetteer=gazetteer), story_id)
        metas[story_id] = meta
    return library, metas


def key_of(place) -> str:
    """A place's identity across stories (the corpus's own definition: gazetteer entry, else folded name and position)."""
    from geostory.corpus import place_key

    return place_key(place)


def expected_keys(stories, country: str | None = None) -> set[str]:
    return {key_of(p) for _, s in stories for p in s.places if p.resolved and (country is None or p.country == country)}


def test_all_places_of_all_articles(corpus_library):
    library, metas = corpus_library
    stories = library.stories()
    assert len(stories) == 11 and {sid for sid, _ in stories} == {SEED_ID, *metas}
    places = corpus_places(stories)
    assert {p.key for p in places} == expected_keys(stories)
    assert sum(p.mentions for p in places) == sum(len(p.mentions) for _, s in stories for p in s.places if p.resolved)
    refs = sorted(r for p in places for r in p.refs)
    assert refs == sorted((sid, p.id) for sid, s in stories for p in s.places if p.resolved)
    for p in places:  # counts per place: stories that mention it
        assert len(p.stories) == len({sid for sid, _ in p.refs})
    assert [len(p.stories) for p in places] == sorted((len(p.stories) for p in places), reverse=True)
    france = next(p for p in places if p.key == key_of(next(q for _, s in stories for q in s.places if q.country == "FR"
                                                             and q.kind == "country")))
    assert len(france.stories) >= 4  # several French articles name France


def test_filter_by_country(corpus_library):
    stories = corpus_library[0].stories()
    for country in ("FR", "US", "LY"):
        places = corpus_places(stories, Filters(countries=(country,)))
        assert {p.key for p in places} == expected_keys(stories, country) and places
        assert all(p.country == country for p in places)


def test_filter_by_date_uses_publication_dates(corpus_library):
    library, metas = corpus_library
    stories = library.stories()
    assert date_span(stories) == (dt.date(2013, 8, 23), dt.date(2024, 8, 1))
    start, end = dt.date(2020, 1, 1), dt.date(2023, 12, 31)
    kept = {sid for sid, _ in select_stories(stories, Filters(start=start, end=end))}
    expected = {sid for sid, m in metas.items() if "2020" <= m["date"][:4] <= "2023"} | {SEED_ID}  # seed: 2023-09-14
    assert kept == expected and len(kept) == 5
    places = corpus_places(stories, Filters(start=start, end=end))
    assert {p.key for p in places} == expected_keys([(sid, s) for sid, s in stories if sid in expected])


def test_filter_by_person_and_story(corpus_library):
    stories = corpus_library[0].stories()
    seed = dict(stories)[SEED_ID]
    putin = next(p.name for p in seed.people if "Poutine" in p.name)
    kept = select_stories(stories, Filters(people=(putin,)))
    assert SEED_ID in {sid for sid, _ in kept}
    assert all(any(putin in (p.name, *p.aliases) for p in s.people) for _, s in kept)
    only = corpus_places(stories, Filters(stories=("dev-01",)))
    assert {p.key for p in only} == expected_keys([s for s in stories if s[0] == "dev-01"])


def test_a_place_lists_every_story_event_and_quote(corpus_library):
    stories = corpus_library[0].stories()
    shared_place = next(p for p in corpus_places(stories) if len(p.stories) >= 2)
    found = appearances(stories, shared_place)
    assert [a.story_id for a in found] == [sid for sid, _ in shared_place.refs]
    for a in found:
        assert a.events == tuple(a.story.events_at(a.place.id))
        assert all(a.place.id in q.places or q.event in {e.id for e in a.events} for q in a.quotes)


# -- the component -----------------------------------------------------------------------------------------


def _corpus_app() -> None:
    from components.corpus import render_corpus
    from components.stories import get_library

    render_corpus(get_library())


def summary(at: AppTest) -> tuple[int, int, int]:
    line = next(m.value for m in at.markdown if "places** from" in m.value)
    n, kept, total = map(int, re.match(r"\*\*(\d+) places\*\* from \*\*(\d+) of (\d+) stories", line).groups())
    return n, kept, total


def test_corpus_view_component(corpus_library, monkeypatch):
    library, _ = corpus_library
    monkeypatch.setenv("GEOSTORY_LIBRARY", str(library.path))
    monkeypatch.setenv("GEOSTORY_UI_LANG", "en")  # the English interface (French is checked in tests/test_i18n.py)
    stories = library.stories()
    at = AppTest.from_function(_corpus_app, default_timeout=TIMEOUT).run()
    assert not at.exception and not at.error
    assert summary(at) == (len(expected_keys(stories)), 11, 11)
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    assert f'"count":{len(expected_keys(stories))},' in args["feature_group"]

    at.multiselect(key="gs_corpus_countries").set_value(["FR"]).run()
    assert summary(at) == (len(expected_keys(stories, "FR")), 11, 11)
    (component,) = at.get("component_instance")
    filtered = json.loads(component.proto.json_args)
    assert f'"count":{len(expected_keys(stories, "FR"))},' in filtered["feature_group"]
    assert filtered["script"] == args["script"]  # the same base map: the browser keeps it (no reload)
    assert not at.dataframe  # the table of counts waits to be asked for
    at.toggle(key="gs_corpus_counts").set_value(True).run()
    assert all(row == "FR" for row in at.dataframe[0].value["Country"])
    assert len(at.dataframe[0].value) == len(expected_keys(stories, "FR"))

    at.multiselect(key="gs_corpus_countries").set_value([]).run()
    at.slider(key="gs_corpus_dates").set_value((dt.date(2020, 1, 1), dt.date(2023, 12, 31))).run()
    assert summary(at)[1:] == (5, 11)

    # a click on a place (what streamlit-folium sends back) lists its stories
    at.slider(key="gs_corpus_dates").set_value(date_span(stories)).run()
    place = next(p for p in corpus_places(stories) if len(p.stories) >= 2)
    at.session_state["gs_corpus_map"] = {"last_object_clicked_tooltip": f"{place.name} [[place:{place.key}]]",
                                         "last_object_clicked_count": 1}
    at.run()
    assert at.subheader[0].value == place.name
    assert any(re.match(rf"{len(place.refs)} stories · {place.mentions} mention", c.value) for c in at.caption)
    panel = "\n".join(m.value for m in at.markdown)
    for story_id, _ in place.refs:
        assert dict(stories)[story_id].article.title.split(" ")[0] in panel
    opened = at.button(key="corpus_panel_open_0").click().run()
    assert str(opened.query_params["story"]).strip("[]'") == place.refs[0][0]


def test_place_panel_lists_twenty_stories_then_more(tmp_path, monkeypatch):
    """A place found in many stories lists 20 of them, and 20 more at each "show more" (no ../shared needed)."""
    from dataclasses import replace

    from geostory.export import story_from_json

    sample = story_from_json((ROOT / "tests" / "data" / "sample.story.json").read_text(encoding="utf-8"))
    library = Library(tmp_path / "stories.sqlite")
    library.save_many([(f"copy-{i:02d}", replace(sample, article=replace(sample.article, title=f"Copy {i:02d}")))
                       for i in range(45)])
    monkeypatch.setenv("GEOSTORY_LIBRARY", str(library.path))
    monkeypatch.setenv("GEOSTORY_UI_LANG", "en")
    at = AppTest.from_function(_corpus_app, default_timeout=TIMEOUT).run()
    place = next(p for p in corpus_places(library.stories()) if p.name == "Vladivostok")
    assert len(place.stories) == 45
    at.session_state["gs_corpus_map"] = {"last_object_clicked_tooltip": f"{place.name} [[place:{place.key}]]",
                                         "last_object_clicked_count": 1}
    at.run()

    def opened() -> int:
        return sum(1 for b in at.button if b.key.startswith("corpus_panel_open_"))

    assert not at.exception and at.subheader[0].value == "Vladivostok" and opened() == 20
    assert any(c.value == "Showing 20 of 45 stories" for c in at.caption)
    at.button(key="corpus_panel_more").click().run()
    assert opened() == 40 and at.button(key="corpus_panel_more").label == "Show 5 more stories"
    at.button(key="corpus_panel_more").click().run()
    assert opened() == 45 and not any(b.key == "corpus_panel_more" for b in at.button)
