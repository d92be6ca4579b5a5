"""The persistent geocoding cache: answers and "not found" kept apart, shared by threads and processes, crash-safe."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderTimedOut
from geopy.location import Location

from geostory.errors import GeocodingError
from geostory.geocode.cache import GeocodeCache, normalize_query
from geostory.geocode.chain import geocode_places
from geostory.geocode.online import GeocoderConfig, reset_providers
from geostory.model import Place

ROOT = Path(__file__).resolve().parents[1]
DAY = 86400.0


def loc(lat=44.93, lon=4.89, name="Valence, Drôme, France", **raw):
    return Location(name, (lat, lon), {"osm_id": 123, "display_name": name, **raw})


@pytest.fixture
def cache(tmp_path) -> GeocodeCache:
    return GeocodeCache(tmp_path / "geocode.sqlite")


def test_answer_round_trips_with_raw_payload_and_time(cache):
    stored = cache.put("nominatim", "Valence", "FR", loc(extra={"names": ["Valence", "Valença"]}))
    got = cache.get("nominatim", "Valence", "FR")
    assert got == stored
    assert got.found and (got.lat, got.lon, got.address) == (44.93, 4.89, "Valence, Drôme, France")
    assert got.raw["extra"]["names"][1] == "Valença"
    assert got.location.raw == got.raw and got.location.latitude == 44.93
    assert got.fetched_iso.endswith("Z") and len(got.fetched_iso) == 20


def test_not_found_is_stored_and_distinct_from_a_miss(cache):
    assert cache.get("nominatim", "Zorglub", "FR") is None  # never asked
    cache.put("nominatim", "Zorglub", "FR", None)
    got = cache.get("nominatim", "Zorglub", "FR")
    assert got is not None and got.found is False and got.location is None


def test_key_is_provider_query_and_country_hint(cache):
    cache.put("nominatim", "  Valence ", "fr", loc())
    assert cache.get("nominatim", "VALENCE", "FR") is not None  # spacing and case do not matter
    assert cache.get("nominatim", "Valence", "ES") is None  # the country hint does
    assert cache.get("nominatim", "Valence") is None
    assert cache.get("photon", "Valence", "FR") is None  # so does the provider
    assert normalize_query({"city": "Paris", "state": " Texas"}) == normalize_query({"state": "texas", "city": "PARIS"})


def test_answers_expire_sooner_when_nothing_was_found(tmp_path):
    now = [1_000_000.0]
    cache = GeocodeCache(tmp_path / "c.sqlite", max_age_days=30, negative_max_age_days=2, clock=lambda: now[0])
    cache.put("nominatim", "Valence", None, loc())
    cache.put("nominatim", "Zorglub", None, None)
    now[0] += 3 * DAY
    assert cache.get("nominatim", "Valence") is not None and cache.get("nominatim", "Zorglub") is None
    now[0] += 30 * DAY
    assert cache.get("nominatim", "Valence") is None
    assert len(cache) == 2 and cache.prune() == 2 and len(cache) == 0


def test_shared_across_runs_and_processes(tmp_path):
    path = tmp_path / "shared.sqlite"
    GeocodeCache(path).put("nominatim", "Valence", "FR", loc())
    assert GeocodeCache(path).get("nominatim", "Valence", "FR").lat == 44.93  # a later run
    script = textwrap.dedent(f"""
        from geostory.geocode.cache import GeocodeCache
        c = GeocodeCache({str(path)!r})
        print(c.get("nominatim", "Valence", "FR").address)
        from geopy.location import Location
        c.put("photon", "Lyon", None, Location("Lyon", (45.75, 4.85), {{}}))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "Valence, Drôme, France"
    assert GeocodeCache(path).get("photon", "Lyon").lon == 4.85


def test_concurrent_threads_lose_no_write(cache):
    errors = []

    def work(t):
        try:
            for i in range(40):
                cache.put("nominatim", f"place {t}-{i}", "FR", loc(lat=10 + t, lon=i))
                assert cache.get("nominatim", f"place {t}-{i}", "FR").lon == i
        except Exception as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == [] and len(cache) == 8 * 40


def test_a_writer_killed_mid_save_leaves_a_consistent_cache(tmp_path):
    path = tmp_path / "killed.sqlite"
    script = textwrap.dedent(f"""
        import sys
        from geopy.location import Location
        from geostory.geocode.cache import GeocodeCache
        c = GeocodeCache({str(path)!r})
        i = 0
        while True:
            c.put("nominatim", f"place {{i}}", "FR", Location(f"Place {{i}}", (45.0, 5.0), {{"pad": "x" * 2000}}))
            print(i, flush=True)
            i += 1
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    committed = []
    try:
        for line in proc.stdout:
            committed.append(int(line))
            if len(committed) >= 200:
                break
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert len(committed) >= 200, "the writer stopped before being killed"
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    reopened = GeocodeCache(path)
    assert reopened.recovered_from is None
    assert all(reopened.get("nominatim", f"place {i}", "FR") is not None for i in committed)


def test_a_corrupt_file_is_moved_aside_and_a_fresh_cache_started(tmp_path):
    path = tmp_path / "geocode.sqlite"
    path.write_bytes(b"garbage, not sqlite " * 200)
    cache = GeocodeCache(path)
    assert cache.recovered_from is not None and cache.recovered_from.exists()
    cache.put("nominatim", "Valence", "FR", loc())
    assert cache.get("nominatim", "Valence", "FR") is not None


def test_an_unusable_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(GeocodingError, match="GEOSTORY_GEOCODE_CACHE"):
        GeocodeCache(blocker / "sub" / "geocode.sqlite")


class DownAdapter(BaseSyncAdapter):
    """A provider whose every request times out."""

    def get_json(self, url, *, timeout, headers):
        raise GeocoderTimedOut("Service timed out")

    get_text = get_json


def test_failures_are_never_cached_and_a_broken_cache_does_not_stop_geocoding(tmp_path):
    reset_providers()
    places = (Place("p1", "Valence", "city", "FR", 44.9256, 4.90956),)
    base = dict(provider="nominatim", user_agent="t/1", min_delay_seconds=0, error_wait_seconds=0,
                adapter_factory=DownAdapter, order="online-first")
    path = tmp_path / "c.sqlite"
    out, notes = geocode_places(places, GeocoderConfig(cache=str(path), **base))
    assert out == places and len(GeocodeCache(path)) == 0
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    reset_providers()
    out, notes = geocode_places(places, GeocoderConfig(cache=str(blocker / "c.sqlite"), **base))
    assert out == places
    assert notes[0].startswith("geocoding cache unavailable (") and notes[0].endswith("answers are not cached")
    assert notes[1] == "Nominatim unavailable (timeout): kept offline results for 1 place"
    reset_providers()
