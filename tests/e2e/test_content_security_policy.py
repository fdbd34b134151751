"""Every page a role may open works under the Content-Security-Policy: Chromium reports
no violation (a blocked script, style, image or request) on any of them.

The pages of each role are swept once, by tests/e2e/test_every_page.py: the same visit
that checks a page on a phone in English and in Lithuanian also asks it for its policy
header and reads the violations it reported (the securitypolicyviolation events and
Chromium's console), so each page is opened once per role and language instead of once
more here. What stays here is the API's documentation (a third-party viewer) rendering
under the policy."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.e2e.conftest import DESKTOP, RECORD_VIOLATIONS


def signed_in_page(new_page, client_for, user, live_server):
    """A browser page signed in as ``user`` (second factor given), through the test
    client's session, recording the policy violations it reports."""
    client = client_for(user)
    page = new_page(DESKTOP)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.add_init_script(RECORD_VIOLATIONS)
    return page


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_render_under_the_policy(personas, client_for, new_page, live_server):
    page = signed_in_page(new_page, client_for, personas["analyst"], live_server)

    page.goto(reverse("api-docs"))

    page.get_by_role("heading", name="Customs Enforcement Portal API").wait_for()
    page.locator(".opblock").first.wait_for()
    assert page.evaluate("window.__cspViolations") == []
