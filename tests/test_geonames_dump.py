"""GeoNames dump import: fixture zips in the dump's exact format, lookups through Gazetteer on the result."""

from __future__ import annotations

import sqlite3
import zipfile

import pytest

from geostory.errors import GazetteerError
from geostory.gazetteer.geonames_dump import import_dump, kind_of
from geostory.gazetteer.index import ABBREV, ALT, DEMONYM, MAIN, Gazetteer


def _row(gid, name, ascii_name, alternates, lat, lon, fclass, fcode, cc, admin1="", admin2="", population=0):
    """One allCountries line: the 19 tab-separated columns of GeoNames' readme."""
    cols = [str(gid), name, ascii_name, alternates, str(lat), str(lon), fclass, fcode, cc, "", admin1, admin2, "",
            "", str(population), "", "35", "Europe/Paris", "2024-01-01"]
    assert len(cols) == 19
    return "\t".join(cols)


FEATURES = [
    _row(3017382, "France", "France", "Francia,Frankreich,FRA", 46.0, 2.0, "A", "PCLI", "FR", "00", "", 66987244),
    _row(3012874, "Île-de-France", "Ile-de-France", "IDF,Ile de France", 48.5, 2.5, "A", "ADM1", "FR", "11", "",
         12000000),
    _row(2968815, "Paris", "Paris", "", 48.8534, 2.3488, "A", "ADM2", "FR", "11", "75", 2000000),
    _row(2988507, "Paris", "Paris", "Lutetia,PAR,Parigi", 48.85341, 2.3488, "P", "PPLC", "FR", "11", "75", 2138551),
    _row(6252001, "United States", "United States", "USA,Etats-Unis", 39.76, -98.5, "A", "PCLI", "US", "00", "",
         327167434),
    _row(4736286, "Texas", "Texas", "TX", 31.25044, -99.25061, "A", "ADM1", "US", "TX", "", 22875689),
    _row(4705086, "Lamar County", "Lamar County", "", 33.66, -95.57, "A", "ADM2", "US", "TX", "277", 49793),
    _row(4717560, "Paris", "Paris", "", 33.66094, -95.55551, "P", "PPL", "US", "TX", "277", 24782),
    _row(4140963, "Washington", "Washington", "Washington D.C.", 38.89511, -77.03637, "P", "PPLC", "US", "DC", "001",
         689545),
    _row(2975284, "Seine", "Seine", "Sena", 49.43, 0.13, "H", "STM", "FR", "00"),
    _row(3000000, "Mont Ventoux", "Mont Ventoux", "", 44.17, 5.28, "T", "MT", "FR", "93", "84"),
    _row(6254976, "Musée du Louvre", "Musee du Louvre", "Louvre", 48.86, 2.3376, "S", "MUS", "FR", "11", "75"),
    _row(3000001, "Autoroute du Soleil", "Autoroute du Soleil", "", 45.0, 4.8, "R", "RD", "FR", "84"),
    _row(3000002, "Vieux Bourg", "Vieux Bourg", "", 45.1, 4.9, "P", "PPLQ", "FR", "84"),
    _row(3000003, "Hameau", "Hameau", "", 45.2, 4.9, "P", "PPL", "FR", "84", "", 12),
    _row(2660646, "Genève", "Geneve", "Genf,Geneva", 46.20222, 6.14569, "P", "PPLA", "CH", "GE", "2500", 183981),
    _row(524901, "Москва", "Moskva", "Moscou,Moscow", 55.75222, 37.61556, "P", "PPLC", "RU", "48", "", 10381222),
    "3000004\tbroken row\twith too few columns",
]

# alternateNameId, geonameid, isolanguage, alternate name, isPreferredName, isShortName, isColloquial, isHistoric,
# from, to
ALTERNATES = [
    (1, 2988507, "en", "Paris", "1", "", "", "", "", ""),
    (2, 2988507, "ru", "Париж", "", "", "", "", "", ""),
    (3, 2988507, "link", "https://en.wikipedia.org/wiki/Paris", "", "", "", "", "", ""),
    (4, 2988507, "post", "75001", "", "", "", "", "", ""),
    (5, 2988507, "iata", "PAR", "", "", "", "", "", ""),
    (6, 2988507, "la", "Lutetia", "", "", "", "1", "", ""),
    (7, 2988507, "fr", "Lutèce", "", "", "", "1", "", ""),
    (8, 2988507, "de", "Parisstadt", "", "", "", "", "", ""),
    (9, 6252001, "fr", "États-Unis", "1", "", "", "", "", ""),
    (10, 6252001, "abbr", "USA", "", "", "", "", "", ""),
    (11, 2660646, "de", "Genf", "", "", "", "", "", ""),
    (12, 2660646, "en", "Geneva", "1", "", "", "", "", ""),
    (13, 2660646, "it", "Ginevra", "", "", "", "", "", ""),
    (14, 2660646, "es", "Ginebra", "", "", "", "", "", ""),
    (15, 4736286, "", "Tejas", "", "", "", "1", "", ""),
    (16, 524901, "fr", "Moscou", "1", "", "", "", "", ""),
    (17, 9999999, "en", "Nowhere Feature", "", "", "", "", "", ""),
    (18, 3017382, "fr", "France", "1", "", "", "", "", ""),
]


def _zip(path, member, lines):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, "".join(line + "\n" for line in lines))
        zf.writestr("readme.txt", "not data\tat\tall\n")
    return path


@pytest.fixture
def dumps(tmp_path):
    all_zip = _zip(tmp_path / "allCountries.zip", "allCountries.txt", FEATURES)
    alt_zip = _zip(tmp_path / "alternateNamesV2.zip", "alternateNamesV2.txt",
                   ["\t".join(str(c) for c in row) for row in ALTERNATES])
    return all_zip, alt_zip


@pytest.fixture
def imported(tmp_path, dumps):
    calls = []
    path = tmp_path / "idx" / "geonames.sqlite"
    stats = import_dump(path, dumps[0], dumps[1], progress=lambda *a: calls.append(a), include_embedded=False,
                        progress_every=5)
    return Gazetteer(path), stats, calls


def _ids(gaz, name):
    return {e.id for e in gaz.lookup(name)}


def test_kinds_and_admin_links(imported):
    gaz, stats, _ = imported
    paris_fr, paris_tx = gaz.get("gn:2988507"), gaz.get("gn:4717560")
    assert (paris_fr.kind, paris_fr.feature, paris_fr.country) == ("city", "PPLC", "FR")
    assert (paris_fr.admin1, paris_fr.admin2) == ("gn:3012874", "gn:2968815")
    assert (paris_tx.admin1, paris_tx.admin2) == ("gn:4736286", "gn:4705086")
    assert gaz.get("gn:4705086").admin1 == "gn:4736286"  # an ADM2 points at its ADM1
    assert gaz.get("gn:4736286").admin1 is None
    assert gaz.get("gn:3012874").kind == "region" and gaz.get("gn:2968815").feature == "ADM2"
    assert (gaz.get("gn:2975284").kind, gaz.get("gn:2975284").feature) == ("water", "river")
    assert (gaz.get("gn:6254976").kind, gaz.get("gn:3000000").feature) == ("landmark", "mountain")
    assert gaz.get("gn:3000001") is None  # roads are not imported by default
    assert gaz.get("gn:3000002") is None  # abandoned place
    assert stats["entries_imported"] == 15 and stats["rows_skipped"] == 3


def test_countries_pinned_at_their_capital(imported):
    gaz = imported[0]
    us = gaz.get("gn:6252001")
    assert us.kind == "country" and us.seat_city == "Washington"
    assert (round(us.lat, 3), round(us.lon, 3)) == (38.895, -77.036)
    assert gaz.capital_of("FR").id == "gn:2988507"


def test_lookups_and_name_flags(imported):
    gaz = imported[0]
    assert _ids(gaz, "Paris") == {"gn:2988507", "gn:4717560", "gn:2968815"}
    assert gaz.lookup("Paris")[0].id == "gn:2988507"  # most populous first
    etats = {e.id: e.flags for e in gaz.lookup("Etats Unis")}
    assert etats == {"gn:6252001": MAIN}  # preferred French name
    assert {e.id: e.flags for e in gaz.lookup("USA")} == {"gn:6252001": ABBREV}
    assert {e.id: e.flags for e in gaz.lookup("Lutèce")} == {"gn:2988507": ALT}  # historic name kept
    assert _ids(gaz, "Geneva") == _ids(gaz, "Genf") == {"gn:2660646"}  # English; German is official in CH
    assert _ids(gaz, "Tejas") == {"gn:4736286"}  # no stated language
    assert _ids(gaz, "Moscou") == _ids(gaz, "Moskva") == {"gn:524901"}


def test_filtered_alternate_names(imported):
    gaz = imported[0]
    assert _ids(gaz, "Ginevra") == {"gn:2660646"}  # Italian is official in Switzerland
    for name in ("Parisstadt", "Ginebra", "Lutetia", "PAR", "Sena", "Nowhere Feature"):
        assert gaz.lookup(name) == [], name  # other languages, Latin, IATA, and the unlabelled column are dropped
    with sqlite3.connect(gaz.path) as con:
        keys = {k for (k,) in con.execute("SELECT key FROM names")}
        dups = con.execute("SELECT COUNT(*) FROM (SELECT 1 FROM names GROUP BY key, entry_id HAVING COUNT(*) > 1)")
        assert dups.fetchone()[0] == 0
        orphans = con.execute("SELECT COUNT(*) FROM names WHERE entry_id NOT IN (SELECT id FROM entries)")
        assert orphans.fetchone()[0] == 0
        tables = {t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert not any("http" in k or k.isdigit() or "париж" in k for k in keys)
    assert tables == {"meta", "entries", "names"}


def test_spelling_variants_for_areas_and_towns_only(imported):
    from geostory.gazetteer.index import SPELLING
    from geostory.gazetteer.text import fold, spelling_key

    gaz = imported[0]
    found = gaz.lookup_keys([spelling_key(fold("Genève")), spelling_key(fold("Lamar County")), spelling_key("hameau")])
    assert [(e.id, e.flags) for e in found[spelling_key("geneve")]] == [("gn:2660646", SPELLING)]
    assert "gn:4705086" in {e.id for e in found[spelling_key("lamar county")]}
    assert spelling_key("hameau") not in found  # 12 inhabitants: no fuzzy key


def test_progress_reported(imported):
    _, stats, calls = imported
    phases = [c[0] for c in calls]
    assert "features" in phases and "alternate names" in phases
    feature_rows = [c[1] for c in calls if c[0] == "features"]
    assert feature_rows == sorted(feature_rows) and feature_rows[-1] == stats["rows_read"] == len(FEATURES)
    assert all(0.0 <= c[2] <= 1.0 for c in calls) and calls[-1][2] == 1.0


def test_without_alternates_uses_the_alternatenames_column(tmp_path, dumps):
    path = tmp_path / "g.sqlite"
    import_dump(path, dumps[0], include_embedded=False, min_population=100)
    gaz = Gazetteer(path)
    assert _ids(gaz, "Lutetia") == {"gn:2988507"} and _ids(gaz, "Sena") == {"gn:2975284"}
    assert gaz.lookup("PAR") == [] and gaz.lookup("IDF") == []  # short upper-case codes are not names
    assert gaz.get("gn:3000003") is None  # below min_population


def test_admin_codes_file_links_regions_missing_from_the_dump(tmp_path):
    rows = [_row(4717560, "Paris", "Paris", "", 33.66, -95.55, "P", "PPL", "US", "TX", "277", 24782)]
    dump = _zip(tmp_path / "US.zip", "US.txt", rows)
    codes = tmp_path / "admin1CodesASCII.txt"
    codes.write_text("US.TX\tTexas\tTexas\t4736286\nFR.11\tÎle-de-France\tIle-de-France\t3012874\n", encoding="utf-8")
    path = tmp_path / "us.sqlite"
    import_dump(path, dump, admin1_codes=codes, include_embedded=False)
    assert Gazetteer(path).get("gn:4717560").admin1 == "gn:4736286"
    import_dump(path, dump, include_embedded=False)  # rebuilt in place; without the codes the link is unknown
    assert Gazetteer(path).get("gn:4717560").admin1 is None


def test_embedded_countries_and_demonyms_kept(tmp_path, dumps):
    path = tmp_path / "full.sqlite"
    import_dump(path, dumps[0], dumps[1])
    gaz = Gazetteer(path)
    turkish = gaz.lookup("Turkish")
    assert [e.id for e in turkish] == ["gn:298795"] and turkish[0].flags & DEMONYM
    france = [e for e in gaz.lookup("France") if e.id == "gn:3017382"]
    assert len(france) == 1 and france[0].source != "geonames-dump"  # the embedded country entry wins
    assert "gn:4717560" in _ids(gaz, "Paris")


def test_not_a_dump(tmp_path):
    bad = _zip(tmp_path / "bad.zip", "allCountries.txt", ["just\tthree\tcolumns"])
    with pytest.raises(GazetteerError, match="no valid GeoNames row"):
        import_dump(tmp_path / "x.sqlite", bad, include_embedded=False)
    assert not (tmp_path / "x.sqlite").exists()
    assert not list(tmp_path.glob(".geonames-*"))
    with pytest.raises(GazetteerError, match="not found"):
        import_dump(tmp_path / "x.sqlite", tmp_path / "missing.zip", include_embedded=False)


def test_kind_of():
    assert kind_of("A", "PCLI") == "country" and kind_of("A", "PCLD") == "country"
    assert kind_of("A", "ADM2") == "region" and kind_of("A", "ADM4") is None
    assert kind_of("P", "PPLA2") == "city" and kind_of("P", "PPLH") is None
    assert kind_of("H", "LK") == "water" and kind_of("S", "AIRP") == "landmark" and kind_of("T", "ISL") == "other"
