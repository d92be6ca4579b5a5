"""The dashboard's session state: every key lives here, and the selection is mirrored in the URL.

URL query parameters: ``?story=NAME`` (a library id; default :data:`DEFAULT_STORY`), ``?place=ID``,
``?view=corpus`` (all saved stories on one map) and ``?lang=fr|en`` (the interface language, see
:mod:`components.i18n`), so a copied link reopens the same story, selection, view and language.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from geostory.maps.tags import place_id_from_click, place_view
from geostory.model import Story

DEFAULT_STORY = "seed"
STORY_PARAM = "story"
PLACE_PARAM = "place"
PAGE_PARAM = "view"  # "corpus" for the corpus view, absent for one story
PAGES = ("story", "corpus")

MAP_KEY = "gs_map"  # st_folium's value, copied there by streamlit-folium before our on_change
PICKER_KEY = "gs_place_picker"  # the place search box
DATES_KEY = "gs_dates"  # the timeline's date-range slider
STORY_PICKER_KEY = "gs_story_picker"
SELECTED_KEY = "gs_selected"  # selected place id or None
VIEW_KEY = "gs_view"  # ((lat, lon), zoom) the map is asked to show, or None for the fitted story
STORY_KEY = "gs_story"  # name of the story the state above belongs to
HANDLED_CLICK_KEY = "gs_handled_click"  # the last map click already turned into a selection
PAGE_KEY = "gs_page"  # the page switch (story | corpus)
CORPUS_MAP_KEY = "gs_corpus_map"
CORPUS_SELECTED_KEY = "gs_corpus_selected"  # key of the selected corpus place
CORPUS_HANDLED_KEY = "gs_corpus_handled_click"
NOTICE_KEY = "gs_notice"  # a message to show once after a rerun (e.g. "Correction saved")


def page() -> str:
    """The page asked for in the URL: ``story`` or ``corpus``."""
    return "corpus" if st.query_params.get(PAGE_PARAM) == "corpus" else "story"


def set_page(name: str) -> None:
    """Switch between one story and the corpus view (in the URL)."""
    if name == "corpus":
        st.query_params[PAGE_PARAM] = "corpus"
    elif PAGE_PARAM in st.query_params:
        del st.query_params[PAGE_PARAM]


def notify(message: str) -> None:
    """Show ``message`` once, on the next run (see :func:`pop_notice`)."""
    st.session_state[NOTICE_KEY] = message


def pop_notice() -> str | None:
    """The pending one-time message, removed."""
    return st.session_state.pop(NOTICE_KEY, None)


def share_link(story_name: str, place_id: str | None = None) -> str:
    """The link that reopens a story (and a place) on this server, absolute when the page URL is known."""
    from urllib.parse import urlencode

    from components.i18n import LANG_PARAM, current

    query = urlencode({STORY_PARAM: story_name, **({PLACE_PARAM: place_id} if place_id else {}), LANG_PARAM: current()})
    base = ""
    try:
        base = (st.context.url or "").split("?")[0].split("#")[0]
    except Exception:  # noqa: BLE001 - no browser context (tests, bare mode)
        base = ""
    if base and not base.endswith("/"):
        base += "/"
    return f"{base}?{query}"


def story_name() -> str:
    """The story asked for in the URL, or the default."""
    return str(st.query_params.get(STORY_PARAM) or DEFAULT_STORY)


def set_story_name(name: str, place_id: str | None = None) -> None:
    """Switch story (to one of its places): the URL changes, the story page shows, the selection is reset."""
    st.query_params[STORY_PARAM] = name
    set_page("story")
    if place_id:
        st.query_params[PLACE_PARAM] = place_id
        st.session_state.pop(STORY_KEY, None)  # bind_story reads ?place= again
    elif PLACE_PARAM in st.query_params:
        del st.query_params[PLACE_PARAM]


def bind_story(story: Story, name: str) -> None:
    """Start the state of a story once per session or story switch; ``?place=`` chooses the first selection."""
    if st.session_state.get(STORY_KEY) == name:
        return
    st.session_state[STORY_KEY] = name
    st.session_state[HANDLED_CLICK_KEY] = _click_signature(st.session_state.get(MAP_KEY))
    for key in (DATES_KEY,):
        st.session_state.pop(key, None)
    wanted = st.query_params.get(PLACE_PARAM)
    place = story.place(wanted) if wanted else None
    if wanted and place is None:
        del st.query_params[PLACE_PARAM]
    _apply(story, place.id if place else None, recentre=True)


def selected_place(story: Story) -> str | None:
    """The selected place id, if it belongs to this story."""
    place_id = st.session_state.get(SELECTED_KEY)
    return place_id if place_id and story.place(place_id) is not None else None


def view() -> tuple[tuple[float, float], int] | None:
    """The centre and zoom the map was last asked to move to, or None (fitted to the story)."""
    return st.session_state.get(VIEW_KEY)


def select_place(story: Story, place_id: str | None, *, recentre: bool) -> None:
    """Select a place (or none) everywhere: state, search box, URL; ``recentre`` moves the map to it."""
    if place_id is not None and story.place(place_id) is None:
        return
    _apply(story, place_id, recentre=recentre)
    if place_id:
        st.query_params[PLACE_PARAM] = place_id
    elif PLACE_PARAM in st.query_params:
        del st.query_params[PLACE_PARAM]


def _apply(story: Story, place_id: str | None, *, recentre: bool) -> None:
    st.session_state[SELECTED_KEY] = place_id
    st.session_state[PICKER_KEY] = place_id
    if recentre:
        place = story.place(place_id) if place_id else None
        st.session_state[VIEW_KEY] = place_view(place) if place is not None else None


def _click_signature(value: Any) -> tuple | None:
    if not isinstance(value, dict):
        return None
    return (value.get("last_object_clicked_count"), value.get("last_object_clicked_tooltip"))


def sync_map_click(story: Story) -> None:
    """Turn a new map click (in ``st.session_state[MAP_KEY]``) into the selection; old clicks are ignored.

    Used as st_folium's ``on_change`` and once per run (AppTest sets the value without callbacks).
    """
    value = st.session_state.get(MAP_KEY)
    signature = _click_signature(value)
    if signature is None or signature == st.session_state.get(HANDLED_CLICK_KEY):
        return
    st.session_state[HANDLED_CLICK_KEY] = signature
    place_id = place_id_from_click(value)
    if place_id is not None and story.place(place_id) is not None:
        select_place(story, place_id, recentre=False)


def on_pick(story: Story) -> None:
    """Callback of the place search box: select the picked place and recentre the map on it."""
    select_place(story, st.session_state.get(PICKER_KEY), recentre=True)
