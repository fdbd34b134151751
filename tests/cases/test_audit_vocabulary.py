"""The auditor's flags count what the cases app really writes: a dossier opened outside
one's own cases and searches that can find people, done through the front door and
counted by the core's summary. The core knows the cases app's words only from its
declaration (CasesConfig.audit_review_vocabulary): if the app wrote another word without
declaring it, these counts would drop to zero."""

import pytest
from django.db.models import Sum
from django.urls import reverse

from cases.models import Entity, EntityKind
from portal.models import AuditActivityHour
from portal.services.audit_review import audit_activity_rollup
from tests.cases.support import open_dossier

pytestmark = pytest.mark.django_db


def counted(person) -> dict[str, int]:
    audit_activity_rollup()
    totals = AuditActivityHour.objects.filter(person=person).aggregate(
        dossiers=Sum("dossiers_outside"), searches=Sum("person_searches")
    )
    return {name: int(value or 0) for name, value in totals.items()}


def test_a_dossier_opened_for_a_stated_purpose_is_counted_as_outside_ones_cases(
    analyst, client_for
):
    person = Entity.objects.create(kind=EntityKind.PERSON, label="Petras Kontrabandininkas")
    before = counted(analyst)

    response = open_dossier(client_for(analyst), person, "Query VP-2026-118")

    assert response.status_code == 200
    assert counted(analyst)["dossiers"] == before["dossiers"] + 1


def test_registry_and_search_page_searches_for_people_are_counted_and_others_not(
    analyst, client_for
):
    client = client_for(analyst)
    before = counted(analyst)

    client.get(reverse("entities:entity-list"), {"q": "Petras", "kind": EntityKind.PERSON})
    client.get(reverse("entities:entity-list"), {"q": "LKA 123", "kind": EntityKind.VEHICLE})
    for query, kind, status in [
        ("Petras", "entity", "Person"),
        ("LKA 123", "entity", "Vehicle"),
        ("cigarettes", "violation", ""),
    ]:
        response = client.get(
            reverse("search:search"),
            {"q": query, "kind": kind, "status": status, "purpose": "Query VP-2026-118"},
        )
        assert response.status_code == 200

    assert counted(analyst)["searches"] == before["searches"] + 2
