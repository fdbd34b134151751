"""Reads for the mobile-unit pages: the list with its figures, one unit with its
members, devices, recent tasks and shifts, and the organisational units a new mobile
unit may be created for.

Every read goes through the viewer: ``unit_get_for_user`` is the one accessor of a
unit for these pages, and the parts of a unit's page that other permissions guard
(members' names, devices, tasks, shifts, the last position) are decided here."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.http import Http404
from django.utils import timezone

from dispatch.lifecycle import OPEN_STATUSES
from dispatch.models import MobileUnit, Shift, Task, UnitDevice
from dispatch.selectors import task_list_for_user
from dispatch.selectors_planning import sees_every_unit
from portal.models import OrgUnit, OrgUnitKind, User
from portal.roles import ROLE_LABELS

RECENT_TASKS = 10
UPCOMING_SHIFTS = 5


class _CountOf(Subquery):
    """COUNT(*) of a correlated queryset, as an annotation: one sub-select per row
    instead of joins that would multiply members by devices."""

    template = "(SELECT count(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet[Any]) -> None:
        super().__init__(queryset.order_by().values("pk"))


def _shifts_visible(user: User) -> Q | bool:
    """Whose shifts ``user`` may see, as a condition on ``MobileUnit``: every unit's for
    the operations centre (``sees_every_unit``), only their own unit's for an officer,
    none without ``dispatch.view_shift`` (the same rule as the shift board)."""
    if not user.has_perm("dispatch.view_shift"):
        return False
    if sees_every_unit(user):
        return True
    if user.org_unit_id is None:
        return False
    return Q(org_unit_id=user.org_unit_id)


def unit_list_for_user(
    *, user: User, status: str = "", text: str = "", now: datetime | None = None
) -> QuerySet[MobileUnit]:
    """Every mobile unit for a user with ``view_mobileunit`` (none otherwise), with its
    organisational unit and active members counted; active devices counted
    (``devices_count``) for those who manage devices, None for everyone else; and the
    shift it is on ``now`` (``shift_starts``, ``shift_ends``, ``shift_zone``; None when
    off shift, or when the viewer may not see that unit's shifts: ``shift_visible``).
    A constant number of queries, whatever the number of units."""
    if not user.has_perm("dispatch.view_mobileunit"):
        return MobileUnit.objects.none()
    now = now or timezone.now()
    visible = _shifts_visible(user)
    current = Shift.objects.filter(
        unit=OuterRef("pk"), starts_at__lte=now, ends_at__gt=now
    ).order_by("-starts_at")
    if isinstance(visible, Q):
        current = current.filter(unit__org_unit_id=user.org_unit_id)
    shift_visible: Any = (
        ExpressionWrapper(visible, output_field=BooleanField())
        if isinstance(visible, Q)
        else Value(visible)
    )
    shift_fields: dict[str, Any] = {
        "shift_starts": Subquery(current.values("starts_at")[:1]),
        "shift_ends": Subquery(current.values("ends_at")[:1]),
        "shift_zone": Subquery(current.values("zone__name")[:1]),
    }
    if visible is False:
        shift_fields = {
            "shift_starts": Value(None, output_field=DateTimeField()),
            "shift_ends": Value(None, output_field=DateTimeField()),
            "shift_zone": Value(None, output_field=CharField()),
        }
    devices_count: Any = (
        _CountOf(UnitDevice.objects.filter(unit_id=OuterRef("pk"), revoked_at__isnull=True))
        if user.has_perm("dispatch.change_unitdevice")
        else Value(None, output_field=IntegerField())
    )
    units = (
        MobileUnit.objects.select_related("org_unit")
        .annotate(
            members_count=_CountOf(
                User.objects.filter(org_unit_id=OuterRef("org_unit_id"), is_active=True)
            ),
            devices_count=devices_count,
            shift_visible=shift_visible,
            **shift_fields,
        )
        .order_by("call_sign")
    )
    if status:
        units = units.filter(status=status)
    if text:
        units = units.filter(
            Q(call_sign__icontains=text)
            | Q(vehicle_plate__icontains=text)
            | Q(org_unit__name__icontains=text)
        )
    return units


def unit_get_for_user(*, user: User, pk: int) -> MobileUnit:
    """The unit ``pk`` for a viewer with ``view_mobileunit``; 404 otherwise (a unit's
    existence is no secret, but a person without the right learns nothing either)."""
    if not user.has_perm("dispatch.view_mobileunit"):
        raise Http404
    unit = MobileUnit.objects.select_related("org_unit").filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def unit_device_get(*, unit: MobileUnit, device_id: int) -> UnitDevice:
    """A device of ``unit``; 404 for another unit's device (a URL of one unit never
    acts on another's)."""
    device = UnitDevice.objects.filter(unit=unit, pk=device_id).first()
    if device is None:
        raise Http404
    return device


def org_units_for_new_mobile_unit() -> QuerySet[OrgUnit]:
    """Active organisational units of kind "mobile unit" that have no mobile unit yet."""
    return OrgUnit.objects.filter(
        kind=OrgUnitKind.MOBILE_UNIT, is_active=True, mobile_unit__isnull=True
    ).order_by("name")


def unit_open_tasks(*, unit: MobileUnit) -> QuerySet[Task]:
    """The unit's tasks that hold it (assigned up to on scene), oldest first."""
    return Task.objects.filter(unit=unit, status__in=OPEN_STATUSES).order_by("created_at")


@dataclass(frozen=True)
class Member:
    user: User
    roles: list[str]


@dataclass
class UnitPage:
    """What one viewer sees of one unit. ``None`` for a part the viewer may not see
    (the template leaves the section out); an empty list for "nothing there"."""

    unit: MobileUnit
    members_count: int
    members: list[Member] | None = None
    devices: list[UnitDevice] | None = None
    recent_tasks: list[Task] | None = None
    current_shift: Shift | None = None
    upcoming_shifts: list[Shift] | None = None
    show_last_position: bool = False
    open_task_count: int = 0


def _members(unit: MobileUnit) -> list[Member]:
    users = (
        User.objects.filter(org_unit_id=unit.org_unit_id, is_active=True)
        .prefetch_related("groups")
        .order_by("last_name", "first_name", "username")
    )
    labels = {str(role): str(label) for role, label in ROLE_LABELS.items()}
    members = []
    for member in users:
        names = sorted(group.name for group in member.groups.all())
        members.append(
            Member(user=member, roles=[labels[name] for name in names if name in labels])
        )
    return members


def unit_page_for_user(*, user: User, unit: MobileUnit, now: datetime | None = None) -> UnitPage:
    """The parts of the unit's page ``user`` may see:

    * members by name: people who may look up users (``portal.view_user``) and the
      unit's own officers; everyone else sees how many they are;
    * devices: those who manage them (``dispatch.change_unitdevice``);
    * recent tasks: through ``task_list_for_user`` (every unit's for the operations
      centre, only their own for officers);
    * shifts: every unit's for the operations centre, only their own unit's for an
      officer (``sees_every_unit``, as on the shift board);
    * the last position, report time and accuracy: ``dispatch.view_positionreport``.
    """
    now = now or timezone.now()
    own_unit = user.org_unit_id is not None and user.org_unit_id == unit.org_unit_id
    page = UnitPage(
        unit=unit,
        members_count=User.objects.filter(org_unit_id=unit.org_unit_id, is_active=True).count(),
        show_last_position=user.has_perm("dispatch.view_positionreport"),
        open_task_count=unit_open_tasks(unit=unit).count(),
    )
    if user.has_perm("portal.view_user") or own_unit:
        page.members = _members(unit)
    if user.has_perm("dispatch.change_unitdevice"):
        page.devices = list(unit.devices.order_by("revoked_at", "-created_at"))
    if user.has_perm("dispatch.view_task"):
        page.recent_tasks = list(
            task_list_for_user(user=user, unit=unit).order_by("-created_at")[:RECENT_TASKS]
        )
    if user.has_perm("dispatch.view_shift") and (sees_every_unit(user) or own_unit):
        shifts = list(
            Shift.objects.select_related("zone")
            .filter(unit=unit, ends_at__gt=now)
            .order_by("starts_at")[: UPCOMING_SHIFTS + 1]
        )
        if shifts and shifts[0].starts_at <= now:
            page.current_shift = shifts.pop(0)
        page.upcoming_shifts = shifts[:UPCOMING_SHIFTS]
    return page
