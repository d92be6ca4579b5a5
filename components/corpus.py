"""All saved stories on one map: filters (dates, countries, people, stories), counts per place, and a click
on a place listing what every article says happened there."""

from __future__ import annotations

import html

import streamlit as st

from components import state
from components.html import PANEL_CSS, event_html, quote_html
from components.i18n import country_name, current, format_date, kind_label, t
from geostory.corpus import (
    CorpusPlace,
    Filters,
    appearances,
    corpus_places,
    countries_of,
    date_span,
    people_of,
    select_stories,
)
from geostory.library import Library
from geostory.maps.assets import load_basemap
from geostory.maps.tags import place_id_from_click

CORPUS_KEY = "corpus_panel"
DATES_KEY = "gs_corpus_dates"
COUNTRIES_KEY = "gs_corpus_countries"
PEOPLE_KEY = "gs_corpus_people"
STORIES_KEY = "gs_corpus_stories"
PICK_KEY = "gs_corpus_pick"
COUNTS_KEY = "gs_corpus_counts"
RETURNED_OBJECTS = ["last_object_clicked_tooltip", "last_object_clicked_count"]
PAGE_SIZE = 20  # stories listed at once in the place panel (a place can be in hundreds)


@st.cache_resource(show_spinner="Lecture de la bibliothèque · Reading the library…", max_entries=4)
def _stories(path: str, revision: str) -> list:
    return Library(path).stories()


def saved_stories(library: Library) -> list:
    """Every readable story of the library, as ``(id, Story)`` (cached until the library changes)."""
    return _stories(str(library.path), library.revision())


def render_filters(stories: list) -> Filters:
    """The filter widgets; returns what they keep."""
    span = date_span(stories)
    cols = st.columns([2, 2, 2, 2])
    start = end = None
    with cols[0]:
        if span and span[0] < span[1]:
            chosen = st.slider(t("published_between"), min_value=span[0], max_value=span[1], value=span,
                               key=DATES_KEY, format=t("slider_date_format"))
            if tuple(chosen) != span:
                start, end = chosen
        elif span:
            st.caption(t("all_published_on", date=format_date(span[0])))
    lang = current()  # option labels in the run's language, even when formatted later
    countries = cols[1].multiselect(t("countries"), countries_of(stories), key=COUNTRIES_KEY, placeholder=t("choose"),
                                    format_func=lambda c: f"{country_name(c, lang)} ({c})")
    people = cols[2].multiselect(t("people"), people_of(stories), key=PEOPLE_KEY, placeholder=t("choose"))
    titles = {sid: s.article.title or sid for sid, s in stories}
    chosen_stories = cols[3].multiselect(t("stories"), list(titles), key=STORIES_KEY, format_func=titles.get,
                                         placeholder=t("choose"))
    return Filters(start, end, tuple(countries), tuple(people), tuple(chosen_stories))


def _sync_click(places: list[CorpusPlace]) -> None:
    value = st.session_state.get(state.CORPUS_MAP_KEY)
    if not isinstance(value, dict):
        return
    signature = (value.get("last_object_clicked_count"), value.get("last_object_clicked_tooltip"))
    if signature == st.session_state.get(state.CORPUS_HANDLED_KEY):
        return
    st.session_state[state.CORPUS_HANDLED_KEY] = signature
    key = place_id_from_click(value)
    if key is not None and any(p.key == key for p in places):
        st.session_state[state.CORPUS_SELECTED_KEY] = key
        st.session_state[PICK_KEY] = key


def _on_pick() -> None:
    st.session_state[state.CORPUS_SELECTED_KEY] = st.session_state.get(PICK_KEY)


def render_corpus(library: Library, *, height: int = 560) -> None:
    """The corpus page."""
    from components.header import render_title_row

    stories = saved_stories(library)
    render_title_row(t("corpus_title"))
    if not stories:
        st.info(t("corpus_empty"))
        return
    filters = render_filters(stories)
    kept = select_stories(stories, filters)
    places = corpus_places(stories, filters)
    _sync_click(places)
    keys = [p.key for p in places]
    selected = st.session_state.get(state.CORPUS_SELECTED_KEY)
    if selected not in keys:
        selected = None
        st.session_state[state.CORPUS_SELECTED_KEY] = None
    mentions = sum(p.mentions for p in places)
    st.markdown(t("corpus_summary", places=t("places_n", n=len(places)), kept=len(kept), total=len(stories),
                  mentions=t("mentions_n", n=mentions)))
    left, right = st.columns([3, 2], gap="medium")
    by_key = {p.key: p for p in places}
    lang = current()
    with right:
        if st.session_state.get(PICK_KEY) not in keys:
            st.session_state[PICK_KEY] = selected
        labels = {p.key: t("corpus_option", lang, name=p.name, stories=t("stories_n", lang, n=len(p.stories)))
                  for p in places}
        st.selectbox(t("place_search"), keys, index=None, key=PICK_KEY, on_change=_on_pick, format_func=labels.get,
                     placeholder=t("place_search_hint", n=len(keys)))
        render_corpus_place(stories, by_key.get(selected))
    with left:
        # folium (with pandas and branca) loads here, after the filters and the panel were sent (components/map.py)
        import folium
        from streamlit_folium import st_folium

        from geostory.maps.corpus import build_corpus_base_map, build_corpus_layer

        st_folium(
            build_corpus_base_map(basemap=load_basemap(), lang=lang),
            key=state.CORPUS_MAP_KEY,
            height=height,
            use_container_width=True,
            returned_objects=RETURNED_OBJECTS,
            feature_group_to_add=build_corpus_layer(places, selected=selected, lang=lang),
            layer_control=folium.LayerControl(collapsed=True),
            on_change=lambda: _sync_click(places),
            render=False,
        )
        render_counts(places)


def render_counts(places: list[CorpusPlace], limit: int = 200) -> None:
    """Counts per place (stories, mentions) in a sortable table, shown when asked for.

    Off by default: the table is Streamlit's data grid, the largest part of its front end; loaded with the page it
    delays the map it sits under (corpus first render 0.2 s later, benchmarks/README.md)."""
    if not st.toggle(t("corpus_counts_show", n=min(len(places), limit)), key=COUNTS_KEY):
        return
    rows = [{t("col_place"): p.name, t("col_kind"): kind_label(p.kind).lower(), t("col_country"): p.country or "",
             t("col_stories"): len(p.stories), t("col_mentions"): p.mentions} for p in places[:limit]]
    st.dataframe(rows, hide_index=True, width="stretch", height=260)


def _open(story_id: str, place_id: str) -> None:
    state.set_story_name(story_id, place_id)


def render_corpus_place(stories: list, place: CorpusPlace | None, *, key: str = CORPUS_KEY) -> None:
    """What every article says about the selected place: its stories, events and quotes."""
    with st.container(key=key):
        st.markdown(PANEL_CSS, unsafe_allow_html=True)
        if place is None:
            st.caption(t("corpus_hint"))
            return
        st.subheader(place.name, anchor=False)
        found = appearances(stories, place)
        st.caption(t("corpus_place_counts", stories=t("stories_n", n=len(found)), mentions=t("mentions_n", n=place.mentions),
                     events=t("events_n", n=sum(len(a.events) for a in found)),
                     quotes=t("quotes_n", n=sum(len(a.quotes) for a in found))))
        shown = shown_count(key, place.key, len(found))
        for i, a in enumerate(found[:shown]):
            title = a.story.article.title or a.story_id
            date = f" · {format_date(a.story.article.published)}" if a.story.article.published else ""
            st.markdown(f'<div class="gs-item-head"><b>{html.escape(title)}</b>{html.escape(date)}</div>',
                        unsafe_allow_html=True)
            if a.events:
                st.markdown("".join(event_html(a.story, e) for e in a.events), unsafe_allow_html=True)
            if a.quotes:
                st.markdown("".join(quote_html(a.story, q) for q in a.quotes), unsafe_allow_html=True)
            if not a.events and not a.quotes:
                st.caption(t("mentioned_only"))
            st.button(t("open_here"), key=f"{key}_open_{i}", on_click=_open, args=(a.story_id, a.place.id))
        if shown < len(found):
            st.caption(t("corpus_shown", shown=shown, total=len(found)))
            st.button(t("show_more", n=min(PAGE_SIZE, len(found) - shown)), key=f"{key}_more", on_click=_show_more,
                      args=(key, place.key, shown))


def shown_count(key: str, place_key: str, total: int) -> int:
    """How many of a place's stories the panel lists: :data:`PAGE_SIZE`, more after each "show more" (per place)."""
    chosen = st.session_state.get(f"{key}_shown")
    wanted = chosen[1] if isinstance(chosen, tuple) and chosen[0] == place_key else PAGE_SIZE
    return min(total, wanted)


def _show_more(key: str, place_key: str, shown: int) -> None:
    st.session_state[f"{key}_shown"] = (place_key, shown + PAGE_SIZE)
