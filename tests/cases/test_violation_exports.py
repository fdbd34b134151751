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
    monkeypatch.setattr("cases.views.exports.EXPORT_ROW_LIMIT", 0)
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
