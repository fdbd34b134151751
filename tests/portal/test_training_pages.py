"""The training pages and API through the front door: administrators build courses and
sessions, enrol, record attendance and results; heads of unit enrol their own people;
everyone checks a code and reads their own record; every bad input has its message."""

import datetime
import io
from typing import Any, cast

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from portal.models import (
    AuditRecord,
    Certificate,
    Course,
    Enrolment,
    EnrolmentResult,
    OrgUnit,
    TrainingSession,
    User,
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


@pytest.fixture
def admin_client(administrator, client_for):
    return client_for(administrator)


def _pass(admin, session, person):
    enrolment = services.enrolment_create(actor=admin, session=session, person=person)
    services.enrolment_attendance_record(actor=admin, enrolment=enrolment, attended=True)
    return services.enrolment_result_record(
        actor=admin, enrolment=enrolment, result=EnrolmentResult.PASSED, score=None, notes=""
    ).certificate


# --- courses ---------------------------------------------------------------------------
def test_an_administrator_creates_a_course_with_prerequisites(admin_client):
    basics = _course(code="basics")
    response = admin_client.post(
        reverse("portal:training-course-create"),
        {
            "code": "analyst-tools",
            "title": "Analyst tools",
            "description": "Link charts and imports.",
            "qualifies_role": "analyst",
            "qualifies_area": "",
            "validity_months": "24",
            "prerequisites": [basics.pk],
            "is_active": "on",
        },
    )
    course = Course.objects.get(code="analyst-tools")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:training-course-detail", args=[course.pk])
    assert list(course.prerequisites.all()) == [basics]
    assert course.qualifies_role == "analyst"
    assert AuditRecord.objects.filter(object_type="portal.course", action="create").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"validity_months": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"validity_months": "abc"}, "Enter a whole number."),
        ({"code": "has space"}, "Enter a valid “slug”"),
        ({"code": "basics"}, "A course with the code basics exists."),
        ({"qualifies_area": "users"}, "not both"),
        ({"qualifies_role": "pilot"}, "Select a valid choice."),
    ],
)
def test_a_bad_course_is_refused_with_its_message(admin_client, change, message):
    _course(code="basics")
    data = {
        "code": "new-course",
        "title": "New",
        "qualifies_role": "analyst",
        "qualifies_area": "",
        "validity_months": "12",
        **change,
    }
    response = admin_client.post(reverse("portal:training-course-create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Course.objects.count() == 1


def test_the_course_list_filters_by_what_a_course_qualifies_for(admin_client):
    _course(code="for-analysts", qualifies_role="analyst")
    _course(code="for-admins", qualifies_area="users")
    page = admin_client.get(reverse("portal:training-course-list"), {"qualifies": "role:analyst"})
    text = page.content.decode()
    assert "for-analysts" in text
    assert "for-admins" not in text


# --- sessions --------------------------------------------------------------------------
def test_an_administrator_creates_a_session(admin_client):
    course = _course()
    today = timezone.localdate()
    response = admin_client.post(
        reverse("portal:training-session-create"),
        {
            "course": course.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + datetime.timedelta(days=1)).isoformat(),
            "trainer": "Rasa",
            "place": "Vilnius",
            "capacity": "12",
        },
    )
    session = TrainingSession.objects.get()
    assert response["Location"] == reverse("portal:training-session-detail", args=[session.pk])
    assert session.capacity == 12


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends_on": "2026-01-01", "starts_on": "2026-01-05"}, "The last day cannot be before"),
        ({"capacity": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"starts_on": "31/31/2026"}, "Enter a valid date."),
        ({"place": ""}, "This field is required."),
    ],
)
def test_a_bad_session_is_refused_with_its_message(admin_client, change, message):
    course = _course()
    data = {
        "course": course.pk,
        "starts_on": "2026-01-05",
        "ends_on": "2026-01-06",
        "trainer": "Rasa",
        "place": "Vilnius",
        "capacity": "12",
        **change,
    }
    response = admin_client.post(reverse("portal:training-session-create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_enrolment_attendance_and_a_pass_through_the_pages(admin_client, analyst):
    session = _session(course=_course(validity_months=12))
    detail = reverse("portal:training-session-detail", args=[session.pk])

    response = admin_client.post(
        reverse("portal:training-session-enrol", args=[session.pk]), {"person": analyst.pk}
    )
    assert response["Location"] == detail
    enrolment = Enrolment.objects.get(session=session, person=analyst)

    admin_client.post(
        reverse("portal:training-enrolment-attendance", args=[session.pk, enrolment.pk]),
        {"attended": "yes"},
    )
    response = admin_client.post(
        reverse("portal:training-enrolment-result", args=[session.pk, enrolment.pk]),
        {"result": "passed", "score": "92.5", "notes": "good"},
        follow=True,
    )
    certificate = Certificate.objects.get(person=analyst)
    assert f"certificate {certificate.code} issued" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.attended is True
    assert str(enrolment.score) == "92.50"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"result": "", "score": ""}, "Choose passed or failed."),
        ({"result": "passed", "score": "150"}, "The score is between 0 and 100."),
        ({"result": "passed", "score": "abc"}, "Write the score as a number"),
        ({"result": "maybe", "score": ""}, "Select a valid choice."),
    ],
)
def test_a_bad_result_is_refused_with_its_message(
    admin_client, administrator, analyst, data, message
):
    session = _session()
    enrolment = services.enrolment_create(actor=administrator, session=session, person=analyst)
    services.enrolment_attendance_record(actor=administrator, enrolment=enrolment, attended=True)
    response = admin_client.post(
        reverse("portal:training-enrolment-result", args=[session.pk, enrolment.pk]), data
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.result == "pending"
    assert not Certificate.objects.exists()


def test_a_missing_prerequisite_is_shown_on_the_session_page(admin_client, analyst):
    basics = _course(code="basics", title="Basics")
    advanced = _course(code="advanced")
    advanced.prerequisites.add(basics)
    session = _session(course=advanced)
    response = admin_client.post(
        reverse("portal:training-session-enrol", args=[session.pk]), {"person": analyst.pk}
    )
    assert response.status_code == 400
    assert "requires a valid certificate of basics (Basics) first" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_a_full_session_says_the_person_is_on_the_waiting_list(
    admin_client, administrator, analyst
):
    session = _session(capacity=1)
    services.enrolment_create(actor=administrator, session=session, person=_user())
    response = admin_client.post(
        reverse("portal:training-session-enrol", args=[session.pk]),
        {"person": analyst.pk},
        follow=True,
    )
    assert "is on the waiting list" in response.content.decode()
    assert Enrolment.objects.get(person=analyst).status == "waiting"


def test_withdrawing_needs_a_reason(admin_client, administrator, analyst):
    session = _session()
    enrolment = services.enrolment_create(actor=administrator, session=session, person=analyst)
    response = admin_client.post(
        reverse("portal:training-enrolment-withdraw", args=[session.pk, enrolment.pk]),
        {"reason": ""},
    )
    assert response.status_code == 400
    assert "Give a reason for withdrawing the person." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"


def test_the_session_list_keeps_its_queries_few(
    admin_client, administrator, django_assert_max_num_queries
):
    for _ in range(15):
        session = _session()
        services.enrolment_create(actor=administrator, session=session, person=_user())
    with django_assert_max_num_queries(14):
        response = admin_client.get(reverse("portal:training-session-list"))
    assert response.status_code == 200


# --- heads of unit ---------------------------------------------------------------------
@pytest.fixture
def unit_head(db):
    department = _unit(code="dept")
    head = _user(username="head", org_unit=department, roles=["officer"])
    department.head = head
    department.save()
    return head


def test_a_head_of_unit_enrols_and_sees_only_their_people(unit_head, administrator, client_for):
    member = _user(org_unit=unit_head.org_unit, first_name="Mona", last_name="Member")
    outsider = _user(first_name="Otto", last_name="Outsider")
    session = _session()
    services.enrolment_create(actor=administrator, session=session, person=outsider)
    head_client = client_for(unit_head)

    assert head_client.get(reverse("portal:training-session-list")).status_code == 200
    response = head_client.post(
        reverse("portal:training-session-enrol", args=[session.pk]), {"person": member.pk}
    )
    assert response.status_code == 302
    page = head_client.get(reverse("portal:training-session-detail", args=[session.pk]))
    text = page.content.decode()
    assert "Mona Member" in text
    assert "Otto Outsider" not in text

    refused = head_client.post(
        reverse("portal:training-session-enrol", args=[session.pk]), {"person": outsider.pk}
    )
    assert refused.status_code == 400
    assert "Select a valid choice." in refused.content.decode()
    enrolment = Enrolment.objects.get(person=member)
    attendance = head_client.post(
        reverse("portal:training-enrolment-attendance", args=[session.pk, enrolment.pk]),
        {"attended": "yes"},
    )
    assert attendance.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.attended is None


def test_an_officer_who_heads_nothing_is_refused_the_sessions(officer, client_for):
    assert client_for(officer).get(reverse("portal:training-session-list")).status_code == 403


# --- certificates ----------------------------------------------------------------------
def test_the_certificate_pdf_is_a_real_pdf_with_its_code(administrator, analyst, client_for):
    certificate = _pass(administrator, _session(), analyst)
    response = client_for(analyst).get(
        reverse("portal:training-certificate-pdf", args=[certificate.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert certificate.code in text
    assert analyst.get_full_name() in text
    assert AuditRecord.objects.filter(
        actor=analyst, action="download", object_type="portal.certificate"
    ).exists()


def test_revoking_without_a_reason_is_refused(admin_client, administrator, analyst):
    certificate = _pass(administrator, _session(), analyst)
    response = admin_client.post(
        reverse("portal:training-certificate-revoke", args=[certificate.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    assert "Give the reason for revoking the certificate." in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


@pytest.mark.parametrize(
    ("state", "heading"),
    [
        ("valid", "Valid certificate"),
        ("expired", "Expired certificate"),
        ("revoked", "Revoked certificate"),
        ("unknown", "Unknown code"),
    ],
)
def test_the_verification_page_answers_each_case(
    state, heading, administrator, analyst, officer, client_for
):
    certificate = _pass(administrator, _session(), analyst)
    code = certificate.code
    if state == "expired":
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_on=datetime.date(2020, 1, 1), expires_on=datetime.date(2021, 1, 1)
        )
    elif state == "revoked":
        certificates.certificate_revoke(
            actor=administrator, certificate=certificate, reason="error"
        )
    elif state == "unknown":
        code = "AAAA-BBBB-CCCC"
    response = client_for(officer).get(reverse("portal:training-verify"), {"code": code})
    assert response.status_code == 200
    assert heading in response.content.decode()
    assert AuditRecord.objects.filter(actor=officer, object_type="portal.certificate").exists()


def test_the_verification_page_asks_for_a_code(officer, client_for):
    response = client_for(officer).get(reverse("portal:training-verify"), {"code": ""})
    assert response.status_code == 400
    assert "Type the code printed on the certificate." in response.content.decode()


def test_the_record_is_on_the_profile_and_on_my_training(administrator, analyst, client_for):
    certificate = _pass(administrator, _session(), analyst)
    profile = client_for(administrator).get(reverse("portal:user-detail", args=[analyst.pk]))
    assert "Training record" in profile.content.decode()
    assert certificate.course.code in profile.content.decode()
    mine = client_for(analyst).get(reverse("portal:training-mine"))
    assert certificate.course.code in mine.content.decode()


def test_a_dispatcher_sees_a_profile_without_its_training_record(
    administrator, analyst, dispatcher, client_for
):
    _pass(administrator, _session(), analyst)
    profile = client_for(dispatcher).get(reverse("portal:user-detail", args=[analyst.pk]))
    assert profile.status_code == 200
    assert "Training record" not in profile.content.decode()


# --- API -------------------------------------------------------------------------------
def test_the_api_refuses_an_enrolment_with_the_same_reason(administrator, analyst, api_client_for):
    basics = _course(code="basics", title="Basics")
    advanced = _course(code="advanced")
    advanced.prerequisites.add(basics)
    session = _session(course=advanced)
    response = api_client_for(administrator).post(
        reverse("api:training-session-enrol", args=[session.pk]),
        {"person": analyst.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "requires a valid certificate of basics (Basics) first" in str(response.json())
    assert not Enrolment.objects.exists()


def test_the_api_verifies_a_code(administrator, analyst, officer, api_client_for):
    certificate = _pass(administrator, _session(), analyst)
    response = api_client_for(officer).get(
        reverse("api:training-certificate-verify"), {"code": certificate.code}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["answer"] == "valid"
    assert body["certificate"]["person"] == analyst.username
