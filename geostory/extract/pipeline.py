"""Article -> Story: the whole extraction in one call."""

from __future__ import annotations

from collections import Counter

from geostory.errors import InputError
from geostory.extract.places import find_place_mentions, find_unknown_places
from geostory.gazetteer.index import Gazetteer, get_gazetteer
from geostory.geocode.resolve import place_unknowns, resolve_matches
from geostory.model import Article, Story
from geostory.nlp import get_nlp


def extract_story(article: Article, *, gazetteer: Gazetteer | None = None, geocoder=None, doc=None) -> Story:
    """Find, geocode and link the places, people, quotes and events of ``article``.

    ``geocoder``: None or "offline" for the embedded gazetteer alone; a provider name, a settings dict (e.g. Streamlit
    secrets) or a ``GeocoderConfig`` to chain an online geopy provider (failures fall back offline, with a note).
    ``doc``: an already parsed spaCy Doc of ``article.text`` (batch processing parses with ``nlp.pipe``).
    """
    if not article.text or not article.text.strip():
        raise InputError("the article is empty: give a text with at least one sentence")
    gaz = gazetteer or get_gazetteer()
    if doc is None:
        doc = get_nlp(article.lang)(article.text)
    matches = find_place_mentions(article.text, doc, gaz, article.lang)
    unknowns, matches = find_unknown_places(article.text, doc, matches)
    places = resolve_matches(article.text, matches, gaz, lang=article.lang)
    places = tuple(places + place_unknowns(article.text, unknowns, places))
    notes: tuple[str, ...] = ()
    if geocoder is not None and geocoder != "offline":
        from geostory.geocode.chain import geocode_places

        places, notes = geocode_places(places, geocoder, gazetteer=gaz)
    people = quotes = events = itineraries = ()
    try:
        from geostory.extract.narrative import extract_narrative
    except ImportError:  # narrative extraction not installed yet
        extract_narrative = None
    if extract_narrative is not None:
        people, quotes, events, itineraries = extract_narrative(doc, article, places)
    return Story(
        article=article,
        places=places,
        quotes=tuple(quotes),
        events=tuple(events),
        people=tuple(people),
        itineraries=tuple(itineraries),
        focus=focus_of(places),
        notes=tuple(notes),
    )


def focus_of(places) -> tuple[str, ...]:
    """Countries the story is about, by number of mentions of places in them (at most three)."""
    votes: Counter = Counter()
    for p in places:
        if p.country:
            votes[p.country] += len(p.mentions)
    return tuple(c for c, _ in votes.most_common(3))
