"""The place search box and the selected place's panel: events, quotes, mentions."""

from __future__ import annotations

import html

import streamlit as st

from components import state
from components.html import (
    PANEL_CSS,
    event_html,
    mentions_html,
    place_events,
    place_quotes,
    quote_html,
)
from components.i18n import current, kind_label, override_label, t
from geostory.maps.style import kind_style
from geostory.model import Place, Story

PANEL_KEY = "place_panel"


def _option_label(story: Story, place_id: str, lang: str | None = None) -> str:
    place = story.place(place_id)
    if place is None:
        return place_id
    where = f", {place.country}" if place.country else ""
    unmapped = "" if place.resolved else f" — {t('not_on_map', lang)}"
    return f"{place.name} ({kind_label(place.kind, lang).lower()}{where}){unmapped}"


def render_place_picker(story: Story, *, key: str = state.PICKER_KEY) -> str | None:
    """A searchable list of the story's places; picking one selects it and recentres the map."""
    ids = [p.id for p in sorted(story.places, key=lambda p: p.name.casefold())]
    lang = current()  # labels in the run's language, even when formatted later
    if st.session_state.get(key) not in ids:
        st.session_state[key] = None
    return st.selectbox(
        t("place_search"),
        ids,
        index=None,
        key=key,
        format_func=lambda pid: _option_label(story, pid, lang),
        placeholder=t("place_search_hint", n=len(ids)),
        on_change=state.on_pick,
        args=(story,),
    )


def render_place_panel(story: Story, place_id: str | None, *, key: str = PANEL_KEY) -> None:
    """What happened at the selected place and who said what there; an overview when none is selected."""
    with st.container(key=key):
        st.markdown(PANEL_CSS, unsafe_allow_html=True)
        place = story.place(place_id) if place_id else None
        if place is None:
            _render_overview(story)
            return
        _render_place(story, place)


def _render_place(story: Story, place: Place) -> None:
    style = kind_style(place.kind)
    st.subheader(place.name, anchor=False)
    facts = [f'<span style="color:{style.colour}; font-weight:600">{html.escape(kind_label(place.kind))}</span>']
    if place.country:
        facts.append(html.escape(place.country))
    if place.resolved:
        facts.append(f"{place.lat:.3f}, {place.lon:.3f}")
    else:
        facts.append(t("no_coordinates"))
    if place.provider:
        facts.append(html.escape(t("via", provider=place.provider) + (f" ({place.confidence:.0%})" if place.confidence else "")))
    st.markdown('<div class="gs-item-head">' + " · ".join(facts) + "</div>", unsafe_allow_html=True)
    if place.note:
        st.caption(place.note)
    if note := override_label(place.override):
        st.markdown(f'<div class="gs-item-head gs-override">✎ {html.escape(note.capitalize())}</div>',
                    unsafe_allow_html=True)

    events = place_events(story, place.id)
    st.markdown(f"**{t('events')}** ({len(events)})")
    if events:
        st.markdown("".join(event_html(story, e) for e in events), unsafe_allow_html=True)
    else:
        st.caption(t("no_event_here"))

    quotes = place_quotes(story, place.id)
    st.markdown(f"**{t('quotes')}** ({len(quotes)})")
    if quotes:
        st.markdown("".join(quote_html(story, q) for q in quotes), unsafe_allow_html=True)
    else:
        st.caption(t("no_quote_here"))

    st.markdown(f"**{t('mentions')}** ({len(place.mentions)})")
    if place.mentions:
        st.markdown(mentions_html(story, place), unsafe_allow_html=True)
    st.button(
        t("clear_selection"),
        key=f"{PANEL_KEY}_clear",
        on_click=state.select_place,
        args=(story, None),
        kwargs={"recentre": True},
    )


def _render_overview(story: Story) -> None:
    st.subheader(t("places_of_story"), anchor=False)
    st.caption(t("places_hint"))
    rows = sorted(story.places, key=lambda p: (-len(p.mentions), p.name.casefold()))
    lines = []
    for p in rows:
        style = kind_style(p.kind)
        extra = "" if p.resolved else f" · <i>{html.escape(t('not_on_map'))}</i>"
        if note := override_label(p.override):
            extra += f" · <i>{html.escape(note)}</i>"
        counts = f"{t('mentions_n', n=len(p.mentions))} · {t('events_n', n=len(story.events_at(p.id)))}"
        lines.append(
            f'<div class="gs-item" style="border-color:{style.colour}"><b>{html.escape(p.name)}</b> '
            f'<span class="gs-actors">{html.escape(kind_label(p.kind).lower())} · {html.escape(counts)}{extra}</span></div>'
        )
    st.markdown("".join(lines), unsafe_allow_html=True)
