"""The audit trail against its own database: each tampering that the database's owner
(or a superuser) can do, done here as that role, and ``verify_audit`` naming it.

The suite runs as the owner role (`make test`) or as the administrator given in
DATABASE_URL, so the test's own connection is the intruder; ``session_replication_role``
needs a superuser, which the administrator's URL gives (DATABASE_ADMIN_URL).
"""

import io
import json
import os
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from portal.lib.audit_chain import GENESIS_HASH, SCHEME_UNKEYED, anchor_signature, unkeyed_hash
from portal.models import AuditAction, AuditRecord
from portal.models.audit import ChainScheme
from portal.services.audit import audit_record
from portal.services.audit_anchors import audit_chain_anchor
from portal.tasks import audit_chain_anchor_task


def three_records(actor) -> list[AuditRecord]:
    return [
        audit_record(actor=actor, action=AuditAction.VIEW, obj=actor),
        audit_record(actor=actor, action=AuditAction.SEARCH, object_repr="lorry LT-123"),
        audit_record(actor=None, action=AuditAction.LOGIN_FAILED, object_repr="nobody"),
    ]


def as_owner(*statements: tuple[str, list]) -> None:
    """The owner's way past the trigger: switch it off, write, switch it on. Pending
    foreign-key checks of the records just written run first (PostgreSQL will not alter
    a table with pending trigger events)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE portal_auditrecord DISABLE TRIGGER portal_audit_append_only")
        for statement, params in statements:
            cursor.execute(statement, params)
        cursor.execute("ALTER TABLE portal_auditrecord ENABLE TRIGGER portal_audit_append_only")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def rechain_without_the_key(*, from_id: int, downgrade: bool) -> None:
    """Recompute every hash from ``from_id`` on, as an intruder without the key can: with
    plain SHA-256 (the model's unkeyed function), the scheme left as it was or set to
    unkeyed so that the records claim the old scheme."""
    records = list(AuditRecord.objects.order_by("id"))
    prev = GENESIS_HASH
    updates = []
    for record in records:
        if record.id >= from_id:
            record.prev_hash = prev
            record.record_hash = unkeyed_hash(prev, record.hashed_content())
            scheme = SCHEME_UNKEYED if downgrade else record.chain_scheme
            updates.append(
                (
                    "UPDATE portal_auditrecord SET prev_hash = %s, record_hash = %s, "
                    "chain_scheme = %s WHERE id = %s",
                    [record.prev_hash, record.record_hash, scheme, record.id],
                )
            )
        prev = record.record_hash
    as_owner(*updates)


def verify_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", stdout=io.StringIO())
    return str(failure.value)


def anchor_lines(settings) -> list[str]:
    return settings.AUDIT_ANCHOR_FILE.read_text().splitlines()


# --- (a) content edited, chain recomputed without the key -------------------------------
@pytest.mark.parametrize("downgrade", [False, True], ids=["scheme-kept", "scheme-downgraded"])
def test_a_record_edited_and_rechained_without_the_key_is_detected(officer, downgrade):
    _first, second, _third = three_records(officer)
    as_owner(
        (
            "UPDATE portal_auditrecord SET object_repr = %s WHERE id = %s",
            ["lorry LT-999", second.pk],
        )
    )
    rechain_without_the_key(from_id=second.pk, downgrade=downgrade)

    problem = verify_fails()

    expected = (
        "is unkeyed (plain SHA-256) after keyed records"
        if downgrade
        else "content does not match its hash (HMAC with the audit key)"
    )
    assert f"Audit chain broken at record {second.pk}: {expected}" in problem


def test_the_whole_chain_rewritten_as_unkeyed_is_detected_by_the_anchors(officer):
    first, second, third = three_records(officer)
    audit_chain_anchor()
    as_owner(("UPDATE portal_auditrecord SET reason = %s WHERE id = %s", ["none", second.pk]))
    rechain_without_the_key(from_id=first.pk, downgrade=True)

    problem = verify_fails()

    assert "Audit chain broken" not in problem  # a plain SHA-256 chain, consistent in itself
    assert f"Record {third.pk} no longer has the hash it had when anchored at" in problem
    assert f"The first keyed record is now none, but it was record {first.pk} when" in problem


# --- (b) triggers skipped with session_replication_role ---------------------------------
def superuser_connection() -> psycopg.Connection:
    url = urlsplit(os.environ.get("DATABASE_ADMIN_URL") or os.environ["DATABASE_URL"])
    intruder = psycopg.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=unquote(url.username or "postgres"),
        password=unquote(url.password or "") or None,
        dbname=connection.settings_dict["NAME"],
    )
    superuser = intruder.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if superuser.fetchone() != (True,):
        intruder.close()
        pytest.fail("DATABASE_ADMIN_URL must name a superuser (source .run/env; see .ci/test.sh).")
    return intruder


@pytest.mark.django_db(transaction=True)
def test_an_update_with_replication_role_replica_is_detected(officer):
    _first, second, _third = three_records(officer)

    with superuser_connection() as intruder:
        intruder.execute("SET session_replication_role = replica")
        rewritten = intruder.execute(
            "UPDATE portal_auditrecord SET reason = 'approved by the director' WHERE id = %s",
            [second.pk],
        ).rowcount
    second.refresh_from_db()

    assert rewritten == 1  # the trigger did not fire: the threat is real
    assert second.reason == "approved by the director"
    assert f"broken at record {second.pk}: content does not match its hash" in verify_fails()


# --- (c) the newest records deleted ----------------------------------------------------
def test_deleting_the_newest_records_after_an_anchor_is_detected(officer):
    _first, second, third = three_records(officer)
    audit_chain_anchor()
    as_owner(("DELETE FROM portal_auditrecord WHERE id = %s", [third.pk]))

    problem = verify_fails()

    assert "Audit chain broken" not in problem  # what is left is a valid chain
    assert f"The newest audit record is {second.pk}, but record {third.pk} was anchored" in problem
    assert "The audit trail holds 2 records, but 3 were anchored" in problem
    assert f"Record {third.pk}, anchored at" in problem
    assert "is missing" in problem


def test_a_deleted_newest_record_is_detected_after_the_portal_writes_again(officer):
    """Count and newest id are back where the anchor says: the anchored hash is not."""
    _first, _second, third = three_records(officer)
    audit_chain_anchor()
    as_owner(("DELETE FROM portal_auditrecord WHERE id = %s", [third.pk]))
    later = audit_record(actor=officer, action=AuditAction.VIEW, object_repr="later")

    problem = verify_fails()

    assert later.pk > third.pk
    assert AuditRecord.objects.count() == 3
    assert problem.startswith(f"Record {third.pk}, anchored at")
    assert "is missing: records were deleted or the table was truncated." in problem


# --- (d) TRUNCATE -----------------------------------------------------------------------
def test_a_truncated_table_is_detected_by_the_anchors(officer):
    three_records(officer)
    audit_chain_anchor()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE portal_auditrecord")  # no row trigger fires
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    problem = verify_fails()

    assert AuditRecord.objects.count() == 0
    assert "The audit trail holds 0 records, but 3 were anchored at" in problem
    assert "records were deleted or the table was truncated." in problem
    assert "rewritten" not in problem


# --- (e) the anchor file edited ---------------------------------------------------------
def _rewrite_anchor_file(settings, lines: list[str]) -> None:
    settings.AUDIT_ANCHOR_FILE.write_text("".join(f"{line}\n" for line in lines))


def _edit_count(settings) -> str:
    [line] = anchor_lines(settings)
    anchor = json.loads(line)
    anchor["count"] = 2  # to match a table from which the newest record was deleted
    _rewrite_anchor_file(settings, [json.dumps(anchor)])
    return "Anchor line 1 does not carry a valid signature: it was forged or edited"


def _forge_with_another_key(settings) -> str:
    lines = anchor_lines(settings)
    forged = json.loads(lines[-1]) | {
        "count": 99,
        "prev_signature": json.loads(lines[-1])["signature"],
    }
    forged["signature"] = anchor_signature(b"a key the intruder made up", forged)
    _rewrite_anchor_file(settings, [*lines, json.dumps(forged)])
    return "Anchor line 2 does not carry a valid signature"


def _remove_a_middle_line(settings) -> str:
    audit_chain_anchor()
    audit_chain_anchor()
    first, _second, third = anchor_lines(settings)
    _rewrite_anchor_file(settings, [first, third])
    return "Anchor line 2 does not follow the anchor before it: an anchor line was removed"


def _from_another_database(settings) -> str:
    lines = anchor_lines(settings)
    other = json.loads(lines[-1]) | {"database": "portal_other", "prev_signature": ""}
    other["signature"] = anchor_signature(settings.AUDIT_HMAC_KEY, other)
    _rewrite_anchor_file(settings, [json.dumps(other)])
    return "Anchor line 1 anchors database 'portal_other', not 'test_"


def _garble(settings) -> str:
    _rewrite_anchor_file(settings, [*anchor_lines(settings), "{not an anchor"])
    return "Anchor line 2 cannot be read as an anchor."


@pytest.mark.parametrize(
    "tamper",
    [_edit_count, _forge_with_another_key, _remove_a_middle_line, _from_another_database, _garble],
)
def test_an_edited_or_forged_anchor_file_is_detected(officer, settings, tamper):
    three_records(officer)
    audit_chain_anchor()

    expected = tamper(settings)

    assert expected in verify_fails()


# --- (f) intact -------------------------------------------------------------------------
def test_an_intact_chain_with_its_anchors_verifies(officer, settings):
    three_records(officer)
    audit_chain_anchor()
    audit_record(actor=officer, action=AuditAction.VIEW, object_repr="after the anchor")
    audit_chain_anchor()
    out = io.StringIO()

    call_command("verify_audit", stdout=out)

    assert out.getvalue().splitlines() == [
        "Audit chain intact: 4 records verified.",
        "2 anchors verified against the chain.",
    ]


def test_records_from_before_the_key_verify_and_the_first_keyed_one_binds_them(officer):
    old = AuditRecord(
        occurred_at=officer.date_joined - timedelta(days=1),
        action=AuditAction.LOGIN,
        object_repr="written before the key",
        prev_hash=GENESIS_HASH,
        chain_scheme=ChainScheme.UNKEYED,
    )
    old.record_hash = old.compute_hash()
    old.save()
    keyed = audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)
    audit_chain_anchor()
    out = io.StringIO()

    call_command("verify_audit", stdout=out)

    assert keyed.prev_hash == old.record_hash
    assert keyed.chain_scheme == ChainScheme.KEYED
    assert "Audit chain intact: 2 records verified." in out.getvalue()
    assert "1 of them were written before the audit key" in out.getvalue()


# --- No key -----------------------------------------------------------------------------
def test_verify_audit_without_a_key_says_so(officer, settings):
    three_records(officer)
    settings.AUDIT_HMAC_KEY = None

    problem = verify_fails()

    assert problem.startswith("Cannot verify the audit trail. No audit key: set AUDIT_HMAC_KEY")


def test_without_a_key_no_record_is_written(officer, settings):
    from portal.lib.audit_chain import AuditKeyMissing

    settings.AUDIT_HMAC_KEY = None

    with pytest.raises(AuditKeyMissing):
        audit_record(actor=officer, action=AuditAction.VIEW, obj=officer)

    assert not AuditRecord.objects.exists()


# --- The anchor task --------------------------------------------------------------------
def test_the_anchor_task_appends_a_signed_head_and_never_rewrites(officer, settings):
    first, _second, third = three_records(officer)
    audit_chain_anchor_task()
    [line_one] = anchor_lines(settings)
    later = audit_record(actor=officer, action=AuditAction.VIEW, object_repr="later")

    report = audit_chain_anchor_task()

    lines = anchor_lines(settings)
    assert report == {"record_id": later.pk, "count": 4}
    assert lines[0] == line_one
    one, two = (json.loads(line) for line in lines)
    assert (one["record_id"], one["record_hash"], one["count"]) == (third.pk, third.record_hash, 3)
    assert one["first_keyed_id"] == first.pk
    assert one["database"] == connection.settings_dict["NAME"]
    assert one["prev_signature"] == ""
    assert two["prev_signature"] == one["signature"]
    assert two["signature"] == anchor_signature(settings.AUDIT_HMAC_KEY, two)


def test_the_anchor_task_writes_nothing_for_an_empty_chain(db, settings):
    assert audit_chain_anchor_task() == {"record_id": None, "count": 0}
    assert not settings.AUDIT_ANCHOR_FILE.exists()


def test_beat_anchors_the_chain_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["audit-chain-anchor"]

    assert entry["task"] == audit_chain_anchor_task.name == "portal.audit_chain_anchor"
    assert entry["schedule"] == timedelta(minutes=5)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_anchors_the_chain_and_verify_audit_checks_it(
    celery_worker_process, worker_anchor_file, officer, settings
):
    *_, third = three_records(officer)

    report = audit_chain_anchor_task.delay().get(timeout=30)

    assert report == {"record_id": third.pk, "count": 3}
    settings.AUDIT_ANCHOR_FILE = worker_anchor_file
    [line] = anchor_lines(settings)
    assert json.loads(line)["record_hash"] == third.record_hash
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "1 anchors verified against the chain." in out.getvalue()
