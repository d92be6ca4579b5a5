"""Story model: JSON round trip, schema version, GeoJSON, purity of the core."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from geostory.errors import StoryFormatError
from geostory.export import story_from_json, story_to_geojson, story_to_json
from geostory.model import Article, Event, Mention, Place, Quote, Story


def sample() -> Story:
    text = "Kim est à Vladivostok."
    p = Place("p1", "Vladivostok", "city", "RU", 43.1, 131.9, (Mention(10, 21, "Vladivostok"),), "gn:2013348")
    q = Quote("q1", "bonjour", 0, 3, places=("p1",))
    e = Event("e1", "Kim est à Vladivostok", 0, 21, date="2023-09-14", date_precision="day", places=("p1",))
    return Story(Article(text, "fr", "2023-09-14"), places=(p,), quotes=(q,), events=(e,))


def test_json_round_trip_is_lossless():
    s = sample()
    assert story_from_json(story_to_json(s)) == s


def test_unknown_schema_is_refused_with_a_clear_message():
    data = json.loads(story_to_json(sample()))
    data["schema"] = 99
    with pytest.raises(StoryFormatError, match="schema"):
        story_from_json(json.dumps(data))
    with pytest.raises(StoryFormatError):
        story_from_json("{not json")


def test_geojson_is_rfc7946_lon_lat_with_links():
    fc = story_to_geojson(sample())
    f = fc["features"][0]
    assert f["geometry"] == {"type": "Point", "coordinates": [131.9, 43.1]}
    assert f["properties"]["events"] == ["e1"] and f["properties"]["quotes"] == ["q1"]


def test_unresolved_places_are_not_features():
    s = sample()
    s2 = Story(s.article, places=s.places + (Place("p2", "Nowhere", "other", None, None, None),))
    assert len(story_to_geojson(s2)["features"]) == 1


def test_core_never_imports_streamlit():
    code = "import sys, geostory.extract.pipeline, geostory.export, geostory.cli; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
