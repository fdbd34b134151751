"""Vehicle, person and company forms of the violation page: shape only; the entity
registry (cases.services.entities) checks identifiers."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms.writes import ClientKeyForm
from cases.models import (
    InvolvementRole,
)


class VehicleForm(ClientKeyForm):
    plate = forms.CharField(
        label=_("Plate number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={"list": "known-vehicles", "autocomplete": "off", "data-entity-kind": "Vehicle"}
        ),
    )
    plate_country = forms.CharField(
        label=_("Plate country"), max_length=2, initial="LT", required=False
    )
    vin = forms.CharField(label=_("VIN"), max_length=20, required=False)
    make_model = forms.CharField(label=_("Make and model"), max_length=100, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (InvolvementRole.VEHICLE_USED, InvolvementRole.VEHICLE_USED.label),
            (InvolvementRole.OTHER, InvolvementRole.OTHER.label),
        ],
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("plate") and not cleaned.get("vin"):
            raise forms.ValidationError(_("Give the plate number or the VIN."))
        if cleaned.get("plate") and not cleaned.get("plate_country"):
            self.add_error("plate_country", _("Give the country of the plate, e.g. LT or BY."))
        return cleaned


class PersonForm(ClientKeyForm):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"list": "known-people", "autocomplete": "off", "data-entity-kind": "Person"}
        ),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    nationality = forms.CharField(
        label=_("Nationality"), max_length=2, required=False, help_text=_("Two letters, e.g. LT.")
    )
    document_type = forms.ChoiceField(
        label=_("Identity document"),
        required=False,
        choices=[
            ("", _("None shown")),
            ("passport", _("Passport")),
            ("id_card", _("Identity card")),
            ("driving_licence", _("Driving licence")),
            ("residence_permit", _("Residence permit")),
            ("other", _("Other")),
        ],
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(
            attrs={
                "list": "known-documents",
                "autocomplete": "off",
                "data-entity-kind": "Identification",
            }
        ),
    )
    document_country = forms.CharField(label=_("Issuing country"), max_length=2, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (role.value, role.label)
            for role in (
                InvolvementRole.SUSPECT,
                InvolvementRole.DRIVER,
                InvolvementRole.PASSENGER,
                InvolvementRole.OWNER,
                InvolvementRole.WITNESS,
            )
        ],
    )

    # The date of birth and the document are checked by the service
    # (cases.services.entities.person_problems), for the API as for this form.


class CompanyForm(ClientKeyForm):
    name = forms.CharField(
        label=_("Company name"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"list": "known-companies", "autocomplete": "off", "data-entity-kind": "Company"}
        ),
    )
    registration_code = forms.CharField(label=_("Registration code"), max_length=40, required=False)
    country = forms.CharField(
        label=_("Country of registration"),
        max_length=2,
        required=False,
        help_text=_("Two letters, e.g. LT."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (role.value, role.label)
            for role in (
                InvolvementRole.CONSIGNOR,
                InvolvementRole.CONSIGNEE,
                InvolvementRole.CARRIER,
                InvolvementRole.OWNER,
                InvolvementRole.OTHER,
            )
        ],
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("registration_code") and not cleaned.get("country"):
            self.add_error("country", _("Give the country of registration, e.g. LT."))
        return cleaned
