"""Name folding shared by the gazetteer build and lookups."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "‐": "-", "‑": "-", "–": "-", "—": "-"})
_SEP = re.compile(r"[\s\-]+")


class CharTable(dict):
    """A ``str.translate`` table filled on first use of each character with ``fn(character)``."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def __missing__(self, code: int) -> str:
        value = self[code] = self.fn(chr(code))
        return value


def _decompose(c: str) -> str:
    """One character with apostrophes straightened, compatibility-decomposed, combining marks dropped."""
    return "".join(x for x in unicodedata.normalize("NFKD", c.translate(_APOSTROPHES)) if not unicodedata.combining(x))


_DECOMPOSED = CharTable(_decompose)


@lru_cache(maxsize=1 << 15)  # an article folds each word about twice (656 calls for 303 distinct words)
def fold(name: str) -> str:
    """Lower case, accents stripped, apostrophes straightened, hyphens and runs of spaces to one space.

    "États-Unis" and "Etats Unis" both fold to "etats unis"; "Komsomolsk-sur-l’Amour" to "komsomolsk sur l'amour".
    """
    # NFKD decomposes each character on its own and only reorders combining marks, which are dropped here: a table
    # of decomposed characters gives the same string as normalising the whole name, several times faster
    if name.isascii():
        s = name.replace("`", "'") if "`" in name else name
    else:
        s = name.translate(_DECOMPOSED)
        if not s.isascii():
            s = s.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("ß", "ss")
    s = s.lower()
    if "  " in s or not s.replace(" ", "").isalpha():  # else only letters and single spaces: nothing to collapse
        s = _SEP.sub(" ", s)
    s = s.strip(" .,'")
    if "'" in s:
        s = s.replace(" 's", "'s").replace("' ", "'")
    return s


def is_latin(name: str) -> bool:
    """True when every letter of ``name`` is Latin script (articles are French or English)."""
    for c in name:
        if c.isalpha() and not unicodedata.name(c, "").startswith("LATIN"):
            return False
    return True


_FR_ARTICLES = ("le ", "la ", "les ", "l'", "du ", "des ", "de la ", "de l'", "d'", "de ")
_EN_ARTICLES = ("the ",)


def strip_article(key: str) -> str:
    """Drop one leading determiner from a folded name ("la russie" -> "russie", "the hague" stays handled by aliases)."""
    for art in _FR_ARTICLES + _EN_ARTICLES:
        if key.startswith(art) and len(key) > len(art) + 1:
            return key[len(art):]
    return key


def _unaccent_char(c: str) -> str:
    base = unicodedata.normalize("NFKD", c)[:1] or c
    return base if len(base) == 1 and base.isascii() else c


_UNACCENTED = CharTable(_unaccent_char)


def unaccent(text: str) -> str:
    """Accents stripped, one character for one character (offsets stay valid): "Mosquée" -> "Mosquee"."""
    return text if text.isascii() else text.translate(_UNACCENTED)


_TRANSLIT_RULES = (("tch", "ch"), ("dj", "j"), ("ou", "u"), ("oo", "u"), ("kh", "k"), ("dh", "d"), ("gh", "g"),
                   ("th", "t"), ("ph", "f"), ("sch", "ch"), ("sh", "ch"), ("w", "v"), ("y", "i"), ("ck", "k"),
                   ("q", "k"), ("h", ""), ("'", ""), (" ", ""))


def spelling_key(key: str) -> str:
    """A coarse key under which transliteration variants meet: "tarhouna"/"tarhuna", "vostotchny"/"vostochny".

    Used only as a fallback for names that have no exact match, and marked as such.
    """
    s = key
    for a, b in _TRANSLIT_RULES:
        s = s.replace(a, b)
    out = []
    for c in s:
        if not out or out[-1] != c:
            out.append(c)
    s = "".join(out)
    return "~" + (s[:-1] if len(s) > 4 and s[-1] == "e" else s)
