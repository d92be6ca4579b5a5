"""The Story: frozen dataclasses shared by the pipeline, the CLI, the map and the dashboard.

Coordinates are ``lat``/``lon`` everywhere; only GeoJSON export (``geostory.export``) flips them.
Every extracted thing keeps character offsets into ``Article.text`` (``text == article.text[start:end]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_VERSION = 1
PLACE_KINDS = ("country", "region", "city", "landmark", "water", "other")
EVENT_STATUSES = ("happened", "planned", "reported")
DATE_PRECISIONS = ("day", "month", "year")
OVERRIDE_ACTIONS = ("accept", "choose", "drop", "add")  # what a reader did to a place (see geostory.review)


@dataclass(frozen=True, slots=True)
class Article:
    """The input text and what is known about it."""

    text: str
    lang: str = "fr"
    published: str | None = None  # ISO date YYYY-MM-DD
    title: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of the article: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer (or provider) entry considered for a place, with its score."""

    gazetteer_id: str
    name: str
    kind: str
    country: str | None
    lat: float
    lon: float
    score: float
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Place:
    """A place of the story, resolved (lat/lon set) or not (lat/lon None)."""

    id: str
    name: str
    kind: str
    country: str | None
    lat: float | None
    lon: float | None
    mentions: tuple[Mention, ...] = ()
    gazetteer_id: str | None = None
    reason: str = ""
    confidence: float = 0.0
    alternatives: tuple[Candidate, ...] = ()
    provider: str = "offline"
    admin1: str | None = None
    population: int | None = None
    note: str | None = None
    override: str | None = None  # set when a reader reviewed it: one of OVERRIDE_ACTIONS

    @property
    def resolved(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True, slots=True)
class DateValue:
    """A resolved date: ISO ``value`` truncated to its ``precision``, with the words it came from."""

    value: str  # YYYY-MM-DD, YYYY-MM or YYYY
    precision: str  # day | month | year
    text: str = ""
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation and who said it."""

    id: str
    text: str
    start: int
    end: int
    partial: bool = False
    speaker: str | None = None
    speaker_mention: str | None = None
    speaker_id: str | None = None
    verb: str | None = None
    places: tuple[str, ...] = ()
    event: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """Who did what, where and when."""

    id: str
    summary: str
    start: int
    end: int
    predicate: str = ""
    date: str | None = None  # ISO, precision given by date_precision
    date_precision: str | None = None
    date_text: str | None = None
    status: str = "happened"
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Person:
    """A person (or institution) named in the article, with every way it is referred to."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    role: str | None = None
    kind: str = "person"  # person | organisation
    places: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True, slots=True)
class Stop:
    """One stop of an itinerary."""

    place: str
    date: str | None = None
    event: str | None = None
    status: str = "happened"


@dataclass(frozen=True, slots=True)
class Itinerary:
    """The ordered places a traveller moves through."""

    traveller: str
    stops: tuple[Stop, ...] = ()


@dataclass(frozen=True, slots=True)
class Override:
    """A reader's correction of one place, anchored on a mention's words so it survives a new extraction.

    ``accept`` keeps the place as found, ``choose`` moves it to ``candidate``, ``drop`` removes it, ``add``
    creates a place at ``candidate`` for every occurrence of ``text`` the pipeline missed.
    """

    action: str  # one of OVERRIDE_ACTIONS
    start: int
    end: int
    text: str  # article.text[start:end]
    candidate: Candidate | None = None  # the location chosen (choose, add)


@dataclass(frozen=True, slots=True)
class Story:
    """Everything geostory knows about one article."""

    article: Article
    places: tuple[Place, ...] = ()
    quotes: tuple[Quote, ...] = ()
    events: tuple[Event, ...] = ()
    people: tuple[Person, ...] = ()
    itineraries: tuple[Itinerary, ...] = ()
    focus: tuple[str, ...] = ()  # ISO country codes, most central first
    notes: tuple[str, ...] = ()  # warnings the user should see (e.g. provider fell back offline)
    overrides: tuple[Override, ...] = ()  # a reader's corrections, re-applied after each extraction
    schema: int = field(default=SCHEMA_VERSION)

    def place(self, place_id: str) -> Place | None:
        """The place with this id, or None."""
        return next((p for p in self.places if p.id == place_id), None)

    def events_at(self, place_id: str) -> list[Event]:
        """Events linked to a place, ordered by date (undated last)."""
        evs = [e for e in self.events if place_id in e.places]
        return sorted(evs, key=lambda e: (e.date is None, e.date or "", e.start))

    def quotes_at(self, place_id: str) -> list[Quote]:
        """Quotes linked to a place, in article order."""
        return [q for q in self.quotes if place_id in q.places]

    @property
    def __geo_interface__(self) -> dict:
        from geostory.export import story_to_geojson

        return story_to_geojson(self)
