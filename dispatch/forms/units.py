"""Forms of the mobile-unit pages. They check shape (numbers, choices); the services
in dispatch/services/units.py check meaning (a free call sign, a home base in the
operational area, a unit without open tasks)."""

from typing import Any

from django import forms
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _

from dispatch.forms.common import latitude_field, longitude_field, point_of, point_pair_clean
from dispatch.models import MobileUnit, UnitStatus
from dispatch.selectors.units import org_units_for_new_mobile_unit
from dispatch.services.units import DEVICE_NAME_MAX, REASON_MAX, UnitInput


class UnitFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Call sign, vehicle or unit"), "type": "search"}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *UnitStatus.choices],
    )


class OrgUnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        parent = obj.parent.name if obj.parent_id else ""
        return f"{obj.name} ({parent})" if parent else str(obj.name)


class UnitForm(forms.Form):
    org_unit = OrgUnitChoiceField(
        label=_("Organisational unit"),
        queryset=org_units_for_new_mobile_unit().select_related("parent"),
        empty_label=_("Choose…"),
        help_text=_(
            "The officers of this organisational unit serve in the mobile unit. Only "
            "units of kind “Mobile unit” without a mobile unit yet are offered."
        ),
        error_messages={
            "required": _("Choose the organisational unit."),
            "invalid_choice": _(
                "That organisational unit cannot get a mobile unit (another kind, "
                "inactive, or it already has one)."
            ),
        },
    )
    call_sign = forms.CharField(
        label=_("Call sign"),
        max_length=40,
        help_text=_("Letters, digits and hyphens, e.g. VLN-2. Saved in capitals."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    vehicle_plate = forms.CharField(
        label=_("Vehicle plate"),
        required=False,
        max_length=40,
        help_text=_("The plate of the unit's vehicle; leave empty when it has none."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    home_latitude = latitude_field(_("Home base latitude"))
    home_longitude = longitude_field(_("Home base longitude"))

    def __init__(self, *args: Any, unit: MobileUnit | None = None, **kwargs: Any) -> None:
        if unit is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "call_sign": unit.call_sign,
                "vehicle_plate": unit.vehicle_plate,
                "home_latitude": round(unit.home_base.y, 6) if unit.home_base else None,
                "home_longitude": round(unit.home_base.x, 6) if unit.home_base else None,
            }
        super().__init__(*args, **kwargs)
        if unit is not None:
            # The organisational unit is chosen once, at creation.
            del self.fields["org_unit"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        point_pair_clean(self, cleaned, "home_latitude", "home_longitude")
        return cleaned

    def home_base(self) -> Point | None:
        return point_of(self.cleaned_data, "home_latitude", "home_longitude")

    def to_input(self) -> UnitInput:
        data = self.cleaned_data
        return UnitInput(
            org_unit=data.get("org_unit"),
            call_sign=data["call_sign"],
            vehicle_plate=data.get("vehicle_plate") or "",
            home_base=self.home_base(),
        )

    # Where a service's problem with a field is shown on this form.
    SERVICE_FIELDS = {"home_base": "home_latitude"}


class UnitStatusForm(forms.Form):
    OUT = "out_of_service"
    BACK = "in_service"

    action = forms.ChoiceField(
        choices=[(OUT, _("Out of service")), (BACK, _("Back in service"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Give the reason; it goes into the audit trail.")},
    )


class DeviceRegisterForm(forms.Form):
    name = forms.CharField(
        label=_("Device name"),
        max_length=DEVICE_NAME_MAX,
        help_text=_("What the device is, e.g. “Patrol car tracker” or “Crew tablet”."),
        error_messages={
            "required": _("Name the device, e.g. “Patrol car tracker” or “Phone of the crew”.")
        },
    )
