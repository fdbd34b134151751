"""A person's API tokens, one per client: listed on their own page, one revoked while the
other keeps working; the page at desktop and phone width, in English and Lithuanian."""

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from portal.models import ApiToken, User
from portal.services.accounts import api_token_issue
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in


@pytest.mark.django_db(transaction=True)
def test_an_officer_revokes_a_lost_tablets_token_and_keeps_the_phones(new_page):
    demo_seed(password=PASSWORD)
    officer = User.objects.get(username="officer")
    api_token_issue(user=officer, client="patrol-tablet-3")
    api_token_issue(user=officer, client="phone")
    page = new_page(DESKTOP)
    sign_in(page, "officer")

    page.get_by_role("link", name="My API tokens").first.click()
    expect(page.locator("h1")).to_have_text("My API tokens")
    expect(page.get_by_role("cell", name="patrol-tablet-3", exact=True)).to_be_visible()
    screenshot(page, "api-tokens-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "api-tokens-phone")
    page.set_viewport_size(DESKTOP)

    page.get_by_role("button", name="Revoke the token of patrol-tablet-3").click()

    expect(page.get_by_role("cell", name="patrol-tablet-3", exact=True)).to_have_count(0)
    expect(page.get_by_role("cell", name="phone", exact=True)).to_be_visible()
    assert list(ApiToken.objects.filter(user=officer).values_list("name", flat=True)) == ["phone"]

    lithuanian = new_page(PHONE, locale="lt-LT")
    lithuanian.context.add_cookies(page.context.cookies())
    lithuanian.goto(page.url)
    with override("lt"):
        expect(lithuanian.locator("h1")).to_have_text(gettext("My API tokens"))
    expect(lithuanian.locator("html")).to_have_attribute("lang", "lt")
    screenshot(lithuanian, "lt-api-tokens-phone")
