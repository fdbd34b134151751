"""Coordinates typed by officers: decimal degrees, degrees-minutes-seconds and LKS-94.

Reference points: Vilnius Cathedral (54.68567 N, 25.28775 E), the Medininkai border crossing
(54.5395 N, 25.6536 E) and the port of Klaipėda (55.7033 N, 21.1322 E). Their LKS-94 values
below were computed once with GDAL (PROJ) and are cross-checked here against an independent,
pure-Python Transverse Mercator (Krüger series), so neither can drift unnoticed.
"""

import math
import threading

import pytest
from django.contrib.gis.geos import Point

from portal.lib import coordinates
from portal.lib.coordinates import (
    CoordinateError,
    CoordinateSystem,
    parse_coordinates,
    point_to_decimal,
    point_to_dms,
    point_to_lks94,
)

DD = CoordinateSystem.DECIMAL.value
DMS = CoordinateSystem.DMS.value
LKS = CoordinateSystem.LKS94.value

# (name, latitude, longitude, LKS-94 easting/northing in metres as GDAL gives them)
REFERENCE_POINTS = [
    ("vilnius-cathedral", 54.68567, 25.28775, 583032.496193, 6061787.905669),
    ("medininkai", 54.5395, 25.6536, 607002.932533, 6046016.424842),
    ("klaipeda-port", 55.7033, 21.1322, 319765.143891, 6178021.214643),
]
REFERENCE_IDS = [name for name, *_ in REFERENCE_POINTS]

# 582000 6061000, the LKS-94 example, in degrees (GDAL).
EXAMPLE_LAT, EXAMPLE_LON = 54.678761, 25.271520


def tm_lks94(latitude: float, longitude: float) -> tuple[float, float]:
    """LKS-94 (GRS80, central meridian 24°E, scale 0.9998, false easting 500 km) by hand.

    Krüger's series to n^4: millimetre-accurate across Lithuania; no GDAL, no pyproj.
    """
    a, f = 6378137.0, 1 / 298.257222101
    k0, lon0, false_easting = 0.9998, 24.0, 500_000.0
    n = f / (2 - f)
    big_a = a / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    alpha = [
        n / 2 - 2 * n**2 / 3 + 5 * n**3 / 16 + 41 * n**4 / 180,
        13 * n**2 / 48 - 3 * n**3 / 5 + 557 * n**4 / 1440,
        61 * n**3 / 240 - 103 * n**4 / 140,
        49561 * n**4 / 161280,
    ]
    e = math.sqrt(f * (2 - f))
    phi, lam = math.radians(latitude), math.radians(longitude - lon0)
    t = math.sinh(math.atanh(math.sin(phi)) - e * math.atanh(e * math.sin(phi)))
    xi = math.atan2(t, math.cos(lam))
    eta = math.atanh(math.sin(lam) / math.sqrt(1 + t * t))
    x = eta + sum(
        a_j * math.cos(2 * j * xi) * math.sinh(2 * j * eta) for j, a_j in enumerate(alpha, 1)
    )
    y = xi + sum(
        a_j * math.sin(2 * j * xi) * math.cosh(2 * j * eta) for j, a_j in enumerate(alpha, 1)
    )
    return false_easting + k0 * big_a * x, k0 * big_a * y


def meridian_arc(latitude: float) -> float:
    """Distance along the GRS80 meridian from the equator (Helmert's series), in metres."""
    a, f = 6378137.0, 1 / 298.257222101
    e2 = f * (2 - f)
    a0 = 1 - e2 / 4 - 3 * e2**2 / 64 - 5 * e2**3 / 256
    a2 = 3 / 8 * (e2 + e2**2 / 4 + 15 * e2**3 / 128)
    a4 = 15 / 256 * (e2**2 + 3 * e2**3 / 4)
    a6 = 35 * e2**3 / 3072
    phi = math.radians(latitude)
    return a * (a0 * phi - a2 * math.sin(2 * phi) + a4 * math.sin(4 * phi) - a6 * math.sin(6 * phi))


def assert_lat_lon(point: Point, latitude: float, longitude: float, tolerance: float) -> None:
    assert point.srid == 4326
    assert point.y == pytest.approx(latitude, abs=tolerance)
    assert point.x == pytest.approx(longitude, abs=tolerance)


def error_for(text: str, system: str) -> str:
    with pytest.raises(CoordinateError) as excinfo:
        parse_coordinates(text, system)
    return excinfo.value.message


# ------------------------------------------------------------------ the API itself


def test_coordinate_systems_have_the_agreed_values_and_labels():
    assert [(choice.value, str(choice.label)) for choice in CoordinateSystem] == [
        ("dd", "Decimal degrees"),
        ("dms", "Degrees, minutes, seconds"),
        ("lks94", "LKS-94 (EPSG:3346)"),
    ]


def test_coordinate_error_is_a_value_error_carrying_its_message():
    with pytest.raises(ValueError, match=r"^Enter coordinates, for example 54\.6872, 25\.2797\.$"):
        parse_coordinates("", DD)


def test_messages_go_through_gettext_when_raised(monkeypatch):
    monkeypatch.setattr(coordinates, "gettext", lambda message: "[lt] " + message)
    assert error_for("54.6872, 254.2", DD) == (
        "[lt] Longitude must be between -180 and 180; 254.2 is not."
    )


def test_the_system_may_be_given_as_a_choice_member():
    point = parse_coordinates("54.6872, 25.2797", CoordinateSystem.DECIMAL)
    assert_lat_lon(point, 54.6872, 25.2797, 1e-12)


def test_an_unknown_system_is_refused():
    assert error_for("54.6872, 25.2797", "utm") == "Unknown coordinate system “utm”."


# ------------------------------------------------------------------ decimal degrees


@pytest.mark.parametrize(
    ("text", "latitude", "longitude"),
    [
        ("54.6872, 25.2797", 54.6872, 25.2797),
        ("54.6872,25.2797", 54.6872, 25.2797),
        ("54.6872 25.2797", 54.6872, 25.2797),
        ("  54.6872\t25.2797  ", 54.6872, 25.2797),
        ("54,6872; 25,2797", 54.6872, 25.2797),
        ("54,6872 25,2797", 54.6872, 25.2797),
        ("54.6872; 25.2797", 54.6872, 25.2797),
        ("N54.6872 E25.2797", 54.6872, 25.2797),
        ("N 54.6872, E 25.2797", 54.6872, 25.2797),
        ("54.6872N 25.2797E", 54.6872, 25.2797),
        ("54.6872 N, 25.2797 E", 54.6872, 25.2797),
        ("54.6872°N 25.2797°E", 54.6872, 25.2797),
        ("54.6872n 25.2797e", 54.6872, 25.2797),
        # Letters decide when both are given, whatever the order.
        ("E25.2797 N54.6872", 54.6872, 25.2797),
        ("54.6872 S, 25.2797 W", -54.6872, -25.2797),
        ("-33.8688, 151.2093", -33.8688, 151.2093),
        ("-33,8688; -70,6693", -33.8688, -70.6693),
        ("54.6872, \u221225.2797", 54.6872, -25.2797),  # a typographic minus sign
        ("+54.6872, +25.2797", 54.6872, 25.2797),
        ("54, 25", 54.0, 25.0),
        ("90, 180", 90.0, 180.0),
        ("-90, -180", -90.0, -180.0),
        ("54.68567, 25.28775", 54.68567, 25.28775),
        ("55.7033 21.1322", 55.7033, 21.1322),
    ],
)
def test_decimal_degrees_are_read_latitude_first(text, latitude, longitude):
    assert_lat_lon(parse_coordinates(text, DD), latitude, longitude, 1e-12)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter coordinates, for example 54.6872, 25.2797."),
        ("   ", "Enter coordinates, for example 54.6872, 25.2797."),
        ("154.2, 25.2797", "Latitude must be between -90 and 90; 154.2 is not."),
        ("-90.5 25", "Latitude must be between -90 and 90; -90.5 is not."),
        ("54.6872, 254.2", "Longitude must be between -180 and 180; 254.2 is not."),
        ("54.6872 S, 181 W", "Longitude must be between -180 and 180; -181 is not."),
        ("54.6872", "Enter both latitude and longitude, for example 54.6872, 25.2797."),
        (
            "54.6872, 25.2797, 12",
            "Found 3 values; enter only latitude and longitude, for example 54.6872, 25.2797.",
        ),
        (
            "54,6872, 25,2797",
            "Commas are ambiguous here: use a decimal point, or separate the two values with a "
            "semicolon, for example 54.6872, 25.2797.",
        ),
        (
            "lat 54.6872",
            "Could not read “l” in the coordinates. Type them like 54.6872, 25.2797.",
        ),
        (
            "54.6872 / 25.2797",
            "Could not read “/” in the coordinates. Type them like 54.6872, 25.2797.",
        ),
        (
            ", 54.6872 25.2797",
            "Could not read “,” in the coordinates. Type them like 54.6872, 25.2797.",
        ),
        ("N54.6872 N25.2797", "Both values are marked as latitude (N/S)."),
        ("E54.6872, W25.2797", "Both values are marked as longitude (E/W)."),
        ("-54.6872 S, 25.2797", "Use either a minus sign or a hemisphere letter (S), not both."),
        (
            "54°41'13.9\"N 25°16'47.0\"E",
            "Decimal degrees have no minutes or seconds; for a value like "
            "54°41'13.9\"N 25°16'47.0\"E choose “Degrees, minutes, seconds”.",
        ),
        (
            "582000 6061000",
            "These look like LKS-94 metres, not degrees; choose “LKS-94 (EPSG:3346)” for a "
            "value like 582000 6061000.",
        ),
    ],
)
def test_bad_decimal_degrees_say_what_is_wrong(text, message):
    assert error_for(text, DD) == message


# ------------------------------------------------------- degrees, minutes, seconds

CATHEDRAL_DMS_LAT = 54 + 41 / 60 + 13.9 / 3600
CATHEDRAL_DMS_LON = 25 + 16 / 60 + 47.0 / 3600


@pytest.mark.parametrize(
    "text",
    [
        "54°41'13.9\"N 25°16'47.0\"E",
        "54°41'13.9\"N, 25°16'47.0\"E",
        "54° 41' 13.9\" N 25° 16' 47.0\" E",
        "N54°41'13.9\" E25°16'47.0\"",
        "N 54°41'13.9\", E 25°16'47.0\"",
        "54°41\u203213.9\u2033N 25°16\u203247.0\u2033E",  # primes
        "54°41\u201913.9\u201dN 25°16\u201947.0\u201dE",  # a phone's curly quotes
        "54°41'13.9''N 25°16'47.0''E",
        "54 41 13.9 N 25 16 47.0 E",
        "54 41 13.9 N, 25 16 47.0 E",
        "N 54 41 13.9 E 25 16 47.0",
        "54 41 13.9 25 16 47.0",
        "54 41 13.9, 25 16 47.0",
        "54 41 13,9 N 25 16 47,0 E",
        "54 41 13,9; 25 16 47,0",
        "54d41m13.9s N 25d16m47.0s E",
        "54d41m13.9sN 25d16m47.0sE",
        "54deg 41min 13.9sec N 25deg 16min 47sec E",
        "54:41:13.9 N 25:16:47.0 E",
        "25°16'47.0\"E 54°41'13.9\"N",
    ],
)
def test_degrees_minutes_seconds_in_their_many_spellings(text):
    assert_lat_lon(parse_coordinates(text, DMS), CATHEDRAL_DMS_LAT, CATHEDRAL_DMS_LON, 1e-12)


@pytest.mark.parametrize(
    ("text", "latitude", "longitude"),
    [
        ("54°41.232'N 25°16.783'E", 54 + 41.232 / 60, 25 + 16.783 / 60),
        ("N54°41.232' E25°16.783'", 54 + 41.232 / 60, 25 + 16.783 / 60),
        ("54 41.232 N 25 16.783 E", 54 + 41.232 / 60, 25 + 16.783 / 60),
        ("54 41 25 16", 54 + 41 / 60, 25 + 16 / 60),
        ("54°N 25°E", 54.0, 25.0),
        ("54.6872°N 25.2797°E", 54.6872, 25.2797),
        ("54°41'13.9\"S 25°16'47.0\"W", -CATHEDRAL_DMS_LAT, -CATHEDRAL_DMS_LON),
        ("54 41 13.9 s 25 16 47.0 w", -CATHEDRAL_DMS_LAT, -CATHEDRAL_DMS_LON),
        ("-54°41'13.9\" -25°16'47.0\"", -CATHEDRAL_DMS_LAT, -CATHEDRAL_DMS_LON),
        ("-0°30'00\" 0°30'00\"", -0.5, 0.5),
        ("55°42'11.9\"N 21°07'55.9\"E", 55 + 42 / 60 + 11.9 / 3600, 21 + 7 / 60 + 55.9 / 3600),
    ],
)
def test_decimal_minutes_signs_and_hemispheres(text, latitude, longitude):
    assert_lat_lon(parse_coordinates(text, DMS), latitude, longitude, 1e-12)


DMS_EXAMPLE = "54°41'13.9\"N 25°16'47.0\"E"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f"Enter coordinates, for example {DMS_EXAMPLE}."),
        ("54°61'13.9\"N 25°16'47.0\"E", "Minutes must be below 60; 61 is not."),
        ("54°41'13.9\"N 25°60'47.0\"E", "Minutes must be below 60; 60 is not."),
        ("54°41'60\"N 25°16'47.0\"E", "Seconds must be below 60; 60 is not."),
        ("54 41 75.5 N 25 16 47 E", "Seconds must be below 60; 75.5 is not."),
        ("95°41'13.9\"N 25°16'47.0\"E", "Latitude must be between -90 and 90; 95.687194 is not."),
        (
            "54°41'13.9\"N 185°16'47.0\"E",
            "Longitude must be between -180 and 180; 185.279722 is not.",
        ),
        (
            "54.5°30'N 25°E",
            "Only the last part of a value (degrees, minutes or seconds) may have decimals, "
            f"for example {DMS_EXAMPLE}.",
        ),
        ("54°-41'N 25°16'E", "Only degrees can have a minus sign."),
        ("-54°41'S 25°16'E", "Use either a minus sign or a hemisphere letter (S), not both."),
        ("54°41'13.9\"N 25°16'47.0\"S", "Both values are marked as latitude (N/S)."),
        (
            "41'13.9\"N 25°16'47.0\"E",
            f"Each value must start with degrees, for example {DMS_EXAMPLE}.",
        ),
        (
            "54 41 13' N 25 16 E",
            f"Write degrees, then minutes, then seconds, for example {DMS_EXAMPLE}.",
        ),
        (
            "54 41 13 25 16",
            "Could not tell where the latitude ends and the longitude begins; separate them "
            f"with a comma or add N and E, for example {DMS_EXAMPLE}.",
        ),
        (
            "54°41'13.9\"N",
            f"Enter both latitude and longitude, for example {DMS_EXAMPLE}.",
        ),
        (
            "54°41'13.9\"N 25°16'47.0\"E 3°",
            f"Found 3 values; enter only latitude and longitude, for example {DMS_EXAMPLE}.",
        ),
        (
            "54°41'13.9\"Š 25°16'47.0\"R",
            f"Could not read “Š” in the coordinates. Type them like {DMS_EXAMPLE}.",
        ),
        (
            "54 x 41",
            f"Could not read “x” in the coordinates. Type them like {DMS_EXAMPLE}.",
        ),
    ],
)
def test_bad_degrees_minutes_seconds_say_what_is_wrong(text, message):
    assert error_for(text, DMS) == message


# ------------------------------------------------------------------------ LKS-94


@pytest.mark.parametrize(
    "text",
    [
        "582000 6061000",
        "582000, 6061000",
        "582000,6061000",
        "582000; 6061000",
        "582000\t6061000",
        "E 582000 N 6061000",
        "E582000, N6061000",
        "e: 582000 n: 6061000",
        "582000E 6061000N",
        "582000 m 6061000 m",
        "N 6061000 E 582000",
        "6061000 582000",  # a first number above 1,000,000 is a northing
        "6061000, 582000",
        "582000.0 6061000.0",
        "582000,0; 6061000,0",
        "582000,0 6061000,0",
    ],
)
def test_lks94_is_read_as_easting_and_northing(text):
    point = parse_coordinates(text, LKS)
    assert_lat_lon(point, EXAMPLE_LAT, EXAMPLE_LON, 1e-6)
    assert point_to_lks94(point) == (582000, 6061000)


LKS_EXAMPLE = "582000 6061000"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f"Enter coordinates, for example {LKS_EXAMPLE}."),
        (
            "582000",
            f"Enter two numbers, easting and northing in metres, for example {LKS_EXAMPLE}.",
        ),
        (
            "582 000 6 061 000",
            "Found 5 numbers; enter only easting and northing in metres, "
            f"for example {LKS_EXAMPLE}.",
        ),
        (
            "100000 6061000",
            "LKS-94 easting must be between 150000 and 850000 metres, around Lithuania; "
            "100000 is outside.",
        ),
        (
            "900000.5 6061000",
            "LKS-94 easting must be between 150000 and 850000 metres, around Lithuania; "
            "900000.5 is outside.",
        ),
        (
            "582000 5700000",
            "LKS-94 northing must be between 5800000 and 6400000 metres, around Lithuania; "
            "5700000 is outside.",
        ),
        (
            "582000 60610",
            "LKS-94 northing must be between 5800000 and 6400000 metres, around Lithuania; "
            "60610 is outside.",
        ),
        ("-582000 6061000", "LKS-94 coordinates cannot be negative."),
        (
            "N 582000 E 6061000",
            "Easting 6061000 looks like a northing; check the E and N labels (easting about "
            "300000 to 700000, northing about 5970000 to 6260000).",
        ),
        ("E 582000 E 6061000", "Both numbers are labelled E; label one E (easting) and one N."),
        (
            "X 6061000 Y 582000",
            f"Could not read “X” in the coordinates. Type them like {LKS_EXAMPLE}.",
        ),
        (
            "54.6872, 25.2797",
            "LKS-94 easting must be between 150000 and 850000 metres, around Lithuania; "
            "54.6872 is outside.",
        ),
        (
            "582000,0, 6061000,0",
            "Commas are ambiguous here: use a decimal point, or separate the two values with a "
            f"semicolon, for example {LKS_EXAMPLE}.",
        ),
    ],
)
def test_bad_lks94_says_what_is_wrong(text, message):
    assert error_for(text, LKS) == message


@pytest.mark.parametrize(
    ("name", "latitude", "longitude", "easting", "northing"), REFERENCE_POINTS, ids=REFERENCE_IDS
)
def test_gdal_agrees_with_the_transverse_mercator_by_hand(
    name, latitude, longitude, easting, northing
):
    by_hand = tm_lks94(latitude, longitude)
    assert by_hand == pytest.approx((easting, northing), abs=0.005)
    assert point_to_lks94(Point(longitude, latitude, srid=4326)) == (
        round(by_hand[0]),
        round(by_hand[1]),
    )


def test_a_point_on_the_central_meridian():
    """On 24°E the easting is the false easting and the northing is the meridian arc
    scaled by 0.9998 (6097230 m unscaled at 55°N, so about 6096011 m)."""
    expected_northing = meridian_arc(55.0) * 0.9998
    assert expected_northing == pytest.approx(6096010.87, abs=0.01)
    easting, northing = point_to_lks94(Point(24.0, 55.0, srid=4326))
    assert easting == pytest.approx(500000, abs=1)
    assert northing == pytest.approx(expected_northing, abs=1)
    assert_lat_lon(parse_coordinates("500000 6096010.867", LKS), 55.0, 24.0, 1e-8)


@pytest.mark.parametrize(
    ("name", "latitude", "longitude", "easting", "northing"), REFERENCE_POINTS, ids=REFERENCE_IDS
)
def test_lks94_metres_to_degrees_match_the_reference(name, latitude, longitude, easting, northing):
    point = parse_coordinates(f"{easting:.3f} {northing:.3f}", LKS)
    assert_lat_lon(point, latitude, longitude, 1e-7)


@pytest.mark.parametrize(
    ("name", "latitude", "longitude", "easting", "northing"), REFERENCE_POINTS, ids=REFERENCE_IDS
)
def test_lks94_round_trip_from_metres(name, latitude, longitude, easting, northing):
    typed = (round(easting), round(northing))
    point = parse_coordinates(f"{typed[0]} {typed[1]}", LKS)
    back = point_to_lks94(point)
    assert abs(back[0] - typed[0]) <= 1
    assert abs(back[1] - typed[1]) <= 1
    again = parse_coordinates(f"{back[0]} {back[1]}", LKS)
    assert_lat_lon(again, point.y, point.x, 1e-6)


@pytest.mark.parametrize(
    ("name", "latitude", "longitude", "easting", "northing"), REFERENCE_POINTS, ids=REFERENCE_IDS
)
def test_lks94_round_trip_from_degrees(name, latitude, longitude, easting, northing):
    point = Point(longitude, latitude, srid=4326)
    # Whole metres lose up to 0.71 m, about 1e-5 of a degree.
    assert_lat_lon(
        parse_coordinates("{} {}".format(*point_to_lks94(point)), LKS), latitude, longitude, 1e-5
    )
    # With the millimetres kept, the way back is exact to 1e-6 of a degree and better.
    by_hand = tm_lks94(latitude, longitude)
    assert_lat_lon(
        parse_coordinates(f"{by_hand[0]:.3f}; {by_hand[1]:.3f}", LKS), latitude, longitude, 1e-6
    )


def test_transformations_work_in_other_threads():
    results: list[tuple[int, int]] = []
    worker = threading.Thread(
        target=lambda: results.append(point_to_lks94(parse_coordinates(LKS_EXAMPLE, LKS)))
    )
    worker.start()
    worker.join()
    assert results == [(582000, 6061000)]


# -------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("latitude", "longitude", "dms", "decimal"),
    [
        (54.6872, 25.2797, "54°41'13.9\"N 25°16'46.9\"E", "54.687200, 25.279700"),
        (CATHEDRAL_DMS_LAT, CATHEDRAL_DMS_LON, DMS_EXAMPLE, "54.687194, 25.279722"),
        (54.68567, 25.28775, "54°41'08.4\"N 25°17'15.9\"E", "54.685670, 25.287750"),
        (54.5395, 25.6536, "54°32'22.2\"N 25°39'13.0\"E", "54.539500, 25.653600"),
        (55.7033, 21.1322, "55°42'11.9\"N 21°07'55.9\"E", "55.703300, 21.132200"),
        (-33.8688, 151.2093, "33°52'07.7\"S 151°12'33.5\"E", "-33.868800, 151.209300"),
        (40.4168, -3.7038, "40°25'00.5\"N 3°42'13.7\"W", "40.416800, -3.703800"),
        (0.0, 0.0, "0°00'00.0\"N 0°00'00.0\"E", "0.000000, 0.000000"),
        (-0.0000001, -0.0000001, "0°00'00.0\"N 0°00'00.0\"E", "0.000000, 0.000000"),
        # 59.96" rounds up into the next minute, and 59'59.96" into the next degree.
        (54 + 59 / 60 + 59.96 / 3600, 25.0, "55°00'00.0\"N 25°00'00.0\"E", "54.999989, 25.000000"),
        (90.0, -180.0, "90°00'00.0\"N 180°00'00.0\"W", "90.000000, -180.000000"),
    ],
)
def test_points_are_formatted(latitude, longitude, dms, decimal):
    point = Point(longitude, latitude, srid=4326)
    assert point_to_dms(point) == dms
    assert point_to_decimal(point) == decimal


def test_a_point_in_lks94_is_formatted_in_degrees():
    point = Point(583032.496193, 6061787.905669, srid=3346)
    assert point_to_decimal(point) == "54.685670, 25.287750"
    assert point_to_dms(point) == "54°41'08.4\"N 25°17'15.9\"E"
    assert point_to_lks94(point) == (583032, 6061788)


def test_a_point_without_srid_is_taken_as_degrees():
    assert point_to_decimal(Point(25.2797, 54.6872)) == "54.687200, 25.279700"


def test_an_empty_point_is_refused():
    with pytest.raises(CoordinateError) as excinfo:
        point_to_decimal(Point(srid=4326))
    assert excinfo.value.message == "The point has no coordinates."


@pytest.mark.parametrize(
    ("name", "latitude", "longitude", "easting", "northing"), REFERENCE_POINTS, ids=REFERENCE_IDS
)
def test_formatted_text_reads_back(name, latitude, longitude, easting, northing):
    point = Point(longitude, latitude, srid=4326)
    assert_lat_lon(parse_coordinates(point_to_decimal(point), DD), latitude, longitude, 1e-6)
    # A tenth of a second is 2.8e-5 degrees; rounding loses at most half of it.
    assert_lat_lon(parse_coordinates(point_to_dms(point), DMS), latitude, longitude, 0.05 / 3600)
