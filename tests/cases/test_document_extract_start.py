"""The extraction job started through the jobs' own API and page (any kind, with its
parameters) rather than the upload: the starter's reach is checked again there, as the
upload's accessor checks it (the case team; need-to-know on a restricted case), and the
documents must be the case's. A refusal starts nothing."""

from typing import cast

import pytest
from django.urls import reverse

from cases.models import CaseDocument
from cases.services.documents.upload import case_documents_upload
from cases.services.investigations import CaseInput, case_create, case_member_add
from portal.models import Job, User
from tests.cases.document_support import upload_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NO_CASE = "There is no case of yours with this id."


@pytest.fixture
def secret(analyst):
    return case_create(actor=analyst, data=CaseInput(title="Birch", restricted=True))


def uploaded(analyst, case, name: str) -> CaseDocument:
    [document], _job = case_documents_upload(
        actor=analyst, case=case, upload=upload_of(name, f"Text of {name}".encode())
    )
    return document


def start(client, case_pk: int, documents: str):
    return client.post(
        reverse("api:job-list"),
        {
            "kind": "cases.document_extract",
            "parameters": {"case": case_pk, "documents": documents},
        },
        format="json",
    )


def test_the_case_team_starts_it_through_the_jobs_api(api_client_for, analyst, secret):
    document = uploaded(analyst, secret, "a.txt")
    before = Job.objects.count()

    response = start(api_client_for(analyst), secret.pk, str(document.pk))

    assert response.status_code == 201, response.json()
    assert Job.objects.count() == before + 1
    assert Job.objects.latest("pk").parameters == {"case": secret.pk, "documents": str(document.pk)}


def test_outside_the_team_or_as_a_viewer_the_jobs_api_refuses_and_starts_nothing(
    api_client_for, analyst, secret
):
    document = uploaded(analyst, secret, "a.txt")
    outsider = UserFactory(username="analyst_out", roles=["analyst"])
    viewer = cast(User, UserFactory(username="analyst_viewer", roles=["analyst"]))
    case_member_add(actor=analyst, case=secret, user=viewer, role="viewer")
    before = Job.objects.count()

    for user in (outsider, viewer):
        response = start(api_client_for(user), secret.pk, str(document.pk))
        assert response.status_code == 400, (user, response.json())
        assert response.json()["errors"] == {"parameters.case": [NO_CASE]}
    assert Job.objects.count() == before


def test_documents_of_another_case_are_refused(api_client_for, analyst, secret):
    other = case_create(actor=analyst, data=CaseInput(title="Another"))
    theirs = uploaded(analyst, other, "b.txt")
    mine = uploaded(analyst, secret, "a.txt")
    before = Job.objects.count()

    response = start(api_client_for(analyst), secret.pk, f"{mine.pk},{theirs.pk}")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "parameters.documents": ["These are not all documents of the case."]
    }
    assert Job.objects.count() == before


def test_the_jobs_page_refuses_an_outsider_with_the_message(client_for, analyst, secret):
    document = uploaded(analyst, secret, "a.txt")
    outsider = UserFactory(username="analyst_out", roles=["analyst"])
    before = Job.objects.count()

    response = client_for(outsider).post(
        reverse("portal:job-start", kwargs={"kind": "cases.document_extract"}),
        {"case": secret.pk, "documents": str(document.pk)},
        follow=True,
    )

    assert NO_CASE in response.content.decode()
    assert Job.objects.count() == before
