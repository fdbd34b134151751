"""Turning what a reader finds into the text of a cell."""

import datetime
from decimal import Decimal
from typing import Any

LIST_SEPARATOR = "; "


def cell_text(value: Any) -> str:
    """A cell's value as text: numbers without a spurious ``.0``, dates in ISO, lists
    joined. A formula stays the text it is (``=SUM(A1:A3)``): nothing is evaluated."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, list):
        return LIST_SEPARATOR.join(text for text in (cell_text(item) for item in value) if text)
    return str(value).strip()


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """A nested JSON object as columns: ``{"owner": {"name": "X"}}`` -> ``owner.name``."""
    columns: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            columns.update(flatten(value, f"{name}."))
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    columns.update(flatten(item, f"{name}.{index}."))
        else:
            columns[name] = cell_text(value)
    return columns
