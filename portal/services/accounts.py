"""Account use cases: signing in and out, two-factor enrolment and resets, users."""

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.lib.text import hidden_characters_check, lengths_check, person_names
from portal.models import ApiToken, AuditAction, OrgUnit, User, api_token_digest
from portal.roles import Role
from portal.services.audit import REASON_MAX, audit_record


@transaction.atomic
def account_login(*, request: HttpRequest, user: User) -> None:
    login(request, user, backend="portal.backends.PortalModelBackend")
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
def account_second_factor_failed(*, request: HttpRequest, username: str) -> None:
    """The password was right but the one-time code missing or wrong: audited, and
    counted towards the lockout (django-axes) like a wrong password."""
    account_login_failed(username=username)
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


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
    password_hash: str = "",
    **fields: Any,
) -> User:
    """Create a person; ``password_hash``: their password hashed already (a bulk creation
    hashes outside its transaction, where the progress of the slow hashing shows)."""
    hidden_characters_check(person_names(fields))
    user = User(username=username, org_unit=org_unit, **fields)
    if password_hash:
        user.password = password_hash
    elif password:
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
    """The person chose a new password: a change an administrator asked for is done."""
    changes: dict[str, Any] = {"password": "changed"}
    if user.password_change_required:
        User.objects.filter(pk=user.pk).update(password_change_required=False)
        user.password_change_required = False
        changes["password_change_required"] = False
    audit_record(actor=user, action=AuditAction.UPDATE, obj=user, changes=changes)


API_CLIENT_DEFAULT_NAME = "default"
# last_used is written at most this often per token: a device polling every few seconds
# should not turn each of its reads into a write.
API_TOKEN_LAST_USED_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def api_token_issue(*, user: User, client: str = API_CLIENT_DEFAULT_NAME) -> tuple[ApiToken, str]:
    """A fresh token for ``user``'s ``client``, and its key (shown once: only the digest is
    kept). The client's previous token, if any, stops working; other clients' go on."""
    name = client.strip() or API_CLIENT_DEFAULT_NAME
    # Two requests of one client at once: the lock on the user row makes the second wait
    # for the first, so that the unique (user, name) constraint is not raced into an error.
    User.objects.select_for_update().filter(pk=user.pk).first()
    replaced = ApiToken.objects.filter(user=user, name=name).delete()[0] > 0
    key = secrets.token_hex(20)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name,
        key_digest=api_token_digest(key),
        created=now,
        expires=now + timedelta(hours=settings.API_TOKEN_TTL_HOURS),
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=user,
        action=AuditAction.TOKEN,
        obj=user,
        changes={"client": name, "expires": token.expires.isoformat(), "replaced": replaced},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken, reason: str = "") -> None:
    """``token`` stops working at once: by its owner, or by an administrator (who gives a
    reason; the caller has checked the permission)."""
    owner = token.user
    name = token.name
    token.delete()
    audit_record(
        actor=actor,
        action=AuditAction.TOKEN_REVOKED,
        obj=owner,
        changes={"client": name},
        reason=reason,
    )


def api_token_used(*, token: ApiToken) -> None:
    """Record that ``token`` opened a request (at most once per resolution, one UPDATE)."""
    now = timezone.now()
    if token.last_used is not None and now - token.last_used < API_TOKEN_LAST_USED_RESOLUTION:
        return
    # A conditional UPDATE: concurrent requests of one token write once, never backwards.
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used__isnull=True) | Q(last_used__lt=now - API_TOKEN_LAST_USED_RESOLUTION)
    ).update(last_used=now)
    token.last_used = now
