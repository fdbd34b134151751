"""The entity registry: find-or-create by normalised identifier, and linking entities
to violations. The same plate typed as "abc-123" or "ABC 123" is one vehicle."""

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.lib.ftm import LEGACY_KINDS, clean_properties, first, property_problems, schema_get
from cases.lib.ftm_labels import gettext_ftm
from cases.lib.identifiers import IdentifierError, entity_key, normalise_country
from cases.lib.matching import entity_identifiers, name_codes
from cases.models import (
    ClientWrite,
    ClientWriteKind,
    Entity,
    EntityKind,
    ProvenanceKind,
    Relation,
    Violation,
    ViolationEntity,
)
from cases.services.search import search_index_refresh
from cases.services.writes import already_removed, client_write_claim, client_write_done
from portal.lib.text import hidden_characters_check, lengths_check
from portal.models import AuditAction, User
from portal.services.audit import audit_record


def matches_propose_for(*, entity_id: int) -> None:
    """Propose the likely matches of a new entity (cases/services/resolution.py; imported
    here late because resolution builds on this module)."""
    from cases.services.resolution import matches_propose

    matches_propose(entity_ids=[entity_id])


def entity_surviving(entity: Entity) -> Entity:
    """The entity that answers for ``entity``: itself, or, when it was merged, the one it
    was merged into (followed to the end of the chain, a query a step: merges are rare).
    A merge never takes a merged entity as the one kept (cases/services/resolution.py),
    so the chain has no loop; the walk still stops at an entity seen twice."""
    seen = {entity.pk}
    while entity.merged_into_id is not None and entity.merged_into_id not in seen:
        merged_into = entity.merged_into
        if merged_into is None:  # pragma: no cover - the foreign key protects it
            break
        seen.add(merged_into.pk)
        entity = merged_into
    return entity


def person_match(*, label: str, properties: dict[str, Any]) -> Entity | None:
    """A person without a personal code has no single identifier: the same name and the
    same date of birth is the same person (a near match only becomes a proposal)."""
    birth_dates = properties.get("birthDate")
    if not birth_dates:
        return None
    return Entity.objects.filter(
        kind=EntityKind.PERSON,
        label__iexact=label,
        properties__birthDate__contains=birth_dates[:1],
        merged_into__isnull=True,
    ).first()


# What the forms and the API call a value -> the FtM property it becomes, per schema.
FORM_PROPERTIES: dict[str, dict[str, str]] = {
    "Person": {
        "first_name": "firstName",
        "last_name": "lastName",
        "birth_date": "birthDate",
        "nationality": "nationality",
        "personal_code": "idNumber",
    },
    "Vehicle": {
        "plate": "registrationNumber",
        "plate_country": "country",
        "vin": "vinCode",
        "make_model": "model",
    },
    "Company": {
        "name": "name",
        "registration_code": "registrationNumber",
        "country": "jurisdiction",
    },
    "Organization": {
        "name": "name",
        "registration_code": "registrationNumber",
        "country": "jurisdiction",
    },
    "Vessel": {"name": "name", "imo": "imoNumber", "flag": "flag"},
    "Phone": {"number": "number"},
    "EmailAddress": {"address": "email"},
    "BankAccount": {"iban": "iban", "bank_name": "bankName"},
    "Container": {"number": "containerNumber"},
    "CustomsDeclaration": {"mrn": "mrn"},
    "Address": {"address": "full", "city": "city", "country": "country"},
    "Identification": {"number": "number", "document_type": "type", "country": "country"},
    "Passport": {"number": "number", "document_type": "type", "country": "country"},
}

# The property that holds the normalised key, per schema (the key is the canonical form).
_KEY_PROPERTY = {
    "Phone": "number",
    "EmailAddress": "email",
    "BankAccount": "iban",
    "Container": "containerNumber",
    "CustomsDeclaration": "mrn",
    "Vessel": "imoNumber",
}


def ftm_properties(
    *, kind: str, values: dict[str, str], properties: dict[str, Any], key: str, label: str
) -> dict[str, list[str]]:
    """The FtM properties of an entity described by form ``values`` (plate, first_name...)
    and ``properties`` (either form names such as ``birth_date`` or FtM names such as
    ``birthDate``), checked and cleaned with FtM's types. Raises ValidationError by field
    when a value is not what its FtM type accepts (a date, a country...)."""
    schema = schema_get(kind)
    if schema is None:
        raise ValidationError({"kind": _("“%(kind)s” is not a kind of entity.") % {"kind": kind}})
    names = FORM_PROPERTIES.get(kind, {})
    raw: dict[str, list[str]] = {}
    fields: dict[str, str] = {}
    unknown = [
        name for name in properties if schema.get(names.get(name, name)) is None and name != "label"
    ]
    if unknown:
        raise ValidationError(
            {
                name: _("“%(name)s” is not a property of a %(schema)s.")
                % {"name": name, "schema": gettext_ftm(schema.label)}
                for name in unknown
            }
        )
    for source in (values, properties):
        for name, value in source.items():
            target = names.get(name, name)
            if schema.get(target) is None:
                continue
            items = value if isinstance(value, list) else [value]
            for item in items:
                text = str(item).strip() if item is not None else ""
                if text and text not in raw.setdefault(target, []):
                    raw[target].append(text)
            fields.setdefault(target, name)
    if kind == "Vehicle" and key.count(":") == 1:
        country, plate = key.split(":", 1)
        raw["registrationNumber"] = [plate]
        raw["country"] = [country.lower()]
    elif kind == "Vehicle" and key:
        raw["vinCode"] = [key]
    if kind in _KEY_PROPERTY and key:
        raw[_KEY_PROPERTY[kind]] = [key]
    if kind in ("Person", "Company", "Organization", "Vessel") and label:
        raw.setdefault("name", [])
        if label not in raw["name"]:
            raw["name"].insert(0, label)
    if kind == "Address" and label and not raw.get("full"):
        raw["full"] = [label]
    raw = {name: items for name, items in raw.items() if items}
    problems = property_problems(schema, raw)
    if problems:
        raise ValidationError(
            {
                fields.get(name, name): _("“%(value)s” is not a valid %(property)s.")
                % {
                    "value": ", ".join(raw.get(name, [])),
                    "property": gettext_ftm(_property_label(schema, name)),
                }
                for name in problems
            }
        )
    return clean_properties(schema, raw)


def _property_label(schema: Any, name: str) -> str:
    prop = schema.get(name)
    return str(prop.label) if prop is not None else name


def entity_label(kind: str, values: dict[str, str], key: str) -> str:
    kind = LEGACY_KINDS.get(kind, kind)
    if kind == EntityKind.PERSON:
        return " ".join(
            part for part in (values.get("first_name", ""), values.get("last_name", "")) if part
        ).strip()
    if kind in (EntityKind.COMPANY, EntityKind.ORGANIZATION, EntityKind.VESSEL):
        return values.get("name", "").strip() or key
    if kind == EntityKind.VEHICLE and values.get("plate"):
        return key.split(":", 1)[-1] if key.count(":") == 1 else (values.get("plate") or key)
    return key or values.get("name", "") or values.get("label", "")


@transaction.atomic
def entity_resolve(
    *,
    actor: User | None,
    kind: str,
    values: dict[str, str],
    properties: dict[str, Any] | None = None,
    provenance: str = "",
) -> tuple[Entity, bool]:
    """The registry's entity for these identifying ``values``, created when new.
    Raises ValidationError with a field message when an identifier is not valid, or a
    name or identifier holds invisible direction or zero-width characters."""
    kind = LEGACY_KINDS.get(kind, kind)
    hidden_characters_check(
        {name: value for name, value in values.items() if isinstance(value, str)}
    )
    try:
        key = entity_key(kind, values)
    except IdentifierError as error:
        raise ValidationError({_first_identifier_field(kind, values): str(error)}) from error
    label = entity_label(kind, values, key).strip() or values.get("label", "").strip()
    if not label:
        raise ValidationError({"label": _("A name or identifier is required.")})
    ftm = ftm_properties(
        kind=kind, values=values, properties=dict(properties or {}), key=key, label=label
    )
    existing = (
        Entity.objects.filter(kind=kind, key=key).first()
        if key
        else (person_match(label=label, properties=ftm) if kind == EntityKind.PERSON else None)
    )
    if existing is not None:
        # A merged entity answers for the one it was merged into.
        return entity_surviving(existing), False
    entity = Entity(
        kind=kind,
        key=key,
        label=label[:300],
        properties=ftm,
        provenance=provenance[:300],
        created_by=actor,
        ftm_id=f"cep-{uuid.uuid4().hex}",
    )
    entity_index(entity)
    entity.full_clean(exclude=["created_by"])
    try:
        with transaction.atomic():
            entity.save()
    except IntegrityError:
        # Someone registered the same identifier a moment ago: use theirs.
        return Entity.objects.get(kind=kind, key=key), False
    search_index_refresh(kind="entity", ids=[entity.pk])
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=entity, changes={"kind": kind, "key": key}
    )
    # Likely matches go to the analysts' review queue once the entity is committed.
    transaction.on_commit(lambda: matches_propose_for(entity_id=entity.pk))
    return entity, True


def entity_index(entity: Entity) -> None:
    """Fill the entity's resolution keys (name codes, identifiers) from its label and
    properties; the caller saves."""
    names = [entity.label, *((entity.properties or {}).get("name") or [])]
    entity.name_codes = name_codes(names)
    entity.identifiers = entity_identifiers(entity.kind, entity.properties or {}, entity.key)


def _first_identifier_field(kind: str, values: dict[str, str]) -> str:
    for name in (
        "vin",
        "plate",
        "number",
        "iban",
        "mrn",
        "address",
        "imo",
        "registration_code",
        "personal_code",
    ):
        if values.get(name):
            return name
    return "identifier"


NOTE_MAX = 300


@transaction.atomic
def violation_entity_link(
    *, actor: User, violation: Violation, entity: Entity, role: str, note: str = ""
) -> ViolationEntity:
    note = note.strip()
    lengths_check({"note": (note, NOTE_MAX)})
    involvement, created = ViolationEntity.objects.get_or_create(
        violation=violation, entity=entity, role=role, defaults={"note": note}
    )
    if created:
        # An entity a violation involves is no longer held by restricted cases alone.
        search_index_refresh(kind="entity", ids=[entity.pk])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=violation,
            changes={
                "entity_linked": {
                    "entity": entity.pk,
                    "kind": entity.kind,
                    "label": entity.label,
                    "role": role,
                }
            },
        )
    return involvement


@transaction.atomic
def violation_entity_unlink(*, actor: User, involvement: ViolationEntity) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=involvement.violation,
        changes={"entity_unlinked": {"entity": involvement.entity_id, "role": involvement.role}},
    )
    involvement.delete()
    # Without the violation the entity may be held by restricted cases alone again.
    search_index_refresh(kind="entity", ids=[involvement.entity_id])


def person_properties(*, birth_date: date | None, nationality: str) -> dict[str, Any]:
    """A person's FtM properties from the violation page's fields."""
    properties: dict[str, Any] = {}
    if birth_date:
        properties["birthDate"] = [birth_date.isoformat()]
    if nationality:
        properties["nationality"] = [nationality.lower()]
    return properties


@transaction.atomic
def relation_add(
    *,
    actor: User | None,
    source: Entity,
    target: Entity,
    kind: str,
    provenance: str = "",
    provenance_kind: str = ProvenanceKind.PERSON,
    confidence: int = 100,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Relation:
    """A relation ``kind`` (an FtM interstitial schema such as Ownership, or one of the
    portal's own lower-case link kinds) from ``source`` to ``target``; the existing one
    when the same pair already has it."""
    relation, created = Relation.objects.get_or_create(
        source=source,
        target=target,
        kind=kind,
        ftm_id=None,
        defaults={
            "provenance": provenance[:300],
            "provenance_kind": provenance_kind,
            "confidence": confidence,
            "created_by": actor,
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=relation,
            changes={
                "source": source.pk,
                "target": target.pk,
                "kind": kind,
                "provenance": provenance,
            },
        )
    return relation


# Nobody we meet was born before this year: an earlier year is a typing mistake.
OLDEST_BIRTH_YEAR = 1900


def _birth_date_problem(value: Any) -> str:
    """Why a date of birth (a date or "YYYY-MM-DD") cannot be right; "" when it can."""
    if isinstance(value, date):
        born = value
    else:
        try:
            born = date.fromisoformat(str(value))
        except ValueError:
            return _("Enter the date of birth as YYYY-MM-DD.")
    if born > timezone.localdate():
        return _("The date of birth is in the future.")
    if born.year < OLDEST_BIRTH_YEAR:
        return _("The date of birth is before 1900; check the year.")
    return ""


def person_problems(
    *, properties: dict[str, Any], document: dict[str, str] | None
) -> dict[str, str]:
    """What is wrong with a person about to be linked, by field (``birth_date``,
    ``document_number``, ``document_country``); empty when nothing is."""
    problems: dict[str, str] = {}
    birth_date = properties.get("birth_date") or first(properties, "birthDate")
    if birth_date:
        problem = _birth_date_problem(birth_date)
        if problem:
            problems["birth_date"] = problem
    if document is not None:
        number = (document.get("number") or "").strip()
        country = (document.get("country") or "").strip()
        if not number:
            problems["document_number"] = _("Give the number of the document.")
        if number and not country:
            problems["document_country"] = _("Give the issuing country, e.g. LT.")
        elif country:
            try:
                normalise_country(country)
            except IdentifierError as error:
                problems["document_country"] = str(error)
    return problems


@transaction.atomic
def violation_person_add(
    *,
    actor: User,
    violation: Violation,
    names: dict[str, str],
    properties: dict[str, Any],
    document: dict[str, str] | None,
    role: str,
    note: str = "",
    client_key: uuid.UUID | None = None,
) -> ViolationEntity:
    """A person met at the violation, with the identity document they showed: all of it
    or nothing (a refused document number leaves no half-added person behind). Raises
    ValidationError by field (person_problems, then the registry's identifier checks)
    and writes nothing when refused. A re-send with the same ``client_key`` returns the
    involvement the first request made."""
    record, first = client_write_claim(
        actor=actor, violation=violation, kind=ClientWriteKind.ENTITY, client_key=client_key
    )
    if record is not None and not first:
        return _earlier_involvement(record, violation)
    problems = person_problems(properties=properties, document=document)
    if problems:
        raise ValidationError(problems)
    provenance = f"violation {violation.reference}"
    person, _created = entity_resolve(
        actor=actor,
        kind=EntityKind.PERSON,
        values=names,
        properties=properties,
        provenance=provenance,
    )
    if document is not None:
        try:
            held, _created = entity_resolve(
                actor=actor,
                kind=EntityKind.IDENTITY_DOCUMENT,
                values=document,
                provenance=provenance,
            )
        except ValidationError as error:
            raise ValidationError({"document_number": error.messages}) from error
        relation_add(
            actor=actor, source=person, target=held, kind="holds_document", provenance=provenance
        )
        # FtM says the same with the document's holder property.
        holders = held.properties.setdefault("holder", [])
        if person.export_id not in holders:
            holders.append(person.export_id)
            held.save(update_fields=["properties", "updated_at"])
            search_index_refresh(kind="entity", ids=[held.pk])
    involvement = violation_entity_link(
        actor=actor, violation=violation, entity=person, role=role, note=note
    )
    client_write_done(record, involvement.pk)
    return involvement


def _earlier_involvement(record: ClientWrite, violation: Violation) -> ViolationEntity:
    earlier = ViolationEntity.objects.filter(pk=record.result_id or 0, violation=violation).first()
    if earlier is None:
        raise already_removed(
            _(
                "This person, vehicle or company was added earlier and removed since; "
                "it was not added again."
            )
        )
    return earlier


@transaction.atomic
def violation_entity_add(
    *,
    actor: User,
    violation: Violation,
    kind: str,
    values: dict[str, str],
    properties: dict[str, Any],
    role: str,
    note: str = "",
    client_key: uuid.UUID | None = None,
) -> ViolationEntity:
    """A vehicle, company or other registry entity met at the violation: found (or
    registered) by its identifiers and linked, all or nothing. Empty properties are
    not stored. A re-send with the same ``client_key`` returns the involvement the first
    request made."""
    record, first = client_write_claim(
        actor=actor, violation=violation, kind=ClientWriteKind.ENTITY, client_key=client_key
    )
    if record is not None and not first:
        return _earlier_involvement(record, violation)
    entity, _created = entity_resolve(
        actor=actor,
        kind=kind,
        values=values,
        properties={key: value for key, value in properties.items() if value not in ("", None)},
        provenance=f"violation {violation.reference}",
    )
    involvement = violation_entity_link(
        actor=actor, violation=violation, entity=entity, role=role, note=note
    )
    client_write_done(record, involvement.pk)
    return involvement
