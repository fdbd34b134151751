"""Violation categories: seeded, edited by administrators, each with the facts it asks for."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.lib.language import is_lithuanian


class ViolationCategory(models.Model):
    """A kind of violation. ``field_definitions`` lists the extra facts its seizures need
    (aligned with the WCO CEN commodity templates); see cases/lib/category_fields.py."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=120)
    field_definitions = models.JSONField(_("category fields"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("violation category")
        verbose_name_plural = _("violation categories")
        ordering = ["sort_order", "code"]
        permissions = [("export_violationcategory", "Can export violation categories")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_lt if is_lithuanian() else self.name_en

    def field_definition(self, name: str) -> dict[str, Any] | None:
        return next((f for f in self.field_definitions if f.get("name") == name), None)
