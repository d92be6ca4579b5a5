"""Regenerate countries.geojson from the Natural Earth 1:110m countries shipped in the pyogrio wheel.

Run from the repo root: ``python data/basemap/make.py``. Natural Earth data is in the public domain.
GDAL (inside pyogrio) writes the GeoJSON with coordinates rounded to 3 decimals (about 100 m, far finer
than the 1:110m scale itself); only the ``name``, ``iso_a3`` and ``continent`` properties are kept.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pyogrio
from pyogrio.raw import read, write

SOURCE = Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres" / "naturalearth_lowres.shp"
TARGET = Path(__file__).with_name("countries.geojson")
KEEP = ("name", "iso_a3", "continent")


def main() -> None:
    meta, _, geometry, field_data = read(SOURCE)
    fields = list(meta["fields"])
    keep = [fields.index(name) for name in KEEP]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "countries.geojson"
        write(
            out,
            geometry,
            [field_data[i] for i in keep],
            list(KEEP),
            driver="GeoJSON",
            geometry_type=meta["geometry_type"],
            crs=meta["crs"],
            layer_options={"COORDINATE_PRECISION": 3, "RFC7946": "YES"},
        )
        data = json.loads(out.read_text(encoding="utf-8"))
    data.pop("name", None)
    data["source"] = "Natural Earth 1:110m Admin 0 countries (public domain), via the pyogrio wheel"
    TARGET.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{TARGET}: {len(data['features'])} countries, {TARGET.stat().st_size} bytes")


if __name__ == "__main__":
    main()
