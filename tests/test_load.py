"""Many users: 20 concurrent sessions on one dashboard server (loopback, offline), bounded in time.

Driven through Streamlit's websocket protocol (tests/load_sessions.py): half the sessions open the seed story,
half the sample, by URL; each picks a place, then another; four paste and map an article of their own. Every
session must end up showing its own story and selection (panel, URL, selected marker) and never another's; no
exception or error box anywhere; the server keeps answering its health check and its memory stays under Streamlit
Community Cloud's smallest allowance. Figures are printed (``pytest -s``) and written to ``artifacts/load.json``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from geostory.export import story_from_json
from tests.load_sessions import run_load

pytestmark = pytest.mark.load

ROOT = Path(__file__).resolve().parents[1]
STORIES = {"seed": ROOT / "data" / "seed.story.json", "sample": ROOT / "tests" / "data" / "sample.story.json"}
SESSIONS = 20
CLOUD_MEMORY_MB = 690  # Streamlit Community Cloud's smallest memory allowance


def serve(tmp_path: Path):
    """A dashboard server on a free port with the two stories and an empty library of its own."""
    from geostory.gazetteer.index import get_gazetteer
    from tests.apprunner import AppServer

    for name, path in STORIES.items():
        shutil.copy(path, tmp_path / f"{name}.story.json")
    return AppServer(env={"GEOSTORY_STORY_DIR": str(tmp_path), "GEOSTORY_LIBRARY": str(tmp_path / "library.sqlite"),
                          "GEOSTORY_INDEX": str(get_gazetteer().path), "GEOSTORY_CACHE": str(tmp_path / "cache")})


def test_twenty_sessions_keep_their_own_story_and_selection(tmp_path):
    """Two waves of 20 sessions on one server: the second finds the memory the first left, not more."""
    stories = {name: story_from_json(path.read_text(encoding="utf-8")) for name, path in STORIES.items()}
    with serve(tmp_path) as server:
        waves = [run_load(server, stories, SESSIONS), run_load(server, stories, SESSIONS)]
    figures = [w.as_dict() for w in waves]
    (ROOT / "artifacts").mkdir(exist_ok=True)
    (ROOT / "artifacts" / "load.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print("\nload:", json.dumps(figures))
    for report in waves:
        assert not report.failures, report.failures
        assert report.held == SESSIONS and report.pasted == 4
        assert not report.crossed, report.crossed[:10]
        assert report.health_checks > 0
        assert report.peak_rss_mb < CLOUD_MEMORY_MB, figures
    assert waves[1].peak_rss_mb < 1.15 * waves[0].peak_rss_mb, figures  # sessions that left do not pile up
