"""A request body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused by the API in its one
error shape with 413 (Django's own answer is an HTML "Bad Request" page)."""

import json

from django.conf import settings
from django.urls import reverse

from cases.models import Violation
from portal.models import AuditRecord

VIOLATIONS = reverse("api:violation-list")
TOO_LARGE = {
    "type": "payload_too_large",
    "detail": "The request body is larger than the server accepts.",
}


def body_just_over_the_limit() -> str:
    base = json.dumps({"category": "tobacco", "narrative": ""})
    padding = settings.DATA_UPLOAD_MAX_MEMORY_SIZE - len(base) + 1
    body = json.dumps({"category": "tobacco", "narrative": "x" * padding})
    assert len(body) == settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    return body


def test_a_json_body_over_the_limit_is_refused_with_413_in_the_error_shape(api_client_for, officer):
    audit_before = AuditRecord.objects.count()

    response = api_client_for(officer).post(
        VIOLATIONS, body_just_over_the_limit(), content_type="application/json"
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == TOO_LARGE
    assert not Violation.objects.exists()
    assert AuditRecord.objects.count() == audit_before


def test_a_form_body_over_the_limit_is_refused_with_413_in_the_error_shape(api_client_for, officer):
    body = "narrative=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = api_client_for(officer).post(
        VIOLATIONS, body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413
    assert response.json() == TOO_LARGE
    assert not Violation.objects.exists()


def test_a_body_within_the_limit_is_read(api_client_for, officer):
    body = json.dumps({"category": "tobacco", "narrative": "x" * 1000})

    response = api_client_for(officer).post(VIOLATIONS, body, content_type="application/json")

    assert response.status_code == 400  # read and validated: occurred_at is missing
    assert "occurred_at" in response.json()["errors"]
