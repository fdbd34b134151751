"""Forms of signing in: the one-time code of the second factor."""

from django import forms
from django.utils.translation import gettext_lazy as _


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError(_("The code is made of digits only."))
        return code


class ApiTokenRevokeForm(forms.Form):
    """Which of the person's own API tokens to revoke."""

    token = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ApiTokenRevokeWithReasonForm(ApiTokenRevokeForm):
    """An administrator revokes a person's API token, and says why."""

    reason = forms.CharField(label=_("Reason"), max_length=500)
