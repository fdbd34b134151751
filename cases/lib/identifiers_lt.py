"""Lithuanian personal and company codes: normalisation and validation with
python-stdnum, in the style of cases/lib/identifiers.py (which re-exports them).

Pure: no database, no network.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from stdnum.lt import asmens as lt_asmens
from stdnum.lt import pvm as lt_pvm

__all__ = ["IdentifierError", "normalise_lt_company_code", "normalise_lt_personal_code"]


class IdentifierError(ValueError):
    """An identifier that cannot be normalised; ``str(error)`` is a translated sentence
    saying what is wrong with it. (Defined here, re-exported by cases.lib.identifiers,
    which every caller imports it from.)"""


_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212]+")


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value).upper()


def normalise_lt_personal_code(code: str) -> str:
    """Return the 11-digit Lithuanian personal code (asmens kodas), e.g.
    ``"33309240064"``, after checking the century-and-sex digit, the date of birth it
    holds and its check digit (python-stdnum's ``stdnum.lt.asmens``)."""
    value = _compact(code)
    if not value:
        raise IdentifierError(_("Enter the personal code."))
    if not value.isdigit() or not value.isascii():
        raise IdentifierError(_("A Lithuanian personal code has only digits."))
    if len(value) != 11:
        raise IdentifierError(
            _("A Lithuanian personal code has 11 digits; this one has %(length)d.")
            % {"length": len(value)}
        )
    if value[0] not in "123456":
        raise IdentifierError(
            _("A Lithuanian personal code starts with 1 to 6 (century and sex), not %(digit)s.")
            % {"digit": value[0]}
        )
    expected = lt_asmens.calc_check_digit(value)  # ignores the last digit
    if value[10] != expected:
        raise IdentifierError(
            _("The personal code check digit is wrong: expected %(expected)s, found %(found)s.")
            % {"expected": expected, "found": value[10]}
        )
    try:
        lt_asmens.validate(value)
    except Exception as error:  # stdnum's InvalidComponent: the date of birth
        raise IdentifierError(
            _("The personal code does not hold a real date of birth (digits 2 to 7).")
        ) from error
    return value


def normalise_lt_company_code(code: str) -> str:
    """Return the 9-digit code of a Lithuanian legal entity (juridinio asmens kodas),
    e.g. ``"123033512"``, after checking its check digit (the same modulo-11 scheme as
    the VAT code, python-stdnum's ``stdnum.lt.pvm``)."""
    value = _compact(code).removeprefix("LT")
    if not value:
        raise IdentifierError(_("Enter the company code."))
    if not value.isdigit() or not value.isascii():
        raise IdentifierError(_("A Lithuanian company code has only digits."))
    if len(value) != 9:
        raise IdentifierError(
            _("A Lithuanian company code has 9 digits; this one has %(length)d.")
            % {"length": len(value)}
        )
    expected = lt_pvm.calc_check_digit(value[:8])
    if value[8] != expected:
        raise IdentifierError(
            _("The company code check digit is wrong: expected %(expected)s, found %(found)s.")
            % {"expected": expected, "found": value[8]}
        )
    return value
