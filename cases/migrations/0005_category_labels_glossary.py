"""The seeded category labels follow the glossary (docs/glossary.md): "Detection method"
is „Aptikimo būdas", IPR is „INT", and the CITES specimen choices say what they are.
Only labels still as seeded change: an administrator's own wording stays."""

from django.db import migrations

FIELD_LABELS_LT = {"detection_method": ("Nustatymo būdas", "Aptikimo būdas")}
CATEGORY_NAMES_LT = {"counterfeit_ipr": ("Padirbtos prekės / IN teisės", "Padirbtos prekės / INT")}
CHOICES = {
    ("cites", "specimen_type"): {
        "live": (["Live", "Gyvas"], ["Live animal or plant", "Gyvas gyvūnas ar augalas"]),
        "dead": (["Dead", "Negyvas"], ["Dead animal or plant", "Negyvas gyvūnas ar augalas"]),
    }
}


def _field_relabel(code, definition):
    changed = False
    old_new = FIELD_LABELS_LT.get(definition.get("name"))
    if old_new and definition.get("label_lt") == old_new[0]:
        definition["label_lt"] = old_new[1]
        changed = True
    renames = CHOICES.get((code, definition.get("name")), {})
    for choice in definition.get("choices") or []:
        old_new_choice = renames.get(choice[0])
        if old_new_choice and list(choice[1:]) == old_new_choice[0]:
            choice[1:] = old_new_choice[1]
            changed = True
    return changed


def relabel(apps, schema_editor):
    category_model = apps.get_model("cases", "ViolationCategory")
    for category in category_model.objects.all():
        changed = False
        for definition in category.field_definitions or []:
            changed = _field_relabel(category.code, definition) or changed
        old_new = CATEGORY_NAMES_LT.get(category.code)
        if old_new and category.name_lt == old_new[0]:
            category.name_lt = old_new[1]
            changed = True
        if changed:
            category.save(update_fields=["field_definitions", "name_lt"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_violation_map_grid")]

    operations = [migrations.RunPython(relabel, migrations.RunPython.noop)]
