"""The stages of the extraction, in order, as progress reports name them (no heavy imports: the dashboard shows
them before spaCy is loaded)."""

from __future__ import annotations

from collections.abc import Callable

STAGES = ("reading", "recognising", "geocoding", "quotes and events")
Report = Callable[[str, float], None]  # report(stage, fraction_done)
