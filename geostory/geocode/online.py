"""Online geocoders through geopy: registry, configuration, rate limiting, failure diagnosis, circuit breaker.

    config = load_config("nominatim", env=os.environ, secrets=dict(st.secrets))   # raises GeocodingError if wrong
    provider = get_provider(config)
    location = provider.geocode("Valence", country="FR")                         # Location | None

Every call goes through geopy's ``RateLimiter(..., swallow_exceptions=False)``: an outage is never mistaken for
"not found". Failures raise ``geostory.errors.GeocoderUnavailable`` whose ``why`` says what happened ("timeout",
"rate limited, HTTP 429", "server error, HTTP 503", "malformed answer", ...). After ``breaker_threshold``
consecutive failures the provider's circuit opens for ``breaker_cooldown_seconds``: calls fail at once, so one
outage costs a couple of timeouts, not one per place. Configuration keys are documented in ``.notes/geocoding.md``.
Settings live in ``geostory.geocode.config``, failure diagnosis in ``geostory.geocode.breaker``; both are
re-exported here.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import math
import threading
from typing import Any

from geopy.extra.rate_limiter import RateLimiter
from geopy.location import Location

from geostory.errors import GeocoderUnavailable
from geostory.geocode.breaker import CircuitBreaker, classify_failure
from geostory.geocode.config import (DEFAULT_USER_AGENT, ENV_KEYS, LABELS, MIN_DELAY, PROVIDERS, SECRETS_SECTION,
                                     GeocoderConfig, build_geocoder, label_of, load_config, provider_class)

__all__ = ["DEFAULT_USER_AGENT", "ENV_KEYS", "LABELS", "MIN_DELAY", "PROVIDERS", "SECRETS_SECTION", "CircuitBreaker",
           "GeocoderConfig", "OnlineProvider", "build_geocoder", "classify_failure", "get_provider", "label_of",
           "load_config", "provider_class", "reset_providers"]

_BREAKERS: dict[tuple, CircuitBreaker] = {}
_PROVIDERS: dict[tuple, OnlineProvider] = {}
_LOCK = threading.Lock()


def reset_providers() -> None:
    """Forget every provider instance and circuit breaker (tests, configuration reload)."""
    with _LOCK:
        _BREAKERS.clear()
        _PROVIDERS.clear()


# the provider -----------------------------------------------------------------------------------------------------

class OnlineProvider:
    """A configured geopy geocoder behind a RateLimiter and a circuit breaker (shared by sessions and threads)."""

    def __init__(self, config: GeocoderConfig, breaker: CircuitBreaker | None = None):
        self.config = config
        self.name = config.provider or "offline"
        self.label = config.label
        self.geocoder = build_geocoder(config)
        delay = config.min_delay_seconds if config.min_delay_seconds is not None else MIN_DELAY.get(self.name, 0.0)
        self._geocode = RateLimiter(self.geocoder.geocode, min_delay_seconds=delay, max_retries=config.max_retries,
                                    error_wait_seconds=max(delay, config.error_wait_seconds),
                                    swallow_exceptions=False)
        self.breaker = breaker or CircuitBreaker(config.breaker_threshold, config.breaker_cooldown_seconds)
        self._params = inspect.signature(self.geocoder.geocode).parameters

    def unavailable(self, why: str) -> GeocoderUnavailable:
        """The error raised for a failure, carrying ``why`` and ``provider`` (the label)."""
        exc = GeocoderUnavailable(f"{self.label} unavailable ({why})")
        exc.why, exc.provider = why, self.label
        return exc

    def request(self, query: str, country: str | None) -> tuple[str, dict[str, Any]]:
        """The query text and keyword arguments sent for ``query`` with a country hint (filter when supported)."""
        kwargs: dict[str, Any] = {}
        p = self._params
        if "addressdetails" in p:
            kwargs["addressdetails"] = True  # answers then carry their country code
        if self.config.language:
            lang_param = "language" if "language" in p else "lang" if "lang" in p else None
            if lang_param:
                kwargs[lang_param] = self.config.language
        if country:
            cc = country.upper()
            if "country_codes" in p:
                kwargs["country_codes"] = cc.lower()
            elif "country" in p:
                kwargs["country"] = cc if self.name == "geonames" else cc.lower()
            elif "countries" in p:
                kwargs["countries"] = [_alpha3(cc)]
            elif "components" in p:
                kwargs["components"] = {"country": cc}
            else:
                query = f"{query}, {_country_name(cc)}"
        return query, kwargs

    def geocode(self, query: str, country: str | None = None) -> Location | None:
        """The provider's best answer (None: it found nothing); raises ``GeocoderUnavailable`` on any failure."""
        if not self.breaker.allow():
            raise self.unavailable(self.breaker.reason or "circuit open")
        text, kwargs = self.request(query, country)
        try:
            result = self._geocode(text, exactly_one=True, **kwargs)
        except Exception as exc:  # noqa: BLE001 - anything the adapter or geopy's parser raised is the provider's
            why, trip = classify_failure(exc)
            self.breaker.failure(why, trip=trip)
            raise self.unavailable(why) from exc
        if isinstance(result, list):
            result = result[0] if result else None
        if result is not None and not _valid(result):
            self.breaker.failure("malformed answer")
            raise self.unavailable("malformed answer")
        self.breaker.success()
        return result


def get_provider(config: GeocoderConfig) -> OnlineProvider:
    """The shared provider for ``config`` (one RateLimiter and one circuit breaker per service)."""
    key = (config.provider_id, config.user_agent, config.timeout, config.min_delay_seconds, config.max_retries,
           config.error_wait_seconds, json.dumps(dict(config.options), sort_keys=True, default=str),
           _fingerprint(config.api_key), id(config.adapter_factory))
    bkey = (config.provider_id, _fingerprint(config.api_key))
    with _LOCK:
        provider = _PROVIDERS.get(key)
        if provider is None:
            breaker = _BREAKERS.get(bkey)
            if breaker is None:
                breaker = _BREAKERS[bkey] = CircuitBreaker(config.breaker_threshold, config.breaker_cooldown_seconds)
            provider = OnlineProvider(config, breaker)
            if len(_PROVIDERS) >= 32:
                _PROVIDERS.pop(next(iter(_PROVIDERS)))
            _PROVIDERS[key] = provider
        return provider


def _valid(loc: Any) -> bool:
    if not isinstance(loc, Location):
        return False
    lat, lon = loc.latitude, loc.longitude
    ok = all(isinstance(v, (int, float)) and math.isfinite(v) for v in (lat, lon))
    return ok and -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0, 0)  # (0, 0): coordinates missing


def _fingerprint(secret: str | None) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:12] if secret else ""


def _alpha3(cc: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=cc)
    return country.alpha_3 if country else cc


def _country_name(cc: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=cc)
    return getattr(country, "common_name", None) or (country.name if country else cc)
