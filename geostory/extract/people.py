"""People and institutions: canonical names, aliases, roles, gender and places, from the article's mentions.

Names are clustered (Martin -> Anne Martin); role phrases are tied to the person they name by apposition
("le porte-parole du Kremlin, Dmitri Peskov"), or resolved by compatibility of role, country and gender, the
most salient compatible person winning when several remain. Mentions are found by ``mentions.find_mentions``.
"""

from __future__ import annotations

import re

from geostory.extract.lexicon import GENERIC_ROLES, NOT_NAME_WORDS, PRONOUNS, fold
from geostory.extract.mentions import (
    DE,
    DETS,
    PARTICLES,
    SUFFIX,
    Mention,
    folded,
    is_acronym,
    merge,
    phrases,
)
from geostory.extract.names import (
    age_epithets,
    bare_names,
    known_words,
    person_names,
    typed_names,
)

_DETS, _DE, _PARTICLES, _SUFFIX = DETS, DE, PARTICLES, SUFFIX


def find_mentions(a) -> list[Mention]:
    """Every entity mention outside quotations, sorted, without overlaps."""
    toks = [t for t in a.toks if not a.quoted(t.start)]
    placed = a.place_mentions
    roles, orgs = folded(a.lang)

    def in_place(s, e):
        return next((pid for ps, pe, pid in placed if ps < e and s < pe), None)

    out: list[Mention] = []
    names = person_names(a, toks, in_place, roles)
    names, typed = typed_names(a, toks, names, roles, orgs)
    out.extend(names + typed)
    out.extend(phrases(a, toks, in_place, roles, orgs))
    out.extend(age_epithets(a))
    # NER organisations and acronyms
    for s, e, label in a.ents:
        if label == "ORG" and not a.quoted(s) and not in_place(s, e) and fold(a.text[s:e]) not in NOT_NAME_WORDS:
            out.append(Mention(s, e, a.text[s:e], "org", role=fold(a.text[s:e])))
    for t in toks:
        if is_acronym(t.text) and not in_place(t.start, t.end) and fold(t.text) not in NOT_NAME_WORDS:
            out.append(Mention(t.start, t.end, t.text, "org", role=t.low))
    known = known_words(out)
    out.extend(bare_names(a, toks, out, known))
    # capitalised place mentions can act ("la Maison Blanche a indiqué", "Moscou a proposé")
    for ps, pe, pid in placed:
        if a.text[ps:ps + 1].isupper() and not a.quoted(ps) and a.text[ps:pe] not in known:
            k = a.tok_at(ps)
            s = a.toks[k - 1].start if k > 0 and a.toks[k - 1].low in DETS and a.toks[k - 1].end >= ps - 1 else ps
            out.append(Mention(s, pe, a.text[s:pe], "place", role=fold(a.text[ps:pe]), places=[pid]))
    # pronouns
    prons = PRONOUNS.get(a.lang, PRONOUNS["en"])
    for m in re.finditer(r"(-t-|-)?\b(" + "|".join(prons) + r")\b", a.masked, re.I):
        if m.group(1) is None and a.masked[m.start() - 1:m.start()] in ("-", "'", "’"):
            continue
        g = prons[m.group(2).lower()]
        out.append(Mention(m.start(), m.end(), m.group(0), "pronoun", role=m.group(2).lower(), plural=g == "p",
                           gender=g if g in "mf" else None))
    names_tokens = {w for m in out if m.kind == "person" for w in m.name.split()}
    out = [m for m in out if not (m.kind == "person" and "-" in m.name and " " not in m.name
                                  and all(p in names_tokens - {m.name} for p in m.name.split("-")))]
    return merge(a, out)


def _generic(role: str) -> bool:
    """Role words that say nothing against a person's other roles (a leader, an age)."""
    return role in GENERIC_ROLES or role == "age"


def cluster_people(a, ms: list[Mention]) -> dict:
    """Assign ``key`` to mentions of persons; returns {key: info dict} (name, aliases, roles, places, mentions)."""
    people: dict[str, dict] = {}
    named = [m for m in ms if m.name]
    full = sorted({m.name for m in named}, key=lambda n: (-len(n.split()), n))
    canon: dict[str, str] = {}
    for name in full:
        toks = [w for w in name.split() if w not in _SUFFIX]
        match = [c for c in dict.fromkeys(canon.values()) if _name_part(toks, c)]
        canon[name] = match[0] if len(match) == 1 else name
    for m in named:
        c = canon[m.name]
        key = people.setdefault(c, {"name": c, "aliases": [], "roles": [], "places": [], "mentions": [],
                                    "first": m.start, "kind": "person"})
        m.key = c
        key["mentions"].append(m)
        if m.gender and not key.get("gender"):
            key["gender"] = m.gender
        for alias in (m.name, m.text):
            if alias not in key["aliases"] and alias != c:
                key["aliases"].append(alias)
        if m.kind in ("role", "doc") and m.role:
            key["roles"].append(m.role)
            _add_role(a, key, m)
            key.setdefault("role_text", strip_det(m.text[: m.text.find(m.name)].strip(" ,")))
        for pid in m.places:
            if pid not in key["places"]:
                key["places"].append(pid)
    _appositions(a, ms, people)
    _resolve_roles(a, ms, people)
    return people


def _name_part(toks: list[str], full: str) -> bool:
    ft = [w for w in full.split() if w not in _SUFFIX]
    if len(toks) >= len(ft):
        return False
    if toks == ft[-len(toks):] or toks == ft[:len(toks)]:
        return True
    return len(toks) == 1 and toks[0] in ft and toks[0].lower() not in _PARTICLES


def strip_det(s: str) -> str:
    w = s.split(" ", 1)
    return w[1] if len(w) == 2 and w[0].lower() in _DETS else s.removeprefix("l'").removeprefix("l’")


def _appositions(a, ms, people) -> None:
    """"le porte-parole du ministère, Jean Roux" and "Ann Lee, director of the museum," tie role and name."""
    for x, y in zip(ms, ms[1:]):
        gap = a.text[x.end:y.start]
        if gap.strip() != "," or "\n" in gap:
            continue
        role, person = (x, y) if x.kind in ("role",) and not x.name and y.key else \
            (y, x) if y.kind == "role" and not y.name and x.key else (None, None)
        if role is None:
            continue
        role.key = person.key
        info = people[person.key]
        info["gender"] = info.get("gender") or role.gender
        info["roles"].append(role.role)
        _add_role(a, info, role)
        info.setdefault("role_text", strip_det(role.text))
        info["mentions"].append(role)
        for pid in role.places:
            if pid not in info["places"]:
                info["places"].append(pid)


def _country(a, pids) -> set:
    by_id = {p.id: p for p in a.places}
    return {by_id[p].country for p in pids if p in by_id and by_id[p].country}


def _resolve_roles(a, ms, people) -> None:
    """Tie definite role phrases ("le président russe") to the one compatible named person, by elimination."""
    todo = [m for m in ms if m.kind == "role" and m.key is None and m.definite and not m.plural]
    changed = True
    while changed and todo:
        changed = False
        for m in list(todo):
            cands = _candidates(a, m, ms, people)
            if len(cands) == 1:
                _assign(a, m, people[cands[0]])
                todo.remove(m)
                changed = True
    for m in todo:  # still ambiguous: the most recently mentioned compatible person; for an age epithet
        cands = _candidates(a, m, ms, people)  # ("the 21-year-old"), the protagonist: the first one met
        if cands:
            def rank(k):
                earlier = [x.start for x in people[k]["mentions"] if x.start < m.start]
                return (-min(earlier), len(earlier)) if m.epithet else (max(earlier),)
            _assign(a, m, people[max(cands, key=rank)])


def _candidates(a, m, ms, people) -> list[str]:
    s, _ = a.sent_of(m.start)
    countries = _country(a, m.places)
    out = []
    for key, info in people.items():
        earlier = [x for x in info["mentions"] if x.start < m.start]
        if not earlier or info["kind"] != "person":
            continue
        if m.gender and info.get("gender") and m.gender != info["gender"]:
            continue  # "la préfète" is not "M. Roux"
        if m.role in ("homologue", "counterpart"):
            if any(x.start >= s for x in earlier) or any(not _generic(r) for r in info["roles"]):
                continue
        elif not _generic(m.role) and m.role not in info["roles"] and any(not _generic(r) for r in info["roles"]):
            continue
        elif not _generic(m.role) and info.get("role_words") and not _role_words(a, m) <= info["role_words"]:
            continue  # "le ministre de la Santé" is not "le Premier ministre"
        pc = _country(a, info["places"])
        if countries and pc and not countries & pc:
            continue
        out.append(key)
    return out


def _role_words(a, m) -> set[str]:
    """Content words of a role phrase, without determiners, places, ages and numbers."""
    words = set()
    name_at = m.start + m.text.rfind(m.name) if m.name else m.end
    for t in a.toks_in(m.start, name_at):
        w = fold(t.text)
        if w.isalpha() and not a.is_stop(t.text) and w not in {"ans", "an", "years", "year", "old", "age", "agé"} \
                and not any(ps <= t.start < pe for ps, pe, _ in a.place_mentions):
            words.add(w)
    return words


def _add_role(a, info, m) -> None:
    if not _generic(m.role):
        info.setdefault("role_words", set()).update(_role_words(a, m))


def _assign(a, m, info) -> None:
    m.key = info["name"]
    info["gender"] = info.get("gender") or m.gender
    if not _generic(m.role):
        _add_role(a, info, m)
    info["mentions"].append(m)
    if not _generic(m.role) and m.role not in info["roles"]:
        info["roles"].append(m.role)
    if m.role not in ("homologue", "counterpart"):
        info.setdefault("role_text", strip_det(m.text))
    alias = strip_det(m.text)
    if alias not in info["aliases"]:
        info["aliases"].append(alias)
    for pid in m.places:
        if pid not in info["places"]:
            info["places"].append(pid)


def speaker_name(m: Mention | None, people: dict) -> str | None:
    """Canonical speaker string for a mention: the person's name, else the phrase without its determiner."""
    if m is None:
        return None
    if m.key and m.key in people:
        return people[m.key]["name"]
    return strip_det(m.text)
