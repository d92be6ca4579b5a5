"""The corpus map (pure folium, no Streamlit): every place of many stories as one clustered layer.

The places travel as compact columns (a few tens of bytes a place, a few ms in Python for thousands, as
STREAMLIT_FOLIUM_NOTES advises) and the markers are made in the browser, each shaped and coloured by kind and
badged with its number of stories. Tooltips carry the place key the same way story maps carry place ids
(``[[place:KEY]]``), so :func:`geostory.maps.place_id_from_click` maps a click back to it.

The base map does not depend on the places, so a Streamlit page that filters them keeps its map mounted (no
reload, the reader's view kept); the points layer fits the view itself whenever the set of points changes.
"""

from __future__ import annotations

import hashlib
import json

import folium
from folium.elements import JSCSSMixin
from folium.template import Template

from geostory.corpus import CorpusPlace
from geostory.maps import assets
from geostory.maps.build import build_base_map
from geostory.maps.labels import DEFAULT_LANG, is_one, label, map_lang
from geostory.maps.style import KIND_STYLES, kind_style, marker_size
from geostory.maps.tags import escape_tooltip
from geostory.model import Article, Place, Story

# The legend of the corpus map lists every kind (the base map stays the same whatever the filters keep).
_LEGEND_STORY = Story(
    article=Article(text="", title="Corpus"),
    places=tuple(Place(f"kind-{kind}", kind, kind, None, None, None) for kind in KIND_STYLES),
)


def corpus_as_story(places: list[CorpusPlace]) -> Story:
    """A stand-in Story holding the corpus places (bounds, legend and focus of a map of just these places)."""
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


def corpus_tooltip(place: CorpusPlace, lang: str = DEFAULT_LANG) -> str:
    """Escaped tooltip: name, counts (in ``lang``), and the hidden key for clicks (the browser builds the same for
    each point from :func:`corpus_columns`)."""
    counts = f"{label('stories_n', lang, n=len(place.stories))}, {label('mentions_n', lang, n=place.mentions)}"
    return (f"{escape_tooltip(place.name)} · {escape_tooltip(counts)}"
            f'<span style="display:none">[[place:{escape_tooltip(place.key)}]]</span>')


def count_words(lang: str = DEFAULT_LANG) -> dict:
    """The words of the tooltips' counts, for the browser: ``{"stories": [one, other], "mentions": [...],
    "few": 2 or 1}`` (numbers under ``few`` take the singular: French 0 and 1, English 1), escaped."""
    words = {key: [escape_tooltip(label(key, lang, n=n).replace(str(n), "", 1).strip()) for n in (1, 2)]
             for key in ("stories_n", "mentions_n")}
    return {"stories": words["stories_n"], "mentions": words["mentions_n"], "few": 2 if is_one(0, lang) else 1}


def corpus_columns(places: list[CorpusPlace], selected: str | None = None, lang: str = DEFAULT_LANG) -> dict:
    """The points as columns: position, escaped name and key, kind (index into ``styles``), stories, mentions,
    marker size; ``sel`` is the selected point's index (-1: none), ``sig`` changes with the set of points and
    ``words`` are the tooltips' count words in ``lang`` (:func:`count_words`)."""
    kinds = list(KIND_STYLES)
    index = {k: i for i, k in enumerate(kinds)}
    other = index["other"]
    keys = [p.key for p in places]
    return {
        "count": len(places),
        "sig": hashlib.sha1("\n".join(keys).encode("utf-8")).hexdigest()[:16],
        "styles": [[kind_style(k).colour, kind_style(k).shape] for k in kinds],
        "lat": [round(p.lat, 5) for p in places],
        "lon": [round(p.lon, 5) for p in places],
        "name": [escape_tooltip(p.name) for p in places],
        "key": [escape_tooltip(k) for k in keys],
        "kind": [index.get(p.kind, other) for p in places],
        "n": [len(p.stories) for p in places],
        "m": [p.mentions for p in places],
        "z": [marker_size(len(p.stories) * 3 - 2) for p in places],
        "sel": keys.index(selected) if selected in keys else -1,
        "words": count_words(map_lang(lang)),
    }


class CorpusPoints(JSCSSMixin, folium.map.Layer):
    """The corpus places: a marker cluster of DivIcon markers made in the browser from :func:`corpus_columns`.

    When added to a map it fits the view to its points, unless the same set of points was fitted before in this
    page (a new selection does not move the reader's view; a new filter does)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.markerClusterGroup({maxClusterRadius: 30, showCoverageOnHover: false,
            spiderfyDistanceMultiplier: 1.6});
        (function (group, d) {
            var markers = new Array(d.count), w = d.words;
            for (var i = 0; i < d.count; i++) {
                var z = d.z[i], st = d.styles[d.kind[i]], n = d.n[i], sel = i === d.sel;
                var body = '<div class="gs-marker gs-shape-' + st[1] + (sel ? ' gs-selected' : '') + '" data-place="' +
                    d.key[i] + '" style="width:' + z + 'px;height:' + z + 'px;--gs-colour:' + st[0] + '">' +
                    (n > 1 ? '<span class="gs-badge">' + n + '</span>' : '') + '</div>';
                var tip = d.name[i] + ' · ' + n + ' ' + w.stories[n < w.few ? 0 : 1] + ', ' + d.m[i] + ' ' +
                    w.mentions[d.m[i] < w.few ? 0 : 1] + '<span style="display:none">[[place:' + d.key[i] + ']]</span>';
                var icon = L.divIcon({html: body, className: "gs-icon", iconSize: [z, z], iconAnchor: [z / 2, z / 2]});
                markers[i] = L.marker([d.lat[i], d.lon[i]], {icon: icon, zIndexOffset: sel ? 1000 : 10 * n})
                    .bindTooltip(tip);
            }
            group.addLayers(markers);
            var fit = function (map) {
                if (!map || map.__gsCorpusFitted === d.sig) return;
                map.__gsCorpusFitted = d.sig;
                var bounds = group.getBounds();
                if (bounds.isValid()) map.fitBounds(bounds.pad(0.05), {maxZoom: 8, animate: false});
            };
            group.on("add", function () { fit(group._map); });
        })({{ this.get_name() }}, {{ this.data }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, places: list[CorpusPlace], selected: str | None = None,
                 static_base: str | None = assets.STATIC_BASE, lang: str = DEFAULT_LANG):
        super().__init__(name=label("layer_corpus", lang), overlay=True, control=False, show=True)
        self._name = "CorpusPoints"
        text = json.dumps(corpus_columns(places, selected, lang), separators=(",", ":"), ensure_ascii=False)
        self.data = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        assets.localise(self, ["markercluster"], ["markercluster_css", "markercluster_default_css"], static_base)

    def render(self, **kwargs) -> None:
        self.show = False  # our script adds itself to the parent; no second add
        super().render(**kwargs)


def build_corpus_base_map(places: list[CorpusPlace] | None = None, *, static_base: str | None = assets.STATIC_BASE,
                          basemap: dict | None = None, lang: str = DEFAULT_LANG) -> folium.Map:
    """The fixed part of the corpus map: basemap, tiles, a legend of every kind, world view (the points layer
    fits the view); words in ``lang``. The same whatever ``places`` holds (ignored; kept for callers that pass
    them), so filtering never reloads the map."""
    return build_base_map(_LEGEND_STORY, static_base=static_base, basemap=basemap, size_note="stories", lang=lang)


def build_corpus_layer(places: list[CorpusPlace], *, selected: str | None = None,
                       static_base: str | None = assets.STATIC_BASE, lang: str = DEFAULT_LANG) -> folium.FeatureGroup:
    """The corpus markers (with a standard pin on the selected place), for ``feature_group_to_add``; words in
    ``lang``."""
    group = folium.FeatureGroup(name=label("layer_places", lang), overlay=True, control=True)
    CorpusPoints(places, selected, static_base, lang).add_to(group)
    target = next((p for p in places if p.key == selected), None)
    if target is not None:
        folium.Marker(location=(target.lat, target.lon), tooltip=folium.Tooltip(corpus_tooltip(target, lang)),
                      z_index_offset=2000).add_to(group)
    return group
