"""People and institutions: their mentions, canonical names, aliases, roles and places.

Mentions come from the NER (when the pipeline has one) and from rules that work on any tokenization:
capitalised name sequences, titles ("M. Peskov"), role phrases ("le porte-parole du Kremlin"), institutions
("la préfecture de l'Aveyron"), documents ("un communiqué"), capitalised place mentions used as actors ("la
Maison Blanche") and pronouns. Names are clustered (Poutine -> Vladimir Poutine), role phrases are tied to
the person they name by apposition, or resolved by compatibility of role and country.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from geostory.extract.lexicon import (DOCUMENT_NOUNS, GENERIC_ROLES, NOT_NAME_WORDS, ORG_NOUNS, PRONOUNS,
                                      ROLE_NOUNS, TITLES, fold)

_DETS = {"le", "la", "les", "l'", "l’", "un", "une", "des", "du", "au", "aux", "son", "sa", "ses", "leur", "leurs",
         "ce", "cet", "cette", "the", "a", "an", "his", "her", "its", "their", "this", "that"}
_INDEF = {"un", "une", "des", "a", "an"}
_DE = {"de", "du", "des", "d'", "d’", "of"}
_PARTICLES = {"de", "da", "do", "dos", "das", "du", "van", "von", "der", "den", "bin", "ben", "al", "el", "le", "la",
              "di", "del", "della", "y", "ibn"}
_SUFFIX = {"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"}
_ADJ_END = ("al", "ale", "aux", "ien", "ienne", "ais", "aise", "ain", "aine", "ique", "aire", "el", "elle", "if",
            "ive", "eux", "euse", "é", "ée", "ant", "ante", "ois", "oise", "an", "ish", "ese", "ian", "ic", "ern")


@dataclass
class Mention:
    """An entity mention (internal): kind is person | role | org | doc | place | pronoun."""

    start: int
    end: int
    text: str
    kind: str
    name: str = ""  # person: the name without title
    role: str = ""  # role or institution head noun
    definite: bool = True
    plural: bool = False
    places: list = field(default_factory=list)
    key: str | None = None  # person cluster id once resolved


@functools.lru_cache(maxsize=4)
def _folded(lang: str) -> tuple[frozenset, frozenset]:
    return (frozenset(fold(r) for r in ROLE_NOUNS.get(lang, ROLE_NOUNS["en"])),
            frozenset(fold(o) for o in ORG_NOUNS.get(lang, ORG_NOUNS["en"])))


_DOCS = frozenset(fold(d) for d in DOCUMENT_NOUNS)


def _cap(t) -> bool:
    w = t.text
    return w[:1].isupper() and (any(c.islower() for c in w) or (len(w) == 2 and w[1] == ".") or w in _SUFFIX)


def _is_acronym(w: str) -> bool:
    return len(w) >= 2 and w.isupper() and w.isalpha() and w not in _SUFFIX


def find_mentions(a) -> list[Mention]:
    """Every entity mention outside quotations, sorted, without overlaps."""
    toks = [t for t in a.toks if not a.quoted(t.start)]
    placed = a.place_mentions
    roles, orgs = _folded(a.lang)

    def in_place(s, e):
        return next((pid for ps, pe, pid in placed if ps < e and s < pe), None)

    out: list[Mention] = []
    names = _names(a, toks, in_place, ROLE_NOUNS.get(a.lang, ROLE_NOUNS["en"]))
    out.extend(names)
    # role, institution and document phrases
    for k, t in enumerate(toks):
        low = fold(t.text)
        if low not in roles and low not in orgs and low not in _DOCS and low[-1:] in ("s", "x") and len(low) > 3:
            low = low[:-1]  # plural: "les syndicats", "officials"
        kind = "role" if low in roles else "org" if low in orgs else "doc" if low in _DOCS else None
        if kind is None or t.pos in ("VERB", "ADJ", "AUX"):
            continue
        s_k, e_k = _extend(a, toks, k, in_place)
        s, e = toks[s_k].start, toks[e_k].end
        first = toks[s_k].low
        m = Mention(s, e, a.text[s:e], kind, role=low, definite=first not in _INDEF,
                    plural=first in {"les", "des", "ses", "leurs", "aux", "the"} and low.endswith(("s", "x")))
        m.places = [pid for ps, pe, pid in placed if ps >= s and pe <= e]
        out.append(m)
    # NER organisations and acronyms
    for s, e, label in a.ents:
        if label == "ORG" and not a.quoted(s) and not in_place(s, e) and fold(a.text[s:e]) not in NOT_NAME_WORDS:
            out.append(Mention(s, e, a.text[s:e], "org", role=fold(a.text[s:e])))
    for t in toks:
        if _is_acronym(t.text) and not in_place(t.start, t.end) and fold(t.text) not in NOT_NAME_WORDS:
            out.append(Mention(t.start, t.end, t.text, "org", role=t.low))
    # capitalised place mentions can act ("la Maison Blanche a indiqué", "Moscou a proposé")
    for ps, pe, pid in placed:
        if a.text[ps:ps + 1].isupper() and not a.quoted(ps):
            k = a.tok_at(ps)
            s = a.toks[k - 1].start if k > 0 and a.toks[k - 1].low in _DETS and a.toks[k - 1].end >= ps - 1 else ps
            out.append(Mention(s, pe, a.text[s:pe], "place", role=fold(a.text[ps:pe]), places=[pid]))
    # pronouns
    prons = PRONOUNS.get(a.lang, PRONOUNS["en"])
    for m in re.finditer(r"(-t-|-)?\b(" + "|".join(prons) + r")\b", a.masked, re.I):
        if m.group(1) is None and a.masked[m.start() - 1:m.start()] in ("-", "'", "’"):
            continue
        out.append(Mention(m.start(), m.end(), m.group(0), "pronoun", role=m.group(2).lower(),
                           plural=prons[m.group(2).lower()] == "p"))
    names_tokens = {w for m in out if m.kind == "person" for w in m.name.split()}
    out = [m for m in out if not (m.kind == "person" and "-" in m.name and " " not in m.name
                                  and all(p in names_tokens - {m.name} for p in m.name.split("-")))]
    return _merge(a, out)


def _names(a, toks, in_place, roles) -> list[Mention]:
    """Person names: NER PER spans and capitalised sequences, split at role words, titles kept apart."""
    cands: list[tuple[int, int]] = []
    role_set = _folded(a.lang)[0]
    for s, e, label in a.ents:
        if label in ("PER", "PERSON") and not a.quoted(s):
            cands.append((s, e))
    k, n = 0, len(toks)
    while k < n:
        if not _cap(toks[k]):
            k += 1
            continue
        j = k
        while j + 1 < n and toks[j + 1].start - toks[j].end <= 1 and "\n" not in a.text[toks[j].end:toks[j + 1].start]:
            nxt = toks[j + 1]
            if _cap(nxt) or (nxt.low in _PARTICLES and j + 2 < n and _cap(toks[j + 2]) and toks[j].end < nxt.start):
                j += 1
            elif nxt.text == "-" and j + 2 < n and _cap(toks[j + 2]) and toks[j + 2].start == nxt.end == toks[j].end + 1:
                j += 2
            else:
                break
        cands.append((toks[k].start, toks[j].end))
        k = j + 1
    out, seen = [], set()
    for s, e in sorted(cands, key=lambda x: (x[0], -x[1])):
        for es, ee, lab in a.ents:  # "d'Airbus Fabrice Brégier": an organisation name is not part of the person's
            if lab in ("ORG", "MISC") and es <= s < ee < e:
                s = ee + 1
        words = a.text[s:e].split()
        cut = max((i for i, w in enumerate(words[:-1]) if fold(w) in role_set), default=-1)
        if cut >= 0:  # "Smithsonian Secretary Lonnie G. Bunch III"
            s = a.text.index(words[cut + 1], s + sum(len(w) + 1 for w in words[:cut + 1]) - 1)
            words = words[cut + 1:]
        title = ""
        prev = a.text[max(0, s - 5):s].split()
        if prev and prev[-1] in TITLES and a.text[s - 1:s] == " ":
            title = prev[-1]
        while words and (fold(words[0]) in role_set or words[0] in TITLES or fold(words[0]) in NOT_NAME_WORDS
                         or (a.is_stop(words[0]) and words[0].lower() not in _PARTICLES)):
            if words[0] in TITLES:
                title = words[0]
            s = a.text.index(words[0], s) + len(words[0])
            words = words[1:]
            while s < e and a.text[s] == " ":
                s += 1
        if not words or any(fold(w).strip(".’'") in NOT_NAME_WORDS or any(c.isdigit() for c in w) for w in words) \
                or any(_is_acronym(w) for w in words):
            continue
        if in_place(s, e) or (len(words) == 1 and not title and not _single_ok(a, s, e)):
            continue
        if words[0].lower() in _PARTICLES and len(words) > 1 and not title:
            continue
        if (s, e) in seen or any(ps <= s and e <= pe for ps, pe in seen):
            continue
        seen.add((s, e))
        ts = s - len(title) - 1 if title else s
        out.append(Mention(ts, e, a.text[ts:e], "person", name=a.text[s:e]))
    return out


def _single_ok(a, s: int, e: int) -> bool:
    """A lone capitalised word is a name when the NER says so or it stands next to a reporting verb."""
    if any(es <= s and e <= ee and lab in ("PER", "PERSON") for es, ee, lab in a.ents):
        return True
    k = a.tok_at(s)
    if k == 0 or a.masked[max(0, s - 2):s].strip() in ("", ".", "\n") or any(st == s for st, _ in a.sents):
        return False
    near = a.toks[k - 1:k] + a.toks[k + 1:k + 2]
    return any(a.reporting(t) for t in near) or a.text[e:e + 2] == ", " and any(
        a.reporting(t) for t in a.toks[k + 1:k + 9])


def _extend(a, toks, k, in_place) -> tuple[int, int]:
    """Token range of the noun phrase headed by ``toks[k]`` (determiner, modifiers, de-complements, (ACR))."""
    s = k
    while s > 0 and k - s < 4 and toks[s - 1].end >= toks[s].start - 1:
        p = toks[s - 1]
        if p.low in _DETS:
            s -= 1
            break
        if (a.lang == "en" and (p.text[:1].isupper() or _is_acronym(p.text) or p.pos == "ADJ" or in_place(p.start, p.end))
                and not a.is_stop(p.text)) or (a.lang == "en" and p.low.isalpha() and p.pos in ("ADJ", "NOUN")):
            s -= 1
            continue
        if p.low in ("premier", "vice", "prime", "nouveau", "nouvelle", "ancien", "ancienne", "former", "new"):
            s -= 1
            continue
        break
    e, steps = k, 0
    while e + 1 < len(toks) and steps < 9:
        nx = toks[e + 1]
        if nx.start - toks[e].end > 1 or "\n" in a.text[toks[e].end:nx.start]:
            break
        if nx.low in _DE or (nx.low in ("in", "à", "at", "au") and (toks[s].low in _INDEF or (
                e + 3 < len(toks) and any(x.text[:1].isupper() for x in toks[e + 2:e + 4])))):
            j = e + 2
            while j < len(toks) and toks[j].low in _DETS | {"la", "l'", "l’"}:
                j += 1
            if j < len(toks) and (toks[j].text[:1].isupper() or toks[j].pos in ("NOUN", "PROPN", "NUM")
                                  or (not toks[j].pos and toks[j].low.isalpha() and not a.is_stop(toks[j].text))):
                e = j
                while e + 1 < len(toks) and (_cap(toks[e + 1]) or _is_acronym(toks[e + 1].text)) and \
                        toks[e + 1].start - toks[e].end <= 1 and toks[e + 1].ent not in ("PER", "PERSON"):
                    e += 1
                steps += 1
                continue
            break
        if nx.low in ("et", "and") and e + 2 < len(toks) and toks[e + 2].low in _DE | {"des"}:
            e += 1
            continue
        if nx.text == "(" and e + 3 < len(toks) and _is_acronym(toks[e + 2].text) and toks[e + 3].text == ")":
            e += 3
            break
        adj = nx.pos == "ADJ" or in_place(nx.start, nx.end) or (not nx.pos and nx.low.endswith(_ADJ_END)
                                                                   and nx.low.isalpha() and not a.is_stop(nx.text))
        if adj and not nx.text[:1].isupper() or (adj and in_place(nx.start, nx.end) and a.lang == "fr"):
            e += 1
            steps += 1
            continue
        break
    return s, e


def _merge(a, ms: list[Mention]) -> list[Mention]:
    """Resolve overlaps: a role phrase absorbs the name it introduces; longer spans win otherwise."""
    ms.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    for m in ms:
        if out and m.start < out[-1].end:
            last = out[-1]
            if last.kind in ("role", "org", "doc") and m.kind == "person":
                before = a.text[last.start:m.start].rstrip().split()
                if last.kind == "role" and before and fold(before[-1]) not in _DE | {"d'"} and not before[-1].endswith(("'", "’")):
                    last.name = last.name or m.name
                continue
            if m.kind == "person" and last.kind in ("place",):
                continue
            if m.end <= last.end:
                if last.kind in ("role", "doc") and m.kind == "place":
                    continue
                continue
            continue
        if out and m.kind == "person" and out[-1].kind == "role" and not out[-1].name:
            gap = a.text[out[-1].end:m.start]
            if gap in (" ", "\u00a0"):  # "le préfet Jérôme Filippini", "Smithsonian Secretary Lonnie G. Bunch III"
                last = out[-1]
                last.end, last.text, last.name = m.end, a.text[last.start:m.end], m.name
                continue
        out.append(m)
    return out


# ---------------------------------------------------------------------------------------------------------
# people


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
    """"le porte-parole du Kremlin, Dmitri Peskov" and "Ngaire Blankenberg, director of ...," tie role and name."""
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
    for m in todo:  # still ambiguous: the most recently mentioned compatible person
        cands = _candidates(a, m, ms, people)
        if cands:
            last = max(cands, key=lambda k: max(x.start for x in people[k]["mentions"] if x.start < m.start))
            _assign(a, m, people[last])


def _candidates(a, m, ms, people) -> list[str]:
    s, _ = a.sent_of(m.start)
    countries = _country(a, m.places)
    out = []
    for key, info in people.items():
        earlier = [x for x in info["mentions"] if x.start < m.start]
        if not earlier or info["kind"] != "person":
            continue
        if m.role in ("homologue", "counterpart"):
            if any(x.start >= s for x in earlier) or any(r not in GENERIC_ROLES for r in info["roles"]):
                continue
        elif m.role not in GENERIC_ROLES and any(r != m.role and r not in GENERIC_ROLES for r in info["roles"]):
            continue
        elif m.role not in GENERIC_ROLES and info.get("role_words") and not _role_words(a, m) <= info["role_words"]:
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
    if m.role not in GENERIC_ROLES:
        info.setdefault("role_words", set()).update(_role_words(a, m))


def _assign(a, m, info) -> None:
    m.key = info["name"]
    if m.role not in GENERIC_ROLES:
        _add_role(a, info, m)
    info["mentions"].append(m)
    if m.role not in GENERIC_ROLES and m.role not in info["roles"]:
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
