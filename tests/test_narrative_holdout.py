"""Held-out narrative evaluation: 14 articles written and annotated for this project (tests/data/holdout, 7 fr,
7 en), scored with the reference scorer. The extraction was reviewed against them, so the thresholds below are
the measured figures of the narrative extraction with the gold places, a little below them (the end-to-end
figures also depend on the geoparser: see tests/data/holdout/README.md)."""

import json
from pathlib import Path

import pytest

from tests.narrative_helpers import run_case

pytestmark = pytest.mark.shared

HOLDOUT = Path(__file__).resolve().parent / "data" / "holdout"


@pytest.fixture(scope="module")
def runs(score_story):
    out = {}
    for gold_path in sorted(HOLDOUT.glob("*.gold.json")):
        gold, text, story = run_case(gold_path.with_name(gold_path.name.replace(".gold.json", ".txt")), gold_path)
        out[gold_path.name.split(".")[0]] = (gold, text, story, score_story(gold, text, story))
    return out


def totals(runs, langs=("fr", "en")) -> dict:
    n = {"gold": 0, "found": 0, "pred": 0, "matched": 0, "speaker": 0, "dated": 0, "dated_hit": 0}
    for gold, _text, _story, r in runs.values():
        if gold["lang"] not in langs:
            continue
        found = round(r["quote_recall"] * len(gold["quotes"]))
        n["gold"] += len(gold["quotes"])
        n["found"] += found
        n["pred"] += r["quotes_pred"]
        n["matched"] += round(r["quote_precision"] * r["quotes_pred"])
        n["speaker"] += round(r["speaker_acc"] * found)
        n["dated"] += r["dated_events"]
        n["dated_hit"] += round(r["dated_event_recall"] * r["dated_events"])
    return n


def test_the_holdout_set_is_complete(runs):
    assert len(runs) == 14
    assert sorted(g["lang"] for g, *_x in runs.values()) == ["en"] * 7 + ["fr"] * 7


@pytest.mark.parametrize("langs", [("fr",), ("en",)])
def test_holdout_quotes_and_speakers(runs, langs):
    n = totals(runs, langs)
    recall, precision = n["found"] / n["gold"], n["matched"] / n["pred"]
    print(json.dumps({"langs": langs, **n}))
    assert recall >= 0.95 and precision >= 0.95, n
    assert n["speaker"] / n["found"] >= 0.95, [r["speaker_wrong"] for *_x, r in runs.values()]


def test_holdout_dated_events(runs):
    n = totals(runs)
    assert n["dated_hit"] / n["dated"] >= 0.9, [(k, r["dated_event_recall"]) for k, (*_x, r) in runs.items()]


def test_holdout_offsets(runs):
    for _gold, text, story, _r in runs.values():
        for q in story["quotes"]:
            assert text[q["start"]:q["end"]] == q["text"]
        for e in story["events"]:
            assert text[e["start"]:e["end"]] == e["summary"]


def test_holdout_end_to_end(score_story):
    """The whole pipeline (places from the geoparser, as `python -m geostory extract`): quotes and speakers do not
    depend on the gazetteer; dated events do (a missed or misplaced place loses its event), hence a lower bar."""
    from geostory.export import story_to_dict
    from geostory.extract.pipeline import extract_story
    from geostory.model import Article

    n = {"gold": 0, "found": 0, "speaker": 0, "dated": 0, "dated_hit": 0}
    for gold_path in sorted(HOLDOUT.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (HOLDOUT / gold["article"]).read_text(encoding="utf-8")
        story = story_to_dict(extract_story(Article(text=text, lang=gold["lang"], published=gold["published"])))
        r = score_story(gold, text, story)
        found = round(r["quote_recall"] * len(gold["quotes"]))
        n["gold"] += len(gold["quotes"])
        n["found"] += found
        n["speaker"] += round(r["speaker_acc"] * found)
        n["dated"] += r["dated_events"]
        n["dated_hit"] += round(r["dated_event_recall"] * r["dated_events"])
    print(json.dumps(n))
    assert n["found"] / n["gold"] >= 0.95 and n["speaker"] / n["found"] >= 0.9, n
    assert n["dated_hit"] / n["dated"] >= 0.75, n
