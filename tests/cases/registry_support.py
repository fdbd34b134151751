"""A large registry for the tests that check a lookup's plan: on a table of a few rows
the planner takes any index (or none), so such a test asks its plan of tens of thousands
of analysed entities.

40,000 of them: at 20,000 vehicles, reading every vehicle through the index on kind cost
the planner about as much as 500 probes of the unique index on (kind, key), and on a
freshly created test database (``--create-db``, as `make test` runs) it took the former
(the import's plan test failed there, and passed on a database reused from earlier runs)."""

from django.db import connection


def registry_generated(*, kind: str, label: str, key: str = "", first: int = 1) -> None:
    """40,000 entities of ``kind`` in one statement (bulk_create would take seconds),
    numbered from ``first``: labelled ``label`` followed by their number, keyed ``key``
    followed by it (no key when ``key`` is empty). Then the table is analysed and
    sequential scans are off for the rest of the test's transaction, so that the plan
    shows which index a lookup can use."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_entity (kind, label, key, properties, ftm_extra, provenance,"
            " identifiers, name_codes, created_at, updated_at)"
            " SELECT %(kind)s, %(label)s || n,"
            " CASE WHEN %(key)s = '' THEN '' ELSE %(key)s || n END,"
            " '{}', '{}', '', '{}', '{}', now(), now()"
            " FROM generate_series(%(first)s, %(first)s + 39999) AS n",
            {"kind": kind, "label": label, "key": key, "first": first},
        )
        cursor.execute("ANALYZE cases_entity")
        cursor.execute("SET LOCAL enable_seqscan = off")
