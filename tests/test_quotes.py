"""Quotation spans and speaker attribution, on short texts written for these tests."""

import pytest

from geostory.extract.quotes import find_quote_spans
from tests.narrative_helpers import blank_en, make_places, narrate


def spans(text):
    return [text[q.start:q.end] for q in find_quote_spans(text)]


@pytest.mark.parametrize("text,expected", [
    ("Il a dit « bonjour à tous » hier.", ["bonjour à tous"]),
    ("Il a dit «bonjour» hier.", ["bonjour"]),
    ("She said “we will win” today.", ["we will win"]),
    ('Il a parlé de "petite frappe" vendredi.', ["petite frappe"]),
    ("« Il a crié “au feu” puis il est parti », a raconté le témoin.", ["Il a crié “au feu” puis il est parti"]),
    ("Le maire a parlé.»Nous reconstruirons tout», a dit une habitante.", ["Nous reconstruirons tout"]),
    ("« Première phrase. Deuxième phrase », a dit M. Roy.", ["Première phrase. Deuxième phrase"]),
    ("Il a dit l’essentiel, c’est l’été.", []),
])
def test_spans(text, expected):
    assert spans(text) == expected


def test_paragraph_opening_with_guillemet_continues_the_quote():
    text = "« Nous avons tout perdu.\n« Mais nous resterons ici », a dit Mme Leroy.\n"
    (q,) = find_quote_spans(text)
    assert text[q.start:q.end].startswith("Nous avons tout perdu") and text[q.start:q.end].endswith("resterons ici")


def test_unterminated_quote_stops_at_paragraph_end():
    text = "« Nous avons tout perdu, a dit Mme Leroy.\nLe lendemain, la pluie a cessé."
    (q,) = find_quote_spans(text)
    assert "\n" not in text[q.start:q.end]


FR = ("Le ministre de l'Intérieur, Paul Durand, s'est rendu à Lyon mardi. « La situation est grave et nous devons "
      "agir vite », a déclaré M. Durand devant la presse. Il a aussi promis « des moyens nouveaux » et annoncé "
      "une « enquête complète ». Selon la préfecture, « plusieurs routes restent fermées ». « Nous suivons la "
      "situation de près », a indiqué un communiqué du ministère. Le maire Lucie Bernard a salué « une réponse "
      "rapide ». Pour Jean Petit, chercheur, « rien n'est réglé ».")


@pytest.fixture(scope="module")
def fr_quotes():
    places = make_places(FR, [("lyon", "Lyon", "city", "FR", ["Lyon"])])
    _people, quotes, _events, _it = narrate(FR, "fr", "2024-03-06", places)
    return {q.text: q for q in quotes}


@pytest.mark.parametrize("text,speaker", [
    ("La situation est grave et nous devons agir vite", "Paul Durand"),
    ("des moyens nouveaux", "Paul Durand"),
    ("enquête complète", "Paul Durand"),
    ("plusieurs routes restent fermées", "préfecture"),
    ("une réponse rapide", "Lucie Bernard"),
    ("rien n'est réglé", "Jean Petit"),
])
def test_french_speakers(fr_quotes, text, speaker):
    assert text in fr_quotes, sorted(fr_quotes)
    assert fr_quotes[text].speaker == speaker


def test_quote_fields(fr_quotes):
    full = fr_quotes["La situation est grave et nous devons agir vite"]
    assert not full.partial and full.verb == "déclarer" and full.speaker_mention == "M. Durand"
    assert fr_quotes["des moyens nouveaux"].partial


def test_document_speaker_is_kept(fr_quotes):
    q = fr_quotes["Nous suivons la situation de près"]
    assert q.speaker and "ministère" in q.speaker


EN = ("The mayor of Springfield, Ann Lee, visited the flooded district on Monday. “We will rebuild every house,” "
      "Lee said. “Nobody will be left behind.” Officials described the damage as “severe”. “It is the worst "
      "flood in decades,” said Tom Hart, a local farmer. “My barn is gone,” he added.")


def test_english_without_parser():
    places = make_places(EN, [("springfield", "Springfield", "city", "US", ["Springfield"])])
    _p, quotes, _e, _i = narrate(EN, "en", "2024-03-06", places, nlp=blank_en())
    by = {q.text: q.speaker for q in quotes}
    assert by["We will rebuild every house"] == "Ann Lee"
    assert by["Nobody will be left behind."] == "Ann Lee"  # the previous speaker
    assert by["It is the worst flood in decades"] == "Tom Hart"
    assert by["My barn is gone"] == "Tom Hart"


def test_labels_in_quotes_are_not_quotes():
    text = "The region is under a “red” alert and the “orange” warning covers ten provinces."
    _p, quotes, _e, _i = narrate(text, "en", "2024-03-06", (), nlp=blank_en())
    assert quotes == ()


def test_quote_offsets_and_places(fr_quotes):
    for q in fr_quotes.values():
        assert FR[q.start:q.end] == q.text


def test_unnamed_speakers_and_multi_paragraph_quotes():
    text = ("La maire de Nantes, Claire Morel, a visité le chantier jeudi. « Les travaux avancent bien », "
            "affirme-t-elle. « Nous serons prêts en juin.\n« Le calendrier sera tenu », a-t-elle ajouté.\n"
            "D'après un proche du dossier, « tout n'est pas réglé ». « On verra », lâche un vieil ouvrier.")
    quotes = narrate(text, "fr", "2024-05-10")[1]
    by = {q.text.split("\n")[0]: q for q in quotes}
    assert by["Les travaux avancent bien"].speaker == "Claire Morel" and not by["Les travaux avancent bien"].partial
    assert by["Nous serons prêts en juin."].verb == "ajouter"
    assert by["tout n'est pas réglé"].speaker == "proche du dossier"
    assert by["On verra"].speaker == "vieil ouvrier"


def test_possessive_is_not_the_speaker():
    text = ("“We are studying all options,” said the ministry’s spokesman, Carl Berg. “I don’t know,” a worker "
            "told AFP.")
    quotes = narrate(text, "en", "2024-05-10", (), nlp=blank_en())[1]
    assert [q.speaker for q in quotes] == ["Carl Berg", "worker"]


def test_named_source_without_a_known_mention():
    text = "D'après Météo-France, il s'agit de « l'épisode le plus violent depuis dix ans »."
    quotes = narrate(text, "fr", "2024-05-10")[1]
    assert quotes[0].speaker == "Météo-France"


def test_clitic_subject_wins_over_a_later_noun():
    text = ("La mère du champion, Ana Vidal, regardait la course. « J'ai eu peur », a-t-elle raconté, se fiant "
            "aux cris des voisins.")
    quotes = narrate(text, "fr", "2024-05-10")[1]
    assert quotes[0].speaker == "Ana Vidal"


def test_unnamed_subject_of_a_reporting_verb():
    text = ("Le ministre Paul Roy a parlé mardi. « Nous tiendrons », a-t-il dit. Un usager rencontré à la gare "
            "s'est dit « épuisé » par ces grèves.")
    quotes = narrate(text, "fr", "2024-05-10")[1]
    assert quotes[-1].speaker == "usager"


def test_reporting_clause_inside_the_marks():
    text = ("La maire de Lille, Anne Roy, a visité le quartier. « Nous tiendrons, assure le préfet du Nord, Paul "
            "Caron. Mais il faudra du temps. » « C'est long, soupire-t-elle, très long. »")
    quotes = narrate(text, "fr", "2024-05-10")[1]
    assert [(q.text.split(",")[0], q.speaker) for q in quotes] == [("Nous tiendrons", "Paul Caron"),
                                                                    ("C'est long", "Anne Roy")]
    assert quotes[0].text.endswith("Mais il faudra du temps.") and text[quotes[0].start:quotes[0].end] == quotes[0].text


def test_pour_with_a_role_and_its_name():
    text = ("Pour l'économiste en chef d'une grande banque, Marc Dupuis, la banque centrale « joue la montre ». "
            "Le ministre de l'Économie a salué une décision « sage ».")
    quotes = narrate(text, "fr", "2024-05-10")[1]
    assert [q.speaker for q in quotes] == ["Marc Dupuis", "ministre de l'Économie"]
