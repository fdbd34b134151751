"""An administrator manages users and units in a real browser."""

import re

import pytest

from portal.models import User
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in


@pytest.mark.django_db(transaction=True)
def test_administrator_creates_an_officer_who_then_signs_in(new_page):
    demo_seed(password=PASSWORD)
    page = new_page(DESKTOP)
    sign_in(page, "admin")

    page.get_by_role("link", name="Users").click()
    screenshot(page, "users-list-desktop")
    page.get_by_role("link", name="New user").click()
    page.get_by_label("Username").fill("r.kazlauskas")
    page.get_by_label("First name").fill("Rokas")
    page.get_by_label("Last name").fill("Kazlauskas")
    page.get_by_label("Organisational unit").select_option(label="Vilnius")
    page.get_by_label("Officer").check()
    page.get_by_label(re.compile("One-time password, shown once")).check()
    page.get_by_role("button", name="Create user").click()
    page.get_by_text("User r.kazlauskas created.").wait_for()
    one_time_password = page.locator("[data-one-time-password]").inner_text().strip()
    screenshot(page, "user-created-one-time-password-desktop")
    created = User.objects.get(username="r.kazlauskas")
    assert created.role_names() == {"officer"}
    assert created.org_unit is not None
    assert created.org_unit.code == "mobile-vilnius"
    assert created.password_change_required

    phone = new_page(PHONE)
    phone.goto("/accounts/login/")
    phone.get_by_label("Username").fill("r.kazlauskas")
    phone.get_by_label("Password").fill(one_time_password)
    phone.get_by_role("button", name="Sign in").click()
    # The one-time password must be changed before anything else.
    phone.get_by_role("heading", name="Change password").wait_for()
    phone.get_by_label("Old password").fill(one_time_password)
    phone.get_by_label("New password").first.fill("Kena-Crossing-2026")
    phone.get_by_label("New password confirmation").fill("Kena-Crossing-2026")
    phone.get_by_role("button", name="Change password").click()
    phone.wait_for_selector("[data-panel=my-unit]")
    assert phone.locator("[data-panel=account]").get_by_text("Vilnius", exact=True).is_visible()


@pytest.mark.django_db(transaction=True)
def test_units_and_audit_pages_render_at_phone_width(new_page):
    demo_seed(password=PASSWORD)
    page = new_page(PHONE)
    sign_in(page, "admin")
    page.goto("/units/")
    # The mobile unit's organisational unit (its cell's name may start with the column's
    # label at phone width), not the Medininkai Road Border Post.
    assert page.get_by_role("cell", name=re.compile(r"Medininkai$")).is_visible()
    screenshot(page, "units-phone")
    page.goto("/audit/?action=login")
    assert page.get_by_role("heading", name="Audit trail").is_visible()
    screenshot(page, "audit-phone")
    page.set_viewport_size(DESKTOP)
    page.goto("/audit/")
    screenshot(page, "audit-desktop")
    page.goto("/users/")
    screenshot(page, "users-list-phone-wide")
