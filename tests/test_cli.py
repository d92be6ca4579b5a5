"""The CLI: output shape, offsets, and one clean line on stderr with exit code 2 for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from geostory.cli import main

SEED = "data/seed/article.fr.txt"


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geostory", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.fixture(scope="module")
def seed_json():
    from tests.conftest import ROOT

    proc = run_cli("extract", str(ROOT / SEED), "--lang", "fr", "--published", "2023-09-14", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_extract_json_has_the_documented_fields(seed_json, seed_text):
    assert seed_json["schema"] == 1
    assert seed_json["article"]["published"] == "2023-09-14"
    assert isinstance(seed_json["quotes"], list) and isinstance(seed_json["events"], list)
    for place in seed_json["places"]:
        assert {"id", "name", "kind", "country", "lat", "lon", "mentions", "gazetteer_id", "reason"} <= set(place)
        assert place["kind"] in ("country", "region", "city", "landmark", "water", "other")
        for m in place["mentions"]:
            assert seed_text[m["start"]: m["end"]] == m["text"]


def test_extract_geojson_is_lon_lat(seed_text):
    from tests.conftest import ROOT

    proc = run_cli("extract", str(ROOT / SEED), "--lang", "fr", "--published", "2023-09-14", "--format", "geojson")
    assert proc.returncode == 0, proc.stderr
    fc = json.loads(proc.stdout)
    assert fc["type"] == "FeatureCollection"
    vlad = next(f for f in fc["features"] if f["properties"]["name"] == "Vladivostok")
    lon, lat = vlad["geometry"]["coordinates"]
    assert 130 < lon < 134 and 42 < lat < 44


def _bad(tmp_path, capsys, *args):
    with pytest.raises(SystemExit) as exc:
        raise SystemExit(main(["extract", *args]))
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_missing_file(tmp_path, capsys):
    assert "no such file" in _bad(tmp_path, capsys, str(tmp_path / "nope.txt"))


def test_directory(tmp_path, capsys):
    assert "directory" in _bad(tmp_path, capsys, str(tmp_path))


@pytest.mark.parametrize("content", [b"", b"   \n\t  \n"])
def test_empty_or_blank(tmp_path, capsys, content):
    f = tmp_path / "a.txt"
    f.write_bytes(content)
    assert "empty" in _bad(tmp_path, capsys, str(f))


def test_binary(tmp_path, capsys):
    f = tmp_path / "a.bin"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary" in _bad(tmp_path, capsys, str(f))


def test_not_utf8(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_bytes("Le président est à Paris.".encode("latin-1"))
    assert "UTF-8" in _bad(tmp_path, capsys, str(f))


def test_bad_date_and_lang(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text("Le président est à Paris.", encoding="utf-8")
    assert "YYYY-MM-DD" in _bad(tmp_path, capsys, str(f), "--published", "14/09/2023")
    assert "invalid choice" in _bad(tmp_path, capsys, str(f), "--lang", "de")


def test_subprocess_bad_input_has_no_traceback(tmp_path):
    proc = run_cli("extract", str(tmp_path / "missing.txt"))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr


def test_unknown_geocoder_lists_the_valid_names(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text("Le président est à Paris.", encoding="utf-8")
    err = _bad(tmp_path, capsys, str(f), "--geocoder", "bogus")
    assert "nominatim" in err and "photon" in err


def test_nominatim_without_user_agent_says_how_to_fix(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GEOSTORY_USER_AGENT", raising=False)
    f = tmp_path / "a.txt"
    f.write_text("Le président est à Paris.", encoding="utf-8")
    assert "GEOSTORY_USER_AGENT" in _bad(tmp_path, capsys, str(f), "--geocoder", "nominatim")


def test_gazetteer_import_of_a_missing_dump(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        raise SystemExit(main(["gazetteer", "import", str(tmp_path / "allCountries.zip")]))
    assert exc.value.code == 2 and "no such file" in capsys.readouterr().err
