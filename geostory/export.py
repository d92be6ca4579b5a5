"""Story <-> JSON and Story -> GeoJSON (RFC 7946, ``[lon, lat]``)."""

from __future__ import annotations

import dataclasses
import functools
import json
import math
from typing import Any

from geostory.errors import StoryFormatError
from geostory.model import (
    SCHEMA_VERSION,
    Article,
    Candidate,
    Event,
    Itinerary,
    Mention,
    Override,
    Person,
    Place,
    Quote,
    Stop,
    Story,
)


def story_to_dict(story: Story) -> dict[str, Any]:
    """A JSON-ready dict; tuples become lists."""
    data = dataclasses.asdict(story)
    data["schema"] = SCHEMA_VERSION
    return data


def story_to_json(story: Story, *, indent: int | None = 1) -> str:
    """Serialise a Story as JSON text."""
    return json.dumps(story_to_dict(story), ensure_ascii=False, indent=indent)


@functools.cache
def _field_names(cls) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


def _build(cls, raw: Any, nested: dict[str, Any] | None = None):
    if not isinstance(raw, dict):
        raise StoryFormatError(f"expected an object for {cls.__name__}, got {type(raw).__name__}")
    names = _field_names(cls)  # (a library of 1,000 stories builds ~100,000 objects: read the fields once)
    kwargs = {}
    for key, value in raw.items():
        if key not in names:
            continue  # forward compatible: unknown keys are ignored
        if nested and key in nested:
            sub = nested[key]
            if isinstance(sub, tuple):  # (cls, many)
                value = tuple(_build(sub[0], v, sub[1] if len(sub) > 1 else None) for v in value or ())
            else:
                value = _build(sub, value) if value is not None else None
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[key] = value
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise StoryFormatError(f"invalid {cls.__name__}: {exc}") from None


def story_from_dict(data: dict[str, Any]) -> Story:
    """Rebuild a Story from :func:`story_to_dict` output; rejects unknown schema versions."""
    if not isinstance(data, dict):
        raise StoryFormatError("a Story JSON document must be an object")
    version = data.get("schema")
    if version != SCHEMA_VERSION:
        raise StoryFormatError(
            f"unsupported Story schema {version!r}; this geostory reads schema {SCHEMA_VERSION}. "
            "Re-run `geostory extract` to regenerate it."
        )
    if "article" not in data:
        raise StoryFormatError("Story JSON has no 'article'")
    return _build(
        Story,
        data,
        {
            "article": Article,
            "places": (Place, {"mentions": (Mention,), "alternatives": (Candidate,)}),
            "quotes": (Quote,),
            "events": (Event,),
            "people": (Person, {"mentions": (Mention,)}),
            "itineraries": (Itinerary, {"stops": (Stop,)}),
            "overrides": (Override, {"candidate": Candidate}),
        },
    )


def story_from_json(text: str) -> Story:
    """Parse Story JSON text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StoryFormatError(f"not valid JSON: {exc}") from None
    return story_from_dict(data)


def story_to_geojson(story: Story) -> dict[str, Any]:
    """A GeoJSON FeatureCollection with one Point per resolved place; properties list its events and quotes."""
    features = []
    for place in story.places:
        if not place.resolved:
            continue
        features.append(
            {
                "type": "Feature",
                "id": place.id,
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {
                    "id": place.id,
                    "name": place.name,
                    "kind": place.kind,
                    "country": place.country,
                    "gazetteer_id": place.gazetteer_id,
                    "provider": place.provider,
                    "confidence": place.confidence,
                    "reason": place.reason,
                    "mentions": [dataclasses.asdict(m) for m in place.mentions],
                    "events": [e.id for e in story.events if place.id in e.places],
                    "quotes": [q.id for q in story.quotes if place.id in q.places],
                    **({"override": place.override} if place.override else {}),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# -- added for the dashboard's exports (issue 6) ------------------------------------------------------------

CSV_TABLES = ("places", "events", "quotes")


def story_to_csv(story: Story, table: str) -> str:
    """One table of the story as CSV text (``places``, ``events`` or ``quotes``); lists are joined with ``;``."""
    import csv
    import io

    names = {p.id: p.name for p in story.places}
    people = {p.id: p.name for p in story.people}
    if table == "places":
        header = ["id", "name", "kind", "country", "lat", "lon", "mentions", "gazetteer_id", "provider", "confidence",
                  "override", "events", "quotes"]
        rows = [[p.id, p.name, p.kind, p.country or "", _num(p.lat), _num(p.lon), len(p.mentions), p.gazetteer_id or "",
                 p.provider, round(p.confidence, 3), p.override or "",
                 ";".join(e.id for e in story.events if p.id in e.places), ";".join(q.id for q in story.quotes_at(p.id))]
                for p in story.places]
    elif table == "events":
        header = ["id", "date", "date_precision", "status", "summary", "actors", "places", "place_names", "quotes",
                  "start", "end"]
        rows = [[e.id, e.date or "", e.date_precision or "", e.status, e.summary,
                 ";".join(people.get(a, a) for a in e.actors), ";".join(e.places),
                 ";".join(names.get(i, i) for i in e.places), ";".join(e.quotes), e.start, e.end] for e in story.events]
    elif table == "quotes":
        header = ["id", "speaker", "text", "verb", "partial", "places", "place_names", "event", "start", "end"]
        rows = [[q.id, q.speaker or q.speaker_mention or "", q.text, q.verb or "", q.partial, ";".join(q.places),
                 ";".join(names.get(i, i) for i in q.places), q.event or "", q.start, q.end] for q in story.quotes]
    else:
        raise ValueError(f"unknown table {table!r}; choose one of {', '.join(CSV_TABLES)}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return out.getvalue()


def _num(value: float | None) -> str:
    return "" if value is None else repr(value)


def _cell(value: Any) -> Any:
    """Defuse spreadsheet formulas: a text cell starting with = + - @ gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def validate_geojson(data: Any) -> list[str]:
    """Problems that make ``data`` not RFC 7946 GeoJSON (FeatureCollection / Feature / Point / LineString);
    an empty list when it is valid."""
    errors: list[str] = []
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return ["the top level must be an object with type FeatureCollection"]
    if "crs" in data:
        errors.append("'crs' is not allowed by RFC 7946 (coordinates are WGS 84 longitude, latitude)")
    features = data.get("features")
    if not isinstance(features, list):
        return errors + ["'features' must be an array"]
    for i, feature in enumerate(features):
        where = f"features[{i}]"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(f"{where}: must be an object with type Feature")
            continue
        if "properties" not in feature or not (feature["properties"] is None or isinstance(feature["properties"], dict)):
            errors.append(f"{where}: 'properties' must be an object or null")
        if "id" in feature and not isinstance(feature["id"], (str, int, float)):
            errors.append(f"{where}: 'id' must be a string or a number")
        if "geometry" not in feature:
            errors.append(f"{where}: 'geometry' is missing")
        elif feature["geometry"] is not None:
            errors.extend(f"{where}.geometry: {e}" for e in _geometry_errors(feature["geometry"]))
    return errors


def _position_errors(pos: Any) -> list[str]:
    if not isinstance(pos, list) or not 2 <= len(pos) <= 3 or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in pos
    ):
        return [f"position {pos!r} must be [longitude, latitude] numbers"]
    lon, lat = pos[0], pos[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return [f"position {pos!r} is out of range (longitude first, then latitude)"]
    return []


def _geometry_errors(geometry: Any) -> list[str]:
    if not isinstance(geometry, dict):
        return ["must be an object or null"]
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Point":
        return _position_errors(coords)
    if kind in ("LineString", "MultiPoint"):
        if not isinstance(coords, list) or (kind == "LineString" and len(coords) < 2):
            return [f"{kind} needs an array of positions"]
        return [e for pos in coords for e in _position_errors(pos)]
    return [f"unsupported or invalid geometry type {kind!r}"]


def story_to_html(story: Story, lang: str = "en") -> str:
    """A standalone HTML page of the story map that opens offline (Leaflet and plugins inlined), its own words
    (legend, popups, controls) in ``lang`` ('en' or 'fr')."""
    from geostory.maps.standalone import standalone_html

    return standalone_html(story, lang)
