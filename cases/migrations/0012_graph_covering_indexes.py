"""Covering indexes of the link-analysis queries (cases/selectors/graph.py), after
EXPLAIN (ANALYZE, BUFFERS) of a 2-hop expansion around hubs at 5M relations
(docs/benchmarks.md): its time went to heap pages, one per relation shown (its dates)
and one per entity shown (its kind, label and key), read at random across tables of
millions of rows.

- relation_source_graph and relation_target_graph (0009) now also carry the validity
  dates: a node's first relations in the stated order, their far ends, kinds and dates,
  and the period filter are read off the index alone (index-only scans);
- entity_graph_node: an entity's kind, label and key by id, so that the nodes of an
  answer are an index-only scan too.

Plain SQL because the models are not this module's to change (see 0009); Django's state
is unchanged. The old indexes go once the new ones exist, so the queries always have one.
"""

from django.db import migrations

INDEXES = {
    "relation_source_graph_v2": (
        "cases_relation",
        "source_id, confidence DESC, id DESC) INCLUDE (target_id, kind, valid_from, valid_to",
    ),
    "relation_target_graph_v2": (
        "cases_relation",
        "target_id, confidence DESC, id DESC) INCLUDE (source_id, kind, valid_from, valid_to",
    ),
    "entity_graph_node": ("cases_entity", "id) INCLUDE (kind, label, key"),
}
REPLACED = {
    "relation_source_graph": "source_id, confidence DESC, id DESC) INCLUDE (target_id, kind",
    "relation_target_graph": "target_id, confidence DESC, id DESC) INCLUDE (source_id, kind",
}


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_case_chart_layout")]

    operations = [
        *(
            migrations.RunSQL(
                sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
                reverse_sql=f"DROP INDEX IF EXISTS {name}",
            )
            for name, (table, columns) in INDEXES.items()
        ),
        *(
            migrations.RunSQL(
                sql=f"DROP INDEX IF EXISTS {name}",
                reverse_sql=f"CREATE INDEX IF NOT EXISTS {name} ON cases_relation ({columns})",
            )
            for name, columns in REPLACED.items()
        ),
    ]
