"""One entry point over the readers of each format: the file's rows as
``(row number, {column: text})``, read one at a time."""

import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path, PurePath

from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from cases.models import ImportFormat
from cases.services.imports.csv_reader import read_csv
from cases.services.imports.encoding import detect_encoding
from cases.services.imports.errors import ImportRefusedError
from cases.services.imports.json_reader import read_geojson, read_json, read_jsonl
from cases.services.imports.xlsx_reader import check_zip, read_xlsx
from cases.services.imports.xml_reader import read_xml

Row = tuple[int, dict[str, str]]
PREVIEW_ROWS = 10

_BY_SUFFIX = {
    ".csv": ImportFormat.CSV,
    ".tsv": ImportFormat.CSV,
    ".txt": ImportFormat.CSV,
    ".xlsx": ImportFormat.XLSX,
    ".json": ImportFormat.JSON,
    ".jsonl": ImportFormat.JSONL,
    ".ndjson": ImportFormat.JSONL,
    ".xml": ImportFormat.XML,
    ".geojson": ImportFormat.GEOJSON,
}
# Formats read as text in an encoding (XML declares its own; XLSX is a zip).
TEXT_FORMATS = {
    ImportFormat.CSV,
    ImportFormat.JSON,
    ImportFormat.JSONL,
    ImportFormat.GEOJSON,
    ImportFormat.FTM,
}


def safe_name(name: str) -> str:
    """The uploaded name without any folder (``../../etc/passwd`` is ``passwd``) or
    characters unsafe in a file name; never empty."""
    base = PurePath(name.replace("\\", "/")).name
    try:
        cleaned = get_valid_filename(base)
    except Exception:  # Django refuses "" and "." / ".." as names
        cleaned = ""
    return cleaned[-200:] or "upload"


def _looks_like_ftm(path: Path, encoding: str) -> bool:
    with path.open("r", encoding=encoding, errors="replace") as text:
        line = text.readline(1024 * 1024)
    try:
        record = json.loads(line)
    except ValueError:
        return False
    return isinstance(record, dict) and {"id", "schema", "properties"} <= set(record)


def detect_format(name: str, path: Path, encoding: str) -> str:
    """The format from the file's name; JSON lines whose first line is an FtM entity
    (id, schema, properties) are an FtM stream. Raises ImportRefusedError."""
    lowered = name.lower()
    suffix = PurePath(lowered).suffix
    if lowered.endswith((".ftm.json", ".ftm.jsonl")):
        return ImportFormat.FTM
    file_format = _BY_SUFFIX.get(suffix)
    if file_format is None:
        raise ImportRefusedError(
            _(
                "“%(name)s” is not a file an import reads: give a CSV, XLSX, JSON, JSON "
                "lines, XML, GeoJSON or FtM file."
            )
            % {"name": name}
        )
    if file_format == ImportFormat.JSONL and _looks_like_ftm(path, encoding):
        return ImportFormat.FTM
    return file_format


def file_encoding(path: Path, file_format: str) -> str:
    if file_format not in TEXT_FORMATS:
        return ""
    return detect_encoding(path)


def read_rows(
    path: Path, *, file_format: str, encoding: str, record_element: str = ""
) -> Iterator[Row]:
    """The rows of the file (ImportRefusedError when the file as a whole is refused)."""
    encoding = encoding or "utf-8-sig"
    if file_format == ImportFormat.CSV:
        return read_csv(path, encoding=encoding)
    if file_format == ImportFormat.XLSX:
        return read_xlsx(path)
    if file_format == ImportFormat.JSON:
        return read_json(path, encoding=encoding)
    if file_format in (ImportFormat.JSONL, ImportFormat.FTM):
        return read_jsonl(path, encoding=encoding)
    if file_format == ImportFormat.GEOJSON:
        return read_geojson(path, encoding=encoding)
    if file_format == ImportFormat.XML:
        return read_xml(path, record_element=record_element)
    raise ImportRefusedError(_("This format cannot be imported."))


def preview_rows(
    path: Path, *, file_format: str, encoding: str, record_element: str = ""
) -> tuple[list[str], list[Row]]:
    """The first rows and the columns they have, in the order first seen."""
    rows = list(
        islice(
            read_rows(
                path, file_format=file_format, encoding=encoding, record_element=record_element
            ),
            PREVIEW_ROWS,
        )
    )
    columns: list[str] = []
    for _number, record in rows:
        columns.extend(name for name in record if name not in columns)
    return columns, rows


def check_file(path: Path, file_format: str) -> None:
    """What can be refused before reading a row (a zip bomb)."""
    if file_format == ImportFormat.XLSX:
        check_zip(path)
