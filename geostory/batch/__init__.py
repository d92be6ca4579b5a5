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

from geostory.batch.cluster import run_dask, story_bag
from geostory.batch.command import main, run
from geostory.batch.extraction import (
    extract_batch,
    extract_records,
    load_nlp,
    run_partition,
    story_from_doc,
)
from geostory.batch.inputs import (
    DEFAULT_BATCH_SIZE,
    FIELDS,
    Options,
    Partition,
    partitions,
    read_partition,
)
from geostory.batch.tables import (
    TABLES,
    clear_tables,
    story_file_name,
    table_rows,
    table_schemas,
    write_tables,
)

__all__ = [
    "DEFAULT_BATCH_SIZE", "FIELDS", "TABLES", "Options", "Partition", "clear_tables", "extract_batch", "extract_records",
    "load_nlp", "main", "partitions", "read_partition", "run", "run_dask", "run_partition", "story_bag",
    "story_file_name", "story_from_doc", "table_rows", "table_schemas", "write_tables",
]
