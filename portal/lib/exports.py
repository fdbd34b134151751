"""Helpers shared by every export: neutralise spreadsheet formula injection."""

from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def csv_safe(value: object) -> object:
    """Prefix text that a spreadsheet would read as a formula with an apostrophe.
    Numbers pass unchanged, so a negative amount stays a number."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_safe_row(values: Iterable[object]) -> list[object]:
    return [csv_safe(value) for value in values]


def xlsx_safe(value: object) -> object:
    """``csv_safe``, and without the control characters an XLSX cell cannot hold
    (openpyxl refuses the whole file for one of them, e.g. a BEL typed into a narrative):
    every stored text exports."""
    value = csv_safe(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
