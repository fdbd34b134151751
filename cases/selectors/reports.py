"""What a case report and an evidence bundle hold, read for one person: the case must be
within their reach (case_get_for_user), and inside it only the entities, violations and
evidence they may see themselves (need-to-know: an entity or violation that also sits
in a restricted case of another team stays out, as everywhere else)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.lib.ftm import schema_get
from cases.lib.ftm_labels import gettext_ftm
from cases.models import (
    AssistanceRequest,
    Case,
    CaseDocument,
    CaseEvent,
    CaseMember,
    CaseNote,
    Entity,
    Evidence,
    Relation,
    Violation,
)
from cases.models.entities import portal_link_label
from cases.selectors.entities import entity_scope_for_user
from cases.selectors.investigations import case_team
from cases.selectors.violations import violation_scope_for_user
from portal.models import AuditRecord, User

# The newest records of the case's own audit trail a report lists.
REPORT_AUDIT_LIMIT = 500


def kind_label(kind: str) -> str:
    """An entity kind (FtM schema) in the active language."""
    schema = schema_get(kind)
    return gettext_ftm(schema.label) if schema is not None else kind


def relation_label(kind: str) -> str:
    """A relation kind as its edge reads ("owns", "works for")."""
    schema = schema_get(kind)
    if schema is None:
        return portal_link_label(kind)
    return gettext_ftm(schema.edge_label or schema.label)


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    what: str
    text: str
    all_day: bool = False


@dataclass(frozen=True)
class ChartEdge:
    source: int
    target: int
    label: str


@dataclass(frozen=True)
class EntityRow:
    entity: Entity
    kind_label: str


@dataclass(frozen=True)
class AuditRow:
    record: AuditRecord
    details: str


def _value_text(value: Any) -> str:
    if isinstance(value, list) and len(value) == 2:  # a change: before, after
        before, after = (_value_text(part) for part in value)
        return f"{before or '—'} → {after or '—'}"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_value_text(part)}" for key, part in value.items())
    if value is None:
        return ""
    return str(value)


def audit_details(changes: dict[str, Any]) -> str:
    """A record's changes as a line a reader follows ("status: open → active")."""
    text = "; ".join(f"{key}: {_value_text(value)}" for key, value in changes.items())
    return text if len(text) <= 300 else text[:299] + "…"


@dataclass
class CaseReportData:
    case: Case
    team: list[CaseMember]
    entities: list[EntityRow]
    relations: list[ChartEdge]
    violations: list[Violation]
    documents: list[CaseDocument]
    notes: list[CaseNote]
    events: list[CaseEvent]
    requests: list[AssistanceRequest]
    audit: list[AuditRow]
    timeline: list[TimelineItem] = field(default_factory=list)


def _day(value: date) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min))


def _timeline(data: CaseReportData) -> list[TimelineItem]:
    items: list[TimelineItem] = []
    for violation in data.violations:
        items.append(
            TimelineItem(
                violation.occurred_at,
                _("Violation"),
                f"{violation.reference} {violation.category}",
            )
        )
    for note in data.notes:
        items.append(TimelineItem(note.created_at, _("Note"), note.body[:200]))
    for document in data.documents:
        items.append(TimelineItem(document.uploaded_at, _("Document"), document.original_name))
    for event in data.events:
        items.append(TimelineItem(event.starts_at, _("Event"), event.title))
    for request in data.requests:
        agency = request.agency_name or request.get_agency_display()
        if request.sent_on:
            items.append(
                TimelineItem(
                    _day(request.sent_on),
                    _("Assistance request sent"),
                    f"{agency}: {request.subject[:160]}",
                    all_day=True,
                )
            )
        if request.due_on:
            items.append(
                TimelineItem(
                    _day(request.due_on),
                    _("Assistance answer due"),
                    str(agency),
                    all_day=True,
                )
            )
    return sorted(items, key=lambda item: item.at)


def case_report_data(*, user: User, case: Case) -> CaseReportData:
    """Everything the report of ``case`` shows ``user`` (who reached it through
    case_get_for_user)."""
    entity_ids = list(case.entity_links.values_list("entity_id", flat=True))
    entities = list(
        entity_scope_for_user(user=user).filter(pk__in=entity_ids).order_by("kind", "label", "pk")
    )
    visible = [entity.pk for entity in entities]
    rows = [EntityRow(entity, kind_label(entity.kind)) for entity in entities]
    relations = [
        ChartEdge(source, target, relation_label(kind))
        for source, target, kind in Relation.objects.filter(
            source_id__in=visible, target_id__in=visible
        )
        .order_by("pk")
        .values_list("source_id", "target_id", "kind")
    ]
    violation_ids = case.violation_links.values_list("violation_id", flat=True)
    violations = list(
        violation_scope_for_user(user=user)
        .filter(pk__in=violation_ids)
        .select_related("category")
        .order_by("occurred_at", "pk")
    )
    audit = list(
        AuditRecord.objects.filter(
            Q(object_type="cases.case", object_id=str(case.pk))
            | Q(object_type="portal.job", changes__parameters__case=case.pk)
        ).order_by("-id")[:REPORT_AUDIT_LIMIT]
    )
    data = CaseReportData(
        case=case,
        team=case_team(case=case),
        entities=rows,
        relations=relations,
        violations=violations,
        documents=list(case.documents.select_related("uploaded_by").order_by("uploaded_at", "pk")),
        notes=list(case.notes.select_related("author").order_by("created_at", "pk")),
        events=list(case.events.order_by("starts_at", "pk")),
        requests=list(case.assistance_requests.order_by("sent_on", "due_on", "pk")),
        audit=[AuditRow(record, audit_details(record.changes or {})) for record in reversed(audit)],
    )
    data.timeline = _timeline(data)
    return data


@dataclass(frozen=True)
class BundleFile:
    """A file of the bundle: where it is stored, where it goes in the zip, the SHA-256
    the portal recorded when it was received."""

    storage_name: str
    arcname: str
    recorded_sha256: str
    source: str
    description: str


def case_bundle_files(*, user: User, case: Case) -> list[BundleFile]:
    """Every document of ``case`` and every evidence file of its violations that ``user``
    may see, each with its place in the bundle."""
    files = [
        BundleFile(
            storage_name=document.file.name,
            arcname=f"documents/{document.pk}-{document.original_name}",
            recorded_sha256=document.sha256,
            source=_("Case document"),
            description=document.description,
        )
        for document in case.documents.order_by("pk")
    ]
    violation_ids = violation_scope_for_user(user=user).filter(
        pk__in=case.violation_links.values_list("violation_id", flat=True)
    )
    for evidence in (
        Evidence.objects.filter(violation__in=violation_ids)
        .select_related("violation")
        .order_by("violation__occurred_at", "pk")
    ):
        files.append(
            BundleFile(
                storage_name=evidence.file.name,
                arcname=(
                    f"evidence/{evidence.violation.reference}/{evidence.pk}-"
                    f"{evidence.original_name}"
                ),
                recorded_sha256=evidence.sha256,
                source=_("Evidence of violation %(reference)s")
                % {"reference": evidence.violation.reference},
                description=evidence.description,
            )
        )
    return files
