"""The audit table refuses UPDATE and DELETE at the database level, and the four role
groups exist from the start (their permissions are synced after every migrate)."""

from django.db import migrations

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION portal_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'portal_auditrecord is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER portal_audit_append_only
    BEFORE UPDATE OR DELETE ON portal_auditrecord
    FOR EACH ROW EXECUTE FUNCTION portal_audit_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS portal_audit_append_only ON portal_auditrecord;
DROP FUNCTION IF EXISTS portal_audit_append_only();
"""

ROLES = ["officer", "dispatcher", "analyst", "administrator"]


def create_role_groups(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for name in ROLES:
        group_model.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL(APPEND_ONLY_SQL, DROP_SQL),
        migrations.RunPython(create_role_groups, migrations.RunPython.noop),
    ]
