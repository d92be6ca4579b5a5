"""Parquet tables of Stories (articles, places, events, quotes, people) and one Story JSON file per article."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from geostory import model
from geostory.batch.inputs import require
from geostory.model import Article, Story

TABLES = ("articles", "places", "events", "quotes", "people")


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
    pa = require("pyarrow", "writing Parquet tables")
    pq = require("pyarrow.parquet", "writing Parquet tables")

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
