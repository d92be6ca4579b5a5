"""Property: extraction never raises on random text and every offset points at its text."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geostory.model import Mention, Place
from tests.narrative_helpers import blank_en, narrate

_WORDS = ["«", "»", "“", "”", '"', "‹", "›", "a", "dit", "said", "Paris", "M.", "Mme", "Jean", "Dupont", "le",
          "président", "russe", "hier", "jeudi", "la veille", "en 2019", ",", ".", ":", "\n", "\n\n", "il", "she",
          "told", "selon", "according to", "visité", "arrived in", "de", "du", "(", ")", "-t-elle", "Kim", "Un",
          "le 14 septembre", "two days ago", "la Maison Blanche", "a indiqué", "un communiqué", "doit", "will"]

texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(_WORDS), max_size=60).map(" ".join),
)


def _places(text: str) -> tuple[Place, ...]:
    """A place on every occurrence of "Paris" (and one on a random slice), as the place pipeline would give."""
    mentions, k = [], text.find("Paris")
    while k >= 0:
        mentions.append(Mention(k, k + 5, "Paris"))
        k = text.find("Paris", k + 5)
    return (Place("paris", "Paris", "city", "FR", 48.85, 2.35, tuple(mentions)),
            Place("x", "X", "country", "XX", 0.0, 0.0, (Mention(0, min(3, len(text)), text[:3]),)))


def _check(text, result):
    people, quotes, events, itineraries = result
    for p in people:
        for m in p.mentions:
            assert text[m.start:m.end] == m.text
    for q in quotes:
        assert text[q.start:q.end] == q.text
    for e in events:
        assert text[e.start:e.end] == e.summary
        assert e.status in ("happened", "planned", "reported")
        assert e.date_precision in (None, "day", "month", "year")
    ids = {"paris", "x"}
    assert all(set(q.places) <= ids for q in quotes) and all(set(e.places) <= ids for e in events)
    assert all(s.place in ids for it in itineraries for s in it.stops)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.sampled_from([None, "2023-09-14", "2024-08", "garbage"]))
def test_blank_pipeline_never_raises(text, published):
    _check(text, narrate(text, "en", published, _places(text), nlp=blank_en()))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_french_model_never_raises(text):
    _check(text, narrate(text, "fr", "2023-09-14", _places(text)))


def test_empty_text():
    assert narrate("", "fr", None, ()) == ((), (), (), ())
