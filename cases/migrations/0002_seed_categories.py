"""The seeded violation categories (DESIGN.md), with their CEN-aligned fields."""

from django.db import migrations


def seed(apps, schema_editor):
    from cases.services.categories import seed_categories

    seed_categories(apps.get_model("cases", "ViolationCategory"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
