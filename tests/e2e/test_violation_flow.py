"""An officer at the roadside logs a violation on a phone: taps the map, adds a goods
line and a photo, submits, and finds it on the violation map."""

from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from cases.models import Violation, ViolationStatus
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in


def roadside_photo() -> dict[str, object]:
    image = Image.new("RGB", (800, 600), (90, 120, 160))
    out = BytesIO()
    image.save(out, format="JPEG")
    return {"name": "lorry.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


@pytest.mark.django_db(transaction=True)
def test_officer_logs_a_violation_on_a_phone_and_finds_it_on_the_map(new_page):
    demo_seed(password=PASSWORD)
    page = new_page(PHONE)
    sign_in(page, "officer")

    page.goto("/violations/new/")
    page.get_by_role("radio", name="Tobacco products").check()
    tobacco = page.locator("fieldset[data-category=tobacco]")
    # Short choices are chips (radio buttons): one tap each.
    tobacco.get_by_role("group", name="Transport mode").get_by_label("Road").check()
    tobacco.get_by_role("group", name="Detection method").get_by_label("X-ray / scanner").check()
    tobacco.get_by_role("group", name="Product").get_by_label("Cigarettes").check()
    tobacco.get_by_label("Brand").fill("Minsk")
    tobacco.get_by_role("group", name="Excise stamps").get_by_label("Foreign").check()
    page.locator("#location-map").click()
    assert page.locator("#id_latitude").input_value() != ""
    page.get_by_label("Place").fill("Medininkai, lorry lane 3")
    screenshot(page, "violation-form-phone")
    page.get_by_role("button", name="Save draft and continue").click()

    page.get_by_text("saved").first.wait_for()
    violation = Violation.objects.get()
    assert violation.location_source == "map"
    page.get_by_label("HS code").fill("240220")
    # What the code is, in words under the field: a phone has no hover.
    expect(page.locator("[data-hs-description]")).to_contain_text("240220 Cigarettes")
    page.get_by_label("Description").first.fill("Cigarettes without Lithuanian excise stamps")
    page.get_by_label("Quantity").fill("500")
    # The unit is preselected from the HS code (cigarettes are counted in packs).
    expect(page.get_by_role("combobox", name="Unit", exact=True)).to_have_value("packs")
    page.get_by_label("Estimated value (EUR)").fill("2250")
    page.get_by_role("button", name="Add goods line").click()
    page.get_by_text("Goods line added.").wait_for()
    # Sent as soon as it is picked: the Upload button is for a page without the script.
    expect(page.get_by_role("button", name="Upload")).to_be_hidden()
    page.get_by_label("Photo or document").set_input_files(roadside_photo())
    page.get_by_text("File added.").wait_for()
    page.get_by_role("button", name="Submit").click()
    page.get_by_text("submitted for verification").wait_for()
    screenshot(page, "violation-detail-phone")

    violation.refresh_from_db()
    assert violation.status == ViolationStatus.SUBMITTED
    assert violation.goods.get().hs_code_id == "240220"
    assert violation.evidence.get().thumbnail

    page.goto("/violations/")
    assert page.get_by_role("link", name=violation.reference).is_visible()
    screenshot(page, "violation-list-phone")

    page.goto("/violations/map/")
    # A function, not an expression: Playwright polls an expression with eval(), which
    # the page's Content-Security-Policy refuses.
    page.wait_for_function(
        "() => document.querySelector('[data-map-status]').textContent.trim() !== ''"
    )
    assert page.locator("[data-map-status]").inner_text() == "Violations in view: 1"
    assert page.locator(".cluster-label").first.inner_text() == "1"
    screenshot(page, "violation-map-phone")


@pytest.mark.django_db(transaction=True)
def test_analyst_verifies_from_the_review_queue(new_page, officer):
    from datetime import timedelta

    from django.contrib.gis.geos import Point
    from django.utils import timezone

    from cases.models import ViolationCategory
    from cases.services.violations import ViolationInput, violation_create, violation_submit

    demo_seed(password=PASSWORD)
    violation, _ = violation_create(
        actor=officer,
        data=ViolationInput(
            occurred_at=timezone.now() - timedelta(hours=2),
            category=ViolationCategory.objects.get(code="fuel"),
            location=Point(25.6536, 54.5395, srid=4326),
            details={
                "transport_mode": "road",
                "detection_method": "physical",
                "fuel_type": "diesel",
            },
        ),
    )
    violation_submit(actor=officer, violation=violation)
    page = new_page(DESKTOP)
    sign_in(page, "analyst")

    page.get_by_role("link", name="Review queue").click()
    screenshot(page, "review-queue-desktop")
    page.get_by_role("link", name=violation.reference).click()
    page.get_by_role("button", name="Verify").click()
    page.get_by_text("verified.").wait_for()
    screenshot(page, "violation-verified-desktop")

    violation.refresh_from_db()
    assert violation.status == ViolationStatus.VERIFIED
    page.goto("/violations/?status=verified")
    assert page.get_by_role("link", name=violation.reference).is_visible()
    screenshot(page, "violation-list-desktop")
    page.goto(violation.get_absolute_url())
    page.get_by_role("link", name="Exchange records").click()
    assert page.get_by_role("heading", name="What the non-nominal record leaves out").is_visible()
    screenshot(page, "violation-exchange-desktop")
