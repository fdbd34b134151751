"""Training rules, through the services: places and the waiting list, prerequisites,
attendance and results, certificates (expiry, revocation, verification), every refusal
with its message and nothing changed."""

import datetime
from decimal import Decimal
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.models import (
    AuditRecord,
    Certificate,
    Course,
    Enrolment,
    EnrolmentResult,
    EnrolmentStatus,
    OrgUnit,
    TrainingSession,
    User,
)
from portal.selectors.training import (
    courses_qualifying_for_role,
    next_session_with_places,
    person_holds_valid_certificate,
)
from portal.services import certificates
from portal.services import training as services
from tests.factories import CourseFactory, OrgUnitFactory, TrainingSessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _course(**fields: Any) -> Course:
    return cast(Course, CourseFactory(**fields))


def _session(**fields: Any) -> TrainingSession:
    return cast(TrainingSession, TrainingSessionFactory(**fields))


def _user(**fields: Any) -> User:
    return cast(User, UserFactory(**fields))


def _unit(**fields: Any) -> OrgUnit:
    return cast(OrgUnit, OrgUnitFactory(**fields))


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _passed(admin, session, person, score="90"):
    enrolment = services.enrolment_create(actor=admin, session=session, person=person)
    services.enrolment_attendance_record(actor=admin, enrolment=enrolment, attended=True)
    return services.enrolment_result_record(
        actor=admin,
        enrolment=enrolment,
        result=EnrolmentResult.PASSED,
        score=Decimal(score),
        notes="",
    )


# --- places and the waiting list -------------------------------------------------------
def test_a_full_session_puts_the_next_person_on_the_waiting_list(administrator):
    session = _session(capacity=2)
    people = [_user() for _ in range(4)]
    statuses = [
        services.enrolment_create(actor=administrator, session=session, person=p).status
        for p in people
    ]
    assert statuses == ["enrolled", "enrolled", "waiting", "waiting"]


def test_a_freed_place_goes_to_the_first_on_the_waiting_list_once(administrator):
    session = _session(capacity=1)
    first, second, third = _user(), _user(), _user()
    holder = services.enrolment_create(actor=administrator, session=session, person=first)
    waiting_1 = services.enrolment_create(actor=administrator, session=session, person=second)
    waiting_2 = services.enrolment_create(actor=administrator, session=session, person=third)

    promoted = services.enrolment_withdraw(actor=administrator, enrolment=holder, reason="ill")

    assert [e.pk for e in promoted] == [waiting_1.pk]
    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    assert waiting_1.status == EnrolmentStatus.ENROLLED
    assert waiting_2.status == EnrolmentStatus.WAITING
    assert session.enrolments.filter(status="enrolled").count() == 1
    assert AuditRecord.objects.filter(
        object_type="portal.enrolment", object_id=str(waiting_1.pk), action="update"
    ).exists()


def test_more_places_promote_the_waiting_list_in_order(administrator):
    session = _session(capacity=1)
    people = [_user() for _ in range(4)]
    enrolments = [
        services.enrolment_create(actor=administrator, session=session, person=p) for p in people
    ]
    services.training_session_update(actor=administrator, session=session, fields={"capacity": 3})
    statuses = [Enrolment.objects.get(pk=e.pk).status for e in enrolments]
    assert statuses == ["enrolled", "enrolled", "enrolled", "waiting"]


def test_places_cannot_fall_below_those_enrolled(administrator):
    session = _session(capacity=3)
    for _ in range(3):
        services.enrolment_create(actor=administrator, session=session, person=_user())
    with pytest.raises(ValidationError) as refused:
        services.training_session_update(
            actor=administrator, session=session, fields={"capacity": 2}
        )
    assert "3 people are enrolled" in _messages(refused.value)
    session.refresh_from_db()
    assert session.capacity == 3


def test_the_same_person_cannot_enrol_twice(administrator, analyst):
    session = _session()
    services.enrolment_create(actor=administrator, session=session, person=analyst)
    with pytest.raises(ValidationError) as refused:
        services.enrolment_create(actor=administrator, session=session, person=analyst)
    assert "already enrolled in this session" in _messages(refused.value)
    assert session.enrolments.count() == 1


def test_a_withdrawn_person_may_enrol_again(administrator, analyst):
    session = _session()
    first = services.enrolment_create(actor=administrator, session=session, person=analyst)
    services.enrolment_withdraw(actor=administrator, enrolment=first, reason="clash")
    again = services.enrolment_create(actor=administrator, session=session, person=analyst)
    assert again.status == EnrolmentStatus.ENROLLED


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("ended", "This session is over"),
        ("course_inactive", "is no longer given"),
        ("person_inactive", "account is inactive"),
    ],
)
def test_enrolment_is_refused_with_its_reason(administrator, analyst, change, message):
    session = _session()
    if change == "ended":
        session.starts_on = session.ends_on = timezone.localdate() - datetime.timedelta(days=3)
        session.save()
    elif change == "course_inactive":
        Course.objects.filter(pk=session.course_id).update(is_active=False)
    else:
        analyst.is_active = False
        analyst.save()
    with pytest.raises(ValidationError) as refused:
        services.enrolment_create(actor=administrator, session=session, person=analyst)
    assert message in _messages(refused.value)
    assert not Enrolment.objects.filter(session=session).exists()


# --- prerequisites ---------------------------------------------------------------------
def test_prerequisites_need_a_valid_certificate_and_the_message_names_them(administrator, analyst):
    basics = _course(code="basics", title="Basics")
    advanced = _course(code="advanced", title="Advanced analysis")
    advanced.prerequisites.add(basics)
    session = _session(course=advanced)

    with pytest.raises(ValidationError) as refused:
        services.enrolment_create(actor=administrator, session=session, person=analyst)
    assert refused.value.message_dict["person"] == [
        f"{analyst.get_full_name()} cannot enrol in advanced: it requires a valid "
        "certificate of basics (Basics) first."
    ]
    assert not session.enrolments.exists()

    _passed(administrator, _session(course=basics), analyst)
    enrolment = services.enrolment_create(actor=administrator, session=session, person=analyst)
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_an_expired_or_revoked_prerequisite_does_not_count(administrator, analyst):
    basics = _course(code="basics")
    advanced = _course(code="advanced")
    advanced.prerequisites.add(basics)
    outcome = _passed(administrator, _session(course=basics), analyst)
    certificates.certificate_revoke(
        actor=administrator, certificate=outcome.certificate, reason="exam irregularity"
    )
    with pytest.raises(ValidationError, match="requires a valid certificate of basics"):
        services.enrolment_create(
            actor=administrator, session=_session(course=advanced), person=analyst
        )


def test_a_course_cannot_require_itself_through_others(administrator):
    first = _course(code="first")
    second = _course(code="second")
    second.prerequisites.add(first)
    with pytest.raises(ValidationError) as refused:
        services.course_update(actor=administrator, course=first, fields={}, prerequisites=[second])
    assert "cannot require itself" in _messages(refused.value)
    assert not first.prerequisites.exists()


def test_a_course_qualifies_for_a_role_or_an_area_not_both(administrator):
    with pytest.raises(ValidationError) as refused:
        services.course_create(
            actor=administrator,
            code="both",
            fields={
                "title": "Both",
                "validity_months": 12,
                "qualifies_role": "analyst",
                "qualifies_area": "users",
            },
            prerequisites=[],
        )
    assert "not both" in _messages(refused.value)
    assert not Course.objects.filter(code="both").exists()


@pytest.mark.parametrize("months", [0, 121])
def test_validity_out_of_range_is_refused(administrator, months):
    with pytest.raises(ValidationError) as refused:
        services.course_create(
            actor=administrator,
            code="range",
            fields={"title": "Range", "validity_months": months},
            prerequisites=[],
        )
    assert "validity_months" in refused.value.message_dict
    assert not Course.objects.filter(code="range").exists()


def test_a_course_code_is_unique_whatever_the_case(administrator):
    _course(code="analyst-tools")
    with pytest.raises(ValidationError, match="A course with the code ANALYST-TOOLS exists"):
        services.course_create(
            actor=administrator,
            code="ANALYST-TOOLS",
            fields={"title": "x", "validity_months": 12},
            prerequisites=[],
        )


# --- attendance, results, certificates -------------------------------------------------
def test_a_pass_issues_a_certificate_expiring_after_the_validity(
    administrator, analyst, monkeypatch
):
    pass_day = datetime.date(2026, 3, 31)
    monkeypatch.setattr("portal.services.training.local_today", lambda: pass_day)
    course = _course(validity_months=11, qualifies_role="analyst")
    session = _session(course=course, starts_on=pass_day, ends_on=pass_day)
    outcome = _passed(administrator, session, analyst)

    certificate = outcome.certificate
    assert certificate.issued_on == pass_day
    assert certificate.expires_on == datetime.date(2027, 2, 28)
    assert certificate.person == analyst
    assert certificate.course == course
    assert certificate.status_on(datetime.date(2027, 2, 28)) == "valid"
    assert certificate.status_on(datetime.date(2027, 3, 1)) == "expired"
    assert person_holds_valid_certificate(
        person=analyst, course=course, today=datetime.date(2026, 6, 1)
    )
    assert not person_holds_valid_certificate(
        person=analyst, course=course, today=datetime.date(2027, 3, 1)
    )
    assert list(courses_qualifying_for_role(role="analyst")) == [course]
    assert AuditRecord.objects.filter(
        object_type="portal.certificate", object_id=str(certificate.pk), action="create"
    ).exists()


def test_the_pass_date_is_the_sessions_last_day_when_recorded_later(administrator, analyst):
    today = timezone.localdate()
    session = _session(
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today - datetime.timedelta(days=8),
    )
    enrolment = Enrolment.objects.create(session=session, person=analyst, enrolled_by=administrator)
    services.enrolment_attendance_record(actor=administrator, enrolment=enrolment, attended=True)
    outcome = services.enrolment_result_record(
        actor=administrator,
        enrolment=enrolment,
        result=EnrolmentResult.PASSED,
        score=None,
        notes="",
    )
    assert outcome.certificate is not None
    assert outcome.certificate.issued_on == session.ends_on


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
        (datetime.date(2026, 11, 15), 3, datetime.date(2027, 2, 15)),
        (datetime.date(2026, 6, 1), 120, datetime.date(2036, 6, 1)),
    ],
)
def test_months_are_added_within_the_calendar(day, months, expected):
    assert certificates.add_months(day, months) == expected


def test_a_fail_issues_no_certificate(administrator, analyst):
    session = _session()
    enrolment = services.enrolment_create(actor=administrator, session=session, person=analyst)
    services.enrolment_attendance_record(actor=administrator, enrolment=enrolment, attended=True)
    outcome = services.enrolment_result_record(
        actor=administrator,
        enrolment=enrolment,
        result=EnrolmentResult.FAILED,
        score=Decimal("41"),
        notes="retake",
    )
    assert outcome.certificate is None
    enrolment.refresh_from_db()
    assert (enrolment.result, enrolment.score, enrolment.notes) == (
        "failed",
        Decimal("41"),
        "retake",
    )


def test_no_result_without_attendance(administrator, analyst):
    enrolment = services.enrolment_create(actor=administrator, session=_session(), person=analyst)
    with pytest.raises(ValidationError, match="Record the person's attendance first"):
        services.enrolment_result_record(
            actor=administrator,
            enrolment=enrolment,
            result=EnrolmentResult.PASSED,
            score=None,
            notes="",
        )
    enrolment.refresh_from_db()
    assert enrolment.result == "pending"
    assert not Certificate.objects.exists()


def test_no_attendance_before_the_session_begins(administrator, analyst):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    session = _session(starts_on=tomorrow, ends_on=tomorrow)
    enrolment = services.enrolment_create(actor=administrator, session=session, person=analyst)
    with pytest.raises(ValidationError, match="The session has not begun"):
        services.enrolment_attendance_record(
            actor=administrator, enrolment=enrolment, attended=True
        )
    enrolment.refresh_from_db()
    assert enrolment.attended is None


def test_a_certified_pass_cannot_be_changed_only_revoked(administrator, analyst):
    outcome = _passed(administrator, _session(), analyst)
    with pytest.raises(ValidationError, match="revoke it, with a reason"):
        services.enrolment_result_record(
            actor=administrator,
            enrolment=outcome.enrolment,
            result=EnrolmentResult.FAILED,
            score=None,
            notes="",
        )
    with pytest.raises(ValidationError, match="A result is recorded for this person"):
        services.enrolment_attendance_record(
            actor=administrator, enrolment=outcome.enrolment, attended=False
        )
    outcome.enrolment.refresh_from_db()
    assert outcome.enrolment.result == "passed"
    assert Certificate.objects.count() == 1


def test_a_person_with_a_result_cannot_be_withdrawn(administrator, analyst):
    outcome = _passed(administrator, _session(), analyst)
    with pytest.raises(ValidationError, match="the enrolment stays in the record"):
        services.enrolment_withdraw(actor=administrator, enrolment=outcome.enrolment, reason="x")


# --- revocation and verification -------------------------------------------------------
def test_revocation_needs_a_reason_and_is_audited(administrator, analyst):
    certificate = _passed(administrator, _session(), analyst).certificate
    with pytest.raises(ValidationError, match="Give the reason"):
        certificates.certificate_revoke(actor=administrator, certificate=certificate, reason="  ")
    certificate.refresh_from_db()
    assert certificate.revoked_at is None

    certificates.certificate_revoke(actor=administrator, certificate=certificate, reason="cheated")
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoked_by == administrator
    assert certificate.revoke_reason == "cheated"
    record = AuditRecord.objects.filter(
        object_type="portal.certificate", object_id=str(certificate.pk)
    ).latest("id")
    assert record.reason == "cheated"
    with pytest.raises(ValidationError, match="already revoked"):
        certificates.certificate_revoke(
            actor=administrator, certificate=certificate, reason="again"
        )


def test_verification_answers_valid_expired_revoked_and_unknown(administrator, analyst, officer):
    session = _session()
    good = _passed(administrator, session, analyst).certificate
    expired = _passed(administrator, _session(), _user()).certificate
    Certificate.objects.filter(pk=expired.pk).update(
        issued_on=datetime.date(2020, 1, 1),
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    revoked = _passed(administrator, _session(), _user()).certificate
    certificates.certificate_revoke(actor=administrator, certificate=revoked, reason="error")

    answers = {
        name: certificates.certificate_verify(actor=officer, code=code).answer
        for name, code in [
            ("good", good.code.lower().replace("-", " ")),
            ("expired", expired.code),
            ("revoked", revoked.code),
            ("unknown", "ZZZZ-ZZZZ-ZZZZ"),
        ]
    }
    assert answers == {
        "good": "valid",
        "expired": "expired",
        "revoked": "revoked",
        "unknown": "unknown",
    }
    checks = AuditRecord.objects.filter(
        actor=officer, action="view", object_type="portal.certificate"
    )
    assert checks.count() == 4
    assert sorted(record.changes["verification"] for record in checks) == [
        "expired",
        "revoked",
        "unknown",
        "valid",
    ]


def test_the_next_session_with_places_skips_full_ones(administrator):
    course = _course()
    soon = timezone.localdate() + datetime.timedelta(days=5)
    full = _session(course=course, starts_on=soon, ends_on=soon, capacity=1)
    services.enrolment_create(actor=administrator, session=full, person=_user())
    later = soon + datetime.timedelta(days=7)
    open_session = _session(course=course, starts_on=later, ends_on=later)
    assert next_session_with_places(course=course) == open_session


# --- heads of unit ---------------------------------------------------------------------
def test_a_head_of_unit_enrols_members_of_their_units_only(administrator):
    department = _unit(code="dept")
    sub_unit = _unit(code="dept-sub", parent=department)
    other = _unit(code="other")
    head = _user(org_unit=department, roles=["officer"])
    department.head = head
    department.save()
    member = _user(org_unit=sub_unit)
    outsider = _user(org_unit=other)
    session = _session()

    enrolment = services.enrolment_create(actor=head, session=session, person=member)
    assert enrolment.enrolled_by == head
    with pytest.raises(ValidationError, match="only the members of the units you head"):
        services.enrolment_create(actor=head, session=session, person=outsider)
    assert not session.enrolments.filter(person=outsider).exists()
