"""An import run by the real Celery worker process: uploaded through the API with a
saved mapping, read, checked and written by the worker, its counts on the import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import DataImport, Entity, ImportStatus, Relation
from portal.models import JobStatus
from tests.cases.import_support import csv_bytes, declarations_mapping
from tests.portal.test_jobs_worker import outcome

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_imports_a_windows_1257_file_once(
    celery_worker_process, settings, worker_media_root, analyst, api_client_for
):
    settings.MEDIA_ROOT = worker_media_root  # where the worker reads the upload
    mapping = declarations_mapping()
    client = api_client_for(analyst)

    response = client.post(
        reverse("api:entity-import-create"),
        {
            "file": SimpleUploadedFile("declarations.csv", csv_bytes(encoding="cp1257")),
            "mapping": mapping.pk,
            "dataset": "Declarations",
        },
        format="multipart",
    )

    assert response.status_code == 201, response.content
    data_import = DataImport.objects.get(pk=response.json()["id"])
    assert data_import.encoding == "cp1257"
    assert data_import.job is not None
    assert outcome(data_import.job) == JobStatus.SUCCEEDED
    data_import.refresh_from_db()
    assert data_import.status == ImportStatus.DONE
    assert (data_import.rows_read, data_import.entities_created) == (2, 4)
    assert Entity.objects.filter(label="Žydrūnas Čiurlionis").exists()
    assert Relation.objects.count() == 3
    job = client.get(reverse("api:job-detail", kwargs={"pk": data_import.job.pk})).json()
    assert job["progress_percent"] == 100
    assert any("2 rows read" in line["message"] for line in job["log"])
