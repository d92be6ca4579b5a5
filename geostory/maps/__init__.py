"""Story maps with folium (no Streamlit): build the map, its layers and styles, and map clicks back to places.

The names below are loaded on first use (PEP 562): the folium-free parts (labels, styles, timeline, place tags)
can be imported without importing folium, pandas and branca (0.4-0.6 s), so a page can show its first elements
while the map's modules load.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "build_base_map": "geostory.maps.build",
    "build_map": "geostory.maps.build",
    "build_place_layer": "geostory.maps.build",
    "place_view": "geostory.maps.tags",
    "story_bounds": "geostory.maps.tags",
    "place_id_from_click": "geostory.maps.tags",
    "place_id_from_tooltip": "geostory.maps.tags",
    "tooltip_html": "geostory.maps.tags",
    "places_in_period": "geostory.maps.timeline",
    "story_period": "geostory.maps.timeline",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'geostory.maps' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
