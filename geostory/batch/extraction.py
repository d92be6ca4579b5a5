"""Extracting the Stories of partitions: in this process, in forked worker processes, in input order."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from typing import Any

from geostory.batch.inputs import (
    DEFAULT_BATCH_SIZE,
    Options,
    Partition,
    partitions,
    read_partition,
)
from geostory.errors import InputError
from geostory.model import Article, Story

_LOCK = threading.Lock()


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


def run_partition(part: Partition, options: Options | None = None) -> list[tuple[str, Story]]:
    """(id, Story) for every record of a partition: one ``nlp.pipe`` per language, then the pipeline per Doc."""
    options = options or Options()
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
