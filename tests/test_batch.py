"""Batch extraction: reading archives, the local and Dask paths (identical Stories), the Parquet tables."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed: pip install -e '.[batch]'")
pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is not installed: pip install -e '.[batch]'")

from geostory.batch import (
    TABLES,
    Options,
    extract_batch,
    extract_records,
    partitions,
    read_partition,
    run_dask,
    story_bag,
    story_file_name,
    write_tables,
)
from geostory.errors import GeostoryError, InputError
from geostory.export import story_from_json
from geostory.model import Article, Event, Mention, Place, Quote, Story

# ---------------------------------------------------------------- reading (no model needed)


def _jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_folder_ids_are_relative_paths_and_fields_are_filled_like_the_cli(tmp_path):
    (tmp_path / "2024" / "01").mkdir(parents=True)
    (tmp_path / "2024" / "01" / "b.txt").write_text("Le président est à Paris.\nSuite.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("The minister was in London on Monday.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    recs = [r for p in partitions(tmp_path, 1) for r in read_partition(p)]
    assert [rid for rid, _ in recs] == ["2024/01/b", "a"]
    b, a = recs[0][1], recs[1][1]
    assert (b.lang, b.title, b.source) == ("fr", "Le président est à Paris.", "b.txt")
    assert (a.lang, a.source, a.published) == ("en", "a.txt", None)


def test_jsonl_partitions_cover_every_record_once_in_order(tmp_path):
    rows = [{"text": f"Article {i} à Lyon.", "lang": "fr", "published": f"2024-02-0{1 + i % 9}"} for i in range(23)]
    rows[5]["id"] = "custom-5"
    src = _jsonl(tmp_path / "a.jsonl", rows)
    src.write_text(src.read_text(encoding="utf-8").replace("\n", "\n\n", 3), encoding="utf-8")  # blank lines
    whole = [r for p in partitions(src, 100) for r in read_partition(p)]
    cut = [r for p in partitions(src, 4) for r in read_partition(p)]
    assert cut == whole
    assert [rid for rid, _ in whole][:7] == ["000000", "000001", "000002", "000003", "000004", "custom-5", "000006"]
    assert [a.text for _, a in whole] == [r["text"] for r in rows]
    assert whole[3][1].published == "2024-02-04"


def test_parquet_row_ranges_across_row_groups(tmp_path):
    rows = [{"id": f"r{i}", "text": f"Texte {i} sur Marseille.", "lang": "fr", "published": None} for i in range(17)]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "a.parquet", row_group_size=5)
    got = [r for p in partitions(tmp_path / "a.parquet", 3) for r in read_partition(p)]
    assert [rid for rid, _ in got] == [f"r{i}" for i in range(17)]
    assert [a.text for _, a in got] == [r["text"] for r in rows]


@pytest.mark.parametrize("row, message", [
    ({"text": "   "}, "no text"),
    ({"title": "no text at all"}, "no text"),
    ({"text": "Un texte.", "lang": "de"}, "unsupported language"),
    ({"text": "Это статья о Москве и о том, что происходит в городе сегодня утром."}, "French or English"),
])
def test_bad_records_are_refused_with_their_id(tmp_path, row, message):
    src = _jsonl(tmp_path / "bad.jsonl", [dict(row, id="art-7")])
    with pytest.raises(InputError, match=message) as info:
        read_partition(next(partitions(src)))
    assert "art-7" in str(info.value)


def test_unreadable_inputs_are_refused(tmp_path):
    (tmp_path / "x.csv").write_text("text\nabc\n", encoding="utf-8")
    with pytest.raises(InputError, match="folder of .txt"):
        list(partitions(tmp_path / "x.csv"))
    with pytest.raises(InputError, match="no such"):
        list(partitions(tmp_path / "missing"))
    (tmp_path / "j.jsonl").write_text('{"text": "a"}\n{not json\n', encoding="utf-8")
    with pytest.raises(InputError, match="record 1 is not JSON"):
        read_partition(next(partitions(tmp_path / "j.jsonl")))


def test_bad_records_can_be_skipped(tmp_path, caplog):
    rows = [{"id": "ok", "text": "Un texte."}, {"id": "empty", "text": " "}, ["not", "an", "object"],
            {"id": "lang", "text": "Un texte.", "lang": "xx"}, {"id": "last", "text": "Fin."}]
    src = _jsonl(tmp_path / "m.jsonl", rows)
    src.write_text(src.read_text(encoding="utf-8") + "{broken\n", encoding="utf-8")
    recs = read_partition(next(partitions(src)), Options(errors="skip"))
    assert [rid for rid, _ in recs] == ["ok", "last"]
    assert all(word in caplog.text for word in ("'empty'", "record 2", "'lang'", "record 5 is not JSON"))


def test_missing_batch_extras_say_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(GeostoryError, match=r"pip install 'geostory\[batch\]'"):
        run_dask([Article(text="Un texte.")], tmp_path)


def test_publication_dates_are_passed_to_the_pipeline_as_text():
    import datetime as dt

    rows = [("a", {"text": "Un texte.", "published": "2024-08"}), ("b", {"text": "Un texte.", "published": dt.date(
        2023, 9, 14)}), ("c", {"text": "Un texte."})]
    recs = read_partition(next(partitions(rows)), Options(published="2020-01-02"))
    assert [a.published for _, a in recs] == ["2024-08", "2023-09-14", "2020-01-02"]


def test_story_file_names_are_safe_and_distinct():
    names = {story_file_name(i) for i in ("a/b", "a_b", "a b", "../../etc/passwd", "ok-1.2")}
    assert len(names) == 5
    assert all("/" not in n and not n.startswith(".") for n in names)
    assert story_file_name("ok-1.2") == "ok-1.2.json"


# ---------------------------------------------------------------- tables (hand-made Stories, no model)


def _story(text: str, n_places: int) -> Story:
    places = tuple(Place(f"p{k}", f"Lieu {k}", "city", "FR", 45.0 + k, 4.5, mentions=(Mention(0, 2, text[:2]),),
                         gazetteer_id=f"gn:{k}") for k in range(n_places))
    quotes = (Quote("q1", "«oui»", 0, 5, speaker="Mme X", places=("p0",)),) if n_places else ()
    events = (Event("e1", "Elle est venue", 0, 9, date="2024-01", date_precision="month", places=("p0",)),)
    return Story(article=Article(text=text, lang="fr", title="T"), places=places, quotes=quotes, events=events,
                 focus=("FR",))


def test_write_tables_rows_and_story_files(tmp_path):
    stories = [("a/1", _story("Texte un", 2)), ("b", _story("Texte deux", 0)), ("c", _story("Texte trois", 1))]
    counts = write_tables(stories, tmp_path)
    assert counts == {"articles": 3, "places": 3, "events": 3, "quotes": 2, "people": 0}
    places = pq.read_table(tmp_path / "places").to_pylist()
    assert [(r["article_id"], r["id"], r["lat"]) for r in places] == [("a/1", "p0", 45.0), ("a/1", "p1", 46.0),
                                                                      ("c", "p0", 45.0)]
    assert places[0]["mentions"] == [{"start": 0, "end": 2, "text": "Te"}]
    arts = pq.read_table(tmp_path / "articles").to_pylist()
    assert [(r["article_id"], r["n_places"], r["focus"]) for r in arts][1] == ("b", 0, ["FR"])
    for row, (_, story) in zip(arts, stories):
        assert story_from_json((tmp_path / row["story_json"]).read_text(encoding="utf-8")) == story
    assert pq.read_table(tmp_path / "quotes").column("speaker").to_pylist() == ["Mme X", "Mme X"]


def test_write_tables_replaces_an_earlier_run_and_keeps_schemas_when_empty(tmp_path):
    write_tables([("a", _story("Texte", 2))], tmp_path, rows_per_part=1)
    write_tables([("a", _story("Texte", 2))] * 3, tmp_path, rows_per_part=1)
    assert len(list((tmp_path / "places").glob("part-*.parquet"))) == 3
    write_tables([], tmp_path)
    for t in TABLES:
        table = pq.read_table(tmp_path / t)
        assert table.num_rows == 0 and "article_id" in table.schema.names


# ---------------------------------------------------------------- the pipeline on the devset


@pytest.fixture(scope="session")
def devset_jsonl(shared, tmp_path_factory) -> Path:
    """The seed and devset articles as one JSONL archive (written to a temporary folder, never into the repo)."""
    rows = []
    gold = json.loads((shared / "seed" / "article.gold.json").read_text(encoding="utf-8"))
    rows.append({"id": "seed", "text": (shared / "seed" / "article.fr.txt").read_text(encoding="utf-8"),
                 "lang": gold.get("lang") or "fr", "published": gold.get("published")})
    for txt in sorted((shared / "devset").glob("*.txt")):
        gold = json.loads(txt.with_name(txt.stem + ".gold.json").read_text(encoding="utf-8"))
        rows.append({"id": txt.stem, "text": txt.read_text(encoding="utf-8"), "lang": gold.get("lang"),
                     "published": gold.get("published"), "source": txt.name})
    return _jsonl(tmp_path_factory.mktemp("devset") / "devset.jsonl", rows)


@pytest.fixture(scope="session")
def local_records(devset_jsonl):
    return list(extract_records(devset_jsonl, batch_size=4))


def test_batch_gives_the_stories_of_extract_story(devset_jsonl, local_records):
    from geostory.extract.pipeline import extract_story

    articles = [a for p in partitions(devset_jsonl) for _, a in read_partition(p)]
    assert len(local_records) == len(articles) >= 2
    for (rid, story), article in zip(local_records, articles):
        assert story == extract_story(article), rid
    assert list(extract_batch(devset_jsonl, batch_size=4)) == [s for _, s in local_records]


def test_worker_processes_give_the_same_stories(devset_jsonl, local_records):
    assert list(extract_records(devset_jsonl, batch_size=3, n_process=2)) == local_records


def test_parquet_tables_have_one_row_per_item(devset_jsonl, local_records, tmp_path):
    counts = write_tables(local_records, tmp_path)
    for table, attr in (("places", "places"), ("events", "events"), ("quotes", "quotes"), ("people", "people")):
        rows = pq.read_table(tmp_path / table).to_pylist()
        want = [(rid, x.id) for rid, s in local_records for x in getattr(s, attr)]
        assert [(r["article_id"], r["id"]) for r in rows] == want
        assert counts[table] == len(want)
    places = {(r["article_id"], r["id"]): r for r in pq.read_table(tmp_path / "places").to_pylist()}
    for rid, story in local_records:
        for p in story.places:
            row = places[(rid, p.id)]
            assert (row["name"], row["lat"], row["lon"], row["country"]) == (p.name, p.lat, p.lon, p.country)
    assert sum(len(s.places) for _, s in local_records) > 0


def test_dask_path_gives_identical_stories_and_tables(devset_jsonl, local_records, tmp_path):
    distributed = pytest.importorskip("distributed", reason="dask/distributed not installed: pip install -e '.[batch]'")
    local_out = tmp_path / "local"
    write_tables(local_records, local_out)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        counts = run_dask(devset_jsonl, tmp_path / "dask", client, batch_size=3, task_size=1)
        bag = story_bag(devset_jsonl, batch_size=3, task_size=1).compute(scheduler=client)
        loads = client.run(_model_loads)
    assert bag == list(extract_records(devset_jsonl, batch_size=3))
    for rid, story in local_records:
        path = tmp_path / "dask" / "stories" / story_file_name(rid)
        assert story_from_json(path.read_text(encoding="utf-8")) == story, rid
    assert len(list((tmp_path / "dask" / "places").glob("part-*.parquet"))) == 4  # 11 records, 3 per task
    for table in TABLES:
        local, dask = pq.read_table(local_out / table), pq.read_table(tmp_path / "dask" / table)
        assert dask.num_rows == counts[table] == local.num_rows
        assert dask.to_pylist() == local.to_pylist(), table
    assert len(loads) == 2 and all(0 < n <= 2 for n in loads.values())  # each process loads fr/en once


def _model_loads() -> int:
    from geostory.nlp import get_nlp

    return get_nlp.cache_info().misses


def test_command_line_writes_the_tables_and_refuses_bad_input(tmp_path, capsys, seed_text):
    from geostory.batch import main

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "seed.txt").write_text(seed_text, encoding="utf-8")
    assert main([str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--published", "2023-09-14"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["articles"] == 1
    assert counts["places"] == pq.read_table(tmp_path / "out" / "places").num_rows > 0
    story = story_from_json((tmp_path / "out" / "stories" / "seed.json").read_text(encoding="utf-8"))
    assert story.article.source == "seed.txt" and story.article.published == "2023-09-14"
    assert main([str(tmp_path / "missing"), "--out", str(tmp_path / "out")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
