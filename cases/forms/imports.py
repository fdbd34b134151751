"""Forms of the import pages: the upload, and the mapping of a file's columns to
entities and relations. They check shape; the services check meaning."""

from functools import cache
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cases.lib.ftm import edge_schemata, ftm_model
from cases.lib.ftm_labels import gettext_ftm
from cases.models import EntityKind, ImportMapping

ENTITY_SLOTS = ["A", "B", "C", "D"]
RELATION_SLOTS = 3


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, XLSX, JSON, JSON lines, XML, GeoJSON or FtM entities (.ftm.json)."),
    )
    dataset = forms.CharField(
        label=_("Dataset name"),
        max_length=120,
        required=False,
        help_text=_("Shown as the provenance of every record; the file name when empty."),
    )


@cache
def _named_in_lithuanian() -> frozenset[str]:
    """The schemata whose label the portal translates (cases/lib/ftm_labels.py): the
    pages offer those; the API takes any schema of the model."""
    with translation.override("lt"):
        return frozenset(
            schema.name
            for schema in ftm_model().schemata.values()
            if gettext_ftm(schema.label) != schema.label
        )


def thing_schema_choices() -> list[tuple[str, str]]:
    """The registry's own kinds first, then the other concrete schemata of things."""
    own = [(value, str(label)) for value, label in EntityKind.choices]
    others = sorted(
        (schema.name, gettext_ftm(schema.label))
        for schema in ftm_model().schemata.values()
        if not schema.abstract
        and not schema.edge
        and schema.name not in dict(own)
        and schema.name in _named_in_lithuanian()
    )
    return [("", str(_("— not used —"))), *own, *others]


def property_names() -> list[str]:
    """Every property name of the registry's kinds, offered as the analyst types."""
    names: set[str] = set()
    for kind in EntityKind.values:
        schema = ftm_model().get(kind)
        if schema is not None:
            names.update(name for name, prop in schema.properties.items() if not prop.stub)
    return sorted(names)


class MappingForm(forms.Form):
    """Per column: the entity it goes to (A-D) and the FtM property; per entity its
    schema; up to three relations between the entities."""

    saved = forms.ModelChoiceField(
        label=_("Use a saved mapping"),
        queryset=ImportMapping.objects.all(),
        required=False,
        empty_label=_("— map the columns below —"),
    )
    save_as = forms.CharField(
        label=_("Save this mapping as"),
        max_length=120,
        required=False,
        help_text=_("A name to use the mapping again, here or from the API."),
    )
    valid_rows_only = forms.BooleanField(
        label=_("Import the valid rows"),
        required=False,
        help_text=_("Otherwise a file with any invalid row imports nothing."),
    )

    def __init__(
        self,
        *args: Any,
        columns: list[str],
        samples: dict[str, str] | None = None,
        encodings: list[tuple[str, str]],
        record_elements: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        self.samples = samples or {}
        if encodings:
            self.fields["encoding"] = forms.ChoiceField(label=_("Encoding"), choices=encodings)
        if record_elements:
            self.fields["record_element"] = forms.ChoiceField(
                label=_("XML element of one record"),
                choices=[(name, name) for name in record_elements],
            )
        schemata = thing_schema_choices()
        for slot in ENTITY_SLOTS:
            self.fields[f"schema_{slot}"] = forms.ChoiceField(
                label=_("Entity %(slot)s") % {"slot": slot}, choices=schemata, required=False
            )
        slots = [("", "—"), *((slot, slot) for slot in ENTITY_SLOTS)]
        for index, column in enumerate(columns):
            self.fields[f"target_{index}"] = forms.ChoiceField(
                label=_("Entity of “%(column)s”") % {"column": column},
                choices=slots,
                required=False,
            )
            self.fields[f"property_{index}"] = forms.CharField(
                label=_("Property of “%(column)s”") % {"column": column},
                max_length=60,
                required=False,
                widget=forms.TextInput(attrs={"list": "ftm-properties", "autocomplete": "off"}),
            )
        edges = [
            ("", _("— none —")),
            *sorted(
                (schema.name, gettext_ftm(schema.label))
                for schema in edge_schemata()
                if schema.name in _named_in_lithuanian()
            ),
        ]
        for index in range(RELATION_SLOTS):
            self.fields[f"relation_{index}"] = forms.ChoiceField(
                label=_("Relation %(number)d") % {"number": index + 1},
                choices=edges,
                required=False,
            )
            self.fields[f"relation_{index}_source"] = forms.ChoiceField(
                label=_("from entity"), choices=slots, required=False
            )
            self.fields[f"relation_{index}_target"] = forms.ChoiceField(
                label=_("to entity"), choices=slots, required=False
            )

    def column_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "name": column,
                "sample": self.samples.get(column, ""),
                "target": self[f"target_{index}"],
                "property": self[f"property_{index}"],
            }
            for index, column in enumerate(self.columns)
        ]

    def slot_fields(self) -> list[Any]:
        return [self[f"schema_{slot}"] for slot in ENTITY_SLOTS]

    def relation_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "schema": self[f"relation_{index}"],
                "source": self[f"relation_{index}_source"],
                "target": self[f"relation_{index}_target"],
            }
            for index in range(RELATION_SLOTS)
        ]

    def mapping_spec(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The entities and relations the analyst set, as a mapping stores them."""
        data = self.cleaned_data
        entities: dict[str, dict[str, Any]] = {}
        for slot in ENTITY_SLOTS:
            if data.get(f"schema_{slot}"):
                entities[slot] = {"ref": slot, "schema": data[f"schema_{slot}"], "properties": {}}
        for index, column in enumerate(self.columns):
            slot = data.get(f"target_{index}") or ""
            name = (data.get(f"property_{index}") or "").strip()
            if slot in entities and name:
                entities[slot]["properties"][name] = column
        relations = [
            {
                "schema": data[f"relation_{index}"],
                "source": data.get(f"relation_{index}_source"),
                "target": data.get(f"relation_{index}_target"),
            }
            for index in range(RELATION_SLOTS)
            if data.get(f"relation_{index}")
        ]
        return list(entities.values()), relations

    @staticmethod
    def initial_from(mapping: ImportMapping, columns: list[str]) -> dict[str, Any]:
        initial: dict[str, Any] = {"saved": mapping.pk, "record_element": mapping.record_element}
        for spec in mapping.entities:
            initial[f"schema_{spec.get('ref')}"] = spec.get("schema")
            for name, column in (spec.get("properties") or {}).items():
                if column in columns:
                    index = columns.index(column)
                    initial[f"target_{index}"] = spec.get("ref")
                    initial[f"property_{index}"] = name
        for index, spec in enumerate(mapping.relations[:RELATION_SLOTS]):
            initial[f"relation_{index}"] = spec.get("schema")
            initial[f"relation_{index}_source"] = spec.get("source")
            initial[f"relation_{index}_target"] = spec.get("target")
        return initial
