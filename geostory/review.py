"""A reader's corrections of a story's places: record them as :class:`~geostory.model.Override` and apply them.

Overrides are anchored on words of the article (a mention's offsets), not on place ids, so they apply again
to a fresh extraction of the same text: ``apply_overrides(extract_story(article), story.overrides)``.
The latest override of the same words wins.
"""

from __future__ import annotations

import dataclasses
import re

from geostory.errors import InputError
from geostory.model import OVERRIDE_ACTIONS, Candidate, Mention, Override, Place, Story

READER = "reader"  # Place.provider of a place a reader placed


def candidate_of(entry, score: float = 1.0, reason: str = "chosen by a reader") -> Candidate:
    """A :class:`Candidate` from a gazetteer :class:`~geostory.gazetteer.index.Entry`."""
    return Candidate(entry.id, entry.name, entry.kind, entry.country, entry.lat, entry.lon, score, reason)


def search_gazetteer(gazetteer, words: str, limit: int = 12) -> list[Candidate]:
    """Gazetteer entries named ``words`` (any language or alias), most populous first."""
    words = " ".join(words.split())
    if not words:
        return []
    return [candidate_of(e, 0.0, f"{e.feature or e.kind}, population {e.population:,}") for e in gazetteer.lookup(words)[:limit]]


def search_online(words: str, geocoder, gazetteer=None) -> tuple[list[Candidate], tuple[str, ...]]:
    """The location an online provider (``geocoder``: a name, settings or config, as for extraction) gives for
    ``words``, as candidates, and the provider's notes (failures never raise: they come back as notes)."""
    from geostory.geocode.chain import geocode_places

    words = " ".join(words.split())
    if not words or geocoder in (None, "", "offline"):
        return [], ()
    query = Place(id="q", name=words, kind="other", country=None, lat=None, lon=None,
                  mentions=(Mention(0, len(words), words),))
    (found,), notes = geocode_places([query], geocoder, gazetteer=gazetteer)
    if not found.resolved or found.provider in ("offline", READER):
        return [], notes
    return [Candidate(found.gazetteer_id or f"{found.provider}:{words}", found.name, found.kind, found.country,
                      found.lat, found.lon, found.confidence, f"found by {found.provider}")], notes


def occurrences(text: str, words: str) -> list[Mention]:
    """Every whole-word occurrence of ``words`` in ``text`` (case-sensitive, spaces flexible)."""
    words = " ".join(words.split())
    if not words:
        return []
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words.split(" ")) + r"(?!\w)"
    return [Mention(m.start(), m.end(), m.group(0)) for m in re.finditer(pattern, text)]


def anchor_of(place: Place) -> Mention:
    """The mention an override of ``place`` is anchored on: its first one."""
    if not place.mentions:
        raise InputError(f"{place.name!r} has no words in the article to anchor a correction on")
    return min(place.mentions, key=lambda m: m.start)


def override_place(story: Story, place_id: str, action: str, candidate: Candidate | None = None) -> Story:
    """``story`` with a reader's ``accept``/``choose``/``drop`` of one place recorded and applied."""
    place = story.place(place_id)
    if place is None:
        raise InputError(f"no place {place_id!r} in this story")
    if action not in ("accept", "choose", "drop"):
        raise InputError(f"unknown correction {action!r}; use accept, choose or drop")
    if action == "choose" and candidate is None:
        raise InputError("choosing another location needs the location")
    m = anchor_of(place)
    return add_override(story, Override(action, m.start, m.end, m.text, candidate if action == "choose" else None))


def add_missed_place(story: Story, words: str, candidate: Candidate) -> Story:
    """``story`` with a place the pipeline missed: ``words`` must occur in the article and name no place yet."""
    found = occurrences(story.article.text, words)
    if not found:
        raise InputError(f"{' '.join(words.split())!r} does not occur in the article: copy the words exactly")
    free = [m for m in found if _owner(story, m) is None]
    if not free:
        owner = _owner(story, found[0])
        raise InputError(f"{found[0].text!r} is already the place {owner.name!r}: correct that place instead")
    m = free[0]
    return add_override(story, Override("add", m.start, m.end, m.text, candidate))


def add_override(story: Story, override: Override) -> Story:
    """Record ``override`` (replacing an older one on the same words) and apply all of them again."""
    kept = tuple(o for o in story.overrides if (o.start, o.end) != (override.start, override.end))
    return apply_overrides(_without_overrides(story), kept + (override,))


def undo_override(story: Story, index: int, fresh: Story | None = None) -> Story:
    """``story`` without its ``index``-th override; ``fresh`` is the uncorrected extraction to start from
    (without it, a dropped or moved place cannot come back, so the other overrides are re-applied on ``story``)."""
    kept = tuple(o for i, o in enumerate(story.overrides) if i != index)
    return apply_overrides(fresh if fresh is not None else _without_overrides(story), kept)


def _without_overrides(story: Story) -> Story:
    return dataclasses.replace(story, overrides=())


def _owner(story: Story, span: Mention) -> Place | None:
    """The place with a mention overlapping ``span``."""
    for place in story.places:
        if any(m.start < span.end and span.start < m.end for m in place.mentions):
            return place
    return None


def apply_overrides(story: Story, overrides: tuple[Override, ...] | list[Override]) -> Story:
    """``story`` with ``overrides`` applied in order and recorded; those whose words are not in the text are kept
    (recorded) but do nothing. Events, quotes, people and itineraries lose links to dropped places."""
    text = story.article.text
    places = list(story.places)
    applied: list[Override] = []
    for o in overrides:
        if o.action not in OVERRIDE_ACTIONS:
            continue
        applied.append(o)
        if text[o.start:o.end] != o.text:
            continue  # another text: this override does not apply
        span = Mention(o.start, o.end, o.text)
        index = next((i for i, p in enumerate(places) if any(m.start < span.end and span.start < m.end for m in p.mentions)), None)
        if o.action == "add":
            if index is None and o.candidate is not None:
                places.append(_added_place(story, places, o))
            continue
        if index is None:
            continue
        place = places[index]
        if o.action == "drop":
            del places[index]
        elif o.action == "accept":
            places[index] = dataclasses.replace(place, override="accept")
        elif o.action == "choose" and o.candidate is not None:
            places[index] = _moved(place, o.candidate)
    return _relinked(story, tuple(places), tuple(applied))


def _moved(place: Place, c: Candidate) -> Place:
    old = Candidate(place.gazetteer_id or "", place.name, place.kind, place.country, place.lat, place.lon,
                    place.confidence, "the pipeline's choice") if place.resolved else None
    alternatives = tuple(a for a in place.alternatives if a.gazetteer_id != c.gazetteer_id)
    if old is not None and old.gazetteer_id != c.gazetteer_id and all(a.gazetteer_id != old.gazetteer_id for a in alternatives):
        alternatives = (old, *alternatives)
    return dataclasses.replace(
        place, name=c.name, kind=c.kind, country=c.country, lat=c.lat, lon=c.lon, gazetteer_id=c.gazetteer_id or None,
        reason=c.reason or "chosen by a reader", confidence=1.0, alternatives=alternatives, provider=READER,
        admin1=None, population=None, override="choose",
    )


def _added_place(story: Story, places: list[Place], o: Override) -> Place:
    taken = {p.id for p in places}
    base = "r-" + (re.sub(r"[^a-z0-9]+", "-", o.text.casefold()).strip("-") or "place")
    pid, n = base, 2
    while pid in taken:
        pid, n = f"{base}-{n}", n + 1
    mentions = tuple(
        m for m in occurrences(story.article.text, o.text)
        if not any(x.start < m.end and m.start < x.end for p in places for x in p.mentions)
    )
    c = o.candidate
    return Place(
        id=pid, name=c.name, kind=c.kind, country=c.country, lat=c.lat, lon=c.lon,
        mentions=mentions or (Mention(o.start, o.end, o.text),), gazetteer_id=c.gazetteer_id or None,
        reason="added by a reader", confidence=1.0, provider=READER, override="add",
    )


def _relinked(story: Story, places: tuple[Place, ...], overrides: tuple[Override, ...]) -> Story:
    from geostory.extract.pipeline import focus_of

    ids = {p.id for p in places}

    def keep(refs: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(r for r in refs if r in ids)

    return dataclasses.replace(
        story,
        places=places,
        events=tuple(dataclasses.replace(e, places=keep(e.places)) for e in story.events),
        quotes=tuple(dataclasses.replace(q, places=keep(q.places)) for q in story.quotes),
        people=tuple(dataclasses.replace(p, places=keep(p.places)) for p in story.people),
        itineraries=tuple(
            dataclasses.replace(i, stops=tuple(s for s in i.stops if s.place in ids)) for i in story.itineraries
        ),
        focus=focus_of(places) if overrides else story.focus,
        overrides=overrides,
    )


OVERRIDE_LABELS = {"accept": "checked by a reader", "choose": "corrected by a reader", "add": "added by a reader",
                   "drop": "dropped by a reader"}


def describe(o: Override) -> str:
    """One line saying what an override did, for lists and exports."""
    where = f" → {o.candidate.name}" + (f" ({o.candidate.country})" if o.candidate and o.candidate.country else "") \
        if o.candidate else ""
    return f"{o.text!r} (characters {o.start}–{o.end}): {OVERRIDE_LABELS.get(o.action, o.action)}{where}"
