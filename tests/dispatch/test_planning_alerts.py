"""Geofence alerts: listed for dispatchers and analysts (open first, then the history,
filtered by unit and period) and acknowledged by dispatchers, on the page and through
the API the live map calls; acknowledging is audited and happens once."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.urls import reverse
from django.utils import timezone

from dispatch.models import GeofenceAlert, MobileUnit, PatrolZone, Shift
from portal.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone():
    return PatrolZone.objects.create(
        name="Medininkai",
        area=Polygon(
            ((25.6, 54.5), (25.7, 54.5), (25.7, 54.6), (25.6, 54.6), (25.6, 54.5)), srid=4326
        ),
    )


@pytest.fixture
def units(unit_a, unit_b):
    return (
        MobileUnit.objects.create(org_unit=unit_a, call_sign="MU-A1"),
        MobileUnit.objects.create(org_unit=unit_b, call_sign="MU-B1"),
    )


def make_alert(unit, zone, days_ago: float, returned: bool, distance: float = 1_500):
    left = timezone.now() - timedelta(days=days_ago)
    shift = Shift.objects.create(
        unit=unit, starts_at=left - timedelta(hours=1), ends_at=left + timedelta(hours=4), zone=zone
    )
    return GeofenceAlert.objects.create(
        unit=unit,
        shift=shift,
        zone=zone,
        left_at=left,
        position=Point(25.75, 54.55, srid=4326),
        distance_m=distance,
        returned_at=left + timedelta(minutes=20) if returned else None,
    )


@pytest.fixture
def alerts(units, zone):
    a1, b1 = units
    return {
        "old_closed": make_alert(a1, zone, days_ago=10, returned=True),
        "recent_closed": make_alert(a1, zone, days_ago=1, returned=True),
        "open_old": make_alert(b1, zone, days_ago=2, returned=False, distance=12_345),
        "open_new": make_alert(a1, zone, days_ago=0.01, returned=False),
    }


def test_open_alerts_come_first_then_the_history_newest_first(dispatcher, client_for, alerts):
    response = client_for(dispatcher).get(reverse("dispatch:alert-list"))

    assert response.status_code == 200
    listed = list(response.context["page"].object_list)
    assert listed == [
        alerts["open_new"],
        alerts["open_old"],
        alerts["recent_closed"],
        alerts["old_closed"],
    ]
    assert response.context["open_count"] == 2
    html = response.content.decode()
    assert "12\N{NARROW NO-BREAK SPACE}345 m" in html  # grouped as in portal/formats
    assert "Outside now" in html
    assert "Back in zone" in html


def test_alerts_filter_by_unit_and_period(analyst, client_for, alerts, units):
    client = client_for(analyst)
    a1 = units[0]
    since = (timezone.localdate() - timedelta(days=3)).isoformat()

    by_unit = client.get(reverse("dispatch:alert-list"), {"unit": a1.pk})
    by_period = client.get(reverse("dispatch:alert-list"), {"date_from": since})

    assert {a.unit for a in by_unit.context["page"].object_list} == {a1}
    assert len(by_unit.context["page"].object_list) == 3
    assert alerts["old_closed"] not in by_period.context["page"].object_list
    assert len(by_period.context["page"].object_list) == 3


def test_a_reversed_period_gets_a_message_and_no_rows(analyst, client_for, alerts):
    response = client_for(analyst).get(
        reverse("dispatch:alert-list"), {"date_from": "2026-11-20", "date_to": "2026-11-01"}
    )

    assert response.status_code == 200
    assert "before the start date" in response.context["form"].errors["date_to"][0]
    assert not response.context["page"].object_list


def test_a_dispatcher_acknowledges_on_the_page_and_it_is_audited(dispatcher, client_for, alerts):
    alert = alerts["open_new"]

    response = client_for(dispatcher).post(
        reverse("dispatch:alert-acknowledge", kwargs={"pk": alert.pk}),
        {"back": reverse("dispatch:alert-list") + "?unit=1"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dispatch:alert-list") + "?unit=1"
    alert.refresh_from_db()
    assert alert.acknowledged_by == dispatcher
    assert alert.acknowledged_at is not None
    assert alert.returned_at is None  # acknowledging does not close it
    record = AuditRecord.objects.get(object_type="dispatch.geofencealert")
    assert record.actor == dispatcher
    assert record.object_id == str(alert.pk)


def test_the_acknowledge_page_action_refuses_foreign_redirects(dispatcher, client_for, alerts):
    response = client_for(dispatcher).post(
        reverse("dispatch:alert-acknowledge", kwargs={"pk": alerts["open_new"].pk}),
        {"back": "https://elsewhere.example/"},
    )

    assert response["Location"] == reverse("dispatch:alert-list")


def test_the_api_acknowledges_once_for_the_live_map(dispatcher, api_client_for, alerts):
    alert = alerts["open_old"]
    client = api_client_for(dispatcher)
    url = reverse("api:alert-acknowledge", kwargs={"pk": alert.pk})

    first = client.post(url)
    second = client.post(url)

    assert first.status_code == 200
    body = first.json()
    assert body["id"] == alert.pk
    assert body["unit"] == "MU-B1"
    assert body["zone"] == "Medininkai"
    assert body["acknowledged_at"] is not None
    assert body["acknowledged_by"] == dispatcher.get_full_name()
    assert second.json()["acknowledged_at"] == body["acknowledged_at"]
    assert AuditRecord.objects.filter(object_type="dispatch.geofencealert").count() == 1


def test_analysts_and_officers_cannot_acknowledge(
    officer, analyst, api_client_for, client_for, alerts
):
    alert = alerts["open_new"]
    for user in (officer, analyst):
        api = api_client_for(user).post(reverse("api:alert-acknowledge", kwargs={"pk": alert.pk}))
        page = client_for(user).post(reverse("dispatch:alert-acknowledge", kwargs={"pk": alert.pk}))
        assert api.status_code == 403
        assert api.json()["type"] == "permission_denied"
        assert page.status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_anonymous_callers_are_refused(api_client_for, alerts):
    response = api_client_for(None).post(
        reverse("api:alert-acknowledge", kwargs={"pk": alerts["open_new"].pk})
    )

    assert response.status_code in (401, 403)
    assert GeofenceAlert.objects.filter(acknowledged_at__isnull=False).count() == 0


def test_an_unknown_alert_is_404(dispatcher, api_client_for):
    response = api_client_for(dispatcher).post(
        reverse("api:alert-acknowledge", kwargs={"pk": 9999})
    )

    assert response.status_code == 404
    assert response.json()["type"] == "not_found"


def test_the_alert_api_lists_the_open_alerts(analyst, api_client_for, alerts):
    response = api_client_for(analyst).get(reverse("api:alert-list"), {"open": "1"})

    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [alerts["open_new"].pk, alerts["open_old"].pk]
    first = response.json()["results"][0]
    assert first["latitude"] == pytest.approx(54.55)
    assert first["returned_at"] is None


def test_officers_do_not_see_alerts(officer, client_for, api_client_for, alerts):
    assert client_for(officer).get(reverse("dispatch:alert-list")).status_code == 403
    assert api_client_for(officer).get(reverse("api:alert-list")).status_code == 403


def test_looking_at_the_alert_list_is_audited_with_the_alerts_shown(
    analyst, client_for, alerts, units
):
    client_for(analyst).get(reverse("dispatch:alert-list"), {"unit": units[1].pk})

    record = AuditRecord.objects.get(object_type="dispatch.geofencealert", action="view")
    assert record.actor == analyst
    assert record.changes["alerts"] == [alerts["open_old"].pk]
    assert record.changes["units"] == ["MU-B1"]
    assert record.changes["unit"] == "MU-B1"


def test_the_alert_api_is_audited_too(analyst, api_client_for, alerts):
    api_client_for(analyst).get(reverse("api:alert-list"), {"open": "1"})

    record = AuditRecord.objects.get(object_type="dispatch.geofencealert", action="view")
    assert record.actor == analyst
    assert record.changes["alerts"] == [alerts["open_new"].pk, alerts["open_old"].pk]


def test_a_refused_alert_list_leaves_no_audit_record(officer, client_for, api_client_for, alerts):
    client_for(officer).get(reverse("dispatch:alert-list"))
    api_client_for(officer).get(reverse("api:alert-list"))

    assert not AuditRecord.objects.filter(action="view").exists()


@pytest.mark.parametrize(
    "query", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}, {"date_from": "9999-12-31"}]
)
def test_alert_dates_outside_the_supported_years_get_a_message(analyst, client_for, alerts, query):
    response = client_for(analyst).get(reverse("dispatch:alert-list"), query)

    assert response.status_code == 200
    (field,) = query
    assert response.context["form"].errors[field] == [
        "Give a date between the years 2000 and 2100."
    ]
    assert not response.context["page"].object_list
