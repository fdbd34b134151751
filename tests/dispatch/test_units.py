"""Managing mobile units through the services: a unit is created for a free
organisational unit of kind "mobile unit" with a normalised, unique call sign and a home
base in the operational area; bad input is answered field by field and saves nothing;
out of service is refused while the unit holds a task; devices are registered with a
token shown once and revoked for good; every change is audited."""

from datetime import timedelta
from typing import Any, cast

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from dispatch.models import MobileUnit, PositionReport, UnitDevice, UnitStatus
from dispatch.services.positions import token_digest
from dispatch.services.tasks import TaskInput, task_create, task_transition
from dispatch.services.units import (
    UnitInput,
    call_sign_normalise,
    unit_back_in_service,
    unit_create,
    unit_device_add,
    unit_device_revoke,
    unit_out_of_service,
    unit_update,
    vehicle_plate_normalise,
)
from portal.models import AuditRecord, OrgUnit, OrgUnitKind
from tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db


def org_unit_make(**fields: Any) -> OrgUnit:
    """An organisational unit (of kind "mobile unit" unless told)."""
    return cast(OrgUnit, OrgUnitFactory(**fields))


VILNIUS = Point(25.2797, 54.6872, srid=4326)
MADRID = Point(-3.7038, 40.4168, srid=4326)


@pytest.fixture
def free_org_unit():
    return org_unit_make(code="mobile-salcininkai", name="Mobile Unit Šalčininkai")


@pytest.fixture
def unit(unit_a):
    return MobileUnit.objects.create(
        org_unit=unit_a, call_sign="MED-1", vehicle_plate="KMU 101", status=UnitStatus.AVAILABLE
    )


def audits(obj_type: str = "dispatch.mobileunit"):
    return AuditRecord.objects.filter(object_type=obj_type).order_by("id")


def error_of(raised: pytest.ExceptionInfo[ValidationError], field: str) -> str:
    return " ".join(raised.value.message_dict[field])


# --- Normalisation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("vln-2", "VLN-2"), ("  med 1 ", "MED-1"), ("klp__3", "KLP-3"), ("k9", "K9")],
)
def test_call_signs_are_upper_case_with_hyphens(raw, expected):
    assert call_sign_normalise(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter the call sign"),
        ("-VLN", "letters A to Z, digits and single hyphens"),
        ("VLN-", "letters A to Z, digits and single hyphens"),
        ("ŠAL-1", "letters A to Z"),
        ("VLN/1", "letters A to Z"),
        ("A" * 21, "at most 20 characters; this one has 21"),
    ],
)
def test_a_bad_call_sign_is_refused_with_what_is_wrong(raw, message):
    with pytest.raises(ValidationError) as raised:
        call_sign_normalise(raw)
    assert message in error_of(raised, "call_sign")


def test_plates_are_upper_case_with_single_spaces_and_checked():
    assert vehicle_plate_normalise(" kmu   101 ") == "KMU 101"
    assert vehicle_plate_normalise("   ") == ""
    with pytest.raises(ValidationError) as raised:
        vehicle_plate_normalise("KMU#101")
    assert "Latin letters, digits, spaces and hyphens" in error_of(raised, "vehicle_plate")


# --- Create ----------------------------------------------------------------------------


def test_an_administrator_creates_a_unit_and_it_is_audited(administrator, free_org_unit):
    unit = unit_create(
        actor=administrator,
        data=UnitInput(
            org_unit=free_org_unit, call_sign=" sal 1", vehicle_plate="kmu 104", home_base=VILNIUS
        ),
    )

    unit.refresh_from_db()
    assert unit.org_unit == free_org_unit
    assert unit.call_sign == "SAL-1"
    assert unit.vehicle_plate == "KMU 104"
    assert unit.home_base is not None
    assert unit.home_base.coords == pytest.approx(VILNIUS.coords)
    assert unit.status == UnitStatus.OFF_DUTY
    assert unit.status_changed_at is not None
    record = audits().get()
    assert record.action == "create"
    assert record.actor == administrator
    assert record.object_id == str(unit.pk)
    assert record.changes == {
        "org_unit": "Mobile Unit Šalčininkai",
        "call_sign": "SAL-1",
        "vehicle_plate": "KMU 104",
        "home_base": "54.687200, 25.279700",
        "status": "off_duty",
    }


def test_a_unit_without_a_home_base_or_vehicle_is_fine(administrator, free_org_unit):
    unit = unit_create(
        actor=administrator, data=UnitInput(org_unit=free_org_unit, call_sign="SAL-2")
    )
    assert unit.home_base is None
    assert unit.vehicle_plate == ""


def test_every_problem_is_reported_at_once_and_nothing_is_saved(administrator, unit):
    headquarters = org_unit_make(code="hq", name="Headquarters", kind=OrgUnitKind.HEADQUARTERS)

    with pytest.raises(ValidationError) as raised:
        unit_create(
            actor=administrator,
            data=UnitInput(
                org_unit=headquarters,
                call_sign="med-1",  # taken by the unit, whatever the case
                vehicle_plate="KMU#1",
                home_base=MADRID,
            ),
        )

    errors = raised.value.message_dict
    assert "Headquarters is not a mobile unit" in errors["org_unit"][0]
    assert errors["call_sign"] == ["The call sign MED-1 is taken."]
    assert "Latin letters" in errors["vehicle_plate"][0]
    assert "(40.41680, -3.70380) lies outside the operational area" in errors["home_base"][0]
    assert MobileUnit.objects.count() == 1
    assert not audits().exists()


def test_an_org_unit_that_already_has_a_mobile_unit_or_is_inactive_is_refused(administrator, unit):
    with pytest.raises(ValidationError) as raised:
        unit_create(actor=administrator, data=UnitInput(org_unit=unit.org_unit, call_sign="X-1"))
    assert "already has a mobile unit" in error_of(raised, "org_unit")

    closed = org_unit_make(code="mobile-closed", name="Closed unit", is_active=False)
    with pytest.raises(ValidationError) as raised:
        unit_create(actor=administrator, data=UnitInput(org_unit=closed, call_sign="X-1"))
    assert "Closed unit is inactive" in error_of(raised, "org_unit")

    with pytest.raises(ValidationError) as raised:
        unit_create(actor=administrator, data=UnitInput(org_unit=None, call_sign="X-1"))
    assert "Choose the organisational unit" in error_of(raised, "org_unit")
    assert MobileUnit.objects.count() == 1


def test_only_those_who_may_add_units_create_them(dispatcher, officer, free_org_unit):
    for person in (dispatcher, officer):
        with pytest.raises(PermissionDenied):
            unit_create(actor=person, data=UnitInput(org_unit=free_org_unit, call_sign="SAL-1"))
    assert not MobileUnit.objects.filter(call_sign="SAL-1").exists()


# --- Update ----------------------------------------------------------------------------


def test_a_change_is_saved_with_before_and_after_in_the_audit(dispatcher, unit):
    unit_update(
        actor=dispatcher,
        unit=unit,
        data=UnitInput(
            org_unit=None, call_sign="med-2", vehicle_plate="KMU 101", home_base=VILNIUS
        ),
    )

    unit.refresh_from_db()
    assert unit.call_sign == "MED-2"
    record = audits().get()
    assert record.action == "update"
    assert record.changes == {
        "call_sign": ["MED-1", "MED-2"],
        "home_base": [None, "54.687200, 25.279700"],
    }


def test_saving_without_a_change_writes_no_audit_record(dispatcher, unit):
    unit_update(
        actor=dispatcher,
        unit=unit,
        data=UnitInput(org_unit=None, call_sign="MED-1", vehicle_plate="kmu 101"),
    )
    assert not audits().exists()


def test_a_bad_update_changes_nothing(dispatcher, unit, unit_b):
    MobileUnit.objects.create(org_unit=unit_b, call_sign="VLN-1")

    with pytest.raises(ValidationError) as raised:
        unit_update(
            actor=dispatcher,
            unit=unit,
            data=UnitInput(
                org_unit=None, call_sign="vln-1", vehicle_plate="NEW 1", home_base=MADRID
            ),
        )

    assert set(raised.value.message_dict) == {"call_sign", "home_base"}
    unit.refresh_from_db()
    assert (unit.call_sign, unit.vehicle_plate, unit.home_base) == ("MED-1", "KMU 101", None)
    assert not audits().exists()


def test_an_officer_cannot_change_a_unit(officer, unit):
    with pytest.raises(PermissionDenied):
        unit_update(actor=officer, unit=unit, data=UnitInput(org_unit=None, call_sign="MINE-1"))


# --- Out of service and back -------------------------------------------------------------


def test_out_of_service_and_back_to_off_duty_with_reasons_audited(dispatcher, unit):
    unit_out_of_service(actor=dispatcher, unit=unit, reason="  Gearbox broken  ")
    unit.refresh_from_db()
    assert unit.status == UnitStatus.OUT_OF_SERVICE
    out_at = unit.status_changed_at

    unit_back_in_service(actor=dispatcher, unit=unit, reason="Repaired")
    unit.refresh_from_db()
    assert unit.status == UnitStatus.OFF_DUTY
    assert unit.status_changed_at > out_at

    first, second = audits()
    assert (first.changes, first.reason) == (
        {"status": ["available", "out_of_service"]},
        "Gearbox broken",
    )
    assert (second.changes, second.reason) == (
        {"status": ["out_of_service", "off_duty"]},
        "Repaired",
    )


def test_out_of_service_is_refused_while_the_unit_holds_an_open_task(dispatcher, unit):
    task = task_create(
        actor=dispatcher,
        data=TaskInput(kind="inspection", title="Lorry at lane 3", location=VILNIUS),
    )
    task_transition(actor=dispatcher, task=task, target="assigned", unit=unit)
    unit.refresh_from_db()
    before = unit.status
    audit_count = AuditRecord.objects.count()

    with pytest.raises(ValidationError) as raised:
        unit_out_of_service(actor=dispatcher, unit=unit, reason="Crew sick")

    assert "MED-1 has an open task (Lorry at lane 3)" in error_of(raised, "status")
    unit.refresh_from_db()
    assert unit.status == before
    assert AuditRecord.objects.count() == audit_count

    # Once the task is cancelled, the unit can go.
    task_transition(actor=dispatcher, task=task, target="cancelled", note="Not needed")
    unit_out_of_service(actor=dispatcher, unit=unit, reason="Crew sick")
    unit.refresh_from_db()
    assert unit.status == UnitStatus.OUT_OF_SERVICE


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_a_reason_is_required_and_short(dispatcher, unit, reason):
    with pytest.raises(ValidationError) as raised:
        unit_out_of_service(actor=dispatcher, unit=unit, reason=reason)
    assert error_of(raised, "reason")
    unit.refresh_from_db()
    assert unit.status == UnitStatus.AVAILABLE
    assert not audits().exists()


def test_status_moves_that_make_no_sense_are_refused(dispatcher, unit):
    with pytest.raises(ValidationError) as raised:
        unit_back_in_service(actor=dispatcher, unit=unit, reason="Why not")
    assert "MED-1 is not out of service" in error_of(raised, "status")

    unit_out_of_service(actor=dispatcher, unit=unit, reason="Broken")
    with pytest.raises(ValidationError) as raised:
        unit_out_of_service(actor=dispatcher, unit=unit, reason="Again")
    assert "already out of service" in error_of(raised, "status")
    assert audits().count() == 1


def test_officers_and_analysts_cannot_change_the_service_status(officer, analyst, unit):
    for person in (officer, analyst):
        with pytest.raises(PermissionDenied):
            unit_out_of_service(actor=person, unit=unit, reason="Tired")
    unit.refresh_from_db()
    assert unit.status == UnitStatus.AVAILABLE


# --- Devices ----------------------------------------------------------------------------


def test_a_device_is_registered_with_only_the_tokens_hash_kept(administrator, unit):
    device, token = unit_device_add(actor=administrator, unit=unit, name="  Patrol   car tracker ")

    device.refresh_from_db()
    assert device.name == "Patrol car tracker"
    assert device.unit == unit
    assert len(token) >= 40
    assert device.token_hash == token_digest(token)
    assert token not in device.token_hash
    record = audits("dispatch.unitdevice").get()
    assert record.action == "create"
    assert record.actor == administrator
    assert token not in str(record.changes)


def test_device_names_are_required_and_unique_among_the_units_active_devices(administrator, unit):
    unit_device_add(actor=administrator, unit=unit, name="Tablet")

    with pytest.raises(ValidationError) as raised:
        unit_device_add(actor=administrator, unit=unit, name="tablet")
    assert "MED-1 already has an active device called “tablet”" in error_of(raised, "name")
    with pytest.raises(ValidationError) as raised:
        unit_device_add(actor=administrator, unit=unit, name="   ")
    assert "Name the device" in error_of(raised, "name")
    assert unit.devices.count() == 1


def test_only_administrators_register_and_revoke_devices(dispatcher, administrator, unit):
    with pytest.raises(PermissionDenied):
        unit_device_add(actor=dispatcher, unit=unit, name="Phone")
    device, _token = unit_device_add(actor=administrator, unit=unit, name="Phone")
    with pytest.raises(PermissionDenied):
        unit_device_revoke(actor=dispatcher, device=device)
    device.refresh_from_db()
    assert device.revoked_at is None


def test_a_revoked_token_is_refused_by_the_position_api(administrator, unit):
    device, token = unit_device_add(actor=administrator, unit=unit, name="Tracker")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {token}")
    report = {
        "device_time": (timezone.now() - timedelta(minutes=1)).isoformat(),
        "latitude": 54.6872,
        "longitude": 25.2797,
    }
    assert (
        client.post("/api/v1/positions/", {"reports": [report]}, format="json").status_code == 200
    )

    unit_device_revoke(actor=administrator, device=device)

    later = {**report, "device_time": timezone.now().isoformat()}
    response = client.post("/api/v1/positions/", {"reports": [later]}, format="json")
    assert response.status_code == 401
    assert "revoked" in str(response.json())
    assert PositionReport.objects.filter(unit=unit).count() == 1
    device.refresh_from_db()
    assert device.revoked_at is not None
    record = audits("dispatch.unitdevice").filter(action="update").get()
    assert record.changes["revoked_at"][0] is None
    assert record.changes["unit"] == "MED-1"


def test_revoking_twice_is_refused_and_keeps_the_first_time(administrator, unit):
    device, _token = unit_device_add(actor=administrator, unit=unit, name="Tracker")
    unit_device_revoke(actor=administrator, device=device)
    device.refresh_from_db()
    first = device.revoked_at

    with pytest.raises(ValidationError, match="already revoked"):
        unit_device_revoke(actor=administrator, device=device)

    device.refresh_from_db()
    assert device.revoked_at == first
    assert UnitDevice.objects.filter(revoked_at__isnull=False).count() == 1
