"""Normalisation and validation of the identifiers the entity registry keys on.

Every ``normalise_*`` function takes what an officer typed (spaces, dashes, lower case,
Cyrillic look-alike letters where that is a common slip) and returns the one canonical
form stored in ``Entity.key``, so that the same plate or phone typed two ways is found as
the same entity. Invalid input raises :class:`IdentifierError`, whose message is a
translated sentence fit to show next to the form field.

The functions are pure: no database, no network.
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty import exceptions as iban_errors
from stdnum import imo as stdnum_imo
from stdnum import iso6346

from cases.lib.ftm import LEGACY_KINDS

# IdentifierError lives beside the Lithuanian codes (which this module re-exports) so
# that both modules raise the one class.
from cases.lib.identifiers_lt import (
    IdentifierError,
    normalise_lt_company_code,
    normalise_lt_personal_code,
)

__all__ = [
    "DOCUMENT_TYPES",
    "IdentifierError",
    "entity_key",
    "mrn_check_character",
    "normalise_container",
    "normalise_document_number",
    "normalise_email",
    "normalise_iban",
    "normalise_lt_company_code",
    "normalise_lt_personal_code",
    "normalise_mrn",
    "normalise_phone",
    "normalise_plate",
    "normalise_vin",
    "vin_check_digit",
]


# All officially assigned ISO 3166-1 alpha-2 codes (249). Built in rather than read from
# pycountry, which is only a transitive dependency of schwifty.
_ISO_3166_ALPHA2 = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
    BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
    HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
    KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY
    MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
    NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
    TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ
    VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""


ISO_COUNTRY_CODES: frozenset[str] = frozenset(_ISO_3166_ALPHA2.split())


DOCUMENT_TYPES: tuple[str, ...] = (
    "passport",
    "id_card",
    "driving_licence",
    "residence_permit",
    "other",
)


# Separators people type inside identifiers: any whitespace, dots, the ASCII hyphen and
# the Unicode hyphens and dashes (U+2010..U+2015) and minus sign that word processors
# and phones substitute for it.
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212]+")


_LATIN_ALNUM = re.compile(r"[A-Z0-9]+")


# Cyrillic capitals that look like Latin ones (BY, RU and UA plates use only these
# letters), so a plate typed on a Cyrillic keyboard gets the same key as one typed on a
# Latin keyboard. Written as escapes because the two alphabets are indistinguishable on
# screen: A, B, E, K, M, H, O, P, C, T, Y, X and the Belarusian-Ukrainian I.
_CYRILLIC_LOOKALIKES = str.maketrans(
    "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0423\u0425\u0406",
    "ABEKMHOPCTYXI",
)


def _compact(value: str) -> str:
    """Strip separators and upper-case."""
    return _SEPARATORS.sub("", value).upper()


def _first_non_latin(value: str) -> str | None:
    """The first character of ``value`` that is not a Latin capital or a digit."""
    return next((char for char in value if not _LATIN_ALNUM.fullmatch(char)), None)


def _country_code(country: str) -> str:
    code = country.strip().upper()
    if not code:
        raise IdentifierError(_("Enter the country (a two-letter ISO code such as LT)."))
    if code not in ISO_COUNTRY_CODES:
        raise IdentifierError(
            _("“%(code)s” is not an ISO 3166 two-letter country code, such as LT or PL.")
            % {"code": country.strip()}
        )
    return code


def normalise_country(country: str) -> str:
    """The ISO 3166 alpha-2 code ``country`` names, upper-cased (``"lt"`` -> ``"LT"``);
    IdentifierError when it is empty or not a code."""
    return _country_code(country)


_LT_COMMON_PLATE = re.compile(r"[A-Z]{3}[0-9]{3}")


def normalise_plate(plate: str, country: str) -> str:
    """Return ``"<country>:<plate>"``, e.g. ``"LT:ABC123"`` for ``("abc-123", "lt")``.

    Separators are dropped, letters upper-cased, Cyrillic look-alikes made Latin. Any
    plate has 2 to 10 Latin letters and digits; a Lithuanian one 2 to 8 with at least one
    digit (the common format is three letters and three digits, ABC123).
    """
    code = _country_code(country)
    value = _compact(plate).translate(_CYRILLIC_LOOKALIKES)
    if not value:
        raise IdentifierError(_("Enter the plate number."))
    bad = _first_non_latin(value)
    if bad is not None:
        raise IdentifierError(
            _("The plate number contains “%(char)s”; use only Latin letters and digits.")
            % {"char": bad}
        )
    if not 2 <= len(value) <= 10:
        raise IdentifierError(
            _("A plate number has 2 to 10 letters and digits; this one has %(length)d.")
            % {"length": len(value)}
        )
    if code == "LT" and not _LT_COMMON_PLATE.fullmatch(value):
        if len(value) > 8:
            raise IdentifierError(
                _(
                    "A Lithuanian plate number has at most 8 letters and digits "
                    "(usually three letters and three digits, such as ABC123); "
                    "this one has %(length)d."
                )
                % {"length": len(value)}
            )
        if value.isalpha():
            raise IdentifierError(
                _(
                    "A Lithuanian plate number contains at least one digit "
                    "(usually three letters and three digits, such as ABC123)."
                )
            )
    return f"{code}:{value}"


# ISO 3779 / 49 CFR 565 transliteration of letters to values; I, O and Q never occur.
_VIN_LETTER_VALUES = dict(zip("ABCDEFGH", range(1, 9), strict=True)) | {
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}


_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_digit(vin: str) -> str:
    """The check digit (``"0"`` to ``"9"`` or ``"X"``) for a 17-character VIN; position 9
    counts with weight 0, so whatever it holds does not matter."""
    total = sum(
        (int(char) if char.isdigit() else _VIN_LETTER_VALUES[char]) * weight
        for char, weight in zip(vin, _VIN_WEIGHTS, strict=True)
    )
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def vin_check_digit_required(vin: str) -> bool:
    """Whether the position-9 check digit is mandatory for this VIN: for vehicles made
    for North America (world manufacturer codes starting 1-5) and China (L). European
    and most Asian makers may use position 9 freely, so it is not checked there."""
    return bool(vin) and (vin[0] in "12345" or vin[0] == "L")


def normalise_vin(vin: str, *, check_digit: bool | None = None) -> str:
    """Return the VIN upper-cased without separators, after checking its length, its
    alphabet (no I, O, Q) and, where it is mandatory (``check_digit=None``: decided by
    the manufacturer code; True or False to force), the check digit in position 9.
    """
    value = _compact(vin)
    if not value:
        raise IdentifierError(_("Enter the VIN."))
    bad = _first_non_latin(value)
    if bad is not None:
        raise IdentifierError(
            _("The VIN contains “%(char)s”; a VIN has only Latin letters and digits.")
            % {"char": bad}
        )
    if len(value) != 17:
        raise IdentifierError(
            _("A VIN has 17 characters; this one has %(length)d.") % {"length": len(value)}
        )
    for position, char in enumerate(value, start=1):
        if char in "IOQ":
            raise IdentifierError(
                _(
                    "A VIN never contains the letters I, O or Q; found “%(char)s” "
                    "at position %(position)d."
                )
                % {"char": char, "position": position}
            )
    must_check = vin_check_digit_required(value) if check_digit is None else check_digit
    expected = vin_check_digit(value)
    if must_check and value[8] != expected:
        raise IdentifierError(
            _("The VIN check digit is wrong: expected %(expected)s, found %(found)s.")
            % {"expected": expected, "found": value[8]}
        )
    return value


_PARSE_ERROR = phonenumbers.NumberParseException


_Reason = phonenumbers.ValidationResult


def normalise_phone(number: str, default_region: str = "LT") -> str:
    """Return the number in E.164, e.g. ``"+37060012345"`` for ``"8 600 12345"``.

    A number without an international prefix is read as a number of ``default_region``.
    Only numbers that are valid per libphonenumber's metadata are accepted.
    """
    region = default_region.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise IdentifierError(
            _("“%(region)s” is not a region whose phone numbers can be read.")
            % {"region": default_region}
        )
    if not number.strip():
        raise IdentifierError(_("Enter the phone number."))
    try:
        parsed = phonenumbers.parse(number, region)
    except _PARSE_ERROR as error:
        if error.error_type == _PARSE_ERROR.INVALID_COUNTRY_CODE:
            message = _(
                "The phone number starts with an unknown country calling code; "
                "write it in international form, such as +370 600 12345."
            )
        elif error.error_type == _PARSE_ERROR.NOT_A_NUMBER:
            message = _("“%(number)s” is not a phone number.") % {"number": number.strip()}
        elif error.error_type == _PARSE_ERROR.TOO_LONG:
            message = _("The phone number is too long.")
        else:  # TOO_SHORT_NSN, TOO_SHORT_AFTER_IDD
            message = _("The phone number is too short.")
        raise IdentifierError(message) from error
    if not phonenumbers.is_valid_number(parsed):
        reason = phonenumbers.is_possible_number_with_reason(parsed)
        calling_code = f"+{parsed.country_code}"
        if reason == _Reason.TOO_SHORT:
            message = _("The phone number is too short for the country code %(code)s.")
        elif reason == _Reason.INVALID_LENGTH:
            message = _(
                "The phone number has the wrong number of digits for the country code %(code)s."
            )
        elif reason == _Reason.TOO_LONG:
            message = _("The phone number is too long for the country code %(code)s.")
        elif reason == _Reason.INVALID_COUNTRY_CODE:
            message = _("%(code)s is not a country calling code.")
        else:
            message = _("The phone number is not a valid number for the country code %(code)s.")
        raise IdentifierError(message % {"code": calling_code})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _iban_check_digits(iban: str) -> str:
    """The ISO 7064 MOD 97-10 check digits an IBAN with this country and BBAN needs."""
    rearranged = iban[4:] + iban[:2] + "00"
    numeric = "".join(str(int(char, 36)) for char in rearranged)
    return f"{98 - int(numeric) % 97:02d}"


def normalise_iban(iban: str) -> str:
    """Return the IBAN compact and upper-case, e.g. ``"LT121000011101001000"``, after
    checking its country, length, national format and check digits."""
    value = _compact(iban)
    if not value:
        raise IdentifierError(_("Enter the IBAN."))
    bad = _first_non_latin(value)
    if bad is not None:
        raise IdentifierError(
            _("The IBAN contains “%(char)s”; an IBAN has only Latin letters and digits.")
            % {"char": bad}
        )
    if len(value) < 5 or not value[:2].isalpha() or not value[2:4].isdigit():
        raise IdentifierError(
            _(
                "An IBAN starts with a two-letter country code and two check digits, "
                "such as LT12 1000 0111 0100 1000."
            )
        )
    try:
        account = IBAN(value, allow_invalid=True)
        spec = account.spec
    except iban_errors.InvalidCountryCode as error:
        raise IdentifierError(
            _("There are no IBANs for the country code “%(code)s”.") % {"code": value[:2]}
        ) from error
    if len(value) != spec.iban_length:
        raise IdentifierError(
            _("An IBAN from %(country)s has %(expected)d characters; this one has %(found)d.")
            % {"country": value[:2], "expected": spec.iban_length, "found": len(value)}
        )
    expected = _iban_check_digits(value)
    if value[2:4] != expected:
        raise IdentifierError(
            _("The IBAN check digits are wrong: expected %(expected)s, found %(found)s.")
            % {"expected": expected, "found": value[2:4]}
        )
    try:
        account.validate()
    except iban_errors.SchwiftyException as error:
        # Length and check digits were checked above, so this is the national format
        # (e.g. letters where the country's bank code has digits).
        raise IdentifierError(
            _("The IBAN does not follow the account number format of %(country)s.")
            % {"country": value[:2]}
        ) from error
    return account.compact


_CONTAINER_FORMAT = re.compile(r"[A-Z]{3}[UJZR][0-9]{7}")


def normalise_container(code: str) -> str:
    """Return the ISO 6346 container number compact and upper-case, e.g.
    ``"CSQU3054383"`` for ``"csqu 305438 3"``, after checking its check digit."""
    value = _compact(code)
    if not value:
        raise IdentifierError(_("Enter the container number."))
    if len(value) != 11:
        raise IdentifierError(
            _(
                "A container number has 11 characters, such as CSQU 305438 3; "
                "this one has %(length)d."
            )
            % {"length": len(value)}
        )
    if not _CONTAINER_FORMAT.fullmatch(value):
        raise IdentifierError(
            _(
                "A container number is a three-letter owner code, the category letter "
                "U, J, Z or R, a six-digit serial number and a check digit, "
                "such as CSQU 305438 3."
            )
        )
    expected = iso6346.calc_check_digit(value[:10])
    if value[10] != expected:
        raise IdentifierError(
            _("The container check digit is wrong: expected %(expected)s, found %(found)s.")
            % {"expected": expected, "found": value[10]}
        )
    return iso6346.validate(value)


# Character values for the check character (EU customs data model, same as ISO 6346):
# digits are themselves, letters run from 10 upwards skipping the multiples of 11.
_MRN_VALUES = {
    char: value
    for value, char in enumerate("0123456789A BCDEFGHIJK LMNOPQRSTU VWXYZ")
    if char != " "
}


_MRN_FORMAT = re.compile(r"[0-9]{2}[A-Z]{2}[A-Z0-9]{14}")


def mrn_check_character(mrn: str) -> str:
    """The check character for the first 17 characters of a Movement Reference Number:
    the sum of each character's value times 2 to the power of its (0-based) position,
    modulo 11, where a remainder of 10 gives ``"0"``."""
    total = sum(_MRN_VALUES[char] * 2**position for position, char in enumerate(mrn[:17]))
    return str(total % 11 % 10)


def normalise_mrn(mrn: str) -> str:
    """Return the 18-character MRN upper-case, e.g. ``"24LT00000000000017"``, after
    checking its layout (year, country, 13 characters, check character) and check
    character. The country part is not checked against ISO 3166: EU customs also issue
    MRNs under codes such as XI (Northern Ireland)."""
    value = _compact(mrn)
    if not value:
        raise IdentifierError(_("Enter the MRN."))
    bad = _first_non_latin(value)
    if bad is not None:
        raise IdentifierError(
            _("The MRN contains “%(char)s”; an MRN has only Latin letters and digits.")
            % {"char": bad}
        )
    if len(value) != 18:
        raise IdentifierError(
            _("An MRN has 18 characters; this one has %(length)d.") % {"length": len(value)}
        )
    if not _MRN_FORMAT.fullmatch(value):
        raise IdentifierError(
            _(
                "An MRN starts with two digits of the year and the two-letter country code, "
                "such as 24LT."
            )
        )
    expected = mrn_check_character(value)
    if value[17] != expected:
        raise IdentifierError(
            _("The MRN check character is wrong: expected %(expected)s, found %(found)s.")
            % {"expected": expected, "found": value[17]}
        )
    return value


def normalise_email(address: str) -> str:
    """Return the address with the domain lower-cased; the local part keeps its case,
    since only the receiving server may decide that case does not matter there."""
    value = address.strip()
    if not value:
        raise IdentifierError(_("Enter the e-mail address."))
    if "@" not in value:
        raise IdentifierError(
            _("“%(address)s” has no “@” between the name and the domain.") % {"address": value}
        )
    try:
        validate_email(value)
    except ValidationError as error:
        raise IdentifierError(
            _("“%(address)s” is not a valid e-mail address.") % {"address": value}
        ) from error
    local, _at, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_document_number(number: str, document_type: str, country: str) -> str:
    """Return ``"<country>:<TYPE>:<number>"``, e.g. ``"LT:PASSPORT:12345678"``.

    ``document_type`` is one of :data:`DOCUMENT_TYPES` (case-insensitive); the number
    has 5 to 20 Latin letters and digits once separators are dropped and Cyrillic
    look-alike letters made Latin.
    """
    kind = document_type.strip().lower()
    if kind not in DOCUMENT_TYPES:
        raise IdentifierError(
            _("“%(type)s” is not a document type; use one of: %(types)s.")
            % {"type": document_type, "types": ", ".join(DOCUMENT_TYPES)}
        )
    code = _country_code(country)
    value = _compact(number).translate(_CYRILLIC_LOOKALIKES)
    if not value:
        raise IdentifierError(_("Enter the document number."))
    bad = _first_non_latin(value)
    if bad is not None:
        raise IdentifierError(
            _("The document number contains “%(char)s”; use only Latin letters and digits.")
            % {"char": bad}
        )
    if not 5 <= len(value) <= 20:
        raise IdentifierError(
            _("A document number has 5 to 20 letters and digits; this one has %(length)d.")
            % {"length": len(value)}
        )
    return f"{code}:{kind.upper()}:{value}"


def _person_key(values: dict[str, str]) -> str:
    """``"LT:<personal code>"`` for a person with a Lithuanian personal code, else ""."""
    code = values.get("personal_code", "").strip()
    return f"LT:{normalise_lt_personal_code(code)}" if code else ""


def _company_key(values: dict[str, str]) -> str:
    """``"<country>:<code>"`` when both are given, otherwise ``""``. A Lithuanian code
    is checked as one (9 digits and a check digit)."""
    country = values.get("country", "").strip()
    code = _compact(values.get("registration_code", ""))
    if not country or not code:
        return ""
    if country.upper() == "LT":
        return f"LT:{normalise_lt_company_code(code)}"
    bad = _first_non_latin(code)
    if bad is not None:
        raise IdentifierError(
            _("The registration code contains “%(char)s”; use only Latin letters and digits.")
            % {"char": bad}
        )
    if len(code) > 30:
        raise IdentifierError(
            _("A registration code has at most 30 letters and digits; this one has %(length)d.")
            % {"length": len(code)}
        )
    return f"{_country_code(country)}:{code}"


def _imo_key(imo: str) -> str:
    """``"IMO1234567"`` for a 7-digit IMO ship number with a correct check digit."""
    value = _compact(imo)
    value = value.removeprefix("IMO")
    if not value:
        raise IdentifierError(_("Enter the IMO number."))
    if not value.isdigit() or not value.isascii():
        raise IdentifierError(_("An IMO number has only digits, such as IMO 9319466."))
    if len(value) != 7:
        raise IdentifierError(
            _("An IMO number has 7 digits; this one has %(length)d.") % {"length": len(value)}
        )
    expected = stdnum_imo.calc_check_digit(value[:6])
    if value[6] != expected:
        raise IdentifierError(
            _("The IMO check digit is wrong: expected %(expected)s, found %(found)s.")
            % {"expected": expected, "found": value[6]}
        )
    return f"IMO{value}"


def _required(values: dict[str, str], field: str) -> str:
    value = values.get(field, "")
    if not value.strip():
        raise IdentifierError(
            _("“%(field)s” is needed to identify this entity.") % {"field": field}
        )
    return value


def entity_key(kind: str, values: dict[str, str]) -> str:
    """The registry key for an entity of ``kind`` (an FtM schema name, ``EntityKind``)
    described by ``values``; ``""`` for kinds without an identifier (a person without a
    personal code, an address, a company without a registration code, a vessel without
    an IMO number).

    A vehicle is keyed on its VIN when one is given, else on plate and plate country.
    """
    kind = LEGACY_KINDS.get(kind, kind)
    if kind == "Vehicle":
        if values.get("vin", "").strip():
            return normalise_vin(values["vin"])
        if not values.get("plate", "").strip():
            raise IdentifierError(_("A vehicle needs a VIN or a plate number."))
        return normalise_plate(_required(values, "plate"), _required(values, "plate_country"))
    if kind == "Phone":
        return normalise_phone(_required(values, "number"))
    if kind == "BankAccount":
        return normalise_iban(_required(values, "iban"))
    if kind == "Container":
        return normalise_container(_required(values, "number"))
    if kind == "CustomsDeclaration":
        return normalise_mrn(_required(values, "mrn"))
    if kind == "EmailAddress":
        return normalise_email(_required(values, "address"))
    if kind in ("Identification", "Passport"):
        return normalise_document_number(
            _required(values, "number"),
            _required(values, "document_type"),
            _required(values, "country"),
        )
    if kind == "Vessel":
        imo = values.get("imo", "")
        return _imo_key(imo) if imo.strip() else ""
    if kind in ("Company", "Organization"):
        return _company_key(values)
    if kind == "Person":
        return _person_key(values)
    if kind == "Address":
        return ""
    raise IdentifierError(_("“%(kind)s” is not a kind of entity.") % {"kind": kind})
