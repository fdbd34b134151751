"""The jobs list's filters (kind, status, who started it) in the API as on the page: the
same selector, the same rows; who started it is an administrator's filter."""

import pytest
from django.urls import reverse

from portal.models import Job, JobStatus
from tests.portal.test_jobs import analyst_b  # noqa: F401  # a fixture: another analyst

pytestmark = pytest.mark.django_db

LIST = reverse("api:job-list")


@pytest.fixture
def jobs(administrator, analyst, analyst_b):  # noqa: F811
    """Two kinds, two statuses, three people."""

    def job(kind: str, owner, status: str) -> Job:
        return Job.objects.create(kind=kind, owner=owner, status=status)

    return {
        "analyst_export_done": job("portal.audit_export", analyst, JobStatus.SUCCEEDED),
        "analyst_export_failed": job("portal.audit_export", analyst, JobStatus.FAILED),
        "analyst_verify_done": job("portal.audit_verify", analyst, JobStatus.SUCCEEDED),
        "other_export_done": job("portal.audit_export", analyst_b, JobStatus.SUCCEEDED),
        "admin_verify_done": job("portal.audit_verify", administrator, JobStatus.SUCCEEDED),
    }


def api_ids(client, **filters) -> list[int]:
    response = client.get(LIST, filters)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_an_administrator_filters_by_kind_status_and_owner_as_on_the_page(
    administrator, analyst, jobs, api_client_for, client_for
):
    api = api_client_for(administrator)
    page = client_for(administrator).get(
        reverse("portal:job-list"),
        {"kind": "portal.audit_export", "status": "succeeded", "owner": analyst.pk},
    )

    combined = api_ids(api, kind="portal.audit_export", status="succeeded", owner="analyst")

    assert combined == [job.pk for job in page.context["page"]]
    assert combined == [jobs["analyst_export_done"].pk]
    assert api_ids(api, kind="portal.audit_verify") == [
        jobs["admin_verify_done"].pk,
        jobs["analyst_verify_done"].pk,
    ]
    assert api_ids(api, status="failed") == [jobs["analyst_export_failed"].pk]
    assert api_ids(api, owner="analyst_b") == [jobs["other_export_done"].pk]
    assert api_ids(api, owner="nobody") == []
    assert api_ids(api, kind="no.such") == []


def test_a_person_filters_their_own_jobs_by_kind_and_status(analyst, jobs, api_client_for):
    client = api_client_for(analyst)

    assert api_ids(client, kind="portal.audit_export") == [
        jobs["analyst_export_failed"].pk,
        jobs["analyst_export_done"].pk,
    ]
    assert api_ids(client, kind="portal.audit_export", status="succeeded") == [
        jobs["analyst_export_done"].pk
    ]
    assert api_ids(client, owner="analyst", status="failed") == [jobs["analyst_export_failed"].pk]


def test_filtering_by_someone_elses_name_is_refused_to_those_who_see_only_their_own(
    analyst, jobs, api_client_for
):
    response = api_client_for(analyst).get(LIST, {"owner": "analyst_b"})

    # Ignoring it would answer with the analyst's own jobs as if they were analyst_b's.
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "owner": ["Only those who see every job filter by who started it."]
    }


def test_the_schema_offers_the_lists_filters_and_no_ordering_it_would_ignore(
    administrator, api_client_for
):
    schema = api_client_for(administrator).get(reverse("api-schema"), {"format": "json"}).json()

    names = {
        parameter["name"] for parameter in schema["paths"]["/api/v1/jobs/"]["get"]["parameters"]
    }

    assert names == {"kind", "status", "owner", "page", "page_size"}
