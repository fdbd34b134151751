"""The live map's consultations, audited."""

from dispatch.services.tracks import OBJECT_TYPE
from portal.models import AuditAction, AuditRecord, User
from portal.services.audit import audit_record


def live_map_view_audit(*, actor: User) -> AuditRecord:
    """Record that ``actor`` opened the live map, which shows every unit's current
    position and its track over the last minutes. Once per opening of the page: its
    polls only keep that same picture current and are not recorded one by one."""
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=OBJECT_TYPE,
        object_repr="live map",
        changes={"page": "live map"},
    )
