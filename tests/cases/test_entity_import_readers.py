"""The readers hold one record at a time: a file of tens of megabytes is read with a
peak of a few megabytes (Python's own allocations, traced), whatever its format."""

import json
import tracemalloc
from pathlib import Path

import pytest

from cases.services.imports.errors import ImportRefusedError
from cases.services.imports.json_stream import JsonStream
from cases.services.imports.readers import read_rows

ROWS = 200_000
PEAK_LIMIT = 8 * 2**20


def _person(number: int) -> dict[str, str]:
    return {
        "name": f"Jonas Jonaitis {number}",
        "plate": f"ABC{number % 1000:03d}",
        "note": "Šiaurės krovinys, Kaunas - Klaipėda " * 3,
    }


def _write_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8") as stream:
        stream.write("name,plate,note\n")
        for number in range(ROWS):
            row = _person(number)
            stream.write(f'{row["name"]},{row["plate"]},"{row["note"]}"\n')


def _write_json(path: Path) -> None:
    with path.open("w", encoding="utf-8") as stream:
        stream.write("[\n")
        for number in range(ROWS):
            stream.write(("," if number else "") + json.dumps(_person(number)) + "\n")
        stream.write("]\n")


def _write_geojson(path: Path) -> None:
    with path.open("w", encoding="utf-8") as stream:
        stream.write('{"type": "FeatureCollection", "name": "places", "features": [')
        for number in range(ROWS):
            feature = {
                "type": "Feature",
                "properties": _person(number),
                "geometry": {"type": "Point", "coordinates": [25.28, 54.69]},
            }
            stream.write(("," if number else "") + json.dumps(feature))
        stream.write("]}")


def _write_xml(path: Path) -> None:
    with path.open("w", encoding="utf-8") as stream:
        stream.write("<people>")
        for number in range(ROWS):
            row = _person(number)
            stream.write(
                f"<person><name>{row['name']}</name><plate>{row['plate']}</plate>"
                f"<note>{row['note']}</note></person>"
            )
        stream.write("</people>")


WRITERS = {
    "csv": _write_csv,
    "json": _write_json,
    "geojson": _write_geojson,
    "xml": _write_xml,
}


@pytest.mark.parametrize("file_format", sorted(WRITERS))
def test_a_large_file_is_read_in_bounded_memory(file_format, tmp_path):
    path = tmp_path / f"big.{file_format}"
    WRITERS[file_format](path)
    assert path.stat().st_size > 20 * 2**20

    tracemalloc.start()
    try:
        count = 0
        last: dict[str, str] = {}
        for _number, record in read_rows(
            path, file_format=file_format, encoding="utf-8", record_element="person"
        ):
            count += 1
            last = record
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == ROWS
    assert last["name"] == f"Jonas Jonaitis {ROWS - 1}"
    assert peak < PEAK_LIMIT, f"{peak / 2**20:.1f} MB at the peak"


def test_the_json_stream_refuses_a_record_longer_than_its_limit(tmp_path, monkeypatch):
    from cases.services.imports import json_stream

    monkeypatch.setattr(json_stream, "RECORD_MAX_CHARS", 100_000)
    path = tmp_path / "long.json"
    path.write_text('[{"a": "' + "x" * 300_000 + '"}]', encoding="utf-8")

    with path.open(encoding="utf-8") as text, pytest.raises(ImportRefusedError) as refusal:
        list(JsonStream(text).array_items())
    assert "longer than 100000 characters" in refusal.value.message
