"""Many articles at once: a folder of .txt files or a JSONL/Parquet file of articles -> Stories and Parquet tables.

    for story in extract_batch("archive.jsonl", n_process=2): ...
    write_tables(extract_records("articles/"), "out/")   # out/{articles,places,events,quotes,people}/part-*.parquet
    run_dask("archive.parquet", "out/", scheduler="tcp://10.0.0.5:8786")   # + out/stories/<id>.json

Records have the fields ``text`` (required), ``lang``, ``published``, ``title``, ``source``, ``byline`` (when
the model has it) and ``id``; missing ones are filled as the CLI fills them (language detected, title from the
first line, id from the file or row).
The input is cut into partitions of ``batch_size`` records; every path (in-process, worker processes, Dask) runs the
same function on the same partitions (one ``nlp.pipe`` per partition and language), so results are identical.
Each process loads the spaCy model and opens the gazetteer once, on first use.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import multiprocessing
import re
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from geostory import model
from geostory.errors import GeostoryError, InputError
from geostory.model import Article, Story

FIELDS = ("text", "lang", "published", "title", "source", "byline", "id")
TABLES = ("articles", "places", "events", "quotes", "people")
DEFAULT_BATCH_SIZE = 8
_LOCK = threading.Lock()
_log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Partition:
    """A slice of the input read by one task: files of a folder, a byte range of a JSONL file, rows of a Parquet
    file, or records given in memory. ``first`` is the index of its first record in the whole input."""

    kind: str  # txt | jsonl | parquet | mem
    path: str
    items: tuple
    first: int
    number: int


@dataclasses.dataclass(frozen=True)
class Options:
    """What a task needs besides its partition (picklable, sent to workers)."""

    lang: str = "auto"
    published: str | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    errors: str = "raise"  # raise | skip


# ---------------------------------------------------------------- reading


def partitions(inputs, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[Partition]:
    """Cut ``inputs`` (folder, .jsonl/.ndjson, .parquet, or an iterable of Article / (id, Article)) into partitions."""
    if batch_size < 1:
        raise InputError("batch_size must be at least 1")
    if isinstance(inputs, (str, Path)):
        path = Path(inputs)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            files = sorted(str(p.relative_to(path)) for p in path.rglob("*.txt") if p.is_file())
            groups = [tuple(files[i:i + batch_size]) for i in range(0, len(files), batch_size)]
            yield from (Partition("txt", str(path), g, k * batch_size, k) for k, g in enumerate(groups))
        elif path.suffix.lower() in (".jsonl", ".ndjson"):
            yield from _jsonl_partitions(path, batch_size)
        elif path.suffix.lower() == ".parquet":
            pq = _require("pyarrow.parquet", "reading Parquet articles")

            rows = pq.ParquetFile(path).metadata.num_rows
            for k, start in enumerate(range(0, rows, batch_size)):
                yield Partition("parquet", str(path), (start, min(rows, start + batch_size)), start, k)
        else:
            raise InputError(f"{path}: give a folder of .txt files, a .jsonl file or a .parquet file")
        return
    chunk: list = []
    number = first = 0
    for i, item in enumerate(inputs):
        chunk.append(item if isinstance(item, tuple) else (f"{i:06d}", item))
        if len(chunk) == batch_size:
            yield Partition("mem", "", tuple(chunk), first, number)
            chunk, number, first = [], number + 1, i + 1
    if chunk:
        yield Partition("mem", "", tuple(chunk), first, number)


def _jsonl_partitions(path: Path, batch_size: int) -> Iterator[Partition]:
    start = pos = count = first = number = 0
    with open(path, "rb") as fh:
        for line in fh:
            pos += len(line)
            if line.strip():
                count += 1
                if count - first == batch_size:
                    yield Partition("jsonl", str(path), (start, pos), first, number)
                    start, first, number = pos, count, number + 1
    if count > first:
        yield Partition("jsonl", str(path), (start, pos), first, number)


def read_partition(part: Partition, options: Options = Options()) -> list[tuple[str, Article]]:
    """The (id, Article) records of a partition, filled in like the CLI does; a bad record raises InputError, or is
    skipped with a warning when ``options.errors == "skip"``."""
    out = []
    for rid, row in _raw_records(part):
        try:
            if isinstance(row, Exception):
                raise row
            out.append((rid, row if isinstance(row, Article) else _article(row, rid, options)))
        except InputError as exc:
            if options.errors != "skip":
                raise
            _log.warning("geostory batch: skipped %s", exc)
    return out


def _raw_records(part: Partition) -> Iterator[tuple[str, Any]]:
    """(id, Article | field dict | InputError) for each record of a partition."""
    from geostory.cli import read_article_text

    if part.kind == "mem":
        yield from part.items
    elif part.kind == "txt":
        for rel in part.items:
            rid = rel[:-4].replace("\\", "/")
            try:
                yield rid, {"text": read_article_text(str(Path(part.path) / rel)), "source": Path(rel).name}
            except InputError as exc:
                yield rid, exc
    else:
        for k, row in enumerate(_jsonl_rows(part) if part.kind == "jsonl" else _parquet_rows(part)):
            index = part.first + k
            if not isinstance(row, dict):
                err = row if isinstance(row, InputError) else InputError(
                    f"{part.path}: record {index} is not an object with a 'text' field")
                yield f"{index:06d}", err
            else:
                rid = row.get("id")
                yield (f"{index:06d}" if rid is None or str(rid) == "" else str(rid)), row


def _jsonl_rows(part: Partition) -> list:
    with open(part.path, "rb") as fh:
        fh.seek(part.items[0])
        lines = [ln for ln in fh.read(part.items[1] - part.items[0]).splitlines() if ln.strip()]
    rows = []
    for k, line in enumerate(lines):
        try:
            rows.append(json.loads(line))
        except ValueError as exc:
            rows.append(InputError(f"{part.path}: record {part.first + k} is not JSON ({exc})"))
    return rows


def _parquet_rows(part: Partition) -> list[dict]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(part.path)
    columns = [c for c in FIELDS if c in pf.schema_arrow.names]
    start, stop = part.items
    rows, offset = [], 0
    for g in range(pf.metadata.num_row_groups):
        n = pf.metadata.row_group(g).num_rows
        if offset < stop and start < offset + n:
            table = pf.read_row_group(g, columns=columns)
            rows += table.slice(max(0, start - offset), min(stop, offset + n) - max(start, offset)).to_pylist()
        offset += n
    return rows


def _article(row: dict, rid: str, options: Options) -> Article:
    """An Article from a record's fields, as the CLI builds one (the pipeline then checks dates and length)."""
    from geostory.cli import detect_lang, headline_of
    from geostory.extract.pipeline import reads_as_french_or_english

    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"article {rid!r} has no text")
    lang = row.get("lang") or options.lang
    if lang == "auto":
        if not reads_as_french_or_english(text):
            raise InputError(f"article {rid!r} does not read as French or English; give its lang to extract it anyway")
        lang = detect_lang(text)
    if lang not in ("fr", "en"):
        raise InputError(f"article {rid!r}: unsupported language {lang!r} (geostory reads 'fr' and 'en')")
    published = row.get("published") or options.published
    if isinstance(published, (dt.date, dt.datetime)):
        published = published.isoformat()[:10]
    extra = {"byline": row["byline"]} if row.get("byline") and "byline" in Article.__dataclass_fields__ else {}
    return Article(text=text, lang=lang, published=None if published is None else str(published),
                   title=row.get("title") or headline_of(text), source=row.get("source"), **extra)


# ---------------------------------------------------------------- extracting


def story_from_doc(article: Article, doc, *, gazetteer=None) -> Story:
    """``extract_story`` on an already parsed Doc of ``article.text``."""
    from geostory.extract.pipeline import extract_story

    if doc.text != article.text:
        raise InputError("the Doc was not parsed from this article's text")
    return extract_story(article, gazetteer=gazetteer, doc=doc)


def load_nlp(lang: str):
    """The process's spaCy pipeline for ``lang`` (loaded once, also when threads race)."""
    from geostory.nlp import get_nlp

    with _LOCK:
        return get_nlp(lang)


def run_partition(part: Partition, options: Options = Options()) -> list[tuple[str, Story]]:
    """(id, Story) for every record of a partition: one ``nlp.pipe`` per language, then the pipeline per Doc."""
    from geostory.gazetteer.index import get_gazetteer

    records = read_partition(part, options)
    gaz = get_gazetteer()
    docs: dict[int, Any] = {}
    for lang in sorted({a.lang for _, a in records}):
        idx = [k for k, (_, a) in enumerate(records) if a.lang == lang]
        texts = (records[k][1].text for k in idx)
        docs.update(zip(idx, load_nlp(lang).pipe(texts, batch_size=options.batch_size)))
    out = []
    for k, (rid, article) in enumerate(records):
        try:
            out.append((rid, story_from_doc(article, docs[k], gazetteer=gaz)))
        except InputError:
            if options.errors != "skip":
                raise
    return out


def extract_records(inputs, *, n_process: int = 1, batch_size: int = DEFAULT_BATCH_SIZE,
                    published: str | None = None, lang: str = "auto", errors: str = "raise"
                    ) -> Iterator[tuple[str, Story]]:
    """(id, Story) for every article of ``inputs``, in input order; ``n_process`` worker processes."""
    options = Options(lang=lang, published=published, batch_size=batch_size, errors=errors)
    parts = partitions(inputs, batch_size)
    if n_process <= 1:
        for part in parts:
            yield from run_partition(part, options)
        return
    first = next(parts, None)
    if first is None:
        return
    _warm_up(first, options)  # forked workers share the loaded model and gazetteer
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ctx.Pool(n_process, initializer=_fresh_connections) as pool:
        tasks = ((p, options) for p in _chain(first, parts))
        for result in pool.imap(_run_task, tasks):
            yield from result


def extract_batch(inputs, *, n_process: int = 1, batch_size: int = DEFAULT_BATCH_SIZE,
                  published: str | None = None, lang: str = "auto", errors: str = "raise") -> Iterator[Story]:
    """A Story for every article of ``inputs`` (folder of .txt, .jsonl or .parquet file, or Articles), in order."""
    for _, story in extract_records(inputs, n_process=n_process, batch_size=batch_size, published=published,
                                    lang=lang, errors=errors):
        yield story


def _chain(first, rest):
    yield first
    yield from rest


def _run_task(task):
    return run_partition(*task)


def _fresh_connections() -> None:
    """In a forked worker: open its own SQLite connection rather than reuse the parent's."""
    from geostory.gazetteer.index import get_gazetteer

    if hasattr(get_gazetteer, "cache_clear"):
        get_gazetteer.cache_clear()


def _warm_up(part: Partition, options: Options) -> None:
    from geostory.gazetteer.index import get_gazetteer

    get_gazetteer()
    for lang in sorted({a.lang for _, a in read_partition(part, options)}):
        load_nlp(lang)


# ---------------------------------------------------------------- tables


def _require(module: str, what: str):
    """Import an optional dependency, or say how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise GeostoryError(f"{what} needs the batch extras: pip install 'geostory[batch]' ({module} is missing)"
                            ) from None


_SCALARS = {"str": "string", "int": "int64", "float": "float64", "bool": "bool_"}


def _arrow_type(annotation: str):
    """pyarrow type of a model field annotation ("str | None", "tuple[Mention, ...]", ...)."""
    import pyarrow as pa

    ann = annotation.replace(" | None", "").strip()
    if ann in _SCALARS:
        return getattr(pa, _SCALARS[ann])()
    m = re.fullmatch(r"tuple\[(\w+), \.\.\.\]", ann)
    if m:
        return pa.list_(_arrow_type(m.group(1)))
    cls = getattr(model, ann, None)
    if dataclasses.is_dataclass(cls):
        return pa.struct([(f.name, _arrow_type(f.type)) for f in dataclasses.fields(cls)])
    return pa.string()  # unknown: stored as JSON text


def _columns(cls) -> list[tuple[str, Any]]:
    return [(f.name, _arrow_type(f.type)) for f in dataclasses.fields(cls)]


def table_schemas() -> dict[str, Any]:
    """Arrow schema of every table; each row starts with the article's id."""
    import pyarrow as pa

    key = [("article_id", pa.string())]
    article = [c for c in _columns(Article) if c[0] != "text"]
    counts = [(f"n_{t}", pa.int64()) for t in ("places", "events", "quotes", "people")]
    story = [("focus", pa.list_(pa.string())), ("notes", pa.list_(pa.string())), ("story_json", pa.string())]
    return {
        "articles": pa.schema(key + article + story + counts),
        "places": pa.schema(key + _columns(model.Place)),
        "events": pa.schema(key + _columns(model.Event)),
        "quotes": pa.schema(key + _columns(model.Quote)),
        "people": pa.schema(key + _columns(model.Person)),
    }


def _plain(value, arrow_type):
    import pyarrow as pa

    if dataclasses.is_dataclass(value) and pa.types.is_struct(arrow_type):
        return {f.name: _plain(getattr(value, f.name), f.type) for f in arrow_type}
    if isinstance(value, tuple) and pa.types.is_list(arrow_type):
        return [_plain(v, arrow_type.value_type) for v in value]
    if pa.types.is_string(arrow_type) and value is not None and not isinstance(value, str):
        return json.dumps(value if not dataclasses.is_dataclass(value) else dataclasses.asdict(value))
    return value


def story_file_name(article_id: str) -> str:
    """A file name for an article id: safe characters kept, a hash added when anything was changed."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", article_id).strip("._")[:100] or "article"
    if safe != article_id:
        safe += "-" + hashlib.sha1(article_id.encode()).hexdigest()[:8]
    return safe + ".json"


def table_rows(article_id: str, story: Story, schemas: dict) -> dict[str, list[dict]]:
    """The rows one Story adds to each table."""
    rows: dict[str, list[dict]] = {}
    head = {"article_id": article_id}
    a = story.article
    art = dict(head, lang=a.lang, published=a.published, title=a.title, source=a.source, focus=list(story.focus),
               notes=list(story.notes), story_json=f"stories/{story_file_name(article_id)}",
               n_places=len(story.places), n_events=len(story.events), n_quotes=len(story.quotes),
               n_people=len(story.people))
    rows["articles"] = [art]
    for table, items in (("places", story.places), ("events", story.events), ("quotes", story.quotes),
                         ("people", story.people)):
        schema = schemas[table]
        fields = [f for f in schema if f.name != "article_id"]
        rows[table] = [dict(head, **{f.name: _plain(getattr(x, f.name), f.type) for f in fields}) for x in items]
    return rows


def write_tables(stories: Iterable, out_dir, *, part: int = 0, rows_per_part: int = 100_000,
                 clear: bool = True) -> dict[str, int]:
    """Write ``out_dir/<table>/part-NNNNN.parquet`` for articles, places, events, quotes and people, and
    ``out_dir/stories/<id>.json`` per article. ``stories`` holds (id, Story) pairs or Stories (ids 000000, ...).
    Returns the number of rows written per table. Read a table back with ``pyarrow.parquet.read_table(out/places)``.
    With ``clear``, part files of an earlier run are removed first."""
    pa = _require("pyarrow", "writing Parquet tables")
    pq = _require("pyarrow.parquet", "writing Parquet tables")

    from geostory.export import story_to_json

    out = Path(out_dir)
    if clear:
        clear_tables(out)
    (out / "stories").mkdir(parents=True, exist_ok=True)
    schemas = table_schemas()
    for t in TABLES:
        (out / t).mkdir(exist_ok=True)
    counts = dict.fromkeys(TABLES, 0)
    buffers: dict[str, list[dict]] = {t: [] for t in TABLES}
    n_articles = 0

    def flush(number: int) -> None:
        for t in TABLES:
            table = pa.Table.from_pylist(buffers[t], schema=schemas[t])
            pq.write_table(table, out / t / f"part-{number:05d}.parquet")
            counts[t] += len(buffers[t])
            buffers[t] = []

    for i, item in enumerate(stories):
        article_id, story = item if isinstance(item, tuple) else (f"{i:06d}", item)
        (out / "stories" / story_file_name(article_id)).write_text(story_to_json(story), encoding="utf-8")
        for t, rows in table_rows(article_id, story, schemas).items():
            buffers[t].extend(rows)
        n_articles += 1
        if n_articles % rows_per_part == 0:
            flush(part)
            part += 1
    if n_articles % rows_per_part or n_articles == 0:
        flush(part)
    return counts


def clear_tables(out_dir) -> None:
    """Remove the part files of an earlier run (story JSON files are overwritten, not removed)."""
    for t in TABLES:
        for old in (Path(out_dir) / t).glob("part-*.parquet"):
            old.unlink()


# ---------------------------------------------------------------- Dask


def _client(scheduler):
    """(client, owned): a Client on ``scheduler`` (address, Cluster or Client), or on a new LocalCluster."""
    import os

    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        return scheduler, False
    if scheduler is None:
        cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        return Client(cluster), True
    return Client(scheduler), True


def _groups(inputs, batch_size: int, task_size: int | None) -> list[list[Partition]]:
    """Partitions grouped into tasks; by default about eight tasks or more, of at most 32 partitions each."""
    parts = list(partitions(inputs, batch_size))
    size = task_size or min(32, max(1, len(parts) // 8))
    return [parts[i:i + size] for i in range(0, len(parts), size)]


def _bag_task(groups: list[list[Partition]], options: Options) -> list[tuple[str, Story]]:
    return [pair for group in groups for part in group for pair in run_partition(part, options)]


def _write_task(group: list[Partition], options: Options, out_dir: str, number: int) -> dict[str, int]:
    pairs = (pair for part in group for pair in run_partition(part, options))
    return write_tables(pairs, out_dir, part=number, rows_per_part=10**9, clear=False)


def story_bag(inputs, *, batch_size: int = DEFAULT_BATCH_SIZE, task_size: int | None = None,
              published: str | None = None, lang: str = "auto", errors: str = "raise"):
    """A dask.bag of (id, Story), one bag partition per ``task_size`` input partitions; compute it on any scheduler."""
    import dask.bag as db

    options = Options(lang=lang, published=published, batch_size=batch_size, errors=errors)
    groups = _groups(inputs, batch_size, task_size)
    return db.from_sequence(groups, npartitions=max(1, len(groups))).map_partitions(_bag_task, options)


def run_dask(inputs, out_dir, scheduler=None, *, batch_size: int = DEFAULT_BATCH_SIZE, task_size: int | None = None,
             published: str | None = None, lang: str = "auto", errors: str = "raise") -> dict[str, int]:
    """Extract every article of ``inputs`` on a Dask cluster and write the same tables as :func:`write_tables`
    (one part file per task of ``task_size`` partitions, by default chosen from the input's size). ``scheduler``:
    None (a LocalCluster of one single-threaded process per core), a scheduler address such as
    ``"tcp://10.0.0.5:8786"``, a ``distributed`` Cluster or Client. Inputs and ``out_dir`` must be paths every worker
    can read and write (a shared file system)."""
    dask = _require("dask", "the Dask engine")
    _require("distributed", "the Dask engine")
    options = Options(lang=lang, published=published, batch_size=batch_size, errors=errors)
    out = Path(out_dir)
    clear_tables(out)
    groups = _groups(inputs, batch_size, task_size)
    if not groups:
        return write_tables((), out)
    client, owned = _client(scheduler)
    try:
        tasks = [dask.delayed(_write_task, pure=False)(g, options, str(out), n) for n, g in enumerate(groups)]
        results = dask.compute(*tasks, scheduler=client)
    finally:
        if owned:
            cluster = client.cluster
            client.close()
            if cluster is not None and scheduler is None:
                cluster.close()
    return {t: sum(r[t] for r in results) for t in TABLES}


# ---------------------------------------------------------------- command line


def run(inputs, out_dir, *, engine: str = "local", n_process: int = 1, scheduler=None,
        batch_size: int = DEFAULT_BATCH_SIZE, published: str | None = None, lang: str = "auto") -> dict[str, int]:
    """``geostory extract --batch INPUTS --out DIR``: rows written per table."""
    if engine == "dask":
        return run_dask(inputs, out_dir, scheduler, batch_size=batch_size, published=published, lang=lang)
    return write_tables(extract_records(inputs, n_process=n_process, batch_size=batch_size, published=published,
                                        lang=lang), out_dir)


def main(argv: list[str] | None = None) -> int:
    """``python -m geostory.batch INPUTS --out DIR [--engine dask --scheduler ADDR] [--n-process N]``."""
    import argparse
    import sys

    from geostory.errors import GeostoryError

    ap = argparse.ArgumentParser(prog="python -m geostory.batch", description=__doc__.splitlines()[0])
    ap.add_argument("inputs", help="folder of .txt files, .jsonl or .parquet file of articles")
    ap.add_argument("--out", required=True, help="output folder (Parquet tables and one Story JSON per article)")
    ap.add_argument("--engine", choices=["local", "dask"], default="local")
    ap.add_argument("--n-process", type=int, default=1, help="local worker processes")
    ap.add_argument("--scheduler", default=None, help="Dask scheduler address (default: a LocalCluster)")
    ap.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    ap.add_argument("--lang", choices=["fr", "en", "auto"], default="auto")
    ap.add_argument("--published", default=None, help="publication date for records without one, YYYY-MM-DD")
    args = ap.parse_args(argv)
    try:
        counts = run(args.inputs, args.out, engine=args.engine, n_process=args.n_process, scheduler=args.scheduler,
                     batch_size=args.batch_size, published=args.published, lang=args.lang)
    except GeostoryError as exc:
        sys.stderr.write(f"geostory: error: {exc}\n")
        return 2
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":  # pragma: no cover
    from geostory.batch import main as _main

    raise SystemExit(_main())
