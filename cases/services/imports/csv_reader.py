"""CSV (comma, semicolon or tab separated), read row by row in the file's encoding."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from cases.services.imports.encoding import decode_problem
from cases.services.imports.errors import ImportRefusedError
from cases.services.imports.limits import check_columns, check_record, check_row_count

# csv refuses a field longer than this (its guard against a runaway quote); the cell
# limit is checked after, with its own message.
FIELD_LIMIT = 1024 * 1024


def _dialect(sample: str) -> Any:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _header(cells: list[str]) -> list[str]:
    names: list[str] = []
    for index, cell in enumerate(cells, start=1):
        name = cell.strip() or _("column %(number)d") % {"number": index}
        while name in names:
            name = f"{name} ({index})"
        names.append(name)
    return names


def read_csv(path: Path, *, encoding: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as {header: value}; the header is row 1, so the first data row is row 2."""
    csv.field_size_limit(FIELD_LIMIT)
    number = 1
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        try:
            sample = text.read(8192)
            text.seek(0)
            reader = csv.reader(text, _dialect(sample))
            header = _header(next(reader, []))
            check_columns(len(header))
            for cells in reader:
                number += 1
                if not any(cell.strip() for cell in cells):
                    continue
                check_row_count(number - 1)
                check_columns(len(cells))
                record = {
                    header[index] if index < len(header) else f"column {index + 1}": cell.strip()
                    for index, cell in enumerate(cells)
                }
                yield number, check_record(number, record)
        except UnicodeDecodeError as error:
            raise decode_problem(error, encoding, number + 1) from error
        except csv.Error as error:
            raise ImportRefusedError(
                _("Row %(row)d is not valid CSV (%(reason)s).")
                % {"row": number + 1, "reason": str(error)[:120]}
            ) from error
