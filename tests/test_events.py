"""Events: status, dates resolved in narrative order, links to places; itineraries of travellers."""

import pytest

from tests.narrative_helpers import blank_en, make_places, narrate

FR = ("Mardi, le Premier ministre indien Ravi Kumar est arrivé à Nairobi pour une visite officielle au Kenya. "
      "La veille, il avait fait escale à Addis-Abeba. Mercredi, Ravi Kumar a visité le port de Mombasa. "
      "Il doit ensuite se rendre à Kampala, a précisé son porte-parole. « Nous voulons investir en Afrique », "
      "a déclaré M. Kumar à Mombasa. Le Kenya a annoncé jeudi un accord commercial. En 2019, un premier accord "
      "avait été signé à New Delhi.")

SPEC = [("india", "India", "country", "IN", ["indien"]), ("kenya", "Kenya", "country", "KE", ["Kenya"]),
        ("nairobi", "Nairobi", "city", "KE", ["Nairobi"]), ("addis", "Addis Ababa", "city", "ET", ["Addis-Abeba"]),
        ("mombasa", "Mombasa", "city", "KE", ["Mombasa"]), ("kampala", "Kampala", "city", "UG", ["Kampala"]),
        ("africa", "Africa", "region", None, ["Afrique"]), ("delhi", "New Delhi", "city", "IN", ["New Delhi"])]


@pytest.fixture(scope="module")
def story():
    return narrate(FR, "fr", "2024-05-09", make_places(FR, SPEC))


def event_at(events, place):
    return [e for e in events if place in e.places]


def test_dates_follow_the_narrative(story):
    events = story[2]
    assert any(e.date == "2024-05-07" for e in event_at(events, "nairobi"))  # "Mardi" before Thursday 9 May
    assert any(e.date == "2024-05-06" for e in event_at(events, "addis"))  # "La veille" of that Tuesday
    assert any(e.date == "2024-05-08" for e in event_at(events, "mombasa"))
    assert any(e.date == "2024-05-09" and e.date_text == "jeudi" for e in event_at(events, "kenya"))
    assert any(e.date == "2019" and e.date_precision == "year" for e in event_at(events, "delhi"))


def test_statuses(story):
    events = story[2]
    kampala = event_at(events, "kampala")
    assert kampala and all(e.status == "planned" and e.date is None for e in kampala)
    assert any(e.status == "happened" for e in event_at(events, "nairobi"))
    assert any(e.status == "reported" for e in event_at(events, "africa"))


def test_quote_linked_to_its_event_and_places(story):
    q = next(q for q in story[1] if q.text.startswith("Nous voulons"))
    assert q.speaker == "Ravi Kumar" and "africa" in q.places
    ev = next(e for e in story[2] if e.id == q.event)
    assert q.id in ev.quotes


def test_event_offsets(story):
    for e in story[2]:
        assert FR[e.start:e.end] == e.summary
        assert e.status in ("happened", "planned", "reported")


def test_itinerary_in_travel_order(story):
    (it,) = [i for i in story[3] if i.traveller == "Ravi Kumar"]
    # New Delhi: the capital of the traveller's home country (from "indien"), named in the article
    assert [s.place for s in it.stops] == ["delhi", "addis", "nairobi", "mombasa", "kampala"]
    assert it.stops[-1].status == "planned"


def test_home_capital_is_origin_only_when_mentioned():
    text = ("Mercredi, le président zambien Peter Banda est arrivé à Harare. Il a quitté Lusaka mardi soir. "
            "Jeudi, Peter Banda a visité Bulawayo.")
    spec = [("zambia", "Zambia", "country", "ZM", ["zambien"]), ("harare", "Harare", "city", "ZW", ["Harare"]),
            ("lusaka", "Lusaka", "city", "ZM", ["Lusaka"]), ("bulawayo", "Bulawayo", "city", "ZW", ["Bulawayo"])]
    its = narrate(text, "fr", "2024-05-10", make_places(text, spec))[3]
    assert [s.place for s in its[0].stops] == ["lusaka", "harare", "bulawayo"]


def test_english_events_without_parser():
    text = ("Storms hit Lisbon on Tuesday, flooding streets. The next day, firefighters rescued 40 people in Porto. "
            "Forecasters said rain will return on Saturday.")
    spec = [("lisbon", "Lisbon", "city", "PT", ["Lisbon"]), ("porto", "Porto", "city", "PT", ["Porto"])]
    events = narrate(text, "en", "2024-05-09", make_places(text, spec), nlp=blank_en())[2]
    assert any(e.date == "2024-05-07" for e in event_at(events, "lisbon"))
    assert any(e.date == "2024-05-08" for e in event_at(events, "porto"))
    assert any(e.date == "2024-05-11" and e.status == "planned" for e in events)


def dated(events, place):
    return {e.date for e in events if place in e.places}


def test_present_tense_bounds_and_expected_visits():
    text = ("La course reprend mardi à Lyon. Les écoles de Brest restent fermées jusqu'à lundi. "
            "Le ministre est attendu samedi à Quimper.")
    spec = [("lyon", "Lyon", "city", "FR", ["Lyon"]), ("brest", "Brest", "city", "FR", ["Brest"]),
            ("quimper", "Quimper", "city", "FR", ["Quimper"])]
    events = narrate(text, "fr", "2024-07-08", make_places(text, spec))[2]  # a Monday
    assert dated(events, "lyon") == {"2024-07-09"}  # present tense: the coming Tuesday
    assert "2024-07-01" not in dated(events, "brest")  # "jusqu'à lundi" is an end, not last Monday
    assert dated(events, "quimper") == {"2024-07-13"}
    assert all(e.status == "planned" for e in events if "quimper" in e.places)


def test_au_lendemain_de_dates_the_earlier_event():
    text = ("Le ministre s'est rendu mardi à Marseille, au lendemain d'une fusillade qui a fait un mort dans "
            "un quartier de la ville.")
    events = narrate(text, "fr", "2024-03-14", make_places(text, [("mrs", "Marseille", "city", "FR", ["Marseille"])]))[2]
    assert {"2024-03-12", "2024-03-11"} <= {e.date for e in events}


def test_dateline_and_trailing_reporting_clause_in_english():
    text = ("GHENT, Belgium — The company will close its plant by the end of next year, the group said on "
            "Wednesday.\n\nWorkers reacted with anger on Thursday.")
    spec = [("ghent", "Ghent", "city", "BE", ["GHENT"]), ("belgium", "Belgium", "country", "BE", ["Belgium"])]
    events = narrate(text, "en", "2024-09-12", make_places(text, spec), nlp=blank_en())[2]
    assert "2024-09-11" in dated(events, "ghent")  # the announcement, about the plant's place
    assert "2024-09-12" in dated(events, "ghent")  # "on Thursday": the dateline's city


def test_future_marker_before_a_weekday():
    text = "Forecasters warned that more rain was expected on Thursday in Murcia."
    places = make_places(text, [("murcia", "Murcia", "region", "ES", ["Murcia"])])
    events = narrate(text, "en", "2024-10-30", places, nlp=blank_en())[2]  # a Wednesday
    assert dated(events, "murcia") == {"2024-10-31"}


def test_events_take_the_setting_of_their_scene():
    """Reported content, a continued sentence and same-day acts of the same people happen where the scene is."""
    from geostory.extract.pipeline import extract_story
    from geostory.model import Article

    text = ("Mardi, Angela Merkel a retrouvé Emmanuel Macron à Strasbourg pour un sommet de deux heures.\n"
            "Également mardi, Angela Merkel a assuré à M. Macron que Berlin soutiendrait le projet.\n"
            "Le ministre doit ensuite se rendre à Lille, où il assistera à « une démonstration » de la Marine.\n"
            "L'Élysée a indiqué mercredi que le conseiller avait appelé ses homologues japonais.")
    story = extract_story(Article(text=text, lang="fr", published="2021-06-02"))
    by_name = {p.name: p.id for p in story.places}
    at = lambda name: [e.summary for e in story.events if by_name[name] in e.places]  # noqa: E731
    assert any("assuré" in s for s in at("Strasbourg"))
    assert any("démonstration" in s for s in at("Lille"))
    assert any("conseiller" in s for s in at("Élysée Palace"))
