"""Online geocoder settings: the geopy provider registry, configuration from keyword overrides, Streamlit secrets
and the environment, and building a geopy geocoder from it (no request is sent here).

    config = load_config("nominatim", env=os.environ, secrets=dict(st.secrets))   # raises GeocoderConfigError if wrong
    geocoder = build_geocoder(config)

Configuration keys are documented in ``.notes/geocoding.md``.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from geopy.exc import ConfigurationError
from geopy.geocoders import SERVICE_TO_GEOCODER
from geopy.geocoders.base import Geocoder

from geostory.errors import GeocoderConfigError
from geostory.geocode.offline import OfflineGeocoder

__all__ = ["DEFAULT_USER_AGENT", "ENV_KEYS", "LABELS", "MIN_DELAY", "PROVIDERS", "SECRETS_SECTION", "GeocoderConfig",
           "build_geocoder", "label_of", "load_config", "provider_class"]

PROVIDERS: dict[str, type[Geocoder]] = {"offline": OfflineGeocoder, **dict(sorted(SERVICE_TO_GEOCODER.items()))}
LABELS = {"offline": "Offline gazetteer", "google": "Google", "googlev3": "Google", "here": "HERE", "herev7": "HERE",
          "baiduv3": "Baidu", "what3wordsv3": "What3Words"}
# providers whose usage policy asks for at most one request per second
MIN_DELAY = {"nominatim": 1.0, "photon": 1.0, "openmapquest": 1.0, "pickpoint": 1.0}
DEFAULT_USER_AGENT = "geostory/0.1 (story maps from news articles)"
_KEY_PARAMS = ("api_key", "apikey", "subscription_key")
# geopy's RateLimiter logs every retried failure with a traceback; without this, Python's last-resort handler prints
# them on stderr. Failures reach the user as notes instead (an application that configures logging still sees them).
logging.getLogger("geopy").addHandler(logging.NullHandler())

ENV_KEYS = {  # GeocoderConfig field -> environment variable (also accepted as a top-level Streamlit secret)
    "provider": "GEOSTORY_GEOCODER",
    "api_key": "GEOSTORY_GEOCODER_API_KEY",
    "user_agent": "GEOSTORY_USER_AGENT",
    "domain": "GEOSTORY_GEOCODER_DOMAIN",
    "language": "GEOSTORY_GEOCODER_LANGUAGE",
    "options": "GEOSTORY_GEOCODER_OPTIONS",
    "order": "GEOSTORY_GEOCODER_ORDER",
    "timeout": "GEOSTORY_GEOCODER_TIMEOUT",
    "min_delay_seconds": "GEOSTORY_GEOCODER_MIN_DELAY",
    "max_retries": "GEOSTORY_GEOCODER_MAX_RETRIES",
    "error_wait_seconds": "GEOSTORY_GEOCODER_ERROR_WAIT",
    "max_queries": "GEOSTORY_GEOCODER_MAX_QUERIES",
    "breaker_threshold": "GEOSTORY_GEOCODER_BREAKER_THRESHOLD",
    "breaker_cooldown_seconds": "GEOSTORY_GEOCODER_BREAKER_COOLDOWN",
    "cache": "GEOSTORY_GEOCODE_CACHE",
    "cache_days": "GEOSTORY_GEOCODE_CACHE_DAYS",
    "negative_cache_days": "GEOSTORY_GEOCODE_NEGATIVE_CACHE_DAYS",
}
SECRETS_SECTION = "geocoder"  # [geocoder] table of .streamlit/secrets.toml, keys = GeocoderConfig field names


@dataclass(frozen=True)
class GeocoderConfig:
    """Which provider, how to reach it, and how the chain uses it (see ``load_config``)."""

    provider: str | None = None  # registry name; None or "offline": no online lookups
    api_key: str | None = field(default=None, repr=False)
    user_agent: str | None = None
    domain: str | None = None
    language: str | None = None  # language of the provider's answers (addresses)
    options: Mapping[str, Any] = field(default_factory=dict, repr=False)  # more keyword arguments for the class
    order: str = "offline-first"  # or "online-first"
    timeout: float = 5.0
    min_delay_seconds: float | None = None  # None: the provider's policy (1 s for Nominatim and Photon)
    max_retries: int = 1
    error_wait_seconds: float = 2.0
    max_queries: int = 100  # online requests per story at most (cache hits are free)
    breaker_threshold: int = 2
    breaker_cooldown_seconds: float = 300.0
    cache: str | None = None  # None: default file; "off": no cache; else a path
    cache_days: float | None = 90.0
    negative_cache_days: float | None = 7.0
    max_km_from_context: float = 300.0  # an online answer farther from a context-placed pin is only an alternative
    adapter_factory: Callable | None = field(default=None, repr=False, compare=False)  # custom transport (tests)

    @property
    def online(self) -> bool:
        return bool(self.provider) and self.provider != "offline"

    @property
    def label(self) -> str:
        return label_of(self.provider or "offline")

    @property
    def provider_id(self) -> str:
        """Namespace of this provider's answers in the cache: name, plus domain and language when set."""
        pid = self.provider or "offline"
        if self.domain:
            pid += f"@{self.domain}"
        if self.language:
            pid += f"#{self.language}"
        return pid


def label_of(name: str) -> str:
    """Human name of a provider ("nominatim" -> "Nominatim")."""
    return LABELS.get(name) or (PROVIDERS[name].__name__ if name in PROVIDERS else name)


def provider_class(name: str) -> type[Geocoder]:
    """The geopy class registered under ``name``; an unknown name is an error listing the valid ones."""
    cls = PROVIDERS.get(str(name).strip().lower())
    if cls is None:
        raise GeocoderConfigError(f"unknown geocoder {name!r}: choose one of {', '.join(PROVIDERS)}")
    return cls


# configuration --------------------------------------------------------------------------------------------------

def load_config(provider: str | None = None, *, env: Mapping[str, str] | None = None,
                secrets: Mapping[str, Any] | None = None, **overrides) -> GeocoderConfig:
    """Geocoding settings from keyword overrides > Streamlit secrets > environment > defaults, checked.

    ``secrets`` is a plain mapping (the dashboard passes ``st.secrets`` as a dict): either the environment
    variable names at its top level, or a ``[geocoder]`` table whose keys are ``GeocoderConfig`` field names.
    An API key is looked up as ``api_key``, then ``GEOSTORY_<PROVIDER>_API_KEY``, then ``GEOSTORY_GEOCODER_API_KEY``.
    Raises ``GeocodingError`` (unknown provider, missing key or user agent, bad number) with the fix.
    """
    env = {} if env is None else env
    secrets = {} if secrets is None else secrets
    section = secrets.get(SECRETS_SECTION) if isinstance(secrets.get(SECRETS_SECTION), Mapping) else {}
    known = [f.name for f in dataclasses.fields(GeocoderConfig) if f.name != "adapter_factory"]
    unknown = [k for k in section if k not in known]
    if unknown:
        raise GeocoderConfigError(f"unknown key(s) {', '.join(map(repr, unknown))} in [{SECRETS_SECTION}]: "
                             f"use {', '.join(known)}")
    values: dict[str, Any] = {}
    for fname, var in ENV_KEYS.items():  # environment, then top-level secrets (later wins)
        values.update({fname: layer[var] for layer in (env, secrets) if layer.get(var) not in (None, "")})
    values.update({k: v for k, v in section.items() if v not in (None, "")})
    values.update({k: v for k, v in {"provider": provider, **overrides}.items() if v is not None})
    name = str(values.get("provider") or "").strip().lower() or None
    var = f"GEOSTORY_{(name or '').upper()}_API_KEY"
    specific = secrets.get(var) or env.get(var)
    if name and specific and "api_key" not in overrides and not section.get("api_key"):
        values["api_key"] = specific
    config = GeocoderConfig(**_coerce({**values, "provider": name}))
    if config.provider:
        build_geocoder(config)  # raises GeocodingError with the fix when it cannot work
    return config


def _coerce(values: dict[str, Any]) -> dict[str, Any]:
    fields = {f.name: f for f in dataclasses.fields(GeocoderConfig)}
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name not in fields:
            raise GeocoderConfigError(f"unknown geocoder setting {name!r}: use one of {', '.join(ENV_KEYS)}")
        default = fields[name].default
        label = ENV_KEYS.get(name, name)
        if name == "options":
            out[name] = _options(value, label)
        elif name == "order":
            out[name] = _order(value, label)
        elif name in ("cache_days", "negative_cache_days") and str(value).strip().lower() in ("none", "forever"):
            out[name] = None
        elif isinstance(default, bool) or name == "adapter_factory":
            out[name] = value
        elif isinstance(default, int) or isinstance(default, float) or name == "min_delay_seconds":
            try:
                num = float(value)
            except (TypeError, ValueError):
                raise GeocoderConfigError(f"{label} must be a number, not {value!r}") from None
            if not math.isfinite(num) or num < 0:
                raise GeocoderConfigError(f"{label} must be a positive number, not {value!r}")
            out[name] = int(num) if isinstance(default, int) else num
        else:
            out[name] = None if value is None else str(value).strip()
    return out


def _options(value: Any, label: str) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        parsed = None
    if not isinstance(parsed, dict):
        raise GeocoderConfigError(f"{label} must be a JSON object such as '{{\"auth_id\": \"...\"}}', not {value!r}")
    return parsed


def _order(value: Any, label: str) -> str:
    text = str(value).lower()
    first = min(((text.find(w), w) for w in ("offline", "online") if w in text), default=None)
    if first is None:
        raise GeocoderConfigError(f"{label} must be 'offline-first' (cache -> offline -> online) or "
                             f"'online-first' (cache -> online -> offline), not {value!r}")
    return f"{first[1]}-first"


# building geocoders ---------------------------------------------------------------------------------------------

def build_geocoder(config: GeocoderConfig) -> Geocoder:
    """A geopy geocoder instance for ``config`` (no request is sent); ``GeocodingError`` says what is missing."""
    name = config.provider or "offline"
    cls = provider_class(name)
    label = label_of(name)
    params = inspect.signature(cls.__init__).parameters
    if name == "nominatim" and not config.user_agent:
        raise GeocoderConfigError(
            "Nominatim requires a user agent naming your application (OSM usage policy): set GEOSTORY_USER_AGENT, "
            "e.g. 'my-newsroom-maps/1.0 (maps@example.org)', or user_agent in the [geocoder] section of secrets")
    kwargs: dict[str, Any] = {"timeout": config.timeout, "user_agent": config.user_agent or DEFAULT_USER_AGENT}
    if config.adapter_factory is not None:
        kwargs["adapter_factory"] = config.adapter_factory
    if config.domain:
        if "domain" not in params:
            raise GeocoderConfigError(f"{label} has no configurable domain; unset GEOSTORY_GEOCODER_DOMAIN")
        kwargs["domain"] = config.domain
    key_param = next((p for p in _KEY_PARAMS if p in params), None)
    if key_param is None and "username" in params and params["username"].default is inspect.Parameter.empty:
        key_param = "username"  # GeoNames: the account name is the key
    if config.api_key:
        if key_param is None:
            raise GeocoderConfigError(f"{label} takes no API key; unset GEOSTORY_GEOCODER_API_KEY or use "
                                 f"GEOSTORY_GEOCODER_OPTIONS for its credentials")
        kwargs[key_param] = config.api_key
    accepted = [p for p in params if p not in ("self", "args", "kwargs")]
    for opt, value in config.options.items():
        if opt not in params:
            raise GeocoderConfigError(f"{label} does not accept option {opt!r} (GEOSTORY_GEOCODER_OPTIONS); "
                                 f"it accepts {', '.join(accepted)}")
        kwargs[opt] = value
    missing = [p for p, v in params.items() if v.default is inspect.Parameter.empty and p != "self"
               and v.kind not in (v.VAR_POSITIONAL, v.VAR_KEYWORD) and p not in kwargs]
    if missing:
        hint = {key_param: f"GEOSTORY_GEOCODER_API_KEY (or GEOSTORY_{name.upper()}_API_KEY)",
                "domain": "GEOSTORY_GEOCODER_DOMAIN"}
        need = ", ".join(f"{p} (set {hint.get(p, 'it in GEOSTORY_GEOCODER_OPTIONS')})" for p in missing)
        raise GeocoderConfigError(f"{label} needs {need}")
    try:
        return cls(**kwargs)
    except (ConfigurationError, TypeError, ValueError) as exc:
        raise GeocoderConfigError(f"{label} could not be set up: {exc}") from None
