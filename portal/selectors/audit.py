"""Reads of the core: audit trail, users and units, through permission checks."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from portal.lib.audit_chain import GENESIS_HASH
from portal.models import AuditRecord, User
from portal.models.audit import ChainScheme


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


@dataclass(frozen=True)
class ChainWalk:
    """What a walk of the chain found: the records checked before the first break (all
    of them when there is none), how many were unkeyed, the first keyed record."""

    checked: int
    unkeyed: int
    first_keyed_id: int | None
    broken: ChainBreak | None


def _record_problem(record: AuditRecord, expected_prev: str, keyed_seen: bool) -> str:
    if record.prev_hash != expected_prev:
        return "does not link to the record before it"
    if record.chain_scheme not in ChainScheme.values:
        return f"names an unknown hash scheme {record.chain_scheme!r}"
    if record.chain_scheme == ChainScheme.UNKEYED and keyed_seen:
        return (
            "is unkeyed (plain SHA-256) after keyed records: the chain was rewritten "
            "without the audit key"
        )
    if record.compute_hash() != record.record_hash:
        if record.chain_scheme == ChainScheme.KEYED:
            return (
                "content does not match its hash (HMAC with the audit key): the record was "
                "edited, or its hash recomputed without the key"
            )
        return "content does not match its hash"
    return ""


def audit_chain_verify(
    *, batch_size: int = 5000, on_batch: Callable[[int], None] | None = None
) -> ChainWalk:
    """Walk the chain in id order and stop at the first broken link. Streams in batches
    so a long trail does not fill memory. Needs the audit key once a record is keyed
    (raises ``AuditKeyMissing`` without it). ``on_batch(checked)`` is called after each
    batch (a job's progress)."""
    expected_prev = GENESIS_HASH
    checked = unkeyed = last_id = 0
    first_keyed_id: int | None = None
    while True:
        batch = list(AuditRecord.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return ChainWalk(checked, unkeyed, first_keyed_id, None)
        for record in batch:
            problem = _record_problem(record, expected_prev, first_keyed_id is not None)
            if problem:
                return ChainWalk(checked, unkeyed, first_keyed_id, ChainBreak(record.id, problem))
            if record.chain_scheme == ChainScheme.UNKEYED:
                unkeyed += 1
            elif first_keyed_id is None:
                first_keyed_id = record.id
            expected_prev = record.record_hash
            checked += 1
            last_id = record.id
        if on_batch is not None:
            on_batch(checked)


@dataclass(frozen=True)
class ChainHead:
    record_id: int
    record_hash: str
    count: int
    first_keyed_id: int | None


def audit_chain_head() -> ChainHead | None:
    """The newest record, how many there are and the first keyed one, read in one
    statement so the three agree (records commit in chain order under the chain lock)."""
    table = connection.ops.quote_name(AuditRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT head.id, head.record_hash,
                   (SELECT count(*) FROM {table}),
                   (SELECT id FROM {table} WHERE chain_scheme = %s ORDER BY id LIMIT 1)
            FROM {table} AS head ORDER BY head.id DESC LIMIT 1
            """,  # noqa: S608  the table name is our own, quoted
            [ChainScheme.KEYED.value],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return ChainHead(record_id=row[0], record_hash=row[1], count=row[2], first_keyed_id=row[3])


def audit_record_hashes(*, record_ids: set[int], batch_size: int = 5000) -> dict[int, str]:
    """The stored hash of each of these records that still exists."""
    wanted = sorted(record_ids)
    found: dict[int, str] = {}
    for start in range(0, len(wanted), batch_size):
        chunk = wanted[start : start + batch_size]
        found.update(AuditRecord.objects.filter(id__in=chunk).values_list("id", "record_hash"))
    return found
