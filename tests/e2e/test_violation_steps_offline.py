"""Weak network after the first step: the goods lines, vehicles, people, photos and the
Submit of a violation are kept on the phone while the connection is cut and sent once,
in order, when it returns; an answer lost after the server acted is sent again and the
server adds nothing twice (the device's key, cases.services.writes). A correction of a
draft whose answer was lost reaches the draft."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from cases.models import Evidence, GoodsLine, Violation, ViolationEntity, ViolationStatus
from portal.models import User
from portal.services.demo import demo_seed
from tests.cases.support import draft_of, jpeg_photo
from tests.e2e.conftest import PHONE, connection_returns, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

SAVED = "Saved on this device: it will be sent when the connection returns."
SENT_HERE = "Sent from this device:"


def _photo(name: str = "wheel.jpg") -> dict[str, object]:
    return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg_photo(size=(640, 480))}


def _open_draft(new_page):
    demo_seed(password=PASSWORD)
    officer = User.objects.get(username="officer")
    violation = draft_of(officer)
    page = new_page(PHONE)
    sign_in(page, "officer")
    page.goto(violation.get_absolute_url())
    return page, violation


def _goods(page, description: str = "Cigarettes behind the spare wheel") -> None:
    form = page.locator("#goods-form")
    form.get_by_label("HS code").fill("240220")
    form.get_by_label("Description").fill(description)
    form.get_by_label("Quantity").fill("500")
    form.get_by_role("combobox", name="Unit", exact=True).select_option(label="packs")
    form.get_by_role("button", name="Add goods line").click()


def _vehicle(page) -> None:
    page.get_by_text("Add a vehicle").click()
    form = page.locator("#vehicle-form")
    form.get_by_label("Plate number").fill("ABC-123")
    form.get_by_label("Plate country").fill("LT")
    form.get_by_label("Make and model").fill("Volvo FH")
    form.get_by_role("button", name="Add vehicle").click()


def _person(page) -> None:
    page.get_by_text("Add a person").click()
    form = page.locator("#person-form")
    form.get_by_label("First name").fill("Jonas")
    form.get_by_label("Last name").fill("Jonaitis")
    form.get_by_label("Role").select_option(label="Driver")
    form.get_by_role("button", name="Add person").click()


def _upload(page) -> None:
    form = page.locator("#evidence-form")
    # The description first: the photo is sent as soon as it is picked.
    form.get_by_label("Description").fill("Spare wheel, opened")
    form.get_by_label("Photo or document").set_input_files(_photo())


def _submit(page) -> None:
    page.get_by_role("button", name="Submit").click()


STEPS: dict[str, Callable[[Any], None]] = {
    "goods": _goods,
    "vehicle": _vehicle,
    "person": _person,
    "photo": _upload,
    "submit": _submit,
}


def _saved_at(page, form: str) -> None:
    expect(page.locator(f"#{form} [data-step-status]")).to_have_text(SAVED)


def _sent_count(page) -> int:
    return page.locator("[data-outbox-banner] [data-outbox-sent]").count()


@pytest.mark.django_db(transaction=True)
def test_every_step_kept_offline_is_sent_once_in_order_when_the_connection_returns(new_page):
    page, violation = _open_draft(new_page)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    page.context.set_offline(True)
    _goods(page)
    _saved_at(page, "goods-form")
    # The form is empty again for the next line, with a new key.
    assert page.locator("#goods-form").get_by_label("HS code").input_value() == ""
    _vehicle(page)
    _saved_at(page, "vehicle-form")
    _person(page)
    _saved_at(page, "person-form")
    _upload(page)
    _saved_at(page, "evidence-form")
    page.get_by_role("button", name="Submit").click()
    _saved_at(page, "submit-form")

    # Each shown waiting at its step; the banner counts them in one line.
    banner = page.locator("[data-outbox-banner]")
    expect(banner.locator("[data-outbox-here]")).to_have_attribute("data-outbox-here", "5")
    expect(banner.locator("[data-outbox-entry]")).to_have_count(0)
    expect(page.locator("[data-step-entry]")).to_have_count(5)
    assert "Waiting to send Goods line · 240220 Cigarettes behind the spare wheel" in (
        page.locator("[data-step-queue=goods]").inner_text()
    )
    assert posts == []
    assert not GoodsLine.objects.exists()
    screenshot(page, "violation-steps-offline-phone")

    connection_returns(page)
    # Sent in the background: the page again, showing them, with one message naming them.
    sent = page.locator("main .messages").get_by_text(SENT_HERE)
    expect(sent).to_be_visible(timeout=30_000)
    expect(sent).to_contain_text("Goods line · 240220 Cigarettes behind the spare wheel; Vehicle")
    expect(page.locator("[data-step-entry]")).to_have_count(0)
    expect(banner.locator("[data-outbox-entry], [data-outbox-here]")).to_have_count(0)
    expect(page.locator("#goods table")).to_contain_text("Cigarettes behind the spare wheel")
    # In the order typed: Submit last, after the goods line, people and photo.
    assert [re.sub(r".*/violations/\d+/", "", url) for url in posts] == [
        "goods/",
        "vehicles/",
        "people/",
        "evidence/",
        "submit/",
    ]
    assert GoodsLine.objects.filter(violation=violation).count() == 1
    assert ViolationEntity.objects.filter(violation=violation).count() == 2
    [photo] = Evidence.objects.filter(violation=violation)
    assert photo.description == "Spare wheel, opened"
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.SUBMITTED
    screenshot(page, "violation-steps-sent-phone")


def _drop_answers(page, pattern: str) -> list[int]:
    """Requests to ``pattern`` reach the server, which acts; their answers are lost."""
    reached: list[int] = []

    def handle(route):
        response = route.fetch(max_redirects=0)
        reached.append(response.status)
        route.abort("connectionreset")

    page.route(pattern, handle)
    return reached


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("step", "path", "form"),
    [
        ("goods", "goods", "goods-form"),
        ("vehicle", "vehicles", "vehicle-form"),
        ("person", "people", "person-form"),
        ("photo", "evidence", "evidence-form"),
        ("submit", "submit", "submit-form"),
    ],
)
def test_a_step_whose_answer_was_lost_is_sent_again_and_done_once(new_page, step, path, form):
    page, violation = _open_draft(new_page)
    reached = _drop_answers(page, f"**/violations/{violation.pk}/{path}/")

    STEPS[step](page)
    _saved_at(page, form)
    assert reached == [302]  # the server acted; the phone never heard

    page.unroute(f"**/violations/{violation.pk}/{path}/")
    page.reload()  # the next page load sends what waits
    expect(page.locator("main .messages").get_by_text(SENT_HERE)).to_be_visible()
    expect(page.locator("[data-outbox-banner] [data-outbox-entry]")).to_have_count(0)
    counts = (
        GoodsLine.objects.filter(violation=violation).count(),
        ViolationEntity.objects.filter(violation=violation).count(),
        Evidence.objects.filter(violation=violation).count(),
    )
    assert (
        counts
        == {
            "goods": (1, 0, 0),
            "vehicle": (0, 1, 0),
            "person": (0, 1, 0),
            "photo": (0, 0, 1),
            "submit": (0, 0, 0),
        }[step]
    )
    violation.refresh_from_db()
    submitted = violation.status == ViolationStatus.SUBMITTED
    assert submitted == (step == "submit")


@pytest.mark.django_db(transaction=True)
def test_a_goods_line_tapped_again_after_a_lost_answer_is_added_once(new_page):
    page, violation = _open_draft(new_page)
    reached = _drop_answers(page, f"**/violations/{violation.pk}/goods/")
    _goods(page)
    _saved_at(page, "goods-form")
    page.unroute(f"**/violations/{violation.pk}/goods/")
    assert reached == [302]

    # The officer, unsure, reloads the page before the outbox has sent it: the line is
    # still on its way, and a second tap with the kept key would not add it twice.
    page.reload()
    expect(page.locator("main .messages").get_by_text(SENT_HERE)).to_be_visible()
    page.reload()
    assert GoodsLine.objects.filter(violation=violation).count() == 1
    expect(page.locator("#goods table")).to_contain_text("Cigarettes behind the spare wheel")


@pytest.mark.django_db(transaction=True)
def test_a_correction_after_a_lost_answer_reaches_the_draft(new_page):
    demo_seed(password=PASSWORD)
    page = new_page(PHONE)
    sign_in(page, "officer")
    page.goto("/violations/new/")
    page.get_by_role("radio", name="Tobacco products").check()
    page.locator("#location-map").click()
    page.get_by_label("What happened").fill("Cigarettes behind the spare wheel.")
    # Every answer from the form's address is lost: the first send, and the re-send the
    # draft's page on the device makes at once.
    reached = _drop_answers(page, "**/violations/new/")
    page.get_by_role("button", name="Save draft and continue").click()
    page.wait_for_url(re.compile(r"/violations/on-device/\?draft="))
    page.wait_for_function(
        "(n) => Number(document.querySelector('[data-outbox-banner]').dataset.outboxFlushed) >= n",
        arg=1,
    )
    assert reached == [302, 302]
    assert Violation.objects.count() == 1

    # The officer corrects the draft kept on the device; this time the answers arrive.
    # The Edit page does not send the kept version behind the officer's back (it would
    # leave for the violation while they type): only what they save goes.
    page.unroute("**/violations/new/")
    posted: list[str] = []
    page.on(
        "request",
        lambda request: (
            posted.append(request.url)
            if request.method == "POST" and "/violations/new/" in request.url
            else None
        ),
    )
    page.get_by_role("link", name="Edit").click()
    page.wait_for_url(re.compile(r"/violations/new/\?outbox="))
    page.wait_for_function(
        "() => Number(document.querySelector('[data-outbox-banner]').dataset.outboxFlushed) >= 1"
    )
    assert posted == []
    page.get_by_label("What happened").fill("Cigarettes behind the spare wheel and in the roof.")
    page.get_by_role("button", name="Save draft and continue").click()

    page.wait_for_url(re.compile(r"/violations/\d+/$"))
    violation = Violation.objects.get()
    assert violation.narrative == "Cigarettes behind the spare wheel and in the roof."
    assert "and in the roof" in page.locator("main").inner_text()


@pytest.mark.django_db(transaction=True)
def test_a_goods_line_typed_survives_a_reload_and_is_added_once(new_page):
    page, violation = _open_draft(new_page)
    form = page.locator("#goods-form")
    form.get_by_label("HS code").fill("240220")
    form.get_by_label("Description").fill("Cigarettes behind the spare wheel")
    key = form.locator("input[name=client_key]").input_value()

    page.reload()  # or back to the page: what was typed is still there, with its key

    form = page.locator("#goods-form")
    assert form.get_by_label("HS code").input_value() == "240220"
    assert form.get_by_label("Description").input_value() == "Cigarettes behind the spare wheel"
    assert form.locator("input[name=client_key]").input_value() == key
    form.get_by_label("Quantity").fill("500")
    form.get_by_role("button", name="Add goods line").click()
    page.get_by_text("Goods line added.").wait_for()
    assert GoodsLine.objects.filter(violation=violation).count() == 1
    # Added: the form is empty again, with a new key.
    form = page.locator("#goods-form")
    assert form.get_by_label("HS code").input_value() == ""
    assert form.locator("input[name=client_key]").input_value() != key
