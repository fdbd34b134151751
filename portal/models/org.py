"""The organisation tree: departments and mobile units.

dispatch/ adds the operational state of mobile units (status, positions, shifts) on its
own side; here a unit is only a place in the organisation that users belong to.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgUnitKind(models.TextChoices):
    HEADQUARTERS = "headquarters", _("Headquarters")
    DEPARTMENT = "department", _("Department")
    MOBILE_UNIT = "mobile_unit", _("Mobile unit")
    CUSTOMS_POST = "customs_post", _("Customs post")


class OrgUnit(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head of unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_units",
    )

    # Not a field: the unit's one name where an app names it better (a mobile unit is
    # "MED-1 · Medininkai" on every page), set by portal.selectors.users.org_units_named.
    shown_name: str = ""

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name to show: the one an app gave it (``shown_name``), else its name."""
        return self.shown_name or self.name

    def ancestors(self) -> list["OrgUnit"]:
        """The chain from the root down to this unit's parent (the tree is shallow)."""
        chain: list[OrgUnit] = []
        node = self.parent
        while node is not None and len(chain) < 20:
            chain.insert(0, node)
            node = node.parent
        return chain
