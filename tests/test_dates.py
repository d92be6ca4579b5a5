"""Date expressions resolved against the publication date (table-driven, French and English)."""

import pytest

from geostory.extract.dates import find_dates, parse_published, resolve, resolve_text

# (lang, text, published, anchor, future, expected value, expected precision)
CASES = [
    # French: absolute
    ("fr", "le jeudi 14 septembre", "2023-09-14", None, False, "2023-09-14", "day"),
    ("fr", "le 29 mai 2015", "2015-06-01", None, False, "2015-05-29", "day"),
    ("fr", "le 1er mars", "2022-03-10", None, False, "2022-03-01", "day"),
    ("fr", "le 28 décembre", "2024-01-05", None, False, "2023-12-28", "day"),
    ("fr", "le 3 janvier", "2023-12-20", None, True, "2024-01-03", "day"),
    ("fr", "dans la nuit du 27 au 28 octobre", "2023-11-02", None, False, "2023-10-27", "day"),
    ("fr", "un communiqué daté du 4 octobre", "2023-11-02", None, False, "2023-10-04", "day"),
    ("fr", "le 14/07/2019", "2020-01-01", None, False, "2019-07-14", "day"),
    ("fr", "en septembre 2022", "2023-09-14", None, False, "2022-09", "month"),
    ("fr", "début octobre", "2023-11-02", None, False, "2023-10", "month"),
    ("fr", "en novembre", "2023-09-14", None, False, "2022-11", "month"),
    ("fr", "en 2019", "2023-09-14", None, False, "2019", "year"),
    ("fr", "depuis 2001", "2022-10-11", None, False, "2001", "year"),
    # French: weekdays and relative expressions
    ("fr", "mercredi", "2023-09-14", None, False, "2023-09-13", "day"),
    ("fr", "jeudi", "2023-09-14", None, False, "2023-09-14", "day"),
    ("fr", "Samedi", "2023-11-02", None, False, "2023-10-28", "day"),
    ("fr", "vendredi", "2015-06-01", None, False, "2015-05-29", "day"),
    ("fr", "lundi prochain", "2023-09-14", None, False, "2023-09-18", "day"),
    ("fr", "samedi", "2023-09-14", None, True, "2023-09-16", "day"),
    ("fr", "lundi dernier", "2023-09-18", None, False, "2023-09-11", "day"),
    ("fr", "ce lundi", "2021-03-22", None, False, "2021-03-22", "day"),
    ("fr", "hier", "2022-11-01", None, False, "2022-10-31", "day"),
    ("fr", "avant-hier", "2022-11-01", None, False, "2022-10-30", "day"),
    ("fr", "demain", "2022-11-01", None, False, "2022-11-02", "day"),
    ("fr", "ce matin", "2015-06-01", None, False, "2015-06-01", "day"),
    ("fr", "la veille", "2023-09-14", "2023-09-14", False, "2023-09-13", "day"),
    ("fr", "la veille", "2023-09-20", "2023-09-10", False, "2023-09-09", "day"),
    ("fr", "le lendemain", "2023-09-20", "2023-09-10", False, "2023-09-11", "day"),
    ("fr", "il y a deux jours", "2023-09-14", None, False, "2023-09-12", "day"),
    ("fr", "Il y a une semaine", "2013-08-23", None, False, "2013-08-16", "day"),
    ("fr", "il y a trois ans", "2023-09-14", None, False, "2020", "year"),
    ("fr", "le mois dernier", "2023-01-10", None, False, "2022-12", "month"),
    ("fr", "l'an dernier", "2023-09-14", None, False, "2022", "year"),
    ("fr", "dans trois jours", "2023-09-14", None, False, "2023-09-17", "day"),
    # English
    ("en", "on Thursday afternoon", "2017-07-14", None, False, "2017-07-13", "day"),
    ("en", "on Friday", "2017-07-14", None, True, "2017-07-14", "day"),
    ("en", "before Sunday", "2017-07-14", None, True, "2017-07-16", "day"),
    ("en", "At a ceremony Tuesday", "2022-10-11", None, False, "2022-10-11", "day"),
    ("en", "last Tuesday", "2022-10-11", None, False, "2022-10-04", "day"),
    ("en", "next Monday", "2022-10-11", None, False, "2022-10-17", "day"),
    ("en", "yesterday", "2017-02-23", None, False, "2017-02-22", "day"),
    ("en", "this afternoon", "2017-02-23", None, False, "2017-02-23", "day"),
    ("en", "23 February 2017", "2017-02-23", None, False, "2017-02-23", "day"),
    ("en", "September 14, 2023", "2023-09-20", None, False, "2023-09-14", "day"),
    ("en", "Sept. 3", "2023-09-20", None, False, "2023-09-03", "day"),
    ("en", "two days ago", "2023-09-14", None, False, "2023-09-12", "day"),
    ("en", "a week ago", "2023-09-14", None, False, "2023-09-07", "day"),
    ("en", "the day before", "2023-09-20", "2023-09-18", False, "2023-09-17", "day"),
    ("en", "the following day", "2023-09-20", "2023-09-18", False, "2023-09-19", "day"),
    ("en", "in 2016", "2015-06-01", None, False, "2016", "year"),
    ("en", "in March 2020", "2023-09-14", None, False, "2020-03", "month"),
    ("en", "last year", "2023-09-14", None, False, "2022", "year"),
    ("en", "last month", "2023-03-02", None, False, "2023-02", "month"),
]


@pytest.mark.parametrize("lang,text,published,anchor,future,value,precision", CASES)
def test_resolves(lang, text, published, anchor, future, value, precision):
    dv = resolve_text(text, published, lang, anchor=anchor, future=future)
    assert dv is not None, text
    assert (dv.value, dv.precision) == (value, precision)
    assert dv.text == text[dv.start:dv.end]


def test_cases_cover_both_languages():
    assert len(CASES) >= 30
    assert {c[0] for c in CASES} == {"fr", "en"}


@pytest.mark.parametrize("text", ["The mercury may fall", "il y a des victimes", "Mai Lan a chanté", "Covid-19"])
def test_no_false_dates(text):
    assert find_dates(text, "en") == [] or resolve_text(text, "2023-09-14") is None


def test_weekday_needs_a_day_precise_publication_date():
    expr = find_dates("lundi", "fr")[0]
    assert resolve(expr, "2024-08") is None
    assert resolve(expr, None) is None


def test_absolute_date_keeps_offsets():
    text = "Le navire a appareillé le 29 mai 2015 de Hambourg."
    (expr,) = find_dates(text, "fr")
    assert text[expr.start:expr.end] == "29 mai 2015"


def test_parse_published():
    assert parse_published("2023-09-14")[0].isoformat() == "2023-09-14"
    assert parse_published("2024-08") == (None, 2024, 8)
    assert parse_published("not a date") == (None, None, None)


@pytest.mark.parametrize("text", ["jusqu'à lundi", "jusqu'au 3 mars", "until Sunday", "by Friday"])
def test_end_bounds_are_marked(text):
    assert find_dates(text)[-1].mod == "until"
