"""Violations as officers log them: where, when, what, who, with goods lines, linked
entities and evidence files."""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class ViolationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    LINKED = "linked", _("Linked to a case")


class LocationSource(models.TextChoices):
    GPS = "gps", _("Device GPS")
    MAP = "map", _("Map click")
    TYPED = "typed", _("Typed coordinates")
    EXIF = "exif", _("Photo EXIF")


class Violation(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    # Set by the device for each new entry: a retried submission carries the same key
    # and finds the violation it already created instead of making a second one.
    client_key = models.UUIDField(_("client key"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ViolationStatus.choices, default=ViolationStatus.DRAFT
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "portal.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="violations",
    )
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    location_accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    location_source = models.CharField(
        _("location source"), max_length=10, choices=LocationSource.choices, blank=True
    )
    place_description = models.CharField(_("place"), max_length=300, blank=True)
    crossing_point = models.ForeignKey(
        "portal.CrossingPoint",
        verbose_name=_("nearest crossing point"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.ForeignKey(
        "cases.ViolationCategory",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    details = models.JSONField(_("category details"), default=dict, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    outside_area_confirmed = models.BooleanField(
        _("outside the operational area, confirmed"), default=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-occurred_at", "-id"]
        permissions = [
            ("verify_violation", "Can verify violations"),
            ("export_violation", "Can export violations"),
            ("view_all_violations", "Can view violations of every unit"),
        ]
        indexes = [
            models.Index(fields=["-occurred_at", "-id"], name="violation_occurred_idx"),
            models.Index(fields=["status", "-occurred_at"], name="violation_status_idx"),
            models.Index(fields=["category", "-occurred_at"], name="violation_category_idx"),
            models.Index(fields=["unit", "-occurred_at"], name="violation_unit_idx"),
            models.Index(fields=["reported_by", "-occurred_at"], name="violation_reporter_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:violation-detail", kwargs={"pk": self.pk})

    @property
    def is_editable_by_reporter(self) -> bool:
        return self.status in (ViolationStatus.DRAFT, ViolationStatus.SUBMITTED)


class InvolvementRole(models.TextChoices):
    SUSPECT = "suspect", _("Suspect")
    DRIVER = "driver", _("Driver")
    PASSENGER = "passenger", _("Passenger")
    OWNER = "owner", _("Owner")
    CONSIGNOR = "consignor", _("Consignor")
    CONSIGNEE = "consignee", _("Consignee")
    CARRIER = "carrier", _("Carrier")
    VEHICLE_USED = "vehicle_used", _("Vehicle used")
    WITNESS = "witness", _("Witness")
    OTHER = "other", _("Other")


class ViolationEntity(models.Model):
    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="involvements")
    entity = models.ForeignKey(
        "cases.Entity", on_delete=models.PROTECT, related_name="involvements"
    )
    role = models.CharField(_("role"), max_length=20, choices=InvolvementRole.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("involved entity")
        verbose_name_plural = _("involved entities")
        constraints = [
            models.UniqueConstraint(
                fields=["violation", "entity", "role"], name="involvement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.violation_id}: {self.entity} ({self.role})"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # Stored under its hash: an original is written once and never replaced.
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to="evidence/thumbnails/", blank=True, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    exif_location = models.PointField(_("location in the photo"), srid=4326, null=True, blank=True)
    exif_taken_at = models.DateTimeField(_("taken at (photo)"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["violation", "sha256"], name="evidence_unique_per_violation"
            )
        ]

    def __str__(self) -> str:
        return self.original_name
