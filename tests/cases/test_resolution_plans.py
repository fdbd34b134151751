"""Resolution's candidate search keeps to the indexes made for it: a plan that reads
every namesake's row grows with the registry, which a test on a small table never shows
in its time, only in its plan."""

import pytest
from django.db import connection

from cases.lib.matching import KEYED_KINDS, SCORED_PROPERTIES, comparable_kinds
from cases.services.resolution import _CANDIDATES_SQL, CANDIDATES_PER_ENTITY

pytestmark = pytest.mark.django_db


def test_a_person_born_on_a_known_day_reads_only_undated_namesakes_by_their_index() -> None:
    with connection.cursor() as cursor:
        # 40,000 people of two name sounds, each born on a day but 40 whose day is not
        # known; in one statement (bulk_create would take seconds).
        cursor.execute(
            "INSERT INTO cases_entity (kind, label, key, properties, ftm_extra, provenance,"
            " identifiers, name_codes, created_at, updated_at)"
            " SELECT 'Person', 'Jonas Simkus', '',"
            " CASE WHEN n % 1000 = 1 THEN '{}'::jsonb ELSE jsonb_build_object("
            "   'birthDate', jsonb_build_array(to_char(date '1940-01-01' + n, 'YYYY-MM-DD')))"
            " END, '{}', '', '{}', '{J520,S520}', now(), now()"
            " FROM generate_series(1, 40000) AS n RETURNING id"
        )
        newest = max(row[0] for row in cursor.fetchall())
        cursor.execute("ANALYZE cases_entity")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN " + _CANDIDATES_SQL,
            {
                "ids": [newest],
                "parties": comparable_kinds("Company"),
                "limit": CANDIDATES_PER_ENTITY,
                "scored": list(SCORED_PROPERTIES),
                "keyed": sorted(KEYED_KINDS),
            },
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "entity_undated_person_codes" in plan, plan
