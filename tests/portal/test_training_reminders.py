"""Training reminders by e-mail from Celery beat: before a certificate expires (to the
holder and the head of their unit) and before a session starts (to those enrolled);
each sent once, however often the task runs."""

import datetime
from typing import Any, cast

import pytest
from django.conf import settings
from django.utils import timezone

from portal.celery import app as celery_app
from portal.models import (
    Certificate,
    Course,
    EnrolmentResult,
    EnrolmentStatus,
    OrgUnit,
    ReminderKind,
    TrainingReminder,
    TrainingSession,
    User,
)
from portal.services import certificates
from portal.services import training as services
from portal.services import training_reminders as reminders
from portal.tasks import training_reminders_send_task
from tests.factories import CourseFactory, OrgUnitFactory, TrainingSessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _user(**fields: Any) -> User:
    return cast(User, UserFactory(**fields))


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def head() -> User:
    return _user(username="head", first_name="Rūta", last_name="Vadovė")


@pytest.fixture
def holder(head) -> User:
    unit = cast(OrgUnit, OrgUnitFactory(code="rem-unit", head=head))
    return _user(username="ona", first_name="Ona", last_name="Jonaitienė", org_unit=unit)


@pytest.fixture
def course() -> Course:
    return cast(Course, CourseFactory(code="mobile-ops", title="Mobile unit operations"))


def _certificate(administrator, course, person, *, expires_in: int) -> Certificate:
    session = cast(TrainingSession, TrainingSessionFactory(course=course))
    enrolment = services.enrolment_create(actor=administrator, session=session, person=person)
    services.enrolment_attendance_record(actor=administrator, enrolment=enrolment, attended=True)
    services.enrolment_result_record(
        actor=administrator,
        enrolment=enrolment,
        result=EnrolmentResult.PASSED,
        score=None,
        notes="",
    )
    certificate = Certificate.objects.get(enrolment=enrolment)
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_on=_days(-700), expires_on=_days(expires_in)
    )
    certificate.refresh_from_db()
    return certificate


def test_the_holder_and_the_head_of_their_unit_are_reminded_once(
    administrator, holder, head, course, mailoutbox
):
    certificate = _certificate(administrator, course, holder, expires_in=7)

    first = training_reminders_send_task()
    second = training_reminders_send_task()

    assert first == {"certificates": 2, "sessions": 0}
    assert second == {"certificates": 0, "sessions": 0}
    recipients = sorted(mail.to[0] for mail in mailoutbox)
    assert recipients == ["head@customs.example", "ona@customs.example"]
    to_holder = next(mail for mail in mailoutbox if mail.to == ["ona@customs.example"])
    expiry = certificate.expires_on.isoformat()
    assert to_holder.subject == f"Your Mobile unit operations certificate expires on {expiry}"
    assert "in 7 days" in to_holder.body
    to_head = next(mail for mail in mailoutbox if mail.to == ["head@customs.example"])
    assert "Ona Jonaitienė" in to_head.subject
    assert "Mobile unit operations" in to_head.body
    assert TrainingReminder.objects.filter(certificate=certificate, days_before=7).count() == 2


def test_the_next_threshold_earns_a_second_reminder_and_a_missed_one_only_the_nearest(
    administrator, holder, course, mailoutbox
):
    soon = _certificate(administrator, course, holder, expires_in=45)
    late = _certificate(administrator, course, _user(username="late", org_unit=None), expires_in=5)

    reminders.certificate_expiry_reminders_send()
    reminders.certificate_expiry_reminders_send(today=_days(40))  # 5 days before "soon"

    sent = sorted(
        TrainingReminder.objects.values_list("certificate_id", "recipient__username", "days_before")
    )
    # "late" expires before the second run's day: it is no longer reminded then.
    assert sent == sorted(
        [
            (soon.pk, "ona", 60),
            (soon.pk, "head", 60),
            (soon.pk, "ona", 7),
            (soon.pk, "head", 7),
            (late.pk, "late", 7),
        ]
    )
    assert len(mailoutbox) == 5


def test_a_revoked_or_renewed_certificate_earns_no_reminder(
    administrator, holder, course, mailoutbox
):
    revoked = _certificate(administrator, course, _user(username="revoked"), expires_in=5)
    certificates.certificate_revoke(
        actor=administrator, certificate=revoked, reason="Wrong session"
    )
    _certificate(administrator, course, holder, expires_in=5)
    _certificate(administrator, course, holder, expires_in=600)  # renewed

    assert reminders.certificate_expiry_reminders_send() == 0
    assert mailoutbox == []


def test_a_reminder_already_recorded_by_another_worker_is_not_sent_again(
    administrator, holder, course, mailoutbox
):
    certificate = _certificate(administrator, course, holder, expires_in=7)
    TrainingReminder.objects.create(
        kind=ReminderKind.CERTIFICATE_EXPIRY,
        certificate=certificate,
        recipient=holder,
        days_before=7,
        about_date=certificate.expires_on,
    )

    reminders.certificate_expiry_reminders_send()

    assert [mail.to for mail in mailoutbox] == [["head@customs.example"]]


def test_an_e_mail_that_fails_is_tried_again_on_the_next_run(
    administrator, holder, course, mailoutbox, monkeypatch
):
    _certificate(administrator, course, holder, expires_in=7)

    def refuse(**kwargs: Any) -> None:
        raise ConnectionRefusedError("relay down")

    monkeypatch.setattr(reminders, "send_mail", refuse)
    with pytest.raises(ConnectionRefusedError):
        reminders.certificate_expiry_reminders_send()
    assert not TrainingReminder.objects.exists()

    monkeypatch.undo()
    assert reminders.certificate_expiry_reminders_send() == 2


def test_people_enrolled_in_a_session_are_reminded_before_it_starts_once(
    administrator, holder, course, mailoutbox
):
    session = cast(
        TrainingSession,
        TrainingSessionFactory(
            course=course, starts_on=_days(2), ends_on=_days(3), capacity=1, place="Medininkai"
        ),
    )
    enrolled = services.enrolment_create(actor=administrator, session=session, person=holder)
    waiting = services.enrolment_create(
        actor=administrator, session=session, person=_user(username="waiting")
    )
    withdrawn = services.enrolment_create(
        actor=administrator,
        session=cast(TrainingSession, TrainingSessionFactory(course=course, starts_on=_days(1))),
        person=_user(username="withdrawn"),
    )
    services.enrolment_withdraw(actor=administrator, enrolment=withdrawn, reason="Ill")

    assert reminders.session_start_reminders_send() == 1
    assert reminders.session_start_reminders_send() == 0

    assert waiting.status == EnrolmentStatus.WAITING
    (mail,) = mailoutbox
    assert mail.to == ["ona@customs.example"]
    assert mail.subject == f"Training Mobile unit operations starts on {_days(2).isoformat()}"
    assert "Place: Medininkai" in mail.body
    assert TrainingReminder.objects.get().enrolment == enrolled


def test_a_session_moved_to_another_day_earns_a_new_reminder(
    administrator, holder, course, mailoutbox
):
    session = cast(
        TrainingSession, TrainingSessionFactory(course=course, starts_on=_days(1), ends_on=_days(1))
    )
    services.enrolment_create(actor=administrator, session=session, person=holder)
    reminders.session_start_reminders_send()
    TrainingSession.objects.filter(pk=session.pk).update(starts_on=_days(2), ends_on=_days(2))

    assert reminders.session_start_reminders_send() == 1
    assert len(mailoutbox) == 2


def test_reminders_are_written_in_the_portal_s_language(
    administrator, holder, course, mailoutbox, settings
):
    settings.LANGUAGE_CODE = "lt"
    _certificate(administrator, course, holder, expires_in=7)

    reminders.certificate_expiry_reminders_send()

    to_holder = next(mail for mail in mailoutbox if mail.to == ["ona@customs.example"])
    assert to_holder.subject.startswith("Jūsų Mobile unit operations pažymėjimas")


def test_the_reminders_run_daily_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["training-reminders-daily"]
    assert entry["task"] == "portal.training_reminders_send"
    assert "portal.training_reminders_send" in celery_app.tasks
    assert settings.TRAINING_EXPIRY_REMIND_DAYS == (60, 7)
    assert settings.TRAINING_SESSION_REMIND_DAYS == (2,)
