"""Entity mentions of an article: people, roles, institutions, documents, places acting, pronouns.

Mentions come from the NER (when the pipeline has one) and from rules that work on any tokenization:
capitalised name sequences, titles ("M. Martin"), role phrases ("le porte-parole du ministère"), a common noun
typing the name it precedes ("le prévisionniste Jean Roux", "German carmaker Volkart", "la tempête Ciaran"),
age epithets ("le coureur de 24 ans", "the 21-year-old"), institutions ("la préfecture du Var"), documents
("un communiqué"), capitalised place mentions used as actors ("la Maison Blanche"), pronouns, and the bare
surname of a person named in full elsewhere in the article ("Martin" for "Anne Martin").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from geostory.extract.lexicon import (AMBIGUOUS_ROLES, DOCUMENT_NOUNS, FEMININE_DETS, FEMININE_ENDINGS_FR,
                                      GENDERED_EN, MASCULINE_DETS, NON_PERSON_TYPES, NOT_NAME_WORDS, ORG_NOUNS,
                                      PRONOUNS, ROLE_NOUNS, TITLE_GENDER, TITLES, fold, is_reporting)

DETS = {"le", "la", "les", "l'", "l’", "un", "une", "des", "du", "au", "aux", "son", "sa", "ses", "leur", "leurs",
        "ce", "cet", "cette", "the", "a", "an", "his", "her", "its", "their", "this", "that"}
INDEF = {"un", "une", "des", "a", "an"}
DE = {"de", "du", "des", "d'", "d’", "of"}
PARTICLES = {"de", "da", "do", "dos", "das", "du", "van", "von", "der", "den", "bin", "ben", "al", "el", "le", "la",
             "di", "del", "della", "y", "ibn"}
SUFFIX = {"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"}
_ADJ_END = ("al", "ale", "aux", "ien", "ienne", "ais", "aise", "ain", "aine", "ique", "aire", "el", "elle", "if",
            "ive", "eux", "euse", "é", "ée", "ant", "ante", "ois", "oise", "an", "ish", "ese", "ian", "ic", "ern")
_AGE_FR = re.compile(r"\b(?P<det>le|la|l['’]|ce|cet|cette)\s*(?P<noun>[a-zà-ÿœ-]{3,})(?:\s+[a-zà-ÿœ-]{3,})?\s+"
                     r"(?:âgée?\s+)?de\s+\d{1,3}\s+ans\b")
_AGE_EN = re.compile(r"\b(?P<det>[Tt]he|an?)\s+\d{1,3}-year-old(?:\s+(?P<noun>[a-z]{3,}))?\b")


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


_DOCS = frozenset(fold(d) for d in DOCUMENT_NOUNS)
_NON_PERSON = frozenset(fold(w) for w in NON_PERSON_TYPES)


def _cap(t) -> bool:
    w = t.text
    return w[:1].isupper() and (any(c.islower() for c in w) or (len(w) == 2 and w[1] == ".") or w in SUFFIX)


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


def find_mentions(a) -> list[Mention]:
    """Every entity mention outside quotations, sorted, without overlaps."""
    toks = [t for t in a.toks if not a.quoted(t.start)]
    placed = a.place_mentions
    roles, orgs = folded(a.lang)

    def in_place(s, e):
        return next((pid for ps, pe, pid in placed if ps < e and s < pe), None)

    out: list[Mention] = []
    names = _names(a, toks, in_place, roles)
    names, typed = _typed(a, toks, names, roles, orgs)
    out.extend(names + typed)
    out.extend(_phrases(a, toks, in_place, roles, orgs))
    out.extend(_age_epithets(a))
    # NER organisations and acronyms
    for s, e, label in a.ents:
        if label == "ORG" and not a.quoted(s) and not in_place(s, e) and fold(a.text[s:e]) not in NOT_NAME_WORDS:
            out.append(Mention(s, e, a.text[s:e], "org", role=fold(a.text[s:e])))
    for t in toks:
        if is_acronym(t.text) and not in_place(t.start, t.end) and fold(t.text) not in NOT_NAME_WORDS:
            out.append(Mention(t.start, t.end, t.text, "org", role=t.low))
    known = _known_words(out)
    out.extend(_bare_names(a, toks, out, known))
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
    return _merge(a, out)


def _phrases(a, toks, in_place, roles, orgs) -> list[Mention]:
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
        if low not in roles and low not in orgs and low not in _DOCS and low[-1:] in ("s", "x") and len(low) > 3:
            low, plural = low[:-1], True  # plural: "les syndicats", "officials"
        kind = "role" if low in roles else "org" if low in orgs else "doc" if low in _DOCS else None
        if kind is None or t.pos in ("VERB", "ADJ", "AUX"):
            continue
        if low in AMBIGUOUS_ROLES and not _complemented(a, toks, k):
            continue  # "his head", "la source du fleuve" stay nouns
        s_k, e_k = _extend(a, toks, k, in_place)
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
                                                                  and nxt.low.endswith(_ADJ_END))):
        return True
    return prv is not None and prv.low not in DETS and (prv.text[:1].isupper() or prv.pos in ("ADJ", "PROPN"))


def _names(a, toks, in_place, role_set) -> list[Mention]:
    """Person names: NER PER spans and capitalised sequences, split at role words, titles kept apart."""
    cands: list[tuple[int, int]] = []
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
            if _cap(nxt) or (nxt.low in PARTICLES and j + 2 < n and _cap(toks[j + 2]) and toks[j].end < nxt.start):
                j += 1
            elif nxt.text == "-" and j + 2 < n and _cap(toks[j + 2]) and toks[j + 2].start == nxt.end == toks[j].end + 1:
                j += 2
            else:
                break
        cands.append((toks[k].start, toks[j].end))
        k = j + 1
    lower_words = {t.text for t in a.toks if t.text.islower()}
    out, seen = [], set()
    for s, e in sorted(cands, key=lambda x: (x[0], -x[1])):
        for es, ee, lab in a.ents:  # "le PDG de Renault Jean Roux": an organisation name is not part of the person's
            if lab in ("ORG", "MISC") and es <= s < ee < e:
                s = ee + 1
        words = a.text[s:e].split()
        cut = max((i for i, w in enumerate(words[:-1]) if fold(w) in role_set), default=-1)
        if cut >= 0:  # "Harbour Authority Director Maria Okafor"
            s = a.text.index(words[cut + 1], s + sum(len(w) + 1 for w in words[:cut + 1]) - 1)
            words = words[cut + 1:]
        title = ""
        prev = a.text[max(0, s - 5):s].split()
        if prev and prev[-1] in TITLES and a.text[s - 1:s] == " ":
            title = prev[-1]
        while words and (fold(words[0]) in role_set or words[0] in TITLES or fold(words[0]) in NOT_NAME_WORDS
                         or (a.is_stop(words[0]) and words[0].lower() not in PARTICLES)
                         or (len(words) > 1 and _initial_common(a, s, words[0], lower_words))):
            if words[0] in TITLES:
                title = words[0]
            s = a.text.index(words[0], s) + len(words[0])
            words = words[1:]
            while s < e and a.text[s] == " ":
                s += 1
        if not words or any(fold(w).strip(".’'") in NOT_NAME_WORDS or any(c.isdigit() for c in w) for w in words) \
                or any(is_acronym(w) for w in words):
            continue
        if in_place(s, e) or (len(words) == 1 and not title and not _single_ok(a, s, e)):
            continue
        if not title and a.text[max(0, s - 4):s].lower().split()[-1:] in (["a"], ["an"], ["un"], ["une"]):
            continue  # "a Grand Slam", "une Formule 1": names take no indefinite article
        if words[0].lower() in PARTICLES and len(words) > 1 and not title:
            continue
        if (s, e) in seen or any(ps <= s and e <= pe for ps, pe in seen):
            continue
        seen.add((s, e))
        ts = s - len(title) - 1 if title else s
        out.append(Mention(ts, e, a.text[ts:e], "person", name=a.text[s:e], gender=TITLE_GENDER.get(title)))
    return out


def _initial_common(a, s: int, word: str, lower_words: set) -> bool:
    """A sentence-initial capitalised word that is an ordinary word ("Said Smith", "Tempête Ciaran :")."""
    if not (s == 0 or a.masked[max(0, s - 3):s].strip() in ("", ".", "!", "?", ":", "—", "–", "-")
            or any(st == s for st, _ in a.sents)):
        return False
    return word.lower() in lower_words or bool(is_reporting(word, "", a.lang))


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


def _typed(a, toks, names, roles, orgs) -> tuple[list[Mention], list[Mention]]:
    """Names typed by the common noun before them: "le prévisionniste Jean Roux" (a role), "German carmaker
    Volkart" (an organisation), "la tempête Ciaran" (no person at all). Returns (names kept, role mentions)."""
    starts = {t.start: i for i, t in enumerate(toks)}
    kept, typed, things, firms = [], [], set(), set()
    for k, t in enumerate(toks[1:], 1):  # "la tempête Ciaran", "German carmaker Volkart": wherever the name is
        j = k - 1
        if j > 0 and (toks[j].pos == "ADJ" or (not toks[j].pos and toks[j].low.endswith(_ADJ_END))):
            j -= 1
        low = fold(toks[j].text)
        low = low[:-1] if low.endswith("s") and low[:-1] in orgs | _NON_PERSON else low
        if _cap(t) and toks[k - 1].end >= t.start - 1 and _common_noun(a, toks[j]) and low in orgs | _NON_PERSON:
            e = k
            while e + 1 < len(toks) and _cap(toks[e + 1]) and toks[e + 1].start <= toks[e].end + 1:
                e += 1
            (things if low in _NON_PERSON else firms).add(a.text[t.start:toks[e].end])
    for m in names:
        k = starts.get(m.start)
        noun = toks[k - 1] if k else None
        if noun is None or noun.end < m.start - 1 or m.gender or not _common_noun(a, noun):
            kept.append(m)
            continue
        j = k - 1
        if j > 0 and (noun.pos == "ADJ" or (not noun.pos and noun.low.endswith(_ADJ_END))) and \
                _common_noun(a, toks[j - 1]) and toks[j - 1].end >= noun.start - 1:
            j -= 1  # "le groupe chimique Chimex"
        head = toks[j]
        det = toks[j - 1] if j > 0 and toks[j - 1].low in DETS and toks[j - 1].end >= head.start - 1 else None
        low = fold(head.text)
        sing = low[:-1] if low.endswith("s") and low[:-1] in roles | orgs | _NON_PERSON else low
        known = sing in roles or sing in orgs or sing in _NON_PERSON
        if not known and (det is None or a.lang != "fr"):
            kept.append(m)  # English types without a lexicon entry need one ("Slovak qualifier X" stays a name)
            continue
        if sing in _NON_PERSON:
            things.add(m.name)
            continue
        if sing in orgs:
            firms.add(m.name)
            continue
        if sing in roles:
            kept.append(m)  # the role phrase itself comes from the lexicon pass
            continue
        s = det.start if det else head.start
        typed.append(Mention(s, head.end, a.text[s:head.end], "role", role=sing, definite=det is None or
                             det.low not in INDEF, gender=noun_gender(a, det.low if det else "", head.text)))
        kept.append(m)
    out = []  # the type holds for every mention of the same name ("Tempête Ciaran :" in a headline too)
    for m in kept:
        if m.kind == "person" and m.name in firms:
            out.append(Mention(m.start, m.end, m.text, "org", role=fold(m.name)))
        elif not (m.kind == "person" and m.name in things):
            out.append(m)
    return out, typed


def _common_noun(a, t) -> bool:
    """A lower-case content word that can head a noun phrase."""
    w = t.text
    return (len(w) >= 3 and w.replace("-", "").isalpha() and w.islower() and not a.is_stop(w)
            and t.pos not in ("VERB", "AUX", "ADV", "ADP", "PRON", "NUM", "DET", "CCONJ", "SCONJ")
            and not is_reporting(w, t.lemma, a.lang) and not (a.lang == "en" and w.endswith(("ly", "ed", "ing"))))


def _age_epithets(a) -> list[Mention]:
    """"le coureur de 24 ans", "la retraitée de 70 ans", "the 21-year-old", "a 30-year-old nurse"."""
    out = []
    roles, orgs = folded(a.lang)
    for m in (_AGE_EN if a.lang == "en" else _AGE_FR).finditer(a.masked):
        noun, end = m.group("noun") or "", m.end()
        if noun and (is_reporting(noun, "", a.lang) or a.is_stop(noun)):
            noun, end = "", m.start("noun") - 1  # "the 21-year-old said"
        if fold(noun) in orgs or fold(noun) in _NON_PERSON or fold(noun) in _DOCS:
            continue  # "the 176-year-old institution"
        det = m.group("det").lower()
        out.append(Mention(m.start(), end, a.text[m.start():end], "role",
                           role=fold(noun) if fold(noun) in roles else "age", definite=det not in INDEF,
                           gender=noun_gender(a, det, noun) if noun else None, epithet=True))
    return out


def _known_words(ms: list[Mention]) -> dict[str, str]:
    """{single word: kind} for surnames of people named in full and one-word organisation names."""
    out: dict[str, str] = {}
    for m in ms:
        if m.kind == "person":
            parts = [w for w in m.name.split() if w not in SUFFIX]
            if len(parts) >= 2 and len(parts[-1]) > 2:
                out.setdefault(parts[-1], "person")
        elif m.kind == "org" and " " not in m.text and m.text[:1].isupper() and not is_acronym(m.text):
            out.setdefault(m.text, "org")
    return out


def _bare_names(a, toks, ms: list[Mention], known: dict) -> list[Mention]:
    """Occurrences of known surnames and organisation names anywhere outside quotations (sentence starts too)."""
    taken = [(m.start, m.end) for m in ms if m.kind in ("person", "org", "role")]
    out = []
    for t in toks:
        kind = known.get(t.text)
        if kind is None or any(s <= t.start < e for s, e in taken):
            continue
        if kind == "person":
            out.append(Mention(t.start, t.end, t.text, "person", name=t.text))
        else:
            out.append(Mention(t.start, t.end, t.text, "org", role=fold(t.text)))
    return out


def _extend(a, toks, k, in_place) -> tuple[int, int]:
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
        if nx.low in DE or (nx.low in ("in", "à", "at", "au") and (toks[s].low in INDEF or (
                e + 3 < len(toks) and any(x.text[:1].isupper() for x in toks[e + 2:e + 4])))):
            j = e + 2
            while j < len(toks) and toks[j].low in DETS | {"la", "l'", "l’"}:
                j += 1
            if j < len(toks) and (toks[j].text[:1].isupper() or toks[j].pos in ("NOUN", "PROPN", "NUM")
                                  or (not toks[j].pos and toks[j].low.isalpha() and not a.is_stop(toks[j].text))):
                e = j
                while e + 1 < len(toks) and (_cap(toks[e + 1]) or is_acronym(toks[e + 1].text)) and \
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
        adj = nx.pos == "ADJ" or in_place(nx.start, nx.end) or (not nx.pos and nx.low.endswith(_ADJ_END)
                                                                   and nx.low.isalpha() and not a.is_stop(nx.text))
        if adj and not nx.text[:1].isupper() or (adj and in_place(nx.start, nx.end) and a.lang == "fr"):
            e += 1
            steps += 1
            continue
        break
    return s, e


_PRIORITY = {"person": 0, "org": 1, "role": 2, "doc": 3, "place": 4, "pronoun": 5}


def _merge(a, ms: list[Mention]) -> list[Mention]:
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
        if out and m.kind == "person" and out[-1].kind == "role" and not out[-1].name:
            gap = a.text[out[-1].end:m.start]
            if gap in (" ", "\u00a0"):  # "le préfet Jean Roux", "Harbour Authority Director Maria Okafor"
                last = out[-1]
                last.end, last.text, last.name = m.end, a.text[last.start:m.end], m.name
                last.gender = last.gender or m.gender
                continue
        out.append(m)
    return out
