"""The link chart's addresses and amounts: the FtM import makes each address a thing
names (addressEntity) a relation of the portal's own (``has_address``), so the chart
shows it and a pivot finds who shares it, without changing what an FtM export gives
back; the graph API's relations carry a payment's sum or an ownership's share for the
edge labels, and the case timeline shows the sum beside the payment."""

import json
from datetime import date

import pytest
from defusedxml.ElementTree import fromstring
from django.urls import reverse
from django.utils import translation

from cases.models import Entity, PortalLink, ProvenanceKind, Relation
from cases.selectors.graph import graph_pivot
from cases.selectors.relation_amounts import relation_amount_text
from cases.selectors.reports import relation_label
from cases.services.ftm import ftm_export_lines, ftm_import
from cases.services.investigations import CaseInput, case_create, case_entity_link
from tests.cases.support import open_dossier

pytestmark = pytest.mark.django_db

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
NNBSP = "\u202f"  # the English thousands separator of portal/formats/en


def line(record_id: str, schema: str, **properties: list[str]) -> str:
    return json.dumps({"id": record_id, "schema": schema, "properties": properties})


OFFICE = line("addr-1", "Address", full=["Gedimino pr. 1, Vilnius"])
DEPOT = line("addr-2", "Address", full=["Savanorių pr. 200, Kaunas"])
FILE = [
    OFFICE,
    DEPOT,
    line("co-1", "Company", name=["Balt Trade UAB"], addressEntity=["addr-1", "addr-2"]),
    line("co-2", "Company", name=["Nord Logistics UAB"], addressEntity=["addr-1"]),
    # An address neither in the file nor in the registry stays only in the property.
    line("co-3", "Company", name=["Ghost UAB"], addressEntity=["addr-unknown"]),
]


def links() -> set[tuple[str | None, str | None]]:
    return set(
        Relation.objects.filter(kind=PortalLink.HAS_ADDRESS).values_list(
            "source__ftm_id", "target__ftm_id"
        )
    )


def test_an_imported_things_addresses_become_links_with_the_lines_provenance(analyst):
    result = ftm_import(actor=analyst, lines=FILE, source_name="companies.ftm.jsonl")

    assert links() == {("co-1", "addr-1"), ("co-1", "addr-2"), ("co-2", "addr-1")}
    assert result.address_links_created == 3
    assert result.relations_created == 0
    link = Relation.objects.get(source__ftm_id="co-2", kind=PortalLink.HAS_ADDRESS)
    assert link.provenance_kind == ProvenanceKind.IMPORT
    assert link.provenance == "import companies.ftm.jsonl line 4"
    assert link.ftm_id is None


def test_importing_again_adds_nothing_and_an_address_no_longer_named_is_unlinked(analyst):
    ftm_import(actor=analyst, lines=FILE, source_name="companies.ftm.jsonl")
    again = ftm_import(actor=analyst, lines=FILE, source_name="companies.ftm.jsonl")
    assert again.address_links_created == 0
    assert Relation.objects.filter(kind=PortalLink.HAS_ADDRESS).count() == 3

    moved = [
        OFFICE,
        DEPOT,
        line("co-1", "Company", name=["Balt Trade UAB"], addressEntity=["addr-2"]),
    ]
    ftm_import(actor=analyst, lines=moved, source_name="update.ftm.jsonl")

    assert links() == {("co-1", "addr-2"), ("co-2", "addr-1")}


def test_an_address_already_in_the_registry_is_linked_from_a_later_file(analyst):
    ftm_import(actor=analyst, lines=[OFFICE], source_name="addresses.ftm.jsonl")
    ftm_import(
        actor=analyst,
        lines=[line("p-1", "Person", name=["Jonas Jonaitis"], addressEntity=["addr-1"])],
        source_name="people.ftm.jsonl",
    )
    assert links() == {("p-1", "addr-1")}


def test_the_export_gives_back_the_property_and_no_line_for_the_links(analyst):
    ftm_import(actor=analyst, lines=FILE, source_name="companies.ftm.jsonl")

    exported = [json.loads(text) for text in ftm_export_lines(entities=Entity.objects.all())]

    assert sorted(record["id"] for record in exported) == sorted(
        json.loads(text)["id"] for text in FILE
    )
    balt = next(record for record in exported if record["id"] == "co-1")
    assert balt["properties"]["addressEntity"] == ["addr-1", "addr-2"]


def test_a_pivot_finds_the_company_that_gives_the_same_address(analyst):
    ftm_import(actor=analyst, lines=FILE, source_name="companies.ftm.jsonl")
    balt = Entity.objects.get(ftm_id="co-1")
    nord = Entity.objects.get(ftm_id="co-2")
    office = Entity.objects.get(ftm_id="addr-1")

    answer = graph_pivot(user=analyst, ids=[balt.pk])

    assert {"identifier": office.pk, "sharing": [nord.pk], "hidden": 0} in answer["groups"]


def test_the_chart_and_the_dossier_name_the_link(analyst, client_for):
    ftm_import(actor=analyst, lines=FILE, source_name="companies.ftm.jsonl")
    nord = Entity.objects.get(ftm_id="co-2")
    client = client_for(analyst)

    page = client.get(reverse("graph:entity-chart", kwargs={"pk": nord.pk}))
    assert page.context["strings"]["relationKinds"]["has_address"] == "Has the address"
    dossier = open_dossier(client, nord)
    assert "Has the address →" in dossier.content.decode()
    # The case report's chart reads it the same way.
    assert relation_label(PortalLink.HAS_ADDRESS) == "Has the address"
    with translation.override("lt"):
        assert str(PortalLink.HAS_ADDRESS.label) == "Turi adresą"


@pytest.mark.parametrize(
    ("properties", "text"),
    [
        ({"amountEur": ["80000"]}, f"80{NNBSP}000 EUR"),
        ({"amount": ["1250.5"], "currency": ["usd"]}, f"1{NNBSP}250.50 USD"),
        ({"amount": ["700"]}, "700"),
        ({"percentage": ["51"]}, "51%"),
        ({"sharesCount": ["1"]}, "1 share"),
        ({"sharesCount": ["1200"]}, f"1{NNBSP}200 shares"),
        ({"amountEur": ["about a million"]}, ""),
        ({"role": ["director"]}, ""),
        ({}, ""),
    ],
)
def test_the_amount_a_relation_carries_in_words(properties, text):
    with translation.override("en"):
        assert relation_amount_text(properties) == text


def test_the_graph_api_gives_each_relation_its_amount(api_client_for, analyst):
    payer = Entity.objects.create(kind="Company", label="Payer UAB")
    payee = Entity.objects.create(kind="Organization", label="Party")
    owned = Entity.objects.create(kind="Company", label="Owned UAB")
    payment = Relation.objects.create(
        source=payer,
        target=payee,
        kind="Payment",
        ftm_id="pay-1",
        properties={"amountEur": ["320000"]},
    )
    owner = Relation.objects.create(
        source=payer, target=owned, kind="Ownership", properties={"percentage": ["75"]}
    )
    director = Relation.objects.create(source=payee, target=owned, kind="Directorship")

    response = api_client_for(analyst).get(reverse("api:graph-expand"), {"ids": str(payer.pk)})

    assert response.status_code == 200
    amounts = {edge["id"]: edge["amount"] for edge in response.json()["edges"]}
    assert amounts[payment.pk] == f"320{NNBSP}000 EUR"
    assert amounts[owner.pk] == "75%"
    path = api_client_for(analyst).get(
        reverse("api:graph-path"), {"source": payer.pk, "target": owned.pk}
    )
    assert {edge["id"]: edge["amount"] for edge in path.json()["edges"]} == {owner.pk: "75%"}
    assert director.pk not in amounts


def test_the_case_timeline_shows_the_sum_beside_the_payment(analyst, client_for):
    payer = Entity.objects.create(kind="Company", label="Payer UAB")
    payee = Entity.objects.create(kind="Organization", label="Party")
    Relation.objects.create(
        source=payer,
        target=payee,
        kind="Payment",
        ftm_id="pay-2",
        valid_from=date(2011, 12, 21),
        properties={"amountEur": ["320000"], "date": ["2011-12-21"]},
    )
    case = case_create(actor=analyst, data=CaseInput(title="Donations"))
    for entity in (payer, payee):
        case_entity_link(actor=analyst, case=case, entity=entity, reason="Party to the payment")

    response = client_for(analyst).get(reverse("investigations:case-timeline", args=[case.pk]))

    items = [item for item in response.context["timeline"].items if item.kind == "relation"]
    assert [item.detail for item in items] == [f"320{NNBSP}000 EUR"]
    assert f"320{NNBSP}000 EUR" in response.content.decode()


def test_the_anx_and_graphml_exports_carry_the_amount(api_client_for, analyst):
    payer = Entity.objects.create(kind="Company", label="Payer UAB")
    payee = Entity.objects.create(kind="Organization", label="Party")
    payment = Relation.objects.create(
        source=payer,
        target=payee,
        kind="Payment",
        ftm_id="pay-3",
        properties={"amountEur": ["80000"]},
    )
    api = api_client_for(analyst)
    chart = {"nodes": [payer.pk, payee.pk], "edges": [payment.pk]}

    anx = api.post(reverse("api:graph-export"), {**chart, "format": "anx"}, format="json")
    graphml = api.post(reverse("api:graph-export"), {**chart, "format": "graphml"}, format="json")

    assert anx.status_code == graphml.status_code == 200
    link = next(
        item for item in fromstring(anx.content).iter("ChartItem") if item.find("Link") is not None
    )
    amounts = [
        a.get("Value") for a in link.iter("Attribute") if a.get("AttributeClass") == "Amount"
    ]
    assert amounts == [f"80{NNBSP}000 EUR"]
    edge_data = {d.get("key"): d.text for d in fromstring(graphml.content).iter(f"{GRAPHML}data")}
    assert edge_data["e_amount"] == f"80{NNBSP}000 EUR"


def test_the_dossier_writes_a_payments_sum_with_its_digits_grouped(analyst, client_for):
    payer = Entity.objects.create(kind="Company", label="Payer UAB")
    payee = Entity.objects.create(kind="Organization", label="Party")
    Relation.objects.create(
        source=payer,
        target=payee,
        kind="Payment",
        ftm_id="pay-4",
        properties={"amountEur": ["95338"]},
    )

    response = open_dossier(client_for(analyst), payer)

    assert f"Amount in EUR: 95{NNBSP}338" in response.content.decode()
