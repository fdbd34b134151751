"""Suggestions from a document's text, and the case team's answer to each.

Found (cases/lib/document_entities.py): plates, phones, IBANs, e-mail addresses,
containers, MRNs (each through the registry's validators), HS codes that exist in the
nomenclature, dates, and the names of registry entities. One suggestion per case, kind
and value: a rejected value is remembered and not offered again by any document of the
case.

Accepting links the registry's entity of that identifier to the case (created, of the
FtM schema the kind names, when the registry has none, with the document as its
provenance); an HS code becomes a case note and a date a case event, each quoting the
sentence. Both answers are audited on the case.
"""

import re
from datetime import datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.lib.document_entities import Found, identifiers_find, names_in
from cases.models import (
    CaseDocument,
    CaseEntity,
    DocumentSuggestion,
    Entity,
    HSCode,
    SuggestionKind,
    SuggestionStatus,
)
from cases.selectors.documents import suggestion_label
from cases.services.case_content import case_event_add, case_note_add
from cases.services.entities import entity_resolve, entity_surviving
from cases.services.investigations import REASON_MAX, case_entity_link
from portal.models import AuditAction, User
from portal.services.audit import audit_record

NAMED_KINDS = ("Person", "Company", "Organization", "LegalEntity")
# Capitalised runs of two to four words: the candidates looked up as registry names.
_CAPITAL = "A-ZĄČĘĖĮŠŲŪŽ\u0400-\u042f"
_WORD = rf"[{_CAPITAL}][\w'\u2019\-]+"
_NAME_RUN = re.compile(rf"(?:{_WORD}\s+){{1,3}}{_WORD}")
NAME_CANDIDATES_MAX = 2000

# kind -> (FtM schema, the form value of entity_resolve that holds the identifier)
_SCHEMA_OF: dict[str, tuple[str, str]] = {
    SuggestionKind.PHONE: ("Phone", "number"),
    SuggestionKind.EMAIL: ("EmailAddress", "address"),
    SuggestionKind.IBAN: ("BankAccount", "iban"),
    SuggestionKind.CONTAINER: ("Container", "number"),
    SuggestionKind.MRN: ("CustomsDeclaration", "mrn"),
    SuggestionKind.PLATE: ("Vehicle", "plate"),
}


def _name_candidates(text: str) -> set[str]:
    found: set[str] = set()
    for match in _NAME_RUN.finditer(text):
        words = match.group(0).split()
        for start in range(len(words)):
            for end in range(start + 2, len(words) + 1):
                found.add(" ".join(words[start:end]))
        if len(found) >= NAME_CANDIDATES_MAX:
            break
    return found


def _registry_names(text: str) -> dict[str, int]:
    """The registry's people and organisations whose name ``text`` holds, by name."""
    candidates = _name_candidates(text)
    if not candidates:
        return {}
    # Whatever the case of the letters ("JONAS PETRAITIS" in the registry, "Jonas
    # Petraitis" in the text): ``UPPER(label) IN (...)``, answered from the index of
    # upper-case names (migration cases 0018), as the imports look persons up.
    rows = (
        Entity.objects.annotate(upper_label=Upper("label"))
        .filter(
            kind__in=NAMED_KINDS,
            merged_into__isnull=True,
            upper_label__in=sorted({candidate.upper() for candidate in candidates}),
        )
        .order_by("pk")
        .values_list("label", "pk")
    )
    names: dict[str, int] = {}
    for label, pk in rows:
        names.setdefault(label.lower(), pk)  # two spellings of one name: the oldest
    return names


def _hs_codes_known(found: list[Found]) -> set[str]:
    codes = {item.value for item in found if item.kind == SuggestionKind.HS_CODE}
    return set(HSCode.objects.filter(code__in=codes).values_list("code", flat=True))


def suggestions_find(*, document: CaseDocument, text: str) -> int:
    """Offer what ``text`` holds as suggestions on ``document``'s case; values already
    offered, accepted or rejected on the case are left as they are. Returns how many
    the document has."""
    found = identifiers_find(text)
    known_codes = _hs_codes_known(found)
    found = [f for f in found if f.kind != SuggestionKind.HS_CODE or f.value in known_codes]
    found += names_in(text, _registry_names(text))
    DocumentSuggestion.objects.bulk_create(
        [
            DocumentSuggestion(
                case_id=document.case_id,
                document=document,
                kind=item.kind,
                value=item.value,
                sentence=item.sentence,
                entity_id=int(item.value) if item.kind == SuggestionKind.NAME else None,
            )
            for item in found
        ],
        ignore_conflicts=True,
    )
    # With ignore_conflicts the rows skipped are not told apart: count what is there.
    return DocumentSuggestion.objects.filter(document=document).count()


def _provenance(document: CaseDocument) -> str:
    return f"document {document.case.number} {document.original_name} sha256:{document.sha256[:16]}"


def _entity_for(suggestion: DocumentSuggestion, actor: User) -> Entity:
    if suggestion.kind == SuggestionKind.NAME:
        entity = suggestion.entity
        if entity is None:
            raise ValidationError(_("The registry no longer holds this name."))
        # Merged since it was found: the entity it was merged into answers for it.
        return entity_surviving(entity)
    schema, field = _SCHEMA_OF[suggestion.kind]
    values: dict[str, str] = {field: suggestion.value}
    if suggestion.kind == SuggestionKind.PLATE:
        country, _sep, plate = suggestion.value.partition(":")
        values = {"plate": plate, "plate_country": country}
    entity, _created = entity_resolve(
        actor=actor, kind=schema, values=values, provenance=_provenance(suggestion.document)
    )
    return entity


def _reason(suggestion: DocumentSuggestion) -> str:
    reason = _("Found in the document %(name)s: “%(sentence)s”") % {
        "name": suggestion.document.original_name,
        "sentence": suggestion.sentence,
    }
    return reason[: REASON_MAX - 1] + "…" if len(reason) > REASON_MAX else reason


def _note_or_event(suggestion: DocumentSuggestion, actor: User) -> dict[str, Any]:
    case = suggestion.case
    if suggestion.kind == SuggestionKind.HS_CODE:
        code = HSCode.objects.filter(code=suggestion.value).first()
        described = suggestion_label(suggestion)
        if code is not None:
            described = f"{described} ({code.description})"
        note = case_note_add(
            actor=actor,
            case=case,
            body=_("HS code %(code)s in the document %(name)s: “%(sentence)s”")
            % {
                "code": described,
                "name": suggestion.document.original_name,
                "sentence": suggestion.sentence,
            },
        )
        return {"note": note.pk}
    day = datetime.fromisoformat(suggestion.value).date()
    event = case_event_add(
        actor=actor,
        case=case,
        title=_reason(suggestion)[:200],
        starts_at=timezone.make_aware(datetime.combine(day, time(12))),
        ends_at=None,
        place=None,
        place_description="",
    )
    return {"event": event.pk}


@transaction.atomic
def suggestion_accept(*, actor: User, suggestion: DocumentSuggestion) -> DocumentSuggestion:
    """Take the suggestion into the case (see the module's docstring). Raises
    ValidationError when it was already answered or its value is no longer valid."""
    suggestion = (
        # Two analysts may answer at once: the row is locked (its nullable entity
        # is not joined, which FOR UPDATE refuses).
        DocumentSuggestion.objects.select_for_update(of=("self",))
        .select_related("case", "document")
        .get(pk=suggestion.pk)
    )
    if suggestion.status != SuggestionStatus.OFFERED:
        raise ValidationError(_("This suggestion has already been answered."))
    changes: dict[str, Any] = {"kind": suggestion.kind, "value": suggestion.value}
    if suggestion.kind in (SuggestionKind.HS_CODE, SuggestionKind.DATE):
        changes |= _note_or_event(suggestion, actor)
    else:
        entity = _entity_for(suggestion, actor)
        suggestion.entity = entity
        changes["entity"] = entity.pk
        if not CaseEntity.objects.filter(case=suggestion.case, entity=entity).exists():
            case_entity_link(
                actor=actor, case=suggestion.case, entity=entity, reason=_reason(suggestion)
            )
    suggestion.status = SuggestionStatus.ACCEPTED
    suggestion.decided_by = actor
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "entity", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=suggestion.case,
        changes={"suggestion_accepted": changes, "document": suggestion.document_id},
    )
    return suggestion


@transaction.atomic
def suggestion_reject(*, actor: User, suggestion: DocumentSuggestion) -> DocumentSuggestion:
    """Decline the suggestion: remembered, and not offered again on this case."""
    updated = DocumentSuggestion.objects.filter(
        pk=suggestion.pk, status=SuggestionStatus.OFFERED
    ).update(status=SuggestionStatus.REJECTED, decided_by=actor, decided_at=timezone.now())
    if not updated:
        raise ValidationError(_("This suggestion has already been answered."))
    suggestion.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=suggestion.case,
        changes={
            "suggestion_rejected": {"kind": suggestion.kind, "value": suggestion.value},
            "document": suggestion.document_id,
        },
    )
    return suggestion
