"""The month chosen on the unit statistics page."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.lib.timefmt import EARLIEST_YEAR, LATEST_YEAR

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )

    def clean_month(self) -> date:
        match = MONTH.match(self.cleaned_data["month"].strip())
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise ValidationError(_("Give the month as YYYY-MM, e.g. 2026-03."))
        year, month = int(match.group(1)), int(match.group(2))
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            raise ValidationError(_("Give a month between 2000 and 2100."))
        return date(year, month, 1)
