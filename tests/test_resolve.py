"""Resolution in context: metonyms, cue words, focus country, containment, unresolved places."""

from __future__ import annotations

import math

from geostory.extract.pipeline import extract_story
from geostory.model import Article


def km(a, b):
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def place(text, surface, lang="fr"):
    story = extract_story(Article(text=text, lang=lang))
    return next(p for p in story.places for m in p.mentions if m.text == surface)


def test_seats_of_power_are_their_city():
    wh = place("La Maison Blanche a indiqué jeudi que le conseiller s'était entretenu.", "Maison Blanche")
    assert km((wh.lat, wh.lon), (38.8977, -77.0365)) < 20
    kr = place("Le Kremlin a démenti.", "Kremlin")
    assert km((kr.lat, kr.lon), (55.752, 37.6175)) < 20


def test_cue_word_picks_the_spaceport_not_a_village():
    p = place("Kim Jong Un a retrouvé Vladimir Poutine sur le cosmodrome russe de Vostotchny.", "Vostotchny")
    assert km((p.lat, p.lon), (51.884, 128.334)) < 100


def test_named_country_pulls_an_ambiguous_city():
    lb = place("Deux explosions ont frappé Tripoli, dans le nord du Liban.", "Tripoli")
    assert lb.country == "LB"
    ly = place("Des combats ont éclaté à Tripoli, la capitale de la Libye.", "Tripoli")
    assert ly.country == "LY"


def test_containment_after_a_comma():
    p = place("The festival took place in Paris, Texas, last week.", "Paris", "en")
    assert p.country == "US"


def test_washington_is_the_capital_by_default():
    p = place("Officials in Washington said the talks would resume.", "Washington", "en")
    assert km((p.lat, p.lon), (38.8951, -77.0364)) < 30


def test_every_place_explains_its_choice_and_keeps_alternatives():
    story = extract_story(Article(text="Des combats ont éclaté à Tripoli, au Liban.", lang="fr"))
    tripoli = next(p for p in story.places if p.name == "Tripoli")
    assert tripoli.reason and 0 < tripoli.confidence <= 1
    assert tripoli.alternatives and all(a.score <= 100 for a in tripoli.alternatives)
    assert any(a.country == "LY" for a in tripoli.alternatives)


def test_unknown_place_is_unresolved_but_reported():
    story = extract_story(Article(text="Le village de Zzyzxqville a été évacué.", lang="fr"))
    assert all(p.resolved or p.lat is None for p in story.places)


def test_language_of_the_article_and_context_decide_valence():
    assert place("Le maire de Valence a inauguré la nouvelle gare.", "Valence").country == "FR"
    assert place("En Espagne, le club de Valence a gagné à Madrid.", "Valence").country == "ES"


def test_containment_in_parentheses():
    assert place("La manifestation a eu lieu à Vienne (Isère) samedi.", "Vienne").country == "FR"
    assert place("Un cyclone a frappé Saint-Denis (La Réunion) lundi.", "Saint-Denis").country == "RE"


def test_a_city_beats_its_county_and_a_state_contains_its_cities():
    la = place("The Lakers beat Boston in Los Angeles.", "Los Angeles", "en")
    assert la.kind == "city"
    ga = place("Officials in Georgia said the vote in Atlanta was fair.", "Georgia", "en")
    assert ga.country == "US" and ga.kind == "region"
    assert place("Troops left Georgia and Tbilisi, said Moscow.", "Georgia", "en").country == "GE"


def test_a_country_name_does_not_pull_its_own_capital():
    text = "MEXICO CITY, June 4 - Mexico's president-elect said the peso would stay stable. Analysts in New York agreed."
    assert place(text, "Mexico", "en").kind == "country"
    assert place("Des analystes à New York ont salué la décision.", "New York").kind == "city"
    assert place("Il a été élu gouverneur de l'État de New York.", "New York").kind == "region"


def test_cities_win_over_same_named_municipalities():
    text = "Gabriela Siller, an economist in Monterrey, said markets were calm in Mexico."
    assert place(text, "Monterrey", "en").kind == "city"


# --- resolution of given spans (as the gold-span benchmark does): lists, nouns around a name, containment -------

def resolved(text, names, lang="en"):
    """{surface: Place} for the first occurrence of each name in ``text``, resolved together."""
    import re

    from geostory.extract.places import Match
    from geostory.gazetteer.index import get_gazetteer
    from geostory.gazetteer.text import fold
    from geostory.geocode.resolve import resolve_matches

    gaz = get_gazetteer()
    matches = []
    for name in names:
        s = re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text).start()
        words = [fold(w) for w in re.findall(r"[^\W\d_]+", text[:s])][-4:]
        matches.append(Match(s, s + len(name), name, fold(name), gaz.lookup(name), cues=words))
    matches.sort(key=lambda m: m.start)
    places = resolve_matches(text, matches, gaz, lang=lang)
    return {men.text: p for p in places for men in p.mentions}


def test_a_list_of_states_is_states_not_same_named_towns():
    text = "Losses were reported in Georgia, Oklahoma, Pennsylvania, Wisconsin and California this spring."
    got = resolved(text, ["Georgia", "Oklahoma", "Pennsylvania", "Wisconsin", "California"])
    for name in ("Oklahoma", "California", "Georgia"):
        assert got[name].kind == "region" and got[name].country == "US", (name, got[name].reason)
    assert "of the same kind as the places listed with it" in got["California"].reason
    assert "contained in" not in got["Oklahoma"].reason  # "Oklahoma, Pennsylvania" is a list, not containment


def test_a_list_of_countries_is_not_containment():
    text = "Many countries, among them China, Japan, and the United Kingdom, have warned the agency."
    got = resolved(text, ["China", "Japan", "United Kingdom"])
    assert got["China"].kind == "country" and got["China"].country == "CN"


def test_a_plural_noun_after_a_list_and_a_noun_after_a_name():
    got = resolved("Storms hit Henry, Weakley and Carroll counties on Sunday.", ["Henry", "Weakley", "Carroll"])
    assert got["Henry"].kind == "region" and "cue word 'counties'" in got["Henry"].reason
    state = resolved("The cow came from a Washington state farm.", ["Washington"])["Washington"]
    assert state.kind == "region" and state.lat > 45  # the state, not the capital


def test_a_cue_word_belongs_to_the_place_it_qualifies():
    got = resolved("Senators in New York City and Florida disagreed.", ["New York City", "Florida"])
    assert got["Florida"].kind == "region" and got["Florida"].country == "US"  # "city" is New York's word
    ocean = resolved("Birds of the Pacific flyway were tested in Oregon.", ["Pacific", "Oregon"])["Pacific"]
    assert ocean.kind == "water"  # "the Pacific" is the ocean, not a town in the story's country
