"""The article text, with each place mention highlighted in the colour of its kind."""

from __future__ import annotations

import html

import streamlit as st

from components.html import PANEL_CSS, article_html, legend_chips
from components.i18n import t
from geostory.maps.tags import kinds_in
from geostory.model import Story

ARTICLE_KEY = "article_panel"
SCROLL_CSS = """
<style>
.gs-scroll { overflow-y: auto; }
.gs-scroll:focus-visible { outline: 2px solid #1d4ed8; outline-offset: 2px; }
.gs-scroll-boxed { border: 1px solid rgba(49, 51, 63, .2); border-radius: .5rem; padding: .75rem 1rem; }
</style>
"""


def scroll_region(body: str, *, label: str, height: int, boxed: bool = False) -> str:
    """``body`` (already escaped HTML) in a scrolling box keyboard users can focus and scroll; ``label`` names it."""
    cls = "gs-scroll gs-scroll-boxed" if boxed else "gs-scroll"
    return (f'<div class="{cls}" role="region" aria-label="{html.escape(label, quote=True)}" tabindex="0" '
            f'style="max-height:{int(height)}px">{body}</div>')


def render_article(story: Story, *, selected: str | None = None, key: str = ARTICLE_KEY, height: int = 420) -> None:
    """The full article in a scrolling box; quotes are underlined and anchored for the quote links."""
    with st.container(key=key):
        st.markdown(PANEL_CSS + SCROLL_CSS, unsafe_allow_html=True)
        st.markdown(f"**{t('article')}** &nbsp; {legend_chips(kinds_in(story))}", unsafe_allow_html=True)
        st.markdown(scroll_region(article_html(story, selected), label=t("article_text_region"), height=height,
                                  boxed=True), unsafe_allow_html=True)
