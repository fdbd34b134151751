"""NUL characters and lone surrogates are cleaned at the request edge (portal.lib.text,
the API parsers and InputCleaningMiddleware) before they reach a form, a filter or
PostgreSQL, which refuses them: every input path answers without a server error."""

import json
from typing import Any

from django.urls import reverse

from cases.models import Entity, Violation
from portal.lib.text import data_clean, text_clean
from portal.models import AuditRecord
from tests.cases.test_violation_api import action_url, new_violation

VIOLATIONS = reverse("api:violation-list")


def post_json(client: Any, url: str, body: dict[str, Any]) -> Any:
    # json.dumps escapes NUL and lone surrogates ("\u0000", "\ud800") as a client would;
    # the test client's own encoder cannot encode a lone surrogate at all.
    return client.post(url, json.dumps(body), content_type="application/json")


def test_text_clean_drops_nul_and_replaces_lone_surrogates():
    assert text_clean("a\x00b\ud800c") == "ab\ufffdc"
    assert text_clean("\U0001f600") == "\U0001f600"
    assert data_clean({"k\x00": ["v\x00", {"x": "\udc00"}], "n": 1}) == {
        "k": ["v", {"x": "\ufffd"}],
        "n": 1,
    }


def test_a_nul_in_the_category_is_refused_under_category(api_client_for, officer):
    response = post_json(api_client_for(officer), VIOLATIONS, new_violation(category="nope\x00"))

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert list(response.json()["errors"]) == ["category"]
    assert not Violation.objects.exists()


def test_nul_and_lone_surrogates_in_details_are_cleaned_before_saving(api_client_for, officer):
    body = new_violation()
    body["details"]["brand"] = "Min\x00sk x\ud800"
    body["narrative"] = "Seen\x00 at lane 3"

    response = post_json(api_client_for(officer), VIOLATIONS, body)

    assert response.status_code == 201
    violation = Violation.objects.get()
    assert violation.details["brand"] == "Minsk x\ufffd"
    assert violation.narrative == "Seen at lane 3"


def test_a_nul_in_entity_properties_is_cleaned(api_client_for, officer, violation_of_officer):
    response = post_json(
        api_client_for(officer),
        action_url("entities", violation_of_officer),
        {
            "kind": "person",
            "role": "driver",
            "values": {"first_name": "Jo\x00nas", "last_name": "Jonaitis\ud800"},
            "properties": {"birth_date": "1980-01-02", "notes\x00": "tall\x00"},
        },
    )

    assert response.status_code == 201
    entity = Entity.objects.get(kind="Person")
    assert entity.label == "Jonas Jonaitis\ufffd"
    assert entity.properties["birthDate"] == ["1980-01-02"]
    assert entity.properties["notes"] == ["tall"]


def test_a_nul_in_the_hs_code_search_is_ignored(api_client_for, officer):
    response = api_client_for(officer).get(reverse("api:hs-code-list"), {"q": "2402\x00"})

    assert response.status_code == 200
    assert "240220" in [row["code"] for row in response.json()["results"]]


def test_a_nul_in_the_registry_search_is_ignored(api_client_for, officer):
    response = api_client_for(officer).get(reverse("api:entity-search"), {"q": "AB\x00C"})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_unknown_export_parameters_reach_the_audit_record_cleaned(
    analyst, violation_of_officer, api_client_for
):
    response = api_client_for(analyst).get(
        "/api/v1/violations/export.geojson", {"category": "tobacco", "x\x00": "y\x00"}
    )

    assert response.status_code == 200
    record = AuditRecord.objects.get(action="export", object_type="cases.violation")
    assert "\x00" not in json.dumps(record.changes, ensure_ascii=False)


def test_a_nul_in_a_page_filter_and_a_page_form_is_cleaned(
    analyst, officer, violation_of_officer, client_for
):
    page = client_for(analyst).get(
        reverse("cases:violation-export", kwargs={"file_format": "csv"}),
        {"category": "tobacco", "x\x00": "\x00"},
    )
    listing = client_for(officer).get(reverse("cases:violation-list"), {"text": "Med\x00"})

    assert page.status_code == 200
    assert listing.status_code == 200
    record = AuditRecord.objects.get(action="export", object_type="cases.violation")
    assert "\x00" not in json.dumps(record.changes, ensure_ascii=False)
