"""The story's header: title, publication date, source, focus, counts and notes."""

from __future__ import annotations

import streamlit as st

from components.html import md_escape
from components.i18n import (
    country_name,
    format_date,
    language_name,
    render_language_switch,
    t,
)
from geostory.model import Story


def focus_names(story: Story) -> list[str]:
    """Names of the story's focus countries, as the story names them (else their ISO code)."""
    names = []
    for code in story.focus:
        place = next((p for p in story.places if p.kind == "country" and (p.country or "").upper() == code.upper()), None)
        names.append(place.name if place else country_name(code))
    return names


def main_places(story: Story, limit: int = 4) -> list[str]:
    """The most mentioned cities and landmarks."""
    local = [p for p in story.places if p.kind in ("city", "landmark", "region")]
    local.sort(key=lambda p: (-len(p.mentions), p.name.casefold()))
    return [p.name for p in local[:limit]]


def render_title_row(title: str) -> None:
    """The page title, with the FR / EN switch at its right."""
    head, switch = st.columns([6, 1], vertical_alignment="center")
    head.title(title, anchor=False)
    with switch:
        render_language_switch()


def render_header(story: Story) -> None:
    """Title (and the language switch), date, source, focus and what the story contains."""
    article = story.article
    render_title_row(article.title or t("untitled"))
    meta = [t("published_on", date=format_date(article.published)) if article.published else t("published_unknown")]
    if article.source:
        meta.append(t("source", source=md_escape(article.source)))
    meta.append(t("article_language", language=md_escape(language_name(article.lang))))
    st.caption(" · ".join(meta))
    focus = focus_names(story)
    local = main_places(story)
    mapped = sum(p.resolved for p in story.places)
    line = []
    if focus:
        line.append(f"**{t('focus')}** " + ", ".join(md_escape(n) for n in focus))
    if local:
        line.append(f"**{t('main_places')}** " + ", ".join(md_escape(n) for n in local))
    line.append(" · ".join((t("places_mapped", mapped=mapped, total=len(story.places)),
                            t("events_n", n=len(story.events)), t("quotes_n", n=len(story.quotes)))))
    st.markdown(" &nbsp;·&nbsp; ".join(line))
    for note in story.notes:
        st.info(note)
