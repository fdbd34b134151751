"""The case page's "link a dispatch task" form."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TaskNumberForm(forms.Form):
    task = forms.IntegerField(label=_("Task number"), min_value=1)
