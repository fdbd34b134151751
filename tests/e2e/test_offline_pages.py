"""Opening the portal without a network: the service worker (/sw.js) serves the
officer's pages from the device (the violation form, My tasks with the unit's notices,
My unit, the outbox), the
pages say that they are the kept copy and what is waiting to be sent, and a violation
logged on the kept form is sent once when the connection returns."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Violation
from portal.services.demo import demo_seed
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

SAVED = "Saved on this device: it will be sent when the connection returns."
OFFLINE = "Offline: this is the copy of the page kept on this device."


@pytest.mark.django_db(transaction=True)
def test_the_officers_pages_open_offline_and_say_what_waits(new_page):
    demo_seed(password=PASSWORD)
    page = new_page(PHONE)
    sign_in(page, "officer")
    page.evaluate("navigator.serviceWorker.ready")
    pages = [
        reverse("cases:violation-create"),
        reverse("cases:outbox"),
        reverse("dispatch:my-tasks"),
        reverse("dispatch:my-unit"),
    ]
    # The worker keeps them when it installs: wait until every one is there.
    assert page.evaluate(
        """async (paths) => {
            const kept = async (path) => Boolean(await caches.match(path));
            for (let tries = 0; tries < 200; tries++) {
                if ((await Promise.all(paths.map(kept))).every(Boolean)) return true;
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
            return false;
        }""",
        pages,
    )

    page.context.set_offline(True)
    page.goto(reverse("cases:violation-create"))
    expect(page.get_by_role("heading", name="Log a violation")).to_be_visible()
    expect(page.locator("[data-outbox-offline]")).to_contain_text(OFFLINE)
    page.get_by_role("radio", name="Tobacco products").check()
    page.locator("#location-map").click()
    page.get_by_role("button", name="Save draft and continue").click()
    page.get_by_role("status").filter(has_text=SAVED).wait_for()
    key = page.input_value("#id_client_key")

    for path, heading in (
        (reverse("dispatch:my-tasks"), "My tasks"),
        (reverse("dispatch:my-unit"), "My unit"),
        (reverse("cases:outbox"), "Waiting to be sent"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
        expect(page.locator("[data-outbox-banner]")).to_contain_text(
            "Waiting to send: Tobacco products"
        )
    expect(page.locator("[data-outbox-page]")).to_contain_text("Waiting to send: Tobacco products")
    screenshot(page, "outbox-offline-phone")

    # A second violation on the kept form: a new key, not a correction of the first.
    page.goto(reverse("cases:violation-create"))
    assert page.input_value("#id_client_key") != key

    # A page that is not kept says so, instead of the browser's error page.
    response = page.goto(reverse("cases:violation-list"))
    assert response.status == 503
    assert "You are offline, and this page is not kept on this device." in page.content()

    page.context.set_offline(False)
    page.goto(reverse("cases:outbox"))
    expect(page.locator("[data-outbox-banner] [data-outbox-sent]")).to_have_count(1)
    expect(page.locator("[data-outbox-page]")).to_contain_text("Nothing is waiting to be sent.")
    assert Violation.objects.filter(client_key=key).count() == 1
    assert Violation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_signing_out_deletes_the_pages_kept_on_the_device(new_page):
    demo_seed(password=PASSWORD)
    page = new_page(PHONE)
    sign_in(page, "officer")
    assert page.evaluate(
        """async () => {
            await navigator.serviceWorker.ready;
            for (let tries = 0; tries < 200; tries++) {
                if (await caches.match("/dispatch/my-tasks/")) return true;
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
            return false;
        }"""
    )

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for()

    assert page.evaluate(
        """async () => {
            for (let tries = 0; tries < 50; tries++) {
                if ((await caches.keys()).length === 0) return true;
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
            return false;
        }"""
    )
