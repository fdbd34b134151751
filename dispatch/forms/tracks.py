"""Forms of the track pages: units and period, a place and a moment, a month."""

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dispatch.forms.common import UnitsByNameField
from dispatch.models import MobileUnit
from dispatch.selectors.tracks import (
    MAX_NEAR_RADIUS_M,
    MAX_NEAR_WINDOW_MINUTES,
    track_selection_check,
)
from portal.lib.timefmt import DATETIME_LOCAL, supported_date


def local_input(moment: datetime) -> str:
    """A moment as a datetime-local input shows it, in the portal's time zone."""
    return timezone.localtime(moment).strftime(DATETIME_LOCAL)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


class TrackSelectionForm(forms.Form):
    """Units and a period. Field names are the API's and the exports' query names, so
    one query string serves the page, the track data and the files."""

    unit = UnitsByNameField(
        label=pgettext_lazy("mobile unit", "Units"),
        queryset=MobileUnit.objects.select_related("org_unit")
        .only("id", "call_sign", "org_unit__name")
        .order_by("call_sign"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one unit.")},
    )
    start = forms.DateTimeField(
        label=_("From"), widget=LocalDateTimeInput(), validators=[supported_date]
    )
    end = forms.DateTimeField(
        label=_("Until"), widget=LocalDateTimeInput(), validators=[supported_date]
    )

    @classmethod
    def initial_period(cls) -> dict[str, str]:
        """The last 24 hours, to the full hour."""
        end = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        return {"start": local_input(end - timedelta(days=1)), "end": local_input(end)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        units, start, end = data.get("unit"), data.get("start"), data.get("end")
        if units and start and end:
            try:
                track_selection_check(units=list(units), start=start, end=end)
            except ValidationError as error:
                self.add_error(None, error)  # the check names this form's own fields
        return data

    def query_string(self) -> str:
        """The valid selection as a query string in the page's own format."""
        data = self.cleaned_data
        pairs = [("unit", str(unit.pk)) for unit in data["unit"]]
        pairs += [("start", local_input(data["start"])), ("end", local_input(data["end"]))]
        return urlencode(pairs)

    def api_query_string(self) -> str:
        """The valid selection for the JSON endpoint: moments with their offset."""
        data = self.cleaned_data
        pairs = [("unit", str(unit.pk)) for unit in data["unit"]]
        pairs += [("start", data["start"].isoformat()), ("end", data["end"].isoformat())]
        return urlencode(pairs)


class NearPlaceForm(forms.Form):
    """Who was within ``radius`` metres of a place around a moment."""

    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    radius = forms.IntegerField(
        label=_("Radius (m)"), initial=1000, min_value=10, max_value=MAX_NEAR_RADIUS_M
    )
    at = forms.DateTimeField(
        label=_("Moment"), widget=LocalDateTimeInput(), validators=[supported_date]
    )
    minutes = forms.IntegerField(
        label=_("± minutes"), initial=30, min_value=1, max_value=MAX_NEAR_WINDOW_MINUTES
    )

    FIELDS = ("lat", "lon", "radius", "at", "minutes")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lat", "lon"):
            self.fields[name].widget.attrs.update({"step": "any", "inputmode": "decimal"})
        self.fields["radius"].widget.attrs["step"] = "10"

    @property
    def place(self) -> Point:
        return Point(self.cleaned_data["lon"], self.cleaned_data["lat"], srid=4326)

    @property
    def window(self) -> timedelta:
        return timedelta(minutes=self.cleaned_data["minutes"])
