"""The import's lookups keep to the indexes made for them however large the batch: a
plan that scans grows with the registry, which a test on a small table never shows in
its time, only in its plan."""

import pytest
from django.db import connection

from cases.models import Entity
from cases.services.imports.write import keyed_entities

pytestmark = pytest.mark.django_db


def test_a_batch_of_hundreds_of_identifiers_is_found_by_the_unique_index_on_them() -> None:
    with connection.cursor() as cursor:
        # A registry of 20,000 vehicles, in one statement (bulk_create would take seconds).
        cursor.execute(
            "INSERT INTO cases_entity (kind, label, key, properties, ftm_extra, provenance,"
            " identifiers, name_codes, created_at, updated_at)"
            " SELECT 'Vehicle', 'AA' || n, 'LT:AA' || n, '{}', '{}', '', '{}', '{}', now(), now()"
            " FROM generate_series(10000, 29999) AS n"
        )
    # Over 100 values: PostgreSQL then no longer proves by itself that the list implies
    # the unique index's condition (key <> '').
    wanted = {("Vehicle", f"LT:AA{number}") for number in range(20000, 20500)}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_entity")
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = keyed_entities(wanted).explain()
    assert "entity_unique_key_per_kind" in plan, plan
    assert "entity_key_trgm" not in plan, plan
    assert {(entity.kind, entity.key) for entity in keyed_entities(wanted)} == wanted
