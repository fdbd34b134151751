"""The REST API of the core: tokens, the signed-in user, lists, errors and the schema."""

import hashlib
import re
from datetime import timedelta

import pytest
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from portal.models import ApiToken, AuditAction, AuditRecord, api_token_digest
from portal.services.audit import audit_record
from tests.conftest import PASSWORD, current_code, totp_device_for
from tests.factories import UserFactory
from tests.portal.otp import wrong_code

TOKEN = reverse("api:auth-token")
ME = reverse("api:me")
USERS = reverse("api:user-list")
AUDIT_RECORDS = reverse("api:auditrecord-list")


@pytest.fixture(autouse=True)
def _axes_forgets_failed_logins(db):
    axes_reset()
    yield
    axes_reset()


def request_token(username: str, password: str = PASSWORD, **extra: str):
    return APIClient().post(
        TOKEN, {"username": username, "password": password, **extra}, format="json"
    )


def client_with(header: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    return client


# --- Tokens -----------------------------------------------------------------------------
@pytest.mark.parametrize("keyword", ["Token", "Bearer"])
def test_an_officer_gets_a_token_that_opens_their_profile(officer, keyword):
    response = request_token("officer_a")

    assert response.status_code == 200
    body = response.json()
    assert body["expires_in_hours"] == settings.API_TOKEN_TTL_HOURS
    assert ApiToken.objects.get(user=officer).key_digest == api_token_digest(body["token"])
    [record] = AuditRecord.objects.filter(action=AuditAction.TOKEN)
    assert record.actor == officer

    me = client_with(f"{keyword} {body['token']}").get(ME)

    assert me.status_code == 200
    assert me.json()["username"] == "officer_a"


def test_me_lists_the_roles_and_permissions_of_the_caller(officer, unit_a):
    token = request_token("officer_a").json()["token"]

    me = client_with(f"Token {token}").get(ME).json()

    assert me["roles"] == ["officer"]
    assert "portal.view_orgunit" in me["permissions"]
    assert "portal.view_auditrecord" not in me["permissions"]
    assert me["org_unit"]["code"] == unit_a.code


def test_an_analyst_without_a_code_gets_no_token(analyst):
    totp_device_for(analyst)

    response = request_token("analyst")

    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert body["detail"]
    assert body["errors"] == {"non_field_errors": ["Unable to sign in with these credentials."]}
    assert not ApiToken.objects.filter(user=analyst).exists()
    assert not AuditRecord.objects.filter(action=AuditAction.TOKEN).exists()
    [failure] = AuditRecord.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert failure.object_repr == "analyst"


def test_an_analyst_with_a_wrong_code_gets_no_token(analyst):
    device = totp_device_for(analyst)

    response = request_token("analyst", otp_code=wrong_code(device))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["Unable to sign in with these credentials."]
    }
    assert not ApiToken.objects.filter(user=analyst).exists()


def test_a_wrong_password_a_missing_code_and_a_wrong_code_get_the_same_answer(analyst):
    device = totp_device_for(analyst)

    answers = [
        request_token("analyst", "not-the-password", otp_code=current_code(device)),
        request_token("analyst"),
        request_token("analyst", otp_code=wrong_code(device)),
    ]

    assert {response.status_code for response in answers} == {400}
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert AuditRecord.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 3


@pytest.mark.parametrize("failure", ["wrong password", "missing code", "wrong code"])
def test_repeated_failures_of_any_kind_lock_the_account(analyst, failure):
    device = totp_device_for(analyst)
    attempts = {
        "wrong password": {"password": "not-the-password"},
        "missing code": {},
        "wrong code": {"otp_code": wrong_code(device)},
    }
    for _ in range(settings.AXES_FAILURE_LIMIT):
        request_token("analyst", **attempts[failure])

    response = request_token("analyst", otp_code=current_code(device))

    assert response.status_code == 429
    assert response.json()["type"] == "locked_out"
    assert not ApiToken.objects.filter(user=analyst).exists()


def test_an_analyst_with_the_current_code_gets_a_token(analyst):
    device = totp_device_for(analyst)

    response = request_token("analyst", otp_code=current_code(device))

    assert response.status_code == 200
    assert ApiToken.objects.get(user=analyst).key_digest == api_token_digest(
        response.json()["token"]
    )
    me = client_with(f"Bearer {response.json()['token']}").get(ME)
    assert me.status_code == 200
    assert me.json()["roles"] == ["analyst"]


def test_a_wrong_password_gets_no_token(officer):
    response = request_token("officer_a", "not-the-password")

    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert body["errors"]["non_field_errors"] == ["Unable to sign in with these credentials."]
    assert not ApiToken.objects.filter(user=officer).exists()
    [failure] = AuditRecord.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert failure.object_repr == "officer_a"
    assert failure.actor is None


def test_after_too_many_failures_the_token_endpoint_refuses_the_right_password(officer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        request_token("officer_a", "not-the-password")

    response = request_token("officer_a")

    assert response.status_code == 429
    assert response.json()["type"] == "locked_out"
    assert not ApiToken.objects.filter(user=officer).exists()
    assert not AuditRecord.objects.filter(action=AuditAction.TOKEN).exists()


@pytest.fixture
def token_rates(settings):
    """Low token rates for one test, with the throttle counters of its clients cleared."""
    accounts = ["officer_a", "officer_b", "dispatcher"]
    # Accounts are counted under a digest of the name, addresses as they are.
    idents = [hashlib.sha256(name.encode()).hexdigest() for name in accounts]
    idents += ["10.0.0.8", "10.0.0.9", "10.0.0.10"]
    keys = [f"throttle_{scope}_{ident}" for scope in SCOPES for ident in idents]
    cache.delete_many(keys)

    def set_rates(*, per_account: str, per_address: str) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"token_account": per_account, "token_address": per_address},
        }

    yield set_rates
    cache.delete_many(keys)


SCOPES = ("token_account", "token_address")


def request_token_from(address: str, username: str, password: str = PASSWORD):
    return APIClient(REMOTE_ADDR=address).post(
        TOKEN, {"username": username, "password": password}, format="json"
    )


def test_token_requests_are_throttled_per_account(officer, officer_b, token_rates):
    token_rates(per_account="2/min", per_address="100/min")
    for address in ("10.0.0.8", "10.0.0.9"):
        assert request_token_from(address, "officer_a", "not-the-password").status_code == 400

    refused = request_token_from("10.0.0.10", "Officer_A")

    assert refused.status_code == 429
    assert refused.json()["type"] == "throttled"
    assert not ApiToken.objects.filter(user=officer).exists()
    # Another account behind the same address is not held up by the busy one.
    assert request_token_from("10.0.0.10", "officer_b").status_code == 200


def test_token_requests_are_throttled_per_address_too(officer, officer_b, dispatcher, token_rates):
    token_rates(per_account="100/min", per_address="2/min")
    assert request_token_from("10.0.0.9", "officer_a").status_code == 200
    assert request_token_from("10.0.0.9", "officer_b").status_code == 200

    assert request_token_from("10.0.0.9", "dispatcher").status_code == 429
    assert request_token_from("10.0.0.8", "dispatcher").status_code == 200


def test_a_request_without_a_password_gets_the_field_error(officer):
    response = APIClient().post(TOKEN, {"username": "officer_a"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["password"] == ["This field is required."]


def test_a_token_older_than_its_lifetime_is_refused(officer):
    key = request_token("officer_a").json()["token"]
    expired = timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS, minutes=1)
    ApiToken.objects.filter(key_digest=api_token_digest(key)).update(
        created=expired, expires=expired + timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    )

    response = client_with(f"Token {key}").get(ME)

    assert response.status_code == 401
    assert response.json()["type"] == "authentication_failed"
    assert response.json()["detail"] == "The token has expired; request a new one."


def test_a_token_just_inside_its_lifetime_still_works(officer):
    key = request_token("officer_a").json()["token"]
    recent = timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS, minutes=-1)
    ApiToken.objects.filter(key_digest=api_token_digest(key)).update(
        created=recent, expires=recent + timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    )

    assert client_with(f"Token {key}").get(ME).status_code == 200


def test_a_new_token_invalidates_the_previous_one(officer):
    old = request_token("officer_a").json()["token"]
    new = request_token("officer_a").json()["token"]

    assert old != new
    assert ApiToken.objects.filter(user=officer).count() == 1
    refused = client_with(f"Token {old}").get(ME)
    assert refused.status_code == 401
    assert refused.json()["type"] == "authentication_failed"
    assert client_with(f"Token {new}").get(ME).status_code == 200
    assert AuditRecord.objects.filter(action=AuditAction.TOKEN, actor=officer).count() == 2


def test_two_clients_of_one_account_keep_their_own_tokens(officer):
    tablet = request_token("officer_a", client="patrol-tablet-3").json()
    laptop = request_token("officer_a", client="station-laptop").json()

    assert tablet["client"] == "patrol-tablet-3"
    assert client_with(f"Token {tablet['token']}").get(ME).status_code == 200
    assert client_with(f"Token {laptop['token']}").get(ME).status_code == 200
    assert sorted(ApiToken.objects.filter(user=officer).values_list("name", flat=True)) == [
        "patrol-tablet-3",
        "station-laptop",
    ]
    records = AuditRecord.objects.filter(action=AuditAction.TOKEN, actor=officer)
    assert sorted(r.changes["client"] for r in records) == ["patrol-tablet-3", "station-laptop"]


def test_a_token_is_stored_as_its_digest_only(officer):
    key = request_token("officer_a").json()["token"]

    token = ApiToken.objects.get(user=officer)
    assert key not in {token.key_digest, token.name}
    assert token.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert token.name == "default"
    assert token.expires == token.created + timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def test_using_a_token_records_when_it_was_last_used(officer):
    key = request_token("officer_a").json()["token"]
    assert ApiToken.objects.get(user=officer).last_used is None

    client_with(f"Token {key}").get(ME)

    assert ApiToken.objects.get(user=officer).last_used is not None


def test_a_token_of_a_deactivated_user_is_refused(officer):
    key = request_token("officer_a").json()["token"]
    officer.is_active = False
    officer.save(update_fields=["is_active"])

    assert client_with(f"Token {key}").get(ME).status_code == 401


def test_a_blank_client_name_is_refused(officer):
    response = request_token("officer_a", client="")

    assert response.status_code == 400
    assert "client" in response.json()["errors"]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("header", ["Bearer", "Token", "Bearer one two"])
def test_a_malformed_token_header_is_refused(officer, header):
    response = client_with(header).get(ME)

    assert response.status_code == 401
    assert response.json()["type"] == "authentication_failed"


def test_an_unknown_token_is_refused(officer):
    response = client_with("Token " + "0" * 40).get(ME)

    assert response.status_code == 401
    assert response.json()["type"] == "authentication_failed"


# --- Anonymous and half-signed-in callers ----------------------------------------------
def test_an_anonymous_caller_gets_401_in_the_common_error_shape(db):
    response = APIClient().get(ME)

    assert response.status_code == 401
    body = response.json()
    assert body["type"] == "not_authenticated"
    assert body["detail"]
    assert "errors" not in body


def test_an_analyst_signed_in_by_session_without_a_code_gets_403(analyst):
    client = APIClient()
    client.force_login(analyst)

    response = client.get(ME)

    assert response.status_code == 403
    assert response.json()["type"] == "two_factor_required"


def test_an_analyst_signed_in_by_session_with_a_code_gets_through(analyst, api_client_for):
    response = api_client_for(analyst).get(ME)

    assert response.status_code == 200
    assert response.json()["username"] == "analyst"


# --- Lists: pagination and filters ------------------------------------------------------
def test_the_user_list_is_paginated(administrator, personas, officer_b, api_client_for):
    client = api_client_for(administrator)

    first = client.get(USERS, {"page_size": 2}).json()
    last = client.get(USERS, {"page_size": 2, "page": 3}).json()

    assert first["count"] == 5
    assert [user["username"] for user in first["results"]] == ["administrator", "analyst"]
    assert first["next"].endswith("page=2&page_size=2")
    assert first["previous"] is None
    assert [user["username"] for user in last["results"]] == ["officer_b"]
    assert last["next"] is None


def test_the_user_list_filters_by_role(administrator, personas, officer_b, api_client_for):
    UserFactory(username="officer_and_analyst", roles=["officer", "analyst"])

    response = api_client_for(administrator).get(USERS, {"role": "officer"})

    assert response.status_code == 200
    assert [user["username"] for user in response.json()["results"]] == [
        "officer_a",
        "officer_and_analyst",
        "officer_b",
    ]
    assert response.json()["count"] == 3


def test_the_audit_list_filters_by_action(administrator, officer, api_client_for):
    login = audit_record(actor=officer, action=AuditAction.LOGIN, obj=officer)
    audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)
    audit_record(actor=officer, action=AuditAction.LOGOUT, obj=officer)

    response = api_client_for(administrator).get(AUDIT_RECORDS, {"action": "login"})

    assert response.status_code == 200
    assert response.json()["count"] == 1
    [row] = response.json()["results"]
    assert row["id"] == login.pk
    assert row["actor_username"] == "officer_a"
    assert row["record_hash"] == login.record_hash


def test_an_officer_cannot_list_users(officer, api_client_for):
    response = api_client_for(officer).get(USERS)

    assert response.status_code == 403
    assert response.json()["type"] == "permission_denied"


# --- Schema and documentation -----------------------------------------------------------
def test_the_schema_describes_the_endpoints_and_the_error_shape(officer, api_client_for):
    response = api_client_for(officer).get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/auth/token/" in schema["paths"]
    assert "/api/v1/me/" in schema["paths"]
    error = schema["components"]["schemas"]["ErrorResponse"]
    # "training": the training gate's refusal only (portal.api.errors.GateRefused).
    assert set(error["properties"]) == {"type", "detail", "errors", "training"}
    token_errors = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]["400"]
    assert token_errors["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorResponse"
    }
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_schema_is_closed_to_anonymous_callers(db):
    response = APIClient().get(reverse("api-schema"))

    assert response.status_code == 401


def test_the_docs_load_swagger_ui_from_our_own_static_files(officer, client_for):
    response = client_for(officer).get(reverse("api-docs"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui" in source for source in sources)
    # Swagger UI's files, and its start-up script from the docs view itself (not inline).
    own_script = reverse("api-docs") + "?script="
    assert all(
        source.startswith(settings.STATIC_URL) or source == own_script for source in sources
    ), sources
    assert own_script in sources
    assert not re.search(r"(src|href)=\"https?://", html)
