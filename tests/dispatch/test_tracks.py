"""Track replay data, "who was near this place", and the GPX and KML exports: only the
units and period asked for, in time order, within the limits, audited, well-formed."""

from datetime import UTC, datetime, timedelta

import pytest
from defusedxml import ElementTree
from django.contrib.gis.geos import Point
from django.db import connection
from django.urls import reverse

from dispatch.models import MobileUnit, PositionReport
from dispatch.selectors.tracks import MAX_POINTS_PER_UNIT, units_near
from portal.models import AuditRecord
from tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db

# Monday 5 January 2026; Vilnius is two hours ahead of UTC in winter.
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
MEDININKAI = Point(25.6536, 54.5395, srid=4326)
GPX = "{http://www.topografix.com/GPX/1/1}"
KML = "{http://www.opengis.net/kml/2.2}"
GX = "{http://www.google.com/kml/ext/2.2}"


def _unit(call_sign: str) -> MobileUnit:
    return MobileUnit.objects.create(
        org_unit=OrgUnitFactory.create(code=f"org-{call_sign.lower()}"), call_sign=call_sign
    )


def _reports(unit: MobileUnit, points: list[tuple[datetime, float, float]]) -> None:
    PositionReport.objects.bulk_create(
        PositionReport(
            unit=unit,
            device_time=when,
            received_at=when,
            point=Point(lon, lat, srid=4326),
            speed_kmh=50,
            source="device",
        )
        for when, lat, lon in points
    )


@pytest.fixture
def units():
    """Three units driving east from Medininkai, one report a minute from 08:00 UTC to
    09:59 UTC; C one kilometre further north than A, B twenty kilometres."""
    found = {}
    for call_sign, north in (("MU-A1", 0.0), ("MU-B2", 0.18), ("MU-C3", 0.009)):
        unit = _unit(call_sign)
        # Inserted newest first: the answer must still come in time order.
        _reports(
            unit,
            [
                (T0 + timedelta(minutes=m), 54.5395 + north, 25.6536 + 0.001 * m)
                for m in reversed(range(120))
            ],
        )
        found[call_sign] = unit
    return found


def _track_query(units_, start, end):
    return {"unit": [u.pk for u in units_], "start": start.isoformat(), "end": end.isoformat()}


# --- Track data ---------------------------------------------------------------------


def test_the_track_endpoint_returns_only_the_units_and_period_asked_in_time_order(
    api_client_for, dispatcher, units
):
    start, end = T0 + timedelta(minutes=30), T0 + timedelta(minutes=59)
    response = api_client_for(dispatcher).get(
        reverse("api:track-list"), _track_query([units["MU-B2"], units["MU-A1"]], start, end)
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert [u["call_sign"] for u in body["units"]] == ["MU-A1", "MU-B2"]
    for unit in body["units"]:
        times = [datetime.fromisoformat(p[0]) for p in unit["points"]]
        assert times == sorted(times)
        assert times[0] == start
        assert times[-1] == end
        assert len(times) == unit["total"] == 30
        assert unit["thinned"] is False
    first_a = body["units"][0]["points"][0]
    assert first_a == ["2026-01-05T08:30:00Z", 54.5395, pytest.approx(25.6836), 50.0]
    assert body["units"][0]["colour"] != body["units"][1]["colour"]


def test_a_unit_with_very_many_reports_is_thinned_and_says_so(api_client_for, analyst):
    unit = _unit("MU-BUSY")
    count = MAX_POINTS_PER_UNIT + 1000
    _reports(unit, [(T0 + timedelta(seconds=5 * i), 54.5, 25.0 + i * 1e-5) for i in range(count)])

    response = api_client_for(analyst).get(
        reverse("api:track-list"), _track_query([unit], T0, T0 + timedelta(days=1))
    )

    track = response.json()["units"][0]
    assert track["thinned"] is True
    assert track["total"] == count
    assert track["step"] == 2
    assert len(track["points"]) <= MAX_POINTS_PER_UNIT
    assert track["points"][0][0] == "2026-01-05T08:00:00Z"
    last = T0 + timedelta(seconds=5 * (count - 1))
    assert datetime.fromisoformat(track["points"][-1][0]) == last


def test_a_period_over_seven_days_is_refused_with_a_message(api_client_for, dispatcher, units):
    response = api_client_for(dispatcher).get(
        reverse("api:track-list"),
        _track_query([units["MU-A1"]], T0, T0 + timedelta(days=7, minutes=1)),
    )

    assert response.status_code == 400
    assert response.json()["errors"]["end"] == [
        "The period is longer than 7 days: choose at most 7 days."
    ]
    assert not AuditRecord.objects.filter(object_type="dispatch.positionreport").exists()


HOUR = {"start": "2026-01-05T08:00Z", "end": "2026-01-05T09:00Z"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (HOUR, "unit"),
        ({"unit": [999_999], **HOUR}, "unit"),
        ({"unit": ["A1"], **HOUR}, "unit"),
        ({"unit": "OWN", "start": "yesterday", "end": "2026-01-05T09:00Z"}, "start"),
        ({"unit": "OWN", "start": "2026-01-05T09:00Z", "end": "2026-01-05T08:00Z"}, "end"),
        ({"unit": "OWN", "start": "2026-01-05T09:00Z"}, "end"),
        ({"unit": "OWN", "start": "0001-01-01T00:10", "end": "2026-01-05T09:00Z"}, "start"),
        ({"unit": "OWN", "start": "2026-01-05T09:00Z", "end": "9999-12-31T23:59-05:00"}, "end"),
    ],
)
def test_bad_track_queries_get_a_message_per_field(api_client_for, dispatcher, units, query, field):
    if query.get("unit") == "OWN":
        query = {**query, "unit": [units["MU-A1"].pk]}
    response = api_client_for(dispatcher).get(reverse("api:track-list"), query)

    assert response.status_code == 400
    # The field, or an item of it by its dotted path ("unit.0").
    assert field in {name.split(".")[0] for name in response.json()["errors"]}
    assert not AuditRecord.objects.filter(object_type="dispatch.positionreport").exists()


def test_too_many_units_at_once_are_refused(api_client_for, dispatcher):
    many = [_unit(f"MU-{n:02d}") for n in range(13)]
    response = api_client_for(dispatcher).get(
        reverse("api:track-list"), _track_query(many, T0, T0 + timedelta(hours=1))
    )

    assert response.status_code == 400
    assert response.json()["errors"]["unit"] == ["Choose at most 12 units."]


def test_every_track_answer_is_audited(api_client_for, dispatcher, units):
    api_client_for(dispatcher).get(
        reverse("api:track-list"),
        _track_query([units["MU-A1"]], T0, T0 + timedelta(minutes=9)),
    )

    record = AuditRecord.objects.get(object_type="dispatch.positionreport")
    assert record.action == "view"
    assert record.actor == dispatcher
    assert record.changes["units"] == ["MU-A1"]
    assert record.changes["points"] == 10


@pytest.mark.parametrize("role", ["officer", "administrator"])
def test_officers_and_administrators_get_no_tracks(api_client_for, personas, units, role):
    response = api_client_for(personas[role]).get(
        reverse("api:track-list"), _track_query([units["MU-A1"]], T0, T0 + timedelta(hours=1))
    )

    assert response.status_code == 403
    assert not AuditRecord.objects.filter(object_type="dispatch.positionreport").exists()


def test_the_track_query_stays_a_constant_number_of_queries(
    api_client_for, dispatcher, units, django_assert_max_num_queries
):
    client = api_client_for(dispatcher)
    query = _track_query(list(units.values()), T0, T0 + timedelta(hours=3))
    # Session, user, permissions, the units, the tracks, the audit chain (lock, last, insert).
    with django_assert_max_num_queries(15):
        response = client.get(reverse("api:track-list"), query)
    assert response.status_code == 200


# --- Who was near a place -----------------------------------------------------------


def test_who_was_near_finds_the_units_inside_the_radius_and_window_only(units):
    # At 08:30 UTC unit A is 30 x 0.001° of longitude east of Medininkai (about 1.9 km),
    # C about 1 km north of A, B 20 km away. A 2.5 km circle around A's 08:30 spot
    # holds A and C, not B.
    place = Point(25.6836, 54.5395, srid=4326)
    found = units_near(
        place=place, radius_m=2500, moment=T0 + timedelta(minutes=30), window=timedelta(minutes=5)
    )

    assert [item.unit.call_sign for item in found] == ["MU-A1", "MU-C3"]
    assert found[0].reported_at == T0 + timedelta(minutes=30)
    assert found[0].distance_m == pytest.approx(0, abs=1)
    assert found[1].distance_m == pytest.approx(1001, rel=0.01)


def test_who_was_near_leaves_out_units_that_passed_outside_the_window(units):
    # Unit A passed 25.6836 at 08:30 UTC; a window of ±5 minutes around 09:30 misses it
    # (at 09:25 it was 55 x 70 m = 3.2 km further east).
    place = Point(25.6836, 54.5395, srid=4326)
    found = units_near(
        place=place, radius_m=500, moment=T0 + timedelta(minutes=90), window=timedelta(minutes=5)
    )

    assert found == []


def test_the_near_search_page_lists_the_units_and_is_audited(client_for, analyst, units):
    response = client_for(analyst).get(
        reverse("dispatch:track-replay"),
        # 10:30 in Vilnius is 08:30 UTC.
        {"lat": 54.5395, "lon": 25.6836, "radius": 2500, "at": "2026-01-05T10:30", "minutes": 5},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-nearby-unit="MU-A1"' in html
    assert 'data-nearby-unit="MU-C3"' in html
    assert 'data-nearby-unit="MU-B2"' not in html
    # The replay of the units found covers the search window.
    assert 'name="start" value="2026-01-05T10:25"' in html
    assert 'name="end" value="2026-01-05T10:35"' in html
    record = AuditRecord.objects.get(object_type="dispatch.positionreport")
    assert (record.action, record.changes["found"]) == ("view", ["MU-A1", "MU-C3"])


def test_a_near_search_with_a_bad_radius_explains_and_finds_nothing(client_for, analyst, units):
    response = client_for(analyst).get(
        reverse("dispatch:track-replay"),
        {"lat": 54.5395, "lon": 25.6836, "radius": -5, "at": "2026-01-05T10:30", "minutes": 5},
    )

    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 10." in response.content.decode()
    assert "data-nearby-unit" not in response.content.decode()
    assert not AuditRecord.objects.filter(object_type="dispatch.positionreport").exists()


# --- The replay page ----------------------------------------------------------------


def test_the_replay_page_loads_the_chosen_tracks_and_offers_the_exports(
    client_for, dispatcher, units
):
    query = {"unit": [units["MU-A1"].pk], "start": "2026-01-05T10:00", "end": "2026-01-05T12:00"}
    response = client_for(dispatcher).get(reverse("dispatch:track-replay"), query)

    html = response.content.decode()
    assert response.status_code == 200
    assert "data-tracks-url=" in html
    assert f"unit={units['MU-A1'].pk}" in html
    assert reverse("dispatch:track-export", args=["gpx"]) in html
    assert reverse("dispatch:track-export", args=["kml"]) in html


def test_the_replay_page_refuses_a_period_over_the_limit_with_a_message(
    client_for, dispatcher, units
):
    query = {"unit": [units["MU-A1"].pk], "start": "2026-01-01T10:00", "end": "2026-01-09T10:00"}
    response = client_for(dispatcher).get(reverse("dispatch:track-replay"), query)

    html = response.content.decode()
    assert response.status_code == 200
    assert "The period is longer than 7 days: choose at most 7 days." in html
    assert "data-tracks-url" not in html


# --- GPX and KML --------------------------------------------------------------------


def _export(client, file_format, units_, start="2026-01-05T10:00", end="2026-01-05T10:04"):
    query = {"unit": [u.pk for u in units_], "start": start, "end": end}
    return client.get(reverse("dispatch:track-export", args=[file_format]), query)


def test_gpx_is_well_formed_with_one_track_per_unit_and_its_times(client_for, dispatcher, units):
    response = _export(client_for(dispatcher), "gpx", [units["MU-A1"], units["MU-B2"]])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/gpx+xml"
    assert response["Content-Disposition"] == (
        'attachment; filename="tracks_MU-A1_MU-B2_2026-01-05.gpx"'
    )
    root = ElementTree.fromstring(b"".join(response.streaming_content))
    assert root.tag == f"{GPX}gpx"
    assert root.get("version") == "1.1"
    tracks = root.findall(f"{GPX}trk")
    assert [t.findtext(f"{GPX}name") for t in tracks] == ["MU-A1", "MU-B2"]
    points = tracks[0].findall(f"{GPX}trkseg/{GPX}trkpt")
    assert [p.findtext(f"{GPX}time") for p in points] == [
        f"2026-01-05T08:0{m}:00Z" for m in range(5)
    ]
    assert (float(points[1].get("lat")), float(points[1].get("lon"))) == (54.5395, 25.6546)
    record = AuditRecord.objects.get(action="export")
    assert record.changes["format"] == "gpx"
    assert record.changes["points"] == 10


def test_kml_is_well_formed_with_a_timed_track_per_unit(client_for, analyst, units):
    response = _export(client_for(analyst), "kml", [units["MU-C3"], units["MU-A1"]])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.google-earth.kml+xml"
    root = ElementTree.fromstring(b"".join(response.streaming_content))
    placemarks = root.findall(f"{KML}Document/{KML}Placemark")
    assert [p.findtext(f"{KML}name") for p in placemarks] == ["MU-A1", "MU-C3"]
    track = placemarks[0].find(f"{GX}Track")
    assert [w.text for w in track.findall(f"{KML}when")] == [
        f"2026-01-05T08:0{m}:00Z" for m in range(5)
    ]
    coords = [c.text.split() for c in track.findall(f"{GX}coord")]
    assert coords[2] == ["25.655600", "54.539500", "0"]
    assert len(root.findall(f"{KML}Document/{KML}Style")) == 2


@pytest.mark.parametrize("file_format", ["gpx", "kml"])
def test_names_with_markup_characters_are_escaped(client_for, dispatcher, file_format):
    unit = _unit("<A&B>")
    _reports(unit, [(T0, 54.5, 25.5), (T0 + timedelta(minutes=1), 54.51, 25.5)])

    response = _export(client_for(dispatcher), file_format, [unit])

    content = b"".join(response.streaming_content)
    assert b"&lt;A&amp;B&gt;" in content
    assert b"<A&B>" not in content
    root = ElementTree.fromstring(content)
    names = [el.text for el in root.iter() if el.tag.endswith("}name")]
    assert "<A&B>" in names
    assert 'filename="tracks_A-B_2026-01-05' in response["Content-Disposition"]


def test_an_export_over_the_period_limit_is_refused_with_a_message(client_for, dispatcher, units):
    response = _export(
        client_for(dispatcher), "gpx", [units["MU-A1"]], "2026-01-01T00:00", "2026-01-08T00:01"
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dispatch:track-replay"))
    page = client_for(dispatcher).get(response["Location"])
    assert "choose at most 7 days" in page.content.decode()
    assert not AuditRecord.objects.filter(action="export").exists()


def test_an_export_with_too_many_reports_is_refused(client_for, dispatcher, units, monkeypatch):
    monkeypatch.setattr("dispatch.views.tracks.EXPORT_POINT_LIMIT", 3)
    client = client_for(dispatcher)

    response = _export(client, "kml", [units["MU-A1"]])

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "5 reports in this selection: export at most 3 at once (fewer units or a shorter period)."
    ]
    assert not AuditRecord.objects.filter(action="export").exists()


def test_an_unknown_export_format_is_refused(client_for, dispatcher, units):
    response = _export(client_for(dispatcher), "shp", [units["MU-A1"]])

    assert response.status_code == 302
    assert not AuditRecord.objects.filter(action="export").exists()


@pytest.mark.parametrize("role", ["officer", "administrator"])
def test_officers_and_administrators_cannot_export_tracks(client_for, personas, units, role):
    response = _export(client_for(personas[role]), "gpx", [units["MU-A1"]])

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"lat": 54.5, "lon": 25.6, "radius": 500, "at": "0001-01-01T00:10", "minutes": 5}, "at"),
        ({"lat": 54.5, "lon": 25.6, "radius": 500, "at": "9999-12-31T23:50", "minutes": 30}, "at"),
        ({"unit": "OWN", "start": "0001-01-01T00:10", "end": "2026-01-05T10:00"}, "start"),
    ],
)
def test_the_replay_page_refuses_years_beyond_reason_with_a_message(
    client_for, analyst, units, query, field
):
    if query.get("unit") == "OWN":
        query = {**query, "unit": units["MU-A1"].pk}
    response = client_for(analyst).get(reverse("dispatch:track-replay"), query)

    assert response.status_code == 200
    form = response.context["near_form" if field == "at" else "selection"]
    assert form.errors[field] == ["Give a date between the years 2000 and 2100."]
    assert not AuditRecord.objects.filter(object_type="dispatch.positionreport").exists()


def test_the_near_search_narrows_by_a_bounding_box_before_measuring(units):
    from dispatch.selectors.tracks import NEAR_SQL, near_box_degrees

    place = Point(25.6836, 54.5395, srid=4326)
    dx, dy = near_box_degrees(place=place, radius_m=2500)
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN " + NEAR_SQL,
            {
                "lon": place.x,
                "lat": place.y,
                "dx": dx,
                "dy": dy,
                "radius": 2500,
                "start": T0,
                "end": T0 + timedelta(hours=2),
                "moment": T0 + timedelta(hours=1),
            },
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "&&" in plan


@pytest.mark.parametrize("latitude", [0.0, 54.7, 70.0])
def test_the_near_box_holds_every_point_within_the_radius(latitude):
    from dispatch.selectors.tracks import near_box_degrees

    place = Point(25.0, latitude, srid=4326)
    dx, dy = near_box_degrees(place=place, radius_m=10_000)
    with connection.cursor() as cursor:
        # The points 9,990 m due east and due north, on the spheroid.
        cursor.execute(
            "SELECT ST_X(ST_Project(%(p)s::geography, 9990, radians(90))::geometry),"
            " ST_Y(ST_Project(%(p)s::geography, 9990, 0)::geometry)",
            {"p": place.ewkt},
        )
        east, north = cursor.fetchone()

    assert place.x + dx > east
    assert place.y + dy > north
