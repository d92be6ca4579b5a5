"""``geostory extract --batch`` and ``python -m geostory.batch``: the command line of the batch path."""

from __future__ import annotations

import json

from geostory.batch.cluster import run_dask
from geostory.batch.extraction import extract_records
from geostory.batch.inputs import DEFAULT_BATCH_SIZE
from geostory.batch.tables import write_tables

_DESCRIPTION = "Many articles at once: a folder of .txt files or a JSONL/Parquet file of articles -> Stories and Parquet tables."


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

    ap = argparse.ArgumentParser(prog="python -m geostory.batch", description=_DESCRIPTION)
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
