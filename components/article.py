"""The article text, with each place mention highlighted in the colour of its kind."""

from __future__ import annotations

import streamlit as st

from components.html import PANEL_CSS, article_html, legend_chips
from geostory.maps.layers import kinds_in
from geostory.model import Story

ARTICLE_KEY = "article_panel"


def render_article(story: Story, *, selected: str | None = None, key: str = ARTICLE_KEY, height: int = 420) -> None:
    """The full article in a scrolling box; quotes are underlined and anchored for the quote links."""
    with st.container(key=key):
        st.markdown(PANEL_CSS, unsafe_allow_html=True)
        st.markdown(f"**Article** &nbsp; {legend_chips(kinds_in(story))}", unsafe_allow_html=True)
        with st.container(height=height, border=True):
            st.markdown(article_html(story, selected), unsafe_allow_html=True)
