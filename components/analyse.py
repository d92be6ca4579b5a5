"""Map a new article from the dashboard: paste it, upload a file or give a link; import a Story JSON.

The article is read with :mod:`geostory.ingest` (links fetched safely: http/https only, public addresses,
size and time capped), extracted stage by stage with a progress bar, saved in the story library and opened
(``?story=<id>``). The spaCy pipeline and the gazetteer load once per server (``st.cache_resource``). An online
geocoder is chained when one is configured in ``st.secrets`` or the environment (docs/geocoding.md).
"""

from __future__ import annotations

import datetime as dt
import os

import streamlit as st

from components import state
from components.html import md_escape
from components.i18n import current, language_name, t
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
LANGS = ("auto", "fr", "en")


@st.cache_resource(show_spinner="Chargement du modèle de langue et du gazetteer · Loading the language model and the gazetteer…")
def get_resources(lang: str):
    """The spaCy pipeline for ``lang`` and the offline gazetteer, shared by every session."""
    from geostory.gazetteer.index import get_gazetteer
    from geostory.nlp import get_nlp

    return get_nlp(lang), get_gazetteer()


def url_allow() -> tuple[str, ...]:
    """Private networks links may point to (``$GEOSTORY_URL_ALLOW``; empty in production)."""
    return tuple(n.strip() for n in os.environ.get(URL_ALLOW_ENV, "").split(",") if n.strip())


def secrets_dict() -> dict:
    """``st.secrets`` as a plain dict; empty when the app has no secrets file."""
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, OSError, ValueError):  # no secrets.toml (StreamlitSecretNotFoundError), or unreadable
        return {}


def geocoder_config(env=None, secrets=None):
    """The online geocoder configured in ``st.secrets`` or the environment, or None (offline only).

    GeocoderConfigError (a GeostoryError) with what to set when the configuration is wrong.
    """
    from geostory.geocode.online import load_config

    config = load_config(env=os.environ if env is None else env, secrets=secrets_dict() if secrets is None else secrets)
    return config if config.provider else None


def _stage_name(stage: str) -> str:
    key = f"stage_{stage}"
    try:
        return t(key)
    except KeyError:
        return stage


def extract_with_progress(article: Article, geocoder=None) -> Story:
    """Extract a story, showing each stage (reading, recognising, geocoding, quotes and events)."""
    with st.status(t("mapping"), expanded=True) as status:
        bar = st.progress(0.0, text=t("loading_model"))
        nlp, gazetteer = get_resources(article.lang)

        def report(stage: str, fraction: float) -> None:
            label = t("done") if stage == "done" else t(
                "stage_progress", stage=_stage_name(stage).capitalize(), i=STAGES.index(stage) + 1, n=len(STAGES))
            bar.progress(min(max(fraction, 0.0), 1.0), text=label)
            status.update(label=t("mapping_stage", stage=_stage_name(stage)))

        story = extract_in_stages(article, nlp=nlp, gazetteer=gazetteer, geocoder=geocoder, report=report)
        status.update(label=t("mapped", places=t("places_n", n=len(story.places)), events=t("events_n", n=len(
            story.events)), quotes=t("quotes_n", n=len(story.quotes))), state="complete", expanded=False)
    return story


def _draft(source: str, text: str, upload, url: str) -> Draft | None:
    if source == "Paste":
        if not text.strip():
            st.error(t("need_text"))
            return None
        return from_text(text, source="pasted in the dashboard")
    if source == "Upload":
        if upload is None:
            st.error(t("need_file"))
            return None
        return from_upload(upload.name, upload.getvalue())
    if not url.strip():
        st.error(t("need_link"))
        return None
    with st.spinner(t("fetching")):
        return from_url(url, allow=url_allow())


def render_analyse_form(*, key: str = FORM_KEY) -> None:
    """A sidebar form: an article (pasted, uploaded or linked), its language, date and title; map it."""
    lang_ui = current()  # the option labels are formatted in the run's language, even when read later
    st.markdown(f"**{t('analyse')}**")
    source = st.radio(t("analyse_from"), SOURCES, key=f"{key}_source", horizontal=True, label_visibility="collapsed",
                      format_func=lambda s: t(f"source_{s.lower()}", lang_ui))
    with st.form(key, clear_on_submit=False):
        text, upload, url = "", None, ""
        if source == "Paste":
            text = st.text_area(t("article_text"), height=160, placeholder=t("article_text_hint"))
        elif source == "Upload":
            upload = st.file_uploader(t("article_file"), type=["txt", "md", "html", "htm", "docx", "pdf"])
        else:
            url = st.text_input(t("article_link"), placeholder="https://…")
        title = st.text_input(t("title_optional"))
        lang = st.selectbox(t("language"), LANGS,
                            format_func=lambda code: t("lang_auto", lang_ui) if code == "auto" else language_name(code, lang_ui))
        published = st.date_input(t("published"), value=None, min_value=dt.date(1900, 1, 1), format="YYYY-MM-DD",
                                  help=t("published_help"))
        submitted = st.form_submit_button(t("map_it"), key=f"{key}_go")
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
            library.save(extract_with_progress(article, geocoder_config()), name)
    except (GeostoryError, OSError) as exc:
        st.error(t("map_failed", error=md_escape(str(exc))))
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
    upload = st.file_uploader(t("import_file"), type=["json"], key=key)
    if upload is None or not st.button(t("import_go"), key=f"{key}_go"):
        return
    try:
        name = import_story_json(upload.getvalue(), get_library())
    except (GeostoryError, UnicodeError) as exc:
        st.error(t("import_failed", name=md_escape(upload.name), error=md_escape(str(exc))))
        return
    state.set_story_name(name)
    st.rerun()
