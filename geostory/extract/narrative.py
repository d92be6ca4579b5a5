"""People, quotes, events and itineraries of an article, linked to its places.

    people, quotes, events, itineraries = extract_narrative(doc, article, places)

``doc`` is the spaCy Doc of ``article.text`` (any pipeline: with a parser the clauses come from the parse,
without one from rules); ``places`` are the Story's places with their mentions. Never raises on odd text.
"""

from __future__ import annotations

import re
from dataclasses import replace

from geostory.extract.analysis import analyse
from geostory.extract.events import Clause, extract_events, find_clauses
from geostory.extract.itinerary import build_itineraries
from geostory.extract.lexicon import fold
from geostory.extract.people import (
    cluster_people,
    find_mentions,
    speaker_name,
    strip_det,
)
from geostory.extract.quotes import attribute, is_document
from geostory.model import DateValue, Event, Person, Quote
from geostory.model import Mention as ModelMention

_IMPERSONAL = re.compile(r"^(?:il|it)\s+(?:s['’]ag|y\s|n['’]y|faut|fallait|semble|paraît|reste|est\s+\w+\s+(?:de|que)|"
                         r"was\s|is\s)", re.I)


def extract_narrative(doc, article, places):
    """(people, quotes, events, itineraries) as tuples of model objects."""
    text = article.text or ""
    if not text.strip():
        return (), (), (), ()
    a = analyse(doc, article, places)
    mentions = find_mentions(a)
    people = cluster_people(a, mentions)
    _resolve_pronouns(a, mentions, people)
    quotes, qinfo = _quotes(a, mentions, people)
    clauses = find_clauses(a)
    report_of = _link_quotes(a, clauses, qinfo)
    extract_events(a, clauses, report_of, article.published)
    events = _events(a, clauses, mentions, people, qinfo)
    orgs = [m for (_q, m, _v, _c) in qinfo if m is not None and not m.key and m.kind in ("org", "place", "doc")]
    person_objs, ids = build_people(a, people, orgs)
    quotes = tuple(_with_ids(q, ids, people) for q in quotes)
    quotes = tuple(_with_event(q, events) for q in quotes)
    itins = build_itineraries(a, clauses, mentions, people, events)
    return person_objs, quotes, tuple(events), itins


def _resolve_pronouns(a, mentions, people) -> None:
    """A third-person singular pronoun takes the most recent person of its gender mentioned before it: a named
    person (``key``) or an unnamed one ("la préfète", ``ref``)."""
    recent: list = []
    for m in mentions:
        if m.kind == "pronoun":
            if m.plural or _IMPERSONAL.match(a.text[m.start:m.start + 30].lstrip("-t")):
                continue
            for x in reversed(recent):
                g = people[x.key].get("gender") if x.key in people else x.gender
                if m.gender and g not in (None, m.gender):
                    continue
                m.key, m.ref = x.key, (None if x.key else x)
                break
        elif m.key or (m.kind == "role" and not m.plural):  # "une habitante ... explique-t-elle" too
            recent.append(m)


def _quotes(a, mentions, people):
    out, info, prev = [], [], None
    for q in a.spans:
        if q.resumes and out:  # « Nous sommes prêts, assure le maire. Mais ... »: one quotation
            last = out[-1]
            out[-1] = replace(last, text=a.text[last.start:q.end], end=q.end,
                              places=tuple(dict.fromkeys(last.places + tuple(a.places_in(q.start, q.end)))))
            continue
        spk, verb, vtok = attribute(a, q, mentions, prev)
        if spk is not None and is_document(spk):
            spk = _issuer(a, spk, mentions) or spk
        if spk is not None and spk.kind == "pronoun" and not spk.key:
            spk = spk.ref or prev
        if spk is not None:
            prev = spk
        name = speaker_name(spk, people)
        splaces = list(spk.places) if spk is not None else []
        if spk is not None and spk.key in people:
            splaces += [p for p in people[spk.key]["places"] if p not in splaces]
        qplaces = a.places_in(q.start, q.end) + [p for p in splaces if p not in a.places_in(q.start, q.end)]
        opens = not a.masked[min(a.sent_of(q.start)[0], q.open):q.open].strip(" :,\n—-") or \
            a.masked[max(0, q.open - 3):q.open].strip() == ":"
        full = a.text[q.start:q.start + 2].lstrip("(")[:1].isupper() and opens
        quote = Quote(f"q{len(out) + 1}", a.text[q.start:q.end], q.start, q.end, not full, name,
                      spk.text if spk is not None and spk.kind != "pronoun" else (spk.text if spk else None),
                      None, verb, tuple(qplaces))
        out.append(quote)
        info.append((q, spk, vtok, quote.id))
    return out, info


def _issuer(a, doc_mention, mentions):
    """"a indiqué un communiqué": the institution (or its spokesperson) that was the subject of the main reporting
    verb of the closest sentence before, within a short distance."""
    from geostory.extract.quotes import subject_of
    s, _ = a.sent_of(doc_mention.start)
    by_id = {p.id: p for p in a.places}
    best, best_sent = None, None
    for t in a.toks:
        if t.start < max(0, s - 400) or t.start >= doc_mention.start or a.quoted(t.start) or not a.reporting(t):
            continue
        sent = a.sent_of(t.start)
        if sent == best_sent:
            continue  # the first reporting verb of a sentence is its main one ("said the delegation would insist")
        m = subject_of(a, t, mentions, [x for x in a.toks if x.end <= t.start])
        if m is not None and (m.kind in ("org", "role") or (m.kind == "place" and by_id[m.places[0]].kind == "landmark")):
            best, best_sent = m, sent
    return best


def _link_quotes(a, clauses: list[Clause], qinfo) -> dict:
    """Mark reporting clauses; map quotation clauses to the clause of their reporting verb."""
    out = {}
    for q, _spk, vtok, _qid in qinfo:
        rc = None
        if vtok is not None:
            rc = next((c for c in clauses if c.pred is vtok), None) or \
                next((c for c in clauses if c.start <= vtok.start < c.end and not c.quoted), None)
        if rc is not None:
            rc.reporting = True
            rc.quotes.append(_qid)
            for c in clauses:
                if c.quoted and q.start <= c.start < q.end + 1:
                    out[id(c)] = rc
    for c in clauses:  # reporting verbs without a quotation ("a indiqué que ...")
        if c.pred is not None and a.reporting(c.pred):
            c.reporting = True
    return out


def _events(a, clauses, mentions, people, qinfo) -> list[Event]:
    spk_of = {}
    for _q, spk, vtok, _qid in qinfo:
        if vtok is not None and spk is not None:
            spk_of[vtok.i] = spk
    events, last_places, last_para = [], [], -1
    dateline = _dateline(a)
    for c in clauses:
        places = a.places_in(c.start, c.end)
        if c.reporting and not c.quoted:  # an announcement is about the places of what it announces
            content = c.content or [x for x in clauses if x.parent is c and x.pred is not None and x.pred.dep == "ccomp"]
            places += [p for x in content for p in a.places_in(x.start, x.end) if p not in places]
        ments = [m for m in mentions if c.start <= m.start and m.end <= c.end]
        if c.pred is not None and c.pred.i in spk_of and spk_of[c.pred.i] not in ments:
            ments.append(spk_of[c.pred.i])
        actors = []
        for m in ments:
            if m.kind in ("person", "role", "org", "doc", "pronoun") and (m.key or m.kind in ("org", "person")):
                name = speaker_name(m, people)
                if name and name not in actors:
                    actors.append(name)
                if c.reporting and m.key in people:
                    places += [p for p in people[m.key]["places"] if p not in places]
                if c.reporting:
                    places += [p for p in m.places if p not in places]
        if not places and c.parent is not None and re.search(r"\by\b", a.text[c.start:c.end]) and c.parent.places:
            places = list(c.parent.places)
        if not (places or c.explicit or any(m.kind in ("person", "org") or m.key for m in ments)):
            continue
        line_s, line_e = a.text.rfind("\n", 0, c.start) + 1, a.text.find("\n", c.end)
        line = a.text[line_s:line_e if line_e >= 0 else len(a.text)].strip()
        if len(line.split()) <= 6 and line[-1:] not in ".!?»”\"":
            continue  # a heading, not a statement
        para = a.text.count("\n\n", 0, c.start)
        if not places and not c.quoted and last_places and para - last_para <= 1:
            places = list(last_places)
        if places and not c.quoted:
            last_places, last_para = places, para
        if dateline and not c.quoted and dateline[0] not in places and _in_dateline_area(a, places, dateline[1]):
            places = places + [dateline[0]]
        places = _add_setting(a, c, places, actors, clauses, events)
        c.places, c.actors = places, actors
        status = "planned" if c.planned else "reported" if (c.reported or c.quoted) else "happened"
        d: DateValue | None = c.date
        ev = Event(f"e{len(events) + 1}", a.text[c.start:c.end], c.start, c.end,
                   (c.pred.lemma or c.pred.text) if c.pred is not None else "", d.value if d else None,
                   d.precision if d else None, d.text if d and d.text else None, status, tuple(actors),
                   tuple(places), tuple(c.quotes))
        c.event_id = ev.id
        events.append(ev)
    return events


_LOCATIVE = {"a", "au", "aux", "en", "dans", "sur", "vers", "depuis", "pres", "at", "in", "on", "near", "to", "into",
             "inside", "outside"}


def _locative(a, pid: str, start: int, end: int) -> bool:
    """True when a mention of ``pid`` inside start:end follows a locative preposition ("à Vladivostok")."""
    for s, e, p in a.place_mentions:
        if p == pid and start <= s and e <= end:
            # up to five words back, within the clause and without punctuation: "sur le cosmodrome russe de X"
            before = re.split(r"[^\w\s'’-]", a.text[max(start, s - 60): s])[-1]
            words = re.findall(r"[^\W\d_]+", before)[-5:]
            if any(fold(w) in _LOCATIVE for w in words):
                return True
    return False


def _add_setting(a, c, places: list, actors: list, clauses: list, events: list) -> list:
    """Where an event happened when its clause names no location of its own.

    1. reported content inherits the reporting clause's places (the White House's statement about a call);
    2. a clause continuing a sentence whose previous clause has a location inherits it ("assister à Vladivostok,
       ..., à une démonstration de la Flotte du Pacifique");
    3. an event on the same day as an earlier located event with a shared actor happened at the same scene (the
       pledges made at the summit).
    Places named without a locative preposition ("avec Pyongyang", "la Russie") are what an event concerns, not
    where it happens; they stay, and the setting is added to them.
    """
    if c.quoted or any(_locative(a, p, c.start, c.end) for p in places):
        return places
    extra: list = []
    if c.reported and c.parent is not None and getattr(c.parent, "places", None):
        extra = list(c.parent.places)
    if not extra:
        for x in reversed([x for x in clauses if x.sent == c.sent and x.end <= c.start and getattr(x, "places", None)]):
            extra = [p for p in x.places if _locative(a, p, x.start, x.end)]
            if extra:
                break
    if not extra and actors and c.date is not None and getattr(c.date, "precision", None) == "day":
        for x in reversed([x for x in clauses if x.end <= c.start and getattr(x, "places", None)]):
            if x.date is not None and x.date.value == c.date.value and set(x.actors) & set(actors) and not x.planned:
                loc = [p for p in x.places if _locative(a, p, x.start, x.end)]
                if loc:
                    extra = loc
                    break
    return places + [p for p in extra if p not in places]


_DATELINE = re.compile(r"^[ \t]*(?P<city>[A-ZÀ-Ý][A-ZÀ-Ý'’ .-]+[A-ZÀ-Ý])(?:,[ \t]*[\w .'’-]{2,30}?)?[ \t]*"
                       r"(?:\([^)\n]{1,30}\))?[ \t]*[—–-]", re.M)


def _dateline(a) -> tuple[str, str | None] | None:
    """(place id, country) of the dateline opening the article body: "PARIS (AFP) -", "MELBOURNE, Australia —"."""
    by_id = {p.id: p for p in a.places}
    for m in _DATELINE.finditer(a.text, 0, min(len(a.text), 600)):
        city = fold(m.group("city"))
        pid = next((pid for s, e, pid in a.place_mentions if m.start("city") <= s < m.end("city")), None) or next(
            (p.id for p in a.places if fold(p.name) == city or any(fold(x.text) == city for x in p.mentions)), None)
        if pid is not None and pid in by_id and by_id[pid].kind in ("city", "landmark", "other"):
            return pid, by_id[pid].country
    return None


def _in_dateline_area(a, places: list[str], country: str | None) -> bool:
    """True when a clause names no precise place, and no place outside the dateline's country."""
    by_id = {p.id: p for p in a.places}
    ps = [by_id[p] for p in places if p in by_id]
    if any(p.kind in ("city", "landmark", "other") for p in ps):
        return False
    return not ps or (country is not None and any(p.country == country for p in ps))


def _with_ids(q: Quote, ids: dict, people) -> Quote:
    return replace(q, speaker_id=ids.get(q.speaker)) if q.speaker else q


def _with_event(q: Quote, events) -> Quote:
    ev = next((e for e in events if q.id in e.quotes), None) or \
        next((e for e in events if e.start <= q.start and q.end <= e.end + 2 and e.status == "reported"), None)
    if ev is None:
        return q
    # a quotation was said where its event happened: the event's places join the quote's own
    return replace(q, event=ev.id, places=tuple(dict.fromkeys(q.places + ev.places)))


def build_people(a, people: dict, extra: list) -> tuple[tuple[Person, ...], dict]:
    """Person records (persons, then speaking institutions in ``extra``), and {name: person id}."""
    out, ids = [], {}
    for info in sorted(people.values(), key=lambda i: i["first"]):
        pid = f"per{len(out) + 1}"
        ids[info["name"]] = pid
        ments = tuple(ModelMention(x.start, x.end, a.text[x.start:x.end]) for x in
                      sorted(info["mentions"], key=lambda x: x.start))
        out.append(Person(pid, info["name"], tuple(info["aliases"]), info.get("role_text"), "person",
                          tuple(info["places"]), ments))
    for m in extra:
        name = strip_det(m.text)
        if name in ids:
            continue
        pid = f"per{len(out) + 1}"
        ids[name] = pid
        out.append(Person(pid, name, (m.text,) if m.text != name else (), None, "organisation",
                          tuple(m.places), (ModelMention(m.start, m.end, m.text),)))
    return tuple(out), ids
