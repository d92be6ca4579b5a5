"""The timeline of the story's dated events, with the date range that filters the map."""

from __future__ import annotations

import datetime as dt
import html

import streamlit as st

from components import state
from components.article import SCROLL_CSS, scroll_region
from components.html import STATUS_COLOURS
from components.i18n import format_date, status_label, t
from geostory.maps.timeline import dated_events, story_period
from geostory.model import Event, Story

TIMELINE_CSS = """
<style>
.gs-tl-axis { position: relative; height: 34px; margin: 6px 8px 4px 8px; border-bottom: 2px solid #9ca3af; }
.gs-tl-dot { position: absolute; bottom: -7px; width: 12px; height: 12px; margin-left: -6px; border-radius: 50%;
  border: 2px solid #fff; box-shadow: 0 0 0 1px #6b7280; }
.gs-tl-tick { position: absolute; top: 38px; font-size: .72rem; color: #4b5563;
  white-space: nowrap; }
.gs-tl-list { margin-top: 26px; font-size: .85rem; }
.gs-tl-ev { display: flex; gap: 8px; align-items: baseline; padding: 2px 0; }
.gs-tl-ev.gs-out { opacity: .35; }
.gs-tl-date { flex: 0 0 92px; font-weight: 600; color: #374151; }
.gs-tl-chip { flex: 0 0 auto; padding: 0 6px; border-radius: 8px; color: #fff; font-size: .72rem; }
.gs-tl-where { color: #6b7280; }
</style>
"""


def timeline_html(story: Story, chosen: tuple[dt.date, dt.date] | None = None, lang: str | None = None) -> str:
    """Dated events on a time axis, then listed by date; those outside ``chosen`` are faded. Escaped."""
    rows = dated_events(story)
    if not rows:
        return ""
    first, last = min(r[1] for r in rows), max(r[2] for r in rows)
    span = max((last - first).days, 1)
    chosen = chosen or (first, last)

    def pos(day: dt.date) -> float:
        return 0.0 if first == last else 100.0 * (day - first).days / span

    dots, stops = [], []
    for event, a, b in rows:
        inside = a <= chosen[1] and b >= chosen[0]
        colour = STATUS_COLOURS.get(event.status, "#6b7280")
        x = pos(a) if first != last else 50.0
        label = format_date(event.date, event.date_precision, lang)
        dots.append(
            f'<span class="gs-tl-dot" style="left:{x:.2f}%;background:{colour};opacity:{1 if inside else 0.3}" '
            f'title="{html.escape(label + ": " + event.summary, quote=True)}"></span>'
        )
        if not stops or stops[-1][1] != label:
            stops.append((x, label))
    return (
        TIMELINE_CSS
        + '<div class="gs-tl"><div class="gs-tl-axis">'
        + "".join(dots + _ticks(stops))
        + '</div><div class="gs-tl-list">'
        + "".join(_event_row(story, event, a <= chosen[1] and b >= chosen[0], lang) for event, a, b in rows)
        + "</div></div>"
    )


def _ticks(stops: list[tuple[float, str]], gap: float = 18.0) -> list[str]:
    """Axis labels; dates closer than ``gap`` percent share one label ("13 Sep 2023 – 14 Sep 2023")."""
    groups: list[list[tuple[float, str]]] = []
    for stop in stops:
        if groups and stop[0] - groups[-1][-1][0] < gap:
            groups[-1].append(stop)
        else:
            groups.append([stop])
    ticks = []
    for group in groups:
        x = group[0][0]
        label = group[0][1] if len(group) == 1 else f"{group[0][1]} – {group[-1][1]}"
        shift = 0 if x < 15 else (-100 if x > 70 else -50)  # keep the edge labels inside the axis
        ticks.append(
            f'<span class="gs-tl-tick" style="left:{x:.2f}%;transform:translateX({shift}%)">{html.escape(label)}</span>'
        )
    return ticks


def _event_row(story: Story, event: Event, inside: bool, lang: str | None = None) -> str:
    colour = STATUS_COLOURS.get(event.status, "#6b7280")
    names = [p.name for pid in event.places if (p := story.place(pid)) is not None]
    where = f' <span class="gs-tl-where">— {html.escape(", ".join(names))}</span>' if names else ""
    return (
        f'<div class="gs-tl-ev{"" if inside else " gs-out"}">'
        f'<span class="gs-tl-date">{html.escape(format_date(event.date, event.date_precision, lang))}</span>'
        f'<span class="gs-tl-chip" style="background:{colour}">{html.escape(status_label(event.status, lang))}</span>'
        f"<span>{html.escape(event.summary)}{where}</span></div>"
    )


def render_timeline(story: Story, *, key: str = state.DATES_KEY) -> tuple[dt.date, dt.date] | None:
    """The dated events on a time axis and a date-range slider; returns the range chosen (None: no dates)."""
    rows = dated_events(story)
    undated = len(story.events) - len(rows)
    period = story_period(story)
    st.markdown(f"**{t('timeline')}**")
    if period is None:
        st.caption(t("no_dates", n=len(story.events)))
        return None
    first, last = period
    chosen = (first, last)
    if first < last:
        if key in st.session_state and not _valid(st.session_state[key], first, last):
            del st.session_state[key]
        chosen = st.slider(
            t("date_range"),
            min_value=first,
            max_value=last,
            value=st.session_state.get(key, (first, last)),
            step=dt.timedelta(days=1),
            format=t("slider_date_format"),
            key=key,
        )
    st.markdown(SCROLL_CSS + scroll_region(timeline_html(story, chosen), label=t("timeline_events"), height=230),
                unsafe_allow_html=True)
    note = t("dated_n", n=len(rows))
    if undated:
        note += "; " + t("undated_n", n=undated)
    st.caption(note + ".")
    return chosen


def _valid(value: object, first: dt.date, last: dt.date) -> bool:
    return (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, dt.date) for v in value)
        and first <= value[0] <= value[1] <= last
    )
