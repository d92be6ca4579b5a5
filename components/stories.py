"""Where the dashboard's stories come from: the story library (SQLite), and Story JSON files as a fallback.

The library is :func:`geostory.library.default_path` (``$GEOSTORY_LIBRARY``). On first use per server it imports
the ``u-<hash>.story.json`` files older dashboards kept in ``$GEOSTORY_CACHE/stories``; the seed story
(``<story dir>/seed.story.json``) is always in it. Other ``<name>.story.json`` files of the story directory
(``data/`` or ``$GEOSTORY_STORY_DIR``) open read-only until a correction saves them into the library.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import streamlit as st

from geostory.errors import GeostoryError
from geostory.export import story_from_json
from geostory.library import SEED_ID, Library
from geostory.model import Story

REPO_ROOT = Path(__file__).resolve().parents[1]
SUFFIX = ".story.json"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,80}$")


def story_dir() -> Path:
    """Where the dashboard looks for story files."""
    return Path(os.environ.get("GEOSTORY_STORY_DIR") or REPO_ROOT / "data")


def legacy_dir() -> Path:
    """Where dashboards before the library kept the stories they made."""
    from geostory.gazetteer.build import default_cache_dir

    return default_cache_dir() / "stories"


@st.cache_resource(show_spinner=False, max_entries=4)
def _open(path: str, legacy: str) -> Library:
    library = Library(path)
    library.migrate_json_dir(Path(legacy))
    return library


def get_library() -> Library:
    """The story library of this server (opened once per location), with the seed story in it when it can be."""
    from geostory.library import default_path

    library = _open(str(default_path()), str(legacy_dir()))
    with contextlib.suppress(FileNotFoundError, GeostoryError, UnicodeError, OSError):
        library.sync_seed(story_path(SEED_ID))  # a broken seed file is reported when the seed is opened
    return library


def story_names() -> list[str]:
    """Names of the story files available, sorted."""
    return sorted(p.name[: -len(SUFFIX)] for p in story_dir().glob(f"*{SUFFIX}") if _NAME_RE.match(p.name[: -len(SUFFIX)]))


def story_path(name: str) -> Path:
    """The file of a story name; FileNotFoundError for names that are not plain words."""
    if not _NAME_RE.match(name):
        raise FileNotFoundError(f"{name!r} is not a story name (letters, digits, '-' and '_' only)")
    return story_dir() / f"{name}{SUFFIX}"


@st.cache_resource(show_spinner=False, max_entries=16)
def _load_file(path: str, mtime: float) -> Story:
    return story_from_json(Path(path).read_text(encoding="utf-8"))


def get_story(name: str, library: Library | None = None) -> Story:
    """The story called ``name`` (library first, then a file); FileNotFoundError, UnicodeError or GeostoryError."""
    library = library or get_library()
    path = story_path(name)
    if name == SEED_ID:
        library.sync_seed(path)
    try:
        return library.get(name)
    except KeyError:
        pass
    return _load_file(str(path), path.stat().st_mtime)


def load_story_or_stop(name: str, library: Library | None = None) -> Story:
    """The Story called ``name``, or a clear ``st.error`` (never a traceback) and the end of this run."""
    from components.i18n import t

    try:
        return get_story(name, library)
    except FileNotFoundError as exc:
        detail = exc if not _NAME_RE.match(name) else t("story_missing_file", path=story_path(name))
        hint = (
            t("seed_hint") + " `python -m geostory extract data/seed/article.fr.txt --lang fr "
            "--published 2023-09-14 --format json > data/seed.story.json`."
            if name == SEED_ID
            else t("open_other_hint")
        )
        st.error(t("story_not_found", name=repr(name), detail=detail) + f"\n\n{hint}")
    except (GeostoryError, UnicodeError, OSError) as exc:
        st.error(t("story_unreadable", name=repr(name), error=exc) + "\n\n" + t("story_unreadable_hint")
                 + " `python -m geostory extract ... --format json`.")
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def save_story(story: Story, name: str, library: Library | None = None) -> str:
    """Save ``story`` in the library under ``name``; returns the name."""
    return (library or get_library()).save(story, name)
