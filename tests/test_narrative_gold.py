"""Seed and devset against their gold, with score_story's definitions (places taken from the gold surfaces,
so that these figures measure the narrative extraction alone; the end-to-end figures use the CLI)."""

import json

import pytest

from tests.conftest import require_shared
from tests.narrative_helpers import run_case

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def runs(score_story):
    shared = require_shared()
    cases = [("seed", shared / "seed" / "article.fr.txt", shared / "seed" / "article.gold.json")]
    for g in sorted((shared / "devset").glob("*.gold.json")):
        cases.append((g.name.split(".")[0], g.with_name(g.name.replace(".gold.json", ".txt")), g))
    out = {}
    for name, text_path, gold_path in cases:
        gold, text, story = run_case(text_path, gold_path)
        out[name] = (gold, text, story, score_story(gold, text, story))
    return out


def test_seed_quotes(runs):
    gold, _text, story, r = runs["seed"]
    assert r["quote_recall"] == 1.0, r["quotes_missed"]
    assert r["quote_precision"] >= 0.9
    found = round(r["quote_recall"] * len(gold["quotes"]))
    assert round(r["speaker_acc"] * found) >= 10, r["speaker_wrong"]


def test_seed_dated_events(runs):
    assert runs["seed"][3]["dated_event_recall"] >= 0.9


def test_seed_itinerary(runs):
    gold, _text, story, _r = runs["seed"]
    want = gold["itinerary"]
    got = [i for i in story["itineraries"] if i["traveller"] == want["traveller"]]
    assert got, story["itineraries"]
    assert [s["place"] for s in got[0]["stops"]] == want["stops"]


def test_devset_quotes_and_speakers(runs):
    n_gold = n_found = n_pred = n_matched = n_speaker = 0
    for name, (gold, _text, story, r) in runs.items():
        if name == "seed":
            continue
        found = round(r["quote_recall"] * len(gold["quotes"]))
        n_gold += len(gold["quotes"])
        n_found += found
        n_pred += r["quotes_pred"]
        n_matched += round(r["quote_precision"] * r["quotes_pred"])
        n_speaker += round(r["speaker_acc"] * found)
    precision, recall = n_matched / n_pred, n_found / n_gold
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.85, (precision, recall)
    assert n_speaker / n_found >= 0.85


def test_devset_dated_events_reported(runs):
    dated = sum(r["dated_events"] for name, (*_x, r) in runs.items() if name != "seed")
    hit = sum(round(r["dated_event_recall"] * r["dated_events"]) for name, (*_x, r) in runs.items() if name != "seed")
    print(json.dumps({"devset_dated_event_recall": round(hit / dated, 3), "dated_events": dated}))
    assert hit / dated >= 0.5


def test_offsets_hold_on_every_article(runs):
    for _name, (_gold, text, story, _r) in runs.items():
        for q in story["quotes"]:
            assert text[q["start"]:q["end"]] == q["text"]
        for e in story["events"]:
            assert text[e["start"]:e["end"]] == e["summary"]
