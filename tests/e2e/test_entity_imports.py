"""An import in Chromium with the real worker: the analyst uploads a declarations CSV
in Windows-1257, sees its first rows with the encoding detected, maps the columns to a
company and a driver, starts the import and watches it end; the result shows the
counts. Screenshots of the upload, preview/mapping and result pages at desktop and
phone width, English and Lithuanian."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from cases.models import DataImport
from cases.services.imports.upload import data_import_upload
from tests.cases.import_support import csv_bytes
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


@pytest.fixture
def media_of_the_worker(settings, worker_media_root):
    settings.MEDIA_ROOT = worker_media_root
    return worker_media_root


def test_the_analyst_uploads_maps_and_imports_a_windows_1257_file(
    celery_worker_process,
    media_of_the_worker,
    new_page,
    client_for,
    analyst,
    live_server,
    tmp_path,
):
    upload = tmp_path / "deklaracijos.csv"
    upload.write_bytes(csv_bytes(encoding="cp1257"))
    page = signed_in(new_page, client_for, analyst, live_server, viewport=WIDE)
    page.goto("/entities/imports/")
    page.locator("#id_file").set_input_files(str(upload))
    page.get_by_label("Dataset name").fill("Declarations November")
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.locator("[data-detected-encoding]")).to_have_text("cp1257")
    expect(page.get_by_role("cell", name="Žydrūnas")).to_be_visible()
    page.get_by_label("Entity A").select_option("Company")
    page.get_by_label("Entity C").select_option("Person")
    # Each column's list follows its entity's schema: picked by label, sent by name.
    for column, slot, label in [
        ("company", "A", "Name"),
        ("company_code", "A", "Registration number"),
        ("company_country", "A", "Jurisdiction"),
        ("driver_first", "C", "First name"),
        ("driver_last", "C", "Last name"),
    ]:
        page.get_by_label(f"Entity of “{column}”").select_option(slot)
        page.get_by_label(f"Property of “{column}”").select_option(label=label)
    expect(page.get_by_label("Property of “company_code”")).to_have_value("registrationNumber")
    # A company has no first name: the driver's column offers a person's properties only.
    driver = page.get_by_label("Property of “driver_first”")
    expect(driver.locator("option", has_text="Birth date")).to_have_count(1)
    expect(driver.locator("option", has_text="Incorporation date")).to_have_count(1)
    company = page.get_by_label("Property of “company”")
    expect(company.locator("option", has_text="First name")).to_have_count(0)
    # Changing an entity's schema switches its columns' lists and keeps what still fits.
    page.get_by_label("Entity C").select_option("Vessel")
    expect(driver.locator("option", has_text="IMO Number")).to_have_count(1)
    expect(driver.locator("option", has_text="First name")).to_have_count(0)
    page.get_by_label("Entity C").select_option("Person")
    driver.select_option(label="First name")
    page.get_by_label("Property of “driver_last”").select_option(label="Last name")
    page.get_by_label("Relation 1").select_option("Employment")
    page.locator("#id_relation_0_source").select_option("C")
    page.locator("#id_relation_0_target").select_option("A")
    page.get_by_label("Save this mapping as").fill("Declarations")
    page.get_by_role("button", name="Start the import").click()

    expect(page.locator("[data-import-status]")).to_have_text("Imported", timeout=60_000)
    expect(page.locator("[data-count=created]")).to_have_text("3")
    expect(page.locator("[data-count=matched]")).to_have_text("1")
    expect(page.locator("[data-count=relations]")).to_have_text("2")
    screenshot(page, "imports-done-desktop-en")
    data_import = DataImport.objects.get()
    assert data_import.mapping is not None
    assert data_import.mapping.name == "Declarations"


@pytest.mark.parametrize(("viewport", "locale", "suffix"), VARIANTS)
def test_the_import_pages_fit_and_read_well(
    new_page, client_for, analyst, live_server, viewport, locale, suffix
):
    waiting = data_import_upload(
        actor=analyst,
        upload=SimpleUploadedFile("deklaracijos.csv", csv_bytes(encoding="cp1257")),
        dataset="Declarations November",
    )
    done = data_import_upload(
        actor=analyst,
        upload=SimpleUploadedFile("rilo.csv", csv_bytes()),
        dataset="RILO exchange",
    )
    DataImport.objects.filter(pk=done.pk).update(
        status="refused",
        rows_read=3,
        rows_valid=2,
        rows_invalid=1,
        message="1 of 3 rows have problems; nothing was imported.",
    )
    page = signed_in(new_page, client_for, analyst, live_server, viewport=viewport, locale=locale)

    page.goto("/entities/imports/")
    screenshot(page, f"imports-upload-{suffix}")
    assert page.evaluate(FITS), "the imports page overflows"

    page.goto(waiting.get_absolute_url())
    expect(page.locator("[data-detected-encoding]")).to_have_text("cp1257")
    page.locator("#id_schema_A").select_option("Company")
    page.locator("#id_schema_C").select_option("Person")
    for index, slot, prop in [(1, "A", "name"), (6, "C", "firstName"), (8, "C", "birthDate")]:
        page.locator(f"#id_target_{index}").select_option(slot)
        page.locator(f"#id_property_{index}").select_option(prop)
    screenshot(page, f"imports-mapping-{suffix}")
    assert page.evaluate(FITS), "the preview page overflows"

    page.goto(done.get_absolute_url())
    expect(page.locator("[data-count=invalid]")).to_have_text("1")
    screenshot(page, f"imports-result-{suffix}")
    assert page.evaluate(FITS), "the result page overflows"
