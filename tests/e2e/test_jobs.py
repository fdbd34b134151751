"""A job followed in the browser while a real worker runs it: the progress bar moves and
the log grows without a reload, the result downloads; a running job is cancelled with
the portal's confirm dialog. Screenshots of the jobs pages in English and Lithuanian."""

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from portal.models import Job, JobStatus
from portal.services.jobs import job_log, job_result_add
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.portal.test_jobs import grant_test_kinds

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Set once the page has loaded; a reload would lose it.
MARK_PAGE = "() => { window.__samePage = true; }"
SAME_PAGE = "() => window.__samePage === true"
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"
BAR_SHARE = """() => {
  const bar = document.querySelector("[data-job-bar]");
  return bar.getBoundingClientRect().width / bar.parentElement.getBoundingClientRect().width;
}"""


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


def start_gated_job(page, gate) -> None:
    page.goto("/jobs/")
    form = page.get_by_role("form", name="Gated test job")
    form.get_by_label("Gate file").fill(str(gate))
    form.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gated test job")


def test_the_progress_bar_and_log_follow_the_job_and_the_result_downloads(
    celery_worker_process,
    media_of_the_worker,
    new_page,
    client_for,
    analyst,
    live_server,
    tmp_path,
):
    page = signed_in(new_page, client_for, grant_test_kinds(analyst), live_server)
    gate = tmp_path / "gate"

    start_gated_job(page, gate)
    page.evaluate(MARK_PAGE)
    progress = page.get_by_role("progressbar", name="Progress")

    expect(progress).to_have_attribute("aria-valuenow", "50")
    expect(page.get_by_text("Waiting at the gate", exact=True)).to_be_visible()
    expect(page.locator("[data-job-log]")).to_contain_text("Waiting at the gate.")
    expect(page.locator("[data-job-status]")).to_have_text("Running")
    page.wait_for_function(f"() => Math.abs(({BAR_SHARE})() - 0.5) < 0.02")
    screenshot(page, "jobs-detail-running-desktop")

    gate.touch()

    expect(progress).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("[data-job-status]")).to_have_text("Succeeded")
    expect(page.locator("[data-job-log]")).to_contain_text("The gate is open.")
    page.wait_for_function(f"() => ({BAR_SHARE})() > 0.99")
    expect(page.get_by_role("button", name="Cancel job")).to_be_hidden()
    assert page.evaluate(SAME_PAGE), "the page was reloaded"
    link = page.get_by_role("link", name="gated_result.txt")
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as downloaded:
        assert downloaded.read() == b"through the gate\n"
    assert download.value.suggested_filename == "gated_result.txt"
    screenshot(page, "jobs-detail-succeeded-desktop")


def test_a_running_job_is_cancelled_after_the_confirm_dialog(
    celery_worker_process, new_page, client_for, analyst, live_server, tmp_path
):
    page = signed_in(new_page, client_for, grant_test_kinds(analyst), live_server)
    start_gated_job(page, tmp_path / "never-opened")
    expect(page.get_by_role("progressbar", name="Progress")).to_have_attribute(
        "aria-valuenow", "50"
    )

    page.get_by_role("button", name="Cancel job").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Cancel this job?")
    dialog.get_by_role("button", name="Cancel job").click()

    expect(page.locator("[data-job-status]")).to_have_text("Cancelled")
    expect(page.locator("[data-job-log]")).to_contain_text("Cancelled.")
    job = Job.objects.get(owner=analyst)
    assert job.status == JobStatus.CANCELLED


def _jobs_to_show(administrator, analyst):
    now = timezone.now()
    done = Job.objects.create(
        kind="portal.audit_verify",
        owner=administrator,
        status=JobStatus.SUCCEEDED,
        progress_percent=100,
        progress_message="The audit chain is intact",
        started_at=now,
        finished_at=now,
    )
    job_log(job_id=done.pk, message="Verifying 1234 audit records.")
    job_log(job_id=done.pk, message="The audit chain is intact.")
    job_result_add(
        job_id=done.pk,
        name="audit-verification-20261203-101500.txt",
        content=b"Result: the audit chain is intact.\n",
        content_type="text/plain",
    )
    failed = Job.objects.create(
        kind="portal.audit_verify",
        owner=analyst,
        status=JobStatus.FAILED,
        progress_percent=35,
        progress_message="433 of 1234 records",
        error="Cannot verify the audit trail: the audit key is missing.",
        started_at=now,
        finished_at=now,
    )
    job_log(job_id=failed.pk, message="Cannot verify the audit trail.", level="error")
    Job.objects.create(
        kind="portal.audit_verify",
        owner=administrator,
        status=JobStatus.RUNNING,
        progress_percent=62,
        progress_message="765 of 1234 records",
        started_at=now,
    )
    return done, failed


@pytest.mark.parametrize("locale", ["en-GB", "lt-LT"])
@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_jobs_pages_screenshots(
    new_page, client_for, administrator, analyst, live_server, locale, viewport_name
):
    done, failed = _jobs_to_show(administrator, analyst)
    viewport = DESKTOP if viewport_name == "desktop" else PHONE
    page = signed_in(new_page, client_for, administrator, live_server, viewport, locale)
    suffix = f"{locale[:2]}-{viewport_name}"

    page.goto("/jobs/")
    expect(page.locator("html")).to_have_attribute("lang", locale[:2])
    expect(page.get_by_role("table")).to_be_visible()
    screenshot(page, f"jobs-list-{suffix}")
    assert page.evaluate(FITS), "wider than the screen"

    for job, name in ((done, "succeeded"), (failed, "failed")):
        page.goto(f"/jobs/{job.pk}/")
        expect(page.get_by_role("progressbar")).to_be_visible()
        screenshot(page, f"jobs-detail-{name}-{suffix}")
        assert page.evaluate(FITS), "wider than the screen"


# Each filter drop-down: its name, whether the whole text of its chosen option shows (that
# text's width in the select's own font, plus the arrow, within the select's inner width,
# to a pixel's rounding), and whether it spans the filter card's whole line.
FILTER_CHOICES_SHOWN = """() => [...document.querySelectorAll("form.filters select")].map(
(select) => {
  const style = getComputedStyle(select);
  const probe = document.createElement("span");
  probe.style.font = style.font;
  probe.style.whiteSpace = "pre";
  probe.style.position = "absolute";
  probe.textContent = select.selectedOptions[0].text;
  document.body.append(probe);
  const needed = probe.getBoundingClientRect().width + 20;
  probe.remove();
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const form = select.form;
  const formStyle = getComputedStyle(form);
  const line =
    form.clientWidth - parseFloat(formStyle.paddingLeft) - parseFloat(formStyle.paddingRight);
  return {name: select.name, whole: needed <= room + 1, fullLine: select.offsetWidth >= line - 1};
}
)"""


@pytest.mark.parametrize("locale", ["en-GB", "lt-LT"])
@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_the_filter_drop_downs_show_the_whole_kind_and_name_chosen(
    new_page, client_for, administrator, analyst, live_server, locale, viewport_name
):
    analyst.first_name, analyst.last_name = "Aleksandra", "Kazlauskienė-Petrauskaitė"
    analyst.save(update_fields=["first_name", "last_name"])
    Job.objects.create(kind="cases.case_extract", owner=analyst, status=JobStatus.SUCCEEDED)
    viewport = DESKTOP if viewport_name == "desktop" else PHONE
    page = signed_in(new_page, client_for, administrator, live_server, viewport, locale)

    page.goto(f"/jobs/?status=succeeded&kind=cases.case_extract&owner={analyst.pk}")
    if viewport_name == "phone":  # folded behind "Filters (3)" on a phone
        page.locator(".filters-fold > summary").click()
    expect(page.locator("form.filters select").first).to_be_visible()

    screenshot(page, f"jobs-list-filtered-{locale[:2]}-{viewport_name}")
    shown = page.evaluate(FILTER_CHOICES_SHOWN)
    assert [select["name"] for select in shown] == ["status", "kind", "owner"]
    if viewport_name == "desktop":  # each as wide as its longest choice, on one line
        assert all(select["whole"] for select in shown), shown
        assert not any(select["fullLine"] for select in shown), shown
    else:  # each the whole line; the chips below say the whole of what is chosen
        assert all(select["fullLine"] for select in shown), shown
        chips = page.locator(".filter-chips")
        expect(chips).to_contain_text("Kazlauskienė-Petrauskaitė (analyst)")
        expect(chips).to_contain_text("(zip)")
    assert page.evaluate(FITS), "wider than the screen"
