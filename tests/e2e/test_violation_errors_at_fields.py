"""An officer on a phone logs a violation whose goods line and photo the server refuses:
the message is at the field, in view, and nothing typed is lost (with the page's script
and without it)."""

import pytest
from playwright.sync_api import expect

from cases.models import Evidence, GoodsLine
from portal.models import User
from portal.services.demo import demo_seed
from tests.cases.support import draft_of, jpeg_photo
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

CHAPTER_99 = "Chapter 99 is reserved for national and statistical use"


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    # A jump to an anchor may leave the target a fraction of a pixel above the top.
    return box is not None and box["y"] >= -1 and box["y"] + box["height"] <= height


def _fill_goods(form) -> None:
    form.get_by_label("HS code").fill("9999 99")
    form.get_by_label("Description").fill("Cigarettes 'Minsk' behind the spare wheel")
    form.get_by_label("Quantity").fill("500")
    form.get_by_role("combobox", name="Unit", exact=True).select_option(label="packs")
    form.get_by_label("Estimated value (EUR)").fill("2250")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_a_refused_goods_line_and_photo_lose_nothing_typed_on_a_phone(new_page, script):
    demo_seed(password=PASSWORD)
    violation = draft_of(User.objects.get(username="officer"))
    page = new_page(PHONE, java_script_enabled=script)
    sign_in(page, "officer")
    page.goto(violation.get_absolute_url())

    goods = page.locator("#goods-form")
    _fill_goods(goods)
    goods.get_by_role("button", name="Add goods line").click()

    hs_field = page.locator("#goods-form .field--error").first
    expect(hs_field).to_contain_text(CHAPTER_99)
    goods = page.locator("#goods-form")
    assert goods.get_by_label("HS code").input_value() == "9999 99"
    assert goods.get_by_label("Description").input_value() == (
        "Cigarettes 'Minsk' behind the spare wheel"
    )
    assert goods.get_by_label("Quantity").input_value() == "500"
    assert goods.get_by_role("combobox", name="Unit", exact=True).input_value() == "packs"
    assert goods.get_by_label("Estimated value (EUR)").input_value() == "2250"
    if script:
        expect(goods.get_by_label("HS code")).to_be_focused()
        assert _in_view(page, goods.get_by_label("HS code"))
    else:
        assert page.url.endswith("/goods/#goods-form")
        # The form is taller than a phone: its summary of errors, at its top, is in view.
        assert _in_view(page, goods.locator("[data-error-summary]"))
    screenshot(page, f"violation-goods-refused-phone-{'js' if script else 'nojs'}")
    assert not GoodsLine.objects.exists()

    goods.get_by_label("HS code").fill("240220")
    goods.get_by_role("button", name="Add goods line").click()
    page.get_by_text("Goods line added.").wait_for()
    [line] = GoodsLine.objects.all()
    assert (line.quantity_unit, str(line.value_eur)) == ("packs", "2250.00")

    evidence = page.locator("#evidence-form")
    # The description first: with the script the photo is sent as soon as it is picked,
    # without it with the Upload button.
    evidence.get_by_label("Description").fill("Spare wheel, opened")
    evidence.get_by_label("Photo or document").set_input_files(
        {"name": "wheel.jpg", "mimeType": "image/jpeg", "buffer": b"not a photo at all"}
    )
    if not script:
        evidence.get_by_role("button", name="Upload").click()

    file_field = page.locator("#evidence-form .field--error").first
    expect(file_field).to_contain_text("wheel.jpg")
    evidence = page.locator("#evidence-form")
    assert evidence.get_by_label("Description").input_value() == "Spare wheel, opened"
    assert _in_view(page, file_field)
    screenshot(page, f"violation-photo-refused-phone-{'js' if script else 'nojs'}")
    assert not Evidence.objects.exists()

    evidence.get_by_label("Photo or document").set_input_files(
        {"name": "wheel.jpg", "mimeType": "image/jpeg", "buffer": jpeg_photo(size=(640, 480))}
    )
    if not script:
        evidence.get_by_role("button", name="Upload").click()
    page.get_by_text("File added.").wait_for()
    [photo] = Evidence.objects.all()
    assert photo.description == "Spare wheel, opened"
