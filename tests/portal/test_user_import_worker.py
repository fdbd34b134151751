"""Bulk creation of users on a real Celery worker (tests/conftest.py starts it): the page
checks the file and starts the job; the worker creates everyone or no one, reports its
progress to 100 %, and keeps the new accounts' secrets downloadable once, by the
administrator who started it."""

import csv
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import Job, JobStatus, User
from tests.factories import UserFactory
from tests.portal.test_jobs_worker import outcome

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

HEADER = "username,first_name,last_name,email,badge_number,phone,unit_code,roles\n"


@pytest.fixture
def media_of_the_worker(settings, worker_media_root):
    """The page keeps the upload where the worker reads it, and reads its results there."""
    settings.MEDIA_ROOT = worker_media_root
    return worker_media_root


def people_csv(*lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", (HEADER + "".join(lines)).encode(), "text/csv")


def start_import(client, file, first_sign_in: str) -> Job:
    preview = client.post(
        reverse("portal:user-import"), {"file": file, "first_sign_in": first_sign_in}
    )
    assert preview.context["errors"] == []
    started = client.post(
        reverse("portal:user-import-confirm"), {"preview": preview.context["preview_id"]}
    )
    job = Job.objects.get(kind="portal.user_import")
    assert started["Location"] == reverse("portal:job-detail", kwargs={"pk": job.pk})
    return job


def test_the_worker_creates_everyone_and_the_passwords_download_once_by_their_starter(
    celery_worker_process, media_of_the_worker, administrator, unit_a, client_for
):
    client = client_for(administrator)
    job = start_import(
        client,
        people_csv(
            "o.petraityte,Ona,Petraitytė,,,,mobile-a,officer\n",
            "j.jonaitis,Jonas,Jonaitis,,,,mobile-a,analyst;dispatcher\n",
        ),
        "one_time_password",
    )
    stored = job.parameters["file"]

    assert outcome(job) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert job.progress_percent == 100
    assert job.progress_message == "2 of 2 rows: every account created"
    assert User.objects.filter(username__in=["o.petraityte", "j.jonaitis"]).count() == 2
    assert not default_storage.exists(stored)
    (result,) = job.results.all()
    url = reverse("portal:job-result-download", kwargs={"pk": job.pk, "result_id": result.pk})

    colleague = client_for(UserFactory(username="colleague", roles=["administrator"]))
    refused = colleague.get(url, follow=True)
    assert "Only the person who started this job may download this file." in (
        refused.content.decode()
    )

    download = client.get(url)
    assert download.status_code == 200
    content = b"".join(download.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(content)))
    passwords = {line[0]: line[-1] for line in lines[1:]}
    assert User.objects.get(username="j.jonaitis").check_password(passwords["j.jonaitis"])

    again = client.get(url, follow=True)
    assert "This file could be downloaded once:" in again.content.decode()
    result.refresh_from_db()
    assert result.downloaded_by == administrator
    assert not default_storage.exists(result.file.name)


def test_a_row_that_went_wrong_after_the_preview_makes_the_worker_create_no_one(
    celery_worker_process, media_of_the_worker, administrator, unit_a, client_for
):
    client = client_for(administrator)
    preview = client.post(
        reverse("portal:user-import"),
        {
            "file": people_csv(
                "a.b,Ona,Petraitytė,a.b@customs.example,,,mobile-a,officer\n",
                "c.d,Jonas,Jonaitis,c.d@customs.example,,,mobile-a,officer\n",
            ),
            "first_sign_in": "invitation",
        },
    )
    # Another administrator creates c.d between the preview and the confirmation.
    UserFactory(username="c.d", email="someone.else@customs.example")
    client.post(reverse("portal:user-import-confirm"), {"preview": preview.context["preview_id"]})
    job = Job.objects.get(kind="portal.user_import")

    assert outcome(job) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error == "1 error in the file: nothing was created. The log names it."
    assert job.log_lines.filter(level="error").values_list("message", flat=True).first() == (
        "Row 3, Username “c.d”: A user with this username exists already."
    )
    assert not User.objects.filter(username="a.b").exists()
    assert not job.results.exists()
    assert not default_storage.exists(job.parameters["file"])
