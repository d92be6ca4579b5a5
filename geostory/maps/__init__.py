"""Story maps with folium (no Streamlit): build the map, its layers and styles, and map clicks back to places."""

from geostory.maps.build import (
    build_base_map,
    build_map,
    build_place_layer,
    place_view,
    story_bounds,
)
from geostory.maps.layers import (
    place_id_from_click,
    place_id_from_tooltip,
    tooltip_html,
)
from geostory.maps.timeline import places_in_period, story_period

__all__ = [
    "build_base_map",
    "build_map",
    "build_place_layer",
    "place_id_from_click",
    "place_id_from_tooltip",
    "place_view",
    "places_in_period",
    "story_bounds",
    "story_period",
    "tooltip_html",
]
