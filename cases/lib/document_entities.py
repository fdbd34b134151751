"""Identifiers found in free text: plates, phone numbers, IBANs, e-mail addresses,
container numbers, HS codes, MRNs and dates (in numbers, or with the month's name in
English or Lithuanian), each with the sentence it stands in.

The text is read with its wrapped lines joined (``unwrapped``): pypdf ends every line of
a page with a line break and e-mails are hard-wrapped, so a value or a sentence may run
on to the next line.

Each candidate a pattern finds is checked by the registry's own validators
(cases/lib/identifiers.py: check digits of IBANs, containers and MRNs, libphonenumber's
metadata for phones), so "CSQU3054384" (a wrong check digit) is not offered. What needs
the database (HS codes that exist, names that match the registry) is checked by the
service (cases/services/documents/suggest.py). Pure: no database, no network.
"""

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import phonenumbers

from cases.lib.identifiers import (
    IdentifierError,
    normalise_container,
    normalise_email,
    normalise_iban,
    normalise_mrn,
    normalise_phone,
    normalise_plate,
)

SENTENCE_MAX = 600
# Found values kept per document and kind: a spreadsheet pasted into a PDF may hold
# thousands of numbers, and a suggestion list that long helps no one.
PER_KIND_MAX = 200

# A full stop ends a sentence, but not the one of a month's abbreviation ("3 Mar. 2026")
# nor of the Lithuanian year's "m." ("2026 m. KOVO 3 d.").
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.)(?<!\bSept\.)"
    r"(?<![0-9] [mM]\.)\s+(?=[A-ZĄČĘĖĮŠŲŪŽ0-9\"“(])|\n\s*\n|\r?\n(?=\S)"
)
# Line breaks. A line is taken as wrapped (its break read as a space) when the first word
# of the next line would not have fitted on it: a line the writer ended early (a heading,
# a list or a table's row, "Phone:" above its number, two plates one under the other)
# keeps its break, which ends a sentence. The width is the text's own: the length of its
# longer lines (the 90th percentile, so that one long line does not set it), at least
# WRAP_WIDTH_MIN characters (no one wraps narrower); fonts are proportional, so a line
# counts as full from WRAP_FULL of that width.
WRAP_WIDTH_MIN = 40
WRAP_FULL = 0.8
# A word's hyphen at the line's end (not a dash standing alone, " -").
_LINE_ENDS_HYPHENATED = re.compile(r"\w-$")
# After a sentence's end the break stays, except after a month's abbreviation or the
# Lithuanian year's "m.", which do not end a sentence (see _SENTENCE_END).
_LINE_ENDS_SENTENCE = re.compile(r"[.!?][\"'\u201d\u2019\u00bb)\]]*$")
_LINE_ENDS_ABBREVIATION = re.compile(
    r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|[0-9] [mM])\.$"
)
# So does a field of a form, a table's row or an e-mail's header: a label of one to three
# words and a colon ("Phone:", "Subject: ...").
_LINE_STARTS_FIELD = re.compile(r"[A-ZĄČĘĖĮŠŲŪŽ][\w.\-]*(?: [\w.\-]+){0,2}:(?:\s|$)")
# A list's item starts its own line: a bullet (a hyphen, dashes, dots, a star), "1." or
# "1)", "a)".
_LINE_STARTS_ITEM = re.compile(r"(?:[-\u2013\u2014\u2022\u00b7\u25aa*]|[0-9]{1,2}[.)]|[a-z]\))\s")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,24}\b")
_IBAN = re.compile(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_CONTAINER = re.compile(r"\b[A-Z]{3}[UJZR] ?[0-9]{6} ?[0-9]\b")
_MRN = re.compile(r"\b[0-9]{2}[A-Z]{2}[A-Z0-9]{14}\b")
# Lithuanian plates in their common form (three letters, three digits): other countries'
# plates are too like any short code to be told apart in prose.
_PLATE = re.compile(r"\b[A-Z]{3}[ \-]?[0-9]{3}\b")
# An HS code is a bare number, so only one introduced as such is taken.
_HS_CODE = re.compile(
    r"\b(?:HS|TARIC|CN|KN|SS)(?:[ \-]?(?:code|kodas|kodą|kodo))?[ \t:#.]*"
    r"([0-9]{4}(?:[ .]?[0-9]{2}){0,3})\b",
    re.IGNORECASE,
)
_DATE_ISO = re.compile(r"\b(20[0-9]{2}|19[0-9]{2})-([01][0-9])-([0-3][0-9])\b")
_DATE_EU = re.compile(r"\b([0-3]?[0-9])[./]([01]?[0-9])[./](20[0-9]{2}|19[0-9]{2})\b")
# Months by name: English in full or abbreviated ("3 March 2026", "March 3, 2026",
# "3 Mar. 2026", "3rd of March 2026"), and Lithuanian in the genitive a date takes
# ("2026 m. kovo 3 d."), with or without its diacritics (text typed without them).
_MONTHS_EN = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTHS_LT = {
    name: number
    for number, names in enumerate(
        (
            ("sausio",),
            ("vasario",),
            ("kovo",),
            ("balandžio", "balandzio"),
            ("gegužės", "geguzes"),
            ("birželio", "birzelio"),
            ("liepos",),
            ("rugpjūčio", "rugpjucio"),
            ("rugsėjo", "rugsejo"),
            ("spalio",),
            ("lapkričio", "lapkricio"),
            ("gruodžio", "gruodzio"),
        ),
        start=1,
    )
    for name in names
}


def _alternatives(names: dict[str, int]) -> str:
    return "|".join(sorted(names, key=len, reverse=True))


_YEAR = r"(20[0-9]{2}|19[0-9]{2})"
_DAY = r"([0-3]?[0-9])(?:st|nd|rd|th)?"
_MONTH_EN = rf"({_alternatives(_MONTHS_EN)})\.?"
_DATE_DAY_MONTH = re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH_EN}\s*,?\s+{_YEAR}\b", re.IGNORECASE)
_DATE_MONTH_DAY = re.compile(rf"\b{_MONTH_EN}\s+{_DAY}\s*,?\s+{_YEAR}\b", re.IGNORECASE)
_DATE_LT = re.compile(
    rf"\b{_YEAR}\s*m\.?\s+({_alternatives(_MONTHS_LT)})\s+([0-3]?[0-9])\s*d\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Found:
    kind: str  # a SuggestionKind value
    value: str  # normalised
    sentence: str


def _wrap_width(lines: list[str]) -> float:
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return WRAP_WIDTH_MIN
    return max(WRAP_WIDTH_MIN, lengths[int(0.9 * (len(lengths) - 1))])


def _wrapped(line: str, following: str, width: float) -> bool:
    """Whether the break between ``line`` and ``following`` (both not blank) is a wrap."""
    if _LINE_ENDS_SENTENCE.search(line) and not _LINE_ENDS_ABBREVIATION.search(line):
        return False
    following = following.lstrip()
    if _LINE_STARTS_ITEM.match(following) or _LINE_STARTS_FIELD.match(following):
        return False
    first_word = following.split(maxsplit=1)[0]
    return len(line) + 1 + len(first_word) > width * WRAP_FULL


def unwrapped(text: str) -> str:
    """``text`` with the line breaks of wrapped lines made spaces (see WRAP_WIDTH_MIN);
    blank lines and the breaks the writer made are kept. A word or identifier broken
    after its hyphen at a full line's end ("infor-" / "mation", a plate's "ABC-" / "123")
    is joined whole, hyphen kept and no space."""
    lines = [line.rstrip() for line in text.split("\n")]
    width = _wrap_width(lines)
    joined: list[str] = []
    glued = False  # the line before ended in a hyphen joined to this one
    for line, following in itertools.pairwise(lines):
        joined.append(line.lstrip() if glued else line)
        wrapped = bool(line.strip()) and bool(following.strip())
        wrapped = wrapped and _wrapped(line, following, width)
        glued = wrapped and bool(_LINE_ENDS_HYPHENATED.search(line))
        glued = glued and following.lstrip()[:1].isalnum()
        joined.append("" if glued else " " if wrapped else "\n")
    joined.append(lines[-1].lstrip() if glued else lines[-1])
    return "".join(joined)


def sentences(text: str) -> Iterator[str]:
    """The text's sentences, wrapped lines joined and whitespace folded, each at most
    SENTENCE_MAX characters."""
    for part in _SENTENCE_END.split(unwrapped(text)):
        folded = " ".join(part.split())
        if folded:
            yield folded[:SENTENCE_MAX]


def _checked(kind: str, raw: str) -> str | None:
    try:
        if kind == "email":
            return normalise_email(raw)
        if kind == "iban":
            return normalise_iban(raw)
        if kind == "container":
            return normalise_container(raw)
        if kind == "mrn":
            return normalise_mrn(raw)
        if kind == "plate":
            return normalise_plate(raw, "LT")
        if kind == "phone":
            return normalise_phone(raw)
    except IdentifierError:
        return None
    return None


def _dates(sentence: str) -> Iterator[str]:
    for year, month, day in _DATE_ISO.findall(sentence):
        yield from _date(int(year), int(month), int(day))
    for day, month, year in _DATE_EU.findall(sentence):
        yield from _date(int(year), int(month), int(day))
    for day, month, year in _DATE_DAY_MONTH.findall(sentence):
        yield from _date(int(year), _MONTHS_EN[month.lower()], int(day))
    for month, day, year in _DATE_MONTH_DAY.findall(sentence):
        yield from _date(int(year), _MONTHS_EN[month.lower()], int(day))
    for year, month, day in _DATE_LT.findall(sentence):
        yield from _date(int(year), _MONTHS_LT[month.lower()], int(day))


def _date(year: int, month: int, day: int) -> Iterator[str]:
    try:
        yield date(year, month, day).isoformat()
    except ValueError:
        return


def _phones(sentence: str) -> Iterator[str]:
    matcher = phonenumbers.PhoneNumberMatcher(sentence, "LT", leniency=phonenumbers.Leniency.VALID)
    for match in matcher:
        value = _checked("phone", match.raw_string)
        if value:
            yield value


def _in_sentence(sentence: str) -> Iterator[tuple[str, str]]:
    ibans: set[str] = set()
    for raw in _IBAN.findall(sentence):
        value = _checked("iban", raw)
        if value:
            ibans.add(value)
            yield "iban", value
    for kind, pattern in (("email", _EMAIL), ("container", _CONTAINER), ("mrn", _MRN)):
        for raw in pattern.findall(sentence):
            value = _checked(kind, raw)
            if value:
                yield kind, value
    for raw in _PLATE.findall(sentence):
        value = _checked("plate", raw)
        if value:
            yield "plate", value
    for value in _phones(sentence):
        # The digits of an IBAN or an MRN may also read as a phone number.
        if not any(value[1:] in iban for iban in ibans):
            yield "phone", value
    for raw in _HS_CODE.findall(sentence):
        digits = re.sub(r"[ .]", "", raw)
        yield "hs_code", digits[:6]
    for value in _dates(sentence):
        yield "date", value


def identifiers_find(text: str) -> list[Found]:
    """Every valid identifier and date in ``text`` once (the first sentence it is in),
    in the order they appear; at most PER_KIND_MAX of a kind."""
    seen: set[tuple[str, str]] = set()
    per_kind: dict[str, int] = {}
    found: list[Found] = []
    for sentence in sentences(text):
        for kind, value in _in_sentence(sentence):
            if (kind, value) in seen or per_kind.get(kind, 0) >= PER_KIND_MAX:
                continue
            seen.add((kind, value))
            per_kind[kind] = per_kind.get(kind, 0) + 1
            found.append(Found(kind=kind, value=value, sentence=sentence))
    return found


def names_in(text: str, names: dict[str, int]) -> list[Found]:
    """The registry names (lower-cased, mapped to their entity id) that ``text`` holds as
    whole words, each once with its first sentence; the value is the entity id."""
    found: list[Found] = []
    seen: set[int] = set()
    if not names:
        return found
    pattern = re.compile(
        r"(?<!\w)("
        + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        + r")(?!\w)",
        re.IGNORECASE,
    )
    for sentence in sentences(text):
        for match in pattern.finditer(sentence):
            entity_id = names[match.group(1).lower()]
            if entity_id not in seen:
                seen.add(entity_id)
                found.append(Found(kind="name", value=str(entity_id), sentence=sentence))
    return found
