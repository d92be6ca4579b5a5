"""A reader's corrections: accept, move, drop, add; they survive a new extraction of the same text and show in
every export (Story JSON, GeoJSON, CSV, the map's markers)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from geostory.errors import InputError
from geostory.export import (
    story_from_json,
    story_to_csv,
    story_to_geojson,
    story_to_json,
    validate_geojson,
)
from geostory.maps import build_map
from geostory.maps.style import marker_html
from geostory.model import Article, Candidate, Story
from geostory.review import (
    add_missed_place,
    apply_overrides,
    describe,
    occurrences,
    override_place,
    search_gazetteer,
    search_online,
    undo_override,
)

TEXT = ("Le maire de Valence a reçu lundi le préfet de la Drôme. Il partira ensuite pour Lyon, puis pour Turin. "
        "À Valence, les commerçants ont manifesté devant la mairie.")


@pytest.fixture(scope="module")
def story() -> Story:
    from geostory.extract.pipeline import extract_story

    return extract_story(Article(TEXT, "fr", "2024-04-08", "Valence"))


def by_name(story: Story, name: str):
    return next(p for p in story.places if p.name == name)


def elsewhere(story: Story, place) -> Candidate:
    """A location for ``place`` other than the pipeline's: an alternative, else far away."""
    if place.alternatives:
        return place.alternatives[0]
    return Candidate("test:elsewhere", place.name, "city", "ZZ", -10.0, -50.0, 1.0, "test")


def test_choose_moves_a_place_and_survives_a_new_extraction(story):
    from geostory.extract.pipeline import extract_story

    lyon = by_name(story, "Lyon")
    target = elsewhere(story, lyon)
    corrected = override_place(story, lyon.id, "choose", target)
    moved = corrected.place(lyon.id)
    assert (moved.lat, moved.lon, moved.override, moved.provider) == (target.lat, target.lon, "choose", "reader")
    assert moved.mentions == lyon.mentions and len(corrected.overrides) == 1
    # re-running the pipeline on the same text and applying the stored overrides gives the same story
    again = apply_overrides(extract_story(story.article), corrected.overrides)
    assert story_to_json(again) == story_to_json(corrected)
    # and the Story JSON keeps them
    assert story_from_json(story_to_json(corrected)) == corrected


def test_drop_removes_the_place_and_its_links(story):
    valence = by_name(story, "Valence")
    dropped = override_place(story, valence.id, "drop")
    assert dropped.place(valence.id) is None
    for item in (*dropped.events, *dropped.quotes, *dropped.people):
        assert valence.id not in item.places
    assert all(s.place != valence.id for i in dropped.itineraries for s in i.stops)


def test_accept_marks_without_moving(story):
    lyon = by_name(story, "Lyon")
    accepted = override_place(story, lyon.id, "accept").place(lyon.id)
    assert (accepted.lat, accepted.lon, accepted.override) == (lyon.lat, lyon.lon, "accept")


def test_a_later_correction_of_the_same_place_replaces_the_earlier(story):
    lyon = by_name(story, "Lyon")
    twice = override_place(override_place(story, lyon.id, "accept"), lyon.id, "drop")
    assert [o.action for o in twice.overrides] == ["drop"] and twice.place(lyon.id) is None


def test_add_a_missed_place_from_the_words_of_the_article(story, gazetteer):
    words = "la mairie"
    assert occurrences(TEXT, words) and not any(p.name == "la mairie" for p in story.places)
    paris = search_gazetteer(gazetteer, "Paris")[0]
    added = add_missed_place(story, words, paris)
    new = added.places[-1]
    assert new.override == "add" and new.name == paris.name and new.id.startswith("r-")
    assert [TEXT[m.start:m.end] for m in new.mentions] == [words]
    with pytest.raises(InputError, match="does not occur"):
        add_missed_place(story, "Grenoble", paris)
    with pytest.raises(InputError, match="already the place"):
        add_missed_place(story, "Lyon", paris)


def test_undo_with_a_fresh_extraction_brings_a_dropped_place_back(story):
    valence = by_name(story, "Valence")
    dropped = override_place(override_place(story, valence.id, "drop"), by_name(story, "Lyon").id, "accept")
    undone = undo_override(dropped, 0, fresh=story)
    assert undone.place(valence.id) is not None and [o.action for o in undone.overrides] == ["accept"]


def test_overrides_on_other_words_do_nothing(story):
    lyon = by_name(story, "Lyon")
    corrected = override_place(story, lyon.id, "drop")
    other = Story(Article("Un tout autre texte, sans aucun lieu connu du tout ici.", "fr"))
    assert apply_overrides(other, corrected.overrides).places == ()


def test_gazetteer_search(gazetteer):
    found = search_gazetteer(gazetteer, "  Valence ")
    assert len(found) >= 2 and {c.country for c in found} >= {"FR", "ES"}
    assert search_gazetteer(gazetteer, "   ") == []


def test_corrections_show_in_exports_and_on_the_map(story):
    lyon = by_name(story, "Lyon")
    corrected = override_place(story, lyon.id, "choose", elsewhere(story, lyon))
    geo = story_to_geojson(corrected)
    assert validate_geojson(geo) == []
    feature = next(f for f in geo["features"] if f["id"] == lyon.id)
    assert feature["properties"]["override"] == "choose"
    assert all("override" not in f["properties"] for f in geo["features"] if f["id"] != lyon.id)
    rows = list(csv.DictReader(io.StringIO(story_to_csv(corrected, "places"))))
    assert next(r for r in rows if r["id"] == lyon.id)["override"] == "choose"
    assert "gs-ov-choose" in marker_html(corrected.place(lyon.id)) and "✎" in marker_html(corrected.place(lyon.id))
    page = build_map(corrected).get_root().render()
    assert "corrected by a reader" in page
    assert "corrected by a reader" in describe(corrected.overrides[0])
    assert json.loads(story_to_json(corrected))["overrides"][0]["action"] == "choose"


def test_online_search_turns_the_provider_answer_into_a_candidate(monkeypatch):
    """The provider is faked at the chain's entry point: what it answers becomes a candidate, what fails a note."""
    import dataclasses

    from geostory.geocode import chain

    def fake(places, config, gazetteer=None):
        (p,) = places
        assert config == "nominatim" and p.name == "Saint-Denis de la Réunion" and not p.resolved
        return (dataclasses.replace(p, name="Saint-Denis", kind="city", country="RE", lat=-20.88, lon=55.45,
                                    provider="nominatim", gazetteer_id=None, confidence=0.8),), ("answered online",)

    monkeypatch.setattr(chain, "geocode_places", fake)
    found, notes = search_online("  Saint-Denis de la Réunion ", "nominatim")
    assert notes == ("answered online",)
    assert [(c.name, c.country, c.lat, c.gazetteer_id) for c in found] == [
        ("Saint-Denis", "RE", -20.88, "nominatim:Saint-Denis de la Réunion")]
    monkeypatch.setattr(chain, "geocode_places", lambda places, config, gazetteer=None: (tuple(places), ("down",)))
    assert search_online("Nowhere", "nominatim") == ([], ("down",))
    assert search_online("Paris", None) == ([], ())
