"""The auditor's review of the trail: activity per person and hour (a summary the flag
rules and the activity chart read instead of the whole trail), and the reviews of
flagged unusual access.

The summary is derived data, rebuilt from the trail at any time; the trail itself stays
the one record. A review is a decision of an administrator, written with the audit
record that says so.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditFlagRule(models.TextChoices):
    VOLUME = "volume", _("Volume far above usual")
    DOSSIER_OUTSIDE_CASES = "dossier_outside", _("Dossiers outside own cases")
    PERSON_SEARCH = "person_search", _("Searches for people")
    OUT_OF_HOURS = "out_of_hours", _("Out-of-hours use")
    EXPORT = "export", _("Exports and downloads")


class AuditActivityHour(models.Model):
    """How many audit records one person wrote in one hour (UTC, which Europe/Vilnius
    divides into whole local hours), and how many of them each rule looks at."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    hour = models.DateTimeField()
    total = models.PositiveIntegerField(default=0)
    dossiers_outside = models.PositiveIntegerField(default=0)
    person_searches = models.PositiveIntegerField(default=0)
    exports = models.PositiveIntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["person", "hour"], name="portal_activity_person_hour")
        ]
        indexes = [models.Index(fields=["hour"], name="portal_activity_hour")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.hour:%Y-%m-%d %H}:00 {self.total}"


class AuditActivityMark(models.Model):
    """The last audit record counted into the summary (one row)."""

    last_record_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"up to #{self.last_record_id}"


class AuditFlagReview(models.Model):
    """An administrator's review of one flag: a rule, a person and a local day."""

    rule = models.CharField(_("flag"), max_length=20, choices=AuditFlagRule.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    day = models.DateField(_("day"))
    note = models.TextField(_("note"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        verbose_name = _("flag review")
        verbose_name_plural = _("flag reviews")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "person", "day"], name="portal_flag_review_once"
            ),
            models.CheckConstraint(
                condition=models.Q(rule__in=AuditFlagRule.values),
                name="portal_flag_review_rule_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.person_id} {self.day}"
