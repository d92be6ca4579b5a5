"""Exports: CSV tables, RFC 7946 GeoJSON validation, the standalone offline HTML map, and ``geostory export``."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from geostory.cli import main
from geostory.export import (
    CSV_TABLES,
    story_from_json,
    story_to_csv,
    story_to_geojson,
    story_to_html,
    story_to_json,
    validate_geojson,
)
from geostory.model import Article, Event, Mention, Place, Quote, Story

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "sample.story.json"
EVIL = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def sample() -> Story:
    return story_from_json(SAMPLE.read_text(encoding="utf-8"))


def evil() -> Story:
    text = f"À Paris, « {EVIL} » dit =SUM(A1)."
    return Story(
        article=Article(text=text, title=EVIL, source=EVIL),
        places=(Place("p1", EVIL, "city", "FR", 48.85, 2.35, (Mention(2, 7, "Paris"),)),),
        quotes=(Quote("q1", EVIL, 9, 9 + len(EVIL) + 4, speaker="=HYPERLINK(\"http://x\")", places=("p1",)),),
        events=(Event("e1", "-2+3 " + EVIL, 0, 7, places=("p1",), date="2024-01-01", date_precision="day"),),
    )


@pytest.mark.parametrize("table", CSV_TABLES)
def test_csv_tables_have_a_row_per_item(table):
    story = sample()
    rows = list(csv.DictReader(io.StringIO(story_to_csv(story, table))))
    assert len(rows) == len(getattr(story, table))
    assert rows[0]["id"] == getattr(story, table)[0].id


def test_csv_places_link_events_and_quotes():
    story = sample()
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(story_to_csv(story, "places")))}
    vostochny = rows["vostochny"]
    assert vostochny["events"].split(";") == [e.id for e in story.events if "vostochny" in e.places]
    assert float(vostochny["lat"]) == story.place("vostochny").lat


def test_csv_defuses_spreadsheet_formulas():
    text = story_to_csv(evil(), "quotes") + story_to_csv(evil(), "events")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert "'=HYPERLINK(\"http://x\")" in cells
    with pytest.raises(ValueError, match="unknown table"):
        story_to_csv(sample(), "people")


def test_story_geojson_is_valid():
    assert validate_geojson(story_to_geojson(sample())) == []
    assert validate_geojson(json.loads(json.dumps(story_to_geojson(evil())))) == []


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([], "FeatureCollection"),
        ({"type": "FeatureCollection"}, "'features' must be an array"),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None}]}, "'properties'"),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}}]}, "'geometry' is missing"),
        ({"type": "FeatureCollection", "features": [], "crs": {}}, "'crs' is not allowed"),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                                                     "geometry": {"type": "Point", "coordinates": [43.1, 131.9]}}]},
         "out of range"),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                                                     "geometry": {"type": "Point", "coordinates": ["1", 2]}}]},
         "numbers"),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "id": [1],
                                                     "geometry": {"type": "Circle", "coordinates": [1, 2]}}]},
         "'id' must be"),
    ],
)
def test_geojson_validation_finds_problems(data, problem):
    errors = validate_geojson(data)
    assert errors and any(problem in e for e in errors), errors


def test_standalone_html_needs_no_network_and_escapes_the_article():
    page = story_to_html(evil())
    assert not re.findall(r"<(?:script|link|img)[^>]*\b(?:src|href)=[\"']?(?:https?:)?//", page)
    assert "L.markerClusterGroup" in page and "fullscreen" in page.lower()
    assert "data:image/png;base64," in page  # Leaflet's CSS images inlined
    assert EVIL not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=" in page  # the title, escaped in the page header


def test_standalone_html_of_the_sample_has_every_place():
    story = sample()
    page = story_to_html(story)
    for place in story.places:
        if place.resolved:
            assert f'data-place=\\"{place.id}\\"' in page or f'data-place="{place.id}"' in page


def test_cli_export_formats(tmp_path, capsys):
    path = tmp_path / "s.story.json"
    path.write_text(story_to_json(sample()), encoding="utf-8")
    assert main(["export", str(path)]) == 0
    assert validate_geojson(json.loads(capsys.readouterr().out)) == []
    assert main(["export", str(path), "--format", "csv", "--table", "events"]) == 0
    assert capsys.readouterr().out.startswith("id,date,date_precision,status")
    assert main(["export", str(path), "--format", "json"]) == 0
    assert story_from_json(capsys.readouterr().out) == sample()
    out = tmp_path / "map.html"
    assert main(["export", str(path), "--format", "html", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["export", str(path), "--format", "html", "--lang", "fr", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert '<html lang="fr">' in page and "Lieux" in page  # the legend's title in French


def test_cli_export_from_the_library_and_errors(tmp_path, capsys):
    from geostory.library import Library

    db = tmp_path / "lib.sqlite"
    Library(db).save(sample(), "mine")
    assert main(["export", "mine", "--library", str(db), "--format", "csv"]) == 0
    assert "vladivostok" in capsys.readouterr().out
    assert main(["export", "absent", "--library", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("geostory: error: absent: no such file") and err.count("\n") == 1
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["export", str(bad)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
