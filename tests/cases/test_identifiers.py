"""Normalisation and validation of entity identifiers: what an officer types, the key it
becomes, and the sentence shown when it is wrong. Pure functions; no database."""

import re
from collections.abc import Callable, Iterator

import pytest
from django.utils import translation
from stdnum import iso6346

from cases.lib.identifiers import (
    ISO_COUNTRY_CODES,
    IdentifierError,
    entity_key,
    mrn_check_character,
    normalise_container,
    normalise_document_number,
    normalise_email,
    normalise_iban,
    normalise_mrn,
    normalise_phone,
    normalise_plate,
    normalise_vin,
    vin_check_digit,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # The messages asserted below are the English msgids.
    with translation.override("en"):
        yield


def raises(message: str) -> pytest.RaisesExc[IdentifierError]:
    """Expect an IdentifierError whose whole message is ``message``."""
    return pytest.raises(IdentifierError, match=f"^{re.escape(message)}$")


def test_identifier_error_is_a_value_error() -> None:
    assert issubclass(IdentifierError, ValueError)


def test_the_country_list_holds_the_249_iso_codes() -> None:
    assert len(ISO_COUNTRY_CODES) == 249
    assert {"LT", "LV", "PL", "BY", "RU", "UA", "DE", "AX", "ZW"} <= ISO_COUNTRY_CODES
    assert not {"XK", "EU", "UK", "XX"} & ISO_COUNTRY_CODES


# --- Plates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plate", "country", "expected"),
    [
        ("ABC123", "LT", "LT:ABC123"),
        ("abc-123", "lt", "LT:ABC123"),
        (" a.b.c 1 2 3 ", " Lt ", "LT:ABC123"),
        ("12ABC", "LT", "LT:12ABC"),
        ("EV1234", "LT", "LT:EV1234"),
        ("AB1", "LT", "LT:AB1"),
        # Cyrillic look-alikes, upper and lower case, become Latin letters.
        ("АВС 123", "LT", "LT:ABC123"),  # noqa: RUF001 - Cyrillic on purpose
        ("авс-123", "LT", "LT:ABC123"),
        ("1234 АВ-7", "by", "BY:1234AB7"),  # noqa: RUF001 - Cyrillic on purpose
        ("М 123 НР 77", "RU", "RU:M123HP77"),  # noqa: RUF001 - Cyrillic on purpose
        ("ЕКОТУХ", "RU", "RU:EKOTYX"),  # noqa: RUF001 - Cyrillic on purpose
        ("АА 1234 ІХ", "UA", "UA:AA1234IX"),  # noqa: RUF001 - Cyrillic on purpose
        ("WX 12345", "pl", "PL:WX12345"),
        ("AB\u20131234", "LV", "LV:AB1234"),  # an en dash from a word processor
        ("ABCDEF", "DE", "DE:ABCDEF"),  # only Lithuanian plates need a digit
        ("AB", "DE", "DE:AB"),
        ("ABCDE12345", "PL", "PL:ABCDE12345"),
    ],
)
def test_a_plate_is_keyed_on_country_and_compact_upper_case_latin(
    plate: str, country: str, expected: str
) -> None:
    assert normalise_plate(plate, country) == expected


@pytest.mark.parametrize(
    ("plate", "country", "message"),
    [
        ("ABC123", "XX", "“XX” is not an ISO 3166 two-letter country code, such as LT or PL."),
        ("ABC123", "LTU", "“LTU” is not an ISO 3166 two-letter country code, such as LT or PL."),
        ("ABC123", "UK", "“UK” is not an ISO 3166 two-letter country code, such as LT or PL."),
        ("ABC123", " ", "Enter the country (a two-letter ISO code such as LT)."),
        (" - ", "LT", "Enter the plate number."),
        (
            "ДАВ123",  # noqa: RUF001 - Cyrillic on purpose
            "RU",
            "The plate number contains “Д”; use only Latin letters and digits.",
        ),
        ("ABČ123", "LT", "The plate number contains “Č”; use only Latin letters and digits."),
        ("ABC/123", "LT", "The plate number contains “/”; use only Latin letters and digits."),
        ("A", "PL", "A plate number has 2 to 10 letters and digits; this one has 1."),
        ("ABCDE123456", "PL", "A plate number has 2 to 10 letters and digits; this one has 11."),
        (
            "ABC123456",
            "LT",
            "A Lithuanian plate number has at most 8 letters and digits (usually three "
            "letters and three digits, such as ABC123); this one has 9.",
        ),
        (
            "ABCDEF",
            "LT",
            "A Lithuanian plate number contains at least one digit (usually three letters "
            "and three digits, such as ABC123).",
        ),
    ],
)
def test_a_bad_plate_or_country_is_refused_with_the_reason(
    plate: str, country: str, message: str
) -> None:
    with raises(message):
        normalise_plate(plate, country)


# --- VIN --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vin", "expected"),
    [
        ("1M8GDM9AXKP042788", "1M8GDM9AXKP042788"),  # check digit X
        ("1m8 gdm9ax-kp042788", "1M8GDM9AXKP042788"),
        ("1HGCM82633A004352", "1HGCM82633A004352"),
        ("jh4ka7561pc008269", "JH4KA7561PC008269"),
        # Every weight times 1: 89 = 8 * 11 + 1, so the check digit is 1.
        ("11111111111111111", "11111111111111111"),
    ],
)
def test_a_vin_with_a_correct_check_digit_is_upper_cased_and_compacted(
    vin: str, expected: str
) -> None:
    assert normalise_vin(vin) == expected


@pytest.mark.parametrize(
    ("vin", "message"),
    [
        ("", "Enter the VIN."),
        ("1M8GDM9AXKP04278", "A VIN has 17 characters; this one has 16."),
        ("1M8GDM9AXKP0427888", "A VIN has 17 characters; this one has 18."),
        (
            "1M8GDM9AXKP04278Ä",
            "The VIN contains “Ä”; a VIN has only Latin letters and digits.",
        ),
        (
            "1M8GDM9AXKPO42788",
            "A VIN never contains the letters I, O or Q; found “O” at position 12.",
        ),
        (
            "IM8GDM9AXKP042788",
            "A VIN never contains the letters I, O or Q; found “I” at position 1.",
        ),
        (
            "1M8GDM9AXKP04278q",
            "A VIN never contains the letters I, O or Q; found “Q” at position 17.",
        ),
        ("1M8GDM9A3KP042788", "The VIN check digit is wrong: expected X, found 3."),
        ("1M8GDM9AXKP042789", "The VIN check digit is wrong: expected 1, found X."),
        ("1HGCM82643A004352", "The VIN check digit is wrong: expected 3, found 4."),
        # A Chinese-market VIN (L...) must carry a correct check digit too.
        ("LSVAU2180N2183294", "The VIN check digit is wrong: expected X, found 0."),
    ],
)
def test_a_bad_vin_is_refused_with_the_reason(vin: str, message: str) -> None:
    with raises(message):
        normalise_vin(vin)


def test_a_european_vin_is_accepted_without_a_check_digit() -> None:
    # Volkswagen (WVW) puts a "Z" in position 9: no check digit is used in Europe.
    assert normalise_vin("wvwzzz1jzxw000001") == "WVWZZZ1JZXW000001"


def test_the_check_digit_can_be_demanded_of_a_european_vin() -> None:
    with raises("The VIN check digit is wrong: expected 0, found Z."):
        normalise_vin("WVWZZZ1JZXW000001", check_digit=True)


# ISO 3779 / 49 CFR 565.15 transliteration, written out independently of the module.
VIN_LETTER_VALUES = {
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}  # fmt: skip


@pytest.mark.parametrize(("letter", "value"), VIN_LETTER_VALUES.items())
def test_the_vin_check_digit_uses_the_standard_letter_values(letter: str, value: int) -> None:
    # Only position 1 (weight 8) carries a value, so the check digit is value * 8 mod 11.
    remainder = value * 8 % 11
    assert vin_check_digit(letter + "0" * 16) == ("X" if remainder == 10 else str(remainder))


@pytest.mark.parametrize(
    ("position", "weight"),
    list(enumerate((8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2))),
)
def test_the_vin_check_digit_uses_the_standard_weights(position: int, weight: int) -> None:
    vin = "0" * position + "1" + "0" * (16 - position)
    remainder = weight % 11
    assert vin_check_digit(vin) == ("X" if remainder == 10 else str(remainder))


# --- Phone ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "region", "expected"),
    [
        ("+37060012345", "LT", "+37060012345"),
        ("8 600 12345", "LT", "+37060012345"),
        ("0037060012345", "LT", "+37060012345"),
        ("+370 (600) 12-345", "LT", "+37060012345"),
        ("860012345", "lt", "+37060012345"),
        ("+48 512 345 678", "LT", "+48512345678"),
        ("512 345 678", "PL", "+48512345678"),
        ("+375 29 123-45-67", "LT", "+375291234567"),
        ("8 (912) 345-67-89", "RU", "+79123456789"),
        ("21234567", "LV", "+37121234567"),
        ("+1 201 555 0123", "LT", "+12015550123"),
    ],
)
def test_a_valid_phone_number_becomes_e164(number: str, region: str, expected: str) -> None:
    assert normalise_phone(number, region) == expected


def test_a_phone_number_is_read_as_lithuanian_by_default() -> None:
    assert normalise_phone("8 600 12345") == "+37060012345"


@pytest.mark.parametrize(
    ("number", "region", "message"),
    [
        (" ", "LT", "Enter the phone number."),
        ("abc", "LT", "“abc” is not a phone number."),
        (
            "+999 1234567",
            "LT",
            "The phone number starts with an unknown country calling code; write it in "
            "international form, such as +370 600 12345.",
        ),
        ("+370 6", "LT", "The phone number is too short."),
        ("+37060012345678901234567", "LT", "The phone number is too long."),
        ("+370 600 1234", "LT", "The phone number is too short for the country code +370."),
        ("+370 600 123456", "LT", "The phone number is too long for the country code +370."),
        ("600 12345", "PL", "The phone number is not a valid number for the country code +48."),
        (
            "+1 000 555 0123",
            "LT",
            "The phone number is not a valid number for the country code +1.",
        ),
        ("860012345", "XX", "“XX” is not a region whose phone numbers can be read."),
    ],
)
def test_a_bad_phone_number_is_refused_with_the_reason(
    number: str, region: str, message: str
) -> None:
    with raises(message):
        normalise_phone(number, region)


# --- IBAN -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iban", "expected"),
    [
        ("LT121000011101001000", "LT121000011101001000"),
        ("lt12 1000 0111 0100 1000", "LT121000011101001000"),
        ("LT12-1000-0111-0100-1000", "LT121000011101001000"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("gb82 west 1234 5698 7654 32", "GB82WEST12345698765432"),
    ],
)
def test_a_valid_iban_is_compact_and_upper_case(iban: str, expected: str) -> None:
    assert normalise_iban(iban) == expected


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        ("", "Enter the IBAN."),
        ("LT131000011101001000", "The IBAN check digits are wrong: expected 12, found 13."),
        ("GB33WEST12345698765432", "The IBAN check digits are wrong: expected 82, found 33."),
        ("LT12100001110100100", "An IBAN from LT has 20 characters; this one has 19."),
        ("LT1210000111010010001", "An IBAN from LT has 20 characters; this one has 21."),
        ("XX121000011101001000", "There are no IBANs for the country code “XX”."),
        (
            "1210000111010010",
            "An IBAN starts with a two-letter country code and two check digits, "
            "such as LT12 1000 0111 0100 1000.",
        ),
        (
            "LT1210000111010010Ą0",
            "The IBAN contains “Ą”; an IBAN has only Latin letters and digits.",
        ),
        # Correct length and check digits, but letters where LT accounts have digits.
        (
            "LT6110000111010010AB",
            "The IBAN does not follow the account number format of LT.",
        ),
    ],
)
def test_a_bad_iban_is_refused_with_the_reason(iban: str, message: str) -> None:
    with raises(message):
        normalise_iban(iban)


# --- Containers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("CSQU3054383", "CSQU3054383"),
        ("csqu 305438 3", "CSQU3054383"),
        ("CSQU-305438-3", "CSQU3054383"),
        ("tasu117 000 0", "TASU1170000"),
    ],
)
def test_a_valid_container_number_is_compact_and_upper_case(code: str, expected: str) -> None:
    assert normalise_container(code) == expected


CONTAINER_FORMAT = (
    "A container number is a three-letter owner code, the category letter U, J, Z or R, "
    "a six-digit serial number and a check digit, such as CSQU 305438 3."
)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the container number."),
        ("CSQU3054384", "The container check digit is wrong: expected 3, found 4."),
        ("TASU1170001", "The container check digit is wrong: expected 0, found 1."),
        (
            "CSQU305438",
            "A container number has 11 characters, such as CSQU 305438 3; this one has 10.",
        ),
        ("CSQX3054383", CONTAINER_FORMAT),
        ("C5QU3054383", CONTAINER_FORMAT),
        ("CSQU305438A", CONTAINER_FORMAT),
    ],
)
def test_a_bad_container_number_is_refused_with_the_reason(code: str, message: str) -> None:
    with raises(message):
        normalise_container(code)


# --- MRN --------------------------------------------------------------------------------


def test_the_mrn_check_character_matches_a_hand_computed_example() -> None:
    # 24LT0000000000001: 2*1 + 4*2 + L(23)*4 + T(31)*8 + 1*2**16
    # = 2 + 8 + 92 + 248 + 65536 = 65886 = 11 * 5989 + 7, so the check character is 7.
    assert mrn_check_character("24LT0000000000001") == "7"
    assert normalise_mrn("24LT00000000000017") == "24LT00000000000017"


def test_a_remainder_of_ten_gives_the_mrn_check_character_zero() -> None:
    # 00AA0000000000000: A(10)*4 + A(10)*8 = 120 = 11 * 10 + 10, and 10 counts as 0.
    assert mrn_check_character("00AA0000000000000") == "0"


@pytest.mark.parametrize(
    "first17",
    ["22DE1234567890ABC", "24LT5A0000000001X", "23PLZZZZZZZZZZZZZ", "25XI000000000000A"],
)
def test_the_mrn_check_character_agrees_with_iso_6346(first17: str) -> None:
    # The EU algorithm is the ISO 6346 one, which python-stdnum implements independently.
    assert mrn_check_character(first17) == iso6346.calc_check_digit(first17)
    assert normalise_mrn(first17 + mrn_check_character(first17)) == first17 + (
        iso6346.calc_check_digit(first17)
    )


@pytest.mark.parametrize(
    ("mrn", "expected"),
    [
        ("24LT00000000000017", "24LT00000000000017"),
        ("24lt-0000-0000-0000-17", "24LT00000000000017"),
        ("00AA00000000000000", "00AA00000000000000"),
    ],
)
def test_a_valid_mrn_is_compact_and_upper_case(mrn: str, expected: str) -> None:
    assert normalise_mrn(mrn) == expected


MRN_FORMAT = (
    "An MRN starts with two digits of the year and the two-letter country code, such as 24LT."
)


@pytest.mark.parametrize(
    ("mrn", "message"),
    [
        ("", "Enter the MRN."),
        ("24LT0000000000001", "An MRN has 18 characters; this one has 17."),
        ("24LT000000000000017", "An MRN has 18 characters; this one has 19."),
        ("24LT00000000000018", "The MRN check character is wrong: expected 7, found 8."),
        ("00AA0000000000000A", "The MRN check character is wrong: expected 0, found A."),
        ("2ALT00000000000017", MRN_FORMAT),
        ("24L100000000000017", MRN_FORMAT),
        ("24LT0000000000001Ž", "The MRN contains “Ž”; an MRN has only Latin letters and digits."),
    ],
)
def test_a_bad_mrn_is_refused_with_the_reason(mrn: str, message: str) -> None:
    with raises(message):
        normalise_mrn(mrn)


# --- E-mail -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("John.Doe@Example.LT", "John.Doe@example.lt"),
        ("  officer@muitine.lt ", "officer@muitine.lt"),
        ("a.b+tag@Sub.Domain.EU", "a.b+tag@sub.domain.eu"),
        ("Jonas@Muitinė.LT", "Jonas@muitinė.lt"),
    ],
)
def test_an_email_address_keeps_its_local_part_and_lower_cases_its_domain(
    address: str, expected: str
) -> None:
    assert normalise_email(address) == expected


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("  ", "Enter the e-mail address."),
        ("john.example.lt", "“john.example.lt” has no “@” between the name and the domain."),
        ("john@", "“john@” is not a valid e-mail address."),
        ("john@example", "“john@example” is not a valid e-mail address."),
        ("a@b@c.lt", "“a@b@c.lt” is not a valid e-mail address."),
        ("john doe@example.lt", "“john doe@example.lt” is not a valid e-mail address."),
    ],
)
def test_a_bad_email_address_is_refused_with_the_reason(address: str, message: str) -> None:
    with raises(message):
        normalise_email(address)


# --- Identity documents -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "document_type", "country", "expected"),
    [
        ("12345678", "passport", "LT", "LT:PASSPORT:12345678"),
        ("ab 123-456", "Passport", "lt", "LT:PASSPORT:AB123456"),
        ("МР 1234567", "passport", "BY", "BY:PASSPORT:MP1234567"),  # noqa: RUF001 - Cyrillic
        ("D1234567", "driving_licence", "PL", "PL:DRIVING_LICENCE:D1234567"),
        ("ID 12345", " id_card ", "LV", "LV:ID_CARD:ID12345"),
        ("RP123456", "residence_permit", "LT", "LT:RESIDENCE_PERMIT:RP123456"),
        ("X1234567890123456789", "OTHER", "DE", "DE:OTHER:X1234567890123456789"),
    ],
)
def test_a_document_number_is_keyed_on_country_type_and_number(
    number: str, document_type: str, country: str, expected: str
) -> None:
    assert normalise_document_number(number, document_type, country) == expected


@pytest.mark.parametrize(
    ("number", "document_type", "country", "message"),
    [
        (
            "12345678",
            "visa",
            "LT",
            "“visa” is not a document type; use one of: passport, id_card, "
            "driving_licence, residence_permit, other.",
        ),
        (
            "12345678",
            "driving_license",
            "LT",
            "“driving_license” is not a document type; use one of: passport, id_card, "
            "driving_licence, residence_permit, other.",
        ),
        (
            "12345678",
            "passport",
            "ZZ",
            "“ZZ” is not an ISO 3166 two-letter country code, such as LT or PL.",
        ),
        ("", "passport", "LT", "Enter the document number."),
        (
            "1234",
            "passport",
            "LT",
            "A document number has 5 to 20 letters and digits; this one has 4.",
        ),
        (
            "X12345678901234567890",
            "passport",
            "LT",
            "A document number has 5 to 20 letters and digits; this one has 21.",
        ),
        (
            "1234Ж5678",
            "passport",
            "RU",
            "The document number contains “Ж”; use only Latin letters and digits.",
        ),
    ],
)
def test_a_bad_document_is_refused_with_the_reason(
    number: str, document_type: str, country: str, message: str
) -> None:
    with raises(message):
        normalise_document_number(number, document_type, country)


# --- entity_key -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "values", "expected"),
    [
        ("vehicle", {"vin": "1m8gdm9axkp042788"}, "1M8GDM9AXKP042788"),
        (
            "vehicle",
            {"vin": "1M8GDM9AXKP042788", "plate": "ABC123", "plate_country": "LT"},
            "1M8GDM9AXKP042788",
        ),
        ("vehicle", {"vin": " ", "plate": "abc 123", "plate_country": "lt"}, "LT:ABC123"),
        ("vehicle", {"plate": "1234 AB-7", "plate_country": "BY"}, "BY:1234AB7"),
        ("phone", {"number": "8 600 12345"}, "+37060012345"),
        ("bank_account", {"iban": "lt12 1000 0111 0100 1000"}, "LT121000011101001000"),
        ("container", {"number": "csqu 305438 3"}, "CSQU3054383"),
        ("shipment", {"mrn": "24lt00000000000017"}, "24LT00000000000017"),
        ("email", {"address": "Officer@Muitine.LT"}, "Officer@muitine.lt"),
        (
            "identity_document",
            {"number": "12345678", "document_type": "passport", "country": "LT"},
            "LT:PASSPORT:12345678",
        ),
        ("Company", {"country": "lt", "registration_code": "302 451-236"}, "LT:302451236"),
        ("Person", {"personal_code": "387 0512 1234"}, "LT:38705121234"),
        (
            "Passport",
            {"number": "12345678", "document_type": "passport", "country": "LT"},
            "LT:PASSPORT:12345678",
        ),
        ("Organization", {"country": "DE", "registration_code": "VR 1"}, "DE:VR1"),
        ("company", {"country": "DE", "registration_code": "HRB 12345"}, "DE:HRB12345"),
        ("company", {"country": "LT"}, ""),
        ("company", {"country": "LT", "registration_code": " "}, ""),
        ("company", {"registration_code": "302451234"}, ""),
        ("vessel", {"imo": "IMO 9319466"}, "IMO9319466"),
        ("vessel", {"imo": "8814275"}, "IMO8814275"),
        ("vessel", {"imo": "imo-9319466"}, "IMO9319466"),
        ("vessel", {"imo": ""}, ""),
        ("vessel", {"name": "Baltic Star"}, ""),
        ("person", {"name": "Jonas Jonaitis"}, ""),
        ("address", {"street": "Vilniaus g. 1"}, ""),
    ],
)
def test_entity_key_dispatches_on_kind(kind: str, values: dict[str, str], expected: str) -> None:
    assert entity_key(kind, values) == expected


@pytest.mark.parametrize(
    ("kind", "values", "message"),
    [
        ("vehicle", {}, "A vehicle needs a VIN or a plate number."),
        ("vehicle", {"plate": "ABC123"}, "“plate_country” is needed to identify this entity."),
        (
            "vehicle",
            {"vin": "1M8GDM9A3KP042788", "plate": "ABC123", "plate_country": "LT"},
            "The VIN check digit is wrong: expected X, found 3.",
        ),
        ("phone", {}, "“number” is needed to identify this entity."),
        ("bank_account", {"iban": ""}, "“iban” is needed to identify this entity."),
        (
            "container",
            {"number": "CSQU3054384"},
            "The container check digit is wrong: expected 3, found 4.",
        ),
        ("shipment", {"number": "24LT00000000000017"}, "“mrn” is needed to identify this entity."),
        ("email", {"address": "nobody"}, "“nobody” has no “@” between the name and the domain."),
        (
            "identity_document",
            {"number": "12345678", "country": "LT"},
            "“document_type” is needed to identify this entity.",
        ),
        (
            "company",
            {"country": "XX", "registration_code": "302451234"},
            "“XX” is not an ISO 3166 two-letter country code, such as LT or PL.",
        ),
        (
            "company",
            {"country": "PL", "registration_code": "302/451"},
            "The registration code contains “/”; use only Latin letters and digits.",
        ),
        (
            "company",
            {"country": "PL", "registration_code": "1" * 31},
            "A registration code has at most 30 letters and digits; this one has 31.",
        ),
        (
            "Company",
            {"country": "LT", "registration_code": "302/451"},
            "A Lithuanian company code has only digits.",
        ),
        (
            "Company",
            {"country": "LT", "registration_code": "30245123"},
            "A Lithuanian company code has 9 digits; this one has 8.",
        ),
        (
            "Company",
            {"country": "LT", "registration_code": "302451234"},
            "The company code check digit is wrong: expected 6, found 4.",
        ),
        (
            "Person",
            {"personal_code": "38705121230"},
            "The personal code check digit is wrong: expected 4, found 0.",
        ),
        (
            "Person",
            {"personal_code": "3870512123"},
            "A Lithuanian personal code has 11 digits; this one has 10.",
        ),
        (
            "Person",
            {"personal_code": "78705121234"},
            "A Lithuanian personal code starts with 1 to 6 (century and sex), not 7.",
        ),
        ("Person", {"personal_code": "3870512123A"}, "A Lithuanian personal code has only digits."),
        (
            "Person",
            {"personal_code": "38713991237"},
            "The personal code does not hold a real date of birth (digits 2 to 7).",
        ),
        ("vessel", {"imo": "9319467"}, "The IMO check digit is wrong: expected 6, found 7."),
        ("vessel", {"imo": "IMO 931946"}, "An IMO number has 7 digits; this one has 6."),
        ("vessel", {"imo": "IMO 93194A6"}, "An IMO number has only digits, such as IMO 9319466."),
        ("vessel", {"imo": "IMO"}, "Enter the IMO number."),
        ("robot", {}, "“robot” is not a kind of entity."),
    ],
)
def test_entity_key_refuses_missing_or_bad_identifiers(
    kind: str, values: dict[str, str], message: str
) -> None:
    with raises(message):
        entity_key(kind, values)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: normalise_vin(""), "[lt] Enter the VIN."),
        (
            lambda: normalise_vin("1M8GDM9A3KP042788"),
            "[lt] The VIN check digit is wrong: expected X, found 3.",
        ),
        (
            lambda: normalise_plate("ABC123", "XX"),
            "[lt] “XX” is not an ISO 3166 two-letter country code, such as LT or PL.",
        ),
    ],
)
def test_messages_are_translated_before_the_values_are_filled_in(
    monkeypatch: pytest.MonkeyPatch, call: Callable[[], str], message: str
) -> None:
    monkeypatch.setattr("cases.lib.identifiers._", lambda msgid: f"[lt] {msgid}")
    with raises(message):
        call()
