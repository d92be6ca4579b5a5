"""The sidebar's story library: search, open, rename, delete saved stories; switch to the corpus view."""

from __future__ import annotations

import streamlit as st

from components import i18n, state
from components.html import md_escape
from components.i18n import format_date, t
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
    labels = {"story": t("page_story"), "corpus": t("page_corpus")}
    return st.radio(t("page_switch"), state.PAGES, key=key, format_func=labels.get, horizontal=True,
                    on_change=lambda: state.set_page(st.session_state[key]))


def _label(entries: dict, name: str, lang: str | None = None) -> str:
    entry = entries.get(name)
    if entry is None:
        return t("story_file", lang, name=name)
    fixes = f" · {t('corrections_n', lang, n=entry.overrides)}" if entry.overrides else ""
    date = f" · {format_date(entry.published, None, lang)}" if entry.published else ""
    return f"{entry.title}{date}{fixes}"


def render_library(library: Library, current: str) -> None:
    """Search and open saved stories; rename or delete the one open."""
    st.markdown(f"**{t('library')}**")
    query = st.text_input(t("library_search"), key=SEARCH_KEY, placeholder=t("library_search_hint"))
    found = library.list(query)
    entries = {e.id: e for e in found}
    names = list(entries)
    if not query:
        names += [n for n in story_names() if n not in entries and n != SEED_ID]
    if current not in names:
        names = [current, *names]
    if query:
        st.caption(md_escape(t("library_found", n=len(found), query=repr(query))))
    st.session_state[PICK_KEY] = current
    lang = i18n.current()  # labels in the run's language, even when formatted later

    def switch() -> None:
        # Streamlit identifies a select box's options by their labels: a value sent by a page still showing the
        # labels of another language (the first run is in French until the browser's language is known) comes
        # back as that label, not as a story name; it is ignored, as the place search box ignores unknown ids
        picked = st.session_state[PICK_KEY]
        if picked in names:
            state.set_story_name(picked)

    st.selectbox(t("story"), names, key=PICK_KEY, format_func=lambda n: _label(entries, n, lang), on_change=switch)
    if current not in entries:
        return
    with st.expander(t("rename_or_delete")):
        st.text_input(t("new_title"), key=f"{RENAME_KEY}_{current}", value=entries[current].title)
        st.button(t("rename"), key=f"{RENAME_KEY}_go", on_click=_rename, args=(library, current))
        if current == SEED_ID:
            st.caption(t("seed_stays"))
            return
        st.checkbox(t("delete_confirm"), key=CONFIRM_KEY)
        st.button(t("delete"), key=DELETE_KEY, on_click=_delete, args=(library, current),
                  disabled=not st.session_state.get(CONFIRM_KEY))


def _rename(library: Library, name: str) -> None:
    try:
        library.rename(name, st.session_state.get(f"{RENAME_KEY}_{name}") or "")
        state.notify(t("renamed"))
    except (GeostoryError, KeyError) as exc:
        state.notify(md_escape(t("rename_failed", error=exc)))


def _delete(library: Library, name: str) -> None:
    try:
        library.delete(name)
    except GeostoryError as exc:
        state.notify(md_escape(t("delete_failed", error=exc)))
        return
    st.session_state[CONFIRM_KEY] = False
    state.notify(t("deleted"))
    state.set_story_name(SEED_ID)
