"""The auditor's page in the browser, with a real worker: an administrator filters the
trail by a person, sees their activity as a chart, marks a flag reviewed with a note,
starts the chain's verification and reads its result. Screenshots in English and
Lithuanian, desktop and phone."""

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from portal.models import AuditAction, AuditFlagReview, AuditRecord
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.portal.test_audit_review import at, record_at, views

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def media_of_the_worker(settings, worker_media_root):
    settings.MEDIA_ROOT = worker_media_root
    return worker_media_root


def signed_in(new_page, client_for, user, live_server, viewport=DESKTOP, locale="en-GB"):
    client = client_for(user)
    page = new_page(viewport, locale=locale)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def an_analysts_week(analyst) -> tuple[date, date]:
    """Quiet working days, then a busy evening with an export: flagged by three rules."""
    last = timezone.localdate() - timedelta(days=1)
    first = last - timedelta(days=9)
    for offset in range(9):
        day = first + timedelta(days=offset)
        if day.isoweekday() <= 5:  # quiet working days: no flag of any kind
            views(analyst, day, 4)
    views(analyst, last, 40, hour=21)
    record_at(at(last, 21, 30), actor=analyst, action=AuditAction.EXPORT, object_repr="CSV")
    return first, last


def test_an_administrator_reviews_a_persons_activity_and_verifies_the_chain(
    celery_worker_process,
    media_of_the_worker,
    new_page,
    client_for,
    analyst,
    administrator,
    live_server,
):
    first, last = an_analysts_week(analyst)
    page = signed_in(new_page, client_for, administrator, live_server)

    page.goto("/audit/")
    filters = page.get_by_role("form", name="Filter the audit trail")
    filters.get_by_label("User").fill("analyst")
    filters.get_by_label("From", exact=True).fill(first.isoformat())
    filters.get_by_label("To", exact=True).fill(last.isoformat())
    filters.get_by_role("button", name="Filter").click()

    chart = page.get_by_role("img", name=re.compile(r"records from .* per day"))
    expect(chart).to_be_visible()
    expect(page.get_by_role("heading", name="Activity of analyst")).to_be_visible()
    expect(page.locator(".bar-chart__bar")).to_have_count(10)
    expect(page.locator(".bar-chart__bar--flagged")).to_have_count(1)
    flag = page.get_by_role("row").filter(has_text="Exports and downloads")
    expect(flag).to_contain_text("Exported or downloaded 1 time.")
    assert page.evaluate(FITS)
    screenshot(page, "audit-review-desktop-en")

    flag.get_by_label("Review note").fill("Export for case 2026/14, confirmed by her lead.")
    flag.get_by_role("button", name="Mark reviewed").click()

    expect(page.get_by_text("Flag marked reviewed.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Exports and downloads")).to_have_count(0)
    review = AuditFlagReview.objects.get()
    assert review.note == "Export for case 2026/14, confirmed by her lead."
    assert AuditRecord.objects.filter(
        object_type="portal.auditflagreview", reason=review.note, actor=administrator
    ).exists()

    page.get_by_role("button", name="Verify the audit trail").click()
    expect(page.locator("[data-job-status]")).to_have_text("Succeeded", timeout=30_000)
    expect(page.get_by_text("The audit chain is intact").first).to_be_visible()
    page.goto("/audit/")
    card = page.get_by_role("region", name="Integrity of the chain")
    expect(card).to_contain_text("The audit chain is intact")
    expect(card.get_by_role("link", name="Download the report")).to_be_visible()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "lt"])
def test_the_auditor_page_fits_and_reads(
    new_page, client_for, analyst, administrator, live_server, viewport, language
):
    first, last = an_analysts_week(analyst)
    page = signed_in(
        new_page,
        client_for,
        administrator,
        live_server,
        viewport=DESKTOP if viewport == "desktop" else PHONE,
        locale="lt-LT" if language == "lt" else "en-GB",
    )

    page.goto(f"/audit/?actor=analyst&date_from={first}&date_to={last}")

    expect(page.locator("svg.bar-chart__plot")).to_be_visible()
    assert page.evaluate(FITS), "the auditor's page overflows the screen"
    screenshot(page, f"audit-review-{viewport}-{language}")
