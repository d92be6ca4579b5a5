"""Failing dependencies, end to end: the gazetteer index and an online geocoder.

Not repeated here (see their own tests): provider faults one by one and the circuit breaker
(tests/test_geocode_online.py), the geocoding cache killed mid-save or corrupt (tests/test_geocode_cache.py), the
story library killed mid-save (tests/test_library.py).

- Gazetteer index missing, corrupt, stale, empty or damaged in the middle: rebuilt when it is geostory's own,
  otherwise a ``GazetteerError`` that names the file and the fix, through the API, the CLI (exit 2, one line) and
  the dashboard (``st.error``) -- never an empty map without a word.
- An online geocoder that answers, then fails halfway through a story (timeouts, HTTP 500, garbage), driven
  through ``extract_story`` and through the CLI against a local HTTP server: the story completes with every place
  of the offline extraction, the answers already received, and a note saying what failed.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from streamlit.testing.v1 import AppTest

from geostory.cli import main
from geostory.errors import GazetteerError
from geostory.export import story_from_json
from geostory.extract.pipeline import extract_story
from geostory.gazetteer import build
from geostory.gazetteer.index import Gazetteer, get_gazetteer
from geostory.geocode.online import GeocoderConfig, reset_providers
from geostory.model import Article
from tests.story_checks import story_problems
from tests.test_geocode_offline import make_index
from tests.test_geocode_online import FakeService, hit, timeout
from tests.test_geocode_online import http as http_status

ROOT = Path(__file__).resolve().parents[1]
TEXT = ("Le président s'est rendu à Lyon mardi. Il a ensuite visité Marseille, puis Toulouse et Bordeaux. "
        "Il ira à Lille, à Nantes et à Strasbourg la semaine prochaine. « Nous reviendrons », a-t-il dit.")


@pytest.fixture(scope="module")
def real_index() -> Path:
    return get_gazetteer().path


@pytest.fixture(scope="module")
def offline_story():
    return extract_story(Article(text=TEXT, lang="fr", published="2024-03-05"))


# -- gazetteer index -------------------------------------------------------------------------------------------


@pytest.fixture
def fake_builds(monkeypatch, tmp_path):
    """``build_index`` writes the small fixture index (with its digest) instead of the real 40-second build."""
    calls = []

    def fake_build(path: Path, *, digest: str | None = None, isolated: bool = False) -> Path:
        calls.append(path)
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        make_index(tmp)
        with sqlite3.connect(tmp) as con:
            con.execute("INSERT INTO meta VALUES ('digest', ?)", (digest,))
        os.replace(tmp, path)
        return path

    monkeypatch.setattr(build, "build_index", fake_build)
    monkeypatch.setattr(build, "inputs_digest", lambda: "0123456789abcdef")
    monkeypatch.setenv("GEOSTORY_CACHE", str(tmp_path))
    monkeypatch.delenv("GEOSTORY_INDEX", raising=False)
    return calls


def _own_index(tmp_path: Path) -> Path:
    return tmp_path / "gazetteer-0123456789abcdef.sqlite"


@pytest.mark.parametrize("damage", ["missing", "garbage", "empty file", "truncated", "stale digest", "no meta"])
def test_own_index_missing_or_corrupt_is_rebuilt(damage, fake_builds, tmp_path):
    path = _own_index(tmp_path)
    if damage != "missing":
        make_index(path)
        with sqlite3.connect(path) as con:
            con.execute("INSERT INTO meta VALUES ('digest', ?)", ("0123456789abcdef",))
        data = path.read_bytes()
        if damage == "garbage":
            path.write_bytes(b"this is not a database " * 500)
        elif damage == "empty file":
            path.write_bytes(b"")
        elif damage == "truncated":
            path.write_bytes(data[:100])
        elif damage == "stale digest":
            with sqlite3.connect(path) as con:
                con.execute("UPDATE meta SET value = 'old' WHERE key = 'digest'")
        elif damage == "no meta":
            with sqlite3.connect(path) as con:
                con.execute("DROP TABLE meta")
    gaz = Gazetteer()
    assert fake_builds == [path], "the index was not rebuilt"
    assert gaz.path == path and [e.id for e in gaz.lookup("Paris")] == ["gn:paris", "gn:paris-tx"]


def test_a_sound_own_index_is_reused(fake_builds, tmp_path):
    Gazetteer()
    Gazetteer()
    assert len(fake_builds) == 1


def _damaged_copy(src: Path, dst: Path) -> Path:
    """A copy of a real index whose pages after the schema are overwritten: the file opens, lookups fail."""
    shutil.copy(src, dst)
    size = dst.stat().st_size
    with open(dst, "r+b") as f:
        f.seek(size // 3)
        f.write(b"\xa5" * (size // 3))
    return dst


def _empty_index(path: Path) -> Path:
    with sqlite3.connect(path) as con:
        con.executescript(build.SCHEMA)
    return path


@pytest.mark.parametrize("damage", ["missing", "garbage", "damaged pages", "no entries"])
def test_a_given_index_that_cannot_serve_is_a_clear_error(damage, tmp_path, real_index):
    path = tmp_path / "given.sqlite"
    if damage == "garbage":
        path.write_bytes(b"not a database" * 100)
    elif damage == "damaged pages":
        _damaged_copy(real_index, path)
    elif damage == "no entries":
        _empty_index(path)
    with pytest.raises(GazetteerError) as info:
        extract_story(Article(text=TEXT, lang="fr"), gazetteer=Gazetteer(path))
    message = str(info.value)
    assert str(path) in message and ("gazetteer import" in message or "gazetteer build" in message), message


def test_cli_with_a_broken_index_says_which_and_how(tmp_path, real_index, monkeypatch, capsys):
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    for index in (tmp_path / "missing.sqlite", _damaged_copy(real_index, tmp_path / "damaged.sqlite"),
                  _empty_index(tmp_path / "empty.sqlite")):
        monkeypatch.setenv("GEOSTORY_INDEX", str(index))
        get_gazetteer.cache_clear()
        try:
            code = main(["extract", str(article), "--lang", "fr"])
        finally:
            get_gazetteer.cache_clear()
        out, err = capsys.readouterr()
        assert code == 2 and out == "", err
        assert len(err.strip().splitlines()) == 1 and str(index) in err and "gazetteer" in err, err


def test_dashboard_with_a_missing_index_shows_an_error_not_an_empty_map(tmp_path, monkeypatch):
    from components.analyse import get_resources

    monkeypatch.setenv("GEOSTORY_INDEX", str(tmp_path / "missing.sqlite"))
    monkeypatch.setenv("GEOSTORY_LIBRARY", str(tmp_path / "library.sqlite"))
    monkeypatch.setenv("GEOSTORY_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("GEOSTORY_STORY_DIR", str(ROOT / "tests" / "data"))
    get_gazetteer.cache_clear()
    get_resources.clear()
    try:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.query_params["story"] = "sample"
        at.run()
        at.sidebar.text_area[0].input(TEXT)
        at.sidebar.button(key="gs_analyse_go").click().run()
    finally:
        get_gazetteer.cache_clear()
        get_resources.clear()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value.replace("\\", "") for e in at.error]  # the page escapes markdown in the message
    assert errors and "gazetteer index not found" in errors[0] and "missing.sqlite" in errors[0], errors
    assert str(at.query_params.get("story")) == "sample", "a story was made without a gazetteer"


# -- online geocoder failing halfway through a story ---------------------------------------------------------


def _config(service: FakeService, **kw) -> GeocoderConfig:
    return GeocoderConfig(**{"provider": "nominatim", "user_agent": "geostory-tests/1.0", "min_delay_seconds": 0,
                             "error_wait_seconds": 0, "max_retries": 0, "cache": "off",
                             "adapter_factory": service.adapter, "breaker_threshold": 2,
                             "breaker_cooldown_seconds": 3600, "order": "online-first", **kw})


@pytest.mark.parametrize("failure", ["timeout", "http 500", "garbage"])
def test_story_completes_when_the_geocoder_fails_halfway(failure, offline_story):
    reset_providers()
    fault = {"timeout": timeout, "http 500": http_status(500), "garbage": "<html>502 Bad Gateway</html>"}[failure]
    service = FakeService(hit(45.76, 4.84, "Lyon, France"), hit(43.3, 5.37, "Marseille, France"), fault)
    try:
        story = extract_story(Article(text=TEXT, lang="fr", published="2024-03-05"), geocoder=_config(service))
    finally:
        reset_providers()
    assert [p.id for p in story.places] == [p.id for p in offline_story.places]
    assert [p.mentions for p in story.places] == [p.mentions for p in offline_story.places]
    assert sum(p.provider == "nominatim" for p in story.places) == 2  # the answers received before the failure
    kept = [p for p in story.places if p.provider != "nominatim"]
    assert all(p.resolved for p in kept) and kept == [p for p in offline_story.places if p.id in {k.id for k in kept}]
    why = {"timeout": "timeout", "http 500": "server error, HTTP 500", "garbage": "malformed answer"}[failure]
    assert any(n.startswith(f"Nominatim unavailable ({why}): kept offline results for") for n in story.notes), story.notes
    assert len(story.events) == len(offline_story.events) and len(story.quotes) == len(offline_story.quotes)
    assert not story_problems(story)


class _FlakyNominatim(BaseHTTPRequestHandler):
    """Answers the first two searches like Nominatim, then fails with HTTP 500."""

    answered = 0
    lock = threading.Lock()

    def do_GET(self):
        q = parse_qs(urlparse(self.path).query).get("q", [""])[0]
        with self.lock:
            type(self).answered += 1
            n = type(self).answered
        if n > 2:
            self.send_response(500)
            self.end_headers()
            return
        body = json.dumps(hit(45.0 + n / 10, 4.0 + n / 10, f"{q}, France")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_cli_with_a_geocoder_failing_halfway_completes_with_notes(tmp_path, monkeypatch, capsys, offline_story):
    _FlakyNominatim.answered = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FlakyNominatim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    env = {"GEOSTORY_GEOCODER_DOMAIN": f"127.0.0.1:{server.server_address[1]}",
           "GEOSTORY_GEOCODER_OPTIONS": json.dumps({"scheme": "http"}), "GEOSTORY_USER_AGENT": "geostory-tests/1.0",
           "GEOSTORY_GEOCODE_CACHE": str(tmp_path / "geocode.sqlite"), "GEOSTORY_GEOCODER_ORDER": "online-first",
           "GEOSTORY_GEOCODER_MIN_DELAY": "0", "GEOSTORY_GEOCODER_ERROR_WAIT": "0",
           "GEOSTORY_GEOCODER_MAX_RETRIES": "0"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    reset_providers()
    try:
        code = main(["extract", str(article), "--lang", "fr", "--published", "2024-03-05", "--geocoder", "nominatim"])
    finally:
        reset_providers()
        server.shutdown()
    out, err = capsys.readouterr()
    assert code == 0, err
    story = story_from_json(out)
    assert [p.id for p in story.places] == [p.id for p in offline_story.places]
    assert sum(p.provider == "nominatim" for p in story.places) == 2
    notes = [line for line in err.splitlines() if line.startswith("geostory: note: ")]
    assert any("unavailable (server error, HTTP 500): kept offline results" in n for n in notes), err
    assert "Traceback" not in err
