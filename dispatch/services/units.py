"""Managing mobile units: creating and changing them, taking them out of service and
back, registering and revoking their position-reporting devices.

Each function checks the actor's permission itself (not only the view), validates
before it writes (bad input changes nothing), locks the unit where a dispatcher may act
on it at the same moment, and writes the audit record with what changed."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.models import MobileUnit, UnitDevice, UnitStatus
from dispatch.selectors.tasks import unit_has_open_task
from dispatch.selectors.units import serves_in, unit_open_tasks
from dispatch.services.positions import device_register
from portal.models import AuditAction, OrgUnit, OrgUnitKind, User
from portal.selectors.geo import point_in_operational_area
from portal.services.audit import audit_record

CALL_SIGN_MAX = 20


# Letters A-Z and digits in groups joined by single hyphens: VLN-1, MED-2A, K9.
_CALL_SIGN = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")


PLATE_MAX = 20


_PLATE = re.compile(r"^[A-Z0-9]+(?:[ -][A-Z0-9]+)*$")


REASON_MAX = 300


T = TypeVar("T")


DEVICE_NAME_MAX = 100


@dataclass
class UnitInput:
    org_unit: OrgUnit | None
    call_sign: str
    vehicle_plate: str = ""
    home_base: Point | None = None


def call_sign_normalise(raw: str) -> str:
    """Upper case, spaces and underscores as hyphens: " vln 1 " → "VLN-1". Raises
    ValidationError({"call_sign": ...}) when the result is not a call sign."""
    value = re.sub(r"[\s_]+", "-", raw.strip()).upper()
    value = re.sub(r"-{2,}", "-", value)
    if not value:
        raise ValidationError({"call_sign": _("Enter the call sign, e.g. VLN-2.")})
    if len(value) > CALL_SIGN_MAX:
        raise ValidationError(
            {
                "call_sign": _("A call sign has at most %(max)d characters; this one has %(n)d.")
                % {"max": CALL_SIGN_MAX, "n": len(value)}
            }
        )
    if not _CALL_SIGN.match(value):
        raise ValidationError(
            {
                "call_sign": _(
                    "Use only the letters A to Z, digits and single hyphens between "
                    "them, e.g. VLN-2."
                )
            }
        )
    return value


def vehicle_plate_normalise(raw: str) -> str:
    """Upper case, single spaces: " kmu  101 " → "KMU 101"; empty for no vehicle."""
    value = re.sub(r"\s+", " ", raw.strip()).upper()
    if not value:
        return ""
    if len(value) > PLATE_MAX:
        raise ValidationError(
            {"vehicle_plate": _("A plate has at most %(max)d characters.") % {"max": PLATE_MAX}}
        )
    if not _PLATE.match(value):
        raise ValidationError(
            {"vehicle_plate": _("Use only Latin letters, digits, spaces and hyphens.")}
        )
    return value


def home_base_check(point: Point | None) -> Point | None:
    if point is None:
        return None
    if not (-180 <= point.x <= 180 and -90 <= point.y <= 90):
        raise ValidationError({"home_base": _("The home base has coordinates off the globe.")})
    point = Point(point.x, point.y, srid=4326)
    if not point_in_operational_area(point):
        raise ValidationError(
            {
                "home_base": _(
                    "The home base (%(lat).5f, %(lon).5f) lies outside the operational "
                    "area. Choose the place where the unit is stationed."
                )
                % {"lat": point.y, "lon": point.x}
            }
        )
    return point


def _call_sign_free(call_sign: str, *, unit: MobileUnit | None = None) -> None:
    taken = MobileUnit.objects.filter(call_sign__iexact=call_sign)
    if unit is not None:
        taken = taken.exclude(pk=unit.pk)
    if taken.exists():
        raise ValidationError(
            {"call_sign": _("The call sign %(call_sign)s is taken.") % {"call_sign": call_sign}}
        )


def _org_unit_check(org_unit: OrgUnit | None) -> OrgUnit:
    if org_unit is None:
        raise ValidationError({"org_unit": _("Choose the organisational unit.")})
    if org_unit.kind != OrgUnitKind.MOBILE_UNIT:
        raise ValidationError(
            {
                "org_unit": _(
                    "%(org_unit)s is not a mobile unit in the organisation; choose an "
                    "organisational unit of kind “Mobile unit”."
                )
                % {"org_unit": org_unit.name}
            }
        )
    if not org_unit.is_active:
        raise ValidationError(
            {"org_unit": _("%(org_unit)s is inactive.") % {"org_unit": org_unit.name}}
        )
    if MobileUnit.objects.filter(org_unit=org_unit).exists():
        raise ValidationError(
            {"org_unit": _("%(org_unit)s already has a mobile unit.") % {"org_unit": org_unit.name}}
        )
    return org_unit


class _Errors:
    """Collects the ValidationErrors of several checks, so that one submission is
    answered with every field's problem at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def check(self, func: Callable[[], T]) -> T | None:
        try:
            return func()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.by_field.setdefault(field, []).extend(messages)
            return None

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _clean(
    data: UnitInput, *, unit: MobileUnit | None, errors: _Errors
) -> tuple[str, str, Point | None]:
    call_sign = errors.check(lambda: call_sign_normalise(data.call_sign))
    plate = errors.check(lambda: vehicle_plate_normalise(data.vehicle_plate))
    home_base = errors.check(lambda: home_base_check(data.home_base))
    if call_sign:
        errors.check(lambda: _call_sign_free(call_sign, unit=unit))
    return call_sign or "", plate or "", home_base


def _point_text(point: Point | None) -> str | None:
    return f"{point.y:.6f}, {point.x:.6f}" if point is not None else None


@transaction.atomic
def unit_create(*, actor: User, data: UnitInput) -> MobileUnit:
    """A new mobile unit for an organisational unit of kind "mobile unit" that has none
    yet; off duty until its officers start duty."""
    if not actor.has_perm("dispatch.add_mobileunit"):
        raise PermissionDenied
    errors = _Errors()
    org_unit = errors.check(lambda: _org_unit_check(data.org_unit))
    call_sign, plate, home_base = _clean(data, unit=None, errors=errors)
    errors.raise_any()
    assert org_unit is not None  # noqa: S101  (raise_any raised otherwise)
    unit = MobileUnit(
        org_unit=org_unit,
        call_sign=call_sign,
        vehicle_plate=plate,
        home_base=home_base,
        status=UnitStatus.OFF_DUTY,
        status_changed_at=timezone.now(),
    )
    try:
        # Two administrators saving the same call sign or organisational unit at once:
        # the unique constraints decide, and the loser gets the same message.
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise ValidationError(
            {"call_sign": _("The call sign or the organisational unit was just taken.")}
        ) from None
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=unit,
        changes={
            "org_unit": org_unit.name,
            "call_sign": call_sign,
            "vehicle_plate": plate,
            "home_base": _point_text(home_base),
            "status": unit.status,
        },
    )
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: MobileUnit, data: UnitInput) -> MobileUnit:
    """Change the call sign, vehicle and home base. The organisational unit stays: the
    unit's tasks, positions and shifts belong to the people who served in it."""
    if not actor.has_perm("dispatch.change_mobileunit"):
        raise PermissionDenied
    unit = MobileUnit.objects.select_for_update().get(pk=unit.pk)
    errors = _Errors()
    call_sign, plate, home_base = _clean(data, unit=unit, errors=errors)
    errors.raise_any()
    changes: dict[str, list[str | None]] = {}
    if call_sign != unit.call_sign:
        changes["call_sign"] = [unit.call_sign, call_sign]
    if plate != unit.vehicle_plate:
        changes["vehicle_plate"] = [unit.vehicle_plate, plate]
    before, after = _point_text(unit.home_base), _point_text(home_base)
    if before != after:
        changes["home_base"] = [before, after]
    if not changes:
        return unit
    unit.call_sign, unit.vehicle_plate, unit.home_base = call_sign, plate, home_base
    try:
        with transaction.atomic():
            unit.save(update_fields=["call_sign", "vehicle_plate", "home_base"])
    except IntegrityError:
        raise ValidationError({"call_sign": _("The call sign was just taken.")}) from None
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=unit, changes=changes)
    return unit


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": _("Give the reason; it goes into the audit trail.")})
    if len(text) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Keep the reason under %(max)d characters.") % {"max": REASON_MAX}}
        )
    return text


@transaction.atomic
def unit_out_of_service(*, actor: User, unit: MobileUnit, reason: str) -> MobileUnit:
    """Take a unit out of service (vehicle broken, crew unavailable). Refused while it
    has an open task: the task is reassigned or cancelled first."""
    if not actor.has_perm("dispatch.change_mobileunit"):
        raise PermissionDenied
    text = _reason(reason)
    # Locked as an assignment locks it (dispatch.services.tasks): a task cannot be
    # assigned between the check for open tasks and the change of status.
    unit = MobileUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.status == UnitStatus.OUT_OF_SERVICE:
        raise ValidationError(
            {"status": _("%(unit)s is already out of service.") % {"unit": unit.call_sign}}
        )
    open_tasks = list(unit_open_tasks(unit=unit).values_list("title", flat=True)[:3])
    if open_tasks:
        raise ValidationError(
            {
                "status": _(
                    "%(unit)s has an open task (%(tasks)s). Reassign or cancel it before "
                    "taking the unit out of service."
                )
                % {"unit": unit.call_sign, "tasks": "; ".join(open_tasks)}
            }
        )
    return unit_status_set(actor=actor, unit=unit, status=UnitStatus.OUT_OF_SERVICE, reason=text)


@transaction.atomic
def unit_back_in_service(*, actor: User, unit: MobileUnit, reason: str) -> MobileUnit:
    """Out of service → off duty: the crew starts duty from their phone when ready."""
    if not actor.has_perm("dispatch.change_mobileunit"):
        raise PermissionDenied
    text = _reason(reason)
    unit = MobileUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.status != UnitStatus.OUT_OF_SERVICE:
        raise ValidationError(
            {"status": _("%(unit)s is not out of service.") % {"unit": unit.call_sign}}
        )
    return unit_status_set(actor=actor, unit=unit, status=UnitStatus.OFF_DUTY, reason=text)


def unit_status_set(*, actor: User, unit: MobileUnit, status: str, reason: str = "") -> MobileUnit:
    """Put ``unit`` in ``status`` from now, with an audit record of the change. The
    callers check who may and lock the unit; this only records it."""
    previous = unit.status
    unit.status = status
    unit.status_changed_at = timezone.now()
    unit.save(update_fields=["status", "status_changed_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=unit,
        changes={"status": [previous, status]},
        reason=reason,
    )
    return unit


@transaction.atomic
def unit_device_add(*, actor: User, unit: MobileUnit, name: str) -> tuple[UnitDevice, str]:
    """Register a device of ``unit``; returns it and its token, which exists only in
    this return value (the database keeps its SHA-256)."""
    if not actor.has_perm("dispatch.add_unitdevice"):
        raise PermissionDenied
    text = re.sub(r"\s+", " ", name.strip())
    if not text:
        raise ValidationError(
            {"name": _("Name the device, e.g. “Patrol car tracker” or “Phone of the crew”.")}
        )
    if len(text) > DEVICE_NAME_MAX:
        raise ValidationError(
            {"name": _("Keep the name under %(max)d characters.") % {"max": DEVICE_NAME_MAX}}
        )
    # The unit's row is locked first: two registrations of one name at once are served
    # one after the other, and the second sees the first's device.
    unit = MobileUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.devices.filter(name__iexact=text, revoked_at__isnull=True).exists():
        raise ValidationError(
            {
                "name": _("%(unit)s already has an active device called “%(name)s”.")
                % {"unit": unit.call_sign, "name": text}
            }
        )
    return device_register(actor=actor, unit=unit, name=text)


@transaction.atomic
def unit_device_revoke(*, actor: User, device: UnitDevice) -> UnitDevice:
    """Revoke a device: its token is refused from now on. Revoking twice is refused."""
    if not actor.has_perm("dispatch.change_unitdevice"):
        raise PermissionDenied
    device = UnitDevice.objects.select_for_update().select_related("unit").get(pk=device.pk)
    if device.revoked_at is not None:
        raise ValidationError(
            _("The device “%(name)s” is already revoked.") % {"name": device.name}
        )
    device.revoked_at = timezone.now()
    device.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=device,
        changes={
            "revoked_at": [None, device.revoked_at.isoformat()],
            "unit": device.unit.call_sign,
        },
    )
    return device


@transaction.atomic
def unit_duty_start(*, actor: User, unit: MobileUnit) -> MobileUnit:
    """Off duty → available. Starting again while on duty changes nothing (a double
    tap); a unit out of service is put back by the operations centre, not here."""
    if not serves_in(actor, unit):
        raise PermissionDenied
    # Locked like an assignment locks it: a dispatcher assigning at this moment waits.
    unit = MobileUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.status == UnitStatus.OUT_OF_SERVICE:
        raise ValidationError(
            _("%(unit)s is out of service; the operations centre puts it back in service.")
            % {"unit": unit.call_sign}
        )
    if unit.status != UnitStatus.OFF_DUTY:
        return unit
    return unit_status_set(actor=actor, unit=unit, status=UnitStatus.AVAILABLE, reason="duty")


@transaction.atomic
def unit_duty_end(*, actor: User, unit: MobileUnit) -> MobileUnit:
    """Available → off duty; refused while the unit has an open task (finish it, or ask
    the operations centre to take it back). Ending again while off duty changes nothing."""
    if not serves_in(actor, unit):
        raise PermissionDenied
    # The lock makes "no open task" hold until commit: an assignment (which locks the
    # unit too, and refuses units off duty) cannot slip in between check and update.
    unit = MobileUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.status == UnitStatus.OFF_DUTY:
        return unit
    if unit.status == UnitStatus.OUT_OF_SERVICE:
        raise ValidationError(
            _("%(unit)s is out of service; the operations centre changes its status.")
            % {"unit": unit.call_sign}
        )
    if unit.status == UnitStatus.BUSY or unit_has_open_task(unit=unit):
        raise ValidationError(
            _(
                "You cannot end duty while a task is open: complete it, or ask the "
                "operations centre to take it back."
            )
        )
    return unit_status_set(actor=actor, unit=unit, status=UnitStatus.OFF_DUTY, reason="duty")
