"""The batch path on Dask: partitions grouped into tasks, each writing its own part files (no home-made scheduler)."""

from __future__ import annotations

from pathlib import Path

from geostory.batch.extraction import run_partition
from geostory.batch.inputs import (
    DEFAULT_BATCH_SIZE,
    Options,
    Partition,
    partitions,
    require,
)
from geostory.batch.tables import TABLES, clear_tables, write_tables
from geostory.model import Story


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
    dask = require("dask", "the Dask engine")
    require("distributed", "the Dask engine")
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
