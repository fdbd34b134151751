"""The entity registry: find-or-create by normalised identifier, and linking entities
to violations. The same plate typed as "abc-123" or "ABC 123" is one vehicle."""

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.lib.identifiers import IdentifierError, entity_key, normalise_country
from cases.models import (
    ClientWrite,
    ClientWriteKind,
    Entity,
    EntityKind,
    Relation,
    Violation,
    ViolationEntity,
)
from cases.services.search import search_index_refresh
from cases.services.writes import already_removed, client_write_claim, client_write_done
from portal.lib.text import hidden_characters_check, lengths_check
from portal.models import AuditAction, User
from portal.services.audit import audit_record


def _person_match(label: str, properties: dict[str, Any]) -> Entity | None:
    """A person has no single identifier: same name and same date of birth is a match."""
    birth_date = properties.get("birth_date")
    if not birth_date:
        return None
    return Entity.objects.filter(
        kind=EntityKind.PERSON, label__iexact=label, properties__birth_date=birth_date
    ).first()


def entity_label(kind: str, values: dict[str, str], key: str) -> str:
    if kind == EntityKind.PERSON:
        return " ".join(
            part for part in (values.get("first_name", ""), values.get("last_name", "")) if part
        ).strip()
    if kind == EntityKind.COMPANY:
        return values.get("name", "").strip()
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
    hidden_characters_check(
        {name: value for name, value in values.items() if isinstance(value, str)}
    )
    try:
        key = entity_key(kind, values)
    except IdentifierError as error:
        raise ValidationError({_first_identifier_field(kind, values): str(error)}) from error
    properties = dict(properties or {})
    label = entity_label(kind, values, key).strip() or values.get("label", "").strip()
    if not label:
        raise ValidationError({"label": "A name or identifier is required."})
    existing = (
        Entity.objects.filter(kind=kind, key=key).first()
        if key
        else (_person_match(label, properties) if kind == EntityKind.PERSON else None)
    )
    if existing is not None:
        return existing, False
    entity = Entity(
        kind=kind,
        key=key,
        label=label[:300],
        properties=properties,
        provenance=provenance[:300],
        created_by=actor,
    )
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
    return entity, True


def _first_identifier_field(kind: str, values: dict[str, str]) -> str:
    for name in ("vin", "plate", "number", "iban", "mrn", "address", "imo", "registration_code"):
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


def person_properties(*, birth_date: date | None, nationality: str) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    if birth_date:
        properties["birth_date"] = birth_date.isoformat()
    if nationality:
        properties["nationality"] = nationality.upper()
    return properties


@transaction.atomic
def relation_add(
    *,
    actor: User | None,
    source: Entity,
    target: Entity,
    kind: str,
    provenance: str = "",
    confidence: int = 100,
) -> Relation:
    relation, created = Relation.objects.get_or_create(
        source=source,
        target=target,
        kind=kind,
        defaults={"provenance": provenance[:300], "confidence": confidence, "created_by": actor},
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
    if properties.get("birth_date"):
        problem = _birth_date_problem(properties["birth_date"])
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
