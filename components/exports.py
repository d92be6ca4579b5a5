"""Download the story: Story JSON, GeoJSON, CSV tables, a standalone HTML map; and its shareable link."""

from __future__ import annotations

import json
import re

import streamlit as st

from components import state
from components.i18n import current, t
from geostory.export import (
    CSV_TABLES,
    story_to_csv,
    story_to_geojson,
    story_to_json,
)
from geostory.model import Story

EXPORTS_KEY = "gs_exports"


def file_stem(story: Story, name: str) -> str:
    """A safe file name for the story's exports."""
    words = re.sub(r"[^\w]+", "-", (story.article.title or name).casefold()).strip("-")[:50].strip("-")
    return words or name


@st.cache_data(show_spinner=False, max_entries=8)
def _html(story_json: str, lang: str) -> str:
    from geostory.export import story_from_json
    from geostory.maps.standalone import standalone_html

    return standalone_html(story_from_json(story_json), lang)


def export_files(story: Story, name: str, lang: str | None = None) -> list[tuple[str, str, str, object]]:
    """``(label, file name, MIME type, data or callable)`` for each export of ``story`` (labels in ``lang``)."""
    stem = file_stem(story, name)
    lang = lang or current()
    text = story_to_json(story)
    files: list[tuple[str, str, str, object]] = [
        (t("export_json", lang), f"{stem}.story.json", "application/json", text),
        (t("export_geojson", lang), f"{stem}.geojson", "application/geo+json",
         json.dumps(story_to_geojson(story), ensure_ascii=False, indent=1)),
    ]
    files += [(t("export_csv", lang, table=table), f"{stem}.{table}.csv", "text/csv", story_to_csv(story, table))
              for table in CSV_TABLES]
    files.append((t("export_html", lang), f"{stem}.html", "text/html", lambda: _html(text, lang)))
    return files


def render_exports(story: Story, name: str, selected: str | None = None, *, key: str = EXPORTS_KEY) -> None:
    """Download buttons for every export, and the link that reopens this story and place."""
    with st.container(key=key):
        st.markdown(f"**{t('share')}**")
        link = state.share_link(name, selected)
        st.caption(t("share_link_place" if selected else "share_link"))
        st.code(link, language=None)
        cols = st.columns(3)
        for i, (label, filename, mime, data) in enumerate(export_files(story, name)):
            cols[i % 3].download_button(label, data, file_name=filename, mime=mime, key=f"{key}_{i}",
                                        on_click="ignore", width="stretch")
        if story.overrides:
            st.caption(t("exports_corrections", n=len(story.overrides), detail=t("exports_corrections_detail")))
