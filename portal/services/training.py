"""Training use cases: courses, sessions, enrolment and its waiting list, attendance and
results (a pass issues a certificate: portal.services.certificates). Each change is
audited.

Refusals are ValidationErrors whose messages say what to do; nothing is changed then.
Places in a session are counted under a row lock on the session, so that two people
enrolling at once cannot both take the last place, and a freed place goes to the first
on the waiting list exactly once.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lib.text import hidden_characters_check, lengths_check
from portal.models import (
    AuditAction,
    Certificate,
    Course,
    Enrolment,
    EnrolmentResult,
    EnrolmentStatus,
    TrainingSession,
    User,
)
from portal.selectors.training import local_today, may_enrol, valid_certificates_filter
from portal.services.audit import REASON_MAX, audit_record
from portal.services.certificates import certificate_issue

COURSE_FIELDS = [
    "title",
    "description",
    "qualifies_role",
    "qualifies_area",
    "validity_months",
    "is_active",
]
SESSION_FIELDS = ["starts_on", "ends_on", "trainer", "place", "capacity", "notes"]


def _str_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    def shown(value: Any) -> Any:
        return None if value is None else str(value)

    return {
        key: [shown(before[key]), shown(value)]
        for key, value in after.items()
        if before[key] != value
    }


# --- Courses ---------------------------------------------------------------------------
def _prerequisites_check(course: Course | None, prerequisites: list[Course]) -> None:
    """A course cannot require itself, nor a course that (through others) requires it."""
    if course is None or course.pk is None:
        return
    seen: set[int] = set()
    frontier = [p.pk for p in prerequisites]
    while frontier:
        if course.pk in frontier:
            raise ValidationError(
                {
                    "prerequisites": _(
                        "A course cannot require itself, directly or through its "
                        "prerequisites: remove %(code)s."
                    )
                    % {"code": course.code}
                }
            )
        seen.update(frontier)
        frontier = [
            pk
            for pk in Course.prerequisites.through.objects.filter(
                from_course_id__in=frontier
            ).values_list("to_course_id", flat=True)
            if pk not in seen or pk == course.pk
        ]


def _course_texts_check(fields: dict[str, Any]) -> None:
    hidden_characters_check({"title": fields.get("title", "")})
    if fields.get("qualifies_role") and fields.get("qualifies_area"):
        raise ValidationError(
            {
                "qualifies_area": _(
                    "A course qualifies for a role or for administering a part of the "
                    "portal, not both: choose one."
                )
            }
        )


@transaction.atomic
def course_create(
    *, actor: User, code: str, fields: dict[str, Any], prerequisites: list[Course]
) -> Course:
    _course_texts_check(fields)
    if Course.objects.filter(code__iexact=code).exists():
        raise ValidationError(
            {"code": _("A course with the code %(code)s exists.") % {"code": code}}
        )
    course = Course(code=code, **{f: fields[f] for f in COURSE_FIELDS if f in fields})
    course.full_clean()
    course.save()
    course.prerequisites.set(prerequisites)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=course,
        changes={
            "code": code,
            "validity_months": course.validity_months,
            "qualifies": course.qualifies_role or course.qualifies_area or None,
            "prerequisites": sorted(p.code for p in prerequisites),
        },
    )
    return course


@transaction.atomic
def course_update(
    *, actor: User, course: Course, fields: dict[str, Any], prerequisites: list[Course]
) -> Course:
    _course_texts_check(fields)
    course = Course.objects.select_for_update().get(pk=course.pk)
    _prerequisites_check(course, prerequisites)
    before = {f: getattr(course, f) for f in COURSE_FIELDS}
    before_prerequisites = sorted(course.prerequisites.values_list("code", flat=True))
    for field in COURSE_FIELDS:
        if field in fields:
            setattr(course, field, fields[field])
    course.full_clean()
    course.save(update_fields=[f for f in COURSE_FIELDS if f in fields])
    course.prerequisites.set(prerequisites)
    changes: dict[str, Any] = _str_diff(before, {f: getattr(course, f) for f in COURSE_FIELDS})
    after_prerequisites = sorted(p.code for p in prerequisites)
    if after_prerequisites != before_prerequisites:
        changes["prerequisites"] = [before_prerequisites, after_prerequisites]
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=course, changes=changes)
    return course


# --- Sessions --------------------------------------------------------------------------
def _session_texts_check(fields: dict[str, Any]) -> None:
    hidden_characters_check(
        {"trainer": fields.get("trainer", ""), "place": fields.get("place", "")}
    )
    starts_on, ends_on = fields.get("starts_on"), fields.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})


@transaction.atomic
def training_session_create(
    *, actor: User, course: Course, fields: dict[str, Any]
) -> TrainingSession:
    _session_texts_check(fields)
    if not course.is_active:
        raise ValidationError(
            {
                "course": _("The course %(code)s is no longer given: make it active first.")
                % {"code": course.code}
            }
        )
    session = TrainingSession(
        course=course, **{f: fields[f] for f in SESSION_FIELDS if f in fields}
    )
    session.full_clean()
    session.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=session,
        changes={f: str(getattr(session, f)) for f in ["starts_on", "ends_on", "capacity"]},
    )
    return session


@transaction.atomic
def training_session_update(
    *, actor: User, session: TrainingSession, fields: dict[str, Any]
) -> TrainingSession:
    _session_texts_check(fields)
    session = (
        TrainingSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    )
    enrolled = session.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    capacity = fields.get("capacity", session.capacity)
    if capacity is not None and capacity < enrolled:
        raise ValidationError(
            {
                "capacity": _(
                    "%(count)s people are enrolled: the session cannot have fewer places. "
                    "Withdraw people first."
                )
                % {"count": enrolled}
            }
        )
    before = {f: getattr(session, f) for f in SESSION_FIELDS}
    for field in SESSION_FIELDS:
        if field in fields:
            setattr(session, field, fields[field])
    session.full_clean()
    session.save(update_fields=[f for f in SESSION_FIELDS if f in fields])
    changes = _str_diff(before, {f: getattr(session, f) for f in SESSION_FIELDS})
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=session, changes=changes)
    _promote_waiting(actor=actor, session=session)
    return session


def _promote_waiting(*, actor: User, session: TrainingSession) -> list[Enrolment]:
    """Give free places to the waiting list, first come first served. The caller holds
    the session's row lock."""
    enrolled = session.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    free = session.capacity - enrolled
    if free <= 0:
        return []
    promoted = list(
        session.enrolments.filter(status=EnrolmentStatus.WAITING)
        .select_related("person")
        .order_by("enrolled_at", "pk")[:free]
    )
    for enrolment in promoted:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=enrolment,
            changes={"status": [EnrolmentStatus.WAITING, EnrolmentStatus.ENROLLED]},
            reason="A place became free: first on the waiting list.",
        )
    return promoted


# --- Enrolment -------------------------------------------------------------------------
def _missing_prerequisites(*, person: User, course: Course, today: datetime.date) -> list[Course]:
    held = set(
        Certificate.objects.filter(
            valid_certificates_filter(today=today), person=person
        ).values_list("course_id", flat=True)
    )
    return [p for p in course.prerequisites.order_by("code") if p.pk not in held]


def _name(person: User) -> str:
    return person.get_full_name() or person.username


@transaction.atomic
def enrolment_create(*, actor: User, session: TrainingSession, person: User) -> Enrolment:
    """Enrol ``person`` in ``session``: a place if one is free, else the waiting list.

    Refused, with the reason, when ``actor`` may not enrol this person, the session is
    over, the course is no longer given, the person is inactive, already enrolled or
    waiting, or lacks a valid certificate of a prerequisite course."""
    if not may_enrol(actor=actor, person=person):
        raise ValidationError(
            {"person": _("You may enrol only the members of the units you head.")}
        )
    session = (
        TrainingSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    )
    today = local_today()
    if session.has_ended(today):
        raise ValidationError(_("This session is over: enrol in a later one."))
    if not session.course.is_active:
        raise ValidationError(
            _("The course %(code)s is no longer given.") % {"code": session.course.code}
        )
    if not person.is_active:
        raise ValidationError(
            {"person": _("%(name)s's account is inactive.") % {"name": _name(person)}}
        )
    existing = (
        session.enrolments.filter(person=person).exclude(status=EnrolmentStatus.WITHDRAWN).first()
    )
    if existing is not None:
        message = (
            _("%(name)s is already on the waiting list of this session.")
            if existing.status == EnrolmentStatus.WAITING
            else _("%(name)s is already enrolled in this session.")
        )
        raise ValidationError({"person": message % {"name": _name(person)}})
    missing = _missing_prerequisites(person=person, course=session.course, today=today)
    if missing:
        raise ValidationError(
            {
                "person": _(
                    "%(name)s cannot enrol in %(course)s: it requires a valid certificate "
                    "of %(missing)s first."
                )
                % {
                    "name": _name(person),
                    "course": session.course.code,
                    "missing": ", ".join(f"{c.code} ({c.title})" for c in missing),
                }
            }
        )
    enrolled = session.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    status = EnrolmentStatus.ENROLLED if enrolled < session.capacity else EnrolmentStatus.WAITING
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                session=session, person=person, status=status, enrolled_by=actor
            )
    except IntegrityError:  # a second request for the same person, a moment earlier
        raise ValidationError(
            {"person": _("%(name)s is already enrolled in this session.") % {"name": _name(person)}}
        ) from None
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=enrolment,
        changes={"person": person.username, "session": str(session), "status": status},
    )
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, actor: User, enrolment: Enrolment, reason: str) -> list[Enrolment]:
    """Take ``enrolment`` out of its session; a place it frees goes to the first on the
    waiting list. Returns those promoted."""
    lengths_check({"reason": (reason, REASON_MAX)})
    if not may_enrol(actor=actor, person=enrolment.person):
        raise ValidationError(_("You may withdraw only the members of the units you head."))
    session = TrainingSession.objects.select_for_update().get(pk=enrolment.session_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise ValidationError(_("This person has already been withdrawn."))
    if enrolment.result != EnrolmentResult.PENDING or enrolment.attended is not None:
        raise ValidationError(
            _("Attendance or a result is recorded: the enrolment stays in the record.")
        )
    before = enrolment.status
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=enrolment,
        changes={"status": [before, EnrolmentStatus.WITHDRAWN]},
        reason=reason,
    )
    return _promote_waiting(actor=actor, session=session)


def _session_started_check(enrolment: Enrolment, *, results: bool) -> None:
    if not enrolment.session.has_started(local_today()):
        day = enrolment.session.starts_on.isoformat()
        message = (
            _("The session has not begun: results can be recorded from its first day, %(day)s.")
            if results
            else _(
                "The session has not begun: attendance can be recorded from its first day, %(day)s."
            )
        )
        raise ValidationError(message % {"day": day})
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise ValidationError(
            _("Only people with a place in the session have attendance and results.")
        )


@transaction.atomic
def enrolment_attendance_record(*, actor: User, enrolment: Enrolment, attended: bool) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().select_related("session").get(pk=enrolment.pk)
    _session_started_check(enrolment, results=False)
    if not attended and enrolment.result != EnrolmentResult.PENDING:
        raise ValidationError(
            _("A result is recorded for this person: they attended. Correct the result first.")
        )
    if enrolment.attended == attended:
        return enrolment
    before = enrolment.attended
    enrolment.attended = attended
    enrolment.save(update_fields=["attended"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=enrolment,
        changes={"attended": [before, attended]},
    )
    return enrolment


@dataclass(frozen=True)
class ResultOutcome:
    enrolment: Enrolment
    certificate: Certificate | None


@transaction.atomic
def enrolment_result_record(
    *,
    actor: User,
    enrolment: Enrolment,
    result: EnrolmentResult,
    score: Decimal | None,
    notes: str,
) -> ResultOutcome:
    """Record a pass or a fail (with a score and notes). A pass issues the certificate:
    its pass date is the session's last day (or today, if the result comes earlier), its
    expiry date the pass date plus the course's validity."""
    hidden_characters_check({"notes": notes})
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("session", "session__course", "person")
        .get(pk=enrolment.pk)
    )
    _session_started_check(enrolment, results=True)
    if result == EnrolmentResult.PENDING:
        raise ValidationError({"result": _("Choose passed or failed.")})
    if not enrolment.attended:
        raise ValidationError(
            _("Record the person's attendance first: only those who attended have a result.")
        )
    if score is not None and not (0 <= score <= 100):
        raise ValidationError({"score": _("The score is between 0 and 100.")})
    if Certificate.objects.filter(enrolment=enrolment).exists():
        raise ValidationError(
            _(
                "A certificate was issued for this pass: revoke it, with a reason, "
                "instead of changing the result."
            )
        )
    before = {"result": enrolment.result, "score": enrolment.score, "notes": enrolment.notes}
    enrolment.result = result
    enrolment.score = score
    enrolment.notes = notes
    enrolment.result_recorded_at = timezone.now()
    enrolment.full_clean(exclude=["session", "person", "enrolled_by"])
    enrolment.save(update_fields=["result", "score", "notes", "result_recorded_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=enrolment,
        changes=_str_diff(before, {"result": result, "score": score, "notes": notes}),
    )
    certificate = (
        certificate_issue(actor=actor, enrolment=enrolment)
        if result == EnrolmentResult.PASSED
        else None
    )
    return ResultOutcome(enrolment=enrolment, certificate=certificate)
