"""Unit devices report positions in batches: duplicates and disorder are harmless, bad
reports are refused one by one with their reason, the good ones are kept."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from dispatch.models import MobileUnit, PositionReport, UnitDevice
from dispatch.services.positions import device_register, token_digest

pytestmark = pytest.mark.django_db

URL = "/api/v1/positions/"


@pytest.fixture
def unit(unit_a):
    return MobileUnit.objects.create(org_unit=unit_a, call_sign="MU-A1", vehicle_plate="KMU123")


@pytest.fixture
def device_client(unit):
    _device, token = device_register(actor=None, unit=unit, name="Patrol phone")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {token}")
    return client


def report(minutes_ago: float, lat: float = 54.5395, lon: float = 25.6536, **extra):
    when = timezone.now() - timedelta(minutes=minutes_ago)
    return {"device_time": when.isoformat(), "latitude": lat, "longitude": lon, **extra}


def send(client, reports):
    return client.post(URL, {"reports": reports}, format="json")


def test_a_batch_is_stored_and_the_unit_shows_its_newest_position(unit, device_client):
    batch = [
        report(3, lat=54.50),
        report(1, lat=54.53, speed_kmh=62, heading_deg=90),
        report(2, lat=54.52),
    ]

    response = send(device_client, batch)

    assert response.status_code == 200
    assert response.json() == {"accepted": 3, "duplicates": 0, "rejected": []}
    unit.refresh_from_db()
    assert unit.last_position.y == pytest.approx(54.53)
    assert unit.last_speed_kmh == 62
    assert PositionReport.objects.filter(unit=unit).count() == 3


def test_sending_the_same_batch_again_stores_nothing_twice(unit, device_client):
    batch = [report(3), report(2)]
    send(device_client, batch)

    again = send(device_client, batch)

    assert again.json() == {"accepted": 0, "duplicates": 2, "rejected": []}
    assert PositionReport.objects.filter(unit=unit).count() == 2


def test_a_late_report_of_an_earlier_moment_does_not_move_the_unit_back(unit, device_client):
    send(device_client, [report(1, lat=54.60)])

    late = send(device_client, [report(10, lat=54.10)])

    assert late.json()["accepted"] == 1
    unit.refresh_from_db()
    assert unit.last_position.y == pytest.approx(54.60)


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"latitude": 95}, "latitude"),
        ({"longitude": "east"}, "longitude"),
        ({"device_time": "yesterday"}, "device_time"),
        ({"device_time": "2026-11-23T08:00:00"}, "device_time"),
        ({"speed_kmh": 900}, "speed_kmh"),
        ({"heading_deg": -5}, "heading_deg"),
        ({"accuracy_m": -1}, "accuracy_m"),
    ],
)
def test_a_bad_report_is_refused_with_its_reason_and_the_good_ones_are_kept(
    unit, device_client, bad, field
):
    response = send(device_client, [report(2), {**report(1), **bad}])

    body = response.json()
    assert body["accepted"] == 1
    assert body["rejected"][0]["index"] == 1
    assert field in body["rejected"][0]["errors"]
    assert PositionReport.objects.filter(unit=unit).count() == 1


@pytest.mark.parametrize("field", ["latitude", "longitude", "speed_kmh"])
def test_a_boolean_number_is_refused_by_index_and_the_good_reports_are_kept(
    unit, device_client, field
):
    response = send(device_client, [report(2), {**report(1), field: True}])

    assert response.status_code == 200
    assert response.json()["rejected"] == [
        {"index": 1, "errors": {field: "Give a number, not true or false."}}
    ]
    assert response.json()["accepted"] == 1
    assert PositionReport.objects.filter(unit=unit).count() == 1
    unit.refresh_from_db()
    assert unit.last_position.y == pytest.approx(54.5395)


def test_a_report_from_the_future_or_older_than_a_week_is_refused(unit, device_client):
    future = report(-30)
    old = report(8 * 24 * 60)

    body = send(device_client, [future, old]).json()

    assert [item["errors"]["device_time"] for item in body["rejected"]] == [
        "The device time is in the future.",
        "The report is older than seven days.",
    ]
    assert not PositionReport.objects.exists()


def test_an_empty_or_malformed_batch_gets_the_error_shape(device_client):
    empty = send(device_client, [])
    malformed = device_client.post(URL, {"reports": "many"}, format="json")

    assert empty.status_code == malformed.status_code == 400
    assert empty.json()["type"] == "validation_error"
    assert "reports" in empty.json()["errors"]


def test_an_unknown_or_revoked_token_is_refused(unit, device_client):
    UnitDevice.objects.update(revoked_at=timezone.now())
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Device not-a-real-token")

    assert send(device_client, [report(1)]).status_code == 401
    assert send(stranger, [report(1)]).status_code == 401
    assert not PositionReport.objects.exists()


def test_only_the_hash_of_a_device_token_is_stored(unit):
    device, token = device_register(actor=None, unit=unit, name="Tracker")

    assert device.token_hash == token_digest(token)
    assert token not in device.token_hash


def test_a_signed_in_person_cannot_post_positions_for_a_unit(officer, unit, api_client_for):
    response = api_client_for(officer).post(URL, {"reports": [report(1)]}, format="json")

    assert response.status_code in (401, 403)
    assert not PositionReport.objects.exists()


def test_the_register_command_prints_a_token_that_works(unit, capsys):
    from django.core.management import call_command

    call_command("device_register", "MU-A1", "car tracker")

    token = capsys.readouterr().out.split("Token (shown once): ")[1].split()[0]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {token}")
    assert send(client, [report(1)]).json()["accepted"] == 1


def test_the_register_command_refuses_an_unknown_call_sign(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No mobile unit"):
        call_command("device_register", "NOPE", "x")


@pytest.mark.parametrize("impossible", ["2026-13-45T00:00:00Z", "2026-02-30T10:00:00Z"])
def test_an_impossible_device_time_rejects_that_report_only(unit, device_client, impossible):
    response = send(device_client, [{**report(2), "device_time": impossible}, report(1)])

    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == 1
    assert body["rejected"][0]["index"] == 0
    assert "ISO 8601" in body["rejected"][0]["errors"]["device_time"]
    assert PositionReport.objects.filter(unit=unit).count() == 1


def test_a_subnormal_coordinate_is_stored_as_zero(unit, device_client):
    response = send(device_client, [report(2, lon=5e-324), report(1, lat=-5e-324)])

    assert response.status_code == 200
    assert response.json() == {"accepted": 2, "duplicates": 0, "rejected": []}
    points = [row.point for row in PositionReport.objects.filter(unit=unit).order_by("device_time")]
    assert [(point.x, point.y) for point in points] == [(0.0, 54.5395), (25.6536, 0.0)]


def test_a_time_zone_offset_postgresql_cannot_store_rejects_that_report_only(unit, device_client):
    response = send(
        device_client,
        [report(3), {**report(2), "device_time": "2026-03-01T10:00:00+20:00"}, report(1)],
    )

    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == 2
    assert body["rejected"] == [
        {
            "index": 1,
            "errors": {"device_time": "Give a time zone offset between -15:59 and +15:59."},
        }
    ]
    assert PositionReport.objects.filter(unit=unit).count() == 2
