"""The training gate through the front door: a role a course qualifies for is in force
only while the person holds a valid certificate of it or an exemption; without it they
keep their other roles, the pages and the API refuse with the course and the next
session, and the dashboard warns before a certificate expires."""

import datetime
from typing import Any, cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import (
    AuditRecord,
    Certificate,
    Course,
    Enrolment,
    GateExemption,
    TrainingSession,
    User,
)
from portal.selectors.gate import roles_in_force
from portal.services import certificates
from portal.services import gate as gate_services
from tests.factories import CourseFactory, TrainingSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

CASES = reverse("investigations:case-list")
SEARCH = reverse("search:search")
SEARCH_API = reverse("api:search")


def _today() -> datetime.date:
    return timezone.localdate()


def _days(n: int) -> datetime.date:
    return _today() + datetime.timedelta(days=n)


def _course(**fields: Any) -> Course:
    fields.setdefault("code", "analyst-tools")
    fields.setdefault("title", "Analyst tools")
    fields.setdefault("qualifies_role", "analyst")
    return cast(Course, CourseFactory(**fields))


def _certificate(person: User, course: Course, *, issued: int, expires: int) -> Certificate:
    """A pass of ``course`` ``issued`` days from today, expiring ``expires`` days from today."""
    session = _session(course=course, starts_on=_days(issued), ends_on=_days(issued))
    enrolment = Enrolment.objects.create(
        session=session, person=person, enrolled_by=person, attended=True, result="passed"
    )
    return Certificate.objects.create(
        enrolment=enrolment,
        person=person,
        course=course,
        code=f"TEST-{person.pk:04d}-{course.pk:04d}",
        issued_on=_days(issued),
        expires_on=_days(expires),
    )


def _session(**fields: Any) -> TrainingSession:
    return cast(TrainingSession, TrainingSessionFactory(**fields))


def _exempt(person: User, administrator: User, *, role: str = "analyst", days: int = 10):
    return gate_services.exemption_grant(
        actor=administrator, person=person, role=role, until=_days(days), reason="Course full"
    )


# --- Gate on and off ---------------------------------------------------------------------
def test_without_a_qualifying_course_the_role_is_in_force_as_held(client_for, analyst):
    CourseFactory(code="portal-basics")  # qualifies for nothing
    client = client_for(analyst)
    assert client.get(CASES).status_code == 200
    assert client.get(SEARCH).status_code == 200
    assert analyst.role_names() == {"analyst"}


def test_an_inactive_qualifying_course_does_not_gate(client_for, analyst):
    _course(is_active=False)
    assert client_for(analyst).get(CASES).status_code == 200


def test_a_qualifying_course_takes_the_role_from_those_without_a_certificate(client_for):
    person = cast(User, UserFactory(username="both", roles=["analyst", "officer"]))
    _course()
    client = client_for(person)
    refused = client.get(CASES)
    assert refused.status_code == 403
    assert "analyst-tools · Analyst tools" in refused.content.decode()
    # The other role stays: the officer's pages open, the menu lists it alone.
    assert client.get(reverse("cases:violation-list")).status_code == 200
    fresh = User.objects.get(pk=person.pk)
    assert fresh.role_names() == {"officer"}
    assert fresh.held_role_names() == {"analyst", "officer"}
    assert not fresh.has_perm("cases.view_case")
    assert not fresh.has_role("analyst")
    page = client.get("/").content.decode()
    assert 'href="/search/"' not in page
    assert "Your Analyst role is not in force" in page


def test_a_valid_certificate_puts_the_role_in_force(client_for, analyst):
    course = _course()
    _certificate(analyst, course, issued=-10, expires=300)
    client = client_for(analyst)
    assert client.get(CASES).status_code == 200
    assert client.get(SEARCH).status_code == 200


def test_another_active_course_qualifying_for_the_role_also_counts(client_for, analyst):
    _course()
    other = _course(code="analyst-refresher", title="Refresher")
    _certificate(analyst, other, issued=-10, expires=300)
    assert client_for(analyst).get(CASES).status_code == 200


# --- Expiry and revocation ---------------------------------------------------------------
def test_a_certificate_is_valid_through_its_expiry_date(client_for, analyst):
    _certificate(analyst, _course(), issued=-365, expires=0)
    assert client_for(analyst).get(CASES).status_code == 200


def test_a_certificate_that_expired_yesterday_no_longer_counts(client_for, analyst):
    _certificate(analyst, _course(), issued=-365, expires=-1)
    refused = client_for(analyst).get(CASES)
    assert refused.status_code == 403
    text = refused.content.decode()
    assert f"expired on {_days(-1).isoformat()}" in text
    assert "analyst-tools · Analyst tools" in text


def test_a_revocation_takes_effect_at_the_next_request(client_for, analyst, administrator):
    certificate = _certificate(analyst, _course(), issued=-10, expires=300)
    client = client_for(analyst)
    assert client.get(CASES).status_code == 200
    certificates.certificate_revoke(actor=administrator, certificate=certificate, reason="Fraud")
    refused = client.get(CASES)
    assert refused.status_code == 403
    assert "was revoked" in refused.content.decode()


# --- The message: course and next session ------------------------------------------------
def test_the_refusal_names_the_next_session_with_free_places(client_for, analyst, officer):
    course = _course()
    full = _session(
        course=course, starts_on=_days(5), ends_on=_days(5), capacity=1, place="Full room"
    )
    Enrolment.objects.create(session=full, person=officer, enrolled_by=officer)
    _session(course=course, starts_on=_days(-1), ends_on=_days(1), place="Begun")
    _session(course=course, starts_on=_days(12), ends_on=_days(13), place="Kaunas, room 3")
    text = client_for(analyst).get(SEARCH).content.decode()
    assert "Next session with free places:" in text
    assert "Kaunas, room 3" in text
    assert "Full room" not in text
    assert "Begun" not in text
    assert _days(12).strftime("%Y") in text


def test_the_refusal_says_when_no_session_is_planned(client_for, analyst):
    _course()
    text = client_for(analyst).get(SEARCH).content.decode()
    assert "No session with free places is planned yet" in text


def test_a_refusal_the_gate_did_not_cause_is_the_plain_one(client_for, officer):
    _course()  # gates the analyst role, which the officer does not hold
    refused = client_for(officer).get(SEARCH)
    assert refused.status_code == 403
    assert "not in force" not in refused.content.decode()
    assert "Your role does not give access to this page" in refused.content.decode()


def test_the_api_refuses_with_the_same_reason(api_client_for, analyst):
    course = _course()
    session = _session(course=course, starts_on=_days(20), ends_on=_days(21), place="Vilnius")
    answer = api_client_for(analyst).get(SEARCH_API, {"q": "diesel", "purpose": "x"})
    assert answer.status_code == 403
    body = answer.json()
    assert body["type"] == "role_not_in_force"
    assert "analyst-tools · Analyst tools" in body["detail"]
    assert "Vilnius" in body["detail"]
    assert body["training"] == [
        {
            "role": "analyst",
            "reason": body["training"][0]["reason"],
            "courses": [{"code": "analyst-tools", "title": "Analyst tools"}],
            "certificate": None,
            "next_session": {
                "id": session.pk,
                "course": "analyst-tools",
                "starts_on": _days(20).isoformat(),
                "ends_on": _days(21).isoformat(),
                "place": "Vilnius",
            },
        }
    ]


def test_the_api_names_an_expired_certificate(api_client_for, analyst):
    certificate = _certificate(analyst, _course(), issued=-400, expires=-3)
    body = api_client_for(analyst).get(SEARCH_API, {"q": "diesel", "purpose": "x"}).json()
    assert body["type"] == "role_not_in_force"
    assert body["training"][0]["certificate"] == {
        "code": certificate.code,
        "expires_on": _days(-3).isoformat(),
        "revoked": False,
    }
    assert f"expired on {_days(-3).isoformat()}" in body["detail"]


def test_the_api_me_lists_the_roles_and_permissions_in_force(api_client_for, analyst):
    _course()
    body = api_client_for(analyst).get(reverse("api:me")).json()
    assert body["roles"] == []
    assert "cases.view_case" not in body["permissions"]


# --- Exemptions --------------------------------------------------------------------------
def test_an_exemption_puts_the_role_in_force_until_it_is_ended(client_for, analyst, administrator):
    _course()
    client = client_for(analyst)
    assert client.get(CASES).status_code == 403
    exemption = _exempt(analyst, administrator)
    assert client.get(CASES).status_code == 200
    assert "under an exemption until" in client.get("/").content.decode()
    gate_services.exemption_end(actor=administrator, exemption=exemption, reason="Passed")
    assert client.get(CASES).status_code == 403
    actions = list(
        AuditRecord.objects.filter(object_type="portal.gateexemption")
        .order_by("id")
        .values_list("action", "reason")
    )
    assert actions == [("create", "Course full"), ("update", "Passed")]


def test_an_exemption_counts_through_its_last_day_only(client_for, analyst, administrator):
    _course()
    exemption = _exempt(analyst, administrator, days=0)
    assert client_for(analyst).get(CASES).status_code == 200
    GateExemption.objects.filter(pk=exemption.pk).update(until=_days(-1))
    assert client_for(analyst).get(CASES).status_code == 403


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"reason": "  "}, "reason", "Give the reason for the exemption."),
        ({"until": -1}, "until", "The date is past"),
        ({"until": 400}, "until", "An exemption lasts at most a year"),
        ({"role": "dispatcher"}, "role", "does not hold the Dispatcher role"),
        ({"role": "pilot"}, "role", "Select a valid choice."),
    ],
)
def test_bad_exemptions_are_refused_with_their_reason(
    client_for, analyst, administrator, change, field, message
):
    _course()
    data = {"person": analyst.pk, "role": "analyst", "until": _days(10), "reason": "Full"}
    if "until" in change:
        data["until"] = _days(change.pop("until"))
    data.update(change)
    answer = client_for(administrator).post(reverse("portal:training-exemption-create"), data)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not GateExemption.objects.exists()


def test_an_exemption_for_an_ungated_role_or_oneself_is_refused(analyst, administrator):
    with pytest.raises(Exception, match="No active course qualifies"):
        _exempt(analyst, administrator)
    _course(code="admin-course", qualifies_role="administrator")
    with pytest.raises(Exception, match="cannot exempt yourself"):
        _exempt(administrator, administrator, role="administrator")
    assert not GateExemption.objects.exists()


def test_a_second_running_exemption_is_refused(analyst, administrator):
    _course()
    _exempt(analyst, administrator)
    with pytest.raises(Exception, match="already exempt for the Analyst role"):
        _exempt(analyst, administrator, days=20)
    assert GateExemption.objects.count() == 1


def test_an_administrator_grants_and_ends_an_exemption_through_the_pages(
    client_for, analyst, administrator
):
    _course()
    client = client_for(administrator)
    person_page = client.get(reverse("portal:user-detail", args=[analyst.pk])).content.decode()
    assert "not in force: no valid certificate" in person_page
    assert f"/training/exemptions/new/?person={analyst.pk}" in person_page
    answer = client.post(
        reverse("portal:training-exemption-create"),
        {"person": analyst.pk, "role": "analyst", "until": _days(14), "reason": "Session full"},
    )
    exemption = GateExemption.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("portal:training-exemption-detail", args=[exemption.pk])
    listed = client.get(reverse("portal:training-exemption-list")).content.decode()
    assert "Session full" in listed
    refused = client.post(reverse("portal:training-exemption-end", args=[exemption.pk]), {})
    assert refused.status_code == 400
    assert "Give the reason for ending the exemption." in refused.content.decode()
    ended = client.post(
        reverse("portal:training-exemption-end", args=[exemption.pk]), {"end_reason": "Passed"}
    )
    assert ended.status_code == 302
    exemption.refresh_from_db()
    assert exemption.ended_by == administrator
    assert exemption.end_reason == "Passed"
    assert (
        client.get(reverse("portal:training-exemption-list")).content.decode().count("Session full")
        == 0
    )


# --- Administrators ----------------------------------------------------------------------
def test_the_last_administrator_keeps_the_role(client_for, administrator):
    _course(code="admin-course", qualifies_role="administrator")
    client = client_for(administrator)
    assert client.get(reverse("portal:user-list")).status_code == 200
    assert "no other administrator does either" in client.get("/").content.decode()


def test_an_administrator_without_a_certificate_loses_the_role_when_another_holds_it(
    client_for, administrator
):
    course = _course(code="admin-course", qualifies_role="administrator")
    colleague = cast(User, UserFactory(username="colleague", roles=["administrator"]))
    _certificate(colleague, course, issued=-1, expires=100)
    assert client_for(administrator).get(reverse("portal:user-list")).status_code == 403
    assert client_for(colleague).get(reverse("portal:user-list")).status_code == 200


def test_superusers_are_not_gated(client_for):
    root = cast(User, UserFactory(username="root", roles=["analyst"]))
    root.is_superuser = True
    root.save()
    _course()
    assert client_for(root).get(CASES).status_code == 200


# --- Dashboard warnings ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("days_left", "threshold", "words"),
    [
        (61, None, None),
        (60, "60", "Plan a refresher session"),
        (31, "60", "Plan a refresher session"),
        (30, "30", "Enrol in a session within the month"),
        (8, "30", "Enrol in a session within the month"),
        (7, "7", "expires in 7 days"),
        (1, "7", "expires in 1 day,"),
        (0, "7", "expires today"),
    ],
)
def test_the_dashboard_warns_before_a_gating_certificate_expires(
    client_for, analyst, days_left, threshold, words
):
    _certificate(analyst, _course(), issued=-300, expires=days_left)
    page = client_for(analyst).get("/").content.decode()
    if threshold is None:
        assert "data-expiry-warning" not in page
        return
    assert f'data-expiry-warning="{threshold}"' in page
    assert words in page
    assert "analyst-tools · Analyst tools" in page


def test_the_dashboard_warns_in_lithuanian(client_for, analyst):
    _certificate(analyst, _course(), issued=-300, expires=20)
    client = client_for(analyst)
    page = client.get("/", headers={"accept-language": "lt"}).content.decode()
    assert 'data-expiry-warning="30"' in page
    assert "Jūsų pažymėjimas" in page


def test_a_later_certificate_silences_the_warning(client_for, analyst):
    course = _course()
    _certificate(analyst, course, issued=-300, expires=5)
    _certificate(analyst, _course(code="analyst-refresher"), issued=-1, expires=700)
    assert "data-expiry-warning" not in client_for(analyst).get("/").content.decode()


# --- What it costs -----------------------------------------------------------------------
def _queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_gate_adds_no_query_to_a_page(client_for, analyst):
    client = client_for(analyst)
    client.get(CASES)  # warm the session and caches
    ungated = _queries(client, CASES)
    course = _course()
    _certificate(analyst, course, issued=-10, expires=300)
    gated = _queries(client, CASES)
    assert len(gated) == len(ungated)
    # One query reads the person's roles with their standing, whatever the menu asks.
    assert sum('FROM "auth_group"' in sql for sql in gated) == 1


def test_the_roles_in_force_are_read_once_per_request(analyst):
    _course()
    person = User.objects.get(pk=analyst.pk)
    with CaptureQueriesContext(connection) as captured:
        for _ in range(3):
            roles_in_force(person)
            person.role_names()
            person.has_perm("cases.view_case")
    # The standings, then the user's own and the groups' permissions (none: empty).
    assert len(captured.captured_queries) <= 2
