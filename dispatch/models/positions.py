"""Position reports: append-only, one per unit and device time."""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import BrinIndex
from django.utils.translation import gettext_lazy as _

from dispatch.models.units import MobileUnit, UnitDevice


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
