"""Each demo account signs in through the real login form and sees its own navigation."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.services.demo import demo_seed
from tests.conftest import current_code
from tests.e2e.conftest import DESKTOP, PHONE, screenshot

PASSWORD = "e2e-demo-password-1"

# What each role must see in the menu, and what it must not.
NAVIGATION = {
    "officer": (
        {"dashboard", "my-tasks", "my-unit", "violations", "violation-map", "shifts", "units"},
        {"audit", "users", "review", "live-map", "track-replay", "zone-alerts", "notices", "jobs"}
        | {"cases", "training", "courses", "certificates"},
    ),
    "dispatcher": (
        {"dashboard", "live-map", "notices", "zone-alerts", "shifts", "patrol-zones"}
        | {"mobile-units"},
        {"audit", "review", "my-tasks", "my-unit", "categories", "cases"},
    ),
    "analyst": (
        {"dashboard", "violations", "review", "violation-map", "live-map", "track-replay", "api"}
        | {"cases", "assistance-register"},
        {"audit", "categories", "my-tasks", "my-unit"},
    ),
    "admin": (
        {"dashboard", "users", "units", "mobile-units", "categories", "audit", "api", "jobs"}
        | {"training", "courses", "certificates"},
        {"violations", "live-map", "my-tasks", "shifts", "track-replay"},
    ),
}


def sign_in(page, username: str) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is not None:
        page.get_by_label("Six-digit code from your authenticator app").fill(current_code(device))
        page.get_by_role("button", name="Verify").click()
    page.wait_for_selector("[data-panel=account]")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", sorted(NAVIGATION))
@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_demo_account_signs_in_and_sees_its_navigation(new_page, username, viewport_name):
    demo_seed(password=PASSWORD)
    viewport = DESKTOP if viewport_name == "desktop" else PHONE
    page = new_page(viewport)

    sign_in(page, username)

    if viewport_name == "phone":
        page.get_by_role("button", name="Menu").click()
    nav_links = page.locator("#sidebar [data-nav]")
    menu = set(nav_links.evaluate_all("links => links.map(link => link.dataset.nav)"))
    must_see, must_not_see = NAVIGATION[username]
    assert must_see <= menu
    assert not (must_not_see & menu)
    assert page.locator("#sidebar").is_visible()
    screenshot(page, f"dashboard-{username}-{viewport_name}")


@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_a_message_and_stays_on_the_login_page(new_page):
    demo_seed(password=PASSWORD)
    page = new_page(PHONE)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").is_visible()
    assert "/accounts/login/" in page.url
    screenshot(page, "login-error-phone")


@pytest.mark.django_db(transaction=True)
def test_interface_switches_to_lithuanian(new_page):
    demo_seed(password=PASSWORD)
    page = new_page(DESKTOP)
    page.goto("/accounts/login/")
    page.get_by_role("button", name="LT").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "lt"
    assert page.get_by_role("heading", name="Prisijungti").is_visible()
    screenshot(page, "login-lt-desktop")
