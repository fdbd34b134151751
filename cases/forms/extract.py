"""The case extract's page form: the receiving agency, the request it answers, and
whether the documents go. What to leave out is marked beside each entity."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import AssistanceRequest, Case


class CaseExtractForm(forms.Form):
    agency = forms.CharField(
        label=_("Receiving agency"),
        max_length=200,
        help_text=_("For example: Latvian State Revenue Service, Customs Board."),
        error_messages={"required": _("Name the receiving agency.")},
    )
    assistance_request = forms.TypedChoiceField(
        label=_("Mutual assistance request it answers"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    documents = forms.BooleanField(label=_("Include the case's documents"), required=False)

    def __init__(self, *args: object, case: Case, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        requests = case.assistance_requests.order_by("-sent_on", "-pk")
        field = cast(forms.TypedChoiceField, self.fields["assistance_request"])
        field.choices = [("", _("None")), *((r.pk, self._request_label(r)) for r in requests)]

    @staticmethod
    def _request_label(request: AssistanceRequest) -> str:
        agency = request.agency_name or request.get_agency_display()
        reference = request.their_reference
        subject = request.subject[:60]
        return " · ".join(part for part in (str(agency), reference, subject) if part)
