"""The standing of a person's roles under the training gate (the rule and where it is
used: portal.selectors.gate). Here, in the model layer, because User.role_names reads it.
"""

import datetime
from dataclasses import dataclass, replace

from django.contrib.auth.models import Group, Permission
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone

from portal.models.training import Certificate, Course, GateExemption
from portal.models.users import User
from portal.roles import Role


def valid_certificates_filter(*, today: datetime.date) -> Q:
    """Certificates in force on ``today``: not revoked, ``today`` not past the expiry date
    (a certificate is valid through its expiry date)."""
    return Q(revoked_at__isnull=True, issued_on__lte=today, expires_on__gte=today)


_STANDINGS_CACHE = "_role_standings_cache"
# What Django's ModelBackend and User.role_names keep on the user for the request.
_USER_CACHES = (_STANDINGS_CACHE, "_perm_cache", "_user_perm_cache", "_group_perm_cache")


@dataclass(frozen=True)
class RoleStanding:
    """One role a person holds (is a member of its group) and whether it is in force."""

    role: str
    gated: bool
    certified: bool = False
    exempt: bool = False
    kept_as_last_administrator: bool = False
    # The role's group permissions ("app_label.codename"), read in the same query.
    permissions: frozenset[str] = frozenset()

    @property
    def in_force(self) -> bool:
        return not self.gated or self.certified or self.exempt or self.kept_as_last_administrator


def active_exemptions_filter(*, today: datetime.date) -> Q:
    return Q(ended_at__isnull=True, until__gte=today)


def _role_in_force_for(person: OuterRef, role: str, today: datetime.date) -> Q:
    """A person holds ``role`` in force by certificate or exemption (subqueries)."""
    certified = Certificate.objects.filter(
        valid_certificates_filter(today=today),
        person=person,
        course__is_active=True,
        course__qualifies_role=role,
    )
    exempt = GateExemption.objects.filter(
        active_exemptions_filter(today=today), person=person, role=role
    )
    return Q(Exists(certified)) | Q(Exists(exempt))


def _another_administrator_in_force(user: User, today: datetime.date) -> bool:
    return (
        User.objects.filter(is_active=True, groups__name=Role.ADMINISTRATOR)
        .exclude(pk=user.pk)
        .filter(_role_in_force_for(OuterRef("pk"), Role.ADMINISTRATOR.value, today))
        .exists()
    )


def role_standings(user: User) -> dict[str, RoleStanding]:
    """Each role ``user`` holds with its standing: one query, kept for the request."""
    cached: dict[str, RoleStanding] | None = getattr(user, _STANDINGS_CACHE, None)
    if cached is not None:
        return cached
    if user.pk is None:  # not saved yet: no group, and no query
        return {}
    today = timezone.localdate()
    gated = Course.objects.filter(is_active=True, qualifies_role=OuterRef("name"))
    certified = Certificate.objects.filter(
        valid_certificates_filter(today=today),
        person=user.pk,
        course__is_active=True,
        course__qualifies_role=OuterRef("name"),
    )
    exempt = GateExemption.objects.filter(
        active_exemptions_filter(today=today), person=user.pk, role=OuterRef("name")
    )
    # The role's permissions come in the same query (an array per group), so the sign-in
    # backend asks nothing more for them.
    permissions = Subquery(
        Permission.objects.filter(group=OuterRef("pk"))
        .order_by()
        .values("group")
        .annotate(names=ArrayAgg(Concat("content_type__app_label", Value("."), "codename")))
        .values("names")
    )
    rows = (
        Group.objects.filter(user=user.pk)
        .annotate(
            gated=Exists(gated),
            certified=Exists(certified),
            exempt=Exists(exempt),
            permission_names=permissions,
        )
        .values_list("name", "gated", "certified", "exempt", "permission_names")
    )
    standings = {
        name: RoleStanding(
            role=name,
            gated=is_gated,
            certified=has_cert,
            exempt=is_exempt,
            permissions=frozenset(names or ()),
        )
        for name, is_gated, has_cert, is_exempt, names in rows
    }
    administrator = standings.get(Role.ADMINISTRATOR)
    if (
        administrator is not None
        and not administrator.in_force
        and not _another_administrator_in_force(user, today)
    ):
        standings[Role.ADMINISTRATOR] = replace(administrator, kept_as_last_administrator=True)
    setattr(user, _STANDINGS_CACHE, standings)
    return standings


def permissions_in_force(user: User) -> set[str]:
    """The permissions of ``user``'s roles in force (no query beyond the standings')."""
    return {
        permission
        for standing in role_standings(user).values()
        if standing.in_force
        for permission in standing.permissions
    }


def held_roles(user: User) -> set[str]:
    """Every role ``user`` is a member of, in force or not (the user administration)."""
    return set(role_standings(user))


def roles_in_force(user: User) -> set[str]:
    return {name for name, standing in role_standings(user).items() if standing.in_force}


def roles_gated_out(user: User) -> list[str]:
    return sorted(name for name, standing in role_standings(user).items() if not standing.in_force)


def forget_roles(user: User) -> None:
    """Drop what the request remembered of ``user``'s roles and permissions (after a
    change to them within the same request)."""
    for name in _USER_CACHES:
        if hasattr(user, name):
            delattr(user, name)
