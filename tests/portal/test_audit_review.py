"""The auditor's page: flags of unusual access on constructed trails (each rule fires
and stays quiet), their review with a note (audited), the filters, the activity chart,
the export job's escaping, and bad input answered with a message."""

import csv
import io
from datetime import UTC, date, datetime, time
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.models import (
    AuditAction,
    AuditActivityHour,
    AuditFlagReview,
    AuditFlagRule,
    AuditRecord,
    Job,
    JobStatus,
)
from portal.selectors.audit_review import FlagState, audit_flags_for_user
from portal.services.audit import audit_record
from portal.services.audit_review import audit_activity_rollup
from portal.services.jobs import job_run, job_start

VILNIUS = ZoneInfo("Europe/Vilnius")
AUDIT_LIST = reverse("portal:audit-list")
REVIEW = reverse("portal:audit-flag-review")
# A working week in November 2026: Monday the 16th to Sunday the 22nd.
MONDAY = date(2026, 11, 16)
SATURDAY = date(2026, 11, 21)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), VILNIUS)


def record_at(when: datetime, **fields):
    """An audit record written at ``when`` (the service stamps the time itself, in UTC
    as it is read back: the hash covers the time as text)."""
    with mock.patch.object(timezone, "now", return_value=when.astimezone(UTC)):
        return audit_record(**fields)


def flags(administrator, start: date, end: date | None = None, **filters):
    audit_activity_rollup()
    return audit_flags_for_user(
        user=administrator, date_from=start, date_to=end or start, **filters
    )


def rules_of(found, person, day) -> set[str]:
    return {flag.rule for flag in found if flag.person_id == person.pk and flag.day == day}


def views(person, day: date, count: int, hour: int = 10) -> None:
    for index in range(count):
        record_at(at(day, hour, index % 60), actor=person, action=AuditAction.VIEW, obj=person)


# --- Volume far above the person's usual ------------------------------------------------
def test_a_day_far_above_the_persons_median_is_flagged_and_explained(analyst, administrator):
    for offset in range(6):
        views(analyst, date(2026, 11, 9 + offset), 10)
    views(analyst, date(2026, 11, 16), 45)

    found = flags(administrator, MONDAY)

    volume = [flag for flag in found if flag.rule == AuditFlagRule.VOLUME]
    assert len(volume) == 1
    assert volume[0].person_id == analyst.pk
    assert volume[0].count == 45
    assert "45 records this day" in volume[0].explanation
    assert "4.5 times their usual 10 a day" in volume[0].explanation
    assert "6 active days" in volume[0].explanation


def test_a_busy_day_close_to_the_persons_usual_is_not_flagged(analyst, administrator):
    for offset in range(6):
        views(analyst, date(2026, 11, 9 + offset), 20)
    views(analyst, MONDAY, 50)  # 2.5 times the median

    assert AuditFlagRule.VOLUME not in rules_of(flags(administrator, MONDAY), analyst, MONDAY)


def test_volume_is_not_judged_without_enough_usual_days(analyst, administrator):
    for offset in range(3):
        views(analyst, date(2026, 11, 12 + offset), 5)
    views(analyst, MONDAY, 40)

    assert AuditFlagRule.VOLUME not in rules_of(flags(administrator, MONDAY), analyst, MONDAY)


def test_a_small_excess_is_not_flagged_however_large_the_ratio(analyst, administrator, settings):
    settings.AUDIT_VOLUME_MIN_EXCESS = 30
    for offset in range(6):
        views(analyst, date(2026, 11, 9 + offset), 2)
    views(analyst, MONDAY, 12)  # six times, but only ten more

    assert AuditFlagRule.VOLUME not in rules_of(flags(administrator, MONDAY), analyst, MONDAY)


# --- Dossiers outside one's own cases ---------------------------------------------------
def dossier(person, when, *, purpose: str, view: str = "dossier") -> None:
    record_at(
        when,
        actor=person,
        action=AuditAction.VIEW,
        object_type="cases.entity",
        object_id="7",
        object_repr="Jonas Jonaitis",
        changes={"view": view},
        reason=purpose,
    )


def test_a_dossier_opened_with_a_stated_purpose_is_flagged(analyst, administrator):
    dossier(analyst, at(MONDAY, 10), purpose="Check for case 2026/14 with the border guard")
    dossier(analyst, at(MONDAY, 11), purpose="Same check")

    found = [
        f for f in flags(administrator, MONDAY) if f.rule == AuditFlagRule.DOSSIER_OUTSIDE_CASES
    ]

    assert [(f.person_id, f.count) for f in found] == [(analyst.pk, 2)]
    assert "2 person or company dossiers outside their own cases" in found[0].explanation


def test_a_dossier_of_ones_own_case_or_a_merged_redirect_is_not_flagged(analyst, administrator):
    dossier(analyst, at(MONDAY, 10), purpose="")  # own case: no purpose asked
    dossier(analyst, at(MONDAY, 11), purpose="A purpose", view="merged")

    assert AuditFlagRule.DOSSIER_OUTSIDE_CASES not in rules_of(
        flags(administrator, MONDAY), analyst, MONDAY
    )


# --- Searches for people ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("object_type", "changes", "flagged"),
    [
        ("cases.searchentry", {"query": "Jonaitis", "kind": ""}, True),
        ("cases.searchentry", {"query": "Jonaitis", "kind": "entity", "status": "Person"}, True),
        ("cases.entity", {"query": "Jonas", "kinds": []}, True),
        ("cases.entity", {"query": "Jonas", "kinds": ["Person"]}, True),
        ("cases.case", {"entity_search": "Jonas", "found": 3}, True),
        ("cases.searchentry", {"query": "cigarettes", "kind": "violation"}, False),
        ("cases.searchentry", {"query": "LKA 123", "kind": "entity", "status": "Vehicle"}, False),
        ("cases.entity", {"query": "LKA", "kinds": ["Vehicle"]}, False),
    ],
)
def test_searches_that_can_find_people_are_flagged(
    analyst, administrator, object_type, changes, flagged
):
    record_at(
        at(MONDAY, 10),
        actor=analyst,
        action=AuditAction.SEARCH,
        object_type=object_type,
        changes=changes,
        reason="case 2026/14",
    )

    rules = rules_of(flags(administrator, MONDAY), analyst, MONDAY)

    assert (AuditFlagRule.PERSON_SEARCH in rules) is flagged


# --- Out of hours -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("when", "flagged"),
    [
        (at(MONDAY, 10), False),
        (at(MONDAY, 7, 0), False),
        (at(MONDAY, 18, 59), False),
        (at(MONDAY, 6, 59), True),
        (at(MONDAY, 22, 30), True),
        (at(MONDAY, 0, 15), True),  # 22:15 UTC the day before: the local day counts
        (at(SATURDAY, 10), True),
    ],
)
def test_use_outside_working_hours_in_vilnius_is_flagged(analyst, administrator, when, flagged):
    record_at(when, actor=analyst, action=AuditAction.VIEW, obj=analyst)

    found = [f for f in flags(administrator, when.date()) if f.rule == AuditFlagRule.OUT_OF_HOURS]

    assert bool(found) is flagged
    if flagged:
        assert found[0].day == when.date()
        assert "Mon\N{EN DASH}Fri 07:00\N{EN DASH}19:00, Vilnius time" in found[0].explanation


def test_working_hours_come_from_the_settings(analyst, administrator, settings):
    settings.AUDIT_WORKING_HOURS = (6, 23)
    settings.AUDIT_WORKING_DAYS = (1, 2, 3, 4, 5, 6)
    record_at(at(SATURDAY, 22), actor=analyst, action=AuditAction.VIEW, obj=analyst)

    assert AuditFlagRule.OUT_OF_HOURS not in rules_of(
        flags(administrator, SATURDAY), analyst, SATURDAY
    )


# --- Exports ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("action", "flagged"),
    [(AuditAction.EXPORT, True), (AuditAction.DOWNLOAD, True), (AuditAction.VIEW, False)],
)
def test_exports_and_downloads_are_flagged(analyst, administrator, action, flagged):
    record_at(at(MONDAY, 10), actor=analyst, action=action, object_repr="violations CSV")

    rules = rules_of(flags(administrator, MONDAY), analyst, MONDAY)

    assert (AuditFlagRule.EXPORT in rules) is flagged


# --- The summary ------------------------------------------------------------------------
def test_counting_twice_counts_each_record_once(analyst, administrator):
    views(analyst, MONDAY, 3)
    record_at(at(MONDAY, 10), actor=None, action=AuditAction.LOGIN_FAILED, object_repr="x")

    audit_activity_rollup()
    assert audit_activity_rollup() == 0

    assert (
        sum(AuditActivityHour.objects.filter(person=analyst).values_list("total", flat=True)) == 3
    )
    # Failed sign-ins belong to nobody: they are not anyone's activity.
    assert not AuditActivityHour.objects.exclude(person__in=[analyst, administrator]).exists()


# --- Reviewing a flag -------------------------------------------------------------------
def review_post(client, person, day, note, rule=AuditFlagRule.EXPORT):
    return client.post(
        REVIEW,
        {
            "rule": rule,
            "person": person.pk,
            "day": day.isoformat(),
            "note": note,
            "next": f"{AUDIT_LIST}?actor={person.username}",
        },
        follow=True,
    )


def test_marking_a_flag_reviewed_keeps_the_note_and_audits_it(analyst, administrator, client_for):
    record_at(at(MONDAY, 10), actor=analyst, action=AuditAction.EXPORT, object_repr="CSV")
    client = client_for(administrator)

    response = review_post(client, analyst, MONDAY, "Asked her lead: export for case 2026/14.")

    assert response.status_code == 200
    assert "Flag marked reviewed." in response.content.decode()
    review = AuditFlagReview.objects.get()
    assert (review.rule, review.person, review.day) == (AuditFlagRule.EXPORT, analyst, MONDAY)
    assert review.reviewed_by == administrator
    assert review.note == "Asked her lead: export for case 2026/14."
    record = AuditRecord.objects.filter(object_type="portal.auditflagreview").get()
    assert record.actor == administrator
    assert record.action == AuditAction.UPDATE
    assert record.reason == review.note
    assert record.changes == {
        "reviewed": True,
        "rule": "export",
        "person": "analyst",
        "day": "2026-11-16",
    }
    assert not flags(administrator, MONDAY, person=analyst, rule=AuditFlagRule.EXPORT)
    reviewed = flags(administrator, MONDAY, person=analyst, state=FlagState.REVIEWED)
    assert [flag.review for flag in reviewed] == [review]


@pytest.mark.parametrize(
    ("note", "day", "message"),
    [
        ("   ", MONDAY, "Write what you found."),
        ("x" * 501, MONDAY, "at most 500 characters"),
        ("Checked.", date(2026, 11, 17), "This flag does not stand"),
    ],
)
def test_a_review_without_a_note_or_of_no_flag_is_refused_with_a_message(
    analyst, administrator, client_for, note, day, message
):
    record_at(at(MONDAY, 10), actor=analyst, action=AuditAction.EXPORT, object_repr="CSV")

    response = review_post(client_for(administrator), analyst, day, note)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AuditFlagReview.objects.exists()


def test_a_flag_is_reviewed_once(analyst, administrator, client_for):
    record_at(at(MONDAY, 10), actor=analyst, action=AuditAction.EXPORT, object_repr="CSV")
    client = client_for(administrator)
    review_post(client, analyst, MONDAY, "First look.")

    response = review_post(client, analyst, MONDAY, "Second look.")

    assert "This flag has already been reviewed." in response.content.decode()
    assert list(AuditFlagReview.objects.values_list("note", flat=True)) == ["First look."]


@pytest.mark.parametrize(
    "data",
    [
        {"rule": "nonsense", "person": "1", "day": "2026-11-16", "note": "x"},
        {"rule": "export", "person": "abc", "day": "2026-11-16", "note": "x"},
        {"rule": "export", "person": "1", "day": "16.11.2026x", "note": "x"},
        {"rule": "export", "person": "999999", "day": "2026-11-16", "note": "x"},
        {},
    ],
)
def test_a_malformed_review_is_answered_with_a_message(administrator, client_for, data):
    response = client_for(administrator).post(REVIEW, data, follow=True)

    assert response.status_code == 200
    assert "The review was not saved" in response.content.decode()
    assert not AuditFlagReview.objects.exists()


def test_only_administrators_review_flags(analyst, client_for):
    record_at(at(MONDAY, 10), actor=analyst, action=AuditAction.EXPORT, object_repr="CSV")

    response = review_post(client_for(analyst), analyst, MONDAY, "My own export is fine.")

    assert response.status_code == 403
    assert not AuditFlagReview.objects.exists()


# --- The page: filters, flags, chart ----------------------------------------------------
def test_the_page_filters_by_person_object_action_and_period(
    analyst, officer, administrator, client_for
):
    dossier(analyst, at(MONDAY, 10), purpose="Border check")
    record_at(at(MONDAY, 11), actor=officer, action=AuditAction.EXPORT, object_repr="my CSV")
    record_at(at(SATURDAY, 11), actor=analyst, action=AuditAction.EXPORT, object_repr="late CSV")
    client = client_for(administrator)

    page = client.get(
        AUDIT_LIST,
        {"actor": "analyst", "date_from": "2026-11-16", "date_to": "2026-11-20"},
    ).content.decode()

    assert "Jonas Jonaitis" in page
    assert "my CSV" not in page
    assert "late CSV" not in page
    assert "Dossiers outside own cases" in page
    assert "Activity of analyst" in page
    assert "<svg" in page
    # Object type and id, and the action.
    page = client.get(
        AUDIT_LIST,
        {
            "object_type": "cases.entity",
            "object_id": "7",
            "action": "view",
            "date_from": "2026-11-01",
        },
    ).content.decode()
    assert "Jonas Jonaitis" in page
    assert "my CSV" not in page


def test_the_chart_has_a_bar_per_day_with_flagged_days_marked(analyst, administrator, client_for):
    views(analyst, MONDAY, 2)
    views(analyst, date(2026, 11, 18), 3, hour=22)  # out of hours

    page = (
        client_for(administrator)
        .get(AUDIT_LIST, {"actor": "analyst", "date_from": "2026-11-16", "date_to": "2026-11-19"})
        .content.decode()
    )

    assert page.count('class="bar-chart__bar') == 4
    assert page.count("bar-chart__bar--flagged") == 1
    assert "2026-11-18: 3" in page
    assert "2026-11-16: 2" in page


def test_flags_filter_by_rule_and_review_state(analyst, administrator, client_for):
    record_at(at(MONDAY, 10), actor=analyst, action=AuditAction.EXPORT, object_repr="CSV")
    record_at(at(MONDAY, 23), actor=analyst, action=AuditAction.VIEW, obj=analyst)
    client = client_for(administrator)
    base = {"date_from": "2026-11-16", "date_to": "2026-11-16"}

    only_exports = client.get(AUDIT_LIST, {**base, "flag": "export"}).content.decode()
    reviewed = client.get(AUDIT_LIST, {**base, "flag_state": "reviewed"}).content.decode()

    assert "Exported or downloaded 1 time." in only_exports
    assert "outside working hours" not in only_exports
    assert "No unusual access flagged in this period." in reviewed


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-13-45"},
        {"date_from": "2026-11-20", "date_to": "2026-11-01"},
        {"flag": "everything"},
        {"flag_state": "maybe"},
        {"flags_page": "x", "page": "-3"},
        {"actor": "x" * 151},
    ],
)
def test_bad_filters_get_a_message_not_an_error(administrator, client_for, query):
    response = client_for(administrator).get(AUDIT_LIST, query)

    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" in body or "flags_page" in query


def test_an_unknown_person_is_said_so(administrator, client_for):
    body = client_for(administrator).get(AUDIT_LIST, {"actor": "nobody-here"}).content.decode()

    assert "No person has the username “nobody-here”" in body


def test_a_long_period_is_cut_to_a_quarter_for_flags_and_chart(administrator, client_for):
    body = (
        client_for(administrator)
        .get(AUDIT_LIST, {"date_from": "2026-01-01", "date_to": "2026-11-30"})
        .content.decode()
    )

    assert "Flags and the chart cover the last 92 days of the period." in body
    assert "From 2026-08-31 to 2026-11-30" in body


def test_the_page_reads_flags_in_few_queries(
    analyst, officer, administrator, client_for, django_assert_max_num_queries
):
    for person in (analyst, officer):
        for day in range(16, 21):
            record_at(at(date(2026, 11, day), 22), actor=person, action=AuditAction.EXPORT)
    client = client_for(administrator)
    client.get(AUDIT_LIST)  # sessions, summary

    with django_assert_max_num_queries(30):
        client.get(AUDIT_LIST, {"date_from": "2026-11-01", "date_to": "2026-11-30"})


# --- Verification and export as jobs ----------------------------------------------------
def test_verification_started_from_the_page_shows_its_result(
    administrator, client_for, django_capture_on_commit_callbacks
):
    client = client_for(administrator)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("portal:job-start", args=["portal.audit_verify"]))
    job = Job.objects.get(kind="portal.audit_verify")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:job-detail", args=[job.pk])

    job_run(job_id=job.pk)
    body = client.get(AUDIT_LIST).content.decode()

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert "The audit chain is intact" in body
    assert reverse("portal:job-detail", args=[job.pk]) in body
    assert "Download the report" in body


def _export(administrator, file_format, django_capture_on_commit_callbacks, **filters):
    with django_capture_on_commit_callbacks(execute=False):
        job = job_start(
            actor=administrator,
            kind_name="portal.audit_export",
            parameters={"file_format": file_format, **filters},
        )
    assert job_run(job_id=job.pk) == JobStatus.SUCCEEDED
    return job.results.get()


def test_the_csv_export_escapes_formulas_and_is_audited(
    analyst, administrator, django_capture_on_commit_callbacks
):
    record_at(
        at(MONDAY, 10),
        actor=analyst,
        action=AuditAction.SEARCH,
        object_repr='=HYPERLINK("http://evil","x")',
        reason="+cmd|' /C calc'!A0",
    )
    record_at(at(MONDAY, 11), actor=administrator, action=AuditAction.VIEW, object_repr="other")

    result = _export(administrator, "csv", django_capture_on_commit_callbacks, actor="analyst")

    rows = list(csv.reader(io.StringIO(result.file.open("rb").read().decode("utf-8"))))
    assert rows[0][:3] == ["id", "occurred_at", "user"]
    assert len(rows) == 2
    assert rows[1][7] == '\'=HYPERLINK("http://evil","x")'
    assert rows[1][8] == "'+cmd|' /C calc'!A0"
    export = AuditRecord.objects.filter(action=AuditAction.EXPORT, actor=administrator).get()
    assert export.changes["records"] == 1
    assert export.changes["filters"] == {"actor": "analyst"}


def test_the_xlsx_export_escapes_formulas(
    analyst, administrator, django_capture_on_commit_callbacks
):
    record_at(
        at(MONDAY, 10),
        actor=analyst,
        action=AuditAction.SEARCH,
        object_repr="=1+1",
        reason="@SUM(A1)",
    )

    result = _export(administrator, "xlsx", django_capture_on_commit_callbacks, actor="analyst")

    sheet = load_workbook(result.file.open("rb")).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][7] == "'=1+1"
    assert rows[1][8] == "'@SUM(A1)"
    assert sheet.cell(row=2, column=8).data_type == "s"


def test_only_administrators_may_start_an_export(analyst, client_for):
    response = client_for(analyst).post(
        reverse("portal:job-start", args=["portal.audit_export"]), {"file_format": "csv"}
    )

    assert response.status_code == 403
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", ["officer", "dispatcher", "analyst"])
def test_the_auditor_page_is_for_administrators_only(personas, client_for, role):
    assert client_for(personas[role]).get(AUDIT_LIST).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "0001-01-01"},
        {"date_to": "0001-01-01"},
        {"date_from": "9999-12-31"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31", "actor": "analyst"},
    ],
)
def test_the_flags_keep_to_days_they_can_read(analyst, administrator, client_for, query):
    assert client_for(administrator).get(AUDIT_LIST, query).status_code == 200
