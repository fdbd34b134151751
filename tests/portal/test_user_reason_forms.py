"""The small reason forms of the user page (two-factor reset, lockout, API token): a
refused one draws the user page again (400) with the message at its field and in the
form's error summary, what was typed kept, nothing changed; not a redirect with a
message at the top of the page."""

import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import ApiToken, AuditRecord
from portal.services.accounts import api_token_issue
from portal.services.audit import REASON_MAX
from tests.conftest import totp_device_for

pytestmark = pytest.mark.django_db


def _field_error(page: str, control_id: str) -> str:
    """The messages under the control ``control_id`` (its field's error list)."""
    match = re.search(rf'<ul class="errorlist" id="{control_id}-errors">(.*?)</ul>', page, re.S)
    assert match, f"no error at {control_id}"
    return match.group(1)


def _summary_links(page: str) -> list[str]:
    return re.findall(r'<a href="#([^"]+)" data-error-link>', page)


def _value_of(page: str, control_id: str) -> str:
    match = re.search(rf'<input[^>]*id="{control_id}"[^>]*>', page)
    assert match, f"no control {control_id}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def test_a_reset_without_a_reason_shows_the_message_at_its_field(
    administrator, analyst, client_for
):
    totp_device_for(analyst)
    url = reverse("portal:user-two-factor-reset", kwargs={"pk": analyst.pk})

    response = client_for(administrator).post(url, {"reason": "  "})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Give a reason for the reset." in _field_error(page, "id_reset_reason")
    assert _summary_links(page) == ["id_reset_reason"]
    assert 'class="messages' not in page  # no banner at the top
    assert TOTPDevice.objects.filter(user=analyst).exists()
    assert analyst.get_full_name() in page  # the user's own page


def test_a_reset_reason_too_long_is_refused_and_kept(administrator, analyst, client_for):
    totp_device_for(analyst)
    url = reverse("portal:user-two-factor-reset", kwargs={"pk": analyst.pk})
    typed = "phone lost " * (REASON_MAX // 10 + 1)

    response = client_for(administrator).post(url, {"reason": typed})

    assert response.status_code == 400
    page = response.content.decode()
    assert "at most" in _field_error(page, "id_reset_reason")
    assert _value_of(page, "id_reset_reason") == typed
    assert TOTPDevice.objects.filter(user=analyst).exists()


def test_an_unlock_without_a_reason_shows_the_message_at_its_field(
    administrator, officer, client_for
):
    AccessAttempt.objects.create(
        username=officer.username, ip_address="10.0.0.1", user_agent="x", failures_since_start=9
    )
    url = reverse("portal:user-unlock", kwargs={"pk": officer.pk})
    audited = AuditRecord.objects.count()

    response = client_for(administrator).post(url, {"reason": ""})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Give a reason for lifting the lockout." in _field_error(page, "id_unlock_reason")
    assert _summary_links(page) == ["id_unlock_reason"]
    # The other reason forms on the page are fresh: no error, no summary.
    assert "id_reset_reason-errors" not in page
    assert AccessAttempt.objects.filter(username=officer.username).exists()
    assert AuditRecord.objects.filter(action="update").count() <= audited


def test_a_token_revoked_without_a_reason_shows_the_message_under_that_token(
    administrator, officer, client_for
):
    token, _ = api_token_issue(user=officer, client="patrol-tablet-3")
    other, _ = api_token_issue(user=officer, client="station-laptop")
    url = reverse("portal:user-api-token-revoke", kwargs={"pk": officer.pk})

    response = client_for(administrator).post(url, {"token": token.pk, "reason": ""})

    assert response.status_code == 400
    page = response.content.decode()
    control = f"id_token_{token.pk}_reason"
    assert "Give a reason for revoking the token." in _field_error(page, control)
    assert _summary_links(page) == [control]
    assert f"id_token_{other.pk}_reason-errors" not in page
    assert "Reason for revoking the token of patrol-tablet-3" in page
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_a_token_reason_too_long_is_kept_in_its_field(administrator, officer, client_for):
    token, _ = api_token_issue(user=officer, client="patrol-tablet-3")
    url = reverse("portal:user-api-token-revoke", kwargs={"pk": officer.pk})
    typed = "tablet reported stolen " * 30

    response = client_for(administrator).post(url, {"token": token.pk, "reason": typed})

    assert response.status_code == 400
    page = response.content.decode()
    assert _value_of(page, f"id_token_{token.pk}_reason") == typed
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_reason_fields_are_labelled_on_the_user_page(administrator, officer, client_for):
    token, _ = api_token_issue(user=officer, client="patrol-tablet-3")

    page = client_for(administrator).get(reverse("portal:user-detail", args=[officer.pk]))

    html = page.content.decode()
    assert '<label for="id_unlock_reason">' in html
    assert f'<label for="id_token_{token.pk}_reason">' in html
    assert f'name="token" value="{token.pk}"' in html


def test_a_revocation_without_a_token_is_refused_on_the_page(administrator, officer, client_for):
    token, _ = api_token_issue(user=officer, client="patrol-tablet-3")
    url = reverse("portal:user-api-token-revoke", kwargs={"pk": officer.pk})

    response = client_for(administrator).post(url, {"token": "x", "reason": "stolen"})

    assert response.status_code == 400
    assert "Choose a token to revoke." in response.content.decode()
    assert ApiToken.objects.filter(pk=token.pk).exists()
