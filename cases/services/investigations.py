"""Investigation cases: open one (blank or from a template), change it, its team, and
the violations and entities it links. Every change is audited with the acting user."""

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    Case,
    CaseEntity,
    CaseMember,
    CaseNote,
    CaseRole,
    CaseStatus,
    CaseTask,
    CaseTemplate,
    CaseViolation,
    Entity,
    Violation,
)
from cases.services.search import search_index_case, search_index_refresh
from portal.lib.text import hidden_characters_check, lengths_check
from portal.models import AuditAction, User
from portal.services.audit import audit_record, model_changes

TITLE_MAX = 200
SUMMARY_MAX = 20_000
REASON_MAX = 300
# One lock for numbering: two cases opened at once must not get the same number.
CASE_NUMBER_LOCK_ID = 0x43415345  # "CASE"


@dataclass(frozen=True)
class CaseInput:
    title: str
    summary: str = ""
    status: str = CaseStatus.OPEN
    priority: int = 2
    restricted: bool = False


def case_number_next(*, year: int) -> str:
    """The next number of ``year``, e.g. "C-2026-0001"; call inside a transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CASE_NUMBER_LOCK_ID])
    prefix = f"C-{year}-"
    last = (
        Case.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def _check_texts(data: CaseInput) -> None:
    if not data.title.strip():
        raise ValidationError({"title": _("Give the case a title.")})
    lengths_check({"title": (data.title, TITLE_MAX), "summary": (data.summary, SUMMARY_MAX)})
    hidden_characters_check({"title": data.title})


@transaction.atomic
def case_create(
    *,
    actor: User,
    data: CaseInput,
    template: CaseTemplate | None = None,
    lead_analyst: User | None = None,
) -> Case:
    """A new case led by ``lead_analyst`` (the actor by default). From a ``template``,
    its title prefix goes before the title, and its tasks and note skeletons are added
    (in the language the actor works in, with due dates counted from today)."""
    _check_texts(data)
    title = data.title.strip()
    if (
        template is not None
        and template.title_prefix
        and not title.startswith(template.title_prefix)
    ):
        title = f"{template.title_prefix} {title}"[:TITLE_MAX]
    lead = lead_analyst or actor
    case = Case(
        number=case_number_next(year=timezone.localdate().year),
        title=title,
        summary=data.summary.strip(),
        status=data.status,
        priority=data.priority,
        restricted=data.restricted,
        lead_analyst=lead,
        template=template,
        created_by=actor,
    )
    case.full_clean()
    case.save()
    CaseMember.objects.create(case=case, user=lead, role=CaseRole.LEAD, added_by=actor)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=case,
        changes={
            "number": case.number,
            "restricted": case.restricted,
            "template": template.code if template else "",
        },
    )
    if template is not None:
        _template_fill(actor=actor, case=case, template=template)
    search_index_case(case_id=case.pk)
    return case


TEMPLATES_FILE = Path(__file__).resolve().parents[1] / "data" / "case-templates.json"


def case_templates_seed() -> int:
    """The templates the service starts with (cases/data/case-templates.json, loaded by
    migration 0007 too), created or put back as shipped; returns how many."""
    templates = json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))
    for data in templates:
        CaseTemplate.objects.update_or_create(code=data["code"], defaults=data)
    return len(templates)


def _template_fill(*, actor: User, case: Case, template: CaseTemplate) -> None:
    from django.utils.translation import get_language

    language = "lt" if (get_language() or "").startswith("lt") else "en"
    today = timezone.localdate()
    for item in template.tasks:
        days = item.get("due_days")
        CaseTask.objects.create(
            case=case,
            title=str(item.get(language) or item.get("en", ""))[:200],
            assignee=case.lead_analyst,
            due_date=today + timedelta(days=int(days)) if days is not None else None,
            created_by=actor,
        )
    for item in template.notes:
        CaseNote.objects.create(
            case=case, body=str(item.get(language) or item.get("en", "")), author=actor
        )


UPDATABLE = ["title", "summary", "status", "priority", "restricted"]


@transaction.atomic
def case_update(*, actor: User, case: Case, data: CaseInput) -> Case:
    _check_texts(data)
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = {field: getattr(case, field) for field in UPDATABLE}
    case.title = data.title.strip()
    case.summary = data.summary.strip()
    case.status = data.status
    case.priority = data.priority
    case.restricted = data.restricted
    if data.status == CaseStatus.CLOSED and before["status"] != CaseStatus.CLOSED:
        case.closed_at = timezone.now()
    elif data.status != CaseStatus.CLOSED:
        case.closed_at = None
    case.full_clean()
    changes = model_changes(case, UPDATABLE, before)
    if changes:
        case.save(update_fields=[*UPDATABLE, "closed_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, changes=changes)
        search_index_case(case_id=case.pk)
    return case


def _touch(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())


@transaction.atomic
def case_member_add(*, actor: User, case: Case, user: User, role: str) -> CaseMember:
    """Put ``user`` on the team with ``role`` (or change their role). The lead stays
    the lead: hand the case over by making another member lead (the old lead becomes
    an analyst)."""
    if role not in CaseRole.values:
        raise ValidationError({"role": _("Choose a role in the case.")})
    if not user.is_active:
        raise ValidationError({"user": _("This account is deactivated.")})
    if role != CaseRole.VIEWER and not user.has_perm("cases.change_case"):
        raise ValidationError(
            {"role": _("Only analysts can work a case; add this person as a viewer.")}
        )
    if not user.has_perm("cases.view_case"):
        raise ValidationError({"user": _("This person may not open cases.")})
    if user.pk == case.lead_analyst_id and role != CaseRole.LEAD:
        raise ValidationError(
            {"role": _("The lead analyst stays lead; make another member lead first.")}
        )
    member, created = CaseMember.objects.get_or_create(
        case=case, user=user, defaults={"role": role, "added_by": actor}
    )
    old_role = "" if created else member.role
    if not created and member.role != role:
        member.role = role
        member.save(update_fields=["role"])
    if role == CaseRole.LEAD and case.lead_analyst_id != user.pk:
        CaseMember.objects.filter(case=case, user_id=case.lead_analyst_id).update(
            role=CaseRole.ANALYST
        )
        Case.objects.filter(pk=case.pk).update(lead_analyst=user)
        case.lead_analyst = user
    if created or old_role != role:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=case,
            changes={"team": {"user": user.get_username(), "role": [old_role, role]}},
        )
        _touch(case)
    return member


@transaction.atomic
def case_member_remove(*, actor: User, case: Case, member: CaseMember) -> None:
    if member.user_id == case.lead_analyst_id:
        raise ValidationError(
            {"user": _("The lead analyst cannot leave the team; make another member lead first.")}
        )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        changes={"team": {"user": member.user.get_username(), "role": [member.role, ""]}},
    )
    member.delete()
    _touch(case)


@transaction.atomic
def case_violation_link(
    *, actor: User, case: Case, violation: Violation, reason: str = ""
) -> CaseViolation:
    reason = reason.strip()
    lengths_check({"reason": (reason, REASON_MAX)})
    if CaseViolation.objects.filter(case=case, violation=violation).exists():
        raise ValidationError(
            {"reference": _("%(ref)s is already linked to this case.") % {"ref": violation}}
        )
    link = CaseViolation.objects.create(
        case=case, violation=violation, reason=reason, linked_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        changes={"violation_linked": {"violation": violation.reference, "reason": reason}},
    )
    _touch(case)
    return link


@transaction.atomic
def case_violation_unlink(*, actor: User, link: CaseViolation) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=link.case,
        changes={"violation_unlinked": {"violation": link.violation.reference}},
    )
    link.delete()
    _touch(link.case)


@transaction.atomic
def case_entity_link(*, actor: User, case: Case, entity: Entity, reason: str = "") -> CaseEntity:
    reason = reason.strip()
    lengths_check({"reason": (reason, REASON_MAX)})
    if not reason:
        raise ValidationError({"reason": _("Say why this entity belongs to the case.")})
    if CaseEntity.objects.filter(case=case, entity=entity).exists():
        raise ValidationError(
            {"entity": _("%(name)s is already linked to this case.") % {"name": entity.label}}
        )
    link = CaseEntity.objects.create(case=case, entity=entity, reason=reason, linked_by=actor)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        changes={
            "entity_linked": {
                "entity": entity.pk,
                "kind": entity.kind,
                "label": entity.label,
                "reason": reason,
            }
        },
    )
    _touch(case)
    search_index_refresh(kind="entity", ids=[entity.pk])
    return link


@transaction.atomic
def case_entity_unlink(*, actor: User, link: CaseEntity) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=link.case,
        changes={"entity_unlinked": {"entity": link.entity_id, "label": link.entity.label}},
    )
    link.delete()
    _touch(link.case)
    search_index_refresh(kind="entity", ids=[link.entity_id])


def case_consult(*, actor: User, case: Case, what: str = "page") -> None:
    """Record a consultation of ``case`` (its page, the API, a download) in the audit."""
    audit_record(actor=actor, action=AuditAction.VIEW, obj=case, changes={"consulted": what})
