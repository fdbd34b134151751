"""The work of a case: templates that start one, tasks with due dates (reminded once
before), and mutual-assistance requests to and from other agencies."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class CaseTemplate(models.Model):
    """A kind of case: its title prefix, the tasks it starts with (``tasks``: a list of
    {"en", "lt", "due_days"}) and the note skeletons (``notes``: a list of {"en", "lt"})."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_lt = models.CharField(_("name (Lithuanian)"), max_length=200)
    title_prefix_en = models.CharField(_("title prefix (English)"), max_length=100)
    title_prefix_lt = models.CharField(_("title prefix (Lithuanian)"), max_length=100)
    tasks = models.JSONField(_("tasks"), default=list, blank=True)
    notes = models.JSONField(_("note skeletons"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("case template")
        verbose_name_plural = _("case templates")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_lt if (get_language() or "").startswith("lt") else self.name_en

    @property
    def title_prefix(self) -> str:
        lithuanian = (get_language() or "").startswith("lt")
        return self.title_prefix_lt if lithuanian else self.title_prefix_en


class CaseTask(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # Set when the reminder was sent: a reminder goes once (claimed by a conditional UPDATE).
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("case task")
        verbose_name_plural = _("case tasks")
        ordering = ["done", "due_date", "id"]
        indexes = [
            models.Index(
                fields=["due_date"],
                name="case_task_reminder_idx",
                condition=models.Q(done=False, reminded_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.title


class AssistanceDirection(models.TextChoices):
    OUTGOING = "outgoing", pgettext_lazy("assistance request", "Sent by us")
    INCOMING = "incoming", pgettext_lazy("assistance request", "Received by us")


class Agency(models.TextChoices):
    NEIGHBOUR_CUSTOMS = "customs", _("Neighbouring customs")
    RILO = "rilo", _("RILO")
    OLAF = "olaf", _("OLAF")
    WCO = "wco", _("WCO")
    POLICE = "police", _("Police")
    OTHER = "other", _("Other agency")


class AssistanceStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("assistance request", "Draft")
    SENT = "sent", pgettext_lazy("assistance request", "Awaiting answer")
    ANSWERED = "answered", pgettext_lazy("assistance request", "Answered")
    CLOSED = "closed", pgettext_lazy("assistance request", "Closed")


class AssistanceRequest(models.Model):
    """A mutual-assistance request of a case, to or from another agency."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="assistance_requests"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=AssistanceDirection.choices)
    agency = models.CharField(_("agency"), max_length=20, choices=Agency.choices)
    agency_name = models.CharField(
        _("agency name"),
        max_length=200,
        blank=True,
        help_text=_("E.g. Polish National Revenue Administration, Riga customs office."),
    )
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=300,
        help_text=_("E.g. Naples II Convention, Art. 10; Regulation (EC) No 515/97."),
    )
    subject = models.TextField(_("what was asked"))
    their_reference = models.CharField(_("their reference"), max_length=100, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    due_on = models.DateField(_("answer due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AssistanceStatus.choices, default=AssistanceStatus.DRAFT
    )
    answer_document = models.ForeignKey(
        "cases.CaseDocument",
        verbose_name=_("answer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("mutual-assistance request")
        verbose_name_plural = _("mutual-assistance requests")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__isnull=True)
                | models.Q(sent_on__isnull=True)
                | models.Q(due_on__gte=models.F("sent_on")),
                name="assistance_due_after_sent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_agency_display()} {self.sent_on or ''}".strip()

    @property
    def agency_label(self) -> str:
        return self.agency_name or str(self.get_agency_display())
