"""Import GeoNames' own dump files (allCountries.zip, alternateNamesV2.zip, admin codes) into the offline index.

The result is the same SQLite index as ``build.py`` writes (its SCHEMA, INDEXES, IndexWriter and name flags), so
``Gazetteer(path)`` reads it unchanged. Files are streamed line by line and every join (alternate names to features,
admin codes to regions, capitals to countries) is done inside SQLite, so memory stays bounded for the ~12 million
rows of allCountries. GeoNames data: CC BY 4.0, https://download.geonames.org/export/dump/.

Rows become entries ``gn:<geonameid>``: A.PCL*/TERR -> country, A.ADM1/2/3 -> region, P.* -> city, H.* -> water,
S.*/R.* -> landmark, T.*/L.*/V.*/U.* -> other (feature codes that the resolver's cue words know are named like the
curated table's: river, lake, sea, island, mountain_range, airport, ...). Historical/abandoned places and
ADM4/ADM5/ADMD (which duplicate the populated places of the same name) are skipped. Countries are pinned at their
capital, as in the embedded index. With ``include_embedded`` the embedded countries (CLDR names, demonyms) and the
curated tables are written first, so the imported index is a superset of the embedded one.
"""

from __future__ import annotations

import io
import os
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from geostory.errors import GazetteerError
from geostory.gazetteer.build import (
    ABBREV, ALT, BUILD_VERSION, INDEXES, MAIN, SCHEMA, IndexWriter, describe, load_countries, load_curated,
)
from geostory.gazetteer.text import fold, is_latin

__all__ = ["import_dump", "kind_of", "DEFAULT_CLASSES"]

Progress = Callable[[str, int, float], None]  # (phase, rows read, fraction of the file read 0..1)

DEFAULT_CLASSES = "AHLPST"  # R (roads, railways), U (undersea) and V (vegetation) are left out by default
ALL_COUNTRIES_COLUMNS = 19
ALTERNATE_COLUMNS = 10
SKIP_CODES = {
    "PPLH", "PPLQ", "PPLW", "PPLCH", "PCLH", "ADM1H", "ADM2H", "ADM3H", "ADM4H", "ADM5H", "ADMDH", "ADM4", "ADM5",
    "ADMD", "ZN", "ZNB",
}
# isolanguage values that are not names of the place
SKIP_LANGUAGES = {"link", "post", "iata", "icao", "faac", "tcid", "unlc", "wkdt", "phon", "piny", "fr_1793"}
ALWAYS_LANGUAGES = ("", "en", "fr", "abbr")
FEATURES = {
    **dict.fromkeys(("STM", "STMI", "STMX", "STMA", "STMB", "STMC", "STMD", "STMH", "STMM", "STMQ", "STMS",
                     "STMSB", "CNL"), "river"),
    **dict.fromkeys(("LK", "LKS", "LKC", "LKI", "LKN", "LKO", "LKSB", "LGN", "RSV"), "lake"),
    "SEA": "sea", "OCN": "ocean", **dict.fromkeys(("GULF", "BAY", "BAYS", "BGHT", "COVE", "FJD"), "gulf"),
    **dict.fromkeys(("STRT", "CHN", "CHNM", "NRWS", "SD"), "strait"),
    **dict.fromkeys(("ISL", "ISLS", "ISLET", "ISLF", "ISLM", "ATOL", "ARCH"), "island"),
    **dict.fromkeys(("MTS", "RDGE", "HLLS", "UPLD"), "mountain_range"), **dict.fromkeys(("MT", "PK", "VLC"), "mountain"),
    "PLAT": "plateau", **dict.fromkeys(("VAL", "VALS", "VALG", "CNYN", "GRGE"), "valley"), "PEN": "peninsula",
    "DSRT": "desert", **dict.fromkeys(("AIRP", "AIRF", "AIRB"), "airport"), **dict.fromkeys(("PRT", "PORT"), "port"),
    "CONT": "continent", **dict.fromkeys(("RGN", "RGNE", "RGNH", "AREA"), "geo_region"),
}


def kind_of(fclass: str, fcode: str) -> str | None:
    """The index kind of a GeoNames feature, or None to skip it."""
    if fcode in SKIP_CODES:
        return None
    if fclass == "A":
        if fcode.startswith("PCL") or fcode == "TERR":
            return "country"
        return "region" if fcode in ("ADM1", "ADM2", "ADM3") else "other"
    return {"P": "city", "H": "water", "S": "landmark", "R": "landmark"}.get(fclass, "other")


class _DumpWriter(IndexWriter):
    """IndexWriter that buffers entries (INSERT OR IGNORE: the first writer of an id wins) and keeps no id set.

    Names go straight to the ``names`` table (orphans and duplicates are merged away at the end).
    """

    BATCH = 20_000

    def __init__(self, con: sqlite3.Connection):
        super().__init__(con)
        self.buf: list[tuple] = []

    def entry(self, id, name, kind, lat, lon, *, feature="", country=None, admin1=None, admin2=None, population=0,
              source="", seat_city=None) -> bool:
        if lat is None or lon is None or lat != lat or lon != lon:
            return False
        self.buf.append((id, name, kind, feature, country, admin1, admin2, float(lat), float(lon),
                         int(population or 0), source, seat_city))
        if len(self.buf) >= self.BATCH:
            self.flush()
        return True

    def flush(self) -> None:
        if self.buf:
            self.con.executemany("INSERT OR IGNORE INTO entries VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", self.buf)
            self.buf.clear()


@contextmanager
def _open_lines(path: Path, prefix: str) -> Iterator[tuple[Iterator[str], Callable[[], float]]]:
    """Lines of a dump file (a .zip holding it, or the .txt itself) and a function giving the fraction read."""
    path = Path(path)
    if not path.exists():
        raise GazetteerError(f"GeoNames file not found: {path}")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            members = [i for i in zf.infolist() if i.filename.endswith(".txt")
                       and not i.filename.lower().startswith(("readme", "iso-language"))]
            members.sort(key=lambda i: (not i.filename.startswith(prefix), -i.file_size))
            if not members:
                raise GazetteerError(f"{path} holds no GeoNames .txt file (expected {prefix}*.txt)")
            info = members[0]
            with zf.open(info) as raw:
                counter = _Counting(raw)
                text = io.TextIOWrapper(counter, encoding="utf-8", errors="replace", newline="\n")
                yield text, lambda: counter.n / max(info.file_size, 1)
    else:
        size = path.stat().st_size
        with open(path, "rb") as raw:
            counter = _Counting(raw)
            yield io.TextIOWrapper(counter, encoding="utf-8", errors="replace", newline="\n"), \
                lambda: counter.n / max(size, 1)


class _Counting(io.RawIOBase):
    """A binary stream wrapper that counts the bytes read (for progress)."""

    def __init__(self, raw):
        self.raw, self.n = raw, 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self.raw.read(len(b))
        b[: len(data)] = data
        self.n += len(data)
        return len(data)


def _rows(lines: Iterable[str], ncols: int) -> Iterator[list[str] | None]:
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.rstrip("\n").rstrip("\r").split("\t")
        yield cols if len(cols) == ncols else None


def import_dump(index_path: Path | str, all_countries_zip: Path | str, alternate_names_zip: Path | str | None = None,
                admin1_codes: Path | str | None = None, progress: Progress | None = None, *,
                admin2_codes: Path | str | None = None, feature_classes: str = DEFAULT_CLASSES,
                min_population: int = 0, include_embedded: bool = True, progress_every: int = 100_000) -> dict:
    """Build the SQLite index at ``index_path`` from GeoNames dump files; returns ``describe()`` plus row counts.

    ``all_countries_zip``: allCountries.zip (or a country file such as FR.zip, or the unzipped .txt).
    ``alternate_names_zip``: alternateNamesV2.zip; names are kept when written in Latin script and in English,
    French, no stated language, an abbreviation, or an official language of the feature's country (babel/CLDR);
    links, postal codes and airport codes are skipped. Without it, the dump's own alternatenames column is used
    (capitalised names only). ``admin1_codes``/``admin2_codes``: admin1CodesASCII.txt/admin2Codes.txt, to map admin
    codes to regions that the dump itself lacks. ``min_population`` drops populated places below it.
    ``progress(phase, rows, fraction)`` is called every ``progress_every`` rows and at the end of each file.
    The index is written to a temporary file and renamed, so a failed import leaves no broken index behind.
    """
    index_path = Path(index_path)
    index_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".geonames-", suffix=".sqlite", dir=index_path.parent)
    os.close(fd)
    t0 = time.perf_counter()
    try:
        con = sqlite3.connect(tmp)
        con.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;" + SCHEMA +
            "CREATE TABLE admin_codes (code TEXT PRIMARY KEY, id TEXT NOT NULL);"
            "CREATE TABLE capitals (country TEXT PRIMARY KEY, name TEXT, lat REAL, lon REAL, population INTEGER);"
            "CREATE TABLE alt_stage (entry_id TEXT, key TEXT, flags INTEGER, lang TEXT);"
            "CREATE TABLE local_langs (country TEXT, lang TEXT, PRIMARY KEY (country, lang));")
        w = _DumpWriter(con)
        if include_embedded:
            load_countries(w)
            load_curated(w)
            w.flush()
        for codes in (admin1_codes, admin2_codes):
            if codes:
                _load_admin_codes(con, Path(codes))
        stats = {"rows_read": 0, "rows_skipped": 0, "entries_imported": 0, "alternate_names_read": 0}
        _import_features(w, Path(all_countries_zip), stats, set(feature_classes.upper()), min_population,
                         alternates_given=alternate_names_zip is not None, progress=progress,
                         every=progress_every)
        if not stats["entries_imported"]:
            raise GazetteerError(f"{all_countries_zip} has no valid GeoNames row ({ALL_COUNTRIES_COLUMNS} "
                                 "tab-separated columns expected): is it allCountries.zip?")
        if alternate_names_zip is not None:
            _import_alternates(con, Path(alternate_names_zip), stats, progress, progress_every)
        _finish(con)
        con.commit()
        con.execute("VACUUM")
        con.close()
        os.replace(tmp, index_path)
    except Exception as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, GazetteerError):
            raise
        raise GazetteerError(f"could not import the GeoNames dump into {index_path}: {exc}") from exc
    return {**describe(index_path), **stats, "seconds": round(time.perf_counter() - t0, 1)}


def _load_admin_codes(con: sqlite3.Connection, path: Path) -> None:
    """admin1CodesASCII.txt / admin2Codes.txt: code, name, ascii name, geonameid."""
    with _open_lines(path, "admin") as (lines, _):
        rows = [(c[0], f"gn:{c[3]}") for c in _rows(lines, 4) if c and c[3].isdigit()]
    con.executemany("INSERT OR IGNORE INTO admin_codes VALUES (?, ?)", rows)


def _import_features(w: _DumpWriter, path: Path, stats: dict, classes: set[str], min_population: int, *,
                     alternates_given: bool, progress: Progress | None, every: int) -> None:
    con = w.con
    with _open_lines(path, "allCountries") as (lines, fraction):
        for cols in _rows(lines, ALL_COUNTRIES_COLUMNS):
            stats["rows_read"] += 1
            if progress and stats["rows_read"] % every == 0:
                progress("features", stats["rows_read"], fraction())
            if cols is None:
                stats["rows_skipped"] += 1
                continue
            gid, name, ascii_name, alternates, lat, lon, fclass, fcode, cc = cols[:9]
            admin1, admin2, population = cols[10], cols[11], cols[14]
            kind = kind_of(fclass, fcode) if fclass in classes else None
            try:
                lat_f, lon_f, pop = float(lat), float(lon), int(population or 0)
            except ValueError:
                kind = None
            if kind is None or not gid.isdigit() or (kind == "city" and pop < min_population):
                stats["rows_skipped"] += 1
                continue
            eid = f"gn:{gid}"
            a1 = f"{cc}.{admin1}" if admin1 and admin1 != "00" else None
            a2 = f"{a1}.{admin2}" if a1 and admin2 else None
            if fcode == "ADM1" and a1:
                con.execute("INSERT OR IGNORE INTO admin_codes VALUES (?, ?)", (a1, eid))
                a1 = a2 = None
            elif fcode == "ADM2" and a2:
                con.execute("INSERT OR IGNORE INTO admin_codes VALUES (?, ?)", (a2, eid))
                a2 = None
            elif fcode == "PPLC" and cc:
                con.execute("INSERT INTO capitals VALUES (?,?,?,?,?) ON CONFLICT(country) DO UPDATE SET "
                            "name=excluded.name, lat=excluded.lat, lon=excluded.lon, population=excluded.population "
                            "WHERE excluded.population > capitals.population", (cc, name, lat_f, lon_f, pop))
            w.entry(eid, name, kind, lat_f, lon_f, feature=FEATURES.get(fcode, fcode), country=cc or None,
                    admin1=a1 and "@" + a1, admin2=a2 and "@" + a2, population=pop, source="geonames-dump")
            names = [(name, MAIN), (ascii_name, MAIN)]
            if not alternates_given:
                names += [(a, ALT) for a in alternates.split(",") if _proper(a)]
            # coarse spelling keys, like the embedded index: areas and places of at least 1,000 inhabitants
            w.names(eid, names, variants=kind in ("country", "region") or (kind == "city" and pop >= 1000))
            stats["entries_imported"] += 1
        w.flush()
        if progress:
            progress("features", stats["rows_read"], 1.0)


def _proper(name: str) -> bool:
    """A name worth indexing from the unlabelled alternatenames column (no codes, no lower-case romanisations)."""
    name = name.strip()
    return len(name) >= 2 and name[0].isupper() and not (name.isupper() and len(name) <= 4)


def _import_alternates(con: sqlite3.Connection, path: Path, stats: dict, progress: Progress | None,
                       every: int) -> None:
    """Stage Latin-script alternate names, then keep those in an accepted language for their feature's country."""
    from babel.languages import get_official_languages
    from babel.localedata import locale_identifiers

    territories = {loc.split("_")[-1] for loc in locale_identifiers() if "_" in loc}
    con.executemany("INSERT OR IGNORE INTO local_langs VALUES (?, ?)",
                    [(t, lang.split("_")[0]) for t in territories if len(t) == 2 and t.isalpha()
                     for lang in get_official_languages(t, de_facto=True)])
    batch: list[tuple] = []
    with _open_lines(path, "alternateNames") as (lines, fraction):
        for cols in _rows(lines, ALTERNATE_COLUMNS):
            stats["alternate_names_read"] += 1
            if progress and stats["alternate_names_read"] % every == 0:
                progress("alternate names", stats["alternate_names_read"], fraction())
            if cols is None:
                continue
            _, gid, lang, name, preferred, short, colloquial, historic = cols[:8]
            lang = lang.strip().lower()
            if lang in SKIP_LANGUAGES or "_" in lang or len(lang) > 4 or not gid.isdigit() or not is_latin(name):
                continue
            key = fold(name)
            if len(key) < 2 or any(c.isdigit() for c in key) or "://" in name:
                continue
            if lang == "abbr":
                flags = ABBREV
            elif preferred == "1" and lang in ("en", "fr") and historic != "1" and colloquial != "1":
                flags = MAIN
            else:
                flags = ALT
            batch.append((f"gn:{gid}", key, flags, lang.split("-")[0]))
            if len(batch) >= 50_000:
                con.executemany("INSERT INTO alt_stage VALUES (?,?,?,?)", batch)
                batch.clear()
        con.executemany("INSERT INTO alt_stage VALUES (?,?,?,?)", batch)
        if progress:
            progress("alternate names", stats["alternate_names_read"], 1.0)
    marks = ",".join("?" * len(ALWAYS_LANGUAGES))
    con.execute(
        f"INSERT INTO names SELECT a.key, a.entry_id, a.flags, NULL FROM alt_stage a JOIN entries e ON e.id = a.entry_id "
        f"WHERE a.lang IN ({marks}) OR EXISTS (SELECT 1 FROM local_langs l WHERE l.country = e.country AND l.lang = a.lang)",
        ALWAYS_LANGUAGES,
    )


def _finish(con: sqlite3.Connection) -> None:
    """Resolve admin codes to region ids, pin countries at their capital, merge duplicate names, drop staging."""
    for col in ("admin1", "admin2"):
        con.execute(f"UPDATE entries SET {col} = (SELECT id FROM admin_codes WHERE code = substr(entries.{col}, 2)) "
                    f"WHERE {col} LIKE '@%'")
    con.execute(
        "UPDATE entries SET lat = c.lat, lon = c.lon, seat_city = COALESCE(entries.seat_city, c.name) "
        "FROM capitals c WHERE entries.kind = 'country' AND entries.country = c.country "
        "AND entries.source = 'geonames-dump'")
    flags_or = " | ".join(f"MAX(flags & {1 << bit})" for bit in range(8))  # SQLite has no BIT_OR aggregate
    con.executescript(
        f"CREATE TABLE names_merged AS SELECT key, entry_id, {flags_or} AS flags, NULL AS name "
        "  FROM names WHERE entry_id IN (SELECT id FROM entries) GROUP BY key, entry_id;"
        "DELETE FROM names; INSERT INTO names SELECT * FROM names_merged;"
        "DROP TABLE names_merged; DROP TABLE alt_stage; DROP TABLE admin_codes; DROP TABLE capitals;"
        "DROP TABLE local_langs;" + INDEXES)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('build_version', ?)", (BUILD_VERSION,))
    con.execute("INSERT OR REPLACE INTO meta VALUES ('digest', 'geonames-dump')")
    con.execute("INSERT OR REPLACE INTO meta VALUES ('source', 'GeoNames dump, CC BY 4.0')")
