"""Escaped HTML for the side panels and the article text (pure: no Streamlit, tested on its own).

Every string that comes from an article or a geocoder goes through :func:`html.escape`. Interface words are in
``lang`` (default: the session's language, see :mod:`components.i18n`).
"""

from __future__ import annotations

import html
import itertools
from urllib.parse import quote as urlquote

from components.i18n import format_date, kind_label, status_label, t
from geostory.extract.quotes import split_sentences
from geostory.maps.style import KIND_STYLES, context_html, kind_style
from geostory.model import Event, Place, Quote, Story

STATUS_COLOURS = {"happened": "#15803d", "planned": "#b45309", "reported": "#6b7280"}

PANEL_CSS = """
<style>
.gs-item { border-left: 3px solid #d1d5db; padding: 2px 0 2px 10px; margin: 0 0 10px 0; }
.gs-item-head { font-size: .85rem; color: #374151; }
.gs-status { display: inline-block; padding: 0 6px; border-radius: 8px; color: #fff; font-size: .75rem; }
.gs-actors { font-size: .8rem; color: #4b5563; }
.gs-quote { font-style: italic; }
.gs-speaker { font-weight: 600; font-style: normal; }
.gs-ctx mark, .gs-article mark { padding: 0 2px; border-radius: 3px; color: inherit; }
.gs-event-ctx { font-size: .8rem; color: #4b5563; margin-top: 2px; }
.gs-event-ctx mark { background: #fef3c7; }
.gs-article { white-space: pre-wrap; line-height: 1.65; font-size: .95rem; }
.gs-article .gs-q { text-decoration: underline dotted #6b7280; }
.gs-article mark.gs-sel { outline: 2px solid #111827; font-weight: 600; }
.gs-chip { display: inline-block; padding: 0 6px; margin-right: 6px; border-radius: 3px; font-size: .8rem; }
.gs-shape { font-size: .95em; color: #374151; margin-right: 4px; }
.gs-article mark[data-shape]::after { font-size: .75em; color: #374151; margin-left: 2px; vertical-align: .2em; }
.gs-article mark[data-shape="circle"]::after { content: "●" / ""; }
.gs-article mark[data-shape="ring"]::after { content: "○" / ""; }
.gs-article mark[data-shape="square"]::after { content: "■" / ""; }
.gs-article mark[data-shape="diamond"]::after { content: "◆" / ""; }
</style>
"""


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~$:"})


def md_escape(text: str) -> str:
    """Plain text made inert for Streamlit markdown (labels, captions, toasts): no links, emphasis or LaTeX."""
    return str(text).translate(_MD_SPECIAL)


def tint(colour: str, alpha: float = 0.22) -> str:
    """A translucent ``rgba()`` of a ``#rrggbb`` colour, for highlights."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def actor_names(story: Story, actors: tuple[str, ...]) -> list[str]:
    """Actor ids resolved to people's names (unknown ids are shown as they are)."""
    people = {p.id: p.name for p in story.people}
    return [people.get(a, a) for a in actors]


def place_events(story: Story, place_id: str) -> list[Event]:
    """Events at a place, by date (undated last)."""
    return story.events_at(place_id)


def place_quotes(story: Story, place_id: str) -> list[Quote]:
    """Quotes linked to a place, directly or through one of its events, in article order."""
    event_ids = {e.id for e in story.events_at(place_id)}
    quote_ids = {q for e in story.events if e.id in event_ids for q in e.quotes}
    quotes = [q for q in story.quotes if place_id in q.places or q.event in event_ids or q.id in quote_ids]
    return sorted(quotes, key=lambda q: q.start)


def quote_anchor(quote: Quote) -> str:
    """The HTML id of a quote inside the article panel."""
    return "gs-q-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in quote.id)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The start and end of the sentence(s) around ``text[start:end]`` (the pipeline's own sentence split)."""
    spans = split_sentences(text)
    lo = next((s for s, e in spans if s <= start < e), 0)
    hi = next((e for s, e in spans if s < end <= e), len(text))
    chunk = text[lo:hi]
    return lo + len(chunk) - len(chunk.lstrip()), lo + len(chunk.rstrip())


def event_context_html(story: Story, event: Event) -> str:
    """The sentence an event comes from, its own words marked; empty when its span is not in the text."""
    text = story.article.text
    if not 0 <= event.start < event.end <= len(text):
        return ""
    lo, hi = sentence_bounds(text, event.start, event.end)
    if " ".join(text[lo:hi].split()).strip(" .") == " ".join(event.summary.split()).strip(" ."):
        return ""  # the summary already is the whole sentence
    return (
        f'<div class="gs-ctx gs-event-ctx">{html.escape(text[lo:event.start])}'
        f"<mark>{html.escape(text[event.start:event.end])}</mark>{html.escape(text[event.end:hi])}</div>"
    )


def event_html(story: Story, event: Event, lang: str | None = None) -> str:
    """One event: date, status, summary and actors."""
    status = event.status or "happened"
    colour = STATUS_COLOURS.get(status, "#6b7280")
    date = format_date(event.date, event.date_precision, lang)
    actors = actor_names(story, event.actors)
    parts = [
        f'<div class="gs-item gs-event" style="border-color:{colour}">',
        (f'<div class="gs-item-head"><b>{html.escape(date)}</b> '
        f'<span class="gs-status" style="background:{colour}">{html.escape(status_label(status, lang))}</span></div>'),
        f"<div>{html.escape(event.summary)}</div>",
    ]
    if actors:
        parts.append(f'<div class="gs-actors">{html.escape(t("actors", lang, names=", ".join(actors)))}</div>')
    parts.append(event_context_html(story, event))
    parts.append("</div>")
    return "".join(parts)


def quote_html(story: Story, quote: Quote, lang: str | None = None) -> str:
    """One quote: speaker, the words, a link to its sentence in the article panel (and in the source)."""
    speaker = quote.speaker or quote.speaker_mention or t("unknown_speaker", lang)
    if quote.speaker_id:
        speaker = next((p.name for p in story.people if p.id == quote.speaker_id), speaker)
    words = quote.text.strip().strip("«»\"“”").strip()
    links = [f'<a href="#{quote_anchor(quote)}">{html.escape(t("in_article", lang))}</a>']
    source = story.article.source or ""
    if source.startswith(("http://", "https://")):
        fragment = urlquote(words[:80], safe="")
        links.append(
            f'<a href="{html.escape(source, quote=True)}#:~:text={fragment}" target="_blank" rel="noopener">'
            f'{html.escape(t("at_source", lang))}</a>'
        )
    return (
        f'<div class="gs-item gs-quote-item"><div class="gs-quote">'
        f'<span class="gs-speaker">{html.escape(speaker)}</span>: « {html.escape(words)} »</div>'
        f'<div class="gs-item-head">{" · ".join(links)}</div></div>'
    )


def mentions_html(story: Story, place: Place) -> str:
    """A place's mentions, each in its context, in article order."""
    colour = tint(kind_style(place.kind).colour, 0.35)
    rows = []
    for mention in sorted(place.mentions, key=lambda m: m.start):
        ctx = context_html(story.article.text, mention, 70).replace("<mark>", f'<mark style="background:{colour}">')
        rows.append(f'<div class="gs-item gs-ctx">{ctx}</div>')
    return "".join(rows)


# The map's marker shapes as characters: with the colour, the kind of a highlighted mention is not told by colour alone.
SHAPE_GLYPHS = {"circle": "●", "ring": "○", "square": "■", "diamond": "◆"}


def shape_html(kind: str) -> str:
    """The shape of a kind's map marker, as a small decorative character (hidden from screen readers)."""
    return f'<span class="gs-shape" aria-hidden="true">{SHAPE_GLYPHS.get(kind_style(kind).shape, "■")}</span>'


def legend_chips(kinds: list[str], lang: str | None = None) -> str:
    """Chips naming the kinds highlighted in the article: their colour, their map shape and their name."""
    chips = [
        f'<span class="gs-chip" style="background:{tint(KIND_STYLES[k].colour, 0.3)}">{shape_html(k)}'
        f'{html.escape(kind_label(k, lang))}</span>'
        for k in kinds
        if k in KIND_STYLES
    ]
    return "".join(chips)


def article_html(story: Story, selected: str | None = None, lang: str | None = None) -> str:
    """The article text with place mentions highlighted in their kind's colour and quotes anchored.

    Overlapping mentions keep the earliest (then longest); the selected place's mentions are outlined.
    """
    text = story.article.text
    marks: list[tuple[int, int, Place]] = []
    for place in story.places:
        for m in place.mentions:
            if 0 <= m.start < m.end <= len(text):
                marks.append((m.start, m.end, place))
    marks.sort(key=lambda r: (r[0], -(r[1] - r[0])))
    kept: list[tuple[int, int, Place]] = []
    for start, end, place in marks:
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, place))
    quotes = sorted((q for q in story.quotes if 0 <= q.start < q.end <= len(text)), key=lambda q: q.start)
    cuts = sorted({0, len(text), *(p for s, e, _ in kept for p in (s, e)), *(p for q in quotes for p in (q.start, q.end))})
    out = ['<div class="gs-article">']
    open_quote = None
    for a, b in itertools.pairwise(cuts):
        quote = next((q for q in quotes if q.start <= a < q.end), None)
        if quote is not open_quote:
            if open_quote is not None:
                out.append("</span>")
            if quote is not None:
                out.append(f'<span class="gs-q" id="{quote_anchor(quote)}">')
            open_quote = quote
        chunk = html.escape(text[a:b])
        mark = next((r for r in kept if r[0] <= a < r[1]), None)
        if mark is None:
            out.append(chunk)
            continue
        place = mark[2]
        colour = tint(kind_style(place.kind).colour, 0.3)
        cls = ' class="gs-sel"' if place.id == selected else ""
        title = html.escape(f"{place.name} ({kind_label(place.kind, lang).lower()})", quote=True)
        shape = f' data-shape="{kind_style(place.kind).shape}"' if b == mark[1] else ""  # drawn by PANEL_CSS
        out.append(f'<mark{shape}{cls} style="background:{colour}" title="{title}">{chunk}</mark>')
    if open_quote is not None:
        out.append("</span>")
    out.append("</div>")
    return "".join(out)
