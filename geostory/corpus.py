"""Many saved stories together: their places merged across articles, filtered by date, country, person and story.

Pure Python (no Streamlit, no folium). A place of the corpus is every story place with the same gazetteer
entry (or, without one, the same kind, folded name and rounded position).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from geostory.allocation import paused_gc
from geostory.gazetteer.text import fold
from geostory.model import Event, Place, Quote, Story

Saved = tuple[str, Story]  # (library id, story)


@dataclass(frozen=True, slots=True)
class Filters:
    """What the corpus view keeps: empty means everything."""

    start: dt.date | None = None  # publication date range (undated stories are left out when set)
    end: dt.date | None = None
    countries: tuple[str, ...] = ()  # ISO alpha-2 codes of places
    people: tuple[str, ...] = ()  # names of people (folded comparison, aliases count)
    stories: tuple[str, ...] = ()  # library ids


@dataclass(frozen=True, slots=True)
class CorpusPlace:
    """One place across the stories that mention it."""

    key: str
    name: str
    kind: str
    country: str | None
    lat: float
    lon: float
    stories: tuple[str, ...]  # library ids, in corpus order
    mentions: int
    refs: tuple[tuple[str, str], ...] = field(default=())  # (library id, place id)


def place_key(place: Place) -> str:
    """The identity of a place across stories."""
    if place.gazetteer_id:
        return place.gazetteer_id
    return _fallback_key(place.kind, place.name, place.lat, place.lon)


@lru_cache(maxsize=65536)
def _fallback_key(kind: str, name: str, lat: float | None, lon: float | None) -> str:
    """Kind, folded name and position to 0.1 degree (memoised: the same places come back in every rerun)."""
    return f"{kind}:{fold(name)}@{f'{lat:.1f}' if lat is not None else '?'},{f'{lon:.1f}' if lon is not None else '?'}"


def published(story: Story) -> dt.date | None:
    """The story's publication date (``2024-08`` counts as its first day), if it has a valid one."""
    value = (story.article.published or "").strip()[:10]
    for form, pad in ((10, ""), (7, "-01"), (4, "-01-01")):
        if len(value) == form:
            try:
                return dt.date.fromisoformat(value + pad)
            except ValueError:
                return None
    return None


def people_names(story: Story) -> set[str]:
    """Folded names and aliases of the people of a story."""
    return {fold(n) for p in story.people if p.kind == "person" for n in (p.name, *p.aliases) if n}


def date_span(stories: Iterable[Saved]) -> tuple[dt.date, dt.date] | None:
    """First and last publication dates of the stories, or None when none is dated."""
    dates = [d for _, s in stories if (d := published(s)) is not None]
    return (min(dates), max(dates)) if dates else None


def select_stories(stories: Iterable[Saved], filters: Filters) -> list[Saved]:
    """The stories the filters keep (date range, people, story ids; countries filter places, not stories)."""
    wanted_people = {fold(n) for n in filters.people}
    out = []
    for story_id, story in stories:
        if filters.stories and story_id not in filters.stories:
            continue
        if filters.start or filters.end:
            day = published(story)
            if day is None or (filters.start and day < filters.start) or (filters.end and day > filters.end):
                continue
        if wanted_people and not wanted_people & people_names(story):
            continue
        out.append((story_id, story))
    return out


def corpus_places(stories: Iterable[Saved], filters: Filters = Filters()) -> list[CorpusPlace]:
    """Resolved places of the selected stories, merged across stories; most stories, then mentions, first."""
    with paused_gc():  # thousands of places at once (geostory/allocation.py)
        return _merge_places(stories, filters)


def _merge_places(stories: Iterable[Saved], filters: Filters) -> list[CorpusPlace]:
    countries = {c.upper() for c in filters.countries}
    merged: dict[str, tuple[Place, dict[str, None], list[int], list[tuple[str, str]]]] = {}
    for story_id, story in select_stories(stories, filters):
        for place in story.places:
            if not place.resolved or (countries and (place.country or "").upper() not in countries):
                continue
            key = place_key(place)
            row = merged.get(key)
            if row is None:
                row = merged[key] = (place, {}, [0], [])
            row[1][story_id] = None  # an ordered set: stories in corpus order
            row[2][0] += len(place.mentions)
            row[3].append((story_id, place.id))
    rows = [
        CorpusPlace(key, p.name, p.kind, p.country, p.lat, p.lon, tuple(ids), n[0], tuple(refs))
        for key, (p, ids, n, refs) in merged.items()
    ]
    return sorted(rows, key=lambda r: (-len(r.stories), -r.mentions, r.name.casefold()))


def countries_of(stories: Iterable[Saved]) -> list[str]:
    """ISO codes of the countries of resolved places, sorted."""
    return sorted({p.country.upper() for _, s in stories for p in s.places if p.resolved and p.country})


def people_of(stories: Iterable[Saved]) -> list[str]:
    """Names of the people of the stories, sorted."""
    return sorted({p.name for _, s in stories for p in s.people if p.kind == "person"}, key=str.casefold)


@dataclass(frozen=True, slots=True)
class Appearance:
    """A corpus place as one story tells it: the place there, its events and quotes."""

    story_id: str
    story: Story
    place: Place
    events: tuple[Event, ...]
    quotes: tuple[Quote, ...]


def appearances(stories: Iterable[Saved], place: CorpusPlace) -> list[Appearance]:
    """Every story mentioning ``place``, with that story's events and quotes there, in corpus order."""
    by_id = dict(stories)
    out = []
    for story_id, place_id in place.refs:
        story = by_id.get(story_id)
        local = story.place(place_id) if story else None
        if local is None:
            continue
        events = tuple(story.events_at(place_id))
        event_ids = {e.id for e in events}
        quotes = tuple(q for q in story.quotes if place_id in q.places or q.event in event_ids)
        out.append(Appearance(story_id, story, local, events, quotes))
    return out
