"""Place recognition: gazetteer spans over the text, checked against spaCy entities and capitalisation.

Every span of up to seven words inside one clause is looked up in the gazetteer (names folded: accents, case,
hyphens and apostrophes do not matter). A span is kept when it reads as a proper name (capitalised first and last
words, only connectors in between), or when it is a demonym/adjective ("nord-coréen", "japonais"). Spans inside
person names are dropped; spans inside organisation names are kept ("Flotte russe du Pacifique"). The longest span
wins; a leading determiner is never part of a span ("la Russie" -> "Russie").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from geostory.extract.patterns import anchored
from geostory.extract.spans import (
    _JOINER,
    CONTRACTIONS,
    MAX_WORDS,
    WordsBefore,
    chunks_of,
    lower_case_keys,
    lower_case_spans,
    place_spans,
)
from geostory.extract.spans import Word as _Word
from geostory.extract.spans import word_before as _word_before
from geostory.extract.spans import words_of as _words
from geostory.gazetteer.index import ABBREV, DEMONYM, MAIN, SPELLING, Entry, Gazetteer
from geostory.gazetteer.text import fold, spelling_key, unaccent

__all__ = ["MAX_WORDS", "Match", "Unknown", "find_place_mentions", "find_unknown_places"]

CONNECTORS = {
    "de", "du", "des", "d", "la", "le", "les", "l", "sur", "sous", "en", "et", "lès", "les", "aux", "au",
    "of", "the", "on", "upon", "and", "am", "an", "der", "die", "das", "del", "della", "di", "da", "do", "dos",
    "y", "el", "al", "im", "bei", "ob", "san", "sankt", "saint", "sainte", "st",
}
# capitalised words that are not places on their own in news text
NOT_PLACES = {
    # weekdays and months, fr + en
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "janvier", "fevrier", "mars",
    "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december",
    # honorifics, roles and frequent sentence openers
    "m", "mme", "mr", "mrs", "ms", "dr", "president", "presidente", "ministre", "minister", "premier", "prime",
    "general", "senator", "senateur", "gouverneur", "governor", "prefet", "maire", "mayor", "roi", "king", "reine",
    "queen", "prince", "pape", "pope", "selon", "mais", "alors", "ainsi", "cette", "ces", "ils", "elles", "nous",
    "vous", "pour", "avec", "dans", "apres", "avant", "depuis", "lors", "here", "there", "this", "that", "these",
    "those", "they", "we", "he", "she", "it", "but", "and", "or", "so", "if", "when", "while", "after", "before",
    "since", "as", "at", "in", "on", "for", "with", "from", "by", "to", "of", "a", "an", "the", "i", "you", "his",
    "her", "their", "our", "its", "my", "le", "la", "les", "un", "une", "des", "du", "de", "et", "ou", "il", "elle",
    "on", "en", "y", "est", "sont", "a", "au", "aux", "par", "sur", "sous", "plus", "moins", "tres", "tout",
    "tous", "toute", "toutes", "deux", "trois", "egalement", "aussi", "encore", "meme", "quand", "comme", "si",
    "mercy", "union", "bank", "island", "north", "south", "east", "west", "nord", "sud", "est", "ouest", "centre",
    "center", "ville", "city", "etat", "state", "national", "nationale", "republique", "republic", "royaume",
    "kingdom", "gouvernement", "government", "police", "armee", "army", "justice", "paix", "peace", "liberte",
    "france info", "afp", "reuters", "ap", "covid", "internet", "web", "dieu", "god", "grand", "grande", "petit",
    "new", "old", "good", "bien", "bon", "bonne", "mon", "ma", "ton", "son", "sa",
}
DETERMINERS = {"le", "la", "les", "l", "the"}
# lower-case generic nouns that open a curated name ("mer Noire", "plateau du Larzac", "golfe Persique")
GEO_NOUNS = {"mer", "ocean", "golfe", "detroit", "plateau", "ile", "iles", "lac", "mont", "monts", "massif", "canal",
             "cap", "baie", "presqu'ile", "vallee", "bande", "plaine", "fleuve", "desert", "archipel", "chaine",
             "cordillere", "pointe", "col", "foret", "bassin", "delta", "estuaire", "peninsule", "cote", "region",
             "province", "departement", "oblast", "etat", "comte", "canton"}
# words that, right before a span, say the span is a place ("à Paris", "in Mobile")
PLACE_PREPOSITIONS = {"a", "au", "aux", "en", "dans", "vers", "depuis", "pres", "in", "at", "near", "from", "to",
                      "into", "outside", "across", "via", "toward", "towards"}


@dataclass
class Match:
    """A recognised span and the gazetteer entries its name can refer to."""

    start: int
    end: int
    text: str
    key: str
    entries: list[Entry]
    ner: str | None = None
    demonym: bool = False
    cues: list[str] = field(default_factory=list)


def _is_name_shape(span: list[_Word]) -> bool:
    if not (span[0].cap and span[-1].cap):
        return False
    return all(w.cap or w.text.lower() in CONNECTORS for w in span[1:-1])


def _entities(doc) -> list[tuple[int, int, str]]:
    if doc is None or not doc.has_annotation("ENT_IOB"):
        return []
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def _sentence_starts(doc, text: str) -> set[int]:
    starts = {0}
    if doc is not None and doc.has_annotation("SENT_START"):
        for sent in doc.sents:
            first = next((t for t in sent if not t.is_space and not t.is_punct), None)
            if first is not None:
                starts.add(first.idx)
    for m in re.finditer(r"(?:^|[.!?…:«»\"“”]\s*|\n\s*)([^\W\d_])", text):
        starts.add(m.start(1))
    return starts


def find_place_mentions(text: str, doc, gazetteer: Gazetteer, lang: str = "fr") -> list[Match]:
    """All place mentions of ``text`` (non-overlapping, in text order), each with its candidate entries."""
    words = _words(text)
    chunks = chunks_of(text, words)
    lower = lower_case_keys(gazetteer)
    spans, keys = place_spans(text, chunks, lower_case=lower is None)
    before = WordsBefore(text)
    looked: set[str] = set()
    raw: dict[str, list[Entry]] = {}
    found: dict[str, list[Entry]] = {}
    _look_up(spans, keys, looked, raw, found, gazetteer, lang, before)
    ents = _entities(doc)
    respelled = _add_spelling_variants(text, spans, keys, found, ents, gazetteer, before)
    if lower is not None:  # lower-case runs that can still be accepted, or that a determiner's run is compared with
        needed = {(span[1].start, e) for s, e, span in spans if len(span) > 1 and span[0].text.lower() in DETERMINERS
                  and not span[1].cap and found.get(keys[(s, e)])}
        more, more_keys = lower_case_spans(text, chunks, lower, respelled, GEO_NOUNS, DETERMINERS, needed)
        keys.update(more_keys)
        _look_up(more, keys, looked, raw, found, gazetteer, lang, before)
        spans += more
    sent_starts = _sentence_starts(doc, text)
    accepted: list[Match] = []
    taken: list[tuple[int, int]] = []  # the accepted spans, sorted and disjoint (an overlap test is a bisection)
    candidates = [sp for sp in spans if found.get(keys[(sp[0], sp[1])])]  # most spans name nothing
    for s, e, span in sorted(candidates, key=lambda x: (-(x[1] - x[0]), x[0])):
        key = keys[(s, e)]
        entries = found[key]
        if _overlaps(taken, s, e):
            continue
        if span[0].text.lower() in DETERMINERS and len(span) > 1 and keys[(span[1].start, e)] in found \
                and not any(x.flags & MAIN for x in entries):
            continue  # "la Russie", "La Maison Blanche": the name starts after the determiner ("Le Havre" stays)
        ner = _label_at(ents, s, e)
        if len(span) == 1 and _common_noun(doc, s) and ner not in ("LOC", "GPE") and not any(
                x.kind == "country" or x.curated or x.flags & DEMONYM for x in entries):
            continue  # a capitalised common noun: "Tour" in "Tour de France", "Santé" in "ministère de la Santé"
        match = _accept(text, span, key, entries, ner, s in sent_starts, lang, words)
        if match is not None:
            accepted.append(match)
            bisect.insort(taken, (match.start, match.end))
    accepted.sort(key=lambda m: m.start)
    _add_cues(text, accepted, words)
    return accepted


def _look_up(spans, keys, looked, raw, found, gazetteer: Gazetteer, lang: str, before) -> None:
    """Look up the keys of ``spans`` not ``looked`` yet (with their article when a French contraction precedes them:
    "au Havre" is "Le Havre"). ``raw`` gets the entries, ``found`` those that are more than a spelling key's."""
    contracted = {}
    if lang == "fr":
        for s0, e0, _ in spans:
            article = CONTRACTIONS.get(before[s0])
            if article:
                contracted[(s0, e0)] = article + keys[(s0, e0)]
    new = [k for k in dict.fromkeys([keys[(s, e)] for s, e, _ in spans] + list(contracted.values())) if k not in looked]
    got = gazetteer.lookup_keys(new)
    looked.update(new)
    raw.update(got)
    for span_key, full in contracted.items():
        if any(x.flags & MAIN for x in raw.get(full, [])):  # the name with its article is a place's own name
            keys[span_key] = full
    for k, entries in got.items():
        if entries and not all(x.flags == SPELLING for x in entries):  # a folded name equal to someone's spelling
            found[k] = entries  # key is no match


def _add_spelling_variants(text, spans, keys, found, ents, gazetteer: Gazetteer, before=None) -> set[str]:
    """Second chance for unmatched names that read as places (a LOC entity, or after "à"/"in"/"from"):
    look them up under their coarse spelling key ("Tarhouna" -> Tarhuna). Returns the keys that gained entries."""
    wanted = {}
    for s, e, span in spans:
        key = keys[(s, e)]
        if key in found or not _is_name_shape(span) or len(key) < 5 or key in NOT_PLACES:
            continue
        label = _label_at(ents, s, e)
        word = (before[s] if before is not None else _word_before(text, s)) if label is None else ""
        if label in ("LOC", "GPE") or (label is None and word in PLACE_PREPOSITIONS):
            wanted[key] = spelling_key(key)
    if not wanted:
        return set()
    variants = gazetteer.lookup_keys(wanted.values())
    respelled = set()
    for key, skey in wanted.items():
        hits = [x for x in variants.get(skey, []) if x.kind != "country" or x.curated]
        if hits:
            found[key] = hits
            respelled.add(key)
    return respelled


def _common_noun(doc, start: int) -> bool:
    """True when the parser tagged the token starting at ``start`` as a common noun (not a proper noun)."""
    if doc is None or not doc.has_annotation("POS"):
        return False
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    return span is not None and len(span) == 1 and span[0].pos_ == "NOUN"


def _overlaps(taken: list[tuple[int, int]], s: int, e: int) -> bool:
    i = bisect.bisect_left(taken, (e,))  # taken[i - 1] starts last before e, and ends last (disjoint spans)
    return i > 0 and taken[i - 1][1] > s


def _label_at(ents, s: int, e: int) -> str | None:
    i = bisect.bisect_right(ents, s, key=lambda x: x[1])  # entities are sorted and disjoint: the first ending after s
    if i < len(ents) and ents[i][0] < e:
        es, ee, label = ents[i]
        if es <= s and e <= ee:
            return label if (es, ee) == (s, e) else f"in-{label}"
        return f"overlap-{label}"
    return None


def _accept(text, span, key, entries, ner, sentence_initial, lang, words) -> Match | None:
    s, e = span[0].start, span[-1].end
    surface = text[s:e]
    if _cuts_compound(text, s, e):
        return None  # "Sainte-Eulalie" inside "Sainte-Eulalie-de-Cernon"
    demonym_entries = [x for x in entries if x.flags & DEMONYM]
    if ner in ("in-PER", "PER", "overlap-PER") and not (demonym_entries and not span[0].cap):
        return None  # part of a person's name ("Jake Sullivan", "Poutine-Kim")
    if demonym_entries and not (ner == "LOC" and len(demonym_entries) < len(entries) and span[0].cap):
        if lang == "en" and not span[0].cap:
            return None
        return Match(s, e, surface, key, demonym_entries, ner, demonym=True)
    name_entries = [x for x in entries if not (x.flags & DEMONYM)]
    strong = any(x.kind == "country" or x.curated for x in name_entries)
    if not _is_name_shape(span) and not (strong and (span[0].cap or fold(span[0].text) in GEO_NOUNS)):
        return None  # "mer Noire", "Nations unies" yes; "la Défense" in "ministre de la Défense" no
    # acronyms match in capitals ("UN", "OTAN"), or in title case from four letters on, as French writes "Otan";
    # dotted abbreviations as written ("U.S.", "W.Va."); state codes and abbreviations only after a comma
    # ("Lexington, Ky.", "Austin, TX"), where nothing else is meant
    dotted = "." in surface
    acronym_ok = surface.isupper() or dotted or (len(surface) >= 4 and surface.istitle())
    after_comma = text[max(0, s - 2): s] == ", "
    name_entries = [x for x in name_entries if x.flags != ABBREV or (
        acronym_ok and (x.kind == "country" or x.curated or after_comma or (len(surface) > 3 and not dotted)))]
    if dotted:  # "Salam." at the end of a sentence is no abbreviation
        name_entries = [x for x in name_entries if x.flags & ABBREV]
    if not name_entries:
        return None  # an acronym written in lower case ("who", "Un")
    if len(span) == 1 and (key in NOT_PLACES or len(surface) <= 2):
        if not (surface.isupper() and any(x.flags & ABBREV for x in name_entries)):
            return None  # "Mai", "Est", "Un"; but "UN" written as an acronym is the organisation
    located = ner is not None and ("LOC" in ner or "GPE" in ner)
    preposition = _word_before(text, s) in PLACE_PREPOSITIONS
    if surface.isupper() and not strong and not (after_comma and any(x.flags & ABBREV for x in name_entries)):
        line_start = s < 3 or "\n" in text[max(0, s - 3): s]
        if len(surface) <= 4 or not (located or (line_start and text[e: e + 2].startswith(","))):
            return None  # acronyms ("FAL") and shouted words; a dateline "TRIPOLI, Liban" is fine
    if not strong and not located and not _covers_run(text, span, words):
        return None  # a piece of a longer proper name ("Red" in "Red Crescent", "Blankenberg" in a person's name)
    if len(span) == 1 and not strong and not located and not preposition:
        if all(not (x.flags & MAIN) and x.population < 100_000 for x in name_entries):
            return None  # only an alternate name of a small place ("Santé")
        if all(x.population < 5_000 and x.kind == "city" for x in name_entries) and not _repeated_with_cue(
                text, key, words):
            return None  # a bare capitalised word naming only hamlets ("the Herald reported")
    if len(span) == 1 and sentence_initial and not located and not any(x.kind == "country" for x in name_entries):
        if not _capitalised_elsewhere(text, surface, s, words):
            return None  # "Mobile", "Nice", "Cher", "Reading" opening a sentence
    return Match(s, e, surface, key, name_entries, ner)


def _repeated_with_cue(text: str, key: str, words: list[_Word]) -> bool:
    """True when the same name appears elsewhere right after a place preposition ("à X", "in X")."""
    return any(fold(w.text) == key and _word_before(text, w.start) in PLACE_PREPOSITIONS for w in words)


def _cuts_compound(text: str, s: int, e: int) -> bool:
    before, after = text[max(0, s - 1): s], text[e: e + 2]
    return (before in {"-", "‑"} and s >= 2 and text[s - 2].isalpha()) or (
        len(after) == 2 and after[0] in "-‑" and after[1].isalpha())


def _covers_run(text: str, span: list[_Word], words: list[_Word]) -> bool:
    """True when no capitalised word is glued to the span on either side (outside connectors)."""
    idx = {w.start: i for i, w in enumerate(words)}
    i, j = idx.get(span[0].start), idx.get(span[-1].start)
    if i is None or j is None:
        return True
    if i > 0:
        prev = words[i - 1]
        if prev.cap and _JOINER.match(text[prev.end: span[0].start]) and prev.text.lower() not in CONNECTORS:
            if text[prev.end: span[0].start] == " " and prev.text.lower() not in NOT_PLACES:
                return False
    if j + 1 < len(words):
        nxt = words[j + 1]
        if nxt.cap and text[span[-1].end: nxt.start] == " " and nxt.text.lower() not in CONNECTORS:
            return False
    return True


def _capitalised_elsewhere(text: str, surface: str, pos: int, words: list[_Word]) -> bool:
    for w in words:
        if w.start != pos and w.text == surface and w.start > 0 and text[w.start - 2: w.start].strip() not in (".", "!", "?", ""):
            return True
    return False


def _add_cues(text: str, matches: list[Match], words: list[_Word]) -> None:
    """Record the folded words just before each match, within its clause ("cosmodrome russe de", "province de")."""
    starts = [w.start for w in words]
    for m in matches:
        i = bisect.bisect_left(starts, m.start)
        cues: list[str] = []
        end = m.start
        for w in reversed(words[max(0, i - 4): i]):
            if re.search(r"[^\w\s'’\-]", text[w.end: end]):
                break  # punctuation ends the clause: "MEXICO CITY, June 4 - Mexico's" has no cue
            cues.insert(0, fold(w.text))
            end = w.start
        m.cues = cues


# nouns that make a proper name a facility or a street, before ("mosquée Taqwa", "Avenida Paulista")
# or after ("Abu Sleem hospital", "National Museum of African Art") the name
FACILITY_BEFORE = (
    "mosquee", "eglise", "cathedrale", "basilique", "synagogue", "temple", "hopital", "clinique", "musee", "stade",
    "aeroport", "gare", "universite", "prison", "palais", "chateau", "place", "rue", "avenue", "boulevard", "quai",
    "pont", "quartier", "camp", "avenida", "rua", "calle", "plaza", "praca", "piazza", "via", "mount", "lake",
    "fort", "university", "museum", "stadium", "hospital", "church", "mosque", "cathedral",
)
FACILITY_AFTER = (
    "hospital", "airport", "mosque", "church", "cathedral", "museum", "stadium", "university", "station", "road",
    "street", "avenue", "square", "bridge", "prison", "camp", "base", "gallery", "park", "palace", "college",
    "district", "neighborhood", "neighbourhood",
)
_CAP_RUN = r"(?-i:[A-Z][\w’'\-]*(?:\s+(?:(?:al|el|de|du|des|of|the|la|le|di|do|da)\s+)?[A-Z][\w’'\-]*)*)"
_FAC_BEFORE_RE = anchored(
    r"\b(" + "|".join(FACILITY_BEFORE) + r")\s+(?:(?:de la|de l['’]|des|du|de|d['’]|of the|of)\s*)?((?:(?:al|el|an|as|ad|ar|ash|ibn|abu)[\s-])?" + _CAP_RUN + ")",
    re.IGNORECASE,
)
_FAC_AFTER_RE = re.compile(r"(" + _CAP_RUN + r")\s+(" + "|".join(FACILITY_AFTER) + r")\b", re.IGNORECASE)
_NAMED_FAC_RE = re.compile(
    r"\b((?:National|Royal|State|Central|City|Metropolitan|Natural History|International)?\s*"
    r"(?:Museum|Gallery|Hospital|University|Library|Stadium|Airport|Cathedral|Palace|Park)"
    r"(?:\s+of(?:\s+the)?(?:\s+[A-Z][\w’'\-]*)+))"
)


# first words that make a capitalised name an organisation rather than a facility
ORG_WORDS = {"bank", "banco", "banque", "banca", "group", "groupe", "grupo", "company", "compagnie", "corp",
             "association", "fondation", "foundation", "club", "parti", "party", "union", "societe", "society"}


@dataclass
class Unknown:
    """A name that reads as a place but is not in the gazetteer: located later from its context."""

    start: int
    end: int
    text: str
    kind: str  # landmark (a facility/street) or other (a locality spaCy tags LOC)
    why: str


def find_unknown_places(text: str, doc, matches: list[Match]) -> tuple[list[Unknown], list[Match]]:
    """Facilities, streets and spaCy LOC entities that the gazetteer does not know.

    Returns them with the matches that survive: a weak match inside a facility name ("Salam" in "mosquée al
    Salam") gives way to the facility; countries and curated places inside one stay ("African" in a museum name).
    """
    out: list[Unknown] = []
    matches = list(matches)

    def free(s: int, e: int) -> bool:
        return not any(m.start < e and s < m.end for m in matches) and not any(u.start < e and s < u.end for u in out)

    def add(s: int, e: int, kind: str, why: str) -> None:
        if kind == "landmark":
            inside = [m for m in matches if s <= m.start and m.end <= e]
            if inside and all(not any(x.kind == "country" or x.curated for x in m.entries) for m in inside):
                for m in inside:
                    matches.remove(m)
        if e - s >= 3 and free(s, e):
            out.append(Unknown(s, e, text[s:e], kind, why))

    plain = unaccent(text)
    for m in _NAMED_FAC_RE.finditer(plain):
        if m.group(1).strip()[:1].isupper():
            s = m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
            add(s, m.end(1), "landmark", "a named facility")
    for m in _FAC_BEFORE_RE.finditer(plain):
        noun, name = m.group(1), m.group(2)
        if fold(name) not in NOT_PLACES:
            add(m.start(1), m.end(2), "landmark", f"a {fold(noun)}")
    for m in _FAC_AFTER_RE.finditer(plain):
        name, noun = m.group(1), m.group(2)
        first = fold(name.split()[0])
        if first in NOT_PLACES or first in ORG_WORDS:
            continue  # "Banco Base" is a bank
        add(m.start(1), m.end(2), "landmark", f"a {fold(noun)}")
    for s, e, label in _entities(doc):
        if label in ("LOC", "GPE", "FAC"):
            words = text[s:e].split()
            if _word_before(text, s) in DETERMINERS | {"un", "une"}:
                continue  # "la Fnaut", "le Medef": organisations spaCy took for places
            if words and words[0][:1].isupper() and fold(text[s:e]) not in NOT_PLACES and "\n" not in text[s:e]:
                add(s, e, "other" if label != "FAC" else "landmark", f"spaCy {label} entity")
    return sorted(out, key=lambda u: u.start), matches
