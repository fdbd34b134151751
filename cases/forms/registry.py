"""Forms of the entity registry's pages. They check shape; the services check meaning."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import EntityKind, MatchStatus
from cases.selectors.registry import RegistryFilter


class RegistryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name or identifier"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *EntityKind.choices],
    )

    def to_filter(self) -> RegistryFilter:
        data = self.cleaned_data
        kind = data.get("kind") or ""
        return RegistryFilter(query=data.get("q") or "", kinds=[kind] if kind else [])


class MatchJudgeForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Judgement"),
        choices=[(MatchStatus.SAME, _("Same")), (MatchStatus.DIFFERENT, _("Different"))],
    )


class MatchMergeForm(forms.Form):
    keep = forms.IntegerField(label=_("Entity to keep"), min_value=1)


class DossierPurposeForm(forms.Form):
    """Why a person's or a company's dossier is opened outside one's own cases."""

    purpose = forms.CharField(
        label=_("Purpose of the consultation"),
        min_length=5,
        max_length=300,
        help_text=_("For example: a check requested by the border post, with its reference."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("State why you open this dossier."),
            "min_length": _("Say a little more: at least %(limit_value)d characters."),
        },
    )

    def clean_purpose(self) -> str:
        purpose = " ".join(self.cleaned_data["purpose"].split())
        if len(purpose) < 5:
            raise forms.ValidationError(_("Say a little more: at least 5 characters."))
        return purpose
