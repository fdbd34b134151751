"""Form pieces the dispatch forms share: an optional point typed (or picked on the map,
see DispatchCommon.pointPicker) as a pair of latitude/longitude fields, and a service's
ValidationError shown on the form of the page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.utils.functional import _StrPromise

    from dispatch.models import MobileUnit


def units_by_name() -> QuerySet[MobileUnit]:
    """Mobile units to offer in a form, with what their one name needs."""
    from dispatch.models import MobileUnit

    return MobileUnit.objects.select_related("org_unit").order_by("call_sign")


class UnitByNameField(forms.ModelChoiceField):
    """A unit to choose, by its one name, "MED-1 · Medininkai", as on every page."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class UnitsByNameField(forms.ModelMultipleChoiceField):
    """Units to choose from, each by its one name, "MED-1 · Medininkai"."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


def _coordinate_field(label: str | _StrPromise, limit: int) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=False,
        min_value=-limit,
        max_value=limit,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


def latitude_field(label: str | _StrPromise) -> forms.FloatField:
    """An optional WGS 84 latitude, -90…90."""
    return _coordinate_field(label, 90)


def longitude_field(label: str | _StrPromise) -> forms.FloatField:
    """An optional WGS 84 longitude, -180…180."""
    return _coordinate_field(label, 180)


def point_pair_clean(
    form: forms.Form, cleaned: dict[str, Any], latitude: str, longitude: str
) -> None:
    """Both coordinates or neither: the missing one gets the error (unless either field
    already has its own)."""
    lat, lon = cleaned.get(latitude), cleaned.get(longitude)
    if latitude in form.errors or longitude in form.errors:
        return
    if (lat is None) != (lon is None):
        form.add_error(
            longitude if lon is None else latitude,
            _("Give both the latitude and the longitude, or neither."),
        )


def point_of(cleaned: dict[str, Any], latitude: str, longitude: str) -> Point | None:
    """The point of a cleaned pair, or None when it was left empty."""
    lat, lon = cleaned.get(latitude), cleaned.get(longitude)
    return Point(lon, lat, srid=4326) if lat is not None and lon is not None else None


def add_service_errors(
    form: forms.Form, error: ValidationError, fields: Mapping[str, str] | None = None
) -> None:
    """Put a service's ValidationError on ``form``: each message at the field it names
    (``fields`` maps a service's name to the form's, e.g. {"home_base": "home_latitude"}),
    at the top of the form when the form has no such field or the service named none."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, field_messages in error.message_dict.items():
        target = (fields or {}).get(name, name)
        for message in field_messages:
            form.add_error(target if target in form.fields else None, message)
