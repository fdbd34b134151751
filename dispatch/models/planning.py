"""Patrol zones, shifts and the zone alerts raised when a unit leaves its zone."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dispatch.models.units import MobileUnit


class PatrolZone(models.Model):
    """An area a unit patrols during a shift, drawn on the map."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    area = models.PolygonField(_("area"), srid=4326)
    colour = models.CharField(_("colour"), max_length=7, default="#2563eb")
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("patrol zone")
        verbose_name_plural = _("patrol zones")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    """A unit on duty from ``starts_at`` to ``ends_at``, patrolling ``zone``."""

    unit = models.ForeignKey(
        MobileUnit,
        verbose_name=pgettext_lazy("mobile unit", "unit"),
        on_delete=models.PROTECT,
        related_name="shifts",
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    zone = models.ForeignKey(
        PatrolZone,
        verbose_name=_("patrol zone"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shifts",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "unit__call_sign"]
        indexes = [models.Index(fields=["unit", "starts_at"], name="shift_unit_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.starts_at:%Y-%m-%d %H:%M}"


class GeofenceAlert(models.Model):
    """A unit on shift reported a position outside its shift's patrol zone. Open until
    the unit is back inside (``returned_at``); a dispatcher acknowledges it."""

    unit = models.ForeignKey(
        MobileUnit,
        verbose_name=pgettext_lazy("mobile unit", "unit"),
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="alerts")
    zone = models.ForeignKey(PatrolZone, on_delete=models.PROTECT, related_name="alerts")
    left_at = models.DateTimeField(_("left the zone"))
    position = models.PointField(_("position"), srid=4326)
    distance_m = models.FloatField(_("distance from the zone (m)"))
    returned_at = models.DateTimeField(_("back in the zone"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("geofence alert")
        verbose_name_plural = _("geofence alerts")
        ordering = ["-left_at"]
        constraints = [
            # At most one open alert per unit: a unit outside its zone raises it once.
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(returned_at__isnull=True),
                name="geofence_one_open_alert_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.left_at:%Y-%m-%d %H:%M}"
