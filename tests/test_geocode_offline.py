"""OfflineGeocoder: the offline gazetteer answers like any geopy geocoder, without the network."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest
from geopy.exc import GeocoderQueryError, GeocoderUnavailable
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geostory.gazetteer.build import INDEXES, MAIN, ALT, DEMONYM, SCHEMA, IndexWriter
from geostory.gazetteer.index import Gazetteer
from geostory.geocode.offline import OfflineGeocoder

# a small gazetteer in the index's own format: (id, name, kind, feature, country, admin1, admin2, lat, lon, pop,
# names with flags)
FIXTURE = [
    ("gn:fr", "France", "country", "PCLI", "FR", None, None, 46.6, 2.4, 67_000_000,
     [("France", MAIN), ("French", DEMONYM), ("Français", DEMONYM)]),
    ("gn:us", "United States", "country", "PCLI", "US", None, None, 39.8, -98.6, 330_000_000,
     [("United States", MAIN), ("États-Unis", ALT), ("USA", ALT)]),
    ("gn:es", "Spain", "country", "PCLI", "ES", None, None, 40.2, -3.6, 47_000_000,
     [("Spain", MAIN), ("Espagne", ALT)]),
    ("gn:idf", "Île-de-France", "region", "ADM1", "FR", None, None, 48.7, 2.5, 12_000_000, [("Île-de-France", MAIN)]),
    ("gn:ara", "Auvergne-Rhône-Alpes", "region", "ADM1", "FR", None, None, 45.5, 4.5, 8_000_000,
     [("Auvergne-Rhône-Alpes", MAIN)]),
    ("gn:drome", "Drôme", "region", "ADM2", "FR", "gn:ara", None, 44.8, 5.0, 500_000, [("Drôme", MAIN)]),
    ("gn:tx", "Texas", "region", "ADM1", "US", None, None, 31.0, -97.5, 29_000_000, [("Texas", MAIN)]),
    ("gn:paris", "Paris", "city", "PPLC", "FR", "gn:idf", None, 48.85341, 2.3488, 2_138_551,
     [("Paris", MAIN), ("Lutèce", ALT)]),
    ("gn:paris-tx", "Paris", "city", "PPL", "US", "gn:tx", None, 33.66094, -95.55551, 24_782, [("Paris", MAIN)]),
    ("gn:valence", "Valence", "city", "PPL", "FR", "gn:ara", "gn:drome", 44.9256, 4.90956, 63_864,
     [("Valence", MAIN)]),
    ("gn:valencia", "Valencia", "city", "PPL", "ES", None, None, 39.47391, -0.37966, 824_340,
     [("Valencia", MAIN), ("Valence", ALT)]),
    ("gn:rochelle", "La Rochelle", "city", "PPL", "FR", None, None, 46.16, -1.15, 77_000, [("La Rochelle", MAIN)]),
]


def make_index(path: Path) -> Path:
    """Write the fixture gazetteer at ``path`` with the real build schema and writer."""
    con = sqlite3.connect(path)
    con.executescript(SCHEMA)
    writer = IndexWriter(con)
    for eid, name, kind, feature, cc, a1, a2, lat, lon, pop, names in FIXTURE:
        writer.entry(eid, name, kind, lat, lon, feature=feature, country=cc, admin1=a1, admin2=a2, population=pop,
                     source="fixture")
        writer.names(eid, names)
    con.executescript(INDEXES)
    con.commit()
    con.close()
    return path


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def geocoder(tmp_path) -> OfflineGeocoder:
    return OfflineGeocoder(Gazetteer(make_index(tmp_path / "gaz.sqlite")))


def test_is_a_geopy_geocoder_returning_locations_with_the_entry_as_raw(geocoder):
    assert isinstance(geocoder, Geocoder)
    loc = geocoder.geocode("Paris")
    assert isinstance(loc, Location)
    assert (loc.latitude, loc.longitude) == (48.85341, 2.3488)
    assert loc.raw["id"] == "gn:paris" and loc.raw["country"] == "FR" and loc.raw["kind"] == "city"
    assert set(loc.raw) >= {"id", "name", "kind", "feature", "country", "admin1", "admin2", "lat", "lon",
                            "population", "source"}
    assert loc.address == "Paris, Île-de-France, France"


def test_ranks_like_a_search_engine_without_context(geocoder):
    assert geocoder.geocode("France").raw["id"] == "gn:fr"
    assert geocoder.geocode("Valence").raw["id"] == "gn:valence"  # main name beats a bigger city's alias
    assert geocoder.geocode("la rochelle").raw["id"] == "gn:rochelle"
    assert geocoder.geocode("Lutèce").raw["id"] == "gn:paris"


def test_containers_written_after_the_name_choose_the_candidate(geocoder):
    assert geocoder.geocode("Paris, Texas").raw["id"] == "gn:paris-tx"
    assert geocoder.geocode("Paris (États-Unis)").raw["id"] == "gn:paris-tx"
    assert geocoder.geocode("Valence, Espagne").raw["id"] == "gn:valencia"
    assert geocoder.geocode("Valence (Drôme)").raw["id"] == "gn:valence"
    assert geocoder.geocode("Paris, Nowhereland").raw["id"] == "gn:paris"  # an unknown container filters nothing


def test_structured_query_like_nominatim(geocoder):
    assert geocoder.geocode({"city": "Paris", "state": "Texas"}).raw["id"] == "gn:paris-tx"
    assert geocoder.geocode({"city": "Paris", "country": "France"}).raw["id"] == "gn:paris"
    assert geocoder.geocode({"country": ""}) is None


def test_country_codes_filter(geocoder):
    assert geocoder.geocode("Paris", country_codes="us").raw["id"] == "gn:paris-tx"
    assert geocoder.geocode("Valence", country_codes=["ES"]).raw["id"] == "gn:valencia"
    assert geocoder.geocode("Valence", country_codes=["DE"]) is None


def test_exactly_one_false_lists_candidates_best_first(geocoder):
    locs = geocoder.geocode("Paris", exactly_one=False)
    assert [loc.raw["id"] for loc in locs] == ["gn:paris", "gn:paris-tx"]
    assert len(geocoder.geocode("Paris", exactly_one=False, limit=1)) == 1


def test_nothing_found_is_none(geocoder):
    assert geocoder.geocode("Zorglub") is None
    assert geocoder.geocode("   ") is None
    assert geocoder.geocode("French") is None  # a demonym is not a place name to a geocoder
    assert geocoder.geocode("Zorglub", exactly_one=False) is None


def test_language_names_the_country_in_the_address(geocoder):
    assert geocoder.geocode("Paris", country_codes="US", language="fr").address.endswith("Texas, États-Unis")
    assert geocoder.geocode("Paris", country_codes="US").address.endswith("Texas, United States")
    assert geocoder.geocode("Paris", country_codes="US", language="xx-bogus").address.endswith("United States")


def test_reverse_is_refused_clearly(geocoder):
    with pytest.raises(NotImplementedError, match="reverse"):
        geocoder.reverse((48.85, 2.35))


def test_bad_query_type_is_a_query_error(geocoder):
    with pytest.raises(GeocoderQueryError, match="string"):
        geocoder.geocode(42)


def test_missing_index_is_reported_not_an_empty_answer(tmp_path):
    geocoder = OfflineGeocoder(index_path=tmp_path / "missing.sqlite")
    with pytest.raises(GeocoderUnavailable, match="missing.sqlite"):
        geocoder.geocode("Paris")


def test_corrupt_index_is_reported(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 50)
    with pytest.raises(GeocoderUnavailable, match="unreadable"):
        OfflineGeocoder(index_path=bad).geocode("Paris")


def test_works_behind_geopys_rate_limiter_like_online_geocoders(geocoder):
    geocode = RateLimiter(geocoder.geocode, min_delay_seconds=0, swallow_exceptions=False)
    assert geocode("Paris", country_codes="us").raw["id"] == "gn:paris-tx"


def test_network_arguments_are_accepted_and_unused(tmp_path):
    geocoder = OfflineGeocoder(index_path=make_index(tmp_path / "g.sqlite"), timeout=3, user_agent="x/1",
                               proxies={"https": "http://proxy.invalid:1"})
    assert geocoder.geocode("Paris", timeout=1).raw["id"] == "gn:paris"


def test_real_gazetteer_answers(gazetteer):
    loc = OfflineGeocoder(gazetteer).geocode("Lyon")
    assert loc is not None and loc.raw["country"] == "FR"
    assert abs(loc.latitude - 45.75) < 0.2 and abs(loc.longitude - 4.85) < 0.2
