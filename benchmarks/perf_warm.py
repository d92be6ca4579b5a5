"""Warm extraction: in-process `extract_story` on the seed and the devset vs `nlp.pipe` over the same texts (the
floor: the spaCy parse alone). Model and gazetteer are loaded before timing; runs are interleaved.

usage: python benchmarks/perf_warm.py [--runs 7] [--shared ../shared] [--profile out.txt]
       -> one JSON line (target: ratio <= 1.5); --profile writes a pyinstrument profile of extract_story
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geostory.batch import extract_batch
from geostory.extract.pipeline import extract_story
from geostory.model import Article
from geostory.nlp import get_nlp

TARGET = 1.5


def articles(shared: Path) -> list[Article]:
    """The seed (in the repo) and, when ../shared is present, the devset articles."""
    out = [Article(text=(ROOT / "data" / "seed" / "article.fr.txt").read_text(encoding="utf-8"), lang="fr",
                   published="2023-09-14")]
    for txt in sorted((shared / "devset").glob("*.txt")):
        gold = json.loads(txt.with_name(txt.stem + ".gold.json").read_text(encoding="utf-8"))
        out.append(Article(text=txt.read_text(encoding="utf-8"), lang=gold.get("lang") or "fr",
                           published=gold.get("published")))
    return out


def geostory(arts: list[Article]) -> None:
    for a in arts:
        extract_story(a)


def batch(arts: list[Article]) -> None:
    for _ in extract_batch(arts):
        pass


def floor(arts: list[Article]) -> None:
    for lang in sorted({a.lang for a in arts}):
        for _ in get_nlp(lang).pipe([a.text for a in arts if a.lang == lang]):
            pass


def timed(fn, arts) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one run."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn(arts)
    return time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--profile", type=Path, default=None)
    args = ap.parse_args()
    arts = articles(args.shared)
    for fn in (geostory, batch, floor):  # warm-up: models, gazetteer, caches
        fn(arts)
    runs: dict = {"geostory": [], "batch": [], "floor": []}
    cpu: dict = {"geostory": [], "batch": [], "floor": []}
    fns = {"geostory": geostory, "batch": batch, "floor": floor}
    for i in range(args.runs):
        order = list(fns) if i % 2 == 0 else list(reversed(fns))
        for name in order:
            wall, used = timed(fns[name], arts)
            runs[name].append(wall)
            cpu[name].append(used)
    med = {k: statistics.median(v) for k, v in runs.items()}
    if args.profile:
        from pyinstrument import Profiler

        prof = Profiler(interval=0.001)
        prof.start()
        for _ in range(3):
            geostory(arts)
        prof.stop()
        args.profile.write_text(prof.output_text(unicode=True, color=False), encoding="utf-8")
    words = sum(len(a.text.split()) for a in arts)
    print(json.dumps({
        "benchmark": "warm_extract", "runs": args.runs, "articles": len(arts), "words": words,
        "geostory_s": round(med["geostory"], 3), "floor_s": round(med["floor"], 3),
        "ratio": round(med["geostory"] / med["floor"], 3),
        "ratio_pairwise_median": round(statistics.median(g / f for g, f in zip(runs["geostory"], runs["floor"])), 3),
        "target_ratio": TARGET, "ok": med["geostory"] / med["floor"] <= TARGET,
        "extract_batch_s": round(med["batch"], 3), "extract_batch_ratio": round(med["batch"] / med["floor"], 3),
        "cpu_ratio": round(statistics.median(cpu["geostory"]) / statistics.median(cpu["floor"]), 3),
        "floor": "nlp.pipe over the same texts (per language), same process",
    }))


if __name__ == "__main__":
    main()
