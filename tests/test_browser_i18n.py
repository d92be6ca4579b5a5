"""The dashboard in French and English, in a real browser: the switch, the browser's own language, axe-core on the
English page, and the README screenshots (``docs/screenshot.png``, ``docs/screenshot-corpus.png``) written here so
they always show the dashboard as it is.

The server (``tests/apprunner.py``) reads a story library of its own in a temporary folder: the seed and two short
articles written for this test, extracted here. Every request leaving the machine is aborted. Needs Debian's
Chromium and Playwright: skipped without them, a failure when ``CI`` or ``GEOSTORY_REQUIRE_BROWSER=1`` is set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.apprunner import (
    PANEL,
    AppServer,
    map_frame,
    offline_browser,
    offline_page,
    wait_single_map,
)
from tests.test_a11y import link_built_gazetteers, scan, write_report
from tests.test_browser import OWN_ARTICLE, _require_chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed.story.json"
DOCS = ROOT / "docs"
# A second short article, written for this test (not from any corpus): Lyon is in both, so the corpus links them.
SUMMIT_ARTICLE = (
    "Le président du Sénégal a reçu lundi à Dakar son homologue ivoirien. Les deux dirigeants se retrouveront jeudi "
    "à Abidjan pour un sommet régional consacré au commerce, avant une visite commune à Lyon le mois prochain, a "
    "annoncé la présidence.\n\n« Nos deux pays avancent ensemble », a déclaré le président à Dakar."
)
# What the panels are called in each language (components/translations.py), as a reader sees them.
TITLES = {
    "en": {"panel": "Places of the story", "timeline": "Timeline", "article": "Article", "share": "Keep and share",
           "corpus": "All stories on one map"},
    "fr": {"panel": "Les lieux du récit", "timeline": "Chronologie", "article": "Article",
           "share": "Garder et partager", "corpus": "Tous les récits sur une carte"},
}


def _require_browser() -> None:
    _require_chromium()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        message = "playwright is not installed: `pip install -e '.[test]'`"
        if os.environ.get("CI") or os.environ.get("GEOSTORY_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " -- the browser tests must run in CI")
        pytest.skip(message)


@pytest.fixture(scope="module")
def library_path(tmp_path_factory) -> Path:
    """A story library holding the seed and the two test articles."""
    from geostory.extract.pipeline import extract_story
    from geostory.gazetteer.index import get_gazetteer
    from geostory.library import Library
    from geostory.model import Article

    _require_browser()
    if not SEED.exists():
        pytest.skip(f"{SEED} is missing: regenerate the seed story (see .notes or README)")
    path = tmp_path_factory.mktemp("i18n-library") / "stories.sqlite"
    library = Library(path)
    library.sync_seed(SEED)
    gazetteer = get_gazetteer()
    for story_id, text, published, title in (
        ("u-visit", OWN_ARTICLE, "2024-06-11", "Le ministre de l'Agriculture dans la Drôme"),
        ("u-summit", SUMMIT_ARTICLE, "2024-03-04", "Sommet entre le Sénégal et la Côte d'Ivoire"),
    ):
        library.save(extract_story(Article(text, "fr", published, title), gazetteer=gazetteer), story_id)
    return path


@pytest.fixture(scope="module")
def server(library_path, tmp_path_factory):
    cache = tmp_path_factory.mktemp("i18n-cache")
    link_built_gazetteers(cache)
    env = {"GEOSTORY_LIBRARY": str(library_path), "GEOSTORY_CACHE": str(cache), "GEOSTORY_STORY_DIR": str(SEED.parent)}
    with AppServer(env=env) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(server):
    with offline_browser() as b:
        yield b


def open_dashboard(browser, url: str, *, height: int = 1000):
    """A page showing the dashboard at ``url``, its map drawn and the script run finished."""
    page = offline_page(browser, height=height)
    page.goto(url)
    map_frame(page).locator(".gs-marker[data-place], .marker-cluster").first.wait_for(state="visible", timeout=60000)
    wait_single_map(page)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=60000)
    return page


def check_titles(page, lang: str) -> None:
    """The panel titles of one language are on the page, those of the other are not."""
    titles = TITLES[lang]
    page.locator(PANEL).get_by_role("heading", name=titles["panel"], exact=True).wait_for(timeout=30000)
    for key in ("timeline", "article", "share"):
        title = page.locator("strong").get_by_text(titles[key], exact=True).filter(visible=True)
        title.first.wait_for(timeout=30000)
        assert title.count() == 1, (lang, key)
    other = TITLES["fr" if lang == "en" else "en"]
    assert page.locator("strong").get_by_text(other["timeline"], exact=True).count() == 0, lang
    assert page.get_by_role("heading", name=other["panel"], exact=True).count() == 0, lang
    assert f"lang={lang}" in page.url


def switch_to(page, lang: str) -> None:
    group = page.get_by_role("radiogroup", name=re.compile("Interface language|Langue de l'interface"))
    group.get_by_role("radio", name=lang.upper(), exact=True).click()
    page.wait_for_url(re.compile(rf"lang={lang}"), timeout=30000)


def test_switch_between_english_and_french(server, browser):
    page = open_dashboard(browser, server.url + "/")  # Playwright's Chromium says en-US
    check_titles(page, "en")
    assert page.get_by_text(re.compile(r"Published Sep 14, 2023")).is_visible()
    switch_to(page, "fr")
    check_titles(page, "fr")
    assert page.get_by_text(re.compile(r"Publié le 14 sept\. 2023")).is_visible()
    page.reload()  # the URL keeps the language
    check_titles(page, "fr")
    switch_to(page, "en")
    check_titles(page, "en")
    page.close()


class BrowserIn:
    """The browser, its pages reporting ``locale`` as the user's language (offline_page takes it as a browser)."""

    def __init__(self, browser, locale: str):
        self.browser, self.locale = browser, locale

    def new_page(self, **kwargs):
        return self.browser.new_page(locale=self.locale, **kwargs)


def test_the_browser_language_is_the_default(server, browser):
    page = open_dashboard(BrowserIn(browser, "fr-FR"), server.url + "/")
    assert page.evaluate("navigator.language") == "fr-FR"
    check_titles(page, "fr")
    page.goto(server.url + "/?lang=en")  # a shared English link stays English
    check_titles(page, "en")
    page.close()


def test_english_dashboard_has_no_serious_accessibility_violation(server, browser):
    from tests.test_a11y import busiest_place_id

    violations, errors = [], []
    for view, query in (("en", "?lang=en"), ("en-place", f"?lang=en&place={busiest_place_id()}"),
                        ("en-corpus", "?lang=en&view=corpus")):
        page = open_dashboard(browser, f"{server.url}/{query}")
        found, errs = scan(page.main_frame, view)
        violations += found
        errors += errs
        page.close()
    write_report("a11y-violations-en.json", {"violations": violations, "errors": errors})
    assert not errors, f"axe could not evaluate these rules (that is not a pass): {errors}"
    assert not violations, "\n".join(f"{v['view']}: {v['rule']} at {v['where']}: {v['html'][:160]}" for v in violations)


def test_readme_screenshots(server, browser):
    """docs/screenshot.png: the seed, Vladivostok selected; docs/screenshot-corpus.png: the corpus view, Lyon
    (in two stories) selected. Both in English, the README's language."""
    from geostory.export import story_from_json

    seed = story_from_json(SEED.read_text(encoding="utf-8"))
    vladivostok = next(p for p in seed.places if p.name == "Vladivostok")
    page = open_dashboard(browser, f"{server.url}/?lang=en&place={vladivostok.id}")
    page.locator(PANEL).get_by_role("heading", name="Vladivostok", exact=True).wait_for(timeout=30000)
    page.wait_for_timeout(800)  # fade-in of the re-rendered panel
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "screenshot.png"))
    page.close()

    page = open_dashboard(browser, f"{server.url}/?lang=en&view=corpus")
    page.get_by_role("heading", name=TITLES["en"]["corpus"], exact=True).wait_for(timeout=30000)
    assert page.get_by_text(re.compile(r"from 3 of 3 stories")).is_visible()
    page.get_by_label("Find a place").click()
    page.get_by_role("option", name=re.compile(r"^Lyon \(2 stories\)")).click()
    panel = page.locator(".st-key-corpus_panel")
    panel.get_by_role("heading", name="Lyon", exact=True).wait_for(timeout=30000)
    assert panel.get_by_role("button", name="Open this story here").count() == 2
    wait_single_map(page)
    page.wait_for_timeout(800)
    page.screenshot(path=str(DOCS / "screenshot-corpus.png"))
    page.close()
    for name in ("screenshot.png", "screenshot-corpus.png"):
        assert (DOCS / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
