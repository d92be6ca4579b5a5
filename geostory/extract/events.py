"""Events: one per news-carrying predicate (who did what, where, when), with a resolved date and a status.

With a dependency parse a clause is a predicate (root, conjunct, complement, adverbial or relative clause
verb) with the tokens it governs; without one, a sentence split at clause punctuation and conjunctions.
Dates: a date expression in the clause; else reported speech takes the date of its reporting clause, a
present-tense clause the publication day, a planned one none, and any other the date the narrative is on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from geostory.extract.dates import find_dates, parse_published, resolve
from geostory.extract.lexicon import (
    FUTURE_WORDS_EN,
    FUTURE_WORDS_FR,
    PLANNED_LEMMAS,
    fold,
)
from geostory.model import DateValue

_PRED_DEPS = {"ROOT", "conj", "parataxis", "ccomp", "advcl", "acl:relcl", "relcl"}
_SPLIT_RE = re.compile(r";|\s[—–]\s|,\s+(?:but|mais|while|tandis que|alors que|where|où|when|and|et)\s")
_EDGE = " ,;:.«»“”\"()—–-\n\t"
_LEAD_WORDS = {"et", "mais", "and", "but", "while", "où", "where", "when", "qui", "que", "qu'", "qu’"}


@dataclass
class Clause:
    """A candidate event (internal)."""

    start: int
    end: int
    sent: tuple
    pred: object = None  # Tok or None
    toks: list = field(default_factory=list)
    parent: "Clause | None" = None
    quoted: bool = False
    reported: bool = False
    planned: bool = False
    present: bool = False
    date: object = None  # DateValue
    explicit: bool = False
    places: list = field(default_factory=list)
    actors: list = field(default_factory=list)
    quotes: list = field(default_factory=list)
    reporting: bool = False
    content: list = field(default_factory=list)  # the clauses this reporting clause reports


def find_clauses(a) -> list[Clause]:
    """Clauses in text order (see module doc)."""
    return _parsed_clauses(a) if a.has_parse else _split_clauses(a)


def _parsed_clauses(a) -> list[Clause]:
    toks = a.toks
    preds = {t.i for t in toks if (t.dep in _PRED_DEPS and t.pos in ("VERB", "AUX")) or t.dep == "ROOT"}
    owner = {}
    for t in toks:
        k, seen = t.i, 0
        while k not in preds and toks[k].head != k and seen < 60:
            k, seen = toks[k].head, seen + 1
        owner[t.i] = k
    groups: dict[int, list] = {}
    for t in toks:
        groups.setdefault(owner[t.i], []).append(t)
    out = {}
    for p, ts in groups.items():
        ts = [t for t in ts if t.text.strip(_EDGE)]
        if not ts:
            continue
        s, e = _trim(a.text, min(t.start for t in ts), max(t.end for t in ts))
        if e <= s:
            continue
        c = Clause(s, e, a.sent_of(toks[p].start), toks[p], ts)
        c.quoted = a.quoted(toks[p].start)
        out[p] = c
    for p, c in out.items():
        h = toks[p].head
        while h != toks[h].head and h not in out:
            h = toks[h].head
        c.parent = out.get(h) if h != p else None
    return sorted(out.values(), key=lambda c: c.start)


def _split_clauses(a) -> list[Clause]:
    out = []
    for s, e in a.sents:
        reports = _report_cuts(a, s, e)
        cuts = [s] + [m.start() for m in _SPLIT_RE.finditer(a.masked, s, e)] + reports + [e]
        cuts += [x for q in a.spans if s <= q.open < e for x in (q.open, q.close) if s < x < e]
        cuts = sorted(set(cuts))
        prev = None
        for x, y in zip(cuts, cuts[1:]):
            cs, ce = _trim(a.text, x, y)
            if ce - cs < 3 or not a.masked[cs:ce].strip(_EDGE):
                continue
            c = Clause(cs, ce, (s, e), None, a.toks_in(cs, ce))
            if x in reports and prev is not None:  # "Volkart will close the plant, the company said on Monday"
                c.reporting, c.content = True, [prev]
            out.append(c)
            prev = c
    for q in a.spans:  # quotations: one clause per sentence inside
        for s, e in _inner_sentences(a.text, q.start, q.end):
            cs, ce = _trim(a.text, s, e)
            if ce > cs:
                c = Clause(cs, ce, a.sent_of(q.open), None, a.toks_in(cs, ce), quoted=True)
                out.append(c)
    return sorted(out, key=lambda c: c.start)


def _report_cuts(a, s: int, e: int) -> list[int]:
    """Commas opening a trailing reporting clause: ", residents said", ", the company said on Monday"."""
    out = []
    for m in re.finditer(r",\s+", a.masked[s:e]):
        k = s + m.end()
        nxt = [t for t in a.toks_in(k, e)[:7]]
        upto = next((i for i, t in enumerate(nxt) if t.text in ",;:."), len(nxt))
        if any(a.reporting(t) and not a.quoted(t.start) for t in nxt[:upto]):
            out.append(s + m.start())
    return out


def _inner_sentences(text, s, e):
    start = s
    for m in re.finditer(r"[.!?…]+\s+", text[s:e]):
        yield start, s + m.end()
        start = s + m.end()
    yield start, e


def _trim(text, s, e):
    while s < e and (text[s] in _EDGE):
        s += 1
    while e > s and text[e - 1] in _EDGE:
        e -= 1
    w = text[s:e].split(" ", 1)
    if len(w) == 2 and w[0].lower() in _LEAD_WORDS:
        s += len(w[0]) + 1
    return s, e


_FUTURE_FR = frozenset(fold(w) for w in FUTURE_WORDS_FR)
# a future marker shortly before a weekday: "more rain was expected on Thursday", "prévue samedi"
_FUTURE_BEFORE = re.compile(r"\b(?:will|would|shall|expected|due|scheduled|planned|set to|prévue?s?|attendue?s?|"
                            r"programmée?s?|doi[tv]|devr\w+|ser[ao]\w*)\b[^.;]*$", re.I)


def _is_planned(a, c: Clause) -> bool:
    words = {fold(t.text) for t in c.toks}
    if a.lang == "fr":
        if words & _FUTURE_FR or re.search(r"\b(?:est|sont|sera|seront)\s+(?:\w+\s+)?attendue?s?\b",
                                           a.text[c.start:c.end], re.I):
            return True  # "prévue jeudi", "le ministre est attendu samedi à Quimper"
        for t in c.toks:
            if "Fut" in t.tense and t.pos in ("VERB", "AUX"):
                return True
            if t.lemma in PLANNED_LEMMAS and any(x.head == t.i and x.verbform == "Inf" for x in c.toks + a.toks[t.i:t.i + 4]):
                return t.lemma != "aller" or t.tense in ("Pres", "Imp")
        return bool(re.search(r"\b(?:doi[tv]|devai(?:en)?t|devr\w+|prévoi\w*|est prévu\w*|va|vont)\s+(?:\w+\s+)?\w+(?:er|ir|re)\b",
                              a.text[c.start:c.end], re.I))
    main = re.split(r"\b(?:that|which|who|whose)\b|,\s+with\b", a.text[c.start:c.end])[0]
    return bool({w.lower() for w in re.findall(r"[\w']+", main)} & FUTURE_WORDS_EN
                or re.search(r"\b(?:is|are|was|were)\s+to\s+\w+", main))


def _is_present(a, c: Clause) -> bool:
    p = c.pred
    if p is not None and p.pos:
        aux = [t for t in c.toks if t.head == p.i and t.dep.startswith("aux")]
        if aux:
            return False
        return p.tense == "Pres" and p.verbform == "Fin"
    txt = a.text[c.start:c.end]
    return bool(re.search(r"\b(?:is|are|am|est|sont)\b(?!\s+\w+(?:ed|é|ée|és|ées)\b)", txt))


def extract_events(a, clauses: list[Clause], reporting_clause_of: dict, published: str | None):
    """Fill status and date of the clauses (in place, in text order) and return them."""
    exprs = find_dates(a.text, a.lang)
    anchor = None  # the day the narrative is on
    sent_date: dict = {}
    for c in clauses:
        c.planned = _is_planned(a, c)
        c.present = _is_present(a, c)
        c.reported = c.quoted or (c.parent is not None and c.parent.reporting and c.pred is not None
                                  and c.pred.dep == "ccomp")
        for x in (x for x in exprs if x.start >= c.start and x.end <= c.end and _owned(a, c, x)):
            if x.mod == "until":
                continue  # "fermées jusqu'à lundi": a bound, not the date of the clause
            ahead = c.planned or (x.kind == "weekday" and x.mod is None and not c.quoted and (
                (c.present and c.pred is not None) or _FUTURE_BEFORE.search(a.text, max(c.start, x.start - 40), x.start)))
            dv = resolve(x, published, anchor, future=ahead)  # "Le Tour reprend mardi": the coming Tuesday
            if dv is not None:
                c.date, c.explicit = dv, True
                break
        if c.explicit and c.date.precision == "day" and not c.planned and not c.quoted:
            sent_date.setdefault(c.sent, c.date)
            anchor = c.date.value
        sent_date.setdefault(("anchor", c.sent), anchor)
    _around(a, clauses)
    pub_day = parse_published(published)[0]
    for c in clauses:
        if c.explicit or c.planned:
            continue
        src = reporting_clause_of.get(id(c)) or (c.parent if c.reported else None)
        if src is not None and src.date is not None and not src.planned:
            c.date = src.date
        elif c.present and not c.quoted:
            c.date = DateValue(pub_day.isoformat(), "day") if pub_day else None
        else:
            d = sent_date.get(c.sent)
            anc = sent_date.get(("anchor", c.sent))
            c.date = d or (DateValue(anc, "day") if anc else None)
    return clauses


_AROUND_RE = re.compile(r"\b(?:(?P<after>au lendemain|the day after)|(?P<before>à la veille|on the eve))\s+"
                        r"(?:d['’]|de |du |des |of )", re.I)


def _around(a, clauses: list[Clause]) -> None:
    """"s'est rendu mardi à Lyon, au lendemain d'une fusillade qui a fait un mort": the clauses of the noun
    phrase after "au lendemain de" / "à la veille de" are one day before / after the clause that holds it."""
    for m in _AROUND_RE.finditer(a.masked):
        host = next((c for c in clauses if c.start <= m.start() < c.end and not c.quoted), None)
        if host is None or host.date is None or host.date.precision != "day":
            continue
        step = -1 if m.group("after") else 1
        value = (dt.date.fromisoformat(host.date.value) + dt.timedelta(days=step)).isoformat()
        for c in clauses:
            if c is not host and c.sent == host.sent and m.end() <= c.start <= m.end() + 80 and not c.explicit:
                c.date, c.explicit = DateValue(value, "day", m.group(0).strip(), m.start(), m.end()), True


def _owned(a, c: Clause, x) -> bool:
    """True when the date expression belongs to this clause (by the parse) rather than a nested one."""
    if c.pred is None or not c.toks:
        return True
    ids = {t.i for t in c.toks}
    return any(t.i in ids for t in a.toks_in(x.start, x.end))
