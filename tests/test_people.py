"""People: names clustered with their aliases, roles from appositions, role phrases resolved by elimination."""

import pytest

from tests.narrative_helpers import blank_en, make_places, narrate

FR = ("Le président ghanéen Kofi Mensah a reçu mardi Marta Silva à Accra. La dirigeante brésilienne est arrivée "
      "lundi. Le porte-parole de la présidence, Samuel Owusu, a indiqué que les deux chefs d'Etat avaient signé "
      "un accord. M. Owusu a ajouté : « Nous sommes satisfaits ». Mme Silva a ensuite rencontré des "
      "étudiants. « Le Brésil et le Ghana partagent beaucoup », a déclaré la dirigeante brésilienne.")

SPEC = [("ghana", "Ghana", "country", "GH", ["Ghana", "ghanéen"]),
        ("brazil", "Brazil", "country", "BR", ["Brésil", "brésilienne"]),
        ("accra", "Accra", "city", "GH", ["Accra"])]


@pytest.fixture(scope="module")
def fr_story():
    return narrate(FR, "fr", "2024-05-08", make_places(FR, SPEC))


def by_name(people):
    return {p.name: p for p in people}


def test_names_and_aliases(fr_story):
    people = by_name(fr_story[0])
    assert {"Kofi Mensah", "Marta Silva", "Samuel Owusu"} <= set(people)
    assert "M. Owusu" in people["Samuel Owusu"].aliases
    assert "Mme Silva" in people["Marta Silva"].aliases


def test_roles_and_places_from_appositions(fr_story):
    people = by_name(fr_story[0])
    assert people["Samuel Owusu"].role == "porte-parole de la présidence"
    assert people["Kofi Mensah"].role.startswith("président")
    assert "ghana" in people["Kofi Mensah"].places


def test_role_phrase_resolved_by_country(fr_story):
    people = by_name(fr_story[0])
    assert "brazil" in people["Marta Silva"].places  # "la dirigeante brésilienne" can only be Marta Silva
    quotes = {q.text: q for q in fr_story[1]}
    assert quotes["Le Brésil et le Ghana partagent beaucoup"].speaker == "Marta Silva"
    assert quotes["Nous sommes satisfaits"].speaker == "Samuel Owusu"


def test_mentions_keep_offsets(fr_story):
    for p in fr_story[0]:
        for m in p.mentions:
            assert FR[m.start:m.end] == m.text


def test_speaker_ids_point_to_people(fr_story):
    ids = {p.id for p in fr_story[0]}
    assert all(q.speaker_id in ids for q in fr_story[1] if q.speaker)


def test_institution_speaker_is_an_organisation():
    text = "« Aucune victime n'est à déplorer », a indiqué la préfecture du Var dans la soirée."
    places = make_places(text, [("var", "Var", "region", "FR", ["Var"])])
    people, quotes, _e, _i = narrate(text, "fr", "2024-05-08", places)
    assert quotes[0].speaker == "préfecture du Var"
    org = next(p for p in people if p.name == "préfecture du Var")
    assert org.kind == "organisation" and org.places == ("var",)


def test_english_names_without_ner():
    text = ("Harbour Authority Director Maria J. Okafor Jr. opened the bridge on Friday. “It took ten years,” "
            "Okafor said.")
    people, quotes, _e, _i = narrate(text, "en", "2024-05-10", (), nlp=blank_en())
    assert quotes[0].speaker == "Maria J. Okafor Jr."
    assert any(p.name == "Maria J. Okafor Jr." and "Okafor" in p.aliases for p in people)


def test_weekdays_and_org_words_are_not_people():
    text = "Mercredi, la Banque Centrale a relevé ses taux. Jeudi, Le Monde a publié un éditorial."
    people, _q, _e, _i = narrate(text, "fr", "2024-05-10")
    assert not [p for p in people if p.kind == "person"]


def test_role_phrase_with_other_words_is_another_person():
    text = ("Le Premier ministre Jean Dubois était à Lille lundi. « Nous tiendrons », a martelé le Premier ministre. "
            "Le ministre de la Santé a estimé que « la situation s'améliore ». Les syndicats dénoncent « une "
            "provocation ».")
    quotes = {q.text: q.speaker for q in narrate(text, "fr", "2024-05-10")[1]}
    assert quotes["Nous tiendrons"] == "Jean Dubois"
    assert quotes["la situation s'améliore"] == "ministre de la Santé"
    assert quotes["une provocation"] == "syndicats"


def test_typed_names_roles_organisations_and_things():
    text = ("La tempête Ulrich a frappé Brest jeudi. Le météorologue Paul Garnier a décrit « un phénomène rare ». "
            "Le constructeur Alvéa a annoncé « des pertes lourdes ». Alvéa a ensuite fermé son usine.")
    people, quotes, _e, _i = narrate(text, "fr", "2024-05-10")
    by = {p.name: p for p in people}
    assert "Ulrich" not in by and "Tempête Ulrich" not in by  # a storm is no person
    assert by["Paul Garnier"].role == "météorologue"
    assert [q.speaker for q in quotes] == ["Paul Garnier", "Alvéa"]
    assert by["Alvéa"].kind == "organisation"


def test_age_epithet_is_the_protagonist_and_bare_surnames_count():
    text = ("Anna Petrova won the final on Sunday against Maria Lopez. Lopez had won two titles this year. "
            "“I never gave up,” the 19-year-old said. Petrova, who turned professional last year, will play in "
            "Paris next month. “It is a dream,” she added.")
    quotes = narrate(text, "en", "2024-05-10", (), nlp=blank_en())[1]
    assert [q.speaker for q in quotes] == ["Anna Petrova", "Anna Petrova"]


def test_gender_keeps_an_unnamed_official_apart():
    text = ("Le chercheur Marc Olivier a mesuré des vents de 150 km/h. À Brest, la préfète a fermé les écoles. "
            "« Restez chez vous », a-t-elle insisté.")
    quotes = narrate(text, "fr", "2024-05-10")[1]
    assert quotes[0].speaker == "préfète"


def test_apposed_subject_and_sentence_initial_surname():
    text = ("Tom Reed lost in the semi-final. Reed, the last local player left in the draw, said he expected "
            "“a very long night”.")
    quotes = narrate(text, "en", "2024-05-10", (), nlp=blank_en())[1]
    assert quotes[0].speaker == "Tom Reed"
