"""Writing to the audit trail. Every service that changes state, and every view that
shows case, person or export data, calls ``audit_record``."""

import json
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from portal.models import AuditAction, AuditRecord, User
from portal.models.audit import GENESIS_HASH, ChainScheme
from portal.request_context import current_request_context

# The reason an administrator gives for an action on someone's account, kept in the
# audit trail: a sentence and a ticket number.
REASON_MAX = 500

# One lock for the whole chain: two transactions appending at once would both link to
# the same predecessor. The lock is held until commit, so records are chained in the
# order their transactions commit and ids increase along the chain.
AUDIT_CHAIN_LOCK_ID = 0x41554449  # "AUDI"


def _json_safe(value: Any) -> Any:
    """Round-trip through JSON so the stored value hashes the same after reading back."""
    return json.loads(json.dumps(value, default=str, sort_keys=True))


def audit_record(
    *,
    actor: User | None,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditRecord:
    """Append one record to the chain, inside the caller's transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    context = current_request_context.get()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK_ID])
        last = AuditRecord.objects.order_by("-id").values_list("record_hash", flat=True).first()
        record = AuditRecord(
            occurred_at=timezone.now(),
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_username=actor.get_username() if actor is not None else "",
            ip_address=context.ip_address,
            user_agent=context.user_agent[:300],
            request_id=context.request_id,
            action=str(action),
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr[:300],
            changes=_json_safe(changes or {}),
            reason=reason,
            prev_hash=last or GENESIS_HASH,
            chain_scheme=ChainScheme.KEYED,
        )
        # HMAC with the audit key (AuditKeyMissing without one: the record is not written).
        record.record_hash = record.compute_hash()
        record.save()
    return record


def model_changes(
    instance: models.Model, fields: list[str], before: dict[str, Any]
) -> dict[str, Any]:
    """{field: [old, new]} for the fields whose value changed."""
    diff: dict[str, Any] = {}
    for field in fields:
        new = getattr(instance, field)
        if before.get(field) != new:
            diff[field] = [before.get(field), new]
    return diff
