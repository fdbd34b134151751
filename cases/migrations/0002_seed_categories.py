"""The seeded violation categories (DESIGN.md), with their CEN-aligned fields."""

from django.db import migrations


def seed(apps, schema_editor):
    from cases.category_fields import category_definitions

    category_model = apps.get_model("cases", "ViolationCategory")
    for row in category_definitions():
        category_model.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
