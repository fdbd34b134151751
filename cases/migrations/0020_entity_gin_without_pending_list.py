# Resolution's GIN indexes without fastupdate (cases/models/entities.py says why): set in
# place, and the pending list already there merged into each index, rather than the
# indexes built again.

import django.contrib.postgres.indexes
from django.db import migrations

_INDEXES = ("entity_name_codes", "entity_identifiers")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_entity_birth_dates"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="entity", name="entity_name_codes"),
                migrations.RemoveIndex(model_name="entity", name="entity_identifiers"),
                migrations.AddIndex(
                    model_name="entity",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fastupdate=False, fields=["name_codes"], name="entity_name_codes"
                    ),
                ),
                migrations.AddIndex(
                    model_name="entity",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fastupdate=False, fields=["identifiers"], name="entity_identifiers"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=[
                        sql
                        for name in _INDEXES
                        for sql in (
                            f"ALTER INDEX {name} SET (fastupdate = off)",
                            f"SELECT gin_clean_pending_list('{name}'::regclass)",
                        )
                    ],
                    reverse_sql=[f"ALTER INDEX {name} RESET (fastupdate)" for name in _INDEXES],
                ),
            ],
        ),
    ]
