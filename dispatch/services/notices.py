"""Notice use cases: the operations centre sends a notice and may withdraw it; an
officer marks it read for the unit. Each is atomic and audited.

Who may: sending and withdrawing go with creating tasks (``dispatch.add_task``, the
dispatchers); reading with serving in a unit the notice is addressed to."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.selectors.violations import violation_scope_for_user
from dispatch.models import MobileUnit, Notice, NoticePriority, NoticeReceipt
from dispatch.selectors.notices import notice_is_active, notice_is_addressed_to
from dispatch.selectors.units import mobile_unit_of
from portal.lib.timefmt import utc_iso
from portal.models import AuditAction, User
from portal.selectors.geo import point_in_operational_area, point_swapped_into_area
from portal.services.audit import audit_record

SEND = "dispatch.add_task"


SERVE = "dispatch.serve_in_unit"


TITLE_MAX = 200


BODY_MAX = 4000


# Said by the form as well, so that a page sent with several problems names them all.
NO_ADDRESSEE = gettext_lazy("Choose the units to send the notice to, or send it to all units.")


TWO_ADDRESSEES = gettext_lazy("Send the notice to all units or to the units chosen, not both.")


@dataclass
class NoticeInput:
    title: str
    body: str = ""
    priority: str = NoticePriority.NORMAL
    expires_at: datetime | None = None
    # Either every unit, or the units named here (by primary key).
    all_units: bool = False
    unit_ids: list[int] = field(default_factory=list)
    location: Point | None = None
    # A violation the notice is about, by its reference (V-2026-000123), or "".
    violation_reference: str = ""


class _Problems:
    """Every field's problem at once: one submission, one answer."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _units(data: NoticeInput, problems: _Problems) -> list[MobileUnit]:
    if data.all_units and data.unit_ids:
        problems.add("units", str(TWO_ADDRESSEES))
        return []
    if data.all_units:
        return []
    if not data.unit_ids:
        problems.add("units", str(NO_ADDRESSEE))
        return []
    wanted = set(data.unit_ids)
    units = list(MobileUnit.objects.filter(pk__in=wanted).order_by("call_sign"))
    if len(units) != len(wanted):
        problems.add("units", _("One of the units chosen no longer exists; choose again."))
    return units


def _location(point: Point | None, problems: _Problems) -> Point | None:
    if point is None:
        return None
    if not (-180 <= point.x <= 180 and -90 <= point.y <= 90):
        problems.add("location", _("The place has coordinates off the globe."))
        return None
    point = Point(point.x, point.y, srid=4326)
    if not point_in_operational_area(point):
        swapped = point_swapped_into_area(point)
        message = (
            _(
                "The place (%(lat).5f, %(lon).5f) lies outside the operational area; with "
                "latitude and longitude swapped (%(lon).5f, %(lat).5f) it would be inside."
            )
            if swapped is not None
            else _("The place (%(lat).5f, %(lon).5f) lies outside the operational area.")
        )
        problems.add("location", message % {"lat": point.y, "lon": point.x})
        return None
    return point


def _violation_id(actor: User, reference: str, problems: _Problems) -> int | None:
    reference = reference.strip()
    if not reference:
        return None
    try:
        scope = violation_scope_for_user(user=actor)
    except PermissionDenied:
        scope = None
    found = (
        scope.filter(reference__iexact=reference).values_list("pk", flat=True).first()
        if scope is not None
        else None
    )
    if found is None:
        problems.add(
            "violation",
            _("No violation has the reference %(reference)s.") % {"reference": reference},
        )
    return found


@transaction.atomic
def notice_create(*, actor: User, data: NoticeInput) -> Notice:
    """Send a notice. Refuses, with every problem named and nothing saved: no title,
    a text too long, an expiry not in the future, no addressee (or both all units and
    chosen ones), a place outside the operational area, a violation the sender cannot
    see."""
    if not actor.has_perm(SEND):
        raise PermissionDenied
    problems = _Problems()
    title = data.title.strip()
    body = data.body.strip()
    if not title:
        problems.add("title", _("Give the notice a title."))
    elif len(title) > TITLE_MAX:
        problems.add("title", _("Keep the title to 200 characters or fewer."))
    if len(body) > BODY_MAX:
        problems.add("body", _("Keep the text to 4,000 characters or fewer."))
    if data.priority not in NoticePriority.values:
        problems.add("priority", _("Choose normal or urgent."))
    now = timezone.now()
    if data.expires_at is not None and data.expires_at <= now:
        problems.add("expires_at", _("The expiry must lie in the future."))
    units = _units(data, problems)
    location = _location(data.location, problems)
    violation_id = _violation_id(actor, data.violation_reference, problems)
    problems.raise_any()

    notice = Notice(
        title=title,
        body=body,
        priority=data.priority,
        expires_at=data.expires_at,
        all_units=data.all_units,
        location=location,
        violation_id=violation_id,
        created_by=actor,
    )
    notice.save()
    notice.units.set(units)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=notice,
        changes={
            "title": notice.title,
            "priority": notice.priority,
            "units": "*" if notice.all_units else [unit.call_sign for unit in units],
            "expires_at": utc_iso(notice.expires_at) if notice.expires_at else None,
            "violation": data.violation_reference.strip() or None,
            "location": f"{location.y:.6f}, {location.x:.6f}" if location else None,
        },
    )
    return notice


@transaction.atomic
def notice_withdraw(*, actor: User, notice: Notice) -> Notice:
    """Take a notice back: it leaves every unit's page at their next poll. A notice
    already withdrawn or expired is refused with a message."""
    if not actor.has_perm(SEND):
        raise PermissionDenied
    # Locked: a second dispatcher, or an officer marking it read, waits for this one.
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.withdrawn_at is not None:
        raise ValidationError(_("This notice has already been withdrawn."))
    if not notice_is_active(notice):
        raise ValidationError(_("This notice has expired; there is nothing to withdraw."))
    notice.withdrawn_at = timezone.now()
    notice.withdrawn_by = actor
    notice.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=notice,
        changes={"withdrawn_at": utc_iso(notice.withdrawn_at)},
    )
    return notice


@transaction.atomic
def notice_mark_read(*, actor: User, notice: Notice) -> NoticeReceipt:
    """The actor's unit has read the notice. The first officer of the unit to mark it
    counts for the unit; marking it again (by anyone of the unit) returns that first
    receipt and records nothing new. Only an officer of an addressed unit may; a
    withdrawn or expired notice is refused with a message."""
    unit = mobile_unit_of(actor)
    if not actor.has_perm(SERVE) or unit is None:
        raise PermissionDenied
    # Locked: two officers of the unit tapping at once, or a withdrawal meanwhile, are
    # served one after the other (the receipt is unique per notice and unit).
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if not notice_is_addressed_to(notice=notice, unit=unit):
        raise PermissionDenied
    existing = NoticeReceipt.objects.filter(notice=notice, unit=unit).first()
    if existing is not None:
        return existing
    if notice.withdrawn_at is not None:
        raise ValidationError(_("The operations centre has withdrawn this notice."))
    if not notice_is_active(notice):
        raise ValidationError(_("This notice has expired."))
    receipt = NoticeReceipt.objects.create(
        notice=notice, unit=unit, read_by=actor, read_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=receipt,
        object_repr=f"{notice.title} · {unit.call_sign}",
        changes={"notice": notice.pk, "unit": unit.call_sign},
    )
    return receipt
