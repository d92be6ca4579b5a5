"""Build tests/data/sample.story.json: a hand-made Story of the seed article for dashboard tests.

It is built from ../shared/seed (the article and its gold annotation) through geostory.model and
geostory.export, so it always follows the current schema. Run from the repo root:
``python tests/data/make_sample_story.py``. The dashboard tests use the committed JSON, not this script.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from geostory.export import story_to_json
from geostory.model import (  # noqa: F401
    Article,
    DateValue,
    Event,
    Itinerary,
    Mention,
    Person,
    Place,
    Quote,
    Stop,
    Story,
)

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed"
TARGET = Path(__file__).with_name("sample.story.json")

# quote index (gold order) -> places it belongs to, and event it supports
QUOTE_LINKS = {
    0: (("kremlin",), "gift-exchange"),
    1: (("north-korea",), "invitation"),
    2: (("kremlin",), "invitation-accepted"),
    3: (("kremlin", "russia"), "visit-continues"),
    4: (("komsomolsk",), "komsomolsk-visit"),
    5: (("vladivostok",), "vladivostok-demo"),
    6: (("vostochny",), "victory-pledge"),
    7: (("vostochny",), "victory-pledge"),
    8: (("vostochny",), "cooperation-praise"),
    9: (("vostochny",), "cooperation-praise"),
    10: (("white-house",), "un-warning"),
}
# event id -> a phrase of the sentence it comes from (the event span is that sentence)
EVENT_ANCHORS = {
    "gift-exchange": "se sont offert mutuellement",
    "us-suspicion": "soupçonnent la Russie",
    "invitation": "a invité mercredi",
    "invitation-accepted": "avait accepté cette invitation",
    "visit-continues": "se poursuit encore",
    "komsomolsk-visit": "devait se rendre à Komsomolsk",
    "vladivostok-demo": "Il doit ensuite assister",
    "vostochny-summit": "a retrouvé Vladimir Poutine",
    "cosmonaut-offer": "Moscou a ensuite proposé",
    "victory-pledge": "grande victoire",
    "cooperation-praise": "renforcement futur",
    "sullivan-calls": "Jake Sullivan",
    "un-warning": "toute exportation",
}
PEOPLE = {
    "Vladimir Poutine": "putin",
    "Kim Jong Un": "kim",
    "Dmitri Peskov": "peskov",
    "Jake Sullivan": "sullivan",
    "White House statement": "white-house-statement",
}


def _sentence(text: str, pos: int) -> tuple[int, int]:
    start = max(text.rfind("\n", 0, pos) + 1, 0)
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _mentions(text: str, gold_places: list[dict]) -> dict[str, tuple[Mention, ...]]:
    """Every surface form's occurrences; a longer form wins over a shorter one inside it."""
    forms = sorted(((s, g["id"]) for g in gold_places for s in g["surface"]), key=lambda f: -len(f[0]))
    taken: list[tuple[int, int]] = []
    found: dict[str, list[Mention]] = {g["id"]: [] for g in gold_places}
    for surface, pid in forms:
        for m in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text):
            if not any(s < m.end() and m.start() < e for s, e in taken):
                taken.append((m.start(), m.end()))
                found[pid].append(Mention(m.start(), m.end(), m.group()))
    return {pid: tuple(sorted(ms, key=lambda m: m.start)) for pid, ms in found.items()}


def build() -> Story:
    text = (SEED / "article.fr.txt").read_text(encoding="utf-8")
    gold = json.loads((SEED / "article.gold.json").read_text(encoding="utf-8"))
    mentions = _mentions(text, gold["places"])
    places = tuple(
        Place(
            id=g["id"], name=g["name"], kind=g["kind"], country=g["country"], lat=g["lat"], lon=g["lon"],
            mentions=mentions[g["id"]], gazetteer_id=f"gold:{g['id']}", confidence=1.0,
            reason="hand-checked", note=g.get("note"),
        )
        for g in gold["places"]
    )
    quotes = []
    for i, g in enumerate(gold["quotes"]):
        start = text.index(g["starts"])
        end = text.index(g["ends"], start) + len(g["ends"])
        where, event = QUOTE_LINKS[i]
        quotes.append(
            Quote(id=f"q{i + 1}", text=text[start:end], start=start, end=end, partial=g["partial"],
                  speaker=g["speaker"], speaker_id=PEOPLE[g["speaker"]], places=where, event=event)
        )
    events = []
    for g in gold["events"]:
        start, end = _sentence(text, text.index(EVENT_ANCHORS[g["id"]]))
        events.append(
            Event(id=g["id"], summary=g["summary"], start=start, end=end, date=g["date"],
                  date_precision="day" if g["date"] else None, status=g.get("status", "happened"),
                  actors=tuple(PEOPLE[a] for a in g["actors"]), places=tuple(g["places"]),
                  quotes=tuple(q.id for q in quotes if q.event == g["id"]))
        )
    people = tuple(Person(id=pid, name=name) for name, pid in PEOPLE.items())
    stops = tuple(
        Stop(place=p, date=d, status=s)
        for p, d, s in zip(gold["itinerary"]["stops"], ("2023-09-12", "2023-09-13", None, None),
                           ("happened", "happened", "planned", "planned"))
    )
    return Story(
        article=Article(text=text, lang="fr", published=gold["published"],
                        title="Poutine et Kim Jong Un s'offrent des fusils", source="seed article (AFP dispatch)"),
        places=places, quotes=tuple(quotes), events=tuple(events), people=people,
        itineraries=(Itinerary(traveller="Kim Jong Un", stops=stops),), focus=("RU", "KP"),
    )


if __name__ == "__main__":
    TARGET.write_text(story_to_json(build()) + "\n", encoding="utf-8")
    print(TARGET)
