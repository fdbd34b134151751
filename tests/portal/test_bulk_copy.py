"""portal/lib/bulk_copy.py: rows written by COPY are the rows bulk_create would write."""

import pytest
from django.db import IntegrityError, transaction

from cases.models import Entity, Relation
from portal.lib.bulk_copy import copy_create, ids_reserve


@pytest.mark.django_db
def test_copied_entities_have_their_keys_defaults_and_json_as_saved(analyst) -> None:
    entities = [
        Entity(
            kind="Person",
            label=f"Jonas Petraitis {index}",
            properties={"birthDate": ["1980-01-0" + str(index + 1)], "name": ["Jonas"]},
            name_codes=["JNS", "PTRT"],
            created_by=analyst,
        )
        for index in range(3)
    ]
    copy_create(entities)
    assert all(entity.pk for entity in entities)
    assert len({entity.pk for entity in entities}) == 3
    ids = [entity.pk for entity in entities]
    stored = {entity.pk: entity for entity in Entity.objects.filter(pk__in=ids)}
    for entity in entities:
        again = stored[entity.pk]
        assert again.label == entity.label
        assert again.properties == entity.properties
        assert again.name_codes == ["JNS", "PTRT"]
        assert again.identifiers == []
        assert again.ftm_extra == {}
        assert again.created_by_id == analyst.pk
        assert again.created_at is not None
        assert again.created_at == entity.created_at
        assert again.updated_at is not None
    # The objects are saved ones: a later save updates, never inserts again.
    entities[0].label = "Jonas Petraitis"
    entities[0].save(update_fields=["label"])
    assert Entity.objects.filter(label__startswith="Jonas Petraitis").count() == 3


@pytest.mark.django_db
def test_copied_rows_fire_the_tables_triggers(analyst) -> None:
    """COPY fires the relation count's statement trigger as an INSERT does."""
    left, right = Entity(kind="Person", label="A"), Entity(kind="Company", label="B")
    copy_create([left, right])
    copy_create([Relation(source=left, target=right, kind="Directorship")])
    counts = dict(
        Entity.objects.filter(pk__in=[left.pk, right.pk])
        .extra(select={"n": "relation_count"})  # a column outside the model (cases 0016)
        .values_list("pk", "n")
    )
    assert counts == {left.pk: 1, right.pk: 1}


@pytest.mark.django_db
def test_a_copied_row_breaking_a_constraint_writes_nothing(analyst) -> None:
    Entity.objects.create(kind="Vehicle", key="LT:ABC123", label="ABC123")
    fresh = Entity(kind="Vehicle", key="LT:XYZ999", label="XYZ999")
    clash = Entity(kind="Vehicle", key="LT:ABC123", label="ABC123 again")
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_create([fresh, clash])
    assert not Entity.objects.filter(key="LT:XYZ999").exists()


@pytest.mark.django_db
def test_reserved_keys_are_new_and_never_given_again() -> None:
    first = ids_reserve(Entity, 5)
    assert len(set(first)) == 5
    assert ids_reserve(Entity, 0) == []
    made = Entity.objects.create(kind="Person", label="After")
    assert made.pk > max(first)
    assert not set(ids_reserve(Entity, 3)) & set(first)
