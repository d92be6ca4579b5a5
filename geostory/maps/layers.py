"""The layers a story map is made of (pure folium, no Streamlit): basemap, tiles, places, itineraries.

Click protocol: each place marker's tooltip is its display name followed by a hidden span
``[[place:ID]]``. streamlit-folium returns the tooltip's text content on click, and
:func:`geostory.maps.tags.place_id_from_click` maps it back to the place id, never by coordinates.
"""

from __future__ import annotations

import html
import itertools
from typing import Any

import folium
import xyzservices
from folium.plugins import MarkerCluster

from geostory.maps import assets
from geostory.maps.elements import ArrowHead, Basemap, PlacePopup
from geostory.maps.labels import DEFAULT_LANG, label
from geostory.maps.style import (
    format_date,
    marker_html,
    marker_size,
    popup_html,
)
from geostory.maps.tags import tooltip_html
from geostory.model import Itinerary, Place, Story

ITINERARY_COLOUR = "#111827"
CARTO_URL = "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png"
CARTO_ATTR = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
    '&copy; <a href="https://carto.com/attributions">CARTO</a>'
)


def basemap_layer(data: dict[str, Any], focus: tuple[str, ...] = (), lang: str = DEFAULT_LANG) -> Basemap:
    """The offline basemap layer (see :class:`Basemap`), named in ``lang``."""
    return Basemap(data, focus, name=label("layer_countries", lang))


# Given as providers, not names or URLs: folium would search xyzservices' whole catalogue for them on every
# rerun (4 ms, ~100x the rest of making the two layers).
OSM_TILES = xyzservices.providers.OpenStreetMap.Mapnik
CARTO_TILES = xyzservices.TileProvider(name="CartoDB Positron", url=CARTO_URL, html_attribution=CARTO_ATTR,
                                       attribution="(C) OpenStreetMap contributors (C) CARTO", subdomains="abcd",
                                       max_zoom=20)


def tile_layers() -> list[folium.TileLayer]:
    """Online base layers offered in the layer control (used when reachable)."""
    return [
        folium.TileLayer(OSM_TILES, name="OpenStreetMap", overlay=False, show=False),
        folium.TileLayer(CARTO_TILES, name="CartoDB Positron", overlay=False, show=False),
    ]


def place_marker(story: Story, place: Place, *, selected: bool = False, lang: str = DEFAULT_LANG) -> folium.Marker:
    """One place: a DivIcon shaped and coloured by kind, sized and badged by mentions, tooltip and popup (in
    ``lang``)."""
    size = marker_size(len(place.mentions))
    icon = folium.DivIcon(
        html=marker_html(place, selected=selected, lang=lang),
        icon_size=(size, size),
        icon_anchor=(size // 2, size // 2),
        class_name="gs-icon",
    )
    marker = folium.Marker(
        location=(place.lat, place.lon),
        icon=icon,
        tooltip=folium.Tooltip(tooltip_html(place), sticky=False),
        z_index_offset=1000 if selected else -10 * len(place.mentions),
    )
    PlacePopup(popup_html(story, place, lang)).add_to(marker)
    return marker


def place_layer(
    story: Story,
    *,
    selected: str | None = None,
    visible: set[str] | None = None,
    cluster: bool = True,
    static_base: str | None = assets.STATIC_BASE,
    lang: str = DEFAULT_LANG,
) -> folium.FeatureGroup:
    """The "Places" overlay: a marker per resolved (and visible) place, clustered when they crowd,
    and a standard pin on the selected place; words in ``lang``."""
    group = folium.FeatureGroup(name=label("layer_places", lang), overlay=True, control=True)
    parent: Any = group
    if cluster:
        parent = MarkerCluster(
            name=label("layer_clustered", lang),
            control=False,
            options={
                "maxZoom": 18,
                "maxClusterRadius": 28,
                "spiderfyOnMaxZoom": True,
                "showCoverageOnHover": False,
                "spiderfyDistanceMultiplier": 1.6,
            },
        )
        assets.localise(parent, ["markercluster"], ["markercluster_css", "markercluster_default_css"], static_base)
        parent.add_to(group)
    for place in story.places:
        if not place.resolved or (visible is not None and place.id not in visible and place.id != selected):
            continue
        place_marker(story, place, selected=place.id == selected, lang=lang).add_to(parent)
    target = story.place(selected) if selected else None
    if target is not None and target.resolved:
        pin = folium.Marker(
            location=(target.lat, target.lon),
            tooltip=folium.Tooltip(tooltip_html(target), sticky=False),
            z_index_offset=2000,
        )
        PlacePopup(popup_html(story, target, lang), open=True).add_to(pin)
        pin.add_to(group)
    return group


def itinerary_layer(
    story: Story, itinerary: Itinerary, *, static_base: str | None = assets.STATIC_BASE, lang: str = DEFAULT_LANG
) -> folium.FeatureGroup | None:
    """An itinerary as an ordered, directed line (dashed where planned) with numbered, dated stops (in ``lang``)."""
    stops = [(stop, story.place(stop.place)) for stop in itinerary.stops]
    stops = [(stop, place) for stop, place in stops if place is not None and place.resolved]
    if not stops:
        return None
    # the layer control shows names as HTML: escape what comes from the article
    group = folium.FeatureGroup(name=html.escape(label("itinerary", lang, traveller=itinerary.traveller)), overlay=True,
                                control=True)
    for (a, pa), (b, pb) in itertools.pairwise(stops):
        planned = b.status != "happened"
        line = folium.PolyLine(
            [(pa.lat, pa.lon), (pb.lat, pb.lon)],
            color=ITINERARY_COLOUR,
            weight=3,
            opacity=0.85,
            dash_array="7 6" if planned else None,
            interactive=False,
        )
        line.add_to(group)
        ArrowHead(line, ITINERARY_COLOUR, static_base).add_to(group)
    for number, (stop, place) in enumerate(stops, start=1):
        offset = marker_size(len(place.mentions)) // 2 + 3
        date = format_date(stop.date, None, lang) if stop.date else (label("planned", lang) if stop.status != "happened" else "")
        detail = f'<i class="gs-stop-date"> · {html.escape(date)}</i>' if date else ""
        css = "gs-planned" if stop.status != "happened" else ""
        folium.Marker(
            location=(place.lat, place.lon),
            icon=folium.DivIcon(
                html=f'<span class="{css}">{number}{detail}</span>',
                icon_size=(140, 18),
                icon_anchor=(-offset, 9),
                class_name="gs-stop",
            ),
            interactive=False,
            keyboard=False,
            z_index_offset=500,  # above place markers; not interactive, so clicks go through
        ).add_to(group)
    return group


__all__ = [
    "basemap_layer",
    "itinerary_layer",
    "place_layer",
    "place_marker",
    "tile_layers",
]
