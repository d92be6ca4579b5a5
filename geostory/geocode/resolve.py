"""Choosing one gazetteer entry per mention, in the context of the whole story.

Each candidate gets a score made of readable parts (population, kind of feature, curated entry, cue words before the
mention, agreement with the story's focus countries and with the other places, containment such as "Paris, Texas"),
so every Place says why it was chosen and keeps its runners-up.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from geostory.extract.places import PLACE_PREPOSITIONS, Match, Unknown
from geostory.gazetteer.index import ALT, MAIN, SPELLING, Entry, Gazetteer
from geostory.gazetteer.text import fold
from geostory.model import Candidate, Mention, Place

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
_CONTAINER = re.compile(r"^\s*(?:,|\()\s*([^\W\d_][^,;.()\n]{1,40}?)\s*(?:\)|,|\.|;|$)")


@dataclass
class _Scored:
    entry: Entry
    score: float
    reasons: list[str]


def _base_score(entry: Entry, match: Match) -> _Scored:
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
    cue_feats = set().union(*(CUE_FEATURES.get(c, set()) for c in match.cues)) if match.cues else set()
    if cue_feats and entry.feature in cue_feats:
        score += 8.0
        reasons.append(f"cue word '{next(c for c in match.cues if entry.feature in CUE_FEATURES.get(c, ()))}'")
    return _Scored(entry, score, reasons)


def _km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b_lon - a_lon) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def country_evidence(matches: list[Match]) -> tuple[dict[str, Counter], dict[str, set[str]]]:
    """Per mention key: focus votes (countries named, implied by demonyms or by unambiguous places) and the
    countries named outright. A mention never votes for itself: "Mexico" must not pull "Mexico City" by naming MX."""
    votes: dict[str, Counter] = {}
    named: dict[str, set[str]] = {}
    for m in matches:
        countries_named = {e.country for e in m.entries if e.kind == "country" and e.country}
        countries = countries_named or {e.country for e in m.entries if e.country}
        if len(countries) == 1:
            votes.setdefault(m.key, Counter())[next(iter(countries))] += 2 if countries_named else 1
        if len(countries_named) == 1:
            named.setdefault(m.key, set()).update(countries_named)
    return votes, named


def _containers(text: str, match: Match, gaz: Gazetteer) -> list[Entry]:
    """Entries named right after a mention as its container: "Paris, Texas", "Vienne (Isère)"."""
    m = _CONTAINER.match(text[match.end: match.end + 60])
    if not m:
        return []
    return [e for e in gaz.lookup(m.group(1)) if e.kind in ("country", "region")]


def resolve_matches(text: str, matches: list[Match], gaz: Gazetteer, *, lang: str = "fr",
                    top: int = 3) -> list[Place]:
    """Group mentions by chosen entry and return one Place per entry, in order of first mention."""
    votes_by_key, named_by_key = country_evidence(matches)
    anchors = _AnchorPoints(_anchors(matches))
    support = _area_support(matches)
    chosen: list[tuple[Match, list[_Scored]]] = []
    all_votes = sum(votes_by_key.values(), Counter())  # linear: each mention subtracts its own votes
    naming = Counter(c for countries in named_by_key.values() for c in countries)
    for m in matches:
        focus = all_votes - votes_by_key.get(m.key, Counter())
        total = sum(focus.values()) or 1
        own = named_by_key.get(m.key, set())
        named = {c for c, n in naming.items() if n > (c in own)}
        scored = [_base_score(e, m) for e in m.entries]
        _prefer_cities_over_same_named_areas(scored, m)
        containers = _containers(text, m, gaz)
        strong = any(x.entry.curated or x.entry.kind == "country" for x in scored)
        top_city = max((x.entry.population for x in scored if x.entry.kind == "city"), default=0)
        for sc in scored:
            e = sc.entry
            if strong and e.kind == "city" and e.population < 1000:
                continue  # a hamlet called "Middle East" or "English" gets no help from the context
            # a namesake fifty times smaller than the best-known city of that name needs local evidence (its county,
            # its state), not just its country: "US officials" in Geneva talks do not make it Geneva, New York
            minor = e.kind == "city" and e.population * 50 < top_city
            share = focus.get(e.country, 0) / total if e.country and not minor else 0.0
            if share:
                sc.score += 4.0 * share
                sc.reasons.append(f"in the story's focus country {e.country}")
            if e.country in named and not minor:
                sc.score += 3.0
                sc.reasons.append(f"{e.country} is named in the article")
            keys = (support.get(e.admin2, set()) | support.get(e.id, set())) - {m.key}
            if keys:  # "Paris" and "Henry County" both have a reading in Henry County, Tennessee
                sc.score += min(4.0, 2.0 * len(keys))
                sc.reasons.append("other names of the story have readings in the same area")
            near = anchors.nearest_km(e, m)
            if near is not None and near < 1000:
                sc.score += 3.0 if near < 50 else 2.0 if near < 200 else 1.0
                sc.reasons.append(f"{near:.0f} km from another place of the story")
            for c in containers:
                if (c.kind == "country" and c.country == e.country) or c.id in (e.admin1, e.admin2):
                    sc.score += 10.0
                    sc.reasons.append(f"contained in {c.name}")
                    break
        if lang == "fr":
            for sc in scored:
                if sc.entry.kind == "city" and m.cues and m.cues[-1] in PLACE_PREPOSITIONS:
                    sc.score += 0.5
                elif sc.entry.feature == "ADM1" and sc.entry.country != "FR" and not sc.entry.curated:
                    # French news names a foreign state "l'État de New York"; bare, the name is the city
                    sc.score -= 1.5
        scored.sort(key=lambda s: -s.score)
        chosen.append((m, scored))
    # second pass: co-location with the places already chosen (same admin1, or a region containing them)
    best_regions = Counter(s[0].entry.admin1 for _, s in chosen if s and s[0].entry.admin1)
    areas = {}
    for m2, s2 in chosen:
        if s2 and s2[0].entry.kind == "region":
            areas.setdefault(s2[0].entry.id, set()).add(m2.key)
    top_areas: dict[str, Counter] = {}  # area -> keys whose current pick lies in it (kept up to date: linear)
    for m2, s2 in chosen:
        _count_areas(top_areas, s2, m2.key, 1)
    for m, scored in chosen:
        first = scored[0] if scored else None
        for sc in scored:
            for a in (sc.entry.admin1, sc.entry.admin2):
                if a and _others(areas.get(a), m.key):
                    sc.score += 3.0
                    sc.reasons.append("in a region the story names")
                    break
        for sc in scored:
            if sc.entry.admin1 and best_regions.get(sc.entry.admin1, 0) > (1 if sc is scored[0] else 0):
                sc.score += 1.5
                sc.reasons.append("near other places of the story")
            if sc.entry.kind == "region" and sc.entry.flags & MAIN and _others(top_areas.get(sc.entry.id), m.key):
                sc.score += 6.0
                sc.reasons.append("contains other places of the story")
        scored.sort(key=lambda s: -s.score)
        if scored and scored[0] is not first:
            _count_areas(top_areas, [first], m.key, -1)
            _count_areas(top_areas, scored, m.key, 1)
    _one_sense_per_name(chosen)
    return _group(chosen, top)


def _one_sense_per_name(chosen: list[tuple[Match, list[_Scored]]]) -> None:
    """All mentions of one name get the same entry (the best over all of them), except a mention whose own cue
    word or container decided it ("région de Kharkiv", "Paris, Texas")."""
    totals: dict[str, Counter] = {}
    for m, scored in chosen:
        for sc in scored:
            totals.setdefault(m.key, Counter())[sc.entry.id] += sc.score
    for m, scored in chosen:
        if not scored or any(r.startswith(("cue word", "contained in")) for r in scored[0].reasons):
            continue
        best_id = totals[m.key].most_common(1)[0][0]
        if scored[0].entry.id != best_id:
            scored.sort(key=lambda s: s.entry.id != best_id)


def _area_support(matches: list[Match]) -> dict[str, set[str]]:
    """Second-level area id -> mention keys having a candidate in it (or being it)."""
    out: dict[str, set[str]] = {}
    for m in matches:
        for e in m.entries:
            if e.admin2:
                out.setdefault(e.admin2, set()).add(m.key)
            if e.feature == "ADM2":
                out.setdefault(e.id, set()).add(m.key)
    return out


def _anchors(matches: list[Match]) -> list[tuple[Match, Entry]]:
    """Unambiguous non-country mentions: the points other places should be near."""
    out = []
    for m in matches:
        geo = [e for e in m.entries if e.kind != "country"]
        if len(geo) == 1 and len(m.entries) == 1:
            out.append((m, geo[0]))
    return out


def _others(keys, key: str) -> bool:
    """True when ``keys`` (a set or Counter of mention keys) holds a key other than ``key``."""
    return bool(keys) and (len(keys) > 1 or key not in keys)


def _count_areas(top_areas: dict[str, Counter], scored: list[_Scored], key: str, step: int) -> None:
    """Add (or remove) ``key`` under the first- and second-level areas of the pick ``scored[0]``."""
    if not scored or scored[0] is None:
        return
    for area in (scored[0].entry.admin1, scored[0].entry.admin2):
        if area:
            keys = top_areas.setdefault(area, Counter())
            keys[key] += step
            if keys[key] <= 0:
                del keys[key]


class _AnchorPoints:
    """The anchors as arrays: the nearest one to a candidate in one vectorised pass (no Python loop per pair)."""

    def __init__(self, anchors: list[tuple[Match, Entry]]):
        self.keys = np.array([m.key for m, _ in anchors], dtype=object)
        self.ids = np.array([a.id for _, a in anchors], dtype=object)
        self.lat = np.array([a.lat for _, a in anchors], dtype=float)
        self.lon = np.array([a.lon for _, a in anchors], dtype=float)

    def nearest_km(self, entry: Entry, match: Match) -> float | None:
        """Great-circle distance to the nearest anchor of another name and entry (None when there is none)."""
        if not len(self.keys):
            return None
        keep = (self.keys != match.key) & (self.ids != entry.id)
        if not keep.any():
            return None
        p1, p2 = math.radians(entry.lat), np.radians(self.lat[keep])
        h = np.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(np.radians(self.lon[keep] - entry.lon) / 2) ** 2
        return float(2 * 6371.0 * np.arcsin(np.sqrt(min(1.0, float(h.min())))))


def _prefer_cities_over_same_named_areas(scored: list[_Scored], match: Match) -> None:
    """"Córdoba", "Monterrey", "Mobile": an area named like one of the candidate cities is the city, unless a cue
    word ("province de", "county") asked for the area."""
    cue_asked = any(c in CUE_FEATURES and CUE_FEATURES[c] & {"ADM1", "ADM2"} for c in match.cues)
    if cue_asked:
        return
    cities = [s.entry for s in scored if s.entry.kind == "city"]
    for s in scored:
        area = s.entry
        if area.kind != "region" or area.curated:
            continue
        same = [c for c in cities if fold(c.name).removesuffix(" city") in (fold(area.name), match.key)]
        # only a city that is a large part of the area (Córdoba, Monterrey), not a town named after a state
        if any(c.population >= 0.3 * max(area.population, 1) for c in same):
            s.score -= 2.0
            s.reasons.append("a city has the same name")


def _confidence(scored: list[_Scored]) -> float:
    if not scored:
        return 0.0
    exps = [math.exp(min(50.0, s.score - scored[0].score)) for s in scored]
    return round(exps[0] / sum(exps), 3)


def _group(chosen: list[tuple[Match, list[_Scored]]], top: int) -> list[Place]:
    groups: dict[str, list[tuple[Match, list[_Scored]]]] = {}
    for m, scored in chosen:
        if scored:
            groups.setdefault(scored[0].entry.id, []).append((m, scored))
    places: list[Place] = []
    for n, (eid, items) in enumerate(groups.items(), start=1):
        m0, scored = max(items, key=lambda it: _confidence(it[1]))
        best = scored[0].entry
        alternatives = tuple(
            Candidate(s.entry.id, s.entry.name, s.entry.kind, s.entry.country, s.entry.lat, s.entry.lon,
                      round(s.score, 2), "; ".join(s.reasons))
            for s in scored[1: top + 1]
        )
        places.append(Place(
            id=f"p{n}",
            name=best.name,
            kind=best.kind,
            country=best.country,
            lat=round(best.lat, 5),
            lon=round(best.lon, 5),
            mentions=tuple(Mention(m.start, m.end, m.text) for m, _ in items),
            gazetteer_id=best.id,
            reason="; ".join(scored[0].reasons) or "only candidate",
            confidence=_confidence(scored),
            alternatives=alternatives,
            provider="offline",
            admin1=best.admin1,
            population=best.population or None,
        ))
    return places


def place_unknowns(text: str, unknowns: list[Unknown], places: list[Place]) -> list[Place]:
    """Places for names the gazetteer lacks, pinned (approximately) at the nearest place named before them.

    The reference is the closest preceding mention of a non-country place, else the first such place of the story;
    a name with no such reference stays unresolved (lat/lon None) and is still reported.
    """
    refs = sorted(((m.start, p) for p in places if p.kind != "country" and p.resolved for m in p.mentions),
                  key=lambda x: x[0])
    out: list[Place] = []
    by_name: dict[str, Place] = {}
    n0 = len(places)
    for u in unknowns:
        key = fold(u.text)
        if key in by_name:
            old = by_name[key]
            by_name[key] = out[out.index(old)] = Place(**{**_fields(old), "mentions": old.mentions + (Mention(u.start, u.end, u.text),)})
            continue
        before = [p for s, p in refs if s < u.start]
        ref = before[-1] if before else (refs[0][1] if refs else None)
        common = dict(id=f"p{n0 + len(out) + 1}", name=u.text, kind=u.kind, mentions=(Mention(u.start, u.end, u.text),))
        if ref is None:
            place = Place(**common, country=None, lat=None, lon=None, reason=f"{u.why}; not in the gazetteer",
                          provider="none", note="unresolved")
        else:
            place = Place(**common, country=ref.country, lat=ref.lat, lon=ref.lon, confidence=0.3,
                          reason=f"{u.why}, not in the gazetteer; placed at {ref.name}, the place named before it",
                          provider="context", note=f"approximate: near {ref.name}")
        by_name[key] = place
        out.append(place)
    return out


def _fields(place: Place) -> dict:
    return {f: getattr(place, f) for f in place.__slots__}
