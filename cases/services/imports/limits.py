"""The limits every reader enforces (settings ENTITY_IMPORT_*), read when used so that
tests may lower them."""

from django.conf import settings
from django.utils.translation import gettext as _

from cases.services.imports.errors import ImportRefusedError


def max_bytes() -> int:
    return int(settings.ENTITY_IMPORT_MAX_BYTES)


def check_row_count(number: int) -> None:
    """Refuse the file when its data rows exceed the limit (``number`` counts them)."""
    limit = int(settings.ENTITY_IMPORT_MAX_ROWS)
    if number > limit:
        raise ImportRefusedError(
            _("The file has more than %(limit)d rows, the most an import accepts.")
            % {"limit": limit}
        )


def check_columns(count: int) -> None:
    limit = int(settings.ENTITY_IMPORT_MAX_COLUMNS)
    if count > limit:
        raise ImportRefusedError(
            _("The file has %(count)d columns; an import accepts at most %(limit)d.")
            % {"count": count, "limit": limit}
        )


def check_cell(row: int, column: str, value: str) -> None:
    limit = int(settings.ENTITY_IMPORT_MAX_CELL_CHARS)
    if len(value) > limit:
        raise ImportRefusedError(
            _(
                "Row %(row)d, column “%(column)s” holds %(length)d characters; "
                "a cell may hold at most %(limit)d."
            )
            % {"row": row, "column": column[:60], "length": len(value), "limit": limit}
        )


def check_record(row: int, record: dict[str, str]) -> dict[str, str]:
    """The row's cells checked against the column and cell limits."""
    check_columns(len(record))
    for column, value in record.items():
        check_cell(row, column, value)
    return record
