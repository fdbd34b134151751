"""The audit list names what was done to what in words: a failed sign-in by the account
name given (or says none was given), an object by its kind, never a bare stored value."""

import html

import pytest
from django.urls import reverse
from django.utils import translation

from portal.services.accounts import account_login_failed
from portal.services.audit import audit_record

pytestmark = pytest.mark.django_db


def _audit_page(client, language: str = "en") -> str:
    with translation.override(language):
        response = client.get(reverse("portal:audit-list"), headers={"Accept-Language": language})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_a_failed_sign_in_without_a_name_says_so(client_for, administrator):
    account_login_failed(username="")

    page = _audit_page(client_for(administrator))

    assert "no account name given" in page
    assert "account name given: “”" not in page


def test_an_object_is_named_by_its_kind_not_its_table(client_for, administrator, officer):
    audit_record(actor=administrator, action="view", obj=officer)

    page = _audit_page(client_for(administrator))

    assert f"user #{officer.pk}" in page
    assert "portal.user" not in page
