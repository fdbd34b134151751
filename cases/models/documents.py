"""What is read out of a case's documents: the text extracted from each file (PDF, Word,
e-mail, plain text), the attachments an e-mail carried (each its own CaseDocument, linked
here to the message it came in), and the identifiers and names found in the text, offered
to the case team as suggestions to accept or reject.

The originals stay CaseDocuments, kept exactly as received (cases/models/investigations.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("text extraction", "Waiting")
    DONE = "done", pgettext_lazy("text extraction", "Text extracted")
    FAILED = "failed", pgettext_lazy("text extraction", "Could not be read")


class DocumentText(models.Model):
    """The text of one case document, bounded (DOCUMENT_TEXT_MAX_CHARS)."""

    document = models.OneToOneField(
        "cases.CaseDocument", on_delete=models.CASCADE, related_name="extraction"
    )
    # The e-mail this document was attached to; null for a file uploaded by a person.
    parent = models.ForeignKey(
        "cases.CaseDocument",
        verbose_name=_("attached to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachment_texts",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ExtractionStatus.choices,
        default=ExtractionStatus.PENDING,
    )
    text = models.TextField(_("extracted text"), blank=True)
    truncated = models.BooleanField(_("text cut at the limit"), default=False)
    message = models.CharField(_("message"), max_length=500, blank=True)
    job = models.ForeignKey(
        "portal.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    extracted_at = models.DateTimeField(_("extracted"), null=True, blank=True)

    class Meta:
        verbose_name = _("document text")
        verbose_name_plural = _("document texts")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.status}"


class SuggestionKind(models.TextChoices):
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("E-mail address")
    IBAN = "iban", _("IBAN")
    CONTAINER = "container", _("Container number")
    PLATE = "plate", _("Vehicle plate")
    MRN = "mrn", _("MRN")
    HS_CODE = "hs_code", _("HS code")
    DATE = "date", _("Date")
    NAME = "name", _("Name in the registry")


class SuggestionStatus(models.TextChoices):
    OFFERED = "offered", pgettext_lazy("suggestion", "Offered")
    ACCEPTED = "accepted", pgettext_lazy("suggestion", "Accepted")
    REJECTED = "rejected", pgettext_lazy("suggestion", "Rejected")


class DocumentSuggestion(models.Model):
    """Something found in a document's text that may belong to the case. One per case,
    kind and value: a value rejected once is not offered again by any document of the
    case, and one accepted is not offered twice."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(
        "cases.CaseDocument", on_delete=models.CASCADE, related_name="suggestions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SuggestionKind.choices)
    # The normalised value (E.164 phone, compact IBAN, plate "LT:ABC123"...); for a name
    # the registry entity's id is in ``entity``.
    value = models.CharField(_("value"), max_length=300)
    sentence = models.CharField(_("sentence"), max_length=600)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.OFFERED,
    )
    entity = models.ForeignKey(
        "cases.Entity", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion from a document")
        verbose_name_plural = _("suggestions from documents")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "value"], name="document_suggestion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"
