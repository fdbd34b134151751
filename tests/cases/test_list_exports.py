"""Exports of the lists analysts use: the entity registry and the case list as CSV and
XLSX, a case's entities as GraphML and FtM. Formula-safe, capped, audited, and within
the exporter's reach (need-to-know)."""

import csv
import io
import json
from io import BytesIO
from typing import cast

import pytest
from django.urls import reverse
from followthemoney import model
from openpyxl import load_workbook

from cases.models import Entity, Relation
from cases.services import exports as violation_exports
from cases.services.investigations import CaseInput, case_create, case_entity_link
from portal.models import AuditAction, AuditRecord, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example","click")'
HIDDEN = "Hidden Witness Vilkas"


@pytest.fixture
def world(analyst):
    """A case of ``analyst`` with a hostile title and two related entities, one with a
    hostile name; a restricted case of another team with a witness only it holds."""
    case = case_create(actor=analyst, data=CaseInput(title=HOSTILE))
    person = Entity.objects.create(kind="Person", label=HOSTILE, properties={"name": [HOSTILE]})
    company = Entity.objects.create(
        kind="Company", label="Birch Timber UAB", properties={"name": ["Birch Timber UAB"]}
    )
    Relation.objects.create(source=person, target=company, kind="Directorship")
    case_entity_link(actor=analyst, case=case, entity=person, reason="Organiser")
    case_entity_link(actor=analyst, case=case, entity=company, reason="Front")
    other = cast(User, UserFactory(username="analyst_other", roles=["analyst"]))
    hidden_case = case_create(actor=other, data=CaseInput(title="Operation Wolf", restricted=True))
    witness = Entity.objects.create(kind="Person", label=HIDDEN, properties={"name": [HIDDEN]})
    case_entity_link(actor=other, case=hidden_case, entity=witness, reason="Witness")
    return case


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_cells(content: bytes) -> list[str]:
    sheet = load_workbook(BytesIO(content)).active
    return [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_the_registry_as_csv_is_formula_safe_within_reach_and_audited(world, analyst, client_for):
    response = client_for(analyst).get(
        reverse("entities:entity-table-export", kwargs={"file_format": "csv"})
    )

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    text = body_of(response).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert HOSTILE in [cell.removeprefix("'") for cell in cells]
    assert not any(cell.startswith("=") for cell in cells)
    assert "Birch Timber UAB" in text
    assert HIDDEN not in text
    record = AuditRecord.objects.get(action=AuditAction.EXPORT, object_type="cases.entity")
    assert record.changes["format"] == "csv"
    assert record.changes["rows"] == 2


def test_the_registry_as_xlsx_follows_the_filters(world, analyst, client_for):
    response = client_for(analyst).get(
        reverse("entities:entity-table-export", kwargs={"file_format": "xlsx"}),
        {"kind": "Person"},
    )

    cells = xlsx_cells(body_of(response))
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert not any(cell.startswith("=") for cell in cells)
    assert "Birch Timber UAB" not in cells


def test_the_case_list_as_csv_and_xlsx_is_formula_safe_and_within_reach(world, analyst, client_for):
    client = client_for(analyst)
    csv_text = body_of(
        client.get(reverse("investigations:case-list-export", kwargs={"file_format": "csv"}))
    ).decode("utf-8-sig")
    cells = xlsx_cells(
        body_of(
            client.get(reverse("investigations:case-list-export", kwargs={"file_format": "xlsx"}))
        )
    )

    assert world.number in csv_text
    assert "'=HYPERLINK" in csv_text
    assert "Operation Wolf" not in csv_text
    assert world.number in cells
    assert not any(cell.startswith("=") for cell in cells)
    assert "Operation Wolf" not in cells
    assert (
        AuditRecord.objects.filter(action=AuditAction.EXPORT, object_type="cases.case").count() == 2
    )


def test_an_administrator_exports_every_case_restricted_ones_too(world, administrator, client_for):
    response = client_for(administrator).get(
        reverse("investigations:case-list-export", kwargs={"file_format": "csv"})
    )

    assert "Operation Wolf" in body_of(response).decode("utf-8-sig")


def test_more_rows_than_the_cap_are_refused_with_a_message_and_not_recorded(
    world, analyst, client_for, monkeypatch
):
    monkeypatch.setattr(violation_exports, "EXPORT_ROW_LIMIT", 1)
    client = client_for(analyst)

    response = client.get(
        reverse("entities:entity-table-export", kwargs={"file_format": "csv"}), follow=True
    )

    assert response.redirect_chain[-1][0].startswith(reverse("entities:entity-list"))
    assert "narrow the filters to at most 1 rows" in response.content.decode()
    assert not AuditRecord.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_unknown_format_is_refused_with_a_message(world, analyst, client_for):
    response = client_for(analyst).get(
        reverse("investigations:case-list-export", kwargs={"file_format": "pdf"}), follow=True
    )

    assert "Choose csv or xlsx." in response.content.decode()
    assert not AuditRecord.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_cases_entities_as_graphml_and_ftm(world, analyst, client_for):
    client = client_for(analyst)

    graphml = client.get(
        reverse(
            "investigations:case-entities-export",
            kwargs={"pk": world.pk, "file_format": "graphml"},
        )
    )
    ftm = client.get(
        reverse(
            "investigations:case-entities-export", kwargs={"pk": world.pk, "file_format": "ftm"}
        )
    )

    assert graphml.status_code == 200
    assert b"Birch Timber UAB" in body_of(graphml)
    assert b"<graphml" in body_of(graphml)
    proxies = [
        model.get_proxy(json.loads(line), cleaned=False)
        for line in body_of(ftm).decode().splitlines()
    ]
    assert {proxy.schema.name for proxy in proxies} == {"Person", "Company", "Directorship"}
    assert world.number.replace("/", "-") in ftm["Content-Disposition"]
    assert AuditRecord.objects.filter(action=AuditAction.EXPORT).count() == 2


def test_the_list_pages_show_their_export_buttons(world, analyst, client_for):
    client = client_for(analyst)

    entities = client.get(reverse("entities:entity-list")).content.decode()
    cases = client.get(reverse("investigations:case-list")).content.decode()
    case_page = client.get(world.get_absolute_url()).content.decode()

    assert reverse("entities:entity-table-export", kwargs={"file_format": "xlsx"}) in entities
    assert reverse("entities:entity-export") in entities
    assert reverse("investigations:case-list-export", kwargs={"file_format": "csv"}) in cases
    assert (
        reverse(
            "investigations:case-entities-export",
            kwargs={"pk": world.pk, "file_format": "graphml"},
        )
        in case_page
    )
