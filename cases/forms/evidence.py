"""The evidence upload form of the violation page."""

from django import forms
from django.utils.translation import gettext_lazy as _


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or document"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,application/pdf", "capture": "environment"}
        ),
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
