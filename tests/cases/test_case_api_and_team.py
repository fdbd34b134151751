"""The cases API (open, list, filters, bad input) and the team: hand-over, the lead
stays, viewers read only."""

from typing import cast

import pytest
from django.urls import reverse

from cases.models import Case, CaseMember
from cases.services.investigations import CaseInput, case_create
from portal.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_api_opens_a_case_from_a_template(analyst, api_client_for):
    response = api_client_for(analyst).post(
        reverse("api:case-list"),
        {"title": "EUR 90 000 in a coach", "template": "cash-courier", "restricted": True},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Cash courier: EUR 90 000 in a coach"
    assert body["restricted"] is True
    assert len(body["tasks"]) == 3


def test_the_api_refuses_an_unknown_template_and_a_missing_title(analyst, api_client_for):
    client = api_client_for(analyst)
    response = client.post(
        reverse("api:case-list"), {"title": "", "template": "nope"}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["template"] == ["There is no template with this code."]
    assert "title" in errors
    assert not Case.objects.exists()


def test_an_administrator_reads_but_does_not_open_cases(administrator, api_client_for):
    response = api_client_for(administrator).post(
        reverse("api:case-list"), {"title": "x"}, format="json"
    )
    assert response.status_code == 403


def test_the_api_filters_by_status(analyst, api_client_for):
    case_create(actor=analyst, data=CaseInput(title="A", status="active"))
    case_create(actor=analyst, data=CaseInput(title="B"))
    rows = api_client_for(analyst).get(reverse("api:case-list"), {"status": "active"}).json()
    assert [row["title"] for row in rows["results"]] == ["A"]


def test_the_case_list_costs_few_queries(analyst, client_for, django_assert_max_num_queries):
    for number in range(12):
        case_create(actor=analyst, data=CaseInput(title=f"Case {number}"))
    client = client_for(analyst)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("investigations:case-list"))
    assert response.status_code == 200


def test_the_lead_hands_the_case_over(analyst, client_for):
    case = case_create(actor=analyst, data=CaseInput(title="Hand-over"))
    colleague = cast(User, UserFactory(username="analyst_two", roles=["analyst"]))
    response = client_for(analyst).post(
        reverse("investigations:case-team", args=[case.pk]),
        {"user": colleague.pk, "role": "lead"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.lead_analyst == colleague
    assert CaseMember.objects.get(case=case, user=analyst).role == "analyst"
    # The former lead works the case still but no longer manages its team.
    team_page = client_for(analyst).get(reverse("investigations:case-team", args=[case.pk]))
    assert team_page.status_code == 403


def test_the_lead_cannot_be_removed_or_demoted(analyst, client_for):
    case = case_create(actor=analyst, data=CaseInput(title="Lead stays"))
    lead = CaseMember.objects.get(case=case, user=analyst)
    client = client_for(analyst)
    response = client.post(
        reverse("investigations:case-team", args=[case.pk]), {"user": analyst.pk, "role": "viewer"}
    )
    assert "The lead analyst stays lead; make another member lead first." in (
        response.content.decode()
    )
    client.post(reverse("investigations:case-team-remove", args=[case.pk, lead.pk]))
    assert CaseMember.objects.filter(pk=lead.pk).exists()


def test_an_officer_cannot_join_a_team(analyst, officer, client_for):
    case = case_create(actor=analyst, data=CaseInput(title="No officers"))
    response = client_for(analyst).post(
        reverse("investigations:case-team", args=[case.pk]), {"user": officer.pk, "role": "viewer"}
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not CaseMember.objects.filter(case=case, user=officer).exists()
