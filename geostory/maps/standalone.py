"""A story map as one standalone HTML file that opens offline (pure, no Streamlit).

The map is the dashboard's (:func:`geostory.maps.build_map`); every Leaflet script and stylesheet is inlined
from the vendored copies in ``static/`` (their images as ``data:`` URIs), and the Natural Earth basemap is in
the page, so nothing has to be fetched. Online tile layers are still offered and used when reachable.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from pathlib import Path

from geostory.maps import assets
from geostory.maps.elements import _Raw
from geostory.maps.labels import DEFAULT_LANG, label, map_lang
from geostory.maps.style import format_date
from geostory.model import Story

HEADER_CSS = """
html, body { margin: 0; height: 100%; }
.gs-page-head { position: absolute; top: 0; left: 0; right: 0; height: 54px; padding: 6px 12px; box-sizing: border-box;
  font: 14px/1.3 system-ui, -apple-system, "Segoe UI", sans-serif; background: #fff; border-bottom: 1px solid #ddd;
  overflow: hidden; z-index: 1100; }
.gs-page-head b { font-size: 15px; }
.gs-page-head span { color: #555; font-size: 12px; }
.folium-map { position: absolute !important; top: 54px !important; bottom: 0; height: auto !important; }
"""


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(path: Path) -> str:
    """A stylesheet with its relative ``url(...)`` images turned into data URIs."""
    text = path.read_text(encoding="utf-8")

    def repl(m: re.Match) -> str:
        ref = m.group(2)
        if ref.startswith(("data:", "http:", "https:", "#")):
            return m.group(0)
        target = (path.parent / ref.split("?")[0].split("#")[0]).resolve()
        return f"url({m.group(1)}{_data_uri(target)}{m.group(1)})" if target.is_file() else m.group(0)

    return re.sub(r"url\((['\"]?)([^'\")]+)\1\)", repl, text)


def _script_safe(text: str) -> str:
    return text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def inline_assets(page: str) -> str:
    """Replace the CDN ``<script src>`` and ``<link href>`` of our vendored assets by their inlined content."""
    for rel, cdn in assets.JS.values():
        content = _script_safe((assets.STATIC_DIR / rel).read_text(encoding="utf-8"))
        page = re.sub(rf'<script src="{re.escape(cdn)}"></script>', lambda _m, c=content: f"<script>{c}</script>", page)
    for rel, cdn in assets.CSS.values():
        content = _inline_css(assets.STATIC_DIR / rel).replace("</style", "<\\/style")
        page = re.sub(rf'<link rel="stylesheet" href="{re.escape(cdn)}"/>', lambda _m, c=content: f"<style>{c}</style>",
                      page)
    return page.replace(f'"{assets.ICON_IMAGES[1]}"', '""')  # no default pin in a standalone map: nothing to fetch


def standalone_html(story: Story, lang: str = DEFAULT_LANG) -> str:
    """The full HTML page of ``story``'s map, with a header naming the article; opens with no internet. The map's
    own words are in ``lang`` (``"en"`` or ``"fr"``), and so is the page's ``lang`` attribute."""
    from geostory.maps.build import build_map

    lang = map_lang(lang)
    m = build_map(story, static_base=None, lang=lang)
    a = story.article
    counts = ", ".join((label("places_n", lang, n=sum(p.resolved for p in story.places)),
                        label("events_n", lang, n=len(story.events)), label("quotes_n", lang, n=len(story.quotes))))
    meta = " · ".join(x for x in (
        label("published", lang, date=format_date(a.published, None, lang)) if a.published else "",
        label("source", lang, source=a.source) if a.source else "",
        counts,
        label("corrections_n", lang, n=len(story.overrides)) if story.overrides else "",
    ) if x)
    head = (f'<div class="gs-page-head"><b>{html.escape(a.title or label("untitled", lang))}</b><br>'
            f"<span>{html.escape(meta)} · {html.escape(label('made_with', lang))}</span></div>")
    root = m.get_root()
    root.header.add_child(_Raw(f"<style>{HEADER_CSS}</style>"), name="gs_page_css")
    root.html.add_child(_Raw(head), name="gs_page_head", index=0)
    page = root.render()
    page = page.replace("<html>", f'<html lang="{lang}">', 1)
    page = page.replace("<head>", f"<head><title>{html.escape(a.title or 'geostory')}</title>", 1)
    return inline_assets(page)
