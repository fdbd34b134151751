"""Every page a role may open works under the Content-Security-Policy: Chromium reports
no violation (a blocked script, style, image or request) on any of them. The pages are
the access table's own (tests/portal/test_url_access.py), so a new page is covered
without anyone adding it here."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.access_policy import ALL_ROLES
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_every_page import is_html_page
from tests.portal.test_url_access import EXPECTED, objects  # noqa: F401  the table's fixture

# Files rather than pages (downloads, a feed the page fetches, the health check's JSON).
NOT_PAGES = ("export", "download", "evidence-file", "feed", "healthz", "api-schema")

# Collects each violation the page reports, from the first script on.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def pages_of(role: str, table_objects: dict) -> list[str]:
    urls = []
    for name, rule in sorted(EXPECTED.items()):
        is_page = name == "api-docs" or not name.startswith("api")
        if rule.method != "get" or not is_page or any(part in name for part in NOT_PAGES):
            continue
        if role in rule.roles:
            urls.append(reverse(name, kwargs=rule.kwargs(table_objects)))
    return urls


def signed_in_page(new_page, client_for, user, live_server):
    """A browser page signed in as ``user`` (second factor given), through the test
    client's session."""
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


def violations_on(page, url: str, console: list[str]) -> list[str]:
    console.clear()
    # Until the page's own requests (map layers, lists) are done and what they
    # brought is drawn.
    response = page.goto(url, wait_until="networkidle")
    assert response is not None
    assert response.status < 400, f"{url}: {response.status}"
    assert response.headers.get("content-security-policy"), f"{url}: no policy"
    reported = page.evaluate("window.__cspViolations")
    return [f"{url}: {item}" for item in [*reported, *console]]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_every_page_of_a_role_loads_without_a_policy_violation(
    role,
    objects,  # noqa: F811  the access table's fixture, imported above
    personas,
    client_for,
    new_page,
    live_server,
):
    page = signed_in_page(new_page, client_for, personas[role], live_server)
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )

    # A file among the pages (a certificate's PDF, a CSV template) is a download, not a
    # page the browser shows: asked first as the role, and left out.
    reader = client_for(personas[role])
    urls = [url for url in pages_of(role, objects) if is_html_page(reader, url)]
    found = [violation for url in urls for violation in violations_on(page, url, console)]

    assert len(urls) >= 5
    assert not found, "\n".join(found)


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_render_under_the_policy(personas, client_for, new_page, live_server):
    page = signed_in_page(new_page, client_for, personas["analyst"], live_server)

    page.goto(reverse("api-docs"))

    page.get_by_role("heading", name="Customs Enforcement Portal API").wait_for()
    page.locator(".opblock").first.wait_for()
    assert page.evaluate("window.__cspViolations") == []
