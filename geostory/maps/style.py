"""How places look: colours and shapes by kind, marker sizes, dates, and escaped HTML snippets.

Everything that reaches HTML from an article or a geocoder goes through :func:`html.escape` here.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from geostory.maps import labels
from geostory.maps.labels import DEFAULT_LANG
from geostory.model import Mention, Place, Story

MONTHS = labels.MONTHS["en"]


@dataclass(frozen=True, slots=True)
class KindStyle:
    """The look of one place kind: a colour, a marker shape and its English name (:mod:`labels` has both)."""

    colour: str
    shape: str  # circle | square | diamond | ring
    label: str


KIND_STYLES: dict[str, KindStyle] = {
    "country": KindStyle("#2563eb", "ring", "Country"),
    "region": KindStyle("#7c3aed", "square", "Region"),
    "city": KindStyle("#dc2626", "circle", "City"),
    "landmark": KindStyle("#15803d", "diamond", "Landmark"),
    "water": KindStyle("#0891b2", "circle", "Sea, river, lake"),
    "other": KindStyle("#6b7280", "square", "Other"),
}


def kind_style(kind: str) -> KindStyle:
    """The style of a kind; unknown kinds look like ``other``."""
    return KIND_STYLES.get(kind, KIND_STYLES["other"])


def marker_size(mentions: int) -> int:
    """Marker diameter in pixels: grows with the square root of the number of mentions, capped."""
    return min(16 + round(5 * math.sqrt(max(mentions, 1) - 1)), 36)


def format_date(value: str | None, precision: str | None = None, lang: str = DEFAULT_LANG) -> str:
    """``2023-09-13`` -> ``13 Sep 2023`` (``13 sept. 2023`` in French); month and year precision print less;
    None -> ``undated`` (see :func:`geostory.maps.labels.format_date`)."""
    return labels.format_date(value, precision, lang)


def mention_context(text: str, mention: Mention, width: int = 90) -> tuple[str, str, str]:
    """The words around a mention: ``(before, mention, after)``, cut at word boundaries, with ellipses."""
    start, end = mention.start, mention.end
    lo = max(0, start - width)
    hi = min(len(text), end + width)
    before, after = text[lo:start], text[end:hi]
    if lo > 0:
        cut = before.find(" ")
        before = "…" + (before[cut + 1 :] if 0 <= cut < len(before) - 1 else before)
    if hi < len(text):
        cut = after.rfind(" ")
        after = (after[:cut] if cut > 0 else after) + "…"
    before = before.split("\n")[-1]
    after = after.split("\n")[0]
    return before, text[start:end], after


def context_html(text: str, mention: Mention, width: int = 90) -> str:
    """A mention in its context as escaped HTML, the mention itself in ``<mark>``."""
    before, word, after = mention_context(text, mention, width)
    return f"{html.escape(before)}<mark>{html.escape(word)}</mark>{html.escape(after)}"


OVERRIDE_BADGES = {"accept": ("✓", "checked by a reader"), "choose": ("✎", "corrected by a reader"),
                   "add": ("+", "added by a reader")}


def override_note(place: Place, lang: str = DEFAULT_LANG) -> str | None:
    """What a reader did to this place (``corrected by a reader``...), or None."""
    return labels.override_label(place.override, lang) if place.override in OVERRIDE_BADGES else None


def place_label(place: Place) -> str:
    """The name shown for a place (plain text)."""
    return place.name


def popup_html(story: Story, place: Place, lang: str = DEFAULT_LANG) -> str:
    """Popup of a marker: name, kind, first mention in context, counts (words in ``lang``). Escaped."""
    style = kind_style(place.kind)
    parts = [
        f'<div class="gs-popup"><div class="gs-popup-title">{html.escape(place_label(place))}</div>',
        f'<div class="gs-popup-kind" style="color:{style.colour}">{html.escape(labels.kind_label(place.kind, lang))}'
        + (f" · {html.escape(place.country)}" if place.country else "")
        + "</div>",
    ]
    if note := override_note(place, lang):
        parts.append(f'<div class="gs-popup-override">{html.escape(note.capitalize())}</div>')
    if place.mentions:
        first = min(place.mentions, key=lambda m: m.start)
        parts.append(f'<div class="gs-popup-context">{context_html(story.article.text, first, 70)}</div>')
    counts = " · ".join((labels.label("mentions_n", lang, n=len(place.mentions)),
                         labels.label("events_n", lang, n=len(story.events_at(place.id))),
                         labels.label("quotes_n", lang, n=len(story.quotes_at(place.id)))))
    parts.append(f'<div class="gs-popup-counts">{html.escape(counts)}</div></div>')
    return "".join(parts)


def marker_html(place: Place, *, selected: bool = False, lang: str = DEFAULT_LANG) -> str:
    """The DivIcon body of a place marker: a shape in the kind's colour, badged with its mention count."""
    style = kind_style(place.kind)
    count = len(place.mentions)
    size = marker_size(count)
    classes = f"gs-marker gs-shape-{style.shape}" + (" gs-selected" if selected else "")
    badge = f'<span class="gs-badge">{count}</span>' if count > 1 else ""
    reviewed = OVERRIDE_BADGES.get(place.override or "")
    if reviewed:
        classes += f" gs-reviewed gs-ov-{place.override}"
        badge += (f'<span class="gs-ov-badge" title="{html.escape(override_note(place, lang) or "", quote=True)}">'
                  f"{reviewed[0]}</span>")
    return (
        f'<div class="{classes}" data-place="{html.escape(place.id, quote=True)}" '
        f'title="{html.escape(place_label(place), quote=True)}" '
        f'style="width:{size}px;height:{size}px;--gs-colour:{style.colour}">{badge}</div>'
    )


def legend_html(kinds: list[str] | None = None, reviewed: bool = False, size_note: str = "mentions",
                lang: str = DEFAULT_LANG) -> str:
    """The map legend in ``lang``: one row per kind (all kinds when ``kinds`` is None), what the size means
    (``size_note``: ``"mentions"`` or ``"stories"``) and, when ``reviewed``, the badges of a reader's corrections."""
    rows = []
    for kind, style in KIND_STYLES.items():
        if kinds is not None and kind not in kinds:
            continue
        rows.append(
            f'<div class="gs-legend-row"><span class="gs-marker gs-shape-{style.shape}" '
            f'style="width:11px;height:11px;--gs-colour:{style.colour}"></span>'
            f"{html.escape(labels.kind_label(kind, lang))}</div>"
        )
    size = f"size_{size_note}"
    notes = [labels.label(size, lang) if size in ("size_mentions", "size_stories") else f"size, number = {size_note}",
             labels.label("legend_itinerary", lang)] + ([labels.label("legend_reviewed", lang)] if reviewed else [])
    rows.append('<div class="gs-legend-note">' + "<br>".join(html.escape(n) for n in notes) + "</div>")
    return (f'<details class="gs-legend" open><summary class="gs-legend-title">{html.escape(labels.label("legend_title", lang))}'
            "</summary>" + "".join(rows) + "</details>")


MAP_CSS = """
.leaflet-container { background: #cfe0ec; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
.gs-icon { background: none; border: none; }
.gs-marker { box-sizing: border-box; display: flex; align-items: center; justify-content: center;
  background: var(--gs-colour); border: 2px solid #fff; box-shadow: 0 0 0 1px rgba(0,0,0,.45);
  color: #fff; font: 700 11px/1 system-ui, sans-serif; cursor: pointer; }
.gs-shape-circle { border-radius: 50%; }
.gs-shape-ring { border-radius: 50%; background: #fff; border: 4px solid var(--gs-colour); color: var(--gs-colour); }
.gs-shape-square { border-radius: 3px; }
.gs-shape-diamond { border-radius: 2px; transform: rotate(45deg) scale(.88); }
.gs-shape-diamond .gs-badge { transform: rotate(-45deg); }
.gs-marker.gs-selected { box-shadow: 0 0 0 3px #111, 0 0 10px 4px rgba(250,204,21,.95); }
.gs-legend { background: rgba(255,255,255,.88); padding: 4px 7px; border-radius: 4px; font-size: 11px;
  line-height: 15px; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.gs-legend-title { font-weight: 700; margin-bottom: 2px; cursor: pointer; }
.gs-legend-row { display: flex; align-items: center; gap: 6px; }
.gs-legend-row .gs-marker { border-width: 1px; box-shadow: 0 0 0 1px rgba(0,0,0,.35); }
.gs-legend-row .gs-shape-ring { border-width: 3px; }
.gs-legend-note { color: #444; margin-top: 2px; font-size: 10px; line-height: 12px; }
.gs-stop { background: none; border: none; }
.gs-stop span { display: inline-block; white-space: nowrap; background: #111827; color: #fff; padding: 1px 5px;
  border-radius: 9px; font: 600 11px/16px system-ui, sans-serif; box-shadow: 0 1px 3px rgba(0,0,0,.4); }
.gs-stop span.gs-planned { background: #fff; color: #111827; border: 1px dashed #111827; }
.gs-stop-date { font-style: normal; }
.gs-z-low .gs-stop-date { display: none; }
.gs-popup { font-size: 12px; max-width: 280px; }
.gs-popup-title { font-weight: 700; font-size: 14px; }
.gs-popup-kind { font-size: 11px; margin-bottom: 4px; }
.gs-popup-context mark { background: #fde68a; padding: 0 1px; }
.gs-marker { position: relative; }
.gs-reviewed { outline: 2px dashed #111827; outline-offset: 2px; }
.gs-ov-accept { outline-style: solid; outline-color: #15803d; }
.gs-ov-badge { position: absolute; top: -9px; right: -9px; min-width: 13px; height: 13px; padding: 0 1px;
  border-radius: 7px; background: #111827; color: #fde68a; font: 700 10px/13px system-ui, sans-serif;
  text-align: center; box-shadow: 0 0 0 1px #fff; }
.gs-shape-diamond .gs-ov-badge { transform: rotate(-45deg); }
.gs-popup-override { font-size: 11px; font-weight: 600; color: #92400e; }
.gs-popup-counts { color: #555; margin-top: 4px; font-size: 11px; }
"""
