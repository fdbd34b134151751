"""Planning use cases: patrol zones, shifts, geofence alerts."""

from django.db import transaction
from django.utils import timezone

from dispatch.models import GeofenceAlert
from portal.models import AuditAction, User
from portal.services.audit import audit_record


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: GeofenceAlert) -> GeofenceAlert:
    """Mark ``alert`` as seen by ``actor``. Idempotent: an alert another dispatcher
    acknowledged first keeps that acknowledgement (the row is locked, so two clicks at
    once are served one after the other and only the first is recorded)."""
    alert = GeofenceAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        return alert
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor
    alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=alert,
        changes={"acknowledged_at": alert.acknowledged_at.isoformat()},
    )
    return alert
