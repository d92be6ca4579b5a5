"""Wall time of `python -m geostory extract` on the seed in fresh processes (index already built).

usage: python benchmarks/cli_speed.py [--runs 5]   -> one JSON line
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "article.fr.txt"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    cmd = [sys.executable, "-m", "geostory", "extract", str(SEED), "--lang", "fr", "--published", "2023-09-14"]
    subprocess.run(cmd, check=True, capture_output=True)  # warm-up: builds the index if needed
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    probe = ("import time; t=time.perf_counter(); from geostory.nlp import get_nlp; get_nlp('fr'); "
             "print(time.perf_counter()-t)")
    nlp_load = float(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout)
    print(json.dumps({
        "benchmark": "cli_extract_seed", "runs": args.runs, "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3), "max_s": round(max(times), 3), "target_s": 3.0,
        "spacy_model_load_s": round(nlp_load, 3),
    }))


if __name__ == "__main__":
    main()
