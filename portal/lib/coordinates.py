"""Coordinates typed by officers: parsing and formatting in three coordinate systems.

Every parser returns a GEOS ``Point`` in SRID 4326 with x = longitude and y = latitude.

* ``dd``: decimal degrees, latitude first: ``54.6872, 25.2797``, ``54,6872; 25,2797``,
  ``N54.6872 E25.2797``, ``54.6872N 25.2797E``, ``-33.9 -70.6``.
* ``dms``: degrees, minutes and seconds (or degrees and decimal minutes):
  ``54°41'13.9"N 25°16'47.0"E``, ``54 41 13.9 N 25 16 47.0 E``, ``54d41m13.9s N ...``,
  ``54°41.232'N 25°16.783'E``; hemisphere letters before or after the numbers.
* ``lks94``: LKS-94 / EPSG:3346 metres, easting and northing: ``582000 6061000``,
  ``E 582000 N 6061000``, ``6061000 582000`` (a first number above 1,000,000 is a northing).

Commas: a comma between digits is a decimal comma when the two values are separated by a
semicolon, or by whitespace with no decimal point anywhere in the text
(``54,6872 25,2797``). Otherwise a comma separates the two values.

When both values carry hemisphere letters (or LKS-94 E/N labels) the letters decide which
value is which; without letters the order is latitude then longitude (easting then northing
for LKS-94, unless the first number is clearly a northing).

Every failure raises ``CoordinateError`` (a ``ValueError``) with a translated sentence that
can be shown to the officer as it is.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from django.contrib.gis.gdal import AxisOrder, CoordTransform, SpatialReference
from django.contrib.gis.geos import Point
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = [
    "CoordinateError",
    "CoordinateSystem",
    "parse_coordinates",
    "point_to_decimal",
    "point_to_dms",
    "point_to_lks94",
]


WGS84_SRID = 4326


LKS94_SRID = 3346


# A plausible LKS-94 extent: Lithuania with a generous margin around it.
LKS94_EASTING_RANGE = (150_000.0, 850_000.0)


LKS94_NORTHING_RANGE = (5_800_000.0, 6_400_000.0)


# An LKS-94 first number above this is a northing (eastings never come near it).
_NORTHING_THRESHOLD = 1_000_000.0


class CoordinateError(ValueError):
    """Coordinates that cannot be read; ``message`` is a translated sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CoordinateSystem(models.TextChoices):
    DECIMAL = "dd", _("Decimal degrees")
    DMS = "dms", _("Degrees, minutes, seconds")
    LKS94 = "lks94", _("LKS-94 (EPSG:3346)")


_EXAMPLES: dict[str, str] = {
    CoordinateSystem.DECIMAL.value: "54.6872, 25.2797",
    CoordinateSystem.DMS.value: "54°41'13.9\"N 25°16'47.0\"E",
    CoordinateSystem.LKS94.value: "582000 6061000",
}


def _fmt(value: float) -> str:
    """A number as the user would recognise it: no exponent, no trailing zeros."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d)")


_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-"})


def _normalise(text: str, example: str) -> str:
    """Unify minus signs and turn decimal commas into points.

    Commas that separate the two values are left as they are.
    """
    text = text.translate(_MINUS_SIGNS).strip()
    digit_commas = len(_DIGIT_COMMA.findall(text))
    if not digit_commas:
        return text
    if ";" in text:
        return _DIGIT_COMMA.sub(".", text)
    if text.count(",") > digit_commas:
        # A comma separates the two values, and another comma sits inside a number.
        raise CoordinateError(
            gettext(
                "Commas are ambiguous here: use a decimal point, or separate the two values "
                "with a semicolon, for example %(example)s."
            )
            % {"example": example}
        )
    if "." not in text and re.search(r"\s", text):
        return _DIGIT_COMMA.sub(".", text)
    return text


def _unreadable(char: str, example: str) -> CoordinateError:
    return CoordinateError(
        gettext("Could not read “%(char)s” in the coordinates. Type them like %(example)s.")
        % {"char": char, "example": example}
    )


def _wrong_count(count: int, system: str, example: str) -> CoordinateError:
    if system == CoordinateSystem.LKS94:
        if count < 2:
            message = gettext(
                "Enter two numbers, easting and northing in metres, for example %(example)s."
            )
        else:
            message = gettext(
                "Found %(count)d numbers; enter only easting and northing in metres, "
                "for example %(example)s."
            )
    elif count < 2:
        message = gettext("Enter both latitude and longitude, for example %(example)s.")
    else:
        message = gettext(
            "Found %(count)d values; enter only latitude and longitude, for example %(example)s."
        )
    return CoordinateError(message % {"count": count, "example": example})


_TOKEN = re.compile(
    r"""
    (?P<num>[+-]?\d+(?:\.\d+)?)
  | (?P<sec>''|\u2019\u2019|\u2032\u2032|\u2033|"|\u201d|\u201c|sec(?:onds?|s)?)
  | (?P<min>\u2032|'|\u2019|\u2018|\u00b4|`|min(?:utes?|s)?)
  | (?P<deg>\u00b0|\u00ba|\u02da|deg(?:rees?|s)?)
  | (?P<dletter>[dD])
  | (?P<mletter>[mM])
  | (?P<sletter>s)
  | (?P<hemi>[NSEWnew])
  | (?P<sep>[,;])
  | (?P<space>[\s:]+)
  | (?P<other>.)
    """,
    re.VERBOSE,
)


_SLOT_OF_MARK = {"deg": 0, "min": 1, "sec": 2, "dletter": 0, "mletter": 1}


# Marks that can follow a number given after a fractional one ("54.5°30'" is one bad value).
_LATER_MARKS = ("min", "sec", "mletter", "sletter")


@dataclass
class _Token:
    kind: str
    text: str
    attached: bool  # directly after a number, no space in between


@dataclass
class _Number:
    text: str
    slot: int
    marked: bool = False

    @property
    def value(self) -> float:
        return abs(float(self.text))

    @property
    def negative(self) -> bool:
        return self.text.startswith("-")

    @property
    def fractional(self) -> bool:
        return "." in self.text


@dataclass
class _Group:
    numbers: list[_Number] = field(default_factory=list)
    hemi: str | None = None

    @property
    def next_slot(self) -> int:
        return self.numbers[-1].slot + 1 if self.numbers else 0


def _tokenise(text: str, example: str) -> list[_Token]:
    tokens: list[_Token] = []
    previous_num_end = -1
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind == "space":
            continue
        if kind == "other":
            raise _unreadable(match.group(), example)
        attached = match.start() == previous_num_end
        if kind in ("dletter", "mletter") and not attached:
            raise _unreadable(match.group(), example)
        if kind == "sletter" and not attached:
            kind = "hemi"
        tokens.append(_Token(kind, match.group(), attached))
        previous_num_end = match.end() if kind == "num" else -1
    return tokens


def _group(tokens: list[_Token], example: str) -> list[_Group]:
    """Split the tokens into one group of degrees/minutes/seconds per value."""
    if len(tokens) > 1 and all(token.kind == "num" for token in tokens):
        # Bare numbers only: the first half is the latitude, the second the longitude.
        if len(tokens) % 2:
            raise CoordinateError(
                gettext(
                    "Could not tell where the latitude ends and the longitude begins; separate "
                    "them with a comma or add N and E, for example %(example)s."
                )
                % {"example": example}
            )
        half = len(tokens) // 2
        return [
            _Group([_Number(token.text, slot) for slot, token in enumerate(part)])
            for part in (tokens[:half], tokens[half:])
        ]

    groups: list[_Group] = []
    current = _Group()

    def close() -> None:
        nonlocal current
        if current.numbers or current.hemi:
            groups.append(current)
        current = _Group()

    closed_by_letter = False
    for index, token in enumerate(tokens):
        kind = token.kind
        after_letter, closed_by_letter = closed_by_letter, False
        if kind == "sletter":
            kind = "sec" if len(current.numbers) >= 2 else "hemi"
        if kind == "num":
            following = tokens[index + 1].kind if index + 1 < len(tokens) else ""
            if current.numbers and (
                (current.numbers[-1].fractional and following not in _LATER_MARKS)
                or current.next_slot > 2
                or following in ("deg", "dletter")
            ):
                close()
            current.numbers.append(_Number(token.text, current.next_slot))
        elif kind in _SLOT_OF_MARK:
            slot = _SLOT_OF_MARK[kind]
            if not current.numbers or current.numbers[-1].marked:
                raise _unreadable(token.text, example)
            number = current.numbers[-1]
            if slot < number.slot:
                raise CoordinateError(
                    gettext("Write degrees, then minutes, then seconds, for example %(example)s.")
                    % {"example": example}
                )
            number.slot = slot
            number.marked = True
        elif kind == "hemi":
            letter = token.text.upper()
            if not current.numbers:
                if current.hemi:
                    raise _unreadable(token.text, example)
                current.hemi = letter
            elif current.hemi is None:
                current.hemi = letter
                close()
                closed_by_letter = True
            else:
                close()
                current.hemi = letter
        elif kind == "sep":
            if not current.numbers and not after_letter:
                raise _unreadable(token.text, example)
            close()
    close()
    return groups


def _degrees(group: _Group, system: str, example: str) -> float:
    """The signed value of one group, in degrees (hemisphere letter not yet applied)."""
    numbers = group.numbers
    if not numbers:
        raise _wrong_count(1, system, example)
    if system == CoordinateSystem.DECIMAL and (len(numbers) > 1 or numbers[0].slot != 0):
        raise CoordinateError(
            gettext(
                "Decimal degrees have no minutes or seconds; for a value like %(example)s "
                "choose “Degrees, minutes, seconds”."
            )
            % {"example": _EXAMPLES[CoordinateSystem.DMS]}
        )
    if numbers[0].slot != 0:
        raise CoordinateError(
            gettext("Each value must start with degrees, for example %(example)s.")
            % {"example": example}
        )
    if any(number.fractional for number in numbers[:-1]):
        raise CoordinateError(
            gettext(
                "Only the last part of a value (degrees, minutes or seconds) may have decimals, "
                "for example %(example)s."
            )
            % {"example": example}
        )
    if any(number.negative for number in numbers[1:]):
        raise CoordinateError(gettext("Only degrees can have a minus sign."))
    total = 0.0
    for number in numbers:
        if number.slot == 1 and number.value >= 60:
            raise CoordinateError(
                gettext("Minutes must be below 60; %(value)s is not.")
                % {"value": _fmt(number.value)}
            )
        if number.slot == 2 and number.value >= 60:
            raise CoordinateError(
                gettext("Seconds must be below 60; %(value)s is not.")
                % {"value": _fmt(number.value)}
            )
        total += number.value / 60**number.slot
    if numbers[0].negative:
        total = -total
    if group.hemi:
        if numbers[0].negative:
            raise CoordinateError(
                gettext("Use either a minus sign or a hemisphere letter (%(letter)s), not both.")
                % {"letter": group.hemi}
            )
        if group.hemi in ("S", "W"):
            total = -total
    return total


def _axis(hemi: str | None) -> str | None:
    if hemi in ("N", "S"):
        return "lat"
    if hemi in ("E", "W"):
        return "lon"
    return None


def _parse_degrees(text: str, system: str, example: str) -> Point:
    tokens = _tokenise(text, example)
    groups = _group(tokens, example)
    if len(groups) != 2:
        raise _wrong_count(len(groups), system, example)
    first, second = groups
    values = [_degrees(first, system, example), _degrees(second, system, example)]
    axes = (_axis(first.hemi), _axis(second.hemi))
    if axes[0] is not None and axes[0] == axes[1]:
        if axes[0] == "lat":
            raise CoordinateError(gettext("Both values are marked as latitude (N/S)."))
        raise CoordinateError(gettext("Both values are marked as longitude (E/W)."))
    if axes[0] == "lon" or axes[1] == "lat":
        values.reverse()
    latitude, longitude = values
    if abs(latitude) > 1000 and abs(longitude) > 1000:
        raise CoordinateError(
            gettext(
                "These look like LKS-94 metres, not degrees; choose “LKS-94 (EPSG:3346)” "
                "for a value like %(example)s."
            )
            % {"example": _EXAMPLES[CoordinateSystem.LKS94]}
        )
    if not -90 <= latitude <= 90:
        raise CoordinateError(
            gettext("Latitude must be between -90 and 90; %(value)s is not.")
            % {"value": _fmt(latitude)}
        )
    if not -180 <= longitude <= 180:
        raise CoordinateError(
            gettext("Longitude must be between -180 and 180; %(value)s is not.")
            % {"value": _fmt(longitude)}
        )
    return Point(longitude, latitude, srid=WGS84_SRID)


_LKS_TOKEN = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)|(?P<label>[EeNn])|(?P<unit>m\b)|(?P<sep>[,;])|(?P<space>[\s:=]+)"
    r"|(?P<other>.)"
)


def _parse_lks94(text: str, example: str) -> Point:
    tokens = [
        (match.lastgroup or "other", match.group())
        for match in _LKS_TOKEN.finditer(text)
        if match.lastgroup not in ("space", "unit")
    ]
    for kind, value in tokens:
        if kind == "other":
            if value == "-":
                raise CoordinateError(gettext("LKS-94 coordinates cannot be negative."))
            raise _unreadable(value, example)

    numbers: list[float] = []
    labels: list[str | None] = []
    prefix_labels = bool(tokens) and tokens[0][0] == "label"
    pending: str | None = None
    for kind, value in tokens:
        if kind == "num":
            numbers.append(float(value))
            labels.append(pending)
            pending = None
        elif kind == "label":
            label = value.upper()
            if prefix_labels:
                if pending is not None:
                    raise _unreadable(value, example)
                pending = label
            else:
                if not numbers or labels[-1] is not None:
                    raise _unreadable(value, example)
                labels[-1] = label
        elif kind == "sep" and (pending is not None or not numbers):
            raise _unreadable(value, example)
    if pending is not None:
        raise _unreadable(pending, example)
    if len(numbers) != 2:
        raise _wrong_count(len(numbers), CoordinateSystem.LKS94, example)

    first, second = numbers
    if labels[0] is not None and labels[0] == labels[1]:
        raise CoordinateError(
            gettext("Both numbers are labelled %(label)s; label one E (easting) and one N.")
            % {"label": labels[0]}
        )
    if labels[0] == "N" or labels[1] == "E":
        easting, northing = second, first
    elif labels[0] == "E" or labels[1] == "N":
        easting, northing = first, second
    elif first > _NORTHING_THRESHOLD:
        easting, northing = second, first
    else:
        easting, northing = first, second
    if any(labels) and easting > _NORTHING_THRESHOLD >= northing:
        raise CoordinateError(
            gettext(
                "Easting %(easting)s looks like a northing; check the E and N labels "
                "(easting about 300000 to 700000, northing about 5970000 to 6260000)."
            )
            % {"easting": _fmt(easting)}
        )

    low, high = LKS94_EASTING_RANGE
    if not low <= easting <= high:
        raise CoordinateError(
            gettext(
                "LKS-94 easting must be between %(low)d and %(high)d metres, around Lithuania; "
                "%(value)s is outside."
            )
            % {"low": low, "high": high, "value": _fmt(easting)}
        )
    low, high = LKS94_NORTHING_RANGE
    if not low <= northing <= high:
        raise CoordinateError(
            gettext(
                "LKS-94 northing must be between %(low)d and %(high)d metres, around Lithuania; "
                "%(value)s is outside."
            )
            % {"low": low, "high": high, "value": _fmt(northing)}
        )
    point = Point(easting, northing, srid=LKS94_SRID)
    point.transform(_transforms().lks94_to_wgs84)
    point.srid = WGS84_SRID
    return point


class _Transforms(threading.local):
    """GDAL coordinate transformations are not thread-safe: one set per thread."""

    def __init__(self) -> None:
        # Traditional GIS order (x = longitude/easting, y = latitude/northing), whatever
        # the EPSG definition says; GDAL 3 would otherwise put latitude first for 4326.
        wgs84 = SpatialReference(WGS84_SRID, axis_order=AxisOrder.TRADITIONAL)
        lks94 = SpatialReference(LKS94_SRID, axis_order=AxisOrder.TRADITIONAL)
        self.lks94_to_wgs84 = CoordTransform(lks94, wgs84)
        self.wgs84_to_lks94 = CoordTransform(wgs84, lks94)


_thread_transforms: list[_Transforms] = []


_lock = threading.Lock()


def _transforms() -> _Transforms:
    """The per-thread transformations, created on first use (not at import time)."""
    if not _thread_transforms:
        with _lock:
            if not _thread_transforms:
                _thread_transforms.append(_Transforms())
    return _thread_transforms[0]


def _lon_lat(point: Point) -> tuple[float, float]:
    """Longitude and latitude of ``point``; a point in another SRID is transformed first."""
    if point.empty:
        raise CoordinateError(gettext("The point has no coordinates."))
    srid = point.srid
    if srid is None or srid == WGS84_SRID:
        return float(point.x), float(point.y)
    source = SpatialReference(srid, axis_order=AxisOrder.TRADITIONAL)
    target = SpatialReference(WGS84_SRID, axis_order=AxisOrder.TRADITIONAL)
    transformed = Point(point.x, point.y, srid=srid)
    transformed.transform(CoordTransform(source, target))
    return float(transformed.x), float(transformed.y)


def parse_coordinates(text: str, system: str) -> Point:
    """Read coordinates typed in ``system`` (a ``CoordinateSystem`` value).

    Returns a ``Point`` in SRID 4326 (x = longitude, y = latitude); raises
    ``CoordinateError`` with a message for the user when the text cannot be used.
    """
    if system not in CoordinateSystem.values:
        raise CoordinateError(
            gettext("Unknown coordinate system “%(system)s”.") % {"system": system}
        )
    system = CoordinateSystem(system).value
    example = _EXAMPLES[system]
    if not text or not text.strip():
        raise CoordinateError(
            gettext("Enter coordinates, for example %(example)s.") % {"example": example}
        )
    normalised = _normalise(text, example)
    if system == CoordinateSystem.LKS94:
        return _parse_lks94(normalised, example)
    return _parse_degrees(normalised, system, example)


def point_to_decimal(point: Point) -> str:
    """``"54.687200, 25.279700"``: latitude, longitude, six decimals."""
    longitude, latitude = _lon_lat(point)
    return f"{_no_negative_zero(latitude, 6):.6f}, {_no_negative_zero(longitude, 6):.6f}"


def point_to_dms(point: Point) -> str:
    """``54°41'13.9"N 25°16'47.0"E``: seconds to one decimal."""
    longitude, latitude = _lon_lat(point)
    return f"{_dms(latitude, 'N', 'S')} {_dms(longitude, 'E', 'W')}"


def point_to_lks94(point: Point) -> tuple[int, int]:
    """(easting, northing) in LKS-94 / EPSG:3346, rounded to whole metres."""
    longitude, latitude = _lon_lat(point)
    projected = Point(longitude, latitude, srid=WGS84_SRID)
    projected.transform(_transforms().wgs84_to_lks94)
    return round(projected.x), round(projected.y)


def _no_negative_zero(value: float, digits: int) -> float:
    return 0.0 if round(value, digits) == 0 else value


def _dms(value: float, positive: str, negative: str) -> str:
    tenths = round(abs(value) * 36_000)  # tenths of a second, so 59.95" carries over
    degrees, rest = divmod(tenths, 36_000)
    minutes, tenth_seconds = divmod(rest, 600)
    letter = negative if value < 0 and tenths else positive
    return f"{degrees}°{minutes:02d}'{tenth_seconds / 10:04.1f}\"{letter}"
