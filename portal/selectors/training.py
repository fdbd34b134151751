"""Reads of the training records, through the permission checks.

Two kinds of people reach training: those whose role holds the training permissions
(administrators), and heads of unit, who see the sessions and enrol, follow and
withdraw the members of their unit and its sub-units. Everyone sees their own record.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portal.models import (
    Certificate,
    Course,
    Enrolment,
    EnrolmentStatus,
    OrgUnit,
    TrainingSession,
    User,
)
from portal.models.gate import valid_certificates_filter


def units_headed_by(*, user: User) -> set[int]:
    """Ids of the units ``user`` heads, with all their sub-units (the tree is small and
    shallow: one query for the whole of it)."""
    if not user.is_authenticated:
        return set()
    cached: set[int] | None = getattr(user, "_units_headed_cache", None)
    if cached is not None:
        return cached
    rows = list(OrgUnit.objects.values_list("pk", "parent_id", "head_id"))
    children: dict[int | None, list[int]] = {}
    for pk, parent_id, _head in rows:
        children.setdefault(parent_id, []).append(pk)
    headed: set[int] = set()
    stack = [pk for pk, _parent, head_id in rows if head_id == user.pk]
    while stack:
        unit_id = stack.pop()
        if unit_id not in headed:
            headed.add(unit_id)
            stack.extend(children.get(unit_id, []))
    user._units_headed_cache = headed  # type: ignore[attr-defined]  # per request
    return headed


def is_unit_head(user: User) -> bool:
    """Whether ``user`` heads a unit: read with the signed-in person (the sign-in
    backend, portal/backends.py), so the menu asks no query of its own on each page."""
    known: bool | None = getattr(user, "heads_a_unit", None)
    if known is not None:
        return known
    return bool(units_headed_by(user=user))


def may_manage_training(user: User) -> bool:
    """Administrators of training: attendance, results, sessions, everyone's enrolment."""
    return user.has_perms(["portal.view_trainingsession", "portal.change_enrolment"])


def may_see_sessions(user: User) -> bool:
    return user.has_perm("portal.view_trainingsession") or is_unit_head(user)


def may_enrol(*, actor: User, person: User) -> bool:
    """An administrator enrols anyone; a head of unit the members of their units."""
    if actor.has_perm("portal.add_enrolment"):
        return True
    return person.org_unit_id is not None and person.org_unit_id in units_headed_by(user=actor)


def may_see_record_of(*, user: User, subject: User) -> bool:
    return (
        user.pk == subject.pk
        or user.has_perm("portal.view_certificate")
        or (subject.org_unit_id is not None and subject.org_unit_id in units_headed_by(user=user))
    )


def local_today() -> datetime.date:
    return timezone.localdate()


# --- Courses ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CourseFilter:
    q: str = ""
    qualifies: str = ""
    status: str = ""


def course_list_for_user(*, user: User, filters: CourseFilter | None = None) -> QuerySet[Course]:
    if not user.has_perm("portal.view_course"):
        raise PermissionDenied
    filters = filters or CourseFilter()
    courses = Course.objects.annotate(
        session_count=Count("sessions", distinct=True),
        prerequisite_count=Count("prerequisites", distinct=True),
    ).order_by("code", "pk")
    if filters.q:
        courses = courses.filter(Q(code__icontains=filters.q) | Q(title__icontains=filters.q))
    if filters.qualifies.startswith("role:"):
        courses = courses.filter(qualifies_role=filters.qualifies.removeprefix("role:"))
    elif filters.qualifies.startswith("area:"):
        courses = courses.filter(qualifies_area=filters.qualifies.removeprefix("area:"))
    if filters.status == "active":
        courses = courses.filter(is_active=True)
    elif filters.status == "inactive":
        courses = courses.filter(is_active=False)
    return courses


def course_get_for_user(*, user: User, pk: int) -> Course:
    if not user.has_perm("portal.view_course"):
        raise PermissionDenied
    return get_object_or_404(Course.objects.prefetch_related("prerequisites"), pk=pk)


# --- Sessions --------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionFilter:
    course: Course | None = None
    when: str = ""
    q: str = ""


def _session_counts(sessions: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    return sessions.annotate(
        enrolled_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
        waiting_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
        attended_count=Count(
            "enrolments",
            filter=Q(enrolments__status=EnrolmentStatus.ENROLLED, enrolments__attended=True),
        ),
    )


def session_list_for_user(
    *, user: User, filters: SessionFilter | None = None
) -> QuerySet[TrainingSession]:
    if not may_see_sessions(user):
        raise PermissionDenied
    filters = filters or SessionFilter()
    sessions = _session_counts(TrainingSession.objects.select_related("course")).order_by(
        "-starts_on", "course__code", "pk"
    )
    today = local_today()
    if filters.course is not None:
        sessions = sessions.filter(course=filters.course)
    if filters.when == "upcoming":
        sessions = sessions.filter(ends_on__gte=today).order_by("starts_on", "course__code", "pk")
    elif filters.when == "past":
        sessions = sessions.filter(ends_on__lt=today)
    if filters.q:
        sessions = sessions.filter(
            Q(course__code__icontains=filters.q)
            | Q(course__title__icontains=filters.q)
            | Q(trainer__icontains=filters.q)
            | Q(place__icontains=filters.q)
        )
    return sessions


def session_get_for_user(*, user: User, pk: int) -> TrainingSession:
    if not may_see_sessions(user):
        raise PermissionDenied
    return get_object_or_404(
        _session_counts(TrainingSession.objects.select_related("course")), pk=pk
    )


def session_enrolments_for_user(*, user: User, session: TrainingSession) -> list[Enrolment]:
    """The session's enrolments in the order they came (waiting list in its order), with
    their certificates: every one for administrators, a head's own people for a head."""
    enrolments = (
        Enrolment.objects.filter(session=session)
        .select_related("person", "person__org_unit", "certificate")
        .order_by("enrolled_at", "pk")
    )
    if not may_manage_training(user):
        enrolments = enrolments.filter(person__org_unit_id__in=units_headed_by(user=user))
    return list(enrolments)


def enrolment_get_for_user(*, user: User, session: TrainingSession, pk: int) -> Enrolment:
    """An enrolment of ``session`` that ``user`` may act on (404 for any other)."""
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("person", "session", "session__course"),
        pk=pk,
        session=session,
    )
    if not (may_manage_training(user) or may_enrol(actor=user, person=enrolment.person)):
        raise Http404
    return enrolment


def people_enrolable_by(*, user: User) -> QuerySet[User]:
    """Active people ``user`` may enrol: everyone for administrators, the members of
    their units for a head of unit."""
    people = User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")
    if user.has_perm("portal.add_enrolment"):
        return people
    return people.filter(org_unit_id__in=units_headed_by(user=user))


# --- Certificates ----------------------------------------------------------------------
@dataclass(frozen=True)
class CertificateFilter:
    q: str = ""
    course: Course | None = None
    status: str = ""


def certificate_list_for_user(
    *, user: User, filters: CertificateFilter | None = None
) -> QuerySet[Certificate]:
    if not user.has_perm("portal.view_certificate"):
        raise PermissionDenied
    filters = filters or CertificateFilter()
    today = local_today()
    certificates = Certificate.objects.select_related("person", "course").order_by(
        "-issued_on", "-pk"
    )
    if filters.q:
        certificates = certificates.filter(
            Q(code__icontains=filters.q.replace(" ", ""))
            | Q(person__username__icontains=filters.q)
            | Q(person__first_name__icontains=filters.q)
            | Q(person__last_name__icontains=filters.q)
        )
    if filters.course is not None:
        certificates = certificates.filter(course=filters.course)
    if filters.status == "valid":
        certificates = certificates.filter(revoked_at__isnull=True, expires_on__gte=today)
    elif filters.status == "expired":
        certificates = certificates.filter(revoked_at__isnull=True, expires_on__lt=today)
    elif filters.status == "revoked":
        certificates = certificates.filter(revoked_at__isnull=False)
    elif filters.status == "expiring":
        certificates = certificates.filter(
            revoked_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=60),
        )
    return certificates


def certificate_get_for_user(*, user: User, pk: int) -> Certificate:
    """The certificate for its holder and those who see certificates; 404 for anyone else
    (whose certificates a person holds is not everyone's business)."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("person", "course", "enrolment__session", "revoked_by"),
        pk=pk,
    )
    if not may_see_record_of(user=user, subject=certificate.person):
        raise Http404
    return certificate


# --- A person's record, and what the gate asks -----------------------------------------
@dataclass(frozen=True)
class TrainingRecord:
    certificates: list[Certificate]
    enrolments: list[Enrolment]


def training_record_for_user(*, user: User, subject: User) -> TrainingRecord:
    """``subject``'s certificates and enrolments (newest first), for themselves, those who
    see certificates, and the head of their unit."""
    if not may_see_record_of(user=user, subject=subject):
        raise PermissionDenied
    certificates = list(
        Certificate.objects.filter(person=subject)
        .select_related("course", "enrolment__session")
        .order_by("-issued_on", "-pk")
    )
    today = local_today()
    for certificate in certificates:
        certificate.status = certificate.status_on(today)  # type: ignore[attr-defined]  # shown
    enrolments = list(
        Enrolment.objects.filter(person=subject)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .select_related("session", "session__course")
        .prefetch_related(Prefetch("certificate", queryset=Certificate.objects.all()))
        .order_by("-session__starts_on", "-pk")
    )
    return TrainingRecord(certificates=certificates, enrolments=enrolments)


def person_holds_valid_certificate(
    *, person: User, course: Course, today: datetime.date | None = None
) -> bool:
    today = today or local_today()
    return Certificate.objects.filter(
        valid_certificates_filter(today=today), person=person, course=course
    ).exists()


def courses_qualifying_for_role(*, role: str) -> QuerySet[Course]:
    """The courses whose pass qualifies a person for ``role`` (the gate's question)."""
    return Course.objects.filter(qualifies_role=role, is_active=True)


def next_session_with_places(
    *, course: Course, today: datetime.date | None = None
) -> TrainingSession | None:
    """The soonest session of ``course`` not yet begun that still has a free place."""
    today = today or local_today()
    return (
        _session_counts(TrainingSession.objects.filter(course=course, starts_on__gt=today))
        .filter(Q(enrolled_count__lt=F("capacity")))
        .order_by("starts_on", "pk")
        .first()
    )


def course_certificate_counts(*, course: Course) -> dict[str, int]:
    """How many of the course's certificates are valid, expiring within 60 days,
    expired and revoked today."""
    today = local_today()
    soon = today + datetime.timedelta(days=60)
    counts = Certificate.objects.filter(course=course).aggregate(
        valid=Count("pk", filter=valid_certificates_filter(today=today)),
        expiring=Count(
            "pk", filter=valid_certificates_filter(today=today) & Q(expires_on__lte=soon)
        ),
        expired=Count("pk", filter=Q(revoked_at__isnull=True, expires_on__lt=today)),
        revoked=Count("pk", filter=Q(revoked_at__isnull=False)),
    )
    return {key: int(value or 0) for key, value in counts.items()}
