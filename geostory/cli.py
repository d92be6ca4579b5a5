"""Command line: ``geostory extract PATH``, ``geostory export STORY`` and ``geostory gazetteer build|info``.

Domain errors become one line on stderr and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import json
import os
import sys
from pathlib import Path

from geostory.errors import GeostoryError, InputError

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def read_article_text(path: str) -> str:
    """Read a UTF-8 text file (UTF-16/32 with a byte order mark too), refusing what is not one article's text."""
    from geostory.extract.pipeline import max_article_chars

    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory, give a text file")
    limit = max_article_chars()
    try:
        with p.open("rb") as f:
            raw = f.read(4 * limit + 5)  # never more than the longest accepted article can take (4 bytes a character)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if len(raw) > 4 * limit + 4:
        raise InputError(f"{path}: is too large (over {4 * limit:,} bytes); geostory reads articles of at most "
                         f"{limit:,} characters")
    codec = next((name for bom, name in _BOMS if raw.startswith(bom)), None)
    if codec is None and b"\x00" in raw:
        raise InputError(f"{path}: looks binary (NUL bytes); give a UTF-8 text file")
    try:
        text = raw.decode(codec or "utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: is not valid {(codec or 'utf-8').upper().removesuffix('-SIG')} (byte {exc.start}); "
                         "re-save it as UTF-8") from None
    if not text.strip():
        raise InputError(f"{path}: is empty; give an article with at least one sentence")
    return text


def detect_lang(text: str) -> str:
    """'fr' or 'en' from function-word counts (good enough for news paragraphs)."""
    words = text.lower().split()
    fr = sum(w in {"le", "la", "les", "des", "est", "une", "du", "et", "à", "dans", "pour", "qui"} for w in words)
    en = sum(w in {"the", "of", "and", "is", "was", "in", "to", "a", "for", "that", "with", "on"} for w in words)
    return "fr" if fr >= en else "en"


def headline_of(text: str, limit: int = 90) -> str:
    """A title for an article that has none: its first line, cut at a word boundary."""
    first = text.strip().splitlines()[0].strip()
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"


def _date(value: str) -> str:
    from geostory.extract.pipeline import PUBLISHED_YEARS

    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in YYYY-MM-DD form") from None
    if not PUBLISHED_YEARS[0] <= day.year <= PUBLISHED_YEARS[1]:
        raise argparse.ArgumentTypeError(f"{value!r} is not a publication date (years {PUBLISHED_YEARS[0]} to "
                                         f"{PUBLISHED_YEARS[1]})")
    return day.isoformat()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2
        sys.stderr.write(f"geostory: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="geostory", description="Turn a news article into a story map.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ex = sub.add_parser("extract", help="extract a Story from an article text file (or many, with --batch)")
    ex.add_argument("path", help="UTF-8 text file of the article; with --batch a folder of .txt files or a .jsonl or "
                                 ".parquet file of articles (fields text, lang, published, title, source, id)")
    ex.add_argument("--lang", choices=["fr", "en", "auto"], default="auto")
    ex.add_argument("--published", type=_date, default=None, help="publication date, YYYY-MM-DD")
    ex.add_argument("--format", choices=["json", "geojson"], default="json")
    ex.add_argument("--title", default=None)
    ex.add_argument("--source", default=None)
    ex.add_argument("--geocoder", default=None, metavar="NAME",
                    help="chain an online geopy provider (nominatim, photon, arcgis, ...; default: $GEOSTORY_GEOCODER "
                         "or offline only)")
    bt = ex.add_argument_group("batch", "many articles into Parquet tables and Story JSON files (pip install "
                                        "'geostory[batch]')")
    bt.add_argument("--batch", action="store_true", help="PATH holds many articles; needs --out")
    bt.add_argument("--out", default=None, help="output folder: <table>/part-*.parquet and stories/<id>.json")
    bt.add_argument("--engine", choices=["local", "dask"], default="local")
    bt.add_argument("--n-process", type=int, default=1, help="local worker processes (default 1)")
    bt.add_argument("--scheduler", default=None,
                    help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster on this machine)")
    bt.add_argument("--batch-size", type=int, default=8, help="articles per nlp.pipe call and per task (default 8)")
    xp = sub.add_parser("export", help="export a saved story (Story JSON file or library id) as JSON, GeoJSON, CSV "
                                       "or a standalone HTML map")
    xp.add_argument("story", help="a Story JSON file, or the id of a story in the library (e.g. seed)")
    xp.add_argument("--format", choices=["json", "geojson", "csv", "html"], default="geojson")
    xp.add_argument("--table", choices=["places", "events", "quotes"], default="places", help="which CSV table")
    xp.add_argument("--lang", choices=["en", "fr"], default="en",
                    help="language of the HTML map's own words: legend, popups, controls (default en)")
    xp.add_argument("--out", default=None, help="output file (default: standard output)")
    xp.add_argument("--library", default=None, help="library database (default: $GEOSTORY_LIBRARY or the data folder)")
    gz = sub.add_parser("gazetteer", help="build, describe or import the offline gazetteer index")
    gzs = gz.add_subparsers(dest="action", required=True, parser_class=_Parser)
    gzs.add_parser("build", help="build the embedded index (done automatically on first use)")
    gzs.add_parser("info", help="row counts and location of the index")
    imp = gzs.add_parser("import", help="build the index from GeoNames dump files (every feature, offline)")
    imp.add_argument("all_countries", help="allCountries.zip (or a country file such as FR.zip)")
    imp.add_argument("alternate_names", nargs="?", default=None, help="alternateNamesV2.zip (optional)")
    imp.add_argument("--admin1", default=None, help="admin1CodesASCII.txt")
    imp.add_argument("--admin2", default=None, help="admin2Codes.txt")
    imp.add_argument("--min-population", type=int, default=0)
    imp.add_argument("--out", default=None, help="index path (default: the cache folder; then set GEOSTORY_INDEX)")
    return parser


def _gazetteer(args) -> int:
    from geostory.gazetteer.build import default_cache_dir, describe, ensure_index

    if args.action in ("build", "info"):
        print(json.dumps(describe(ensure_index())))
        return 0
    from geostory.gazetteer.geonames_dump import import_dump

    for path in (args.all_countries, args.alternate_names, args.admin1, args.admin2):
        if path and not Path(path).is_file():
            raise InputError(f"{path}: no such file")
    out = Path(args.out) if args.out else default_cache_dir() / "geonames-full.sqlite"

    def progress(phase: str, rows: int, fraction: float) -> None:
        sys.stderr.write(f"\r{phase}: {rows:,} rows, {fraction:.0%} of the file")
        sys.stderr.flush()

    stats = import_dump(out, args.all_countries, args.alternate_names, args.admin1, progress,
                        admin2_codes=args.admin2, min_population=args.min_population)
    sys.stderr.write("\n")
    print(json.dumps(stats, default=str))
    sys.stderr.write(f"geostory: use it with GEOSTORY_INDEX={out}\n")
    return 0


def _export(args) -> int:
    from geostory.export import (
        story_from_json,
        story_to_csv,
        story_to_geojson,
        story_to_html,
        story_to_json,
        validate_geojson,
    )

    path = Path(args.story)
    if path.is_file():
        story = story_from_json(read_article_text(args.story))
    else:
        from geostory.library import Library

        library = Library(args.library)
        try:
            story = library.get(args.story)
        except KeyError:
            raise InputError(f"{args.story}: no such file, and no story with this id in {library.path}") from None
    if args.format == "json":
        out = story_to_json(story)
    elif args.format == "geojson":
        data = story_to_geojson(story)
        problems = validate_geojson(data)
        if problems:
            raise InputError(f"the GeoJSON would not be valid: {problems[0]}")
        out = json.dumps(data, ensure_ascii=False)
    elif args.format == "csv":
        out = story_to_csv(story, args.table)
    else:
        out = story_to_html(story, args.lang)
    if args.out:
        try:
            Path(args.out).write_text(out if out.endswith("\n") else out + "\n", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{args.out}: cannot be written ({exc.strerror})") from None
    else:
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0


def _batch(args) -> int:
    """``geostory extract --batch PATH --out DIR``: prints the rows written per table."""
    if not args.out:
        raise InputError("--batch needs --out DIR (the folder for the Parquet tables and Story JSON files)")
    if args.geocoder:
        raise InputError("--batch geocodes offline only; drop --geocoder")
    if args.n_process < 1 or args.batch_size < 1:
        raise InputError("--n-process and --batch-size must be at least 1")
    from geostory.batch import run as run_batch

    counts = run_batch(args.path, args.out, engine=args.engine, n_process=args.n_process, scheduler=args.scheduler,
                       batch_size=args.batch_size, published=args.published, lang=args.lang)
    print(json.dumps(counts))
    return 0


def run(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "gazetteer":
        return _gazetteer(args)
    if args.command == "export":
        return _export(args)
    if args.batch:
        return _batch(args)
    from geostory.export import story_to_geojson, story_to_json
    from geostory.extract.pipeline import extract_story, reads_as_french_or_english
    from geostory.model import Article

    text = read_article_text(args.path)
    if args.lang == "auto" and not reads_as_french_or_english(text):
        raise InputError(f"{args.path}: does not read as French or English, the only languages geostory reads; "
                         "give --lang fr or --lang en to extract it anyway")
    lang = detect_lang(text) if args.lang == "auto" else args.lang
    article = Article(text=text, lang=lang, published=args.published, title=args.title or headline_of(text),
                      source=args.source or Path(args.path).name)
    story = extract_story(article, geocoder=args.geocoder or os.environ.get("GEOSTORY_GEOCODER") or None)
    for note in story.notes:
        sys.stderr.write(f"geostory: note: {note}\n")
    if args.format == "geojson":
        print(json.dumps(story_to_geojson(story), ensure_ascii=False))
    else:
        print(story_to_json(story))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Console entry point."""
    try:
        return run(argv)
    except GeostoryError as exc:
        sys.stderr.write(f"geostory: error: {_one_line(exc)}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("geostory: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still one line (GEOSTORY_DEBUG=1 shows the traceback)
        if os.environ.get("GEOSTORY_DEBUG"):
            raise
        sys.stderr.write(f"geostory: internal error ({type(exc).__name__}: {_one_line(exc)}); "
                         "rerun with GEOSTORY_DEBUG=1 for the traceback and report it\n")
        return 1


def _one_line(exc: BaseException, limit: int = 500) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
