"""End-to-end quality and speed on the seed and the devset, scored by ../shared/tools/score_story.py.

usage: python benchmarks/devset.py [--shared PATH] [--verbose]
Prints one JSON line: per-article scores, then means per language.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geostory.export import story_to_dict  # noqa: E402
from geostory.extract.pipeline import extract_story  # noqa: E402
from geostory.model import Article  # noqa: E402

KEYS = ["place_precision", "place_recall", "place_f1", "end_to_end_place_acc", "quote_recall", "quote_precision",
        "speaker_acc", "dated_event_recall"]


def load_scorer(shared: Path):
    spec = importlib.util.spec_from_file_location("score_story", shared / "tools" / "score_story.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.score


def articles(shared: Path):
    yield "seed", shared / "seed" / "article.fr.txt", shared / "seed" / "article.gold.json"
    for txt in sorted((shared / "devset").glob("*.txt")):
        yield txt.stem, txt, txt.parent / (txt.stem + ".gold.json")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    score = load_scorer(args.shared)
    rows = []
    for name, txt, gold_path in articles(args.shared):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = txt.read_text(encoding="utf-8")
        t0 = time.perf_counter()
        story = extract_story(Article(text=text, lang=gold.get("lang") or "fr", published=gold.get("published")))
        secs = time.perf_counter() - t0
        res = score(gold, text, story_to_dict(story))
        row = {"article": name, "lang": gold.get("lang"), "seconds": round(secs, 3)}
        row.update({k: res[k] for k in KEYS})
        row["quotes_gold"] = len(gold.get("quotes", []))
        row["quotes_found"] = round(res["quote_recall"] * row["quotes_gold"])
        row["quotes_pred"] = res["quotes_pred"]
        row["speakers_right"] = round(res["speaker_acc"] * row["quotes_found"])
        if args.verbose:
            row.update({k: res[k] for k in ("missed", "wrong", "false_pos", "quotes_missed", "speaker_wrong")})
        rows.append(row)
    summary = {}
    for lang in ("fr", "en"):
        dev = [r for r in rows if r["lang"] == lang and r["article"] != "seed"]
        if dev:
            summary[lang] = {k: round(statistics.mean(r[k] for r in dev), 3) for k in KEYS}
            # the scorer gives 0.0 when no quote was found to judge a speaker on: such articles say nothing of it
            judged = [r["speaker_acc"] for r in dev if r["quotes_found"]]
            summary[lang]["speaker_acc"] = round(statistics.mean(judged), 3) if judged else None
    dev = [r for r in rows if r["article"] != "seed"]
    g, f, p, s = (sum(r[k] for r in dev) for k in ("quotes_gold", "quotes_found", "quotes_pred", "speakers_right"))
    matched_pred = sum(round(r["quote_precision"] * r["quotes_pred"]) for r in dev)
    qr, qp = (f / g if g else 1.0), (matched_pred / p if p else 0.0)
    summary["devset_quotes_pooled"] = {
        "recall": round(qr, 3), "precision": round(qp, 3),
        "f1": round(2 * qr * qp / (qr + qp), 3) if qr + qp else 0.0,
        "speaker_acc": round(s / f, 3) if f else 0.0,
    }
    print(json.dumps({"articles": rows, "summary": summary}, ensure_ascii=False))


if __name__ == "__main__":
    main()
