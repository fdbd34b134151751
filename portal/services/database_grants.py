"""The runtime role's rights, kept right after every migrate (post_migrate, portal/apps.py).

Migrations run as the owner role; the portal runs as DATABASE_RUNTIME_ROLE. That role
gets ordinary DML on every table of the schema, now and (default privileges) on tables
later migrations create, but on the audit table only INSERT and SELECT: no UPDATE,
DELETE or TRUNCATE, and, not being the owner, no ALTER TABLE (so no DISABLE TRIGGER).
docs/operations.md ("Audit trail integrity") gives the same statements for by hand.
"""

from django.conf import settings
from django.db import connections
from psycopg import sql

from portal.models import AuditRecord

TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_RIGHTS = "USAGE, SELECT"


def runtime_grants_statements(*, role: str, schema: str = "public") -> list[sql.Composable]:
    names = {
        "role": sql.Identifier(role),
        "schema": sql.Identifier(schema),
        "audit": sql.Identifier(AuditRecord._meta.db_table),
        "table_rights": sql.SQL(TABLE_RIGHTS),
        "sequence_rights": sql.SQL(SEQUENCE_RIGHTS),
    }
    statements = [
        "GRANT USAGE ON SCHEMA {schema} TO {role}",
        "GRANT {table_rights} ON ALL TABLES IN SCHEMA {schema} TO {role}",
        "GRANT {sequence_rights} ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        # Tables and sequences that later migrations create (as this same owner role).
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {table_rights} ON TABLES TO {role}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        "GRANT {sequence_rights} ON SEQUENCES TO {role}",
        # Last: whatever the lines above (or anyone before) granted on the audit table.
        "REVOKE ALL ON {audit} FROM {role}",
        "GRANT SELECT, INSERT ON {audit} TO {role}",
    ]
    return [sql.SQL(statement).format(**names) for statement in statements]


def runtime_grants_sync(*, using: str = "default") -> bool:
    """Grant the runtime role its rights; False when no runtime role is configured."""
    role = settings.DATABASE_RUNTIME_ROLE
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        for statement in runtime_grants_statements(role=role):
            cursor.execute(statement)
    return True
