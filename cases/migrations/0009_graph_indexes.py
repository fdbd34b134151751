"""Indexes of the link-analysis queries (cases/selectors/graph.py): a node's relations
in the stated order of a capped expansion (confidence, then most recently recorded) from
either end, so that the first N relations of a hub are read off the index, and its count
is an index-only scan (target/source and kind included for the far end and the filter).

Plain SQL because the model (cases/models/entities.py) is not this module's to change;
the indexes are the database's business only, Django's state is unchanged."""

from django.db import migrations

INDEXES = {
    "relation_source_graph": "source_id, confidence DESC, id DESC) INCLUDE (target_id, kind",
    "relation_target_graph": "target_id, confidence DESC, id DESC) INCLUDE (source_id, kind",
}


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_ftm_registry")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON cases_relation ({columns})",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, columns in INDEXES.items()
    ]
