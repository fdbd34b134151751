"""Investigation cases: the analyst's file on a matter, with its team, the violations,
entities, documents, notes and events it holds.

Need-to-know: a ``restricted`` case and what only it holds are visible to its team and
administrators alone (cases/selectors/investigations.py decides reach, in one place).
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "Open")
    ACTIVE = "active", pgettext_lazy("case status", "Active investigation")
    REFERRED = "referred", pgettext_lazy("case status", "Referred to prosecution")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")


class CasePriority(models.IntegerChoices):
    LOW = 1, pgettext_lazy("case priority", "Low")
    NORMAL = 2, pgettext_lazy("case priority", "Normal")
    HIGH = 3, pgettext_lazy("case priority", "High")
    URGENT = 4, pgettext_lazy("case priority", "Urgent")


class CaseRole(models.TextChoices):
    LEAD = "lead", pgettext_lazy("case role", "Lead analyst")
    ANALYST = "analyst", pgettext_lazy("case role", "Analyst")
    INVESTIGATOR = "investigator", pgettext_lazy("case role", "Investigator")
    VIEWER = "viewer", pgettext_lazy("case role", "Viewer (read only)")


# The roles that work a case (add, link, upload); a viewer reads only.
WORKING_ROLES = frozenset({CaseRole.LEAD, CaseRole.ANALYST, CaseRole.INVESTIGATOR})


class Case(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=CasePriority.choices, default=CasePriority.NORMAL
    )
    lead_analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead analyst"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    restricted = models.BooleanField(
        _("restricted (need-to-know)"),
        default=False,
        help_text=_("Only the case team and administrators see a restricted case."),
    )
    template = models.ForeignKey(
        "cases.CaseTemplate",
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The case's link chart as last saved: {"positions": {entity id: [x, y]}}; read back
    # only within the reader's reach (cases.selectors.case_chart).
    chart_layout = models.JSONField(_("link chart layout"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-updated_at", "-id"]
        permissions = [
            ("view_all_cases", "Can view every case, restricted ones too"),
            ("export_case", "Can export cases and extract a case for another agency"),
        ]
        indexes = [
            models.Index(fields=["status", "-updated_at"], name="case_status_idx"),
            models.Index(fields=["restricted"], name="case_restricted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("investigations:case-detail", kwargs={"pk": self.pk})


class CaseMember(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="case_memberships",
    )
    role = models.CharField(_("role in the case"), max_length=20, choices=CaseRole.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("case team member")
        verbose_name_plural = _("case team")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_member_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.user} ({self.role})"


class CaseLink(models.Model):
    """Why something was linked to a case, who linked it and when."""

    reason = models.CharField(_("why linked"), max_length=300, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        abstract = True


class CaseViolation(CaseLink):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="violation_links")
    violation = models.ForeignKey(
        "cases.Violation", on_delete=models.PROTECT, related_name="case_links"
    )

    class Meta:
        verbose_name = _("linked violation")
        verbose_name_plural = _("linked violations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "violation"], name="case_violation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} - {self.violation_id}"


class CaseEntity(CaseLink):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entity_links")
    entity = models.ForeignKey("cases.Entity", on_delete=models.PROTECT, related_name="case_links")

    class Meta:
        verbose_name = _("linked entity")
        verbose_name_plural = _("linked entities")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "entity"], name="case_entity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} - {self.entity_id}"


def case_document_path(instance: "CaseDocument", filename: str) -> str:
    # Stored under its hash: an original is written once and never replaced.
    return f"case-documents/{instance.sha256[:2]}/{instance.sha256}"


class CaseDocument(models.Model):
    """A file of the case, kept exactly as received (never modified), with its SHA-256."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=case_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sha256"], name="case_document_unique")
        ]

    def __str__(self) -> str:
        return self.original_name


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:60]


class CaseEvent(models.Model):
    """Something that happened, at a moment or over a period, maybe at a place."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("what happened"), max_length=200)
    starts_at = models.DateTimeField(_("when (from)"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    place = models.PointField(_("place"), srid=4326, null=True, blank=True)
    place_description = models.CharField(_("place description"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="case_event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title
