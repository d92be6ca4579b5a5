"""geostory dashboard: ``streamlit run dashboard.py`` (page config and wiring only; pieces in components/)."""

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
from components.analyse import render_analyse_form
from components.stories import render_story_picker
from geostory.maps import places_in_period

st.set_page_config(page_title="geostory", page_icon="🗺️", layout="wide", initial_sidebar_state="collapsed")

name = state.story_name()
with st.sidebar:
    render_story_picker(name)
    render_analyse_form()
    st.caption("Map data: Natural Earth (offline), © OpenStreetMap contributors, © CARTO (online).")
story = load_story_or_stop(name)
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
with map_slot:
    render_map(story, selected=selected, visible=places_in_period(story, *period) if period else None)
render_article(story, selected=selected)
