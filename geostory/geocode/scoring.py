"""The context-free part of a candidate's score: population, kind of feature, curated entry, cue words.

Every part comes with a short reason, so a Place can say why it was chosen.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from geostory.extract.places import Match
from geostory.gazetteer.index import ALT, MAIN, SPELLING, Entry
from geostory.gazetteer.text import fold

__all__ = ["CUE_FEATURES", "KIND_PRIOR", "Scored", "base_score", "confidence", "own_cues",
           "prefer_cities_over_same_named_areas"]

# cue words before a name -> features they point to (French and English)
CUE_FEATURES: dict[str, set[str]] = {
    "cosmodrome": {"spaceport"}, "spaceport": {"spaceport"}, "baikonour": {"spaceport"},
    "departement": {"ADM2"}, "province": {"ADM1", "ADM2"}, "region": {"ADM1", "ADM2", "geo_region"},
    "county": {"ADM2"}, "comte": {"ADM2"}, "etat": {"ADM1"}, "state": {"ADM1"}, "canton": {"ADM1", "ADM2"},
    "ville": {"PPL", "PPLC"}, "city": {"PPL", "PPLC"}, "commune": {"PPL"}, "village": {"PPL"}, "town": {"PPL"},
    "capitale": {"PPLC"}, "capital": {"PPLC"}, "fleuve": {"river"}, "riviere": {"river"}, "river": {"river"},
    "lac": {"lake"}, "lake": {"lake"}, "mer": {"sea"}, "sea": {"sea"}, "ocean": {"ocean"}, "golfe": {"gulf"},
    "gulf": {"gulf"}, "ile": {"island"}, "island": {"island"}, "mont": {"mountain_range"}, "massif": {"mountain_range"},
    "plateau": {"plateau"}, "vallee": {"valley"}, "valley": {"valley"}, "detroit": {"strait"}, "aeroport": {"airport"},
    "airport": {"airport"}, "port": {"port"}, "palais": {"seat_of_power", "government_building"},
}
KIND_PRIOR = {"country": 6.0, "region": 1.0, "city": 0.0, "landmark": 2.0, "water": 1.5, "other": 0.5}
_WORD = re.compile(r"[^\W\d_]+")
_LOCATIVE = {"in", "at", "near", "from", "into", "outside", "across", "dans", "en", "pres", "vers", "depuis"}


@dataclass
class Scored:
    """A candidate entry, its score so far and the reasons for it."""

    entry: Entry
    score: float
    reasons: list[str]


def own_cues(text: str, matches: list[Match]) -> dict[int, list[str]]:
    """Per match (by ``id``), its cue words that are not inside another place's name: in "New York City and
    Florida", "city" is New York's, not a cue for Florida; in "a village in southern Macedonia", "village" is the
    village's, not Macedonia's (a cue before a locative preposition names something else)."""
    out: dict[int, list[str]] = {}
    spans: list[tuple[int, int]] = []
    for m in sorted(matches, key=lambda m: m.start):
        cues: list[str] = []
        if m.cues:
            w0 = max(0, m.start - 80)
            window = list(text[w0: m.start])
            for s, e in reversed(spans):  # sorted by start: only the last few can reach into the window
                if e <= w0:
                    break
                window[max(s, w0) - w0: min(e, m.start) - w0] = " " * (min(e, m.start) - max(s, w0))
            words = {fold(w) for w in _WORD.findall("".join(window))}
            cues = [c for c in m.cues if c in words]
            cut = max((i for i, c in enumerate(cues) if c in _LOCATIVE), default=-1)
            cues = cues[max(cut, 0):]
        out[id(m)] = cues
        spans.append((m.start, m.end))
    return out


def base_score(entry: Entry, match: Match, cues: list[str] | None = None) -> Scored:
    """Score of ``entry`` for ``match`` without context (``cues``: the match's own cue words)."""
    cues = match.cues if cues is None else cues
    reasons: list[str] = []
    score = KIND_PRIOR.get(entry.kind, 0.0) if entry.kind in ("country", "region", "city") or entry.curated else 0.0
    if entry.kind == "country":
        reasons.append("country name" if not match.demonym else "demonym of the country")
    if entry.curated:  # curated because news names them all the time: worth a large city
        score += 6.0
        reasons.append(f"curated {entry.feature.replace('_', ' ') or entry.kind}")
    if entry.feature == "ADM1":
        score += 1.0
        reasons.append("first-level region")
    elif entry.feature == "ADM2":
        score -= 0.5
    if entry.population:  # areas count all their towns: weigh them down against cities
        pop = math.log10(entry.population + 1) - (1.5 if entry.kind == "region" else 0.0)
        score += pop
        if entry.kind == "city":
            reasons.append(f"population {entry.population:,}")
    if entry.feature == "PPLC":
        score += 3.0
        reasons.append("national capital")
    city_form = (entry.kind == "city" and fold(entry.name) in (match.key + " city", "city of " + match.key)
                 and not any(e.kind == "country" for e in match.entries))  # "Mexico" stays the country
    if entry.flags & MAIN or city_form:  # "New York" is New York City's everyday name
        score += 1.0
    elif entry.flags & ALT and entry.kind in ("city", "region"):
        score -= 1.0 if entry.kind == "city" else 2.0
        reasons.append("alternate name")
    if fold(entry.name) == match.key:
        score += 0.5
    if entry.flags == SPELLING:
        score -= 1.0
        reasons.append(f"spelling variant of {entry.name}")
    cue_feats = set().union(*(CUE_FEATURES.get(c, set()) for c in cues)) if cues else set()
    if cue_feats and entry.feature in cue_feats:
        score += 8.0
        reasons.append(f"cue word '{next(c for c in cues if entry.feature in CUE_FEATURES.get(c, ()))}'")
    return Scored(entry, score, reasons)


def prefer_cities_over_same_named_areas(scored: list[Scored], match: Match, cues: list[str] | None = None) -> None:
    """"Córdoba", "Monterrey", "Mobile": an area named like one of the candidate cities is the city, unless a cue
    word ("province de", "county") asked for the area."""
    cues = match.cues if cues is None else cues
    if any(c in CUE_FEATURES and CUE_FEATURES[c] & {"ADM1", "ADM2"} for c in cues):
        return
    areas = [s for s in scored if s.entry.kind == "region" and not s.entry.curated]
    if not areas:
        return
    cities = [(fold(s.entry.name).removesuffix(" city"), s.entry) for s in scored if s.entry.kind == "city"]
    for s in areas:
        area = s.entry
        names = (fold(area.name), match.key)
        same = [c for key, c in cities if key in names]
        # only a city that is a large part of the area (Córdoba, Monterrey), not a town named after a state
        if any(c.population >= 0.3 * max(area.population, 1) for c in same):
            s.score -= 2.0
            s.reasons.append("a city has the same name")


def confidence(scored: list[Scored]) -> float:
    """Softmax share of the best candidate (1.0 when it is alone)."""
    if not scored:
        return 0.0
    exps = [math.exp(min(50.0, s.score - scored[0].score)) for s in scored]
    return round(exps[0] / sum(exps), 3)
