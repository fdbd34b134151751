"""Each entity's count of relations (both ends; a relation to itself counts twice, as
the counted badges do), kept by the database: the link chart's badges read it off the
entity instead of counting relations in two indexes for every entity of an answer
(docs/benchmarks.md: at 5M relations that was two thirds of a 2-hop expansion, two
random index pages per entity shown).

The column lives outside Django's model on purpose: it is written only by the
statement-level triggers below (insert, delete, and updates that move a relation's
ends), so that no write path can leave it stale and no ``save()`` of an entity loaded
earlier can write an old count back. The triggers lock the entities they change in id
order first, so that two writers of relations sharing entities cannot deadlock. TRUNCATE
fires no trigger: whoever empties cases_relation without cases_entity (nothing does)
would have to count again (``COUNT_SQL``). ``entity_graph_node`` is replaced by an index
that also carries the count, so the nodes of an answer stay an index-only scan.
"""

from django.db import migrations

COUNT_SQL = """
UPDATE cases_entity e SET relation_count = d.n
FROM (SELECT x.id, count(*) AS n FROM (
        SELECT source_id AS id FROM cases_relation
        UNION ALL SELECT target_id FROM cases_relation) x
      GROUP BY x.id) d
WHERE d.id = e.id AND e.relation_count <> d.n
"""

# (entity id, change of its count) of the statement's rows; new_rows and old_rows are the
# transition tables of the triggers below.
_DELTAS = {
    "INSERT": "SELECT source_id AS id, 1 AS n FROM new_rows"
    " UNION ALL SELECT target_id, 1 FROM new_rows",
    "DELETE": "SELECT source_id AS id, -1 AS n FROM old_rows"
    " UNION ALL SELECT target_id, -1 FROM old_rows",
    "UPDATE": "SELECT source_id AS id, 1 AS n FROM new_rows"
    " UNION ALL SELECT target_id, 1 FROM new_rows"
    " UNION ALL SELECT source_id, -1 FROM old_rows"
    " UNION ALL SELECT target_id, -1 FROM old_rows",
}


def _function(event: str) -> str:
    changes = (
        f"SELECT x.id, sum(x.n)::integer AS n FROM ({_DELTAS[event]}) x"  # noqa: S608  constant SQL
        " GROUP BY x.id HAVING sum(x.n) <> 0"
    )
    return f"""
CREATE FUNCTION cases_relation_count_{event.lower()}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Locked in id order first: two writers of relations sharing entities never wait
    -- on each other in a cycle.
    PERFORM 1 FROM cases_entity e WHERE e.id IN (SELECT d.id FROM ({changes}) d)
        ORDER BY e.id FOR NO KEY UPDATE;
    UPDATE cases_entity e SET relation_count = e.relation_count + d.n
        FROM ({changes}) d WHERE e.id = d.id;
    RETURN NULL;
END
$$
"""  # noqa: S608  constant SQL


TRIGGERS = [
    ("cases_relation_count_insert", "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("cases_relation_count_delete", "DELETE", "REFERENCING OLD TABLE AS old_rows"),
    (
        "cases_relation_count_update",
        "UPDATE",
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    ),
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_address_links")]

    operations = [
        migrations.RunSQL(
            sql="ALTER TABLE cases_entity ADD COLUMN relation_count integer NOT NULL DEFAULT 0",
            reverse_sql="ALTER TABLE cases_entity DROP COLUMN relation_count",
        ),
        migrations.RunSQL(sql=COUNT_SQL, reverse_sql=migrations.RunSQL.noop),
        *(
            migrations.RunSQL(
                sql=_function(event),
                reverse_sql=f"DROP FUNCTION IF EXISTS cases_relation_count_{event.lower()}()",
            )
            for _name, event, _transition in TRIGGERS
        ),
        *(
            migrations.RunSQL(
                sql=f"CREATE TRIGGER {name} AFTER {event} ON cases_relation {transition}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION cases_relation_count_{event.lower()}()",
                reverse_sql=f"DROP TRIGGER IF EXISTS {name} ON cases_relation",
            )
            for name, event, transition in TRIGGERS
        ),
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS entity_graph_node_v2 ON cases_entity"
            " (id) INCLUDE (kind, label, key, relation_count)",
            reverse_sql="DROP INDEX IF EXISTS entity_graph_node_v2",
        ),
        migrations.RunSQL(
            sql="DROP INDEX IF EXISTS entity_graph_node",
            reverse_sql="CREATE INDEX IF NOT EXISTS entity_graph_node ON cases_entity"
            " (id) INCLUDE (kind, label, key)",
        ),
    ]
