"""Least privilege: the portal's runtime role (DATABASE_APP_URL, made by .ci/setup.sh and
granted its rights after every migrate) may append to the audit trail and read it, and
do the portal's ordinary writes, but may not rewrite, remove or unprotect a record.

These tests connect to the test database AS that role, not as the suite's own role.
"""

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import cast
from urllib.parse import unquote, urlsplit

import psycopg
import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.utils import ProgrammingError
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditAction, AuditRecord, User
from tests.conftest import PASSWORD
from tests.factories import OrgUnitFactory, UserFactory


def runtime_credentials() -> tuple[str, str]:
    url = os.environ.get("DATABASE_APP_URL", "")
    role = os.environ.get("DATABASE_RUNTIME_ROLE", "")
    if not url or not role:
        pytest.fail("DATABASE_APP_URL and DATABASE_RUNTIME_ROLE are not set: run .ci/setup.sh.")
    user = unquote(urlsplit(url).username or "")
    if user == connection.settings_dict["USER"]:
        pytest.fail("The runtime role is the suite's own role: nothing would be proved.")
    return user, unquote(urlsplit(url).password or "")


@pytest.fixture
def runtime_connection(db) -> Iterator[psycopg.Connection]:
    """A connection of its own to the test database, as the runtime role."""
    user, password = runtime_credentials()
    settings_dict = connection.settings_dict
    with psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        dbname=settings_dict["NAME"],
        user=user,
        password=password or None,
    ) as conn:
        assert conn.execute(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone() == (False,)
        yield conn


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE portal_auditrecord SET reason = 'rewritten'",
        "DELETE FROM portal_auditrecord",
        "TRUNCATE portal_auditrecord",
        "ALTER TABLE portal_auditrecord DISABLE TRIGGER portal_audit_append_only",
        "ALTER TABLE portal_auditrecord DISABLE TRIGGER ALL",
        "DROP TRIGGER portal_audit_append_only ON portal_auditrecord",
        "SET session_replication_role = replica",
        "DROP TABLE portal_auditrecord",
        "ALTER TABLE portal_auditrecord OWNER TO CURRENT_USER",
    ],
)
def test_the_runtime_role_may_not_rewrite_remove_or_unprotect_the_trail(
    runtime_connection, statement
):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        runtime_connection.execute(statement)


def test_the_runtime_role_may_append_to_the_trail_and_read_it(runtime_connection):
    """Inside a transaction of its own, rolled back: the rights are what is proved."""
    with runtime_connection.transaction(force_rollback=True):
        (record_id,) = runtime_connection.execute(
            """
            INSERT INTO portal_auditrecord (occurred_at, actor_username, user_agent,
                request_id, action, object_type, object_id, object_repr, changes, reason,
                prev_hash, record_hash, chain_scheme)
            VALUES (now(), '', '', '', 'view', '', '', 'by the runtime role', '{}', '',
                repeat('0', 64), repeat('a', 64), 'hmac-sha256')
            RETURNING id
            """
        ).fetchone()
        read = runtime_connection.execute(
            "SELECT object_repr FROM portal_auditrecord WHERE id = %s", [record_id]
        ).fetchone()

    assert read == ("by the runtime role",)


def test_the_runtime_role_may_change_the_portals_other_tables(runtime_connection):
    with runtime_connection.transaction(force_rollback=True):
        updated = runtime_connection.execute(
            "UPDATE portal_orgunit SET name = name WHERE false"
        ).rowcount
        deleted = runtime_connection.execute("DELETE FROM django_session WHERE false").rowcount

    assert (updated, deleted) == (0, 0)


@contextmanager
def portal_as_runtime_role() -> Iterator[None]:
    """The portal's own connection, reconnected as the runtime role for a while."""
    user, password = runtime_credentials()
    settings_dict = connections["default"].settings_dict
    saved = settings_dict["USER"], settings_dict["PASSWORD"]
    connections["default"].close()
    settings_dict.update(USER=user, PASSWORD=password)
    try:
        yield
    finally:
        connections["default"].close()
        settings_dict.update(USER=saved[0], PASSWORD=saved[1])


@pytest.mark.django_db(transaction=True)
def test_the_portal_signs_in_logs_a_violation_and_audits_as_the_runtime_role(client):
    from cases.models import ViolationCategory
    from cases.services.violations import ViolationInput, violation_create

    runtime_user, _password = runtime_credentials()
    with portal_as_runtime_role():
        assert connection.cursor().connection.info.user == runtime_user
        officer = cast(
            User, UserFactory(username="officer_rt", org_unit=OrgUnitFactory(), roles=["officer"])
        )
        signed_in = client.post(
            reverse("portal:login"), {"username": "officer_rt", "password": PASSWORD}
        )
        violation, _created = violation_create(
            actor=officer,
            data=ViolationInput(
                occurred_at=timezone.now() - timedelta(hours=1),
                category=ViolationCategory.objects.get(code="tobacco"),
                location=Point(25.6536, 54.5395, srid=4326),
                location_accuracy_m=8,
                location_source="gps",
                place_description="Medininkai, lorry lane 3",
                details={"transport_mode": "road", "product_type": "cigarettes"},
            ),
        )
        out = io.StringIO()
        call_command("verify_audit", stdout=out)
        with (
            pytest.raises(ProgrammingError, match="permission denied"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE portal_auditrecord SET reason = 'rewritten'")

    assert signed_in.status_code == 302
    audited = set(AuditRecord.objects.values_list("action", "object_type"))
    assert (AuditAction.LOGIN, "portal.user") in audited
    assert (AuditAction.CREATE, "cases.violation") in audited
    assert violation.pk is not None
    assert "Audit chain intact" in out.getvalue()
