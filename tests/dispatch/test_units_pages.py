"""The mobile-unit pages through the test client: the list with its figures and filter,
a unit's page and what each role sees of it, the form, out of service and back, and a
device's token shown exactly once."""

from datetime import timedelta
from typing import Any, cast

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.urls import reverse
from django.utils import timezone

from dispatch.models import MobileUnit, PatrolZone, Shift, UnitDevice, UnitStatus
from dispatch.services.positions import token_digest
from dispatch.services.tasks import TaskInput, task_create, task_transition
from portal.models import AuditRecord, OrgUnit, OrgUnitKind
from tests.factories import OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def org_unit_make(**fields: Any) -> OrgUnit:
    """An organisational unit (of kind "mobile unit" unless told)."""
    return cast(OrgUnit, OrgUnitFactory(**fields))


VILNIUS = Point(25.2797, 54.6872, srid=4326)


@pytest.fixture
def unit(unit_a, officer):
    return MobileUnit.objects.create(
        org_unit=unit_a,
        call_sign="MED-1",
        vehicle_plate="KMU 101",
        home_base=VILNIUS,
        status=UnitStatus.AVAILABLE,
        status_changed_at=timezone.now() - timedelta(hours=1),
        last_position=Point(25.30, 54.70, srid=4326),
        last_reported_at=timezone.now() - timedelta(minutes=3),
    )


@pytest.fixture
def other_unit(unit_b, officer_b):
    return MobileUnit.objects.create(
        org_unit=unit_b, call_sign="VLN-1", status=UnitStatus.OUT_OF_SERVICE
    )


@pytest.fixture
def shift(unit):
    zone = PatrolZone.objects.create(
        name="Medininkai strip",
        area=Polygon(((25.5, 54.5), (25.7, 54.5), (25.7, 54.6), (25.5, 54.6), (25.5, 54.5))),
    )
    now = timezone.now()
    return Shift.objects.create(
        unit=unit, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7), zone=zone
    )


def page_text(response) -> str:
    return response.content.decode()


# --- List ------------------------------------------------------------------------------


def test_the_list_shows_each_units_figures(dispatcher, unit, other_unit, shift, client_for):
    UserFactory(username="officer_a2", org_unit=unit.org_unit, roles=["officer"])
    UserFactory(username="gone", org_unit=unit.org_unit, roles=["officer"], is_active=False)
    UnitDevice.objects.create(unit=unit, name="Phone", token_hash="a" * 64)
    UnitDevice.objects.create(unit=unit, name="Old", token_hash="b" * 64, revoked_at=timezone.now())

    response = client_for(dispatcher).get(reverse("dispatch:unit-list"))

    assert response.status_code == 200
    rows = {u.call_sign: u for u in response.context["page"]}
    assert list(rows) == ["MED-1", "VLN-1"]
    med = rows["MED-1"]
    assert med.members_count == 2  # officer_a and officer_a2; the inactive one is not
    assert med.devices_count is None  # devices are the administrators' business
    assert med.shift_zone == "Medininkai strip"
    assert med.shift_ends == shift.ends_at
    assert rows["VLN-1"].shift_ends is None
    html = page_text(response)
    assert "3\xa0minutes ago" in html or "3 minutes ago" in html
    assert "Medininkai strip" in html
    assert "Out of service" in html
    assert reverse("dispatch:unit-detail", kwargs={"pk": unit.pk}) in html


def test_only_those_who_manage_devices_see_how_many_a_unit_has(
    dispatcher, administrator, unit, client_for
):
    UnitDevice.objects.create(unit=unit, name="Phone", token_hash="a" * 64)
    UnitDevice.objects.create(unit=unit, name="Old", token_hash="b" * 64, revoked_at=timezone.now())
    url = reverse("dispatch:unit-list")

    for_admin = client_for(administrator).get(url)
    for_dispatcher = client_for(dispatcher).get(url)

    [row] = for_admin.context["page"]
    assert row.devices_count == 1  # the revoked one is not
    assert "Active devices" in page_text(for_admin)
    [row] = for_dispatcher.context["page"]
    assert row.devices_count is None
    assert "Active devices" not in page_text(for_dispatcher)


def test_an_officer_sees_only_their_own_units_shift_on_the_list(
    officer, officer_b, unit, other_unit, shift, client_for
):
    now = timezone.now()
    Shift.objects.create(
        unit=other_unit,
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=3),
        zone=PatrolZone.objects.create(
            name="Salcininkai road",
            area=Polygon(((25.3, 54.3), (25.5, 54.3), (25.5, 54.4), (25.3, 54.4), (25.3, 54.3))),
        ),
    )
    url = reverse("dispatch:unit-list")

    mine = client_for(officer).get(url)
    theirs = client_for(officer_b).get(url)

    rows = {u.call_sign: u for u in mine.context["page"]}
    assert (rows["MED-1"].shift_visible, rows["MED-1"].shift_zone) == (True, "Medininkai strip")
    assert (rows["VLN-1"].shift_visible, rows["VLN-1"].shift_ends) == (False, None)
    assert "Medininkai strip" in page_text(mine)
    assert "Salcininkai road" not in page_text(mine)
    rows = {u.call_sign: u for u in theirs.context["page"]}
    assert (rows["MED-1"].shift_visible, rows["MED-1"].shift_zone) == (False, None)
    assert rows["VLN-1"].shift_zone == "Salcininkai road"
    assert "Medininkai strip" not in page_text(theirs)


def test_officers_see_no_unit_s_last_report_on_the_list(officer, analyst, unit, client_for):
    url = reverse("dispatch:unit-list")

    for_officer = page_text(client_for(officer).get(url))
    for_analyst = page_text(client_for(analyst).get(url))

    assert "Last report" not in for_officer
    assert "minutes ago" not in for_officer
    assert "Last report" in for_analyst
    assert "3\xa0minutes ago" in for_analyst or "3 minutes ago" in for_analyst


def test_the_list_filters_by_status_and_text(dispatcher, unit, other_unit, client_for):
    client = client_for(dispatcher)
    url = reverse("dispatch:unit-list")

    by_status = client.get(url, {"status": "out_of_service"}).context["page"]
    assert [u.call_sign for u in by_status] == ["VLN-1"]
    by_text = client.get(url, {"q": "kmu"}).context["page"]
    assert [u.call_sign for u in by_text] == ["MED-1"]
    bad = client.get(url, {"status": "sleeping"})
    assert bad.status_code == 200
    assert "sleeping" in " ".join(bad.context["form"].errors["status"])


def test_the_list_costs_the_same_few_queries_for_many_units(
    dispatcher, client_for, django_assert_max_num_queries
):
    for n in range(30):
        org_unit = org_unit_make(code=f"mobile-{n}", name=f"Mobile {n}")
        MobileUnit.objects.create(org_unit=org_unit, call_sign=f"U-{n}")
    client = client_for(dispatcher)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("dispatch:unit-list"))
    assert len(response.context["page"]) == 30


def test_the_list_hides_the_shift_column_from_whoever_may_not_see_shifts(
    administrator, unit, shift, client_for
):
    response = client_for(administrator).get(reverse("dispatch:unit-list"))
    assert response.context["can_see_shifts"] is False
    assert "Medininkai strip" not in page_text(response)
    assert "New mobile unit" in page_text(response)


# --- Detail ----------------------------------------------------------------------------


def test_the_operations_centre_sees_members_tasks_shifts_and_the_last_position(
    dispatcher, officer, unit, shift, client_for
):
    task = task_create(
        actor=dispatcher,
        data=TaskInput(kind="inspection", title="Lorry at lane 3", location=VILNIUS),
    )
    task_transition(actor=dispatcher, task=task, target="assigned", unit=unit)
    later = Shift.objects.create(
        unit=unit,
        starts_at=shift.ends_at + timedelta(hours=8),
        ends_at=shift.ends_at + timedelta(hours=16),
    )

    response = client_for(dispatcher).get(reverse("dispatch:unit-detail", kwargs={"pk": unit.pk}))

    assert response.status_code == 200
    page = response.context["page"]
    assert [m.user for m in page.members] == [officer]
    assert page.members[0].roles == ["Officer"]
    assert [t.title for t in page.recent_tasks] == ["Lorry at lane 3"]
    assert page.current_shift == shift
    assert page.upcoming_shifts == [later]
    assert page.devices is None  # dispatchers do not manage devices
    html = page_text(response)
    assert reverse("portal:user-detail", kwargs={"pk": officer.pk}) in html
    assert 'data-home-lat="54.687200"' in html
    assert 'data-last-lat="54.700000"' in html
    assert "The unit has an open task: reassign or cancel it first." in html
    assert "Take out of service" in html


def test_an_officer_of_another_unit_sees_the_unit_but_not_its_people_or_tasks(
    dispatcher, officer_b, unit, other_unit, client_for
):
    task = task_create(
        actor=dispatcher, data=TaskInput(kind="inspection", title="Secret lead", location=VILNIUS)
    )
    task_transition(actor=dispatcher, task=task, target="assigned", unit=unit)

    response = client_for(officer_b).get(reverse("dispatch:unit-detail", kwargs={"pk": unit.pk}))

    assert response.status_code == 200
    page = response.context["page"]
    assert page.members is None
    assert page.members_count == 1
    assert page.recent_tasks == []
    assert page.devices is None
    html = page_text(response)
    assert "1 officer serves in this unit." in html
    assert "Secret lead" not in html
    assert "data-last-lat" not in html
    assert "Take out of service" not in html
    assert "Edit unit" not in html


def test_an_officer_sees_only_their_own_units_shifts_on_a_units_page(
    officer, officer_b, unit, shift, client_for
):
    url = reverse("dispatch:unit-detail", kwargs={"pk": unit.pk})

    own = client_for(officer).get(url)
    other = client_for(officer_b).get(url)

    assert own.context["page"].current_shift == shift
    assert "Medininkai strip" in page_text(own)
    assert other.context["page"].current_shift is None
    assert other.context["page"].upcoming_shifts is None
    assert "Medininkai strip" not in page_text(other)
    assert "Shift board" not in page_text(other)


def test_officers_see_no_last_report_or_accuracy_on_a_units_page(
    officer, dispatcher, unit, client_for
):
    unit.last_accuracy_m = 8
    unit.save(update_fields=["last_accuracy_m"])
    url = reverse("dispatch:unit-detail", kwargs={"pk": unit.pk})

    for_officer = page_text(client_for(officer).get(url))
    for_dispatcher = page_text(client_for(dispatcher).get(url))

    assert "<dt>Last report</dt>" not in for_officer
    assert "minutes ago" not in for_officer
    assert "± 8 m" not in for_officer
    assert "<dt>Last report</dt>" in for_dispatcher
    assert "± 8 m" in for_dispatcher


def test_an_officer_sees_the_colleagues_of_their_own_unit_without_links(officer, unit, client_for):
    response = client_for(officer).get(reverse("dispatch:unit-detail", kwargs={"pk": unit.pk}))

    assert [m.user for m in response.context["page"].members] == [officer]
    assert reverse("portal:user-detail", kwargs={"pk": officer.pk}) not in page_text(response)


def test_an_administrator_sees_the_devices_and_the_registration_form(
    administrator, unit, client_for
):
    UnitDevice.objects.create(unit=unit, name="Patrol car tracker", token_hash="c" * 64)

    response = client_for(administrator).get(
        reverse("dispatch:unit-detail", kwargs={"pk": unit.pk})
    )

    assert [d.name for d in response.context["page"].devices] == ["Patrol car tracker"]
    html = page_text(response)
    assert "Register device" in html
    assert "Revoke" in html
    assert response.context["page"].recent_tasks is None  # no view_task


def test_an_unknown_unit_is_404(dispatcher, client_for):
    response = client_for(dispatcher).get(reverse("dispatch:unit-detail", kwargs={"pk": 999999}))
    assert response.status_code == 404


# --- Create and edit -----------------------------------------------------------------------


def test_the_form_offers_only_free_mobile_org_units(administrator, unit, client_for):
    free = org_unit_make(code="mobile-free", name="Mobile Unit Free")
    org_unit_make(code="post", name="Border post", kind=OrgUnitKind.CUSTOMS_POST)
    org_unit_make(code="mobile-closed", name="Closed", is_active=False)

    response = client_for(administrator).get(reverse("dispatch:unit-create"))

    offered = list(response.context["form"].fields["org_unit"].queryset)
    assert free in offered
    assert unit.org_unit not in offered
    assert all(o.kind == OrgUnitKind.MOBILE_UNIT and o.is_active for o in offered)


def test_an_administrator_creates_a_unit_from_the_form(administrator, client_for):
    free = org_unit_make(code="mobile-free", name="Mobile Unit Free")

    response = client_for(administrator).post(
        reverse("dispatch:unit-create"),
        {
            "org_unit": free.pk,
            "call_sign": "sal 1",
            "vehicle_plate": "kmu 104",
            "home_latitude": "54.6872",
            "home_longitude": "25.2797",
        },
    )

    unit = MobileUnit.objects.get(org_unit=free)
    assert response.status_code == 302
    assert response["Location"] == reverse("dispatch:unit-detail", kwargs={"pk": unit.pk})
    assert (unit.call_sign, unit.vehicle_plate) == ("SAL-1", "KMU 104")
    assert unit.home_base is not None
    assert unit.home_base.y == pytest.approx(54.6872)
    assert AuditRecord.objects.filter(object_type="dispatch.mobileunit", action="create").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"home_latitude": "54.68"}, "home_longitude", "Give both the latitude and the longitude"),
        ({"home_latitude": "95", "home_longitude": "25"}, "home_latitude", "less than or equal"),
        ({"home_latitude": "north", "home_longitude": "25"}, "home_latitude", "Enter a number"),
        (
            {"home_latitude": "40.4168", "home_longitude": "-3.7038"},
            "home_latitude",
            "outside the operational area",
        ),
        ({"call_sign": "VLN/1"}, "call_sign", "letters A to Z"),
        ({"call_sign": "med-1"}, "call_sign", "The call sign MED-1 is taken."),
        ({"org_unit": ""}, "org_unit", "Choose the organisational unit."),
    ],
)
def test_bad_input_on_the_form_is_shown_by_its_field_and_nothing_is_saved(
    administrator, unit, client_for, data, field, message
):
    free = org_unit_make(code="mobile-free", name="Mobile Unit Free")
    post = {"org_unit": free.pk, "call_sign": "SAL-1", **data}

    response = client_for(administrator).post(reverse("dispatch:unit-create"), post)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message.split("“")[0] in page_text(response).replace("&#x27;", "'")
    assert not MobileUnit.objects.filter(org_unit=free).exists()


def test_an_org_unit_taken_meanwhile_is_refused(administrator, unit, client_for):
    response = client_for(administrator).post(
        reverse("dispatch:unit-create"), {"org_unit": unit.org_unit_id, "call_sign": "NEW-1"}
    )
    assert "cannot get a mobile unit" in response.context["form"].errors["org_unit"][0]
    assert MobileUnit.objects.count() == 1


def test_a_dispatcher_edits_the_vehicle_and_the_org_unit_stays(dispatcher, unit, client_for):
    client = client_for(dispatcher)
    url = reverse("dispatch:unit-edit", kwargs={"pk": unit.pk})
    form = client.get(url).context["form"]
    assert "org_unit" not in form.fields
    assert form.initial["home_latitude"] == pytest.approx(54.6872)

    response = client.post(
        url,
        {"call_sign": "MED-1", "vehicle_plate": "KMU 205", "org_unit": 12345},
    )

    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.vehicle_plate == "KMU 205"
    assert unit.home_base is None  # cleared: no coordinates sent
    record = AuditRecord.objects.get(object_type="dispatch.mobileunit", action="update")
    assert record.changes["vehicle_plate"] == ["KMU 101", "KMU 205"]
    assert record.actor == dispatcher


# --- Status ----------------------------------------------------------------------------


def test_a_dispatcher_takes_a_unit_out_of_service_and_back(dispatcher, unit, client_for):
    client = client_for(dispatcher)
    url = reverse("dispatch:unit-status", kwargs={"pk": unit.pk})

    response = client.post(url, {"action": "out_of_service", "reason": "Flat tyre"}, follow=True)

    unit.refresh_from_db()
    assert unit.status == UnitStatus.OUT_OF_SERVICE
    assert "MED-1 is now out of service." in page_text(response)
    assert "Put back in service" in page_text(response)

    client.post(url, {"action": "in_service", "reason": "Tyre changed"})
    unit.refresh_from_db()
    assert unit.status == UnitStatus.OFF_DUTY


def test_a_status_change_without_a_reason_or_with_an_open_task_is_refused(
    dispatcher, unit, client_for
):
    client = client_for(dispatcher)
    url = reverse("dispatch:unit-status", kwargs={"pk": unit.pk})

    response = client.post(url, {"action": "out_of_service", "reason": " "}, follow=True)
    assert "Give the reason" in page_text(response)
    task = task_create(
        actor=dispatcher, data=TaskInput(kind="patrol", title="Patrol A3", location=VILNIUS)
    )
    task_transition(actor=dispatcher, task=task, target="assigned", unit=unit)
    response = client.post(url, {"action": "out_of_service", "reason": "Broken"}, follow=True)
    assert "has an open task (Patrol A3)" in page_text(response)
    response = client.post(url, {"action": "explode", "reason": "Why"}, follow=True)
    assert response.status_code == 200

    unit.refresh_from_db()
    assert unit.status == UnitStatus.BUSY
    assert not AuditRecord.objects.filter(
        object_type="dispatch.mobileunit", action="update"
    ).exists()


# --- Devices ----------------------------------------------------------------------------


def test_the_token_is_shown_once_in_the_answer_to_the_registration(administrator, unit, client_for):
    client = client_for(administrator)
    detail = reverse("dispatch:unit-detail", kwargs={"pk": unit.pk})

    response = client.post(
        reverse("dispatch:unit-device-register", kwargs={"pk": unit.pk}),
        {"name": "Crew tablet"},
    )

    # The answer to the POST itself, never cached, and the token is kept nowhere.
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    device = UnitDevice.objects.get(unit=unit)
    token = response.context["new_token"]["token"]
    assert device.token_hash == token_digest(token)
    html = page_text(response)
    assert token in html
    assert "Authorization: Device " + token in html
    assert "/api/v1/positions/" in response.context["new_token"]["curl"]
    assert "Device “Crew tablet” registered for MED-1." in html
    assert f'data-page-url="{detail}"' in html
    assert token not in repr(dict(client.session.items()))

    again = client.get(detail)
    assert again.context["new_token"] is None
    assert token not in page_text(again)
    assert "Cache-Control" not in again or again["Cache-Control"] != "no-store"


def test_a_refused_registration_shows_no_token(administrator, unit, client_for):
    UnitDevice.objects.create(unit=unit, name="Crew tablet", token_hash="e" * 64)
    client = client_for(administrator)

    response = client.post(
        reverse("dispatch:unit-device-register", kwargs={"pk": unit.pk}),
        {"name": "crew  tablet"},
        follow=True,
    )

    assert response.redirect_chain[-1][1] == 302
    assert response.context["new_token"] is None
    assert "already has an active device called" in page_text(response)
    assert UnitDevice.objects.filter(unit=unit).count() == 1


def test_a_nameless_device_is_refused_with_a_message(administrator, unit, client_for):
    response = client_for(administrator).post(
        reverse("dispatch:unit-device-register", kwargs={"pk": unit.pk}), {"name": ""}, follow=True
    )
    assert "Name the device" in page_text(response)
    assert not UnitDevice.objects.exists()


def test_revoking_from_the_page_and_another_units_device_is_404(
    administrator, unit, other_unit, client_for
):
    device = UnitDevice.objects.create(unit=unit, name="Tracker", token_hash="d" * 64)
    client = client_for(administrator)

    wrong = client.post(
        reverse("dispatch:unit-device-revoke", kwargs={"pk": other_unit.pk, "device_id": device.pk})
    )
    assert wrong.status_code == 404
    device.refresh_from_db()
    assert device.revoked_at is None

    response = client.post(
        reverse("dispatch:unit-device-revoke", kwargs={"pk": unit.pk, "device_id": device.pk}),
        follow=True,
    )
    device.refresh_from_db()
    assert device.revoked_at is not None
    assert "revoked: its token is refused from now on" in page_text(response)
    again = client.post(
        reverse("dispatch:unit-device-revoke", kwargs={"pk": unit.pk, "device_id": device.pk}),
        follow=True,
    )
    assert "already revoked" in page_text(again)
