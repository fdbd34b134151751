"""Forms of signing in: the one-time code of the second factor."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import ApiToken


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
    """An administrator revokes a person's API token, and says why. Given the token, the
    form is that token's on the user page: its own ids and a label naming the client."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        error_messages={"required": _("Give a reason for revoking the token.")},
    )

    def __init__(self, *args: Any, token: ApiToken | None = None, **kwargs: Any) -> None:
        if token is not None:
            kwargs.setdefault("auto_id", f"id_token_{token.pk}_%s")
            kwargs.setdefault("initial", {"token": token.pk})
        super().__init__(*args, **kwargs)
        if token is not None:
            self.fields["reason"].label = _("Reason for revoking the token of %(client)s") % {
                "client": token.name
            }
