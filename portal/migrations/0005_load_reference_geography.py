"""Load the reference geography from portal/data/ (see portal/services/geo.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from portal.services.geo import load_reference_geography

    load_reference_geography(
        area_model=apps.get_model("portal", "ReferenceArea"),
        border_model=apps.get_model("portal", "BorderLine"),
        crossing_model=apps.get_model("portal", "CrossingPoint"),
    )


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_reference_geography")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
