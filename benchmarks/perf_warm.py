"""Warm extraction: in-process `extract_story` on the seed and the devset vs `nlp.pipe` over the same texts (the
floor: the spaCy parse alone). Model and gazetteer are loaded before timing; runs are interleaved.

usage: python benchmarks/perf_warm.py [--runs 7] [--shared ../shared] [--profile out.txt] [--stages]
       -> one JSON line (target: ratio <= 1.5); --profile writes a pyinstrument profile of extract_story;
          --stages adds the CPU milliseconds per article of each pipeline stage on pre-parsed Docs
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
from geostory.nlp import GEOSTORY_PIPES, get_nlp

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
    """``nlp.pipe`` of the model's default pipeline (the components geostory adds are disabled)."""
    for lang in sorted({a.lang for a in arts}):
        nlp = get_nlp(lang)
        with nlp.select_pipes(disable=[p for p in GEOSTORY_PIPES if p in nlp.pipe_names]):
            for _ in nlp.pipe([a.text for a in arts if a.lang == lang]):
                pass


def stages(arts: list[Article], runs: int) -> dict[str, float]:
    """CPU ms per article of each stage of the pipeline (as extract_story chains them), on pre-parsed Docs."""
    from geostory.extract.narrative import extract_narrative
    from geostory.extract.pipeline import check_article
    from geostory.extract.places import find_place_mentions, find_unknown_places
    from geostory.gazetteer.index import get_gazetteer
    from geostory.geocode.resolve import place_unknowns, resolve_matches

    gaz = get_gazetteer()
    docs = [get_nlp(a.lang)(a.text) for a in arts]
    spent: dict[str, float] = {}
    for r in range(runs + 1):
        for article, doc in zip(arts, docs):
            marks = [time.process_time()]
            a, _ = check_article(article)
            marks.append(time.process_time())
            matches = find_place_mentions(a.text, doc, gaz, a.lang)
            marks.append(time.process_time())
            unknowns, matches = find_unknown_places(a.text, doc, matches)
            marks.append(time.process_time())
            places = resolve_matches(a.text, matches, gaz, lang=a.lang)
            places = tuple(places + place_unknowns(a.text, unknowns, places))
            marks.append(time.process_time())
            extract_narrative(doc, a, places)
            marks.append(time.process_time())
            if r:  # the first round warms caches
                for name, t0, t1 in zip(("check", "places", "unknown_places", "resolve", "narrative"), marks, marks[1:]):
                    spent[name] = spent.get(name, 0.0) + t1 - t0
    t0 = time.process_time()
    for _ in range(runs):
        floor(arts)
    spent = {k: round(1000 * v / runs / len(arts), 1) for k, v in spent.items()}
    spent["total_geostory"] = round(sum(spent.values()), 1)
    spent["spacy_pipe"] = round(1000 * (time.process_time() - t0) / runs / len(arts), 1)
    return spent


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
    ap.add_argument("--stages", action="store_true")
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
    extra = {"stages_cpu_ms_per_article": stages(arts, args.runs)} if args.stages else {}
    print(json.dumps({
        "benchmark": "warm_extract", "runs": args.runs, "articles": len(arts), "words": words,
        "geostory_s": round(med["geostory"], 3), "floor_s": round(med["floor"], 3),
        "ratio": round(med["geostory"] / med["floor"], 3),
        "ratio_pairwise_median": round(statistics.median(g / f for g, f in zip(runs["geostory"], runs["floor"])), 3),
        "ratio_of_fastest_runs": round(min(runs["geostory"]) / min(runs["floor"]), 3),
        "target_ratio": TARGET, "ok": med["geostory"] / med["floor"] <= TARGET,
        "extract_batch_s": round(med["batch"], 3), "extract_batch_ratio": round(med["batch"] / med["floor"], 3),
        "cpu_ratio": round(statistics.median(cpu["geostory"]) / statistics.median(cpu["floor"]), 3),
        "extract_batch_cpu_ratio": round(statistics.median(cpu["batch"]) / statistics.median(cpu["floor"]), 3),
        "floor": "nlp.pipe of the default pipeline over the same texts (per language), same process", **extra,
    }))


if __name__ == "__main__":
    main()
