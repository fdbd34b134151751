"""Training's part of the access table (tests/portal/test_url_access.py).

Administrators manage training. No persona heads a unit, so the head-of-unit way in is
closed to them here (tests/portal/test_training_pages.py covers heads). A certificate
of the analyst's: its holder and administrators reach it, everyone else finds nothing."""

from typing import Any

from tests.access_policy import ADMIN, ALL_ROLES, ANALYST, Rule, pk_of

ADMINS = frozenset({ADMIN})
HOLDER = frozenset({ANALYST, ADMIN})


def _enrolment(objs: dict[str, Any]) -> dict[str, Any]:
    return {"pk": objs["training_session"].pk, "enrolment_id": objs["training_enrolment"].pk}


TRAINING_RULES: dict[str, Rule] = {
    "portal:training-course-list": Rule(ADMINS),
    "portal:training-course-create": Rule(ADMINS),
    "portal:training-course-detail": Rule(ADMINS, kwargs=pk_of("course")),
    "portal:training-course-edit": Rule(ADMINS, kwargs=pk_of("course")),
    "portal:training-session-list": Rule(ADMINS),
    "portal:training-session-create": Rule(ADMINS),
    "portal:training-session-detail": Rule(ADMINS, kwargs=pk_of("training_session")),
    "portal:training-session-edit": Rule(ADMINS, kwargs=pk_of("training_session")),
    "portal:training-session-enrol": Rule(ADMINS, method="post", kwargs=pk_of("training_session")),
    "portal:training-enrolment-withdraw": Rule(ADMINS, method="post", kwargs=_enrolment),
    "portal:training-enrolment-attendance": Rule(ADMINS, method="post", kwargs=_enrolment),
    "portal:training-enrolment-result": Rule(ADMINS, method="post", kwargs=_enrolment),
    "portal:training-certificate-list": Rule(ADMINS),
    "portal:training-certificate-detail": Rule(
        HOLDER, kwargs=pk_of("certificate"), denied_status=404
    ),
    "portal:training-certificate-pdf": Rule(HOLDER, kwargs=pk_of("certificate"), denied_status=404),
    "portal:training-certificate-revoke": Rule(ADMINS, method="post", kwargs=pk_of("certificate")),
    # Exemptions from the training gate: administrators only.
    "portal:training-exemption-list": Rule(ADMINS),
    "portal:training-exemption-create": Rule(ADMINS),
    "portal:training-exemption-detail": Rule(ADMINS, kwargs=pk_of("gate_exemption")),
    "portal:training-exemption-end": Rule(ADMINS, method="post", kwargs=pk_of("gate_exemption")),
    # Anyone signed in checks a code; everyone has their own record.
    "portal:training-verify": Rule(ALL_ROLES),
    "portal:training-mine": Rule(ALL_ROLES),
    "api:training-course-list": Rule(ADMINS),
    "api:training-course-detail": Rule(ADMINS, kwargs=pk_of("course")),
    "api:training-session-list": Rule(ADMINS),
    "api:training-session-detail": Rule(ADMINS, kwargs=pk_of("training_session")),
    "api:training-session-enrol": Rule(ADMINS, method="post", kwargs=pk_of("training_session")),
    "api:training-certificate-list": Rule(ADMINS),
    "api:training-certificate-verify": Rule(ALL_ROLES),
    "api:training-certificate-detail": Rule(HOLDER, kwargs=pk_of("certificate"), denied_status=404),
    "api:training-certificate-revoke": Rule(ADMINS, method="post", kwargs=pk_of("certificate")),
    "api:training-mine": Rule(ALL_ROLES),
    "portal:training-reports": Rule(ADMINS),
    "portal:training-report-export": Rule(
        ADMINS, kwargs=lambda objs: {"table": "expiring", "file_format": "csv"}
    ),
}


def training_objects(personas: dict[str, Any]) -> dict[str, Any]:
    """A course, a session that began today, the officer enrolled in it, and a
    certificate the analyst holds (passed in an earlier session)."""
    import datetime

    from django.utils import timezone

    from portal.models import Certificate, Course, Enrolment, GateExemption, TrainingSession

    today = timezone.localdate()
    course = Course.objects.create(code="acl-basics", title="Basics", validity_months=12)
    session = TrainingSession.objects.create(
        course=course, starts_on=today, ends_on=today, trainer="T", place="Vilnius", capacity=5
    )
    enrolment = Enrolment.objects.create(
        session=session, person=personas["officer"], enrolled_by=personas["administrator"]
    )
    earlier = TrainingSession.objects.create(
        course=course,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today - datetime.timedelta(days=30),
        trainer="T",
        place="Vilnius",
        capacity=5,
    )
    passed = Enrolment.objects.create(
        session=earlier,
        person=personas["analyst"],
        enrolled_by=personas["administrator"],
        attended=True,
        result="passed",
    )
    certificate = Certificate.objects.create(
        enrolment=passed,
        person=personas["analyst"],
        course=course,
        code="ACLT-EST0-CODE",
        issued_on=earlier.ends_on,
        expires_on=earlier.ends_on + datetime.timedelta(days=365),
    )
    # An exemption for the officer's role (no course gates it here: the row is all the
    # pages need).
    exemption = GateExemption.objects.create(
        person=personas["officer"],
        role="officer",
        until=today + datetime.timedelta(days=10),
        reason="Access table",
        granted_by=personas["administrator"],
    )
    return {
        "gate_exemption": exemption,
        "course": course,
        "training_session": session,
        "training_enrolment": enrolment,
        "certificate": certificate,
    }
