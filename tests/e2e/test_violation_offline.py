"""Weak network: a violation logged without a connection stays on the phone and is sent
once when the connection returns (the outbox, static/cases/outbox.js)."""

import json
import re

import pytest
from playwright.sync_api import expect

from cases.models import Violation
from portal.services.demo import demo_seed
from tests.e2e.conftest import PHONE, connection_returns, screenshot, wait_for_kept_pages
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

SAVED = "Saved on this device: it will be sent when the connection returns."
ALL_SENT = "The draft and everything kept with it on this device were sent."
STORE = "cep-outbox:"


def _fill_violation(page) -> str:
    """Category, tobacco facts and a tap on the map; returns the form's client_key."""
    page.goto("/violations/new/")
    page.get_by_role("radio", name="Tobacco products").check()
    tobacco = page.locator("fieldset[data-category=tobacco]")
    tobacco.get_by_role("group", name="Transport mode").get_by_label("Road").check()
    tobacco.get_by_role("group", name="Product").get_by_label("Cigarettes").check()
    page.locator("#location-map").click()
    assert page.input_value("#id_latitude")
    return page.input_value("#id_client_key")


def _stored(page) -> dict[str, str]:
    return page.evaluate(
        """prefix => Object.fromEntries(Object.keys(localStorage)
            .filter(name => name.startsWith(prefix))
            .map(name => [name, localStorage.getItem(name)]))""",
        STORE,
    )


def _go_online(page) -> None:
    page.evaluate("window.dispatchEvent(new Event('online'))")


@pytest.mark.django_db(transaction=True)
def test_offline_entry_is_kept_and_sent_once_when_the_connection_returns(new_page):
    demo_seed(password=PASSWORD)
    page = new_page(PHONE)
    sign_in(page, "officer")
    key = _fill_violation(page)
    form_url = page.url
    wait_for_kept_pages(page, ["/violations/on-device/"])
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    page.context.set_offline(True)
    page.get_by_role("button", name="Save draft and continue").click()

    # On to the draft's page on the device (the service worker's copy).
    page.wait_for_url(f"**/violations/on-device/?draft={key}")
    page.get_by_role("status").filter(has_text=SAVED).wait_for()
    banner = page.locator("[data-outbox-banner]")
    expect(banner.locator("[data-outbox-here]")).to_have_attribute("data-outbox-here", "1")
    draft = page.locator("[data-step-queue='draft update submit'] [data-step-entry]")
    expect(draft).to_contain_text("Waiting to send")
    expect(draft).to_contain_text("Tobacco products")
    stored = _stored(page)
    assert len(stored) == 1
    ((store_key, raw_entry),) = stored.items()
    assert store_key.endswith(":" + key)
    fields = dict(json.loads(raw_entry)["fields"])
    assert fields["client_key"] == key
    assert fields["category"] == "tobacco"
    assert fields["d_tobacco_product_type"] == "cigarettes"
    assert fields["latitude"]
    assert fields["longitude"]
    assert "csrfmiddlewaretoken" not in fields
    # What reached the server (or not), said when it fails: a request of this page first.
    assert posts == []
    assert not Violation.objects.exists(), list(
        Violation.objects.values_list("client_key", "created_at", "reported_by__username")
    )
    screenshot(page, "violation-offline-saved-phone")

    connection_returns(page)  # Chromium fires "online"
    _go_online(page)  # a second "online" at once: the lock lets one send through
    # Sent, and nothing else of it waits: on to the violation's page on the server. Its
    # address once it is there, then the message outbox.js shows on it, each in its own
    # time limit ("load" would also wait for every script and style of the page, in the
    # same limit as the send before it).
    page.wait_for_url(re.compile(r"/violations/\d+/$"), wait_until="commit")
    page.get_by_text(ALL_SENT).wait_for()
    assert _stored(page) == {}
    violation = Violation.objects.get(client_key=key)
    assert page.url.endswith(f"/violations/{violation.pk}/")
    expect(page.locator("main h1")).to_have_text(violation.reference)
    assert violation.category.code == "tobacco"
    assert violation.details["product_type"] == "cigarettes"
    assert violation.location is not None
    assert posts == [form_url]
    assert page.get_by_role("status").filter(has_text=SAVED).count() == 0
    screenshot(page, "violation-offline-sent-phone")

    # Another "online": nothing is left to send. Wait for the flush it starts to end (a
    # send would end only with its answer, so after its request was seen).
    flushed = int(banner.get_attribute("data-outbox-flushed") or 0)
    _go_online(page)
    page.wait_for_function(
        "(before) => Number(document.querySelector('[data-outbox-banner]')"
        ".dataset.outboxFlushed) > before",
        arg=flushed,
    )
    assert len(posts) == 1

    # The answer to the first send was lost: the same entry is sent again on the next
    # page load and the server returns the violation it already has.
    page.evaluate("([name, value]) => localStorage.setItem(name, value)", [store_key, raw_entry])
    page.reload(wait_until="commit")  # the send starts with the page's scripts
    page.locator("[data-outbox-banner] [data-outbox-sent] a").wait_for()
    assert _stored(page) == {}
    assert Violation.objects.filter(client_key=key).count() == 1
    assert Violation.objects.count() == 1
    again = page.locator("[data-outbox-banner] [data-outbox-sent] a")
    assert again.get_attribute("href").endswith(f"/violations/{violation.pk}/")


@pytest.mark.django_db(transaction=True)
def test_lost_connection_with_errors_needs_attention_and_reopens_filled(new_page):
    demo_seed(password=PASSWORD)
    page = new_page(PHONE)
    sign_in(page, "officer")
    key = _fill_violation(page)
    latitude = page.input_value("#id_latitude")
    when = page.input_value("#id_occurred_at")
    page.fill("#id_occurred_at", "")  # the server will refuse the entry

    # The browser believes it is online but the request never arrives.
    page.route("**/violations/new/", lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="Save draft and continue").click()
    page.wait_for_url(f"**/violations/on-device/?draft={key}")
    page.get_by_role("status").filter(has_text=SAVED).wait_for()
    assert len(_stored(page)) == 1

    page.unroute("**/violations/new/")
    _go_online(page)
    # The banner says so in one line; the draft's page shows it at the draft.
    expect(page.locator("[data-outbox-banner] .message--warning")).to_contain_text(
        "needs attention"
    )
    attention = page.locator("[data-step-queue='draft update submit'] [data-state=attention]")
    attention.wait_for()
    assert "Not sent, needs attention" in attention.inner_text()
    assert "This field is required." in attention.inner_text()
    assert not Violation.objects.exists()
    reopen = attention.get_by_role("link", name="Correct it")
    assert reopen.get_attribute("href") == f"/violations/new/?outbox={key}"

    reopen.click()
    page.wait_for_url(re.compile(r"/violations/new/\?outbox="))
    assert page.input_value("#id_client_key") == key
    assert page.get_by_role("radio", name="Tobacco products").is_checked()
    cigarettes = page.locator("fieldset[data-category=tobacco]").get_by_label("Cigarettes")
    assert cigarettes.is_checked()
    assert page.input_value("#id_latitude") == latitude
    assert cigarettes.is_visible()
    assert page.locator("#location-map .leaflet-marker-icon").count() == 1
    page.fill("#id_occurred_at", when)

    # Online again: a normal submit opens the violation page, as without the outbox.
    page.get_by_role("button", name="Save draft and continue").click()
    page.wait_for_url(re.compile(r"/violations/\d+/$"))
    violation = Violation.objects.get(client_key=key)
    assert page.url.endswith(f"/violations/{violation.pk}/")
    assert page.get_by_text(f"Draft {violation.reference} saved.").is_visible()
    assert _stored(page) == {}
    assert page.locator("[data-outbox-banner]").is_hidden()
    assert Violation.objects.count() == 1
