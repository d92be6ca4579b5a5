"""The offline gazetteer behind geopy's ``Geocoder`` interface, so offline and online providers are interchangeable.

``OfflineGeocoder().geocode("Valence, Drôme")`` answers like ``Nominatim(...).geocode(...)`` does: a
``geopy.location.Location`` (or a list of them, or ``None``), whose ``raw`` is the gazetteer entry as a dict.
It never touches the network. Without the story around a name it ranks candidates the way a search engine would
(countries and capitals first, then population), honours containers written after the name ("Paris, Texas",
"Vienne (Isère)"), structured queries (``{"city": ..., "country": ...}``) and ``country_codes``.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderQueryError, GeocoderUnavailable
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from geostory.errors import GazetteerError
from geostory.gazetteer.index import ALT, DEMONYM, MAIN, Entry, Gazetteer, get_gazetteer
from geostory.gazetteer.text import fold, strip_article

__all__ = ["OfflineGeocoder"]

# structured-query keys, most specific first (Nominatim's names)
_STRUCTURED = ("amenity", "street", "city", "county", "state", "country")
_PARTS = re.compile(r"\s*[,;()]\s*")
_KIND_PRIOR = {"country": 6.0, "region": -1.0, "city": 0.0, "landmark": 2.0, "water": 1.5, "other": 0.5}


class _NoNetworkAdapter(BaseSyncAdapter):
    """The adapter of a geocoder that must never open a connection."""

    def get_json(self, url, *, timeout, headers):  # pragma: no cover - never called
        raise GeocoderUnavailable("the offline geocoder does not use the network")

    def get_text(self, url, *, timeout, headers):  # pragma: no cover - never called
        raise GeocoderUnavailable("the offline geocoder does not use the network")


class OfflineGeocoder(Geocoder):
    """geopy geocoder over geostory's embedded gazetteer (``geostory.gazetteer.index.Gazetteer``).

    :param gazetteer: a ``Gazetteer``; by default the shared one (built on first use).
    :param index_path: path of a compiled gazetteer index, instead of ``gazetteer``.
    The network keyword arguments of geopy geocoders (``timeout``, ``proxies``, ``user_agent``, ``ssl_context``,
    ``scheme``, ``adapter_factory``) are accepted and ignored, so code written for any geopy geocoder runs unchanged.
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, index_path: str | Path | None = None,
                 scheme=None, timeout=DEFAULT_SENTINEL, proxies=DEFAULT_SENTINEL, user_agent=None,
                 ssl_context=DEFAULT_SENTINEL, adapter_factory=None):
        super().__init__(scheme=scheme, timeout=timeout, proxies=proxies, user_agent=user_agent,
                         ssl_context=ssl_context, adapter_factory=_NoNetworkAdapter)
        self._gazetteer = gazetteer
        self._index_path = str(index_path) if index_path else None

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer searched (opened on first use)."""
        if self._gazetteer is None:
            try:
                self._gazetteer = Gazetteer(self._index_path) if self._index_path else get_gazetteer()
            except GazetteerError as exc:
                raise GeocoderUnavailable(f"offline gazetteer unavailable: {exc}") from exc
        return self._gazetteer

    def geocode(self, query: str | Mapping[str, str], *, exactly_one: bool = True, timeout=DEFAULT_SENTINEL,
                limit: int | None = None, country_codes: str | Iterable[str] | None = None,
                language: str | None = None):
        """Locate a place name: ``Location`` (or a list when ``exactly_one=False``), ``None`` when nothing matches.

        :param query: "Name", "Name, Container, ..." or a structured dict (keys as Nominatim's: city, county,
            state, country, street, amenity).
        :param country_codes: ISO 3166-1 alpha-2 code(s) the answer must lie in.
        :param language: language of the country names in ``Location.address`` (e.g. "fr"); the place's own name
            is the gazetteer's.
        :param timeout: accepted for compatibility, unused (no network).
        """
        name, containers = _split_query(query)
        if not name:
            return None
        countries = _country_set(country_codes)
        try:
            entries = self._rank(name, containers, countries)
            if not entries:
                return None
            if exactly_one:
                return self._location(entries[0], language)
            if limit is not None:
                entries = entries[: max(1, int(limit))]
            return [self._location(e, language) for e in entries]
        except GazetteerError as exc:
            raise GeocoderUnavailable(f"offline gazetteer unavailable: {exc}") from exc

    def reverse(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL, language=None):
        """Not supported: the offline gazetteer is searched by name only."""
        raise NotImplementedError(
            "OfflineGeocoder cannot reverse-geocode: the offline gazetteer is searched by name only; "
            "use an online provider (e.g. geostory.geocode.online.build_geocoder(...) with 'nominatim') for reverse")

    def _rank(self, name: str, containers: list[str], countries: set[str] | None) -> list[Entry]:
        gaz = self.gazetteer
        key = fold(name)
        entries = [e for e in gaz.lookup_keys([key]).get(key, []) if e.flags & ~DEMONYM]
        if not entries and strip_article(key) != key:  # "la Rochelle" is tried whole first, "the Hague" too
            key = strip_article(key)
            entries = [e for e in gaz.lookup_keys([key]).get(key, []) if e.flags & ~DEMONYM]
        cands = [e for e in {e.id: e for e in entries}.values() if countries is None or e.country in countries]
        for container in containers:
            inside = [c for c in gaz.lookup(container) if c.kind in ("country", "region")]
            fits = [e for e in cands if any(_contains(c, e) for c in inside)]
            if fits:  # a container that fits some candidates filters the others out
                cands = fits
        return sorted(cands, key=lambda e: (-_score(e, key), e.id))

    def _location(self, entry: Entry, language: str | None) -> Location:
        parts = [entry.name]
        for ref in (entry.admin2, entry.admin1):
            area = self.gazetteer.get(ref) if ref else None
            if area is not None and area.name not in parts:
                parts.append(area.name)
        if entry.kind != "country" and entry.country:
            parts.append(_country_name(entry.country, language))
        return Location(", ".join(parts), (entry.lat, entry.lon), dataclasses.asdict(entry))


def _split_query(query) -> tuple[str, list[str]]:
    """(name, containers) from "Name, Container (Other)" or a structured dict."""
    if isinstance(query, Mapping):
        values = [str(query[k]).strip() for k in _STRUCTURED if query.get(k) and str(query[k]).strip()]
        return (values[0], values[1:]) if values else ("", [])
    if not isinstance(query, str):
        raise GeocoderQueryError(f"query must be a string or a dict of address parts, not {type(query).__name__}")
    parts = [p for p in _PARTS.split(query.strip()) if p]
    return (parts[0], parts[1:]) if parts else ("", [])


def _country_set(codes) -> set[str] | None:
    if not codes:
        return None
    if isinstance(codes, str):
        codes = codes.split(",")
    out = {str(c).strip().upper() for c in codes if str(c).strip()}
    return out or None


def _score(e: Entry, key: str) -> float:
    """A context-free prior: kind of feature, capital, main name, population."""
    score = _KIND_PRIOR.get(e.kind, 0.0) + math.log10(e.population + 1)
    if e.curated:
        score += 4.0
    if e.feature == "PPLC":
        score += 3.0
    if e.feature == "ADM1":
        score += 1.0
    if e.flags & MAIN:
        score += 1.0
    elif e.flags & ALT and e.kind == "city":
        score -= 1.0
    if fold(e.name) == key:
        score += 0.5
    return score


def _contains(container: Entry, e: Entry) -> bool:
    if container.id == e.id:
        return False
    if container.kind == "country":
        return container.country == e.country
    return container.id in (e.admin1, e.admin2)


def _country_name(code: str, language: str | None) -> str:
    """The country's name in ``language`` (CLDR via babel), English by default, the code if unknown."""
    from babel import Locale, UnknownLocaleError

    for lang in (language, "en"):
        if not lang:
            continue
        try:
            name = Locale.parse(str(lang).replace("-", "_")).territories.get(code)
        except (ValueError, TypeError, UnknownLocaleError):
            continue
        if name:
            return name
    return code
