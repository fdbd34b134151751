"""Administration use cases: users and organisational units. Each change is audited."""

from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group
from django.db import transaction

from portal.lib.text import hidden_characters_check, lengths_check, person_names
from portal.models import AuditAction, OrgUnit, User
from portal.roles import Role
from portal.services.audit import REASON_MAX, audit_record

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
    before_roles = sorted(user.role_names())
    if user.pk == actor.pk and fields.get("is_active") is False:
        raise ValueError("Administrators cannot deactivate their own account.")
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


@transaction.atomic
def org_unit_create(*, actor: User, code: str, fields: dict[str, Any]) -> OrgUnit:
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
        raise ValueError("A unit cannot be placed under itself or one of its own sub-units.")
    for field in ORG_UNIT_EDITABLE_FIELDS:
        if field in fields:
            setattr(unit, field, fields[field])
    unit.full_clean()
    unit.save(update_fields=[f for f in ORG_UNIT_EDITABLE_FIELDS if f in fields])
    changes = _diff(before, _snapshot(unit, ORG_UNIT_EDITABLE_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=unit, changes=changes)
    return unit
