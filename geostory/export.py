"""Story <-> JSON and Story -> GeoJSON (RFC 7946, ``[lon, lat]``)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from geostory.errors import StoryFormatError
from geostory.model import (
    SCHEMA_VERSION,
    Article,
    Candidate,
    Event,
    Itinerary,
    Mention,
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


def _build(cls, raw: Any, nested: dict[str, Any] | None = None):
    if not isinstance(raw, dict):
        raise StoryFormatError(f"expected an object for {cls.__name__}, got {type(raw).__name__}")
    names = {f.name for f in dataclasses.fields(cls)}
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
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
