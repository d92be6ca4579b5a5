"""The story's header: title, publication date, source, focus, counts and notes."""

from __future__ import annotations

import streamlit as st

from components.html import md_escape
from geostory.maps.style import format_date
from geostory.model import Story


def focus_names(story: Story) -> list[str]:
    """Names of the story's focus countries, as the story names them (else their ISO code)."""
    names = []
    for code in story.focus:
        place = next((p for p in story.places if p.kind == "country" and (p.country or "").upper() == code.upper()), None)
        names.append(place.name if place else _country_name(code))
    return names


def _country_name(code: str) -> str:
    try:
        import pycountry

        country = pycountry.countries.get(alpha_2=code.upper())
        return getattr(country, "common_name", None) or country.name if country else code
    except (ImportError, LookupError, AttributeError):
        return code


def main_places(story: Story, limit: int = 4) -> list[str]:
    """The most mentioned cities and landmarks."""
    local = [p for p in story.places if p.kind in ("city", "landmark", "region")]
    local.sort(key=lambda p: (-len(p.mentions), p.name.casefold()))
    return [p.name for p in local[:limit]]


def render_header(story: Story) -> None:
    """Title, date, source, focus and what the story contains."""
    article = story.article
    st.title(article.title or "Untitled story", anchor=False)
    meta = [f"Published {format_date(article.published)}" if article.published else "Publication date unknown"]
    if article.source:
        meta.append(f"Source: {md_escape(article.source)}")
    meta.append(f"Language: {article.lang}")
    st.caption(" · ".join(meta))
    focus = focus_names(story)
    local = main_places(story)
    mapped = sum(p.resolved for p in story.places)
    line = []
    if focus:
        line.append("**Focus:** " + ", ".join(md_escape(n) for n in focus))
    if local:
        line.append("**Main places:** " + ", ".join(md_escape(n) for n in local))
    line.append(
        f"{mapped} of {len(story.places)} places on the map · {len(story.events)} events · {len(story.quotes)} quotes"
    )
    st.markdown(" &nbsp;·&nbsp; ".join(line))
    for note in story.notes:
        st.info(note)
