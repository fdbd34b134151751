"""A case's timeline and map: its dated items (violations, dispatch tasks, notes,
documents, relations between its entities, events, assistance requests, sightings) in
order, periods as periods, the places as GeoJSON tied to the items, and need-to-know
(outsiders get 404, a restricted case's things never show in another case's timeline)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Entity, ViolationEntity
from cases.selectors.timeline import case_timeline
from cases.services.case_content import case_document_add, case_event_add, case_note_add
from cases.services.case_work import AssistanceInput, assistance_request_create
from cases.services.entities import relation_add
from cases.services.investigations import (
    CaseInput,
    case_create,
    case_entity_link,
    case_violation_link,
)
from dispatch.services.tasks import TaskInput, task_create
from portal.models import AuditRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VILNIUS = ZoneInfo("Europe/Vilnius")


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=VILNIUS)


@pytest.fixture
def outside_analyst(db):
    return UserFactory(username="analyst_out", roles=["analyst"])


@pytest.fixture
def known_case(analyst, dispatcher, violation_of_officer):
    """Operation Birch with one of every dated thing, at known moments in March 2026."""
    case = case_create(actor=analyst, data=CaseInput(title="Operation Birch"))
    violation = violation_of_officer
    violation.occurred_at = at(3, 9)
    violation.save(update_fields=["occurred_at"])
    case_violation_link(actor=analyst, case=case, violation=violation, reason="The lorry")
    driver = Entity.objects.create(kind="Person", label="Petras Driver")
    firm = Entity.objects.create(kind="Company", label="Birch Logistics UAB")
    depot = Entity.objects.create(
        kind="Address",
        label="Depot, Vilnius",
        properties={"latitude": ["54.6872"], "longitude": ["25.2797"]},
    )
    for entity in (driver, firm, depot):
        case_entity_link(actor=analyst, case=case, entity=entity, reason="In the file")
    relation = relation_add(
        actor=analyst,
        source=driver,
        target=firm,
        kind="Employment",
        valid_from=date(2026, 3, 1),
        valid_to=date(2026, 3, 20),
    )
    relation_add(actor=analyst, source=firm, target=depot, kind="located_at")  # undated
    moment = case_event_add(
        actor=analyst,
        case=case,
        title="Meeting at the depot",
        starts_at=at(5, 18),
        place=Point(25.2797, 54.6872, srid=4326),
    )
    period = case_event_add(
        actor=analyst,
        case=case,
        title="Lorry watched",
        starts_at=at(6, 8),
        ends_at=at(8, 20),
        place=Point(25.5, 54.6, srid=4326),
    )
    request = assistance_request_create(
        actor=analyst,
        case=case,
        data=AssistanceInput(
            direction="outgoing",
            agency="customs",
            agency_name="Polish customs",
            legal_basis="Naples II",
            subject="Crossings of the lorry",
            sent_on=date(2026, 3, 4),
            due_on=date(2026, 3, 18),
            status="sent",
        ),
    )
    task = task_create(
        actor=dispatcher,
        data=TaskInput(
            kind="inspection", title="Watch the yard", location=Point(25.3, 54.7, srid=4326)
        ),
    )
    task.case = case
    task.created_at = at(7, 10)
    task.save(update_fields=["case", "created_at"])
    note = case_note_add(actor=analyst, case=case, body="Informant says Tuesday")
    note.created_at = at(9, 11)
    note.save(update_fields=["created_at"])
    document = case_document_add(
        actor=analyst, case=case, upload=SimpleUploadedFile("waybill.pdf", b"%PDF-1.4 waybill")
    )
    document.uploaded_at = at(10, 15)
    document.save(update_fields=["uploaded_at"])
    return {
        "case": case,
        "violation": violation,
        "relation": relation,
        "moment": moment,
        "period": period,
        "request": request,
        "task": task,
        "note": note,
        "document": document,
        "depot": depot,
        "driver": driver,
    }


def test_the_timeline_holds_every_kind_of_item_in_order(known_case, analyst):
    timeline = case_timeline(case=known_case["case"], user=analyst)
    keys = [item.key for item in timeline.items]
    assert keys == [
        f"relation-{known_case['relation'].pk}",  # 1 March
        f"violation-{known_case['violation'].pk}",  # 3 March
        f"request-{known_case['request'].pk}",  # 4 March
        f"event-{known_case['moment'].pk}",  # 5 March
        f"event-{known_case['period'].pk}",  # 6 March
        f"dispatch_task-{known_case['task'].pk}",  # 7 March
        f"note-{known_case['note'].pk}",  # 9 March
        f"document-{known_case['document'].pk}",  # 10 March
    ]
    assert timeline.truncated == []


def test_periods_are_periods_and_moments_are_moments(known_case, analyst):
    items = {item.key: item for item in case_timeline(case=known_case["case"], user=analyst).items}
    relation = items[f"relation-{known_case['relation'].pk}"]
    assert relation.is_period
    assert relation.starts_at == datetime(2026, 3, 1, tzinfo=VILNIUS)
    assert relation.ends_at == datetime(2026, 3, 20, tzinfo=VILNIUS)
    request = items[f"request-{known_case['request'].pk}"]
    assert (request.starts_at.date(), request.ends_at and request.ends_at.date()) == (
        date(2026, 3, 4),
        date(2026, 3, 18),
    )
    watched = items[f"event-{known_case['period'].pk}"]
    assert watched.is_period
    assert watched.ends_at == at(8, 20)
    assert not items[f"event-{known_case['moment'].pk}"].is_period
    assert not items[f"violation-{known_case['violation'].pk}"].is_period


def test_the_filter_keeps_only_the_kinds_asked_for(known_case, analyst, client_for):
    timeline = case_timeline(case=known_case["case"], user=analyst, kinds=["event", "note"])
    assert {item.kind for item in timeline.items} == {"event", "note"}
    url = reverse("investigations:case-timeline", args=[known_case["case"].pk])
    page = client_for(analyst).get(url, {"kind": ["event"]}).content.decode()
    assert "Lorry watched" in page
    assert "Informant says Tuesday" not in page


def test_the_page_groups_by_day_and_is_audited(known_case, analyst, client_for):
    case = known_case["case"]
    response = client_for(analyst).get(reverse("investigations:case-timeline", args=[case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="timeline-day"') == 8  # eight items on eight days
    assert 'datetime="2026-03-06"' in page
    assert "timeline-item--period" in page
    assert "Polish customs" in page
    assert AuditRecord.objects.filter(
        object_id=str(case.pk), changes__consulted="timeline"
    ).exists()


def test_the_case_page_links_the_timeline(known_case, analyst, client_for):
    case = known_case["case"]
    page = client_for(analyst).get(reverse("investigations:case-detail", args=[case.pk]))
    assert reverse("investigations:case-timeline", args=[case.pk]) in page.content.decode()


def test_the_api_gives_the_items_with_their_periods(known_case, analyst, api_client_for):
    case = known_case["case"]
    response = api_client_for(analyst).get(reverse("api:case-timeline", args=[case.pk]))
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["kind"] for item in items][:3] == ["relation", "violation", "request"]
    watched = next(item for item in items if item["title"] == "Lorry watched")
    assert watched["is_period"] is True
    assert watched["place"] == [25.5, 54.6]


def test_an_unknown_kind_is_refused_by_the_api(known_case, analyst, api_client_for):
    url = reverse("api:case-timeline", args=[known_case["case"].pk])
    response = api_client_for(analyst).get(url, {"kind": "gossip"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(key.startswith("kind") for key in errors)
    assert "gossip" in str(errors)


def test_the_places_are_geojson_tied_to_the_timeline(known_case, analyst, api_client_for):
    case = known_case["case"]
    response = api_client_for(analyst).get(reverse("api:case-places", args=[case.pk]))
    assert response.status_code == 200
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    places = {f["properties"]["key"]: f for f in collection["features"]}
    assert set(places) == {
        f"violation-{known_case['violation'].pk}",
        f"event-{known_case['moment'].pk}",
        f"event-{known_case['period'].pk}",
        f"dispatch_task-{known_case['task'].pk}",
        f"address-{known_case['depot'].pk}",
    }
    task = places[f"dispatch_task-{known_case['task'].pk}"]
    assert task["geometry"]["coordinates"] == [25.3, 54.7]
    assert task["properties"]["when"].startswith("2026-03-07")
    assert places[f"address-{known_case['depot'].pk}"]["properties"]["when"] is None


def test_a_sighting_elsewhere_is_an_item_with_its_place(
    known_case, analyst, officer, api_client_for
):
    from cases.models import ViolationCategory
    from cases.services.violations import ViolationInput, violation_create

    elsewhere, _created = violation_create(
        actor=officer,
        data=ViolationInput(
            occurred_at=at(12, 7),
            category=ViolationCategory.objects.get(code="tobacco"),
            location=Point(23.9, 54.9, srid=4326),
            location_source="gps",
            place_description="Kaunas",
        ),
    )
    ViolationEntity.objects.create(violation=elsewhere, entity=known_case["driver"], role="suspect")
    items = case_timeline(case=known_case["case"], user=analyst).items
    assert items[-1].kind == "sighting"
    assert items[-1].place == (23.9, 54.9)
    assert "Petras Driver" in items[-1].title


def test_an_analyst_outside_the_team_gets_404_for_a_restricted_case(
    analyst, outside_analyst, client_for, api_client_for
):
    secret = case_create(actor=analyst, data=CaseInput(title="Secret", restricted=True))
    assert (
        client_for(outside_analyst)
        .get(reverse("investigations:case-timeline", args=[secret.pk]))
        .status_code
        == 404
    )
    api = api_client_for(outside_analyst)
    assert api.get(reverse("api:case-timeline", args=[secret.pk])).status_code == 404
    assert api.get(reverse("api:case-places", args=[secret.pk])).status_code == 404
    assert (
        client_for(analyst)
        .get(reverse("investigations:case-timeline", args=[secret.pk]))
        .status_code
        == 200
    )


def test_a_restricted_case_never_leaks_into_an_open_case_timeline(
    analyst, outside_analyst, api_client_for
):
    """An entity only a restricted case holds, related to an open case's entity: the
    relation is not in the open case's timeline for an outsider; nor are the restricted
    case's events."""
    open_case = case_create(actor=outside_analyst, data=CaseInput(title="Open matter"))
    secret = case_create(actor=analyst, data=CaseInput(title="Secret", restricted=True))
    known = Entity.objects.create(kind="Person", label="Known Courier")
    hidden = Entity.objects.create(kind="Person", label="Hidden Informant")
    case_entity_link(actor=outside_analyst, case=open_case, entity=known, reason="Courier")
    case_entity_link(actor=analyst, case=secret, entity=known, reason="Courier")
    case_entity_link(actor=analyst, case=secret, entity=hidden, reason="Source")
    relation_add(
        actor=analyst, source=known, target=hidden, kind="Associate", valid_from=date(2026, 1, 1)
    )
    case_event_add(
        actor=analyst,
        case=secret,
        title="Secret meeting",
        starts_at=at(2),
        place=Point(25.0, 54.0, srid=4326),
    )
    api = api_client_for(outside_analyst)
    timeline = api.get(reverse("api:case-timeline", args=[open_case.pk])).content.decode()
    places = api.get(reverse("api:case-places", args=[open_case.pk])).content.decode()
    for text in ("Hidden Informant", "Secret meeting"):
        assert text not in timeline
        assert text not in places


def test_each_item_and_place_names_the_entities_it_concerns(known_case, analyst, api_client_for):
    """The chart and the timeline highlight each other through these ids: a violation
    names its involved entities, a relation its two ends, an address itself and the
    case's entities located at it."""
    case = known_case["case"]
    driver, depot = known_case["driver"], known_case["depot"]
    firm = Entity.objects.get(label="Birch Logistics UAB")
    ViolationEntity.objects.create(violation=known_case["violation"], entity=driver, role="driver")
    api = api_client_for(analyst)
    timeline = api.get(reverse("api:case-timeline", args=[case.pk])).json()
    items = {item["key"]: item for item in timeline["items"]}
    assert items[f"violation-{known_case['violation'].pk}"]["entities"] == [driver.pk]
    assert items[f"relation-{known_case['relation'].pk}"]["entities"] == [driver.pk, firm.pk]
    assert items[f"note-{known_case['note'].pk}"]["entities"] == []
    places = {
        f["properties"]["key"]: f["properties"]
        for f in api.get(reverse("api:case-places", args=[case.pk])).json()["features"]
    }
    assert places[f"violation-{known_case['violation'].pk}"]["entities"] == [driver.pk]
    assert places[f"address-{depot.pk}"]["entities"] == [depot.pk, firm.pk]
    assert places[f"event-{known_case['moment'].pk}"]["entities"] == []


def test_no_item_names_an_entity_out_of_reach(analyst, outside_analyst, api_client_for):
    """An address only a restricted case holds, where an open case's courier lives: the
    outsider's places of the open case neither show it nor name its id."""
    open_case = case_create(actor=outside_analyst, data=CaseInput(title="Open matter"))
    secret = case_create(actor=analyst, data=CaseInput(title="Secret", restricted=True))
    courier = Entity.objects.create(kind="Person", label="Known Courier")
    hideout = Entity.objects.create(
        kind="Address",
        label="Hideout",
        properties={"latitude": ["54.1"], "longitude": ["25.1"]},
    )
    case_entity_link(actor=outside_analyst, case=open_case, entity=courier, reason="Courier")
    case_entity_link(actor=analyst, case=secret, entity=hideout, reason="Safe house")
    relation_add(
        actor=analyst, source=courier, target=hideout, kind="Address", valid_from=date(2026, 1, 1)
    )
    api = api_client_for(outside_analyst)
    timeline = api.get(reverse("api:case-timeline", args=[open_case.pk])).json()
    places = api.get(reverse("api:case-places", args=[open_case.pk])).json()
    named = {pk for item in timeline["items"] for pk in item["entities"]} | {
        pk for f in places["features"] for pk in f["properties"]["entities"]
    }
    assert hideout.pk not in named
    assert "Hideout" not in str(places)


def test_the_filters_offer_only_the_kinds_the_reader_may_see(
    known_case, analyst, administrator, client_for
):
    url = reverse("investigations:case-timeline", args=[known_case["case"].pk])

    analyst_page = client_for(analyst).get(url)
    administrator_page = client_for(administrator).get(url)

    offered = analyst_page.context["form"].fields["kind"].choices
    assert [kind for kind, _label in offered] == [
        "violation",
        "sighting",
        "dispatch_task",
        "event",
        "relation",
        "request",
        "case_task",
        "note",
        "document",
    ]
    assert 'value="violation"' in analyst_page.content.decode()
    # An administrator reads the case but opens no violation and no dispatch task.
    offered = administrator_page.context["form"].fields["kind"].choices
    assert [kind for kind, _label in offered] == [
        "event",
        "relation",
        "request",
        "case_task",
        "note",
        "document",
    ]
    body = administrator_page.content.decode()
    assert 'value="violation"' not in body
    assert 'value="sighting"' not in body
    assert 'value="dispatch_task"' not in body
    assert 'value="event"' in body


def test_the_api_names_the_kinds_the_reader_may_ask_for_and_refuses_the_others(
    known_case, analyst, administrator, api_client_for
):
    url = reverse("api:case-timeline", args=[known_case["case"].pk])

    for_analyst = api_client_for(analyst).get(url, {"kind": "violation"})
    for_administrator = api_client_for(administrator).get(url)
    refused = api_client_for(administrator).get(url, {"kind": "violation"})

    assert for_analyst.status_code == 200
    assert {item["kind"] for item in for_analyst.json()["items"]} == {"violation"}
    assert "violation" in for_analyst.json()["kinds"]
    assert for_administrator.status_code == 200
    kinds = for_administrator.json()["kinds"]
    assert kinds["event"] == "Events"
    assert not {"violation", "sighting", "dispatch_task"} & set(kinds)
    assert refused.status_code == 400
    assert "violation" in str(refused.json()["errors"])
