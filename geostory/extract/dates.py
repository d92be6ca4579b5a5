"""Date expressions in French and English, resolved against the publication date.

``find_dates`` locates expressions (absolute dates, weekdays, "hier", "la veille", "en 2019", "il y a deux
jours", "last Tuesday", "two days ago", ...); ``resolve`` turns one into a ``DateValue`` keeping its precision
(day, month or year). Weekdays are the most recent such day up to and including the publication day, unless
the expression ("prochain", "next") or the tense of its clause (``future=True``) points forward. "La veille" /
"le lendemain" are relative to ``anchor``, the date the narrative is on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from geostory.extract.lexicon import MONTHS, NUMBER_WORDS, WEEKDAYS
from geostory.extract.patterns import anchored
from geostory.model import DateValue

_WD = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_MO = "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True))
_NUM = r"\d{1,3}|" + "|".join(k for k in NUMBER_WORDS if k not in ("a", "an"))
_YEAR = r"1[6-9]\d\d|20\d\d"

_PATTERNS: list[tuple[str, str]] = [
    ("iso", r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    ("numeric", r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})\b"),
    ("range", rf"\b(?:du\s+|from\s+)?(?P<d>\d{{1,2}})(?:er)?\s*(?:au|et|-|–|to|and)\s*\d{{1,2}}(?:er)?\s+(?P<m>{_MO})(?:\s+(?P<y>{_YEAR}))?\b"),
    ("dmy", rf"\b(?:(?P<wd>{_WD})\s+)?(?P<d>\d{{1,2}}|1er)(?:er|st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MO})(?:,?\s+(?P<y>{_YEAR}))?(?![\w.])"),
    ("mdy", rf"\b(?:(?P<wd>{_WD}),?\s+)?(?P<m>{_MO})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>{_YEAR}))?"),
    ("my", rf"\b(?:(?:en|in|au mois d[e'’]|début|fin|mi-|early|late|mid-)\s*)?(?P<m>{_MO})\s+(?P<y>{_YEAR})\b"),
    ("month", rf"\b(?P<pre>en|in|au mois d[e'’]|début|fin|mi-|early|late|mid-)\s*(?P<m>{_MO})(?![\w.])"),
    ("ago", rf"\b(?:il y a|voici)\s+(?P<n>{_NUM})\s+(?P<u>jours?|semaines?|mois|ans|années?)\b"),
    ("ago", rf"\b(?P<n>{_NUM}|a|an)\s+(?P<u>days?|weeks?|months?|years?)\s+ago\b"),
    ("in", rf"\b(?:dans|d['’]ici)\s+(?P<n>{_NUM})\s+(?P<u>jours?|semaines?|mois|ans|années?)\b"),
    ("in", rf"\bin\s+(?P<n>{_NUM}|a|an)\s+(?P<u>days?|weeks?|months?|years?)(?!\s+ago)\b"),
    ("pub", r"\b(?P<w>avant-hier|après-demain|aujourd['’]hui|hier|demain|ce matin|ce midi|cet après-midi|ce soir|"
            r"cette nuit|yesterday|today|tomorrow|tonight|last night|this (?:morning|afternoon|evening))\b"),
    ("anchor", r"\b(?P<w>l['’]avant-veille|la veille|le lendemain|le surlendemain|the day before|the previous day|"
               r"the next day|the following day|the day after)\b"),
    ("rel", r"\b(?P<w>le mois dernier|le mois prochain|le mois précédent|l['’]an dernier|l['’]année dernière|"
            r"l['’]an passé|l['’]année passée|l['’]an prochain|l['’]année prochaine|cette année|last month|"
            r"next month|last year|next year|this year)\b"),
    ("year", rf"\b(?:en|in|depuis|since|dès|de|from|avant|après|before|after|until|jusqu['’]en|by|année|"
             rf"year|l['’]an|été|hiver|printemps|automne|summer|winter|spring|autumn|fall)\s+(?P<y>{_YEAR})\b"),
    ("weekday", rf"\b(?:(?P<pre>ce|cette|this|last|next|on|le|la)\s+)?(?P<wd>{_WD})(?:\s+(?P<post>prochain|dernier|passé|soir|matin|après-midi|"
                rf"morning|afternoon|evening|night))?\b"),
]


_COMPILED = [(k, anchored(p, re.IGNORECASE)) for k, p in _PATTERNS]

_PUB = {"avant-hier": -2, "hier": -1, "aujourd'hui": 0, "demain": 1, "après-demain": 2, "ce matin": 0, "ce midi": 0,
        "cet après-midi": 0, "ce soir": 0, "cette nuit": 0, "yesterday": -1, "today": 0, "tomorrow": 1,
        "tonight": 0, "last night": -1, "this morning": 0, "this afternoon": 0, "this evening": 0}
_ANCHOR = {"l'avant-veille": -2, "la veille": -1, "le lendemain": 1, "le surlendemain": 2, "the day before": -1,
           "the previous day": -1, "the next day": 1, "the following day": 1, "the day after": 1}
_REL = {"le mois dernier": ("m", -1), "le mois précédent": ("m", -1), "le mois prochain": ("m", 1),
        "l'an dernier": ("y", -1), "l'année dernière": ("y", -1), "l'an passé": ("y", -1), "l'année passée": ("y", -1),
        "l'an prochain": ("y", 1), "l'année prochaine": ("y", 1), "cette année": ("y", 0), "last month": ("m", -1),
        "next month": ("m", 1), "last year": ("y", -1), "next year": ("y", 1), "this year": ("y", 0)}


@dataclass(frozen=True, slots=True)
class DateExpr:
    """A date expression found in a text (not yet resolved)."""

    start: int
    end: int
    text: str
    kind: str  # abs | month | year | weekday | pub | anchor | months | years
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    offset: int = 0
    mod: str | None = None  # next | last | this | until (an end bound) | None


def find_dates(text: str, lang: str = "fr") -> list[DateExpr]:
    """Date expressions of ``text`` in order, longest first where they overlap."""
    found: list[DateExpr] = []
    for kind, rx in _COMPILED:
        for m in rx.finditer(text):
            e = _build(kind, m)
            if e is not None:
                found.append(e)
    found.sort(key=lambda e: (e.start, -(e.end - e.start)))
    out: list[DateExpr] = []
    for e in found:
        if out and e.start < out[-1].end:
            continue
        if _BOUND_RE.search(text, max(0, e.start - 14), e.start):
            e = replace(e, mod="until")  # "jusqu'à lundi", "until Sunday": an end, not when something happens
        out.append(e)
    return out


_BOUND_RE = re.compile(r"(?:jusqu['’](?:à|au|en)|d['’]ici(?: à| au)?|until|till|through|by)\s+(?:le |la |the )?$", re.I)


def _num(s: str) -> int | None:
    s = s.lower()
    if s.isdigit():
        return int(s)
    return NUMBER_WORDS.get(s, 1 if s in ("a", "an") else None)


def _build(kind: str, m: re.Match) -> DateExpr | None:
    g = m.groupdict()
    s, e, t = m.start(), m.end(), m.group()
    mon = MONTHS.get(g["m"].lower()) if g.get("m") else None
    year = int(g["y"]) if g.get("y") else None
    if kind == "iso":
        mon, day = int(g["m"]), int(g["d"])
        return DateExpr(s, e, t, "abs", year, mon, day) if _valid(year, mon, day) else None
    if kind == "numeric":
        a, b = int(g["a"]), int(g["b"])
        day, mon = (a, b)
        return DateExpr(s, e, t, "abs", year, mon, day) if _valid(year, mon, day) else None
    if kind in ("range", "dmy", "mdy"):
        if g["m"].lower() == "may" and not g["m"][:1].isupper():
            return None
        day = 1 if g["d"].lower() == "1er" else int(g["d"])
        if not 1 <= day <= 31:
            return None
        return DateExpr(s, e, t, "abs", year, mon, day)
    if kind == "my":
        return DateExpr(s, e, t, "month", year, mon)
    if kind == "month":
        if g["m"].lower() == "may" and not g["m"][:1].isupper():
            return None
        return DateExpr(s, e, t, "month", None, mon)
    if kind in ("ago", "in"):
        n = _num(g["n"])
        if n is None:
            return None
        u = g["u"].lower()
        sign = -1 if kind == "ago" else 1
        if u.startswith(("jour", "day")):
            return DateExpr(s, e, t, "pub", offset=sign * n)
        if u.startswith(("semaine", "week")):
            return DateExpr(s, e, t, "pub", offset=sign * 7 * n)
        if u.startswith(("mois", "month")):
            return DateExpr(s, e, t, "months", offset=sign * n)
        return DateExpr(s, e, t, "years", offset=sign * n)
    w = (g.get("w") or "").lower().replace("’", "'")
    if kind == "pub":
        return DateExpr(s, e, t, "pub", offset=_PUB[w])
    if kind == "anchor":
        return DateExpr(s, e, t, "anchor", offset=_ANCHOR[w])
    if kind == "rel":
        unit, off = _REL[w]
        return DateExpr(s, e, t, "months" if unit == "m" else "years", offset=off)
    if kind == "year":
        return DateExpr(s, e, t, "year", year)
    if kind == "weekday":
        pre, post = (g.get("pre") or "").lower(), (g.get("post") or "").lower()
        mod = "next" if pre == "next" or post == "prochain" else "last" if pre == "last" or post in ("dernier", "passé") \
            else "this" if pre in ("ce", "cette", "this") else None
        if pre in ("on", "le", "la") and mod is None:
            s, t = m.start("wd"), t[m.start("wd") - m.start():]
        return DateExpr(s, e, t, "weekday", weekday=WEEKDAYS[g["wd"].lower()], mod=mod)
    return None


def _valid(y, m, d) -> bool:
    try:
        dt.date(y or 2000, m, d)
        return True
    except ValueError:
        return False


def parse_published(published: str | None) -> tuple[dt.date | None, int | None, int | None]:
    """(day, year, month) known from an ISO publication date "YYYY-MM-DD", "YYYY-MM" or "YYYY"."""
    if not published:
        return None, None, None
    m = re.match(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", published)
    if not m:
        return None, None, None
    y, mo, d = int(m.group(1)), int(m.group(2)) if m.group(2) else None, int(m.group(3)) if m.group(3) else None
    day = None
    if mo and d and _valid(y, mo, d):
        day = dt.date(y, mo, d)
    return day, y, mo


def resolve(expr: DateExpr, published: str | None, anchor: str | None = None, future: bool = False) -> DateValue | None:
    """The date ``expr`` denotes, with its precision, or None when it cannot be known."""
    pub, py, pm = parse_published(published)
    mk = _maker(expr)
    if expr.kind == "abs":
        y = expr.year
        if y is None:
            if py is None:
                return None
            y = py
            if pub is not None:
                cand = dt.date(y, expr.month, min(expr.day, 28 if expr.month == 2 else expr.day))
                if not future and cand > pub + dt.timedelta(days=14):
                    y -= 1
                elif future and cand < pub - dt.timedelta(days=14):
                    y += 1
        if not _valid(y, expr.month, expr.day):
            return None
        return mk(dt.date(y, expr.month, expr.day).isoformat(), "day")
    if expr.kind == "month":
        y = expr.year
        if y is None:
            if py is None:
                return None
            y = py
            if pm and not future and expr.month > pm:
                y -= 1
            elif pm and future and expr.month < pm:
                y += 1
        return mk(f"{y:04d}-{expr.month:02d}", "month")
    if expr.kind == "year":
        return mk(f"{expr.year:04d}", "year")
    if expr.kind == "years":
        return mk(f"{py + expr.offset:04d}", "year") if py else None
    if expr.kind == "months":
        if not (py and pm):
            return None
        k = py * 12 + pm - 1 + expr.offset
        return mk(f"{k // 12:04d}-{k % 12 + 1:02d}", "month")
    if expr.kind == "pub":
        return mk((pub + dt.timedelta(days=expr.offset)).isoformat(), "day") if pub else None
    if expr.kind == "anchor":
        base = _to_date(anchor) or pub
        return mk((base + dt.timedelta(days=expr.offset)).isoformat(), "day") if base else None
    if expr.kind == "weekday":
        if pub is None:
            return None
        delta = (pub.weekday() - expr.weekday) % 7  # days back to the most recent such weekday
        if expr.mod == "next" or (future and expr.mod != "last"):
            ahead = (expr.weekday - pub.weekday()) % 7
            if expr.mod == "next" and ahead == 0:
                ahead = 7
            return mk((pub + dt.timedelta(days=ahead)).isoformat(), "day")
        if expr.mod == "last" and delta == 0:
            delta = 7
        return mk((pub - dt.timedelta(days=delta)).isoformat(), "day")
    return None


def _maker(expr: DateExpr):
    return lambda value, precision: DateValue(value, precision, expr.text, expr.start, expr.end)


def _to_date(value: str | None) -> dt.date | None:
    if value and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def resolve_text(text: str, published: str | None, lang: str = "fr", anchor: str | None = None,
                 future: bool = False) -> DateValue | None:
    """The first date expression of ``text``, resolved (a convenience for callers and tests)."""
    found = find_dates(text, lang)
    return resolve(found[0], published, anchor, future) if found else None
