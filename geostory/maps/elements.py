"""Small Leaflet elements for folium (no Streamlit): styles, popups, legend, view fitting, basemap.

Each is a folium/branca ``MacroElement`` with its own template, like folium's own elements.
"""

from __future__ import annotations

import json
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import ElementAddToElement, JSCSSMixin
from folium.template import Template

from geostory.maps import assets
from geostory.maps.labels import DEFAULT_LANG
from geostory.maps.style import MAP_CSS, legend_html

OSM_PROBE_URL = "https://tile.openstreetmap.org/1/1/0.png"


class MapStyle(MacroElement):
    """Our CSS (markers, legend, stop labels, popups) in the page header."""

    _template = Template("{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}")

    def __init__(self, css: str = MAP_CSS):
        super().__init__()
        self._name = "MapStyle"
        self.css = css


class PlacePopup(MacroElement):
    """A popup bound to its parent marker, from ready, escaped HTML (no jQuery, no per-popup Figure).

    No auto-pan: a pan after a click would hold back streamlit-folium's (debounced) click report.
    ``open=True`` opens it once the marker is on the map (used for the selected place).
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindPopup({{ this.html|tojson }},
            {maxWidth: {{ this.max_width|tojson }}, autoPan: false});
        {%- if this.open %}
        setTimeout(function () { {{ this._parent.get_name() }}.openPopup(); }, 0);
        {%- endif %}
        {% endmacro %}"""
    )

    def __init__(self, html_text: str, max_width: int = 300, open: bool = False):
        super().__init__()
        self._name = "PlacePopup"
        self.html, self.max_width, self.open = html_text, max_width, open


class IconImagePath(MacroElement):
    """Sets ``L.Icon.Default.imagePath`` so default marker images load from our copy of Leaflet."""

    _template = Template(
        "{% macro script(this, kwargs) %}L.Icon.Default.imagePath = {{ this.path|tojson }};{% endmacro %}"
    )

    def __init__(self, path: str):
        super().__init__()
        self._name = "IconImagePath"
        self.path = path


class Legend(MacroElement):
    """A Leaflet control showing the kinds of place and what marker size means."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "gs-legend-control");
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, kinds: list[str] | None = None, position: str = "bottomleft", reviewed: bool = False,
                 size_note: str = "mentions", lang: str = DEFAULT_LANG):
        super().__init__()
        self._name = "Legend"
        self.html = legend_html(kinds, reviewed, size_note, lang)
        self.position = position


class ZoomClass(MacroElement):
    """Marks the map container ``gs-z-low`` below a zoom level, so CSS can hide details there."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (map) {
            var mark = function () {
                map.getContainer().classList.toggle("gs-z-low", map.getZoom() < {{ this.below|tojson }});
            };
            map.on("zoomend", mark);
            map.whenReady(mark);
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, below: int = 4):
        super().__init__()
        self._name = "ZoomClass"
        self.below = below


class FitView(MacroElement):
    """Fits the map to bounds at once (no animation: an animated fit would swallow a later ``setView``)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }}, {paddingTopLeft: [24, 24],
            paddingBottomRight: {{ this.padding_br|tojson }}, maxZoom: {{ this.max_zoom|tojson }}, animate: false});
        {% endmacro %}"""
    )

    def __init__(self, bounds: list[list[float]], padding_br: tuple[int, int] = (24, 24), max_zoom: int = 8):
        super().__init__()
        self._name = "FitView"
        self.bounds, self.padding_br, self.max_zoom = bounds, list(padding_br), max_zoom


class PreferOnline(MacroElement):
    """Switches from the offline basemap to an online tile layer once one tile of it loads.

    Until then (or forever, with no internet) the offline layer stays; a user's own choice in the
    layer control wins.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, offline = {{ this.offline.get_name() }},
                online = {{ this.online.get_name() }}, chosen = false, probe = new Image();
            map.on("baselayerchange", function () { chosen = true; });
            probe.onload = function () {
                if (!chosen && map.hasLayer(offline)) { map.addLayer(online); map.removeLayer(offline); }
            };
            probe.src = {{ this.probe_url|tojson }};
        })();
        {% endmacro %}"""
    )

    def __init__(self, offline: folium.Layer, online: folium.Layer, probe_url: str = OSM_PROBE_URL):
        super().__init__()
        self._name = "PreferOnline"
        self.offline, self.online, self.probe_url = offline, online, probe_url


class ArrowHead(JSCSSMixin, MacroElement):
    """An arrow head on a line, drawn by leaflet-polylinedecorator (added to the line's group)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        L.polylineDecorator({{ this.line.get_name() }}, {patterns: [{offset: "55%", repeat: 0,
            symbol: L.Symbol.arrowHead({pixelSize: 12, polygon: true,
                pathOptions: {color: {{ this.colour|tojson }}, fillOpacity: 1, weight: 0, interactive: false}})}]}
        ).addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )
    default_js = assets.js_links(["polylinedecorator"], None)

    def __init__(self, line: folium.PolyLine, colour: str, static_base: str | None = assets.STATIC_BASE):
        super().__init__()
        self._name = "ArrowHead"
        self.line, self.colour = line, colour
        assets.localise(self, ["polylinedecorator"], [], static_base)


class _Raw(Element):
    """Ready text in a figure section, without compiling it as a Jinja template (branca does that)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class Basemap(folium.map.Layer):
    """The offline Natural Earth countries: a non-interactive GeoJSON base layer, focus countries shaded.

    Its JSON text is built once per data object (not on every Streamlit rerun), and it reports fixed
    bounds so nobody walks its coordinates.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.geojson }}, {
            interactive: false, smoothFactor: 0.5,
            style: function (feature) {
                var focus = {{ this.focus|tojson }}.indexOf(feature.properties.iso_a3) >= 0;
                return {color: "#9a9384", weight: 0.7, fillOpacity: 1,
                        fillColor: focus ? "#f1dfb6" : "#f7f4ec"};
            }
        });
        {% endmacro %}"""
    )

    def __init__(self, data: dict[str, Any], focus: tuple[str, ...] = (), name: str = "Countries (offline)"):
        super().__init__(name=name, overlay=False, control=True, show=True)
        self._name = "Basemap"
        self.geojson = _geojson_text(data)
        self.focus = sorted(code for c in focus if (code := _alpha3(c)))

    def _get_self_bounds(self) -> list[list[float]]:
        return [[-90.0, -180.0], [90.0, 180.0]]

    def render(self, **kwargs) -> None:
        """As folium's Layer, but its large script joins the figure as plain text (no template compile)."""
        if self.show:
            self.add_child(
                ElementAddToElement(element_name=self.get_name(), element_parent_name=self._parent.get_name()),
                name=self.get_name() + "_add",
            )
        figure = self.get_root()
        if isinstance(figure, Figure):
            figure.script.add_child(_Raw(self._template.module.script(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


_GEOJSON_TEXT: dict[int, tuple[dict, str]] = {}


def _geojson_text(data: dict[str, Any]) -> str:
    """``data`` as compact JSON safe inside a <script>, memoised by object identity."""
    hit = _GEOJSON_TEXT.get(id(data))
    if hit is not None and hit[0] is data:
        return hit[1]
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    if len(_GEOJSON_TEXT) > 4:
        _GEOJSON_TEXT.clear()
    _GEOJSON_TEXT[id(data)] = (data, text)
    return text


def _alpha3(code: str) -> str | None:
    try:
        import pycountry

        country = pycountry.countries.get(alpha_2=code.upper())
        return country.alpha_3 if country else None
    except (ImportError, LookupError, AttributeError):
        return None
