"""Administration use cases: users and organisational units. Each change is audited."""

import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lib.text import hidden_characters_check, lengths_check, person_names
from portal.models import ApiToken, AuditAction, Invitation, OrgUnit, User
from portal.roles import Role
from portal.services import accounts
from portal.services.audit import REASON_MAX, audit_record
from portal.services.invitations import InvitationLink, invitation_issue, invitations_send

USER_EDITABLE_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "badge_number",
    "phone",
    "org_unit",
    "is_active",
]
ORG_UNIT_EDITABLE_FIELDS = ["name", "kind", "parent", "head", "is_active"]
# Letters and digits that cannot be misread for one another when read out or copied from
# a screen (no 0/O, 1/l/I).
ONE_TIME_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105  # an alphabet, not a password
ONE_TIME_PASSWORD_LENGTH = 14


class FirstSignIn(StrEnum):
    """How a new person signs in for the first time."""

    INVITATION = "invitation"
    ONE_TIME_PASSWORD = "one_time_password"  # noqa: S105  # a choice's name


@dataclass(frozen=True)
class NewUser:
    """A created person and what they first sign in with: an invitation link (e-mailed)
    or a one-time password (shown to the administrator once, never stored in clear)."""

    user: User
    invitation: InvitationLink | None = None
    one_time_password: str = ""


def one_time_password_generate() -> str:
    return "".join(
        secrets.choice(ONE_TIME_PASSWORD_ALPHABET) for _ in range(ONE_TIME_PASSWORD_LENGTH)
    )


@dataclass(frozen=True)
class OneTimePassword:
    """A one-time password and its hash, made before the person is created."""

    clear: str
    hashed: str


def one_time_password_prepare() -> OneTimePassword:
    """A fresh one-time password, hashed (the slow part: about 0.3 s with PBKDF2)."""
    clear = one_time_password_generate()
    return OneTimePassword(clear=clear, hashed=make_password(clear))


def user_create_by_administrator(
    *,
    actor: User,
    username: str,
    roles: list[Role],
    first_sign_in: FirstSignIn,
    fields: dict[str, Any],
    send: bool = True,
    prepared_password: OneTimePassword | None = None,
) -> NewUser:
    """Create a person who signs in first through an invitation link (their e-mail is
    required) or with a one-time password they must change at once (``prepared_password``
    when made beforehand). Atomic with the caller's transaction; invitations are
    e-mailed on commit unless ``send`` is false (bulk creation sends them all together)."""
    if first_sign_in == FirstSignIn.INVITATION and not fields.get("email"):
        raise ValidationError(
            {"email": _("An invitation is sent by e-mail: give the person's e-mail address.")}
        )
    password = None
    if first_sign_in == FirstSignIn.ONE_TIME_PASSWORD:
        password = prepared_password or one_time_password_prepare()
    one_time_password = password.clear if password else ""
    with transaction.atomic():
        user = accounts.user_create(
            actor=actor,
            username=username,
            password=None,
            password_hash=password.hashed if password else "",
            roles=roles,
            password_change_required=bool(one_time_password),
            **fields,
        )
        if one_time_password:
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=user,
                changes={"one_time_password": "issued", "password_change_required": True},
            )
            return NewUser(user=user, one_time_password=one_time_password)
        link = invitation_issue(actor=actor, user=user)
        if send:
            invitations_send([link])
    return NewUser(user=user, invitation=link)


@transaction.atomic
def user_invitation_resend(*, actor: User, user: User) -> InvitationLink:
    """A new invitation link for a person (the earlier ones stop working)."""
    if not user.is_active:
        raise ValidationError(_("The account is deactivated: reactivate it first."))
    if not user.email:
        raise ValidationError(_("The person has no e-mail address: add one first."))
    link = invitation_issue(actor=actor, user=user)
    invitations_send([link])
    return link


@transaction.atomic
def user_password_change_require(*, actor: User, user: User, reason: str) -> None:
    """The person must choose a new password when they next sign in (or at their next
    request, if signed in now)."""
    lengths_check({"reason": (reason, REASON_MAX)})
    if not user.has_usable_password():
        raise ValidationError(
            _("The person has not set a password yet: send them a new invitation instead.")
        )
    User.objects.filter(pk=user.pk).update(password_change_required=True)
    user.password_change_required = True
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=user,
        changes={"password_change_required": True},
        reason=reason,
    )


def _snapshot(instance: Any, fields: list[str]) -> dict[str, Any]:
    return {field: getattr(instance, field) for field in fields}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        field: [
            str(before[field]) if before[field] is not None else None,
            str(value) if value is not None else None,
        ]
        for field, value in after.items()
        if before[field] != value
    }


@transaction.atomic
def user_update(*, actor: User, user: User, fields: dict[str, Any], roles: list[Role]) -> User:
    """Change a user's profile, unit, active flag and roles in one audited step.
    Raises ValidationError by field when a name holds invisible characters."""
    hidden_characters_check(person_names(fields))
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _snapshot(user, USER_EDITABLE_FIELDS)
    before_roles = sorted(user.held_role_names())
    if user.pk == actor.pk and fields.get("is_active") is False:
        raise ValueError(_("Administrators cannot deactivate their own account."))
    for field in USER_EDITABLE_FIELDS:
        if field in fields:
            setattr(user, field, fields[field])
    user.full_clean(exclude=["password", "username"])
    changed = [field for field in USER_EDITABLE_FIELDS if field in fields]
    user.save(update_fields=changed)
    user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    changes: dict[str, Any] = _diff(before, _snapshot(user, USER_EDITABLE_FIELDS))
    after_roles = sorted(role.value for role in roles)
    if after_roles != before_roles:
        changes["roles"] = [before_roles, after_roles]
    if before["is_active"] and not user.is_active:
        # A deactivated person is refused at sign-in and by the token check already;
        # their keys and links are withdrawn too, so that nothing lingers to reactivate.
        changes["api_tokens_revoked"] = ApiToken.objects.filter(user=user).delete()[0]
        changes["invitations_withdrawn"] = Invitation.objects.filter(
            user=user, used__isnull=True, withdrawn__isnull=True
        ).update(withdrawn=timezone.now())
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, changes=changes)
    return user


@transaction.atomic
def user_unlock(*, actor: User, user: User, reason: str) -> int:
    """Lift a sign-in lockout (django-axes) for the user's name."""
    lengths_check({"reason": (reason, REASON_MAX)})
    attempts = axes_reset(username=user.username)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=user,
        changes={"unlocked": attempts},
        reason=reason,
    )
    return attempts


def _org_unit_deactivation_check(unit: OrgUnit) -> None:
    """A unit is deactivated only when empty: no active member, no active sub-unit."""
    members = User.objects.filter(org_unit=unit, is_active=True).count()
    children = OrgUnit.objects.filter(parent=unit, is_active=True).count()
    if members or children:
        raise ValidationError(
            {
                "is_active": _(
                    "%(unit)s still has %(members)d active members and %(children)d active "
                    "sub-units: move or deactivate them first."
                )
                % {"unit": unit.name, "members": members, "children": children}
            }
        )


def _head_check(head: User | None) -> None:
    if head is not None and not head.is_active:
        raise ValidationError({"head": _("The head of a unit must be an active user.")})


@transaction.atomic
def org_unit_create(*, actor: User, code: str, fields: dict[str, Any]) -> OrgUnit:
    _head_check(fields.get("head"))
    unit = OrgUnit(code=code, **{f: fields[f] for f in ORG_UNIT_EDITABLE_FIELDS if f in fields})
    unit.full_clean()
    unit.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=unit, changes={"code": code, "kind": unit.kind}
    )
    return unit


@transaction.atomic
def org_unit_update(*, actor: User, unit: OrgUnit, fields: dict[str, Any]) -> OrgUnit:
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = _snapshot(unit, ORG_UNIT_EDITABLE_FIELDS)
    parent = fields.get("parent")
    if parent is not None and (parent.pk == unit.pk or unit in parent.ancestors()):
        raise ValidationError(
            {
                "parent": _(
                    "%(unit)s cannot be placed under %(parent)s: it is the unit itself or "
                    "one of its own sub-units."
                )
                % {"unit": unit.name, "parent": parent.name}
            }
        )
    if unit.is_active and fields.get("is_active") is False:
        _org_unit_deactivation_check(unit)
    if "head" in fields and fields["head"] != unit.head:
        _head_check(fields["head"])
    for field in ORG_UNIT_EDITABLE_FIELDS:
        if field in fields:
            setattr(unit, field, fields[field])
    unit.full_clean()
    unit.save(update_fields=[f for f in ORG_UNIT_EDITABLE_FIELDS if f in fields])
    changes = _diff(before, _snapshot(unit, ORG_UNIT_EDITABLE_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=unit, changes=changes)
    return unit
