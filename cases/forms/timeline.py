"""Input cleaning for a case's timeline page: which kinds of item to show."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.selectors.timeline import TIMELINE_KINDS


class TimelineFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label=_("Show only"),
        required=False,
        choices=list(TIMELINE_KINDS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
