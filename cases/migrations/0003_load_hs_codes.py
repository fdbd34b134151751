"""Load the Harmonized System nomenclature from cases/data/ (see cases/reference_data.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from cases.reference_data import load_hs_codes

    load_hs_codes(hs_model=apps.get_model("cases", "HSCode"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_seed_categories")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
