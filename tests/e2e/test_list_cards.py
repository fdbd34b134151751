"""Lists on a phone: each row a compact card that opens its record, the filters folded
behind a button that says how many are set; on a desktop, the table and its filters."""

import re
from typing import cast

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from portal.models import AuditRecord, User
from portal.services.accounts import api_token_issue
from portal.services.audit import audit_record
from tests.cases.support import draft_of
from tests.conftest import login_verified
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.factories import UserFactory
from tests.portal.test_url_access import objects  # noqa: F401 (a fixture)

ROWS = 25
# 25 rows of three short lines are about 2,000 px; a card per row with a line per column
# (the layout before) was 4,481 px for these violations and these audit records, and
# about 340 px a row (8,500 px) with the longer names of real data.
MAX_HEIGHT_OF_25_ROWS = 3000

# The list is the page's last table (the audit page shows its flags in a table above).
ROWS_HEIGHT = """(count) => {
  const tables = document.querySelectorAll("table.data");
  const rows = [...tables[tables.length - 1].querySelectorAll("tbody tr")].slice(0, count);
  const heights = rows.map((row) => row.getBoundingClientRect().height);
  return {rows: rows.length, height: heights.reduce((sum, height) => sum + height, 0),
          tallest: Math.max(...heights)};
}"""


def signed_in(new_page, live_server, user, viewport, locale="en-GB"):
    client = login_verified(Client(), user)
    page = new_page(viewport, locale=locale)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


@pytest.fixture
def twenty_five_violations(officer):
    return [draft_of(officer, place_description=f"Medininkai lorry lane {n}") for n in range(ROWS)]


@pytest.mark.django_db(transaction=True)
def test_twenty_five_violations_fit_in_three_screens_of_a_phone(
    new_page, live_server, officer, twenty_five_violations
):
    page = signed_in(new_page, live_server, officer, PHONE)
    page.goto(reverse("cases:violation-list"))
    measured = page.evaluate(ROWS_HEIGHT, ROWS)
    screenshot(page, "list-cards-violations-phone-en")
    assert measured["rows"] == ROWS
    assert measured["height"] < MAX_HEIGHT_OF_25_ROWS, measured
    # Three lines at most: reference and status, category and unit, time and place.
    assert measured["tallest"] < 100, measured
    # The whole card is the tap target: a tap on its place (no link there) opens it.
    newest = twenty_five_violations[-1]
    place = page.get_by_text(newest.place_description, exact=True)
    place.scroll_into_view_if_needed()
    box = place.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(re.compile(re.escape(newest.get_absolute_url()) + "$"))


@pytest.mark.django_db(transaction=True)
def test_twenty_five_audit_records_fit_in_three_screens_of_a_phone(
    new_page, live_server, administrator, officer
):
    for n in range(ROWS):
        audit_record(actor=administrator, action="view", obj=officer, reason=f"check {n}")
    assert AuditRecord.objects.count() >= ROWS
    page = signed_in(new_page, live_server, administrator, PHONE)
    page.goto(reverse("portal:audit-list"))
    measured = page.evaluate(ROWS_HEIGHT, ROWS)
    screenshot(page, "list-cards-audit-phone-en")
    assert measured["rows"] == ROWS
    assert measured["height"] < MAX_HEIGHT_OF_25_ROWS, measured
    assert measured["tallest"] < 100, measured


@pytest.mark.django_db(transaction=True)
def test_filters_fold_on_a_phone_and_say_how_many_are_set(
    new_page, live_server, officer, twenty_five_violations
):
    page = signed_in(new_page, live_server, officer, PHONE)
    # Two filters and an order: the order is no filter.
    page.goto(reverse("cases:violation-list") + "?status=draft&category=tobacco&sort=oldest")
    toggle = page.locator("summary").filter(has_text="Filters")
    expect(toggle).to_have_text(re.compile(r"^\s*Filters\s*\(2\)\s*$"))
    expect(page.get_by_label("Status", exact=True)).to_be_hidden()
    screenshot(page, "list-cards-filters-folded-phone-en")

    toggle.click()
    expect(page.get_by_label("Status", exact=True)).to_be_visible()
    expect(page.get_by_label("Status", exact=True)).to_have_value("draft")
    expect(page.get_by_label("Category")).to_be_visible()
    screenshot(page, "list-cards-filters-open-phone-en")

    # Each active filter is a chip that removes it, and keeps the others and the order.
    page.get_by_role("link", name="Remove the filter Status: Draft").click()
    expect(page).to_have_url(re.compile(r"category=tobacco"))
    assert "status=" not in page.url
    assert "sort=oldest" in page.url
    expect(page.locator("summary").filter(has_text="Filters")).to_have_text(
        re.compile(r"^\s*Filters\s*\(1\)\s*$")
    )

    page.goto(reverse("cases:violation-list"))
    expect(page.locator("summary").filter(has_text="Filters")).to_have_text(
        re.compile(r"^\s*Filters\s*$")
    )


@pytest.mark.django_db(transaction=True)
def test_a_filter_with_an_error_is_shown_open_on_a_phone(new_page, live_server, administrator):
    page = signed_in(new_page, live_server, administrator, PHONE)
    page.goto(reverse("portal:audit-list") + "?date_from=2026-05-02&date_to=2026-05-01")
    expect(page.get_by_text("The end date is before the start date.", exact=True)).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_desktop_keeps_the_table_and_open_filters(
    new_page, live_server, officer, twenty_five_violations
):
    page = signed_in(new_page, live_server, officer, DESKTOP)
    page.goto(reverse("cases:violation-list") + "?status=draft")
    expect(page.get_by_role("columnheader", name="Reference")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Place")).to_be_visible()
    expect(page.get_by_label("Status", exact=True)).to_be_visible()
    expect(page.locator("summary").filter(has_text="Filters")).to_be_hidden()
    rows = page.evaluate(ROWS_HEIGHT, ROWS)
    # One line of a table per violation.
    assert rows["tallest"] < 50, rows
    screenshot(page, "list-cards-violations-desktop-en")


LIST_PAGES = [
    "cases:violation-list",
    "cases:violation-review",
    "portal:audit-list",
    "portal:user-list",
    "portal:unit-list",
    "dispatch:unit-list",
    "dispatch:zone-list",
    "dispatch:alert-list",
    "dispatch:shift-list",
    "dispatch:notice-list",
    "cases:category-list",
    "portal:api-token-list",
]

OVERFLOW = """() => document.documentElement.scrollWidth - window.innerWidth"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "lt"])
def test_every_list_at_a_desktop_and_a_phone(
    new_page,
    live_server,
    language,
    officer,
    objects,  # noqa: F811 (a mobile unit, a zone, a shift, an alert, a notice...)
    twenty_five_violations,
):
    """Screenshots of each list, kept for a person to look at; none wider than the phone."""
    everyone = cast(
        User,
        UserFactory(
            username="all_roles",
            org_unit=officer.org_unit,
            roles=["officer", "dispatcher", "analyst", "administrator"],
        ),
    )
    api_token_issue(user=everyone, client="patrol-tablet-medininkai-2")
    locale = "lt-LT" if language == "lt" else "en-GB"
    wide: list[str] = []
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = signed_in(new_page, live_server, everyone, viewport, locale=locale)
        for url_name in LIST_PAGES:
            response = page.goto(reverse(url_name))
            assert response is not None, url_name
            assert response.ok, url_name
            slug = url_name.replace(":", "-")
            screenshot(page, f"list-{slug}-{name}-{language}")
            if page.evaluate(OVERFLOW) > 0:
                wide.append(f"{url_name} {name}")
    assert not wide, wide


NARROW_PHONE = {"width": 360, "height": 780}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url_name", ["portal:audit-list", "dispatch:alert-list"])
def test_open_filters_fit_a_narrow_phone_in_lithuanian(new_page, live_server, url_name):
    """Filtruoti and Išvalyti (Filter and Clear) stay inside the card at 360 px."""
    duty_admin = UserFactory(username="duty_admin", roles=["administrator", "dispatcher"])
    page = signed_in(new_page, live_server, duty_admin, NARROW_PHONE, locale="lt-LT")
    page.goto(reverse(url_name) + "?date_from=2026-01-01")
    toggle = page.locator("summary").filter(has_text="Filtrai")
    expect(toggle).to_have_text(re.compile(r"^\s*Filtrai\s*\(1\)\s*$"))
    toggle.click()
    clear = page.get_by_role("link", name="Išvalyti")
    expect(clear).to_be_visible()
    box = clear.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= NARROW_PHONE["width"] - 16, box
    assert page.evaluate(OVERFLOW) <= 0
    screenshot(page, f"list-filters-open-360-lt-{url_name.replace(':', '-')}")
