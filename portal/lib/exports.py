"""Helpers shared by every export: neutralise spreadsheet formula injection, and drop
the control characters a spreadsheet cannot show (or, in an XLSX, cannot even hold)."""

import csv
from collections.abc import Iterable, Iterator
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")
# The C0 control characters but tab, line feed and carriage return (which a cell may
# hold): a BEL typed into a narrative breaks an XLSX and garbles a CSV.
CONTROL_CHARACTERS = ILLEGAL_CHARACTERS_RE


def csv_safe(value: object) -> object:
    """Text without control characters, prefixed with an apostrophe when a spreadsheet
    would read it as a formula. The characters go first, so that "\\a=1+1" is caught
    as the formula it becomes. Numbers pass unchanged: a negative amount stays a number."""
    if not isinstance(value, str):
        return value
    text = CONTROL_CHARACTERS.sub("", value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_safe_row(values: Iterable[object]) -> list[object]:
    return [csv_safe(value) for value in values]


def xlsx_safe(value: object) -> object:
    """``csv_safe``: an XLSX cell refuses the same control characters (openpyxl refuses
    the whole file for one of them), so every stored text exports."""
    return csv_safe(value)


def csv_text_lines(columns: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """CSV lines of ``columns`` and ``rows``, each cell neutralised, to stream; a
    byte-order mark first so that spreadsheet programs read UTF-8 (ą, č, ę, ...)."""

    class _Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(columns)
    for row in rows:
        yield writer.writerow(csv_safe_row(row))


def xlsx_workbook_bytes(
    sheet_name: str, columns: list[str], rows: Iterable[Iterable[object]]
) -> bytes:
    """An XLSX workbook of one sheet, each cell neutralised (written as it streams)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    sheet.append(columns)
    for row in rows:
        sheet.append([xlsx_safe(cell) for cell in row])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
