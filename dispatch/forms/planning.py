"""Forms of the planning pages. They check shape (a GeoJSON polygon, a colour, dates);
the services check meaning (a sensible zone, shifts that do not overlap)."""

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dispatch.forms.common import UnitByNameField, units_by_name
from dispatch.models import PatrolZone, Shift
from dispatch.services.areas import MAX_GEOJSON_CHARS, polygon_from_geojson
from dispatch.services.planning import (
    SHIFT_NOTE_MAX,
    ZONE_DESCRIPTION_MAX,
    ShiftInput,
    ZoneInput,
)
from portal.lib.timefmt import DATETIME_LOCAL, supported_date

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class ZoneForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("zone name", "Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=ZONE_DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the unit watches here: roads, crossing points, known routes."),
    )
    colour = forms.CharField(
        label=_("Colour on the map"),
        initial="#2563eb",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    active = forms.BooleanField(
        label=pgettext_lazy("patrol zone", "Active"),
        required=False,
        initial=True,
        help_text=_("Inactive zones stay on record but are not offered for new shifts."),
    )
    area = forms.CharField(
        label=_("Outline (GeoJSON)"),
        max_length=MAX_GEOJSON_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "data-zone-area": ""}),
        error_messages={
            "required": _("Draw the zone on the map."),
            "max_length": _("The outline is too long; draw it with fewer corners."),
        },
        help_text=_(
            "Filled in when you draw on the map. You may also paste a GeoJSON polygon "
            "in longitude/latitude (WGS 84)."
        ),
    )

    def __init__(self, *args: Any, zone: PatrolZone | None = None, **kwargs: Any) -> None:
        if zone is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": zone.name,
                "description": zone.description,
                "colour": zone.colour,
                "active": zone.active,
                "area": zone.area.geojson,
            }
        super().__init__(*args, **kwargs)

    def clean_colour(self) -> str:
        colour = self.cleaned_data["colour"].strip()
        if not COLOUR.match(colour):
            raise forms.ValidationError(_("Choose a colour as #rrggbb."))
        return colour.lower()

    def clean_area(self) -> Polygon:
        try:
            return polygon_from_geojson(self.cleaned_data["area"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error

    def to_input(self) -> ZoneInput:
        data = self.cleaned_data
        return ZoneInput(
            name=data["name"],
            description=data["description"],
            colour=data["colour"],
            active=data["active"],
            area=data["area"],
        )


class ShiftForm(forms.Form):
    unit = UnitByNameField(
        label=pgettext_lazy("mobile unit", "Unit"),
        queryset=units_by_name(),
        empty_label="",
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        validators=[supported_date],
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        validators=[supported_date],
    )
    zone = forms.ModelChoiceField(
        label=_("Patrol zone"),
        queryset=PatrolZone.objects.none(),
        required=False,
        empty_label=_("No zone"),
        help_text=_("A unit outside its shift's zone raises a geofence alert."),
    )
    note = forms.CharField(label=_("Note"), max_length=SHIFT_NOTE_MAX, required=False)

    def __init__(self, *args: Any, shift: Shift | None = None, **kwargs: Any) -> None:
        if shift is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "unit": shift.unit_id,
                "starts_at": timezone.localtime(shift.starts_at),
                "ends_at": timezone.localtime(shift.ends_at),
                "zone": shift.zone_id,
                "note": shift.note,
            }
        super().__init__(*args, **kwargs)
        # Active zones, and the shift's own zone even if it has been deactivated since.
        zones = PatrolZone.objects.filter(active=True)
        if shift is not None and shift.zone_id is not None:
            zones = PatrolZone.objects.filter(active=True) | PatrolZone.objects.filter(
                pk=shift.zone_id
            )
        self.fields["zone"].queryset = zones.order_by("name")  # type: ignore[attr-defined]  # ModelChoiceField

    def to_input(self) -> ShiftInput:
        data = self.cleaned_data
        return ShiftInput(
            unit=data["unit"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            zone=data.get("zone"),
            note=data.get("note", ""),
        )


class BoardForm(forms.Form):
    """The board's query string: ?view=day|week&date=YYYY-MM-DD&unit=text&zone=id."""

    # The day shown is where the board is, not a filter: "Filters (n)" counts unit and zone.
    not_filters = ("date",)

    view = forms.ChoiceField(
        label=pgettext_lazy("board view", "View"),
        choices=[("day", _("Day")), ("week", _("Week"))],
        required=False,
        widget=forms.HiddenInput,
    )
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[supported_date],
    )
    unit = forms.CharField(
        label=pgettext_lazy("mobile unit", "Unit"), max_length=40, required=False
    )
    zone = forms.ModelChoiceField(
        label=_("Patrol zone"),
        queryset=PatrolZone.objects.order_by("-active", "name"),
        required=False,
        empty_label=_("All zones"),
    )

    def view_and_day(self) -> tuple[str, dt.date]:
        self.is_valid()  # a bad field is shown on the form; the good ones still count
        data = self.cleaned_data
        return data.get("view") or "day", data.get("date") or timezone.localdate()


class AlertFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Open and closed")), ("open", _("Open only"))],
    )
    unit = UnitByNameField(
        label=pgettext_lazy("mobile unit", "Unit"),
        queryset=units_by_name(),
        required=False,
        empty_label=_("All units"),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[supported_date],
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[supported_date],
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned
