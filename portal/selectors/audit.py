"""Reads of the core: audit trail, users and units, through permission checks."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from portal.models import AuditRecord, User
from portal.models.audit import GENESIS_HASH


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    text: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_list_for_user(*, user: User, filters: AuditFilter) -> QuerySet[AuditRecord]:
    if not user.has_perm("portal.view_auditrecord"):
        raise PermissionDenied
    records = AuditRecord.objects.select_related(None).order_by("-id")
    if filters.actor:
        records = records.filter(actor_username__iexact=filters.actor)
    if filters.action:
        records = records.filter(action=filters.action)
    if filters.object_type:
        records = records.filter(object_type=filters.object_type)
    if filters.object_id:
        records = records.filter(object_id=filters.object_id)
    if filters.text:
        records = records.filter(
            Q(object_repr__icontains=filters.text) | Q(reason__icontains=filters.text)
        )
    tz = timezone.get_current_timezone()
    if filters.date_from:
        records = records.filter(occurred_at__gte=datetime.combine(filters.date_from, time.min, tz))
    if filters.date_to:
        records = records.filter(occurred_at__lte=datetime.combine(filters.date_to, time.max, tz))
    return records


@dataclass(frozen=True)
class ChainBreak:
    record_id: int
    problem: str


def audit_chain_verify(*, batch_size: int = 5000) -> tuple[int, ChainBreak | None]:
    """Walk the chain in id order; return how many records were checked and the first
    broken link, if any. Streams in batches so a long trail does not fill memory."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditRecord.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return checked, None
        for record in batch:
            if record.prev_hash != expected_prev:
                return checked, ChainBreak(record.id, "does not link to the record before it")
            if record.compute_hash() != record.record_hash:
                return checked, ChainBreak(record.id, "content does not match its hash")
            expected_prev = record.record_hash
            checked += 1
            last_id = record.id
