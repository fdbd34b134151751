"""A document read for its text, in Chromium with the real worker: the analyst uploads a
PDF to a case, watches the job finish, opens the document, sees the phone number found in
it with its sentence, accepts it, and finds the phone entity linked to the case.
Screenshots of the upload page and the document page at desktop and phone width,
English and Lithuanian."""

import pytest
from playwright.sync_api import expect

from cases.models import CaseEntity, Entity
from cases.services.documents.upload import case_documents_upload
from cases.services.investigations import CaseInput, case_create
from portal.services.jobs import job_run
from tests.cases.document_support import PHONE_SENTENCE, pdf_bytes, upload_of
from tests.e2e.conftest import PHONE, screenshot
from tests.e2e.test_jobs import signed_in

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1280, "height": 900}
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"
VARIANTS = [
    (WIDE, "en-GB", "desktop-en"),
    (PHONE, "en-GB", "phone-en"),
    (WIDE, "lt-LT", "desktop-lt"),
    (PHONE, "lt-LT", "phone-lt"),
]
REPORT = (
    "Border guard report of 3 March 2026 on the lorry stopped at Medininkai.",
    PHONE_SENTENCE,
    "The cargo declared as furniture held 9,800 cartons of cigarettes.",
)


@pytest.fixture
def media_of_the_worker(settings, worker_media_root):
    settings.MEDIA_ROOT = worker_media_root
    return worker_media_root


def test_the_analyst_uploads_a_pdf_and_links_the_phone_number_it_names(
    celery_worker_process, media_of_the_worker, new_page, client_for, analyst, live_server, tmp_path
):
    case = case_create(actor=analyst, data=CaseInput(title="Cigarettes by lorry"))
    report = tmp_path / "pasienio-ataskaita.pdf"
    report.write_bytes(pdf_bytes(*REPORT))
    page = signed_in(new_page, client_for, analyst, live_server, viewport=WIDE)

    page.goto(case.get_absolute_url())
    page.get_by_role("link", name="Upload documents for their text").click()
    page.get_by_label("File or zip of files").set_input_files(str(report))
    page.get_by_role("button", name="Upload and read").click()

    expect(page.locator("[data-job-status]")).to_have_text("Succeeded", timeout=60_000)
    page.get_by_role("link", name="pasienio-ataskaita.pdf").click()
    suggestion = page.locator("[data-suggestion=phone]")
    expect(suggestion).to_contain_text("+37061234567")
    expect(suggestion.locator("blockquote")).to_have_text(PHONE_SENTENCE)
    screenshot(page, "documents-suggestion-desktop-en")
    suggestion.get_by_role("button", name="Accept +37061234567").click()

    expect(page.get_by_role("status")).to_contain_text("+37061234567 added to the case.")
    screenshot(page, "documents-accepted-desktop-en")
    phone = Entity.objects.get(kind="Phone", key="+37061234567")
    assert CaseEntity.objects.filter(case=case, entity=phone).exists()
    page.goto(case.get_absolute_url())
    expect(page.locator("#entities")).to_contain_text("+37061234567")


@pytest.mark.parametrize(("viewport", "locale", "suffix"), VARIANTS)
def test_the_document_pages_fit_and_read_well(
    new_page, client_for, analyst, live_server, viewport, locale, suffix
):
    case = case_create(actor=analyst, data=CaseInput(title="Cigarettes by lorry"))
    [document], job = case_documents_upload(
        actor=analyst,
        case=case,
        upload=upload_of("pasienio-ataskaita-2026-03-03-medininkai.pdf", pdf_bytes(*REPORT)),
    )
    job_run(job_id=job.pk)
    page = signed_in(new_page, client_for, analyst, live_server, viewport=viewport, locale=locale)

    page.goto(f"/cases/{case.pk}/documents/upload/")
    screenshot(page, f"documents-upload-{suffix}")
    assert page.evaluate(FITS), "the upload page overflows"

    page.goto(f"/cases/{case.pk}/documents/{document.pk}/text/")
    expect(page.locator("[data-suggestion=phone]")).to_be_visible()
    screenshot(page, f"documents-page-{suffix}")
    assert page.evaluate(FITS), "the document page overflows"
