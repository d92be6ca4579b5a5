"""Choosing one gazetteer entry per mention, in the context of the whole story.

Each candidate gets a score made of readable parts (``scoring``: population, kind of feature, curated entry, cue
words before the mention; ``context``: agreement with the story's focus countries and with the other places,
containment such as "Paris, Texas", the kind of the other items of a list), so every Place says why it was chosen
and keeps its runners-up.
"""

from __future__ import annotations

import re
from collections import Counter

from geostory.extract.places import PLACE_PREPOSITIONS, Match, Unknown
from geostory.gazetteer.index import MAIN, Gazetteer
from geostory.gazetteer.text import fold
from geostory.geocode.context import (AnchorPoints, anchors, area_support, containers, coordinated_lists,
                                      count_areas, country_evidence, feature_class, others)
from geostory.geocode.scoring import (CUE_FEATURES, KIND_PRIOR, Scored, base_score, confidence, own_cues,
                                      prefer_cities_over_same_named_areas)
from geostory.model import Candidate, Mention, Place

__all__ = ["CUE_FEATURES", "KIND_PRIOR", "country_evidence", "place_unknowns", "resolve_matches"]

# plural nouns after a list that say what its items are ("Henry and Carroll counties", "les départements de ...")
PLURAL_CUES = {"counties": {"ADM2"}, "states": {"ADM1"}, "provinces": {"ADM1", "ADM2"}, "regions": {"ADM1", "ADM2"},
               "departements": {"ADM2"}, "departments": {"ADM2"}, "parishes": {"ADM2"}, "districts": {"ADM2"},
               "cities": {"PPL", "PPLC"}, "towns": {"PPL"}, "villes": {"PPL", "PPLC"}, "countries": {"PCLI"},
               "pays": {"PCLI"}, "rivers": {"river"}, "islands": {"island"}, "lakes": {"lake"}}
# lower-case nouns right after a name that say what it is ("Washington state", "Kings county")
NOUNS_AFTER = {"state": {"ADM1"}, "county": {"ADM2"}, "province": {"ADM1", "ADM2"}, "region": {"ADM1", "ADM2"},
               "city": {"PPL", "PPLC"}, "river": {"river"}, "island": {"island"}}
_NEXT_WORD = re.compile(r"^[ \t]+([a-z]+)\b")
_PLURAL_CUE = re.compile(r"^\s+([^\W\d_]+)")
LIST_WEIGHT = 4.0  # a list item's reading of the same level as the other items ("Oregon" among states)
HAMLET = 10_000  # below this, a town named like a country or a curated feature gets no help from the context


def resolve_matches(text: str, matches: list[Match], gaz: Gazetteer, *, lang: str = "fr",
                    top: int = 3) -> list[Place]:
    """Group mentions by chosen entry and return one Place per entry, in order of first mention."""
    votes_by_key, named_by_key = country_evidence(matches)
    points = AnchorPoints(anchors(matches))
    support = area_support(matches)
    cues_of = own_cues(text, matches)
    chosen: list[tuple[Match, list[Scored]]] = []
    all_votes = sum(votes_by_key.values(), Counter())  # linear: each mention subtracts its own votes
    naming = Counter(c for countries in named_by_key.values() for c in countries)
    for m in matches:
        cues = cues_of.get(id(m), m.cues)
        focus = all_votes - votes_by_key.get(m.key, Counter())
        total = sum(focus.values()) or 1
        own = named_by_key.get(m.key, set())
        named = {c for c, n in naming.items() if n > (c in own)}
        scored = [base_score(e, m, cues) for e in m.entries]
        prefer_cities_over_same_named_areas(scored, m, cues)
        boxes = containers(text, m, gaz)
        strong = any(x.entry.curated or x.entry.kind == "country" for x in scored)
        top_city = max((x.entry.population for x in scored if x.entry.kind == "city"), default=0)
        for sc in scored:
            e = sc.entry
            if strong and e.kind == "city" and e.population < HAMLET:
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
            near = points.nearest_km(e, m)
            if near is not None and near < 1000:
                sc.score += 3.0 if near < 50 else 2.0 if near < 200 else 1.0
                sc.reasons.append(f"{near:.0f} km from another place of the story")
            for c in boxes:
                if (c.kind == "country" and c.country == e.country) or c.id in (e.admin1, e.admin2):
                    sc.score += 10.0
                    sc.reasons.append(f"contained in {c.name}")
                    break
        after = _NEXT_WORD.match(text[m.end: m.end + 30])
        feats = NOUNS_AFTER.get(after.group(1), set()) if after else set()
        for sc in scored if feats else ():  # "a Washington state farm", "the New York city council"
            if sc.entry.feature in feats:
                sc.score += 8.0
                sc.reasons.append(f"followed by '{after.group(1)}'")
        if cues and cues[-1] == "the" and any(x.entry.curated and x.entry.kind != "city" for x in scored):
            for sc in scored:  # "the Pacific", "the Middle East": the ocean or the region, not a same-named town
                if sc.entry.kind == "city" and not fold(sc.entry.name).startswith("the "):
                    sc.score -= 3.0
                    sc.reasons.append("a town is rarely 'the ...'")
        if lang == "fr":
            for sc in scored:
                if sc.entry.kind == "city" and cues and cues[-1] in PLACE_PREPOSITIONS:
                    sc.score += 0.5
                elif sc.entry.feature == "ADM1" and sc.entry.country != "FR" and not sc.entry.curated:
                    # French news names a foreign state "l'État de New York"; bare, the name is the city
                    sc.score -= 1.5
        scored.sort(key=lambda s: -s.score)
        chosen.append((m, scored))
    _agree_with_lists(text, chosen)
    _co_locate(chosen)
    _one_sense_per_name(chosen)
    return _group(chosen, top)


def _agree_with_lists(text: str, chosen: list[tuple[Match, list[Scored]]]) -> None:
    """Items of one list are of one level: in "Georgia, Oklahoma and California" the states, not same-named towns;
    in "Mexico, China and Japan" the countries. Each item's candidates of the level (and country) of the other
    items' current picks gain up to ``LIST_WEIGHT``; done twice, the second time with the updated picks."""
    lists = coordinated_lists(text, [m for m, _ in chosen])
    if not lists:
        return
    for items in lists:  # "Henry, Weakley and Carroll counties": the plural noun after the list is every item's cue
        tail = _PLURAL_CUE.match(text[chosen[items[-1]][0].end: chosen[items[-1]][0].end + 30])
        feats = PLURAL_CUES.get(fold(tail.group(1)), set()) if tail else set()
        for i in items if feats else ():
            for sc in chosen[i][1]:
                if sc.entry.feature in feats:
                    sc.score += 8.0
                    sc.reasons.append(f"cue word '{tail.group(1)}'")
    given: dict[int, float] = {}
    for _ in range(2):
        picks = [s[0].entry if s else None for _, s in chosen]
        for items in lists:
            for i in items:
                sibs = [picks[j] for j in items if j != i and picks[j] is not None]
                if not sibs or not chosen[i][1]:
                    continue
                levels = Counter(feature_class(e) for e in sibs)
                countries = Counter((feature_class(e), e.country) for e in sibs)
                for sc in chosen[i][1]:
                    lvl = feature_class(sc.entry)
                    bonus = LIST_WEIGHT * (0.75 * levels[lvl] + 0.25 * countries[(lvl, sc.entry.country)]) / len(sibs)
                    old = given.get(id(sc), 0.0)
                    sc.score += bonus - old
                    given[id(sc)] = bonus
                    if bonus and not old:
                        sc.reasons.append("of the same kind as the places listed with it")
                chosen[i][1].sort(key=lambda s: -s.score)


def _co_locate(chosen: list[tuple[Match, list[Scored]]]) -> None:
    """Second pass: co-location with the places already chosen (same admin1, or a region containing them)."""
    best_regions = Counter(s[0].entry.admin1 for _, s in chosen if s and s[0].entry.admin1)
    areas: dict[str, set[str]] = {}
    for m2, s2 in chosen:
        if s2 and s2[0].entry.kind == "region":
            areas.setdefault(s2[0].entry.id, set()).add(m2.key)
    top_areas: dict[str, Counter] = {}  # area -> keys whose current pick lies in it (kept up to date: linear)
    for m2, s2 in chosen:
        count_areas(top_areas, s2, m2.key, 1)
    for m, scored in chosen:
        first = scored[0] if scored else None
        for sc in scored:
            for a in (sc.entry.admin1, sc.entry.admin2):
                if a and others(areas.get(a), m.key):
                    sc.score += 3.0
                    sc.reasons.append("in a region the story names")
                    break
        for sc in scored:
            if sc.entry.admin1 and best_regions.get(sc.entry.admin1, 0) > (1 if sc is scored[0] else 0):
                sc.score += 1.5
                sc.reasons.append("near other places of the story")
            if sc.entry.kind == "region" and sc.entry.flags & MAIN and others(top_areas.get(sc.entry.id), m.key):
                sc.score += 6.0
                sc.reasons.append("contains other places of the story")
        scored.sort(key=lambda s: -s.score)
        if scored and scored[0] is not first:
            count_areas(top_areas, [first], m.key, -1)
            count_areas(top_areas, scored, m.key, 1)


def _one_sense_per_name(chosen: list[tuple[Match, list[Scored]]]) -> None:
    """All mentions of one name get the same entry (the best over all of them), except a mention whose own cue
    word or container decided it ("région de Kharkiv", "Paris, Texas")."""
    totals: dict[str, Counter] = {}
    for m, scored in chosen:
        for sc in scored:
            totals.setdefault(m.key, Counter())[sc.entry.id] += sc.score
    for m, scored in chosen:
        if not scored or any(r.startswith(("cue word", "contained in", "followed by")) for r in scored[0].reasons):
            continue
        best_id = totals[m.key].most_common(1)[0][0]
        if scored[0].entry.id != best_id:
            scored.sort(key=lambda s: s.entry.id != best_id)


def _group(chosen: list[tuple[Match, list[Scored]]], top: int) -> list[Place]:
    groups: dict[str, list[tuple[Match, list[Scored]]]] = {}
    for m, scored in chosen:
        if scored:
            groups.setdefault(scored[0].entry.id, []).append((m, scored))
    places: list[Place] = []
    for n, items in enumerate(groups.values(), start=1):
        _, scored = max(items, key=lambda it: confidence(it[1]))
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
            confidence=confidence(scored),
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
        common = {"id": f"p{n0 + len(out) + 1}", "name": u.text, "kind": u.kind,
                  "mentions": (Mention(u.start, u.end, u.text),)}
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
