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
