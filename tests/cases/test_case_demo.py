"""`seed_cases_demo`: two cases around the public party-donation records (one restricted),
the records imported through the FtM import with payments as dated relations with
amounts, invented seizures with their people; the demo analyst and an analyst outside the
team do not see the restricted case but learn whom to contact; nothing twice."""

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    Case,
    CaseEvent,
    CaseNote,
    CaseTask,
    Entity,
    PortalLink,
    ProvenanceKind,
    Relation,
    Violation,
    ViolationEntity,
)
from cases.selectors.cross_case import cross_case_hits_for_user
from cases.selectors.entities import entity_scope_for_user, restricted_case_matches_for_query
from cases.selectors.graph import graph_expand
from cases.selectors.investigations import case_hidden_from_user, case_list_for_user
from cases.selectors.search import SearchQuery, search_for_user
from cases.services.demo import (
    CDU,
    DEMO_DATA_FILE,
    DEUTSCHE_BANK,
    OPEN_CASE_ENTITIES,
    RESTRICTED_CASE_ENTITIES,
)
from portal.models import AuditRecord, User
from portal.services.demo import demo_seed
from portal.services.gate import exemption_grant
from portal.services.training_demo import training_demo_seed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALLIANZ_SE = "efccc434cdf141c7ba6f6e539bb6b42ecd97c368"


def _records() -> list[dict]:
    return [json.loads(line) for line in DEMO_DATA_FILE.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def seeded():
    # In the order of `make run`: the training records first, so that the courses gate
    # the analyst role when the cases demo adds its second analyst.
    demo_seed(password="demo-Password-for-tests-42")
    training_demo_seed()
    out = io.StringIO()
    call_command("seed_cases_demo", stdout=out)
    return out.getvalue()


def test_the_demo_file_is_a_connected_trim_of_the_openly_licensed_records():
    records = _records()
    ids = {record["id"] for record in records}
    schemata = {record["schema"] for record in records}
    assert schemata == {"Payment", "Company", "Organization", "Person", "Address"}
    assert 40 <= len(records) <= 150
    for record in records:
        properties = record["properties"]
        # Every payment's ends and every named address are in the file: nothing dangles.
        for name in ("payer", "beneficiary", "addressEntity"):
            assert set(properties.get(name, [])) <= ids


def test_the_records_land_in_the_registry_through_the_ftm_import(seeded):
    records = _records()
    payments = [r for r in records if r["schema"] == "Payment"]
    things = [r for r in records if r["schema"] != "Payment"]
    assert Entity.objects.filter(ftm_id__in=[r["id"] for r in things]).count() == len(things)
    assert Entity.objects.filter(
        kind="Address", provenance__contains=DEMO_DATA_FILE.name
    ).count() == len([r for r in things if r["schema"] == "Address"])
    relations = Relation.objects.filter(kind="Payment")
    assert relations.count() == len(payments)
    first = payments[0]
    relation = relations.get(ftm_id=first["id"])
    assert relation.source.ftm_id == first["properties"]["payer"][0]
    assert relation.target.ftm_id == first["properties"]["beneficiary"][0]
    assert relation.properties["amountEur"] == first["properties"]["amountEur"]
    assert relation.valid_from == date.fromisoformat(first["properties"]["date"][0])
    assert relation.provenance_kind == ProvenanceKind.IMPORT
    assert relation.provenance.startswith(f"import {DEMO_DATA_FILE.name} sha256:")
    assert "Public records imported" in seeded


def test_two_demo_cases_one_restricted_with_their_content(seeded):
    open_case = Case.objects.get(restricted=False)
    secret = Case.objects.get(restricted=True)
    assert open_case.lead_analyst.username == "analyst"
    assert secret.lead_analyst.username == "analyst2"
    # The public records plus the invented carrier, driver and truck.
    assert open_case.entity_links.count() == len(OPEN_CASE_ENTITIES) + 3
    assert set(secret.entity_links.values_list("entity__ftm_id", flat=True)) == {
        ftm_id for ftm_id, _ in RESTRICTED_CASE_ENTITIES
    }
    assert open_case.violation_links.count() == 2
    assert open_case.members.filter(user__username="analyst2").exists()
    assert CaseNote.objects.filter(case=open_case).count() >= 2
    assert CaseTask.objects.filter(case=open_case).count() >= 2
    assert CaseEvent.objects.filter(case=open_case, place__isnull=False).exists()
    assert CaseNote.objects.filter(case=secret).exists()


def test_the_demo_violations_involve_only_invented_parties(seeded):
    involved = ViolationEntity.objects.filter(violation__in=Violation.objects.all())
    assert involved.count() == 6
    # None of them comes from the public records: those are never tied to a seizure.
    assert not involved.filter(entity__ftm_id__in=[r["id"] for r in _records()]).exists()
    assert not Relation.objects.filter(
        kind__in=["Employment", "Ownership"], source__provenance__contains="donations"
    ).exists()


def test_the_open_chart_shows_the_payments_and_not_the_restricted_donors(seeded):
    analyst = User.objects.get(username="analyst")
    open_case = Case.objects.get(restricted=False)
    seeds = list(open_case.entity_links.values_list("entity_id", flat=True))
    answer = graph_expand(user=analyst, ids=seeds, hops=1, cap=50)
    labels = {node["label"] for node in answer["nodes"]}
    assert {"CDU", "Bayerische Motorenwerke AG", "Deutsche Bank AG"} <= labels
    assert sum(edge["kind"] == "Payment" for edge in answer["edges"]) >= 40
    assert not any(label.startswith("Allianz") for label in labels)


def test_the_second_analyst_works_her_cases_under_the_training_gate(seeded):
    colleague = User.objects.get(username="analyst2")
    assert colleague.has_perm("cases.change_case")
    assert colleague.gate_exemptions.filter(role="analyst").exists()


def test_the_open_chart_starts_with_the_donors_addresses_in_place(seeded):
    open_case = Case.objects.get(restricted=False)
    positions = open_case.chart_layout["positions"]
    donors = open_case.entity_links.values_list("entity_id", flat=True)
    addresses = set(
        Relation.objects.filter(kind=PortalLink.HAS_ADDRESS, source_id__in=donors).values_list(
            "target_id", flat=True
        )
    )
    assert len(addresses) >= 15
    assert {str(pk) for pk in addresses} <= set(positions)
    # Still within what the chart loads at once (MAX_SEED_IDS).
    assert len(positions) <= 50


def test_the_demo_case_map_shows_the_addresses_where_their_towns_are(seeded, client_for):
    analyst = User.objects.get(username="analyst")
    open_case = Case.objects.get(restricted=False)
    members = open_case.entity_links.values_list("entity_id", flat=True)
    addresses = Entity.objects.filter(
        pk__in=Relation.objects.filter(
            kind=PortalLink.HAS_ADDRESS, source_id__in=members
        ).values_list("target_id", flat=True)
    )

    response = client_for(analyst).get(reverse("api:case-places", args=[open_case.pk]))

    assert response.status_code == 200
    placed = {
        feature["properties"]["key"]: feature["geometry"]["coordinates"]
        for feature in response.json()["features"]
        if feature["properties"]["kind"] == "address"
    }
    # Every address of the case's donors and of the invented carrier, but the one that
    # names two towns and no street.
    unplaced = {address.label for address in addresses if f"address-{address.pk}" not in placed}
    assert unplaced == {", Berlin / Bonn"}
    assert len(placed) >= 15
    for address in addresses.exclude(label=", Berlin / Bonn"):
        longitude, latitude = placed[f"address-{address.pk}"]
        town = address.properties["city"][0] if address.properties.get("city") else ""
        if "Vilnius" in address.label:  # The invented carrier's yard.
            assert 54.5 < latitude < 54.8
            assert 25.0 < longitude < 25.5
        else:  # In Germany, near its town.
            expected = TOWNS[next(name for name in TOWNS if name in town)]
            assert abs(latitude - expected[0]) < 0.2, address.label
            assert abs(longitude - expected[1]) < 0.2, address.label


# Town centres (latitude, longitude), to check each address stands in its own town.
TOWNS = {
    "München": (48.137, 11.575),
    "Stuttgart": (48.776, 9.177),
    "Düsseldorf": (51.227, 6.773),
    "Frankfurt": (50.110, 8.682),
    "Bad Homburg": (50.227, 8.618),
    "Essen": (51.455, 7.011),
    "Köln": (50.938, 6.960),
}


def test_the_restricted_case_stays_out_of_reach_of_the_analyst_and_the_officer(seeded):
    analyst = User.objects.get(username="analyst")
    UserFactory(username="analyst3", roles=["analyst"])
    # A new analyst without training records works under an exemption, as analyst2 does.
    exemption_grant(
        actor=User.objects.get(username="admin"),
        person=User.objects.get(username="analyst3"),
        role="analyst",
        until=timezone.localdate() + timedelta(days=30),
        reason="Joined this week; course booked",
    )
    outsider = User.objects.get(username="analyst3")
    officer = User.objects.get(username="officer")
    secret = Case.objects.get(restricted=True)
    allianz = Entity.objects.get(ftm_id=ALLIANZ_SE)
    for user in (analyst, outsider):
        assert [case.restricted for case in case_list_for_user(user=user)] == [False]
        assert not entity_scope_for_user(user=user).filter(pk=allianz.pk).exists()
        assert restricted_case_matches_for_query(user=user, query="Allianz") == ["Eglė Petraitienė"]
        results = search_for_user(user=user, query=SearchQuery(text="Allianz"))
        assert results.matches == 0
        assert not any(hit.kind == "case" for hit in results.hits)
    assert secret in case_hidden_from_user(user=officer)
    assert not officer.has_perm("cases.view_case")
    # The analyst2's own view: the case and its insurer.
    lead = User.objects.get(username="analyst2")
    assert secret in case_list_for_user(user=lead)
    assert entity_scope_for_user(user=lead).filter(pk=allianz.pk).exists()


def test_a_shared_bank_is_a_cross_case_hit_with_whom_to_contact(seeded):
    analyst = User.objects.get(username="analyst")
    bank = Entity.objects.get(ftm_id=DEUTSCHE_BANK)
    hits = cross_case_hits_for_user(
        user=analyst, entities=[bank], exclude_case=Case.objects.get(restricted=False)
    )
    assert hits.cases == []
    assert hits.restricted_leads == ["Eglė Petraitienė"]
    party = Entity.objects.get(ftm_id=CDU)
    found = search_for_user(user=analyst, query=SearchQuery(text="Deutsche Bank"))
    assert any(hit.kind == "entity" for hit in found.hits)
    assert party.relations_in.filter(kind="Payment").count() >= 10


def test_search_finds_a_donor_once_without_the_ids_of_its_addresses(seeded):
    analyst = User.objects.get(username="analyst")
    bmw = Entity.objects.get(label="Bayerische Motorenwerke AG")
    found = search_for_user(user=analyst, query=SearchQuery(text="Bayerische Motorenwerke"))
    hits = [hit for hit in found.hits if hit.object_id == bmw.pk and hit.kind == "entity"]
    assert len(hits) == 1
    for address_id in bmw.properties["addressEntity"]:
        assert address_id not in hits[0].snippet
    # The address itself is found by its street.
    street = search_for_user(user=analyst, query=SearchQuery(text="Petuelring"))
    assert any(hit.title.startswith("Petuelring") for hit in street.hits)


def test_running_the_seed_again_changes_nothing(seeded):
    def snapshot() -> dict[str, int]:
        return {
            "cases": Case.objects.count(),
            "entities": Entity.objects.count(),
            "relations": Relation.objects.count(),
            "violations": Violation.objects.count(),
            "notes": CaseNote.objects.count(),
            "tasks": CaseTask.objects.count(),
            "events": CaseEvent.objects.count(),
            "audit": AuditRecord.objects.count(),
            "users": User.objects.count(),
        }

    before = snapshot()
    out = io.StringIO()
    call_command("seed_cases_demo", stdout=out)
    assert snapshot() == before
    assert "Demo cases exist." in out.getvalue()
    assert (
        not Entity.objects.values("ftm_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .exclude(ftm_id=None)
    )
