"""A mapping (cases/models/imports.py) checked, and applied to one row: the row's cells
become the properties of one or more entities (a declaration's company, vehicle and
driver) and the relations between them, each value checked with the registry's rules:
FtM's property types and the identifier validators of cases/lib/identifiers.py
(personal and company codes, plates, VINs, IBANs, phones, container check digits)."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.lib.ftm import schema_get
from cases.lib.identifiers import IdentifierError, entity_key
from cases.services.entities import FORM_PROPERTIES, ftm_properties
from portal.lib.text import hidden_characters_problem

MAX_ENTITIES = 8
MAX_RELATIONS = 8
REF_MAX = 60


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class MappedEntity:
    ref: str
    kind: str
    key: str
    label: str
    properties: dict[str, list[str]]


@dataclass
class MappedRelation:
    ref: str
    kind: str
    source: str
    target: str


@dataclass
class MappedRow:
    number: int
    entities: list[MappedEntity] = field(default_factory=list)
    relations: list[MappedRelation] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def mapping_problems(entities: Any, relations: Any) -> list[str]:
    """What is wrong with a mapping, as messages for the analyst (empty when nothing)."""
    if not isinstance(entities, list) or not entities:
        return [_("Map the columns to at least one entity.")]
    if not isinstance(relations, list):
        return [_("The relations must be a list.")]
    if len(entities) > MAX_ENTITIES or len(relations) > MAX_RELATIONS:
        return [
            _("A mapping has at most %(entities)d entities and %(relations)d relations.")
            % {"entities": MAX_ENTITIES, "relations": MAX_RELATIONS}
        ]
    problems: list[str] = []
    refs: list[str] = []
    for spec in entities:
        problems.extend(_entity_spec_problems(spec, refs))
    for spec in relations:
        problems.extend(_relation_spec_problems(spec, refs))
    return problems


def _entity_spec_problems(spec: Any, refs: list[str]) -> list[str]:
    if not isinstance(spec, dict):
        return [_("Each entity of a mapping is an object.")]
    ref = str(spec.get("ref") or "")
    if not ref or len(ref) > REF_MAX or ref in refs:
        return [_("Each entity of a mapping needs a name of its own (such as A, B).")]
    refs.append(ref)
    schema = schema_get(str(spec.get("schema") or ""))
    if schema is None or schema.abstract or schema.edge:
        return [
            _("Entity %(ref)s: “%(schema)s” is not an FtM schema of things.")
            % {"ref": ref, "schema": spec.get("schema")}
        ]
    properties = spec.get("properties")
    if not isinstance(properties, dict) or not properties:
        return [_("Entity %(ref)s: map at least one column to it.") % {"ref": ref}]
    problems = []
    for name, column in properties.items():
        if schema.get(name) is None:
            problems.append(
                _("Entity %(ref)s: a %(schema)s has no property “%(property)s”.")
                % {"ref": ref, "schema": schema.name, "property": name}
            )
        elif not isinstance(column, str) or not column:
            problems.append(
                _("Entity %(ref)s: name the column of “%(property)s”.")
                % {"ref": ref, "property": name}
            )
    return problems


def _relation_spec_problems(spec: Any, refs: list[str]) -> list[str]:
    if not isinstance(spec, dict):
        return [_("Each relation of a mapping is an object.")]
    schema = schema_get(str(spec.get("schema") or ""))
    if schema is None or not schema.edge or schema.abstract:
        return [
            _("“%(schema)s” is not an FtM relation schema (Ownership, Directorship...).")
            % {"schema": spec.get("schema")}
        ]
    if spec.get("source") not in refs or spec.get("target") not in refs:
        return [
            _("The %(schema)s relation must link two entities of the mapping.")
            % {"schema": schema.name}
        ]
    if spec.get("source") == spec.get("target"):
        return [_("A relation links two different entities.")]
    return []


def _form_values(kind: str, properties: dict[str, str]) -> dict[str, str]:
    """The row's FtM properties under the names the identifier rules use (plate, vin)."""
    names = {ftm: form for form, ftm in FORM_PROPERTIES.get(kind, {}).items()}
    return {names[name]: value for name, value in properties.items() if name in names}


def _identifier_column(kind: str, spec: dict[str, str]) -> str:
    for name in (
        "vinCode",
        "registrationNumber",
        "number",
        "iban",
        "containerNumber",
        "mrn",
        "email",
        "imoNumber",
        "idNumber",
    ):
        if name in spec:
            return spec[name]
    return next(iter(spec.values()), "")


def _label(kind: str, properties: dict[str, str], key: str) -> str:
    if properties.get("name"):
        return properties["name"]
    if kind == "Person":
        parts = [properties.get("firstName", ""), properties.get("lastName", "")]
        if any(parts):
            return " ".join(part for part in parts if part)
    if kind == "Vehicle" and key.count(":") == 1:
        return key.split(":", 1)[1]
    if kind == "Address" and properties.get("full"):
        return properties["full"]
    return key or next((value for value in properties.values() if value), "")


def _map_entity(number: int, spec: dict[str, Any], record: dict[str, str], row: MappedRow) -> None:
    columns: dict[str, str] = spec["properties"]
    kind = spec["schema"]
    values = {name: record.get(column, "").strip() for name, column in columns.items()}
    values = {name: value for name, value in values.items() if value}
    if not values:
        return  # nothing of this entity in the row (a declaration without a vehicle)
    for name, value in values.items():
        problem = hidden_characters_problem(value)
        if problem:
            row.problems.append(RowProblem(number, columns[name], value, problem))
    try:
        key = entity_key(kind, _form_values(kind, values)) if kind in FORM_PROPERTIES else ""
    except IdentifierError as error:
        column = _identifier_column(kind, columns)
        row.problems.append(RowProblem(number, column, record.get(column, ""), str(error)))
        return
    label = _label(kind, values, key)
    if not label:
        column = next(iter(columns.values()))
        row.problems.append(RowProblem(number, column, "", _("A name or identifier is required.")))
        return
    try:
        properties = ftm_properties(kind=kind, values={}, properties=values, key=key, label=label)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = columns.get(name, name)
            for message in messages:
                row.problems.append(RowProblem(number, column, record.get(column, ""), message))
        return
    row.entities.append(
        MappedEntity(ref=spec["ref"], kind=kind, key=key, label=label[:300], properties=properties)
    )


def map_row(
    number: int,
    record: dict[str, str],
    entities: list[dict[str, Any]],
    relations: list[dict[str, Any]],
) -> MappedRow:
    """The entities and relations one row gives, or its problems (by column)."""
    row = MappedRow(number=number)
    for spec in entities:
        _map_entity(number, spec, record, row)
    present = {entity.ref for entity in row.entities}
    for index, spec in enumerate(relations):
        if spec["source"] in present and spec["target"] in present:
            row.relations.append(
                MappedRelation(
                    ref=f"rel{index}",
                    kind=spec["schema"],
                    source=spec["source"],
                    target=spec["target"],
                )
            )
    return row
