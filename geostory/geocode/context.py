"""What the rest of the story says about a mention: focus countries, containers ("Paris, Texas"), areas and points
of the other places, and the coordinated lists a mention belongs to ("Georgia, Oklahoma and California")."""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from geostory.extract.places import Match
from geostory.gazetteer.index import ALT, MAIN, Entry, Gazetteer

__all__ = ["AnchorPoints", "anchors", "area_support", "containers", "coordinated_lists", "count_areas",
           "country_evidence", "feature_class", "others"]

_CONTAINER = re.compile(r"^\s*(?:,|\()\s*([^\W\d_][^,;.()\n]{1,40}?)\s*(?:\)|,|\.|;|$)")
# what may stand between two items of a list: a comma, "and", "or" (French "et", "ou"), a slash
_LIST_LINK = re.compile(r"^(?:\s*,\s*(?:(?:and|or|et|ou)\s+)?|\s+(?:and|or|et|ou|&)\s+|\s*/\s*)$", re.IGNORECASE)


def country_evidence(matches: list[Match]) -> tuple[dict[str, Counter], dict[str, set[str]]]:
    """Per mention key: focus votes (countries named, implied by demonyms or by unambiguous places) and the
    countries named outright. A mention never votes for itself: "Mexico" must not pull "Mexico City" by naming MX."""
    votes: dict[str, Counter] = {}
    named: dict[str, set[str]] = {}
    for m in matches:
        countries_named = {e.country for e in m.entries if e.kind == "country" and e.country}
        countries = countries_named or {e.country for e in m.entries if e.country}
        if len(countries) == 1:
            votes.setdefault(m.key, Counter())[next(iter(countries))] += 2 if countries_named else 1
        if len(countries_named) == 1:
            named.setdefault(m.key, set()).update(countries_named)
    return votes, named


def feature_class(entry: Entry) -> str:
    """A coarse level of a feature, for comparing list items: country, adm1, adm2, city or the entry's kind."""
    if entry.kind == "country":
        return "country"
    if entry.kind == "region" and entry.feature.upper() in ("ADM1", "ADM2"):
        return entry.feature.lower()
    return entry.kind


def containers(text: str, match: Match, gaz: Gazetteer) -> list[Entry]:
    """Entries named right after a mention as its container: "Paris, Texas", "Vienne (Isère)".

    After a comma, not when the mention itself can be a place of the same level under its main name: "China,
    Japan" and "Oklahoma, Pennsylvania" are lists, not containment."""
    m = _CONTAINER.match(text[match.end: match.end + 60])
    if not m:
        return []
    found = [e for e in gaz.lookup(m.group(1)) if e.kind in ("country", "region")]
    if m.group(0).lstrip().startswith("("):
        return found  # parentheses always give the container: "Vienne (Isère)"
    levels = {feature_class(e) for e in match.entries
              if (e.flags & MAIN or not e.flags & ALT) and e.kind in ("country", "region")}
    return [e for e in found if feature_class(e) not in levels]


def coordinated_lists(text: str, matches: list[Match]) -> list[list[int]]:
    """Indexes (into ``matches``) of the lists of places the text coordinates: "Arizona, California and Colorado".

    Items are joined by a comma, "and"/"or"/"et"/"ou" or a slash; a list needs three items, or two joined by a
    word (two joined by a comma may be containment: "Paris, Texas")."""
    order = sorted(range(len(matches)), key=lambda i: matches[i].start)
    out: list[list[int]] = []
    run: list[int] = []
    worded = False
    for i in order:
        if run and _LIST_LINK.match(text[matches[run[-1]].end: matches[i].start]):
            worded = worded or bool(text[matches[run[-1]].end: matches[i].start].strip(" ,/"))
            run.append(i)
            continue
        if len(run) >= 3 or (len(run) == 2 and worded):
            out.append(run)
        run, worded = [i], False
    if len(run) >= 3 or (len(run) == 2 and worded):
        out.append(run)
    return out


def area_support(matches: list[Match]) -> dict[str, set[str]]:
    """Second-level area id -> mention keys having a candidate in it (or being it)."""
    out: dict[str, set[str]] = {}
    for m in matches:
        for e in m.entries:
            if e.admin2:
                out.setdefault(e.admin2, set()).add(m.key)
            if e.feature == "ADM2":
                out.setdefault(e.id, set()).add(m.key)
    return out


def anchors(matches: list[Match]) -> list[tuple[Match, Entry]]:
    """Unambiguous non-country mentions: the points other places should be near."""
    out = []
    for m in matches:
        geo = [e for e in m.entries if e.kind != "country"]
        if len(geo) == 1 and len(m.entries) == 1:
            out.append((m, geo[0]))
    return out


def others(keys, key: str) -> bool:
    """True when ``keys`` (a set or Counter of mention keys) holds a key other than ``key``."""
    return bool(keys) and (len(keys) > 1 or key not in keys)


def count_areas(top_areas: dict[str, Counter], scored: list, key: str, step: int) -> None:
    """Add (or remove) ``key`` under the first- and second-level areas of the pick ``scored[0]``."""
    if not scored or scored[0] is None:
        return
    for area in (scored[0].entry.admin1, scored[0].entry.admin2):
        if area:
            keys = top_areas.setdefault(area, Counter())
            keys[key] += step
            if keys[key] <= 0:
                del keys[key]


class AnchorPoints:
    """The anchors as arrays: the nearest one to a candidate in one vectorised pass (no Python loop per pair)."""

    def __init__(self, anchors: list[tuple[Match, Entry]]):
        self.keys = np.array([m.key for m, _ in anchors], dtype=object)
        self.ids = np.array([a.id for _, a in anchors], dtype=object)
        self.lat = np.array([a.lat for _, a in anchors], dtype=float)
        self.lon = np.array([a.lon for _, a in anchors], dtype=float)

    def nearest_km(self, entry: Entry, match: Match) -> float | None:
        """Great-circle distance to the nearest anchor of another name and entry (None when there is none)."""
        if not len(self.keys):
            return None
        keep = (self.keys != match.key) & (self.ids != entry.id)
        if not keep.any():
            return None
        p1, p2 = math.radians(entry.lat), np.radians(self.lat[keep])
        h = np.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(np.radians(self.lon[keep] - entry.lon) / 2) ** 2
        return float(2 * 6371.0 * np.arcsin(np.sqrt(min(1.0, float(h.min())))))
