"""Notices from the operations centre to units, and their read receipts."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dispatch.models.units import MobileUnit


class NoticePriority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class Notice(models.Model):
    """A message from the operations centre to mobile units: information, not work (a
    road closed, a wanted vehicle, a change of procedure). Unlike a task it has no
    lifecycle; a unit only confirms it has read it (NoticeReceipt).

    Addressed to the units in ``units`` or, with ``all_units``, to every unit (those
    created later included). Active until ``expires_at`` (never, when empty) or until
    the operations centre withdraws it."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    priority = models.CharField(
        _("priority"),
        max_length=10,
        choices=NoticePriority.choices,
        default=NoticePriority.NORMAL,
    )
    location = models.PointField(_("place"), srid=4326, null=True, blank=True)
    violation = models.ForeignKey(
        "cases.Violation",
        verbose_name=_("violation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    all_units = models.BooleanField(_("all units"), default=False)
    units = models.ManyToManyField(
        MobileUnit,
        verbose_name=pgettext_lazy("mobile unit", "units"),
        blank=True,
        related_name="notices",
    )
    created_by = models.ForeignKey(
        "portal.User", verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "portal.User",
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The active ones (not withdrawn) newest first: what every officer's page
            # and the dispatcher's list read.
            models.Index(
                fields=["-created_at"],
                name="notice_active_idx",
                condition=models.Q(withdrawn_at__isnull=True),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=True)
                | models.Q(expires_at__gt=models.F("created_at")),
                name="notice_expires_after_sent",
            )
        ]

    def __str__(self) -> str:
        return self.title


class NoticeReceipt(models.Model):
    """A unit has read a notice: the first of its officers to mark it read, and when.
    One per notice and unit."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="receipts"
    )
    unit = models.ForeignKey(
        MobileUnit,
        verbose_name=pgettext_lazy("mobile unit", "unit"),
        on_delete=models.PROTECT,
        related_name="notice_receipts",
    )
    read_by = models.ForeignKey(
        "portal.User", verbose_name=_("read by"), on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("notice receipt")
        verbose_name_plural = _("notice receipts")
        ordering = ["read_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "unit"], name="notice_receipt_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} · {self.unit_id}"
