"""The training reports: administrators see everyone, heads of unit their own people;
who is trained by course and unit, who expires within 60 days (with the next session to
enrol in), sessions and attendance; CSV and XLSX exports escaped and audited."""

import csv
import datetime
import io
from typing import Any, cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.models import (
    AuditAction,
    AuditRecord,
    Certificate,
    Course,
    EnrolmentResult,
    OrgUnit,
    TrainingSession,
    User,
)
from portal.services import certificates
from portal.services import training as services
from tests.factories import CourseFactory, OrgUnitFactory, TrainingSessionFactory, UserFactory
from tests.hostile import EXPORT_FORBIDDEN, FORMULA_STARTS, HOSTILE_TEXT, storable

pytestmark = pytest.mark.django_db


def _user(**fields: Any) -> User:
    return cast(User, UserFactory(**fields))


def _pass(admin: User, session: TrainingSession, person: User) -> Certificate:
    enrolment = services.enrolment_create(actor=admin, session=session, person=person)
    services.enrolment_attendance_record(actor=admin, enrolment=enrolment, attended=True)
    result = services.enrolment_result_record(
        actor=admin, enrolment=enrolment, result=EnrolmentResult.PASSED, score=None, notes=""
    )
    return cast(Certificate, result.certificate)


def _expire_in(certificate: Certificate, days: int) -> Certificate:
    """Move a certificate's dates so that it expires ``days`` from today."""
    today = timezone.localdate()
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_on=today - datetime.timedelta(days=300),
        expires_on=today + datetime.timedelta(days=days),
    )
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def world(administrator):
    """Two units (the head of the first is a plain officer), a course with a session
    today, three people passed, one of them expiring in 10 days; a session to come."""
    unit_a = cast(OrgUnit, OrgUnitFactory(code="rep-a", name="Medininkai"))
    unit_b = cast(OrgUnit, OrgUnitFactory(code="rep-b", name="Klaipėda"))
    head = _user(username="head_a", org_unit=unit_a, roles=["officer"])
    unit_a.head = head
    unit_a.save(update_fields=["head"])
    course = cast(Course, CourseFactory(code="mobile-ops", title="Mobile unit operations"))
    session = cast(TrainingSession, TrainingSessionFactory(course=course))
    ona = _user(username="ona", first_name="Ona", last_name="Jonaitienė", org_unit=unit_a)
    petras = _user(
        username="petras", first_name="Petras", last_name="=cmd|' /C calc'!A0", org_unit=unit_b
    )
    rasa = _user(username="rasa", first_name="Rasa", last_name="Urbonaitė", org_unit=unit_a)
    _user(username="untrained", org_unit=unit_a)
    _expire_in(_pass(administrator, session, ona), 10)
    _expire_in(_pass(administrator, session, petras), 40)
    _pass(administrator, session, rasa)
    coming = cast(
        TrainingSession,
        TrainingSessionFactory(
            course=course,
            starts_on=timezone.localdate() + datetime.timedelta(days=14),
            ends_on=timezone.localdate() + datetime.timedelta(days=14),
        ),
    )
    return {
        "unit_a": unit_a,
        "unit_b": unit_b,
        "head": head,
        "course": course,
        "session": session,
        "coming": coming,
    }


def test_an_administrator_sees_who_is_trained_who_expires_and_the_attendance(
    client_for, administrator, world, django_assert_max_num_queries
):
    client = client_for(administrator)

    with django_assert_max_num_queries(30):
        response = client.get(reverse("portal:training-reports"))

    assert response.status_code == 200
    course_row = next(c for c in response.context["courses"] if c.code == "mobile-ops")
    assert (course_row.holders, course_row.expiring) == (3, 2)
    units = {unit.code: unit for unit in response.context["units"]}
    assert (units["rep-a"].member_count, units["rep-a"].trained, units["rep-a"].share) == (4, 2, 50)
    expiring = response.context["expiring"]
    assert [(c.person.username, c.days_left) for c in expiring] == [("ona", 10), ("petras", 40)]
    assert expiring[0].next_session_id == world["coming"].pk
    session_row = next(s for s in response.context["sessions"] if s.pk == world["session"].pk)
    assert (session_row.enrolled, session_row.attended, session_row.passed) == (3, 3, 3)
    assert session_row.attendance_rate == 100
    page = response.content.decode()
    assert reverse("portal:training-session-detail", args=[world["coming"].pk]) in page
    assert '<svg class="hbar__plot"' in page
    assert 'role="img"' in page


def test_the_query_count_does_not_grow_with_the_people(client_for, administrator, world):
    client = client_for(administrator)
    client.get(reverse("portal:training-reports"))  # the first request of a session asks more
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("portal:training-reports"))
    for index in range(5):
        person = _user(username=f"more{index}", org_unit=world["unit_b"])
        _expire_in(_pass(administrator, world["session"], person), 20)
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("portal:training-reports"))

    assert len(after.captured_queries) == len(before.captured_queries)


def test_a_renewed_or_revoked_certificate_is_not_listed_as_expiring(
    client_for, administrator, world
):
    ona_old = Certificate.objects.get(person__username="ona")
    later = cast(TrainingSession, TrainingSessionFactory(course=world["course"]))
    _pass(administrator, later, User.objects.get(username="ona"))  # renewed: expires later
    certificates.certificate_revoke(
        actor=administrator,
        certificate=Certificate.objects.get(person__username="petras"),
        reason="Wrong session",
    )

    response = client_for(administrator).get(reverse("portal:training-reports"))

    assert ona_old.pk not in [c.pk for c in response.context["expiring"]]
    assert response.context["expiring"] == []
    course_row = next(c for c in response.context["courses"] if c.code == "mobile-ops")
    assert (course_row.holders, course_row.revoked) == (2, 1)


def test_a_head_of_unit_sees_only_the_people_of_their_units(client_for, world):
    response = client_for(world["head"]).get(
        reverse("portal:training-reports"), {"unit": world["unit_b"].pk}
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors  # another unit is not a choice

    response = client_for(world["head"]).get(reverse("portal:training-reports"))

    assert [c.person.username for c in response.context["expiring"]] == ["ona"]
    assert [unit.code for unit in response.context["units"]] == ["rep-a"]
    assert "petras" not in response.content.decode()


def test_people_who_neither_manage_training_nor_head_a_unit_are_refused(client_for, officer, world):
    client = client_for(officer)

    assert client.get(reverse("portal:training-reports")).status_code == 403
    export = reverse("portal:training-report-export", args=["expiring", "csv"])
    assert client.get(export).status_code == 403
    assert not AuditRecord.objects.filter(action=AuditAction.EXPORT).exists()


def test_filters_by_course_and_unit_narrow_every_table(client_for, administrator, world):
    other = cast(Course, CourseFactory(code="other-course"))

    response = client_for(administrator).get(
        reverse("portal:training-reports"), {"course": other.pk, "unit": world["unit_a"].pk}
    )

    assert [c.code for c in response.context["courses"]] == ["other-course"]
    assert response.context["expiring"] == []
    assert [(u.code, u.trained) for u in response.context["units"]] == [("rep-a", 0)]


def test_a_period_ending_before_it_starts_shows_a_message_and_no_tables(
    client_for, administrator, world
):
    response = client_for(administrator).get(
        reverse("portal:training-reports"), {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )

    assert response.status_code == 200
    assert response.context["scope"] is None
    assert "The end of the period is before its start." in response.content.decode()
    assert "expiring" not in response.context


def test_the_csv_export_escapes_formulas_and_is_audited(client_for, administrator, world):
    response = client_for(administrator).get(
        reverse("portal:training-report-export", args=["expiring", "csv"])
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Person", "Unit", "Course"]
    names = [row[0] for row in rows[1:]]
    assert names == ["Ona Jonaitienė", "Petras =cmd|' /C calc'!A0"]
    record = AuditRecord.objects.get(action=AuditAction.EXPORT)
    assert record.object_type == "portal.trainingreport"
    assert record.changes["table"] == "expiring"
    assert record.changes["rows"] == 2


def test_a_cell_starting_with_a_formula_sign_is_neutralised(client_for, administrator, world):
    User.objects.filter(username="petras").update(first_name="", last_name="=1+1")

    response = client_for(administrator).get(
        reverse("portal:training-report-export", args=["expiring", "csv"])
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[2][0] == "'=1+1"


@pytest.mark.parametrize("table", ["courses", "units", "expiring", "sessions"])
def test_every_table_exports_as_xlsx(client_for, administrator, world, table):
    response = client_for(administrator).get(
        reverse("portal:training-report-export", args=[table, "xlsx"])
    )

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) >= 2
    assert AuditRecord.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_an_unknown_table_or_format_is_not_found(client_for, administrator, world):
    client = client_for(administrator)

    assert (
        client.get(reverse("portal:training-report-export", args=["people", "csv"])).status_code
        == 404
    )
    assert (
        client.get(reverse("portal:training-report-export", args=["units", "pdf"])).status_code
        == 404
    )


def test_an_export_with_bad_filters_goes_back_with_a_message(client_for, administrator, world):
    response = client_for(administrator).get(
        reverse("portal:training-report-export", args=["units", "csv"]),
        {"date_from": "2026-05-01", "date_to": "2026-04-01"},
        follow=True,
    )

    assert "Correct the filters before exporting." in response.content.decode()
    assert not AuditRecord.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_head_of_unit_exports_only_the_people_of_their_units(client_for, world):
    response = client_for(world["head"]).get(
        reverse("portal:training-report-export", args=["expiring", "csv"])
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["Ona Jonaitienė"]
    assert AuditRecord.objects.get(action=AuditAction.EXPORT).actor == world["head"]


def test_every_export_opens_with_hostile_text_in_names_places_and_titles(
    client_for, administrator, world
):
    """Each hostile text of tests/hostile.py stored where the tables print text (a
    person's name, a unit, a course title, a place): the files parse, no cell starts a
    formula or holds a control character."""
    texts = [storable(text)[:150] for text in HOSTILE_TEXT.values() if storable(text).strip()]
    TrainingSession.objects.filter(pk=world["session"].pk).update(capacity=100)
    world["session"].refresh_from_db()
    for index, text in enumerate(texts):
        person = _user(username=f"hostile{index}", last_name=text, org_unit=world["unit_b"])
        _expire_in(_pass(administrator, world["session"], person), 30)
    OrgUnit.objects.filter(pk=world["unit_b"].pk).update(name=texts[0])
    Course.objects.filter(pk=world["course"].pk).update(title=texts[1])
    TrainingSession.objects.filter(pk=world["session"].pk).update(place=texts[2])
    client = client_for(administrator)

    for table in ["courses", "units", "expiring", "sessions"]:
        url = reverse("portal:training-report-export", args=[table, "csv"])
        rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
        workbook = load_workbook(
            io.BytesIO(
                client.get(reverse("portal:training-report-export", args=[table, "xlsx"])).content
            )
        )
        sheet = workbook.active
        assert sheet is not None
        cells = [cell for row in rows for cell in row] + [
            value
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if isinstance(value, str)
        ]
        assert len(rows) >= 2, table
        for cell in cells:
            assert not cell.startswith(FORMULA_STARTS), (table, cell)
            assert not EXPORT_FORBIDDEN.search(cell), (table, cell)
