"""Place recognition: gazetteer spans over the text, checked against spaCy entities and capitalisation.

Every span of up to seven words inside one clause is looked up in the gazetteer (names folded: accents, case,
hyphens and apostrophes do not matter). A span is kept when it reads as a proper name (capitalised first and last
words, only connectors in between), or when it is a demonym/adjective ("nord-coréen", "japonais"). Spans inside
person names are dropped; spans inside organisation names are kept ("Flotte russe du Pacifique"). The longest span
wins; a leading determiner is never part of a span ("la Russie" -> "Russie").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from geostory.gazetteer.index import ABBREV, DEMONYM, Entry, Gazetteer
from geostory.gazetteer.text import fold

MAX_WORDS = 7
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# characters allowed between two words of one name
_JOINER = re.compile(r"^(?:[ \t]|[ \t]?[-‐‑–][ \t]?|['’ʼ])$")

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


@dataclass(frozen=True, slots=True)
class _Word:
    start: int
    end: int
    text: str

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()


def _words(text: str) -> list[_Word]:
    return [_Word(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def _chunks(text: str, words: list[_Word]) -> list[list[_Word]]:
    """Runs of words separated only by name joiners (space, hyphen, apostrophe)."""
    chunks: list[list[_Word]] = []
    cur: list[_Word] = []
    for w in words:
        if cur and not _JOINER.match(text[cur[-1].end: w.start]):
            chunks.append(cur)
            cur = []
        cur.append(w)
    if cur:
        chunks.append(cur)
    return chunks


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
    spans: list[tuple[int, int, list[_Word]]] = []
    for chunk in _chunks(text, words):
        for i in range(len(chunk)):
            for j in range(i + 1, min(len(chunk), i + MAX_WORDS) + 1):
                spans.append((chunk[i].start, chunk[j - 1].end, chunk[i:j]))
    keys = {(s, e): fold(text[s:e]) for s, e, _ in spans}
    found = gazetteer.lookup_keys(keys.values())
    ents = _entities(doc)
    sent_starts = _sentence_starts(doc, text)
    accepted: list[Match] = []
    for s, e, span in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
        key = keys[(s, e)]
        entries = found.get(key)
        if not entries or any(m.start < e and s < m.end for m in accepted):
            continue
        ner = _label_at(ents, s, e)
        match = _accept(text, span, key, entries, ner, s in sent_starts, lang, words)
        if match is not None:
            accepted.append(match)
    accepted.sort(key=lambda m: m.start)
    _add_cues(text, accepted, words)
    return accepted


def _label_at(ents, s: int, e: int) -> str | None:
    for es, ee, label in ents:
        if es <= s and e <= ee:
            return label if (es, ee) == (s, e) else f"in-{label}"
        if es < e and s < ee:
            return f"overlap-{label}"
    return None


def _accept(text, span, key, entries, ner, sentence_initial, lang, words) -> Match | None:
    s, e = span[0].start, span[-1].end
    surface = text[s:e]
    demonym_entries = [x for x in entries if x.flags & DEMONYM]
    if ner in ("in-PER", "PER", "overlap-PER") and not (demonym_entries and not span[0].cap):
        return None  # part of a person's name ("Jake Sullivan", "Poutine-Kim")
    if demonym_entries and len(demonym_entries) == len(entries):
        if lang == "en" and not span[0].cap:
            return None
        return Match(s, e, surface, key, demonym_entries, ner, demonym=True)
    name_entries = [x for x in entries if not (x.flags & DEMONYM)]
    if not _is_name_shape(span):
        return None
    if all(x.flags == ABBREV for x in name_entries) and not surface.isupper():
        return None
    if len(span) == 1 and key in NOT_PLACES:
        return None
    if len(span) == 1 and len(surface) <= 2:
        return None
    if surface.isupper() and len(surface) > 4 and not any(x.kind == "country" for x in name_entries):
        surface_ok = ner is not None and "LOC" in ner
        if not surface_ok:
            return None
    if sentence_initial and len(span) == 1 and not (ner and ("LOC" in ner or "GPE" in ner)):
        # "Mobile", "Nice", "Reading" opening a sentence: only when the word is capitalised elsewhere mid-sentence,
        # or when a strong entry (country, curated place) is meant.
        strong = any(x.kind == "country" or x.curated for x in name_entries)
        if not strong and not _capitalised_elsewhere(text, surface, s, words):
            return None
    return Match(s, e, surface, key, name_entries, ner)


def _capitalised_elsewhere(text: str, surface: str, pos: int, words: list[_Word]) -> bool:
    for w in words:
        if w.start != pos and w.text == surface and w.start > 0 and text[w.start - 2: w.start].strip() not in (".", "!", "?", ""):
            return True
    return False


def _add_cues(text: str, matches: list[Match], words: list[_Word]) -> None:
    """Record the folded words just before each match ("cosmodrome russe de", "à", "province de")."""
    starts = [w.start for w in words]
    import bisect

    for m in matches:
        i = bisect.bisect_left(starts, m.start)
        m.cues = [fold(w.text) for w in words[max(0, i - 4): i]]
