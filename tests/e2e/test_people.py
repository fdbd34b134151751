"""An administrator creates people from a file in a real browser: the preview names the
bad rows, the confirmed file is created by a job on a real worker whose page follows it,
the list of invitation links downloads once, and an invited person sets their password
through their link."""

import csv
import re

import pytest
from playwright.sync_api import expect

from portal.models import User
from portal.services.demo import demo_seed
from portal.services.invitations import invitation_issue
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.e2e.test_sign_in_per_role import PASSWORD, sign_in

HEADER = "username,first_name,last_name,email,badge_number,phone,unit_code,roles\n"
FIRST = (
    "o.petraityte,Ona,Petraitytė,ona.petraityte@customs.example,LT-2001,,mobile-vilnius,officer\n"
)
SECOND_WRONG = "j.jonaitis,Jonas,Jonaitis,not-an-address,,,mobile-vilnius,pilot\n"
SECOND = "j.jonaitis,Jonas,Jonaitis,jonas.jonaitis@customs.example,,,mobile-vilnius,dispatcher\n"
CHOSEN = "Nemunas-Crossing-Route-2026"


def csv_upload(content: str) -> dict:
    return {"name": "people.csv", "mimeType": "text/csv", "buffer": content.encode("utf-8")}


@pytest.fixture
def media_of_the_worker(settings, worker_media_root):
    """The page keeps the upload where the worker reads it."""
    settings.MEDIA_ROOT = worker_media_root
    return worker_media_root


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_administrator_bulk_creates_two_people_and_one_sets_a_password_by_the_link(
    celery_worker_process, media_of_the_worker, new_page
):
    demo_seed(password=PASSWORD)
    page = new_page(DESKTOP)
    sign_in(page, "admin")

    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Create from a file").click()
    page.get_by_label("File (CSV or XLSX)").set_input_files(
        csv_upload(HEADER + FIRST + SECOND_WRONG)
    )
    page.get_by_label("Invitation link by e-mail: the person sets their own password").check()
    page.get_by_role("button", name="Preview").click()

    errors = page.locator("[data-import-error]")
    errors.first.wait_for()
    assert errors.count() == 2
    assert page.get_by_role("cell", name="Not a valid e-mail address.").is_visible()
    assert page.get_by_role("cell", name=re.compile("Unknown role “pilot”")).is_visible()
    assert page.get_by_role("button", name=re.compile("Create")).count() == 0
    screenshot(page, "user-import-preview-error-desktop")
    assert not User.objects.filter(username="o.petraityte").exists()

    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("File (CSV or XLSX)").set_input_files(csv_upload(HEADER + FIRST + SECOND))
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Create 2 users").click()

    page.get_by_text("Creating 2 users: this page follows the job.").wait_for()
    # The job's page follows the worker without a reload.
    expect(page.locator("[data-job-status]")).to_have_text("Succeeded")
    expect(page.get_by_role("progressbar", name="Progress")).to_have_attribute(
        "aria-valuenow", "100"
    )
    expect(page.get_by_text("2 of 2 rows: every account created")).to_be_visible()
    expect(page.get_by_text("you can download it once; then it is deleted.")).to_be_visible()
    screenshot(page, "user-import-job-desktop")
    assert set(
        User.objects.filter(username__in=["o.petraityte", "j.jonaitis"]).values_list(
            "username", flat=True
        )
    ) == {"o.petraityte", "j.jonaitis"}

    with page.expect_download() as taken:
        page.get_by_role("link", name="new-accounts.csv").click()
    with open(taken.value.path(), encoding="utf-8-sig") as stream:
        accounts = {line["username"]: line for line in csv.DictReader(stream)}
    link = accounts["o.petraityte"]["invitation_link"].split("/accounts/", 1)[1]

    page.reload()
    expect(
        page.get_by_text(re.compile("Downloaded by .* the file is no longer kept."))
    ).to_be_visible()
    assert page.get_by_role("link", name="new-accounts.csv").count() == 0
    screenshot(page, "user-import-job-downloaded-desktop")

    phone = new_page(PHONE)
    phone.goto(f"/accounts/{link}")
    assert phone.get_by_text("o.petraityte").is_visible()
    screenshot(phone, "invitation-phone")
    phone.get_by_label("New password").first.fill(CHOSEN)
    phone.get_by_label("New password confirmation").fill(CHOSEN)
    phone.get_by_role("button", name="Set password").click()
    phone.get_by_text("Your password is set. Sign in as o.petraityte.").wait_for()
    phone.get_by_label("Username").fill("o.petraityte")
    phone.get_by_label("Password").fill(CHOSEN)
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_selector("[data-panel=account]")

    phone.goto(f"/accounts/{link}")
    assert phone.get_by_text("This invitation link has been used already").is_visible()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "lt"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_people_pages_in_each_language_and_size(
    celery_worker_process, media_of_the_worker, new_page, language, size
):
    demo_seed(password=PASSWORD)
    viewport = DESKTOP if size == "desktop" else PHONE
    english = new_page(viewport)
    sign_in(english, "admin")
    page = new_page(viewport, locale="lt-LT" if language == "lt" else "en-GB")
    page.context.add_cookies(english.context.cookies())
    officer = User.objects.get(username="officer")
    page.goto("/users/import/")
    lithuanian = language == "lt"
    page.get_by_label(
        "Failas (CSV arba XLSX)" if lithuanian else "File (CSV or XLSX)"
    ).set_input_files(csv_upload(HEADER + FIRST + SECOND_WRONG))
    page.get_by_role("button", name="Peržiūrėti" if lithuanian else "Preview").click()
    page.locator("[data-import-error]").first.wait_for()
    screenshot(page, f"people-import-preview-{language}-{size}")
    page.goto("/users/import/")
    page.get_by_label(
        "Failas (CSV arba XLSX)" if lithuanian else "File (CSV or XLSX)"
    ).set_input_files(csv_upload(HEADER + FIRST + SECOND))
    page.get_by_role("button", name="Peržiūrėti" if lithuanian else "Preview").click()
    confirm = page.locator("form[action$='/users/import/confirm/'] button")
    confirm.wait_for()
    screenshot(page, f"people-import-preview-ready-{language}-{size}")
    confirm.click()
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("[data-job-result-once]")).to_be_visible()
    screenshot(page, f"people-import-job-{language}-{size}")
    page.goto("/jobs/")
    screenshot(page, f"people-jobs-list-{language}-{size}")
    page.goto(f"/users/{officer.pk}/")
    screenshot(page, f"people-user-detail-{language}-{size}")
    page.goto("/units/")
    screenshot(page, f"people-units-{language}-{size}")
    page.goto("/users/new/")
    screenshot(page, f"people-user-create-{language}-{size}")
    link = invitation_issue(actor=User.objects.get(username="admin"), user=officer)
    visitor = new_page(viewport, locale="lt-LT" if language == "lt" else "en-GB")
    visitor.goto(link.url.split("/accounts/", 1)[1].join(["/accounts/", ""]))
    visitor.get_by_role(
        "button", name="Nustatyti slaptažodį" if language == "lt" else "Set password"
    ).wait_for()
    screenshot(visitor, f"people-invitation-{language}-{size}")
