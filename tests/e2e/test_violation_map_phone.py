"""The violation map on a phone (390 px), in English and Lithuanian: the filter card and
its heat-layer toggle fit the screen, and the toggle switches the layer on."""

import pytest
from playwright.sync_api import expect

from portal.services.demo import demo_seed
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

RIGHT_EDGE = "(element) => element.getBoundingClientRect().right"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "lt"])
def test_the_heat_layer_toggle_fits_a_phone(new_page, language):
    demo_seed(password=PASSWORD)
    page = new_page(PHONE)
    sign_in(page, "dispatcher")
    page.goto("/violations/map/")
    if language == "lt":
        page.locator(".lang-switch button[value=lt]").click()
        expect(page.locator("html")).to_have_attribute("lang", "lt")
    toggle = page.locator("label.toggle:has([data-heat])")
    expect(toggle).to_be_visible()

    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"
    assert toggle.evaluate(RIGHT_EDGE) <= PHONE["width"]
    for control in page.locator("[data-map-filters] .filters__actions > *").all():
        assert control.evaluate(RIGHT_EDGE) <= PHONE["width"], control.inner_text()

    toggle.click()
    expect(page.locator("[data-heat]")).to_be_checked()
    screenshot(page, f"violation-map-heat-phone-{language}")
