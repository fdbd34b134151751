"""Many new rows of a model written with PostgreSQL's COPY instead of an INSERT.

``bulk_create`` builds one INSERT of every row's every value: for a batch of an import
(thousands of entities, relations and provenance records) Django spent more time
compiling and psycopg splitting that statement than the database spent writing it
(docs/benchmarks.md "Imports"). COPY sends the rows as a stream, with no statement to
build. The primary keys are taken from the table's own sequence first, so the objects
have them as after ``bulk_create``, and the rows keep every constraint, index and
trigger of an INSERT (COPY fires them too).
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from psycopg import sql

# Taken from the sequence in one statement; an identity column has one too.
_RESERVE = "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)"


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys of ``model``'s table, never given out again."""
    if count <= 0:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(_RESERVE, [meta.db_table, meta.pk.column, count])
        return [row[0] for row in cursor.fetchall()]


def ids_assign(objects: Sequence[models.Model]) -> None:
    """Give the objects without a primary key one from their table's sequence, before
    they are written: rows that refer to them can then be written first (a foreign key
    checked at commit)."""
    without = [obj for obj in objects if obj.pk is None]
    if without:
        for obj, pk in zip(without, ids_reserve(type(without[0]), len(without)), strict=True):
            obj.pk = pk


def _preparer(field: models.Field) -> Callable[[models.Model], Any]:
    """How a field's value of an object becomes what COPY is given. Only JSON and the
    fields that fill themselves in (``auto_now``) need Django's preparation; the others'
    values go as they are, which spares a call through every field of every row."""
    if (
        isinstance(field, models.JSONField)
        or getattr(field, "auto_now", False)
        or getattr(field, "auto_now_add", False)
    ):
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
    attname = field.attname
    return lambda obj: getattr(obj, attname)


def copy_create(objects: Sequence[models.Model]) -> None:
    """Write ``objects`` (new, of one model, not yet saved) as ``bulk_create`` would:
    defaults and ``auto_now`` filled in, primary keys set on those without one
    (``ids_assign``). In the caller's
    transaction: the rows commit or vanish with it."""
    if not objects:
        return
    ids_assign(objects)
    meta = type(objects[0])._meta
    fields = [field for field in meta.concrete_fields if not field.generated]
    prepare = [_preparer(field) for field in fields]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(meta.db_table),
        sql.SQL(", ").join(sql.Identifier(field.column) for field in fields),
    )
    # Django's error classes (IntegrityError, OperationalError...), as for any query:
    # the job core tells a transient failure from a lasting one by them.
    with (
        connection.wrap_database_errors,
        connection.cursor() as wrapper,
        wrapper.cursor.copy(statement) as copy,
    ):
        for obj in objects:
            copy.write_row([to_db(obj) for to_db in prepare])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
