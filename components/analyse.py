"""Map a new article from the dashboard: paste it, upload a file or give a link; import a Story JSON.

The article is read with :mod:`geostory.ingest` (links fetched safely: http/https only, public addresses,
size and time capped), extracted stage by stage with a progress bar, saved in the story library and opened
(``?story=<id>``). The spaCy pipeline and the gazetteer load once per server (``st.cache_resource``).
"""

from __future__ import annotations

import datetime as dt
import os

import streamlit as st

from components import state
from components.html import md_escape
from components.stories import get_library
from geostory.errors import GeostoryError
from geostory.ingest import (
    STAGES,
    Draft,
    extract_in_stages,
    from_text,
    from_upload,
    from_url,
)
from geostory.library import story_id_for
from geostory.model import Article, Story

FORM_KEY = "gs_analyse"
SOURCES = ("Paste", "Upload", "Link")
URL_ALLOW_ENV = "GEOSTORY_URL_ALLOW"  # comma-separated networks links may point to although private (tests only)
LANGS = {"auto": "Detect", "fr": "French", "en": "English"}


@st.cache_resource(show_spinner="Loading the language model and the gazetteer (once per server)…")
def get_resources(lang: str):
    """The spaCy pipeline for ``lang`` and the offline gazetteer, shared by every session."""
    from geostory.gazetteer.index import get_gazetteer
    from geostory.nlp import get_nlp

    return get_nlp(lang), get_gazetteer()


def url_allow() -> tuple[str, ...]:
    """Private networks links may point to (``$GEOSTORY_URL_ALLOW``; empty in production)."""
    return tuple(n.strip() for n in os.environ.get(URL_ALLOW_ENV, "").split(",") if n.strip())


def extract_with_progress(article: Article) -> Story:
    """Extract a story, showing each stage (reading, recognising, geocoding, quotes and events)."""
    with st.status("Mapping the article…", expanded=True) as status:
        bar = st.progress(0.0, text="Loading the language model…")
        nlp, gazetteer = get_resources(article.lang)

        def report(stage: str, fraction: float) -> None:
            label = "Done" if stage == "done" else f"{stage.capitalize()}… ({STAGES.index(stage) + 1}/{len(STAGES)})"
            bar.progress(min(max(fraction, 0.0), 1.0), text=label)
            status.update(label=f"Mapping the article: {stage}")

        story = extract_in_stages(article, nlp=nlp, gazetteer=gazetteer, report=report)
        status.update(label=f"Mapped: {len(story.places)} places, {len(story.events)} events, "
                            f"{len(story.quotes)} quotes", state="complete", expanded=False)
    return story


def _draft(source: str, text: str, upload, url: str) -> Draft | None:
    if source == "Paste":
        if not text.strip():
            st.error("Paste the article's text first.")
            return None
        return from_text(text, source="pasted in the dashboard")
    if source == "Upload":
        if upload is None:
            st.error("Choose a file first (.txt, .md, .html, .docx or .pdf).")
            return None
        return from_upload(upload.name, upload.getvalue())
    if not url.strip():
        st.error("Give the link of the article first.")
        return None
    with st.spinner("Fetching the page…"):
        return from_url(url, allow=url_allow())


def render_analyse_form(*, key: str = FORM_KEY) -> None:
    """A sidebar form: an article (pasted, uploaded or linked), its language, date and title; map it."""
    st.markdown("**Map another article**")
    source = st.radio("From", SOURCES, key=f"{key}_source", horizontal=True, label_visibility="collapsed")
    with st.form(key, clear_on_submit=False):
        text, upload, url = "", None, ""
        if source == "Paste":
            text = st.text_area("Article text", height=160, placeholder="Paste the text of a news article…")
        elif source == "Upload":
            upload = st.file_uploader("Article file", type=["txt", "md", "html", "htm", "docx", "pdf"])
        else:
            url = st.text_input("Link to the article", placeholder="https://…")
        title = st.text_input("Title (optional)")
        lang = st.selectbox("Language", list(LANGS), format_func=LANGS.get)
        published = st.date_input("Published", value=None, min_value=dt.date(1900, 1, 1), format="YYYY-MM-DD",
                                  help="Relative dates (yesterday, on Monday) count from it. Empty: the page's own "
                                       "date, else today.")
        submitted = st.form_submit_button("Map it", key=f"{key}_go")
    if not submitted:
        return
    try:
        draft = _draft(source, text, upload, url)
        if draft is None:
            return
        article = draft.article(lang=None if lang == "auto" else lang, published=published, title=title)
        library = get_library()
        name = story_id_for(Story(article=article))
        if name not in library:
            library.save(extract_with_progress(article), name)
    except (GeostoryError, OSError) as exc:
        st.error(f"**Could not map this article.** {md_escape(str(exc))}")
        return
    state.set_story_name(name)
    st.rerun()


def import_story_json(data: bytes, library) -> str:
    """Save a Story JSON document (as exported) in ``library``; returns its id. StoryFormatError/UnicodeError."""
    from geostory.export import story_from_json

    story = story_from_json(data.decode("utf-8-sig"))
    return library.save(story, story_id_for(story))


def render_story_import(*, key: str = "gs_import_json") -> None:
    """Open a Story JSON file (exported by geostory) and keep it in the library."""
    upload = st.file_uploader("Import a Story JSON", type=["json"], key=key)
    if upload is None or not st.button("Import it", key=f"{key}_go"):
        return
    try:
        name = import_story_json(upload.getvalue(), get_library())
    except (GeostoryError, UnicodeError) as exc:
        st.error(f"**Could not import {md_escape(upload.name)}.** {md_escape(str(exc))}")
        return
    state.set_story_name(name)
    st.rerun()
