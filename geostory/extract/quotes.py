"""Direct quotations: finding them (« », “ ”, " ", ‹ ›, nested, multi-paragraph) and who said them.

Attribution works on an ``analysis.Analysis`` of the article (tokens, masked text, sentences, place mentions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geostory.extract.lexicon import ARTICLES, DOCUMENT_NOUNS, fold, is_reporting
from geostory.extract.patterns import anchored

if TYPE_CHECKING:
    from geostory.extract.analysis import Analysis, Tok

PAIRS = {"«": "»", "“": "”", "„": "“", "‹": "›", '"': '"'}
_SOURCE_RE = re.compile(r"\b(?:selon|d['’]après|according to|pour reprendre les (?:termes|mots|propos) d[eu]s?|"
                        r"selon les (?:termes|mots|propos) d[eu]s?|de l['’]avis d[eu]s?|aux yeux d[eu]s?|citant|"
                        r"in the words of|as quoted by|citing|quoting|aux dires d[eu]s?|pour)\s+", re.I)
_SPEECH_NOUN_RE = re.compile(r"\b(?:propos|termes|mots|paroles|qualifi\w+|tweet|message|words|called|calling|"
                             r"described|dubbed|traitant|traité)\b", re.I)


@dataclass(frozen=True, slots=True)
class QSpan:
    """A quotation: marks at ``open``/``close``, content ``start:end`` (stripped)."""

    open: int
    start: int
    end: int
    close: int  # index just after the closing mark (== end when unterminated)
    resumes: bool = False  # the rest of a quotation after a reporting clause inside its marks


def find_quote_spans(text: str) -> list[QSpan]:
    """Quotations in reading order; nested marks stay inside the outer quote."""
    out: list[QSpan] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        closer = None
        if c in "«“„‹":
            closer = PAIRS[c]
        elif c == '"' and i + 1 < n and not text[i + 1].isspace() and (i == 0 or not text[i - 1].isalnum()):
            closer = '"'
        elif c == "»" and i + 1 < n and text[i + 1].isalpha() and (i == 0 or not text[i - 1].isspace()):
            closer = "»"  # a stray closing guillemet glued to the next word opens a quote ("parlé.»Nous ...»")
        if closer is None:
            i += 1
            continue
        j = _find_close(text, i, c, closer)
        body_s, body_e = i + 1, j if j < n and text[j] == closer else j
        while body_s < body_e and text[body_s].isspace():
            body_s += 1
        while body_e > body_s and text[body_e - 1] in " \t\n\u00a0\u202f,":
            body_e -= 1
        close = j + 1 if j < n and text[j] == closer else j
        if body_e > body_s and any(ch.isalpha() for ch in text[body_s:body_e]):
            out.append(QSpan(i, body_s, body_e, close))
        i = max(close, i + 1)
    return out


_INCISE_RE = re.compile(r",\s+(?:a\s+|avait\s+)?(?P<verb>[^\W\d_]+)(?P<clitic>-t-(?:il|elle|on)|-(?:il|elle|ils|elles|on))?"
                        r"(?=[\s,.])")


_INCISE_SUBJECT = re.compile(r"\s+(?:(?:le|la|les|l['’]|un|une|son|sa|ses|leur|M\.|Mme|Me|Dr)\b|l['’]|[A-ZÀ-Ý])")


def split_incises(text: str, spans: list[QSpan]) -> list[QSpan]:
    """French reporting clauses inside the marks ("« Nous sommes prêts, assure le maire. Mais ... »") are taken
    out of the quotation, which is split around them."""
    out = []
    for q in spans:
        m = next((m for m in _INCISE_RE.finditer(text, q.start, q.end) if text[q.open] in "«“"
                  and is_reporting(m.group("verb"), "", "fr") and len(text[q.start:m.start()].split()) >= 2
                  and (m.group("clitic") or _INCISE_SUBJECT.match(text, m.end()))), None)
        if m is None:
            out.append(q)
            continue
        stop = re.compile(r",|[.!?;…]" if m.group("clitic") else r"[.!?;…](?=\s)|;").search(text, m.end(), q.end)
        end = stop.end() if stop else q.end
        out.append(QSpan(q.open, q.start, m.start(), m.start()))
        rest = end
        while rest < q.end and text[rest].isspace():
            rest += 1
        if rest < q.end and any(c.isalpha() for c in text[rest:q.end]):
            out.append(QSpan(rest, rest, q.end, q.close, True))
    return out


def _find_close(text: str, i: int, opener: str, closer: str) -> int:
    """Index of the mark closing the quote opened at ``i`` (or the paragraph end when there is none)."""
    depth, k, n = 0, i + 1, len(text)
    while k < n:
        ch = text[k]
        if ch == "\n":
            rest = text[k:].lstrip()
            if rest[:1] == opener and opener != closer:  # the next paragraph continues the quote
                k = n - len(rest) + 1
                continue
            return k
        if ch == closer and (closer != '"' or k + 1 >= n or not text[k + 1].isalnum()):
            if depth == 0:
                return k
            depth -= 1
        elif ch == opener and opener != closer:
            depth += 1
        k += 1
    return n


def mask(text: str, spans: list[QSpan]) -> str:
    """The text with each quotation's content replaced by spaces (marks kept, same length)."""
    chars = list(text)
    for q in spans:
        for k in range(q.start, q.end):
            if chars[k] != "\n":
                chars[k] = " "
        nxt = text[q.close:q.close + 2]
        if text[q.end - 1:q.end] in ".!?…" and nxt[:1].isspace() and nxt[1:2].isupper():
            chars[q.end - 1] = "."  # "... behind.” Officials said": the sentence ends with the quotation
    return "".join(chars)


_SENTENCE_END = anchored(r"(?<![A-Z])(?<!\bM)(?<!\bMr)(?<!\bMrs)(?<!\bDr)(?<!\bSt)[.!?…]+\s*[»”\"]?(?=\s+\S)|\n+")


def split_sentences(masked: str) -> list[tuple[int, int]]:
    """Sentence spans of the masked text: breaks after . ! ? … (not after initials or titles) and at newlines."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(masked):
        end = m.end()
        if masked[start:end].strip():
            out.append((start, end))
        start = end
    if masked[start:].strip():
        out.append((start, len(masked)))
    return out


def keep_quote(a: Analysis, q: QSpan) -> bool:
    """Drop short quotations that are labels or titles, not speech (“red” alert, « Le Monde »)."""
    words = re.findall(r"\w+", a.text[q.start:q.end])
    if len(words) >= 4:
        return True
    s, e = a.sent_of(q.start)
    line_s = a.text.rfind("\n", 0, q.open) + 1
    line_e = a.text.find("\n", q.close)
    if not a.masked[line_s:q.open].strip() and not a.masked[q.close:line_e if line_e >= 0 else None].strip(" .\t"):
        return True  # a quotation standing alone on its line (a heading quoting someone)
    ctx = a.masked[s:e]
    if _SOURCE_RE.search(ctx) or _SPEECH_NOUN_RE.search(ctx):
        return True
    return any(a.reporting(t) for t in a.toks_in(s, e) if not a.quoted(t.start))


# ---------------------------------------------------------------------------------------------------------
# attribution


def attribute(a: Analysis, q: QSpan, mentions, prev_speaker):
    """(speaker mention, reporting lemma, verb token) for ``q``; ``mentions`` are people.Mention objects, sorted."""
    s, e = a.sent_of(q.start)
    s = min(s, q.open)
    outside = [t for t in a.toks_in(s, e) if not a.quoted(t.start) and t.text not in PAIRS and t.text not in "»”›"]
    before = [t for t in outside if t.end <= q.open]
    e = max(e, a.sent_of(max(q.close - 1, q.start))[1])  # a quotation running over paragraphs
    after = [t for t in a.toks_in(q.close, e) if not a.quoted(t.start) and t.text not in PAIRS and t.text not in "»”›"]
    # 1. a reporting verb before the quote, in the same sentence
    for t in reversed(before):
        lem = a.reporting(t)
        if lem:
            spk = subject_of(a, t, mentions, before)
            if spk is not None:
                return spk, lem, t
            break
    # 2. "selon X", "d'après X", "according to X", "pour reprendre les termes de X"
    for m in _SOURCE_RE.finditer(a.masked, s, e):
        if m.group().strip().lower() == "pour" and (m.start() > q.open or not (
                a.masked[m.end():q.open].rstrip().endswith(",") or not a.masked[s:m.start()].strip())):
            continue  # "Pour X, « ... »", "Pour l'économiste X, la banque « ... »"
        spk = next((x for x in mentions if m.end() <= x.start <= m.end() + 3), None) or _named_source(a, m.end())
        if spk is not None:
            return spk, None, None
    # 3. a reporting clause right after the quote (", a indiqué X", "X said", "he added"), then anywhere after
    for k, t in enumerate(after):
        lem = a.reporting(t)
        if not lem:
            continue
        between = [x for x in mentions if q.close <= x.start and x.end <= t.start] or _noun_phrase(a, q.close, t.start)
        if between and not a.masked[q.close:between[0].start].strip(" ,;—–-\u00a0") and t.start - between[0].end <= 60:
            return between[0], lem, t
        inv = _inverted_subject(a, t, mentions, e)
        if inv is not None:
            return inv, lem, t
    return prev_speaker, None, None


_PREPS = {"à", "au", "aux", "de", "du", "des", "d'", "d’", "par", "pour", "sur", "avec", "dans", "en", "contre",
          "to", "at", "by", "for", "of", "in", "on", "with", "from", "about", "after", "après", "avant", "chez"}


def _after_prep(a: Analysis, m) -> bool:
    k = a.tok_at(m.start)
    j = k - 1
    while j >= 0 and a.toks[j].low in ARTICLES[a.lang == "en"]:
        j -= 1
    return j >= 0 and a.toks[j].low in _PREPS and a.toks[j].end >= m.start - 3 - (k - j) * 4


def _inverted_subject(a: Analysis, verb: Tok, mentions, limit: int):
    """The subject placed after the verb: "a-t-elle raconté", "a indiqué jeudi le porte-parole", "said Smith"."""
    for m in mentions:  # clitic right before the verb: "a-t-elle raconté"
        if m.kind == "pronoun" and verb.start - 12 <= m.start < verb.start and m.text.startswith("-") \
                and not a.masked[m.end:verb.start].strip():
            return m
    for m in mentions:
        if m.start >= verb.end and m.start < limit:
            if m.kind == "pronoun" and m.start > verb.end + 8:
                return None
            if a.masked[verb.end:m.start].count(",") > 1 or re.search(r"[«“\"]|\bque\b|\bthat\b", a.masked[verb.end:m.start]):
                return None
            if _after_prep(a, m) or re.match(r"\s*['’]s?\b", a.text[m.end:m.end + 3]):
                continue  # "à la presse", "the ministry's spokesman"
            return m
    np = _noun_phrase(a, verb.end, limit)
    if np and not a.masked[verb.end:np[0].start].strip():
        return np[0]
    for m in mentions:  # clitic before the verb: "a-t-elle raconté"
        if m.kind == "pronoun" and verb.start - 12 <= m.start < verb.start and m.text.startswith("-"):
            return m
    return None


_NP_DETS = {"un", "une", "le", "la", "l'", "l’", "les", "des", "the", "a", "an"}


def _noun_phrase(a: Analysis, start: int, end: int) -> list:
    """An unnamed speaker right at ``start`` ("un ouvrier", "a worker") as a one-element mention list."""
    from geostory.extract.mentions import Mention
    toks = [t for t in a.toks_in(start, min(end, start + 60)) if t.text not in ",;"]
    if len(toks) < 2 or toks[0].low not in _NP_DETS or not toks[1].text[:1].islower() or not toks[1].text.isalpha():
        return []
    if a.reporting(toks[1]) or toks[1].pos in ("VERB", "AUX", "ADV", "ADP"):
        return []
    k = 2
    while k < len(toks) and k < 4 and toks[k].text[:1].islower() and toks[k].pos in ("ADJ",) and not a.reporting(toks[k]):
        k += 1
    s, e = toks[0].start, toks[k - 1].end
    return [Mention(s, e, a.text[s:e], "role", role=toks[1].low, definite=toks[0].low not in {"un", "une", "a", "an", "des"})]


def subject_of(a: Analysis, verb: Tok, mentions, before: list):
    """The speaker of a reporting verb standing before a quote."""
    if a.has_parse:
        near = a.toks[max(0, verb.i - 40):verb.i + 40]
        subj = [t for t in near if t.head == verb.i and t.dep.startswith("nsubj") and t.i != verb.i]
        for t in subj:
            if t.low in {"qui", "who", "that"}:
                continue
            sub = {t.i} | {x.i for x in near if x.head == t.i} | {x.i for x in near if a.toks[x.head].head == t.i}
            m = next((x for x in mentions if x.start <= t.start < x.end), None) or next(
                (x for x in mentions if any(x.start <= a.toks[k].start < x.end for k in sorted(sub))), None)
            if m is not None:
                return m
            det = next((x for x in near if x.head == t.i and x.dep == "det" and x.i < t.i), None)
            if t.pos == "NOUN" and det is not None and not a.quoted(t.start):
                np = _noun_phrase(a, det.start, verb.start)  # "Un usager rencontré à la gare s'est dit « ... »"
                if np and np[0].role == t.low:
                    return np[0]
    subjectless = verb.verbform in ("Inf", "Ger") or (verb.verbform == "Part" and verb.tense == "Pres") or \
        verb.low.endswith(("ant", "ing")) or _bare_coordinated(a, verb)
    if subjectless:
        for t in reversed([x for x in before if x.end <= verb.start]):
            if t is not verb and a.reporting(t) and t.start < verb.start:
                return subject_of(a, t, mentions, [x for x in before if x.end <= t.start])
    if a.has_parse and verb.dep == "conj" and verb.head != verb.i and a.toks[verb.head].start < verb.start:
        return subject_of(a, a.toks[verb.head], mentions, before)
    if not subjectless:
        appo = _apposed_subject(a, verb, mentions)
        if appo is not None:
            return appo
        cands = [m for m in mentions if m.end <= verb.start and verb.start - m.end <= 45]
        for m in reversed(cands):
            gap = a.masked[m.end:verb.start]
            if re.search(r"[;«»“”\"]|\bque\b|\bqu['’]|\bthat\b|\bqui\b", gap, re.I) or _after_prep(a, m):
                continue
            if m.kind == "doc" and m.text.lower().startswith(("dans", "in")):
                continue
            return m
        inv = _inverted_subject(a, verb, mentions, a.sent_of(verb.start)[1])
        if inv is not None and not any(q.open >= verb.end and q.open < inv.start for q in a.spans):
            return inv
    # subjectless (participle, infinitive, "et déclaré"): the subject of an earlier reporting verb of the sentence
    for t in reversed([x for x in before if x.end <= verb.start]):
        if t is not verb and a.reporting(t) and t.start < verb.start:
            return subject_of(a, t, mentions, [x for x in before if x.end <= t.start])
    s, _ = a.sent_of(verb.start)
    first = [m for m in mentions if s <= m.start < verb.start and m.kind not in ("pronoun",) and not _after_prep(a, m)]
    return first[0] if first else None


_APPOSITION = re.compile(r"\s*,[^,;:«»“”\"]{1,90},\s*$")


def _apposed_subject(a: Analysis, verb: Tok, mentions):
    """"Carter, the last Australian in the draw, said", "Pedersen, lui, a estimé": the name before an apposition."""
    s, _ = a.sent_of(verb.start)
    for m in mentions:
        if s <= m.start < verb.start and m.kind in ("person", "role", "org") and not _after_prep(a, m) \
                and _APPOSITION.match(a.masked[m.end:verb.start]) and not a.masked[s:m.start].strip(" \n"):
            return m
    return None


_SOURCE_NAME = re.compile(r"(?:(?:l['’]|la |le |les |the )?)([A-ZÀ-Ý][\w’'-]*(?:\s+(?:de |du |des |d['’]|of |for )?"
                          r"[A-ZÀ-Ý][\w’'-]*)*)")


def _named_source(a: Analysis, pos: int):
    """"selon Météo-France", "according to Human Rights Watch": a capitalised name that is no known mention."""
    from geostory.extract.mentions import Mention
    m = _SOURCE_NAME.match(a.text, pos)
    if m is None or a.quoted(pos):
        return (_noun_phrase(a, pos, pos + 60) or [None])[0]
    return Mention(m.start(), m.end(), a.text[m.start():m.end()], "org", role=fold(m.group(1)))


def _bare_coordinated(a: Analysis, verb: Tok) -> bool:
    """"... et déclaré que", "..., and said": a participle sharing the subject of an earlier verb."""
    prev = a.toks[verb.i - 1] if verb.i > 0 else None
    return prev is not None and prev.low in {"et", "and", "puis", "then"}


def is_document(m) -> bool:
    """True for mentions such as "un communiqué", "a statement" (the words of an unnamed institution)."""
    words = fold(m.text).split()
    return m.kind == "doc" and bool(words) and words[-1] in {fold(w) for w in DOCUMENT_NOUNS} and len(words) <= 2
