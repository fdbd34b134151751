"""The graph API through the API client: answers on the known graph, roles, bad input
(unknown ids and ids outside reach answered alike, too many ids, bad periods), the
audit of each consultation, and the exports (GraphML and i2 ANX parsed back)."""

import re

import pytest
from defusedxml.ElementTree import fromstring
from django.urls import reverse

from cases.lib import graph_search
from cases.models import Entity
from portal.models import AuditAction, AuditRecord
from tests.cases.graph_support import KnownGraph, held_only_by_a_restricted_case, known_graph

pytestmark = pytest.mark.django_db

EXPAND = reverse("api:graph-expand")
PATH = reverse("api:graph-path")
NETWORK = reverse("api:graph-network")
PIVOT = reverse("api:graph-pivot")
EXPORT = reverse("api:graph-export")
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


@pytest.fixture
def g() -> KnownGraph:
    return known_graph()


@pytest.fixture
def api(api_client_for, analyst):
    return api_client_for(analyst)


def test_expand_answers_the_neighbours_and_audits_the_consultation(api, analyst, g):
    response = api.get(EXPAND, {"ids": str(g.id("ben"))})
    assert response.status_code == 200
    body = response.json()
    assert {n["id"] for n in body["nodes"]} == {g.id("ben"), g.id("balt"), g.id("phone")}
    record = AuditRecord.objects.filter(actor=analyst, action=AuditAction.VIEW).last()
    assert record is not None
    assert record.object_repr == "link chart: expand"
    assert record.object_id == str(g.id("ben"))


def test_expand_of_a_whole_case_chart_answers_and_audits_every_id(api, analyst, g):
    # A case chart starts from up to 50 entities: far more ids than the audit's object id
    # column holds. The answer must not fail over the audit record.
    many = [Entity.objects.create(kind="Person", label=f"Person {n}").pk for n in range(30)]
    ids = [g.id("ben"), *many]
    response = api.get(EXPAND, {"ids": ",".join(str(pk) for pk in ids)})
    assert response.status_code == 200
    record = AuditRecord.objects.filter(actor=analyst, action=AuditAction.VIEW).last()
    assert record is not None
    # The full list stays in the record's changes.
    assert {int(n) for n in re.findall(r"\d+", str(record.changes["ids"]))} == set(ids)
    assert len(record.object_id) <= 64
    assert all(part.isdigit() for part in record.object_id.split(","))


def test_expand_of_a_hub_shows_the_cap_and_the_rest(api, g):
    body = api.get(EXPAND, {"ids": g.id("hub"), "cap": 5, "hops": 2}).json()
    assert body["more"] == [{"node": g.id("hub"), "shown": 5, "hidden": 25}]
    assert len(body["nodes"]) == 6


def test_a_count_past_the_cap_is_marked_as_a_lower_bound(api, g, monkeypatch):
    monkeypatch.setattr(graph_search, "DEGREE_CAP", 20)
    body = api.get(EXPAND, {"ids": g.id("hub"), "cap": 5}).json()
    hub = next(node for node in body["nodes"] if node["id"] == g.id("hub"))
    assert (hub["degree"], hub["degree_capped"]) == (20, True)
    assert body["more"] == [{"node": g.id("hub"), "shown": 5, "hidden": 15, "at_least": True}]
    leaf = next(node for node in body["nodes"] if node["id"] == g.id("l29"))
    assert (leaf["degree"], leaf["degree_capped"]) == (1, False)


def test_the_schema_says_that_counts_stop_at_the_cap(api):
    schema = api.get(reverse("api-schema"), {"format": "json"}).json()
    node = schema["components"]["schemas"]["GraphNode"]["properties"]
    assert "counted up to 250" in node["degree"]["description"]
    assert "lower bound" in node["degree_capped"]["description"]
    more = schema["components"]["schemas"]["MoreMarker"]["properties"]
    assert "lower bound" in more["at_least"]["description"]


def test_filters_by_kind_and_period_reach_the_query(api, g):
    body = api.get(
        EXPAND, {"ids": g.id("balt"), "kinds": "owner", "period_from": "2020-06-01"}
    ).json()
    assert {n["id"] for n in body["nodes"]} == {g.id("balt"), g.id("ann")}


def test_path_network_and_pivot(api, g):
    path = api.get(PATH, {"source": g.id("ann"), "target": g.id("cid")}).json()
    assert path["status"] == "found"
    assert path["hops"] == 4
    none = api.get(PATH, {"source": g.id("ann"), "target": g.id("fay")}).json()
    assert none["status"] == "none"
    network = api.get(NETWORK, {"ids": f"{g.id('ann')},{g.id('gus')}"}).json()
    assert g.id("phone") in {n["id"] for n in network["nodes"]}
    pivot = api.get(PIVOT, {"ids": g.id("gus")}).json()
    assert pivot["groups"] == [
        {"identifier": g.id("address"), "sharing": [g.id("cid")], "hidden": 0}
    ]


@pytest.mark.parametrize("role", ["officer", "dispatcher", "administrator"])
def test_only_analysts_read_the_graph(api_client_for, personas, role, g):
    client = api_client_for(personas[role])
    assert client.get(EXPAND, {"ids": g.id("ben")}).status_code == 403
    assert (
        client.post(EXPORT, {"format": "anx", "nodes": [g.id("ben")]}, format="json").status_code
        == 403
    )


def test_an_unknown_id_and_an_id_outside_reach_get_the_same_answer(api, g):
    hidden = g.e["phone"]
    held_only_by_a_restricted_case(hidden)
    unknown = 10**9
    for params, field in (
        ({"ids": "{}"}, "ids"),
        ({"source": "{}", "target": str(g.id("ann"))}, "source"),
    ):
        url = EXPAND if field == "ids" else PATH
        outside = api.get(url, {k: v.format(hidden.pk) for k, v in params.items()})
        missing = api.get(url, {k: v.format(unknown) for k, v in params.items()})
        assert outside.status_code == missing.status_code == 400
        assert outside.json()["errors"][field] == [f"Entity {hidden.pk} was not found."]
        assert missing.json()["errors"][field] == [f"Entity {unknown} was not found."]
    # Nor does the neighbourhood of a visible entity betray it.
    body = api.get(EXPAND, {"ids": g.id("ben")}).json()
    assert hidden.pk not in {n["id"] for n in body["nodes"]}


@pytest.mark.parametrize(
    ("url", "params", "field", "message"),
    [
        (EXPAND, {}, "ids", "This field is required."),
        (EXPAND, {"ids": "1,x"}, "ids", "Entity ids are whole numbers, separated by commas."),
        (
            EXPAND,
            {"ids": ",".join(str(i) for i in range(1, 52))},
            "ids",
            "At most 50 entities at once.",
        ),
        (EXPAND, {"ids": "1", "hops": "3"}, "hops", '"3" is not a valid choice.'),
        (
            EXPAND,
            {"ids": "1", "cap": "0"},
            "cap",
            "Ensure this value is greater than or equal to 1.",
        ),
        (
            EXPAND,
            {"ids": "1", "period_from": "2024-01-01", "period_to": "2023-01-01"},
            "period_to",
            "The end of the period comes before its start.",
        ),
        (
            PATH,
            {"source": "1", "target": "2", "max_hops": "7"},
            "max_hops",
            "Ensure this value is less than or equal to 6.",
        ),
        (
            NETWORK,
            {"ids": ",".join(str(i) for i in range(1, 14))},
            "ids",
            "At most 12 entities at once.",
        ),
    ],
)
def test_bad_input_is_answered_at_its_field(api, url, params, field, message):
    before = AuditRecord.objects.count()
    response = api.get(url, params)
    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]
    assert AuditRecord.objects.count() == before


def _export(api, g: KnownGraph, file_format: str, names: list[str], relations: list[str]):
    return api.post(
        EXPORT,
        {
            "format": file_format,
            "nodes": [g.id(n) for n in names],
            "edges": [g.r[r].pk for r in relations],
            "positions": {str(g.id("ann")): [10, 20]},
        },
        format="json",
    )


def test_anx_export_is_a_complete_i2_chart(api, analyst, g):
    response = _export(api, g, "anx", ["ann", "balt", "ben"], ["owner", "director", "cid_phone"])
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.anx"')
    chart = fromstring(response.content)
    assert chart.tag == "Chart"
    items = chart.find("ChartItemCollection").findall("ChartItem")
    ends = [i for i in items if i.find("End") is not None]
    links = [i for i in items if i.find("Link") is not None]
    assert sorted(i.get("Label") for i in ends) == ["Ann", "Balt Trade", "Ben"]
    ann = next(i for i in ends if i.get("Label") == "Ann")
    assert (ann.find("End").get("X"), ann.find("End").get("Y")) == ("10", "20")
    entity = ann.find("End/Entity")
    assert entity.get("EntityId") == f"entity-{g.id('ann')}"
    assert entity.find("Icon/IconStyle").get("Type") == "Person"
    # The relation to Cid's phone is not between two charted entities: left out.
    assert len(links) == 2
    owner = next(i for i in links if i.get("Label") == "owner")
    link = owner.find("Link")
    assert (link.get("End1Id"), link.get("End2Id")) == (
        f"entity-{g.id('ann')}",
        f"entity-{g.id('balt')}",
    )
    style = link.find("LinkStyle")
    assert style.get("Strength") == "Confirmed"
    assert style.get("ArrowStyle") == "ArrowOnHead"
    assert owner.get("DateSet") == "true"
    assert owner.get("DateTime") == "2020-01-01T00:00:00.000"
    attributes = {
        a.get("AttributeClass"): a.get("Value") for a in owner.find("AttributeCollection")
    }
    assert attributes["Confidence (%)"] == "90"
    assert attributes["Valid to"] == "2021-12-31T00:00:00.000"
    classes = {c.get("Name") for c in chart.find("AttributeClassCollection")}
    assert set(attributes) <= classes
    strengths = {s.get("Name") for s in chart.find("StrengthCollection")}
    assert {style.get("Strength") for style in chart.iter("LinkStyle")} <= strengths
    record = AuditRecord.objects.filter(actor=analyst, action=AuditAction.EXPORT).last()
    assert record is not None
    assert record.changes["format"] == "anx"
    assert str(record.changes["entities"]) == str(sorted(g.id(n) for n in ["ann", "balt", "ben"]))


def test_graphml_export_parses_back_with_every_node_and_edge(api, g):
    response = _export(api, g, "graphml", ["ben", "phone", "cid"], ["ben_phone", "cid_phone"])
    assert response.status_code == 200
    root = fromstring(response.content)
    keys = {k.get("id"): k.get("attr.name") for k in root.findall(f"{GRAPHML}key")}
    graph = root.find(f"{GRAPHML}graph")
    assert graph.get("edgedefault") == "directed"
    nodes = {n.get("id"): n for n in graph.findall(f"{GRAPHML}node")}
    assert set(nodes) == {f"n{g.id(n)}" for n in ("ben", "phone", "cid")}
    edges = graph.findall(f"{GRAPHML}edge")
    assert {(e.get("source"), e.get("target")) for e in edges} == {
        (f"n{g.id('ben')}", f"n{g.id('phone')}"),
        (f"n{g.id('cid')}", f"n{g.id('phone')}"),
    }
    data = {
        keys[d.get("key")]: d.text for d in nodes[f"n{g.id('phone')}"].findall(f"{GRAPHML}data")
    }
    assert data["label"] == "+37060000001"
    assert data["kind"] == "Phone"


def test_export_rechecks_the_chart_against_the_users_reach(api, g):
    hidden = g.e["phone"]
    held_only_by_a_restricted_case(hidden)
    response = _export(api, g, "graphml", ["ben", "phone"], ["ben_phone"])
    root = fromstring(response.content)
    graph = root.find(f"{GRAPHML}graph")
    assert [n.get("id") for n in graph.findall(f"{GRAPHML}node")] == [f"n{g.id('ben')}"]
    assert graph.findall(f"{GRAPHML}edge") == []
    only_hidden = _export(api, g, "anx", ["phone"], [])
    assert only_hidden.status_code == 400
    assert only_hidden.json()["errors"]["nodes"] == ["None of these entities was found."]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"format": "pdf", "nodes": [1]}, "format"),
        ({"format": "anx", "nodes": []}, "nodes"),
        ({"format": "anx", "nodes": ["x"]}, "nodes.0"),
        ({"format": "anx", "nodes": [1], "positions": {"a": [1, 2]}}, "positions"),
    ],
)
def test_bad_exports_are_refused_at_their_field_and_not_audited(api, payload, field):
    before = AuditRecord.objects.count()
    response = api.post(EXPORT, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert AuditRecord.objects.count() == before


def test_the_chart_page_opens_for_an_analyst_and_is_audited(client_for, analyst, g):
    response = client_for(analyst).get(reverse("graph:entity-chart", kwargs={"pk": g.id("ben")}))
    assert response.status_code == 200
    assert b"vendor/cytoscape/cytoscape.min.js" in response.content
    assert AuditRecord.objects.filter(
        actor=analyst, object_type="cases.entity", object_id=str(g.id("ben"))
    ).exists()
    missing = client_for(analyst).get(reverse("graph:entity-chart", kwargs={"pk": 10**9}))
    assert missing.status_code == 404
