"""JSON (an array of objects), JSON lines and GeoJSON, streamed (json_stream.py)."""

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from cases.services.imports.cells import cell_text, flatten
from cases.services.imports.encoding import decode_problem
from cases.services.imports.errors import ImportRefusedError
from cases.services.imports.json_stream import RECORD_MAX_CHARS, JsonStream
from cases.services.imports.limits import check_record, check_row_count


def _record(number: int, item: Any) -> dict[str, str]:
    if not isinstance(item, dict):
        raise ImportRefusedError(_("Record %(row)d is not a JSON object.") % {"row": number})
    return check_record(number, flatten(item))


def read_json(path: Path, *, encoding: str) -> Iterator[tuple[int, dict[str, str]]]:
    """The objects of a top-level array, numbered from 1."""
    number = 0
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding)
        try:
            for number, item in enumerate(JsonStream(text).array_items(), start=1):
                check_row_count(number)
                yield number, _record(number, item)
        except UnicodeDecodeError as error:
            raise decode_problem(error, encoding, number + 1) from error


def read_jsonl(path: Path, *, encoding: str) -> Iterator[tuple[int, dict[str, str]]]:
    """One object a line, numbered by line."""
    number = 0
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding)
        try:
            for number, line in enumerate(iter(lambda: text.readline(RECORD_MAX_CHARS), "")):
                number += 1
                if not line.strip():
                    continue
                check_row_count(number)
                try:
                    item = json.loads(line)
                except ValueError as error:
                    raise ImportRefusedError(
                        _("Line %(row)d is not JSON.") % {"row": number}
                    ) from error
                yield number, _record(number, item)
        except UnicodeDecodeError as error:
            raise decode_problem(error, encoding, number + 1) from error


def _geometry_columns(geometry: Any) -> dict[str, str]:
    """A feature's geometry as columns: a point's latitude and longitude (FtM Address
    has them), and the geometry's type and GeoJSON text for any other."""
    if not isinstance(geometry, dict):
        return {}
    columns = {"geometry.type": cell_text(geometry.get("type"))}
    coordinates = geometry.get("coordinates")
    if geometry.get("type") == "Point" and isinstance(coordinates, list) and len(coordinates) >= 2:
        columns["geometry.longitude"] = cell_text(coordinates[0])
        columns["geometry.latitude"] = cell_text(coordinates[1])
    return columns


def read_geojson(path: Path, *, encoding: str) -> Iterator[tuple[int, dict[str, str]]]:
    """The features of a FeatureCollection: their properties as columns, with the
    feature's id and its point's coordinates."""
    number = 0
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding)
        stream = JsonStream(text)
        try:
            found = False
            for key in stream.object_members():
                if key != "features":
                    stream.value()
                    continue
                found = True
                for number, feature in enumerate(stream.array_items(), start=1):
                    check_row_count(number)
                    if not isinstance(feature, dict):
                        raise ImportRefusedError(
                            _("Feature %(row)d is not a JSON object.") % {"row": number}
                        )
                    properties = feature.get("properties") or {}
                    record = flatten(properties if isinstance(properties, dict) else {})
                    if feature.get("id") is not None:
                        record["id"] = cell_text(feature["id"])
                    record.update(_geometry_columns(feature.get("geometry")))
                    yield number, check_record(number, record)
            if not found:
                raise ImportRefusedError(_("The file is not GeoJSON: it has no “features”."))
        except UnicodeDecodeError as error:
            raise decode_problem(error, encoding, number + 1) from error
