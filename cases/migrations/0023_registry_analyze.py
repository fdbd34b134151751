"""``cases_registry_analyze()``: the planner's statistics of the tables an import fills,
refreshed on the import's behalf.

An import grows the registry from a few rows to millions inside one job. Without fresh
statistics the planner keeps the plans of an empty table: the relation count triggers'
plans (0016, cached by the worker's connection for its life) read every entity twice a
batch, and the relations' lookup every relation. On the 1,000,000-row benchmark one
ANALYZE at 300,000 rows took the write pass from 158 to 400 rows/s (docs/benchmarks.md
"Imports"). autovacuum would do it in time on most servers, but not always (it is off
on some, and a running import's cached plans wait for it), and only a table's owner may
ANALYZE it: the portal's runtime role calls this function, which runs as its owner.
It does nothing but gather statistics, so it keeps PostgreSQL's default EXECUTE for
every role that may connect (the portal's two).
"""

from django.db import migrations

TABLES = "cases_entity, cases_relation, cases_importedrecord, cases_searchentry"

CREATE = f"""
CREATE FUNCTION cases_registry_analyze() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
-- Another ANALYZE or VACUUM of these tables (a second import's, autovacuum's) holds them:
-- give up rather than wait; the import gathers them at its next doubling.
SET lock_timeout = '5s' AS $$
BEGIN
    ANALYZE {TABLES};
END
$$
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0022_entity_undated_person_codes")]

    operations = [
        migrations.RunSQL(
            sql=CREATE, reverse_sql="DROP FUNCTION IF EXISTS cases_registry_analyze()"
        ),
    ]
