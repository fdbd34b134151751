"""The import's lookups keep to the indexes made for them however large the batch: a
plan that scans grows with the registry, which a test on a small table never shows in
its time, only in its plan."""

import pytest
from django.db import connection

from cases.models import Entity
from cases.services.imports.write import keyed_entities
from tests.cases.registry_support import registry_generated

pytestmark = pytest.mark.django_db


def test_a_batch_of_hundreds_of_identifiers_is_found_by_the_unique_index_on_them() -> None:
    # A registry of 40,000 vehicles, AA10000 to AA49999.
    registry_generated(kind="Vehicle", label="AA", key="LT:AA", first=10000)
    # Over 100 values: PostgreSQL then no longer proves by itself that the list implies
    # the unique index's condition (key <> '').
    wanted = {("Vehicle", f"LT:AA{number}") for number in range(20000, 20500)}
    plan = keyed_entities(wanted).explain()
    assert "entity_unique_key_per_kind" in plan, plan
    assert "entity_key_trgm" not in plan, plan
    assert {(entity.kind, entity.key) for entity in keyed_entities(wanted)} == wanted


def test_an_entity_written_after_its_relations_counts_them_as_it_is_inserted(analyst) -> None:
    """The import writes a batch's relations before their new entities (cases 0021): the
    entity's count comes from the relations already there, and a relation added later
    still adds to it (0016)."""
    from cases.models import Relation
    from portal.lib.bulk_copy import copy_create, ids_assign

    known = Entity.objects.create(kind="Company", label="Known UAB")
    person = Entity(kind="Person", label="Ona Ąžuolienė")
    truck = Entity(kind="Vehicle", key="LT:ABC123", label="ABC123")
    ids_assign([person, truck])
    copy_create(
        [
            Relation(source=person, target=known, kind="Employment"),
            Relation(source=known, target=truck, kind="Ownership"),
            Relation(source=person, target=person, kind="UnknownLink"),  # to itself: 2
        ]
    )
    copy_create([person, truck])
    Relation.objects.create(source=person, target=truck, kind="UnknownLink")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.id, e.relation_count,"
            " (SELECT count(*) FROM cases_relation r WHERE r.source_id = e.id)"
            " + (SELECT count(*) FROM cases_relation r WHERE r.target_id = e.id)"
            " FROM cases_entity e"
        )
        counts = {pk: (stored, actual) for pk, stored, actual in cursor.fetchall()}
    assert counts == {known.pk: (2, 2), person.pk: (4, 4), truck.pk: (2, 2)}
