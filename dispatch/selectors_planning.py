"""Reads for planning: patrol zones, shifts, geofence alerts."""

from django.db.models import QuerySet
from django.http import Http404

from dispatch.models import GeofenceAlert
from portal.models import User


def alert_list_for_user(*, user: User) -> QuerySet[GeofenceAlert]:
    """Geofence alerts ``user`` may see (all of them with ``view_geofencealert``)."""
    alerts = GeofenceAlert.objects.select_related("unit", "zone", "shift", "acknowledged_by")
    if not user.has_perm("dispatch.view_geofencealert"):
        return alerts.none()
    return alerts


def alert_get_for_user(*, user: User, pk: int) -> GeofenceAlert:
    alert = alert_list_for_user(user=user).filter(pk=pk).first()
    if alert is None:
        raise Http404
    return alert
