"""What every test may count on finding in the database, put back in milliseconds after the
flush that ends each transactional test (browser, worker).

Django's flush empties every table and then sends post_migrate, whose receivers rebuild
the content types, the permissions and the role groups one query at a time: about 2 s
per test on our two cores, for some 400 browser and worker tests. Instead, the rows
those receivers and the reference-data migrations leave are copied once per session
into a schema of the test database, and copied back with one INSERT ... SELECT per
table right after each flush, with the same primary keys (so cached content types stay
right). Django's foreign keys are deferred, so the order of the tables does not matter
inside the transaction.
"""

from collections.abc import Iterable

from django.core.management import call_command
from django.db import connections, transaction
from django.db.models import Model

SCHEMA = "test_snapshot"

# What post_migrate writes (django.contrib.contenttypes, django.contrib.auth and the
# portal's role groups, portal/roles.py role_permissions_sync).
POST_MIGRATE_TABLES = (
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
)


def snapshot_tables(reference_models: Iterable[type[Model]]) -> list[str]:
    """The post_migrate tables and those of the reference models (with their own
    many-to-many tables)."""
    tables = list(POST_MIGRATE_TABLES)
    for model in reference_models:
        tables.append(model._meta.db_table)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through is not None and through._meta.auto_created:
                tables.append(through._meta.db_table)
    return tables


def _insertable_columns(cursor, table: str) -> list[str]:
    """Columns an INSERT may name: not the generated ones (search vectors)."""
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s AND is_generated = 'NEVER' "
        "ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


# Each table's INSERT ... SELECT, written once by snapshot_take.
_RESTORE_STATEMENTS: list[str] = []


def snapshot_take(tables: list[str], using: str = "default") -> None:
    """Copy the tables' rows as they are now (right after migrate) into SCHEMA."""
    connection = connections[using]
    quote = connection.ops.quote_name
    _RESTORE_STATEMENTS.clear()
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        for table in tables:
            cursor.execute(f"CREATE TABLE {SCHEMA}.{quote(table)} AS TABLE {quote(table)}")
            columns = ", ".join(quote(column) for column in _insertable_columns(cursor, table))
            _RESTORE_STATEMENTS.append(
                f"INSERT INTO {quote(table)} ({columns}) "  # noqa: S608 (our table names)
                f"SELECT {columns} FROM {SCHEMA}.{quote(table)}"
            )


def snapshot_restore(using: str = "default") -> None:
    """Put the snapshot's rows back into the (emptied) tables."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        for statement in _RESTORE_STATEMENTS:
            cursor.execute(statement)


def flush_and_restore(databases: Iterable[str]) -> None:
    """TransactionTestCase's end of test: flush without post_migrate, then the snapshot."""
    for using in databases:
        call_command(
            "flush",
            verbosity=0,
            interactive=False,
            database=using,
            reset_sequences=False,
            allow_cascade=False,
            inhibit_post_migrate=True,
        )
        if using == "default":
            snapshot_restore(using)
