"""The training gate: which of a person's roles are in force.

The rule. A role is *gated* while at least one active course qualifies for it (an
administrator sets "qualifies for the role" on a course; making the course inactive or
clearing that field lifts the gate). A person holds a gated role *in force* only while
they hold a valid certificate (not revoked, not past its expiry date) of an active
course qualifying for it, or an exemption running today. A role no active course
qualifies for is in force as held. A role out of force is as if not held: its group's
permissions are dropped and it is not listed; the person keeps their other roles.

One place decides: the sign-in backend (portal.backends) computes a person's group
permissions from ``roles_in_force`` and User.role_names()/has_role (the menu, the
dashboard panels, the access checks) read the same function. It costs one query per
request (portal.models.gate.role_standings: the person's groups, each with its standing
and its permissions; it replaces Django's two queries for groups and their
permissions), kept on the user object, so a new certificate, a revocation or an ended
exemption counts from the next request.

Superusers (``is_superuser``, made from the command line) pass every permission check
before any backend is asked: the gate does not apply to them, as a break-glass account.

The last administrator: the administrator role may be gated like any other, but a
person whose administrator role the gate would take keeps it while no other active
person holds it in force, so that someone can always record a pass or grant an
exemption. Such a person is told so on their dashboard.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.models import Certificate, Course, GateExemption, TrainingSession, User
from portal.models.gate import (
    RoleStanding,
    active_exemptions_filter,
    forget_roles,
    held_roles,
    role_standings,
    roles_gated_out,
    roles_in_force,
)
from portal.roles import role_labels
from portal.selectors.training import (
    local_today,
    next_session_with_places,
    valid_certificates_filter,
)

__all__ = [
    "RoleStanding",
    "active_exemptions_filter",
    "forget_roles",
    "held_roles",
    "role_standings",
    "roles_gated_out",
    "roles_in_force",
]

EXPIRY_WARNING_DAYS = (60, 30, 7)


# --- Why a role is out of force, and what to do ----------------------------------------
@dataclass(frozen=True)
class MissingTraining:
    """A role held but out of force: the courses that would put it back, the person's
    last certificate of one (expired or revoked), and the next session with places."""

    role: str
    courses: list[Course]
    lapsed: Certificate | None
    next_session: TrainingSession | None
    today: datetime.date = field(default_factory=local_today)

    @property
    def role_label(self) -> str:
        return (role_labels([self.role]) or [self.role])[0]

    @property
    def courses_text(self) -> str:
        return _(" or ").join(f"{course.code} · {course.title}" for course in self.courses)

    @property
    def reason(self) -> str:
        """Why the role is out of force, naming the course (one sentence)."""
        if self.lapsed is not None and self.lapsed.revoked_at is not None:
            return _(
                "Your certificate of %(course)s was revoked: the %(role)s role is not in "
                "force until you pass the course again."
            ) % {
                "course": f"{self.lapsed.course.code} · {self.lapsed.course.title}",
                "role": self.role_label,
            }
        if self.lapsed is not None:
            return _(
                "Your certificate of %(course)s expired on %(date)s: the %(role)s role is "
                "not in force until you pass the course again."
            ) % {
                "course": f"{self.lapsed.course.code} · {self.lapsed.course.title}",
                "date": self.lapsed.expires_on.isoformat(),
                "role": self.role_label,
            }
        return _(
            "The %(role)s role needs a valid certificate of %(courses)s, which you do not "
            "hold: the role is not in force until you pass the course."
        ) % {"role": self.role_label, "courses": self.courses_text}

    @property
    def next_session_text(self) -> str:
        session = self.next_session
        if session is None:
            return _("No session with free places is planned yet: ask an administrator.")
        return _("Next session with free places: %(course)s, %(start)s to %(end)s, %(place)s.") % {
            "course": session.course.code,
            "start": session.starts_on.isoformat(),
            "end": session.ends_on.isoformat(),
            "place": session.place,
        }

    @property
    def detail(self) -> str:
        return f"{self.reason} {self.next_session_text}"


def _lapsed_certificate(user: User, courses: list[Course]) -> Certificate | None:
    return (
        Certificate.objects.filter(person=user, course__in=courses)
        .select_related("course")
        .order_by("-expires_on", "-pk")
        .first()
    )


def _next_session(courses: list[Course], today: datetime.date) -> TrainingSession | None:
    sessions = [next_session_with_places(course=course, today=today) for course in courses]
    found = [session for session in sessions if session is not None]
    return min(found, key=lambda session: (session.starts_on, session.pk), default=None)


def missing_training(user: User, roles: list[str] | None = None) -> list[MissingTraining]:
    """For each of ``user``'s roles out of force (or of ``roles`` among them): what is
    missing and the next session to take. A few queries: asked on a refusal and on the
    dashboard only."""
    wanted = [role for role in roles_gated_out(user) if roles is None or role in roles]
    today = local_today()
    missing = []
    for role in wanted:
        courses = list(
            Course.objects.filter(is_active=True, qualifies_role=role).order_by("code", "pk")
        )
        session = _next_session(courses, today)
        if session is not None:
            session.course = next(c for c in courses if c.pk == session.course_id)
        missing.append(
            MissingTraining(
                role=role,
                courses=courses,
                lapsed=_lapsed_certificate(user, courses),
                next_session=session,
                today=today,
            )
        )
    return missing


# --- Warnings before a gating certificate expires --------------------------------------
@dataclass(frozen=True)
class ExpiryWarning:
    role: str
    certificate: Certificate
    days_left: int
    next_session: TrainingSession | None

    @property
    def threshold(self) -> int:
        """The smallest of 60, 30 and 7 days the expiry is within."""
        return min(days for days in EXPIRY_WARNING_DAYS if self.days_left <= days)

    @property
    def role_label(self) -> str:
        return (role_labels([self.role]) or [self.role])[0]

    @property
    def message(self) -> str:
        """The warning's wording: sharper as the expiry nears (60, 30, 7 days)."""
        course = f"{self.certificate.course.code} · {self.certificate.course.title}"
        values = {
            "course": course,
            "date": self.certificate.expires_on.isoformat(),
            "days": self.days_left,
            "role": self.role_label,
        }
        if self.days_left == 0:
            return (
                _(
                    "Your certificate of %(course)s expires today: from tomorrow the %(role)s "
                    "role is no longer in force. Ask to be enrolled in the next session now."
                )
                % values
            )
        if self.threshold == 7:
            return (
                ngettext(
                    "Your certificate of %(course)s expires in %(days)s day, on %(date)s: then "
                    "the %(role)s role is no longer in force. Ask to be enrolled in the next "
                    "session now.",
                    "Your certificate of %(course)s expires in %(days)s days, on %(date)s: then "
                    "the %(role)s role is no longer in force. Ask to be enrolled in the next "
                    "session now.",
                    self.days_left,
                )
                % values
            )
        if self.threshold == 30:
            return (
                ngettext(
                    "Your certificate of %(course)s expires on %(date)s, in %(days)s day. "
                    "Enrol in a session within the month to keep the %(role)s role.",
                    "Your certificate of %(course)s expires on %(date)s, in %(days)s days. "
                    "Enrol in a session within the month to keep the %(role)s role.",
                    self.days_left,
                )
                % values
            )
        return (
            ngettext(
                "Your certificate of %(course)s expires on %(date)s, in %(days)s day. Plan a "
                "refresher session to keep the %(role)s role.",
                "Your certificate of %(course)s expires on %(date)s, in %(days)s days. Plan a "
                "refresher session to keep the %(role)s role.",
                self.days_left,
            )
            % values
        )


def expiry_warnings(user: User) -> list[ExpiryWarning]:
    """For each role ``user`` holds in force by certificate alone: a warning when the
    latest-expiring certificate keeping it in force expires within 60 days."""
    standings = role_standings(user)
    roles = [name for name, s in standings.items() if s.gated and s.certified and not s.exempt]
    if not roles:
        return []
    today = local_today()
    certificates = (
        Certificate.objects.filter(
            valid_certificates_filter(today=today),
            person=user,
            course__is_active=True,
            course__qualifies_role__in=roles,
        )
        .select_related("course")
        .order_by("expires_on", "pk")
    )
    latest: dict[str, Certificate] = {}
    for certificate in certificates:  # ordered by expiry: the last one per role wins
        latest[certificate.course.qualifies_role] = certificate
    warnings = []
    for role in sorted(latest):
        certificate = latest[role]
        days_left = (certificate.expires_on - today).days
        if days_left <= max(EXPIRY_WARNING_DAYS):
            session = next_session_with_places(course=certificate.course, today=today)
            warnings.append(
                ExpiryWarning(
                    role=role, certificate=certificate, days_left=days_left, next_session=session
                )
            )
    return warnings


def exempt_roles(user: User) -> list[GateExemption]:
    """The exemptions running today that keep one of ``user``'s roles in force."""
    standings = role_standings(user)
    roles = [name for name, s in standings.items() if s.gated and s.exempt and not s.certified]
    if not roles:
        return []
    return list(
        GateExemption.objects.filter(
            active_exemptions_filter(today=local_today()), person=user, role__in=roles
        ).order_by("role", "-until")
    )


# --- Refusals: was it the gate? ----------------------------------------------------------
def roles_that_would_allow(user: User, permissions: Iterable[str]) -> list[str]:
    """The roles the gate takes from ``user`` that, put back, would give them every one
    of ``permissions`` they lack: empty when the gate is not why they are refused."""
    gated_out = roles_gated_out(user)
    if not gated_out or not user.is_active:
        return []
    lacking = set(permissions) - user.get_all_permissions()
    if not lacking:
        return []
    standings = role_standings(user)
    granted_by = {role: standings[role].permissions for role in gated_out}
    if not lacking <= set().union(*granted_by.values()):
        return []
    return sorted(role for role, granted in granted_by.items() if granted & lacking)


class RoleNotInForce(PermissionDenied):
    """A refusal because the training gate took the role that would allow it: carries
    what is missing, for the 403 page and the API's error body."""

    def __init__(self, missing: list[MissingTraining]) -> None:
        self.missing = missing
        super().__init__(" ".join(item.detail for item in missing))


def refusal_for(user: Any, permissions: Iterable[str]) -> PermissionDenied:
    """The exception to raise when ``user`` lacks ``permissions``: RoleNotInForce, naming
    the course and the next session, when the gate is the reason; else a plain refusal."""
    if not getattr(user, "is_authenticated", False) or not isinstance(user, User):
        return PermissionDenied()
    roles = roles_that_would_allow(user, permissions)
    if not roles:
        return PermissionDenied()
    return RoleNotInForce(missing_training(user, roles))


# --- The exemptions' pages -------------------------------------------------------------
def exemption_list_for_user(*, user: User, q: str = "", status: str = "") -> Any:
    """Exemptions, running ones first by default (``status``: "" running, "ended" ended
    or over, "all")."""
    if not user.has_perm("portal.view_gateexemption"):
        raise PermissionDenied
    today = local_today()
    exemptions = GateExemption.objects.select_related("person", "granted_by", "ended_by")
    if status == "":
        exemptions = exemptions.filter(active_exemptions_filter(today=today))
    elif status == "ended":
        exemptions = exemptions.exclude(active_exemptions_filter(today=today))
    if q:
        exemptions = exemptions.filter(
            Q(person__username__icontains=q)
            | Q(person__first_name__icontains=q)
            | Q(person__last_name__icontains=q)
            | Q(reason__icontains=q)
        )
    return exemptions.order_by("-granted_at", "-pk")


def exemption_get_for_user(*, user: User, pk: int) -> GateExemption:
    if not user.has_perm("portal.view_gateexemption"):
        raise PermissionDenied
    return get_object_or_404(
        GateExemption.objects.select_related("person", "granted_by", "ended_by"), pk=pk
    )


def exemptions_of(*, user: User, subject: User) -> list[GateExemption]:
    """``subject``'s exemptions, newest first, for those who see exemptions."""
    if not user.has_perm("portal.view_gateexemption"):
        return []
    return list(
        GateExemption.objects.filter(person=subject)
        .select_related("granted_by")
        .order_by("-granted_at", "-pk")
    )


def gate_standings_shown(subject: User) -> list[dict[str, Any]]:
    """``subject``'s roles with their standing and label, for their page."""
    return [
        {
            "label": (role_labels([name]) or [name])[0],
            "gated": standing.gated,
            "certified": standing.certified,
            "exempt": standing.exempt,
            "kept_as_last_administrator": standing.kept_as_last_administrator,
        }
        for name, standing in sorted(role_standings(subject).items())
    ]
