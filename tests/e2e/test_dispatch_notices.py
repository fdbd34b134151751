"""Notices in two browsers at once: a dispatcher at a desk sends an urgent notice to one
unit from the notice page (its place clicked on the map); the officer of that unit, on a
phone, sees it arrive on My tasks without reloading, announced, and marks it read; the
dispatcher's list then shows the unit has read it. An officer of another unit never
sees it."""

import re

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import expect

from dispatch.models import MobileUnit, Notice, NoticeReceipt, UnitStatus
from dispatch.services.notices import NoticeInput, notice_create
from portal.models import OrgUnit, User
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

# Updates are polled: a few seconds is the most anyone should wait.
ARRIVES_WITHIN_MS = 10_000


@pytest.fixture
def units():
    demo_seed(password=PASSWORD)
    officers_unit = MobileUnit.objects.create(
        org_unit=OrgUnit.objects.get(code="mobile-medininkai"),
        call_sign="MED-1",
        status=UnitStatus.AVAILABLE,
        last_position=Point(25.62, 54.56, srid=4326),
        last_reported_at=timezone.now(),
    )
    other = MobileUnit.objects.create(
        org_unit=OrgUnit.objects.get(code="mobile-vilnius"),
        call_sign="VLN-1",
        status=UnitStatus.AVAILABLE,
    )
    return officers_unit, other


@pytest.mark.django_db(transaction=True)
def test_an_urgent_notice_reaches_the_officer_who_marks_it_read(new_page, units):
    officers_unit, other = units
    errors: list[str] = []
    officer = new_page(PHONE)
    officer.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(officer, "officer")
    officer.goto("/dispatch/my-tasks/")
    officer.get_by_text("No open tasks").wait_for()
    officer.evaluate("window.__sameDocument = true")

    dispatcher = new_page(DESKTOP)
    dispatcher.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(dispatcher, "dispatcher")
    dispatcher.goto("/dispatch/notices/")
    dispatcher.get_by_role("link", name="New notice").click()
    # Sent empty: each problem is named at its field, nothing is sent.
    dispatcher.get_by_role("button", name="Send notice").click()
    dispatcher.get_by_text("Give the notice a title.", exact=True).wait_for()
    expect(
        dispatcher.get_by_text(
            "Choose the units to send the notice to, or send it to all units.", exact=True
        )
    ).to_be_visible()
    assert Notice.objects.count() == 0
    screenshot(dispatcher, "notice-form-errors-desktop")
    dispatcher.get_by_label("Title").fill("Wanted: white VW van BY 4521 AB")
    dispatcher.get_by_label("Text").fill("Seen near Medininkai heading west. Do not stop alone.")
    dispatcher.get_by_label("Urgent").check()
    dispatcher.get_by_label("MED-1").check()
    # "All units" and a choice of units exclude each other.
    dispatcher.get_by_label("All units").check()
    expect(dispatcher.get_by_label("MED-1")).to_be_disabled()
    dispatcher.get_by_label("All units").uncheck()
    expect(dispatcher.get_by_label("MED-1")).to_be_enabled()
    picker = dispatcher.locator("#notice-map")
    box = picker.bounding_box()
    assert box is not None
    # The middle of the map, fitted to Lithuania: inside the operational area.
    picker.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    dispatcher.get_by_text("Place set from the map.").wait_for()
    assert 53.9 < float(dispatcher.get_by_label("Latitude").input_value()) < 56.5
    screenshot(dispatcher, "notice-form-desktop")
    dispatcher.get_by_role("button", name="Send notice").click()
    dispatcher.get_by_text("Notice “Wanted: white VW van BY 4521 AB” sent.").wait_for()

    notice = Notice.objects.get()
    assert list(notice.units.all()) == [officers_unit]
    assert notice.priority == "urgent"
    row = dispatcher.locator(f"#notice-{notice.pk}")
    expect(row).to_contain_text("0/1")
    expect(row.locator("[data-unit='MED-1']")).to_contain_text("Not read yet")

    # The officer's phone: the notice arrives by itself, announced, urgent, on top.
    card = officer.locator(f"#notice-{notice.pk}")
    card.wait_for(timeout=ARRIVES_WITHIN_MS)
    banner = officer.get_by_role("alert").filter(has_text="New notice")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Wanted: white VW van BY 4521 AB")
    assert officer.evaluate("window.__sameDocument") is True  # no reload
    expect(card).to_contain_text("Notice")
    expect(card).to_contain_text("Urgent")
    expect(card).to_have_class(re.compile(r"\bnotice-card--urgent\b"))
    screenshot(officer, "officer-my-tasks-notice-phone")
    banner.get_by_role("button", name="OK").click()

    card.get_by_role("button", name="Mark as read").click()
    folded = officer.locator(f"details#notice-{notice.pk}")
    folded.wait_for()
    expect(folded).to_contain_text("Read")
    expect(folded.get_by_role("button", name="Mark as read")).to_have_count(0)
    receipt = NoticeReceipt.objects.get()
    assert receipt.unit == officers_unit
    assert receipt.read_by.username == "officer"
    folded.locator("summary").click()  # a read notice opens again on a tap
    expect(folded).to_contain_text("Do not stop alone.")
    screenshot(officer, "officer-my-tasks-notice-read-phone")

    # The dispatcher's list, after a reload: the unit has read it.
    dispatcher.reload()
    row = dispatcher.locator(f"#notice-{notice.pk}")
    expect(row).to_contain_text("1/1")
    expect(row.locator("[data-unit='MED-1']")).to_contain_text("Read")
    screenshot(dispatcher, "notice-list-desktop")

    # The same list on a phone.
    phone = new_page(PHONE)
    sign_in(phone, "dispatcher")
    phone.goto("/dispatch/notices/")
    expect(phone.locator(f"#notice-{notice.pk}")).to_contain_text("1/1")
    screenshot(phone, "notice-list-phone")

    assert other.notice_receipts.count() == 0
    assert errors == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("viewport", "locale", "words"),
    [
        (DESKTOP, "en-GB", {"withdraw": "Withdraw", "back": "Go back", "shot": "desktop"}),
        (PHONE, "lt-LT", {"withdraw": "Atsiimti", "back": "Grįžti", "shot": "lt-phone"}),
    ],
)
def test_withdrawing_a_notice_asks_in_the_portals_own_words(
    new_page, units, viewport, locale, words
):
    officers_unit, _ = units
    notice = notice_create(
        actor=User.objects.get(username="dispatcher"),
        data=NoticeInput(title="Wanted: white VW van", unit_ids=[officers_unit.pk]),
    )
    english = new_page(viewport)
    sign_in(english, "dispatcher")
    page = new_page(viewport, locale=locale)
    page.context.add_cookies(english.context.cookies())
    page.goto("/dispatch/notices/")
    withdraw = page.get_by_role("button", name=f"{words['withdraw']} Wanted: white VW van")

    withdraw.click()
    question = page.get_by_role("dialog")
    expect(question.get_by_role("button", name=words["withdraw"], exact=True)).to_be_visible()
    screenshot(page, f"notice-withdraw-question-{words['shot']}")
    question.get_by_role("button", name=words["back"]).click()
    expect(question).to_be_hidden()
    notice.refresh_from_db()
    assert notice.withdrawn_at is None

    withdraw.click()
    question.get_by_role("button", name=words["withdraw"], exact=True).click()
    expect(withdraw).to_have_count(0)
    notice.refresh_from_db()
    assert notice.withdrawn_at is not None
