"""Invariants every Story must keep, whatever the input (shared by the robustness tests and benchmark).

Independent of :func:`geostory.export.validate_geojson` on purpose: the GeoJSON check here is written from
RFC 7946 (and RFC 8259 for JSON: no NaN or Infinity), not from the code under test.
"""

from __future__ import annotations

import json
import math
from typing import Any

from geostory.export import story_from_json, story_to_geojson, story_to_json
from geostory.model import EVENT_STATUSES, Story


def offset_problems(story: Story) -> list[str]:
    """Spans that do not point at their own text, and links to ids that do not exist."""
    text = story.article.text
    n = len(text)
    out = []

    def span(what: str, start: int, end: int, expected: str | None = None) -> None:
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= n):
            out.append(f"{what}: span {start}-{end} outside the text (length {n})")
        elif expected is not None and text[start:end] != expected:
            out.append(f"{what}: text[{start}:{end}] is {text[start:end]!r}, not {expected!r}")

    place_ids = [p.id for p in story.places]
    if len(set(place_ids)) != len(place_ids):
        out.append("place ids are not unique")
    for p in story.places:
        for m in p.mentions:
            span(f"place {p.id} mention", m.start, m.end, m.text)
        if p.resolved and not (-90 <= p.lat <= 90 and -180 <= p.lon <= 180):
            out.append(f"place {p.id}: ({p.lat}, {p.lon}) is not a position")
    for person in story.people:
        for m in person.mentions:
            span(f"person {person.id} mention", m.start, m.end, m.text)
    for q in story.quotes:
        span(f"quote {q.id}", q.start, q.end, q.text)
        out += [f"quote {q.id}: unknown place {x}" for x in q.places if x not in place_ids]
    for e in story.events:
        span(f"event {e.id}", e.start, e.end)
        if e.status not in EVENT_STATUSES:
            out.append(f"event {e.id}: status {e.status!r}")
        out += [f"event {e.id}: unknown place {x}" for x in e.places if x not in place_ids]
    for it in story.itineraries:
        out += [f"itinerary {it.traveller!r}: unknown place {s.place}" for s in it.stops if s.place not in place_ids]
    return out


def geojson_problems(data: Any) -> list[str]:
    """Why ``data`` is not an RFC 7946 FeatureCollection of Features with Point geometries (empty when it is)."""
    try:
        json.dumps(data, allow_nan=False)
    except (TypeError, ValueError) as exc:
        return [f"not JSON (RFC 8259): {exc}"]
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return ["top level is not a FeatureCollection"]
    if "crs" in data:
        return ["'crs' member (removed by RFC 7946)"]
    features = data.get("features")
    if not isinstance(features, list):
        return ["'features' is not an array"]
    out = []
    for i, f in enumerate(features):
        if not isinstance(f, dict) or f.get("type") != "Feature":
            out.append(f"features[{i}] is not a Feature")
            continue
        if "id" in f and (isinstance(f["id"], bool) or not isinstance(f["id"], (str, int, float))):
            out.append(f"features[{i}].id is neither a string nor a number")
        if not (f.get("properties") is None or isinstance(f.get("properties"), dict)) or "properties" not in f:
            out.append(f"features[{i}].properties is not an object or null")
        g = f.get("geometry", "missing")
        if g is None:
            continue
        if not isinstance(g, dict) or g.get("type") != "Point":
            out.append(f"features[{i}].geometry is not a Point")
            continue
        c = g.get("coordinates")
        if not (isinstance(c, list) and len(c) in (2, 3) and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in c)):
            out.append(f"features[{i}] coordinates {c!r} are not [lon, lat]")
        elif not (-180 <= c[0] <= 180 and -90 <= c[1] <= 90):
            out.append(f"features[{i}] coordinates {c!r} out of range (longitude first)")
    return out


def story_problems(story: Story) -> list[str]:
    """Everything wrong with a Story: offsets, JSON round trip, GeoJSON."""
    out = offset_problems(story)
    text = story_to_json(story)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        out.append(f"Story JSON cannot be written as UTF-8: {exc}")
    if story_from_json(text) != story:
        out.append("Story JSON does not round-trip")
    out += geojson_problems(json.loads(json.dumps(story_to_geojson(story))))
    return out
