"""Candidate spans for place recognition: the runs of up to seven words that may name a place.

Most runs of an article open with a lower-case word ("a été reçu par", "la semaine dernière à"). Place recognition
accepts such a run only as a demonym ("nord-coréens"), or as a curated name behind a generic noun ("mer Noire"), so
those runs are dropped before they are folded and looked up unless their first word can open a demonym of the
gazetteer, is a generic noun, or opens the name of a capitalised run of the same article (a run that only differs by
case shares its gazetteer key). The spans kept are exactly the ones whose lookup can change the result: the output of
place recognition is the same as with every run looked up, at a fifth of the lookups.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Word:
    start: int
    end: int
    text: str

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()


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
    """(keys, first words): the gazetteer keys a run opening with a lower-case word can be accepted under — those
    of demonyms, with and without a leading "le "/"les " (what a contraction adds) — and their first words.
    Read once per index file (one scan of its names); None when the index cannot tell (then nothing is filtered)."""
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


def candidate_spans(text: str, words: list[Word], lower_keys: tuple[frozenset, frozenset] | None,
                    openers: frozenset | set, determiners: frozenset | set) -> tuple[list[Span], dict]:
    """The spans that may name a place, and their folded names {(start, end): key}.

    Kept: dotted abbreviations ("U.S."), every run opening with a capital, and runs opening with a lower-case word
    when ``lower_keys`` is None, or when the word is one of ``openers`` (generic nouns, folded), when the run folds
    to a key of ``lower_keys`` or of a capitalised run (only checked on the first word's letters when that word is
    ASCII: a folded run starts with its lower-cased first word, then a space, an apostrophe or nothing), or when the
    run follows one of ``determiners`` opening a kept run ("la" + "Russie": the name after the determiner is compared)."""
    spans: list[Span] = []
    keys: dict[tuple[int, int], str] = {}
    for m in _DOTTED.finditer(text):  # "U.S.", "W.Va.", "Ky.", "B.C.": one pseudo-word each
        s, e = m.start(), m.end()
        spans.append((s, e, [Word(s, e, m.group())]))
        keys[(s, e)] = fold(m.group())
    chunks = chunks_of(text, words)

    def add(chunk: list[Word], i: int, only=None) -> None:
        for j in range(i + 1, min(len(chunk), i + MAX_WORDS) + 1):
            s, e = chunk[i].start, chunk[j - 1].end
            key = fold(text[s:e])
            if only is None or key in only[0] or key in only[1]:
                spans.append((s, e, chunk[i:j]))
                keys[(s, e)] = key

    for chunk in chunks:
        for i, w in enumerate(chunk):
            if w.cap or lower_keys is None:
                add(chunk, i)
    if lower_keys is None:
        return spans, keys
    capitalised = frozenset(keys.values())
    cap_tokens = frozenset(_first_token(k) for k in capitalised)
    known, known_tokens = lower_keys
    for chunk in chunks:
        forced = False
        for i, w in enumerate(chunk):
            kept = w.cap or forced
            if not w.cap:
                if not forced and w.text.isascii():
                    low = w.text.lower()
                    kept = low in known_tokens or low in cap_tokens or low in openers
                    if kept:
                        add(chunk, i)
                elif forced or fold(w.text) in openers:
                    kept = True
                    add(chunk, i)
                else:  # a non-ASCII first word: each run checked on its folded name
                    add(chunk, i, only=(known, capitalised))
            forced = kept and w.text.lower() in determiners
    return spans, keys
