"""Every dispatch page in Lithuanian, for a browser that asks for it: the heading and the
menu are translated, nothing is left in English where a translation exists, and the
page is photographed at phone width to be looked at."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from dispatch.services.demo import dispatch_demo_seed
from portal.services.demo import demo_seed
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

Title = str | tuple[str, str]  # a message, or (context, message)

PAGES: dict[str, list[tuple[str, Title]]] = {
    "dispatcher": [
        ("/dispatch/live/", "Live map"),
        ("/dispatch/notices/", "Notices"),
        ("/dispatch/alerts/", "Zone alerts"),
        ("/dispatch/shifts/", "Shifts"),
        ("/dispatch/zones/", "Patrol zones"),
        ("/dispatch/units/", "Mobile units"),
        ("/dispatch/tracks/", "Track replay"),
    ],
    "officer": [
        ("/dispatch/my-tasks/", "My tasks"),
        ("/dispatch/my-unit/", ("mobile unit", "My unit")),
    ],
}


def lithuanian(text: Title) -> str:
    """The Lithuanian of a message, or of (context, message)."""
    with translation.override("lt"):
        if isinstance(text, tuple):
            return translation.pgettext(*text)
        return translation.gettext(text)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", sorted(PAGES))
def test_dispatch_pages_read_in_lithuanian(new_page, username):
    demo_seed(password=PASSWORD)
    dispatch_demo_seed()
    page = new_page(PHONE, locale="lt-LT")
    # The sign-in form is in Lithuanian too; its labels are found by their English
    # names in sign_in(), so sign in first in English, then switch the page language.
    english = new_page(PHONE)
    sign_in(english, username)
    page.context.add_cookies(english.context.cookies())

    for path, title in PAGES[username]:
        page.goto(path)
        translated = lithuanian(title)
        english_title = title[1] if isinstance(title, tuple) else title
        assert translated != english_title, f"{title!r} has no Lithuanian translation"
        expect(page.locator("h1").first).to_contain_text(translated)
        expect(page.locator("html")).to_have_attribute("lang", "lt")
        screenshot(page, f"lt-{path.strip('/').replace('/', '-')}-phone")
