"""Where the map's JavaScript, CSS and offline basemap come from.

The dashboard serves vendored copies from ``static/`` (Streamlit static serving), so the map works with no
internet. From inside the streamlit-folium iframe the working relative URL is ``../../app/static/...``
(:data:`STATIC_BASE`). ``static_base=None`` keeps folium's CDN links (for a standalone HTML file).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = REPO_ROOT / "static"
BASEMAP_PATH = REPO_ROOT / "data" / "basemap" / "countries.geojson"
STATIC_BASE = "../../app/static"

# name -> (path under static/, CDN URL used when static_base is None)
JS = {
    "leaflet": ("leaflet/leaflet.js", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"),
    "markercluster": (
        "leaflet.markercluster/leaflet.markercluster.js",
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js",
    ),
    "fullscreen": (
        "leaflet.fullscreen/Control.FullScreen.js",
        "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.js",
    ),
    "polylinedecorator": (
        "leaflet-polylinedecorator/leaflet.polylineDecorator.js",
        "https://cdn.jsdelivr.net/npm/leaflet-polylinedecorator@1.6.0/dist/leaflet.polylineDecorator.js",
    ),
}
CSS = {
    "leaflet_css": ("leaflet/leaflet.css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css"),
    "markercluster_css": (
        "leaflet.markercluster/MarkerCluster.css",
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/MarkerCluster.css",
    ),
    "markercluster_default_css": (
        "leaflet.markercluster/MarkerCluster.Default.css",
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/MarkerCluster.Default.css",
    ),
    "fullscreen_css": (
        "leaflet.fullscreen/Control.FullScreen.css",
        "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css",
    ),
}
ICON_IMAGES = ("leaflet/images/", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/images/")


def asset_url(path: str, cdn: str, static_base: str | None = STATIC_BASE) -> str:
    """The URL of one asset: under ``static_base`` when set, else its CDN URL."""
    return cdn if static_base is None else f"{static_base.rstrip('/')}/{path}"


def js_links(names: list[str], static_base: str | None = STATIC_BASE) -> list[tuple[str, str]]:
    """folium ``default_js`` entries for these script names."""
    return [(name, asset_url(*JS[name], static_base)) for name in names]


def css_links(names: list[str], static_base: str | None = STATIC_BASE) -> list[tuple[str, str]]:
    """folium ``default_css`` entries for these stylesheet names."""
    return [(name, asset_url(*CSS[name], static_base)) for name in names]


def icon_image_path(static_base: str | None = STATIC_BASE) -> str:
    """The value for ``L.Icon.Default.imagePath`` (ends with a slash)."""
    return asset_url(*ICON_IMAGES, static_base)


def localise(element: Any, js: list[str], css: list[str], static_base: str | None = STATIC_BASE) -> Any:
    """Point one folium element's ``default_js``/``default_css`` at our copies; returns the element."""
    element.default_js = js_links(js, static_base)
    element.default_css = css_links(css, static_base)
    return element


def vendored_files() -> list[Path]:
    """Every file the local asset URLs point to (for checks and tests)."""
    paths = [STATIC_DIR / p for p, _ in (*JS.values(), *CSS.values())]
    images = STATIC_DIR / ICON_IMAGES[0]
    return paths + [images / name for name in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png")]


@lru_cache(maxsize=4)
def _read_basemap(path: str, mtime: float) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def basemap_path() -> Path:
    """``$GEOSTORY_BASEMAP``, else ``data/basemap/countries.geojson`` of this checkout, else of the working folder."""
    if os.environ.get("GEOSTORY_BASEMAP"):
        return Path(os.environ["GEOSTORY_BASEMAP"])
    local = Path.cwd() / "data" / "basemap" / "countries.geojson"
    return BASEMAP_PATH if BASEMAP_PATH.exists() or not local.exists() else local


def load_basemap(path: Path | None = None) -> dict[str, Any] | None:
    """The Natural Earth countries FeatureCollection, or None when the file is missing or unreadable.

    The same (shared, not to be modified) dict while the file is unchanged. Regenerate the file with
    ``python data/basemap/make.py``.
    """
    path = path or basemap_path()
    try:
        data = _read_basemap(str(path), path.stat().st_mtime)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not data.get("features"):
        return None
    return data
