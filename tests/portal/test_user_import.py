"""Bulk creation of users from CSV or XLSX: a preview with each row's errors, nothing
created while any row has one; the confirmation starts a job (run here in the test's
process; tests/portal/test_user_import_worker.py runs it on a real worker) whose list of
invitation links or one-time passwords downloads once, for its owner only."""

import csv
import io
from typing import cast

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from portal.models import AuditRecord, Job, JobStatus, User
from portal.services.jobs import job_run
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "username",
    "first_name",
    "last_name",
    "email",
    "badge_number",
    "phone",
    "unit_code",
    "roles",
]


def row(username, **overrides):
    values = {
        "username": username,
        "first_name": "Ona",
        "last_name": "Petraitytė",
        "email": f"{username}@customs.example",
        "badge_number": "",
        "phone": "",
        "unit_code": "mobile-a",
        "roles": "officer",
    }
    values.update(overrides)
    return [values[column] for column in HEADER]


def csv_file(rows, *, header=HEADER, encoding="utf-8", name="people.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows, *, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(
        "people.xlsx",
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def upload(client, file, first_sign_in="invitation"):
    return client.post(
        reverse("portal:user-import"), {"file": file, "first_sign_in": first_sign_in}
    )


def confirm(client, preview):
    return client.post(
        reverse("portal:user-import-confirm"), {"preview": preview.context["preview_id"]}
    )


def confirm_and_run(client, preview):
    """Confirm the preview, then run its job here as the worker would."""
    response = confirm(client, preview)
    assert response.status_code == 302, response.content
    job = Job.objects.get(kind="portal.user_import")
    assert response["Location"] == reverse("portal:job-detail", kwargs={"pk": job.pk})
    job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def result_lines(download):
    content = b"".join(download.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def errors_of(response):
    return [
        (error.row, error.column, error.value, error.reason) for error in response.context["errors"]
    ]


def test_two_people_from_a_csv_are_previewed_then_created_with_invitations(
    administrator, unit_a, client_for, django_capture_on_commit_callbacks
):
    client = client_for(administrator)
    preview = upload(
        client, csv_file([row("o.petraityte"), row("j.jonaitis", roles="analyst; dispatcher")])
    )

    assert preview.status_code == 200
    assert errors_of(preview) == []
    assert [r.values["username"] for r in preview.context["rows"]] == ["o.petraityte", "j.jonaitis"]
    assert not User.objects.filter(username="o.petraityte").exists()

    with django_capture_on_commit_callbacks(execute=True):
        job = confirm_and_run(client, preview)

    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.progress_percent == 100
    created = User.objects.get(username="j.jonaitis")
    assert created.role_names() == {"analyst", "dispatcher"}
    assert created.org_unit == unit_a
    assert created.last_name == "Petraitytė"
    assert not created.has_usable_password()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "j.jonaitis@customs.example",
        "o.petraityte@customs.example",
    ]
    record = AuditRecord.objects.filter(changes__has_key="bulk_import").get()
    assert record.actor == administrator
    assert record.changes["bulk_import"]["created"] == ["o.petraityte", "j.jonaitis"]
    # The result lists the invitation links, the same the e-mails carry.
    (result,) = job.results.all()
    lines = result_lines(client.get(download_url(result)))
    assert lines[0][:5] == ["username", "first_name", "last_name", "email", "invitation_link"]
    assert [line[0] for line in lines[1:]] == ["o.petraityte", "j.jonaitis"]
    ona_mail = next(m for m in mail.outbox if m.to == ["o.petraityte@customs.example"])
    assert lines[1][4] in ona_mail.body


def test_the_job_carries_no_file_and_no_secret_and_its_upload_is_deleted_after(
    administrator, unit_a, client_for
):
    client = client_for(administrator)
    preview = upload(client, csv_file([row("a.b")]))

    confirm(client, preview)
    job = Job.objects.get(kind="portal.user_import")
    stored = job.parameters["file"]

    assert set(job.parameters) == {"file", "sha256", "file_name", "first_sign_in", "rows"}
    assert stored.startswith(f"private/user-imports/{administrator.pk}/")
    assert default_storage.exists(stored)
    assert job.parameters["rows"] == 1
    job_run(job_id=job.pk)
    assert not default_storage.exists(stored)


def test_a_file_changed_after_the_preview_is_refused_by_the_job(administrator, unit_a, client_for):
    client = client_for(administrator)
    preview = upload(client, csv_file([row("a.b")]))
    confirm(client, preview)
    job = Job.objects.get(kind="portal.user_import")
    with default_storage.open(job.parameters["file"], "wb") as stream:
        stream.write(b"username,first_name,last_name,roles\nmallory,M,M,administrator\n")

    job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "The uploaded file is no longer kept: upload it again."
    assert not User.objects.filter(username__in=["a.b", "mallory"]).exists()


def download_url(result):
    return reverse(
        "portal:job-result-download", kwargs={"pk": result.job_id, "result_id": result.pk}
    )


def test_one_bad_row_creates_nobody_and_the_preview_names_row_column_and_reason(
    administrator, unit_a, client_for
):
    client = client_for(administrator)
    preview = upload(client, csv_file([row("good.one"), row("bad.one", roles="pilot")]))

    assert errors_of(preview) == [
        (
            3,
            "roles",
            "pilot",
            "Unknown role “pilot”; the roles are officer, dispatcher, analyst, administrator.",
        )
    ]
    page = preview.content.decode()
    assert "nothing will be created" in page
    assert 'name="preview"' not in page  # no confirmation offered
    assert confirm(client, preview).status_code == 302
    assert not Job.objects.exists()
    assert not default_storage.exists(f"private/user-imports/{administrator.pk}")
    assert not User.objects.filter(username__in=["good.one", "bad.one"]).exists()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [row("a.b"), row("A.B", email="x@customs.example")],
            (3, "username", "A.B", "The same username is on another row of the file."),
        ),
        (
            [row("officer_a")],
            (2, "username", "officer_a", "A user with this username exists already."),
        ),
        (
            [row("a.b", email="same@customs.example"), row("c.d", email="SAME@customs.example")],
            (
                3,
                "email",
                "SAME@customs.example",
                "The same e-mail address is on another row of the file.",
            ),
        ),
        (
            [row("a.b", email="officer_a@customs.example")],
            (
                2,
                "email",
                "officer_a@customs.example",
                "A user with this e-mail address exists already.",
            ),
        ),
        (
            [row("a.b", email="not-an-address")],
            (2, "email", "not-an-address", "Not a valid e-mail address."),
        ),
        ([row("a.b", unit_code="nowhere")], (2, "unit_code", "nowhere", "No unit has this code.")),
        ([row("a.b", roles="")], (2, "roles", "", "Give at least one role.")),
        ([row("a.b", last_name="")], (2, "last_name", "", "Required.")),
        ([row("bad name!")], (2, "username", "bad name!", "Letters, digits and @ . + - _ only.")),
        ([row("a.b", email="")], (2, "email", "", "Required: the invitation is sent by e-mail.")),
        (
            [row("a.b", badge_number="9" * 31)],
            (2, "badge_number", "9" * 31, "At most 30 characters; this text has 31."),
        ),
    ],
)
def test_each_kind_of_row_error_is_named_and_nothing_is_created(
    administrator, officer, client_for, rows, expected
):
    users_before = User.objects.count()
    preview = upload(client_for(administrator), csv_file(rows))

    assert expected in errors_of(preview)
    assert confirm(client_for(administrator), preview).status_code in (302, 400)
    assert User.objects.count() == users_before


def test_an_xlsx_formula_is_never_evaluated_but_refused(administrator, unit_a, client_for):
    preview = upload(client_for(administrator), xlsx_file([row("a.b", first_name="=1+1")]))

    assert (
        2,
        "first_name",
        "=1+1",
        "Formulas are not accepted: type the value itself.",
    ) in errors_of(preview)


def test_one_time_passwords_from_an_xlsx_are_downloadable_once(
    administrator, unit_a, client_for, django_capture_on_commit_callbacks
):
    client = client_for(administrator)
    preview = upload(
        client, xlsx_file([row("a.b", email="", badge_number=1234)]), "one_time_password"
    )
    assert errors_of(preview) == []
    assert preview.context["rows"][0].values["badge_number"] == "1234"

    job = confirm_and_run(client, preview)

    created = User.objects.get(username="a.b")
    assert created.password_change_required
    (result,) = job.results.all()
    assert result.once
    with django_capture_on_commit_callbacks(execute=True):
        download = client.get(download_url(result))
    assert download.status_code == 200
    lines = result_lines(download)
    assert lines[0][-1] == "one_time_password"
    assert lines[1][0] == "a.b"
    assert created.check_password(lines[1][-1])
    assert AuditRecord.objects.filter(
        action="download", object_type="portal.jobresult", changes__once=True
    ).exists()
    result.refresh_from_db()
    assert result.downloaded_by == administrator
    assert not default_storage.exists(result.file.name)

    again = client.get(download_url(result), follow=True)

    assert again.redirect_chain[-1][0] == reverse("portal:job-detail", kwargs={"pk": job.pk})
    page = again.content.decode()
    name = administrator.get_full_name()
    assert f"This file could be downloaded once: {name} downloaded it on" in page
    assert f"Downloaded by {name} on" in page


def test_another_administrator_cannot_download_the_secrets(administrator, unit_a, client_for):
    client = client_for(administrator)
    job = confirm_and_run(client, upload(client, csv_file([row("a.b")]), "one_time_password"))
    (result,) = job.results.all()
    colleague = UserFactory(username="colleague", roles=["administrator"])
    other = client_for(colleague)

    page = other.get(reverse("portal:job-detail", kwargs={"pk": job.pk})).content.decode()
    refused = other.get(download_url(result), follow=True)

    name = administrator.get_full_name()
    assert f"only {name}, who started the job, can download it" in page
    assert download_url(result) not in page
    assert "Only the person who started this job may download this file." in (
        refused.content.decode()
    )
    result.refresh_from_db()
    assert result.downloaded_at is None
    assert client.get(download_url(result)).status_code == 200


def test_a_person_created_by_someone_else_between_preview_and_job_stops_the_import(
    administrator, unit_a, client_for
):
    client = client_for(administrator)
    preview = upload(client, csv_file([row("a.b"), row("c.d")]))
    UserFactory(username="c.d", email="someone.else@customs.example")

    job = confirm_and_run(client, preview)

    assert job.status == JobStatus.FAILED
    assert job.error == "1 error in the file: nothing was created. The log names it."
    assert job.log_lines.filter(
        level="error",
        message="Row 3, Username “c.d”: A user with this username exists already.",
    ).exists()
    assert not User.objects.filter(username="a.b").exists()
    assert not job.results.exists()


def test_a_stale_preview_creates_nothing(administrator, unit_a, client_for):
    client = client_for(administrator)
    upload(client, csv_file([row("a.b")]))

    response = client.post(reverse("portal:user-import-confirm"), {"preview": "guessed"})

    assert response.status_code == 302
    assert not User.objects.filter(username="a.b").exists()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("people.pdf", b"%PDF-1.4"), "Upload a .csv or .xlsx file."),
        (SimpleUploadedFile("people.csv", b"   "), "The file is empty"),
        (
            SimpleUploadedFile("people.xlsx", b"not a workbook"),
            "cannot be read as an Excel workbook",
        ),
        (csv_file([row("a.b")], encoding="cp1257"), "not UTF-8 text"),
        (csv_file([row("a.b")[:3]], header=HEADER[:3]), "lacks the columns roles"),
        (
            csv_file([[*row("a.b"), "x"]], header=[*HEADER, "salary"]),
            "Unknown columns in the header row: salary",
        ),
        (csv_file([]), "header row but no people"),
    ],
)
def test_a_file_that_cannot_be_used_is_refused_with_a_message(
    administrator, unit_a, client_for, file, message
):
    response = upload(client_for(administrator), file)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])


@override_settings(USER_IMPORT_MAX_ROWS=2)
def test_a_file_with_too_many_rows_is_refused(administrator, unit_a, client_for):
    response = upload(client_for(administrator), csv_file([row("a"), row("b"), row("c")]))
    assert "more than 2 rows" in " ".join(response.context["form"].errors["file"])


@override_settings(USER_IMPORT_MAX_BYTES=100)
def test_a_file_too_large_is_refused(administrator, unit_a, client_for):
    response = upload(client_for(administrator), csv_file([row("a"), row("b")]))
    assert "larger than 100" in " ".join(response.context["form"].errors["file"])


def test_a_csv_with_a_byte_order_mark_and_semicolons_is_read(administrator, unit_a, client_for):
    text = ";".join(HEADER) + "\r\n" + ";".join(row("a.b", roles="officer")) + "\r\n"
    file = SimpleUploadedFile("people.csv", ("\ufeff" + text).encode("utf-8"))

    preview = upload(client_for(administrator), file)

    assert errors_of(preview) == []
    assert preview.context["rows"][0].values["last_name"] == "Petraitytė"


def test_the_template_file_reads_back_without_errors(administrator, unit_a, client_for):
    client = client_for(administrator)
    template = client.get(reverse("portal:user-import-template"))
    assert template["Content-Disposition"].startswith("attachment")

    preview = upload(client, SimpleUploadedFile("users-template.csv", template.content))

    assert errors_of(preview) == []
    assert len(preview.context["rows"]) == 2


@override_settings(USER_IMPORT_MAX_ONE_TIME_PASSWORDS=1)
def test_one_time_passwords_are_limited_per_file_and_invitations_are_not(
    administrator, unit_a, client_for
):
    client = client_for(administrator)
    rows = [row("a"), row("b")]

    refused = upload(client, csv_file(rows), "one_time_password")
    accepted = upload(client, csv_file(rows), "invitation")

    assert refused.status_code == 400
    assert "At most 1 people get one-time passwords" in " ".join(
        refused.context["form"].errors["file"]
    )
    assert accepted.status_code == 200


@override_settings(USER_IMPORT_MAX_ROWS=2)
def test_a_sheet_of_endless_empty_rows_is_refused(administrator, unit_a, client_for):
    # openpyxl writes no row of only empty cells: each holds a space, as a careless sheet
    # does, which reads as empty.
    file = xlsx_file([row("a.b"), *[[" "] + [None] * 7 for _ in range(25)], row("c.d")])

    response = upload(client_for(administrator), file)

    assert "more than 20 empty rows" in " ".join(response.context["form"].errors["file"])


def test_through_the_api_the_secrets_download_once_and_only_for_their_starter(
    administrator, unit_a, client_for, api_client_for
):
    client = client_for(administrator)
    job = confirm_and_run(client, upload(client, csv_file([row("a.b")]), "one_time_password"))
    (result,) = job.results.all()
    url = reverse("api:job-result-download", kwargs={"pk": job.pk, "result_id": result.pk})
    owner = api_client_for(administrator)
    colleague = api_client_for(UserFactory(username="colleague", roles=["administrator"]))

    refused = colleague.get(url)
    taken = owner.get(url)
    gone = owner.get(url)

    assert refused.status_code == 403
    assert "Only the person who started this job" in refused.content.decode()
    assert taken.status_code == 200
    assert gone.status_code == 410
    assert "could be downloaded once" in gone.content.decode()
    detail = owner.get(reverse("api:job-detail", kwargs={"pk": job.pk})).json()
    (listed,) = detail["results"]
    assert listed["once"] is True
    assert listed["downloaded_by"] == administrator.get_full_name()
    assert listed["downloaded_at"]


def test_an_upload_never_confirmed_is_swept_after_a_day_and_a_fresh_one_is_kept(
    administrator, unit_a, client_for
):
    from datetime import timedelta

    from portal.services.user_import_jobs import user_import_uploads_sweep

    client = client_for(administrator)
    upload(client, csv_file([row("a.b")]))
    stored = client.session["portal_user_import_preview"]["file"]

    assert user_import_uploads_sweep(older_than=timedelta(hours=24)) == 0
    assert default_storage.exists(stored)
    assert user_import_uploads_sweep(older_than=timedelta(0)) == 1
    assert not default_storage.exists(stored)


def test_a_second_upload_replaces_the_first_and_deletes_its_file(administrator, unit_a, client_for):
    client = client_for(administrator)
    upload(client, csv_file([row("a.b")]))
    first = client.session["portal_user_import_preview"]["file"]

    upload(client, csv_file([row("c.d")]))

    assert not default_storage.exists(first)
    assert default_storage.exists(client.session["portal_user_import_preview"]["file"])


def test_the_jobs_page_sends_administrators_to_the_import_page_instead_of_a_form(
    administrator, client_for
):
    page = client_for(administrator).get(reverse("portal:job-list")).content.decode()

    assert f'href="{reverse("portal:user-import")}"' in page
    start = reverse("portal:job-start", kwargs={"kind": "portal.user_import"})
    assert f'action="{start}"' not in page


def test_a_job_cannot_be_started_on_another_administrators_upload(
    administrator, unit_a, client_for
):
    from django.core.exceptions import ValidationError

    from portal.services.jobs import job_start

    client = client_for(administrator)
    upload(client, csv_file([row("a.b")]))
    stored = client.session["portal_user_import_preview"]
    colleague = cast(User, UserFactory(username="colleague", roles=["administrator"]))
    parameters = {
        key: stored[key] for key in ("file", "sha256", "file_name", "first_sign_in", "rows")
    }

    with pytest.raises(ValidationError) as refused:
        job_start(actor=colleague, kind_name="portal.user_import", parameters=parameters)

    assert refused.value.message_dict == {
        "parameters.file": ["This upload is not yours: upload the file again."]
    }
    assert not Job.objects.exists()
