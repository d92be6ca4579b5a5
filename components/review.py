"""Review and correct the map: accept, move, drop a place; add one the pipeline missed; undo corrections.

Each correction is an :class:`~geostory.model.Override` stored with the story in the library, so it shows on
the map (a badge), in the panels and in every export, and is applied again when the pipeline re-runs.
"""

from __future__ import annotations

import streamlit as st

from components import state
from components.analyse import geocoder_config
from components.html import md_escape
from components.i18n import current, kind_label, override_label, t
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


def online_geocoder():
    """The online provider to search too, as configured in ``st.secrets`` or the environment, else None."""
    try:
        return geocoder_config()
    except GeostoryError as exc:  # a wrong setting: say so, search the gazetteer alone
        st.caption(md_escape(str(exc)))
        return None


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def _online(query: str, settings: str, _config) -> tuple[list[Candidate], tuple[str, ...]]:
    """The provider's answer for ``query`` (cached per query and ``settings``, the configuration's repr)."""
    return review.search_online(query, _config, _gazetteer())


def _search(query: str) -> list[Candidate]:
    """Gazetteer entries named ``query``, then the online provider's answer when one is configured."""
    if not query.strip():
        return []
    found = review.search_gazetteer(_gazetteer(), query)
    geocoder = online_geocoder()
    if geocoder:
        extra, notes = _online(query, repr(geocoder), geocoder)
        found += [c for c in extra if all((c.lat, c.lon) != (f.lat, f.lon) for f in found)]
        for note in notes:
            st.caption(md_escape(note))
    return found


def candidate_label(c: Candidate, lang: str | None = None) -> str:
    """How a candidate location is listed."""
    where = ", ".join(x for x in (c.country,) if x)
    return f"{c.name} ({kind_label(c.kind, lang).lower()}{', ' + where if where else ''}) · {c.lat:.2f}, {c.lon:.2f}"


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
        state.notify(t("review_pick_first"))
        return
    try:
        new = review.override_place(story, place_id, action, candidate)
    except GeostoryError as exc:
        state.notify(md_escape(t("review_failed", name=place.name if place else place_id, error=exc)))
        return
    _save(new, name, t("review_saved", name=place.name, what=t(f"review_done_{action}")),
          select=place_id if action != "drop" else None, clear=action == "drop")


def render_review(story: Story, name: str, place_id: str | None, *, key: str = REVIEW_KEY) -> None:
    """The correction tools for the selected place, and for places the map missed."""
    with st.container(key=key):
        place = story.place(place_id) if place_id else None
        if place is not None:
            with st.expander(t("review_place", name=md_escape(place.name)), expanded=bool(place.override)):
                _render_place_review(story, name, place)
        with st.expander(t("review_add")):
            _render_add(story, name)
        with st.expander(t("review_corrections", n=len(story.overrides))):
            _render_overrides(story, name)
            st.button(t("review_rerun"), key=f"{REVIEW_KEY}_rerun", on_click=_rerun, args=(story, name),
                      help=t("review_rerun_help"))


def _render_place_review(story: Story, name: str, place: Place) -> None:
    note = override_label(place.override)
    st.caption(t("review_was", note=note) if note else t("review_question"))
    lang = current()  # option labels in the run's language, even when formatted later
    cols = st.columns(2)
    cols[0].button(t("review_accept"), key=f"{REVIEW_KEY}_accept", on_click=_apply, args=(story, name, place.id, "accept"),
                   disabled=place.override == "accept")
    cols[1].button(t("review_drop"), key=f"{REVIEW_KEY}_drop", on_click=_apply,
                   args=(story, name, place.id, "drop"))
    if place.alternatives:
        st.selectbox(t("review_alternatives"), place.alternatives, key=ALT_KEY, index=None,
                     format_func=lambda c: candidate_label(c, lang),
                     placeholder=t("review_alternatives_hint", n=len(place.alternatives)))
        st.button(t("review_move_there"), key=f"{ALT_KEY}_go", on_click=_apply,
                  args=(story, name, place.id, "choose", ALT_KEY))
    query = st.text_input(t("review_search"), key=f"{SEARCH_KEY}_{place.id}", value=place.mentions[0].text
                          if place.mentions else place.name)
    found = _search(query)
    if query.strip() and not found:
        st.caption(md_escape(t("review_nothing", query=repr(query))))
    if found:
        st.selectbox(t("review_found"), found, key=FOUND_KEY, index=None, format_func=lambda c: candidate_label(c, lang),
                     placeholder=t("review_found_hint", n=len(found)))
        st.button(t("review_move_here"), key=f"{FOUND_KEY}_go", on_click=_apply,
                  args=(story, name, place.id, "choose", FOUND_KEY))


def _add(story: Story, name: str) -> None:
    words = st.session_state.get(ADD_WORDS_KEY) or ""
    candidate = st.session_state.get(ADD_FOUND_KEY)
    if not isinstance(candidate, Candidate):
        state.notify(t("review_pick_words_first"))
        return
    try:
        new = review.add_missed_place(story, words, candidate)
    except GeostoryError as exc:
        state.notify(md_escape(t("review_add_failed", error=exc)))
        return
    added = new.places[-1]
    _save(new, name, t("review_added", name=added.name, mentions=t("mentions_n", n=len(added.mentions))),
          select=added.id)


def _render_add(story: Story, name: str) -> None:
    words = st.text_input(t("review_words"), key=ADD_WORDS_KEY, help=t("review_words_help"))
    if not words.strip():
        return
    hits = review.occurrences(story.article.text, words)
    if not hits:
        st.caption(md_escape(t("review_words_absent", words=repr(words))))
        return
    st.caption(t("review_occurrences", n=len(hits)))
    query = st.text_input(t("review_search_as"), key=ADD_SEARCH_KEY, value=words.strip())
    found = _search(query)
    if not found:
        st.caption(md_escape(t("review_nothing_retry", query=repr(query))))
        return
    lang = current()
    st.selectbox(t("review_location"), found, key=ADD_FOUND_KEY, index=None, format_func=lambda c: candidate_label(c, lang),
                 placeholder=t("review_found_hint", n=len(found)))
    st.button(t("review_add_go"), key=f"{ADD_WORDS_KEY}_go", on_click=_add, args=(story, name))


def _undo(story: Story, name: str, index: int) -> None:
    """Button callback: remove one correction; a dropped or moved place comes back from a fresh extraction."""
    from components.analyse import get_resources
    from geostory.ingest import extract_in_stages

    fresh = None
    if story.overrides[index].action in ("drop", "choose"):
        nlp, gazetteer = get_resources(story.article.lang)
        fresh = extract_in_stages(story.article, nlp=nlp, gazetteer=gazetteer)
    _save(review.undo_override(story, index, fresh), name, t("review_undone"))


def _rerun(story: Story, name: str) -> None:
    """Button callback: extract the article again and re-apply the story's corrections."""
    from components.analyse import get_resources
    from geostory.ingest import extract_in_stages

    nlp, gazetteer = get_resources(story.article.lang)
    fresh = extract_in_stages(story.article, nlp=nlp, gazetteer=gazetteer)
    _save(review.apply_overrides(fresh, story.overrides), name,
          t("review_mapped_again", places=t("places_n", n=len(fresh.places)), n=len(story.overrides)))


def _render_overrides(story: Story, name: str) -> None:
    if not story.overrides:
        st.caption(t("review_none_yet"))
    for i, o in enumerate(story.overrides):
        cols = st.columns([5, 1])
        cols[0].caption(md_escape(review.describe(o)))
        cols[1].button(t("review_undo"), key=f"{REVIEW_KEY}_undo_{i}", on_click=_undo, args=(story, name, i))
