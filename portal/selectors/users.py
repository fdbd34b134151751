"""Reads for the administration pages: users and units, through permission checks."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import AuditAction, AuditRecord, Invitation, OrgUnit, User


def in_own_unit(*, user: User, org_unit_id: int | None) -> bool:
    """The one definition of a person's own unit: the organisational unit they belong to.
    A violation (cases), a mobile unit and its tasks and shifts (dispatch) are a
    person's own when they belong to that organisational unit; a person without one
    has none."""
    return user.org_unit_id is not None and user.org_unit_id == org_unit_id


def own_unit_filter(*, user: User, field: str) -> Q:
    """``in_own_unit`` as a query condition on ``field`` (a path to an organisational
    unit id, e.g. ``"unit__org_unit_id"``); it matches nothing for a person without one."""
    if user.org_unit_id is None:
        return Q(pk__in=[])
    return Q(**{field: user.org_unit_id})


@dataclass(frozen=True)
class UserFilter:
    q: str = ""
    role: str = ""
    org_unit: OrgUnit | None = None
    status: str = ""


def locked_out_filter() -> Q:
    """Users whose name is locked out of signing in now (django-axes counts failures by
    username; the lock lifts by itself after the cool-off, or an administrator lifts it
    on the user's page)."""
    # As axes counts: the failures of every (address, browser) row of the name within
    # the cool-off, summed.
    failures = (
        AccessAttempt.objects.filter(
            username=OuterRef("username"),
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        )
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .values("total")
    )
    return Q(Exists(failures.filter(total__gte=settings.AXES_FAILURE_LIMIT)))


def missing_two_factor_filter() -> Q:
    """Active users whose role requires a second factor (or superusers) and who have no
    confirmed authenticator: they cannot finish signing in until they set one up, or
    an administrator resets it."""
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    needs = Q(is_superuser=True) | Q(
        Exists(
            User.groups.through.objects.filter(
                user_id=OuterRef("pk"), group__name__in=settings.TWO_FACTOR_REQUIRED_ROLES
            )
        )
    )
    return Q(is_active=True) & needs & ~Q(Exists(confirmed))


def user_list_for_user(*, user: User, filters: UserFilter) -> QuerySet[User]:
    if not user.has_perm("portal.view_user"):
        raise PermissionDenied
    users = (
        User.objects.select_related("org_unit")
        .prefetch_related("groups")
        .order_by("last_name", "username")
    )
    if filters.q:
        users = users.filter(
            Q(username__icontains=filters.q)
            | Q(first_name__icontains=filters.q)
            | Q(last_name__icontains=filters.q)
            | Q(badge_number__icontains=filters.q)
        )
    if filters.role:
        users = users.filter(groups__name=filters.role)
    if filters.org_unit is not None:
        users = users.filter(org_unit=filters.org_unit)
    if filters.status == "active":
        users = users.filter(is_active=True)
    elif filters.status == "inactive":
        users = users.filter(is_active=False)
    elif filters.status == "locked":
        users = users.filter(locked_out_filter())
    elif filters.status == "no_2fa":
        users = users.filter(missing_two_factor_filter())
    return users.distinct()


def user_queryset_for_user(*, user: User) -> QuerySet[User]:
    """Every user, by username, for those who may see users (the API lists and filters
    them); 403 otherwise."""
    if not user.has_perm("portal.view_user"):
        raise PermissionDenied
    return User.objects.select_related("org_unit").prefetch_related("groups").order_by("username")


def user_get_for_user(*, user: User, pk: int) -> User:
    """The user ``pk`` if ``user`` may see users; 404 if it does not exist, 403 otherwise."""
    if not user.has_perm("portal.view_user"):
        raise PermissionDenied
    return get_object_or_404(User.objects.select_related("org_unit"), pk=pk)


@dataclass(frozen=True)
class SignInFacts:
    """What an administrator sees of a person's signing in."""

    last_sign_in: datetime | None
    failures: int  # failed attempts counted towards the lockout now (django-axes)
    failure_limit: int
    locked_out: bool
    last_failure: datetime | None
    recent_failures: list[AuditRecord]
    password_set: bool
    password_change_required: bool
    pending_invitation: Invitation | None


def user_sign_in_facts(*, user: User, subject: User, limit: int = 5) -> SignInFacts:
    """Last sign-in, the failed attempts django-axes counts now (and whether they lock the
    account), the latest failed sign-ins from the audit trail, and the open invitation."""
    if not user.has_perm("portal.view_user"):
        raise PermissionDenied
    attempts = AccessAttempt.objects.filter(
        username=subject.username,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    ).aggregate(total=Sum("failures_since_start"), last=Max("attempt_time"))
    failures = attempts["total"] or 0
    recent = (
        list(
            AuditRecord.objects.filter(
                action=AuditAction.LOGIN_FAILED,
                object_type="portal.user",
                object_repr=subject.username,
            ).order_by("-id")[:limit]
        )
        if user.has_perm("portal.view_auditrecord")
        else []
    )
    pending = (
        Invitation.objects.filter(
            user=subject, used__isnull=True, withdrawn__isnull=True, expires__gt=timezone.now()
        )
        .order_by("-created")
        .first()
    )
    return SignInFacts(
        last_sign_in=subject.last_login,
        failures=failures,
        failure_limit=settings.AXES_FAILURE_LIMIT,
        locked_out=failures >= settings.AXES_FAILURE_LIMIT,
        last_failure=attempts["last"],
        recent_failures=recent,
        password_set=subject.has_usable_password(),
        password_change_required=subject.password_change_required,
        pending_invitation=pending,
    )


def user_recent_audit(*, user: User, subject: User, limit: int = 15) -> list[AuditRecord]:
    """What was done to and by ``subject``, for administrators only."""
    if not user.has_perm("portal.view_auditrecord"):
        return []
    return list(
        AuditRecord.objects.filter(
            Q(actor=subject) | Q(object_type="portal.user", object_id=str(subject.pk))
        ).order_by("-id")[:limit]
    )


def org_unit_queryset_for_user(*, user: User) -> QuerySet[OrgUnit]:
    """Every organisational unit, by name, for those who may see them (the API lists and
    filters them); 403 otherwise."""
    if not user.has_perm("portal.view_orgunit"):
        raise PermissionDenied
    return OrgUnit.objects.order_by("name")


def org_units_named(*, units: Iterable[OrgUnit | None]) -> None:
    """Gives each unit the one name an app knows it by (``OrgUnit.label``): apps declare
    ``org_unit_labels(ids) -> {id: name}`` on their AppConfig (dispatch names a mobile
    unit "MED-1 · Medininkai"), so that the core knows no domain app. One query per app
    that declares it."""
    present = [unit for unit in units if unit is not None]
    if not present:
        return
    ids = {unit.pk for unit in present}
    names: dict[int, str] = {}
    for app_config in apps.get_app_configs():
        provider = getattr(app_config, "org_unit_labels", None)
        if callable(provider):
            names.update(provider(ids))
    for unit in present:
        unit.shown_name = names.get(unit.pk, "")


def org_unit_list_for_user(*, user: User) -> list[OrgUnit]:
    """All units in tree order (parents before children), with active member counts."""
    if not user.has_perm("portal.view_orgunit"):
        raise PermissionDenied
    units = list(
        OrgUnit.objects.select_related("head")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("name")
    )
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[OrgUnit] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in children.get(parent_id, []):
            unit.depth = depth  # type: ignore[attr-defined]  # for indentation in the template
            ordered.append(unit)
            walk(unit.pk, depth + 1)

    walk(None, 0)
    org_units_named(units=ordered)
    return ordered


def org_unit_get_for_user(*, user: User, pk: int) -> OrgUnit:
    if not user.has_perm("portal.view_orgunit"):
        raise PermissionDenied
    unit = get_object_or_404(OrgUnit, pk=pk)
    org_units_named(units=[unit])
    return unit
