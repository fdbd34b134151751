"""The case report started from the case's page while a real worker runs it: the job's
page shows the progress bar reach the end and the PDF to download. Screenshots of the
case page's buttons and the job's page at desktop and phone width, English and
Lithuanian."""

import pytest
from playwright.sync_api import expect

from cases.models import Entity, Relation
from cases.services.investigations import CaseInput, case_create, case_entity_link
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_jobs import signed_in

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1280, "height": 900}
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def media_of_the_worker(settings, worker_media_root):
    settings.MEDIA_ROOT = worker_media_root
    return worker_media_root


@pytest.fixture
def birch(analyst):
    case = case_create(
        actor=analyst, data=CaseInput(title="Operation Birch", summary="Cigarettes in timber")
    )
    smuggler = Entity.objects.create(kind="Person", label="Petras Petraitis")
    company = Entity.objects.create(kind="Company", label="Birch Timber UAB")
    Relation.objects.create(source=smuggler, target=company, kind="Directorship")
    case_entity_link(actor=analyst, case=case, entity=smuggler, reason="Organiser")
    case_entity_link(actor=analyst, case=case, entity=company, reason="Front company")
    return case


@pytest.mark.parametrize(
    ("viewport", "locale", "report", "done", "suffix"),
    [
        (WIDE, "en-GB", "Report (PDF)", "Succeeded", "desktop-en"),
        (PHONE, "en-GB", "Report (PDF)", "Succeeded", "phone-en"),
        (WIDE, "lt-LT", "Ataskaita (PDF)", "Atliktas", "desktop-lt"),
        (PHONE, "lt-LT", "Ataskaita (PDF)", "Atliktas", "phone-lt"),
    ],
)
def test_the_report_starts_from_the_case_page_and_its_progress_bar_reaches_the_end(
    celery_worker_process,
    media_of_the_worker,
    new_page,
    client_for,
    analyst,
    birch,
    live_server,
    viewport,
    locale,
    report,
    done,
    suffix,
):
    page = signed_in(new_page, client_for, analyst, live_server, viewport=viewport, locale=locale)
    page.goto(birch.get_absolute_url())
    button = page.get_by_role("button", name=report)
    expect(button).to_be_visible()
    assert page.evaluate(FITS), "the case page overflows"
    screenshot(page, f"case-report-button-{suffix}")

    button.click()

    progress = page.get_by_role("progressbar")
    expect(progress).to_have_attribute("aria-valuenow", "100", timeout=60_000)
    expect(page.locator("[data-job-status]")).to_have_text(done)
    link = page.get_by_role("link", name=f"{birch.number}-report-", exact=False)
    expect(link).to_be_visible()
    assert link.get_attribute("href")
    assert page.evaluate(FITS), "the job page overflows"
    screenshot(page, f"case-report-job-{suffix}")
