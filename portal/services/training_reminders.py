"""E-mail reminders of training, sent by Celery beat (portal.training_reminders_send):

- before a certificate expires (TRAINING_EXPIRY_REMIND_DAYS, e.g. 60 and 7 days), to
  the holder and to the head of their unit;
- before a session starts (TRAINING_SESSION_REMIND_DAYS, e.g. 2 days), to each person
  enrolled (not those on the waiting list, not those who withdrew).

Each reminder is sent once. A TrainingReminder row is inserted, in its own transaction,
before its e-mail goes: its unique constraints make a second run of the task, or a
second worker racing the first, fail to insert it and send nothing; an e-mail that fails
rolls its row back, so the next run tries again.

A run that missed days catches up without flooding: a certificate gets the reminder of
the nearest threshold it has passed (one expiring in 5 days gets the 7-day one, not
also the 60-day one).
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import (
    AuditAction,
    Certificate,
    Enrolment,
    EnrolmentStatus,
    ReminderKind,
    TrainingReminder,
    TrainingSession,
    User,
)
from portal.selectors.training import next_session_with_places
from portal.services.audit import audit_record

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderReport:
    certificates: int
    sessions: int


def _language_of(person: User) -> str:
    """The person's language if the account keeps one, else the portal's default."""
    return getattr(person, "language", "") or settings.LANGUAGE_CODE


def _url(name: str, *args: object) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{reverse(name, args=args)}"


def _name(person: User) -> str:
    return person.get_full_name() or person.get_username()


def _threshold(days_left: int, thresholds: tuple[int, ...]) -> int | None:
    """The nearest threshold ``days_left`` has reached (None: none yet)."""
    reached = [days for days in thresholds if days_left <= days]
    return min(reached) if reached else None


def _send_once(
    *,
    kind: ReminderKind,
    recipient: User,
    days_before: int,
    about_date: datetime.date,
    certificate: Certificate | None = None,
    enrolment: Enrolment | None = None,
    subject: str,
    body: str,
) -> bool:
    """Record the reminder and send it, or do nothing if it was sent already."""
    try:
        with transaction.atomic():
            reminder = TrainingReminder.objects.create(
                kind=kind,
                recipient=recipient,
                days_before=days_before,
                about_date=about_date,
                certificate=certificate,
                enrolment=enrolment,
            )
            send_mail(
                subject=subject,
                message=body,
                from_email=None,
                recipient_list=[recipient.email],
            )
            audit_record(
                actor=None,
                action=AuditAction.CREATE,
                obj=reminder,
                changes={"kind": kind.value, "to": recipient.get_username(), "days": days_before},
            )
    except IntegrityError:  # sent already (by an earlier run, or a worker racing this one)
        return False
    return True


# --- Before a certificate expires ------------------------------------------------------
def _expiring_certificates(
    *, today: datetime.date, thresholds: tuple[int, ...]
) -> QuerySet[Certificate]:
    """Valid certificates of active people expiring within the largest threshold, unless
    the person already holds a later one of the course (renewed)."""
    renewed = Certificate.objects.filter(
        person=OuterRef("person"),
        course=OuterRef("course"),
        revoked_at__isnull=True,
        expires_on__gt=OuterRef("expires_on"),
    )
    return (
        Certificate.objects.filter(
            revoked_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=max(thresholds)),
            person__is_active=True,
        )
        .exclude(Exists(renewed))
        .select_related("person", "person__org_unit__head", "course")
        .order_by("expires_on", "pk")
    )


def _expiry_message(
    *,
    certificate: Certificate,
    recipient: User,
    days_left: int,
    next_sessions: dict[int, TrainingSession | None],
) -> tuple[str, str]:
    holder = certificate.person
    course = certificate.course
    # One query per course, not per certificate: many expire together after a session.
    if course.pk not in next_sessions:
        next_sessions[course.pk] = next_session_with_places(course=course)
    session = next_sessions[course.pk]
    values = {
        "course": course.title,
        "code": course.code,
        "date": certificate.expires_on.isoformat(),
        "days": days_left,
        "person": _name(holder),
    }
    if recipient.pk == holder.pk:
        subject = _("Your %(course)s certificate expires on %(date)s") % values
        lines = [
            _(
                "Your certificate for the course %(course)s (%(code)s) expires on %(date)s, "
                "in %(days)s days."
            )
            % values
        ]
    else:
        subject = _("%(person)s: %(course)s certificate expires on %(date)s") % values
        lines = [
            _(
                "The certificate of %(person)s for the course %(course)s (%(code)s) expires "
                "on %(date)s, in %(days)s days. As head of their unit, you may enrol them "
                "in a session."
            )
            % values
        ]
    if session is not None:
        lines.append(
            _("Next session with free places: %(start)s, %(place)s.")
            % {"start": session.starts_on.isoformat(), "place": session.place}
        )
        lines.append(_url("portal:training-session-detail", session.pk))
    else:
        lines.append(_("No session of the course has free places yet."))
    lines.append("")
    lines.append(_("Your training record: %(url)s") % {"url": _url("portal:training-mine")})
    return subject, "\n".join(lines)


def certificate_expiry_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind holders (and the heads of their units) of certificates about to expire.
    Returns the number of e-mails sent."""
    today = today or timezone.localdate()
    thresholds = tuple(settings.TRAINING_EXPIRY_REMIND_DAYS)
    if not thresholds:
        return 0
    sent = 0
    next_sessions: dict[int, TrainingSession | None] = {}
    for certificate in _expiring_certificates(today=today, thresholds=thresholds):
        days_left = (certificate.expires_on - today).days
        days_before = _threshold(days_left, thresholds)
        if days_before is None:
            continue
        holder = certificate.person
        head = holder.org_unit.head if holder.org_unit else None
        recipients = [holder]
        if head is not None and head.pk != holder.pk and head.is_active:
            recipients.append(head)
        for recipient in recipients:
            if not recipient.email:
                continue
            with translation.override(_language_of(recipient)):
                subject, body = _expiry_message(
                    certificate=certificate,
                    recipient=recipient,
                    days_left=days_left,
                    next_sessions=next_sessions,
                )
            sent += _send_once(
                kind=ReminderKind.CERTIFICATE_EXPIRY,
                recipient=recipient,
                days_before=days_before,
                about_date=certificate.expires_on,
                certificate=certificate,
                subject=subject,
                body=body,
            )
    return sent


# --- Before a session starts -----------------------------------------------------------
def _session_message(*, enrolment: Enrolment, days_left: int) -> tuple[str, str]:
    session = enrolment.session
    values = {
        "course": session.course.title,
        "code": session.course.code,
        "date": session.starts_on.isoformat(),
        "end": session.ends_on.isoformat(),
        "days": days_left,
        "place": session.place,
        "trainer": session.trainer,
    }
    subject = _("Training %(course)s starts on %(date)s") % values
    lines = [
        _("You are enrolled in the course %(course)s (%(code)s).") % values,
        _("From %(date)s to %(end)s, in %(days)s days.") % values,
        _("Place: %(place)s") % values,
        _("Trainer: %(trainer)s") % values,
        "",
        _("Your training record: %(url)s") % {"url": _url("portal:training-mine")},
    ]
    return subject, "\n".join(lines)


def session_start_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind the people enrolled in a session that starts soon. Returns the number of
    e-mails sent."""
    today = today or timezone.localdate()
    thresholds = tuple(settings.TRAINING_SESSION_REMIND_DAYS)
    if not thresholds:
        return 0
    enrolments = (
        Enrolment.objects.filter(
            status=EnrolmentStatus.ENROLLED,
            person__is_active=True,
            # Not on the day itself: the person is there, or the attendance says not.
            session__starts_on__gt=today,
            session__starts_on__lte=today + datetime.timedelta(days=max(thresholds)),
        )
        .select_related("person", "session", "session__course")
        .order_by("session__starts_on", "pk")
    )
    sent = 0
    for enrolment in enrolments:
        days_left = (enrolment.session.starts_on - today).days
        days_before = _threshold(days_left, thresholds)
        if days_before is None or not enrolment.person.email:
            continue
        with translation.override(_language_of(enrolment.person)):
            subject, body = _session_message(enrolment=enrolment, days_left=days_left)
        sent += _send_once(
            kind=ReminderKind.SESSION_START,
            recipient=enrolment.person,
            days_before=days_before,
            about_date=enrolment.session.starts_on,
            enrolment=enrolment,
            subject=subject,
            body=body,
        )
    return sent


def training_reminders_send(*, today: datetime.date | None = None) -> ReminderReport:
    return ReminderReport(
        certificates=certificate_expiry_reminders_send(today=today),
        sessions=session_start_reminders_send(today=today),
    )
