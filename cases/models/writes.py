"""The writes a device made to a violation, by the key the device gave each one.

A phone on a weak network sends a goods line, a person or a photo, and the answer is
lost: it cannot tell whether the server acted, so it sends again (the outbox, a second
tap, a reload). Each write carries a key the device drew for it; the first request with
that key acts and records here what it made, a later one finds the record and returns the
same result instead of adding a second line."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class ClientWriteKind(models.TextChoices):
    GOODS = "goods", _("Goods line")
    ENTITY = "entity", _("Person, vehicle or company")
    EVIDENCE = "evidence", _("Photo or document")
    SUBMIT = "submit", _("Submission")
    UPDATE = "update", _("Correction")


class ClientWrite(models.Model):
    violation = models.ForeignKey(
        "cases.Violation",
        verbose_name=_("violation"),
        on_delete=models.CASCADE,
        related_name="client_writes",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ClientWriteKind.choices)
    client_key = models.UUIDField(_("client key"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The id of what the first request made (a goods line, an involvement, an evidence
    # file; the violation itself for a submission or a correction).
    result_id = models.BigIntegerField(_("result"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("device write")
        verbose_name_plural = _("device writes")
        constraints = [
            models.UniqueConstraint(
                fields=["violation", "kind", "client_key"], name="client_write_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.client_key}"
