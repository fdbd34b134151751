"""A goods line whose HS code has no usual unit (cases/lib/usual_units.py) starts with the
unit this officer used on their last line, remembered on the device; a code with a usual
unit still gets that one."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import expect

from cases.lib.usual_units import USUAL_UNITS
from cases.models import ViolationCategory
from cases.services.violations import ViolationInput, violation_create
from portal.services.demo import demo_seed
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

TOYS = "950300"  # no usual unit
JERSEYS = "611020"  # no usual unit
CIGARETTES = "240220"  # usually counted in packs


def _goods_form(page):
    form = page.locator("#goods-form")
    if not form.is_visible():
        page.get_by_text("Add a goods line").click()
    return form


def _type_code(form, code: str, described: str) -> None:
    form.get_by_label("HS code").fill(code)
    expect(form.locator("[data-hs-description]")).to_contain_text(described)


@pytest.mark.django_db(transaction=True)
def test_a_code_without_a_usual_unit_starts_with_the_unit_used_last(new_page):
    assert not any(TOYS.startswith(p) or JERSEYS.startswith(p) for p in USUAL_UNITS)
    demo_seed(password=PASSWORD)
    violation, _ = violation_create(
        actor=get_user_model().objects.get(username="officer"),
        data=ViolationInput(
            occurred_at=timezone.now(),
            category=ViolationCategory.objects.get(code="other"),
            location=Point(25.6536, 54.5395, srid=4326),
            details={},
        ),
    )
    page = new_page(PHONE)
    sign_in(page, "officer")
    page.goto(violation.get_absolute_url())

    form = _goods_form(page)
    unit = form.get_by_label("Unit")
    expect(unit).to_have_value("pcs")  # nothing remembered yet: the list's first unit
    _type_code(form, TOYS, "Tricycles")
    expect(unit).to_have_value("pcs")
    form.get_by_label("Description").fill("Plush toys")
    form.get_by_label("Quantity").fill("40")
    unit.select_option("kg")
    form.get_by_role("button", name="Add goods line").click()
    page.get_by_text("Goods line added.").wait_for()

    form = _goods_form(page)
    unit = form.get_by_label("Unit")
    expect(unit).to_have_value("kg")  # the unit used last, when the page opens
    _type_code(form, CIGARETTES, "240220")
    expect(unit).to_have_value("packs")  # the code's usual unit wins
    _type_code(form, JERSEYS, "611020")
    expect(unit).to_have_value("kg")  # no usual unit: the one used last again
    screenshot(page, "goods-unit-remembered-phone-en")

    # The memory is this officer's: another user on the same device starts afresh.
    key = page.evaluate(
        "() => Object.keys(localStorage).find((k) => k.startsWith('cep-goods-unit:'))"
    )
    officer = get_user_model().objects.get(username="officer")
    assert key == f"cep-goods-unit:{officer.pk}"
