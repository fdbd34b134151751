"""API tokens, one per client: listed and revoked by their owner on their own page, and by
administrators (with a reason) on the user's page; every revocation audited."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from portal.models import ApiToken, AuditAction, AuditRecord
from portal.services.accounts import api_token_issue

pytestmark = pytest.mark.django_db

MY_TOKENS = reverse("portal:api-token-list")
REVOKE_MINE = reverse("portal:api-token-revoke")
ME = reverse("api:me")


def opens_the_api(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(ME).status_code == 200


def revoke_url(user) -> str:
    return reverse("portal:user-api-token-revoke", kwargs={"pk": user.pk})


# --- The person's own page ---------------------------------------------------------------
def test_a_person_sees_the_tokens_of_their_own_clients_only(officer, officer_b, client_for):
    api_token_issue(user=officer, client="patrol-tablet-3")
    api_token_issue(user=officer, client="station-laptop")
    api_token_issue(user=officer_b, client="someone-elses-phone")

    response = client_for(officer).get(MY_TOKENS)

    assert response.status_code == 200
    page = response.content.decode()
    assert "patrol-tablet-3" in page
    assert "station-laptop" in page
    assert "someone-elses-phone" not in page


def test_a_person_with_no_tokens_is_told_so(officer, client_for):
    response = client_for(officer).get(MY_TOKENS)

    assert "You have no API tokens." in response.content.decode()


def test_a_person_revokes_one_of_their_tokens_and_the_other_keeps_working(officer, client_for):
    tablet, tablet_key = api_token_issue(user=officer, client="patrol-tablet-3")
    _, laptop_key = api_token_issue(user=officer, client="station-laptop")

    response = client_for(officer).post(REVOKE_MINE, {"token": tablet.pk})

    assert response.status_code == 302
    assert response["Location"] == MY_TOKENS
    assert not ApiToken.objects.filter(pk=tablet.pk).exists()
    assert not opens_the_api(tablet_key)
    assert opens_the_api(laptop_key)
    [record] = AuditRecord.objects.filter(action=AuditAction.TOKEN_REVOKED)
    assert record.actor == officer
    assert record.object_id == str(officer.pk)
    assert record.changes == {"client": "patrol-tablet-3"}


def test_a_person_cannot_revoke_someone_elses_token(officer, officer_b, client_for):
    theirs, key = api_token_issue(user=officer_b, client="phone")

    response = client_for(officer).post(REVOKE_MINE, {"token": theirs.pk})

    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert opens_the_api(key)
    assert not AuditRecord.objects.filter(action=AuditAction.TOKEN_REVOKED).exists()


@pytest.mark.parametrize("data", [{}, {"token": "not-a-number"}])
def test_a_revocation_without_a_token_revokes_nothing(officer, client_for, data):
    token, _ = api_token_issue(user=officer, client="phone")

    response = client_for(officer).post(REVOKE_MINE, data)

    assert response.status_code == 302
    assert ApiToken.objects.filter(pk=token.pk).exists()


# --- The administrator's user page ------------------------------------------------------
def test_the_administrator_sees_the_tokens_on_the_user_page(administrator, officer, client_for):
    api_token_issue(user=officer, client="patrol-tablet-3")

    response = client_for(administrator).get(reverse("portal:user-detail", args=[officer.pk]))

    page = response.content.decode()
    assert "patrol-tablet-3" in page
    assert revoke_url(officer) in page


def test_a_dispatcher_does_not_see_the_tokens_of_a_user(dispatcher, officer, client_for):
    api_token_issue(user=officer, client="patrol-tablet-3")

    response = client_for(dispatcher).get(reverse("portal:user-detail", args=[officer.pk]))

    assert response.status_code == 200
    assert "patrol-tablet-3" not in response.content.decode()


def test_the_administrator_revokes_a_token_with_a_reason(administrator, officer, client_for):
    token, key = api_token_issue(user=officer, client="patrol-tablet-3")

    response = client_for(administrator).post(
        revoke_url(officer), {"token": token.pk, "reason": "tablet reported stolen"}
    )

    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert not opens_the_api(key)
    [record] = AuditRecord.objects.filter(action=AuditAction.TOKEN_REVOKED)
    assert record.actor == administrator
    assert record.object_id == str(officer.pk)
    assert record.reason == "tablet reported stolen"


def test_without_a_reason_the_administrator_revokes_nothing(administrator, officer, client_for):
    token, key = api_token_issue(user=officer, client="patrol-tablet-3")

    client = client_for(administrator)
    response = client.post(revoke_url(officer), {"token": token.pk, "reason": ""})

    assert response.status_code == 400
    assert "Give a reason for revoking the token." in response.content.decode()
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert opens_the_api(key)


def test_a_token_of_another_user_cannot_be_revoked_through_this_user(
    administrator, officer, officer_b, client_for
):
    theirs, _ = api_token_issue(user=officer_b, client="phone")

    response = client_for(administrator).post(
        revoke_url(officer), {"token": theirs.pk, "reason": "mix-up"}
    )

    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_a_dispatcher_cannot_revoke_a_token(dispatcher, officer, client_for):
    token, _ = api_token_issue(user=officer, client="phone")

    response = client_for(dispatcher).post(
        revoke_url(officer), {"token": token.pk, "reason": "because"}
    )

    assert response.status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()
