"""How many taps the officer's violation journey takes on a phone (390 px).

The journey is the one of test_violation_flow: from the officer's home page, "Log a
violation", tobacco products (road, X-ray, cigarettes, a brand, foreign excise stamps), a
tap on the map, the place, Save draft; then a goods line (HS code, description,
quantity, unit, value), one photo, and Submit.

Taps are counted by the Taps wrapper below, never typed by hand. The rule:
- a click or tap on a control (button, radio chip, checkbox, the map) = 1;
- a navigation link = 1;
- choosing from a native <select> = 2 (open the list, choose);
- focusing a text field to type = 1 (the typing itself is not counted);
- a file chooser = 2 (open it, pick the file);
- each button of a confirmation dialog = 1.
A control the page already set to the wanted value (a unit preselected from the HS
code) is not touched and costs nothing. Focus moving on by itself saves no tap.

Measured on the code before the tap cut (commit c37eead): 26 taps; 19 with the short
category facts as chips; 18 with the category itself as chips.
"""

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from cases.models import Violation, ViolationStatus
from portal.services.demo import demo_seed
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in
from tests.e2e.test_violation_flow import roadside_photo

BEFORE = 26  # today's count, measured with this test on commit c37eead
BOUND = 18  # the category as chips (one tap) instead of a list (two)


@dataclass
class Taps:
    """Performs each step of the journey and counts its taps by the rule above."""

    page: Page
    log: list[tuple[str, int]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(taps for _, taps in self.log)

    def _note(self, what: str, taps: int) -> None:
        self.log.append((what, taps))

    def tap(self, control: Locator, what: str) -> None:
        control.click()
        self._note(what, 1)

    def follow(self, link: Locator, what: str) -> None:
        link.click()
        self._note(what, 1)

    def type(self, control: Locator, text: str, what: str) -> None:
        control.click()
        control.fill(text)
        self._note(what, 1)

    def choose(self, scope: Locator | Page, field_label: str, option: str) -> None:
        """A choice, whichever control the page draws for it: a native <select> is 2
        taps (0 when it already shows the option), a radio chip 1."""
        # The accessible name, with the required mark (*) some labels carry.
        name = re.compile(rf"^{re.escape(field_label)}(\s*\*)?$")
        select = scope.get_by_role("combobox", name=name)
        if select.count():
            chosen = select.evaluate("(s) => s.options[s.selectedIndex]?.text.trim() || ''")
            if chosen == option:
                self._note(f"{field_label}: {option} (already chosen)", 0)
                return
            select.select_option(label=option)
            self._note(f"{field_label}: {option} (select)", 2)
            return
        group = scope.get_by_role("group", name=name)
        radio = group.get_by_role("radio", name=option, exact=True)
        if radio.is_checked():
            self._note(f"{field_label}: {option} (already chosen)", 0)
            return
        radio.check()
        self._note(f"{field_label}: {option} (chip)", 1)

    def pick_file(self, control: Locator, files: Any, what: str) -> None:
        control.set_input_files(files)
        self._note(what, 2)


@pytest.mark.django_db(transaction=True)
def test_the_officers_violation_journey_takes_few_taps_on_a_phone(new_page):
    demo_seed(password=PASSWORD)
    page = new_page(PHONE)
    sign_in(page, "officer")
    page.goto("/")
    taps = Taps(page)

    taps.follow(page.get_by_role("link", name="Log a violation").first, "Log a violation")
    page.wait_for_url("**/violations/new/")
    taps.choose(page, "Category", "Tobacco products")
    tobacco = page.locator("fieldset[data-category=tobacco]")
    taps.choose(tobacco, "Transport mode", "Road")
    taps.choose(tobacco, "Detection method", "X-ray / scanner")
    taps.choose(tobacco, "Product", "Cigarettes")
    taps.type(tobacco.get_by_label("Brand"), "Minsk", "Brand")
    taps.choose(tobacco, "Excise stamps", "Foreign")
    taps.tap(page.locator("#location-map"), "map")
    assert page.locator("#id_latitude").input_value() != ""
    taps.type(page.get_by_label("Place"), "Medininkai, lorry lane 3", "Place")
    taps.tap(page.get_by_role("button", name="Save draft and continue"), "Save draft")

    page.get_by_text("saved").first.wait_for()
    taps.type(page.get_by_label("HS code"), "240220", "HS code")
    expect(page.locator("[data-hs-description]")).to_contain_text("240220 Cigarettes")
    taps.type(
        page.get_by_label("Description").first,
        "Cigarettes without Lithuanian excise stamps",
        "Description",
    )
    taps.type(page.get_by_label("Quantity"), "500", "Quantity")
    taps.choose(page.locator("#goods-form"), "Unit", "packs")
    taps.type(page.get_by_label("Estimated value (EUR)"), "2250", "Value")
    taps.tap(page.get_by_role("button", name="Add goods line"), "Add goods line")
    page.get_by_text("Goods line added.").wait_for()
    taps.pick_file(page.get_by_label("Photo or document"), roadside_photo(), "Photo")
    upload = page.get_by_role("button", name="Upload")
    if upload.is_visible():
        taps.tap(upload, "Upload")
    page.get_by_text("File added.").wait_for()
    taps.tap(page.get_by_role("button", name="Submit"), "Submit")
    page.get_by_text("submitted for verification").wait_for()

    violation = Violation.objects.get()
    assert violation.status == ViolationStatus.SUBMITTED
    assert violation.location_source == "map"
    assert violation.details["transport_mode"] == "road"
    assert violation.details["detection_method"] == "xray"
    assert violation.details["product_type"] == "cigarettes"
    assert violation.details["brand"] == "Minsk"
    assert violation.details["excise_stamps"] == "foreign"
    line = violation.goods.get()
    assert (line.hs_code_id, line.quantity, line.quantity_unit) == ("240220", 500, "packs")
    assert line.value_eur == 2250
    assert violation.evidence.get().thumbnail

    journey = "\n".join(f"  {taps_} {what}" for what, taps_ in taps.log)
    print(f"\nViolation journey at 390 px: {taps.count} taps (before: {BEFORE})\n{journey}")
    assert taps.count <= BOUND, f"{taps.count} taps:\n{journey}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "lt"])
def test_the_chips_and_the_photo_field_read_well_on_a_phone(new_page, language):
    """Screenshots of the violation form (chips) and page at 390 px, to be looked at;
    the chips fit the phone."""
    from django.contrib.auth import get_user_model
    from django.contrib.gis.geos import Point
    from django.utils import timezone

    from cases.models import ViolationCategory
    from cases.services.violations import ViolationInput, violation_create

    demo_seed(password=PASSWORD)
    page = new_page(PHONE)
    sign_in(page, "officer")
    page.goto("/violations/new/")
    if language == "lt":
        page.locator(".lang-switch button[value=lt]").click()
        expect(page.locator("html")).to_have_attribute("lang", "lt")
    page.locator("input[name=category][value=tobacco]").check()
    page.locator("#id_d_tobacco_transport_mode").check()
    expect(page.locator("#id_d_tobacco_transport_mode")).to_be_checked()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the form is {width} px wide"
    screenshot(page, f"violation-form-chips-phone-{language}")

    violation, _ = violation_create(
        actor=get_user_model().objects.get(username="officer"),
        data=ViolationInput(
            occurred_at=timezone.now(),
            category=ViolationCategory.objects.get(code="tobacco"),
            location=Point(25.6536, 54.5395, srid=4326),
            details={"transport_mode": "road", "product_type": "cigarettes"},
        ),
    )
    page.goto(violation.get_absolute_url())
    expect(page.locator("[data-upload-button]")).to_be_hidden()
    screenshot(page, f"violation-page-phone-{language}")
