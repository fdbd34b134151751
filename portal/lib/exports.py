"""Helpers shared by every export: neutralise spreadsheet formula injection."""

from collections.abc import Iterable

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
