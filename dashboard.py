"""geostory dashboard: ``streamlit run dashboard.py`` (page config and wiring only; pieces in components/).

The page icon is a Material icon, not an emoji: an emoji makes Streamlit compile its emoji catalogue (0.05-0.15 s of
the first run, before anything reaches the browser)."""

import streamlit as st

from components import (
    load_story_or_stop,
    render_article,
    render_header,
    render_map,
    render_place_panel,
    render_place_picker,
    render_timeline,
    state,
)
from components.analyse import render_analyse_form, render_story_import
from components.exports import render_exports
from components.i18n import resolve as resolve_language
from components.i18n import t
from components.library import render_library, render_page_switch
from components.review import render_review
from components.stories import get_library
from geostory.maps import places_in_period

st.set_page_config(page_title="geostory", page_icon=":material/map:", layout="wide", initial_sidebar_state="collapsed")

resolve_language()  # FR / EN: the switch, ?lang=, the browser's language, else French
library = get_library()
name = state.story_name()
with st.sidebar:
    render_page_switch()
    render_library(library, name)
    render_analyse_form()
    with st.expander(t("import_expander")):
        render_story_import()
    st.caption(t("map_credits"))
if notice := state.pop_notice():
    st.toast(notice)
if state.page() == "corpus":
    from components.corpus import render_corpus  # only on this page

    render_corpus(library)
    st.stop()
story = load_story_or_stop(name, library)
state.bind_story(story, name)
state.sync_map_click(story)
selected = state.selected_place(story)

render_header(story)
left, right = st.columns([3, 2], gap="medium")
with left:
    map_slot = st.container()
    period = render_timeline(story)
with right:  # drawn before the map, so the panel updates first after a click
    render_place_picker(story)
    render_place_panel(story, selected)
    render_review(story, name, selected)
with map_slot:
    render_map(story, selected=selected, visible=places_in_period(story, *period) if period else None)
render_article(story, selected=selected)
render_exports(story, name, selected)
