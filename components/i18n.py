"""The interface language (French or English): ``t(key)``, plurals, dates and the FR / EN switch.

The language of a session is, in order: the switch (``st.session_state[LANG_KEY]``), the URL (``?lang=en``, so a
shared link keeps it), the browser's language (``st.context.locale``), else the server's default
(``$GEOSTORY_UI_LANG``, French when unset). The URL always mirrors it. Dates are formatted for the language with
babel, at the precision of :class:`geostory.model.DateValue` (day, month or year). Outside a Streamlit run (pure
functions, tests) the language is the server's default.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_skeleton

from components.translations import LANGS, TEXTS

DEFAULT = "fr"
DEFAULT_ENV = "GEOSTORY_UI_LANG"  # the interface language when neither the URL nor the browser gives one
LANG_PARAM = "lang"
LANG_KEY = "gs_lang"  # the switch's widget key
LANG_NAMES = {"fr": "FR", "en": "EN"}
_BACKUP_KEY = "gs_lang_previous"


def _running() -> bool:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        return get_script_run_ctx(suppress_warning=True) is not None
    except ImportError:  # pragma: no cover - streamlit is a dependency of components/
        return False


def normalise(value: object) -> str | None:
    """``"en-US"``, ``"EN"``, ``["fr"]`` -> a supported language code, or None."""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if not isinstance(value, str):
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if code in LANGS else None


def default_lang() -> str:
    """The server's default interface language: ``$GEOSTORY_UI_LANG`` when supported, else French."""
    return normalise(os.environ.get(DEFAULT_ENV)) or DEFAULT


def current() -> str:
    """The language of this session (the server's default outside a Streamlit run)."""
    if not _running():
        return default_lang()
    import streamlit as st

    return normalise(st.session_state.get(LANG_KEY)) or normalise(st.session_state.get(_BACKUP_KEY)) or default_lang()


def browser_lang() -> str | None:
    """The browser's language when Streamlit knows it and it is supported."""
    import streamlit as st

    try:
        return normalise(st.context.locale)
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        return None


def resolve() -> str:
    """Decide this run's language (switch > URL > browser > French), keep it in the session and the URL."""
    import streamlit as st

    chosen = (normalise(st.session_state.get(LANG_KEY)) or normalise(st.query_params.get(LANG_PARAM))
              or browser_lang() or default_lang())
    st.session_state[LANG_KEY] = chosen
    st.session_state[_BACKUP_KEY] = chosen
    if st.query_params.get(LANG_PARAM) != chosen:
        st.query_params[LANG_PARAM] = chosen
    return chosen


def _on_switch() -> None:
    import streamlit as st

    chosen = normalise(st.session_state.get(LANG_KEY))
    if chosen is None:  # the selected button was clicked again: keep the language
        st.session_state[LANG_KEY] = st.session_state.get(_BACKUP_KEY) or default_lang()
        return
    st.session_state[_BACKUP_KEY] = chosen
    st.query_params[LANG_PARAM] = chosen


# The selected option's text is the theme's primary colour on its tint: 4.47:1, under WCAG AA's 4.5:1.
SWITCH_CSS = f"<style>.st-key-{LANG_KEY} button[aria-checked='true'] p {{ color: #b42334; }}</style>"


def render_language_switch() -> str:
    """The FR / EN switch; returns the language."""
    import streamlit as st

    st.markdown(SWITCH_CSS, unsafe_allow_html=True)
    st.segmented_control(t("language_switch"), LANGS, key=LANG_KEY, format_func=LANG_NAMES.get,
                         on_change=_on_switch, label_visibility="collapsed")
    return current()


def t(key: str, lang: str | None = None, **values) -> str:
    """The interface text ``key`` in ``lang`` (default: this session's), formatted with ``values``.

    A plural entry takes its form from ``n`` (French: 0 and 1 are singular). KeyError for an unknown key.
    """
    lang = lang if lang in LANGS else current()
    text = TEXTS[lang][key]
    if isinstance(text, tuple):
        n = values.get("n", 0)
        text = text[0] if _locale(lang).plural_form(abs(n)) == "one" else text[1]
    return text.format(**values) if values else text


@lru_cache(maxsize=32)
def _locale(code: str) -> Locale:
    """``Locale.parse(code)``, parsed once per code (a parse costs ~15 µs; ``t()`` runs per option of long lists)."""
    return Locale.parse(code)


def format_date(value: str | dt.date | None, precision: str | None = None, lang: str | None = None) -> str:
    """An ISO date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) at its precision, for the language; None -> undated.

    ``fr``: 14 sept. 2023, sept. 2023, 2023; ``en``: Sep 14, 2023, Sep 2023, 2023. Unreadable values as they are.
    """
    lang = lang if lang in LANGS else current()
    if not value:
        return t("undated", lang)
    if isinstance(value, dt.date):
        value = value.isoformat()
    return _format_iso(str(value), precision, lang)


@lru_cache(maxsize=8192)
def _format_iso(value: str, precision: str | None, lang: str) -> str:
    """:func:`format_date` of a string, remembered (lists of saved stories format the same dates on every rerun)."""
    parts = value.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 and precision != "year" else None
        day = int(parts[2]) if len(parts) > 2 and precision not in ("year", "month") else None
        if month is None:
            return str(year)
        if day is None:
            return format_skeleton("yMMM", dt.date(year, month, 1), locale=lang)
        return _babel_date(dt.date(year, month, day), "medium", locale=lang)
    except (ValueError, IndexError):
        return value


def kind_label(kind: str, lang: str | None = None) -> str:
    """The name of a place kind (unknown kinds are "other")."""
    return t(f"kind_{kind}" if f"kind_{kind}" in TEXTS[DEFAULT] else "kind_other", lang)


def status_label(status: str | None, lang: str | None = None) -> str:
    """The name of an event status (happened, planned, reported); unknown ones as they are."""
    key = f"status_{status or 'happened'}"
    return t(key, lang) if key in TEXTS[DEFAULT] else str(status)


def override_label(action: str | None, lang: str | None = None) -> str | None:
    """What a reader did to a place (``corrected by a reader``...), or None."""
    key = f"override_{action}"
    return t(key, lang) if action and key in TEXTS[DEFAULT] else None


def language_name(code: str, lang: str | None = None) -> str:
    """The name of a language code in the interface language (``fr`` -> "French" / "français")."""
    lang = lang if lang in LANGS else current()
    try:
        return _locale(code.replace("-", "_")).get_display_name(lang) or code
    except (ValueError, TypeError, LookupError, AttributeError):
        return code


def country_name(code: str, lang: str | None = None) -> str:
    """A country's name from its ISO code, in the interface language (the code itself when unknown)."""
    lang = lang if lang in LANGS else current()
    return _locale(lang).territories.get((code or "").upper(), code)
