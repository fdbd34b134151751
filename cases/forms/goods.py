"""The goods line form of the violation page."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.forms.writes import ClientKeyForm
from cases.lib.usual_units import USUAL_UNITS
from cases.models import (
    QuantityUnit,
)
from cases.services.goods import DESCRIPTION_MAX, GoodsInput


class GoodsLineForm(ClientKeyForm):
    hs_code = forms.CharField(
        label=_("HS code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "list": "hs-code-options", "autocomplete": "off"}
        ),
        help_text=_("4 or 6 digits, e.g. 2402 for cigarettes."),
    )
    description = forms.CharField(label=_("Description"), max_length=DESCRIPTION_MAX)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3, min_value=0)
    quantity_unit = forms.ChoiceField(
        label=pgettext_lazy("of measure", "Unit"),
        choices=QuantityUnit.choices,
        # Preselected from the HS code typed, when its usual unit is known (violation_detail.js).
        widget=forms.Select(attrs={"data-usual-units": json.dumps(USUAL_UNITS)}),
    )
    value_eur = forms.DecimalField(
        label=_("Estimated value (EUR)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    seized = forms.BooleanField(label=_("Seized"), required=False, initial=True)

    def to_input(self) -> GoodsInput:
        data = {key: value for key, value in self.cleaned_data.items() if key != "client_key"}
        return GoodsInput(**data)
