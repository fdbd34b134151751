"""Signing in and out, the second factor, idle sessions and password changes."""

import time

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.middleware import LAST_ACTIVITY_KEY
from portal.models import AuditAction, AuditRecord
from tests.conftest import PASSWORD, current_code, totp_device_for
from tests.portal.otp import wrong_code

LOGIN = reverse("portal:login")
LOGOUT = reverse("portal:logout")
DASHBOARD = reverse("portal:dashboard")
SETUP = reverse("portal:two-factor-setup")
VERIFY = reverse("portal:two-factor-verify")
PASSWORD_CHANGE = reverse("portal:password-change")
ME = reverse("api:me")


@pytest.fixture(autouse=True)
def _axes_forgets_failed_logins(db):
    """Axes keeps failures outside the test's objects; start and end each test clean."""
    axes_reset()
    yield
    axes_reset()


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def audit_rows(action: str) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action=action).order_by("id"))


# --- Password sign-in -------------------------------------------------------------------
def test_an_officer_signs_in_and_the_audit_trail_records_it_with_the_address(officer, client):
    response = sign_in(client, "officer_a", REMOTE_ADDR="198.51.100.23")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(officer.pk)
    [record] = audit_rows(AuditAction.LOGIN)
    assert record.actor == officer
    assert record.actor_username == "officer_a"
    assert record.ip_address == "198.51.100.23"
    assert record.object_type == "portal.user"
    assert record.object_id == str(officer.pk)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_sign_in_never_redirects_to_another_site(officer, client, target):
    response = client.post(LOGIN, {"username": "officer_a", "password": PASSWORD, "next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_in_returns_to_the_page_asked_for(officer, client):
    response = client.post(
        LOGIN, {"username": "officer_a", "password": PASSWORD, "next": PASSWORD_CHANGE}
    )

    assert response["Location"] == PASSWORD_CHANGE


def test_a_wrong_password_shows_the_form_again_with_an_error_and_is_audited(officer, client):
    response = sign_in(client, "officer_a", "not-the-password", REMOTE_ADDR="198.51.100.23")

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert audit_rows(AuditAction.LOGIN) == []
    [record] = audit_rows(AuditAction.LOGIN_FAILED)
    assert record.actor is None
    assert record.object_repr == "officer_a"
    assert record.ip_address == "198.51.100.23"


def test_after_too_many_failures_the_username_is_locked_out_even_with_the_right_password(
    officer, client
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer_a", "not-the-password")

    response = sign_in(client, "officer_a", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert AccessAttempt.objects.filter(username="officer_a").exists()
    assert audit_rows(AuditAction.LOGIN) == []
    assert client.get(DASHBOARD)["Location"].startswith(LOGIN)


def test_fewer_failures_than_the_limit_do_not_lock_the_username_out(officer, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "officer_a", "not-the-password")

    response = sign_in(client, "officer_a", PASSWORD)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(officer.pk)


def test_an_officer_needs_no_code_and_reaches_the_dashboard_with_a_password(officer, client):
    sign_in(client, "officer_a")

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=officer).exists()


# --- Second factor ----------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["analyst", "administrator"])
def test_a_role_that_needs_a_code_is_sent_to_setup_without_a_device(persona, request, client):
    user = request.getfixturevalue(persona)
    assert persona in settings.TWO_FACTOR_REQUIRED_ROLES

    sign_in(client, user.username)
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=/"
    assert client.session[SESSION_KEY] == str(user.pk)


@pytest.mark.parametrize("persona", ["analyst", "administrator"])
def test_a_role_that_needs_a_code_is_sent_to_verify_with_a_device(persona, request, client):
    user = request.getfixturevalue(persona)
    totp_device_for(user)

    sign_in(client, user.username)
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=/"


def test_an_analyst_without_a_code_cannot_open_other_pages_either(analyst, client):
    totp_device_for(analyst)
    sign_in(client, "analyst")

    assert client.get(PASSWORD_CHANGE)["Location"] == f"{VERIFY}?next={PASSWORD_CHANGE}"
    assert client.get(reverse("portal:audit-list")).status_code == 302


def test_after_the_code_the_analyst_lands_on_the_page_asked_for_with_its_query(analyst, client):
    device = totp_device_for(analyst)
    sign_in(client, "analyst")
    asked_for = f"{PASSWORD_CHANGE}?tab=security&lang=lt"

    detour = client.get(asked_for)
    assert detour.status_code == 302
    verify_page = client.get(detour["Location"])
    assert verify_page.context["next"] == asked_for

    response = client.post(VERIFY, {"code": current_code(device), "next": asked_for})

    assert response["Location"] == asked_for
    assert client.get(asked_for).status_code == 200


def test_setup_enrols_the_device_with_a_correct_code_and_opens_the_dashboard(analyst, client):
    sign_in(client, "analyst")
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "otpauth://totp/" in page.content.decode()
    device = TOTPDevice.objects.get(user=analyst, confirmed=False)

    response = client.post(SETUP, {"code": current_code(device), "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert TOTPDevice.objects.filter(user=analyst).count() == 1
    [record] = audit_rows(AuditAction.TWO_FACTOR)
    assert record.actor == analyst
    assert record.changes == {"device": "enrolled"}
    assert client.get(DASHBOARD).status_code == 200


def test_setup_refuses_a_wrong_code_and_leaves_the_device_unconfirmed(analyst, client):
    sign_in(client, "analyst")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=analyst, confirmed=False)

    response = client.post(SETUP, {"code": wrong_code(device)})

    assert response.status_code == 200
    assert "That code is not valid. Check the clock of your phone" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert audit_rows(AuditAction.TWO_FACTOR) == []
    assert client.get(DASHBOARD)["Location"].startswith(SETUP)


def test_verify_accepts_the_current_code_and_opens_the_dashboard(analyst, client):
    device = totp_device_for(analyst)
    sign_in(client, "analyst")

    response = client.post(VERIFY, {"code": current_code(device), "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    [record] = audit_rows(AuditAction.TWO_FACTOR)
    assert record.actor == analyst
    assert record.changes == {"session": "verified"}
    assert client.get(DASHBOARD).status_code == 200


def test_verify_refuses_a_wrong_code_and_keeps_the_dashboard_closed(analyst, client):
    device = totp_device_for(analyst)
    sign_in(client, "analyst")

    response = client.post(VERIFY, {"code": wrong_code(device)})

    assert response.status_code == 200
    assert "That code is not valid. Wait for a new code" in response.content.decode()
    assert audit_rows(AuditAction.TWO_FACTOR) == []
    assert client.get(DASHBOARD)["Location"].startswith(VERIFY)


# --- Signing out ------------------------------------------------------------------------
def test_logout_refuses_get_and_leaves_the_session_alone(officer, client_for):
    client = client_for(officer)

    response = client.get(LOGOUT)

    assert response.status_code == 405
    assert client.get(DASHBOARD).status_code == 200
    assert audit_rows(AuditAction.LOGOUT) == []


def test_logout_by_post_ends_the_session_and_is_audited(officer, client_for):
    client = client_for(officer)

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert SESSION_KEY not in client.session
    [record] = audit_rows(AuditAction.LOGOUT)
    assert record.actor == officer
    assert client.get(DASHBOARD)["Location"].startswith(LOGIN)


# --- Idle sessions ----------------------------------------------------------------------
def _last_active(client: Client, minutes_ago: float) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - minutes_ago * 60
    session.save()


def test_an_idle_session_is_sent_back_to_the_login_page(officer, client_for):
    client = client_for(officer)
    _last_active(client, settings.SESSION_IDLE_TIMEOUT_MINUTES + 1)

    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/"
    assert SESSION_KEY not in client.session
    login_page = client.get(response["Location"])
    assert "Your session expired after a period of inactivity." in login_page.content.decode()
    assert client.get(DASHBOARD)["Location"].startswith(LOGIN)


def test_an_idle_session_gets_401_from_the_api(officer, api_client_for):
    client = api_client_for(officer)
    _last_active(client, settings.SESSION_IDLE_TIMEOUT_MINUTES + 1)

    response = client.get(ME)

    assert response.status_code == 401
    assert response.json()["type"] == "not_authenticated"
    assert SESSION_KEY not in client.session


def test_a_session_active_within_the_limit_stays_open(officer, client_for, api_client_for):
    client = client_for(officer)
    _last_active(client, settings.SESSION_IDLE_TIMEOUT_MINUTES - 1)
    api = api_client_for(officer)
    _last_active(api, settings.SESSION_IDLE_TIMEOUT_MINUTES - 1)

    assert client.get(DASHBOARD).status_code == 200
    assert api.get(ME).status_code == 200


def test_the_last_activity_is_written_at_most_once_a_minute(officer, client_for):
    """Each write saves the whole session; a page fetched beside another (the service
    worker's) would otherwise put back what it read, losing what the other stored."""
    client = client_for(officer)
    _last_active(client, 0.5)
    recorded = client.session[LAST_ACTIVITY_KEY]

    assert client.get(DASHBOARD).status_code == 200
    assert client.session[LAST_ACTIVITY_KEY] == recorded

    _last_active(client, 2)
    assert client.get(DASHBOARD).status_code == 200
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 30


# --- Password change --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("Sh0rt!pw", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
    ],
)
def test_a_password_that_breaks_the_policy_is_refused_and_nothing_changes(
    officer, client_for, new_password, message
):
    client = client_for(officer)

    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    assert not officer.check_password(new_password)
    assert audit_rows(AuditAction.UPDATE) == []


def test_a_wrong_old_password_is_refused_and_nothing_changes(officer, client_for):
    client = client_for(officer)
    new = "Trakai-castle-lake-1409"

    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": "not-the-password", "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 200
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    assert audit_rows(AuditAction.UPDATE) == []


def test_a_good_new_password_is_saved_audited_and_the_session_survives(officer, client_for):
    client = client_for(officer)
    new = "Trakai-castle-lake-1409"

    response = client.post(
        PASSWORD_CHANGE, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    officer.refresh_from_db()
    assert officer.check_password(new)
    assert not officer.check_password(PASSWORD)
    [record] = audit_rows(AuditAction.UPDATE)
    assert record.actor == officer
    assert record.changes == {"password": "changed"}
    assert client.get(DASHBOARD).status_code == 200
    assert sign_in(Client(), "officer_a", new).status_code == 302


def test_a_forged_proxy_header_is_not_recorded_unless_a_proxy_is_configured(officer, settings):
    from django.test import Client

    from portal.models import AuditRecord

    Client(HTTP_X_REAL_IP="203.0.113.9").post(
        reverse("portal:login"), {"username": "officer_a", "password": PASSWORD}
    )
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    Client(HTTP_X_REAL_IP="203.0.113.9").post(
        reverse("portal:login"), {"username": "officer_a", "password": PASSWORD}
    )

    first, second = AuditRecord.objects.filter(action="login").order_by("id")
    assert first.ip_address == "127.0.0.1"
    assert second.ip_address == "203.0.113.9"
