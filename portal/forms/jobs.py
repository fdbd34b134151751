"""The filter of the jobs page. A kind's parameters are cleaned by the kind's own form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import JobStatus


class JobFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *JobStatus.choices]
    )
