"""Place recognition: determiners, demonyms, accents, names inside organisations, persons, English."""

from __future__ import annotations

import pytest

from geostory.extract.pipeline import extract_story
from geostory.model import Article


def places_of(text: str, lang: str = "fr"):
    story = extract_story(Article(text=text, lang=lang))
    return {m.text: p for p in story.places for m in p.mentions}


def test_leading_determiner_is_not_part_of_the_mention():
    found = places_of("Le ministre s'est rendu dans la Russie profonde puis en Ukraine.")
    assert "Russie" in found and found["Russie"].country == "RU"
    assert "Ukraine" in found


@pytest.mark.parametrize("word, iso", [
    ("nord-coréen", "KP"), ("nord-coréenne", "KP"), ("sud-coréen", "KR"), ("japonais", "JP"),
    ("russes", "RU"), ("allemande", "DE"), ("américains", "US"), ("chinoises", "CN"),
])
def test_french_demonyms_are_their_country(word, iso):
    found = places_of(f"Le dirigeant a rencontré ses homologues {word} hier soir.")
    assert found[word].country == iso and found[word].kind == "country"


def test_english_demonyms_and_countries():
    found = places_of("The Japanese delegation met French officials in Germany on Monday.", "en")
    assert found["Japanese"].country == "JP"
    assert found["French"].country == "FR"
    assert found["Germany"].country == "DE"


def test_accents_and_typographic_apostrophes_are_folded():
    found = places_of("Les Etats-Unis et les États-Unis ; il doit se rendre à Komsomolsk-sur-l’Amour.")
    assert found["Etats-Unis"].country == "US" and found["États-Unis"].country == "US"
    assert found["Komsomolsk-sur-l’Amour"].name == "Komsomolsk-on-Amur"


def test_place_inside_an_organisation_name_is_found():
    found = places_of("Il assistera à une démonstration de la Flotte russe du Pacifique.")
    assert found["russe"].country == "RU"


def test_person_names_are_not_places():
    found = places_of("Jake Sullivan a rencontré Kim Jong Un et Vladimir Poutine à Moscou.")
    assert "Sullivan" not in found and "Jake Sullivan" not in found
    assert found["Moscou"].name == "Moscow"


def test_part_of_a_hyphenated_name_is_not_a_shorter_place():
    found = places_of("Une attaque a eu lieu à Sainte-Eulalie-de-Cernon, dans l'Aveyron.")
    assert "Sainte-Eulalie" not in found


def test_english_without_a_model_uses_the_gazetteer():
    found = places_of("Fighting broke out in Tripoli, Libya, on Thursday, officials in Misrata said.", "en")
    assert found["Tripoli"].country == "LY"
    assert found["Libya"].kind == "country"


def test_english_capitalised_common_words_are_not_places():
    found = places_of("The Red Crescent said the Herald reported it. Mobile phones were cut.", "en")
    assert not {"Red", "Crescent", "Herald", "Mobile"} & set(found)


def test_kim_jong_un_stays_in_one_sentence():
    from geostory.nlp import get_nlp

    doc = get_nlp("fr")("Vladimir Poutine et Kim Jong Un se sont offert un fusil.")
    assert len([s for s in doc.sents if s.text.strip()]) == 1
    assert "Kim Jong Un" in [e.text for e in doc.ents]


def test_facility_is_placed_by_context_and_flagged_approximate():
    found = places_of("Une explosion a frappé Tripoli, au Liban, devant la mosquée Taqwa.")
    mosque = found["mosquée Taqwa"]
    assert mosque.kind == "landmark" and mosque.provider == "context"
    assert mosque.note and "approximate" in mosque.note
    assert abs(mosque.lat - found["Tripoli"].lat) < 0.01


def test_acronyms_match_only_in_capitals():
    found = places_of("Who said the UN would act? Un homme est venu.", "en")
    assert "UN" in found and found["UN"].country == "US"
    assert "Who" not in found and "Un" not in found


def test_everyday_country_names_and_french_acronyms():
    found = places_of("Flights from Britain were cancelled; the UK said so.", "en")
    assert found["Britain"].country == "GB" and found["UK"].country == "GB"
    fr = places_of("Les ministres de la Défense de l'Otan se sont réunis à Bruxelles.")
    assert fr["Otan"].country == "BE" and fr["Otan"].kind == "landmark"
    assert "la Défense" not in fr and "Défense" not in fr


def test_french_contractions_and_names_with_their_article():
    found = places_of("Le porte-conteneurs est arrivé au Havre lundi. Le navire a quitté Le Havre mardi.")
    assert found["Havre"].name == "Le Havre" and found["Havre"].country == "FR"
    assert found["Le Havre"].country == "FR"


def test_capitalised_common_nouns_are_not_places():
    found = places_of("Il a remporté une étape du Tour de France. Le ministère de la Santé a réagi.")
    assert "Tour" not in found and "Santé" not in found
    assert found["France"].country == "FR"
