"""Account use cases: signing in and out, two-factor enrolment and resets, users."""

from typing import Any

from django.contrib.auth import login, logout
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from portal.lib.text import hidden_characters_check, lengths_check, person_names
from portal.models import AuditAction, OrgUnit, User
from portal.roles import Role
from portal.services.audit import REASON_MAX, audit_record


@transaction.atomic
def account_login(*, request: HttpRequest, user: User) -> None:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    audit_record(actor=user, action=AuditAction.LOGIN, obj=user)


@transaction.atomic
def account_login_failed(*, username: str) -> None:
    audit_record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        object_type="portal.user",
        object_repr=username[:150],
    )


@transaction.atomic
def account_logout(*, request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        audit_record(actor=user, action=AuditAction.LOGOUT, obj=user)
    logout(request)


@transaction.atomic
def two_factor_device_start(*, user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created on first call (enrolment step one)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def two_factor_device_confirm(
    *, request: HttpRequest, user: User, device: TOTPDevice, token: str
) -> bool:
    """Enrolment step two: a correct code confirms the device and verifies the session."""
    if not token.strip().isdigit() or not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    otp_login(request, device)
    audit_record(
        actor=user, action=AuditAction.TWO_FACTOR, obj=user, changes={"device": "enrolled"}
    )
    return True


@transaction.atomic
def two_factor_session_verify(*, request: HttpRequest, user: User, device: TOTPDevice) -> None:
    otp_login(request, device)
    audit_record(
        actor=user, action=AuditAction.TWO_FACTOR, obj=user, changes={"session": "verified"}
    )


@transaction.atomic
def two_factor_reset(*, actor: User, user: User, reason: str) -> None:
    """An administrator removes a user's devices; the user enrols again at next login."""
    lengths_check({"reason": (reason, REASON_MAX)})
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=user,
        changes={"two_factor_devices_removed": removed},
        reason=reason,
    )


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    roles: list[Role],
    org_unit: OrgUnit | None = None,
    **fields: Any,
) -> User:
    hidden_characters_check(person_names(fields))
    user = User(username=username, org_unit=org_unit, **fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=user,
        changes={"roles": sorted(r.value for r in roles), "org_unit": str(org_unit or "")},
    )
    return user


@transaction.atomic
def password_changed(*, user: User) -> None:
    audit_record(actor=user, action=AuditAction.UPDATE, obj=user, changes={"password": "changed"})


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """A fresh token for ``user``; the previous one stops working."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit_record(actor=user, action=AuditAction.TOKEN, obj=user)
    return token
