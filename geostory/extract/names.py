"""Names in an article: person names, names typed by the noun before them, age epithets, bare surnames.

"le prévisionniste Jean Roux" makes Jean Roux a person with a role, "German carmaker Volkart" makes Volkart an
organisation, "la tempête Ciaran" no person at all; "le coureur de 24 ans" and "the 21-year-old" are role
mentions of the article's protagonist; "Martin" anywhere stands for "Anne Martin" named in full elsewhere.
"""

from __future__ import annotations

import re

from geostory.extract.lexicon import (
    NOT_NAME_WORDS,
    TITLE_GENDER,
    TITLES,
    fold,
    is_reporting,
)
from geostory.extract.mentions import (
    ADJ_END,
    DETS,
    DOCS,
    INDEF,
    NON_PERSON,
    PARTICLES,
    SUFFIX,
    Mention,
    cap,
    folded,
    is_acronym,
    noun_gender,
)

_AGE_FR = re.compile(r"\b(?P<det>le|la|l['’]|ce|cet|cette)\s*(?P<noun>[a-zà-ÿœ-]{3,})(?:\s+[a-zà-ÿœ-]{3,})?\s+"
                     r"(?:âgée?\s+)?de\s+\d{1,3}\s+ans\b")
_AGE_EN = re.compile(r"\b(?P<det>[Tt]he|an?)\s+\d{1,3}-year-old(?:\s+(?P<noun>[a-z]{3,}))?\b")


def person_names(a, toks, in_place, role_set) -> list[Mention]:
    """Person names: NER PER spans and capitalised sequences, split at role words, titles kept apart."""
    cands: list[tuple[int, int]] = []
    for s, e, label in a.ents:
        if label in ("PER", "PERSON") and not a.quoted(s):
            cands.append((s, e))
    k, n = 0, len(toks)
    while k < n:
        if not cap(toks[k]):
            k += 1
            continue
        j = k
        while j + 1 < n and toks[j + 1].start - toks[j].end <= 1 and "\n" not in a.text[toks[j].end:toks[j + 1].start]:
            nxt = toks[j + 1]
            if cap(nxt) or (nxt.low in PARTICLES and j + 2 < n and cap(toks[j + 2]) and toks[j].end < nxt.start):
                j += 1
            elif nxt.text == "-" and j + 2 < n and cap(toks[j + 2]) and toks[j + 2].start == nxt.end == toks[j].end + 1:
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


def typed_names(a, toks, names, roles, orgs) -> tuple[list[Mention], list[Mention]]:
    """Names typed by the common noun before them: "le prévisionniste Jean Roux" (a role), "German carmaker
    Volkart" (an organisation), "la tempête Ciaran" (no person at all). Returns (names kept, role mentions)."""
    starts = {t.start: i for i, t in enumerate(toks)}
    kept, typed, things, firms = [], [], set(), set()
    types = orgs | NON_PERSON
    for k, t in enumerate(toks[1:], 1):  # "la tempête Ciaran", "German carmaker Volkart": wherever the name is
        j = k - 1
        if j > 0 and (toks[j].pos == "ADJ" or (not toks[j].pos and toks[j].low.endswith(ADJ_END))):
            j -= 1
        low = fold(toks[j].text)
        low = low[:-1] if low.endswith("s") and low[:-1] in types else low
        if cap(t) and toks[k - 1].end >= t.start - 1 and _common_noun(a, toks[j]) and low in types:
            e = k
            while e + 1 < len(toks) and cap(toks[e + 1]) and toks[e + 1].start <= toks[e].end + 1:
                e += 1
            name = a.text[t.start:toks[e].end]
            (things if low in NON_PERSON else firms).add(name)
            if low not in NON_PERSON:
                typed.append(Mention(t.start, toks[e].end, name, "org", role=fold(name)))
    for m in names:
        k = starts.get(m.start)
        noun = toks[k - 1] if k else None
        if noun is None or noun.end < m.start - 1 or m.gender or not _common_noun(a, noun):
            kept.append(m)
            continue
        j = k - 1
        if j > 0 and (noun.pos == "ADJ" or (not noun.pos and noun.low.endswith(ADJ_END))) and \
                _common_noun(a, toks[j - 1]) and toks[j - 1].end >= noun.start - 1:
            j -= 1  # "le groupe chimique Chimex"
        head = toks[j]
        det = toks[j - 1] if j > 0 and toks[j - 1].low in DETS and toks[j - 1].end >= head.start - 1 else None
        low = fold(head.text)
        sing = low[:-1] if low.endswith("s") and low[:-1] in roles | orgs | NON_PERSON else low
        known = sing in roles or sing in orgs or sing in NON_PERSON
        if not known and (det is None or a.lang != "fr"):
            kept.append(m)  # English types without a lexicon entry need one ("Slovak qualifier X" stays a name)
            continue
        if sing in NON_PERSON:
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


def age_epithets(a) -> list[Mention]:
    """"le coureur de 24 ans", "la retraitée de 70 ans", "the 21-year-old", "a 30-year-old nurse"."""
    out = []
    roles, orgs = folded(a.lang)
    for m in (_AGE_EN if a.lang == "en" else _AGE_FR).finditer(a.masked):
        noun, end = m.group("noun") or "", m.end()
        if noun and (is_reporting(noun, "", a.lang) or a.is_stop(noun)):
            noun, end = "", m.start("noun") - 1  # "the 21-year-old said"
        if fold(noun) in orgs or fold(noun) in NON_PERSON or fold(noun) in DOCS:
            continue  # "the 150-year-old company"
        det = m.group("det").lower()
        out.append(Mention(m.start(), end, a.text[m.start():end], "role",
                           role=fold(noun) if fold(noun) in roles else "age", definite=det not in INDEF,
                           gender=noun_gender(a, det, noun) if noun else None, epithet=True))
    return out


def known_words(ms: list[Mention]) -> dict[str, str]:
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


def bare_names(a, toks, ms: list[Mention], known: dict) -> list[Mention]:
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
