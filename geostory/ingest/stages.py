"""The extraction pipeline run stage by stage, reporting progress (for long articles in the dashboard).

Runs the same steps as :func:`geostory.extract.pipeline.extract_story`, in the same order, and gives the same
Story (a test checks it); ``report(stage, fraction)`` is called before each stage and once at the end.
"""

from __future__ import annotations

from collections.abc import Callable

from geostory.model import Article, Story

STAGES = ("reading", "recognising", "geocoding", "quotes and events")
Report = Callable[[str, float], None]


def extract_in_stages(article: Article, *, nlp=None, gazetteer=None, geocoder=None,
                      report: Report | None = None) -> Story:
    """``extract_story(article, ...)`` with ``report(stage, fraction_done)`` before each of :data:`STAGES`."""
    from geostory.extract.pipeline import check_article, extract_story, focus_of
    from geostory.extract.places import find_place_mentions, find_unknown_places
    from geostory.gazetteer.index import get_gazetteer
    from geostory.geocode.resolve import place_unknowns, resolve_matches
    from geostory.nlp import get_nlp

    def step(i: int) -> None:
        if report is not None:
            report(STAGES[i] if i < len(STAGES) else "done", i / len(STAGES))

    article, checked = check_article(article)  # the pipeline's own limits and notes, before the costly parse
    step(0)
    gaz = gazetteer or get_gazetteer()
    doc = (nlp or get_nlp(article.lang))(article.text)
    try:
        from geostory.extract.narrative import extract_narrative
    except ImportError:  # narrative extraction not installed: the pipeline's own call does the rest
        step(1)
        story = extract_story(article, gazetteer=gaz, geocoder=geocoder, doc=doc)
        step(len(STAGES))
        return story
    step(1)
    matches = find_place_mentions(article.text, doc, gaz, article.lang)
    unknowns, matches = find_unknown_places(article.text, doc, matches)
    step(2)
    places = resolve_matches(article.text, matches, gaz, lang=article.lang)
    places = tuple(places + place_unknowns(article.text, unknowns, places))
    notes: tuple[str, ...] = checked
    if geocoder is not None and geocoder != "offline":
        from geostory.geocode.chain import geocode_places

        places, online_notes = geocode_places(places, geocoder, gazetteer=gaz)
        notes += tuple(online_notes)
    step(3)
    people, quotes, events, itineraries = extract_narrative(doc, article, places)
    step(len(STAGES))
    return Story(article=article, places=places, quotes=tuple(quotes), events=tuple(events), people=tuple(people),
                 itineraries=tuple(itineraries), focus=focus_of(places), notes=tuple(notes))
