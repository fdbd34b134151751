"""The job page of a job that reports items and counters (rate, time left, counts per
stage, attempts) and the periodic jobs pages, in English and Lithuanian, on a desktop
and a phone; a schedule made and refused through the form by its labels."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.models import Job, JobSchedule, JobStatus
from portal.services.jobs import job_log
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_jobs import FITS, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def _importing_job(owner) -> Job:
    now = timezone.now()
    job = Job.objects.create(
        kind="portal.audit_export",
        owner=owner,
        status=JobStatus.RUNNING,
        queue="reports",
        progress_percent=42,
        progress_message="Rows 420,000 of 1,000,000",
        started_at=now - timedelta(seconds=120),
        heartbeat_at=now,
        attempts=2,
        max_attempts=5,
        items_done=420_000,
        items_total=1_000_000,
        items_at_start=120_000,
        counts={
            "read": 420_000,
            "valid": 418_210,
            "invalid": 1_790,
            "created": 400_112,
            "matched": 18_098,
        },
    )
    job_log(
        job_id=job.pk,
        message=(
            "Attempt 1 of 5 failed: OperationalError: server closed the connection. "
            "Attempt 2 of 5 in 10 s."
        ),
        level="warning",
    )
    job_log(job_id=job.pk, message="Attempt 2 of 5. Resuming from its last checkpoint.")
    return job


@pytest.mark.parametrize("locale", ["en-GB", "lt-LT"])
@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_job_page_with_rate_and_counts_and_the_schedules_pages_screenshots(
    new_page, client_for, administrator, live_server, locale, viewport_name
):
    job = _importing_job(administrator)
    schedule = JobSchedule.objects.create(
        name="Nightly audit check",
        kind="portal.audit_verify",
        owner=administrator,
        schedule_type="crontab",
        crontab="30 2 * * 1-5",
    )
    JobSchedule.objects.create(
        name="Audit export every hour",
        kind="portal.audit_export",
        owner=administrator,
        schedule_type="interval",
        every_minutes=60,
        enabled=False,
    )
    Job.objects.create(
        kind="portal.audit_verify", owner=administrator, schedule=schedule, status="succeeded"
    )
    viewport = DESKTOP if viewport_name == "desktop" else PHONE
    page = signed_in(new_page, client_for, administrator, live_server, viewport, locale)
    suffix = f"{locale[:2]}-{viewport_name}"

    page.goto(f"/jobs/{job.pk}/")
    expect(page.locator("[data-job-rate]")).not_to_be_empty()
    expect(page.locator("[data-job-eta]")).not_to_be_empty()
    expect(page.locator("[data-job-counts] dd").first).to_be_visible()
    screenshot(page, f"jobs-detail-rate-{suffix}")
    assert page.evaluate(FITS), "wider than the screen"

    page.goto("/jobs/schedules/")
    expect(page.get_by_role("table")).to_contain_text("Nightly audit check")
    screenshot(page, f"jobs-schedules-{suffix}")
    assert page.evaluate(FITS), "wider than the screen"

    page.goto(f"/jobs/schedules/{schedule.pk}/")
    expect(page.locator("form.form-card")).to_be_visible()
    screenshot(page, f"jobs-schedule-form-{suffix}")
    assert page.evaluate(FITS), "wider than the screen"


def test_a_schedule_is_made_through_its_form_and_a_bad_crontab_is_refused(
    new_page, client_for, administrator, live_server
):
    page = signed_in(new_page, client_for, administrator, live_server)
    page.goto("/jobs/schedules/new/")

    page.get_by_label("Schedule name").fill("Weekly verification")
    page.get_by_label("Job kind").select_option("portal.audit_verify")
    page.get_by_label("Runs as").select_option(str(administrator.pk))
    page.get_by_label("Repeats").select_option("crontab")
    page.get_by_label("Crontab").fill("99 3 * * 1")
    page.get_by_role("button", name="Create schedule").click()

    expect(page.locator("body")).to_contain_text("This crontab is not valid")
    assert not JobSchedule.objects.exists()
    page.get_by_label("Crontab").fill("0 3 * * 1")
    page.get_by_role("button", name="Create schedule").click()

    expect(page.get_by_role("table")).to_contain_text("Weekly verification")
    expect(page.get_by_role("table")).to_contain_text("0 3 * * 1")
    assert JobSchedule.objects.get().periodic_task is not None
