"""The search index follows every write of the registry: a violation taking in or letting
go of an entity, a merge and its undo, an FtM import (in batches, not a statement per
row); and what a restricted case alone holds stays restricted in the refreshed entries.
Searches go through the API as an analyst in the case team and one outside it."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Entity, EntityKind, SearchEntry
from cases.services.entities import (
    entity_resolve,
    violation_entity_link,
    violation_entity_unlink,
)
from cases.services.investigations import CaseInput, case_create, case_entity_link
from cases.services.resolution import entity_merge, entity_merge_undo
from tests.cases.support import draft_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = reverse("api:search")
PURPOSE = "Operation Alder"


@pytest.fixture
def outsider(db):
    return UserFactory(username="analyst_out", roles=["analyst"])


@pytest.fixture
def team(api_client_for, analyst):
    return api_client_for(analyst)


@pytest.fixture
def outside(api_client_for, outsider):
    return api_client_for(outsider)


@pytest.fixture
def secret(analyst):
    return case_create(
        actor=analyst, data=CaseInput(title="Operation Alder", summary="", restricted=True)
    )


def found(client, q: str) -> list[int]:
    """The ids of the entities ``q`` finds for the client's user."""
    response = client.get(API, {"q": q, "purpose": PURPOSE, "kind": "entity"})
    assert response.status_code == 200, response.content
    return [hit["object_id"] for hit in response.json()["hits"]]


def person(actor, first: str, last: str, born: str = "1971-04-02") -> Entity:
    entity, _new = entity_resolve(
        actor=actor,
        kind=EntityKind.PERSON,
        values={"first_name": first, "last_name": last},
        properties={"birthDate": [born]},
    )
    return entity


def test_a_violation_involving_an_entity_opens_it_and_letting_go_restricts_it_again(
    analyst, officer, secret, team, outside
):
    smuggler = person(analyst, "Alvydas", "Kvietkauskas")
    case_entity_link(actor=analyst, case=secret, entity=smuggler, reason="Organiser")
    assert found(outside, "Kvietkauskas") == []

    violation = draft_of(officer)
    involvement = violation_entity_link(
        actor=officer, violation=violation, entity=smuggler, role="driver"
    )

    assert found(outside, "Kvietkauskas") == [smuggler.pk]

    violation_entity_unlink(actor=officer, involvement=involvement)

    assert found(outside, "Kvietkauskas") == []
    assert found(team, "Kvietkauskas") == [smuggler.pk]


def test_a_merge_finds_the_survivor_by_both_names_and_the_absorbed_one_no_more(analyst, team):
    kept = person(analyst, "Ivan", "Zhukov")
    absorbed = person(analyst, "Иван", "Жуков")

    entity_merge(actor=analyst, kept=kept, absorbed=absorbed)

    assert found(team, "Жуков") == [kept.pk]
    assert found(team, "Zhukov") == [kept.pk]
    assert not SearchEntry.objects.filter(kind="entity", object_id=absorbed.pk).exists()


def test_undoing_a_merge_gives_each_entity_its_own_entry_back(analyst, team):
    kept = person(analyst, "Ivan", "Zhukov")
    absorbed = person(analyst, "Иван", "Жуков")
    merge = entity_merge(actor=analyst, kept=kept, absorbed=absorbed)
    assert found(team, "Zhukov") == [kept.pk]

    entity_merge_undo(actor=analyst, merge=merge)

    assert sorted(found(team, "Zhukov")) == sorted([kept.pk, absorbed.pk])
    assert SearchEntry.objects.filter(kind="entity", object_id=absorbed.pk).exists()


def test_a_merge_and_its_undo_keep_need_to_know_in_the_survivors_entry(
    analyst, officer, secret, team, outside
):
    """The kept entity, held by a restricted case alone, takes in the absorbed one's
    violation: while merged it is everyone's, after the undo it is the team's again."""
    kept = person(analyst, "Alvydas", "Kvietkauskas")
    case_entity_link(actor=analyst, case=secret, entity=kept, reason="Organiser")
    absorbed = person(officer, "Alvydas", "Kvietkauskas", born="1971-04-03")
    violation_entity_link(
        actor=officer, violation=draft_of(officer), entity=absorbed, role="driver"
    )
    assert found(outside, "Kvietkauskas") == [absorbed.pk]

    merge = entity_merge(actor=analyst, kept=kept, absorbed=absorbed)

    assert found(outside, "Kvietkauskas") == [kept.pk]

    entity_merge_undo(actor=analyst, merge=merge)

    assert found(outside, "Kvietkauskas") == [absorbed.pk]
    assert sorted(found(team, "Kvietkauskas")) == sorted([kept.pk, absorbed.pk])


def ftm_lines(count: int, *, name: str = "Alder Timber") -> list[str]:
    return [
        json.dumps(
            {
                "id": f"alder-{number}",
                "schema": "Company",
                "properties": {"name": [f"{name} {number}"], "jurisdiction": ["lt"]},
            }
        )
        for number in range(count)
    ]


def write_file(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "alder.ftm.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def index_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if '"cases_searchentry"' in query["sql"]
        and query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_an_ftm_import_is_found_at_once_and_indexed_in_batches(tmp_path, analyst, team):
    path = write_file(tmp_path, ftm_lines(40))

    with CaptureQueriesContext(connection) as queries:
        call_command("ftm_import", str(path), "--user", analyst.username, stdout=StringIO())

    assert len(found(team, "Alder Timber 17")) >= 1
    assert SearchEntry.objects.filter(kind="entity").count() == 40
    # One statement writes the 40 entries (and at most one removes stale ones).
    assert len(index_writes(queries)) <= 2


def test_re_importing_an_entity_a_restricted_case_holds_keeps_it_restricted(
    tmp_path, analyst, secret, team, outside
):
    call_command("ftm_import", str(write_file(tmp_path, ftm_lines(3))), stdout=StringIO())
    held = Entity.objects.get(ftm_id="alder-1")
    case_entity_link(actor=analyst, case=secret, entity=held, reason="Front company")

    renamed = ftm_lines(3, name="Birchfield Logistics")
    call_command("ftm_import", str(write_file(tmp_path, renamed)), stdout=StringIO())

    assert held.pk in found(team, "Birchfield")
    assert len(found(team, "Birchfield")) == 3
    assert held.pk not in found(outside, "Birchfield")
    assert len(found(outside, "Birchfield")) == 2


def test_renaming_a_category_refreshes_its_violations_entries_on_the_worker(
    administrator, officer, team, monkeypatch, django_capture_on_commit_callbacks
):
    from cases import tasks
    from cases.services.categories import category_update

    violation = draft_of(officer, narrative="Boxes in the trailer.")
    queued: list[int] = []
    monkeypatch.setattr(tasks.category_search_refresh_task, "delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        category_update(
            actor=administrator, category=violation.category, fields={"name_en": "Amber goods"}
        )
    assert queued == [violation.category_id]
    tasks.category_search_refresh_task(violation.category_id)

    response = team.get(API, {"q": "amber", "purpose": PURPOSE, "kind": "violation"})
    assert [hit["object_id"] for hit in response.json()["hits"]] == [violation.pk]
