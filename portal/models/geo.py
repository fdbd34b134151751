"""Reference geography every part of the portal shows and measures against: country
areas and the operational area, border lines, border crossing points and customs posts.
Loaded from the attributed data files in portal/data/ (``manage.py load_reference_data``)."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class AreaKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    OPERATIONAL = "operational", _("Operational area")


class ReferenceArea(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=AreaKind.choices)
    geometry = models.MultiPolygonField(_("geometry"), srid=4326)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reference area")
        verbose_name_plural = _("reference areas")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class BorderLine(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    left_country = models.CharField(_("country on the left"), max_length=3)
    right_country = models.CharField(_("country on the right"), max_length=3)
    is_external = models.BooleanField(_("EU external border"), default=False)
    geometry = models.MultiLineStringField(_("geometry"), srid=4326)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("border line")
        verbose_name_plural = _("border lines")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CrossingPointKind(models.TextChoices):
    ROAD = "road", _("Road crossing")
    RAIL = "rail", _("Rail crossing")
    SEAPORT = "seaport", _("Seaport")
    AIRPORT = "airport", _("Airport")
    CUSTOMS_POST = "customs_post", _("Inland customs post")


class CrossingPoint(models.Model):
    """A border crossing point or customs post (UN/LOCODE where it has one)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    kind = models.CharField(_("kind"), max_length=20, choices=CrossingPointKind.choices)
    point = models.PointField(_("location"), srid=4326, geography=False)
    is_active = models.BooleanField(_("active"), default=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("crossing point")
        verbose_name_plural = _("crossing points")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
