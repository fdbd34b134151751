"""Input cleaning for the case pages (the rules live in cases/services)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import CasePriority, CaseRole, CaseStatus
from cases.selectors.investigations import (
    CaseFilter,
    case_team_candidates,
    case_template_list,
)
from cases.services.investigations import REASON_MAX, SUMMARY_MAX, TITLE_MAX, CaseInput


class PersonChoiceField(forms.ModelChoiceField):
    """A person by their full name (their username where none is given)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class CaseFilterForm(forms.Form):
    text = forms.CharField(label=_("Number or title"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *CaseStatus.choices]
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any priority")), *CasePriority.choices],
    )
    mine = forms.BooleanField(label=_("Only cases I am on"), required=False)
    restricted = forms.ChoiceField(
        label=_("Restricted"),
        required=False,
        choices=[
            ("", _("Any")),
            ("yes", _("Restricted only")),
            ("no", _("Not restricted")),
        ],
    )

    def to_filter(self) -> CaseFilter:
        data = self.cleaned_data
        return CaseFilter(
            status=data.get("status") or "",
            priority=data.get("priority"),
            mine=bool(data.get("mine")),
            restricted=data.get("restricted") or "",
            text=(data.get("text") or "").strip(),
        )


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=CaseStatus.choices, initial=CaseStatus.OPEN
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, choices=CasePriority.choices, initial=CasePriority.NORMAL
    )
    restricted = forms.BooleanField(
        label=_("Restricted (need-to-know)"),
        required=False,
        help_text=_("Only the case team and administrators will see the case and what it holds."),
    )

    def to_input(self) -> CaseInput:
        data = self.cleaned_data
        return CaseInput(
            title=data["title"],
            summary=data.get("summary") or "",
            status=data["status"],
            priority=data["priority"],
            restricted=bool(data.get("restricted")),
        )


class CaseCreateForm(CaseForm):
    template = forms.ChoiceField(label=_("Template"), required=False)
    field_order = ["template", "title", "summary", "status", "priority", "restricted"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.templates = {template.code: template for template in case_template_list()}
        self.fields["template"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("", _("Blank case")),
            *((code, template.name) for code, template in self.templates.items()),
        ]
        self.fields["template"].help_text = _(
            "A template puts its prefix before the title and adds its tasks and note skeletons."
        )


class MemberForm(forms.Form):
    user = PersonChoiceField(label=_("Person"), queryset=case_team_candidates())
    role = forms.ChoiceField(label=_("Role in the case"), choices=CaseRole.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = case_team_candidates()  # type: ignore[attr-defined]  # a ModelChoiceField


class ViolationLinkForm(forms.Form):
    reference = forms.CharField(
        label=_("Violation reference"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "V-2026-000123"}),
    )
    reason = forms.CharField(label=_("Why linked"), max_length=REASON_MAX, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_violation_%s")
        super().__init__(*args, **kwargs)


class EntitySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a person, company, vehicle or identifier"),
        min_length=2,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class EntityLinkForm(forms.Form):
    entity = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("Why linked"), max_length=REASON_MAX)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_link_%s")
        super().__init__(*args, **kwargs)
