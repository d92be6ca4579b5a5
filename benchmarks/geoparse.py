"""Geoparsing benchmark: resolution with gold spans on four public corpora, end to end on the devset, speed.

usage: python benchmarks/geoparse.py [--data PATH] [--shared PATH] [--limit N] [--corpora A,B] [--index SQLITE]
                                     [--no-devset] [--errors-out FILE.json] [--top 30]
Prints one JSON line.

(a) Gold spans (GeoWebNews, LGL, TR-News, GeoVirus; formats in ../shared/data/README.md). For each document a
``Match`` is built per gold span (candidates = gazetteer entries of the folded phrase; if none, the phrase without a
leading determiner or possessive, then simple demonym/plural suffix rules, all through the same index; cues = the
four folded words before, as ``find_place_mentions`` records them) and ``resolve_matches`` runs once over all the
document's matches, so the resolver sees its usual context. Per toponym the error is:
  0 km when the chosen entry is the gold GeoNames id (``gn:<id>``; the index pins countries at their capital and
  regions at a population-weighted centre, so the same entity must not count as an error), else the great-circle
  distance between the chosen point and the gold point; a toponym with no candidate (or that the resolver drops)
  counts as wrong with the maximal error 20,039 km (half the Earth's circumference).
Metrics: acc@161 = share of errors < 161 km; mean and median error (km); AUC as in Gritta et al. (2018, "What's
missing in geographical parsing?"), i.e. the area under the curve of sorted ln(error + 1), normalised:
  AUC = trapz(sorted(ln(err_i + 1))) / ((n - 1) * ln(20039))     (0 = perfect, 1 = every toponym at 20,039 km);
coverage = share of gold toponyms with at least one candidate; oracle = share with a candidate within 161 km of the
gold point (or with the gold id) - the ceiling the ranking can reach with this gazetteer; ms_per_doc = matching and
resolution time per document (the gazetteer is already built and opened).
``acc161_strict`` scores coordinates only (no id shortcut), for comparison with coordinate-only evaluations.
``acc161_unknowns_in_context`` lets toponyms without candidate take the pipeline's fallback (``place_unknowns``:
pinned at the place named before them) instead of counting 20,039 km; the headline ``acc161`` does not.

(b) End to end: runs benchmarks/devset.py (the lead's) and reports its per-language means and the seed row.
Tuning rule (issue 5): tune on TR-News and GeoVirus only; GeoWebNews and LGL are held out.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import re
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from urllib.parse import unquote
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geostory.extract.places import FACILITY_AFTER, NOT_PLACES, Match, Unknown  # noqa: E402
from geostory.gazetteer.index import ALT, DEMONYM, MAIN, Gazetteer, get_gazetteer  # noqa: E402
from geostory.gazetteer.text import fold, strip_article  # noqa: E402

try:
    from geostory.gazetteer.text import spelling_key  # noqa: E402
except ImportError:  # older index without coarse spelling keys
    spelling_key = None
from geostory.geocode.resolve import place_unknowns, resolve_matches  # noqa: E402

MAX_ERROR_KM = 20039.0
ACC_KM = 161.0
TUNING = ("TR-News", "GeoVirus")
HELD_OUT = ("GeoWebNews", "LGL")


@dataclass(frozen=True, slots=True)
class Toponym:
    """A gold toponym: exact character span in the document text and its gold point."""

    start: int
    end: int
    phrase: str
    lat: float
    lon: float
    geonameid: str | None = None
    gold_name: str = ""  # the gold entity's own name (GeoNames name, GWN normalised name, Wikipedia title), or ""
    label: str = ""  # GeoNames class.code (LGL/TR-News), pragmatic type (GeoWebNews), Wikipedia page (GeoVirus)


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    text: str
    toponyms: tuple[Toponym, ...]
    unscored: tuple[tuple[int, int], ...] = ()  # other annotated spans (no gold point): not false positives


# ---------------------------------------------------------------- loaders

def _snap(text: str, start: int, end: int, phrase: str, claimed: set[tuple[int, int]]) -> tuple[int, int] | None:
    """The span of ``phrase`` in ``text``: as given when exact, else its nearest unclaimed whole-word occurrence."""
    if 0 <= start and text[start:end] == phrase:
        return start, end
    hits = [m.start() for m in re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text)]
    hits = [h for h in hits if (h, h + len(phrase)) not in claimed] or hits
    if not hits:
        return None
    h = min(hits, key=lambda x: abs(x - start))
    return h, h + len(phrase)


def _float(s: str | None) -> float | None:
    try:
        return float(s) if s is not None and s.strip() else None
    except ValueError:
        return None


def _load_gaztag_corpus(path: Path, *, resnap: bool) -> list[Document]:
    """LGL / TR-News schema: <toponym><start/><end/><phrase/><gaztag geonameid>..<lat/><lon/></gaztag>."""
    docs = []
    for art in ET.parse(path).getroot().iter("article"):
        text = art.findtext("text") or ""
        tops, claimed = [], set()
        raw, unscored = [], []
        for tp in art.iter("toponym"):
            tag = tp.find("gaztag")
            if tag is None:  # no gold point: unresolvable, not scored
                s0, e0 = int(tp.findtext("start")), int(tp.findtext("end"))
                if text[s0:e0] == tp.findtext("phrase"):
                    unscored.append((s0, e0))
                continue
            lat, lon = _float(tag.findtext("lat")), _float(tag.findtext("lon"))
            if lat is None or lon is None:
                continue
            raw.append((int(tp.findtext("start")), int(tp.findtext("end")), tp.findtext("phrase") or "", lat, lon,
                        tag.get("geonameid"), tag.findtext("name") or "",
                        f"{tag.findtext('fclass') or ''}.{tag.findtext('fcode') or ''}"))
        exact = {(s, e) for s, e, p, *_ in raw if text[s:e] == p}
        claimed |= exact
        for s, e, phrase, lat, lon, gid, name, fcode in raw:
            span = _snap(text, s, e, phrase, claimed) if resnap else ((s, e) if text[s:e] == phrase else None)
            if span is None:
                continue
            claimed.add(span)
            tops.append(Toponym(span[0], span[1], phrase, lat, lon, gid or None, name, fcode))
        docs.append(Document(art.get("docid") or str(len(docs)), text, tuple(tops), tuple(unscored)))
    return docs


def load_lgl(path: Path) -> list[Document]:
    """LGL: 0-based end-exclusive offsets, all exact; toponyms without a gaztag are skipped."""
    return _load_gaztag_corpus(path, resnap=False)


def load_trnews(path: Path) -> list[Document]:
    """TR-News: same schema as LGL; offsets that do not match the phrase are re-snapped by searching it."""
    return _load_gaztag_corpus(path, resnap=True)


def load_geovirus(path: Path) -> list[Document]:
    """GeoVirus: 1-based offsets (start-1, end-1), Wikipedia coordinates, no GeoNames id."""
    docs = []
    for n, art in enumerate(ET.parse(path).getroot().iter("article")):
        text = art.findtext("text") or ""
        tops, claimed = [], set()
        for loc in art.iter("location"):
            name = loc.findtext("name") or ""
            lat, lon = _float(loc.findtext("lat")), _float(loc.findtext("lon"))
            if lat is None or lon is None:
                continue
            span = _snap(text, int(loc.findtext("start")) - 1, int(loc.findtext("end")) - 1, name, claimed)
            if span is None:
                continue
            claimed.add(span)
            page = loc.findtext("page") or ""
            title = unquote(page.rsplit("/wiki/", 1)[-1]).replace("_", " ") if "/wiki/" in page else ""
            tops.append(Toponym(span[0], span[1], name, lat, lon, None, title, page))
        docs.append(Document(f"{n}:{art.findtext('source') or ''}", text, tuple(sorted(tops, key=lambda t: t.start))))
    return docs


def load_gwn(path: Path) -> list[Document]:
    """GeoWebNews: only toponyms with coordinates; the two rows with negative offsets are re-snapped."""
    docs = []
    for art in ET.parse(path).getroot().iter("article"):
        text = art.findtext("text") or ""
        tops, claimed, unscored = [], set(), []
        for tp in art.iter("toponym"):
            lat, lon = _float(tp.findtext("latitude")), _float(tp.findtext("longitude"))
            if lat is None or lon is None:
                s0, e0 = int(tp.findtext("start")), int(tp.findtext("end"))
                if 0 <= s0 and text[s0:e0] == tp.findtext("extractedName"):
                    unscored.append((s0, e0))
                continue
            name = tp.findtext("extractedName") or ""
            span = _snap(text, int(tp.findtext("start")), int(tp.findtext("end")), name, claimed)
            if span is None:
                continue
            claimed.add(span)
            tops.append(Toponym(span[0], span[1], name, lat, lon, (tp.findtext("geonamesID") or "").strip() or None,
                                (tp.findtext("normalisedName") or "").strip(), tp.findtext("type") or ""))
        docs.append(Document(art.get("file") or str(len(docs)), text, tuple(sorted(tops, key=lambda t: t.start)),
                             tuple(unscored)))
    return docs


CORPORA = {
    "GeoWebNews": ("GeoWebNews/GWN.xml", load_gwn),
    "LGL": ("LGL/lgl.xml", load_lgl),
    "TR-News": ("TR-News/TR-News.xml", load_trnews),
    "GeoVirus": ("GeoVirus/GeoVirus.xml", load_geovirus),
}


def load_corpus(name: str, data: Path) -> list[Document]:
    rel, loader = CORPORA[name]
    return loader(data / rel)


# ---------------------------------------------------------------- gold spans -> matches

# general English/French suffix rules from an adjective or plural to a place name ("Kenyan" -> "Kenya")
_SUFFIX_RULES = (
    ("ians", "ia"), ("ian", "ia"), ("ans", "a"), ("an", "a"), ("ans", ""), ("an", ""), ("ese", ""), ("ese", "a"),
    ("is", ""), ("i", ""), ("ers", ""), ("er", ""), ("ites", ""), ("ite", ""), ("ish", ""), ("s", ""),
    ("iens", "ie"), ("ien", "ie"), ("aises", "e"), ("ais", "e"), ("ois", "e"), ("aine", "e"), ("ain", "e"),
)
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


def candidate_keys(phrase: str) -> list[tuple[str, str]]:
    """Keys to try for a gold phrase, in order, each with how it was made: "name", "demonym" (a guess) or "part".

    The phrase; without possessive or leading determiner; adjective/plural suffix rules on its last word
    ("Kenyan" -> "kenya", "North American" -> "north america"); its coarse spelling key; then its name-shaped
    parts, longest first ("Colorado State University" -> "colorado state", "colorado"), as the recognizer would
    find a place inside an organisation's name.
    """
    key = fold(phrase)
    keys = [(key, "name")]
    base = re.sub(r"['’]s$", "", key)
    stripped = strip_article(base)
    keys += [(k, "name") for k in (base, stripped) if k != key]
    head, _, last = stripped.rpartition(" ")
    for suf, rep in _SUFFIX_RULES:
        if last.endswith(suf) and len(last) - len(suf) >= 3:
            keys.append(((head + " " if head else "") + last[: len(last) - len(suf)] + rep, "demonym"))
    if spelling_key is not None and len(stripped) >= 5:
        keys.append((spelling_key(stripped), "name"))  # transliteration variants, as the recognizer's last resort
    words = _WORD_RE.findall(phrase)
    if words and fold(words[-1]) in FACILITY_AFTER:
        return list(dict.fromkeys(keys))  # "Royal Street", "Sloss Furnaces Park": a facility, not its first word
    for n in range(len(words) - 1, 0, -1):
        for i in range(len(words) - n + 1):
            part = words[i: i + n]
            if part[0][:1].isupper() and part[-1][:1].isupper() and not (
                    n == 1 and (fold(part[0]) in NOT_PLACES or len(part[0]) < 3)):  # "Va" of "W.Va." is no name
                keys.append((fold(" ".join(part)), "part"))
    return list(dict.fromkeys(keys))


def _cues(text: str, starts: list[int], words: list[str], pos: int) -> list[str]:
    i = bisect.bisect_left(starts, pos)
    return [fold(w) for w in words[max(0, i - 4): i]]


def _notable(e) -> bool:
    return e.kind in ("country", "region") or e.curated or e.population >= PART_MIN_POPULATION


PART_MIN_POPULATION = 10_000  # chosen on TR-News + GeoVirus (0, 1k, 10k, 100k tried)


def gold_matches(doc: Document, gaz: Gazetteer) -> dict[tuple[int, int], Match]:
    """One Match per distinct gold span (entries empty when nothing is found)."""
    spans = {(t.start, t.end): t.phrase for t in doc.toponyms}
    variants = {span: candidate_keys(p) for span, p in spans.items()}
    found = gaz.lookup_keys(k for vs in variants.values() for k, _ in vs)
    wm = list(_WORD_RE.finditer(doc.text))
    starts, words = [m.start() for m in wm], [m.group() for m in wm]
    out = {}
    for (s, e), vs in variants.items():
        entries, key, guessed = [], vs[0][0], False
        for k, how in vs:
            hits = found.get(k) or []
            if k.startswith("~"):  # spelling variants never stand for a country (as in the recognizer)
                hits = [x for x in hits if x.kind != "country" or x.curated]
            if how == "demonym":  # an adjective or plural names a country, a region or a large place
                hits = [x for x in hits if x.kind != "city" or x.population >= 100_000]
            elif how == "part" and not any(_notable(x) for x in hits):
                hits = []  # inside a longer name, only a well-known place is meant ("Colorado", not "Point")
            if hits:
                entries, key, guessed = hits, k, how == "demonym"
                break
        demonym = bool(entries) and (guessed or all(x.flags & DEMONYM for x in entries))
        out[(s, e)] = Match(s, e, doc.text[s:e], key, list(entries), None, demonym, _cues(doc.text, starts, words, s))
    return out


# ---------------------------------------------------------------- scoring

def km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b_lon - a_lon) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def auc(errors: list[float]) -> float:
    """Gritta et al.'s normalised area under the sorted log-error curve (lower is better)."""
    if len(errors) < 2:
        return float(math.log(errors[0] + 1) / math.log(MAX_ERROR_KM)) if errors else 0.0
    ys = sorted(math.log(e + 1) for e in errors)
    area = sum((ys[i] + ys[i + 1]) / 2 for i in range(len(ys) - 1))
    return area / ((len(ys) - 1) * math.log(MAX_ERROR_KM))


_QUALIFIER_KINDS = {"state": "region", "province": "region", "region": "region", "county": "region",
                    "territory": "region", "department": "region", "country": "country", "river": "water",
                    "lake": "water", "sea": "water"}
# kinds of index entries that can stand for a gold GeoNames feature class (cities are points: scored by distance)
_CLASS_KINDS = {"A": {"region", "other"}, "L": {"region", "other"}, "H": {"water", "other"},
                "T": {"other", "landmark", "region"}, "S": {"landmark", "other"}, "V": {"other"}}


def wiki_title(url: str) -> tuple[str, str | None]:
    """Folded title of a Wikipedia page URL without its qualifier, and the kind the qualifier implies.

    "https://en.wikipedia.org/wiki/New_York_(state)" -> ("new york", "region"); "Pandi,_Bulacan" -> ("pandi", None).
    """
    title = unquote(url.rsplit("/wiki/", 1)[-1]).replace("_", " ")
    qual = re.search(r"\(([^)]*)\)", title)
    kind = next((k for w, k in _QUALIFIER_KINDS.items() if qual and w in qual.group(1).lower()), None)
    return fold(re.sub(r"\s*\(.*?\)", "", title).split(",")[0]), kind


def same_entities(doc: Document, gaz: Gazetteer) -> dict[int, set[str]]:
    """Index entries that ARE each gold toponym's entity although their id is not its GeoNames id.

    Only area entries qualify (a city is a point, scored by distance): for a gold GeoNames feature, the entries
    without a GeoNames id of their own (curated continents, seas, regions) named like the gold entity with a kind
    that fits its feature class; for a gold Wikipedia page (GeoVirus), the non-city entries named by the page title
    (its qualifier, e.g. "(state)", must fit). Index position -> ids.
    """
    wanted: dict[int, tuple[str, set[str] | None, bool]] = {}
    for i, t in enumerate(doc.toponyms):
        if "/wiki/" in t.label:
            key, kind = wiki_title(t.label)
            wanted[i] = (key, {kind} if kind else None, True)
        elif t.geonameid and t.gold_name:
            fclass = t.label.split(".")[0] if "." in t.label else ""
            if fclass != "P":
                wanted[i] = (fold(t.gold_name), _CLASS_KINDS.get(fclass), False)
    found = gaz.lookup_keys(k for k, _, _ in wanted.values())
    out = {}
    for i, (key, kinds, any_id) in wanted.items():
        out[i] = {e.id for e in found.get(key, ()) if e.kind != "city" and e.flags & (MAIN | ALT)
                  and (any_id or not e.id.startswith("gn:")) and (kinds is None or e.kind in kinds)
                  and (any_id or e.kind != "country")}
    return out


def _error(t: Toponym, entry, same_ids: set[str] = frozenset()) -> float:
    if entry is None:
        return MAX_ERROR_KM
    if (t.geonameid and entry.id == f"gn:{t.geonameid}") or entry.id in same_ids:
        return 0.0
    return km(entry.lat, entry.lon, t.lat, t.lon)


def evaluate_document(doc: Document, gaz: Gazetteer) -> tuple[list[dict], float]:
    """Per-toponym records for one document, and the seconds spent matching and resolving."""
    t0 = time.perf_counter()
    matches = gold_matches(doc, gaz)
    ordered = sorted((m for m in matches.values() if m.entries), key=lambda m: m.start)
    places = resolve_matches(doc.text, ordered, gaz, lang="en")
    chosen = {}
    for p in places:
        for men in p.mentions:
            chosen[(men.start, men.end)] = p.gazetteer_id
    # what the pipeline does with names the gazetteer lacks: pin them at the place named before them
    unknowns = [Unknown(m.start, m.end, m.text, "other", "gold span without candidate")
                for m in sorted(matches.values(), key=lambda m: m.start) if not m.entries]
    fallback = {(men.start, men.end): (p.lat, p.lon) for p in place_unknowns(doc.text, unknowns, places)
                if p.resolved for men in p.mentions}
    secs = time.perf_counter() - t0
    by_id = {e.id: e for m in ordered for e in m.entries}
    titles = same_entities(doc, gaz)
    records = []
    for i, t in enumerate(doc.toponyms):
        m = matches[(t.start, t.end)]
        entry = by_id.get(chosen.get((t.start, t.end)) or "")
        same = titles.get(i, set())
        err = _error(t, entry, same)
        strict = km(entry.lat, entry.lon, t.lat, t.lon) if entry else MAX_ERROR_KM
        cand_err = [_error(t, e, same) for e in m.entries]
        pin = fallback.get((t.start, t.end))
        in_context = km(pin[0], pin[1], t.lat, t.lon) if pin and entry is None else err
        records.append({
            "doc": doc.id, "phrase": t.phrase, "start": t.start, "label": t.label, "key": m.key,
            "gold": {"id": t.geonameid, "name": t.gold_name, "lat": t.lat, "lon": t.lon},
            "chosen": None if entry is None else {
                "id": entry.id, "name": entry.name, "kind": entry.kind, "feature": entry.feature,
                "country": entry.country, "population": entry.population, "lat": round(entry.lat, 4),
                "lon": round(entry.lon, 4)},
            "n_candidates": len(m.entries), "error_km": round(err, 1), "strict_km": round(strict, 1),
            "context_km": round(in_context, 1),
            "oracle": any(x < ACC_KM for x in cand_err), "demonym": m.demonym, "cues": m.cues,
            "gold_id_in_candidates": any(x == 0 for x in cand_err),
        })
    return records, secs


def evaluate_end_to_end(doc: Document, gaz: Gazetteer) -> tuple[dict, float]:
    """Raw text -> Story with the English pipeline; counts against the gold toponyms, and the seconds taken."""
    from geostory.extract.pipeline import extract_story
    from geostory.model import Article

    t0 = time.perf_counter()
    story = extract_story(Article(text=doc.text, lang="en"), gazetteer=gaz)
    secs = time.perf_counter() - t0
    mentions = [(men.start, men.end, p) for p in story.places for men in p.mentions]
    same = same_entities(doc, gaz)
    found = correct = 0
    for i, t in enumerate(doc.toponyms):
        hits = [p for s, e, p in mentions if s < t.end and t.start < e]
        found += bool(hits)
        correct += any(_place_error(t, p, gaz, same.get(i, set())) < ACC_KM for p in hits)
    annotated = [(t.start, t.end) for t in doc.toponyms] + list(doc.unscored)
    on_gold = sum(any(a < e and s < b for a, b in annotated) for s, e, _ in mentions)
    return {"gold": len(doc.toponyms), "found": found, "correct": correct, "pred": len(mentions),
            "pred_on_annotation": on_gold}, secs


def _place_error(t: Toponym, place, gaz: Gazetteer, same: set[str]) -> float:
    if place.gazetteer_id and (entry := gaz.get(place.gazetteer_id)) is not None:
        return _error(t, entry, same)
    return km(place.lat, place.lon, t.lat, t.lon) if place.resolved else MAX_ERROR_KM


def summarise_end_to_end(rows: list[dict], seconds: list[float]) -> dict:
    tot = {k: sum(r[k] for r in rows) for k in ("gold", "found", "correct", "pred", "pred_on_annotation")}
    p = tot["pred_on_annotation"] / tot["pred"] if tot["pred"] else 0.0
    r = tot["found"] / tot["gold"] if tot["gold"] else 0.0
    return {"docs": len(rows), "recall": round(r, 4), "precision_vs_annotations": round(p, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "acc161": round(tot["correct"] / tot["gold"], 4) if tot["gold"] else 0.0,
            "s_per_doc": round(statistics.mean(seconds), 3) if seconds else 0.0}


def summarise(records: list[dict], seconds: list[float]) -> dict:
    errs = [r["error_km"] for r in records]
    n = len(errs) or 1
    return {
        "docs": len(seconds), "toponyms": len(records),
        "acc161": round(sum(e < ACC_KM for e in errs) / n, 4),
        "acc161_strict": round(sum(r["strict_km"] < ACC_KM for r in records) / n, 4),
        "acc161_unknowns_in_context": round(sum(r["context_km"] < ACC_KM for r in records) / n, 4),
        "mean_km": round(statistics.mean(errs), 1) if errs else 0.0,
        "median_km": round(statistics.median(errs), 1) if errs else 0.0,
        "auc": round(auc(errs), 4),
        "coverage": round(sum(r["n_candidates"] > 0 for r in records) / n, 4),
        "oracle161": round(sum(r["oracle"] for r in records) / n, 4),
        "no_candidate": sum(r["n_candidates"] == 0 for r in records),
        "wrong_with_right_candidate": sum(r["error_km"] >= ACC_KM and r["oracle"] for r in records),
        "ms_per_doc": round(1000 * statistics.mean(seconds), 2) if seconds else 0.0,
    }


def top_errors(records: list[dict], top: int = 30) -> list[dict]:
    """The most frequent wrongly resolved phrases, with the commonest chosen and gold entries."""
    wrong = defaultdict(list)
    for r in records:
        if r["error_km"] >= ACC_KM:
            wrong[fold(r["phrase"])].append(r)
    out = []
    for key, rs in sorted(wrong.items(), key=lambda kv: -len(kv[1]))[:top]:
        chosen = Counter(
            f"{c['name']} [{c['kind']}/{c['feature']}, {c['country']}, pop {c['population']}]" if (c := r["chosen"])
            else "NO CANDIDATE" for r in rs)
        gold = Counter(f"{r['gold']['name']} [{r['label']}] ({r['gold']['lat']:.2f},{r['gold']['lon']:.2f})"
                       + (f" gn:{r['gold']['id']}" if r["gold"]["id"] else "") for r in rs)
        out.append({"phrase": rs[0]["phrase"], "wrong": len(rs), "n_candidates": rs[0]["n_candidates"],
                    "oracle": sum(r["oracle"] for r in rs), "median_km": statistics.median(r["error_km"] for r in rs),
                    "chosen": chosen.most_common(2), "gold": gold.most_common(2)})
    return out


def run_devset(shared: Path) -> dict:
    """End-to-end scores from benchmarks/devset.py: per-language means, the seed row, seconds per article."""
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "devset.py"), "--shared", str(shared)],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:] or ["devset.py failed"]}
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    rows = data["articles"]
    out = {"summary": data["summary"]}
    for lang in ("fr", "en"):
        secs = [r["seconds"] for r in rows if r["lang"] == lang and r["article"] != "seed"]
        if secs:
            out.setdefault("seconds_per_article", {})[lang] = round(statistics.mean(secs), 3)
    seed = next((r for r in rows if r["article"] == "seed"), None)
    if seed:
        out["seed"] = {k: seed[k] for k in ("place_precision", "place_recall", "place_f1", "end_to_end_place_acc",
                                            "seconds")}
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "geoparse-bench")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents of each corpus")
    ap.add_argument("--corpora", default=",".join(CORPORA))
    ap.add_argument("--index", type=Path, default=None, help="a gazetteer SQLite index (default: the embedded one)")
    ap.add_argument("--no-devset", action="store_true")
    ap.add_argument("--e2e", action="store_true", help="also run the whole English pipeline on the corpora' texts")
    ap.add_argument("--errors-out", type=Path, default=None, help="write the top wrong toponyms per corpus (JSON)")
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args(argv)
    gaz = Gazetteer(args.index) if args.index else get_gazetteer()
    result: dict = {
        "gold_spans": {}, "tuned_on": list(TUNING), "held_out": list(HELD_OUT), "gazetteer": str(gaz.path),
        "scoring": "error 0 km when the chosen entry is the gold GeoNames id, else great-circle km; a toponym "
                   f"without candidate counts as wrong with error {MAX_ERROR_KM:.0f} km; acc161 = error < 161 km; "
                   "AUC = trapz(sorted ln(err+1)) / ((n-1) ln 20039), lower is better",
    }
    errors = {}
    for name in [c.strip() for c in args.corpora.split(",") if c.strip()]:
        docs = load_corpus(name, args.data)
        if args.limit:
            docs = docs[: args.limit]
        records, secs = [], []
        for doc in docs:
            recs, s = evaluate_document(doc, gaz)
            records += recs
            secs.append(s)
        result["gold_spans"][name] = summarise(records, secs)
        if args.e2e:
            rows, e2e_secs = [], []
            for doc in docs:
                row, s = evaluate_end_to_end(doc, gaz)
                rows.append(row)
                e2e_secs.append(s)
            result.setdefault("end_to_end_corpora", {})[name] = summarise_end_to_end(rows, e2e_secs)
        errors[name] = {"summary": result["gold_spans"][name], "top_wrong": top_errors(records, args.top),
                        "wrong": [r for r in records if r["error_km"] >= ACC_KM]}
    if not args.no_devset:
        result["end_to_end"] = run_devset(args.shared) if args.shared.is_dir() else {"error": "../shared absent"}
    if args.errors_out:
        args.errors_out.write_text(json.dumps(errors, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
