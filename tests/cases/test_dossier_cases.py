"""The dossier's cases section and its purpose gate, with case-team personas: an analyst
in the team, an analyst outside it, an administrator. A restricted case the reader may
not open appears only as "a match exists; contact <lead analyst>"; a person's or
company's dossier outside one's own cases opens only for a stated purpose, which the
audit record of the consultation keeps."""

from typing import cast

import pytest
from django.urls import reverse

from cases.models import Entity, EntityKind
from cases.services.investigations import CaseInput, case_create, case_entity_link
from portal.models import AuditRecord, User
from tests.cases.support import open_dossier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_analyst(analyst):
    analyst.first_name, analyst.last_name = "Jonas", "Jankauskas"
    analyst.save()
    return analyst


@pytest.fixture
def outside_analyst(db):
    return UserFactory(username="analyst_out", roles=["analyst"])


@pytest.fixture
def smuggler(team_analyst, outside_analyst):
    """A person in a restricted case of the team analyst and in an open case of another
    lead; the outside analyst is in neither team."""
    person = Entity.objects.create(kind=EntityKind.PERSON, label="Petras Kontrabandininkas")
    secret = case_create(
        actor=team_analyst, data=CaseInput(title="Operation Birch", restricted=True)
    )
    case_entity_link(actor=team_analyst, case=secret, entity=person, reason="Organiser")
    other_lead = cast(User, UserFactory(username="lead_open", roles=["analyst"]))
    open_case = case_create(actor=other_lead, data=CaseInput(title="Open matter"))
    case_entity_link(actor=other_lead, case=open_case, entity=person, reason="Driver")
    return {"person": person, "secret": secret, "open": open_case}


def _url(entity: Entity) -> str:
    return reverse("entities:entity-detail", args=[entity.pk])


def test_the_team_analyst_opens_the_dossier_without_a_purpose_and_sees_both_cases(
    team_analyst, client_for, smuggler
):
    response = client_for(team_analyst).get(_url(smuggler["person"]))

    assert response.status_code == 200
    body = response.content.decode()
    assert smuggler["secret"].number in body
    assert smuggler["open"].number in body
    assert "A match exists in a restricted case" not in body
    record = AuditRecord.objects.filter(
        action="view", object_id=str(smuggler["person"].pk), actor=team_analyst
    ).latest("id")
    assert record.reason == ""


def test_the_outside_analyst_is_asked_for_a_purpose_and_sees_nothing_before(
    outside_analyst, client_for, smuggler
):
    response = client_for(outside_analyst).get(_url(smuggler["person"]))

    assert response.status_code == 200
    assert "cases/entity_purpose.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert smuggler["open"].number not in body
    assert "Organiser" not in body
    assert not AuditRecord.objects.filter(
        action="view", object_id=str(smuggler["person"].pk), actor=outside_analyst
    ).exists()


def test_no_purpose_no_dossier(outside_analyst, client_for, smuggler):
    client = client_for(outside_analyst)
    response = client.post(_url(smuggler["person"]), {"purpose": "  "})

    assert response.status_code == 400
    assert "State why you open this dossier." in response.content.decode()
    assert b"data-error-summary" in response.content
    assert smuggler["open"].number not in response.content.decode()
    # Still nothing on a later look.
    assert "cases/entity_purpose.html" in [
        t.name for t in client.get(_url(smuggler["person"])).templates
    ]


def test_the_outside_analyst_with_a_purpose_sees_the_open_case_and_only_whom_to_contact(
    outside_analyst, client_for, smuggler
):
    response = open_dossier(client_for(outside_analyst), smuggler["person"], "Query VP-2026-118")

    body = response.content.decode()
    assert smuggler["open"].number in body
    assert smuggler["secret"].number not in body
    assert "Operation Birch" not in body
    assert "Organiser" not in body
    assert "A match exists in a restricted case; contact Jonas Jankauskas." in body
    record = AuditRecord.objects.filter(
        action="view", object_id=str(smuggler["person"].pk), actor=outside_analyst
    ).latest("id")
    assert record.reason == "Query VP-2026-118"


def test_the_purpose_is_asked_once_per_session_and_kept_on_every_consultation(
    outside_analyst, client_for, smuggler
):
    client = client_for(outside_analyst)
    open_dossier(client, smuggler["person"], "Query VP-2026-118")
    again = client.get(_url(smuggler["person"]))

    assert again.status_code == 200
    assert "cases/entity_purpose.html" not in [t.name for t in again.templates]
    reasons = AuditRecord.objects.filter(
        action="view", object_id=str(smuggler["person"].pk), actor=outside_analyst
    ).values_list("reason", flat=True)
    assert list(reasons) == ["Query VP-2026-118", "Query VP-2026-118"]


def test_a_plain_administrator_is_asked_for_a_purpose_then_sees_the_restricted_case(
    administrator, client_for, smuggler
):
    client = client_for(administrator)
    asked = client.get(_url(smuggler["person"]))
    assert asked.status_code == 200
    assert "cases/entity_purpose.html" in [t.name for t in asked.templates]
    assert smuggler["secret"].number not in asked.content.decode()

    response = open_dossier(client, smuggler["person"], "Audit of case access")

    assert response.status_code == 200
    assert "cases/entity_detail.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert smuggler["secret"].number in body
    assert smuggler["open"].number in body
    assert "A match exists in a restricted case" not in body
    record = AuditRecord.objects.filter(
        action="view", object_id=str(smuggler["person"].pk), actor=administrator
    ).latest("id")
    assert record.reason == "Audit of case access"


def test_an_administrator_opens_the_dossier_of_an_entity_only_a_restricted_case_holds(
    administrator, team_analyst, client_for
):
    truck = Entity.objects.create(kind=EntityKind.VEHICLE, label="LTU 777", key="LTU777")
    secret = case_create(
        actor=team_analyst, data=CaseInput(title="Operation Alder", restricted=True)
    )
    case_entity_link(actor=team_analyst, case=secret, entity=truck, reason="Escort car")

    response = client_for(administrator).get(_url(truck))

    assert response.status_code == 200
    assert secret.number in response.content.decode()


def test_an_administrator_with_the_analyst_role_is_asked_too(client_for, smuggler):
    administrator = UserFactory(username="admin_analyst", roles=["administrator", "analyst"])
    client = client_for(administrator)
    assert "cases/entity_purpose.html" in [
        t.name for t in client.get(_url(smuggler["person"])).templates
    ]

    body = open_dossier(client, smuggler["person"], "Audit of case access").content.decode()

    assert smuggler["secret"].number in body
    assert "A match exists in a restricted case" not in body


def test_a_vehicle_dossier_needs_no_purpose(outside_analyst, client_for):
    truck = Entity.objects.create(kind=EntityKind.VEHICLE, label="ABC123", key="ABC123")

    response = client_for(outside_analyst).get(_url(truck))

    assert response.status_code == 200
    assert "cases/entity_detail.html" in [t.name for t in response.templates]
