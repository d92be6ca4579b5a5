"""Shared fixtures: the ../shared folder (devset, gold, scorer) and the offline gazetteer."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GEOSTORY_SHARED", ROOT.parent / "shared"))
# Interface strings are asserted in English; tests/test_i18n.py and tests/test_browser_i18n.py check French too.
# App servers started by tests inherit it.
os.environ.setdefault("GEOSTORY_UI_LANG", "en")


def require_shared() -> Path:
    """The ../shared folder; skipped locally when absent, a failure when GEOSTORY_REQUIRE_SHARED=1 (CI)."""
    if (SHARED / "tools" / "score_story.py").exists():
        return SHARED
    reason = f"../shared not present at {SHARED}: the devset, gold files and scorer live there"
    if os.environ.get("GEOSTORY_REQUIRE_SHARED") == "1":
        pytest.fail(reason + " (GEOSTORY_REQUIRE_SHARED=1 makes it mandatory)")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def private_library(tmp_path_factory):
    """Every test (and every app server a test starts) uses a library in a temporary folder, never the user's."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GEOSTORY_LIBRARY", str(tmp_path_factory.mktemp("library") / "library.sqlite"))
        yield


@pytest.fixture(autouse=True)
def restore_main_module():
    """Streamlit's AppTest installs the app script as ``__main__`` and leaves it there; a process started later
    with the "spawn" method (Dask's workers) would then run the whole dashboard on start-up. Put pytest's back."""
    main = sys.modules.get("__main__")
    yield
    if main is not None and sys.modules.get("__main__") is not main:
        sys.modules["__main__"] = main


@pytest.fixture(scope="session")
def shared() -> Path:
    return require_shared()


@pytest.fixture(scope="session")
def score_story(shared):
    """The reference scorer's `score(gold, text, story_dict)` function."""
    spec = importlib.util.spec_from_file_location("score_story", shared / "tools" / "score_story.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.score


@pytest.fixture(scope="session")
def gazetteer():
    from geostory.gazetteer.index import get_gazetteer

    return get_gazetteer()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (ROOT / "data" / "seed" / "article.fr.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_story(seed_text):
    from geostory.extract.pipeline import extract_story
    from geostory.model import Article

    return extract_story(Article(text=seed_text, lang="fr", published="2023-09-14"))
