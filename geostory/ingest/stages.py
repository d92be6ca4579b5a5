"""The extraction pipeline with progress per stage (for long articles in the dashboard).

The stages and their reports are :func:`geostory.extract.pipeline.extract_story`'s own; this module gives them to
the ingest side without loading spaCy.
"""

from __future__ import annotations

from geostory.extract.stages import STAGES, Report
from geostory.model import Article, Story

__all__ = ["STAGES", "Report", "extract_in_stages"]


def extract_in_stages(article: Article, *, nlp=None, gazetteer=None, geocoder=None,
                      report: Report | None = None) -> Story:
    """``extract_story(article, ...)`` with ``report(stage, fraction_done)`` before each of :data:`STAGES`."""
    from geostory.extract.pipeline import extract_story

    return extract_story(article, nlp=nlp, gazetteer=gazetteer, geocoder=geocoder, report=report)
