"""The timeline of the story's dated events, with the date range that filters the map."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from components import state
from components.html import STATUS_COLOURS
from geostory.maps.style import format_date
from geostory.maps.timeline import dated_events, story_period
from geostory.model import Story


def render_timeline(story: Story, *, key: str = state.DATES_KEY) -> tuple[dt.date, dt.date] | None:
    """Draw the dated events on a time axis and a date-range slider; returns the range chosen (None: no dates)."""
    rows = dated_events(story)
    undated = len(story.events) - len(rows)
    period = story_period(story)
    if period is None:
        st.caption(f"Timeline: none of the {len(story.events)} events has a date.")
        return None
    first, last = period
    chosen = (first, last)
    if first < last:
        if key in st.session_state and not _valid(st.session_state[key], first, last):
            del st.session_state[key]
        chosen = st.slider(
            "Show places with events between",
            min_value=first,
            max_value=last,
            value=st.session_state.get(key, (first, last)),
            step=dt.timedelta(days=1),
            format="D MMM YYYY",
            key=key,
        )
    frame = pd.DataFrame(
        {
            "start": [pd.Timestamp(a) for _, a, _ in rows],
            "end": [pd.Timestamp(b) + pd.Timedelta(hours=20) for _, _, b in rows],
            "date": [format_date(e.date, e.date_precision) for e, _, _ in rows],
            "status": [e.status for e, _, _ in rows],
            "summary": [e.summary for e, _, _ in rows],
            "places": [", ".join(_names(story, e.places)) for e, _, _ in rows],
            "in range": [a <= chosen[1] and b >= chosen[0] for _, a, b in rows],
            "row": list(range(len(rows))),
        }
    )
    statuses = sorted(set(frame["status"]))
    chart = (
        alt.Chart(frame)
        .mark_bar(cornerRadius=3, height=10)
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%d %b %Y", labelAngle=0, tickCount="day")),
            x2="end:T",
            y=alt.Y("row:O", axis=None),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=statuses, range=[STATUS_COLOURS.get(s, "#6b7280") for s in statuses]),
                legend=alt.Legend(orient="top", title=None),
            ),
            opacity=alt.condition("datum['in range']", alt.value(1.0), alt.value(0.2)),
            tooltip=["date", "status", "summary", "places"],
        )
        .properties(height=max(60, 14 * len(frame)))
    )
    st.altair_chart(chart, width="stretch")
    note = f"{len(rows)} dated event(s)"
    if undated:
        note += f"; {undated} undated event(s) are not on the timeline (their places show when the whole period is selected)"
    st.caption(note + ".")
    return chosen


def _valid(value: object, first: dt.date, last: dt.date) -> bool:
    return (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, dt.date) for v in value)
        and first <= value[0] <= value[1] <= last
    )


def _names(story: Story, place_ids: tuple[str, ...]) -> list[str]:
    return [p.name for pid in place_ids if (p := story.place(pid)) is not None]
