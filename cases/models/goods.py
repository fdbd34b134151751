"""Goods: the Harmonized System nomenclature (shipped as data, see cases/data/SOURCES.md)
and the goods lines of violations."""

from django.contrib.gis.db import models
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from cases.models.violations import Violation


class HSCode(models.Model):
    """One entry of the Harmonized System: chapter (2 digits), heading (4), subheading (6)."""

    code = models.CharField(_("HS code"), max_length=6, primary_key=True)
    description = models.TextField(_("description"))
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    section = models.CharField(_("section"), max_length=5, blank=True)

    class Meta:
        verbose_name = _("HS code")
        verbose_name_plural = _("HS codes")
        ordering = ["code"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.code} {self.description[:80]}"


class QuantityUnit(models.TextChoices):
    PIECES = "pcs", _("pieces")
    PACKS = "packs", _("packs")
    KILOGRAMS = "kg", _("kg")
    GRAMS = "g", _("g")
    LITRES = "l", _("litres")
    CUBIC_METRES = "m3", _("m³")
    EUROS = "eur", _("EUR")


class GoodsLine(models.Model):
    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="goods")
    hs_code = models.ForeignKey(
        "cases.HSCode", verbose_name=_("HS code"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=3, validators=[MinValueValidator(0)]
    )
    quantity_unit = models.CharField(_("unit"), max_length=10, choices=QuantityUnit.choices)
    value_eur = models.DecimalField(
        _("estimated value (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    seized = models.BooleanField(_("seized"), default=True)

    class Meta:
        verbose_name = _("goods line")
        verbose_name_plural = _("goods lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="goods_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(value_eur__isnull=True) | models.Q(value_eur__gte=0),
                name="goods_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hs_code_id} {self.description}"
