"""Speed-ups that must not change results: the run filter of place recognition, look-ahead-anchored patterns."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geostory.extract import places
from geostory.extract.dates import _PATTERNS
from geostory.extract.patterns import anchored
from geostory.nlp import get_nlp

EN = ("The French and the Japanese delegations met in the Red Sea port of Jeddah, then in new york and in Paris, "
      "the U.S. envoy said. Ukrainian officials, the mer Noire and the golfe Persique were named by the Russians.")


def _signature(matches):
    return [(m.start, m.end, m.key, [e.id for e in m.entries], m.ner, m.demonym, m.cues) for m in matches]


def _variants(text: str) -> list[str]:
    words = re.split(r"(\s+)", text)
    flipped = "".join(w.capitalize() if k % 3 == 0 else w.lower() for k, w in enumerate(words))
    return [text, text.lower(), text.upper(), text.swapcase(), flipped, text.replace("la ", "La ").replace("le ", "Le ")]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_filtered_runs_find_what_looking_up_every_run_finds(lang, seed_text, gazetteer, monkeypatch):
    """Lower-case runs are looked up only when they can still be accepted: the matches (with their entries and
    cues) are those of the plain method, which looks up every run, also on the seed in lower, upper, swapped and
    mixed case (so lower-case demonyms, determiners and generic nouns are everywhere)."""
    base = seed_text[:3000] if lang == "fr" else EN
    nlp = get_nlp(lang)
    for text in _variants(base):
        doc = nlp(text)
        filtered = _signature(places.find_place_mentions(text, doc, gazetteer, lang))
        with monkeypatch.context() as m:
            m.setattr(places, "lower_case_keys", lambda gaz: None)  # no filter: every run is looked up
            plain = _signature(places.find_place_mentions(text, doc, gazetteer, lang))
        assert filtered == plain
    assert filtered, "the seed names places"


TEXTS = [
    "Le 1er mai 2023, il y a deux jours, lundi dernier, en mars 2021, l'an dernier, 12/05/2021 et 2021-03-04.",
    "ON MONDAY, three days ago, in 2019, the day before, since 2001, early May 2020, June 4, 2022.",
    "M. Dupont a dit. Mr. Smith left! « Quoi ? » Dr. No… St. Louis.\n\nSuite",
]


@pytest.mark.parametrize("kind, pattern", _PATTERNS)
def test_anchored_date_patterns_match_like_the_plain_ones(kind, pattern):
    plain, fast = re.compile(pattern, re.IGNORECASE), anchored(pattern, re.IGNORECASE)
    assert fast.pattern != pattern, "a look-ahead is added"
    for text in TEXTS + [t.swapcase() for t in TEXTS]:
        assert [(m.span(), m.groupdict()) for m in fast.finditer(text)] == \
               [(m.span(), m.groupdict()) for m in plain.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab lmaiIıİsSſ1209-/.!?«»\n’'", max_size=60))
def test_anchored_patterns_on_random_text(text):
    for pattern in (_PATTERNS[3][1], _PATTERNS[-1][1], r"(?<![A-Z])(?<!\bM)[.!?…]+\s*(?=\s+\S)|\n+", r"\b(?:il y a|voici)"):
        plain, fast = re.compile(pattern, re.IGNORECASE), anchored(pattern, re.IGNORECASE)
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_patterns_that_can_match_nothing_or_change_flags_stay_as_they_are():
    assert anchored(r"a*").pattern == r"a*"  # can match the empty string: no first character to ask for
    assert anchored(r"(?i)abc").pattern == r"(?i)abc"  # global flags must open the pattern
    assert anchored(r"[^a]b").pattern == r"[^a]b"  # negated classes are not analysed
