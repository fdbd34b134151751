"""Mobile units, their status and their registered devices."""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.db.models import F
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
        # Officers serve in the unit of their organisational unit: they get its tasks
        # and report its position from the browser.
        permissions = [("serve_in_unit", _("Can serve in a mobile unit"))]
        indexes = [
            # "Nearest available unit" (dispatch.selectors.units_recommended_for): KNN
            # over the available units only, so no busy or off-duty unit is visited.
            # Given as an expression: GeoDjango's PostGIS schema editor builds an index
            # on one geometry field itself and drops its condition.
            GistIndex(
                F("last_position"),
                name="unit_available_position_gist",
                condition=models.Q(status="available", last_position__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.call_sign

    @property
    def label(self) -> str:
        """The unit's one name on every page: its call sign, which the radio uses, and
        the name of its organisational unit, "MED-1 · Medininkai". Reads the
        organisational unit: lists select it with the unit."""
        return unit_label(self.call_sign, self.org_unit.name)


def unit_label(call_sign: str, name: str) -> str:
    """``MobileUnit.label`` from its two parts (for rows read with ``values()``)."""
    return f"{call_sign} · {name}" if name and name != call_sign else call_sign


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
