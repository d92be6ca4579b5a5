"""The hostile story: every text field an article or a geocoder fills carries a script-injection payload.

    python tests/data/bad/make_hostile.py      # writes tests/data/hostile.story.json

Each payload, if it ever ran, would call ``alert('xss-<where>')`` or load an image called ``x``; the browser test
(tests/test_hostile.py) watches for dialogs, for requests to ``/x`` and for console errors naming ``xss-``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from geostory.export import story_to_json
from geostory.model import (
    Article,
    Candidate,
    Event,
    Itinerary,
    Mention,
    Person,
    Place,
    Quote,
    Stop,
    Story,
)

OUT = ROOT / "tests" / "data" / "hostile.story.json"


def payloads(where: str) -> dict[str, str]:
    """The injection shapes, each naming ``where`` it was planted."""
    return {
        "img": f'<img src=x onerror="alert(\'xss-{where}\')">',
        "script": f"<script>alert('xss-{where}')</script>",
        "svg": f"<svg/onload=alert('xss-{where}')>",
        "attr": f"\" onmouseover=\"alert('xss-{where}')\" x=\"",
        "template": f"`${{alert('xss-{where}')}}`",
        "close": f"</script><script>alert('xss-{where}')</script>",
        "js_url": f"javascript:alert('xss-{where}')",
        "md_link": f"[click](javascript:alert('xss-{where}'))",
        "iframe": f"<iframe src=\"javascript:alert('xss-{where}')\"></iframe>",
    }


def evil(where: str) -> str:
    """All the payloads for one field, in one string."""
    return " ".join(payloads(where).values())


def hostile_story() -> Story:
    parts = [
        f"{evil('text')}\n",
        "Le maire de Lyon a dit : « ", f"{evil('quote')} », puis il est parti à Marseille le 12 mars 2024. ",
        "Le ministre a visité Toulouse le 13 mars 2024.\n",
    ]
    text = "".join(parts)

    def at(word: str, nth: int = 0) -> Mention:
        i = -1
        for _ in range(nth + 1):
            i = text.index(word, i + 1)
        return Mention(i, i + len(word), word)

    lyon, marseille, toulouse = at("Lyon"), at("Marseille"), at("Toulouse")
    q_start = text.index("« ")
    q_end = text.index(" »", q_start) + 2
    pid = "p1\"><img src=x onerror=alert('xss-id')>"
    alt = Candidate("gn:1", evil("alternative"), "city", "FR", 45.0, 4.0, 1.0, evil("alternative-reason"))
    places = (
        Place(pid, f"Lyon {evil('place-name')}", "city", "FR", 45.75, 4.85, (lyon,), gazetteer_id=evil("gazetteer-id"),
              reason=evil("reason"), confidence=0.9, alternatives=(alt,), provider=evil("provider"),
              note=evil("note")),
        Place("p2", f"Marseille {evil('place-name-2')}", evil("kind"), evil("country"), 43.3, 5.37, (marseille,),
              reason=evil("reason-2")),
        Place("p3", "Toulouse", "city", "FR", 43.6, 1.44, (toulouse,)),
    )
    person = Person("per1", evil("person"), aliases=(evil("alias"),), role=evil("role"), places=(pid,))
    quote = Quote("q1\"><img src=x onerror=alert('xss-quote-id')>", text[q_start:q_end], q_start, q_end,
                  speaker=evil("speaker"), speaker_mention=evil("speaker-mention"), speaker_id="per1",
                  verb=evil("verb"), places=(pid,), event="e1")
    m_end = text.index(" le 12 mars 2024.") + len(" le 12 mars 2024")
    events = (
        Event("e1", text[marseille.start - len("il est parti à "):m_end], marseille.start - len("il est parti à "),
              m_end, predicate=evil("predicate"), date="2024-03-12", date_precision="day", date_text=evil("date-text"),
              status="happened", actors=("per1", evil("actor")), places=("p2",), quotes=(quote.id,)),
        Event("e2", evil("summary"), toulouse.start, toulouse.end, date="2024-03-13", date_precision="day",
              status=evil("status"), actors=(evil("actor-2"),), places=("p3", pid)),
    )
    itinerary = Itinerary(evil("traveller"), (Stop(pid, "2024-03-11"), Stop("p2", "2024-03-12", "e1"),
                                              Stop("p3", evil("stop-date"), status="planned")))
    return Story(
        article=Article(text=text, lang="fr", published="2024-03-14", title=f"Visite {evil('title')}",
                        source=evil("source")),
        places=places, quotes=(quote,), events=events, people=(person,), itineraries=(itinerary,),
        focus=("FR", evil("focus")), notes=(evil("story-note"),),
    )


if __name__ == "__main__":
    OUT.write_text(story_to_json(hostile_story()), encoding="utf-8")
    print(OUT)
