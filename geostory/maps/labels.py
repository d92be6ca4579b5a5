"""The map's own words in English and French: legend, popups, tooltips, layer names, dates (pure, no Streamlit).

Map builders take ``lang`` (``"en"`` or ``"fr"``; anything else reads as :data:`DEFAULT_LANG`) and read their words
here with :func:`label`. Article content and place names are never translated. The dashboard's interface text
lives in ``components/translations.py``; the two tables agree on the shared words (kinds, reader corrections).
"""

from __future__ import annotations

LANGS = ("en", "fr")
DEFAULT_LANG = "en"

# key: (English, French); a pair of pairs is (one, other), chosen by the language's plural rule on ``n``
_LABELS: dict[str, tuple] = {
    "kind_country": ("Country", "Pays"),
    "kind_region": ("Region", "Région"),
    "kind_city": ("City", "Ville"),
    "kind_landmark": ("Landmark", "Site"),
    "kind_water": ("Sea, river, lake", "Mer, fleuve, lac"),
    "kind_other": ("Other", "Autre"),
    "legend_title": ("Places", "Lieux"),
    "size_mentions": ("size, number = mentions", "taille, nombre = mentions"),
    "size_stories": ("size, number = stories", "taille, nombre = récits"),
    "legend_itinerary": ("→ itinerary, dashed = planned", "→ itinéraire, pointillés = prévu"),
    "legend_reviewed": ("✎ corrected, + added, ✓ checked by a reader", "✎ corrigé, + ajouté, ✓ vérifié par un lecteur"),
    "override_accept": ("checked by a reader", "vérifié par un lecteur"),
    "override_choose": ("corrected by a reader", "corrigé par un lecteur"),
    "override_add": ("added by a reader", "ajouté par un lecteur"),
    "mentions_n": (("{n} mention", "{n} mentions"), ("{n} mention", "{n} mentions")),
    "events_n": (("{n} event", "{n} events"), ("{n} événement", "{n} événements")),
    "quotes_n": (("{n} quote", "{n} quotes"), ("{n} citation", "{n} citations")),
    "stories_n": (("{n} story", "{n} stories"), ("{n} récit", "{n} récits")),
    "places_n": (("{n} place", "{n} places"), ("{n} lieu", "{n} lieux")),
    "corrections_n": (("{n} correction by a reader", "{n} corrections by readers"),
                      ("{n} correction d'un lecteur", "{n} corrections de lecteurs")),
    "undated": ("undated", "non daté"),
    "planned": ("planned", "prévu"),
    "itinerary": ("Itinerary: {traveller}", "Itinéraire : {traveller}"),
    "layer_places": ("Places", "Lieux"),
    "layer_clustered": ("Places (clustered)", "Lieux (regroupés)"),
    "layer_countries": ("Countries (offline)", "Pays (hors ligne)"),
    "layer_corpus": ("Places of the stories", "Lieux des récits"),
    "fullscreen": ("Full screen", "Plein écran"),
    "fullscreen_exit": ("Exit full screen", "Quitter le plein écran"),
    "published": ("Published {date}", "Publié le {date}"),
    "source": ("Source: {source}", "Source : {source}"),
    "untitled": ("Untitled story", "Récit sans titre"),
    "made_with": ("made with geostory", "fait avec geostory"),
}
MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
}


def shared_pairs(keys: tuple[str, ...]) -> dict[str, tuple]:
    """``{key: (French, English)}`` for these labels, for an interface table that uses the map's words."""
    return {key: (_LABELS[key][1], _LABELS[key][0]) for key in keys}


def map_lang(lang: object) -> str:
    """``"fr"``, ``"fr-FR"``, ``"EN"`` -> a supported language; anything else -> :data:`DEFAULT_LANG`."""
    code = lang.strip().replace("_", "-").split("-")[0].lower() if isinstance(lang, str) else ""
    return code if code in LANGS else DEFAULT_LANG


def is_one(n: int, lang: str) -> bool:
    """The language's plural rule: French counts 0 and 1 as singular, English only 1."""
    return abs(n) < 2 if map_lang(lang) == "fr" else abs(n) == 1


def label(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    """The map label ``key`` in ``lang`` (plain text, not escaped), formatted with ``values``. KeyError if unknown."""
    text = _LABELS[key][LANGS.index(map_lang(lang))]
    if isinstance(text, tuple):
        text = text[0] if is_one(values.get("n", 0), lang) else text[1]
    return text.format(**values) if values else text


def kind_label(kind: str, lang: str = DEFAULT_LANG) -> str:
    """The name of a place kind (unknown kinds are "Other")."""
    key = f"kind_{kind}"
    return label(key if key in _LABELS else "kind_other", lang)


def override_label(action: str | None, lang: str = DEFAULT_LANG) -> str | None:
    """What a reader did to a place (``corrected by a reader``...), or None."""
    key = f"override_{action}"
    return label(key, lang) if action and key in _LABELS else None


def format_date(value: str | None, precision: str | None = None, lang: str = DEFAULT_LANG) -> str:
    """``2023-09-13`` -> ``13 Sep 2023`` (en) / ``13 sept. 2023`` (fr); month and year precision print less;
    None -> ``undated``; unreadable values as they are."""
    if not value:
        return label("undated", lang)
    parts = value.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 and precision != "year" else None
        day = int(parts[2]) if len(parts) > 2 and precision not in ("year", "month") else None
    except ValueError:
        return value
    if month is None or not 1 <= month <= 12:
        return str(year)
    name = MONTHS[map_lang(lang)][month - 1]
    return f"{name} {year}" if day is None else f"{day} {name} {year}"
