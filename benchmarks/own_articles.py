"""Own-article features, timed (not tests): prints one JSON line.

- ``stages_s``: seconds per extraction stage of the seed article (reading = spaCy parse; warm model).
- ``library_save_ms`` / ``library_get_ms``: one transaction saving the seed story / reading it back (median of 20).
- ``corpus_layer_s``: building the corpus map's places layer for 1,000 and 10,000 synthetic places (median of 3).
- ``standalone_html``: seconds to build the offline HTML map of the seed and its size in bytes.

Usage: ``python benchmarks/own_articles.py``.
"""

from __future__ import annotations

import itertools
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import folium

from geostory.corpus import CorpusPlace
from geostory.export import story_from_json, story_to_html
from geostory.ingest import extract_in_stages, from_text
from geostory.library import Library
from geostory.maps.corpus import build_corpus_layer
from geostory.nlp import get_nlp


def timed(fn, runs: int) -> float:
    values = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        values.append(time.perf_counter() - t)
    return statistics.median(values)


def stages() -> dict[str, float]:
    text = (ROOT / "data" / "seed" / "article.fr.txt").read_text(encoding="utf-8")
    article = from_text(text).article(lang="fr", published="2023-09-14")
    nlp = get_nlp("fr")
    extract_in_stages(article, nlp=nlp)  # warm
    marks: list[tuple[str, float]] = []
    extract_in_stages(article, nlp=nlp, report=lambda stage, _: marks.append((stage, time.perf_counter())))
    return {a[0]: round(b[1] - a[1], 3) for a, b in itertools.pairwise(marks)}


def synthetic(n: int) -> list[CorpusPlace]:
    rng = random.Random(n)
    return [CorpusPlace(f"k{i}", f"Place {i}", "city", "FR", rng.uniform(-60, 70), rng.uniform(-170, 170),
                        tuple(f"s{j}" for j in range(rng.randint(1, 4))), rng.randint(1, 9)) for i in range(n)]


def corpus_page(places: list[CorpusPlace]) -> str:
    """The corpus markers layer on a bare map, rendered to HTML (what a rerun of the corpus view costs in Python)."""
    m = folium.Map(tiles=None)
    build_corpus_layer(places).add_to(m)
    return m.get_root().render()


def main() -> None:
    seed = story_from_json((ROOT / "data" / "seed.story.json").read_text(encoding="utf-8"))
    library = Library(Path(tempfile.mkdtemp()) / "bench.sqlite")
    out = {
        "stages_s": stages(),
        "library_save_ms": round(1000 * timed(lambda: library.save(seed, "seed"), 20), 2),
        "library_get_ms": round(1000 * timed(lambda: library.get("seed"), 20), 2),
        "corpus_layer_s": {str(n): round(timed(lambda n=n: corpus_page(synthetic(n)), 3), 3) for n in (1000, 10000)},
    }
    t = time.perf_counter()
    page = story_to_html(seed)
    out["standalone_html"] = {"seconds": round(time.perf_counter() - t, 3), "bytes": len(page.encode("utf-8"))}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
