"""Candidate spans for place recognition: the runs of up to seven words that may name a place.

Most runs of an article open with a lower-case word ("a été reçu par", "la semaine dernière à"). Place recognition
accepts such a run only as a demonym ("nord-coréens") or as a curated name behind a generic noun ("mer Noire"). So
the runs opening with a capital are looked up first; the lower-case ones are then folded and looked up only when they
can fold to a demonym of the gazetteer or to a name that gained entries from its spelling variants, open with a
generic noun, or are the rest of a run found after a determiner ("la" + "Russie"). The result of place recognition
is the same as with every run looked up, at about a tenth of the lookups.
"""

from __future__ import annotations

import os
import re
import sqlite3

from geostory.gazetteer.index import DEMONYM
from geostory.gazetteer.text import fold

MAX_WORDS = 7
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# characters allowed between two words of one name
_JOINER = re.compile(r"^(?:[ \t]|[ \t]?[-‐‑–][ \t]?|['’ʼ])$")
_DOTTED = re.compile(r"(?<![\w.])(?:[A-Z][a-z]{0,4}\.){1,4}(?![\w])")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)['’]?\s*$")
# French contractions hide a name's article: "au Havre", "du Mans" are "Le Havre", "Le Mans"
CONTRACTIONS = {"au": "le ", "du": "le ", "aux": "les ", "des": "les "}


class Word:
    """A run of letters at ``start:end``; ``cap`` when it opens with a capital. (A plain class: articles have
    hundreds of words and place recognition reads ``cap`` a thousand times.)"""

    __slots__ = ("cap", "end", "start", "text")

    def __init__(self, start: int, end: int, text: str):
        self.start, self.end, self.text, self.cap = start, end, text, text[:1].isupper()

    def __repr__(self) -> str:
        return f"Word({self.start}, {self.end}, {self.text!r})"


Span = tuple[int, int, list[Word]]


def words_of(text: str) -> list[Word]:
    """The words (runs of letters) of ``text``."""
    return [Word(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def chunks_of(text: str, words: list[Word]) -> list[list[Word]]:
    """Runs of words separated only by name joiners (space, hyphen, apostrophe)."""
    chunks: list[list[Word]] = []
    cur: list[Word] = []
    for w in words:
        if cur and not _JOINER.match(text[cur[-1].end: w.start]):
            chunks.append(cur)
            cur = []
        cur.append(w)
    if cur:
        chunks.append(cur)
    return chunks


def word_before(text: str, pos: int) -> str:
    """The folded word just before ``pos`` (an apostrophe and spaces between allowed), or ""."""
    m = _WORD_BEFORE.search(text, max(0, pos - 25), pos)
    return fold(m.group(1)) if m else ""


class WordsBefore(dict):
    """``word_before(text, pos)`` remembered per position (many spans open at the same word)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def __missing__(self, pos: int) -> str:
        value = self[pos] = word_before(self.text, pos)
        return value


def _first_token(key: str) -> str:
    return key.split(" ", 1)[0].split("'", 1)[0]


_LOWER_KEYS: dict[tuple, tuple[frozenset, frozenset] | None] = {}


def lower_case_keys(gazetteer) -> tuple[frozenset, frozenset] | None:
    """(keys, their first words): the gazetteer keys a run opening with a lower-case word can be accepted under,
    those of demonyms, with and without a leading "le "/"les " (what a contraction adds). Read once per index file
    (one scan of its names); None when the index cannot tell (then every run is looked up)."""
    path = getattr(gazetteer, "path", None)
    try:
        stat = os.stat(path)
        ident = (str(path), stat.st_mtime_ns, stat.st_size)
    except (OSError, TypeError):
        return None
    if ident not in _LOWER_KEYS:
        try:
            rows = gazetteer.con.execute("SELECT key FROM names WHERE flags & ? != 0", (DEMONYM,)).fetchall()
        except (AttributeError, sqlite3.Error):
            rows = None
        if rows is None:
            _LOWER_KEYS[ident] = None
        else:
            keys = {k for (k,) in rows if k}
            keys |= {k[len(a):] for k in keys for a in set(CONTRACTIONS.values()) if k.startswith(a)}
            _LOWER_KEYS[ident] = frozenset(keys), frozenset(_first_token(k) for k in keys)
    return _LOWER_KEYS[ident]


def place_spans(text: str, chunks: list[list[Word]], lower_case: bool = True) -> tuple[list[Span], dict]:
    """Dotted abbreviations ("U.S.") and the runs of up to :data:`MAX_WORDS` words of each chunk that open with a
    capital (with ``lower_case``, all runs), and their folded names {(start, end): key}."""
    spans: list[Span] = []
    keys: dict[tuple[int, int], str] = {}
    for m in _DOTTED.finditer(text):  # "U.S.", "W.Va.", "Ky.", "B.C.": one pseudo-word each
        s, e = m.start(), m.end()
        spans.append((s, e, [Word(s, e, m.group())]))
        keys[(s, e)] = fold(m.group())
    for chunk in chunks:
        for i, w in enumerate(chunk):
            if lower_case or w.cap:
                for j in range(i + 1, min(len(chunk), i + MAX_WORDS) + 1):
                    s, e = w.start, chunk[j - 1].end
                    spans.append((s, e, chunk[i:j]))
                    keys[(s, e)] = fold(text[s:e])
    return spans, keys


def lower_case_spans(text: str, chunks: list[list[Word]], wanted: tuple[frozenset, frozenset], extra: set,
                     openers: frozenset | set, determiners: frozenset | set, needed: set) -> tuple[list[Span], dict]:
    """The runs opening with a lower-case word that may still name something: those folding to a key of ``wanted``
    (keys, their first words) or of ``extra``, every run opening with one of ``openers`` (folded), the ``needed``
    ones {(start, end)}, and every run after a determiner opening a run kept. A run is only folded when its first
    word can open such a key: when the first word folds to ASCII letters, a folded run starts with them, then a
    space, an apostrophe or its end (folding maps each character on its own, and letters stay letters)."""
    known, known_tokens = wanted
    tokens = {_first_token(k) for k in extra}
    spans: list[Span] = []
    keys: dict[tuple[int, int], str] = {}
    for chunk in chunks:
        forced = False
        for i, w in enumerate(chunk):
            if w.cap:
                forced = False
                continue
            head = w.text.lower() if w.text.isascii() else fold(w.text)  # ASCII letters fold to lower case
            every = forced or head in openers
            skip = not every and head.isascii() and head.isalpha() and head not in known_tokens and head not in tokens
            kept = False
            if skip and not needed:
                forced = False
                continue
            for j in range(i + 1, min(len(chunk), i + MAX_WORDS) + 1):
                s, e = w.start, chunk[j - 1].end
                if skip and (s, e) not in needed:
                    continue
                key = fold(text[s:e])
                if every or key in known or key in extra or (s, e) in needed:
                    spans.append((s, e, chunk[i:j]))
                    keys[(s, e)] = key
                    kept = True
            forced = kept and w.text.lower() in determiners
    return spans, keys
