"""The pages that name a mobile unit or carry the reworked forms, at desktop (1280 px)
and phone (390 px) width, in English and Lithuanian: each fits its width, names the
demo's Medininkai unit "MED-1 · Medininkai" where it lists units, and is kept as a
screenshot to be looked at."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Page, expect

from dispatch.models import MobileUnit
from dispatch.services.demo import dispatch_demo_seed
from portal.services.demo import demo_seed
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

WIDE = {"width": 1280, "height": 900}


def _pages(unit: MobileUnit) -> list[tuple[str, str, str, bool]]:
    """(who, name, path, names the unit) of each page looked at."""
    officer = get_user_model().objects.get(username="officer")
    return [
        ("officer", "violation-form", reverse("cases:violation-create"), False),
        ("dispatcher", "unit-list", reverse("dispatch:unit-list"), True),
        ("dispatcher", "unit-stats", reverse("dispatch:unit-stats"), True),
        ("dispatcher", "live-map", reverse("dispatch:live-map"), False),
        ("dispatcher", "track-replay", reverse("dispatch:track-replay"), False),
        ("dispatcher", "violation-map", reverse("cases:violation-map"), False),
        ("admin", "org-units", reverse("portal:unit-list"), True),
        ("admin", "org-unit-edit", reverse("portal:unit-edit", args=[unit.org_unit_id]), True),
        ("admin", "users", reverse("portal:user-list"), True),
        ("admin", "user-detail", reverse("portal:user-detail", args=[officer.pk]), False),
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "lt"])
def test_the_pages_fit_and_name_the_unit_once(new_page, viewport, language):
    demo_seed(password=PASSWORD)
    dispatch_demo_seed()
    unit = MobileUnit.objects.select_related("org_unit").get(call_sign="MED-1")
    size = WIDE if viewport == "desktop" else PHONE
    signed_in: dict[str, Page] = {}
    for who, name, path, names_unit in _pages(unit):
        if who not in signed_in:
            page = new_page(size)
            sign_in(page, who)
            if language == "lt":
                page.locator(".lang-switch button[value=lt]").click()
                expect(page.locator("html")).to_have_attribute("lang", "lt")
            signed_in[who] = page
        page = signed_in[who]
        page.goto(path)
        page.wait_for_load_state("load")
        if names_unit:
            expect(page.locator("main")).to_contain_text(unit.label)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name} is {width} px wide at {size['width']} px"
        screenshot(page, f"s6b-{name}-{viewport}-{language}")

    # A reason form of the user page sent empty: the page again, the message at the field
    # and in the form's summary, in view.
    page = signed_in["admin"]
    page.goto(
        reverse("portal:user-detail", args=[get_user_model().objects.get(username="officer").pk])
    )
    page.locator("form[action$='/unlock/'] button[type=submit]").click()
    summary = page.locator("form[action$='/unlock/'] [data-error-summary]")
    expect(summary).to_be_focused()
    expect(page.locator("#id_unlock_reason-errors")).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= size["width"], f"the refused user page is {width} px wide"
    screenshot(page, f"s6b-user-detail-refused-{viewport}-{language}")
