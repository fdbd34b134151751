"""People: first sign-in by invitation link or one-time password, a forced password
change, deactivation, what an administrator sees of a person's signing in, and units'
heads, moves and deactivation. Bulk creation from a file is in test_user_import.py."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import ApiToken, AuditRecord, Invitation, OrgUnit, User
from portal.services.accounts import api_token_issue
from portal.services.invitations import invitation_issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kena-Crossing-Route-2026"


def new_user_data(unit, **overrides):
    data = {
        "username": "r.kazlauskas",
        "first_name": "Rokas",
        "last_name": "Kazlauskas",
        "email": "r.kazlauskas@customs.example",
        "org_unit": unit.pk,
        "roles": ["officer"],
        "first_sign_in": "invitation",
    }
    data.update(overrides)
    return data


def link_in(message) -> str:
    match = re.search(r"https?://\S+/accounts/invitation/(\S+)/", message.body)
    assert match, message.body
    return reverse("portal:invitation-accept", kwargs={"key": match.group(1)})


def key_of(link) -> str:
    return link.url.rstrip("/").rsplit("/", 1)[-1]


# --- Creating a person with an invitation link ------------------------------------------


def test_a_person_created_with_an_invitation_gets_a_link_by_e_mail_and_no_password(
    administrator, unit_a, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            reverse("portal:user-create"), new_user_data(unit_a)
        )

    created = User.objects.get(username="r.kazlauskas")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:user-detail", kwargs={"pk": created.pk})
    assert not created.has_usable_password()
    assert [message.to for message in mail.outbox] == [["r.kazlauskas@customs.example"]]
    assert "r.kazlauskas" in mail.outbox[0].body
    invitation = Invitation.objects.get(user=created)
    assert invitation.created_by == administrator
    assert invitation.expires > timezone.now() + timedelta(hours=71)
    assert AuditRecord.objects.filter(
        action="update", object_id=str(created.pk), changes__has_key="invitation"
    ).exists()


def test_an_invitation_needs_an_e_mail_address_and_nothing_is_created_without_one(
    administrator, unit_a, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            reverse("portal:user-create"), new_user_data(unit_a, email="")
        )

    assert response.status_code == 200
    assert "give the person's e-mail address" in " ".join(response.context["form"].errors["email"])
    assert not User.objects.filter(username="r.kazlauskas").exists()
    assert mail.outbox == []


def test_the_invited_person_sets_a_password_once_and_then_signs_in(officer, administrator, client):
    officer.set_unusable_password()
    officer.save()
    url = reverse(
        "portal:invitation-accept",
        kwargs={"key": key_of(invitation_issue(actor=administrator, user=officer))},
    )

    page = client.get(url)
    assert page.status_code == 200
    assert "officer_a" in page.content.decode()

    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:login")
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    assert AuditRecord.objects.filter(
        actor=officer, changes__password="set through invitation"
    ).exists()
    signed_in = client.post(
        reverse("portal:login"), {"username": "officer_a", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/"

    again = client.post(
        url, {"new_password1": "Other-Route-2027-x", "new_password2": "Other-Route-2027-x"}
    )
    assert again.status_code == 410
    assert "used already" in again.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)


def test_an_expired_invitation_link_sets_nothing_and_says_so(officer, administrator, client):
    link = invitation_issue(actor=administrator, user=officer)
    Invitation.objects.filter(pk=link.invitation.pk).update(
        expires=timezone.now() - timedelta(minutes=1)
    )
    url = reverse("portal:invitation-accept", kwargs={"key": key_of(link)})

    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    officer.refresh_from_db()
    assert not officer.check_password(NEW_PASSWORD)


def test_a_new_invitation_withdraws_the_older_link(officer, administrator, client):
    first = invitation_issue(actor=administrator, user=officer)
    invitation_issue(actor=administrator, user=officer)

    response = client.get(reverse("portal:invitation-accept", kwargs={"key": key_of(first)}))

    assert response.status_code == 410
    assert "use the link in the latest e-mail" in response.content.decode()


def test_an_unknown_invitation_key_is_not_found(client):
    response = client.get(reverse("portal:invitation-accept", kwargs={"key": "no-such-key"}))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_a_weak_password_on_the_invitation_page_is_refused_and_the_link_still_works(
    officer, administrator, client
):
    link = invitation_issue(actor=administrator, user=officer)
    url = reverse("portal:invitation-accept", kwargs={"key": key_of(link)})

    response = client.post(url, {"new_password1": "short", "new_password2": "short"})

    assert response.status_code == 200
    assert "too short" in " ".join(response.context["form"].errors["new_password2"])
    link.invitation.refresh_from_db()
    assert link.invitation.used is None


def test_the_administrator_resends_an_invitation_and_the_new_link_works(
    officer, administrator, client_for, django_capture_on_commit_callbacks
):
    old = invitation_issue(actor=administrator, user=officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            reverse("portal:user-invitation-resend", kwargs={"pk": officer.pk})
        )

    assert response.status_code == 302
    old.invitation.refresh_from_db()
    assert old.invitation.withdrawn is not None
    assert client_for(None).get(link_in(mail.outbox[-1])).status_code == 200


# --- One-time password and the forced change --------------------------------------------


def test_a_one_time_password_must_be_changed_before_anything_else(
    administrator, unit_a, client_for, client
):
    created = client_for(administrator).post(
        reverse("portal:user-create"), new_user_data(unit_a, first_sign_in="one_time_password")
    )
    one_time_password = created.context["one_time_password"]
    assert len(one_time_password) >= 14

    client.post(
        reverse("portal:login"), {"username": "r.kazlauskas", "password": one_time_password}
    )
    for path in ["/", reverse("portal:unit-list"), "/dispatch/my-tasks/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("portal:password-change"))
    api = client.get(reverse("api:orgunit-list"))
    assert api.status_code == 403
    assert api.json()["type"] == "password_change_required"

    changed = client.post(
        reverse("portal:password-change"),
        {
            "old_password": one_time_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert changed.status_code == 302
    person = User.objects.get(username="r.kazlauskas")
    assert not person.password_change_required
    assert client.get("/").status_code == 200


def test_the_administrator_forces_a_password_change_with_a_reason(
    administrator, officer, client_for
):
    url = reverse("portal:user-password-change-require", kwargs={"pk": officer.pk})

    refused = client_for(administrator).post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "Give a reason for the password change." in refused.content.decode()
    officer.refresh_from_db()
    assert not officer.password_change_required

    response = client_for(administrator).post(url, {"reason": "password seen on a screen"})

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.password_change_required
    record = AuditRecord.objects.filter(object_id=str(officer.pk)).latest("id")
    assert record.changes == {"password_change_required": True}
    assert record.reason == "password seen on a screen"
    signed_in = client_for(officer).get("/")
    assert signed_in["Location"].startswith(reverse("portal:password-change"))


def test_a_forced_password_change_is_refused_for_a_person_without_a_password(
    administrator, officer, client_for
):
    officer.set_unusable_password()
    officer.save()
    response = client_for(administrator).post(
        reverse("portal:user-password-change-require", kwargs={"pk": officer.pk}),
        {"reason": "ticket 7"},
    )
    assert response.status_code == 400
    assert "send them a new invitation" in response.content.decode()
    officer.refresh_from_db()
    assert not officer.password_change_required


def test_an_api_token_is_refused_while_a_password_change_is_required(officer, client):
    _token, key = api_token_issue(user=officer)
    User.objects.filter(pk=officer.pk).update(password_change_required=True)

    response = client.get(reverse("api:orgunit-list"), HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 403
    assert "new password" in response.json()["detail"]


# --- Deactivation -----------------------------------------------------------------------


def profile(user, **overrides):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "org_unit": user.org_unit_id,
        "roles": sorted(user.role_names()),
        "is_active": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_deactivated_person_cannot_sign_in_or_use_a_token_and_is_kept(
    administrator, officer, client_for, client
):
    _token, key = api_token_issue(user=officer)
    url = reverse("portal:user-detail", kwargs={"pk": officer.pk})
    session = client_for(officer)

    response = client_for(administrator).post(url, profile(officer, is_active=None))

    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    assert not ApiToken.objects.filter(user=officer).exists()
    record = AuditRecord.objects.filter(object_id=str(officer.pk)).latest("id")
    assert record.changes["is_active"] == ["True", "False"]
    assert record.changes["api_tokens_revoked"] == 1
    login = client.post(
        reverse("portal:login"), {"username": "officer_a", "password": "correct-horse-battery"}
    )
    assert login.status_code == 200
    assert "_auth_user_id" not in client.session
    assert session.get("/")["Location"].startswith(reverse("portal:login"))
    api = client.get(reverse("api:orgunit-list"), HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 401

    client_for(administrator).post(url, profile(officer))
    officer.refresh_from_db()
    assert officer.is_active
    again = client.post(
        reverse("portal:login"), {"username": "officer_a", "password": "correct-horse-battery"}
    )
    assert again.status_code == 302


def test_a_deactivated_person_cannot_use_their_invitation(officer, administrator, client_for):
    link = invitation_issue(actor=administrator, user=officer)
    client_for(administrator).post(
        reverse("portal:user-detail", kwargs={"pk": officer.pk}), profile(officer, is_active=None)
    )

    response = client_for(None).get(
        reverse("portal:invitation-accept", kwargs={"key": key_of(link)})
    )

    assert response.status_code == 410


# --- What the administrator sees of signing in ------------------------------------------


def test_the_user_page_shows_last_sign_in_and_failed_attempts(
    administrator, officer, client_for, client
):
    for _attempt in range(2):
        client.post(reverse("portal:login"), {"username": "officer_a", "password": "wrong"})
    User.objects.filter(pk=officer.pk).update(last_login=timezone.now() - timedelta(days=1))

    response = client_for(administrator).get(
        reverse("portal:user-detail", kwargs={"pk": officer.pk})
    )

    facts = response.context["sign_in"]
    assert facts.last_sign_in is not None
    assert facts.failures == 2
    assert not facts.locked_out
    assert len(facts.recent_failures) == 2
    assert "2 of 5 before a lockout" in response.content.decode()
    AccessAttempt.objects.filter(username="officer_a").update(failures_since_start=5)
    locked = client_for(administrator).get(reverse("portal:user-detail", kwargs={"pk": officer.pk}))
    assert locked.context["sign_in"].locked_out


# --- Units ------------------------------------------------------------------------------


def unit_data(unit, **overrides):
    data = {
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id or "",
        "head": unit.head_id or "",
        "is_active": "on" if unit.is_active else "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def test_the_administrator_names_a_head_of_unit_and_it_is_audited(
    administrator, officer, unit_a, client_for
):
    response = client_for(administrator).post(
        reverse("portal:unit-edit", kwargs={"pk": unit_a.pk}), unit_data(unit_a, head=officer.pk)
    )

    assert response.status_code == 302
    unit_a.refresh_from_db()
    assert unit_a.head == officer
    record = AuditRecord.objects.filter(object_type="portal.orgunit").latest("id")
    assert record.changes["head"][1] == str(officer)
    listing = client_for(administrator).get(reverse("portal:unit-list"))
    assert officer.get_full_name() in listing.content.decode()


def test_a_deactivated_person_cannot_be_head_of_unit(administrator, unit_a, client_for):
    UserFactory(username="gone", is_active=False)
    gone = User.objects.get(username="gone")
    response = client_for(administrator).post(
        reverse("portal:unit-edit", kwargs={"pk": unit_a.pk}), unit_data(unit_a, head=gone.pk)
    )
    assert response.status_code == 200
    assert "head" in response.context["form"].errors
    unit_a.refresh_from_db()
    assert unit_a.head is None


def test_a_unit_with_active_members_is_not_deactivated(administrator, officer, unit_a, client_for):
    response = client_for(administrator).post(
        reverse("portal:unit-edit", kwargs={"pk": unit_a.pk}), unit_data(unit_a, is_active="")
    )

    assert response.status_code == 200
    assert "still has 1 active members and 0 active sub-units" in " ".join(
        response.context["form"].errors["is_active"]
    )
    unit_a.refresh_from_db()
    assert unit_a.is_active


def test_an_empty_unit_is_deactivated_and_moved_under_another(administrator, client_for):
    root = OrgUnit.objects.create(code="root", name="HQ", kind="headquarters")
    other = OrgUnit.objects.create(code="other", name="Old post", kind="customs_post")
    url = reverse("portal:unit-edit", kwargs={"pk": other.pk})

    response = client_for(administrator).post(url, unit_data(other, parent=root.pk, is_active=""))

    assert response.status_code == 302
    other.refresh_from_db()
    assert other.parent == root
    assert not other.is_active


def test_an_invited_analyst_sets_up_two_factor_after_choosing_a_password(
    analyst, administrator, client
):
    TOTPDevice.objects.filter(user=analyst).delete()
    analyst.set_unusable_password()
    analyst.save()
    link = invitation_issue(actor=administrator, user=analyst)
    client.post(
        reverse("portal:invitation-accept", kwargs={"key": key_of(link)}),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    client.post(reverse("portal:login"), {"username": analyst.username, "password": NEW_PASSWORD})
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:two-factor-setup"))
