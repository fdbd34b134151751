"""The addresses entities already in the registry name (FtM Thing:addressEntity) as
relations of the portal's own kind ``has_address``, as the FtM import now makes them,
so that the link chart shows them and pivots on a shared address. One statement; a
link already there is left as it is."""

from django.db import migrations

FORWARD = """
INSERT INTO cases_relation
    (source_id, target_id, kind, valid_from, valid_to, confidence, provenance,
     provenance_kind, ftm_id, properties, ftm_extra, created_by_id, created_at)
SELECT DISTINCT e.id, a.id, 'has_address', NULL::date, NULL::date, 100,
       left('addressEntity of ' || coalesce(e.provenance, ''), 300), 'import', NULL,
       '{}'::jsonb, '{}'::jsonb, NULL::bigint, now()
FROM cases_entity e
CROSS JOIN LATERAL jsonb_array_elements_text(
    CASE WHEN jsonb_typeof(e.properties -> 'addressEntity') = 'array'
         THEN e.properties -> 'addressEntity' ELSE '[]'::jsonb END
) AS named(ftm_id)
JOIN cases_entity a ON a.ftm_id = named.ftm_id AND a.kind = 'Address' AND a.id <> e.id
ON CONFLICT DO NOTHING
"""

BACKWARD = "DELETE FROM cases_relation WHERE kind = 'has_address' AND ftm_id IS NULL"


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_data_imports"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
