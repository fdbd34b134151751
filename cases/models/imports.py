"""Imports of structured files into the entity registry: the uploaded file, the mapping
of its columns to FtM entities and relations (saved by name, reusable from the API), and
one record per entity written from a row, which makes a second import of the same file
change nothing (docs/imports.md)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel workbook (XLSX)")
    JSON = "json", _("JSON (an array of objects)")
    JSONL = "jsonl", _("JSON lines")
    XML = "xml", _("XML")
    GEOJSON = "geojson", _("GeoJSON")
    FTM = "ftm", _("FtM entities (JSON lines)")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", pgettext_lazy("import status", "New")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Refused")


class ImportMapping(models.Model):
    """Columns to entities: ``entities`` is a list of
    ``{"ref": "A", "schema": "Company", "properties": {"name": "company_name", ...}}``
    (FtM property -> source column), ``relations`` a list of
    ``{"schema": "Ownership", "source": "B", "target": "A"}`` between those refs."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    file_format = models.CharField(_("format"), max_length=10, choices=ImportFormat.choices)
    # The XML element that holds one record (e.g. INDIVIDUAL), for XML files only.
    record_element = models.CharField(_("record element"), max_length=120, blank=True)
    entities = models.JSONField(_("entities"), default=list)
    relations = models.JSONField(_("relations"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DataImport(models.Model):
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=300)
    # The uploaded name with its path and unsafe characters removed.
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    file_format = models.CharField(_("format"), max_length=10, choices=ImportFormat.choices)
    # As detected (charset-normalizer) and as the analyst set it.
    detected_encoding = models.CharField(_("detected encoding"), max_length=40, blank=True)
    encoding = models.CharField(_("encoding"), max_length=40, blank=True)
    dataset = models.CharField(_("dataset"), max_length=120)
    mapping = models.ForeignKey(
        ImportMapping, on_delete=models.PROTECT, null=True, blank=True, related_name="imports"
    )
    valid_rows_only = models.BooleanField(_("import the valid rows"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    message = models.TextField(_("message"), blank=True)
    job = models.ForeignKey(
        "portal.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Per-stage counts: rows read, valid and invalid; entities created and matched to
    # ones already in the registry; rows of an earlier import of the same file skipped.
    rows_read = models.PositiveIntegerField(default=0)
    rows_valid = models.PositiveIntegerField(default=0)
    rows_invalid = models.PositiveIntegerField(default=0)
    entities_created = models.PositiveIntegerField(default=0)
    entities_matched = models.PositiveIntegerField(default=0)
    relations_created = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    error_report = models.FileField(
        _("error report"), upload_to="imports/errors/%Y/%m/", max_length=300, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")
        ordering = ["-created_at", "-pk"]
        permissions = [("import_entities", "Can import files into the entity registry")]

    def __str__(self) -> str:
        return f"{self.dataset} ({self.original_name})"

    def get_absolute_url(self) -> str:
        return reverse("entities:import-detail", args=[self.pk])

    @property
    def under_way(self) -> bool:
        """Its job is queued or running (a job cancelled before it ran leaves the import
        queued: it may be started again)."""
        if self.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            return False
        return self.job is not None and not self.job.finished

    @property
    def may_start(self) -> bool:
        return self.status != ImportStatus.DONE and not self.under_way

    @property
    def provenance(self) -> str:
        return f"import {self.dataset[:80]} sha256:{self.sha256[:16]}"


class ImportedRecord(models.Model):
    """One entity (``ref`` of the mapping) or relation written from one row of a file,
    whatever import wrote it: the file's SHA-256 and the row make it idempotent."""

    sha256 = models.CharField(max_length=64)
    row = models.PositiveIntegerField()
    ref = models.CharField(max_length=60)
    data_import = models.ForeignKey(DataImport, on_delete=models.CASCADE, related_name="records")
    entity = models.ForeignKey(
        "cases.Entity", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    relation = models.ForeignKey(
        "cases.Relation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The entity was already in the registry (same identifier, or same name and date of
    # birth) and the row's values joined it instead of a duplicate.
    matched = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sha256", "row", "ref"], name="imported_record_once_per_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sha256[:16]} row {self.row} {self.ref}"
