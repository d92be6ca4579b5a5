"""The sidebar's story library: search, open, rename, delete saved stories; switch to the corpus view."""

from __future__ import annotations

import streamlit as st

from components import state
from components.html import md_escape
from components.stories import story_names
from geostory.errors import GeostoryError
from geostory.library import SEED_ID, Library

SEARCH_KEY = "gs_lib_search"
PICK_KEY = state.STORY_PICKER_KEY
RENAME_KEY = "gs_lib_rename"
DELETE_KEY = "gs_lib_delete"
CONFIRM_KEY = "gs_lib_confirm"


def render_page_switch(*, key: str = state.PAGE_KEY) -> str:
    """Story / all stories: the page shown (mirrored in ``?view=``)."""
    st.session_state[key] = state.page()
    labels = {"story": "One story", "corpus": "All stories on one map"}
    return st.radio("Show", state.PAGES, key=key, format_func=labels.get, horizontal=True,
                    on_change=lambda: state.set_page(st.session_state[key]))


def _label(entries: dict, name: str) -> str:
    entry = entries.get(name)
    if entry is None:
        return f"{name} (file)"
    fixes = f" · {entry.overrides} correction(s)" if entry.overrides else ""
    date = f" · {entry.published}" if entry.published else ""
    return f"{entry.title}{date}{fixes}"


def render_library(library: Library, current: str) -> None:
    """Search and open saved stories; rename or delete the one open."""
    st.markdown("**Story library**")
    query = st.text_input("Search the library", key=SEARCH_KEY, placeholder="title, place, words…")
    found = library.list(query)
    entries = {e.id: e for e in found}
    names = list(entries)
    if not query:
        names += [n for n in story_names() if n not in entries and n != SEED_ID]
    if current not in names:
        names = [current, *names]
    if query:
        st.caption(md_escape(f"{len(found)} saved stor{'y' if len(found) == 1 else 'ies'} match {query!r}."))
    st.session_state[PICK_KEY] = current

    def switch() -> None:
        state.set_story_name(st.session_state[PICK_KEY])

    st.selectbox("Story", names, key=PICK_KEY, format_func=lambda n: _label(entries, n), on_change=switch)
    if current not in entries:
        return
    with st.expander("Rename or delete this story"):
        st.text_input("New title", key=f"{RENAME_KEY}_{current}", value=entries[current].title)
        st.button("Rename", key=f"{RENAME_KEY}_go", on_click=_rename, args=(library, current))
        if current == SEED_ID:
            st.caption("The seed story always stays in the library.")
            return
        st.checkbox("Yes, delete it", key=CONFIRM_KEY)
        st.button("Delete", key=DELETE_KEY, on_click=_delete, args=(library, current),
                  disabled=not st.session_state.get(CONFIRM_KEY))


def _rename(library: Library, name: str) -> None:
    try:
        library.rename(name, st.session_state.get(f"{RENAME_KEY}_{name}") or "")
        state.notify("Renamed.")
    except (GeostoryError, KeyError) as exc:
        state.notify(md_escape(f"Could not rename: {exc}"))


def _delete(library: Library, name: str) -> None:
    try:
        library.delete(name)
    except GeostoryError as exc:
        state.notify(md_escape(f"Could not delete: {exc}"))
        return
    st.session_state[CONFIRM_KEY] = False
    state.notify("Story deleted.")
    state.set_story_name(SEED_ID)
