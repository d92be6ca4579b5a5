"""The corpus map (pure folium, no Streamlit): every place of many stories as one GeoJSON layer, clustered.

One ``L.geoJson`` built in the browser from compact data (a few ms in Python for thousands of places, as
STREAMLIT_FOLIUM_NOTES advises), each point a marker shaped and coloured by kind and badged with its number of
stories. Tooltips carry the place key the same way story maps carry place ids (``[[place:KEY]]``), so
:func:`geostory.maps.place_id_from_click` maps a click back to it.
"""

from __future__ import annotations

import html
import json

import folium
from folium.elements import JSCSSMixin
from folium.template import Template

from geostory.corpus import CorpusPlace
from geostory.maps import assets
from geostory.maps.build import build_base_map
from geostory.maps.layers import _escape_tooltip
from geostory.maps.style import kind_style, marker_size
from geostory.model import Article, Place, Story


def corpus_as_story(places: list[CorpusPlace]) -> Story:
    """A stand-in Story holding the corpus places (for the base map's bounds, legend and focus)."""
    from collections import Counter

    votes = Counter()
    for p in places:
        if p.country:
            votes[p.country] += len(p.stories)
    return Story(
        article=Article(text="", title="Corpus"),
        places=tuple(Place(p.key, p.name, p.kind, p.country, p.lat, p.lon) for p in places),
        focus=tuple(c for c, _ in votes.most_common(3)),
    )


def corpus_tooltip(place: CorpusPlace) -> str:
    """Escaped tooltip: name, counts, and the hidden key for clicks."""
    n = len(place.stories)
    return (f"{_escape_tooltip(place.name)} · {n} {'story' if n == 1 else 'stories'}, {place.mentions} mention(s)"
            f'<span style="display:none">[[place:{_escape_tooltip(place.key)}]]</span>')


def corpus_features(places: list[CorpusPlace], selected: str | None = None) -> list[dict]:
    """Compact GeoJSON points: ``t`` tooltip, ``c`` colour, ``s`` shape, ``n`` stories, ``z`` size, ``k`` key."""
    out = []
    for p in places:
        style = kind_style(p.kind)
        out.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
            "properties": {"t": corpus_tooltip(p), "c": style.colour, "s": style.shape, "n": len(p.stories),
                           "z": marker_size(len(p.stories) * 3 - 2), "k": html.escape(p.key, quote=True),
                           "sel": p.key == selected},
        })
    return out


class CorpusPoints(JSCSSMixin, folium.map.Layer):
    """The corpus places: a marker cluster of DivIcon markers built from GeoJSON in the browser."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.markerClusterGroup({maxClusterRadius: 30, showCoverageOnHover: false,
            spiderfyDistanceMultiplier: 1.6});
        L.geoJson({{ this.data }}, {pointToLayer: function (f, latlng) {
            var p = f.properties, z = p.z;
            var body = '<div class="gs-marker gs-shape-' + p.s + (p.sel ? ' gs-selected' : '') + '" data-place="' + p.k +
                '" style="width:' + z + 'px;height:' + z + 'px;--gs-colour:' + p.c + '">' +
                (p.n > 1 ? '<span class="gs-badge">' + p.n + '</span>' : '') + '</div>';
            return L.marker(latlng, {icon: L.divIcon({html: body, className: "gs-icon", iconSize: [z, z],
                iconAnchor: [z / 2, z / 2]}), zIndexOffset: p.sel ? 1000 : 10 * p.n}).bindTooltip(p.t);
        }}).addTo({{ this.get_name() }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, places: list[CorpusPlace], selected: str | None = None,
                 static_base: str | None = assets.STATIC_BASE):
        super().__init__(name="Places of the stories", overlay=True, control=False, show=True)
        self._name = "CorpusPoints"
        text = json.dumps({"type": "FeatureCollection", "features": corpus_features(places, selected)},
                          separators=(",", ":"), ensure_ascii=False)
        self.data = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        assets.localise(self, ["markercluster"], ["markercluster_css", "markercluster_default_css"], static_base)

    def render(self, **kwargs) -> None:
        self.show = False  # our script adds itself to the parent; no second add
        super().render(**kwargs)


def build_corpus_base_map(places: list[CorpusPlace], *, static_base: str | None = assets.STATIC_BASE,
                          basemap: dict | None = None) -> folium.Map:
    """The fixed part of the corpus map (basemap, tiles, legend, fitted to the places)."""
    return build_base_map(corpus_as_story(places), static_base=static_base, basemap=basemap, size_note="stories")


def build_corpus_layer(places: list[CorpusPlace], *, selected: str | None = None,
                       static_base: str | None = assets.STATIC_BASE) -> folium.FeatureGroup:
    """The corpus markers (with a standard pin on the selected place), for ``feature_group_to_add``."""
    group = folium.FeatureGroup(name="Places", overlay=True, control=True)
    CorpusPoints(places, selected, static_base).add_to(group)
    target = next((p for p in places if p.key == selected), None)
    if target is not None:
        folium.Marker(location=(target.lat, target.lon), tooltip=folium.Tooltip(corpus_tooltip(target)),
                      z_index_offset=2000).add_to(group)
    return group
