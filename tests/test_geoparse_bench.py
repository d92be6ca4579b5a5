"""The geoparsing benchmark's corpus loaders read exact spans, and its metrics follow their definitions."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
DATA = SHARED / "data" / "geoparse-bench"


def _load_bench():
    spec = importlib.util.spec_from_file_location("geoparse_bench", ROOT / "benchmarks" / "geoparse.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


bench = _load_bench()

# documents and scored toponyms (gold point present) per corpus, as counted in ../shared/data/README.md
EXPECTED = {"GeoWebNews": (200, 2601), "LGL": (588, 4462), "TR-News": (118, 1275), "GeoVirus": (229, 2170)}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_spans_are_exact(name):
    path = DATA / bench.CORPORA[name][0]
    if not path.exists():
        pytest.skip(f"../shared not present: {path} is needed to check the {name} loader")
    docs = bench.load_corpus(name, DATA)
    assert (len(docs), sum(len(d.toponyms) for d in docs)) == EXPECTED[name]
    duplicates = 0
    for doc in docs:
        for t in doc.toponyms:
            assert doc.text[t.start: t.end] == t.phrase, (doc.id, t)
            assert -90 <= t.lat <= 90 and -180 <= t.lon <= 180
        duplicates += len(doc.toponyms) - len({(t.start, t.end) for t in doc.toponyms})
    # GeoWebNews annotates two spans twice (two pragmatic types); the re-snapped rows must not add more
    assert duplicates == (2 if name == "GeoWebNews" else 0)


def test_trnews_offsets_are_resnapped(tmp_path):
    text = "Flights from Winnipeg to Churchill, and back to Churchill."
    xml = f"""<?xml version="1.0" encoding="utf-8"?><articles><article docid="7"><text><![CDATA[{text}]]></text>
<toponyms>
<toponym><start>14</start><end>22</end><phrase>Winnipeg</phrase>
<gaztag geonameid="6183235"><name>Winnipeg</name><fcode>PPLA</fcode><lat>49.88</lat><lon>-97.15</lon></gaztag></toponym>
<toponym><start>49</start><end>58</end><phrase>Churchill</phrase>
<gaztag geonameid="5920996"><name>Churchill</name><fcode>PPL</fcode><lat>58.77</lat><lon>-94.17</lon></gaztag></toponym>
<toponym><start>25</start><end>34</end><phrase>Churchill</phrase>
<gaztag geonameid="5920996"><name>Churchill</name><fcode>PPL</fcode><lat>58.77</lat><lon>-94.17</lon></gaztag></toponym>
<toponym><start>0</start><end>7</end><phrase>Flights</phrase></toponym>
</toponyms></article></articles>"""
    path = tmp_path / "tr.xml"
    path.write_text(xml, encoding="utf-8")
    (doc,) = bench.load_trnews(path)
    spans = sorted((t.start, t.end, t.phrase) for t in doc.toponyms)
    assert spans == [(13, 21, "Winnipeg"), (25, 34, "Churchill"), (48, 57, "Churchill")]
    assert {t.geonameid for t in doc.toponyms} == {"6183235", "5920996"}
    assert doc.unscored == ((0, 7),)  # annotated without a gold point: not scored, not a false positive


def test_geovirus_offsets_are_one_based(tmp_path):
    text = "Cases in Pandi, Bulacan rose."
    xml = f"""<articles><article><source>https://en.wikinews.org/wiki/X</source><text>{text}</text><locations>
<location><name>Bulacan</name><start>17</start><end>24</end><lat>15</lat><lon>121.08</lon>
<page>https://en.wikipedia.org/wiki/Bulacan</page></location>
<location><name>Pandi</name><start>10</start><end>15</end><lat>14.87</lat><lon>120.95</lon>
<page>https://en.wikipedia.org/wiki/Pandi,_Bulacan</page></location>
</locations></article></articles>"""
    path = tmp_path / "gv.xml"
    path.write_text(xml, encoding="utf-8")
    (doc,) = bench.load_geovirus(path)
    assert [(t.phrase, doc.text[t.start: t.end]) for t in doc.toponyms] == [("Pandi", "Pandi"), ("Bulacan", "Bulacan")]


def test_gwn_keeps_only_rows_with_coordinates(tmp_path):
    text = "Irish voters in Dublin."
    xml = f"""<articles><article file="3"><text>{text}</text><toponyms>
<toponym><extractedName>Irish</extractedName><type>Non_Literal_Modifier</type><start>0</start><end>5</end>
<geonamesID>2963597</geonamesID><latitude>53</latitude><longitude>-8</longitude></toponym>
<toponym><extractedName>voters</extractedName><type>Non_Lit_Expression</type><start>6</start><end>12</end>
<geonamesID/></toponym>
<toponym><extractedName>Dublin</extractedName><type>Literal</type><start>16</start><end>22</end>
<geonamesID>2964574</geonamesID><latitude>53.34</latitude><longitude>-6.27</longitude></toponym>
</toponyms></article></articles>"""
    path = tmp_path / "gwn.xml"
    path.write_text(xml, encoding="utf-8")
    (doc,) = bench.load_gwn(path)
    assert [(t.phrase, t.label, t.geonameid) for t in doc.toponyms] == [
        ("Irish", "Non_Literal_Modifier", "2963597"), ("Dublin", "Literal", "2964574")]
    assert doc.unscored == ((6, 12),)


def test_auc_bounds_and_monotony():
    assert bench.auc([0.0, 0.0, 0.0]) == 0.0
    assert math.isclose(bench.auc([bench.MAX_ERROR_KM] * 4), 1.0, rel_tol=1e-4)  # ln(20040)/ln(20039)
    assert bench.auc([0.0, 10.0, 100.0]) < bench.auc([0.0, 10.0, 1000.0])


def test_candidate_keys_strip_and_guess():
    keys = [k for k, _ in bench.candidate_keys("The Kenyan's")]
    assert keys[0] == "the kenyan's" and "kenyan" in keys and "kenya" in keys
    assert bench.candidate_keys("Turkey")[0] == ("turkey", "name")
    parts = [k for k, _ in bench.candidate_keys("Dubai World Cup")]
    assert parts.index("dubai world") < parts.index("dubai")  # longest parts first
    assert "colorado" not in [k for k, _ in bench.candidate_keys("Colorado State University")]  # a facility
    assert ("north america", "demonym") in bench.candidate_keys("North American")
    assert [how for _, how in bench.candidate_keys("W.Va.")] == ["name"]  # no one- or two-letter parts
    assert "royal" not in [k for k, _ in bench.candidate_keys("Royal Street")]  # a street is not its first word


def test_wiki_title_qualifier():
    assert bench.wiki_title("https://en.wikipedia.org/wiki/New_York_(state)") == ("new york", "region")
    assert bench.wiki_title("https://en.wikipedia.org/wiki/Pandi,_Bulacan") == ("pandi", None)
    assert bench.wiki_title("https://en.wikipedia.org/wiki/C%C3%B4te_d%27Ivoire") == ("cote d'ivoire", None)
