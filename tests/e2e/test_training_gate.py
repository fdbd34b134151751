"""The training gate in a real browser: an administrator creates a course qualifying for
the analyst role; the analyst (who holds the role but no certificate) is refused the
analyst's tools with a message naming the course and the next session; the
administrator enrols the analyst, records attendance and a pass, and the tools open at
the analyst's next page load, without signing in again; the certificate's code
verifies. Then an exemption form and the dashboard's expiry warning. Screenshots of the
message, the exemption form and the warning, desktop and phone, English and Lithuanian,
are kept in artifacts/screenshots."""

import datetime
import re

import pytest
from django.utils import timezone

from portal.models import Certificate, Course, User
from portal.services import training as services
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

VIEWPORTS = (("desktop", DESKTOP), ("phone", PHONE))


def _signed_in_pages(new_page, username: str):
    """The person signed in once (an authenticator code is accepted once), and the same
    session in an English and a Lithuanian browser."""
    english = new_page(DESKTOP)
    sign_in(english, username)
    lithuanian = new_page(DESKTOP, locale="lt-LT")
    lithuanian.context.add_cookies(english.context.cookies())
    return english, lithuanian


def _shoot_everywhere(pages, path: str, name: str, wait_for: str) -> None:
    for language, page in pages:
        for viewport_name, viewport in VIEWPORTS:
            page.set_viewport_size(viewport)
            page.goto(path)
            page.locator(wait_for).first.wait_for()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{path} is {width} px wide at {viewport}"
            screenshot(page, f"{name}-{language}-{viewport_name}")


@pytest.mark.django_db(transaction=True)
def test_a_pass_opens_the_analysts_tools_at_once(new_page):
    demo_seed(password=PASSWORD)
    today = timezone.localdate()
    admin_page = new_page(DESKTOP)
    sign_in(admin_page, "admin")
    analyst_page, analyst_lt = _signed_in_pages(new_page, "analyst")

    # No course qualifies for the role yet: the analyst's tools are open.
    analyst_page.goto("/cases/")
    analyst_page.get_by_role("heading", name="Cases", exact=True).wait_for()

    admin_page.locator("#sidebar").get_by_role("link", name="Courses").click()
    admin_page.get_by_role("link", name="New course").click()
    admin_page.get_by_label("Code").fill("analyst-tools")
    admin_page.get_by_label("Title").fill("Analyst tools")
    admin_page.get_by_label("Qualifies for the role").select_option(label="Analyst")
    admin_page.get_by_label("Validity in months").fill("24")
    admin_page.get_by_role("button", name="Create course").click()
    admin_page.get_by_text("Course analyst-tools created.").wait_for()
    # The course page states the gate's rule.
    assert admin_page.get_by_text("While this course is active, the Analyst role").is_visible()

    admin_page.get_by_role("link", name="New session").click()
    admin_page.get_by_label("First day").fill(today.isoformat())
    admin_page.get_by_label("Last day").fill(today.isoformat())
    admin_page.get_by_label("Trainer").fill("Rasa Mokytoja")
    admin_page.get_by_label(re.compile(r"^\s*Place\W*$")).fill("Vilnius, training centre")
    admin_page.get_by_label(re.compile(r"^\s*Places\W*$")).fill("8")
    admin_page.get_by_role("button", name="Create session").click()
    admin_page.get_by_text("Session created.").wait_for()
    session_url = admin_page.url
    # A later session the refusal can point to.
    later = today + datetime.timedelta(days=14)
    services.training_session_create(
        actor=User.objects.get(username="admin"),
        course=Course.objects.get(code="analyst-tools"),
        fields={
            "starts_on": later,
            "ends_on": later + datetime.timedelta(days=1),
            "trainer": "Tomas Mokytojas",
            "place": "Kaunas, customs school, room 12",
            "capacity": 10,
            "notes": "",
        },
    )

    # The analyst's next page load: refused, with the course and the next session.
    for path in ("/cases/", "/search/"):
        analyst_page.goto(path)
        analyst_page.get_by_role("heading", name="Access denied").wait_for()
        message = analyst_page.locator("[data-gate-role=analyst]")
        assert "analyst-tools · Analyst tools" in message.inner_text()
        assert "Kaunas, customs school, room 12" in message.inner_text()
    _shoot_everywhere(
        (("en", analyst_page), ("lt", analyst_lt)),
        "/cases/",
        "training-gate-refused",
        "[data-gate-role=analyst]",
    )
    analyst_page.set_viewport_size(DESKTOP)
    # The menu no longer offers the analyst's tools; the dashboard says why.
    analyst_page.goto("/")
    analyst_page.locator("[data-gate-notices] [data-gate-role=analyst]").wait_for()
    assert analyst_page.locator("#sidebar [data-nav=cases]").count() == 0

    admin_page.goto(session_url)
    admin_page.get_by_label("Person to enrol").select_option(label="Jonas Jankauskas (analyst)")
    admin_page.get_by_role("button", name="Enrol", exact=True).click()
    admin_page.get_by_text("Jonas Jankauskas enrolled.").wait_for()
    admin_page.get_by_label("Attendance of Jonas Jankauskas").select_option(label="Attended")
    admin_page.get_by_role("button", name="Save attendance").click()
    admin_page.get_by_text("Attendance of Jonas Jankauskas recorded.").wait_for()
    admin_page.get_by_text("Record the result").click()
    admin_page.get_by_label("Result").select_option(label="Passed")
    admin_page.get_by_label("Score").fill("91")
    admin_page.get_by_role("button", name="Save the result").click()
    admin_page.get_by_text("Jonas Jankauskas passed: certificate").wait_for()

    # At once: the next page load opens the tools, no new sign-in.
    analyst_page.goto("/cases/")
    analyst_page.get_by_role("heading", name="Cases", exact=True).wait_for()
    analyst_page.goto("/search/")
    assert analyst_page.get_by_role("heading", name="Access denied").count() == 0
    analyst_page.locator("#sidebar [data-nav=cases]").wait_for()

    certificate = Certificate.objects.get(person__username="analyst")
    analyst_page.goto("/training/verify/")
    analyst_page.get_by_label("Verification code").fill(certificate.code)
    analyst_page.get_by_role("button", name="Verify", exact=True).click()
    analyst_page.get_by_role("heading", name="Valid certificate").wait_for()

    # An exemption, from the analyst's page: the form, then granted.
    analyst = User.objects.get(username="analyst")
    admin_lt = new_page(DESKTOP, locale="lt-LT")
    admin_lt.context.add_cookies(admin_page.context.cookies())
    _shoot_everywhere(
        (("en", admin_page), ("lt", admin_lt)),
        f"/training/exemptions/new/?person={analyst.pk}&role=analyst",
        "training-gate-exemption-form",
        "form",
    )
    admin_page.set_viewport_size(DESKTOP)
    admin_page.goto(f"/users/{analyst.pk}/")
    admin_page.get_by_role("link", name="Grant an exemption").click()
    admin_page.get_by_label("Role").select_option(label="Analyst")
    admin_page.get_by_label("Exempt until").fill((today + datetime.timedelta(days=30)).isoformat())
    admin_page.get_by_role("button", name="Grant the exemption").click()
    admin_page.get_by_text("Give the reason for the exemption.").first.wait_for()
    admin_page.get_by_label(re.compile(r"^\s*Reason\W*$")).fill("Certificate renewal pending")
    admin_page.get_by_role("button", name="Grant the exemption").click()
    admin_page.get_by_text("Jonas Jankauskas may act as Analyst without a certificate").wait_for()

    # The dashboard warns before the certificate expires (here: in 20 days).
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_on=today + datetime.timedelta(days=20)
    )
    admin_page.get_by_label("Reason for ending").fill("Not needed: the certificate is valid")
    admin_page.get_by_role("button", name="End the exemption").click()
    admin_page.get_by_text("Exemption ended").wait_for()
    analyst_page.goto("/")
    warning = analyst_page.locator("[data-expiry-warning='30']")
    warning.wait_for()
    assert "in 20 days" in warning.inner_text()
    _shoot_everywhere(
        (("en", analyst_page), ("lt", analyst_lt)),
        "/",
        "training-gate-dashboard-warning",
        "[data-expiry-warning]",
    )
