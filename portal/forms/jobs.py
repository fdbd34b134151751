"""The filter of the jobs page and the form of a periodic job. A kind's parameters are
cleaned by the kind's own form."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.job_kinds import job_kinds
from portal.models import JobScheduleType, JobStatus, User
from portal.selectors.jobs import job_schedule_owner_choices


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.username})" if full_name else obj.username


class JobFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *JobStatus.choices]
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    owner = PersonChoiceField(
        label=_("Started by"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Anyone"),
    )

    def __init__(
        self, *args: Any, kinds: list[tuple[str, Any]], owners: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *kinds]  # type: ignore[attr-defined]
        if owners is None:  # only those who see every job filter by who started it
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class JobScheduleForm(forms.Form):
    name = forms.CharField(label=_("Schedule name"), max_length=200)
    kind = forms.ChoiceField(label=_("Job kind"))
    owner = PersonChoiceField(
        label=_("Runs as"),
        queryset=job_schedule_owner_choices(),
        help_text=_("The jobs are started as this person, with their permissions."),
    )
    schedule_type = forms.ChoiceField(label=_("Repeats"), choices=JobScheduleType.choices)
    every_minutes = forms.IntegerField(
        label=_("Every (minutes)"), required=False, min_value=1, max_value=60 * 24 * 31
    )
    crontab = forms.CharField(
        label=_("Crontab"),
        required=False,
        max_length=100,
        help_text=_(
            "Minute, hour, day of month, month, day of week, in Vilnius time; "
            "e.g. 30 2 * * 1-5 is 02:30 on working days."
        ),
    )
    parameters = forms.CharField(
        label=_("Parameters (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        help_text=_('As the kind\'s form takes them, e.g. {"format": "csv"}; empty for none.'),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (kind.name, kind.label) for kind in job_kinds()
        ]

    def clean_parameters(self) -> dict[str, Any]:
        text = self.cleaned_data["parameters"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("This is not JSON: %(error)s") % {"error": error.msg}
            ) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_('Give the parameters as an object: {"name": value}.'))
        return value
