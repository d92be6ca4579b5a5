"""Properties (hypothesis) of the whole extraction and of the exports.

- ``extract_story`` (French and English pipelines, the real gazetteer) never raises on arbitrary text: right-to-left
  scripts and bidi controls, emoji and ZWJ sequences, zero-width characters, combining marks, unbalanced and nested
  quote marks, place names, dates, any Unicode; only an empty text is refused, with an ``InputError``. Every offset
  points at its own text, links point at existing places, the Story JSON round-trips, the GeoJSON is RFC 7946.
- Any Story (built field by field, not extracted) round-trips through JSON and gives valid GeoJSON.

tests/test_narrative_props.py covers the narrative step alone; this covers the pipeline end to end.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geostory.errors import InputError
from geostory.export import story_from_json, story_to_geojson, story_to_json
from geostory.extract.pipeline import extract_story
from geostory.model import (
    DATE_PRECISIONS,
    EVENT_STATUSES,
    OVERRIDE_ACTIONS,
    PLACE_KINDS,
    Article,
    Candidate,
    Event,
    Itinerary,
    Mention,
    Override,
    Person,
    Place,
    Quote,
    Stop,
    Story,
)
from tests.story_checks import geojson_problems, story_problems

RTL = ["\u0628\u064a\u0631\u0648\u062a", "\u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd", "\u0627\u0644\u0642\u062f\u0633",
       "\u202e", "\u202c", "\u200f", "\u200e", "\u2067", "\u2069", "\u202b"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u0301", "\u0308\u0301"]
EMOJI = ["🚀", "🇫🇷", "👨‍👩‍👧‍👦", "👍🏽", "🏳️‍🌈", "😀", "𝕷𝖞𝖔𝖓", "🏴‍☠️"]
QUOTES = ["«", "»", "« ", " »", "“", "”", "‘", "’", '"', "‹", "›", "'", "« « ", " » »", "„"]
WORDS = ["Paris", "Lyon", "Marseille", "New York", "Saint-Étienne", "Washington", "la", "le", "à", "de", "the", "in",
         "président", "a dit", "said", "M.", "Mme", "Kim Jong Un", "mardi", "Tuesday", "le 3 mars", "12/05/2023",
         "en 2019", "l'an prochain", "next year", "Beyrouth", "Gaza", "Moscou", "Pékin", "Texas", "Paris, Texas",
         "hier", ".", ",", ":", ";", "!", "?", "\n", "\n\n", "\r\n", "\t", "(", ")", "-", "—", "…"]
tokens = st.sampled_from(WORDS + RTL + INVISIBLE + EMOJI + QUOTES)
texts = st.one_of(
    st.lists(tokens, max_size=80).map(" ".join),
    st.lists(tokens, max_size=80).map("".join),
    st.text(max_size=200),
    st.lists(st.one_of(tokens, st.text(max_size=8)), max_size=50).map(" ".join),
)
published = st.sampled_from([None, "2023-09-14", "2024-02", "1999", "3000-01-01", "2023-13-45", "garbage", ""])


def _extract(text: str, lang: str, when: str | None) -> Story | None:
    try:
        return extract_story(Article(text=text, lang=lang, published=when, title="t"))
    except InputError:
        assert not text.strip(), "only an empty text may be refused"
        return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, published)
def test_french_extraction_never_raises_and_keeps_its_invariants(text, when):
    story = _extract(text, "fr", when)
    if story is not None:
        assert story_problems(story) == []
        assert story.article.text == text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, published)
def test_english_extraction_never_raises_and_keeps_its_invariants(text, when):
    story = _extract(text, "en", when)
    if story is not None:
        assert story_problems(story) == []


# -- any Story: JSON and GeoJSON ------------------------------------------------------------------------------

words = st.text(max_size=30)
maybe = st.none() | words
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
lat = st.floats(-90, 90, allow_nan=False)
lon = st.floats(-180, 180, allow_nan=False)
offsets = st.integers(0, 10_000)
tuples = lambda s, n=4: st.lists(s, max_size=n).map(tuple)
mentions = st.builds(Mention, offsets, offsets, words)
candidates = st.builds(Candidate, words, words, st.sampled_from(PLACE_KINDS), maybe, lat, lon, finite, words)


@st.composite
def places(draw):
    resolved = draw(st.booleans())
    return Place(draw(words), draw(words), draw(st.sampled_from(PLACE_KINDS)), draw(maybe),
                 draw(lat) if resolved else None, draw(lon) if resolved else None, draw(tuples(mentions)),
                 gazetteer_id=draw(maybe), reason=draw(words), confidence=draw(finite),
                 alternatives=draw(tuples(candidates, 3)), provider=draw(words), admin1=draw(maybe),
                 population=draw(st.none() | st.integers(0, 10**10)), note=draw(maybe),
                 override=draw(st.none() | st.sampled_from(OVERRIDE_ACTIONS)))


stories = st.builds(
    Story,
    article=st.builds(Article, words, st.sampled_from(["fr", "en"]), maybe, maybe, maybe),
    places=tuples(places(), 5),
    quotes=tuples(st.builds(Quote, words, words, offsets, offsets, st.booleans(), maybe, maybe, maybe, maybe,
                            tuples(words), maybe)),
    events=tuples(st.builds(Event, words, words, offsets, offsets, words, maybe,
                            st.none() | st.sampled_from(DATE_PRECISIONS), maybe, st.sampled_from(EVENT_STATUSES),
                            tuples(words), tuples(words), tuples(words))),
    people=tuples(st.builds(Person, words, words, tuples(words), maybe, st.sampled_from(["person", "organisation"]),
                            tuples(words), tuples(mentions))),
    itineraries=tuples(st.builds(Itinerary, words, tuples(st.builds(Stop, words, maybe, maybe, words)))),
    focus=tuples(words, 3),
    notes=tuples(words, 3),
    overrides=tuples(st.builds(Override, st.sampled_from(OVERRIDE_ACTIONS), offsets, offsets, words,
                               st.none() | candidates)),
)


@settings(max_examples=150, deadline=None)
@given(stories)
def test_any_story_round_trips_through_json(story):
    text = story_to_json(story)
    assert story_from_json(text) == story
    assert story_from_json(story_to_json(story, indent=None)) == story


@settings(max_examples=150, deadline=None)
@given(stories)
def test_any_story_gives_rfc7946_geojson(story):
    data = json.loads(json.dumps(story_to_geojson(story)))
    assert geojson_problems(data) == []
    assert len(data["features"]) == sum(p.resolved for p in story.places)
    for feature, place in zip(data["features"], [p for p in story.places if p.resolved]):
        assert feature["geometry"]["coordinates"][:2] == [place.lon, place.lat]  # longitude first
