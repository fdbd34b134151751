"""The seeded category labels come from the Lithuanian catalogue (one glossary for
all), and installations seeded before the glossary get its words where nobody edited
them."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from cases.lib.category_fields import category_definitions
from cases.models import ViolationCategory

pytestmark = pytest.mark.django_db

glossary_migration = importlib.import_module("cases.migrations.0005_category_labels_glossary")

# Words that read the same in both languages.
SAME_IN_BOTH = {"CITES", "I", "II", "III"}  # CITES and its appendices


def _labels() -> list[tuple[str, str]]:
    pairs = []
    for row in category_definitions():
        pairs.append((row["name_en"], row["name_lt"]))
        for definition in row["field_definitions"]:
            pairs.append((definition["label_en"], definition["label_lt"]))
            pairs.extend((choice[1], choice[2]) for choice in definition.get("choices", []))
    return pairs


def test_every_seeded_label_has_its_lithuanian_from_the_catalogue():
    untranslated = sorted(
        {english for english, lithuanian in _labels() if english == lithuanian} - SAME_IN_BOTH
    )
    assert untranslated == []
    with translation.override("lt"):
        assert all(translation.gettext(english) == lt for english, lt in _labels())


def test_the_glossary_words_are_used():
    tobacco = next(row for row in category_definitions() if row["code"] == "tobacco")
    by_name = {definition["name"]: definition for definition in tobacco["field_definitions"]}
    assert by_name["detection_method"]["label_lt"] == "Aptikimo būdas"
    assert by_name["packs"]["label_lt"] == "Pakeliai"
    ipr = next(row for row in category_definitions() if row["code"] == "counterfeit_ipr")
    assert ipr["name_lt"] == "Padirbtos prekės / INT"


def _as_seeded_before(category: ViolationCategory) -> None:
    for definition in category.field_definitions:
        if definition["name"] == "detection_method":
            definition["label_lt"] = "Nustatymo būdas"


def test_labels_seeded_before_the_glossary_get_its_words():
    cites = ViolationCategory.objects.get(code="cites")
    _as_seeded_before(cites)
    for definition in cites.field_definitions:
        if definition["name"] == "specimen_type":
            definition["choices"][0] = ["live", "Live", "Gyvas"]
    cites.save()
    ipr = ViolationCategory.objects.get(code="counterfeit_ipr")
    ipr.name_lt = "Padirbtos prekės / IN teisės"
    ipr.save()

    glossary_migration.relabel(apps, None)

    cites.refresh_from_db()
    labels = {definition["name"]: definition for definition in cites.field_definitions}
    assert labels["detection_method"]["label_lt"] == "Aptikimo būdas"
    assert labels["specimen_type"]["choices"][0] == [
        "live",
        "Live animal or plant",
        "Gyvas gyvūnas ar augalas",
    ]
    ipr.refresh_from_db()
    assert ipr.name_lt == "Padirbtos prekės / INT"


def test_an_administrators_own_wording_stays():
    fuel = ViolationCategory.objects.get(code="fuel")
    for definition in fuel.field_definitions:
        if definition["name"] == "detection_method":
            definition["label_lt"] = "Kaip rasta"
    fuel.save()

    glossary_migration.relabel(apps, None)

    fuel.refresh_from_db()
    labels = {definition["name"]: definition["label_lt"] for definition in fuel.field_definitions}
    assert labels["detection_method"] == "Kaip rasta"
