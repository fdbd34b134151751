"""Forms of the import pages: the upload, and the mapping of a file's columns to
entities and relations. They check shape; the services check meaning."""

from functools import cache
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from followthemoney.types import registry

from cases.lib.ftm import edge_schemata, ftm_model, schema_get
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


def schema_property_choices(schema_name: str) -> list[tuple[str, str]]:
    """The properties a column may fill on a ``schema_name``: (name, label in the
    active language), by label. Stub and hidden properties are FtM's own bookkeeping,
    and a property naming another entity is a relation, mapped below the columns. Two
    properties with one label (FtM has a few) show their names too."""
    schema = schema_get(schema_name)
    if schema is None:
        return []
    offered = [
        (prop.name, gettext_ftm(prop.label))
        for prop in schema.properties.values()
        if not prop.stub and not prop.hidden and prop.type != registry.entity
    ]
    labels = [label for _name, label in offered]
    return sorted(
        (
            (name, label if labels.count(label) == 1 else f"{label} ({name})")
            for name, label in offered
        ),
        key=lambda choice: choice[1].casefold(),
    )


def properties_by_schema() -> dict[str, list[tuple[str, str]]]:
    """The properties of every schema the page offers, for the script that switches a
    column's list when its entity's schema changes."""
    return {name: schema_property_choices(name) for name, _label in thing_schema_choices() if name}


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
            # A CharField, not a ChoiceField: the list follows the entity's schema, which
            # the script may change after rendering; clean() checks the pair.
            self.fields[f"property_{index}"] = forms.CharField(
                label=_("Property of “%(column)s”") % {"column": column},
                max_length=60,
                required=False,
                widget=forms.Select(
                    choices=self._property_choices(index), attrs={"data-import-property": index}
                ),
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

    def _chosen(self, name: str) -> str:
        """A field's value as the analyst sent it, else as the page was first filled."""
        if self.is_bound:
            return str(self.data.get(self.add_prefix(name)) or "")
        return str(self.initial.get(name) or "")

    def _property_choices(self, index: int) -> list[tuple[str, str]]:
        slot = self._chosen(f"target_{index}")
        schema_name = self._chosen(f"schema_{slot}") if slot in ENTITY_SLOTS else ""
        # Until its entity has a schema a column offers no property: one list of every
        # kind's properties per column weighed 4 MB on a file of 500 columns. Without the
        # script the page comes back with the lists once the schemata are sent.
        choices = schema_property_choices(schema_name)
        current = self._chosen(f"property_{index}")
        if current and current not in dict(choices):
            # Kept as sent, so that the error beside it says what is wrong with it.
            choices = [(current, current), *choices]
        return [("", "—"), *choices]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("saved"):
            return data  # a saved mapping is used as it is; the columns below are ignored
        for index, column in enumerate(self.columns):
            name = (data.get(f"property_{index}") or "").strip()
            slot = data.get(f"target_{index}") or ""
            if not name or not slot:
                continue
            schema_name = data.get(f"schema_{slot}") or ""
            if not schema_name:
                self.add_error(
                    f"property_{index}",
                    _("Entity %(ref)s has no schema: choose it above to map “%(column)s”.")
                    % {"ref": slot, "column": column},
                )
                continue
            schema = schema_get(schema_name)
            prop = schema.get(name) if schema is not None else None
            if prop is None or prop.stub:
                self.add_error(
                    f"property_{index}",
                    _("Entity %(ref)s: a %(schema)s has no property “%(property)s”.")
                    % {"ref": slot, "schema": schema_name, "property": name},
                )
        return data

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
