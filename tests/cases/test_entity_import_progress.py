"""An import's stage counts (read, valid, invalid, created, matched) are its job's
counters, and its rows the job's items: the job's page and API show them with the rate
and the time left as for any job (a real worker mid-import: test_entity_import_kill.py)."""

import pytest
from django.urls import reverse

from portal.models import JobStatus
from tests.cases.import_support import csv_bytes, declarations_mapping
from tests.cases.test_entity_imports import BAD_ROWS, import_file

pytestmark = pytest.mark.django_db


def test_the_stage_counts_of_an_import_are_its_jobs_counters(analyst, client_for, api_client_for):
    data_import = import_file(
        client_for(analyst),
        "declarations.csv",
        csv_bytes(BAD_ROWS),
        declarations_mapping(),
        valid_rows_only="on",
    )
    job = data_import.job
    assert job is not None
    job.refresh_from_db()

    assert job.status == JobStatus.SUCCEEDED
    # Three rows, one bad; the carrier and the truck of the second row are matched.
    assert job.counts == {
        "read": 3,
        "valid": 2,
        "invalid": 1,
        "created": 4,
        "matched": 2,
        "relations": 3,
        "skipped": 0,
    }
    assert (data_import.rows_read, data_import.rows_valid, data_import.rows_invalid) == (3, 2, 1)
    assert (data_import.entities_created, data_import.entities_matched) == (4, 2)
    # Both passes count: three rows checked, then two written.
    assert (job.items_done, job.items_total) == (5, 5)
    body = api_client_for(analyst).get(reverse("api:job-detail", kwargs={"pk": job.pk})).json()
    assert body["counts"] == job.counts
    assert body["items_done"] == body["items_total"] == 5
    page = client_for(analyst).get(reverse("portal:job-detail", kwargs={"pk": job.pk}))
    assert "data-job-counts" in page.content.decode()
