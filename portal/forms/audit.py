"""The filters of the audit trail page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import AuditAction, AuditFlagRule
from portal.selectors.audit_review import FlagState
from portal.services.audit import REASON_MAX


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *AuditAction.choices]
    )
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    text = forms.CharField(label=_("Text"), required=False, max_length=200)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class AuditExportForm(AuditFilterForm):
    """The parameters of an export job: the trail's filters and the file's format."""

    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")], initial="xlsx"
    )


class FlagFilterForm(forms.Form):
    flag = forms.ChoiceField(
        label=_("Flag"), required=False, choices=[("", _("Every flag")), *AuditFlagRule.choices]
    )
    flag_state = forms.ChoiceField(
        label=_("Review"),
        required=False,
        choices=[
            (FlagState.OPEN, _("Not reviewed yet")),
            (FlagState.REVIEWED, _("Reviewed")),
            (FlagState.ALL, _("All")),
        ],
    )


class FlagReviewForm(forms.Form):
    rule = forms.ChoiceField(choices=AuditFlagRule.choices, widget=forms.HiddenInput)
    person = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    day = forms.DateField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Review note"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you checked and found; kept in the audit trail."),
        error_messages={"required": _("Write what you found.")},
    )
