"""The job core: starting, running (in this process, through the service the worker
calls), cancelling, the log's bound, and who reaches a job and its files through the
pages and the API. tests/portal/test_jobs_worker.py runs jobs on a real worker."""

import hashlib

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.models import (
    JOB_LOG_MAX_LINES,
    AuditRecord,
    Job,
    JobLogLine,
    JobResult,
    JobStatus,
)
from portal.services.jobs import (
    JobContext,
    job_cancel,
    job_log,
    job_result_add,
    job_run,
    job_start,
)
from tests.factories import UserFactory
from tests.portal.job_kinds import TEST_PERMISSION

pytestmark = pytest.mark.django_db


def grant_test_kinds(user):
    app_label, codename = TEST_PERMISSION.split(".")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    # The permission cache of an already loaded user would not see the new right.
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def analyst_b(db):
    return UserFactory(username="analyst_b", roles=["analyst"])


@pytest.fixture
def runner(analyst):
    """The analyst, allowed to start the tests' own kinds."""
    return grant_test_kinds(analyst)


def finished_job(owner, **fields):
    from django.utils import timezone

    now = timezone.now()
    return Job.objects.create(
        kind="portal.audit_verify",
        owner=owner,
        status=JobStatus.SUCCEEDED,
        progress_percent=100,
        started_at=now,
        finished_at=now,
        **fields,
    )


# --- Starting -----------------------------------------------------------------------
def test_starting_a_job_queues_it_audits_it_and_sends_it_to_a_worker_on_commit(
    runner, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = job_start(
            actor=runner, kind_name="tests.gated", parameters={"gate": str(tmp_path / "gate")}
        )

    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert job.owner == runner
    assert job.parameters == {"gate": str(tmp_path / "gate"), "steps": None}
    assert len(callbacks) == 1  # the task is sent once the job is committed, not before
    record = AuditRecord.objects.filter(object_type="portal.job", object_id=str(job.pk)).get()
    assert record.action == "create"
    assert record.actor == runner
    assert record.changes["kind"] == "tests.gated"


def test_an_unknown_kind_is_refused_at_the_kind_field(runner):
    with pytest.raises(ValidationError) as refused:
        job_start(actor=runner, kind_name="nothing.such", parameters={})

    assert refused.value.message_dict == {"kind": ["There is no job of this kind."]}
    assert not Job.objects.exists()


def test_a_kind_the_person_may_not_start_is_refused(analyst):
    with pytest.raises(PermissionDenied):
        job_start(actor=analyst, kind_name="portal.audit_verify", parameters={})

    assert not Job.objects.exists()


def test_parameters_the_kind_refuses_are_named_by_field(runner):
    with pytest.raises(ValidationError) as refused:
        job_start(actor=runner, kind_name="tests.gated", parameters={"steps": 99})

    errors = refused.value.message_dict
    assert errors["parameters.gate"] == ["This field is required."]
    assert errors["parameters.steps"] == ["Ensure this value is less than or equal to 20."]
    assert not Job.objects.exists()


def test_parameters_that_are_not_an_object_are_refused(runner):
    with pytest.raises(ValidationError) as refused:
        job_start(actor=runner, kind_name="tests.gated", parameters=["gate"])  # type: ignore[arg-type]

    assert "parameters" in refused.value.message_dict


# --- Running (the service the worker's task calls) ------------------------------------
def test_a_job_runs_to_success_with_its_progress_log_and_result_file(runner, tmp_path):
    gate = tmp_path / "gate"
    gate.touch()
    job = job_start(actor=runner, kind_name="tests.gated", parameters={"gate": str(gate)})

    assert job_run(job_id=job.pk) == JobStatus.SUCCEEDED

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.progress_percent == 100
    assert job.started_at is not None
    assert job.finished_at is not None
    assert job.attempts == 1
    assert [line.message for line in job.log_lines.all()] == [
        "Started.",
        "Waiting at the gate.",
        "The gate is open.",
    ]
    assert job.log_lines.latest("id").level == "warning"
    result = job.results.get()
    assert result.name == "gated_result.txt"  # a safe file name
    assert result.size == len(b"through the gate\n")
    assert result.sha256 == hashlib.sha256(b"through the gate\n").hexdigest()
    assert result.file.read() == b"through the gate\n"


def test_a_second_delivery_of_the_same_job_does_nothing(runner, tmp_path):
    gate = tmp_path / "gate"
    gate.touch()
    job = job_start(actor=runner, kind_name="tests.gated", parameters={"gate": str(gate)})
    job_run(job_id=job.pk)

    assert job_run(job_id=job.pk) == "skipped"

    job.refresh_from_db()
    assert job.attempts == 1
    assert job.results.count() == 1


def test_a_kind_that_fails_ends_failed_with_its_reason(runner):
    job = job_start(actor=runner, kind_name="tests.failing", parameters={})

    assert job_run(job_id=job.pk) == JobStatus.FAILED

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "The source file cannot be read: it is not UTF-8."
    assert job.progress_percent == 20
    assert job.log_lines.latest("id").level == "error"
    assert job.finished_at is not None


def test_an_unexpected_error_ends_the_job_failed_and_names_the_error(runner):
    job = job_start(actor=runner, kind_name="tests.crashing", parameters={})

    assert job_run(job_id=job.pk) == JobStatus.FAILED

    job.refresh_from_db()
    assert job.error.startswith("Stopped by an unexpected error: ZeroDivisionError")


def test_a_kind_no_longer_registered_ends_failed(runner):
    job = Job.objects.create(kind="gone.kind", owner=runner)

    assert job_run(job_id=job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error == "This kind of job no longer exists."


def test_the_audit_trail_verification_keeps_a_report(administrator):
    from portal.services.audit import audit_record

    audit_record(actor=administrator, action="view", obj=administrator)
    job = job_start(actor=administrator, kind_name="portal.audit_verify", parameters={})

    assert job_run(job_id=job.pk) == JobStatus.SUCCEEDED

    job.refresh_from_db()
    assert job.progress_message == "The audit chain is intact"
    report = job.results.get()
    assert report.name.startswith("audit-verification-")
    assert report.content_type == "text/plain; charset=utf-8"
    text = report.file.read().decode()
    assert "Result: the audit chain is intact." in text
    assert f"Records verified: {AuditRecord.objects.count()}" in text


def test_progress_is_kept_between_0_and_100(runner):
    job = Job.objects.create(kind="tests.failing", owner=runner, status=JobStatus.RUNNING)
    context = JobContext(job_id=job.pk, kind=None, parameters={}, owner=runner)  # type: ignore[arg-type]

    context.progress(140, "x" * 400)
    job.refresh_from_db()
    assert job.progress_percent == 100
    assert len(job.progress_message) == 300
    context.progress(-5)
    job.refresh_from_db()
    assert job.progress_percent == 0


def test_the_log_keeps_its_newest_lines_and_counts_the_dropped(runner):
    job = Job.objects.create(kind="tests.failing", owner=runner, status=JobStatus.RUNNING)

    for number in range(JOB_LOG_MAX_LINES + 7):
        job_log(job_id=job.pk, message=f"line {number}")

    job.refresh_from_db()
    kept = list(JobLogLine.objects.filter(job=job).values_list("message", flat=True))
    assert len(kept) == JOB_LOG_MAX_LINES
    assert kept[0] == "line 7"
    assert kept[-1] == f"line {JOB_LOG_MAX_LINES + 6}"
    assert job.log_dropped == 7


# --- Cancelling ---------------------------------------------------------------------
def test_cancelling_a_queued_job_ends_it_at_once_and_no_worker_runs_it(runner, tmp_path):
    job = job_start(actor=runner, kind_name="tests.failing", parameters={})

    job_cancel(actor=runner, job=job)

    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert job.finished_at is not None
    assert job_run(job_id=job.pk) == "skipped"
    assert AuditRecord.objects.filter(
        object_type="portal.job", object_id=str(job.pk), action="update"
    ).exists()


def test_cancelling_a_running_job_asks_it_to_stop_at_its_next_check(runner):
    job = Job.objects.create(kind="tests.failing", owner=runner, status=JobStatus.RUNNING)
    context = JobContext(job_id=job.pk, kind=None, parameters={}, owner=runner)  # type: ignore[arg-type]
    assert not context.cancelled()

    job_cancel(actor=runner, job=job)

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert job.cancel_requested
    assert context.cancelled()


def test_a_finished_job_cannot_be_cancelled(analyst):
    job = finished_job(analyst)

    with pytest.raises(ValidationError, match="already finished"):
        job_cancel(actor=analyst, job=job)


def test_only_the_owner_or_an_administrator_cancels_a_job(runner, analyst_b, administrator):
    job = job_start(actor=runner, kind_name="tests.failing", parameters={})

    with pytest.raises(PermissionDenied):
        job_cancel(actor=analyst_b, job=job)
    job_cancel(actor=administrator, job=job)

    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


# --- API ----------------------------------------------------------------------------
def test_an_administrator_starts_the_audit_verification_through_the_api(
    administrator, api_client_for
):
    response = api_client_for(administrator).post(
        reverse("api:job-list"), {"kind": "portal.audit_verify"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "queued"
    assert body["kind_label"] == "Verify the audit trail"
    assert body["log"] == []
    assert body["results"] == []
    assert Job.objects.get(pk=body["id"]).owner == administrator


def test_an_analyst_may_not_start_the_audit_verification(analyst, api_client_for):
    response = api_client_for(analyst).post(
        reverse("api:job-list"), {"kind": "portal.audit_verify"}, format="json"
    )

    assert response.status_code == 403
    assert not Job.objects.exists()


def test_the_api_names_bad_parameters_by_field(runner, api_client_for):
    client = api_client_for(runner)

    unknown = client.post(reverse("api:job-list"), {"kind": "no.such"}, format="json")
    bad = client.post(
        reverse("api:job-list"),
        {"kind": "tests.gated", "parameters": {"steps": "many"}},
        format="json",
    )

    assert unknown.status_code == 400
    assert unknown.json()["errors"] == {"kind": ["There is no job of this kind."]}
    assert bad.status_code == 400
    assert bad.json()["errors"]["parameters.steps"] == ["Enter a whole number."]
    assert bad.json()["errors"]["parameters.gate"] == ["This field is required."]
    assert not Job.objects.exists()


def test_the_kinds_list_shows_only_what_the_person_may_start(
    analyst, officer, administrator, api_client_for
):
    as_officer = api_client_for(officer).get(reverse("api:job-kind-list")).json()
    as_analyst = api_client_for(analyst).get(reverse("api:job-kind-list")).json()
    as_admin = api_client_for(administrator).get(reverse("api:job-kind-list")).json()

    assert as_officer == []
    # The case report and bundle: whoever may open cases; the extract for another agency:
    # whoever may export cases; imports: analysts and administrators; the text of case
    # documents: whoever works cases, analysts (cases/apps.py).
    assert [kind["name"] for kind in as_analyst] == [
        "cases.case_extract",
        "cases.case_report",
        "cases.evidence_bundle",
        "cases.data_import",
        "cases.document_extract",
    ]
    assert {kind["name"] for kind in as_admin} == {
        "portal.audit_verify",
        "portal.audit_export",
        "portal.user_import",
        "cases.case_report",
        "cases.data_import",
        "cases.evidence_bundle",
        "cases.case_extract",
    }


def test_a_person_lists_their_own_jobs_and_an_administrator_every_job(
    analyst, analyst_b, administrator, api_client_for
):
    own = finished_job(analyst)
    finished_job(analyst_b)

    mine = api_client_for(analyst).get(reverse("api:job-list")).json()
    everyone = api_client_for(administrator).get(reverse("api:job-list")).json()

    assert [job["id"] for job in mine["results"]] == [own.pk]
    assert everyone["count"] == 2


def test_the_job_list_filters_by_status_and_refuses_an_unknown_one(analyst, api_client_for):
    finished_job(analyst)
    client = api_client_for(analyst)

    assert client.get(reverse("api:job-list"), {"status": "failed"}).json()["count"] == 0
    assert client.get(reverse("api:job-list"), {"status": "succeeded"}).json()["count"] == 1
    assert client.get(reverse("api:job-list"), {"status": "lost"}).status_code == 400


def test_another_persons_job_is_not_found(analyst, analyst_b, api_client_for):
    job = finished_job(analyst)

    response = api_client_for(analyst_b).get(reverse("api:job-detail", kwargs={"pk": job.pk}))

    assert response.status_code == 404


def test_the_job_detail_carries_progress_log_and_results(analyst, api_client_for):
    job = finished_job(analyst, progress_message="Done")
    job_log(job_id=job.pk, message="One line", level="warning")
    result = job_result_add(
        job_id=job.pk, name="out.csv", content=b"a,b\n", content_type="text/csv"
    )

    body = api_client_for(analyst).get(reverse("api:job-detail", kwargs={"pk": job.pk})).json()

    assert body["progress_percent"] == 100
    assert body["finished"] is True
    assert [(line["level"], line["message"]) for line in body["log"]] == [("warning", "One line")]
    assert body["results"][0]["sha256"] == hashlib.sha256(b"a,b\n").hexdigest()
    assert body["results"][0]["download_url"] == reverse(
        "api:job-result-download", kwargs={"pk": job.pk, "result_id": result.pk}
    )


def test_cancelling_through_the_api(runner, analyst_b, api_client_for):
    job = job_start(actor=runner, kind_name="tests.failing", parameters={})
    url = reverse("api:job-cancel", kwargs={"pk": job.pk})

    outsider = api_client_for(analyst_b).post(url)
    owner = api_client_for(runner).post(url)
    again = api_client_for(runner).post(url)

    assert outsider.status_code == 404
    assert owner.status_code == 200
    assert owner.json()["status"] == "cancelled"
    assert again.status_code == 400
    assert again.json()["errors"]["non_field_errors"] == ["This job has already finished."]


# --- Downloads, per role ------------------------------------------------------------
@pytest.fixture
def analysts_result(analyst):
    job = finished_job(analyst)
    return job_result_add(
        job_id=job.pk, name="report.txt", content=b"intact\n", content_type="text/plain"
    )


@pytest.mark.parametrize("url_name", ["portal:job-result-download", "api:job-result-download"])
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("analyst", 200),
        ("administrator", 200),
        ("analyst_b", 404),
        ("officer", 404),
        ("dispatcher", 404),
    ],
)
def test_a_result_downloads_for_its_owner_and_administrators_only(
    url_name, who, expected, request, analysts_result, client_for
):
    person = request.getfixturevalue(who)
    url = reverse(url_name, kwargs={"pk": analysts_result.job_id, "result_id": analysts_result.pk})
    before = AuditRecord.objects.filter(action="download").count()

    response = client_for(person).get(url)

    assert response.status_code == expected
    downloads = AuditRecord.objects.filter(action="download")
    if expected == 200:
        assert b"".join(response.streaming_content) == b"intact\n"
        assert response["Content-Disposition"] == 'attachment; filename="report.txt"'
        record = downloads.latest("id")
        assert record.actor == person
        assert record.object_type == "portal.jobresult"
        assert record.changes["sha256"] == analysts_result.sha256
    else:
        assert downloads.count() == before


def test_a_result_of_another_job_is_not_reached_through_ones_own(
    analyst, analysts_result, analyst_b, client_for
):
    own_job = finished_job(analyst_b)
    url = reverse(
        "portal:job-result-download", kwargs={"pk": own_job.pk, "result_id": analysts_result.pk}
    )

    assert client_for(analyst_b).get(url).status_code == 404


# --- Pages ----------------------------------------------------------------------------
def test_the_jobs_page_offers_the_kinds_the_person_may_start(administrator, analyst, client_for):
    as_admin = client_for(administrator).get(reverse("portal:job-list"))
    as_analyst = client_for(analyst).get(reverse("portal:job-list"))

    assert "Verify the audit trail" in as_admin.content.decode()
    assert "Start a job" in as_admin.content.decode()
    assert "Verify the audit trail" not in as_analyst.content.decode()
    assert "Case report (PDF)" in as_analyst.content.decode()


def test_starting_from_the_page_opens_the_jobs_page(administrator, client_for):
    response = client_for(administrator).post(
        reverse("portal:job-start", kwargs={"kind": "portal.audit_verify"})
    )

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:job-detail", kwargs={"pk": job.pk})


def test_a_bad_parameter_on_the_page_is_shown_at_its_field(runner, client_for):
    response = client_for(runner).post(
        reverse("portal:job-start", kwargs={"kind": "tests.gated"}), {"steps": "0"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page
    assert "Ensure this value is greater than or equal to 1." in page
    assert not Job.objects.exists()


def test_the_job_page_shows_progress_log_and_results(analyst, client_for):
    job = finished_job(analyst, progress_message="All done")
    job_log(job_id=job.pk, message="Checked 12 records")
    job_result_add(job_id=job.pk, name="out.txt", content=b"x", content_type="text/plain")

    page = client_for(analyst).get(reverse("portal:job-detail", kwargs={"pk": job.pk}))

    text = page.content.decode()
    assert 'aria-valuenow="100"' in text
    assert 'data-css-width="100%"' in text
    assert "Checked 12 records" in text
    assert "out.txt" in text
    assert "Cancel job" not in text  # finished


def test_cancel_from_the_page(runner, client_for):
    job = job_start(actor=runner, kind_name="tests.failing", parameters={})

    response = client_for(runner).post(reverse("portal:job-cancel", kwargs={"pk": job.pk}))

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_lists_query_a_fixed_number_of_times(analyst, client_for, django_assert_max_num_queries):
    for _ in range(30):
        finished_job(analyst)
    client = client_for(analyst)
    client.get(reverse("portal:job-list"))  # the session's first request

    with django_assert_max_num_queries(12):
        assert client.get(reverse("portal:job-list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("api:job-list")).status_code == 200


def test_results_are_stored_under_the_jobs_folder(analyst):
    job = finished_job(analyst)

    result = job_result_add(
        job_id=job.pk, name="../../etc/passwd", content=b"x", content_type="text/plain"
    )

    assert result.file.name.startswith(f"jobs/{job.pk}/")
    assert ".." not in result.file.name
    assert JobResult.objects.get().name == "passwd"


def test_a_job_started_in_lithuanian_reports_in_lithuanian(administrator):
    from django.utils import translation

    with translation.override("lt"):
        job = job_start(actor=administrator, kind_name="portal.audit_verify", parameters={})
    job_run(job_id=job.pk)  # the worker runs in English by default

    job.refresh_from_db()
    assert job.language == "lt"
    assert job.progress_message == "Audito grandinė nepažeista"
    assert "Rezultatas: audito grandinė nepažeista." in job.results.get().file.read().decode()


# --- Navigation -----------------------------------------------------------------------
def _menu(user) -> list[str]:
    from portal.navigation import navigation_for

    return [item["key"] for item in navigation_for(user, "/jobs/")]


def test_jobs_are_in_the_menu_of_those_who_may_start_a_job(
    administrator, analyst, officer, dispatcher
):
    assert "jobs" in _menu(administrator)
    assert "jobs" in _menu(analyst)  # the case report and bundle
    for person in (officer, dispatcher):  # no kind of theirs is registered yet
        assert "jobs" not in _menu(person)
    assert "jobs" in _menu(grant_test_kinds(officer))


def test_the_jobs_item_is_lit_on_a_jobs_page(administrator):
    from portal.navigation import navigation_for

    lit = [item["key"] for item in navigation_for(administrator, "/jobs/12/") if item["active"]]
    assert lit == ["jobs"]


def test_the_audit_trail_verification_names_an_edited_record_in_its_report(administrator):
    from tests.portal.test_audit_tampering import as_owner, three_records

    _first, second, _third = three_records(administrator)
    as_owner(
        (
            "UPDATE portal_auditrecord SET object_repr = %s WHERE id = %s",
            ["lorry LT-999", second.pk],
        )
    )
    job = job_start(actor=administrator, kind_name="portal.audit_verify", parameters={})

    assert job_run(job_id=job.pk) == JobStatus.SUCCEEDED  # the check ran; what it found is below

    job.refresh_from_db()
    assert job.progress_message == "Problems found: 1"
    report = job.results.get().file.read().decode()
    assert "Result: PROBLEMS FOUND (1)" in report
    assert f"Audit chain broken at record {second.pk}" in report
    errors = job.log_lines.filter(level="error").values_list("message", flat=True)
    assert any(f"record {second.pk}" in message for message in errors)


def test_the_job_page_names_each_parameter_by_its_label(runner, client_for):
    job = finished_job(runner, parameters={"gate": "gate-file", "steps": None})
    Job.objects.filter(pk=job.pk).update(kind="tests.gated")

    page = client_for(runner).get(reverse("portal:job-detail", kwargs={"pk": job.pk}))

    assert page.status_code == 200
    text = page.content.decode()
    assert "<dt>Gate file</dt>" in text
    assert "<dt>Steps</dt>" not in text  # an empty parameter is left out
    assert "gate: gate-file" not in text
