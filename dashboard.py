"""geostory dashboard: ``streamlit run dashboard.py`` (page config and wiring only; pieces in components/).

Streamlit sends each element to the browser as it is made, and the map's iframe takes longest to load, so the
first run of a session makes the map first; the header, the panels and the sidebar fill their places (empty
containers made beforehand) afterwards. Later runs (a click on the map) draw the panel first, so it updates first.
"""

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
from components.exports import render_exports
from components.i18n import resolve as resolve_language
from components.i18n import t
from components.review import render_review
from components.stories import get_library
from components.timeline import chosen_period
from geostory.maps import places_in_period

st.set_page_config(page_title="geostory", page_icon=":material/map:", layout="wide", initial_sidebar_state="collapsed")


def render_sidebar(library, name: str) -> None:
    """Page switch, story library, new article, Story JSON import, credits."""
    from components.analyse import render_analyse_form, render_story_import
    from components.library import render_library, render_page_switch

    with st.sidebar:
        render_page_switch()
        render_library(library, name)
        render_analyse_form()
        with st.expander(t("import_expander")):
            render_story_import()
        st.caption(t("map_credits"))


resolve_language()  # FR / EN: the switch, ?lang=, the browser's language, else French
library = get_library()
name = state.story_name()
map_first = state.first_run()
if notice := state.pop_notice():
    st.toast(notice)
if state.page() == "corpus":
    from components.corpus import render_corpus

    render_corpus(library, map_first=map_first)
    render_sidebar(library, name)
    st.stop()
story = load_story_or_stop(name, library)
state.bind_story(story, name)
state.sync_map_click(story)
selected = state.selected_place(story)
period = chosen_period(story)  # the timeline's range, drawn under the map
visible = places_in_period(story, *period) if period else None

header = st.container()
left, right = st.columns([3, 2], gap="medium")
if map_first:
    with left:
        render_map(story, selected=selected, visible=visible)
with right:
    render_place_picker(story)
    render_place_panel(story, selected)
    render_review(story, name, selected)
with left:
    if not map_first:
        render_map(story, selected=selected, visible=visible)
    render_timeline(story)
with header:
    render_header(story)
render_article(story, selected=selected)
render_exports(story, name, selected)
render_sidebar(library, name)
