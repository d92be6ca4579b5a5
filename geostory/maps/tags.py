"""What ties a map element to a place, without folium: the hidden place tag of tooltips and what a click sends
back, the kinds a legend shows, the view that frames a place or a story."""

from __future__ import annotations

import html
import re
from typing import Any

from geostory.maps.style import place_label
from geostory.model import Place, Story

_ID_RE = re.compile(r"\[\[place:(.+?)\]\]")
ZOOM_BY_KIND = {"country": 4, "region": 5, "water": 4, "city": 7, "landmark": 9}  # modest: the offline basemap
# has no detail beyond ~8


def escape_tooltip(text: str) -> str:
    """HTML-escape, and also the characters that matter inside the JS template literal folium puts tooltips in."""
    return html.escape(text).replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def tooltip_html(place: Place) -> str:
    """Tooltip of a place: its escaped name and a hidden ``[[place:ID]]`` carrying the id back on click."""
    return (
        f"{escape_tooltip(place_label(place))}"
        f'<span style="display:none">[[place:{escape_tooltip(place.id)}]]</span>'
    )


def place_id_from_tooltip(text: str | None) -> str | None:
    """The place id carried by a clicked tooltip's text, or None."""
    if not text:
        return None
    found = _ID_RE.findall(str(text))
    return html.unescape(found[-1]).strip() if found else None  # the hidden id comes last, after the name


def place_id_from_click(value: dict[str, Any] | None) -> str | None:
    """The place id of the object clicked, from a ``st_folium`` return value (or None)."""
    if not isinstance(value, dict):
        return None
    return place_id_from_tooltip(value.get("last_object_clicked_tooltip"))


def kinds_in(story: Story) -> list[str]:
    """The place kinds present in a story, in legend order."""
    present = {p.kind if p.kind in ("country", "region", "city", "landmark", "water") else "other" for p in story.places}
    return [k for k in ("country", "region", "city", "landmark", "water", "other") if k in present]


def story_bounds(story: Story) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around the story's resolved places, padded; None if none."""
    points = [(p.lat, p.lon) for p in story.places if p.resolved]
    if not points:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    pad = 1.0 if len(points) == 1 else 0.0
    return [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]


def place_view(place: Place) -> tuple[tuple[float, float], int] | None:
    """Centre and zoom that frame one place (by kind); None if it has no coordinates."""
    if not place.resolved:
        return None
    return (place.lat, place.lon), ZOOM_BY_KIND.get(place.kind, 7)
