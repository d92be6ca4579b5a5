"""Dated events as periods, and which places a date range keeps on the map."""

from __future__ import annotations

import calendar
import datetime as dt

from geostory.model import Event, Story


def date_period(value: str | None, precision: str | None = None) -> tuple[dt.date, dt.date] | None:
    """The first and last day an ISO date of some precision covers (``2023-09`` -> Sep 1..30); None if unparsable."""
    if not value:
        return None
    parts = value.split("-")
    try:
        year = int(parts[0])
        if precision == "year" or len(parts) == 1:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        month = int(parts[1])
        if precision == "month" or len(parts) == 2:
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        day = dt.date(year, month, int(parts[2]))
    except (ValueError, IndexError):
        return None
    return day, day


def event_period(event: Event) -> tuple[dt.date, dt.date] | None:
    """The period an event's date covers, or None when it is undated."""
    return date_period(event.date, event.date_precision)


def dated_events(story: Story) -> list[tuple[Event, dt.date, dt.date]]:
    """Dated events with their periods, in date order."""
    rows = [(e, *p) for e in story.events if (p := event_period(e)) is not None]
    return sorted(rows, key=lambda r: (r[1], r[2], r[0].start))


def story_period(story: Story) -> tuple[dt.date, dt.date] | None:
    """From the first to the last day covered by the story's dated events; None if none is dated."""
    rows = dated_events(story)
    if not rows:
        return None
    return min(r[1] for r in rows), max(r[2] for r in rows)


def places_in_period(story: Story, start: dt.date, end: dt.date) -> set[str]:
    """Ids of places with at least one event whose period overlaps ``start..end``.

    When the range covers the whole story period every place is kept, dated or not.
    """
    whole = story_period(story)
    if whole is None or (start <= whole[0] and end >= whole[1]):
        return {p.id for p in story.places}
    keep: set[str] = set()
    for event, first, last in dated_events(story):
        if first <= end and last >= start:
            keep.update(event.places)
    return keep
