"""An entity written after its relations counts them itself (migration 0016 keeps the
count on the relations' side).

An import's batch wrote its new entities, then their relations, whose statement trigger
then updated every new entity once more for its count: a second version of each row,
with an entry in each of the entity's fifteen indexes (the count is in the graph node
index, so the update is never HOT). With this trigger the batch writes its relations
first (their foreign keys are checked at commit), the relation trigger finds none of the
new entities to update, and each entity is written once, its count read from the two
relation indexes as it is inserted. Any other order of writes keeps the count right as
before: a relation inserted after its entities still updates them.
"""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION cases_entity_relation_count_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.relation_count :=
        (SELECT count(*) FROM cases_relation r WHERE r.source_id = NEW.id)
        + (SELECT count(*) FROM cases_relation r WHERE r.target_id = NEW.id);
    RETURN NEW;
END
$$
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0020_entity_gin_without_pending_list")]

    operations = [
        migrations.RunSQL(
            sql=FUNCTION,
            reverse_sql="DROP FUNCTION IF EXISTS cases_entity_relation_count_on_insert()",
        ),
        migrations.RunSQL(
            sql="CREATE TRIGGER cases_entity_relation_count_on_insert BEFORE INSERT"
            " ON cases_entity FOR EACH ROW"
            " EXECUTE FUNCTION cases_entity_relation_count_on_insert()",
            reverse_sql="DROP TRIGGER IF EXISTS cases_entity_relation_count_on_insert"
            " ON cases_entity",
        ),
    ]
