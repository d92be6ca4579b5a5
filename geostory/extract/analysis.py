"""The shared view of one article used by the narrative extractors.

Tokens (from the spaCy Doc when it matches the text, else a regex tokenizer), the text with quotation interiors
masked, sentences of that masked text, and the place mentions.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from geostory.extract.lexicon import ARTICLES, is_reporting
from geostory.extract.quotes import (
    find_quote_spans,
    keep_quote,
    mask,
    split_incises,
    split_sentences,
)

_TOKEN_RE = re.compile(r"\w+(?:[-’'.]\w+)*[’']?|[^\w\s]", re.UNICODE)
_CLITIC = re.compile(r"-t|-(?:t-)?(?:il|elle|ils|elles|on)")


class Tok:
    """One token with the annotations the extractors use (empty strings when the pipeline lacks them)."""

    __slots__ = ("i", "start", "end", "text", "low", "lemma", "pos", "dep", "head", "tense", "verbform", "ent")

    def __init__(self, i, start, end, text, lemma="", pos="", dep="", head=None, tense="", verbform="", ent=""):
        self.i, self.start, self.end, self.text, self.low = i, start, end, text, text.lower()
        self.lemma, self.pos, self.dep, self.head = lemma, pos, dep, i if head is None else head
        self.tense, self.verbform, self.ent = tense, verbform, ent


@dataclass
class Analysis:
    """Everything the narrative extractors share about one article."""

    text: str
    lang: str
    published: str | None
    places: tuple
    toks: list = field(default_factory=list)
    ents: list = field(default_factory=list)  # (start, end, label)
    spans: list = field(default_factory=list)  # QSpan
    masked: str = ""
    sents: list = field(default_factory=list)  # (start, end) over the masked text
    place_mentions: list = field(default_factory=list)  # (start, end, place_id), sorted
    has_parse: bool = False
    has_lemma: bool = False
    vocab: object = None
    _tok_index: tuple = field(default=(None, 0, (), (), False), init=False, repr=False, compare=False)
    _quote_index: tuple = field(default=(None, 0, (), ()), init=False, repr=False, compare=False)

    def _token_bounds(self) -> tuple[list, list, bool]:
        """(starts, ends, ordered) of the tokens, rebuilt when ``toks`` is replaced or grows."""
        src, n, starts, ends, ordered = self._tok_index
        if src is not self.toks or n != len(self.toks):
            starts, ends = [t.start for t in self.toks], [t.end for t in self.toks]
            ordered = all(x <= y for x, y in zip(starts, starts[1:])) and all(x <= y for x, y in zip(ends, ends[1:]))
            self._tok_index = (self.toks, len(self.toks), starts, ends, ordered)
        return starts, ends, ordered

    def tok_at(self, pos: int) -> int:
        """Index of the token containing or following character ``pos``."""
        return bisect.bisect_right(self._token_bounds()[1], pos)

    def toks_in(self, start: int, end: int) -> list:
        starts, ends, ordered = self._token_bounds()
        if not ordered:
            return [t for t in self.toks if t.start >= start and t.end <= end]
        lo, hi = bisect.bisect_left(starts, start), bisect.bisect_right(ends, end)
        return self.toks[lo:hi] if lo < hi else []

    def sent_of(self, pos: int) -> tuple[int, int]:
        for s, e in self.sents:
            if s <= pos < e:
                return s, e
        return (0, len(self.text))

    def quoted(self, pos: int) -> bool:
        """True when ``pos`` lies inside a quotation's content."""
        src, n, starts, ends = self._quote_index
        if src is not self.spans or n != len(self.spans):  # the union of the contents, as sorted disjoint ranges
            starts, ends = [], []
            for q in sorted((q for q in self.spans if q.start < q.end), key=lambda q: q.start):
                if ends and q.start <= ends[-1]:
                    ends[-1] = max(ends[-1], q.end)
                else:
                    starts.append(q.start)
                    ends.append(q.end)
            self._quote_index = (self.spans, len(self.spans), starts, ends)
        k = bisect.bisect_right(starts, pos) - 1
        return k >= 0 and pos < ends[k]

    def places_in(self, start: int, end: int) -> list[str]:
        """Ids of the places mentioned inside ``start:end``, in order, without repeats."""
        out: list[str] = []
        for s, e, pid in self.place_mentions:
            if s >= start and e <= end and pid not in out:
                out.append(pid)
        return out

    def is_stop(self, word: str) -> bool:
        if self.vocab is None:
            return word.lower() in {"le", "la", "les", "the", "a", "an", "un", "une", "des"}
        return bool(self.vocab[word.lower()].is_stop)

    def reporting(self, tok: Tok) -> str | None:
        """The reporting lemma of a token, or None (nouns and determiner-led words excluded)."""
        k = tok.i
        clitic = k + 1 < len(self.toks) and _CLITIC.fullmatch(self.toks[k + 1].low)
        if clitic:  # "soupire-t-elle": a verb whatever the tagger says
            return is_reporting(tok.text, "", self.lang)
        if tok.pos in ("NOUN", "PROPN", "ADJ", "DET", "ADP") and tok.pos:
            return None
        if k > 0 and self.toks[k - 1].low in ARTICLES[self.lang == "en"]:
            return None
        if not tok.pos and self.lang == "en" and tok.low.endswith("ing"):
            return None  # without tags "warning", "meeting" are nouns more often than verbs
        return is_reporting(tok.text, tok.lemma, self.lang)


class _Strings(dict):
    """String hash -> text, each hash read from the StringStore once (``""`` for 0)."""

    def __init__(self, strings):
        super().__init__({0: ""})
        self.strings = strings

    def __missing__(self, h):
        value = self[h] = self.strings[h]
        return value


def _doc_toks(doc, has_lemma: bool, has_parse: bool) -> list[Tok]:
    """The non-space tokens of a Doc as Toks, read in one array (as many Token objects would give them)."""
    from spacy.attrs import DEP, ENT_TYPE, HEAD, IDX, IS_SPACE, LEMMA, MORPH, ORTH, POS
    from spacy.parts_of_speech import NAMES
    from spacy.tokens import MorphAnalysis

    vocab = doc.vocab
    cols = doc.to_array([ORTH, IDX, IS_SPACE, LEMMA, POS, DEP, HEAD, ENT_TYPE, MORPH]).T.tolist()
    orths, idxs, spaces, lemmas, poss, deps, heads, ents, morphs = cols
    name = _Strings(vocab.strings)
    remap, k = {}, 0
    for i, space in enumerate(spaces):
        if not space:
            remap[i] = k
            k += 1
    features: dict = {}
    toks: list[Tok] = []
    for i, space in enumerate(spaces):
        if space:
            continue
        morph = morphs[i]
        if morph not in features:
            m = MorphAnalysis.from_id(vocab, morph)
            features[morph] = (",".join(m.get("Tense")), ",".join(m.get("VerbForm")))
        text, idx, n, head = name[orths[i]], idxs[i], len(toks), heads[i]
        head = i + head - (1 << 64 if head >= 1 << 63 else 0)  # a relative offset, stored unsigned
        toks.append(Tok(n, idx, idx + len(text), text, name[lemmas[i]] if has_lemma else "", NAMES[poss[i]],
                        name[deps[i]] if has_parse else "", remap.get(head, n), *features[morph], name[ents[i]]))
    return toks


def analyse(doc, article, places) -> Analysis:
    """Build the shared Analysis of ``article`` from its spaCy Doc (any pipeline, or None)."""
    text = article.text or ""
    a = Analysis(text=text, lang=(article.lang or "fr")[:2], published=article.published, places=tuple(places))
    if doc is not None and getattr(doc, "text", None) == text:
        a.has_parse = doc.has_annotation("DEP")
        a.has_lemma = doc.has_annotation("LEMMA")
        a.vocab = doc.vocab
        a.toks = _doc_toks(doc, a.has_lemma, a.has_parse)
        if doc.has_annotation("ENT_IOB"):
            a.ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    else:
        for k, m in enumerate(_TOKEN_RE.finditer(text)):
            a.toks.append(Tok(k, m.start(), m.end(), m.group()))
    for p in a.places:
        for m in p.mentions:
            if 0 <= m.start < m.end <= len(text):
                a.place_mentions.append((m.start, m.end, p.id))
    a.place_mentions.sort()
    a.spans = find_quote_spans(text)
    if a.lang == "fr":
        a.spans = split_incises(text, a.spans)
    a.masked = mask(text, a.spans)
    a.sents = split_sentences(a.masked)
    keep = [keep_quote(a, q) or (k + 1 < len(a.spans) and a.spans[k + 1].resumes) for k, q in enumerate(a.spans)]
    for k, q in enumerate(a.spans):  # a quotation split around its reporting clause stays or goes whole
        if q.resumes and k > 0:
            keep[k] = keep[k - 1]
    kept = [q for q, ok in zip(a.spans, keep) if ok]
    if len(kept) != len(a.spans):  # labels in quotation marks are ordinary text
        a.spans = kept
        a.masked = mask(text, kept)
        a.sents = split_sentences(a.masked)
    return a
