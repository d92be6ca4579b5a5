"""Entity mentions (internal): the Mention record, role / institution / document phrases and overlap merging.

``people.find_mentions`` collects every mention of an article, names come from ``names``. Mentions come from
the NER (when the pipeline has one) and from rules that work on any tokenization: capitalised name sequences, titles ("M. Martin"), role phrases ("le porte-parole du ministère"), a common noun
typing the name it precedes ("le prévisionniste Jean Roux", "German carmaker Volkart", "la tempête Ciaran"),
age epithets ("le coureur de 24 ans", "the 21-year-old"), institutions ("la préfecture du Var"), documents
("un communiqué"), capitalised place mentions used as actors ("la Maison Blanche"), pronouns, and the bare
surname of a person named in full elsewhere in the article ("Martin" for "Anne Martin").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from geostory.extract.lexicon import (
    AMBIGUOUS_ROLES,
    DOCUMENT_NOUNS,
    FEMININE_DETS,
    FEMININE_ENDINGS_FR,
    GENDERED_EN,
    MASCULINE_DETS,
    NON_PERSON_TYPES,
    ORG_NOUNS,
    ROLE_NOUNS,
    fold,
)

DETS = {"le", "la", "les", "l'", "l’", "un", "une", "des", "du", "au", "aux", "son", "sa", "ses", "leur", "leurs",
        "ce", "cet", "cette", "the", "a", "an", "his", "her", "its", "their", "this", "that"}
INDEF = {"un", "une", "des", "a", "an"}
DE = {"de", "du", "des", "d'", "d’", "of"}
PARTICLES = {"de", "da", "do", "dos", "das", "du", "van", "von", "der", "den", "bin", "ben", "al", "el", "le", "la",
             "di", "del", "della", "y", "ibn"}
SUFFIX = {"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"}
ADJ_END = ("al", "ale", "aux", "ien", "ienne", "ais", "aise", "ain", "aine", "ique", "aire", "el", "elle", "if",
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
    gender: str | None = None  # "m" | "f" when the text shows it
    ref: "Mention | None" = None  # a pronoun's antecedent when that is not a named person
    epithet: bool = False  # an age epithet ("the 21-year-old"): it refers to the article's protagonist


@functools.lru_cache(maxsize=4)
def folded(lang: str) -> tuple[frozenset, frozenset]:
    """(role nouns, organisation nouns) of ``lang``, folded."""
    return (frozenset(fold(r) for r in ROLE_NOUNS.get(lang, ROLE_NOUNS["en"])),
            frozenset(fold(o) for o in ORG_NOUNS.get(lang, ORG_NOUNS["en"])))


DOCS = frozenset(fold(d) for d in DOCUMENT_NOUNS)
NON_PERSON = frozenset(fold(w) for w in NON_PERSON_TYPES)


def cap(t) -> bool:
    """A capitalised word: upper-case first letter and a lower-case one ("Kim", "McCain"), an initial ("J."),
    or a name suffix ("II")."""
    w = t.text
    # w.isupper() is False when a capitalised word has a lower-case letter (a generator over the letters is 5x slower)
    return w[:1].isupper() and (not w.isupper() or (len(w) == 2 and w[1] == ".") or w in SUFFIX)


def is_acronym(w: str) -> bool:
    return len(w) >= 2 and w.isupper() and w.isalpha() and w not in SUFFIX


def noun_gender(a, det: str, noun: str) -> str | None:
    """Grammatical gender of a role phrase from its determiner or its noun ("la préfète", "spokeswoman")."""
    det, noun = det.lower(), noun.lower()
    if a.lang == "en":
        return GENDERED_EN.get(noun)
    if det in FEMININE_DETS:
        return "f"
    if det in MASCULINE_DETS:
        return "m"
    roles = folded(a.lang)[0]
    if noun.endswith(FEMININE_ENDINGS_FR) or (noun.endswith("e") and fold(noun[:-1]) in roles):
        return "f"
    return "m" if fold(noun) in roles else None


def phrases(a, toks, in_place, roles, orgs) -> list[Mention]:
    """Role, institution and document phrases ("le porte-parole du Kremlin", "the ministry", "un communiqué")."""
    out = []
    for k, t in enumerate(toks):
        low, start = fold(t.text), t.start
        if a.text[t.start - 1:t.start] == "-" and k > 0 and toks[k - 1].end == t.start - 1:
            whole = fold(a.text[toks[k - 1].start:t.end])  # split compounds: "vice-president" vs "on-court"
            if whole not in roles and whole not in orgs:
                continue
            low, start = whole, toks[k - 1].start
        plural = False
        if low not in roles and low not in orgs and low not in DOCS and low[-1:] in ("s", "x") and len(low) > 3:
            low, plural = low[:-1], True  # plural: "les syndicats", "officials"
        kind = "role" if low in roles else "org" if low in orgs else "doc" if low in DOCS else None
        if kind is None or t.pos in ("VERB", "ADJ", "AUX"):
            continue
        if low in AMBIGUOUS_ROLES and not _complemented(a, toks, k):
            continue  # "his head", "la source du fleuve" stay nouns
        s_k, e_k = extend(a, toks, k, in_place)
        s, e = min(toks[s_k].start, start), toks[e_k].end
        first = toks[s_k].low
        m = Mention(s, e, a.text[s:e], kind, role=low, definite=first not in INDEF,
                    plural=plural or (first in {"les", "des", "ses", "leurs", "aux"} and low.endswith(("s", "x"))))
        if kind == "role":
            m.gender = noun_gender(a, first if s_k < k else "", t.text)
        m.places = [pid for ps, pe, pid in a.place_mentions if ps >= s and pe <= e]
        out.append(m)
    return out


def _complemented(a, toks, k) -> bool:
    """A role word that is also an everyday noun counts with a complement or a modifier ("head of", "IMF head")."""
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    prv = toks[k - 1] if k > 0 else None
    if nxt is not None and (nxt.low in DE or nxt.pos == "ADJ" or (not nxt.pos and a.lang == "fr"
                                                                  and nxt.low.endswith(ADJ_END))):
        return True
    return prv is not None and prv.low not in DETS and (prv.text[:1].isupper() or prv.pos in ("ADJ", "PROPN"))


def extend(a, toks, k, in_place) -> tuple[int, int]:
    """Token range of the noun phrase headed by ``toks[k]`` (determiner, modifiers, de-complements, (ACR))."""
    s = k
    while s > 0 and k - s < 4 and toks[s - 1].end >= toks[s].start - 1:
        p = toks[s - 1]
        if p.low in DETS:
            s -= 1
            break
        if (a.lang == "en" and (p.text[:1].isupper() or is_acronym(p.text) or p.pos == "ADJ" or in_place(p.start, p.end))
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
        if nx.low == "en" and e + 2 < len(toks) and toks[e + 2].low.isalpha() and toks[e + 2].text.islower() \
                and not a.is_stop(toks[e + 2].text) and not in_place(toks[e + 2].start, toks[e + 2].end):
            e, steps = e + 2, steps + 1  # "économiste en chef", "rédacteur en chef"
            continue
        if nx.low in DE or (nx.low in ("in", "à", "at", "au") and (toks[s].low in INDEF or (
                e + 3 < len(toks) and any(x.text[:1].isupper() for x in toks[e + 2:e + 4])))):
            j = e + 2
            while j < len(toks) and toks[j].low in DETS | {"la", "l'", "l’"}:
                j += 1
            if j + 1 < len(toks) and toks[j].pos == "ADJ" and toks[j + 1].pos == "NOUN":
                j += 1  # "d'une grande banque"
            if j < len(toks) and (toks[j].text[:1].isupper() or toks[j].pos in ("NOUN", "PROPN", "NUM")
                                  or (not toks[j].pos and toks[j].low.isalpha() and not a.is_stop(toks[j].text))):
                e = j
                while e + 1 < len(toks) and (cap(toks[e + 1]) or is_acronym(toks[e + 1].text)) and \
                        toks[e + 1].start - toks[e].end <= 1 and toks[e + 1].ent not in ("PER", "PERSON"):
                    e += 1
                steps += 1
                continue
            break
        if nx.low in ("et", "and") and e + 2 < len(toks) and toks[e + 2].low in DE | {"des"}:
            e += 1
            continue
        if nx.text == "(" and e + 3 < len(toks) and is_acronym(toks[e + 2].text) and toks[e + 3].text == ")":
            e += 3
            break
        adj = nx.pos == "ADJ" or in_place(nx.start, nx.end) or (not nx.pos and nx.low.endswith(ADJ_END)
                                                                   and nx.low.isalpha() and not a.is_stop(nx.text))
        if adj and not nx.text[:1].isupper() or (adj and in_place(nx.start, nx.end) and a.lang == "fr"):
            e += 1
            steps += 1
            continue
        break
    return s, e


_PRIORITY = {"person": 0, "org": 1, "role": 2, "doc": 3, "place": 4, "pronoun": 5}


def merge(a, ms: list[Mention]) -> list[Mention]:
    """Resolve overlaps: a role phrase absorbs the name it introduces; longer spans win otherwise."""
    ms.sort(key=lambda m: (m.start, -(m.end - m.start), _PRIORITY.get(m.kind, 9)))
    out: list[Mention] = []
    for m in ms:
        if out and m.start < out[-1].end:
            last = out[-1]
            if last.kind in ("role", "org", "doc") and m.kind == "person":
                before = a.text[last.start:m.start].rstrip().split()
                if last.kind == "role" and before and fold(before[-1]) not in DE | {"d'"} and not before[-1].endswith(("'", "’")):
                    last.name = last.name or m.name
                    last.gender = last.gender or m.gender
            continue
        if out and m.kind == "org" and out[-1].kind == "org" and a.text[out[-1].end:m.start] in (" ", "\u00a0") \
                and m.text[:1].isupper() and not a.text[out[-1].start:out[-1].end].split()[-1][:1].isupper():
            out[-1] = m  # "le constructeur Alvéa", "German carmaker Volkart": the name stands for the phrase
            continue
        if out and m.kind == "person" and out[-1].kind == "role" and not out[-1].name:
            gap = a.text[out[-1].end:m.start]
            if gap in (" ", "\u00a0"):  # "le préfet Jean Roux", "Harbour Authority Director Maria Okafor"
                last = out[-1]
                last.end, last.text, last.name = m.end, a.text[last.start:m.end], m.name
                last.gender = last.gender or m.gender
                continue
        out.append(m)
    return out
