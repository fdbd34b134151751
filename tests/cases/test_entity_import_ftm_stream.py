"""The FtM import streams: a file of tens of megabytes goes in with a peak of Python's
own allocations (traced) below the file's size, bounded by a batch of records; its lines
read three times from the file (checked, things, relations), never held."""

import json
import tracemalloc
from pathlib import Path

import pytest

from cases.models import Entity, Relation
from cases.services import ftm
from cases.services.ftm import ftm_import

pytestmark = pytest.mark.django_db

PEOPLE = 600
PEAK_LIMIT = 16 * 2**20
# Batches of 50 records: a batch of these large records is under 2 MB, the file 22 MB.
BATCH = 50
# A long note on each person makes the file large for the few rows a test can write.
NOTE = "Krovinys per Kybartus, Kaunas - Klaipėda; " * 900


def _write_stream(path: Path) -> None:
    with path.open("w", encoding="utf-8") as stream:
        stream.write(
            json.dumps({"id": "co-1", "schema": "Company", "properties": {"name": ["Vėjas UAB"]}})
            + "\n"
        )
        for number in range(PEOPLE):
            person = {
                "id": f"p-{number}",
                "schema": "Person",
                "properties": {
                    "name": [f"Asmuo {number:05d}"],
                    "notes": [f"{NOTE}{number}"],
                },
            }
            stream.write(json.dumps(person, ensure_ascii=False) + "\n")
        for number in range(PEOPLE):
            link = {
                "id": f"emp-{number}",
                "schema": "Employment",
                "properties": {"employee": [f"p-{number}"], "employer": ["co-1"]},
            }
            stream.write(json.dumps(link) + "\n")


def test_a_large_ftm_stream_is_imported_in_bounded_memory(tmp_path, analyst, monkeypatch):
    monkeypatch.setattr(ftm, "BATCH_RECORDS", BATCH)
    path = tmp_path / "people.ftm.json"
    _write_stream(path)
    size = path.stat().st_size
    assert size > 20 * 2**20

    tracemalloc.start()
    try:
        with path.open("r", encoding="utf-8") as lines:
            result = ftm_import(actor=analyst, lines=lines, source_name=path.name)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.1f} MB for a {size / 2**20:.0f} MB file"
    assert (result.entities_created, result.relations_created) == (PEOPLE + 1, PEOPLE)
    assert Entity.objects.filter(kind="Person").count() == PEOPLE
    assert Relation.objects.filter(kind="Employment", target__ftm_id="co-1").count() == PEOPLE
    assert Entity.objects.get(ftm_id="p-599").properties["notes"] == [f"{NOTE}599"]


def test_a_one_pass_iterator_of_lines_is_read_again_from_a_spool(analyst):
    lines = (
        json.dumps(record)
        for record in [
            {"id": "a", "schema": "Person", "properties": {"name": ["Ona"]}},
            {"id": "b", "schema": "Company", "properties": {"name": ["Ona UAB"]}},
            {
                "id": "d",
                "schema": "Directorship",
                "properties": {"director": ["a"], "organization": ["b"]},
            },
        ]
    )

    result = ftm_import(actor=analyst, lines=lines, source_name="generated")

    assert (result.entities_created, result.relations_created) == (2, 1)
    assert Relation.objects.get(ftm_id="d").source.ftm_id == "a"
