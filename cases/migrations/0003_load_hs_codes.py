"""Load the Harmonized System nomenclature from cases/data/ (see cases/services/goods.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from cases.services.goods import load_hs_codes

    load_hs_codes(hs_model=apps.get_model("cases", "HSCode"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_seed_categories")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
