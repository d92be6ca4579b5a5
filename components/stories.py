"""Finding and loading precomputed Story JSON files (``<dir>/<name>.story.json``).

The directory is ``data/`` of the repository, or ``$GEOSTORY_STORY_DIR`` when set. Stories are read only
through :func:`geostory.export.story_from_json`, cached once per server and file version.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import streamlit as st

from geostory.errors import GeostoryError
from geostory.export import story_from_json
from geostory.model import Story

REPO_ROOT = Path(__file__).resolve().parents[1]
SUFFIX = ".story.json"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,80}$")


def story_dir() -> Path:
    """Where the dashboard looks for stories."""
    return Path(os.environ.get("GEOSTORY_STORY_DIR") or REPO_ROOT / "data")


def story_names() -> list[str]:
    """Names of the stories available, sorted."""
    return sorted(p.name[: -len(SUFFIX)] for p in story_dir().glob(f"*{SUFFIX}") if _NAME_RE.match(p.name[: -len(SUFFIX)]))


def story_path(name: str) -> Path:
    """The file of a story name (``u-...``: made in the dashboard); FileNotFoundError for names that are not plain words."""
    if not _NAME_RE.match(name):
        raise FileNotFoundError(f"{name!r} is not a story name (letters, digits, '-' and '_' only)")
    if name.startswith("u-"):
        from components.analyse import user_story_dir

        return user_story_dir() / f"{name}{SUFFIX}"
    return story_dir() / f"{name}{SUFFIX}"


@st.cache_resource(show_spinner=False, max_entries=16)
def _load(path: str, mtime: float) -> Story:
    return story_from_json(Path(path).read_text(encoding="utf-8"))


def get_story(name: str) -> Story:
    """The Story called ``name``; raises FileNotFoundError, UnicodeError or GeostoryError."""
    path = story_path(name)
    return _load(str(path), path.stat().st_mtime)


def load_story_or_stop(name: str) -> Story:
    """The Story called ``name``, or a clear ``st.error`` (never a traceback) and the end of this run."""
    try:
        return get_story(name)
    except FileNotFoundError as exc:
        detail = exc if not _NAME_RE.match(name) else f"{story_path(name)} does not exist"
        hint = (
            "Regenerate the seed story with `python -m geostory extract data/seed/article.fr.txt --lang fr "
            "--published 2023-09-14 --format json > data/seed.story.json`."
            if name == "seed"
            else f"Known stories: {', '.join(story_names()) or 'none'}. Pick one with `?story=NAME`."
        )
        st.error(f"**Story {name!r} not found.** {detail}.\n\n{hint}")
    except (GeostoryError, UnicodeError, OSError) as exc:
        st.error(
            f"**Story {name!r} cannot be read.** {exc}\n\n"
            "The file is not a valid geostory Story JSON; regenerate it with `python -m geostory extract ... --format json`."
        )
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def render_story_picker(current: str, *, key: str = "gs_story_picker") -> None:
    """A sidebar list of the available stories; choosing one changes ``?story=`` and reruns."""
    from components import state

    names = story_names()
    if current not in names:
        names = [current, *names]
    st.session_state[key] = current

    def switch() -> None:
        state.set_story_name(st.session_state[key])

    st.selectbox("Story", names, key=key, on_change=switch)
