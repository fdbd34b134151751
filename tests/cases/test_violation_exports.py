"""Exports of the filtered violation list: analysts only, audited, formula-safe."""

import json
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Violation
from portal.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile_violation(violation_of_officer):
    """A narrative and place written to run as spreadsheet formulas."""
    Violation.objects.filter(pk=violation_of_officer.pk).update(
        place_description='=HYPERLINK("http://evil.example","click")',
        narrative="+cmd|' /C calc'!A0",
    )
    violation_of_officer.refresh_from_db()
    return violation_of_officer


def export(client, file_format, **params):
    return client.get(
        reverse("cases:violation-export", kwargs={"file_format": file_format}), params
    )


def test_csv_export_neutralises_formulas_and_is_audited(analyst, hostile_violation, client_for):
    response = export(client_for(analyst), "csv")

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert hostile_violation.reference in body
    assert "'=HYPERLINK" in body
    assert "'+cmd|' /C calc'!A0" in body
    record = AuditRecord.objects.get(action="export", object_type="cases.violation")
    assert record.actor == analyst
    assert record.changes["rows"] == 1


def test_xlsx_export_opens_and_neutralises_formulas(analyst, hostile_violation, client_for):
    response = export(client_for(analyst), "xlsx")

    sheet = load_workbook(BytesIO(response.content), read_only=True).active
    header, first = list(sheet.iter_rows(values_only=True))[:2]
    row = dict(zip(header, first, strict=True))
    assert row["reference"] == hostile_violation.reference
    assert row["place"].startswith("'=")
    assert row["narrative"].startswith("'+")
    assert row["latitude"] == pytest.approx(54.5395)


def test_geojson_export_has_points_and_category_details(analyst, violation_of_officer, client_for):
    response = export(client_for(analyst), "geojson")

    collection = json.loads(b"".join(response.streaming_content))
    [feature] = collection["features"]
    assert feature["geometry"]["coordinates"] == pytest.approx([25.6536, 54.5395])
    assert feature["properties"]["details"]["brand"] == "Minsk"


def test_the_export_follows_the_filters(analyst, violation_of_officer, client_for):
    response = export(client_for(analyst), "geojson", category="fuel")

    assert json.loads(b"".join(response.streaming_content))["features"] == []


def test_an_officer_and_a_dispatcher_cannot_export(
    officer, dispatcher, violation_of_officer, client_for
):
    assert export(client_for(officer), "csv").status_code == 403
    assert export(client_for(dispatcher), "csv").status_code == 403
    assert not AuditRecord.objects.filter(action="export").exists()


def test_too_large_an_export_is_refused_with_a_message(
    analyst, violation_of_officer, client_for, monkeypatch
):
    monkeypatch.setattr("cases.services.exports.EXPORT_ROW_LIMIT", 0)
    client = client_for(analyst)

    response = export(client, "csv")

    assert response.status_code == 302
    assert "narrow the filters" in client.get(response["Location"]).content.decode()
    assert not AuditRecord.objects.filter(action="export").exists()


def test_invalid_filters_export_nothing(analyst, violation_of_officer, client_for):
    response = export(client_for(analyst), "csv", date_from="2026-05-02", date_to="2026-05-01")

    assert response.status_code == 302
    assert not AuditRecord.objects.filter(action="export").exists()


def test_an_unknown_format_is_refused(analyst, client_for):
    response = export(client_for(analyst), "exe")

    assert response.status_code == 302


def test_the_api_exports_csv_for_an_analyst_and_audits_it(
    analyst, hostile_violation, api_client_for
):
    response = api_client_for(analyst).get("/api/v1/violations/export.csv", {"category": "tobacco"})

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert "'=HYPERLINK" in body
    assert AuditRecord.objects.filter(action="export", object_repr__contains="via API").exists()


def test_the_api_refuses_an_unknown_export_format(analyst, api_client_for):
    response = api_client_for(analyst).get("/api/v1/violations/export.exe")

    assert response.status_code == 400
    assert response.json()["errors"]["format"] == ["Choose csv, xlsx or geojson."]


def test_one_row_limit_refuses_the_page_and_the_api_alike(
    analyst, violation_of_officer, client_for, api_client_for, monkeypatch
):
    monkeypatch.setattr("cases.services.exports.EXPORT_ROW_LIMIT", 0)
    client = client_for(analyst)

    page = export(client, "csv")
    api = api_client_for(analyst).get("/api/v1/violations/export.csv")

    message = "1 violations match: narrow the filters to at most 0 rows to export."
    assert page.status_code == 302
    assert message in client.get(page["Location"]).content.decode()
    assert api.status_code == 400
    assert api.json()["errors"] == {"non_field_errors": [message]}
    assert not AuditRecord.objects.filter(action="export").exists()


def test_the_page_and_the_api_refuse_an_unknown_format_with_one_message(
    analyst, client_for, api_client_for
):
    client = client_for(analyst)

    page = export(client, "exe")
    api = api_client_for(analyst).get("/api/v1/violations/export.exe")

    assert page.status_code == 302
    assert "Choose csv, xlsx or geojson." in client.get(page["Location"]).content.decode()
    assert api.json()["errors"]["format"] == ["Choose csv, xlsx or geojson."]
    assert not AuditRecord.objects.filter(action="export").exists()


def test_the_api_export_is_audited_with_the_filters_it_was_asked_for(
    analyst, violation_of_officer, api_client_for
):
    response = api_client_for(analyst).get(
        "/api/v1/violations/export.geojson", {"category": "tobacco"}
    )

    assert response.status_code == 200
    assert len(json.loads(b"".join(response.streaming_content))["features"]) == 1
    record = AuditRecord.objects.get(action="export", object_type="cases.violation")
    assert record.actor == analyst
    assert record.object_repr == "violations GEOJSON (1) via API"
    assert record.changes == {"format": "geojson", "rows": 1, "filters": {"category": "tobacco"}}


def test_the_page_export_is_audited_with_its_filters(analyst, violation_of_officer, client_for):
    export(client_for(analyst), "csv", category="tobacco")

    record = AuditRecord.objects.get(action="export", object_type="cases.violation")
    assert record.object_repr == "violations CSV (1)"
    assert record.changes == {"format": "csv", "rows": 1, "filters": {"category": "tobacco"}}


@pytest.fixture
def bell_violation(violation_of_officer):
    """Text holding control characters that an XLSX cell cannot store."""
    Violation.objects.filter(pk=violation_of_officer.pk).update(
        narrative="Driver rang\u0007 the bell",
        place_description="Lane\u001b 3",
        details={**violation_of_officer.details, "brand": "Min\u0007sk"},
    )
    return violation_of_officer


def xlsx_row(response) -> dict[str, object]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(BytesIO(content), read_only=True).active
    header, first = list(sheet.iter_rows(values_only=True))[:2]
    return dict(zip(header, first, strict=True))


def test_the_xlsx_export_drops_control_characters_on_the_page_and_the_api(
    analyst, bell_violation, client_for, api_client_for
):
    page = export(client_for(analyst), "xlsx")
    api = api_client_for(analyst).get("/api/v1/violations/export.xlsx")

    for response in (page, api):
        assert response.status_code == 200
        row = xlsx_row(response)
        assert row["reference"] == bell_violation.reference
        assert row["narrative"] == "Driver rang the bell"
        assert row["place"] == "Lane 3"
        assert "Min" in str(row["details"])
    assert AuditRecord.objects.filter(action="export").count() == 2
