"""Reading many articles: a folder of .txt files, a JSONL or Parquet file, or Articles in memory, cut into
partitions that any process can read on its own."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from geostory.errors import GeostoryError, InputError
from geostory.model import Article

FIELDS = ("text", "lang", "published", "title", "source", "byline", "id")
DEFAULT_BATCH_SIZE = 8
_log = logging.getLogger("geostory.batch")


def require(module: str, what: str):
    """Import an optional dependency, or say how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise GeostoryError(f"{what} needs the batch extras: pip install 'geostory[batch]' ({module} is missing)"
                            ) from None


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
            pq = require("pyarrow.parquet", "reading Parquet articles")

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
