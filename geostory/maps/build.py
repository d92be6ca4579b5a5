"""Story -> folium map (pure, no Streamlit).

Two parts, so a Streamlit page can keep the map mounted while the selection changes:

- :func:`build_base_map`: everything fixed for a story (basemap and tile layers, itinerary, legend,
  fullscreen, fitted view). Rebuilt identically on every rerun, so streamlit-folium keeps the iframe.
- :func:`build_place_layer`: the markers (filtered, with the selection), passed as ``feature_group_to_add``.

:func:`build_map` puts both together with a layer control, for a standalone map.
"""

from __future__ import annotations

from typing import Any

import folium
from folium.plugins import Fullscreen

from geostory.maps import assets
from geostory.maps.elements import (
    FitView,
    IconImagePath,
    Legend,
    MapStyle,
    PreferOnline,
    ZoomClass,
)
from geostory.maps.labels import DEFAULT_LANG, label
from geostory.maps.layers import (
    basemap_layer,
    itinerary_layer,
    place_layer,
    tile_layers,
)
from geostory.maps.tags import kinds_in, story_bounds
from geostory.model import Story

MAX_ZOOM = 18

def build_base_map(
    story: Story,
    *,
    static_base: str | None = assets.STATIC_BASE,
    basemap: dict[str, Any] | None = None,
    prefer_online: bool = True,
    size_note: str = "mentions",
    lang: str = DEFAULT_LANG,
) -> folium.Map:
    """The fixed part of a story map. ``basemap`` defaults to :func:`assets.load_basemap`; ``size_note`` says what
    marker size and badge numbers count (``"mentions"`` or ``"stories"``, in the legend); ``lang`` (``"en"`` or
    ``"fr"``) is the language of the map's own words (legend, layer names, controls)."""
    m = folium.Map(
        location=(20, 0),
        zoom_start=2,
        tiles=None,
        min_zoom=1,
        max_zoom=MAX_ZOOM,
        control_scale=True,
        world_copy_jump=False,
    )
    # With tiles=None folium gives Leaflet no maxZoom, and leaflet.markercluster refuses such a map.
    m.options.update(maxZoom=MAX_ZOOM, minZoom=1)
    assets.localise(m, ["leaflet"], ["leaflet_css"], static_base)
    IconImagePath(assets.icon_image_path(static_base)).add_to(m)
    MapStyle().add_to(m)

    data = assets.load_basemap() if basemap is None else basemap
    offline = basemap_layer(data, story.focus, lang) if data else None
    if offline is not None:
        offline.add_to(m)
    online = tile_layers()
    for layer in online:
        layer.add_to(m)
    if offline is None:  # no offline basemap: show the first online layer rather than nothing
        online[0].show = True
    elif prefer_online:
        PreferOnline(offline, online[0]).add_to(m)

    for itinerary in story.itineraries:
        layer = itinerary_layer(story, itinerary, static_base=static_base, lang=lang)
        if layer is not None:
            layer.add_to(m)

    ZoomClass(below=4).add_to(m)  # stop dates show from zoom 4 on
    Legend(kinds_in(story), reviewed=any(p.override for p in story.places), size_note=size_note, lang=lang).add_to(m)
    fullscreen = Fullscreen(position="topleft", title=label("fullscreen", lang), title_cancel=label("fullscreen_exit", lang))
    assets.localise(fullscreen, ["fullscreen"], ["fullscreen_css"], static_base)
    fullscreen.add_to(m)
    bounds = story_bounds(story)
    if bounds:
        # room on the right for the itinerary's stop labels
        FitView(bounds, padding_br=(110 if story.itineraries else 24, 24)).add_to(m)
    return m


# The markers overlay, passed to ``st_folium`` as ``feature_group_to_add``: the layer itself, under the name the
# base map's counterpart suggests (see :func:`geostory.maps.layers.place_layer`).
build_place_layer = place_layer


def build_map(
    story: Story,
    *,
    selected: str | None = None,
    visible: set[str] | None = None,
    static_base: str | None = assets.STATIC_BASE,
    basemap: dict[str, Any] | None = None,
    prefer_online: bool = True,
    lang: str = DEFAULT_LANG,
) -> folium.Map:
    """A complete, standalone story map: base map, place markers and a layer control (words in ``lang``)."""
    m = build_base_map(story, static_base=static_base, basemap=basemap, prefer_online=prefer_online, lang=lang)
    build_place_layer(story, selected=selected, visible=visible, static_base=static_base, lang=lang).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m
