"""A mobile unit has one name on every page, "MED-1 · Medininkai" (MobileUnit.label, as
on the live map): unit statistics, track replay (the near search and the track data),
the list of mobile units, and the portal's organisation and user pages."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from dispatch.models import MobileUnit, PositionReport
from portal.models import OrgUnitKind, User
from tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db

NAME = "MED-1 · Medininkai"
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def medininkai() -> MobileUnit:
    org = OrgUnitFactory.create(
        code="mobile-medininkai", name="Medininkai", kind=OrgUnitKind.MOBILE_UNIT
    )
    unit = MobileUnit.objects.create(org_unit=org, call_sign="MED-1")
    PositionReport.objects.bulk_create(
        PositionReport(
            unit=unit,
            device_time=T0 + timedelta(minutes=m),
            received_at=T0 + timedelta(minutes=m),
            point=Point(25.6536 + 0.001 * m, 54.5395, srid=4326),
            speed_kmh=50,
            source="device",
        )
        for m in range(30)
    )
    return unit


def _text(html: bytes) -> str:
    """The page's text with tags and runs of white space taken out."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def test_the_unit_statistics_name_the_unit_by_its_one_name(client_for, dispatcher, medininkai):
    response = client_for(dispatcher).get(reverse("dispatch:unit-stats"), {"month": "2026-01"})

    assert response.status_code == 200
    assert NAME in _text(response.content)


def test_the_list_of_mobile_units_names_each_by_its_one_name(client_for, dispatcher, medininkai):
    response = client_for(dispatcher).get(reverse("dispatch:unit-list"))

    assert response.status_code == 200
    link = re.search(
        r'<a class="unit-call-sign row-link"[^>]*>([^<]*)</a>', response.content.decode()
    )
    assert link
    assert link.group(1) == NAME


def test_the_near_search_names_the_units_found_by_their_one_name(client_for, analyst, medininkai):
    response = client_for(analyst).get(
        reverse("dispatch:track-replay"),
        # 10:10 in Vilnius is 08:10 UTC, when MED-1 passed here.
        {"lat": 54.5395, "lon": 25.6636, "radius": 2500, "at": "2026-01-05T10:10", "minutes": 5},
    )

    assert response.status_code == 200
    row = re.search(r'<label class="nearby__unit">(.*?)</label>', response.content.decode(), re.S)
    assert row
    assert NAME in _text(row.group(1).encode())


def test_the_track_data_carries_the_unit_s_one_name(api_client_for, dispatcher, medininkai):
    response = api_client_for(dispatcher).get(
        reverse("api:track-list"),
        {
            "unit": [medininkai.pk],
            "start": T0.isoformat(),
            "end": (T0 + timedelta(hours=1)).isoformat(),
        },
    )

    assert response.status_code == 200
    [unit] = response.json()["units"]
    assert (unit["call_sign"], unit["label"]) == ("MED-1", NAME)


def test_the_organisation_pages_name_a_mobile_unit_by_its_one_name(
    client_for, administrator, medininkai, django_assert_max_num_queries
):
    client = client_for(administrator)
    client.get(reverse("portal:unit-list"))  # warm the session and permission caches
    with django_assert_max_num_queries(12):
        listed = client.get(reverse("portal:unit-list"))
    assert NAME in _text(listed.content)

    edited = client.get(reverse("portal:unit-edit", args=[medininkai.org_unit.pk]))
    assert re.search(rf"<h1>\s*{re.escape(NAME)}\s*</h1>", edited.content.decode())


def test_the_user_pages_name_a_member_s_mobile_unit_by_its_one_name(
    client_for, administrator, medininkai
):
    member = User.objects.create_user(
        username="ona", password="x" * 20, org_unit=medininkai.org_unit
    )
    client = client_for(administrator)

    listed = _text(client.get(reverse("portal:user-list")).content)
    assert re.search(rf"{member.username} .*{re.escape(NAME)}", listed)


def test_a_unit_that_is_no_mobile_unit_keeps_its_name(client_for, administrator):
    OrgUnitFactory.create(code="post-medininkai", name="Medininkai Road Border Post")

    listed = client_for(administrator).get(reverse("portal:unit-list"))

    text = _text(listed.content)
    assert "Medininkai Road Border Post" in text
    assert "· Medininkai Road Border Post" not in text


def test_the_replay_offers_each_unit_by_its_one_name(client_for, dispatcher, medininkai):
    response = client_for(dispatcher).get(reverse("dispatch:track-replay"))

    assert response.status_code == 200
    choice = re.search(
        rf'<input type="checkbox" name="unit" value="{medininkai.pk}"[^>]*>\s*([^<]*)</label>',
        response.content.decode(),
    )
    assert choice
    assert choice.group(1).strip() == NAME


def test_the_unit_lists_of_the_user_forms_name_a_mobile_unit_by_its_one_name(
    client_for, administrator, medininkai
):
    client = client_for(administrator)
    option = rf'<option value="{medininkai.org_unit.pk}"[^>]*>{re.escape(NAME)}</option>'

    assert re.search(option, client.get(reverse("portal:user-list")).content.decode())
    assert re.search(option, client.get(reverse("portal:user-create")).content.decode())


def test_the_shift_form_and_the_zone_alert_filter_offer_each_unit_by_its_one_name(
    client_for, dispatcher, medininkai
):
    client = client_for(dispatcher)
    option = rf'<option value="{medininkai.pk}"[^>]*>{re.escape(NAME)}</option>'

    assert re.search(option, client.get(reverse("dispatch:shift-create")).content.decode())
    assert re.search(option, client.get(reverse("dispatch:alert-list")).content.decode())


def test_the_notice_form_offers_each_unit_by_its_one_name_and_what_it_is_doing(
    client_for, dispatcher, medininkai
):
    response = client_for(dispatcher).get(reverse("dispatch:notice-create"))

    assert response.status_code == 200
    choice = re.search(
        rf'<input type="checkbox" name="units" value="{medininkai.pk}"[^>]*>\s*([^<]*)</label>',
        response.content.decode(),
    )
    assert choice
    assert choice.group(1).strip() == f"{NAME} · {medininkai.get_status_display()}"
