"""Mobile units' operational state and their position reports.

Positions are high-volume and append-only: one row per report, unique per unit and
device time (a re-sent batch inserts nothing twice), a BRIN index on time for range
scans over months, and the unit's latest position kept on the unit itself so that
"where is everybody now" reads one row per unit.
"""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import BrinIndex
from django.utils.translation import gettext_lazy as _


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    BUSY = "busy", _("Busy")
    OFF_DUTY = "off_duty", _("Off duty")
    OUT_OF_SERVICE = "out_of_service", _("Out of service")


class MobileUnit(models.Model):
    org_unit = models.OneToOneField(
        "portal.OrgUnit",
        verbose_name=_("organisational unit"),
        on_delete=models.PROTECT,
        related_name="mobile_unit",
    )
    call_sign = models.CharField(_("call sign"), max_length=20, unique=True)
    vehicle_plate = models.CharField(_("vehicle"), max_length=20, blank=True)
    home_base = models.PointField(_("home base"), srid=4326, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=UnitStatus.choices, default=UnitStatus.OFF_DUTY
    )
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)
    last_position = models.PointField(_("last position"), srid=4326, null=True, blank=True)
    last_reported_at = models.DateTimeField(_("last report (device time)"), null=True, blank=True)
    last_accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    last_speed_kmh = models.FloatField(_("speed (km/h)"), null=True, blank=True)
    last_heading_deg = models.FloatField(_("heading (°)"), null=True, blank=True)

    class Meta:
        verbose_name = _("mobile unit")
        verbose_name_plural = _("mobile units")
        ordering = ["call_sign"]

    def __str__(self) -> str:
        return self.call_sign


class UnitDevice(models.Model):
    """A phone or vehicle tracker that reports a unit's position with its own token.
    Only the token's SHA-256 is stored; the token itself is shown once, at registration."""

    unit = models.ForeignKey(MobileUnit, on_delete=models.CASCADE, related_name="devices")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit device")
        verbose_name_plural = _("unit devices")

    def __str__(self) -> str:
        return f"{self.unit} · {self.name}"


class PositionSource(models.TextChoices):
    DEVICE = "device", _("Device")
    BROWSER = "browser", _("Browser geolocation")


class PositionReport(models.Model):
    unit = models.ForeignKey(MobileUnit, on_delete=models.PROTECT, related_name="+", db_index=False)
    device = models.ForeignKey(
        UnitDevice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    device_time = models.DateTimeField(_("device time"))
    received_at = models.DateTimeField(_("received"))
    point = models.PointField(_("position"), srid=4326, spatial_index=False)
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    speed_kmh = models.FloatField(_("speed (km/h)"), null=True, blank=True)
    heading_deg = models.FloatField(_("heading (°)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=PositionSource.choices)

    class Meta:
        verbose_name = _("position report")
        verbose_name_plural = _("position reports")
        constraints = [
            # Idempotent ingestion: the same report sent twice is one row.
            models.UniqueConstraint(
                fields=["unit", "device_time"], name="position_unique_per_unit_time"
            ),
        ]
        indexes = [BrinIndex(fields=["device_time"], name="position_time_brin")]

    def __str__(self) -> str:
        return f"{self.unit_id} @ {self.device_time:%Y-%m-%d %H:%M:%S}"
