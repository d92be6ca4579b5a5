"""Streamlit pieces of the dashboard: ``render_*(story, ...)`` functions; :mod:`components.state` owns the keys."""

from components.article import render_article
from components.header import render_header
from components.map import render_map
from components.places import render_place_panel, render_place_picker
from components.stories import load_story_or_stop, story_names
from components.timeline import render_timeline

__all__ = [
    "load_story_or_stop",
    "render_article",
    "render_header",
    "render_map",
    "render_place_panel",
    "render_place_picker",
    "render_timeline",
    "story_names",
]
