"""data/seed.story.json (what the dashboard opens on) must equal a fresh extraction: it never goes stale."""

from __future__ import annotations

from geostory.export import story_from_json, story_to_dict
from tests.conftest import ROOT

REGENERATE = ("python -m geostory extract data/seed/article.fr.txt --lang fr --published 2023-09-14 "
              "--source 'AFP (seed story)' > data/seed.story.json")


def test_committed_seed_story_matches_a_fresh_extraction(seed_story):
    committed = story_from_json((ROOT / "data" / "seed.story.json").read_text(encoding="utf-8"))
    fresh = story_to_dict(seed_story)
    old = story_to_dict(committed)
    for key in ("places", "quotes", "events", "people", "itineraries"):
        assert old[key] == fresh[key], f"data/seed.story.json is stale ({key}); regenerate it: {REGENERATE}"
    assert old["article"]["text"] == fresh["article"]["text"]
