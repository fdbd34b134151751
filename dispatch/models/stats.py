"""The nightly per-unit day roll-up of distance and hours."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dispatch.models.units import MobileUnit


class UnitDayStats(models.Model):
    """A unit's movement on one local day (settings.TIME_ZONE), rolled up nightly from
    its position reports (dispatch.services.stats) so the monthly figures read one row
    per unit and day instead of every report. Every unit has a row for every rolled-up
    day, with zeros when it did not report."""

    unit = models.ForeignKey(
        MobileUnit,
        verbose_name=pgettext_lazy("mobile unit", "unit"),
        on_delete=models.CASCADE,
        related_name="day_stats",
    )
    day = models.DateField(_("day"))
    distance_m = models.FloatField(_("distance (m)"), default=0)
    report_count = models.PositiveIntegerField(_("position reports"), default=0)
    hours_with_reports = models.PositiveSmallIntegerField(_("hours with reports"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("unit day statistics")
        verbose_name_plural = _("unit day statistics")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="unit_day_stats_once_per_day")
        ]
        indexes = [models.Index(fields=["day"], name="unit_day_stats_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.day:%Y-%m-%d}"
