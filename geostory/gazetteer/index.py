"""Read access to the compiled gazetteer index."""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from geostory.errors import GazetteerError
from geostory.gazetteer.build import ABBREV, ALT, DEMONYM, MAIN, SPELLING, ensure_index
from geostory.gazetteer.text import fold

__all__ = ["ABBREV", "ALT", "DEMONYM", "MAIN", "SPELLING", "Entry", "Gazetteer", "get_gazetteer"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer entry, as matched under a given name (``flags`` tell how the name relates to it)."""

    id: str
    name: str
    kind: str
    feature: str
    country: str | None
    admin1: str | None
    admin2: str | None
    lat: float
    lon: float
    population: int
    source: str
    seat_city: str | None
    flags: int = 0

    @property
    def curated(self) -> bool:
        return self.id.startswith(("cur:", "reg:"))


_COLS = "e.id, e.name, e.kind, e.feature, e.country, e.admin1, e.admin2, e.lat, e.lon, e.population, e.source, e.seat_city"


class Gazetteer:
    """Name -> entries lookups over the SQLite index; safe to share across threads (one connection each)."""

    def __init__(self, path: Path | str | None = None):
        path = path or os.environ.get("GEOSTORY_INDEX")  # e.g. a full GeoNames import
        self.path = Path(path) if path else ensure_index()
        self._fix = ("give a built index (`geostory gazetteer import`, GEOSTORY_INDEX)" if path else
                     "delete it and it is rebuilt on next use")
        if not self.path.exists():
            raise GazetteerError(f"gazetteer index not found at {self.path}; run `geostory gazetteer build`")
        self._local = threading.local()
        self._by_id: dict[str, Entry] = {}

    @property
    def con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            try:
                con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
                con.execute("SELECT 1 FROM names LIMIT 1")
                empty = con.execute("SELECT 1 FROM entries LIMIT 1").fetchone() is None
            except sqlite3.Error as exc:
                raise GazetteerError(f"gazetteer index at {self.path} is unreadable ({exc}); {self._fix}") from None
            if empty:  # an empty index would give an empty map without a word
                raise GazetteerError(f"gazetteer index at {self.path} has no entries; {self._fix}")
            self._local.con = con
        return con

    def _rows(self, sql: str, params, *, one: bool = False):
        """Run a query; a damaged file raises ``GazetteerError`` (not a bare sqlite3 error) whenever it shows."""
        try:
            cur = self.con.execute(sql, params)
            return cur.fetchone() if one else cur.fetchall()
        except sqlite3.DatabaseError as exc:
            raise GazetteerError(f"gazetteer index at {self.path} is corrupt ({exc}); {self._fix}") from None

    def lookup_keys(self, keys: Iterable[str]) -> dict[str, list[Entry]]:
        """Entries for many folded keys at once: {key: [Entry, ...]} (keys without a match are absent)."""
        keys = list(dict.fromkeys(k for k in keys if k))
        out: dict[str, list[Entry]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i: i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._rows(
                f"SELECT n.key, n.flags, {_COLS} FROM names n JOIN entries e ON e.id = n.entry_id "
                f"WHERE n.key IN ({marks})",
                chunk,
            )
            merged: dict[tuple[str, str], tuple[int, list]] = {}
            for key, flags, *cols in rows:  # one entry may carry a name twice (from two sources): merge flags
                old = merged.get((key, cols[0]))
                merged[(key, cols[0])] = ((old[0] if old else 0) | flags, cols)
            for (key, _), (flags, cols) in merged.items():
                out.setdefault(key, []).append(Entry(*cols, flags=flags))
        return out

    def lookup(self, name: str) -> list[Entry]:
        """Entries whose name or alias folds like ``name``, most populous first."""
        found = self.lookup_keys([fold(name)]).get(fold(name), [])
        return sorted(found, key=lambda e: -e.population)

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id."""
        if entry_id not in self._by_id:
            row = self._rows(f"SELECT {_COLS} FROM entries e WHERE e.id = ?", (entry_id,), one=True)
            if row is None:
                return None
            self._by_id[entry_id] = Entry(*row)
        return self._by_id[entry_id]

    def capital_of(self, country: str) -> Entry | None:
        """The capital city of a country (ISO alpha-2), when known."""
        row = self._rows(
            f"SELECT {_COLS} FROM entries e WHERE e.country = ? AND e.feature = 'PPLC' "
            "ORDER BY e.population DESC LIMIT 1",
            (country,),
            one=True,
        )
        return Entry(*row) if row else None

    def city_named(self, name: str, country: str | None = None) -> Entry | None:
        """The most populous city called ``name`` (optionally in ``country``)."""
        cands = [e for e in self.lookup(name) if e.kind == "city" and (country is None or e.country == country)]
        return cands[0] if cands else None


@functools.lru_cache(maxsize=2)
def get_gazetteer(path: str | None = None) -> Gazetteer:
    """The shared gazetteer (built on first use, then cached on disk)."""
    return Gazetteer(path)
