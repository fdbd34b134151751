"""Files for the import tests: a declarations file (a company, a vehicle and a driver
per row, with their links) in every format and encoding, and hostile files."""

import csv
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from cases.models import ImportMapping

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"

COLUMNS = [
    "declaration",
    "company",
    "company_code",
    "company_country",
    "plate",
    "plate_country",
    "driver_first",
    "driver_last",
    "driver_born",
    "phone",
]

# Two declarations of the same carrier and truck with two drivers: the company and the
# vehicle are one entity each (same identifiers), the drivers two people.
ROWS = [
    [
        "D-1",
        "Šiaurės krovinys UAB",
        "302123455",
        "LT",
        "ABC123",
        "LT",
        "Žydrūnas",
        "Čiurlionis",
        "1980-02-03",
        "+37061234567",
    ],
    [
        "D-2",
        "Šiaurės krovinys UAB",
        "302123455",
        "LT",
        "ABC123",
        "LT",
        "Ona",
        "Ąžuolienė",
        "1975-11-30",
        "+37061234568",
    ],
]

MAPPING_ENTITIES = [
    {
        "ref": "A",
        "schema": "Company",
        "properties": {
            "name": "company",
            "registrationNumber": "company_code",
            "jurisdiction": "company_country",
        },
    },
    {
        "ref": "B",
        "schema": "Vehicle",
        "properties": {"registrationNumber": "plate", "country": "plate_country"},
    },
    {
        "ref": "C",
        "schema": "Person",
        "properties": {
            "firstName": "driver_first",
            "lastName": "driver_last",
            "birthDate": "driver_born",
            "phone": "phone",
        },
    },
]
MAPPING_RELATIONS = [
    {"schema": "Ownership", "source": "A", "target": "B"},
    {"schema": "Employment", "source": "C", "target": "A"},
]


def declarations_mapping(file_format: str = "csv", record_element: str = "") -> ImportMapping:
    return ImportMapping.objects.create(
        name=f"Declarations ({file_format})",
        file_format=file_format,
        record_element=record_element,
        entities=MAPPING_ENTITIES,
        relations=MAPPING_RELATIONS,
    )


def records(rows: list[list[str]] | None = None) -> list[dict[str, str]]:
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows or ROWS]


def csv_bytes(rows: list[list[str]] | None = None, encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerows(rows or ROWS)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in rows or ROWS:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def json_bytes() -> bytes:
    return json.dumps(records(), ensure_ascii=False, indent=1).encode()


def jsonl_bytes() -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records()).encode() + b"\n"


def xml_bytes() -> bytes:
    items = "".join(
        "<declaration>"
        + "".join(f"<{name}>{value}</{name}>" for name, value in record.items())
        + "</declaration>"
        for record in records()
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><declarations>{items}</declarations>'.encode()


DECLARATION_FILES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "csv": ("declarations.csv", csv_bytes),
    "xlsx": ("declarations.xlsx", xlsx_bytes),
    "json": ("declarations.json", json_bytes),
    "jsonl": ("declarations.jsonl", jsonl_bytes),
    "xml": ("declarations.xml", xml_bytes),
}

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rows><row><name>&lol3;</name></row><row><name>x</name></row></rows>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rows [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rows><row><name>&secret;</name></row><row><name>x</name></row></rows>"""


def zip_bomb_xlsx() -> bytes:
    """A workbook with a sheet part that unpacks to 50 MB of one repeated byte."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 50_000_000 + b">")
    return stream.getvalue()
