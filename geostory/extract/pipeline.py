"""Article -> Story: the whole extraction in one call."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections import Counter

from geostory.allocation import paused_gc
from geostory.errors import InputError
from geostory.extract.narrative import extract_narrative
from geostory.extract.places import find_place_mentions, find_unknown_places
from geostory.extract.stages import STAGES, Report
from geostory.gazetteer.index import Gazetteer, get_gazetteer
from geostory.geocode.resolve import place_unknowns, resolve_matches
from geostory.model import Article, Story
from geostory.nlp import get_nlp

MAX_ARTICLE_CHARS = 100_000  # about 15,000 words; $GEOSTORY_MAX_CHARS overrides (docs/limits.md)
PUBLISHED_YEARS = (1800, 2200)  # a publication date outside is set aside (relative dates would be nonsense)
FUNCTION_WORDS = {
    "fr": frozenset({"le", "la", "les", "des", "est", "une", "du", "et", "à", "dans", "pour", "qui"}),
    "en": frozenset({"the", "of", "and", "is", "was", "in", "to", "a", "for", "that", "with", "on"}),
}
_WORDS = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[\x00-\u024f]+")  # the characters before U+0250 (IPA): Latin scripts and ASCII
_KNOWN_WORDS = FUNCTION_WORDS["fr"] | FUNCTION_WORDS["en"]
_MARKUP = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>|<[^>]*>")


def extract_story(article: Article, *, gazetteer: Gazetteer | None = None, geocoder=None, doc=None, nlp=None,
                  report: Report | None = None) -> Story:
    """Find, geocode and link the places, people, quotes and events of ``article``.

    ``geocoder``: None or "offline" for the embedded gazetteer alone; a provider name, a settings dict (e.g. Streamlit
    secrets) or a ``GeocoderConfig`` to chain an online geopy provider (failures fall back offline, with a note).
    ``doc``: an already parsed spaCy Doc of ``article.text`` (batch processing parses with ``nlp.pipe``); else it is
    parsed with ``nlp`` (default: :func:`geostory.nlp.get_nlp`). ``report(stage, fraction_done)`` is called before
    each of :data:`STAGES` and once at the end ("done", 1.0), for progress bars.
    """

    def step(i: int) -> None:
        if report is not None:
            report(STAGES[i] if i < len(STAGES) else "done", i / len(STAGES))

    article, checked = check_article(article)  # the limits and notes, before the costly parse
    step(0)
    gaz = gazetteer or get_gazetteer()
    if doc is None:
        doc = (nlp or get_nlp(article.lang))(article.text)
    step(1)
    # geostory's own stages build thousands of short-lived small objects per article: Python's cyclic garbage
    # collector is paused while they run (it took 6 % of their time; cycles, if any, are collected afterwards)
    with paused_gc():
        matches = find_place_mentions(article.text, doc, gaz, article.lang)
        unknowns, matches = find_unknown_places(article.text, doc, matches)
        step(2)
        places = resolve_matches(article.text, matches, gaz, lang=article.lang)
        places = tuple(places + place_unknowns(article.text, unknowns, places))
    notes: tuple[str, ...] = checked
    if geocoder is not None and geocoder != "offline":
        from geostory.geocode.chain import geocode_places

        places, online_notes = geocode_places(places, geocoder, gazetteer=gaz)
        notes += tuple(online_notes)
    step(3)
    with paused_gc():
        people, quotes, events, itineraries = extract_narrative(doc, article, places)
    step(len(STAGES))
    return Story(
        article=article,
        places=places,
        quotes=tuple(quotes),
        events=tuple(events),
        people=tuple(people),
        itineraries=tuple(itineraries),
        focus=focus_of(places),
        notes=tuple(notes),
    )


def max_article_chars() -> int:
    """The longest article accepted, in characters ($GEOSTORY_MAX_CHARS, default :data:`MAX_ARTICLE_CHARS`)."""
    value = os.environ.get("GEOSTORY_MAX_CHARS", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else MAX_ARTICLE_CHARS


def check_article(article: Article) -> tuple[Article, tuple[str, ...]]:
    """The article as the pipeline reads it, and notes on what was set aside.

    Raises ``InputError`` for a text that is not a string, empty, longer than :func:`max_article_chars`, or in a
    language other than 'fr' and 'en'. A publication date that is not a YYYY-MM-DD date between the years
    :data:`PUBLISHED_YEARS` is dropped with a note; a text that does not read as French or English gets a note.
    """
    text = article.text
    if not isinstance(text, str):
        raise InputError(f"the article text must be a string, not {type(text).__name__}")
    if not text.strip():
        raise InputError("the article is empty: give a text with at least one sentence")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates: what a careless decoder leaves; spaCy cannot read them
        raise InputError(f"the text holds a character that is not Unicode text (position {exc.start}): decode the "
                         "file as UTF-8, with errors='replace' if needed") from None
    limit = max_article_chars()
    if len(text) > limit:
        raise InputError(f"the article is too long ({len(text):,} characters): geostory reads at most {limit:,} "
                         f"characters (about {limit // 7:,} words); split it, or raise GEOSTORY_MAX_CHARS")
    if article.lang not in FUNCTION_WORDS:
        raise InputError(f"unsupported language {article.lang!r}: geostory reads French ('fr') and English ('en') only")
    notes = []
    published = _publication_date(article.published) if article.published else None
    if article.published and published is None:
        notes.append(f"publication date {str(article.published)[:40]!r} set aside: not a YYYY-MM-DD date between "
                     f"{PUBLISHED_YEARS[0]} and {PUBLISHED_YEARS[1]}; relative dates stay unresolved")
    if published != article.published:
        article = dataclasses.replace(article, published=published)
    if not reads_as_french_or_english(text):
        notes.append("the text does not read as French or English: geostory reads only these two languages, "
                     "so places, people and dates may be missed")
    return article, tuple(notes)


def _publication_date(value) -> str | None:
    """``value`` when it is a YYYY-MM-DD, YYYY-MM or YYYY date within :data:`PUBLISHED_YEARS`, else None."""
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", text):
        return None
    try:
        day = dt.date.fromisoformat((text + "-01-01")[:10])
    except ValueError:
        return None
    return text if PUBLISHED_YEARS[0] <= day.year <= PUBLISHED_YEARS[1] else None


def reads_as_french_or_english(text: str) -> bool:
    """False for prose in another language: mostly non-Latin letters, or (over 20 lower-case words) few French
    and English function words among the lower-case words. Name lists and short texts pass."""
    sample = _MARKUP.sub(" ", text[:20_000])
    if not sample.isascii():  # ASCII letters are all Latin
        letters = sum(map(str.isalpha, sample))
        beyond_latin = sum(map(str.isalpha, _LATIN.sub("", sample)))
        if letters >= 20 and letters - beyond_latin < letters / 2:
            return False  # Cyrillic, Greek, Arabic, Hebrew, CJK...: not the Latin script of fr/en
    words = _WORDS.findall(sample)
    lower = [w for w in words if w.islower()]
    if len(lower) < 20 or len(lower) < len(words) / 2:
        return True
    return sum(w.lower() in _KNOWN_WORDS for w in words) >= 0.18 * len(lower)


def focus_of(places) -> tuple[str, ...]:
    """Countries the story is about, by number of mentions of places in them (at most three)."""
    votes: Counter = Counter()
    for p in places:
        if p.country:
            votes[p.country] += len(p.mentions)
    return tuple(c for c, _ in votes.most_common(3))
