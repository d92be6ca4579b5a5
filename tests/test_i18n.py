"""The interface language: the translation table, dates for the locale, the FR / EN switch in the dashboard
(Streamlit AppTest), and the geocoder configuration "Map it" passes on."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import i18n
from components.i18n import (
    LANG_KEY,
    format_date,
    kind_label,
    normalise,
    override_label,
    status_label,
    t,
)
from components.translations import LANGS, TEXTS
from geostory.model import Story

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = str(ROOT / "dashboard.py")
SAMPLE = ROOT / "tests" / "data" / "sample.story.json"
TIMEOUT = 60


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# -- the table ------------------------------------------------------------------------------------------------


def test_both_languages_have_every_key_with_the_same_placeholders():
    assert LANGS == ("fr", "en") and set(TEXTS["fr"]) == set(TEXTS["en"])
    for key in TEXTS["fr"]:
        fr, en = TEXTS["fr"][key], TEXTS["en"][key]
        assert type(fr) is type(en), key
        forms_fr, forms_en = (fr, en) if isinstance(fr, tuple) else ((fr,), (en,))
        assert len(forms_fr) == len(forms_en) in (1, 2), key
        assert all(isinstance(f, str) and f.strip() for f in forms_fr + forms_en), key
        both = [set().union(*map(fields, forms)) for forms in (forms_fr, forms_en)]  # a singular may spell out 1
        assert both[0] == both[1], f"{key}: placeholders differ"


def test_every_key_the_components_ask_for_exists():
    used = set()
    for path in [*sorted((ROOT / "components").glob("*.py")), ROOT / "dashboard.py"]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_ ]+)["']""", path.read_text(encoding="utf-8")))
    assert len(used) > 80
    assert not used - set(TEXTS["fr"]), sorted(used - set(TEXTS["fr"]))


def test_geostory_vocabularies_are_all_named():
    from components.html import STATUS_COLOURS
    from geostory.ingest import STAGES
    from geostory.maps.style import KIND_STYLES
    from geostory.review import OVERRIDE_LABELS

    for lang in LANGS:
        assert all(f"kind_{k}" in TEXTS[lang] for k in KIND_STYLES)
        assert all(f"status_{s}" in TEXTS[lang] for s in STATUS_COLOURS)
        assert all(f"override_{a}" in TEXTS[lang] for a in OVERRIDE_LABELS)
        assert all(f"stage_{s}" in TEXTS[lang] for s in STAGES)
    assert kind_label("city", "fr") == "Ville" and kind_label("volcano", "en") == "Other"
    assert status_label("planned", "fr") == "prévu" and status_label("rumoured", "en") == "rumoured"
    assert override_label("choose", "en") == "corrected by a reader" and override_label(None, "en") is None


def test_plural_forms_follow_each_language():
    assert t("events_n", "fr", n=0) == "0 événement" and t("events_n", "fr", n=1) == "1 événement"
    assert t("events_n", "fr", n=2) == "2 événements"
    assert t("events_n", "en", n=0) == "0 events" and t("events_n", "en", n=1) == "1 event"
    assert t("place_search_hint", "en", n=16) == "Search 16 places…"
    with pytest.raises(KeyError):
        t("no such key", "en")


def test_dates_for_the_locale_at_their_precision():
    assert format_date("2023-09-14", "day", "fr") == "14 sept. 2023"
    assert format_date("2023-09-14", "day", "en") == "Sep 14, 2023"
    assert format_date("2023-09", "month", "fr") == "sept. 2023" and format_date("2023-09", "month", "en") == "Sep 2023"
    assert format_date("2023-09-14", "month", "en") == "Sep 2023"  # the precision wins over the digits
    assert format_date("2023-09-14", "year", "fr") == "2023" == format_date("2023", None, "en")
    assert format_date(None, None, "fr") == "non daté" and format_date("", "day", "en") == "undated"
    assert format_date("2023-13-40", "day", "en") == "2023-13-40"  # unreadable: shown as it is
    import datetime as dt

    assert format_date(dt.date(2024, 2, 29), None, "fr") == "29 févr. 2024"


def test_language_codes_are_normalised():
    assert normalise("en-US") == "en" and normalise("fr_CA") == "fr" and normalise(["EN"]) == "en"
    assert normalise("de-DE") is None and normalise(None) is None and normalise(3) is None


def test_outside_a_run_the_server_default_applies(monkeypatch):
    monkeypatch.delenv(i18n.DEFAULT_ENV, raising=False)
    assert i18n.current() == "fr" and t("timeline") == "Chronologie"
    monkeypatch.setenv(i18n.DEFAULT_ENV, "en-GB")
    assert i18n.current() == "en" and t("timeline") == "Timeline"
    monkeypatch.setenv(i18n.DEFAULT_ENV, "klingon")
    assert i18n.current() == "fr"


# -- the dashboard ----------------------------------------------------------------------------------------------


@pytest.fixture
def dashboard(monkeypatch, tmp_path) -> AppTest:
    """The dashboard on the sample story, an empty library of its own, no default language set."""
    from components import stories

    monkeypatch.setenv("GEOSTORY_LIBRARY", str(tmp_path / "library" / "stories.sqlite"))
    monkeypatch.setenv("GEOSTORY_STORY_DIR", str(SAMPLE.parent))
    monkeypatch.delenv(i18n.DEFAULT_ENV, raising=False)
    monkeypatch.setattr(stories, "legacy_dir", lambda: tmp_path / "legacy")
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.query_params["story"] = "sample"
    return at


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in (*at.markdown, *at.caption, *at.subheader, *at.title))


def lang_param(at: AppTest) -> str:
    return str(at.query_params.get("lang")).strip("[]'")


def test_french_without_a_browser_language(dashboard):
    at = dashboard.run()
    assert not at.exception and not at.error
    assert lang_param(at) == "fr" and at.session_state[LANG_KEY] == "fr"
    assert at.subheader[0].value == "Les lieux du récit"
    page = texts(at)
    assert "Publié le 14 sept. 2023" in page and "**Chronologie**" in page and "**Article**" in page
    assert at.selectbox(key="gs_place_picker").label == "Chercher un lieu"
    assert "lang=fr" in next(c.value for c in at.code)  # the shared link keeps the language


def test_url_language_and_the_switch(dashboard):
    dashboard.query_params["lang"] = "en"
    at = dashboard.run()
    assert at.subheader[0].value == "Places of the story" and "Published Sep 14, 2023" in texts(at)
    at.segmented_control(key=LANG_KEY).set_value("fr").run()
    assert at.subheader[0].value == "Les lieux du récit" and lang_param(at) == "fr"
    at.selectbox(key="gs_place_picker").select("kremlin").run()  # the selection and dates survive a switch
    day = dt.date(2023, 9, 13)
    at.slider(key="gs_dates").set_value((day, day)).run()
    at.segmented_control(key=LANG_KEY).set_value("en").run()
    assert at.subheader[0].value == "Moscow Kremlin" and lang_param(at) == "en"
    assert at.slider(key="gs_dates").value == (day, day) and at.slider(key="gs_dates").label.startswith("Show places")
    assert "**Events** (2)" in texts(at)
    at.segmented_control(key=LANG_KEY).set_value(None).run()  # clicking the chosen button again keeps it
    assert lang_param(at) == "en" and at.segmented_control(key=LANG_KEY).value == "en"
    assert "**Events** (2)" in texts(at)


def test_server_default_language(dashboard, monkeypatch):
    monkeypatch.setenv(i18n.DEFAULT_ENV, "en")
    at = dashboard.run()
    assert at.subheader[0].value == "Places of the story" and lang_param(at) == "en"
    other = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    other.query_params.update({"story": "sample", "lang": "fr"})  # the URL wins over the server's default
    assert other.run().subheader[0].value == "Les lieux du récit"


# -- "Map it" and the geocoder configuration -------------------------------------------------------------------


def test_geocoder_configuration_from_secrets_or_environment():
    from components.analyse import geocoder_config
    from geostory.errors import GeocoderConfigError

    assert geocoder_config(env={}, secrets={}) is None
    config = geocoder_config(env={}, secrets={"geocoder": {"provider": "nominatim",
                                                          "user_agent": "geostory-tests/1.0 (tests@example.org)"}})
    assert config.provider == "nominatim"
    env = {"GEOSTORY_GEOCODER": "photon", "GEOSTORY_GEOCODER_TIMEOUT": "3"}
    assert geocoder_config(env=env, secrets={}).provider == "photon"
    with pytest.raises(GeocoderConfigError):
        geocoder_config(env={"GEOSTORY_GEOCODER": "no-such-provider"}, secrets={})


@pytest.mark.parametrize("provider", [None, "photon"])
def test_map_it_passes_the_configured_geocoder(dashboard, monkeypatch, provider):
    from components import analyse

    seen = {}

    def fake_extract(article, *, nlp=None, gazetteer=None, geocoder=None, report=None):
        seen["geocoder"] = geocoder
        return Story(article=article)

    monkeypatch.setattr(analyse, "extract_in_stages", fake_extract)
    monkeypatch.setattr(analyse, "get_resources", lambda lang: (None, None))
    if provider:
        monkeypatch.setenv("GEOSTORY_GEOCODER", provider)
    else:
        monkeypatch.delenv("GEOSTORY_GEOCODER", raising=False)
    at = dashboard.run()
    at.sidebar.text_area[0].input("Le maire s'est rendu à Lyon mardi.")
    at.sidebar.button(key="gs_analyse_go").click().run()
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    assert (seen["geocoder"].provider if seen["geocoder"] else None) == provider


def test_a_wrong_geocoder_setting_is_a_clear_error(dashboard, monkeypatch):
    monkeypatch.setenv("GEOSTORY_GEOCODER", "no-such-provider")
    at = dashboard.run()
    at.sidebar.text_area[0].input("Le maire s'est rendu à Lyon mardi.")
    at.sidebar.button(key="gs_analyse_go").click().run()
    assert at.error and "Impossible de cartographier cet article" in at.error[0].value
    assert str(at.query_params.get("story")).strip("[]'") == "sample"

