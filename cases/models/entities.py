"""The entity registry, shared by violations and cases: one vehicle is one record
everywhere. Identifiers are normalised (cases/lib/identifiers.py) into ``key`` so that the
same plate typed two ways is found as the same entity."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _


class EntityKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")
    VEHICLE = "vehicle", _("Vehicle")
    VESSEL = "vessel", _("Vessel")
    CONTAINER = "container", _("Container")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    ADDRESS = "address", _("Address")
    IDENTITY_DOCUMENT = "identity_document", _("Identity document")
    BANK_ACCOUNT = "bank_account", _("Bank account")
    SHIPMENT = "shipment", _("Shipment / declaration")


class Entity(models.Model):
    kind = models.CharField(_("kind"), max_length=30, choices=EntityKind.choices, db_index=True)
    label = models.CharField(_("name"), max_length=300)
    # Normalised identifier (plate with country, VIN, IBAN, E.164 phone, document
    # number with country and type...); empty where a kind has none (a person).
    key = models.CharField(_("identifier"), max_length=200, blank=True)
    properties = models.JSONField(_("properties"), default=dict, blank=True)
    provenance = models.CharField(_("provenance"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["label"]
        permissions = [("export_entity", "Can export entities")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=~models.Q(key=""),
                name="entity_unique_key_per_kind",
            )
        ]
        indexes = [
            GinIndex(name="entity_label_trgm", fields=["label"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="entity_key_trgm", fields=["key"], opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.label


class Relation(models.Model):
    """A typed, dated link between two entities, with who or what said so."""

    source = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(_("relation"), max_length=40)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("to"), null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(_("confidence (%)"), default=100)
    provenance = models.CharField(_("provenance"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidence__lte=100), name="relation_confidence_max_100"
            ),
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="relation_unique_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} —{self.kind}→ {self.target}"
