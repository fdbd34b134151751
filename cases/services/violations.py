"""Violation use cases: create (idempotent per device key), update, submit, verify,
goods lines. Each runs in a transaction, validates, and writes the audit record."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import ClientWriteKind, Violation, ViolationCategory, ViolationStatus
from cases.selectors.violations import violation_verify_problems
from cases.services.categories import category_details_clean
from cases.services.map import violation_grid_changed
from cases.services.search import search_index_refresh
from cases.services.writes import client_write_claim, client_write_done
from cases.signals import violation_logged
from portal.lib.geometry import point_snap
from portal.lib.text import length_problem
from portal.models import AuditAction, User
from portal.selectors.geo import (
    crossing_point_nearest,
    point_in_operational_area,
    point_swapped_into_area,
)
from portal.services.audit import audit_record

AUDITED_FIELDS = [
    "occurred_at",
    "category_id",
    "location",
    "location_accuracy_m",
    "location_source",
    "place_description",
    "narrative",
    "details",
    "outside_area_confirmed",
]


SAVED_FIELDS = [name.removesuffix("_id") for name in AUDITED_FIELDS]


# A clock on a phone may run a little ahead; anything later is a typing mistake.
FUTURE_TOLERANCE = timedelta(minutes=10)


OLDEST_ACCEPTED = timedelta(days=5 * 365)


# What happened, in the officer's words: long enough for a detailed account, short
# enough that lists, exports and the CEN exchange stay light.
NARRATIVE_MAX = 20_000


PLACE_MAX = 300


# An origin marker: "<app>.<thing>:<id>", the page or record a new violation was logged
# from (e.g. "dispatch.task:42"). Opaque to cases: the app that put it there recognises it.
ORIGIN_PATTERN = r"^[a-z_]+\.[a-z_]+:\d{1,12}$"


@dataclass
class ViolationInput:
    occurred_at: datetime
    category: ViolationCategory
    location: Point | None = None
    location_accuracy_m: int | None = None
    location_source: str = ""
    place_description: str = ""
    narrative: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    outside_area_confirmed: bool = False
    # Where the violation was logged from (ORIGIN_PATTERN), announced with it through
    # cases.signals.violation_logged; "" when none. Not stored on the violation.
    origin: str = ""


def _reference_next(year: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('cases_violation_reference_seq')")
        (number,) = cursor.fetchone()
    return f"V-{year}-{number:06d}"


def _check_time(occurred_at: datetime) -> dict[str, str]:
    now = timezone.now()
    if occurred_at > now + FUTURE_TOLERANCE:
        return {"occurred_at": _("The time is in the future.")}
    if occurred_at < now - OLDEST_ACCEPTED:
        return {"occurred_at": _("The time is more than five years ago; check the year.")}
    return {}


def _apply(violation: Violation, data: ViolationInput, *, require_complete: bool) -> None:
    """Copy the input onto the violation, validating as we go; raises ValidationError
    with messages per field and changes nothing in the database."""
    errors = _check_time(data.occurred_at)
    details, detail_errors = category_details_clean(
        category=data.category, raw=data.details, require_complete=require_complete
    )
    errors.update({f"details.{name}": message for name, message in detail_errors.items()})
    for name, value, limit in (
        ("place_description", data.place_description.strip(), PLACE_MAX),
        ("narrative", data.narrative.strip(), NARRATIVE_MAX),
    ):
        if problem := length_problem(value, limit):
            errors[name] = problem
    if data.location_accuracy_m is not None and not 0 <= data.location_accuracy_m <= 100_000:
        errors["location_accuracy_m"] = _("The accuracy must be between 0 and 100,000 metres.")
    if errors:
        raise ValidationError(errors)
    violation.occurred_at = data.occurred_at
    violation.category = data.category
    location = point_snap(data.location) if data.location else None
    violation.location = location
    violation.location_accuracy_m = data.location_accuracy_m
    violation.location_source = data.location_source if location else ""
    violation.place_description = data.place_description.strip()
    violation.narrative = data.narrative.strip()
    violation.details = details
    violation.outside_area_confirmed = data.outside_area_confirmed
    violation.crossing_point = crossing_point_nearest(location) if location else None


def _snapshot(violation: Violation) -> dict[str, Any]:
    values = {name: getattr(violation, name) for name in AUDITED_FIELDS}
    values["location"] = violation.location.wkt if violation.location else None
    return values


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {name: [before[name], after[name]] for name in after if before[name] != after[name]}


def _check_origin(origin: str) -> None:
    if origin and not re.fullmatch(ORIGIN_PATTERN, origin):
        raise ValidationError({"origin": _("The origin of the entry is not valid.")})


def _announce(*, actor: User, violation: Violation, origin: str) -> None:
    """Tell the apps built on cases that ``actor`` logged ``violation`` (from ``origin``).

    Sent inside the creating transaction, not on commit: the receivers (e.g. dispatch
    linking the violation to the task it was logged from) write rows that belong to the
    same use case, so the violation and its link commit, or roll back, together, and a
    caller that returns the violation can rely on the link being there. Receivers swallow
    the refusals they expect (an origin that is not theirs, another unit's task); anything
    else they raise rolls the creation back rather than leaving half of it.
    Sent also when a retry returns the violation created the first time: receivers are
    idempotent."""
    violation_logged.send(sender=Violation, violation=violation, actor=actor, origin=origin)


def _created_with_key(*, actor: User, client_key: uuid.UUID) -> Violation | None:
    """The violation an earlier request of ``actor`` created with this key, if any."""
    existing = Violation.objects.filter(client_key=client_key).first()
    if existing is not None and existing.reported_by_id != actor.pk:
        raise ValidationError({"client_key": _("This key belongs to another user's entry.")})
    return existing


@transaction.atomic
def violation_create(
    *, actor: User, data: ViolationInput, client_key: uuid.UUID | None = None
) -> tuple[Violation, bool]:
    """A new draft. A retry with the same ``client_key`` (a device re-sending after a
    lost connection) returns the violation it created the first time: (violation, False),
    with the officer's corrections since applied to it (_resend_apply). Either way the
    violation is announced (cases.signals.violation_logged) with ``data.origin``."""
    _check_origin(data.origin)
    if client_key is not None:
        existing = _created_with_key(actor=actor, client_key=client_key)
        if existing is not None:
            existing = _resend_apply(actor=actor, violation=existing, data=data)
            _announce(actor=actor, violation=existing, origin=data.origin)
            return existing, False
    if actor.org_unit_id is None:
        raise ValidationError(
            {"unit": _("Your account has no unit; ask an administrator to assign one.")}
        )
    violation = Violation(
        reported_by=actor, unit_id=actor.org_unit_id, status=ViolationStatus.DRAFT
    )
    if client_key is not None:
        violation.client_key = client_key
    _apply(violation, data, require_complete=False)
    violation.reference = _reference_next(timezone.localtime(data.occurred_at).year)
    violation.full_clean(exclude=["reported_by", "unit", "category"])
    try:
        with transaction.atomic():
            violation.save()
    except IntegrityError:
        # The same key, sent again while the first request was still writing: that
        # request's row was invisible to the check above until it committed.
        existing = _created_with_key(actor=actor, client_key=client_key) if client_key else None
        if existing is None:
            raise
        _announce(actor=actor, violation=existing, origin=data.origin)
        return existing, False
    violation_grid_changed(violation=violation)
    search_index_refresh(kind="violation", ids=[violation.pk])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=violation,
        changes=_diff(dict.fromkeys(AUDITED_FIELDS), _snapshot(violation)),
    )
    _announce(actor=actor, violation=violation, origin=data.origin)
    return violation, True


def _resend_apply(*, actor: User, violation: Violation, data: ViolationInput) -> Violation:
    """The first step of an entry sent again. The answer to the first send was lost, the
    device kept the entry, and the officer may have corrected it since: the draft takes
    the correction, as an edit would. Once the violation is past draft the correction is
    refused, saying so, rather than dropped in silence."""
    candidate = Violation.objects.get(pk=violation.pk)
    _apply(candidate, data, require_complete=False)
    if _snapshot(candidate) == _snapshot(violation):
        return violation
    if violation.status != ViolationStatus.DRAFT:
        raise ValidationError(
            {
                "__all__": _(
                    "%(reference)s was already submitted, so this correction was not saved. "
                    "Open it and use Edit."
                )
                % {"reference": violation.reference}
            }
        )
    return violation_update(actor=actor, violation=violation, data=data)


@transaction.atomic
def violation_update(
    *,
    actor: User,
    violation: Violation,
    data: ViolationInput,
    client_key: uuid.UUID | None = None,
) -> Violation:
    """A correction. A re-send with the same ``client_key`` changes nothing again (a
    later correction made in between is not undone by an old one arriving late)."""
    violation = Violation.objects.select_for_update().get(pk=violation.pk)
    record, first = client_write_claim(
        actor=actor, violation=violation, kind=ClientWriteKind.UPDATE, client_key=client_key
    )
    if not first:
        return violation
    before = _snapshot(violation)
    # A submitted violation stays complete: an edit cannot take a required fact away,
    # nor its location, nor move it outside the operational area unconfirmed.
    complete = violation.status != ViolationStatus.DRAFT
    _apply(violation, data, require_complete=complete)
    if complete:
        problems = violation_submit_problems(violation)
        if problems:
            raise ValidationError(problems)
    violation.full_clean(exclude=["reported_by", "unit", "category"])
    violation.save(update_fields=[*SAVED_FIELDS, "crossing_point", "updated_at"])
    search_index_refresh(kind="violation", ids=[violation.pk])
    violation_grid_changed(violation=violation, before=before)
    changes = _diff(before, _snapshot(violation))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=violation, changes=changes)
    client_write_done(record, violation.pk)
    return violation


def _outside_area_problem(location: Point) -> str:
    swapped = point_swapped_into_area(location)
    if swapped is not None:
        return _(
            "The location is outside the operational area, but with latitude and longitude "
            "swapped (%(lat).5f, %(lon).5f) it would be inside: check their order (latitude "
            "first)."
        ) % {"lat": swapped.y, "lon": swapped.x}
    return _(
        "The location is outside the operational area. Check it, then confirm that it is right."
    )


def violation_submit_problems(violation: Violation) -> dict[str, str]:
    """What stops a draft from being submitted, by field."""
    problems: dict[str, str] = {}
    if violation.location is None:
        problems["location"] = _(
            "Give the location: use the device position, click the map or type coordinates."
        )
    elif not violation.outside_area_confirmed and not point_in_operational_area(violation.location):
        problems["outside_area_confirmed"] = _outside_area_problem(violation.location)
    _details, detail_errors = category_details_clean(
        category=violation.category, raw=violation.details, require_complete=True
    )
    problems.update({f"details.{name}": message for name, message in detail_errors.items()})
    return problems


@transaction.atomic
def violation_submit(
    *, actor: User, violation: Violation, client_key: uuid.UUID | None = None
) -> Violation:
    """A draft sent for verification. A re-send with the same ``client_key`` (the answer
    was lost) returns the submitted violation rather than "only a draft can be submitted"."""
    violation = (
        Violation.objects.select_for_update().select_related("category").get(pk=violation.pk)
    )
    record, first = client_write_claim(
        actor=actor, violation=violation, kind=ClientWriteKind.SUBMIT, client_key=client_key
    )
    if not first:
        return violation
    if violation.status != ViolationStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft can be submitted.")})
    problems = violation_submit_problems(violation)
    if problems:
        raise ValidationError(problems)
    violation.status = ViolationStatus.SUBMITTED
    violation.submitted_at = timezone.now()
    violation.save(update_fields=["status", "submitted_at", "updated_at"])
    search_index_refresh(kind="violation", ids=[violation.pk])
    violation_grid_changed(violation=violation, before={"status": ViolationStatus.DRAFT})
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=violation,
        changes={"status": ["draft", "submitted"]},
    )
    client_write_done(record, violation.pk)
    return violation


@transaction.atomic
def violation_verify(*, actor: User, violation: Violation) -> Violation:
    violation = Violation.objects.select_for_update().get(pk=violation.pk)
    problems = violation_verify_problems(user=actor, violation=violation)
    if problems:
        raise ValidationError(problems)
    violation.status = ViolationStatus.VERIFIED
    violation.verified_at = timezone.now()
    violation.verified_by = actor
    violation.save(update_fields=["status", "verified_at", "verified_by", "updated_at"])
    search_index_refresh(kind="violation", ids=[violation.pk])
    violation_grid_changed(violation=violation, before={"status": ViolationStatus.SUBMITTED})
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=violation,
        changes={"status": ["submitted", "verified"]},
    )
    return violation
