"""Training reports: who is trained by course and by unit, who expires soon, how the
sessions were attended. Administrators see everyone; a head of unit sees the people
of the units they head (and their sub-units), nobody else.

Each table is one aggregate query (counts in the database, not per row): the reports
stay a handful of queries however many people and certificates there are.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from portal.models import (
    Certificate,
    Course,
    Enrolment,
    EnrolmentResult,
    EnrolmentStatus,
    OrgUnit,
    TrainingSession,
    User,
)
from portal.selectors.training import is_unit_head, local_today, units_headed_by

EXPIRING_WITHIN_DAYS = 60
# The expiry table's summary counts these horizons (the gate warns at the same ones).
EXPIRY_HORIZONS = (7, 30, 60)
DEFAULT_PAST_DAYS = 365
DEFAULT_FUTURE_DAYS = 90


def may_see_training_reports(user: User) -> bool:
    """Administrators of training, and heads of unit (for their own people)."""
    return user.has_perm("portal.view_certificate") or is_unit_head(user)


@dataclass(frozen=True)
class ReportFilter:
    course: Course | None = None
    unit: OrgUnit | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: the units whose members it counts (None: everyone), the
    course it is limited to, and the period of the sessions."""

    unit_ids: frozenset[int] | None
    course: Course | None
    date_from: datetime.date
    date_to: datetime.date
    today: datetime.date

    def people(self, prefix: str) -> Q:
        """Active people of the scope, ``prefix`` leading to a User (e.g. "person__")."""
        condition = Q(**{f"{prefix}is_active": True})
        if self.unit_ids is not None:
            condition &= Q(**{f"{prefix}org_unit_id__in": self.unit_ids})
        return condition


def _units_under(unit_ids: set[int]) -> set[int]:
    """``unit_ids`` with all their sub-units (the tree is small: one query)."""
    rows = list(OrgUnit.objects.values_list("pk", "parent_id"))
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in rows:
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    stack = list(unit_ids)
    while stack:
        unit_id = stack.pop()
        if unit_id not in found:
            found.add(unit_id)
            stack.extend(children.get(unit_id, []))
    return found


def report_units_for_user(*, user: User) -> QuerySet[OrgUnit]:
    """The units ``user`` may report on (the unit filter's choices)."""
    if not may_see_training_reports(user):
        raise PermissionDenied
    units = OrgUnit.objects.order_by("name", "pk")
    if user.has_perm("portal.view_certificate"):
        return units
    return units.filter(pk__in=units_headed_by(user=user))


def report_scope_for_user(*, user: User, filters: ReportFilter | None = None) -> ReportScope:
    """The scope of the reports for ``user`` and ``filters``: a head of unit never
    reaches beyond their units, whatever unit they ask for."""
    if not may_see_training_reports(user):
        raise PermissionDenied
    filters = filters or ReportFilter()
    today = local_today()
    unit_ids: set[int] | None = None
    if not user.has_perm("portal.view_certificate"):
        unit_ids = set(units_headed_by(user=user))
    if filters.unit is not None:
        wanted = _units_under({filters.unit.pk})
        unit_ids = wanted if unit_ids is None else unit_ids & wanted
    return ReportScope(
        unit_ids=frozenset(unit_ids) if unit_ids is not None else None,
        course=filters.course,
        date_from=filters.date_from or today - datetime.timedelta(days=DEFAULT_PAST_DAYS),
        date_to=filters.date_to or today + datetime.timedelta(days=DEFAULT_FUTURE_DAYS),
        today=today,
    )


def _valid(prefix: str, today: datetime.date) -> Q:
    """Certificates in force on ``today``, ``prefix`` leading to a Certificate."""
    return Q(
        **{
            f"{prefix}revoked_at__isnull": True,
            f"{prefix}issued_on__lte": today,
            f"{prefix}expires_on__gte": today,
        }
    )


def _expiring(prefix: str, today: datetime.date) -> Q:
    soon = today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
    return _valid(prefix, today) & Q(**{f"{prefix}expires_on__lte": soon})


# --- Trained people by course ----------------------------------------------------------
def trained_by_course(*, scope: ReportScope) -> list[Course]:
    """Each course (active, or the one filtered) with ``holders`` (people holding a
    valid certificate), ``expiring`` (of them, people whose certificate expires within
    60 days), and the ``expired`` and ``revoked`` certificates of the scope's people."""
    people = scope.people("certificates__person__")
    courses = Course.objects.all() if scope.course else Course.objects.filter(is_active=True)
    if scope.course is not None:
        courses = courses.filter(pk=scope.course.pk)
    return list(
        courses.annotate(
            holders=Count(
                "certificates__person",
                filter=people & _valid("certificates__", scope.today),
                distinct=True,
            ),
            expiring=Count(
                "certificates__person",
                filter=people & _expiring("certificates__", scope.today),
                distinct=True,
            ),
            expired=Count(
                "certificates",
                filter=people
                & Q(
                    certificates__revoked_at__isnull=True, certificates__expires_on__lt=scope.today
                ),
            ),
            revoked=Count(
                "certificates", filter=people & Q(certificates__revoked_at__isnull=False)
            ),
        ).order_by("code", "pk")
    )


# --- Trained people by unit ------------------------------------------------------------
def trained_by_unit(*, scope: ReportScope) -> list[OrgUnit]:
    """Each unit with members in the scope: ``members`` (active people of the unit itself),
    ``trained`` (of them, holding a valid certificate of the filtered course, or of any
    course), ``expiring`` (of them, one expiring within 60 days) and ``share`` (percent)."""
    certificate = Q(members__is_active=True) & _valid(
        "members__training_certificates__", scope.today
    )
    if scope.course is not None:
        certificate &= Q(members__training_certificates__course=scope.course)
    soon = scope.today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
    units = OrgUnit.objects.all()
    if scope.unit_ids is not None:
        units = units.filter(pk__in=scope.unit_ids)
    rows: list[Any] = list(
        units.annotate(
            member_count=Count("members", filter=Q(members__is_active=True), distinct=True),
            trained=Count("members", filter=certificate, distinct=True),
            expiring=Count(
                "members",
                filter=certificate & Q(members__training_certificates__expires_on__lte=soon),
                distinct=True,
            ),
        )
        .filter(member_count__gt=0)
        .order_by("name", "pk")
    )
    for unit in rows:
        unit.share = round(100 * unit.trained / unit.member_count)
    return rows


# --- Who expires soon ------------------------------------------------------------------
def expiring_certificates(*, scope: ReportScope) -> list[Certificate]:
    """Valid certificates of the scope's people expiring within 60 days, soonest first,
    unless the person already renewed (holds a later one of the course). Each comes with
    ``days_left``, ``next_session_id`` / ``next_session_starts`` (the course's soonest
    session not begun with a free place) and ``enrolled_again`` (already enrolled in a
    session of the course to come)."""
    today = scope.today
    sessions_with_places = (
        TrainingSession.objects.filter(course=OuterRef("course"), starts_on__gt=today)
        .annotate(taken=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)))
        .filter(taken__lt=F("capacity"))
        .order_by("starts_on", "pk")
    )
    renewed = Certificate.objects.filter(
        person=OuterRef("person"),
        course=OuterRef("course"),
        revoked_at__isnull=True,
        expires_on__gt=OuterRef("expires_on"),
    )
    enrolled_again = Enrolment.objects.filter(
        person=OuterRef("person"),
        session__course=OuterRef("course"),
        session__starts_on__gte=today,
        status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING],
    )
    certificates = (
        Certificate.objects.filter(_expiring("", today), scope.people("person__"))
        .annotate(
            renewed=Exists(renewed),
            enrolled_again=Exists(enrolled_again),
            next_session_id=Subquery(sessions_with_places.values("pk")[:1]),
            next_session_starts=Subquery(sessions_with_places.values("starts_on")[:1]),
        )
        .filter(renewed=False)
        .select_related("person", "person__org_unit", "course")
        .order_by("expires_on", "person__last_name", "person__first_name", "pk")
    )
    if scope.course is not None:
        certificates = certificates.filter(course=scope.course)
    rows: list[Any] = list(certificates)
    for certificate in rows:
        certificate.days_left = (certificate.expires_on - today).days
    return rows


def expiry_summary(certificates: list[Certificate]) -> list[tuple[int, int]]:
    """(horizon in days, how many of ``certificates`` expire within it)."""
    days_left: list[int] = [c.days_left for c in certificates]  # type: ignore[attr-defined]  # set above
    return [(days, len([left for left in days_left if left <= days])) for days in EXPIRY_HORIZONS]


# --- Sessions and attendance -----------------------------------------------------------
def sessions_attendance(*, scope: ReportScope) -> list[TrainingSession]:
    """Sessions starting in the period, newest first, with the scope's people counted:
    ``enrolled``, ``attended``, ``passed``, ``failed``; ``attendance_rate`` and
    ``pass_rate`` in percent (None before the session, or without anyone to count).
    Limited to a unit (or for a head of unit), only the sessions its people enrolled in."""
    people = scope.people("enrolments__person__")
    enrolled = people & Q(enrolments__status=EnrolmentStatus.ENROLLED)
    sessions = (
        TrainingSession.objects.filter(starts_on__gte=scope.date_from, starts_on__lte=scope.date_to)
        .select_related("course")
        .annotate(
            enrolled=Count("enrolments", filter=enrolled),
            attended=Count("enrolments", filter=enrolled & Q(enrolments__attended=True)),
            passed=Count(
                "enrolments", filter=enrolled & Q(enrolments__result=EnrolmentResult.PASSED)
            ),
            failed=Count(
                "enrolments", filter=enrolled & Q(enrolments__result=EnrolmentResult.FAILED)
            ),
        )
        .order_by("-starts_on", "course__code", "pk")
    )
    if scope.course is not None:
        sessions = sessions.filter(course=scope.course)
    if scope.unit_ids is not None:
        sessions = sessions.filter(enrolled__gt=0)
    rows: list[Any] = list(sessions)
    for session in rows:
        started = session.starts_on <= scope.today
        session.attendance_rate = _percent(session.attended, session.enrolled) if started else None
        session.pass_rate = _percent(session.passed, session.attended) if started else None
    return rows


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class SessionTotals:
    sessions: int
    enrolled: int
    attended: int
    passed: int
    failed: int
    attendance_rate: int | None
    pass_rate: int | None


def session_totals(sessions: list[TrainingSession], *, today: datetime.date) -> SessionTotals:
    """The totals of the sessions begun by ``today`` (those still to come have no
    attendance to count)."""
    begun = [session for session in sessions if session.starts_on <= today]
    enrolled = sum(s.enrolled for s in begun)  # type: ignore[attr-defined]  # annotated
    attended = sum(s.attended for s in begun)  # type: ignore[attr-defined]  # annotated
    passed = sum(s.passed for s in begun)  # type: ignore[attr-defined]  # annotated
    failed = sum(s.failed for s in begun)  # type: ignore[attr-defined]  # annotated
    return SessionTotals(
        sessions=len(begun),
        enrolled=enrolled,
        attended=attended,
        passed=passed,
        failed=failed,
        attendance_rate=_percent(attended, enrolled),
        pass_rate=_percent(passed, attended),
    )
