"""Online geocoding of a story's places, chained with the cache and the offline gazetteer, losing nothing.

    places, notes = geocode_places(story.places, load_config("nominatim", env=os.environ))

Orders (``GeocoderConfig.order``):

- ``offline-first`` (cache -> offline -> online, the default): places the offline resolution pinned stay as they
  are; places it left unresolved, or placed only approximately from context (provider "context"), are tried with
  the offline geocoder, then online (cache first).
- ``online-first`` (cache -> online -> offline): every place is asked online (cache first); the online answer wins
  and the offline choice becomes the first alternative; where online fails or finds nothing the offline result stays.

Each query is the place's name plus a country hint (the place's own country, or for an unresolved place the
story's main country), sent as the provider's country filter when it has one. Provenance lands on the Place:
``provider`` (registry name), ``gazetteer_id`` (e.g. "osm:relation/123"), and ``reason`` (query, answer, fetch
time, "cached"); the raw answer stays in the cache under (provider, query, country). Failures never drop or move a
place: they become one note per cause, e.g. "Nominatim unavailable (timeout): kept offline results for 4 places".
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import os
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from geostory.errors import GeocoderConfigError, GeocoderUnavailable, GeocodingError
from geostory.gazetteer.index import Gazetteer
from geostory.geocode.cache import CachedAnswer, GeocodeCache, default_cache_path
from geostory.geocode.offline import OfflineGeocoder
from geostory.geocode.online import ENV_KEYS, SECRETS_SECTION, GeocoderConfig, OnlineProvider, get_provider, load_config
from geostory.model import Candidate, Place

__all__ = ["APPROXIMATE", "ChainConfig", "geocode_places", "resolve_config"]

ChainConfig = GeocoderConfig
APPROXIMATE = frozenset({"context", "none"})  # offline pins an online answer may replace in offline-first order
AGREE_KM = 50.0
MAX_QUERY_CHARS = 200
_OFF = {"off", "none", "false", "0", "no", ""}
_OSM_TYPES = {"N": "node", "W": "way", "R": "relation"}
log = logging.getLogger(__name__)


def resolve_config(chain_config: GeocoderConfig | Mapping[str, Any] | str | None,
                   env: Mapping[str, str] | None = None) -> GeocoderConfig:
    """A ``GeocoderConfig`` from a config, a provider name, a secrets-like or settings dict, or None (environment)."""
    env = os.environ if env is None else env
    if isinstance(chain_config, GeocoderConfig):
        return chain_config
    if chain_config is None or isinstance(chain_config, str):
        return load_config(chain_config or None, env=env)
    if isinstance(chain_config, Mapping):
        secrets_like = SECRETS_SECTION in chain_config or any(
            str(k).startswith("GEOSTORY_") or k in ENV_KEYS.values() for k in chain_config)
        return load_config(env=env, secrets=chain_config if secrets_like else {SECRETS_SECTION: chain_config})
    raise GeocoderConfigError(f"geocoder configuration must be a GeocoderConfig, a dict or a provider name, "
                         f"not {type(chain_config).__name__}")


def geocode_places(places: Iterable[Place], chain_config: GeocoderConfig | Mapping[str, Any] | str | None = None,
                   *, gazetteer: Gazetteer | None = None) -> tuple[tuple[Place, ...], tuple[str, ...]]:
    """Places improved by the configured chain, in the same order with the same ids, and notes for the user.

    Raises ``GeocodingError`` only for a configuration that cannot work (unknown provider, missing key), before
    any lookup; provider failures never raise, they keep the offline result and add a note.
    """
    config = resolve_config(chain_config)
    places = tuple(places)
    run = _Run(config, gazetteer)
    run.set_focus(places)
    out = []
    for place in places:
        try:
            out.append(run.place(place))
        except Exception as exc:  # noqa: BLE001 - the last line of "lose nothing": keep the place, say why
            log.warning("geocoding %r failed: %r", place.name, exc)
            log.debug("geocoding %r failed", place.name, exc_info=True)
            run.unexpected[type(exc).__name__] += 1
            out.append(place)
    assert len(out) == len(places)
    return tuple(out), tuple(run.summary())


class _Run:
    """The state of one ``geocode_places`` call: provider, cache, budget and what went wrong."""

    def __init__(self, config: GeocoderConfig, gazetteer: Gazetteer | None):
        self.config = config
        self.offline = OfflineGeocoder(gazetteer)
        self.provider: OnlineProvider | None = get_provider(config) if config.online else None
        self.label = config.label
        self.notes: list[str] = []
        self.cache = self._open_cache() if self.provider else None
        self.failures: Counter = Counter()  # why -> places kept offline
        self.unexpected: Counter = Counter()
        self.over_budget = 0
        self.requests = 0
        self.memo: dict[tuple[str, str | None], tuple[CachedAnswer, bool]] = {}  # answers already given in this run
        self.focus = ""  # the story's main country, the hint for places without one
        self.offline_broken: str | None = None

    def place(self, place: Place) -> Place:
        if self.provider is None:
            return place if place.resolved else self._offline(place)
        if self.config.order == "online-first":
            found = self._online(place)
            return found if found.resolved else self._offline(found)
        if not place.resolved:
            place = self._offline(place)
        if place.resolved and place.provider not in APPROXIMATE:
            return place
        return self._online(place)

    def set_focus(self, places: tuple[Place, ...]) -> None:
        votes: Counter = Counter()
        for p in places:
            if p.country and p.resolved:
                votes[p.country] += max(1, len(p.mentions))
        self.focus = votes.most_common(1)[0][0] if votes else ""

    # offline ---------------------------------------------------------------------------------------------------

    def _offline(self, place: Place) -> Place:
        if self.offline_broken or not _query_of(place):
            return place
        try:
            loc = self.offline.geocode(_query_of(place), country_codes=place.country or None)
        except Exception as exc:  # noqa: BLE001 - GeocoderUnavailable (no index) or a corrupt index
            self.offline_broken = str(exc)
            return place
        if loc is None:
            return place
        raw = loc.raw
        return dataclasses.replace(
            place, lat=round(loc.latitude, 5), lon=round(loc.longitude, 5), provider="offline",
            gazetteer_id=raw.get("id"), country=raw.get("country") or place.country, admin1=raw.get("admin1"),
            population=raw.get("population") or None, confidence=max(place.confidence, 0.5), note=None,
            reason=_join(place.reason, f"offline gazetteer, without context: {loc.address}"))

    # online ----------------------------------------------------------------------------------------------------

    def _online(self, place: Place) -> Place:
        query = _query_of(place)
        if not query:
            return place
        country = place.country or (self.focus if not place.resolved else None) or None
        looked = self._lookup(query, country)
        if looked is None:
            return place
        answer, cached = looked
        if not answer.found:
            return dataclasses.replace(place, reason=_join(place.reason, f"{self.label}: no match for '{query}'"))
        return self._apply(place, query, country, answer, cached)

    def _lookup(self, query: str, country: str | None) -> tuple[CachedAnswer, bool] | None:
        key = (query.casefold(), country)
        if key not in self.memo:
            found = self._ask(query, country)
            if found is None:
                return None
            self.memo[key] = found
        return self.memo[key]

    def _ask(self, query: str, country: str | None) -> tuple[CachedAnswer, bool] | None:
        pid = self.config.provider_id
        if self.cache is not None:
            try:
                hit = self.cache.get(pid, query, country)
            except GeocodingError as exc:
                self._drop_cache(exc)
                hit = None
            if hit is not None:
                return hit, True
        if not self.provider.breaker.is_open:  # an open circuit answers at once: no request, no budget spent
            if self.requests >= self.config.max_queries:
                self.over_budget += 1
                return None
            self.requests += 1
        try:
            loc = self.provider.geocode(query, country)
        except GeocoderUnavailable as exc:
            self.failures[getattr(exc, "why", None) or str(exc)] += 1
            return None
        if self.cache is not None:
            try:
                return self.cache.put(pid, query, country, loc), False
            except GeocodingError as exc:
                self._drop_cache(exc)
        return CachedAnswer.of(pid, query, country, loc, time.time()), False

    def _apply(self, place: Place, query: str, country: str | None, answer: CachedAnswer, cached: bool) -> Place:
        lat, lon = round(answer.lat, 5), round(answer.lon, 5)
        address = _short(answer.address or query)
        ident = _answer_id(self.config.provider, answer.raw)
        where = _answer_country(answer.raw) or country
        dist = _km(place.lat, place.lon, lat, lon) if place.resolved else None
        approximate = place.provider in APPROXIMATE
        aside = None
        if country and where and where != country.upper():
            aside = f"in {where}, not {country.upper()}"
        elif approximate and dist is not None and dist > self.config.max_km_from_context:
            aside = f"{dist:.0f} km from where the context placed it"
        if aside:  # a doubtful answer is only an alternative
            other = Candidate(ident or f"{self.config.provider}:{lat},{lon}", address, place.kind, where, lat, lon,
                              0.0, f"{self.label} answer, {aside}")
            why = f"{self.label} answer '{address}' set aside: {aside}"
            return dataclasses.replace(place, alternatives=(other,) + place.alternatives,
                                       reason=_join(place.reason, why))
        agree = dist is not None and dist <= AGREE_KM
        previous = ()
        if place.resolved:
            previous = (Candidate(place.gazetteer_id or f"{place.provider}:{place.id}", place.name, place.kind,
                                  place.country, place.lat, place.lon, round(place.confidence, 3),
                                  _join(f"{place.provider} choice", place.reason)),)
        reason = (f"{self.label} answer for '{query}'{f' in {country}' if country else ''}: {address}; "
                  f"fetched {answer.fetched_iso}{' (cached)' if cached else ''}")
        note = None
        if agree and not approximate:
            reason += f"; agrees with the {place.provider} choice ({dist:.0f} km)"
        elif dist is not None and not approximate:
            note = (f"{self.label} places it {dist:.0f} km from the {place.provider} choice "
                    f"({place.name}{f', {place.country}' if place.country else ''}), kept as an alternative")
        return dataclasses.replace(
            place, lat=lat, lon=lon, provider=self.config.provider, gazetteer_id=ident, reason=reason, note=note,
            country=where or (place.country if agree else None),
            admin1=place.admin1 if agree else None, population=place.population if agree else None,
            confidence=max(place.confidence, 0.8) if agree else 0.6, alternatives=previous + place.alternatives)

    # cache and notes -------------------------------------------------------------------------------------------

    def _open_cache(self) -> GeocodeCache | None:
        setting = self.config.cache
        if setting is not None and setting.strip().lower() in _OFF:
            return None
        path = Path(setting).expanduser() if setting else default_cache_path()
        try:
            cache = _shared_cache(str(path), self.config.cache_days, self.config.negative_cache_days)
        except GeocodingError as exc:
            self.notes.append(f"geocoding cache unavailable ({exc}): answers are not cached")
            return None
        if cache.recovered_from is not None and not getattr(cache, "_reported", False):
            cache._reported = True
            self.notes.append(f"geocoding cache {path} was unreadable: moved to {cache.recovered_from.name}, "
                              f"started afresh")
        return cache

    def _drop_cache(self, exc: Exception) -> None:
        log.info("geocoding cache disabled for this story: %s", exc)
        self.notes.append(f"geocoding cache unavailable ({exc}): answers are not cached")
        self.cache = None

    def summary(self) -> list[str]:
        notes = list(self.notes)
        for why, n in self.failures.items():
            notes.append(f"{self.label} unavailable ({why}): kept offline results for {_n_places(n)}")
        if self.over_budget:
            notes.append(f"{self.label}: stopped after {self.config.max_queries} online requests "
                         f"(GEOSTORY_GEOCODER_MAX_QUERIES): kept offline results for {_n_places(self.over_budget)}")
        for name, n in self.unexpected.items():
            notes.append(f"{self.label} failed unexpectedly ({name}): kept offline results for {_n_places(n)}")
        if self.offline_broken:
            notes.append(f"offline gazetteer lookup failed ({self.offline_broken})")
        return notes


@functools.lru_cache(maxsize=8)
def _shared_cache(path: str, days: float | None, negative_days: float | None) -> GeocodeCache:
    return GeocodeCache(path, max_age_days=days, negative_max_age_days=negative_days)


def _query_of(place: Place) -> str:
    """The name to look up ("" for none, or for a name too long to be a place's)."""
    name = " ".join((place.name or (place.mentions[0].text if place.mentions else "")).split())
    return name if len(name) <= MAX_QUERY_CHARS else ""


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _n_places(n: int) -> str:
    return f"{n} place{'s' if n != 1 else ''}"


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b_lon - a_lon) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _answer_id(provider: str | None, raw: Any) -> str | None:
    """A stable id for an answer: "osm:relation/123" for OpenStreetMap-based providers, else "<provider>:<id>"."""
    if not isinstance(raw, Mapping):
        return None
    props = raw.get("properties") if isinstance(raw.get("properties"), Mapping) else raw
    osm_type, osm_id = props.get("osm_type"), props.get("osm_id")
    if osm_type and osm_id is not None:
        return f"osm:{_OSM_TYPES.get(str(osm_type), str(osm_type))}/{osm_id}"
    for key in ("place_id", "id", "placeId"):
        value = props.get(key)
        if isinstance(value, (str, int)) and str(value):
            return f"{provider}:{value}"
    return None


def _answer_country(raw: Any, depth: int = 0) -> str | None:
    """The ISO alpha-2 country of a raw answer, for the shapes of the common providers (None when absent)."""
    if depth > 3:
        return None
    if isinstance(raw, Mapping):
        for key in ("country_code", "countrycode", "ISO_3166-1_alpha-2", "countryCode", "country"):
            value = raw.get(key)
            if isinstance(value, str) and value.isalpha() and len(value) in (2, 3) and (key != "country" or
                                                                                         value.isupper()):
                return _alpha2(value)
        if "country" in (raw.get("types") or ()) and isinstance(raw.get("short_name"), str):
            return _alpha2(raw["short_name"])
        values = raw.values()
    elif isinstance(raw, list):
        values = raw
    else:
        return None
    for value in values:
        if isinstance(value, (Mapping, list)):
            found = _answer_country(value, depth + 1)
            if found:
                return found
    return None


def _alpha2(code: str) -> str | None:
    code = code.upper()
    if len(code) == 2:
        return code
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    return country.alpha_2 if country else None
