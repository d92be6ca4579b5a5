"""Persistent SQLite cache of online geocoder answers, shared by runs, sessions, threads and processes.

One row per (provider, query, country hint): the raw answer as JSON and when it was fetched. A provider that found
nothing is cached too (``found=False``, kept for a shorter time). Failures (timeouts, HTTP 429/5xx, malformed
answers) are never written: the cache only holds answers a provider actually gave.

Every operation opens its own short connection (safe from any thread, nothing to close); the file is in WAL mode and
each write is one transaction, so a process killed mid-write leaves the previous state readable. A file that is not
a SQLite database is moved aside (``*.corrupt-<time>``) and a fresh cache started.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geopy.location import Location

from geostory.errors import GeocodingError
from geostory.gazetteer.build import default_cache_dir

__all__ = ["CachedAnswer", "GeocodeCache", "default_cache_path", "normalize_query"]

SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS answers (
  provider TEXT NOT NULL, query TEXT NOT NULL, country TEXT NOT NULL DEFAULT '',
  found INTEGER NOT NULL, address TEXT, lat REAL, lon REAL, raw TEXT, fetched_at REAL NOT NULL,
  PRIMARY KEY (provider, query, country)
);
"""
_INIT_LOCK = threading.Lock()


def default_cache_path() -> Path:
    """``geocode.sqlite`` in geostory's cache folder ($GEOSTORY_CACHE or ~/.cache/geostory)."""
    return default_cache_dir() / "geocode.sqlite"


def normalize_query(query: str | Mapping[str, Any]) -> str:
    """The cache form of a query: spaces collapsed and case folded; a structured query as sorted JSON."""
    if isinstance(query, Mapping):
        return json.dumps({str(k): " ".join(str(v).split()).casefold() for k, v in query.items() if v},
                          sort_keys=True, ensure_ascii=False)
    return " ".join(str(query).split()).casefold()


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    """A provider's answer as stored: found or not, where, the raw payload and when it was fetched."""

    provider: str
    query: str
    country: str | None
    found: bool
    address: str | None
    lat: float | None
    lon: float | None
    raw: Any
    fetched_at: float  # Unix time

    @classmethod
    def of(cls, provider: str, query: str | Mapping[str, Any], country: str | None, location: Location | None,
           fetched_at: float) -> CachedAnswer:
        """The answer ``location`` (None: found nothing) to ``query`` as it is stored."""
        q, cc = normalize_query(query), (country or "").upper() or None
        if location is None:
            return cls(provider, q, cc, False, None, None, None, None, fetched_at)
        return cls(provider, q, cc, True, location.address, float(location.latitude), float(location.longitude),
                   location.raw, fetched_at)

    @property
    def location(self) -> Location | None:
        """The answer as a geopy ``Location`` (None for a cached "not found")."""
        if not self.found or self.lat is None or self.lon is None:
            return None
        return Location(self.address or "", (self.lat, self.lon), self.raw)

    @property
    def fetched_iso(self) -> str:
        """When the provider gave this answer, ISO 8601 UTC to the second."""
        return dt.datetime.fromtimestamp(self.fetched_at, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class GeocodeCache:
    """The answers of online providers on disk, keyed by provider + normalised query + country hint.

    :param path: the SQLite file (created with its folder); default ``default_cache_path()``.
    :param max_age_days: how long an answer that found something stays valid (None: forever).
    :param negative_max_age_days: how long a "found nothing" stays valid (None: forever).
    :param clock: Unix time source (tests).
    """

    def __init__(self, path: str | Path | None = None, *, max_age_days: float | None = 90.0,
                 negative_max_age_days: float | None = 7.0, clock: Callable[[], float] = time.time):
        self.path = Path(path) if path else default_cache_path()
        self.max_age_days = max_age_days
        self.negative_max_age_days = negative_max_age_days
        self.clock = clock
        self.recovered_from: Path | None = None  # where a corrupt file was moved, if one was
        self._init()

    # public API --------------------------------------------------------------------------------------------

    def get(self, provider: str, query: str | Mapping[str, Any], country: str | None = None) -> CachedAnswer | None:
        """The stored answer, or None when there is none or it is too old (a miss, not a "not found")."""
        key = (provider, normalize_query(query), (country or "").upper())
        with self._connect() as con:
            row = con.execute("SELECT found, address, lat, lon, raw, fetched_at FROM answers "
                              "WHERE provider = ? AND query = ? AND country = ?", key).fetchone()
        if row is None:
            return None
        found, address, lat, lon, raw, fetched_at = row
        ttl = self.max_age_days if found else self.negative_max_age_days
        if ttl is not None and fetched_at < self.clock() - ttl * 86400:
            return None
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            return None  # a row that cannot be decoded is a miss; the next answer overwrites it
        return CachedAnswer(provider, key[1], key[2] or None, bool(found), address, lat, lon, payload, fetched_at)

    def put(self, provider: str, query: str | Mapping[str, Any], country: str | None,
            location: Location | None) -> CachedAnswer:
        """Store what the provider answered: a ``Location``, or None for "found nothing". Never call it on failure."""
        now = self.clock()
        key = (provider, normalize_query(query), (country or "").upper())
        answer = CachedAnswer.of(provider, query, country, location, now)
        raw = None if answer.raw is None else json.dumps(answer.raw, ensure_ascii=False, default=str)
        with self._connect() as con:
            con.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (*key, int(answer.found), answer.address, answer.lat, answer.lon, raw, now))
        return answer

    def __len__(self) -> int:
        with self._connect() as con:
            return con.execute("SELECT count(*) FROM answers").fetchone()[0]

    def prune(self) -> int:
        """Delete expired answers; returns how many."""
        now = self.clock()
        removed = 0
        with self._connect() as con:
            for found, ttl in ((1, self.max_age_days), (0, self.negative_max_age_days)):
                if ttl is not None:
                    removed += con.execute("DELETE FROM answers WHERE found = ? AND fetched_at < ?",
                                           (found, now - ttl * 86400)).rowcount
        return removed

    def clear(self) -> None:
        """Forget every answer."""
        with self._connect() as con:
            con.execute("DELETE FROM answers")

    # connections -------------------------------------------------------------------------------------------

    def _connect(self) -> _Connection:
        return _Connection(self.path)

    def _init(self) -> None:
        with _INIT_LOCK:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise GeocodingError(f"geocoding cache folder {self.path.parent} cannot be created ({exc.strerror}); "
                                     "set GEOSTORY_GEOCODE_CACHE to a writable file or 'off'") from None
            try:
                self._create()
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                    raise GeocodingError(f"geocoding cache {self.path} is locked ({exc})") from None
                self.recovered_from = self._move_aside()
                self._create()

    def _create(self) -> None:
        con = sqlite3.connect(self.path, timeout=30)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)
            with con:
                con.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            con.execute("SELECT count(*) FROM answers").fetchone()
        finally:
            con.close()

    def _move_aside(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                os.replace(src, Path(str(target) + suffix))
        return target


class _Connection:
    """``with _Connection(path) as con:`` one transaction on a fresh connection, closed afterwards.

    SQLite errors become ``GeocodingError`` with the file's path, so callers handle one exception type.
    """

    def __init__(self, path: Path):
        self.path = path
        self.con: sqlite3.Connection | None = None

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.con = sqlite3.connect(self.path, timeout=30)
            self.con.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            raise GeocodingError(f"geocoding cache {self.path} cannot be opened ({exc})") from None
        self.con.__enter__()
        return self.con

    def __exit__(self, exc_type, exc, tb):
        assert self.con is not None
        try:
            self.con.__exit__(exc_type, exc, tb)  # commit, or roll back on error
        except sqlite3.Error as commit_error:
            exc = exc or commit_error
        finally:
            self.con.close()
        if isinstance(exc, sqlite3.Error):
            raise GeocodingError(f"geocoding cache {self.path} failed ({exc})") from None
        return False
