"""Training in a real browser: an administrator creates a course and a session, enrols
an analyst, records attendance and a pass; the certificate's code verifies on the
verification page. Screenshots of the training pages in English and Lithuanian, on a
desktop and a phone, are kept in artifacts/screenshots."""

import datetime
import re

import pytest
from django.utils import timezone

from portal.models import Certificate, EnrolmentResult, User
from portal.services import certificates
from portal.services import training as services
from portal.services.demo import demo_seed
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in


@pytest.mark.django_db(transaction=True)
def test_administrator_trains_an_analyst_whose_certificate_then_verifies(new_page):
    demo_seed(password=PASSWORD)
    today = timezone.localdate().isoformat()
    page = new_page(DESKTOP)
    sign_in(page, "admin")

    page.locator("#sidebar").get_by_role("link", name="Courses").click()
    page.get_by_role("link", name="New course").click()
    page.get_by_label("Code").fill("analyst-tools")
    page.get_by_label("Title").fill("Analyst tools")
    page.get_by_label("Qualifies for the role").select_option(label="Analyst")
    page.get_by_label("Validity in months").fill("24")
    page.get_by_role("button", name="Create course").click()
    page.get_by_text("Course analyst-tools created.").wait_for()

    page.get_by_role("link", name="New session").click()
    page.get_by_label("First day").fill(today)
    page.get_by_label("Last day").fill(today)
    page.get_by_label("Trainer").fill("Rasa Mokytoja")
    page.get_by_label(re.compile(r"^\s*Place\W*$")).fill("Vilnius, training centre")
    page.get_by_label(re.compile(r"^\s*Places\W*$")).fill("8")
    page.get_by_role("button", name="Create session").click()
    page.get_by_text("Session created.").wait_for()

    page.get_by_label("Person to enrol").select_option(label="Jonas Jankauskas (analyst)")
    page.get_by_role("button", name="Enrol", exact=True).click()
    page.get_by_text("Jonas Jankauskas enrolled.").wait_for()

    page.get_by_label("Attendance of Jonas Jankauskas").select_option(label="Attended")
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("Attendance of Jonas Jankauskas recorded.").wait_for()

    page.get_by_text("Record the result").click()
    page.get_by_label("Result").select_option(label="Passed")
    page.get_by_label("Score").fill("88")
    page.get_by_role("button", name="Save the result").click()
    page.get_by_text("Jonas Jankauskas passed: certificate").wait_for()
    screenshot(page, "training-session-passed-desktop")

    certificate = Certificate.objects.get(person__username="analyst")
    assert certificate.course.code == "analyst-tools"
    assert certificate.expires_on == certificates.add_months(certificate.issued_on, 24)

    page.get_by_role("link", name=certificate.code).click()
    page.get_by_role("link", name="Check this code").click()
    page.get_by_role("heading", name="Valid certificate").wait_for()

    # The analyst types the code from the paper on the verification page.
    analyst_page = new_page(PHONE)
    sign_in(analyst_page, "analyst")
    analyst_page.goto("/training/verify/")
    analyst_page.get_by_label("Verification code").fill(certificate.code.lower())
    analyst_page.get_by_role("button", name="Verify", exact=True).click()
    analyst_page.get_by_role("heading", name="Valid certificate").wait_for()
    assert analyst_page.get_by_text("Jonas Jankauskas holds a valid certificate").is_visible()
    screenshot(analyst_page, "training-verify-valid-phone")


def _seed_training() -> Certificate:
    """A course with a prerequisite, a session with people, waiting list and results."""
    admin = User.objects.get(username="admin")
    analyst = User.objects.get(username="analyst")
    officer = User.objects.get(username="officer")
    dispatcher = User.objects.get(username="dispatcher")
    today = timezone.localdate()
    basics = services.course_create(
        actor=admin,
        code="portal-basics",
        fields={"title": "Portal basics", "validity_months": 36},
        prerequisites=[],
    )
    tools = services.course_create(
        actor=admin,
        code="analyst-tools",
        fields={
            "title": "Analyst tools: link charts, imports and screening",
            "description": "Three days of hands-on work with the portal's analysis tools.",
            "qualifies_role": "analyst",
            "validity_months": 24,
        },
        prerequisites=[],
    )
    services.course_create(
        actor=admin,
        code="user-admin",
        fields={"title": "Administering users", "qualifies_area": "users", "validity_months": 12},
        prerequisites=[basics],
    )
    session = services.training_session_create(
        actor=admin,
        course=tools,
        fields={
            "starts_on": today,
            "ends_on": today + datetime.timedelta(days=2),
            "trainer": "Rasa Mokytoja",
            "place": "Vilnius, training centre, room 204",
            "capacity": 2,
            "notes": "",
        },
    )
    passed = services.enrolment_create(actor=admin, session=session, person=analyst)
    services.enrolment_attendance_record(actor=admin, enrolment=passed, attended=True)
    outcome = services.enrolment_result_record(
        actor=admin, enrolment=passed, result=EnrolmentResult.PASSED, score=None, notes=""
    )
    services.enrolment_create(actor=admin, session=session, person=officer)
    services.enrolment_create(actor=admin, session=session, person=dispatcher)
    later = today + datetime.timedelta(days=20)
    services.training_session_create(
        actor=admin,
        course=basics,
        fields={
            "starts_on": later,
            "ends_on": later,
            "trainer": "Tomas Mokytojas",
            "place": "Klaipėda",
            "capacity": 12,
            "notes": "",
        },
    )
    assert outcome.certificate is not None
    return outcome.certificate


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "lt"])
def test_training_pages_on_a_desktop_and_a_phone(new_page, language):
    demo_seed(password=PASSWORD)
    certificate = _seed_training()
    session_pk = certificate.enrolment.session_id
    locale = "lt-LT" if language == "lt" else "en-GB"
    pages = {
        "courses": "/training/courses/",
        "course": f"/training/courses/{certificate.course_id}/",
        "sessions": "/training/sessions/",
        "session": f"/training/sessions/{session_pk}/",
        "certificates": "/training/certificates/",
        "certificate": f"/training/certificates/{certificate.pk}/",
        "verify": f"/training/verify/?code={certificate.code}",
        "verify-unknown": "/training/verify/?code=AAAA-BBBB-CCCC",
        "course-new": "/training/courses/new/",
        "session-new": "/training/sessions/new/",
    }
    # One sign-in each (an authenticator code is accepted once), in English: sign_in()
    # finds the form's fields by their English names; the session then goes to a page
    # in the language under test.
    page, mine = new_page(DESKTOP, locale=locale), new_page(DESKTOP, locale=locale)
    for username, target in (("admin", page), ("analyst", mine)):
        english = new_page(DESKTOP)
        sign_in(english, username)
        target.context.add_cookies(english.context.cookies())
    for viewport_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        for name, path in pages.items():
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{path} is {width} px wide at {viewport}"
            screenshot(page, f"training-{name}-{language}-{viewport_name}")
        mine.set_viewport_size(viewport)
        mine.goto("/training/mine/")
        screenshot(mine, f"training-mine-{language}-{viewport_name}")
