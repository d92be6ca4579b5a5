"""Test helpers: places built from a gold file (gold surfaces found in the text) and story dicts for scoring."""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import json
import re
from pathlib import Path

from geostory.model import Article, Mention, Place

SHARED = Path(__file__).resolve().parents[2] / "shared"


def gold_places(gold: dict, text: str) -> tuple[Place, ...]:
    """One Place per gold place, with a mention at each occurrence of its surface forms (longest first)."""
    taken: list[tuple[int, int]] = []
    forms = sorted(((f, g) for g in gold["places"] for f in g["surface"]), key=lambda x: -len(x[0]))
    found: dict[str, list[Mention]] = {}
    for form, g in forms:
        for m in re.finditer(r"(?<!\w)" + re.escape(form) + r"(?!\w)", text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.setdefault(g["id"], []).append(Mention(m.start(), m.end(), m.group()))
    return tuple(Place(g["id"], g["name"], g["kind"], g.get("country"), g["lat"], g["lon"],
                       tuple(sorted(found.get(g["id"], []), key=lambda x: x.start))) for g in gold["places"])


def story_dict(places, people, quotes, events, itins) -> dict:
    """The parts of a Story JSON that score_story reads."""
    asdict = dataclasses.asdict
    return {"places": [asdict(p) for p in places], "quotes": [asdict(q) for q in quotes],
            "events": [asdict(e) for e in events], "people": [asdict(p) for p in people],
            "itineraries": [asdict(i) for i in itins]}


def load_scorer():
    spec = importlib.util.spec_from_file_location("score_story", SHARED / "tools" / "score_story.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def cases() -> list[tuple[str, Path, Path, str, str | None]]:
    """(name, text path, gold path, lang, published) for the seed and every devset article."""
    out = [("seed", SHARED / "seed" / "article.fr.txt", SHARED / "seed" / "article.gold.json", "fr", None)]
    for g in sorted((SHARED / "devset").glob("*.gold.json")):
        out.append((g.name.split(".")[0], g.with_name(g.name.replace(".gold.json", ".txt")), g, None, None))
    return out


def run_case(text_path: Path, gold_path: Path):
    """(gold, text, story dict) extracted with gold places."""
    from geostory.extract.narrative import extract_narrative
    from geostory.nlp import get_nlp
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text = text_path.read_text(encoding="utf-8")
    lang = gold.get("lang", "fr")
    article = Article(text=text, lang=lang, published=gold.get("published"))
    places = gold_places(gold, text)
    doc = get_nlp(lang)(text)
    people, quotes, events, itins = extract_narrative(doc, article, places)
    return gold, text, story_dict(places, people, quotes, events, itins)


def make_places(text: str, spec: list[tuple[str, str, str, str | None, list[str]]]) -> tuple[Place, ...]:
    """Places for a synthetic text: spec rows are (id, name, kind, country, surface forms)."""
    rows = [{"id": i, "name": n, "kind": k, "country": c, "lat": 0.0, "lon": 0.0, "surface": s}
            for i, n, k, c, s in spec]
    return gold_places({"places": rows}, text)


@functools.lru_cache(maxsize=1)
def blank_en():
    """An English pipeline with a sentencizer only (no parse, no NER, no lemmas)."""
    import spacy
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def narrate(text: str, lang: str = "fr", published: str | None = None, places=(), nlp=None):
    """extract_narrative on ``text`` with the project's pipeline for ``lang`` (or ``nlp``)."""
    from geostory.extract.narrative import extract_narrative
    from geostory.nlp import get_nlp
    nlp = nlp or get_nlp(lang)
    return extract_narrative(nlp(text), Article(text=text, lang=lang, published=published), tuple(places))
