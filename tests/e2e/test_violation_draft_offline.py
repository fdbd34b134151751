"""A weak network from the first tap: a violation logged with no connection at all
(draft, goods lines, vehicle, person, company, photo, Submit) is kept on the phone, each
step with its state shown, and sent when the connection returns: the draft first, every
later step bound to the draft's server id and sent once, then Submit, even when answers
are lost after the server acted. The company step and a correction from the Edit page,
offline and with lost answers, on a draft the server already has."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from cases.models import (
    ClientWrite,
    Evidence,
    GoodsLine,
    Violation,
    ViolationEntity,
    ViolationStatus,
)
from portal.models import AuditAction, AuditRecord, User
from portal.services.demo import demo_seed
from tests.cases.support import draft_of
from tests.e2e.conftest import PHONE, connection_returns, screenshot, wait_for_kept_pages
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in
from tests.e2e.test_violation_flow import roadside_photo

SAVED = "Saved on this device: it will be sent when the connection returns."
ALL_SENT = "The draft and everything kept with it on this device were sent."
SENT_HERE = "Sent from this device:"
FLUSHED = (
    "(before) => Number(document.querySelector('[data-outbox-banner]')"
    ".dataset.outboxFlushed) > before"
)


def _flushes(page: Page) -> int:
    return int(page.locator("[data-outbox-banner]").get_attribute("data-outbox-flushed") or 0)


def _connection_returns(page: Page, *, offline_first: bool) -> None:
    """The connection comes back ("online"), and the send it starts has ended."""
    before = _flushes(page)
    if offline_first:
        connection_returns(page)  # Chromium fires "online"
    else:
        page.evaluate("window.dispatchEvent(new Event('online'))")  # it came back again
    page.wait_for_function(FLUSHED, arg=before)


def _lose_answer(page: Page, pattern: str) -> list[int]:
    """The next request to ``pattern`` reaches the server, which acts; its answer is lost."""
    reached: list[int] = []

    def handle(route):
        response = route.fetch(max_redirects=0)
        reached.append(response.status)
        route.abort("connectionreset")

    page.route(pattern, handle, times=1)
    return reached


def _first_step(page: Page) -> None:
    page.get_by_role("radio", name="Tobacco products").check()
    tobacco = page.locator("fieldset[data-category=tobacco]")
    tobacco.get_by_role("group", name="Transport mode").get_by_label("Road").check()
    tobacco.get_by_role("group", name="Detection method").get_by_label("X-ray / scanner").check()
    tobacco.get_by_role("group", name="Product").get_by_label("Cigarettes").check()
    tobacco.get_by_label("Brand").fill("Minsk")
    tobacco.get_by_role("group", name="Excise stamps").get_by_label("Foreign").check()
    page.locator("#location-map").click()
    page.get_by_label("What happened").fill("Lorry stopped at the lay-by, no network.")


def _goods(page: Page, code: str, description: str) -> None:
    form = page.locator("#goods-form")
    form.get_by_label("HS code").fill(code)
    form.get_by_label("Description").fill(description)
    form.get_by_label("Quantity").fill("500")
    form.get_by_role("combobox", name="Unit", exact=True).select_option(label="packs")
    form.get_by_role("button", name="Add goods line").click()


def _vehicle(page: Page) -> None:
    page.get_by_text("Add a vehicle").click()
    form = page.locator("#vehicle-form")
    form.get_by_label("Plate number").fill("ABC-123")
    form.get_by_label("Plate country").fill("LT")
    form.get_by_role("button", name="Add vehicle").click()


def _person(page: Page) -> None:
    page.get_by_text("Add a person").click()
    form = page.locator("#person-form")
    form.get_by_label("First name").fill("Jonas")
    form.get_by_label("Last name").fill("Jonaitis")
    form.get_by_label("Role").select_option(label="Driver")
    form.get_by_role("button", name="Add person").click()


def _company(page: Page, name: str, country: str = "") -> None:
    panel = page.locator("details", has=page.locator("#company-form"))
    if not panel.evaluate("(details) => details.open"):
        page.get_by_text("Add a company").click()
    form = page.locator("#company-form")
    form.get_by_label("Company name").fill(name)
    form.get_by_label("Country of registration").fill(country)
    form.get_by_label("Role").select_option(label="Carrier")
    form.get_by_role("button", name="Add company").click()


def _queue(page: Page, kinds: str):
    return page.locator(f"[data-step-queue='{kinds}'] [data-step-entry]")


def _waiting(page: Page, kinds: str, count: int) -> None:
    entries = _queue(page, kinds)
    expect(entries).to_have_count(count)
    for index in range(count):
        expect(entries.nth(index)).to_contain_text("Waiting to send")


@pytest.mark.django_db(transaction=True)
def test_a_violation_logged_with_no_connection_is_sent_in_order_once(new_page):
    demo_seed(password=PASSWORD)
    page = new_page(PHONE)
    sign_in(page, "officer")
    wait_for_kept_pages(
        page, [reverse("cases:violation-create"), reverse("cases:violation-on-device")]
    )
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    # No network from the first tap: the form and the draft's page come from the device.
    page.context.set_offline(True)
    page.goto(reverse("cases:violation-create"))
    _first_step(page)
    page.get_by_role("button", name="Save draft and continue").click()
    page.wait_for_url(re.compile(r"/violations/on-device/\?draft="))
    draft_key = parse_qs(urlsplit(page.url).query)["draft"][0]
    expect(page.get_by_role("heading", name="Draft on this device")).to_be_visible()
    expect(page.locator("[data-draft-summary]")).to_contain_text("Tobacco products")
    expect(page.locator("[data-draft-status]")).to_have_text(SAVED)

    _goods(page, "240220", "Cigarettes behind the spare wheel")
    _waiting(page, "goods", 1)
    expect(page.locator("#goods-form [data-step-status]")).to_have_text(SAVED)
    assert page.locator("#goods-form").get_by_label("HS code").input_value() == ""
    _goods(page, "240319", "Cut tobacco in the roof")
    _waiting(page, "goods", 2)
    _vehicle(page)
    _person(page)
    _company(page, "Baltic Freight UAB")
    _waiting(page, "vehicle person company", 3)
    page.locator("#evidence-form").get_by_label("Photo or document").set_input_files(
        roadside_photo()
    )
    _waiting(page, "evidence", 1)
    page.get_by_role("button", name="Submit").click()
    _waiting(page, "draft update submit", 2)  # the draft itself, then Submit
    expect(_queue(page, "goods").first).to_contain_text("240220 Cigarettes behind the spare wheel")
    # The banner counts them in one line (each is shown at its step).
    here = page.locator("[data-outbox-banner] [data-outbox-here]")
    expect(here).to_have_attribute("data-outbox-here", "8")
    assert posts == []
    assert not Violation.objects.exists()
    screenshot(page, "violation-on-device-queued-phone-en")

    # The connection returns, and the answer to the draft is lost after the server made
    # it: the steps wait for the draft.
    lost_draft = _lose_answer(page, "**/violations/new/")
    _connection_returns(page, offline_first=True)
    assert lost_draft == [302]
    assert Violation.objects.count() == 1
    assert not GoodsLine.objects.exists()
    expect(page.locator("[data-draft-status]")).to_have_text(SAVED)

    # It comes back again: the draft is sent again (the server has it), and the answer
    # to the first goods line is lost.
    lost_goods = _lose_answer(page, "**/violations/*/goods/")
    _connection_returns(page, offline_first=False)
    assert lost_goods == [302]
    violation = Violation.objects.get()
    assert GoodsLine.objects.filter(violation=violation).count() == 1
    _waiting(page, "goods", 2)  # the first is done on the server, but the phone never heard

    # And again: everything left goes, once, and the officer is taken to the violation.
    # Seven requests one after the other (one with the photo), then the violation's page:
    # followed section by section, each within the time limit, not all in one.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    for kinds in ("goods", "vehicle person company", "evidence"):
        expect(_queue(page, kinds)).to_have_count(0)
    page.wait_for_url(f"**/violations/{violation.pk}/", wait_until="commit")
    page.get_by_text(ALL_SENT).wait_for()

    assert Violation.objects.count() == 1
    violation.refresh_from_db()
    assert str(violation.client_key) == draft_key
    assert violation.status == ViolationStatus.SUBMITTED
    assert violation.narrative == "Lorry stopped at the lay-by, no network."
    assert list(
        GoodsLine.objects.filter(violation=violation)
        .order_by("id")
        .values_list("description", flat=True)
    ) == ["Cigarettes behind the spare wheel", "Cut tobacco in the roof"]
    assert [
        involvement.entity.kind
        for involvement in ViolationEntity.objects.filter(violation=violation)
        .select_related("entity")
        .order_by("id")
    ] == ["Vehicle", "Person", "Company"]
    assert Evidence.objects.filter(violation=violation).count() == 1
    # Every step once, in the order typed, the submission last.
    writes = list(ClientWrite.objects.filter(violation=violation).order_by("id"))
    assert [write.kind for write in writes] == [
        "goods",
        "goods",
        "entity",
        "entity",
        "entity",
        "evidence",
        "submit",
    ]
    assert len({write.client_key for write in writes}) == 7
    # Sent in that order too: no step before its draft, none after Submit.
    sent = [re.sub(r".*/violations/(\d+/)?", "", url) for url in posts]
    assert sent[0] == "new/"
    assert sent[-1] == "submit/"
    assert list(dict.fromkeys(sent)) == [
        "new/",
        "goods/",
        "vehicles/",
        "people/",
        "companies/",
        "evidence/",
        "submit/",
    ]
    expect(page.locator("#goods table")).to_contain_text("Cut tobacco in the roof")
    expect(page.locator("[data-outbox-banner] [data-outbox-entry]")).to_have_count(0)
    screenshot(page, "violation-on-device-sent-phone-en")


def _open_draft(new_page) -> tuple[Page, Violation]:
    demo_seed(password=PASSWORD)
    officer = User.objects.get(username="officer")
    violation = draft_of(officer, narrative="Cigarettes behind the spare wheel.")
    page = new_page(PHONE)
    sign_in(page, "officer")
    page.goto(violation.get_absolute_url())
    return page, violation


def _companies(violation: Violation) -> list[str]:
    return [
        involvement.entity.label
        for involvement in ViolationEntity.objects.filter(
            violation=violation, entity__kind="Company"
        ).order_by("id")
    ]


@pytest.mark.django_db(transaction=True)
def test_the_company_step_offline_and_with_a_lost_answer(new_page):
    page, violation = _open_draft(new_page)
    status = page.locator("#company-form [data-step-status]")

    # Offline: kept, shown waiting in its section, sent once when the connection returns.
    page.context.set_offline(True)
    _company(page, "Baltic Freight UAB", "LT")
    expect(status).to_have_text(SAVED)
    _waiting(page, "vehicle person company", 1)
    expect(_queue(page, "vehicle person company")).to_contain_text("Baltic Freight UAB")
    assert _companies(violation) == []
    connection_returns(page)
    # Sent in the background: the page again, showing it, with a message naming it.
    expect(page.get_by_text(SENT_HERE + " Company · Baltic Freight UAB")).to_be_visible()
    expect(_queue(page, "vehicle person company")).to_have_count(0)
    assert _companies(violation) == ["Baltic Freight UAB"]

    # The answer lost after the server linked the company: sent again, linked once.
    page.reload()
    lost = _lose_answer(page, f"**/violations/{violation.pk}/companies/")
    _company(page, "Nemunas Logistics UAB")
    expect(status).to_have_text(SAVED)
    assert lost == [302]
    page.reload()  # the next page load sends what waits
    expect(page.get_by_text(SENT_HERE + " Company · Nemunas Logistics UAB")).to_be_visible()
    assert _companies(violation) == ["Baltic Freight UAB", "Nemunas Logistics UAB"]
    expect(page.locator("#people")).to_contain_text("Nemunas Logistics UAB")

    # Refused when it is sent (no name): back in its form as typed, the message at the
    # field, and the section says that it needs attention.
    page.context.set_offline(True)
    _company(page, "", "LV")
    expect(status).to_have_text(SAVED)
    _connection_returns(page, offline_first=True)
    form = page.locator("#company-form")
    name = form.get_by_label("Company name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(form.locator(".field--error")).to_contain_text("This field is required.")
    assert form.get_by_label("Country of registration").input_value() == "LV"
    expect(_queue(page, "vehicle person company")).to_contain_text("Not sent, needs attention")
    screenshot(page, "violation-company-refused-phone-en")
    name.fill("Vilnius Transit UAB")
    form.get_by_role("button", name="Add company").click()
    page.get_by_text("Company added.").wait_for()
    assert _companies(violation) == [
        "Baltic Freight UAB",
        "Nemunas Logistics UAB",
        "Vilnius Transit UAB",
    ]
    expect(page.locator("[data-outbox-banner] [data-outbox-entry]")).to_have_count(0)


def _updates(violation: Violation) -> int:
    return AuditRecord.objects.filter(
        action=AuditAction.UPDATE, object_type="cases.violation", object_id=str(violation.pk)
    ).count()


@pytest.mark.django_db(transaction=True)
def test_a_correction_from_the_edit_page_offline_and_with_a_lost_answer(new_page):
    page, violation = _open_draft(new_page)
    edit = reverse("cases:violation-edit", args=[violation.pk])
    narrative = page.get_by_label("What happened")
    save = page.get_by_role("button", name="Save changes")
    status = page.locator("[data-outbox-status]")

    # Offline: kept on the device, said so; sent when the connection returns, and the
    # officer is taken to the violation, corrected.
    page.goto(edit)
    page.context.set_offline(True)
    narrative.fill("Cigarettes behind the spare wheel and in the roof.")
    save.click()
    expect(status).to_have_text(SAVED)
    expect(page.locator("[data-outbox-banner]")).to_contain_text(
        f"Waiting to send: Correction · {violation.reference}"
    )
    violation.refresh_from_db()
    assert violation.narrative == "Cigarettes behind the spare wheel."
    connection_returns(page)
    page.wait_for_url(f"**/violations/{violation.pk}/")
    page.get_by_text("Changes saved.").wait_for()
    violation.refresh_from_db()
    assert violation.narrative == "Cigarettes behind the spare wheel and in the roof."
    assert _updates(violation) == 1

    # The answer lost after the server took the correction; the officer, unsure, changes
    # the text again and saves: the later version is the one the draft keeps.
    page.goto(edit)
    lost = _lose_answer(page, f"**/violations/{violation.pk}/edit/")
    narrative.fill("Cigarettes in the roof only.")
    save.click()
    expect(status).to_have_text(SAVED)
    assert lost == [302]
    narrative.fill("Cigarettes in the roof and under the seats.")
    save.click()
    page.wait_for_url(f"**/violations/{violation.pk}/")
    page.get_by_text("Changes saved.").wait_for()
    violation.refresh_from_db()
    assert violation.narrative == "Cigarettes in the roof and under the seats."
    assert _updates(violation) == 3
    expect(page.locator("[data-outbox-banner] [data-outbox-entry]")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Cigarettes in the roof and under the seats.")

    # A correction the server refuses when it is sent: the page says plainly that it was
    # not saved, and the draft keeps its text.
    page.goto(edit)
    page.context.set_offline(True)
    narrative.fill("A correction that will not be saved.")
    page.locator("#id_occurred_at").fill("")  # "When", required
    save.click()
    expect(status).to_have_text(SAVED)
    connection_returns(page)
    expect(status).to_contain_text("Not sent, needs attention:")
    expect(status).to_contain_text("This field is required.")
    expect(page.locator("[data-outbox-banner] .message--warning")).to_contain_text(
        "Not sent, needs attention: Correction"
    )
    violation.refresh_from_db()
    assert violation.narrative == "Cigarettes in the roof and under the seats."
    screenshot(page, "violation-correction-refused-phone-en")


def _fits_the_phone(page: Page, what: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} is {width} px wide"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "lt"])
def test_what_waits_reads_well_on_a_phone(new_page, language):
    """Screenshots, to be looked at, of what waits on the device at 390 px: a draft's
    page on the device, a violation's page with steps queued, and the outbox page; each
    fits the phone."""
    page, violation = _open_draft(new_page)
    if language == "lt":
        page.locator(".lang-switch button[value=lt]").click()
        expect(page.locator("html")).to_have_attribute("lang", "lt")
    wait_for_kept_pages(
        page,
        [
            reverse("cases:violation-create"),
            reverse("cases:violation-on-device"),
            reverse("cases:outbox"),
        ],
        language=language,
    )
    page.goto(violation.get_absolute_url())
    page.context.set_offline(True)
    page.locator("#goods-form input[name=hs_code]").fill("240220")
    page.locator("#goods-form input[name=description]").fill("Cigarettes behind the spare wheel")
    page.locator("#goods-form input[name=quantity]").fill("500")
    page.locator("#goods-form button[type=submit]").click()
    expect(_queue(page, "goods")).to_have_count(1)
    page.locator("#submit-form button[type=submit]").click()
    expect(_queue(page, "update submit")).to_have_count(1)
    _fits_the_phone(page, "the violation page with steps waiting")
    screenshot(page, f"violation-steps-waiting-phone-{language}")

    page.goto(reverse("cases:violation-create"))
    page.locator("input[name=category][value=tobacco]").check()
    page.locator("#location-map").click()
    page.locator("form[data-violation-form] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/violations/on-device/\?draft="))
    page.locator("details:has(#company-form) > summary").click()
    page.locator("#company-form input[name=company-name]").fill("Baltic Freight UAB")
    page.locator("#company-form button[type=submit]").click()
    expect(_queue(page, "vehicle person company")).to_have_count(1)
    _fits_the_phone(page, "the draft's page on the device")
    screenshot(page, f"violation-on-device-phone-{language}")

    page.goto(reverse("cases:outbox"))
    expect(page.locator("div[data-outbox-page] li")).to_have_count(4)
    _fits_the_phone(page, "the outbox page")
    screenshot(page, f"outbox-waiting-phone-{language}")
