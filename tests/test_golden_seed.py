"""The seed article scored against its hand-checked gold with the reference scorer (../shared/tools)."""

from __future__ import annotations

import json

from geostory.export import story_to_dict
from tests.conftest import ROOT


def test_seed_places_meet_the_acceptance(seed_story, seed_text, score_story):
    gold = json.loads((ROOT / "data" / "seed" / "article.gold.json").read_text(encoding="utf-8"))
    res = score_story(gold, seed_text, story_to_dict(seed_story))
    assert res["place_recall"] == 1.0, res["missed"]
    assert res["place_precision"] >= 0.95, res["false_pos"]
    assert res["end_to_end_place_acc"] >= 0.95, res["wrong"]


def test_seed_named_resolutions(seed_story):
    by_text = {m.text: p for p in seed_story.places for m in p.mentions}
    assert by_text["sud-coréen"].country == "KR"
    assert by_text["japonais"].country == "JP"
    assert by_text["Komsomolsk-sur-l’Amour"].name == "Komsomolsk-on-Amur"
    assert by_text["Maison Blanche"].country == "US"
    assert by_text["Kremlin"].country == "RU"


def test_devset_french_places(shared, score_story):
    from geostory.extract.pipeline import extract_story
    from geostory.model import Article

    accs = []
    for txt in sorted((shared / "devset").glob("*_fr_*.txt")):
        gold = json.loads((txt.parent / (txt.stem + ".gold.json")).read_text(encoding="utf-8"))
        text = txt.read_text(encoding="utf-8")
        story = extract_story(Article(text=text, lang="fr", published=gold.get("published")))
        accs.append(score_story(gold, text, story_to_dict(story))["end_to_end_place_acc"])
    assert sum(accs) / len(accs) >= 0.80, accs


def test_devset_english_does_not_crash(shared):
    from geostory.extract.pipeline import extract_story
    from geostory.model import Article

    for txt in sorted((shared / "devset").glob("*_en_*.txt")):
        story = extract_story(Article(text=txt.read_text(encoding="utf-8"), lang="en"))
        assert story.places
