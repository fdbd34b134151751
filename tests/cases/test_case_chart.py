"""A case's link chart: the page seeded with the case's entities, positions saved with the
case (team only, audited, bad input refused with nothing changed, read back within the
reader's reach) and the FtM export of a chart, re-checked against reach."""

import json
from typing import cast

import pytest
from django.urls import reverse

from cases.models import Entity, EntityKind, Relation
from cases.services.investigations import CaseInput, case_create, case_entity_link
from portal.models import AuditRecord, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(db):
    return UserFactory(username="analyst_out", roles=["analyst"])


@pytest.fixture
def chart(analyst):
    man = Entity.objects.create(kind=EntityKind.PERSON, label="Jonas Šimkus")
    firm = Entity.objects.create(kind=EntityKind.COMPANY, label="Tabakas UAB")
    hidden = Entity.objects.create(kind=EntityKind.PERSON, label="Secret Smuggler")
    relation = Relation.objects.create(source=man, target=firm, kind="Directorship")
    case = case_create(actor=analyst, data=CaseInput(title="Cigarettes in timber"))
    case_entity_link(actor=analyst, case=case, entity=man, reason="Driver")
    lead = cast(User, UserFactory(username="lead_secret", roles=["analyst"]))
    secret = case_create(actor=lead, data=CaseInput(title="Operation Birch", restricted=True))
    case_entity_link(actor=lead, case=secret, entity=hidden, reason="Organiser")
    return {
        "case": case,
        "man": man,
        "firm": firm,
        "hidden": hidden,
        "relation": relation,
        "secret": secret,
    }


def _save(client, case, body):
    return client.post(
        reverse("investigations:case-chart-save", args=[case.pk]),
        data=json.dumps(body),
        content_type="application/json",
    )


def test_the_chart_page_starts_from_the_case_entities(analyst, client_for, chart):
    response = client_for(analyst).get(
        reverse("investigations:case-chart", args=[chart["case"].pk])
    )

    assert response.status_code == 200
    assert response.context["seeds"] == str(chart["man"].pk)
    assert 'data-save-url="' in response.content.decode()
    assert AuditRecord.objects.filter(
        action="view", object_id=str(chart["case"].pk), changes__consulted="link chart"
    ).exists()


@pytest.mark.parametrize(
    ("language", "payment", "directorship"),
    [("en", "Payment", "Directorship"), ("lt", "Mokėjimas", "Vadovavimas")],
)
def test_the_chart_names_relation_kinds_in_the_page_language(
    analyst, client_for, chart, language, payment, directorship
):
    client = client_for(analyst)
    client.cookies["django_language"] = language
    response = client.get(reverse("investigations:case-chart", args=[chart["case"].pk]))
    strings = response.context["strings"]
    assert strings["relationKinds"]["Payment"] == payment
    assert strings["relationKinds"]["Directorship"] == directorship
    assert '"relationKinds"' in response.content.decode()


def test_the_team_saves_positions_and_the_page_reads_them_back(analyst, client_for, chart):
    client = client_for(analyst)
    positions = {str(chart["man"].pk): [10, 20.4], str(chart["firm"].pk): [-300, 45]}

    response = _save(client, chart["case"], {"positions": positions})

    assert response.status_code == 200
    assert response.json() == {"count": 2}
    chart["case"].refresh_from_db()
    assert chart["case"].chart_layout == {
        "positions": {str(chart["man"].pk): [10, 20], str(chart["firm"].pk): [-300, 45]}
    }
    assert AuditRecord.objects.filter(
        action="update", object_id=str(chart["case"].pk), actor=analyst
    ).exists()
    page = client.get(reverse("investigations:case-chart", args=[chart["case"].pk]))
    assert page.context["positions"] == {
        str(chart["man"].pk): [10, 20],
        str(chart["firm"].pk): [-300, 45],
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"positions": {}}, "The chart is empty: nothing to save."),
        ({"positions": {"abc": [1, 2]}}, "Each position is an entity id with two coordinates."),
        ({"positions": {"1": [1]}}, "Each position is an entity id with two coordinates."),
        ({"positions": {"1": ["x", 2]}}, "Each position is an entity id with two coordinates."),
        ({"positions": {"1": [1e12, 2]}}, "Each position is an entity id with two coordinates."),
        ({"positions": {"999999": [1, 2]}}, "Some entities on this chart were not found."),
        ([1, 2], "The chart could not be read."),
    ],
)
def test_bad_positions_are_refused_and_nothing_changes(analyst, client_for, chart, body, message):
    response = _save(client_for(analyst), chart["case"], body)

    assert response.status_code == 400
    assert message in json.dumps(response.json(), ensure_ascii=False)
    chart["case"].refresh_from_db()
    assert chart["case"].chart_layout == {}


def test_an_entity_out_of_reach_cannot_be_placed(analyst, client_for, chart):
    response = _save(
        client_for(analyst), chart["case"], {"positions": {str(chart["hidden"].pk): [1, 2]}}
    )

    assert response.status_code == 400
    chart["case"].refresh_from_db()
    assert chart["case"].chart_layout == {}


def test_an_analyst_outside_the_team_reads_the_chart_but_cannot_save_it(
    outsider, client_for, chart
):
    client = client_for(outsider)
    page = client.get(reverse("investigations:case-chart", args=[chart["case"].pk]))
    assert page.status_code == 200
    assert "data-save-url" not in page.content.decode()

    response = _save(client, chart["case"], {"positions": {str(chart["man"].pk): [1, 2]}})

    assert response.status_code == 403
    chart["case"].refresh_from_db()
    assert chart["case"].chart_layout == {}


def test_a_restricted_case_chart_is_not_found_outside_its_team(outsider, client_for, chart):
    client = client_for(outsider)
    url = reverse("investigations:case-chart", args=[chart["secret"].pk])

    assert client.get(url).status_code == 404
    assert _save(client, chart["secret"], {"positions": {}}).status_code == 404


def test_saved_positions_of_entities_out_of_the_readers_reach_are_not_shown(
    outsider, client_for, chart
):
    # Saved by someone who could see the hidden entity (the data of an earlier reach).
    chart["case"].chart_layout = {
        "positions": {str(chart["man"].pk): [1, 2], str(chart["hidden"].pk): [3, 4]}
    }
    chart["case"].save(update_fields=["chart_layout"])

    page = client_for(outsider).get(reverse("investigations:case-chart", args=[chart["case"].pk]))

    assert page.context["positions"] == {str(chart["man"].pk): [1, 2]}
    assert "Secret Smuggler" not in page.content.decode()


def test_the_chart_exports_ftm_lines_rechecked_against_reach(analyst, api_client_for, chart):
    response = api_client_for(analyst).post(
        reverse("api:graph-export"),
        {
            "format": "ftm",
            "nodes": [chart["man"].pk, chart["firm"].pk, chart["hidden"].pk],
            "edges": [chart["relation"].pk],
            "positions": {},
        },
        format="json",
    )

    assert response.status_code == 200
    records = [json.loads(line) for line in response.content.decode().splitlines()]
    schemas = sorted(record["schema"] for record in records)
    assert schemas == ["Company", "Directorship", "Person"]
    assert "Secret Smuggler" not in response.content.decode()
    assert response["Content-Disposition"].endswith('.ftm.jsonl"')
    assert AuditRecord.objects.filter(action="export", actor=analyst).exists()


def test_a_form_post_is_not_a_chart(analyst, client_for, chart):
    response = client_for(analyst).post(
        reverse("investigations:case-chart-save", args=[chart["case"].pk]), {"positions": "1"}
    )

    assert response.status_code == 400
    assert response.json() == {"errors": {"positions": ["The chart could not be read."]}}
