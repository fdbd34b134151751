"""The audit trail: a hash chain nobody can edit, its list page, CSV export and API."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import Error as DatabaseError
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditAction, AuditRecord
from portal.models.audit import GENESIS_HASH
from portal.services.audit import audit_record

AUDIT_LIST = reverse("portal:audit-list")
AUDIT_EXPORT = reverse("portal:audit-export")
API_AUDIT_LIST = reverse("api:auditrecord-list")


def three_records(actor) -> list[AuditRecord]:
    return [
        audit_record(actor=actor, action=AuditAction.VIEW, obj=actor),
        audit_record(actor=actor, action=AuditAction.SEARCH, object_repr="lorry LT-123"),
        audit_record(actor=None, action=AuditAction.LOGIN_FAILED, object_repr="nobody"),
    ]


def by_hand(statement: str, params: list[str | int]) -> None:
    """What an intruder with database access would do: switch the trigger off, write,
    switch it on again. The foreign key checks of the records just inserted are deferred
    to commit, and PostgreSQL will not alter a table with pending trigger events, so they
    run first."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE portal_auditrecord DISABLE TRIGGER portal_audit_append_only")
        cursor.execute(statement, params)
        cursor.execute("ALTER TABLE portal_auditrecord ENABLE TRIGGER portal_audit_append_only")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# --- The chain --------------------------------------------------------------------------
def test_each_record_links_to_the_hash_of_the_one_before(officer):
    first, second, third = three_records(officer)

    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.record_hash
    assert third.prev_hash == second.record_hash
    assert len({first.record_hash, second.record_hash, third.record_hash}) == 3
    for record in (first, second, third):
        record.refresh_from_db()
        assert record.record_hash == record.compute_hash()


def test_a_record_carries_who_did_what_to_which_object(officer):
    record = audit_record(
        actor=officer, action=AuditAction.UPDATE, obj=officer, changes={"phone": ["", "+370"]}
    )

    record.refresh_from_db()
    assert record.actor == officer
    assert record.actor_username == "officer_a"
    assert record.action == "update"
    assert (record.object_type, record.object_id) == ("portal.user", str(officer.pk))
    assert record.changes == {"phone": ["", "+370"]}


def test_verify_audit_passes_on_an_intact_chain(officer):
    three_records(officer)
    out = io.StringIO()

    call_command("verify_audit", stdout=out)

    assert f"Audit chain intact: {AuditRecord.objects.count()} records verified." in out.getvalue()


def test_verify_audit_fails_naming_the_record_edited_by_hand(officer):
    _first, second, _third = three_records(officer)
    by_hand(
        "UPDATE portal_auditrecord SET object_repr = %s WHERE id = %s", ["lorry LT-999", second.pk]
    )

    with pytest.raises(CommandError, match=rf"broken at record {second.pk}: content does not"):
        call_command("verify_audit", stdout=io.StringIO())


def test_verify_audit_fails_when_a_record_no_longer_links_to_its_predecessor(officer):
    _first, second, third = three_records(officer)
    by_hand("DELETE FROM portal_auditrecord WHERE id = %s", [second.pk])

    with pytest.raises(CommandError, match=rf"broken at record {third.pk}: does not link"):
        call_command("verify_audit", stdout=io.StringIO())


# --- Append-only, in the database and in the model --------------------------------------
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE portal_auditrecord SET object_repr = 'rewritten' WHERE id = %s",
        "DELETE FROM portal_auditrecord WHERE id = %s",
    ],
)
def test_the_database_refuses_a_plain_update_or_delete(officer, statement):
    record = audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [record.pk])

    record.refresh_from_db()
    assert record.object_repr == str(officer)
    assert record.record_hash == record.compute_hash()


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda record: record.save(), id="save"),
        pytest.param(lambda record: record.delete(), id="delete"),
        pytest.param(
            lambda record: AuditRecord.objects.filter(pk=record.pk).update(reason="x"),
            id="queryset-update",
        ),
        pytest.param(
            lambda record: AuditRecord.objects.filter(pk=record.pk).delete(),
            id="queryset-delete",
        ),
        pytest.param(lambda record: AuditRecord.objects.all().delete(), id="delete-all"),
    ],
)
def test_the_model_refuses_to_change_or_delete_a_record(officer, change):
    record = audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)
    record.reason = "rewritten"

    with pytest.raises(PermissionError, match="append-only"):
        change(record)

    record.refresh_from_db()
    assert record.reason == ""
    assert AuditRecord.objects.filter(pk=record.pk).exists()


# --- The list page ----------------------------------------------------------------------
@pytest.fixture
def trail(officer, dispatcher):
    """An officer's login last week and a dispatcher's view of a case today."""
    last_week = timezone.now() - timedelta(days=7)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: last_week)
        login = audit_record(actor=officer, action=AuditAction.LOGIN, obj=officer)
    view = audit_record(
        actor=dispatcher,
        action=AuditAction.VIEW,
        object_type="cases.case",
        object_id=42,
        object_repr="Case 2024/42",
    )
    return {"login": login, "view": view, "last_week": timezone.localdate(last_week)}


def listed(response) -> set[int]:
    return {record.pk for record in response.context["page"].object_list}


def test_the_audit_list_shows_every_record_to_an_administrator(administrator, client_for, trail):
    response = client_for(administrator).get(AUDIT_LIST)

    assert response.status_code == 200
    assert listed(response) == {trail["login"].pk, trail["view"].pk}
    assert "Case 2024/42" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "OFFICER_A"}, {"login"}),
        ({"actor": "dispatcher"}, {"view"}),
        ({"action": "view"}, {"view"}),
        ({"action": "login"}, {"login"}),
        ({"object_type": "cases.case"}, {"view"}),
        ({"object_type": "portal.user"}, {"login"}),
        ({"object_type": "cases.case", "object_id": "42"}, {"view"}),
        ({"text": "2024/42"}, {"view"}),
        ({"date_to": "last_week"}, {"login"}),
        ({"date_from": "today"}, {"view"}),
        ({"date_from": "last_week", "date_to": "today"}, {"login", "view"}),
    ],
)
def test_the_audit_list_filters(administrator, client_for, trail, query, expected):
    dates = {"today": timezone.localdate(), "last_week": trail["last_week"]}
    params = {key: str(dates.get(value, value)) for key, value in query.items()}

    response = client_for(administrator).get(AUDIT_LIST, params)

    assert response.status_code == 200
    assert not response.context["form"].errors
    assert listed(response) == {trail[name].pk for name in expected}


def test_the_audit_list_says_so_when_no_record_matches(administrator, client_for, trail):
    response = client_for(administrator).get(AUDIT_LIST, {"actor": "nobody-at-all"})

    assert response.status_code == 200
    assert listed(response) == set()
    assert "No record matches" in response.content.decode()


def test_a_date_range_that_ends_before_it_starts_shows_the_form_error(
    administrator, client_for, trail
):
    response = client_for(administrator).get(
        AUDIT_LIST, {"date_from": "2024-05-10", "date_to": "2024-05-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "date_to": ["The end date is before the start date."]
    }
    assert "The end date is before the start date." in response.content.decode()


def test_an_analyst_cannot_open_the_audit_trail(analyst, client_for, trail):
    response = client_for(analyst).get(AUDIT_LIST)

    assert response.status_code == 403
    assert b"Case 2024/42" not in response.content


# --- CSV export -------------------------------------------------------------------------
def _export_rows(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_the_csv_export_is_audited_and_neutralises_formulas(administrator, officer, client_for):
    audit_record(
        actor=officer,
        action=AuditAction.VIEW,
        object_type="cases.case",
        object_id=7,
        object_repr='=HYPERLINK("http://evil.example","open")',
    )

    response = client_for(administrator).get(AUDIT_EXPORT, {"object_type": "cases.case"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = _export_rows(response)
    [case_row] = [row for row in rows if row["object_id"] == "7"]
    assert case_row["object"] == '\'=HYPERLINK("http://evil.example","open")'
    assert case_row["user"] == "officer_a"
    export = AuditRecord.objects.get(action=AuditAction.EXPORT)
    assert export.actor == administrator
    assert export.object_type == "portal.auditrecord"
    assert export.changes == {"filters": {"object_type": "cases.case"}}


def test_the_csv_export_applies_the_filters(administrator, client_for, trail):
    response = client_for(administrator).get(AUDIT_EXPORT, {"actor": "dispatcher"})

    rows = _export_rows(response)
    assert [row["id"] for row in rows] == [str(trail["view"].pk)]


# --- API --------------------------------------------------------------------------------
def test_the_api_lists_and_shows_audit_records_to_an_administrator(
    administrator, api_client_for, trail
):
    client = api_client_for(administrator)

    listing = client.get(API_AUDIT_LIST)
    detail = client.get(reverse("api:auditrecord-detail", kwargs={"pk": trail["view"].pk}))

    assert listing.status_code == 200
    assert {row["id"] for row in listing.json()["results"]} == {
        trail["login"].pk,
        trail["view"].pk,
    }
    assert detail.status_code == 200
    assert detail.json()["record_hash"] == trail["view"].record_hash


@pytest.mark.parametrize(
    ("method", "on_detail"),
    [("post", False), ("put", True), ("patch", True), ("delete", True), ("delete", False)],
)
def test_the_api_cannot_change_the_trail(administrator, api_client_for, trail, method, on_detail):
    record = trail["view"]
    url = (
        reverse("api:auditrecord-detail", kwargs={"pk": record.pk}) if on_detail else API_AUDIT_LIST
    )
    payload = {"action": "delete", "object_repr": "rewritten", "reason": "rewritten"}

    response = getattr(api_client_for(administrator), method)(url, payload, format="json")

    assert response.status_code in (403, 405)
    assert AuditRecord.objects.count() == 2
    record.refresh_from_db()
    assert (record.action, record.object_repr, record.reason) == ("view", "Case 2024/42", "")


def test_an_invalid_filter_lists_nothing_rather_than_everything(administrator, client_for):
    from datetime import date

    from portal.services.audit import audit_record

    audit_record(actor=administrator, action="view", obj=administrator)
    response = client_for(administrator).get(
        reverse("portal:audit-list"), {"date_from": date(2026, 5, 2), "date_to": date(2026, 5, 1)}
    )

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


def test_export_with_an_invalid_filter_exports_nothing_and_says_why(administrator, client_for):
    client = client_for(administrator)
    exports_before = AuditRecord.objects.filter(action="export").count()

    response = client.get(
        reverse("portal:audit-export"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:audit-list"))
    assert AuditRecord.objects.filter(action="export").count() == exports_before
    page = client.get(response["Location"])
    assert "Correct the filters" in page.content.decode()


@pytest.mark.parametrize("field", ["occurred_after", "occurred_before"])
def test_an_offset_postgresql_cannot_store_is_refused_naming_the_filter(
    administrator, api_client_for, trail, field
):
    records_before = AuditRecord.objects.count()

    response = api_client_for(administrator).get(
        API_AUDIT_LIST, {field: "2026-03-01T10:00:00+20:00"}
    )

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert response.json()["errors"] == {
        field: ["Give a time zone offset between -15:59 and +15:59."]
    }
    assert AuditRecord.objects.count() == records_before


def test_a_real_offset_still_filters_the_api_list(administrator, api_client_for, trail):
    response = api_client_for(administrator).get(
        API_AUDIT_LIST, {"occurred_after": "2020-01-01T10:00:00+14:00"}
    )

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} >= {trail["view"].pk}


@pytest.mark.parametrize("value", ["2026-03-01T10:00:00+20:00", "0001-01-01", "9999-12-31"])
def test_the_audit_page_lists_nothing_for_a_date_it_cannot_read(administrator, client_for, value):
    response = client_for(administrator).get(AUDIT_LIST, {"date_from": value, "date_to": value})

    assert response.status_code == 200
