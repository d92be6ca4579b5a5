"""Review and correct the map: accept, move, drop a place; add one the pipeline missed; undo corrections.

Each correction is an :class:`~geostory.model.Override` stored with the story in the library, so it shows on
the map (a badge), in the panels and in every export, and is applied again when the pipeline re-runs.
"""

from __future__ import annotations

import streamlit as st

from components import state
from components.html import md_escape
from components.stories import get_library
from geostory import review
from geostory.errors import GeostoryError
from geostory.model import Candidate, Place, Story

REVIEW_KEY = "gs_review"
SEARCH_KEY = "gs_review_search"
ALT_KEY = "gs_review_alt"
FOUND_KEY = "gs_review_found"
ADD_WORDS_KEY = "gs_add_words"
ADD_SEARCH_KEY = "gs_add_search"
ADD_FOUND_KEY = "gs_add_found"


def _gazetteer():
    from geostory.gazetteer.index import get_gazetteer

    return get_gazetteer()  # built once, cached per process


def online_geocoder() -> str | None:
    """The online provider to search too, when one is configured (``$GEOSTORY_GEOCODER``), else None."""
    import os

    name = os.environ.get("GEOSTORY_GEOCODER", "").strip()
    return name if name and name != "offline" else None


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def _online(query: str, geocoder: str) -> tuple[list[Candidate], tuple[str, ...]]:
    return review.search_online(query, geocoder, _gazetteer())


def _search(query: str) -> list[Candidate]:
    """Gazetteer entries named ``query``, then the online provider's answer when one is configured."""
    if not query.strip():
        return []
    found = review.search_gazetteer(_gazetteer(), query)
    geocoder = online_geocoder()
    if geocoder:
        extra, notes = _online(query, geocoder)
        found += [c for c in extra if all((c.lat, c.lon) != (f.lat, f.lon) for f in found)]
        for note in notes:
            st.caption(md_escape(note))
    return found


def candidate_label(c: Candidate) -> str:
    """How a candidate location is listed."""
    where = ", ".join(x for x in (c.country,) if x)
    return f"{c.name} ({c.kind}{', ' + where if where else ''}) · {c.lat:.2f}, {c.lon:.2f}"


def _save(story: Story, name: str, message: str, select: str | None = None, clear: bool = False) -> None:
    get_library().save(story, name)
    state.notify(md_escape(message))
    if clear:
        state.select_place(story, None, recentre=False)
    elif select:
        state.select_place(story, select, recentre=True)


def _apply(story: Story, name: str, place_id: str, action: str, key: str | None = None) -> None:
    """Button callback: record one correction of ``place_id`` and save the story."""
    place = story.place(place_id)
    candidate = st.session_state.get(key) if key else None
    if action == "choose" and not isinstance(candidate, Candidate):
        state.notify("Pick a location first.")
        return
    try:
        new = review.override_place(story, place_id, action, candidate)
    except GeostoryError as exc:
        state.notify(md_escape(f"Could not correct {place.name if place else place_id}: {exc}"))
        return
    messages = {"accept": "marked as checked", "choose": "moved", "drop": "dropped from the map"}
    _save(new, name, f"{place.name}: {messages[action]}. The correction is saved with the story.",
          select=place_id if action != "drop" else None, clear=action == "drop")


def render_review(story: Story, name: str, place_id: str | None, *, key: str = REVIEW_KEY) -> None:
    """The correction tools for the selected place, and for places the map missed."""
    with st.container(key=key):
        place = story.place(place_id) if place_id else None
        if place is not None:
            with st.expander(f"Review “{md_escape(place.name)}”", expanded=bool(place.override)):
                _render_place_review(story, name, place)
        with st.expander("Add a place the map missed"):
            _render_add(story, name)
        with st.expander(f"Corrections ({len(story.overrides)})"):
            _render_overrides(story, name)
            st.button("Map the article again (corrections kept)", key=f"{REVIEW_KEY}_rerun", on_click=_rerun,
                      args=(story, name), help="Runs the pipeline again on the same text, then re-applies every "
                                                "correction above.")


def _render_place_review(story: Story, name: str, place: Place) -> None:
    note = review.OVERRIDE_LABELS.get(place.override or "")
    st.caption(f"This place was {note}." if note else "Is this the right place? Correct it if not.")
    cols = st.columns(2)
    cols[0].button("It is right", key=f"{REVIEW_KEY}_accept", on_click=_apply, args=(story, name, place.id, "accept"),
                   disabled=place.override == "accept")
    cols[1].button("Not a place: drop it", key=f"{REVIEW_KEY}_drop", on_click=_apply,
                   args=(story, name, place.id, "drop"))
    if place.alternatives:
        st.selectbox("Another reading the pipeline considered", place.alternatives, key=ALT_KEY, index=None,
                     format_func=candidate_label, placeholder=f"{len(place.alternatives)} alternatives…")
        st.button("Move it there", key=f"{ALT_KEY}_go", on_click=_apply,
                  args=(story, name, place.id, "choose", ALT_KEY))
    query = st.text_input("Search the gazetteer", key=f"{SEARCH_KEY}_{place.id}", value=place.mentions[0].text
                          if place.mentions else place.name)
    found = _search(query)
    if query.strip() and not found:
        st.caption(md_escape(f"No place called {query!r} in the gazetteer."))
    if found:
        st.selectbox("Places with that name", found, key=FOUND_KEY, index=None, format_func=candidate_label,
                     placeholder=f"{len(found)} found…")
        st.button("Move it to this one", key=f"{FOUND_KEY}_go", on_click=_apply,
                  args=(story, name, place.id, "choose", FOUND_KEY))


def _add(story: Story, name: str) -> None:
    words = st.session_state.get(ADD_WORDS_KEY) or ""
    candidate = st.session_state.get(ADD_FOUND_KEY)
    if not isinstance(candidate, Candidate):
        state.notify("Pick the location of the words first.")
        return
    try:
        new = review.add_missed_place(story, words, candidate)
    except GeostoryError as exc:
        state.notify(md_escape(f"Could not add it: {exc}"))
        return
    added = new.places[-1]
    _save(new, name, f"Added {added.name} ({len(added.mentions)} mention(s)). The correction is saved with the story.",
          select=added.id)


def _render_add(story: Story, name: str) -> None:
    words = st.text_input("Words of the article naming it", key=ADD_WORDS_KEY,
                          help="Copy them from the article exactly; every occurrence becomes a mention.")
    if not words.strip():
        return
    hits = review.occurrences(story.article.text, words)
    if not hits:
        st.caption(md_escape(f"{words!r} does not occur in the article: copy the words exactly."))
        return
    st.caption(f"{len(hits)} occurrence(s) in the article.")
    query = st.text_input("Search the gazetteer as", key=ADD_SEARCH_KEY, value=words.strip())
    found = _search(query)
    if not found:
        st.caption(md_escape(f"No place called {query!r} in the gazetteer; try another spelling."))
        return
    st.selectbox("Its location", found, key=ADD_FOUND_KEY, index=None, format_func=candidate_label,
                 placeholder=f"{len(found)} found…")
    st.button("Add it to the map", key=f"{ADD_WORDS_KEY}_go", on_click=_add, args=(story, name))


def _undo(story: Story, name: str, index: int) -> None:
    """Button callback: remove one correction; a dropped or moved place comes back from a fresh extraction."""
    from components.analyse import get_resources
    from geostory.ingest import extract_in_stages

    fresh = None
    if story.overrides[index].action in ("drop", "choose"):
        nlp, gazetteer = get_resources(story.article.lang)
        fresh = extract_in_stages(story.article, nlp=nlp, gazetteer=gazetteer)
    _save(review.undo_override(story, index, fresh), name, "Correction undone.")


def _rerun(story: Story, name: str) -> None:
    """Button callback: extract the article again and re-apply the story's corrections."""
    from components.analyse import get_resources
    from geostory.ingest import extract_in_stages

    nlp, gazetteer = get_resources(story.article.lang)
    fresh = extract_in_stages(story.article, nlp=nlp, gazetteer=gazetteer)
    _save(review.apply_overrides(fresh, story.overrides), name,
          f"Mapped again: {len(fresh.places)} places found, {len(story.overrides)} correction(s) re-applied.")


def _render_overrides(story: Story, name: str) -> None:
    if not story.overrides:
        st.caption("No correction yet: select a place to check or correct it.")
    for i, o in enumerate(story.overrides):
        cols = st.columns([5, 1])
        cols[0].caption(md_escape(review.describe(o)))
        cols[1].button("Undo", key=f"{REVIEW_KEY}_undo_{i}", on_click=_undo, args=(story, name, i))
