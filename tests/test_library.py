"""The story library: save, list, search, rename, delete, the seed always there, legacy files migrated, and a
writer killed in the middle of a save loses nothing already saved."""

from __future__ import annotations

import dataclasses
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from geostory.errors import InputError, LibraryError, StoryFormatError
from geostory.export import story_from_json, story_to_json
from geostory.library import SEED_ID, Library, default_path, story_id_for
from geostory.model import Article, Candidate, Mention, Override, Place, Story

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "sample.story.json"


def sample() -> Story:
    return story_from_json(SAMPLE.read_text(encoding="utf-8"))


def little(n: int) -> Story:
    text = f"Article {n}: le maire est allé à Dijon."
    start = text.index("Dijon")
    return Story(Article(text, "fr", f"2024-01-{n % 28 + 1:02d}", f"Story number {n}"),
                 places=(Place("p1", "Dijon", "city", "FR", 47.32, 5.04, (Mention(start, start + 5, "Dijon"),)),))


@pytest.fixture
def library(tmp_path) -> Library:
    return Library(tmp_path / "lib" / "stories.sqlite")


def test_save_get_list_search(library):
    sid = library.save(sample())
    assert sid == story_id_for(sample()) and library.get(sid) == sample()
    library.save(little(1), "other")
    assert [e.id for e in library.list()] == ["other", sid]  # newest first
    assert [e.id for e in library.list("vladivostok")] == [sid]  # a place name
    assert [e.id for e in library.list("dijon")] == ["other"]
    assert [e.id for e in library.list("STORY NUMBER")] == ["other"]  # the title, any case
    assert library.list("nowhere-at-all") == []
    entry = library.list("other")[0]
    assert (entry.title, entry.places, entry.overrides, entry.published) == ("Story number 1", 1, 0, "2024-01-02")


def test_saving_again_replaces(library):
    library.save(little(1), "s")
    library.save(dataclasses.replace(little(1), places=()), "s")
    assert library.get("s").places == () and len(library.list()) == 1
    with sqlite3.connect(library.path) as con:
        assert con.execute("SELECT count(*) FROM places WHERE story_id='s'").fetchone()[0] == 0


def test_rename_and_delete(library):
    library.save(little(2), "s")
    library.rename("s", "  A better   title ")
    assert library.get("s").article.title == "A better title" and library.list()[0].title == "A better title"
    with pytest.raises(InputError):
        library.rename("s", "   ")
    library.delete("s")
    assert "s" not in library
    with pytest.raises(KeyError):
        library.get("s")


def test_ids_are_plain_words(library):
    with pytest.raises(InputError):
        library.save(little(1), "../../etc/passwd")


def test_the_seed_is_always_there_and_follows_its_file(library, tmp_path):
    seed_file = tmp_path / "seed.story.json"
    seed_file.write_text(story_to_json(sample()), encoding="utf-8")
    library.sync_seed(seed_file)
    assert library.get(SEED_ID) == sample()
    with pytest.raises(InputError, match="stays"):
        library.delete(SEED_ID)
    # a reader corrects the seed, then the seed file is regenerated: the correction is applied to the new one
    from geostory.review import override_place

    corrected = override_place(library.get(SEED_ID), "vladivostok", "drop")
    library.save(corrected, SEED_ID)
    newer = dataclasses.replace(sample(), notes=("regenerated",))
    seed_file.write_text(story_to_json(newer), encoding="utf-8")
    library.sync_seed(seed_file)
    again = library.get(SEED_ID)
    assert again.notes == ("regenerated",) and again.place("vladivostok") is None and len(again.overrides) == 1
    # without its file the library keeps it; with neither it is a clear FileNotFoundError
    seed_file.unlink()
    library.sync_seed(seed_file)
    assert SEED_ID in library
    with pytest.raises(FileNotFoundError):
        Library(tmp_path / "empty.sqlite").sync_seed(seed_file)


def test_legacy_json_files_are_migrated_once(library, tmp_path):
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "u-aaaaaaaaaaaa.story.json").write_text(story_to_json(little(3)), encoding="utf-8")
    (folder / "u-bbbbbbbbbbbb.story.json").write_text("{broken", encoding="utf-8")
    (folder / "notes.txt").write_text("not a story", encoding="utf-8")
    assert library.migrate_json_dir(folder) == 1
    assert library.get("u-aaaaaaaaaaaa") == little(3)
    library.delete("u-aaaaaaaaaaaa")
    assert library.migrate_json_dir(folder) == 0  # once: a story deleted later does not come back


def test_overrides_round_trip_through_the_library(library):
    c = Candidate("gn:1", "Dijon", "city", "FR", 47.3, 5.0, 1.0, "chosen by a reader")
    story = dataclasses.replace(little(4), overrides=(Override("choose", 20, 25, "Dijon", c),))
    library.save(story, "s")
    assert library.get("s") == story and library.list()[0].overrides == 1


def test_location_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("GEOSTORY_LIBRARY", str(tmp_path / "x.sqlite"))
    assert default_path() == tmp_path / "x.sqlite"
    monkeypatch.delenv("GEOSTORY_LIBRARY")
    monkeypatch.setenv("GEOSTORY_CACHE", str(tmp_path / "cache"))
    assert default_path() == tmp_path / "cache" / "library.sqlite"
    monkeypatch.delenv("GEOSTORY_CACHE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert default_path() == tmp_path / "xdg" / "geostory" / "library.sqlite"


def test_an_unwritable_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(LibraryError, match="GEOSTORY_LIBRARY"):
        Library(blocker / "lib.sqlite")


def test_wal_mode(library):
    with sqlite3.connect(library.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


WRITER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from geostory.library import Library
    from tests.test_library import little

    library = Library({path!r})
    for n in range(5):
        library.save(little(n), f"s{{n}}")
        print("saved", n, flush=True)

    original = Library._write_places
    def slow(con, story_id, story):
        original(con, story_id, story)
        print("mid-save", flush=True)  # the story row and its places are written, not committed
        time.sleep(60)
    Library._write_places = staticmethod(slow)
    library.save(little(99), "s0")  # replaces s0: must not happen half
    library.save(little(100), "new")
    """
)


def test_a_writer_killed_mid_save_loses_nothing(tmp_path):
    path = tmp_path / "crash.sqlite"
    proc = subprocess.Popen([sys.executable, "-c", WRITER.format(root=str(ROOT), path=str(path))],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line.strip())
            if line.strip() == "mid-save":
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert lines == [*(f"saved {n}" for n in range(5)), "mid-save"]
    library = Library(path)
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM places").fetchone()[0] == 5
    assert sorted(e.id for e in library.list()) == [f"s{n}" for n in range(5)]
    for n in range(5):
        assert library.get(f"s{n}") == little(n)  # s0 is still the one saved before the crash
    library.save(little(7), "after")  # and the library takes new saves
    assert "after" in library


def test_save_many_is_one_transaction(library):
    assert library.save_many([("a", little(1)), (None, little(2))]) == ["a", story_id_for(little(2))]
    assert [sid for sid, _ in library.stories()] == sorted(["a", story_id_for(little(2))])
    with pytest.raises(InputError):
        library.save_many([("b", little(3)), ("not an id", little(4))])
    assert "b" not in library  # nothing of a refused batch is saved
    assert library.get("a") == little(1)


def test_revision_follows_every_write(library):
    seen = {library.revision()}
    for write in (lambda: library.save(little(1), "s"), lambda: library.save(little(2), "s"),
                  lambda: library.rename("s", "Another"), lambda: library.save(little(3), "t"),
                  lambda: library.delete("t")):
        write()
        assert library.revision() not in seen
        seen.add(library.revision())
    assert library.revision() == library.revision()  # reading does not change it


def test_stories_follow_saves_and_deletes_from_elsewhere(library):
    library.save(little(1), "s")
    library.save(little(2), "t")
    assert dict(library.stories()) == {"s": little(1), "t": little(2)} and library.get("s") == little(1)
    other = Library(library.path)  # another instance (as another process would) changes the file
    other.save(little(5), "s")
    other.delete("t")
    assert dict(library.stories()) == {"s": little(5)}
    assert library.get("s") == little(5)
    with pytest.raises(KeyError):
        library.get("t")
    with sqlite3.connect(library.path) as con:  # an unreadable row is skipped, the rest still read
        con.execute("UPDATE stories SET json = '{', updated = 'x' WHERE id = 's'")
    library.save(little(6), "u")
    assert dict(library.stories()) == {"u": little(6)}
    with pytest.raises(StoryFormatError):
        library.get("s")
