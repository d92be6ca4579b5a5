"""Map a new article from the dashboard: paste it, extract its Story, save it, open it by URL.

The spaCy pipeline and the gazetteer load once per server (``st.cache_resource``); a given text with the same
settings is extracted once (``st.cache_data``). Saved stories are ``u-<hash>.story.json`` files in
``$GEOSTORY_CACHE/stories`` (``~/.cache/geostory/stories``), so ``?story=u-<hash>`` reopens them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import streamlit as st

from components import state
from geostory.errors import GeostoryError
from geostory.export import story_from_json, story_to_json
from geostory.gazetteer.build import default_cache_dir
from geostory.model import Article, Story

USER_PREFIX = "u-"
FORM_KEY = "gs_analyse"


def user_story_dir() -> Path:
    """Where stories made in the dashboard are kept."""
    return default_cache_dir() / "stories"


@st.cache_resource(show_spinner="Loading the language model and the gazetteer (once per server)…")
def get_resources(lang: str):
    """The spaCy pipeline for ``lang`` and the offline gazetteer, shared by every session."""
    from geostory.gazetteer.index import get_gazetteer
    from geostory.nlp import get_nlp

    return get_nlp(lang), get_gazetteer()


@st.cache_data(show_spinner=False, max_entries=64)
def extract_json(text: str, lang: str, published: str | None, title: str | None) -> str:
    """Story JSON of an article (cached per text and settings)."""
    from geostory.cli import headline_of
    from geostory.extract.pipeline import extract_story

    nlp, gazetteer = get_resources(lang)
    article = Article(text=text, lang=lang, published=published, title=title or headline_of(text),
                      source="pasted in the dashboard")
    return story_to_json(extract_story(article, gazetteer=gazetteer, doc=nlp(text)))


def save_user_story(story: Story) -> str:
    """Save a story made in the dashboard; returns its name (stable for the same article and settings)."""
    text = story_to_json(story)
    key = "\n".join((story.article.lang, story.article.published or "", story.article.title or "", story.article.text))
    name = USER_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    folder = user_story_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.story.json").write_text(text, encoding="utf-8")
    return name


def render_analyse_form(*, key: str = FORM_KEY) -> None:
    """A sidebar form: paste an article, choose its language and date, map it."""
    with st.form(key, clear_on_submit=False):
        st.markdown("**Map another article**")
        text = st.text_area("Article text", height=160, placeholder="Paste the text of a news article…")
        title = st.text_input("Title (optional)")
        lang = st.selectbox(
            "Language", ["auto", "fr", "en"], format_func={"auto": "Detect", "fr": "French", "en": "English"}.get
        )
        published = st.date_input("Published", value=None, min_value=dt.date(1900, 1, 1), format="YYYY-MM-DD")
        submitted = st.form_submit_button("Map it")
    if not submitted:
        return
    if not text.strip():
        st.error("Paste the article's text first.")
        return
    if lang == "auto":
        from geostory.cli import detect_lang

        lang = detect_lang(text)
    try:
        with st.spinner("Finding places, people, quotes and events…"):
            data = extract_json(text.strip(), lang, published.isoformat() if published else None, title.strip() or None)
        name = save_user_story(story_from_json(data))
    except (GeostoryError, OSError) as exc:
        st.error(f"**Could not map this article.** {exc}")
        return
    state.set_story_name(name)
    st.rerun()
