"""An administrator creates a mobile unit with its home base clicked on the map,
registers a device and sees its token once, the device reports with it, and revoking the
device shuts it out; the pages at desk and phone widths (artifacts/screenshots/)."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from dispatch.models import MobileUnit, UnitDevice, UnitStatus
from dispatch.services.demo import dispatch_demo_seed
from dispatch.services.positions import token_digest
from portal.models import OrgUnit, OrgUnitKind
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in


def seed() -> OrgUnit:
    demo_seed(password=PASSWORD)
    dispatch_demo_seed()
    org_unit, _created = OrgUnit.objects.get_or_create(
        code="mobile-salcininkai",
        defaults={"name": "Mobile Unit Šalčininkai", "kind": OrgUnitKind.MOBILE_UNIT},
    )
    return org_unit


def position_post(page, token: str):
    now = datetime.now(UTC).isoformat()
    return page.request.post(
        "/api/v1/positions/",
        headers={"Authorization": f"Device {token}"},
        data={"reports": [{"device_time": now, "latitude": 54.4, "longitude": 25.4}]},
    )


@pytest.mark.django_db(transaction=True)
def test_an_administrator_creates_a_unit_on_the_map_and_registers_a_device(new_page):
    org_unit = seed()
    page = new_page(DESKTOP, permissions=["clipboard-read", "clipboard-write"])
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, "admin")

    page.goto("/dispatch/units/")
    page.get_by_role("heading", name="Mobile units").wait_for()
    assert page.locator("tr[data-unit]").count() == MobileUnit.objects.count()
    screenshot(page, "units-list-desktop")

    page.get_by_role("link", name="New mobile unit").click()
    page.get_by_label("Organisational unit").select_option(str(org_unit.pk))
    page.get_by_label("Call sign").fill("sal 1")
    page.get_by_label("Vehicle plate").fill("kmu 104")
    picker = page.locator("#home-map")
    box = picker.bounding_box()
    assert box is not None
    # The middle of the map, fitted to Lithuania: inside the operational area.
    picker.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    page.get_by_text("Home base set from the map.").wait_for()
    latitude = float(page.get_by_label("Home base latitude").input_value())
    longitude = float(page.get_by_label("Home base longitude").input_value())
    assert 53.9 < latitude < 56.5
    assert 20.9 < longitude < 26.9
    assert page.locator("#home-map .leaflet-marker-icon").count() == 1
    screenshot(page, "unit-form-desktop")
    page.get_by_role("button", name="Create mobile unit").click()

    page.get_by_text("Mobile unit SAL-1 created.").wait_for()
    unit = MobileUnit.objects.get(org_unit=org_unit)
    assert (unit.call_sign, unit.vehicle_plate, unit.status) == (
        "SAL-1",
        "KMU 104",
        UnitStatus.OFF_DUTY,
    )
    assert unit.home_base is not None
    assert unit.home_base.y == pytest.approx(latitude, abs=1e-6)
    assert unit.home_base.x == pytest.approx(longitude, abs=1e-6)
    page.locator("#unit-map path.unit-home").wait_for()

    page.get_by_label("Device name").fill("Patrol car tracker")
    page.get_by_role("button", name="Register device").click()
    page.get_by_text("Device “Patrol car tracker” registered for SAL-1.").wait_for()
    token = page.get_by_label("Device token").input_value()
    device = UnitDevice.objects.get(unit=unit)
    assert device.token_hash == token_digest(token)
    assert f"Authorization: Device {token}" in page.locator("#curl-example").inner_text()
    page.get_by_role("button", name="Copy token").click()
    page.locator("[data-copy-status]").filter(has_text="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == token
    screenshot(page, "unit-token-desktop")

    # The token came as the answer to the registration itself; the address bar shows the
    # unit's page, so a reload shows that page without the token and registers nothing.
    detail = f"/dispatch/units/{unit.pk}/"
    assert page.url.endswith(detail)
    page.reload()
    page.get_by_role("heading", name="Devices").wait_for()
    assert page.locator("[data-new-token]").count() == 0
    assert token not in page.content()
    assert "already has an active device" not in page.content()
    assert UnitDevice.objects.filter(unit=unit).count() == 1
    # ... and neither does visiting it again.
    page.goto(detail)
    page.get_by_role("heading", name="Devices").wait_for()
    assert token not in page.content()

    # The device reports with its token; revoked, it is refused.
    accepted = position_post(page, token)
    assert (accepted.status, accepted.json()["accepted"]) == (200, 1)
    # The portal's own question; "Go back" keeps the device.
    page.get_by_role("button", name="Revoke Patrol car tracker").click()
    question = page.get_by_role("dialog")
    expect(question).to_contain_text("Its token stops working at once.")
    question.get_by_role("button", name="Go back").click()
    expect(question).to_be_hidden()
    assert position_post(page, token).status == 200
    page.get_by_role("button", name="Revoke Patrol car tracker").click()
    question.get_by_role("button", name="Revoke").click()
    page.get_by_text("revoked: its token is refused from now on").wait_for()
    assert position_post(page, token).status == 401
    device.refresh_from_db()
    assert device.revoked_at is not None
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "unit-detail-desktop")
    assert not errors


@pytest.mark.django_db(transaction=True)
def test_a_dispatcher_takes_a_unit_out_of_service_on_a_phone(new_page):
    seed()
    unit = MobileUnit.objects.get(call_sign="KLP-1")
    unit.tasks.all().delete()
    unit.status = UnitStatus.AVAILABLE
    unit.save(update_fields=["status"])
    page = new_page(PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, "dispatcher")

    page.goto("/dispatch/units/")
    page.get_by_role("link", name="KLP-1").click()
    page.get_by_role("heading", name="Members").wait_for()
    page.get_by_label("Reason for taking it out of service").fill("Windscreen broken")
    page.get_by_role("button", name="Take out of service").click()
    page.get_by_text("KLP-1 is now out of service.").wait_for()
    unit.refresh_from_db()
    assert unit.status == UnitStatus.OUT_OF_SERVICE
    assert page.get_by_label("Reason for putting it back in service").is_visible()
    screenshot(page, "unit-detail-phone")

    page.goto("/dispatch/units/?status=out_of_service")
    assert page.locator("tr[data-unit]").count() == 1
    screenshot(page, "units-list-phone")
    page.goto(f"/dispatch/units/{unit.pk}/edit/")
    page.get_by_label("Call sign").wait_for()
    screenshot(page, "unit-form-phone")
    assert not errors
