"""The story library: saved stories in one embedded SQLite database (WAL, one transaction per save).

Location: ``$GEOSTORY_LIBRARY``, else ``$GEOSTORY_CACHE/library.sqlite``, else the platform's user data folder
(``$XDG_DATA_HOME/geostory`` or ``~/.local/share/geostory``, ``~/Library/Application Support/geostory``,
``%APPDATA%\\geostory``). A save writes the story row and its place rows in one transaction, so a crash mid-save
leaves the previous state intact. The seed story (``data/seed.story.json``) is always there:
:meth:`Library.sync_seed` puts it back, and a newer seed file replaces it with the reader's overrides re-applied.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import sqlite3
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from geostory.allocation import paused_gc
from geostory.errors import InputError, LibraryError, StoryFormatError
from geostory.export import story_from_json, story_to_json
from geostory.model import Story

SEED_ID = "seed"
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,80}$")
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, lang TEXT, published TEXT, source TEXT,
    created TEXT NOT NULL, updated TEXT NOT NULL, n_places INTEGER NOT NULL, n_overrides INTEGER NOT NULL,
    origin TEXT NOT NULL DEFAULT '', json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS places (
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE, place_id TEXT NOT NULL, name TEXT NOT NULL,
    kind TEXT, country TEXT, lat REAL, lon REAL, mentions INTEGER NOT NULL, PRIMARY KEY (story_id, place_id));
CREATE INDEX IF NOT EXISTS places_name ON places(name);
"""


@dataclass(frozen=True, slots=True)
class Entry:
    """One saved story, without its content."""

    id: str
    title: str
    lang: str | None
    published: str | None
    source: str | None
    created: str
    updated: str
    places: int
    overrides: int


def data_dir() -> Path:
    """The user's data folder for geostory (see module docstring)."""
    if os.environ.get("GEOSTORY_CACHE"):
        return Path(os.environ["GEOSTORY_CACHE"])
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming") / "geostory"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "geostory"
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "geostory"


def default_path() -> Path:
    """``$GEOSTORY_LIBRARY`` or ``library.sqlite`` in :func:`data_dir`."""
    return Path(os.environ.get("GEOSTORY_LIBRARY") or data_dir() / "library.sqlite")


def story_id_for(story: Story, prefix: str = "u-") -> str:
    """A stable id for an article and its settings (the same article mapped twice gets the same id)."""
    a = story.article
    key = "\n".join((a.lang, a.published or "", a.title or "", a.text))
    return prefix + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


# Stories parsed by :meth:`Library.stories`: library file -> {id: (updated, Story or None when unreadable)}.
_PARSED: dict[str, dict[str, tuple[str, Story | None]]] = {}
_PARSED_LOCK = threading.Lock()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


class Library:
    """Saved stories. Thread-safe: each call opens its own connection."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as con:
                con.execute("PRAGMA journal_mode=WAL")
                con.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise LibraryError(f"cannot open the story library at {self.path} ({exc}); "
                               "set GEOSTORY_LIBRARY to a writable file") from None

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            con.execute("PRAGMA foreign_keys=ON")
            con.execute("PRAGMA synchronous=FULL")
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; it also bumps the ``writes`` counter :meth:`revision` reads."""
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
                con.execute("INSERT INTO meta VALUES ('writes', '1') ON CONFLICT(key) DO UPDATE SET"
                            " value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    # -- writing ------------------------------------------------------------------------------------------

    def save(self, story: Story, story_id: str | None = None, *, origin: str = "") -> str:
        """Insert or replace a story (one transaction); returns its id."""
        return self.save_many([(story_id, story)], origin=origin)[0]

    def save_many(self, items: Iterable[tuple[str | None, Story]], *, origin: str = "") -> list[str]:
        """Insert or replace ``(id or None, story)`` pairs in one transaction (all or none); returns their ids."""
        rows = []
        for story_id, story in items:
            story_id = story_id or story_id_for(story)
            if not _ID_RE.match(story_id):
                raise InputError(f"{story_id!r} is not a story id (letters, digits, '-' and '_')")
            rows.append((story_id, story, story_to_json(story, indent=None)))
        try:
            with self._transaction() as con:
                for story_id, story, text in rows:
                    self._write(con, story_id, story, text, origin)
        except sqlite3.Error as exc:
            raise LibraryError(f"could not save the story in {self.path} ({exc})") from None
        return [r[0] for r in rows]

    @classmethod
    def _write(cls, con: sqlite3.Connection, story_id: str, story: Story, text: str, origin: str) -> None:
        now = _now()
        a = story.article
        con.execute(
            "INSERT INTO stories (id, title, lang, published, source, created, updated, n_places, n_overrides,"
            " origin, json) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET title=excluded.title,"
            " lang=excluded.lang, published=excluded.published, source=excluded.source,"
            " updated=excluded.updated, n_places=excluded.n_places, n_overrides=excluded.n_overrides,"
            " origin=CASE WHEN excluded.origin='' THEN stories.origin ELSE excluded.origin END, json=excluded.json",
            (story_id, a.title or "Untitled story", a.lang, a.published, a.source, now, now, len(story.places),
             len(story.overrides), origin, text),
        )
        cls._write_places(con, story_id, story)

    @staticmethod
    def _write_places(con: sqlite3.Connection, story_id: str, story: Story) -> None:
        con.execute("DELETE FROM places WHERE story_id = ?", (story_id,))
        con.executemany(
            "INSERT INTO places VALUES (?,?,?,?,?,?,?,?)",
            [(story_id, p.id, p.name, p.kind, p.country, p.lat, p.lon, len(p.mentions)) for p in story.places],
        )

    def rename(self, story_id: str, title: str) -> None:
        """Give a saved story another title (in the list and in the story itself)."""
        title = " ".join(title.split())
        if not title:
            raise InputError("a title cannot be empty")
        story = self.get(story_id)
        self.save(replace(story, article=replace(story.article, title=title)), story_id)

    def delete(self, story_id: str) -> None:
        """Remove a story; the seed cannot be removed."""
        if story_id == SEED_ID:
            raise InputError("the seed story stays in the library; rename it or correct it instead")
        with self._transaction() as con:
            con.execute("DELETE FROM stories WHERE id = ?", (story_id,))

    # -- reading ------------------------------------------------------------------------------------------

    def get(self, story_id: str) -> Story:
        """The saved story; KeyError when there is none with this id, StoryFormatError when it cannot be read.

        Parsed once per update in this process (as :meth:`stories`): the text is not even read when unchanged."""
        with _PARSED_LOCK:
            memo = _PARSED.setdefault(str(self.path.resolve()), {})
            known = memo.get(story_id, ("", None))
        stamp = known[0] if known[1] is not None else None
        with self._connect() as con:
            row = con.execute("SELECT updated, CASE WHEN updated = ? THEN NULL ELSE json END FROM stories WHERE id = ?",
                              (stamp, story_id)).fetchone()
        if row is None:
            raise KeyError(story_id)
        if row[1] is None and known[1] is not None:
            return known[1]
        story = story_from_json(row[1])
        with _PARSED_LOCK:
            memo[story_id] = (row[0], story)
        return story

    def __contains__(self, story_id: str) -> bool:
        with self._connect() as con:
            return con.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone() is not None

    def list(self, query: str = "") -> list[Entry]:
        """Saved stories, the seed then newest first; ``query`` keeps those whose id, title, source, text or places
        contain it (any case)."""
        sql = ("SELECT id, title, lang, published, source, created, updated, n_places, n_overrides FROM stories s")
        args: tuple = ()
        words = query.strip().casefold()
        if words:
            sql += (" WHERE instr(lower(id), ?) OR instr(lower(title), ?) OR instr(lower(coalesce(source, '')), ?) OR instr(lower(json), ?)"
                    " OR EXISTS (SELECT 1 FROM places p WHERE p.story_id = s.id AND instr(lower(p.name), ?))")
            args = (words,) * 5
        with self._connect() as con:
            rows = con.execute(sql + " ORDER BY (id = 'seed') DESC, updated DESC, id", args).fetchall()
        return [Entry(*r) for r in rows]

    def stories(self) -> list[tuple[str, Story]]:
        """Every saved story that can be read, with its id (unreadable rows are skipped).

        Parsed stories are remembered in this process by id and last update, so reading the library again after
        a few saves only parses what changed.
        """
        with _PARSED_LOCK, self._connect() as con, paused_gc():
            stamps = con.execute("SELECT id, updated FROM stories ORDER BY id").fetchall()
            memo = _PARSED.setdefault(str(self.path.resolve()), {})
            wanted = [sid for sid, updated in stamps if memo.get(sid, ("",))[0] != updated]
            for chunk in range(0, len(wanted), 500):  # (SQLite limits the number of parameters)
                ids = wanted[chunk:chunk + 500]
                rows = con.execute(f"SELECT id, updated, json FROM stories WHERE id IN ({','.join('?' * len(ids))})",
                                   ids).fetchall()
                for story_id, updated, text in rows:
                    try:
                        memo[story_id] = (updated, story_from_json(text))
                    except StoryFormatError:
                        memo[story_id] = (updated, None)
            for gone in memo.keys() - {sid for sid, _ in stamps}:
                del memo[gone]
            return [(sid, memo[sid][1]) for sid, updated in stamps if memo.get(sid, ("", None))[1] is not None]

    def revision(self) -> str:
        """Changes whenever a story is saved or deleted (for caches); cheap (no story is read)."""
        with self._connect() as con:
            n, last = con.execute("SELECT count(*), max(updated) FROM stories").fetchone()
            row = con.execute("SELECT value FROM meta WHERE key = 'writes'").fetchone()
        return f"{n}:{last}:{row[0] if row else 0}"

    def meta(self, key: str) -> str | None:
        with self._connect() as con:
            row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as con:
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- seed and migration -------------------------------------------------------------------------------

    def sync_seed(self, seed_file: Path) -> None:
        """Make sure the seed story is here and matches ``seed_file`` (the reader's overrides kept).

        Raises FileNotFoundError when neither the library nor the file has it, StoryFormatError/UnicodeError
        when the file cannot be read.
        """
        if not seed_file.exists():
            if SEED_ID in self:
                return
            raise FileNotFoundError(f"{seed_file} does not exist")
        raw = seed_file.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if SEED_ID in self and self.meta("seed_sha256") == digest:
            return
        story = story_from_json(raw.decode("utf-8"))
        with contextlib.suppress(KeyError, StoryFormatError):
            old = self.get(SEED_ID)
            if old.overrides and old.article.text == story.article.text:
                from geostory.review import apply_overrides

                story = apply_overrides(story, old.overrides)
        self.save(story, SEED_ID, origin=str(seed_file))
        self.set_meta("seed_sha256", digest)

    def migrate_json_dir(self, folder: Path) -> int:
        """Import the ``u-<hash>.story.json`` files an older dashboard kept in ``folder`` (once); returns how many."""
        key = f"migrated:{folder.resolve()}"
        if self.meta(key) or not folder.is_dir():
            return 0
        count = 0
        for path in sorted(folder.glob("u-*.story.json")):
            name = path.name[: -len(".story.json")]
            if not _ID_RE.match(name) or name in self:
                continue
            try:
                self.save(story_from_json(path.read_text(encoding="utf-8")), name, origin=str(path))
                count += 1
            except (StoryFormatError, UnicodeError, OSError):
                continue
        self.set_meta(key, _now())
        return count
